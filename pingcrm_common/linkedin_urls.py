"""LinkedIn's public profile address, the same in every service that links to one.

contacts_service gives it with each contact; suggestions_service with each suggestion's contact, whose
card keeps the member id and slug the activity feed named.
"""

from __future__ import annotations

from urllib.parse import quote


def profile_url(member_id: str | None, slug: str | None) -> str:
    """The public profile address LinkedIn serves for these ids (empty when neither is known)."""
    handle = slug or member_id
    return f"https://www.linkedin.com/in/{quote(handle, safe='')}/" if handle else ""

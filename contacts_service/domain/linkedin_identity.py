"""What identifies a LinkedIn person: the member id and the public slug.

The member id (`ACo…`, from `urn:li:fsd_profile:<id>`) never changes; the
slug (`/in/<slug>`) can be changed by its owner and later taken by someone
else. LinkedIn also serves `/in/<member id>` addresses, so a "slug" that is
really a member id is treated as one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote, unquote, urlsplit

MEMBER_ID = re.compile(r"ACo[A-Za-z0-9_-]{1,97}")
# A slug is one path segment; LinkedIn allows non-Latin letters (percent-encoded in URLs).
SLUG = re.compile(r"[^\s\x00-\x1f/?#]{1,200}")


# A LinkedIn host: linkedin.com and its subdomains (www., country ones like de.linkedin.com).
_LINKEDIN_HOST = re.compile(r"(?:[a-z0-9-]+\.)*linkedin\.com")
_PLAIN_PROFILE_URL = re.compile(r"https://www\.linkedin\.com/in/([^/?#\s]+)/?")


# What LinkedIn shows in place of the name of a member it hides (an account closed since, someone outside the
# user's network): a placeholder, compared without case.
HIDDEN_MEMBER_NAME = ("linkedin", "member")


def full_name(first: str, last: str) -> str:
    """A contact's name from LinkedIn's first and last: empty for the placeholder of a hidden member, so that it
    never replaces the name a contact had before, nor poses as the name of someone LinkedIn never named."""
    if (first.strip().casefold(), last.strip().casefold()) == HIDDEN_MEMBER_NAME:
        return ""
    return " ".join(part for part in (first.strip(), last.strip()) if part)


# Characters of LinkedIn's first-name field a contact keeps (LinkedIn itself allows 50).
MAX_GIVEN_NAME = 100


def given_name(first: str, last: str) -> str:
    """LinkedIn's first-name field, kept beside the full name because only it tells where a first name of two
    words ends ("María José" García); a draft greets by it (activity.greeting_name). Empty wherever `full_name`
    is."""
    return " ".join(first.split())[:MAX_GIVEN_NAME] if full_name(first, last) else ""


class InvalidIdentity(ValueError):
    """The identity cannot name anyone; the message says why."""


@dataclass(frozen=True)
class LinkedInId:
    member_id: str | None
    slug: str | None


def normalize(member_id: str, slug: str) -> LinkedInId:
    """Validated, canonical ids (slugs lower-case and decoded); raises InvalidIdentity."""
    member = member_id.strip() or None
    if member is not None and not MEMBER_ID.fullmatch(member):
        raise InvalidIdentity(f"member_id {member[:120]!r} is not a LinkedIn member id (ACo…)")
    raw_slug = unquote(slug.strip().strip("/"))
    if MEMBER_ID.fullmatch(raw_slug):
        # /in/ACo… is a member id in slug position: use it when the member id is missing, else drop it.
        if member is not None and member != raw_slug:
            raise InvalidIdentity(f"slug {raw_slug!r} is a member id different from member_id {member!r}")
        return LinkedInId(member_id=raw_slug, slug=None)
    canonical = raw_slug.lower() or None
    if canonical is not None and not SLUG.fullmatch(canonical):
        raise InvalidIdentity(f"slug {canonical[:120]!r} is not a LinkedIn profile slug")
    if member is None and canonical is None:
        raise InvalidIdentity("partner has neither member_id nor slug")
    return LinkedInId(member_id=member, slug=canonical)


# LinkedIn's thread ids are about 40–70 characters; a longer one (a URN up to 300 may hold it) gets no address,
# so an address always fits where it is kept (at most 42 + 3 × 100 + 1 = 343 characters, every one escaped).
MAX_THREAD_ID = 100


def conversation_url(thread_id: str) -> str:
    """Where LinkedIn's messaging opens the conversation with this thread id (`2-…`, message_key.thread_id_of);
    "" for a thread id longer than MAX_THREAD_ID."""
    if len(thread_id) > MAX_THREAD_ID:
        return ""
    # Thread ids are base64: `=` stays as LinkedIn writes it, a `/` or `+` is escaped out of the path.
    return f"https://www.linkedin.com/messaging/thread/{quote(thread_id, safe='=')}/"


@lru_cache(maxsize=4096)  # an export names the same few profiles on many rows (messages.csv: every row you)
def identity_from_url(url: str) -> LinkedInId:
    """The ids in a profile address as LinkedIn's export writes it; raises InvalidIdentity.

    Accepts `https://www.linkedin.com/in/<slug>` with or without scheme or
    `www.`, country subdomains, a trailing slash, a query string or fragment,
    and percent-encoded non-Latin slugs (decoded, as `normalize` stores them).
    """
    text = url.strip()
    if plain := _PLAIN_PROFILE_URL.fullmatch(text):  # the usual form, without urlsplit's cost (30,000 rows)
        return normalize("", plain[1])
    parts = urlsplit(text if "//" in text else f"https://{text}")
    host = (parts.hostname or "").lower()
    segments = [segment for segment in parts.path.split("/") if segment]
    if not _LINKEDIN_HOST.fullmatch(host) or len(segments) != 2 or segments[0].lower() != "in":
        raise InvalidIdentity(f"{text[:120]!r} is not a LinkedIn profile address (linkedin.com/in/…)")
    return normalize("", segments[1])

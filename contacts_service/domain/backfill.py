"""Profile backfill: which contacts the extension should fetch profiles for, and how often it is asked.

A candidate is one of the user's contacts with a LinkedIn id that misses a title, a company or an avatar,
that LinkedIn still has (the extension reports 404s and closed accounts as `profiles_gone`), and whose next
turn has come. At most 10 are handed out per push (the extension's Voyager budget per sync), the most recently
active first.

Handing a contact out counts as an attempt and puts its next turn off: 1 hour after the first, then 2, 4, 8 …
hours, at most 7 days. So a profile the extension could not fetch (rate limit, network) or that lacks the
fields (no current position, no photo) is asked for less and less often, never on every sync; a contact whose
profile completed it is not a candidate any more. A photo that could not be stored (the CDN failed, the file
was not an image …) puts the contact's next turn off the same way (domain/photos.py). When the CDN refused
the server a photo (403), the contact is due at once and its candidate carries `photo_url`: the extension
fetches the photo in the browser and uploads it (UploadContactPhoto).

ListBackfillCandidates answers the same selection without handing anything out (its RPC has no side effects).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

MAX_CANDIDATES = 10
FIRST_SPACING = timedelta(hours=1)
MAX_SPACING = timedelta(days=7)


@dataclass(frozen=True)
class Candidate:
    contact_id: str
    member_id: str | None
    slug: str | None
    photo_url: str  # the photo the CDN refused to the server; "" when the server needs no bytes
    attempts: int  # hand-outs so far


def spacing(attempts: int) -> timedelta:
    """How long after its `attempts`-th hand-out a contact is asked for again."""
    doublings = min(max(attempts - 1, 0), 20)  # past 7 days anyway; keeps the number small
    return min(FIRST_SPACING * (1 << doublings), MAX_SPACING)


def next_turn(candidate: Candidate, now: datetime) -> datetime:
    return now + spacing(candidate.attempts + 1)


def candidates_limit(requested: int) -> int:
    """ListBackfillCandidates' limit: 0 means 10, more is capped at 10."""
    return min(requested or MAX_CANDIDATES, MAX_CANDIDATES) if requested >= 0 else MAX_CANDIDATES

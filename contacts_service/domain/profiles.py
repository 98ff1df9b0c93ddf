"""Profiles the extension fetched for backfill: checked, matched to existing contacts, merged.

Rules (docs/linkedin-sync.md §2, "Profiles"):
- A profile only enriches a contact the user already has, found by its member id, else its slug (the
  partners' matching rules; a profile never creates, merges or re-assigns ids). One that matches no contact
  is reported in `rejected`.
- Names (first + last), headline and location replace the stored values when the profile has them.
- Title and company come from the first current position (no end date). The extension sends current
  positions first, the most recently started first, so with several current positions the most recent one
  wins; ties keep the extension's order, which is LinkedIn's. A profile without a current position leaves
  title and company as they are (a gap between jobs is not a job change).
- A job change is a current position whose title or company differs from a non-empty stored value: the
  contact is updated, and a `job_changed` event and a job-change row (old → new, seen at the push's time)
  are recorded. Filling an empty title or company is an update, not a job change.
- Fields the user edited by hand (domain/edits.py) are never overwritten, and do not count as changes.
- The photo's addresses (largest first, the first 8, each at most 2,048 characters) are queued for
  media_service when the contact has no avatar yet (domain/photos.py); the push itself never downloads
  anything. media_service alone judges an address (https, allowed host, public address …), so the rules
  live in one place; a refused one is logged by the worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from contacts_service.domain.activity import ContactSnapshot, ContactUpdated, JobChanged, NewActivity
from contacts_service.domain.linkedin_identity import InvalidIdentity, LinkedInId, full_name, given_name, normalize
from contacts_service.domain.push_input import ProfileInput, Rejected

MAX_NAME = 300
MAX_HEADLINE = 500
MAX_LOCATION = 300
MAX_TITLE = 300
MAX_COMPANY = 300
MAX_PHOTO_URLS = 8  # media_service's FetchAvatar tries at most 8
MAX_PHOTO_URL = 2048

# The fields a profile may set, in the order events list them.
PROFILE_FIELDS = ("full_name", "given_name", "headline", "location", "title", "company")


def _clean(text: str, limit: int) -> str:
    return " ".join(text.replace("\x00", "").split())[:limit]


@dataclass(frozen=True)
class ValidProfile:
    path: str  # profiles[i], for `rejected`
    identity: LinkedInId
    values: dict[str, str]  # PROFILE_FIELDS the profile has a value for (title/company: only with a current job)
    photo_urls: list[str]


def validate_profiles(profiles: list[ProfileInput]) -> tuple[list[ValidProfile], list[Rejected]]:
    valid, rejected = [], []
    for i, profile in enumerate(profiles):
        path = f"profiles[{i}]"
        try:
            identity = normalize(profile.member_id, profile.slug)
        except InvalidIdentity as error:
            rejected.append(Rejected(path, f"{error}; the profile was skipped"))
            continue
        first, last = _clean(profile.first_name, MAX_NAME), _clean(profile.last_name, MAX_NAME)
        values = {
            "full_name": full_name(first, last)[:MAX_NAME],
            "given_name": given_name(first, last),
            "headline": _clean(profile.headline, MAX_HEADLINE),
            "location": _clean(profile.location, MAX_LOCATION),
        }
        current = next((p for p in profile.positions if p.current and (p.title.strip() or p.company.strip())), None)
        if current is not None:
            values["title"] = _clean(current.title, MAX_TITLE)
            values["company"] = _clean(current.company, MAX_COMPANY)
        urls = [url.strip() for url in profile.photo_urls if 0 < len(url.strip()) <= MAX_PHOTO_URL][:MAX_PHOTO_URLS]
        valid.append(ValidProfile(path, identity, {k: v for k, v in values.items() if v}, urls))
    return valid, rejected


@dataclass(frozen=True)
class StoredProfile:
    """A contact as a profile merge needs it."""

    id: str
    member_id: str | None
    slug: str | None
    values: dict[str, str]  # PROFILE_FIELDS as stored
    avatar_url: str
    edited: frozenset[str]
    gone: bool = False  # reported gone earlier (a profile of it clears that)


@dataclass(frozen=True)
class JobChangeSeen:
    old_title: str
    old_company: str
    new_title: str
    new_company: str


@dataclass(frozen=True)
class ProfileMerge:
    """What one profile does to its contact."""

    contact: StoredProfile
    values: dict[str, str]  # the contact's PROFILE_FIELDS after the merge
    changed: tuple[str, ...]  # the fields that changed
    job_change: JobChangeSeen | None
    photo_urls: list[str]  # to queue; empty: nothing to fetch


def merge(contact: StoredProfile, profile: ValidProfile) -> ProfileMerge:
    values = dict(contact.values)
    for name, value in profile.values.items():
        if name not in contact.edited:
            values[name] = value
    changed = tuple(name for name in PROFILE_FIELDS if values[name] != contact.values[name])
    job_change = None
    old_title, old_company = contact.values["title"], contact.values["company"]
    if ("title" in changed and old_title) or ("company" in changed and old_company):
        job_change = JobChangeSeen(old_title, old_company, values["title"], values["company"])
    photo_urls = profile.photo_urls if not contact.avatar_url else []
    return ProfileMerge(contact, values, changed, job_change, photo_urls)


def match(
    profiles: list[ValidProfile], stored: list[StoredProfile]
) -> tuple[list[tuple[StoredProfile, ValidProfile]], list[Rejected]]:
    """Each profile's contact: the one with its member id, else its slug; a later profile of the same contact
    wins over an earlier one."""
    by_member = {c.member_id: c for c in stored if c.member_id}
    by_slug = {c.slug: c for c in stored if c.slug}
    found: dict[str, tuple[StoredProfile, ValidProfile]] = {}
    rejected = []
    for profile in profiles:
        member, slug = profile.identity.member_id, profile.identity.slug
        contact = (by_member.get(member) if member else None) or (by_slug.get(slug) if slug else None)
        if contact is None:
            rejected.append(Rejected(profile.path, "no contact has this member id or slug; profiles only enrich "
                                     "existing contacts"))  # fmt: skip
            continue
        found[contact.id] = (contact, profile)
    return list(found.values()), rejected


def profile_activity(merges: list[ProfileMerge], now: datetime) -> list[NewActivity]:
    """The feed's events of a batch of profiles: per changed contact a `job_changed` (when it is one), then a
    `contact_updated` naming the fields."""
    events = []
    for m in merges:
        if not m.changed:
            continue
        snapshot = ContactSnapshot.of(
            m.contact.member_id, m.contact.slug, {**m.values, "avatar_url": m.contact.avatar_url}
        )
        if m.job_change is not None:
            job = m.job_change
            detail = JobChanged(job.old_title, job.old_company, job.new_title, job.new_company)
            events.append(NewActivity(m.contact.id, now, snapshot, detail))
        events.append(NewActivity(m.contact.id, now, snapshot, ContactUpdated(m.changed)))
    return events

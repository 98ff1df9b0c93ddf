"""Which contact each pushed partner is: a pure plan, no database access.

Rules (docs/architecture.md §6, docs/linkedin-sync.md §2):
- A partner matches the user's contact with the same member id, else the
  one with the same slug. Names never match anyone.
- A contact known by one id and later seen with both gets the missing id.
  When the member id and the slug each name a different contact, and the
  slug's contact has no member id, they are one person: the two merge (the
  older contact survives, keeps its non-empty fields and fills its empty
  ones from the other, and takes over its interactions).
- Member ids are stable, slugs are not: when the slug's contact has another
  member id, its owner changed slugs and the slug moves to the partner.
- Partners' names, headline and profile address overwrite the stored ones
  when present (they are what LinkedIn shows now), but never a field the
  user edited by hand (domain/edits.py) — except for partners
  from an export (messages.csv), which only fill in empty fields: an export
  may be older than what the sync stored.
- A row of an import (Connections.csv) is the contact with its member id or
  slug, else the one with its email (`import_match`); never by name.

The caller loads every contact that has one of the batch's ids, plans, and
applies the plan under the user's push lock (see push.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TypeVar

from contacts_service.domain.linkedin_identity import LinkedInId
from pingcrm_common.models import new_id

# Profile fields a merge may fill in on the surviving contact.
# given_name is LinkedIn's first-name field, set with the full name (linkedin_identity.given_name).
PROFILE_FIELDS = (
    "full_name",
    "given_name",
    "headline",
    "title",
    "company",
    "location",
    "email",
    "avatar_url",
    "linkedin_url",
)


@dataclass(frozen=True)
class KnownContact:
    """A stored contact, as far as matching needs it."""

    id: str
    member_id: str | None
    slug: str | None
    created_at: datetime
    profile: dict[str, str]
    edited: frozenset[str] = frozenset()  # fields the user edited by hand: never overwritten (domain/edits.py)


@dataclass(frozen=True)
class Partner:
    """A validated conversation partner."""

    identity: LinkedInId
    full_name: str
    headline: str
    profile_url: str
    given_name: str = ""  # LinkedIn's first-name field; an export's partners have none


@dataclass
class ContactDraft:
    """A contact as the plan leaves it."""

    id: str
    member_id: str | None
    slug: str | None
    created_at: datetime
    profile: dict[str, str]
    original: KnownContact | None  # None for a contact this push creates
    absorbed: list[str] = field(default_factory=list)  # ids of contacts merged into this one
    connected_on: date | None = None  # a new contact's connection date (Connections.csv)
    imported_profile: str | None = None  # a new contact's imported values (domain/imports/connections.py)

    @property
    def is_new(self) -> bool:
        return self.original is None

    def changed(self) -> bool:
        if self.original is None:
            return True
        return bool(self.absorbed) or (self.member_id, self.slug, self.profile) != (
            self.original.member_id,
            self.original.slug,
            self.original.profile,
        )


@dataclass
class MatchPlan:
    contact_ids: list[str]  # the contact of each partner, in input order
    created: list[ContactDraft]
    updated: list[ContactDraft]  # existing contacts whose ids or profile change, or that absorbed others
    merges: list[tuple[str, str]]  # (survivor id, absorbed id)
    slug_releases: list[str]  # existing contacts whose stored slug must be cleared before slugs are set
    contacts: dict[str, ContactDraft]  # every contact the push leaves in place, by id, as it leaves it


class _Planner:
    def __init__(self, known: list[KnownContact], now: datetime, overwrite_profile: bool) -> None:
        self._now = now
        self._overwrite_profile = overwrite_profile
        self._drafts = [
            ContactDraft(c.id, c.member_id, c.slug, c.created_at, dict(c.profile), original=c) for c in known
        ]
        self._by_member = {d.member_id: d for d in self._drafts if d.member_id}
        self._by_slug = {d.slug: d for d in self._drafts if d.slug}
        self._merges: list[tuple[str, str]] = []
        self._gone: set[str] = set()
        self._replaced_by: dict[str, str] = {}

    def resolve(self, partner: Partner) -> ContactDraft:
        member, slug = partner.identity.member_id, partner.identity.slug
        by_member = self._by_member.get(member) if member else None
        by_slug = self._by_slug.get(slug) if slug else None
        target = by_member or by_slug
        if by_member and by_slug and by_member is not by_slug:
            if by_slug.member_id is None:
                target = self._merge(by_member, by_slug)
            else:
                self._release_slug(by_slug)  # its owner changed slugs; the slug is the partner's now
                target = by_member
        elif by_slug and member and by_slug.member_id not in (None, member):
            self._release_slug(by_slug)
            target = None
        if target is None:
            target = ContactDraft(new_id(), None, None, self._now, dict.fromkeys(PROFILE_FIELDS, ""), original=None)
            self._drafts.append(target)
        if member and target.member_id is None:
            target.member_id = member
            self._by_member[member] = target
        if slug and target.slug != slug:
            self._release_slug(target)
            target.slug = slug
            self._by_slug[slug] = target
        for name, value in (
            ("full_name", partner.full_name),
            ("given_name", partner.given_name),
            ("headline", partner.headline),
            ("linkedin_url", partner.profile_url),
        ):
            edited = target.original is not None and name in target.original.edited
            if value and not edited and (self._overwrite_profile or not target.profile[name]):
                target.profile[name] = value
        return target

    def _merge(self, first: ContactDraft, second: ContactDraft) -> ContactDraft:
        # The older stored contact survives (its id may be bookmarked); one this push drafted never does,
        # because interactions can only move to a row that already exists.
        survivor, absorbed = sorted((first, second), key=lambda d: (d.is_new, d.created_at, d.id))
        for name in PROFILE_FIELDS:
            if not survivor.profile[name]:
                survivor.profile[name] = absorbed.profile[name]
        if not absorbed.is_new:
            survivor.absorbed.extend([absorbed.id, *absorbed.absorbed])
            self._merges.append((survivor.id, absorbed.id))
        self._gone.add(absorbed.id)
        self._replaced_by[absorbed.id] = survivor.id
        if absorbed.member_id:
            survivor.member_id = survivor.member_id or absorbed.member_id
            self._by_member[absorbed.member_id] = survivor
        if absorbed.slug:
            self._release_slug(absorbed)
            if survivor.slug is None:
                survivor.slug = absorbed.slug
                self._by_slug[survivor.slug] = survivor
        return survivor

    def _release_slug(self, draft: ContactDraft) -> None:
        if draft.slug is not None and self._by_slug.get(draft.slug) is draft:
            del self._by_slug[draft.slug]
        draft.slug = None

    def plan(self, resolved: list[str]) -> MatchPlan:
        live = [d for d in self._drafts if d.id not in self._gone]
        existing = [d for d in live if not d.is_new]
        return MatchPlan(
            # A contact resolved early may be absorbed by a later merge: point at the survivor.
            contact_ids=[self._survivor(contact_id) for contact_id in resolved],
            created=[d for d in live if d.is_new],
            updated=[d for d in existing if d.changed()],
            merges=self._merges,
            # Cleared first, so that setting any new slug never collides with a stale copy.
            slug_releases=[
                d.id for d in existing if d.original and d.original.slug is not None and d.slug != d.original.slug
            ],
            contacts={d.id: d for d in live},
        )

    def _survivor(self, contact_id: str) -> str:
        while contact_id in self._replaced_by:
            contact_id = self._replaced_by[contact_id]
        return contact_id


def plan_matches(
    partners: list[Partner], known: list[KnownContact], now: datetime, *, overwrite_profile: bool = True
) -> MatchPlan:
    """Resolve every partner to a contact: existing, merged or new. Without `overwrite_profile` (an export's
    partners) names, headline and address only fill in empty fields."""
    planner = _Planner(known, now, overwrite_profile)
    return planner.plan([planner.resolve(partner).id for partner in partners])


C = TypeVar("C")


def import_match(
    identity: LinkedInId | None,
    email: str,
    *,
    by_member: Mapping[str, C],
    by_slug: Mapping[str, C],
    by_email: Mapping[str, C],
) -> C | None:
    """The contact an imported row is: the one with its member id, else its slug, else its email (stored lower
    case). Names never match: two people may share one."""
    if identity is not None and identity.member_id and (found := by_member.get(identity.member_id)) is not None:
        return found
    if identity is not None and identity.slug and (found := by_slug.get(identity.slug)) is not None:
        return found
    return by_email.get(email) if email else None

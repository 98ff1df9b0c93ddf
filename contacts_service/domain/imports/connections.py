"""Connections.csv: each row read, matched to a contact and stored.

- A row needs a profile address (`URL`, linkedin.com/in/<slug>) or an
  email. Placeholder rows for members LinkedIn hides (`LinkedIn,Member`, or
  neither name nor address) are reported with their line and not imported.
- A row is the contact with its slug, else the one with its email
  (matching.import_match), never by name: a connection you already message
  is the same contact, and gains the connection date and the Connections
  source.
- Re-importing the same or a newer export creates nothing new. A field is
  set from the file only while it is empty or still holds what the last
  import wrote there; a value the sync or the user put in since is kept.
  The values an import wrote are kept with the contact (`imported_profile`).
  A field the user edited by hand (domain/edits.py) is never set.
- `Connected On` is stored as the connection date (the file's value wins:
  it is LinkedIn's).
- The activity feed (docs/activity-feed.md) gets, in the batch's
  transaction: `contact_added` (source `connections_import`) and
  `connection_imported` for each new contact; for a contact already known,
  `contact_updated` naming the fields the row changed and
  `connection_imported` when it becomes a connection or its date changes.
A row with a `Connected On` that is not a date is imported without it and
also reported.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from contacts_service.domain.activity import (
    SOURCE_CONNECTIONS_IMPORT,
    ConnectionImported,
    ContactAdded,
    ContactSnapshot,
    ContactUpdated,
    NewActivity,
)
from contacts_service.domain.imports.csv_format import Header, Record, clean, parse_connected_on
from contacts_service.domain.imports.records import Counts, KnownConnection, RowError
from contacts_service.domain.linkedin_identity import (
    MAX_GIVEN_NAME,
    InvalidIdentity,
    LinkedInId,
    full_name,
    given_name,
    identity_from_url,
)
from contacts_service.domain.matching import PROFILE_FIELDS, ContactDraft, import_match
from contacts_service.domain.push import ConcurrentChange
from contacts_service.domain.records import ContactChange
from contacts_service.domain.sources import Source
from contacts_service.store import activity, connections, contacts, sync_state
from pingcrm_common.db import Session
from pingcrm_common.linkedin_urls import profile_url
from pingcrm_common.models import new_id

# The contact fields a Connections row sets, and their stored lengths.
IMPORTED_FIELDS = {
    "full_name": 300,
    "given_name": MAX_GIVEN_NAME,
    "title": 300,
    "company": 300,
    "email": 320,
    "linkedin_url": 500,
}
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


@dataclass(frozen=True)
class ConnectionRow:
    line: int
    identity: LinkedInId | None  # None: the row has an email only
    email: str  # lower case, or empty
    values: dict[str, str]  # IMPORTED_FIELDS → the file's value (empty when the file has none)
    connected_on: date | None


def read(header: Header, record: Record) -> ConnectionRow | RowError | None:
    """A data row as a connection, a reason it cannot be one, or None for a blank line. A `Connected On` that is
    not a date leaves the date out; `date_problem` says so."""
    if record.problem:
        return RowError(record.line, record.problem)
    if not any(value.strip() for value in record.fields):
        return None
    value = header.value
    first, last = clean(value(record.fields, "first_name"), 150), clean(value(record.fields, "last_name"), 150)
    name = full_name(first, last) or clean(value(record.fields, "full_name"), 300)
    url = value(record.fields, "url")
    email = value(record.fields, "email").lower()
    email = email if EMAIL.fullmatch(email) and len(email) <= IMPORTED_FIELDS["email"] else ""
    identity: LinkedInId | None = None
    if url:
        try:
            identity = identity_from_url(url)
        except InvalidIdentity as error:
            return RowError(record.line, str(error))
    elif not name:  # LinkedIn's placeholder for a member it hides ("LinkedIn Member") names nobody
        return RowError(record.line, "LinkedIn hides this member: the row has no profile address")
    elif not email:
        return RowError(record.line, f"{name!r} has neither a profile address nor an email; nothing identifies them")
    connected_text = value(record.fields, "connected_on")
    return ConnectionRow(
        line=record.line,
        identity=identity,
        email=email,
        values={
            "full_name": name,
            "given_name": given_name(first, last),
            "title": clean(value(record.fields, "position"), IMPORTED_FIELDS["title"]),
            "company": clean(value(record.fields, "company"), IMPORTED_FIELDS["company"]),
            "email": email,
            "linkedin_url": profile_url(identity.member_id, identity.slug) if identity else "",
        },
        connected_on=parse_connected_on(connected_text) if connected_text else None,
    )


def date_problem(header: Header, record: Record, row: ConnectionRow) -> RowError | None:
    """The row's `Connected On` when it was there but not a date (the row is imported without it)."""
    text = header.value(record.fields, "connected_on")
    if text and row.connected_on is None:
        return RowError(row.line, f"Connected On {text[:40]!r} is not a date like '05 Mar 2024'; imported without it")
    return None


@dataclass
class _Target:
    """A contact as this batch leaves it: a stored one, or one the batch creates."""

    id: str
    member_id: str | None
    slug: str | None
    values: dict[str, str]
    imported: dict[str, str]
    connected_on: date | None
    sources: int
    is_new: bool
    changed: bool = False
    original: KnownConnection | None = field(default=None, repr=False)

    @classmethod
    def stored(cls, known: KnownConnection) -> _Target:
        values = {name: getattr(known, name) for name in IMPORTED_FIELDS}
        return cls(
            known.id, known.member_id, known.slug, values, dict(known.imported), known.connected_on, known.sources,
            is_new=False, original=known,
        )  # fmt: skip

    @classmethod
    def new(cls, identity: LinkedInId | None) -> _Target:
        member_id, slug = (identity.member_id, identity.slug) if identity else (None, None)
        return cls(new_id(), member_id, slug, dict.fromkeys(IMPORTED_FIELDS, ""), {}, None, 0, is_new=True)

    def take(self, row: ConnectionRow) -> None:
        """The row's values where the field is empty or still holds what an import wrote, never a field the user
        edited by hand; its date; the source."""
        edited = self.original.edited if self.original else frozenset()
        for name, new in row.values.items():
            if name in edited:
                continue
            current = self.values[name]
            if new and current != new and (not current or current == self.imported.get(name)):
                self.values[name] = new
                self.changed = True
            if new and self.values[name] == new:
                self.imported[name] = new
        if row.connected_on is not None and row.connected_on != self.connected_on:
            self.connected_on = row.connected_on
            self.changed = True
        if not self.sources & Source.CONNECTIONS_IMPORT:
            self.sources |= Source.CONNECTIONS_IMPORT
            self.changed = True

    def events(self, now: datetime) -> list[NewActivity]:
        """What the feed learns of this contact from the batch."""
        original = self.original
        display = {"headline": original.headline, "avatar_url": original.avatar_url} if original else {}
        snapshot = ContactSnapshot.of(self.member_id, self.slug, {**display, **self.values})
        connected = NewActivity(self.id, now, snapshot, ConnectionImported(self.connected_on))
        if original is None:
            return [NewActivity(self.id, now, snapshot, ContactAdded(SOURCE_CONNECTIONS_IMPORT)), connected]
        changed = [name for name in ("member_id", "slug") if getattr(self, name) != getattr(original, name)]
        changed += [name for name, value in self.values.items() if value != getattr(original, name)]
        events = [NewActivity(self.id, now, snapshot, ContactUpdated(tuple(changed)))] if changed else []
        newly = not original.sources & Source.CONNECTIONS_IMPORT or self.connected_on != original.connected_on
        return [*events, connected] if newly else events

    def draft(self, now: datetime) -> ContactDraft:
        profile = dict.fromkeys(PROFILE_FIELDS, "") if self.is_new else {}
        profile.update(self.values)
        return ContactDraft(
            self.id, self.member_id, self.slug, now, profile, original=None,
            connected_on=self.connected_on, imported_profile=json.dumps(self.imported, sort_keys=True),
        )  # fmt: skip


@dataclass
class BatchPlan:
    created: list[ContactDraft]
    changes: list[ContactChange]
    events: list[NewActivity]
    counts: Counts


def plan_batch(rows: list[ConnectionRow], known: list[KnownConnection], now: datetime) -> BatchPlan:
    """Which contact each row is (stored, created by an earlier row of the batch, or new) and what changes."""
    targets = [_Target.stored(contact) for contact in known]
    by_member = {t.member_id: t for t in targets if t.member_id}
    by_slug = {t.slug: t for t in targets if t.slug}
    by_email: dict[str, _Target] = {}
    for stored in targets:  # the oldest contact with an email keeps it (emails are not unique)
        if stored.values["email"]:
            by_email.setdefault(stored.values["email"], stored)
    counts = Counts(processed=len(rows))
    touched: dict[str, _Target] = {}  # in the order the rows first name them
    for row in rows:
        target = import_match(row.identity, row.email, by_member=by_member, by_slug=by_slug, by_email=by_email)
        if target is not None and target.is_new:
            counts.skipped += 1  # the same person twice in the file
            continue
        if target is None:
            target = _Target.new(row.identity)
            targets.append(target)
        was_changed = target.changed
        touched.setdefault(target.id, target)
        target.take(row)
        _fill_ids(target, row.identity, by_member, by_slug)
        _index(target, by_member, by_slug, by_email)
        if target.is_new:
            counts.created += 1
        elif target.changed and not was_changed:
            counts.updated += 1
        else:
            counts.skipped += 1  # already up to date
    created = [t.draft(now) for t in targets if t.is_new]
    changes = [ContactChange(t.id, t.draft(now), 0, None) for t in targets if not t.is_new and t.changed]
    events = [event for target in touched.values() if target.changed for event in target.events(now)]
    return BatchPlan(created, changes, events, counts)


def _fill_ids(
    target: _Target, identity: LinkedInId | None, by_member: dict[str, _Target], by_slug: dict[str, _Target]
) -> None:
    """A contact found by email gets the row's ids when it has none and nobody else holds them."""
    if identity is None:
        return
    if identity.member_id and target.member_id is None and identity.member_id not in by_member:
        target.member_id = identity.member_id
        target.changed = True
    if identity.slug and target.slug is None and identity.slug not in by_slug:
        target.slug = identity.slug
        target.changed = True


def _index(
    target: _Target, by_member: dict[str, _Target], by_slug: dict[str, _Target], by_email: dict[str, _Target]
) -> None:
    if target.member_id:
        by_member.setdefault(target.member_id, target)
    if target.slug:
        by_slug.setdefault(target.slug, target)
    if target.values["email"]:
        by_email.setdefault(target.values["email"], target)


async def store_batch(session: Session, user_id: str, rows: list[ConnectionRow], now: datetime) -> Counts:
    """Store a batch of rows in the caller's transaction, under the user's lock (as pushes take it)."""
    await sync_state.lock_user(session, user_id)
    known = await connections.candidates(
        session,
        user_id,
        member_ids={row.identity.member_id for row in rows if row.identity and row.identity.member_id},
        slugs={row.identity.slug for row in rows if row.identity and row.identity.slug},
        emails={row.email for row in rows if row.email},
    )
    plan = plan_batch(rows, known, now)
    created = await contacts.create(session, user_id, plan.created, now, sources=Source.CONNECTIONS_IMPORT)
    if created != len(plan.created):
        raise ConcurrentChange(f"{len(plan.created) - created} contact(s) appeared while the batch was planned")
    await contacts.apply_changes(session, user_id, plan.changes, now, sources=Source.CONNECTIONS_IMPORT)
    await activity.record(session, user_id, plan.events, now)
    plan.counts.contacts_created = len(plan.created)
    return plan.counts

"""Recording a LinkedIn push: validate, match partners, store messages, count.

Everything a push writes happens in one transaction, in this order:
1. Upsert the user's sync_state row (last_push_at). Being the first write,
   it also serializes pushes of the same user: PostgreSQL holds the row lock
   until commit, SQLite has a single writer. Matching and merging then never
   race another push of that user, while different users never wait on each
   other.
2. Load the contacts that carry any member id or slug of the batch (one
   query on the unique indexes: the cost follows the batch, not the user's
   contact count) and plan the matches (matching.py).
3. Merge, clear moved slugs, create new contacts (INSERT … ON CONFLICT DO
   NOTHING; a conflict means another writer got there first, and the whole
   push runs again and finds that contact).
4. Insert the messages with ON CONFLICT (user_id, source_urn) DO NOTHING and
   count what was really inserted, so re-pushes and racing pushes never
   duplicate and the counts are exact.
5. Update aggregates relative to the stored values (count + n, last message
   only if newer), in one executemany.
Rows are written in key order so that concurrent transactions (pushes of
different users, later writers) take row locks in the same order; deadlocks
and serialization failures are retried by Database.transaction.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Boolean, Integer, String, Table, Text, and_, bindparam, case, delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel.ext.asyncio.session import AsyncSession

from contacts_service.matching import PROFILE_FIELDS, ContactDraft, KnownContact, MatchPlan, Partner, plan_matches
from contacts_service.models import Contact, Interaction, SyncState
from contacts_service.push_input import PushInput, Rejected, ValidConversation, validate
from pingcrm_common.clock import Clock
from pingcrm_common.db import Database, is_transient
from pingcrm_common.models import UTCDateTime, new_id

CONTACTS: Table = Contact.__table__  # type: ignore[attr-defined]
INTERACTIONS: Table = Interaction.__table__  # type: ignore[attr-defined]
SYNC_STATE: Table = SyncState.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class PushResult:
    contacts_created: int
    contacts_updated: int
    interactions_created: int
    interactions_skipped: int
    rejected: list[Rejected]


@dataclass(frozen=True)
class _Stored:
    contacts_created: int
    contacts_updated: int
    interactions_created: int
    interactions_skipped: int


class ConcurrentChange(Exception):
    """A contact this push meant to create was created by another writer meanwhile: plan again."""


async def record_push(database: Database, user_id: str, push: PushInput, clock: Clock) -> PushResult:
    """Store a push for `user_id`; malformed items are reported, not stored."""
    now = clock.now()
    conversations, rejected = validate(push, now)

    async def store(session: AsyncSession) -> _Stored:
        return await _store(session, database.dialect, user_id, conversations, now)

    stored = await database.transaction(
        store, retry_if=lambda error: isinstance(error, ConcurrentChange) or is_transient(error)
    )
    return PushResult(
        contacts_created=stored.contacts_created,
        contacts_updated=stored.contacts_updated,
        interactions_created=stored.interactions_created,
        interactions_skipped=stored.interactions_skipped,
        rejected=rejected,
    )


def _insert(dialect: str, table: Table) -> Any:
    """INSERT in the dialect that can say ON CONFLICT."""
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


@cache
def _create_contacts(dialect: str) -> Any:
    return _insert(dialect, CONTACTS).on_conflict_do_nothing().returning(CONTACTS.c.id)


MESSAGE_COLUMNS = ("id", "user_id", "contact_id", "source_urn", "from_self", "text", "occurred_at")
_ARRAY_TYPES = {"from_self": Boolean(), "text": Text(), "occurred_at": UTCDateTime()}


@cache
def _insert_interactions(dialect: str) -> Any:
    """INSERT … ON CONFLICT (user_id, source_urn) DO NOTHING RETURNING what was really inserted."""
    if dialect == "postgresql":
        # One array per column, unnested: the statement text (and its prepared plan) is the same for any
        # number of messages, and PostgreSQL reads the rows from 7 parameters instead of 7 per message.
        arrays = [
            bindparam(f"a_{name}", type_=postgresql.ARRAY(_ARRAY_TYPES.get(name, String()))) for name in MESSAGE_COLUMNS
        ]
        rows = func.unnest(*arrays).table_valued(*MESSAGE_COLUMNS).render_derived()
        insert = postgresql.insert(INTERACTIONS).from_select(
            list(MESSAGE_COLUMNS), select(*[rows.c[name] for name in MESSAGE_COLUMNS])
        )
    else:
        insert = sqlite.insert(INTERACTIONS)
    return insert.on_conflict_do_nothing(index_elements=[INTERACTIONS.c.user_id, INTERACTIONS.c.source_urn]).returning(
        INTERACTIONS.c.contact_id,
        INTERACTIONS.c.source_urn,
        INTERACTIONS.c.from_self,
        INTERACTIONS.c.text,
        INTERACTIONS.c.occurred_at,
    )


async def _store(
    session: AsyncSession, dialect: str, user_id: str, conversations: list[ValidConversation], now: datetime
) -> _Stored:
    await _lock_and_mark_push(session, dialect, user_id, now)
    partners = [conversation.partner for conversation in conversations]
    plan = plan_matches(partners, await _load_matching(session, user_id, partners), now)
    await _merge(session, user_id, plan.merges)
    await _release_slugs(session, user_id, plan.slug_releases)
    await _create(session, dialect, user_id, plan.created, now)
    messages, duplicates = _message_rows(user_id, conversations, plan.contact_ids)
    inserted = await _insert_messages(session, dialect, messages)
    newest = _newest_per_contact(inserted)
    await _update(session, user_id, plan, newest, now)
    survivors = sorted({survivor for survivor, _ in plan.merges})
    await _recount(session, user_id, survivors)
    # Updated: existing contacts whose ids or profile changed, that absorbed others, or that got new messages.
    touched = ({draft.id for draft in plan.updated} | newest.keys()) - {draft.id for draft in plan.created}
    return _Stored(
        contacts_created=len(plan.created),
        contacts_updated=len(touched),
        interactions_created=len(inserted),
        interactions_skipped=len(messages) - len(inserted) + duplicates,
    )


async def _lock_and_mark_push(session: AsyncSession, dialect: str, user_id: str, now: datetime) -> None:
    statement = (
        _insert(dialect, SYNC_STATE)
        .values(user_id=user_id, last_push_at=now)
        .on_conflict_do_update(index_elements=[SYNC_STATE.c.user_id], set_={"last_push_at": now})
    )
    await session.exec(statement)


async def _load_matching(session: AsyncSession, user_id: str, partners: list[Partner]) -> list[KnownContact]:
    member_ids = sorted({p.identity.member_id for p in partners if p.identity.member_id})
    slugs = sorted({p.identity.slug for p in partners if p.identity.slug})
    matches = []
    if member_ids:
        matches.append(CONTACTS.c.linkedin_member_id.in_(member_ids))
    if slugs:
        matches.append(CONTACTS.c.linkedin_slug.in_(slugs))
    if not matches:
        return []
    columns = [CONTACTS.c[name] for name in PROFILE_FIELDS]
    statement = select(
        CONTACTS.c.id, CONTACTS.c.linkedin_member_id, CONTACTS.c.linkedin_slug, CONTACTS.c.created_at, *columns
    ).where(CONTACTS.c.user_id == user_id, or_(*matches))
    rows = (await session.exec(statement)).all()
    return [
        KnownContact(
            id=row[0],
            member_id=row[1],
            slug=row[2],
            created_at=row[3],
            profile={name: row[4 + i] or "" for i, name in enumerate(PROFILE_FIELDS)},
        )
        for row in rows
    ]


async def _merge(session: AsyncSession, user_id: str, merges: list[tuple[str, str]]) -> None:
    """Move the absorbed contacts' interactions to their survivors, then delete them (in plan order)."""
    for survivor, absorbed in merges:
        await session.exec(
            update(INTERACTIONS)
            .where(INTERACTIONS.c.user_id == user_id, INTERACTIONS.c.contact_id == absorbed)
            .values(contact_id=survivor)
        )
        await session.exec(delete(CONTACTS).where(CONTACTS.c.user_id == user_id, CONTACTS.c.id == absorbed))


async def _release_slugs(session: AsyncSession, user_id: str, contact_ids: list[str]) -> None:
    if contact_ids:
        await session.exec(
            update(CONTACTS)
            .where(CONTACTS.c.user_id == user_id, CONTACTS.c.id.in_(sorted(contact_ids)))
            .values(linkedin_slug=None)
        )


async def _create(session: AsyncSession, dialect: str, user_id: str, drafts: list[ContactDraft], now: datetime) -> None:
    if not drafts:
        return
    rows = [
        {
            "id": draft.id,
            "user_id": user_id,
            "linkedin_member_id": draft.member_id,
            "linkedin_slug": draft.slug,
            **draft.profile,
            "last_message_text": None,
            "last_message_from_self": None,
            "last_message_at": None,
            "last_interaction_at": None,
            "interaction_count": 0,
            "created_at": now,
            "updated_at": now,
        }
        for draft in sorted(drafts, key=lambda d: (d.member_id or "", d.slug or ""))
    ]
    created = (await session.exec(_create_contacts(dialect), params=rows)).all()
    if len(created) != len(rows):
        raise ConcurrentChange(f"{len(rows) - len(created)} contact(s) appeared while this push was planned")


def _message_rows(
    user_id: str, conversations: list[ValidConversation], contact_ids: list[str]
) -> tuple[list[dict[str, Any]], int]:
    """One row per distinct URN (the first occurrence wins), in URN order; and how many repeats were dropped."""
    rows: dict[str, dict[str, Any]] = {}
    repeats = 0
    for conversation, contact_id in zip(conversations, contact_ids, strict=True):
        for message in conversation.messages:
            if message.urn in rows:
                repeats += 1
                continue
            rows[message.urn] = {
                "id": new_id(),
                "user_id": user_id,
                "contact_id": contact_id,
                "source_urn": message.urn,
                "from_self": message.from_self,
                "text": message.text,
                "occurred_at": message.sent_at,
            }
    return [rows[urn] for urn in sorted(rows)], repeats


@dataclass(frozen=True)
class _Inserted:
    contact_id: str
    source_urn: str
    from_self: bool
    text: str
    occurred_at: datetime


async def _insert_messages(session: AsyncSession, dialect: str, rows: list[dict[str, Any]]) -> list[_Inserted]:
    if not rows:
        return []
    if dialect == "postgresql":
        params: Any = {f"a_{name}": [row[name] for row in rows] for name in MESSAGE_COLUMNS}
    else:
        params = rows
    return [_Inserted(*row) for row in (await session.exec(_insert_interactions(dialect), params=params)).all()]


@dataclass(frozen=True)
class _ContactDelta:
    added: int
    newest: _Inserted


def _newest_per_contact(inserted: list[_Inserted]) -> dict[str, _ContactDelta]:
    grouped: dict[str, list[_Inserted]] = defaultdict(list)
    for row in inserted:
        grouped[row.contact_id].append(row)
    return {
        contact_id: _ContactDelta(len(rows), max(rows, key=lambda r: (r.occurred_at, r.source_urn)))
        for contact_id, rows in grouped.items()
    }


def _build_aggregate_update() -> Any:
    """One UPDATE for executemany: profile columns when given (NULL keeps the stored value), aggregates relative."""
    at = bindparam("b_at", type_=UTCDateTime())
    newer_message = and_(at.is_not(None), or_(CONTACTS.c.last_message_at.is_(None), CONTACTS.c.last_message_at < at))
    newer_activity = and_(
        at.is_not(None), or_(CONTACTS.c.last_interaction_at.is_(None), CONTACTS.c.last_interaction_at < at)
    )
    keep_or_set = {
        column: func.coalesce(bindparam(f"b_{column}", type_=String()), CONTACTS.c[column])
        for column in ("linkedin_member_id", "linkedin_slug", *PROFILE_FIELDS)
    }
    return (
        update(CONTACTS)
        .where(CONTACTS.c.user_id == bindparam("b_user_id"), CONTACTS.c.id == bindparam("b_contact_id"))
        .values(
            **keep_or_set,
            interaction_count=CONTACTS.c.interaction_count + bindparam("b_added", type_=Integer()),
            last_message_text=case(
                (newer_message, bindparam("b_text", type_=String())), else_=CONTACTS.c.last_message_text
            ),
            last_message_from_self=case(
                (newer_message, bindparam("b_from_self", type_=Boolean())), else_=CONTACTS.c.last_message_from_self
            ),
            last_message_at=case((newer_message, at), else_=CONTACTS.c.last_message_at),
            last_interaction_at=case((newer_activity, at), else_=CONTACTS.c.last_interaction_at),
            updated_at=bindparam("b_now", type_=UTCDateTime()),
        )
    )


AGGREGATE_UPDATE = _build_aggregate_update()


async def _update(
    session: AsyncSession, user_id: str, plan: MatchPlan, deltas: dict[str, _ContactDelta], now: datetime
) -> None:
    changed = {draft.id: draft for draft in plan.updated}
    params = []
    for contact_id in sorted(changed.keys() | deltas.keys()):
        draft = changed.get(contact_id)
        delta = deltas.get(contact_id)
        row: dict[str, Any] = {"b_user_id": user_id, "b_contact_id": contact_id, "b_now": now}
        row["b_linkedin_member_id"] = draft.member_id if draft else None
        row["b_linkedin_slug"] = draft.slug if draft else None
        for name in PROFILE_FIELDS:
            row[f"b_{name}"] = draft.profile[name] if draft else None
        row["b_added"] = delta.added if delta else 0
        row["b_at"] = delta.newest.occurred_at if delta else None
        row["b_text"] = delta.newest.text if delta else None
        row["b_from_self"] = delta.newest.from_self if delta else None
        params.append(row)
    if params:
        await session.exec(AGGREGATE_UPDATE, params=params)


async def _recount(session: AsyncSession, user_id: str, contact_ids: list[str]) -> None:
    """Aggregates of contacts that absorbed others, computed afresh from their interactions."""
    for contact_id in contact_ids:
        mine = and_(INTERACTIONS.c.user_id == user_id, INTERACTIONS.c.contact_id == contact_id)
        latest = (
            select(INTERACTIONS.c.text, INTERACTIONS.c.from_self, INTERACTIONS.c.occurred_at)
            .where(mine)
            .order_by(INTERACTIONS.c.occurred_at.desc(), INTERACTIONS.c.source_urn.desc())
            .limit(1)
        )
        count = select(func.count()).select_from(INTERACTIONS).where(mine).scalar_subquery()
        newest = latest.subquery()
        await session.exec(
            update(CONTACTS)
            .where(CONTACTS.c.user_id == user_id, CONTACTS.c.id == contact_id)
            .values(
                interaction_count=count,
                last_message_text=select(newest.c.text).scalar_subquery(),
                last_message_from_self=select(newest.c.from_self).scalar_subquery(),
                last_message_at=select(newest.c.occurred_at).scalar_subquery(),
                last_interaction_at=select(newest.c.occurred_at).scalar_subquery(),
            )
        )

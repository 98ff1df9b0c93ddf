"""Conversations' history marks in SQL (domain/history.py): read by URN, upserted, moved on a merge,
and the user's incomplete ones for the extension's history walk."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Boolean, String, bindparam, func, update
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from contacts_service.domain.history import Gap, HistoryMark, IncompleteConversation
from contacts_service.models import CONTACTS, CONVERSATIONS
from pingcrm_common.db import UnnestedRows, dialect, is_one_of
from pingcrm_common.models import UTCDateTime

_MARK_COLUMNS = [
    CONVERSATIONS.c.urn,
    CONVERSATIONS.c.contact_id,
    CONVERSATIONS.c.oldest_message_at,
    CONVERSATIONS.c.newest_message_at,
    CONVERSATIONS.c.first_message_at,
    CONVERSATIONS.c.gap_before,
    CONVERSATIONS.c.gap_after,
]


def _mark(row: Any) -> HistoryMark:
    urn, contact_id, oldest, newest, first, gap_before, gap_after = row
    gap = Gap(gap_before, gap_after) if gap_before is not None and gap_after is not None else None
    return HistoryMark(urn, contact_id, oldest, newest, first, gap)


@cache
def _marks(dialect_name: str) -> Any:
    return select(*_MARK_COLUMNS).where(
        CONVERSATIONS.c.user_id == bindparam("user_id"), is_one_of(dialect_name, CONVERSATIONS.c.urn, "urns")
    )


async def marks(session: AsyncSession, user_id: str, urns: set[str]) -> dict[str, HistoryMark]:
    """The stored marks of these conversations, by URN."""
    if not urns:
        return {}
    rows = (await session.exec(_marks(dialect(session)), params={"user_id": user_id, "urns": sorted(urns)})).all()
    return {mark.urn: mark for mark in map(_mark, rows)}


_ROWS = UnnestedRows(
    {
        "user_id": String(),
        "urn": String(),
        "contact_id": String(),
        "oldest_message_at": UTCDateTime(),
        "newest_message_at": UTCDateTime(),
        "first_message_at": UTCDateTime(),
        "gap_before": UTCDateTime(),
        "gap_after": UTCDateTime(),
        "complete": Boolean(),
        "updated_at": UTCDateTime(),
    }
)


@cache
def _upsert(dialect_name: str) -> Any:
    # One statement for every mark of a push (UnnestedRows), not one per conversation.
    insert = _ROWS.insert(dialect_name, CONVERSATIONS)
    kept = ("contact_id", "oldest_message_at", "newest_message_at", "first_message_at", "gap_before", "gap_after")
    return insert.on_conflict_do_update(
        index_elements=[CONVERSATIONS.c.user_id, CONVERSATIONS.c.urn],
        set_={name: insert.excluded[name] for name in (*kept, "complete", "updated_at")},
    )


async def save(session: AsyncSession, user_id: str, changed: list[HistoryMark], now: datetime) -> None:
    """Insert or replace these marks, in URN order (the lock order of concurrent writers)."""
    rows = [
        {
            "user_id": user_id,
            "urn": mark.urn,
            "contact_id": mark.contact_id,
            "oldest_message_at": mark.oldest,
            "newest_message_at": mark.newest,
            "first_message_at": mark.first,
            "gap_before": mark.gap.before if mark.gap else None,
            "gap_after": mark.gap.after if mark.gap else None,
            "complete": mark.complete,
            "updated_at": now,
        }
        for mark in sorted(changed, key=lambda m: m.urn)
    ]
    if rows:
        dialect_name = dialect(session)
        await session.exec(_upsert(dialect_name), params=_ROWS.params(rows) if dialect_name == "postgresql" else rows)


async def newest_urns(session: AsyncSession, user_id: str, contact_id: str, limit: int) -> list[str]:
    """The URNs of the contact's conversations, newest message first (ties by URN)."""
    statement = (
        select(CONVERSATIONS.c.urn)
        .where(CONVERSATIONS.c.user_id == user_id, CONVERSATIONS.c.contact_id == contact_id)
        .order_by(CONVERSATIONS.c.newest_message_at.desc(), CONVERSATIONS.c.urn)
        .limit(limit)
    )
    return list((await session.exec(statement)).all())


async def reassign(session: AsyncSession, user_id: str, from_contact: str, to_contact: str) -> None:
    """Move the conversations of one contact to another (a merge)."""
    await session.exec(
        update(CONVERSATIONS)
        .where(CONVERSATIONS.c.user_id == user_id, CONVERSATIONS.c.contact_id == from_contact)
        .values(contact_id=to_contact)
    )


async def incomplete(session: AsyncSession, user_id: str, limit: int) -> list[IncompleteConversation]:
    """Up to `limit` of the user's incomplete conversations, newest message first (ties by URN), with
    their contact's ids and where the walk continues."""
    if limit <= 0:
        return []
    statement = (
        select(*[*_MARK_COLUMNS, CONTACTS.c.linkedin_member_id, CONTACTS.c.linkedin_slug])
        .join(CONTACTS, CONTACTS.c.id == CONVERSATIONS.c.contact_id)
        .where(CONVERSATIONS.c.user_id == user_id, CONVERSATIONS.c.complete.is_(False), CONTACTS.c.user_id == user_id)
        .order_by(CONVERSATIONS.c.newest_message_at.desc(), CONVERSATIONS.c.urn)
        .limit(limit)
    )
    found = []
    for row in (await session.exec(statement)).all():
        mark = _mark(row[:7])
        before, after = mark.walk
        found.append(IncompleteConversation(mark.urn, row[7], row[8], before, after))
    return found


async def count_incomplete(session: AsyncSession, user_id: str) -> int:
    statement = (
        select(func.count())
        .select_from(CONVERSATIONS)
        .where(CONVERSATIONS.c.user_id == user_id, CONVERSATIONS.c.complete.is_(False))
    )
    return int((await session.exec(statement)).one())

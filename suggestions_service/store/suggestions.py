"""Suggestions in SQL: listing newest first with their contacts, history per contact, inserts and updates.

Every query names the user: another user's suggestion is never found (the domain answers NOT_FOUND).
A snoozed suggestion whose `snooze_until` has come counts as pending (`_shown_pending`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, tuple_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel.ext.asyncio.session import AsyncSession

from pingcrm_common.models import new_id
from suggestions_service.domain.records import ClosedBy, ContactCard, Filter, History, Status, SuggestionRecord
from suggestions_service.models import Suggestion
from suggestions_service.store.feed import STATES, run, utc

SUGGESTIONS = Suggestion.__table__  # type: ignore[attr-defined]  # SQLModel sets __table__ on table classes
OPEN = (Status.PENDING.value, Status.SNOOZED.value)


def _shown_pending(now: datetime) -> ColumnElement[bool]:
    return or_(
        SUGGESTIONS.c.status == Status.PENDING.value,
        and_(SUGGESTIONS.c.status == Status.SNOOZED.value, SUGGESTIONS.c.snooze_until <= now),
    )


def _status_is(status: Status, now: datetime) -> ColumnElement[bool]:
    if status == Status.PENDING:
        return _shown_pending(now)
    if status == Status.SNOOZED:
        return and_(SUGGESTIONS.c.status == Status.SNOOZED.value, SUGGESTIONS.c.snooze_until > now)
    return SUGGESTIONS.c.status == status.value  # type: ignore[no-any-return]  # a Column comparison


def _query() -> Select[Any]:
    return select(
        SUGGESTIONS,
        STATES.c.full_name,
        STATES.c.member_id,
        STATES.c.slug,
        STATES.c.avatar_url,
        STATES.c.conversation_url,
    ).select_from(
        SUGGESTIONS.outerjoin(
            STATES, and_(STATES.c.user_id == SUGGESTIONS.c.user_id, STATES.c.contact_id == SUGGESTIONS.c.contact_id)
        )
    )


def _record(row: object) -> SuggestionRecord:
    values = row._mapping  # type: ignore[attr-defined]  # a Row
    return SuggestionRecord(
        id=values["id"],
        user_id=values["user_id"],
        contact_id=values["contact_id"],
        message=values["message"],
        status=Status(values["status"]),
        reason_kind=values["reason_kind"],
        reason=values["reason"],
        drafter=values["drafter"],
        created_at=values["created_at"],
        updated_at=values["updated_at"],
        snooze_until=values["snooze_until"],
        closed_by=ClosedBy(values["closed_by"]),
        drafts=values["drafts"],
        contact=ContactCard(
            id=values["contact_id"],
            full_name=values["full_name"] or "",
            member_id=values["member_id"] or "",
            slug=values["slug"] or "",
            avatar_url=values["avatar_url"] or "",
            conversation_url=values["conversation_url"] or "",
        ),
    )


async def page(
    session: AsyncSession,
    user_id: str,
    which: Filter,
    now: datetime,
    limit: int,
    after: tuple[datetime, str] | None,
) -> list[SuggestionRecord]:
    """Up to `limit` suggestions newest first (created_at, then id), after the `after` key."""
    query = _query().where(SUGGESTIONS.c.user_id == user_id, _status_is(which.status, now))
    if which.contact_id:
        query = query.where(SUGGESTIONS.c.contact_id == which.contact_id)
    elif which.member_id:
        query = query.where(STATES.c.member_id == which.member_id)
    elif which.slug:
        query = query.where(STATES.c.slug == which.slug)
    if after is not None:
        query = query.where(tuple_(SUGGESTIONS.c.created_at, SUGGESTIONS.c.id) < tuple_(*after))
    query = query.order_by(SUGGESTIONS.c.created_at.desc(), SUGGESTIONS.c.id.desc()).limit(limit)
    return [_record(row) for row in await run(session, query)]


async def pending_count(session: AsyncSession, user_id: str, now: datetime) -> int:
    query = select(func.count()).select_from(SUGGESTIONS).where(SUGGESTIONS.c.user_id == user_id, _shown_pending(now))
    return int((await run(session, query)).scalar_one())


async def get(session: AsyncSession, user_id: str, suggestion_id: str) -> SuggestionRecord | None:
    query = _query().where(SUGGESTIONS.c.user_id == user_id, SUGGESTIONS.c.id == suggestion_id)
    row = (await run(session, query)).first()
    return _record(row) if row else None


async def histories(session: AsyncSession, user_id: str) -> dict[str, History]:
    """Per contact: whether a suggestion is open, the last user dismissal, the last one sent."""
    query = (
        select(
            SUGGESTIONS.c.contact_id,
            func.count().filter(SUGGESTIONS.c.status.in_(OPEN)),
            func.max(SUGGESTIONS.c.updated_at).filter(
                SUGGESTIONS.c.status == Status.DISMISSED.value, SUGGESTIONS.c.closed_by == ClosedBy.USER.value
            ),
            func.max(SUGGESTIONS.c.updated_at).filter(SUGGESTIONS.c.status == Status.SENT.value),
        )
        .where(SUGGESTIONS.c.user_id == user_id)
        .group_by(SUGGESTIONS.c.contact_id)
    )
    rows: list[Any] = list(await run(session, query))  # four columns; Row's typing does not follow filter()
    return {
        row[0]: History(has_open=bool(row[1]), last_user_dismissal=utc(row[2]), last_sent=utc(row[3])) for row in rows
    }


async def insert(session: AsyncSession, record: SuggestionRecord) -> bool:
    """Insert an open suggestion; False when the contact has one already (a generation run raced this one)."""
    record.id = record.id or new_id()
    try:
        async with session.begin_nested():
            await run(
                session,
                SUGGESTIONS.insert().values(
                    id=record.id,
                    user_id=record.user_id,
                    contact_id=record.contact_id,
                    message=record.message,
                    status=record.status.value,
                    reason_kind=record.reason_kind,
                    reason=record.reason[:300],
                    drafter=record.drafter[:100],
                    created_at=record.created_at,
                    updated_at=record.updated_at,
                    snooze_until=record.snooze_until,
                    closed_by=record.closed_by.value,
                    drafts=record.drafts,
                ),
            )
    except IntegrityError:
        return False
    return True


async def save(session: AsyncSession, record: SuggestionRecord) -> None:
    """Write back a suggestion's message, status and their bookkeeping."""
    await run(
        session,
        update(SUGGESTIONS)
        .where(SUGGESTIONS.c.user_id == record.user_id, SUGGESTIONS.c.id == record.id)
        .values(
            message=record.message,
            status=record.status.value,
            drafter=record.drafter[:100],
            updated_at=record.updated_at,
            snooze_until=record.snooze_until,
            closed_by=record.closed_by.value,
            drafts=record.drafts,
        ),
    )

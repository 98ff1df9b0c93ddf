"""A user's sync state: when the extension last pushed. Its row is also the user's write lock."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from contacts_service.models import SYNC_STATE, SyncState
from pingcrm_common.db import dialect, dialect_insert


async def mark_push(session: AsyncSession, user_id: str, now: datetime) -> None:
    """Record the push time. As a push's first write it takes the user's row lock until commit (PostgreSQL;
    SQLite has one writer), so pushes of one user run one after another (docs/decisions.md)."""
    statement = (
        dialect_insert(dialect(session), SYNC_STATE)
        .values(user_id=user_id, last_push_at=now)
        .on_conflict_do_update(index_elements=[SYNC_STATE.c.user_id], set_={"last_push_at": now})
    )
    await session.exec(statement)


async def lock_user(session: AsyncSession, user_id: str) -> None:
    """Take the same row lock as a push without recording one (an import batch): the row is created without a
    push time when the user never pushed, and written unchanged otherwise."""
    statement = (
        dialect_insert(dialect(session), SYNC_STATE)
        .values(user_id=user_id, last_push_at=None)
        .on_conflict_do_update(index_elements=[SYNC_STATE.c.user_id], set_={"last_push_at": SYNC_STATE.c.last_push_at})
    )
    await session.exec(statement)


async def last_push_at(session: AsyncSession, user_id: str) -> datetime | None:
    return (await session.exec(select(SyncState.last_push_at).where(SyncState.user_id == user_id))).first()

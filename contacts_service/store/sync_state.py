"""A user's sync state: when the extension last pushed. Its row is also the user's write lock."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import bindparam
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from contacts_service.models import SYNC_STATE, SyncState
from pingcrm_common.db import dialect, dialect_insert
from pingcrm_common.models import UTCDateTime


@cache
def _mark_push(dialect_name: str) -> Any:
    insert = dialect_insert(dialect_name, SYNC_STATE).values(
        user_id=bindparam("b_user_id"), last_push_at=bindparam("b_now", type_=UTCDateTime())
    )
    return insert.on_conflict_do_update(
        index_elements=[SYNC_STATE.c.user_id], set_={"last_push_at": insert.excluded.last_push_at}
    )


async def mark_push(session: AsyncSession, user_id: str, now: datetime) -> None:
    """Record the push time. As a push's first write it takes the user's row lock until commit (PostgreSQL;
    SQLite has one writer), so pushes of one user run one after another (docs/decisions.md). Every push runs
    it: built once."""
    await session.exec(_mark_push(dialect(session)), params={"b_user_id": user_id, "b_now": now})


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

"""A user's LinkedIn sync state: when the extension last pushed, and how many contacts exist."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from contacts_service.models import Contact, SyncState


@dataclass(frozen=True)
class UserSyncState:
    last_push_at: datetime | None
    contacts_count: int


async def for_user(session: AsyncSession, user_id: str) -> UserSyncState:
    last_push_at = (await session.exec(select(SyncState.last_push_at).where(SyncState.user_id == user_id))).first()
    count = (await session.exec(select(func.count()).select_from(Contact).where(Contact.user_id == user_id))).one()
    return UserSyncState(last_push_at=last_push_at, contacts_count=int(count or 0))

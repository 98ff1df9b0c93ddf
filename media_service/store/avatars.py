"""Avatar rows and who owns them: every statement media_service runs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from media_service.domain.records import StoredAvatar
from media_service.models import AVATAR_OWNERS, AVATARS, Avatar, AvatarOwner


async def add_owned(session: AsyncSession, avatar: StoredAvatar, user_id: str, now: datetime) -> None:
    """Record the avatar (once, whoever stores it first) and that `user_id` owns it; repeating is harmless."""
    await session.exec(
        _insert(session, AVATARS)
        .values(
            sha256=avatar.sha256,
            content_type=avatar.content_type,
            width=avatar.width,
            height=avatar.height,
            size_bytes=avatar.size_bytes,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=[AVATARS.c.sha256])
    )
    await session.exec(
        _insert(session, AVATAR_OWNERS)
        .values(user_id=user_id, sha256=avatar.sha256, created_at=now)
        .on_conflict_do_nothing(index_elements=[AVATAR_OWNERS.c.user_id, AVATAR_OWNERS.c.sha256])
    )


async def owned_by(session: AsyncSession, user_id: str, sha256: str) -> StoredAvatar | None:
    """The avatar, when `user_id` owns it; None otherwise (whether or not someone else does)."""
    statement = (
        select(Avatar)
        .join(AvatarOwner, AvatarOwner.sha256 == Avatar.sha256)  # type: ignore[arg-type]
        .where(AvatarOwner.user_id == user_id, AvatarOwner.sha256 == sha256)
    )
    row = (await session.exec(statement)).first()
    if row is None:
        return None
    return StoredAvatar(
        sha256=row.sha256,
        content_type=row.content_type,
        width=row.width,
        height=row.height,
        size_bytes=row.size_bytes,
    )


def _insert(session: AsyncSession, table: Table) -> postgresql.Insert | sqlite.Insert:
    """INSERT in the session's dialect, which can say ON CONFLICT DO NOTHING (both spell that alike)."""
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)

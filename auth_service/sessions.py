"""Extension sessions: one per paired browser, revocable; every query is scoped to one user."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlmodel import col, select

from auth_service.models import ExtensionSession, User
from pingcrm_common.clock import Clock
from pingcrm_common.db import Database
from pingcrm_common.tokens import Caller


@dataclass(frozen=True)
class PairingState:
    """Whether the user has an active extension, and since when (newest session)."""

    paired: bool
    paired_at: datetime | None


class ExtensionSessions:
    def __init__(self, database: Database, clock: Clock) -> None:
        self._database = database
        self._clock = clock

    async def create(self, user_id: str) -> ExtensionSession:
        """Record a newly paired browser for `user_id`."""
        async with self._database.session() as db:
            session = ExtensionSession(user_id=user_id, paired_at=self._clock.now())
            db.add(session)
        return session

    async def is_active(self, user_id: str, session_id: str) -> bool:
        """True iff the session exists, belongs to `user_id`, is not revoked and its user still exists."""
        if not user_id or not session_id:
            return False
        async with self._database.session() as db:
            found = await db.exec(
                select(ExtensionSession.id)
                .join(User, col(User.id) == col(ExtensionSession.user_id))
                .where(
                    col(ExtensionSession.id) == session_id,
                    col(ExtensionSession.user_id) == user_id,
                    col(ExtensionSession.revoked_at).is_(None),
                )
            )
            return found.first() is not None

    async def revoke_all(self, user_id: str) -> int:
        """Revoke every active session of `user_id`; returns how many were revoked."""
        async with self._database.session() as db:
            result = await db.exec(
                update(ExtensionSession)
                .where(col(ExtensionSession.user_id) == user_id, col(ExtensionSession.revoked_at).is_(None))
                .values(revoked_at=self._clock.now())
            )
            return int(result.rowcount or 0)

    async def pairing_state(self, user_id: str) -> PairingState:
        """Paired while any session is active; `paired_at` is the newest active session's."""
        async with self._database.session() as db:
            newest = (
                await db.exec(
                    select(ExtensionSession.paired_at)
                    .where(col(ExtensionSession.user_id) == user_id, col(ExtensionSession.revoked_at).is_(None))
                    .order_by(col(ExtensionSession.paired_at).desc())
                    .limit(1)
                )
            ).first()
        return PairingState(paired=newest is not None, paired_at=newest)


class LocalSessionChecker:
    """The interceptor's revocation check inside auth_service itself: reads auth's own tables."""

    def __init__(self, sessions: ExtensionSessions) -> None:
        self._sessions = sessions

    async def is_active(self, caller: Caller, token: str) -> bool:
        return await self._sessions.is_active(caller.user_id, caller.session_id or "")

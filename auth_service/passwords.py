"""Password rules and argon2id hashing.

Hashing is deliberately slow, so it runs in a worker thread instead of
blocking the event loop.
"""

from __future__ import annotations

import asyncio

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from pingcrm_common.errors import InvalidArgument

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024


def validate_password(password: str) -> None:
    """Raise InvalidArgument unless the password is acceptable for a new account."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidArgument(f"password must be at least {MIN_PASSWORD_LENGTH} characters", code="password_too_short")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidArgument(f"password must be at most {MAX_PASSWORD_LENGTH} characters", code="password_too_long")


class Passwords:
    """argon2id hashes (argon2-cffi's PasswordHasher defaults)."""

    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self._hasher = hasher or PasswordHasher()
        self._dummy_hash: str | None = None

    async def hash(self, password: str) -> str:
        return await asyncio.to_thread(self._hasher.hash, password)

    async def verify(self, password_hash: str | None, password: str) -> bool:
        """True when `password` matches; with no hash, spend the same time and return False.

        Hashing a dummy for unknown accounts keeps "no such email" and "wrong
        password" indistinguishable by response time.
        """
        if password_hash is None:
            if self._dummy_hash is None:
                self._dummy_hash = await self.hash("dummy password for unknown accounts")
            await asyncio.to_thread(self._matches, self._dummy_hash, password)
            return False
        return await asyncio.to_thread(self._matches, password_hash, password)

    def needs_rehash(self, password_hash: str) -> bool:
        return self._hasher.check_needs_rehash(password_hash)

    def _matches(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

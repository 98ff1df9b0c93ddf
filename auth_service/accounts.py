"""Accounts: registration, login and the current user."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from auth_service.models import User
from auth_service.passwords import MAX_PASSWORD_LENGTH, Passwords, validate_password
from auth_service.rate_limit import (
    LOGIN_FAILURES_PER_EMAIL,
    LOGIN_FAILURES_PER_EMAIL_AND_IP,
    LOGIN_FAILURES_PER_IP,
    LOGIN_PACE_PER_EMAIL,
    FamiliarAddresses,
    RateLimiter,
)
from auth_service.sessions import ExtensionSessions, PairingState
from auth_service.signing import IssuedToken, TokenSigner
from pingcrm_common.clock import Clock
from pingcrm_common.db import Database
from pingcrm_common.errors import AlreadyExists, InvalidArgument, PermissionDenied, Unauthenticated

MAX_EMAIL_LENGTH = 320
# Deliberately simple: one @, no spaces, a dot in the domain. Deliverability is not our business.
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s.]{2,}$")

INVALID_CREDENTIALS = "invalid email or password"
TOO_MANY_LOGINS = "too many failed sign-in attempts; try again later"


@dataclass(frozen=True)
class Account:
    """A user as other code may see it (never the password hash)."""

    id: str
    email: str
    created_at: datetime

    @classmethod
    def of(cls, user: User) -> Account:
        return cls(id=user.id, email=user.email, created_at=user.created_at)


@dataclass(frozen=True)
class CurrentUser:
    account: Account
    linkedin: PairingState


def normalize_email(email: str) -> str:
    return email.strip().lower()


def validated_email(email: str) -> str:
    """The normalized email, or InvalidArgument."""
    normalized = normalize_email(email)
    if not normalized:
        raise InvalidArgument("email is required", code="email_required")
    if len(normalized) > MAX_EMAIL_LENGTH or not _EMAIL.match(normalized):
        raise InvalidArgument("email is not a valid address", code="invalid_email")
    return normalized


class Accounts:
    def __init__(
        self,
        database: Database,
        passwords: Passwords,
        signer: TokenSigner,
        limiter: RateLimiter,
        familiar: FamiliarAddresses,
        sessions: ExtensionSessions,
        clock: Clock,
        *,
        allow_registration: bool,
    ) -> None:
        self._database = database
        self._passwords = passwords
        self._signer = signer
        self._limiter = limiter
        self._familiar = familiar
        self._sessions = sessions
        self._clock = clock
        self._allow_registration = allow_registration

    async def register(self, email: str, password: str) -> Account:
        """Self-service sign-up; refused when registration is switched off."""
        if not self._allow_registration:
            raise PermissionDenied("registration is disabled on this server", code="registration_disabled")
        return await self.create(email, password)

    async def create(self, email: str, password: str) -> Account:
        """Create an account, whether or not self-service registration is open."""
        return await create_account(self._database, self._passwords, self._clock, email, password)

    async def login(self, email: str, password: str, client_ip: str) -> IssuedToken:
        """A web token for correct credentials.

        Failures are limited per (email, address) and per address, so strangers
        cannot lock an account's owner out; once an account has many failures
        from everywhere, addresses it never signed in from are slowed down.
        """
        normalized = normalize_email(email)
        # Count the attempt before checking it, so concurrent guesses cannot overshoot the limit;
        # a successful login takes its count back.
        hits = await self._limiter.hit_all(
            [
                (LOGIN_FAILURES_PER_EMAIL_AND_IP, f"{normalized} {client_ip}"),
                (LOGIN_FAILURES_PER_IP, client_ip),
                (LOGIN_FAILURES_PER_EMAIL, normalized),
            ],
            message=TOO_MANY_LOGINS,
            code="too_many_login_attempts",
            ignore=[LOGIN_FAILURES_PER_EMAIL],  # counted to notice an attack; never refuses by itself
        )
        if await self._under_attack(normalized) and not await self._familiar.knows(normalized, client_ip):
            await self._limiter.hit_all(
                [(LOGIN_PACE_PER_EMAIL, normalized)], message=TOO_MANY_LOGINS, code="too_many_login_attempts"
            )
        if len(password) > MAX_PASSWORD_LENGTH:  # no account has one; do not spend time hashing it
            raise Unauthenticated(INVALID_CREDENTIALS, code="invalid_credentials")
        async with self._database.session() as db:
            user = (await db.exec(select(User).where(col(User.email) == normalized))).first()
        if not await self._passwords.verify(user.password_hash if user else None, password) or user is None:
            raise Unauthenticated(INVALID_CREDENTIALS, code="invalid_credentials")
        for hit in hits:
            await self._limiter.forget(hit)
        await self._familiar.remember(normalized, client_ip)
        if self._passwords.needs_rehash(user.password_hash):
            await self._store_hash(user.id, await self._passwords.hash(password))
        return self._signer.web_token(user.id)

    async def _under_attack(self, email: str) -> bool:
        """More failed sign-ins for `email`, from all addresses together, than its limit allows."""
        return await self._limiter.count(LOGIN_FAILURES_PER_EMAIL, email) > LOGIN_FAILURES_PER_EMAIL.max_hits

    async def current_user(self, user_id: str) -> CurrentUser:
        async with self._database.session() as db:
            user = await db.get(User, user_id)
        if user is None:
            raise Unauthenticated("this account no longer exists", code="unknown_user")
        return CurrentUser(account=Account.of(user), linkedin=await self._sessions.pairing_state(user_id))

    async def _store_hash(self, user_id: str, password_hash: str) -> None:
        async with self._database.session() as db:
            user = await db.get(User, user_id)
            if user is not None:
                user.password_hash = password_hash
                db.add(user)


async def create_account(database: Database, passwords: Passwords, clock: Clock, email: str, password: str) -> Account:
    """Validate and store a new account; the admin command uses this too."""
    normalized = validated_email(email)
    validate_password(password)
    password_hash = await passwords.hash(password)
    try:
        async with database.session() as db:
            taken = (await db.exec(select(User.id).where(col(User.email) == normalized))).first()
            if taken is not None:
                raise _email_taken()
            user = User(email=normalized, password_hash=password_hash, created_at=clock.now())
            db.add(user)
    except IntegrityError as exc:  # a concurrent registration won the unique index
        raise _email_taken() from exc
    return Account.of(user)


def _email_taken() -> AlreadyExists:
    return AlreadyExists("an account with this email already exists", code="email_taken")

"""Pairing a Chrome extension with a web account through a one-time code.

1. The extension asks for a code (`create`): it gets `PING-XXXXXX` to show and
   a poll secret only it knows. Redis keeps the code for 10 minutes with the
   SHA-256 of the secret; the secret itself is never stored.
2. The signed-in web user types the code (`claim`): an extension session is
   created for them and the code is marked paired.
3. The extension polls (`poll`) with its secret and, exactly once, receives
   an extension token for that session.

Codes are normalized as typed by people: surrounding and inner whitespace is
dropped, case is ignored, and the `PING-` prefix may be omitted (`x7k3m2`,
`ping-x7k3m2` and ` PING-X7K3M2 ` are the same code). The alphabet has no
look-alikes (no 0/O, 1/I/L), so what the user reads is what they type.

Expiry follows the injected clock (each record keeps its own `expires_at`);
Redis TTLs only clean up. A marker with a 24-hour TTL outlives each code, so
an expired code answers "expired" (410) instead of "unknown" (404).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import cast

import redis.asyncio as redis

from auth_service.rate_limit import (
    PAIRING_CLAIMS_PER_IP,
    PAIRING_CLAIMS_PER_USER,
    PAIRING_CODES_PER_IP,
    PAIRING_POLLS_PER_CODE,
    PAIRING_POLLS_PER_IP,
    Limit,
    RateLimiter,
)
from auth_service.sessions import ExtensionSessions
from auth_service.signing import IssuedToken, TokenSigner
from pingcrm_common.clock import Clock
from pingcrm_common.errors import AlreadyExists, Expired, InvalidArgument, NotFound, PermissionDenied, Unavailable

CODE_PREFIX = "PING-"
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L
CODE_LENGTH = 6
CODE_LIFETIME = timedelta(minutes=10)
# After a claim, the extension has this long to collect its token.
COLLECT_WINDOW = timedelta(minutes=10)
# How long after expiry a code still answers "expired" rather than "unknown".
TOMBSTONE_LIFETIME = timedelta(hours=24)

_PENDING = "pending"
_PAIRED = "paired"


class PairingStatus(Enum):
    PENDING = "pending"
    PAIRED = "paired"


@dataclass(frozen=True)
class IssuedCode:
    code: str
    poll_secret: str
    expires_in_seconds: int


@dataclass(frozen=True)
class PollResult:
    status: PairingStatus
    token: IssuedToken | None = None


@dataclass(frozen=True)
class PairingLimits:
    """Rate limits of the pairing flow (see rate_limit.py for the documented values)."""

    codes_per_ip: Limit = PAIRING_CODES_PER_IP
    claims_per_user: Limit = PAIRING_CLAIMS_PER_USER
    claims_per_ip: Limit = PAIRING_CLAIMS_PER_IP
    polls_per_code: Limit = PAIRING_POLLS_PER_CODE
    polls_per_ip: Limit = PAIRING_POLLS_PER_IP


def new_code() -> str:
    return CODE_PREFIX + "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(typed: str) -> str | None:
    """The canonical `PING-XXXXXX` for what a person typed, or None if it cannot be a code."""
    compact = "".join(typed.split()).upper()
    if compact.startswith(CODE_PREFIX):
        body = compact[len(CODE_PREFIX) :]
    elif compact.startswith("PING") and len(compact) == len("PING") + CODE_LENGTH:
        body = compact[len("PING") :]
    else:
        body = compact
    if len(body) != CODE_LENGTH or any(char not in CODE_ALPHABET for char in body):
        return None
    return CODE_PREFIX + body


def _secret_digest(poll_secret: str) -> str:
    return hashlib.sha256(poll_secret.encode()).hexdigest()


def _code_key(code: str) -> str:
    return f"auth:pairing:code:{code}"


def _issued_key(code: str) -> str:
    """Outlives the code by TOMBSTONE_LIFETIME: tells expired codes from unknown ones."""
    return f"auth:pairing:issued:{code}"


def _claimed_key(code: str) -> str:
    return f"auth:pairing:claimed:{code}"


def _collected_key(code: str) -> str:
    return f"auth:pairing:collected:{code}"


def _seconds(delta: timedelta) -> int:
    return int(delta.total_seconds())


class PairingCodes:
    def __init__(
        self,
        redis_client: redis.Redis,
        sessions: ExtensionSessions,
        signer: TokenSigner,
        limiter: RateLimiter,
        clock: Clock,
        limits: PairingLimits | None = None,
    ) -> None:
        self._redis = redis_client
        self._sessions = sessions
        self._signer = signer
        self._limiter = limiter
        self._clock = clock
        self._limits = limits or PairingLimits()

    async def create(self, client_ip: str) -> IssuedCode:
        """Issue a fresh code and the secret that collects its token."""
        await self._limiter.hit_all(
            [(self._limits.codes_per_ip, client_ip)],
            message="too many pairing codes requested; try again later",
            code="too_many_pairing_codes",
        )
        poll_secret = secrets.token_urlsafe(32)
        expires_at = self._clock.now() + CODE_LIFETIME
        for _ in range(5):
            code = new_code()
            # Reserving the marker first means no live or recently expired code is ever reissued.
            if await self._redis.set(_issued_key(code), "1", nx=True, ex=_seconds(CODE_LIFETIME + TOMBSTONE_LIFETIME)):
                break
        else:
            raise Unavailable("could not allocate a pairing code; try again", code="pairing_code_space_exhausted")
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(
                _code_key(code),
                mapping={
                    "state": _PENDING,
                    "secret_sha256": _secret_digest(poll_secret),
                    "expires_at": _iso(expires_at),
                },
            )
            pipe.expire(_code_key(code), _seconds(CODE_LIFETIME))
            await pipe.execute()
        return IssuedCode(code=code, poll_secret=poll_secret, expires_in_seconds=_seconds(CODE_LIFETIME))

    async def claim(self, user_id: str, typed_code: str, client_ip: str) -> datetime:
        """Bind the code to `user_id` with a new extension session; returns when it was paired."""
        # Every attempt counts, before the lookup, so guessing codes is bounded.
        await self._limiter.hit_all(
            [(self._limits.claims_per_user, user_id), (self._limits.claims_per_ip, client_ip)],
            message="too many pairing attempts; try again later",
            code="too_many_pairing_attempts",
        )
        if not typed_code.strip():
            raise InvalidArgument("pairing code is required", code="pairing_code_required")
        code = normalize_code(typed_code)
        if code is None:
            raise _not_found()
        record = await self._load(code)
        if record["state"] != _PENDING:
            raise _used()
        now = self._clock.now()
        if now >= _parse_iso(record["expires_at"]):
            raise _expired()
        # SET NX decides which of two racing claims wins.
        claim_ttl = _seconds(COLLECT_WINDOW + TOMBSTONE_LIFETIME)
        if not await self._redis.set(_claimed_key(code), user_id, nx=True, ex=claim_ttl):
            raise _used()
        try:
            session = await self._sessions.create(user_id)
        except BaseException:
            await self._redis.delete(_claimed_key(code))
            raise
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(
                _code_key(code),
                mapping={
                    "state": _PAIRED,
                    "user_id": user_id,
                    "session_id": session.id,
                    "paired_at": _iso(session.paired_at),
                    "expires_at": _iso(now + COLLECT_WINDOW),
                },
            )
            pipe.expire(_code_key(code), _seconds(COLLECT_WINDOW))
            pipe.expire(_issued_key(code), _seconds(COLLECT_WINDOW + TOMBSTONE_LIFETIME))
            await pipe.execute()
        return session.paired_at

    async def poll(self, typed_code: str, poll_secret: str, client_ip: str = "") -> PollResult:
        """PENDING until claimed, then PAIRED with the token on the first poll only."""
        code = normalize_code(typed_code)
        if code is None:
            raise _not_found()
        await self._limiter.hit_all(
            [(self._limits.polls_per_code, code), (self._limits.polls_per_ip, client_ip)],
            message="poll at most once per second",
            code="polling_too_fast",
        )
        record = await self._load(code)
        if not hmac.compare_digest(record.get("secret_sha256", ""), _secret_digest(poll_secret)):
            raise PermissionDenied("wrong poll secret for this pairing code", code="wrong_poll_secret")
        if self._clock.now() >= _parse_iso(record["expires_at"]):
            raise _expired()
        if record["state"] == _PENDING:
            return PollResult(PairingStatus.PENDING)
        # Exactly once, even with concurrent polls on several replicas: only one SET NX succeeds.
        if not await self._redis.set(_collected_key(code), "1", nx=True, ex=_seconds(TOMBSTONE_LIFETIME)):
            raise AlreadyExists("the token for this pairing code was already collected", code="pairing_code_collected")
        token = self._signer.extension_token(record["user_id"], record["session_id"])
        return PollResult(PairingStatus.PAIRED, token)

    async def _load(self, code: str) -> dict[str, str]:
        # The client decodes responses (pingcrm_common.redis_client), so keys and values are str.
        record = cast(dict[str, str], await self._redis.hgetall(_code_key(code)))
        if record and "expires_at" in record and "state" in record:
            return record
        if await self._redis.exists(_issued_key(code)):
            raise _expired()
        raise _not_found()


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def _parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _not_found() -> NotFound:
    return NotFound("pairing code not found", code="pairing_code_not_found")


def _expired() -> Expired:
    return Expired("pairing code expired; ask the extension for a new one", code="pairing_code_expired")


def _used() -> AlreadyExists:
    return AlreadyExists("pairing code was already used", code="pairing_code_used")

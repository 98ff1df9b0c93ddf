"""Fixed-window rate limits with counters in Redis, never in process memory.

Every replica shares the counters, so a limit holds however many replicas
run. A window is numbered from the injected clock (so tests move through
windows with a FrozenClock instead of sleeping); Redis expires the counter
shortly after its window ends. INCR and EXPIRE run in one MULTI, so a counter
never outlives its window even if the process dies between the two.

The documented limits live here, in one table.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Collection
from dataclasses import dataclass
from datetime import timedelta

import redis.asyncio as redis

from pingcrm_common.clock import Clock
from pingcrm_common.errors import RateLimited


@dataclass(frozen=True)
class Limit:
    """At most `max_hits` within each `window`, per subject (an email, an IP, a user, a code)."""

    name: str
    max_hits: int
    window: timedelta


# Failed logins per (normalized email, client IP): a stranger guessing stops after 10, the owner elsewhere does not.
LOGIN_FAILURES_PER_EMAIL_AND_IP = Limit("login-email-ip", 10, timedelta(minutes=15))
LOGIN_FAILURES_PER_IP = Limit("login-ip", 50, timedelta(minutes=15))
# Failed logins per email from every address. Past this many, the account is under attack from several
# addresses, and sign-ins from addresses it was never used from are slowed down (not locked out) …
LOGIN_FAILURES_PER_EMAIL = Limit("login-email", 10, timedelta(minutes=15))
# … to one attempt every 2 s per account; addresses that signed in to it before are not slowed.
LOGIN_PACE_PER_EMAIL = Limit("login-email-pace", 1, timedelta(seconds=2))
# How long a successful sign-in makes its address familiar for that account.
FAMILIAR_ADDRESS_DAYS = 30
# Pairing codes issued per client IP.
PAIRING_CODES_PER_IP = Limit("pairing-create-ip", 30, timedelta(minutes=10))
# Claim attempts (successful or not), per web user and per client IP.
PAIRING_CLAIMS_PER_USER = Limit("pairing-claim-user", 10, timedelta(minutes=10))
PAIRING_CLAIMS_PER_IP = Limit("pairing-claim-ip", 30, timedelta(minutes=10))
# Polls per pairing code: one per second.
PAIRING_POLLS_PER_CODE = Limit("pairing-poll-code", 1, timedelta(seconds=1))
# Polling answers "no such code" vs "wrong secret", so it must not become a free code scanner.
PAIRING_POLLS_PER_IP = Limit("pairing-poll-ip", 600, timedelta(minutes=10))

# Counters outlive their window by this much in Redis, to absorb clock skew between replicas.
_EXPIRY_SLACK_SECONDS = 60


@dataclass(frozen=True)
class Hit:
    """One counted attempt: whether it fits the limit and when the window ends."""

    key: str
    count: int
    limit: Limit
    retry_after_seconds: int

    @property
    def allowed(self) -> bool:
        return self.count <= self.limit.max_hits


def _digest(subject: str) -> str:
    # Subjects (emails, IPs) are hashed so Redis key names carry no personal data.
    return hashlib.sha256(subject.encode()).hexdigest()[:32]


class FamiliarAddresses:
    """Addresses each account signed in from successfully, remembered in Redis for a while."""

    def __init__(self, redis_client: redis.Redis) -> None:
        self._redis = redis_client

    async def remember(self, email: str, client_ip: str) -> None:
        if client_ip:
            await self._redis.set(self._key(email, client_ip), "1", ex=timedelta(days=FAMILIAR_ADDRESS_DAYS))

    async def knows(self, email: str, client_ip: str) -> bool:
        return bool(client_ip) and bool(await self._redis.exists(self._key(email, client_ip)))

    @staticmethod
    def _key(email: str, client_ip: str) -> str:
        return f"auth:familiar:{_digest(f'{email} {client_ip}')}"


class RateLimiter:
    """Counts attempts in Redis."""

    def __init__(self, redis_client: redis.Redis, clock: Clock) -> None:
        self._redis = redis_client
        self._clock = clock

    async def hit(self, limit: Limit, subject: str) -> Hit:
        """Count one attempt by `subject` against `limit`."""
        now = self._clock.now().timestamp()
        window = limit.window.total_seconds()
        key, index = self._key(limit, subject)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.incr(key)
            pipe.expire(key, math.ceil(window) + _EXPIRY_SLACK_SECONDS)
            count, _ = await pipe.execute()
        retry_after = math.ceil((index + 1) * window - now)
        return Hit(key=key, count=int(count), limit=limit, retry_after_seconds=max(1, retry_after))

    async def count(self, limit: Limit, subject: str) -> int:
        """How many attempts by `subject` the current window of `limit` holds, without counting one."""
        return int(await self._redis.get(self._key(limit, subject)[0]) or 0)

    async def forget(self, hit: Hit) -> None:
        """Take back a counted attempt (a login that turned out to be right)."""
        await self._redis.decr(hit.key)

    def _key(self, limit: Limit, subject: str) -> tuple[str, int]:
        """The Redis key of the current window for `subject`, and the window's number."""
        index = math.floor(self._clock.now().timestamp() / limit.window.total_seconds())
        return f"auth:ratelimit:{limit.name}:{index}:{_digest(subject)}", index

    async def hit_all(
        self, limits: list[tuple[Limit, str]], *, message: str, code: str, ignore: Collection[Limit] = ()
    ) -> list[Hit]:
        """Count one attempt against every (limit, subject); raise RateLimited if any is exceeded.

        Subjects that are empty (e.g. no client IP was forwarded) are not counted; limits in
        `ignore` are counted but never refuse.
        """
        hits = [await self.hit(limit, subject) for limit, subject in limits if subject]
        refused = [hit for hit in hits if not hit.allowed and hit.limit not in ignore]
        if refused:
            raise RateLimited(message, code=code, retry_after_seconds=max(hit.retry_after_seconds for hit in refused))
        return hits

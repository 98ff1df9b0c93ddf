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


# Failed logins, per normalized email and per client IP.
LOGIN_FAILURES_PER_EMAIL = Limit("login-email", 10, timedelta(minutes=15))
LOGIN_FAILURES_PER_IP = Limit("login-ip", 50, timedelta(minutes=15))
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


class RateLimiter:
    """Counts attempts in Redis."""

    def __init__(self, redis_client: redis.Redis, clock: Clock) -> None:
        self._redis = redis_client
        self._clock = clock

    async def hit(self, limit: Limit, subject: str) -> Hit:
        """Count one attempt by `subject` against `limit`."""
        now = self._clock.now().timestamp()
        window = limit.window.total_seconds()
        index = math.floor(now / window)
        # Subjects (emails, IPs) are hashed so Redis key names carry no personal data.
        digest = hashlib.sha256(subject.encode()).hexdigest()[:32]
        key = f"auth:ratelimit:{limit.name}:{index}:{digest}"
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.incr(key)
            pipe.expire(key, math.ceil(window) + _EXPIRY_SLACK_SECONDS)
            count, _ = await pipe.execute()
        retry_after = math.ceil((index + 1) * window - now)
        return Hit(key=key, count=int(count), limit=limit, retry_after_seconds=max(1, retry_after))

    async def forget(self, hit: Hit) -> None:
        """Take back a counted attempt (a login that turned out to be right)."""
        await self._redis.decr(hit.key)

    async def hit_all(self, limits: list[tuple[Limit, str]], *, message: str, code: str) -> list[Hit]:
        """Count one attempt against every (limit, subject); raise RateLimited if any is exceeded.

        Subjects that are empty (e.g. no client IP was forwarded) are not counted.
        """
        hits = [await self.hit(limit, subject) for limit, subject in limits if subject]
        refused = [hit for hit in hits if not hit.allowed]
        if refused:
            raise RateLimited(message, code=code, retry_after_seconds=max(hit.retry_after_seconds for hit in refused))
        return hits

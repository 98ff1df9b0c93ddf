"""The regenerate rate limit: a fixed window per user, counted in Redis (shared by every replica).

Like auth_service's limits: the window is numbered from the injected clock,
INCR and EXPIRE run in one MULTI, the key names a hash of the user id.

Redis is not one of the service's health dependencies on purpose: only
Regenerate needs it, so a Redis outage answers Regenerate with 503
`redis_unavailable` while listing, generating and updating go on.
"""

from __future__ import annotations

import hashlib
import math
from datetime import timedelta

import redis.asyncio as redis

from pingcrm_common.clock import Clock
from pingcrm_common.dependencies import RETRY_AFTER_SECONDS
from pingcrm_common.errors import RateLimited, Unavailable
from pingcrm_common.redis_client import is_unreachable

WINDOW = timedelta(minutes=1)
_EXPIRY_SLACK_SECONDS = 60


class RegenerateLimit:
    def __init__(self, redis_client: redis.Redis, clock: Clock, per_minute: int) -> None:
        self._redis = redis_client
        self._clock = clock
        self._max = per_minute

    async def hit(self, user_id: str) -> None:
        """Count one regenerate by `user_id`; RateLimited (with Retry-After) past the limit."""
        window = WINDOW.total_seconds()
        now = self._clock.now().timestamp()
        index = math.floor(now / window)
        key = f"suggestions:regenerate:{index}:{hashlib.sha256(user_id.encode()).hexdigest()[:32]}"
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.incr(key)
                pipe.expire(key, math.ceil(window) + _EXPIRY_SLACK_SECONDS)
                count, _ = await pipe.execute()
        except Exception as error:
            if not is_unreachable(error):
                raise
            raise Unavailable(
                "its redis cannot be reached right now; try again shortly",
                code="redis_unavailable",
                retry_after_seconds=RETRY_AFTER_SECONDS,
            ) from error
        if int(count) > self._max:
            raise RateLimited(
                f"at most {self._max} redrafts per minute; try again shortly",
                code="regenerate_rate_limited",
                retry_after_seconds=math.ceil((index + 1) * window - now),
            )

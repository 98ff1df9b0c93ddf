"""Redis, or an in-process stand-in when no PINGCRM_REDIS_URL is configured.

The stand-in (fakeredis) keeps TTLs and atomic counters like Redis does, but
only inside one process: fine for the embedded single-machine mode, where
only auth_service uses it; production sets a real Redis URL.
"""

from __future__ import annotations

import redis.asyncio as redis


def create_redis(url: str | None) -> redis.Redis:
    if url:
        return redis.Redis.from_url(url, decode_responses=True)
    from fakeredis import FakeAsyncRedis

    return FakeAsyncRedis(decode_responses=True)

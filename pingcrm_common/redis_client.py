"""Redis, or an in-process stand-in when no PINGCRM_REDIS_URL is configured.

The stand-in (fakeredis) keeps TTLs and atomic counters like Redis does, but
only inside one process: fine for the embedded single-machine mode, where
only auth_service uses it; production sets a real Redis URL.

A real Redis gets a short timeout on every command and connection attempt
and a single immediate retry on a dropped connection (a restarted Redis),
none on a timeout: redis-py's default (10 retries with backoff, 5 s socket
timeouts) would make a hung Redis hold each call past the caller's deadline.
"""

from __future__ import annotations

import redis.asyncio as redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from pingcrm_common.dependencies import Dependency

REDIS_TIMEOUT_SECONDS = 1.0


def create_redis(url: str | None, timeout_seconds: float = REDIS_TIMEOUT_SECONDS) -> redis.Redis:
    if url:
        return redis.Redis.from_url(
            url,
            decode_responses=True,
            socket_timeout=timeout_seconds,
            socket_connect_timeout=timeout_seconds,
            retry=Retry(NoBackoff(), retries=1, supported_errors=(redis.ConnectionError,)),
        )
    from fakeredis import FakeAsyncRedis

    return FakeAsyncRedis(decode_responses=True)


def is_unreachable(error: BaseException) -> bool:
    """Whether `error` says Redis cannot be reached or did not answer in time."""
    return isinstance(error, redis.ConnectionError | redis.TimeoutError)


def redis_dependency(client: redis.Redis) -> Dependency:
    """`client`'s server as a dependency of its service (pingcrm_common.dependencies)."""

    async def ping() -> None:
        await client.ping()

    return Dependency("redis", ping, is_unreachable, code="redis_unavailable")

"""Fixtures shared by the whole suite.

Backends: every test that takes `backend` runs twice, on the embedded
backends (SQLite + in-process Redis stand-in) and on PostgreSQL + Redis. The
PostgreSQL/Redis variant skips when those servers are not reachable on a
laptop, and FAILS instead when PINGCRM_TEST_REQUIRE_SERVERS=1 (CI sets it).
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import socket
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import pytest

from pingcrm_common.clock import FrozenClock
from pingcrm_common.tokens import ensure_embedded_keys

# pytest-grpc's fixtures, made to host grpc.aio servicers (see the module).
pytest_plugins = ["tests.support.pytest_grpc_aio"]

PG_ADMIN_URL = os.environ.get("PINGCRM_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("PINGCRM_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
REQUIRE_SERVERS = os.environ.get("PINGCRM_TEST_REQUIRE_SERVERS") == "1"


def _reachable(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 0), timeout=1):
            return True
    except OSError:
        return False


def require_server(url: str, what: str) -> None:
    """Skip on a laptop without the server; fail in CI, where it must run."""
    if _reachable(url):
        return
    if REQUIRE_SERVERS:
        pytest.fail(f"{what} is not reachable at {url} but PINGCRM_TEST_REQUIRE_SERVERS=1")
    pytest.skip(f"{what} not reachable at {url}")


@dataclass(frozen=True)
class Backend:
    """Where services keep data in one test: None means the embedded default."""

    name: str
    database_url: str | None
    redis_url: str | None


async def _create_database(name: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(PG_ADMIN_URL)
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()


async def _drop_database(name: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(PG_ADMIN_URL)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


async def _flush_redis() -> None:
    import redis.asyncio as redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        await client.flushdb()
    finally:
        await client.aclose()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    require_server(PG_ADMIN_URL, "PostgreSQL")
    name = f"pingcrm_test_{uuid.uuid4().hex[:12]}"
    asyncio.run(_create_database(name))
    parsed = urlparse(PG_ADMIN_URL)
    yield parsed._replace(scheme="postgresql+asyncpg", path=f"/{name}").geturl()
    asyncio.run(_drop_database(name))


@pytest.fixture
def redis_url() -> Iterator[str]:
    """The test Redis database, emptied first and held for the whole test.

    The lock file serialises Redis-backed tests across test processes on one
    machine (two checkouts, or parallel runs): each test flushes the shared
    database, which would otherwise wipe another run's pairing codes and rate
    limits mid-test.
    """
    require_server(REDIS_URL, "Redis")
    lock_path = Path(tempfile.gettempdir()) / f"pingcrm-test-redis-{_redis_lock_name(REDIS_URL)}.lock"
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        asyncio.run(_flush_redis())
        yield REDIS_URL


def _redis_lock_name(url: str) -> str:
    parsed = urlparse(url)
    return f"{parsed.hostname}-{parsed.port}-{parsed.path.strip('/') or '0'}"


@pytest.fixture(params=["embedded", "postgres"])
def backend(request: pytest.FixtureRequest) -> Backend:
    if request.param == "embedded":
        return Backend("embedded", None, None)
    return Backend("postgres", request.getfixturevalue("postgres_url"), request.getfixturevalue("redis_url"))


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """An empty data folder with signing keys, as `pingcrm up` leaves it."""
    directory = tmp_path / "data"
    ensure_embedded_keys(directory / "keys")
    return directory


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
async def stack(data_dir: Path, backend: Backend, clock: FrozenClock):
    """The whole backend on real ports, on both backends, with a frozen clock."""
    from tests.support.stack import start_stack

    running = await start_stack(data_dir, database_url=backend.database_url, redis_url=backend.redis_url, clock=clock)
    yield running
    await running.close()

"""Pooled PostgreSQL connections: checked with a ping only after sitting idle, replaced when found dead.

What a user notices: after PostgreSQL ended a connection that sat in the
pool (a restart, a proxy's idle timeout), the next request still succeeds;
and back-to-back requests do not pay three extra round trips each.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import asyncpg
import pytest
from sqlalchemy import text

from pingcrm_common.db import PING_AFTER_IDLE_SECONDS, Database, Session


@pytest.fixture
async def database(postgres_url: str) -> AsyncIterator[Database]:
    running = Database(postgres_url, "public")
    yield running
    await running.dispose()


async def _backend_pid(database: Database) -> int:
    async def work(session: Session) -> int:
        return int((await session.exec(text("SELECT pg_backend_pid()"))).scalar_one())  # type: ignore[call-overload]

    return await database.transaction(work)


def _count_pings(database: Database, monkeypatch: pytest.MonkeyPatch) -> list[None]:
    pings: list[None] = []
    dialect = database.engine.dialect
    real_ping = dialect.do_ping

    def counted(dbapi_connection: object) -> bool:
        pings.append(None)
        return real_ping(dbapi_connection)  # type: ignore[arg-type]

    monkeypatch.setattr(dialect, "do_ping", counted)
    return pings


async def _terminate(postgres_url: str, pid: int) -> None:
    admin = await asyncpg.connect(postgres_url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        assert await admin.fetchval("SELECT pg_terminate_backend($1)", pid)
    finally:
        await admin.close()


async def test_a_connection_postgresql_ended_while_idle_is_replaced_before_the_next_request(
    database: Database, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    pings = _count_pings(database, monkeypatch)
    first = await _backend_pid(database)
    await _terminate(postgres_url, first)
    await asyncio.sleep(PING_AFTER_IDLE_SECONDS + 0.2)

    second = await _backend_pid(database)  # no error: the ping found the dead connection and a new one served

    assert second != first
    assert len(pings) == 1


async def test_a_connection_used_a_moment_ago_is_not_pinged(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    pings = _count_pings(database, monkeypatch)
    pids = [await _backend_pid(database) for _ in range(5)]

    assert pings == []
    assert len(set(pids)) == 1  # one pooled connection served all five

    await asyncio.sleep(PING_AFTER_IDLE_SECONDS + 0.2)
    assert await _backend_pid(database) == pids[0]  # idle: pinged, found alive, kept
    assert len(pings) == 1

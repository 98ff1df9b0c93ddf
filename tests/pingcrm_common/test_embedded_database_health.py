"""An embedded service's database health (SQLite, as `pingcrm up` runs it): busy is not unreachable.

The SQLite engine has one connection, which a long transaction (an import batch, a catch-up of the activity
feed on a loaded laptop) holds for a while. The dependency watcher's ping must not wait behind it: a service
that is merely busy would turn NOT_SERVING, `/readyz` would name it, and the log would say its database is
unreachable. A database file that cannot be opened still is.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text

from pingcrm_common.db import Database, Session
from pingcrm_common.dependencies import PING_TIMEOUT_SECONDS, DependencyWatcher

HELD_SECONDS = PING_TIMEOUT_SECONDS + 1.0


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[Database]:
    running = Database(f"sqlite+aiosqlite:///{tmp_path / 'service.db'}", "service")
    yield running
    await running.dispose()


def watcher_of(database: Database, health: dict[str, bool]) -> DependencyWatcher:
    async def set_status(name: str, serving: bool) -> None:
        health[name] = serving

    return DependencyWatcher([database.dependency()], set_status)


async def test_a_service_busy_with_a_long_transaction_stays_serving(database: Database) -> None:
    health: dict[str, bool] = {}
    watcher = watcher_of(database, health)
    holding = asyncio.Event()

    async def long_write(session: Session) -> None:
        await session.exec(text("CREATE TABLE IF NOT EXISTS rows (n INTEGER)"))  # type: ignore[call-overload]
        await session.exec(text("INSERT INTO rows VALUES (1)"))  # type: ignore[call-overload]
        holding.set()
        await asyncio.sleep(HELD_SECONDS)  # the engine's one connection stays taken meanwhile

    writer = asyncio.create_task(database.transaction(long_write))
    await holding.wait()
    await watcher.check()
    assert health == {"dependency:database": True, "": True}
    assert watcher.failing == frozenset()
    await writer


async def test_a_database_file_that_cannot_be_opened_is_unreachable(tmp_path: Path) -> None:
    gone = Database(f"sqlite+aiosqlite:///{tmp_path / 'no-such-folder' / 'service.db'}", "service")
    threads = set(threading.enumerate())
    try:
        health: dict[str, bool] = {}
        watcher = watcher_of(gone, health)
        await watcher.check()
        assert health == {"dependency:database": False, "": False}
    finally:
        await gone.dispose()
        # aiosqlite ends the thread of a connection that failed to open on its own, after answering on this
        # loop: let it, before the test's loop closes.
        async with asyncio.timeout(10):
            while any(thread.is_alive() for thread in set(threading.enumerate()) - threads):
                await asyncio.sleep(0.01)

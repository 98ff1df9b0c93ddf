"""Let SQLite connections that SQLAlchemy dropped end inside the test's own event loop.

When a cancelled request cuts a statement short, SQLAlchemy may give up the
connection instead of returning it to its pool (logged as "Exception during
reset or similar"). aiosqlite stops such a connection's worker thread when
the garbage collector finds it, answering whichever event loop is current
then: in a later test that is a closed loop, and the thread's error fails
that unrelated test. Each test's stack collects them before its loop ends.
"""

from __future__ import annotations

import asyncio
import gc
import threading

AIOSQLITE_THREAD = "_connection_worker_thread"
JOIN_SECONDS = 1.0


async def end_dropped_sqlite_connections() -> None:
    """Collect unreferenced aiosqlite connections now and wait (briefly) for their threads to stop."""
    threads = [t for t in threading.enumerate() if AIOSQLITE_THREAD in t.name and t.is_alive()]
    if not threads:
        return
    gc.collect()
    deadline = asyncio.get_running_loop().time() + JOIN_SECONDS
    while any(t.is_alive() for t in threads) and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.01)  # the loop keeps running: a stopping thread answers it, not a closed one

"""Cleanup that a cancellation must not cut short.

A cancelled request (the caller went away, a deadline passed) unwinds through
its cleanup: a ROLLBACK, deleting a half-stored upload. If that cleanup is
cancelled again partway (gRPC may cancel a handler more than once), the
database driver is left mid-statement: SQLAlchemy logs "Exception during
reset", the connection is dropped unclosed, and SQLite's driver thread later
answers an event loop that has ended. `run_to_completion` lets the cleanup
finish first and only then passes the cancellation on.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


async def run_to_completion(cleanup: Coroutine[Any, Any, T]) -> T:
    """Await `cleanup` to its end even when the calling task is cancelled meanwhile; then re-raise that."""
    task = asyncio.ensure_future(cleanup)
    cancelled: asyncio.CancelledError | None = None
    while True:
        try:
            result = await asyncio.shield(task)
        except asyncio.CancelledError as error:
            if task.done():  # the cleanup itself was cancelled (the loop is ending): nothing to wait for
                raise
            cancelled = error
        else:
            break
    if cancelled is not None:
        raise cancelled
    return result

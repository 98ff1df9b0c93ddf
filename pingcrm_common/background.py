"""The one way a service runs work beside its RPCs: a named task, started with the service and stopped with it.

Periodic checks, the import and photo workers, the activity-feed consumer and the dependency watcher all run
their loops this way, so stopping means the same everywhere: the task is cancelled and awaited, and nothing of
it runs once the service has closed its database and channels.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

log = logging.getLogger("pingcrm.background")


class BackgroundTask:
    def __init__(self, name: str) -> None:
        self._name = name
        self._task: asyncio.Task[None] | None = None

    def start(self, work: Coroutine[Any, Any, None]) -> None:
        self._task = asyncio.get_running_loop().create_task(work, name=self._name)

    async def stop(self) -> None:
        """Cancel the task and wait until it has ended; nothing to do if it never started."""
        task, self._task = self._task, None
        if task is None:
            return
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            pass
        except Exception:
            # The loops catch their own failures, so this is a bug; the service still shuts down cleanly.
            log.exception("background task had ended with an error", extra={"task": self._name})

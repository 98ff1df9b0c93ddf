"""A check a service runs by itself: once at start, then every so often, until the service stops.

A check that fails (its database away for a while, say) is logged and the next one runs as planned, so the
loop outlives any outage. Used for suggestions_service's periodic generation and contacts_service's activity
retention; workers that are woken by new work (imports, photos, the feed consumer) keep their own loops, each in a
BackgroundTask as this one is.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from pingcrm_common.background import BackgroundTask

log = logging.getLogger("pingcrm.periodic")


class Periodic:
    def __init__(self, name: str, check: Callable[[], Awaitable[object]], every_seconds: float) -> None:
        self._name = name
        self._check = check
        self._every_seconds = every_seconds
        self._task = BackgroundTask(name)

    def start(self) -> None:
        self._task.start(self._run())

    async def stop(self) -> None:
        """Stop at once; a check in progress is cancelled (its transaction rolls back)."""
        await self._task.stop()

    async def _run(self) -> None:
        while True:
            try:
                await self._check()
            except Exception:
                log.exception("periodic check failed; it runs again as planned", extra={"check": self._name})
            await asyncio.sleep(self._every_seconds)

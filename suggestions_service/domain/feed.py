"""The activity feed consumer: contacts_service's events into suggestions_service's own tables.

One consumer at a time across replicas: each poll first takes (or renews) the
`feed` lease; a replica that cannot take it waits for the next poll. The lease
is an economy, not the guarantee: the batch's transaction moves the cursor
first, and only from the position it read (store/feed.py `move_cursor`), so a
consumer that lost its lease mid-batch, or a second one racing it, applies
nothing — its transaction waits on the cursor row, finds it moved and rolls
back. Applying is idempotent, and the cursor moves in the same transaction as
the applied events: a crash mid-batch applies nothing and reads it again.

Generation runs for the users whose contacts changed once the consumer has
caught up (a batch shorter than a full one and not cut at its size budget),
not after each batch of a long catch-up: a suggestion made from half of a
contact's history could be contradicted by older messages still to come,
which (by design, staleness is by message time) would not dismiss it.

contacts_service down: the poll fails, the loop logs it once, waits (1 s,
2 s … at most MAX_BACKOFF_SECONDS) and tries again; everything already
applied stays served. Back after downtime (either side), it reads from its
cursor until it has caught up.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from pingcrm_common.background import BackgroundTask
from pingcrm_common.clock import Clock
from pingcrm_common.db import Database, Session
from suggestions_service.domain.records import FeedPage
from suggestions_service.store import feed as store

log = logging.getLogger("pingcrm.suggestions.feed")

FEED = "contacts_activity"  # the cursor's and the lease's name
# Events per ReadActivity. Each batch costs a lease check, an RPC and a transaction whatever its size, so larger
# batches apply the same events with less CPU (bench/suggestions.py: 8,073 events/s at 200, 9,619 at 500, 9,789
# at 1,000). But contacts_service serves a page on the event loop its pushes share: a page of 1,000 held it long
# enough to raise other users' one-message pushes' p95 from 43 to 62 ms during a bulk sync; 500 kept it at 48 ms
# (docs/suggestions.md, Benchmark). A page of large events ends early at its size budget anyway.
BATCH = 500
MAX_BACKOFF_SECONDS = 30.0


class FeedSource(Protocol):
    """Where events come from: contacts_service's ReadActivity (feed_client.py), or a test's list."""

    async def read(self, after: str, limit: int) -> FeedPage: ...


@dataclass(frozen=True)
class _Polled:
    applied: int  # events applied by this poll
    caught_up: bool  # nothing more to read for now


class FeedConsumer:
    def __init__(
        self,
        database: Database,
        clock: Clock,
        source: FeedSource,
        *,
        owner: str,
        lease_seconds: float,
        poll_seconds: float,
        on_applied: Callable[[set[str]], Awaitable[object]] | None = None,
        batch: int = BATCH,
    ) -> None:
        self._database = database
        self._clock = clock
        self._source = source
        self._owner = owner
        self._lease = timedelta(seconds=lease_seconds)
        self._poll_seconds = poll_seconds
        self._on_applied = on_applied
        self._batch = batch
        self._lock = asyncio.Lock()  # one poll at a time in this process (the loop, a GenerateSuggestions)
        self._task = BackgroundTask("activity-feed")
        self._failing = False
        self._changed_users: set[str] = set()  # since the last time the consumer was caught up

    async def poll_once(self) -> int | None:
        """Apply the next batch; how many events it applied (0: caught up or another consumer moved first),
        None when another replica holds the lease."""
        polled = await self._poll_locked()
        return None if polled is None else polled.applied

    async def _poll_locked(self) -> _Polled | None:
        async with self._lock:
            return await self._poll()

    async def _poll(self) -> _Polled | None:
        async def lease(session: Session) -> str | None:
            if not await store.take_lease(session, FEED, self._owner, self._clock.now(), self._lease):
                return None
            return await store.cursor(session, FEED)

        position = await self._database.transaction(lease)
        if position is None:
            return None
        page = await self._source.read(position, self._batch)
        if not page.events:
            await self._generate_if_caught_up()
            return _Polled(0, caught_up=True)

        async def apply(session: Session) -> set[str] | None:
            if not await store.move_cursor(session, FEED, position, page.next, self._clock.now()):
                return None  # another consumer applied this batch first
            touched = await store.apply(session, page.events)
            return {user_id for user_id, _ in touched}

        users = await self._database.transaction(apply)
        if users is None:
            return _Polled(0, caught_up=True)
        self._changed_users |= users
        # A short page is the end of the feed for now, unless it ended early at its size budget.
        caught_up = len(page.events) < self._batch and not page.more
        if caught_up:
            await self._generate_if_caught_up()
        return _Polled(len(page.events), caught_up)

    async def _generate_if_caught_up(self) -> None:
        users, self._changed_users = self._changed_users, set()
        if not users or self._on_applied is None:
            return
        try:
            await self._on_applied(users)
        except Exception:
            # The events are applied and kept; the periodic run generates what this one could not.
            log.exception("generating after new activity failed")

    async def catch_up(self, max_batches: int | None = None) -> int:
        """Poll until caught up (a short batch not cut at its size budget), another replica holds the lease, or
        max_batches ran."""
        applied = 0
        batches = 0
        while max_batches is None or batches < max_batches:
            polled = await self._poll_locked()
            batches += 1
            if polled is None:
                break
            applied += polled.applied
            if polled.caught_up:
                break
        return applied

    async def catch_up_quietly(self, timeout: float) -> None:
        """One batch before a GenerateSuggestions, within `timeout`; contacts_service down changes nothing."""
        try:
            await asyncio.wait_for(self.catch_up(max_batches=1), timeout)
        except Exception as error:
            log.warning("activity feed not read before generating", extra={"error": type(error).__name__})

    def start(self) -> None:
        self._task.start(self._run())

    async def stop(self) -> None:
        await self._task.stop()
        try:
            await self._database.transaction(lambda session: store.release_lease(session, FEED, self._owner))
        except Exception:
            pass  # the lease runs out by itself

    async def _run(self) -> None:
        backoff = 1.0
        while True:
            try:
                await self.catch_up()
            except Exception as error:
                if not self._failing:
                    log.warning(
                        "activity feed unreadable; retrying with backoff (suggestions are still served)",
                        extra={"error": type(error).__name__, "detail": str(error)[:200]},
                    )
                    self._failing = True
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
                continue
            if self._failing:
                log.info("activity feed readable again")
                self._failing = False
            backoff = 1.0
            await asyncio.sleep(self._poll_seconds)

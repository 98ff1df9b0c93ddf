"""The periodic generation run: every few hours, for every user, by one replica at a time.

The `generation` lease says which replica runs; the run's end is recorded
(`last_run_at`), and a replica that takes the lease afterwards skips until the
interval has passed. A run that dies leaves the lease to expire (RUN_LEASE).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from pingcrm_common.clock import Clock
from pingcrm_common.db import Database, Session
from suggestions_service.domain.suggestions import SuggestionsDomain
from suggestions_service.store import feed as store

log = logging.getLogger("pingcrm.suggestions.schedule")

GENERATION = "generation"
RUN_LEASE = timedelta(minutes=15)  # longer than a run takes; a dead replica's lease lapses after it
CHECK_SECONDS = 60.0  # how often each replica asks whether a run is due


class PeriodicGeneration:
    def __init__(
        self, database: Database, clock: Clock, domain: SuggestionsDomain, *, owner: str, every: timedelta
    ) -> None:
        self._database = database
        self._clock = clock
        self._domain = domain
        self._owner = owner
        self._every = every

    async def run_if_due(self) -> bool:
        """Run once if this replica takes the lease and the last run is old enough; whether it ran."""

        async def claim(session: Session) -> bool:
            now = self._clock.now()
            if not await store.take_lease(session, GENERATION, self._owner, now, RUN_LEASE):
                return False
            last = await store.last_run(session, GENERATION)
            return last is None or now - last >= self._every

        if not await self._database.transaction(claim):
            return False
        try:
            created = await self._domain.generate_for_users(await self._domain.all_users())
            log.info("periodic generation ran", extra={"suggestions_created": created})

            async def finish(session: Session) -> None:
                await store.mark_run(session, GENERATION, self._clock.now())

            await self._database.transaction(finish)
        finally:
            await self._database.transaction(lambda session: store.release_lease(session, GENERATION, self._owner))
        return True

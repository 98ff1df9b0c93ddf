"""Activity feed retention: delete old events that every reader has applied.

Each ReadActivity tells how far its reader has applied the feed: it asks for the
events after the position it has applied for good (store/activity.py
`mark_read`). At start and then every PINGCRM_ACTIVITY_RETENTION_CHECK_SECONDS
(server.py runs `prune` with pingcrm_common.periodic), each contacts_service
process deletes the events that are

- at or before the position of every reader the feed has had, and
- recorded more than `keep_days` ago,

in batches of `batch` rows, one transaction each, oldest first. So:

- no reader ever misses an event: what it has not passed is kept however old;
- until a first reader has read, nothing is deleted;
- a reader that stops reading for good (a consumer retired) keeps everything after
  its position; deleting its row from `activity_readers` lets retention go on;
- a reader that starts over from "" (say, a consumer whose database was lost)
  reads only what is left: the last `keep_days` at least.

Replicas may prune at the same time: each deletes rows still there, and a batch
holds its row locks only for its own short transaction, so pushes never wait long.
docs/activity-feed.md, "Retention", has the contract.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from contacts_service.domain.activity import Position
from contacts_service.store import activity
from pingcrm_common.clock import Clock
from pingcrm_common.db import Database, Session

log = logging.getLogger("pingcrm.contacts.activity_retention")

BATCH = 5_000  # events deleted per transaction


class ActivityRetention:
    def __init__(self, database: Database, clock: Clock, *, keep_days: float, batch: int = BATCH) -> None:
        self._database = database
        self._clock = clock
        self._keep = timedelta(days=keep_days)
        self._batch = batch

    async def prune(self) -> int:
        """Delete every event due for deletion now, a batch at a time; how many."""
        recorded_before = self._clock.now() - self._keep

        async def passed_by_all(session: Session) -> Position | None:
            positions = (await activity.readers(session)).values()
            return min(positions, default=None)

        upto = await self._database.transaction(passed_by_all)
        if upto is None:
            return 0
        deleted = 0
        while (count := await self._delete_batch(upto, recorded_before)) > 0:
            deleted += count
            if count < self._batch:
                break
        if deleted:
            log.info("old activity deleted", extra={"events": deleted, "recorded_before": recorded_before.isoformat()})
        return deleted

    async def _delete_batch(self, upto: Position, recorded_before: datetime) -> int:
        async def delete(session: Session) -> int:
            return await activity.prune(session, upto, recorded_before, self._batch)

        return await self._database.transaction(delete)

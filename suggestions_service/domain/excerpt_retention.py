"""Message excerpts kept only where a draft reads them.

suggestions_service keeps its own copy of every message the feed reports (`contact_messages`): the URN, so a
message delivered twice counts once, and the time and direction, from which a contact's counts and last
inbound and outbound times are recomputed. Drafts read the text of each contact's DRAFT_MESSAGES newest only,
so the text of the others is copied message content kept for nothing. At start and then every
PINGCRM_SUGGESTIONS_EXCERPT_RETENTION_CHECK_SECONDS (server.py runs `prune` with pingcrm_common.periodic), each
process empties the excerpts of every message that has DRAFT_MESSAGES newer ones of its contact, in batches
of `batch` rows, one transaction each. The rows stay: counts, times and replays are exactly as before.
Replicas may prune at the same time; each empties what is still there.
"""

from __future__ import annotations

import logging

from pingcrm_common.db import Database, Session
from suggestions_service.domain.suggestions import DRAFT_MESSAGES
from suggestions_service.store import feed as feed_store

log = logging.getLogger("pingcrm.suggestions.excerpt_retention")

BATCH = 5_000  # excerpts emptied per transaction


class ExcerptRetention:
    def __init__(self, database: Database, *, keep: int = DRAFT_MESSAGES, batch: int = BATCH) -> None:
        self._database = database
        self._keep = keep
        self._batch = batch

    async def prune(self) -> int:
        """Empty every excerpt no draft will read, a batch at a time; how many."""
        emptied = 0
        while (count := await self._database.transaction(self._batch_of_old)) > 0:
            emptied += count
            if count < self._batch:
                break
        if emptied:
            log.info("excerpts no draft reads emptied", extra={"messages": emptied})
        return emptied

    async def _batch_of_old(self, session: Session) -> int:
        return await feed_store.forget_old_excerpts(session, self._keep, self._batch)

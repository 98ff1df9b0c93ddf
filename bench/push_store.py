"""A large push's transaction alone, in process: its time and the WAL it writes (PostgreSQL).

push_latency times a push through every process, where whatever else the machine does moves a median by
±15–40 % from run to run. This one calls contacts_service's `record_push` directly on a fresh database with
push_latency's seed (1,000 and 100,000 existing contacts; BENCH_SHORT=1: 1,000 and 10,000) and the same
100-conversation / 500-message pushes, and prints, besides the median time, the write-ahead log each push
writes: PostgreSQL's bytes for the rows and index entries the push adds, which depend on the schema and the
statements, not on the machine's speed. A change that makes the store do less per message shows there first
(docs/linkedin-sync.md, Benchmark).
"""

from __future__ import annotations

import asyncio
import random
import statistics
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import asyncpg
from pingcrm.contacts.v1 import contacts_service_pb2 as pb

from bench.push_latency import SEED, SHORT, SIZES, WARMUP, _push_body, _seed
from bench.stack import database_url, machine, scratch_database
from contacts_service.domain.push import record_push
from contacts_service.domain.push_input import PushInput
from contacts_service.models import MIGRATIONS
from contacts_service.servicer import _push_input
from edge.routes.linkedin import PushIn, _add_conversation
from pingcrm_common.clock import SystemClock
from pingcrm_common.db import Database
from pingcrm_common.migrations import upgrade

PUSHES = 10 if SHORT else 30


def _as_input(body: dict[str, Any]) -> PushInput:
    """A push body as record_push receives it: through the edge's request and contacts_service's reading of it,
    the same conversions a real push goes through (their time is not counted)."""
    request = pb.PushLinkedInRequest()
    for conversation in PushIn.model_validate(body).conversations:
        _add_conversation(request, conversation)
    return _push_input(request)


async def _measure(database: str, size: int) -> tuple[list[float], float]:
    """Times of the timed pushes (ms) and the WAL they wrote, per push (bytes)."""
    user = str(uuid.uuid4())
    await _seed(database, user, "User", size)
    await _seed(database, str(uuid.uuid4()), "Other", size)
    rng = random.Random(SEED)
    pushes = [_as_input(_push_body(rng, size, number)) for number in range(WARMUP + PUSHES)]
    store = Database(database_url(database, "postgresql+asyncpg"), "contacts")
    watcher = await asyncpg.connect(database_url(database))
    try:
        for push in pushes[:WARMUP]:
            await record_push(store, user, push, SystemClock())
        start = await watcher.fetchval("SELECT pg_current_wal_lsn()")
        timings = []
        for push in pushes[WARMUP:]:
            began = time.perf_counter()
            result = await record_push(store, user, push, SystemClock())
            timings.append((time.perf_counter() - began) * 1000)
            if result.interactions_created != 500:
                raise RuntimeError(f"a push stored {result.interactions_created} of 500 messages")
        wal = await watcher.fetchval("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1)", start)
        return timings, float(wal) / PUSHES
    finally:
        await watcher.close()
        await store.dispose()


@contextmanager
def _migrated_database() -> Iterator[str]:
    with scratch_database() as name:
        upgrade(MIGRATIONS, database_url(name, "postgresql+asyncpg"))
        yield name


def main() -> int:
    print(f"push_store: a 500-message push's transaction in process (record_push){' (BENCH_SHORT)' if SHORT else ''}")
    print(f"  machine: {machine()}")
    print(f"  100 conversations / 500 messages, {PUSHES} timed pushes after {WARMUP} warm-up")
    for size in SIZES:
        with _migrated_database() as database:
            timings, wal = asyncio.run(_measure(database, size))
        print(
            f"  {size:>9,} existing contacts: median {statistics.median(timings):6.1f} ms"
            f" (fastest {min(timings):.1f} ms), WAL {wal / 1024:,.0f} KiB per push"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

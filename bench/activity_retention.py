"""Activity feed retention on PostgreSQL: deleting a large, old feed, and a check with nothing old.

The benchmark
1. creates a fresh PostgreSQL database (PINGCRM_BENCH_POSTGRES_URL names the server, as for push_latency) and
   migrates contacts_service's schema into it;
2. fills the activity feed with 1,000,000 events (BENCH_SHORT=1: 100,000) recorded evenly over 60 days, each
   with a contact snapshot and one message, as a push records them, then VACUUM ANALYZE;
3. lets the feed's one reader have passed every event, and times contacts_service's retention
   (domain/activity_retention.py, 30 days kept, its batches of 5,000): the first check deletes the older half,
   the second has nothing old to delete;
4. prints both times and the table's size before and after. The database is dropped afterwards.
Figures: docs/activity-feed.md, "Retention".
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from datetime import UTC, datetime

import asyncpg

from bench.stack import database_url, machine, scratch_database
from contacts_service.domain.activity import Position
from contacts_service.domain.activity_retention import ActivityRetention
from contacts_service.models import MIGRATIONS
from contacts_service.store import activity
from pingcrm_common import migrations
from pingcrm_common.clock import FrozenClock
from pingcrm_common.db import Database

SHORT = os.environ.get("BENCH_SHORT") == "1"
EVENTS = 100_000 if SHORT else 1_000_000
DAYS = 60
KEEP_DAYS = 30
NOW = datetime(2026, 12, 1, tzinfo=UTC)
SNAPSHOT = '{"full_name":"Jane Doe","first_name":"Jane","headline":"CTO at Acme","member_id":"ACoAAAJane01"}'
DETAIL = (
    '{"messages":[{"urn":"urn:li:msg_message:2-abc","from_self":false,'
    '"excerpt":"Thanks for the intro, talk next week about the pilot?","sent_at":1764547200000}]}'
)


async def _seed(connection: asyncpg.Connection) -> None:
    """EVENTS events, 100 per transaction id, recorded evenly over DAYS days up to NOW."""
    await connection.execute(
        """
        INSERT INTO contacts.activity (tx, seq, user_id, contact_id, kind, occurred_at, recorded_at, contact, detail)
        SELECT 1000 + g / 100, g, 'user-' || g % 50, 'contact-' || g % 5000, 'messages', at, at, $2, $3
          FROM generate_series(1, $1::int) AS g,
               LATERAL (SELECT $4::timestamptz - make_interval(secs => ($1 - g) * $5::float8 * 86400 / $1)) AS t(at)
        """,
        EVENTS,
        SNAPSHOT,
        DETAIL,
        NOW,
        DAYS,
    )
    await connection.execute("VACUUM ANALYZE contacts.activity")


async def _size(connection: asyncpg.Connection) -> str:
    return str(await connection.fetchval("SELECT pg_size_pretty(pg_total_relation_size('contacts.activity'))"))


async def _measure(name: str) -> None:
    url = database_url(name, "postgresql+asyncpg")
    await asyncio.to_thread(migrations.upgrade, MIGRATIONS, url)
    connection = await asyncpg.connect(database_url(name))
    database = Database(url, "contacts")
    try:
        await _seed(connection)
        print(f"  {EVENTS:,} events over {DAYS} days, {KEEP_DAYS} kept; table {await _size(connection)}")
        async with database.session() as session:  # the reader has passed every event
            await activity.mark_read(session, "suggestions", Position(1000 + EVENTS // 100, EVENTS), NOW)
        retention = ActivityRetention(database, FrozenClock(NOW), keep_days=KEEP_DAYS)
        for check in ("first check", "next check, nothing old"):
            started = time.perf_counter()
            deleted = await retention.prune()
            elapsed = time.perf_counter() - started
            rate = f" ({deleted / elapsed:,.0f} events/s)" if deleted else ""
            print(f"  {check}: {deleted:,} deleted in {elapsed * 1000:,.1f} ms{rate}")
        await connection.execute("VACUUM contacts.activity")
        left = await connection.fetchval("SELECT count(*) FROM contacts.activity")
        print(f"  left: {left:,} events; table after VACUUM {await _size(connection)} (space reused, not returned)")
    finally:
        await database.dispose()
        await connection.close()


def main() -> int:
    print(f"activity_retention: deleting old activity-feed events (PostgreSQL){' (BENCH_SHORT)' if SHORT else ''}")
    print(f"  machine: {machine()}")
    with scratch_database() as name:
        asyncio.run(_measure(name))
    return 0


if __name__ == "__main__":
    sys.exit(main())

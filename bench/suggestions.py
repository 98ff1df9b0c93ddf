"""suggestions_service's own work on PostgreSQL: applying the activity feed, generating, listing.

1. creates a fresh PostgreSQL database (PINGCRM_BENCH_POSTGRES_URL names the
   server) and migrates suggestions_service's schema into it;
2. applies an activity feed held in memory — 10 users × 2,000 contacts, one
   `messages` event of 4 messages per contact (BENCH_SHORT=1: 10 × 300) —
   through the real consumer in its batches (domain/feed.py BATCH), and prints events and
   messages per second;
3. delivers the whole feed a second time (the cursor rewound: what a lost
   cursor or an at-least-once redelivery costs) and checks nothing changed;
4. generates for every user (budget 20 each, embedded drafter) and prints
   the time per user;
5. lists one user's pending suggestions 50 times and prints the median;
6. delivers 4 newer messages per contact, then runs excerpt retention (each contact's 3 oldest lose their
   text) and prints its time, and the time of a run with nothing left to do.
The database is dropped afterwards. Nothing here touches contacts_service:
a push never waits on any of it (docs/suggestions.md).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
from datetime import UTC, datetime, timedelta

from bench.stack import database_url, machine, scratch_database
from pingcrm_common.clock import FrozenClock
from pingcrm_common.db import Database
from pingcrm_common.migrations import upgrade
from suggestions_service.domain.excerpt_retention import ExcerptRetention
from suggestions_service.domain.feed import BATCH, FEED, FeedConsumer
from suggestions_service.domain.llm import EmbeddedDrafter
from suggestions_service.domain.records import Event, FeedMessage, FeedPage, Filter, Snapshot, Status
from suggestions_service.domain.suggestions import SuggestionsDomain
from suggestions_service.models import MIGRATIONS
from suggestions_service.store import feed as feed_store

SHORT = os.environ.get("BENCH_SHORT") == "1"
USERS = 10
CONTACTS = 300 if SHORT else 2_000
NOW = datetime(2026, 1, 1, tzinfo=UTC)


class MemoryFeed:
    def __init__(self, events: list[Event]) -> None:
        self.events = events

    async def read(self, after: str, limit: int) -> FeedPage:
        start = int(after or 0)
        page = self.events[start : start + limit]
        return FeedPage(page, page[-1].position if page else after)


class NoLimit:
    async def hit(self, user_id: str) -> None:
        return None


def _events(first: int = 0) -> list[Event]:
    """One `messages` event per contact: its messages `first` to `first + 3`, three days apart."""
    events = []
    for contact in range(CONTACTS):
        for user in range(USERS):
            days = 2 + (contact * 7 + user) % 300  # spread over the rules' windows
            at = NOW - timedelta(days=days)
            messages = tuple(
                FeedMessage(
                    f"u{user}-c{contact}-m{m}", m % 2 == 1, at - timedelta(days=3 * (3 - m)), f"message {m} " * 8
                )
                for m in range(first, first + 4)
            )
            events.append(
                Event(
                    str(len(events) + 1),
                    f"user-{user}",
                    f"contact-{user}-{contact}",
                    at,
                    Snapshot(full_name=f"Person {contact}", first_name="Person", member_id=f"ACo{user}x{contact}"),
                    "messages",
                    messages=messages,
                )
            )
    return events


async def _run(url: str) -> None:
    database = Database(url, "suggestions")
    clock = FrozenClock(NOW)
    feed = MemoryFeed(_events())
    consumer = FeedConsumer(database, clock, feed, owner="bench", lease_seconds=600, poll_seconds=1)
    try:
        started = time.perf_counter()
        applied = await consumer.catch_up()
        took = time.perf_counter() - started
        print(f"  feed: {applied:,} events ({applied * 4:,} messages) applied in {took:.1f} s:")
        print(f"        {applied / took:,.0f} events/s, {applied * 4 / took:,.0f} messages/s (batches of {BATCH:,})")

        await database.transaction(lambda s: feed_store.move_cursor(s, FEED, str(applied), "", clock.now()))
        started = time.perf_counter()
        again = await consumer.catch_up()
        took = time.perf_counter() - started
        facts = await database.transaction(lambda s: feed_store.contact(s, "user-0", "contact-0-0"))
        assert facts is not None and facts.message_count == 4, facts
        print(f"  redelivery of all {again:,} events: {took:.1f} s ({again / took:,.0f} events/s), nothing changed")

        domain = SuggestionsDomain(database, clock, EmbeddedDrafter(), NoLimit(), budget_per_run=20)
        times = []
        for user in range(USERS):
            started = time.perf_counter()
            created = await domain.generate_for_users([f"user-{user}"])
            times.append((time.perf_counter() - started) * 1000)
            assert created == 20, created
        print(
            f"  generation for a user with {CONTACTS:,} contacts (20 created): "
            f"median {statistics.median(times):.0f} ms, "
            f"max {max(times):.0f} ms"
        )

        lists = []
        for _ in range(50):
            started = time.perf_counter()
            listing = await domain.listing("user-0", Filter(Status.PENDING), 20, "")
            lists.append((time.perf_counter() - started) * 1000)
        assert listing.pending_count == 20
        print(f"  list 20 pending with the count: median {statistics.median(lists):.1f} ms, max {max(lists):.1f} ms")

        await database.transaction(lambda s: feed_store.move_cursor(s, FEED, str(applied), "", clock.now()))
        newer = MemoryFeed(_events(first=4))
        await FeedConsumer(database, clock, newer, owner="bench", lease_seconds=600, poll_seconds=1).catch_up()
        retention = ExcerptRetention(database)
        started = time.perf_counter()
        emptied = await retention.prune()
        took = time.perf_counter() - started
        assert emptied == USERS * CONTACTS * 3, emptied
        print(f"  excerpt retention: {emptied:,} excerpts no draft reads emptied in {took:.1f} s", end="")
        started = time.perf_counter()
        assert await retention.prune() == 0
        print(f"; a run with nothing left to do {(time.perf_counter() - started) * 1000:.0f} ms")
    finally:
        await database.dispose()


def main() -> int:
    print(f"suggestions: feed, generation and listing on PostgreSQL{' (BENCH_SHORT)' if SHORT else ''}")
    print(f"  machine: {machine()}")
    with scratch_database() as name:
        url = database_url(name, "postgresql+asyncpg")
        upgrade(MIGRATIONS, url)
        asyncio.run(_run(url))
    return 0

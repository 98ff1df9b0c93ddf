"""The activity feed consumer on both backends: events applied once in effect (duplicate delivery,
a crash mid-batch, two consumers at once), catch-up after downtime, contacts_service down."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

import pytest
from feed_helpers import (
    USER,
    ListFeed,
    connection,
    consumer,
    days_ago,
    domain,
    job_changed,
    merged,
    messages,
)

from pingcrm_common.db import Database
from suggestions_service.domain.feed import FEED
from suggestions_service.domain.records import Filter, Status
from suggestions_service.store import feed as feed_store


async def _facts(database: Database, contact: str):  # type: ignore[no-untyped-def]
    return await database.transaction(lambda session: feed_store.contact(session, USER, contact))


async def _cursor(database: Database) -> str:
    return await database.transaction(lambda session: feed_store.cursor(session, FEED))


def _history() -> ListFeed:
    feed = ListFeed()
    feed.add(
        messages("c1", ("m1", True, days_ago(40), "Hello Grace"), ("m2", False, days_ago(39), "Hi! Great to hear")),
        messages("c1", ("m3", False, days_ago(10), "Any news on the compiler?")),
        job_changed("c2", days_ago(5), "Rear Admiral", "US Navy"),
        connection("c3", days_ago(20), name="Alan Turing"),
    )
    return feed


async def test_events_become_contact_facts(database, clock) -> None:
    feed = _history()
    assert await consumer(database, clock, feed).catch_up() == 4
    grace = await _facts(database, "c1")
    assert (grace.message_count, grace.first_message_at, grace.last_message_at) == (3, days_ago(40), days_ago(10))
    assert (grace.last_inbound_at, grace.last_outbound_at) == (days_ago(10), days_ago(40))
    assert grace.snapshot.full_name == "Grace Hopper"
    job = await _facts(database, "c2")
    assert (job.job_changed_at, job.job_title, job.job_company) == (days_ago(5), "Rear Admiral", "US Navy")
    alan = await _facts(database, "c3")
    assert (alan.connection_imported, alan.connected_on, alan.message_count) == (True, days_ago(20), 0)
    assert await _cursor(database) == "4"


async def test_a_batch_delivered_twice_changes_nothing_the_second_time(database, clock) -> None:
    feed = _history()
    await consumer(database, clock, feed).catch_up()
    before = await _facts(database, "c1")
    # The same events again (contacts_service re-served them, or the cursor was lost): nothing changes.
    await database.transaction(lambda session: feed_store.move_cursor(session, FEED, "4", "", clock.now()))
    assert await consumer(database, clock, feed).catch_up() == 4
    assert await _facts(database, "c1") == before
    assert await _cursor(database) == "4"


async def test_a_crash_mid_batch_applies_nothing_and_the_batch_is_read_again(database, clock) -> None:
    feed = _history()
    generation = domain(database, clock)
    broken = consumer(database, clock, feed, generate=generation)
    real_apply = feed_store.apply

    async def apply_then_die(session, events):  # type: ignore[no-untyped-def]
        await real_apply(session, events)
        raise RuntimeError("the process died before committing")

    feed_store.apply = apply_then_die  # type: ignore[assignment]
    try:
        with pytest.raises(RuntimeError):
            await broken.catch_up()
    finally:
        feed_store.apply = real_apply  # type: ignore[assignment]
    assert await _facts(database, "c1") is None  # nothing of the batch was kept …
    assert await _cursor(database) == ""  # … and the cursor did not move
    clock.advance(timedelta(seconds=31))  # the dead process's lease lapses; its successor takes over
    assert await consumer(database, clock, feed, owner="restarted", generate=generation).catch_up() == 4
    assert (await _facts(database, "c1")).message_count == 3


async def test_catch_up_after_downtime_reads_every_batch(database, clock) -> None:
    feed = ListFeed()
    for n in range(450):
        feed.add(messages(f"c{n % 30}", (f"m{n}", n % 2 == 0, days_ago(100 - n / 10), f"text {n}")))
    assert await consumer(database, clock, feed, batch=200).catch_up() == 450
    assert feed.reads == 3  # 200 + 200 + 50
    assert (await _facts(database, "c0")).message_count == 15
    feed.add(messages("c0", ("late", False, days_ago(1), "I am back")))
    assert await consumer(database, clock, feed, batch=200).catch_up() == 1
    assert (await _facts(database, "c0")).message_count == 16


async def test_one_consumer_holds_the_lease_until_it_lapses(database, clock) -> None:
    feed = _history()
    first, second = consumer(database, clock, feed, owner="a"), consumer(database, clock, feed, owner="b")
    assert await first.poll_once() == 4
    assert await second.poll_once() is None  # another replica holds the lease: it does not even read
    assert feed.reads == 1
    clock.advance(timedelta(seconds=31))
    assert await second.poll_once() == 0  # the lease lapsed; caught up already
    assert await first.poll_once() is None


async def test_two_consumers_racing_on_one_position_apply_the_batch_once(database, clock) -> None:
    feed = _history()
    generation = domain(database, clock)
    applied_for: list[set[str]] = []

    async def record(users: set[str]) -> None:
        applied_for.append(users)
        await generation.generate_for_users(users)

    a = consumer(database, clock, feed, owner="a", on_applied=record)
    b = consumer(database, clock, feed, owner="b", on_applied=record)
    # a reads, then stalls past its lease; b takes the lapsed lease and reads the same position.
    await a.poll_once()
    await database.transaction(lambda session: feed_store.move_cursor(session, FEED, "4", "", clock.now()))
    feed.add(messages("c1", ("m4", False, days_ago(2), "Ping?")))
    applied_for.clear()
    feed.barrier = asyncio.Barrier(2)
    slow_a = asyncio.create_task(a.poll_once())
    while feed.reads < 2:
        await asyncio.sleep(0.01)
    clock.advance(timedelta(seconds=31))
    results = await asyncio.gather(slow_a, b.poll_once())
    assert sorted(results) == [0, 5]  # one applied the batch, the other found the cursor moved
    assert len(applied_for) == 1
    grace = await _facts(database, "c1")
    assert (grace.message_count, grace.last_inbound_at) == (4, days_ago(2))
    assert await _cursor(database) == "5"
    listing = await generation.listing(USER, Filter(Status.PENDING), 0, "")
    assert len([s for s in listing.suggestions if s.contact_id == "c1"]) == 1


async def test_a_merge_moves_messages_and_keeps_one_open_suggestion(database, clock) -> None:
    feed = ListFeed()
    feed.add(
        messages("c1", ("m1", False, days_ago(10), "Hello there")),
        messages("c9", ("m9", False, days_ago(8), "Me again, from my other account")),
    )
    generation = domain(database, clock)
    await consumer(database, clock, feed, generate=generation).catch_up()
    assert (await generation.listing(USER, Filter(Status.PENDING), 0, "")).pending_count == 2
    feed.add(merged("c1", "c9"))
    await consumer(database, clock, feed, generate=generation).catch_up()
    assert await _facts(database, "c9") is None
    grace = await _facts(database, "c1")
    assert (grace.message_count, grace.last_inbound_at) == (2, days_ago(8))
    listing = await generation.listing(USER, Filter(Status.PENDING), 0, "")
    assert [s.contact_id for s in listing.suggestions] == ["c1"]
    # Delivered again, the merge finds nothing left to move.
    await database.transaction(lambda session: feed_store.move_cursor(session, FEED, "3", "2", clock.now()))
    await consumer(database, clock, feed, generate=generation).catch_up()
    assert (await _facts(database, "c1")).message_count == 2


@pytest.mark.parametrize("same_batch", [False, True], ids=["stored-before", "same-batch"])
async def test_a_merge_keeps_the_absorbed_contacts_job_change_and_connection(database, clock, same_batch) -> None:
    feed = ListFeed()
    feed.add(
        messages("c1", ("m1", False, days_ago(10), "Hello there")),
        job_changed("c9", days_ago(3), "Rear Admiral", "US Navy"),
        connection("c9", days_ago(400)),
    )
    if not same_batch:
        await consumer(database, clock, feed).catch_up()
        assert (await _facts(database, "c9")).job_title == "Rear Admiral"
    feed.add(merged("c1", "c9"))
    await consumer(database, clock, feed).catch_up()
    assert await _facts(database, "c9") is None
    grace = await _facts(database, "c1")
    assert (grace.job_changed_at, grace.job_title, grace.job_company) == (days_ago(3), "Rear Admiral", "US Navy")
    assert (grace.connection_imported, grace.connected_on) == (True, days_ago(400))
    assert (grace.message_count, grace.last_inbound_at) == (1, days_ago(10))


def _thread(thread_id: str) -> str:
    return f"https://www.linkedin.com/messaging/thread/{thread_id}/"


async def test_a_suggestion_opens_the_conversation_of_its_contacts_newest_message(database, clock) -> None:
    feed = ListFeed()
    feed.add(
        messages("c1", ("m1", False, days_ago(10), "Any news?"), conversation_url=_thread("2-A")),
        # A history walk's older message, in another conversation: the newest message's stays.
        messages("c1", ("m0", True, days_ago(40), "Hello Grace"), conversation_url=_thread("2-B")),
        job_changed("c1", days_ago(9), "Rear Admiral", "US Navy"),  # other kinds leave it
    )
    generation = domain(database, clock)

    async def shown() -> str:
        """The conversation the one pending suggestion opens."""
        [card] = (await generation.listing(USER, Filter(Status.PENDING), 0, "")).suggestions
        return card.contact.conversation_url if card.contact else ""

    await consumer(database, clock, feed, generate=generation).catch_up()
    assert await shown() == _thread("2-A")
    feed.add(messages("c1", ("m2", False, days_ago(8), "Still there?"), conversation_url=_thread("2-B")))
    feed.add(messages("c9", ("m9", False, days_ago(2), "My other account"), conversation_url=_thread("2-C")))
    feed.add(merged("c1", "c9"))  # the absorbed contact's newer conversation comes along
    await consumer(database, clock, feed).catch_up()
    assert await shown() == _thread("2-C")
    # A message whose conversation names no thread leaves the known one, as does an address too long to keep
    # (the batch that brought it applies all the same).
    feed.add(messages("c1", ("m3", False, days_ago(1), "Ping"), conversation_url=""))
    feed.add(messages("c1", ("m4", False, days_ago(0.5), "Ping?"), conversation_url=_thread("2-" + "x" * 500)))
    await consumer(database, clock, feed).catch_up()
    assert await shown() == _thread("2-C")
    assert (await _facts(database, "c1")).message_count == 6  # m0–m4 and the merged m9


async def test_contacts_down_is_logged_once_retried_and_suggestions_still_served(database, clock, caplog) -> None:
    feed = _history()
    generation = domain(database, clock)
    await consumer(database, clock, feed, generate=generation).catch_up()
    feed.fail = True
    clock.advance(timedelta(seconds=31))  # the first consumer's lease lapses
    loop = consumer(database, clock, feed, owner="loop")
    caplog.set_level(logging.WARNING, logger="pingcrm.suggestions.feed")
    loop.start()
    try:
        while feed.reads < 3:  # backoff 1 s, 2 s …: a couple of failed reads
            await asyncio.sleep(0.05)
        listing = await generation.listing(USER, Filter(Status.PENDING), 0, "")
        assert listing.pending_count >= 1
        feed.fail = False
        feed.add(messages("c5", ("n1", False, days_ago(6), "Still there?"), name="Ada Lovelace"))
        for _ in range(200):
            if await _facts(database, "c5") is not None:
                break
            await asyncio.sleep(0.05)
        assert await _facts(database, "c5") is not None  # back: it caught up by itself
    finally:
        await loop.stop()
    failures = [r for r in caplog.records if "unreadable" in r.getMessage()]
    assert len(failures) == 1


async def test_generation_waits_until_caught_up_so_history_still_to_come_counts(database, clock) -> None:
    feed = ListFeed()
    feed.add(
        messages("c1", ("in", False, days_ago(10), "Shall we meet?")),
        messages("c1", ("out", True, days_ago(9), "Yes, Tuesday")),  # the reply, one batch later
        messages("c2", ("q", False, days_ago(8), "Any update?")),
    )
    generation = domain(database, clock)
    assert await consumer(database, clock, feed, batch=1, generate=generation).catch_up() == 3
    pending = (await generation.listing(USER, Filter(Status.PENDING), 0, "")).suggestions
    # Not c1: generating after the first batch would have suggested answering a message already answered.
    assert [s.contact_id for s in pending] == ["c2"]


async def test_a_page_cut_at_its_size_budget_is_read_on_at_once_and_is_not_taken_as_caught_up(database, clock) -> None:
    """contacts_service ends a page early when its events are large and says more follows: the consumer reads on
    at once, and generates only once it has really caught up."""
    feed = ListFeed(page_budget=1)
    feed.add(
        messages("c1", ("in", False, days_ago(10), "Shall we meet?")),
        messages("c1", ("out", True, days_ago(9), "Yes, Tuesday")),  # the reply, on the next page
        messages("c2", ("q", False, days_ago(8), "Any update?")),
    )
    generation = domain(database, clock)
    assert await consumer(database, clock, feed, generate=generation).catch_up() == 3
    assert feed.reads == 3  # one catch-up, each short page followed at once
    pending = (await generation.listing(USER, Filter(Status.PENDING), 0, "")).suggestions
    assert [s.contact_id for s in pending] == ["c2"]

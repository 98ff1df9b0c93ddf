"""Excerpt retention (docs/suggestions.md, "How activity arrives"): only the text of each contact's newest messages,
the ones a draft reads, is kept; counts, times, replays and drafts stay as they were. On both backends; the
last test runs the real server, which prunes by itself."""

from __future__ import annotations

import asyncio
import time

from feed_helpers import USER, ListFeed, consumer, days_ago, domain, merged, messages
from sqlalchemy import select

from pingcrm_common.db import Database
from suggestions_service import server
from suggestions_service.domain.excerpt_retention import ExcerptRetention
from suggestions_service.domain.feed import FEED
from suggestions_service.domain.records import Filter, Status
from suggestions_service.domain.suggestions import DRAFT_MESSAGES
from suggestions_service.store import feed as feed_store
from suggestions_service.store.feed import MESSAGES


async def excerpts(database: Database) -> dict[str, str]:
    """Every stored message's excerpt, by URN."""
    async with database.session() as session:
        rows = await session.exec(select(MESSAGES.c.urn, MESSAGES.c.excerpt))  # type: ignore[call-overload]
        return {row.urn: row.excerpt for row in rows}


def history(contact: str, count: int, *, first_day: int) -> list:  # type: ignore[type-arg]
    """`count` messages of `contact`, one a day from `first_day` days ago on, alternately theirs and the user's."""
    return [(f"{contact}-{n}", n % 2 == 1, days_ago(first_day - n), f"{contact} message {n}") for n in range(count)]


async def test_only_the_messages_a_draft_reads_keep_their_text(database, clock) -> None:
    feed = ListFeed()
    feed.add(messages("c1", *history("c1", 8, first_day=30)), messages("c2", *history("c2", 3, first_day=20)))
    feed.add(messages("c1", ("other-user-1", False, days_ago(40), "not ours"), user="user-bob"))
    await consumer(database, clock, feed).catch_up()
    facts = await database.transaction(lambda session: feed_store.contact(session, USER, "c1"))
    recent = await database.transaction(lambda session: feed_store.recent_messages(session, USER, "c1", DRAFT_MESSAGES))

    assert await ExcerptRetention(database, batch=2).prune() == 3  # batches smaller than the work: all the same
    stored = await excerpts(database)
    assert [stored[f"c1-{n}"] for n in range(8)] == ["", "", ""] + [f"c1 message {n}" for n in range(3, 8)]
    assert [stored[f"c2-{n}"] for n in range(3)] == [f"c2 message {n}" for n in range(3)]  # fewer than five
    assert stored["other-user-1"] == "not ours"  # another user's contact of the same id has its own newest
    # What drafts and rules see is unchanged: the newest five with their text, the counts and times of all.
    assert await database.transaction(lambda session: feed_store.contact(session, USER, "c1")) == facts
    assert (
        await database.transaction(lambda session: feed_store.recent_messages(session, USER, "c1", DRAFT_MESSAGES))
        == recent
    )
    assert facts is not None and facts.message_count == 8
    assert await ExcerptRetention(database).prune() == 0  # nothing left to do

    # Delivered again, the messages are stored already: their text does not come back, nothing is counted twice.
    await database.transaction(lambda session: feed_store.move_cursor(session, FEED, "3", "", clock.now()))
    await consumer(database, clock, feed).catch_up()
    assert await excerpts(database) == stored
    assert await database.transaction(lambda session: feed_store.contact(session, USER, "c1")) == facts


async def test_a_merge_keeps_the_text_of_the_newest_of_both_contacts(database, clock) -> None:
    feed = ListFeed()
    feed.add(messages("c1", *history("c1", 6, first_day=30)), messages("c9", *history("c9", 5, first_day=27)))
    await consumer(database, clock, feed).catch_up()
    assert await ExcerptRetention(database).prune() == 1  # each keeps its five newest
    feed.add(merged("c1", "c9"))
    await consumer(database, clock, feed).catch_up()
    assert await ExcerptRetention(database).prune() == 5

    recent = await database.transaction(lambda session: feed_store.recent_messages(session, USER, "c1", 5))
    assert [m.excerpt for m in recent] == ["c9 message 1", "c1 message 5", "c9 message 2", "c9 message 3",
                                           "c9 message 4"]  # fmt: skip
    # A draft for the merged contact quotes its newest message, unanswered, as before retention.
    generation = domain(database, clock)
    await generation.generate_for_users({USER})
    [made] = (await generation.listing(USER, Filter(Status.PENDING), 0, "")).suggestions
    assert "c9 message 4" in made.message, made.message


async def test_the_running_service_empties_old_excerpts_by_itself(suggestions_settings, database, clock) -> None:
    feed = ListFeed()
    feed.add(messages("c1", *history("c1", 7, first_day=30)))
    await consumer(database, clock, feed).catch_up()
    settings = suggestions_settings.model_copy(
        update={"suggestions_excerpt_retention_check_seconds": 0.2, "contacts_addr": "127.0.0.1:9"}
    )
    running = await server.create_server(settings, clock=clock)
    try:
        deadline = time.monotonic() + 10
        while (await excerpts(database))["c1-1"] and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
    finally:
        await running.shutdown(0.5)
    stored = await excerpts(database)
    assert [stored[f"c1-{n}"] for n in range(7)] == ["", ""] + [f"c1 message {n}" for n in range(2, 7)]

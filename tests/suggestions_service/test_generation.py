"""Generation over the feed's facts, on both backends, with a frozen clock: budget, one pending per
contact, dismissal cooldown, snooze, staleness by message time, the periodic run under its lease."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from feed_helpers import USER, ListFeed, connection, consumer, days_ago, domain, job_changed, messages

from pingcrm_common.errors import FailedPrecondition, InvalidArgument, NotFound
from suggestions_service.domain.records import Filter, Status
from suggestions_service.domain.schedule import PeriodicGeneration


async def _pending(generation, user: str = USER):  # type: ignore[no-untyped-def]
    return (await generation.listing(user, Filter(Status.PENDING), 0, "")).suggestions


async def _feed(database, clock, *events):  # type: ignore[no-untyped-def]
    feed = ListFeed()
    feed.add(*events)
    await consumer(database, clock, feed).catch_up()
    return feed


async def test_budget_and_one_pending_per_contact(database, clock) -> None:
    await _feed(
        database,
        clock,
        *[messages(f"c{n}", (f"m{n}", False, days_ago(5 + n), f"Question {n}"), name=f"Person {n}") for n in range(5)],
    )
    generation = domain(database, clock, budget_per_run=3)
    first = await generation.generate(USER, 0)
    assert [s.contact_id for s in first] == ["c0", "c1", "c2"]  # the most recent first, at most the budget
    assert all(s.reason_kind == "unanswered" for s in first)
    second = await generation.generate(USER, 0)
    assert [s.contact_id for s in second] == ["c3", "c4"]  # the rest; nobody twice
    assert await generation.generate(USER, 0) == []
    assert [s.contact_id for s in await generation.generate("someone-else", 0)] == []
    listing = await generation.listing(USER, Filter(Status.PENDING), 2, "")
    assert (len(listing.suggestions), listing.pending_count) == (2, 5)
    rest = await generation.listing(USER, Filter(Status.PENDING), 2, listing.next_page_token)
    last = await generation.listing(USER, Filter(Status.PENDING), 2, rest.next_page_token)
    ids = [s.id for s in listing.suggestions + rest.suggestions + last.suggestions]
    assert len(set(ids)) == 5 and last.next_page_token == ""


async def test_a_runs_suggestions_are_listed_most_pressing_first(database, clock) -> None:
    """They share their creation time, so nothing but the run's own order may decide how the list shows them."""
    await _feed(
        database,
        clock,
        *[messages(f"c{n}", (f"m{n}", False, days_ago(5 + n), f"Question {n}"), name=f"Person {n}") for n in range(12)],
        job_changed("c11", days_ago(2), "CTO", "Analytical Engines"),  # a new role comes before every unanswered
    )
    generation = domain(database, clock)
    run = [s.contact_id for s in await generation.generate(USER, 0)]
    assert run == ["c11", *(f"c{n}" for n in range(11))]
    assert [s.contact_id for s in await _pending(generation)] == run


async def test_dismissed_waits_30_days_and_snoozed_comes_back_at_its_time(database, clock) -> None:
    await _feed(
        database,
        clock,
        messages("c1", ("m1", False, days_ago(5), "Hi")),
        messages("c2", ("m2", False, days_ago(6), "Hello")),
    )
    generation = domain(database, clock)
    one, two = await generation.generate(USER, 0)
    await generation.update(USER, one.id, status=Status.DISMISSED, message=None, snooze_until=None)
    back_at = clock.now() + timedelta(days=2)
    await generation.update(USER, two.id, status=Status.SNOOZED, message=None, snooze_until=back_at)
    assert await _pending(generation) == []
    assert await generation.generate(USER, 0) == []  # neither: one dismissed, one snoozed (still open)
    clock.advance(timedelta(days=2))
    assert [(s.id, s.status) for s in await _pending(generation)] == [(two.id, Status.PENDING)]
    clock.advance(timedelta(days=27))
    assert await generation.generate(USER, 0) == []  # 29 days after the dismissal
    clock.advance(timedelta(days=1))
    # 30 days on, the cooldown is over and c1's message (35 days old) is still unanswered.
    assert [(s.contact_id, s.reason) for s in await generation.generate(USER, 0)] == [("c1", "Unanswered for 35 days")]


async def test_of_two_messages_sent_in_the_same_second_the_draft_quotes_the_one_contacts_shows_as_last(
    database, clock
) -> None:
    """Whatever order they arrived in: ties in time go to the greater URN, as contacts_service orders messages."""
    same_second = days_ago(5)
    await _feed(
        database,
        clock,
        messages("c1", ("urn:b", False, same_second, "Are you free on Friday?"), name="Alan Allen"),
        messages("c1", ("urn:a", False, same_second, "Hi!"), name="Alan Allen"),
    )
    [made] = await domain(database, clock).generate(USER, 0)
    assert "Are you free on Friday?" in made.message


async def test_staleness_by_message_time_not_by_arrival(database, clock) -> None:
    feed = ListFeed()
    feed.add(messages("c1", ("m1", False, days_ago(5), "Can we talk?")))
    generation = domain(database, clock)
    await consumer(database, clock, feed).catch_up()
    [made] = await generation.generate(USER, 0)
    clock.advance(timedelta(hours=1))
    # The backfill brings old history late: sent before the suggestion was made, it keeps it.
    feed.add(messages("c1", ("old", True, days_ago(300), "Ancient reply")))
    await consumer(database, clock, feed).catch_up()
    assert [s.id for s in await _pending(generation)] == [made.id]
    # A message sent after the suggestion was made dismisses it.
    feed.add(messages("c1", ("new", True, clock.now() - timedelta(minutes=5), "Sure, tomorrow?")))
    await consumer(database, clock, feed).catch_up()
    assert await _pending(generation) == []
    closed = (await generation.listing(USER, Filter(Status.DISMISSED), 0, "")).suggestions
    assert [s.id for s in closed] == [made.id]
    # Not a user dismissal: no cooldown. Their next message (unanswered 3 days later) is due again.
    feed.add(messages("c1", ("again", False, clock.now(), "Tomorrow works")))
    await consumer(database, clock, feed).catch_up()
    clock.advance(timedelta(days=3))
    assert [s.reason_kind for s in await generation.generate(USER, 0)] == ["unanswered"]


async def test_updates_are_checked_and_isolated(database, clock) -> None:
    await _feed(database, clock, connection("c1", days_ago(3), name="Alan Turing"))
    generation = domain(database, clock)
    [made] = await generation.generate(USER, 0)
    assert made.reason_kind == "new_connection" and "Alan" in made.message
    with pytest.raises(NotFound):
        await generation.update("intruder", made.id, status=Status.DISMISSED, message=None, snooze_until=None)
    with pytest.raises(NotFound):
        await generation.regenerate("intruder", made.id)
    with pytest.raises(InvalidArgument) as missing:
        await generation.update(USER, made.id, status=Status.SNOOZED, message=None, snooze_until=None)
    assert missing.value.code == "snooze_until_required"
    with pytest.raises(InvalidArgument) as past:
        await generation.update(USER, made.id, status=Status.SNOOZED, message=None, snooze_until=clock.now())
    assert past.value.code == "snooze_until_past"
    edited = await generation.update(USER, made.id, status=None, message="My own words", snooze_until=None)
    assert (edited.message, edited.status) == ("My own words", Status.PENDING)
    sent = await generation.update(USER, made.id, status=Status.SENT, message=None, snooze_until=None)
    assert sent.status == Status.SENT
    with pytest.raises(FailedPrecondition):
        await generation.regenerate(USER, made.id)


async def test_regenerate_rotates_to_a_different_draft_each_time(database, clock) -> None:
    await _feed(database, clock, messages("c1", ("m1", False, days_ago(4), "Could you review my compiler notes?")))
    generation = domain(database, clock)
    [made] = await generation.generate(USER, 0)
    drafts = [made.message]
    for _ in range(6):
        drafts.append((await generation.regenerate(USER, made.id)).message)
    assert all(after != before for before, after in zip(drafts, drafts[1:], strict=False))
    assert len(set(drafts)) >= 3


async def test_the_periodic_run_happens_once_per_interval_across_replicas(database, clock, caplog) -> None:
    caplog.set_level(logging.INFO, logger="pingcrm.suggestions.schedule")
    await _feed(database, clock, messages("c1", ("m1", False, days_ago(4), "Hi")))
    generation = domain(database, clock)
    a = PeriodicGeneration(database, clock, generation, owner="a", every=timedelta(hours=6))
    b = PeriodicGeneration(database, clock, generation, owner="b", every=timedelta(hours=6))
    assert await a.run_if_due() is True
    assert len(await _pending(generation)) == 1
    assert await b.run_if_due() is False  # ran less than 6 hours ago
    clock.advance(timedelta(hours=6))
    assert await b.run_if_due() is True
    assert await a.run_if_due() is False
    runs = [r for r in caplog.records if r.getMessage() == "periodic generation ran"]
    assert [r.suggestions_created for r in runs] == [1, 0]  # type: ignore[attr-defined]

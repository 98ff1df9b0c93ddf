"""Activity feed retention (docs/activity-feed.md, "Retention"): old events are deleted once every reader has
passed them, and never one a reader still has to read; on both backends, through the real ReadActivity."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from contacts_harness import ContactsHarness, conversation, message, running_contacts
from sqlalchemy import func, select

from contacts_service.domain.activity import START, Position
from contacts_service.domain.activity_retention import ActivityRetention
from contacts_service.models import ACTIVITY
from contacts_service.settings import ContactsSettings
from contacts_service.store import activity
from pingcrm_common.clock import FrozenClock
from pingcrm_common.db import Database

KEEP_DAYS = 30


@pytest.fixture
async def database(contacts: ContactsHarness) -> AsyncIterator[Database]:
    """The running service's database, as another process (a second replica's retention) sees it."""
    database = Database(contacts.settings.resolved_database_url, "contacts")
    try:
        yield database
    finally:
        await database.dispose()


def retention(database: Database, clock: FrozenClock, batch: int = 1_000) -> ActivityRetention:
    return ActivityRetention(database, clock, keep_days=KEEP_DAYS, batch=batch)


async def stored_events(database: Database) -> int:
    async with database.session() as session:
        return int((await session.exec(select(func.count()).select_from(ACTIVITY))).one()[0])


async def push_one(contacts: ContactsHarness, member_id: str, urn: str) -> None:
    """One new contact with one message: two events (contact_added, messages)."""
    await contacts.user().push(conversation(member_id=member_id, messages=[message(urn, 1)]))


async def test_events_every_reader_has_passed_are_deleted_once_older_than_the_retention(
    contacts: ContactsHarness, database: Database
) -> None:
    await push_one(contacts, "ACoAAAOld001", "old-1")
    contacts.clock.advance(timedelta(days=KEEP_DAYS + 1))
    await push_one(contacts, "ACoAAANew001", "new-1")
    events, end = await contacts.activity()
    assert len(events) == 4
    await contacts.read_activity(end)  # the consumer applied all four and asks for more

    assert await retention(database, contacts.clock).prune() == 2
    assert await stored_events(database) == 2
    # The consumer goes on where it was, missing nothing and getting nothing twice.
    await push_one(contacts, "ACoAAANew002", "new-2")
    more, _ = await contacts.activity(end)
    assert [event.contact.member_id for event in more] == ["ACoAAANew002"] * 2
    # What is left is the recent part, whole.
    kept = [event.position for event in events[2:]]
    assert [event.position for event in (await contacts.read_activity(events[1].position)).events][:2] == kept


async def test_an_event_a_reader_has_not_passed_is_kept_however_old(
    contacts: ContactsHarness, database: Database
) -> None:
    await push_one(contacts, "ACoAAAOld001", "old-1")
    await push_one(contacts, "ACoAAAOld002", "old-2")
    first = await contacts.read_activity(limit=1)
    await contacts.read_activity(first.next, limit=1)  # applied the first event only
    contacts.clock.advance(timedelta(days=3 * KEEP_DAYS))

    assert await retention(database, contacts.clock).prune() == 1
    rest = await contacts.read_activity(first.next)
    assert [event.WhichOneof("detail") for event in rest.events] == ["messages", "contact_added", "messages"]


async def test_nothing_is_deleted_until_a_first_reader_has_read(contacts: ContactsHarness, database: Database) -> None:
    await push_one(contacts, "ACoAAAOld001", "old-1")
    contacts.clock.advance(timedelta(days=3 * KEEP_DAYS))
    assert await retention(database, contacts.clock).prune() == 0
    assert await stored_events(database) == 2


async def test_a_reader_starting_over_holds_retention_back(contacts: ContactsHarness, database: Database) -> None:
    """A consumer that lost its cursor reads from the start again: what is left stays until it has passed it."""
    await push_one(contacts, "ACoAAAOld001", "old-1")
    _, end = await contacts.activity()
    await contacts.read_activity(end)
    await contacts.read_activity("")
    contacts.clock.advance(timedelta(days=3 * KEEP_DAYS))
    assert await retention(database, contacts.clock).prune() == 0
    assert len((await contacts.read_activity("")).events) == 2


async def test_every_reader_counts_and_deletion_goes_in_batches(contacts: ContactsHarness, database: Database) -> None:
    for n in range(5):
        await push_one(contacts, f"ACoAAAOld00{n}", f"old-{n}")
    events, end = await contacts.activity()
    assert len(events) == 10
    await contacts.read_activity(end)  # the consumer applied all ten
    async with database.session() as session:  # another reader that has applied none yet
        await activity.mark_read(session, "auditor", START, contacts.clock.now())
    contacts.clock.advance(timedelta(days=KEEP_DAYS + 1))
    assert await retention(database, contacts.clock, batch=3).prune() == 0

    async with database.session() as session:  # it has applied the first four
        await activity.mark_read(session, "auditor", Position.decode(events[3].position), contacts.clock.now())
    assert await retention(database, contacts.clock, batch=3).prune() == 4
    assert [event.position for event in (await contacts.activity())[0]] == [event.position for event in events[4:]]


async def test_the_service_deletes_old_events_by_itself(
    contacts_settings: ContactsSettings, clock: FrozenClock
) -> None:
    settings = contacts_settings.model_copy(
        update={"activity_retention_days": KEEP_DAYS, "activity_retention_check_seconds": 0.2}
    )
    async with running_contacts(settings, clock) as contacts:
        database = Database(settings.resolved_database_url, "contacts")
        try:
            await push_one(contacts, "ACoAAAOld001", "old-1")
            _, end = await contacts.activity()
            await contacts.read_activity(end)
            clock.advance(timedelta(days=KEEP_DAYS + 1))
            deadline = time.monotonic() + 10
            while await stored_events(database) and time.monotonic() < deadline:
                await asyncio.sleep(0.1)
            assert await stored_events(database) == 0
        finally:
            await database.dispose()

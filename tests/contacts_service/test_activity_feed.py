"""The activity feed (docs/activity-feed.md): what pushes record, how ReadActivity pages, who may read it,
and that a reader never skips an event when transactions commit out of order (PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import grpc
import pytest
from contacts_harness import ContactsHarness, at, conversation, error_code, message, running_contacts
from pingcrm.contacts.v1 import contacts_service_pb2 as pb
from sqlalchemy import text

from contacts_service.domain import activity
from contacts_service.domain.limits import MAX_MESSAGES
from contacts_service.settings import ContactsSettings
from contacts_service.store.activity import record
from pingcrm_common.db import Database
from pingcrm_common.grpc_options import MAX_MESSAGE_BYTES

JANE = "ACoAAAJane01"
JOHN = "ACoAAAJohn02"


def kinds(events: list[pb.ActivityEvent]) -> list[str]:
    return [event.WhichOneof("detail") for event in events]


def when(timestamp) -> datetime:
    return timestamp.ToDatetime(tzinfo=UTC)


async def test_a_push_records_its_new_contacts_and_messages_with_the_contact_as_it_left_them(
    contacts: ContactsHarness,
) -> None:
    user = contacts.user()
    long_text = "é" * 700
    await user.push(
        conversation(
            member_id=JANE,
            slug="jane-doe",
            first_name="Jane",
            last_name="Doe",
            headline="CTO at Acme",
            messages=[message("m2", 20, "see you there", from_self=True), message("m1", 10, long_text)],
        )
    )
    events, _ = await contacts.activity()
    assert kinds(events) == ["contact_added", "messages"]
    added, messages = events
    jane = await user.find(member_id=JANE)
    assert {event.contact_id for event in events} == {jane.id}
    assert {event.user_id for event in events} == {"user-a"}
    assert added.contact_added.source == "linkedin_dm"
    assert when(added.occurred_at) == contacts.clock.now()
    # The contact's new messages in one event, oldest first, each with its own sent_at and at most 500
    # characters of text; the event happened when the newest was sent.
    first, second = messages.messages.messages
    assert (first.urn, first.from_self, first.excerpt, when(first.sent_at)) == ("m1", False, "é" * 500, at(10))
    assert (second.urn, second.from_self, second.excerpt, when(second.sent_at)) == ("m2", True, "see you there", at(20))
    assert when(messages.occurred_at) == at(20)
    snapshot = messages.contact
    assert (snapshot.full_name, snapshot.first_name, snapshot.headline) == ("Jane Doe", "Jane", "CTO at Acme")
    assert (snapshot.member_id, snapshot.slug, snapshot.avatar_url) == (JANE, "jane-doe", "")
    # Positions grow in feed order; seq identifies each event.
    assert len({event.seq for event in events}) == 2
    positions = [activity.Position.decode(event.position) for event in events]
    assert positions == sorted(set(positions))


def urns(events: list[pb.ActivityEvent]) -> list[str]:
    return [m.urn for event in events if event.HasField("messages") for m in event.messages.messages]


async def test_the_first_name_a_draft_greets_is_a_word_not_the_emoji_a_linkedin_name_starts_with(
    contacts: ContactsHarness,
) -> None:
    await contacts.user().push(
        conversation(member_id=JANE, first_name="🚀 Jane", last_name="Doe 🎉", messages=[message("m1", 10, "Hi")])
    )
    events, _ = await contacts.activity()
    assert {(event.contact.full_name, event.contact.first_name) for event in events} == {("🚀 Jane Doe 🎉", "Jane")}


async def test_a_draft_greets_the_first_name_after_a_title_not_the_title(contacts: ContactsHarness) -> None:
    await contacts.user().push(
        conversation(member_id=JANE, first_name="Dr. Jane", last_name="Doe", messages=[message("j1", 10)]),
        conversation(member_id=JOHN, first_name="PROF John", last_name="Roe", messages=[message("n1", 20)]),
        conversation(member_id="ACoSir", first_name="Sir", last_name="", messages=[message("s1", 30)]),
    )
    events, _ = await contacts.activity()
    assert {(event.contact.full_name, event.contact.first_name) for event in events} == {
        ("Dr. Jane Doe", "Jane"),
        ("PROF John Roe", "John"),
        ("Sir", "Sir"),  # a title alone is all there is to greet
    }


async def test_a_draft_greets_the_first_name_linkedin_gave_whole_until_the_user_renames_the_contact(
    contacts: ContactsHarness,
) -> None:
    user = contacts.user()
    await user.push(
        conversation(member_id=JANE, first_name="María José", last_name="García", messages=[message("j1", 10)]),
        # The whole name typed as the first name tells nothing about where the first name ends.
        conversation(member_id=JOHN, first_name="John Roe", last_name="", messages=[message("n1", 20)]),
    )
    events, after = await contacts.activity()
    assert {(event.contact.full_name, event.contact.first_name) for event in events} == {
        ("María José García", "María José"),
        ("John Roe", "John"),
    }

    # A profile's first-name field counts as a push's does; the user's own name for the contact wins over both.
    jane, john = await user.find(member_id=JANE), await user.find(member_id=JOHN)
    pushed = pb.PushedProfile(identity=pb.LinkedInIdentity(member_id=JOHN), first_name="Juan Carlos", last_name="Roe")
    await user.push(profiles=[pushed])
    request = pb.UpdateContactRequest(contact_id=jane.id, full_name="Majo García")
    await user.stub.UpdateContact(request, metadata=user.metadata, timeout=10)
    events, after = await contacts.activity(after)
    assert [(e.contact_id, e.contact.first_name, tuple(e.contact_updated.fields)) for e in events] == [
        (john.id, "Juan Carlos", ("full_name", "given_name")),
        (jane.id, "Majo", ("full_name",)),
    ]

    # Connections.csv carries the first name in a column of its own.
    header = "First Name,Last Name,URL,Email Address,Company,Position,Connected On"
    await user.imported(f"{header}\nAna María,López,https://www.linkedin.com/in/ana-lopez,,,,05 Mar 2024\n".encode())
    events, _ = await contacts.activity(after)
    assert {(event.contact.full_name, event.contact.first_name) for event in events} == {
        ("Ana María López", "Ana María")
    }


async def test_a_push_records_one_messages_event_per_contact_in_the_order_of_their_newest_message(
    contacts: ContactsHarness,
) -> None:
    user = contacts.user()
    await user.push(
        conversation(member_id=JANE, messages=[message("j1", 5), message("j2", 50)]),
        conversation(member_id=JOHN, messages=[message("n1", 1), message("n2", 30)]),
    )
    events, _ = await contacts.activity()
    assert kinds(events) == ["contact_added", "contact_added", "messages", "messages"]
    john, jane = events[2:]
    assert (john.contact_id, jane.contact_id) == (
        (await user.find(member_id=JOHN)).id,
        (await user.find(member_id=JANE)).id,
    )
    assert urns([john]) == ["n1", "n2"]
    assert urns([jane]) == ["j1", "j2"]


async def test_a_messages_event_names_the_linkedin_conversation_of_its_newest_message(
    contacts: ContactsHarness,
) -> None:
    user = contacts.user()

    def thread(thread_id: str) -> str:
        return f"urn:li:msg_conversation:(urn:li:fsd_profile:{JANE},{thread_id})"

    await user.push(
        conversation(member_id=JANE, urn=thread("2-QQ=="), messages=[message("a1", 5)]),
        conversation(member_id=JANE, urn=thread("2-Qg/+"), messages=[message("b1", 50)]),
        conversation(member_id=JOHN, urn="urn:li:msg_conversation:john", messages=[message("n1", 30)]),
    )
    events, position = await contacts.activity()
    john, jane = [event for event in events if event.WhichOneof("detail") == "messages"]
    assert (urns([jane]), jane.messages.conversation_url) == (
        ["a1", "b1"],
        "https://www.linkedin.com/messaging/thread/2-Qg%2F%2B/",
    )
    assert john.messages.conversation_url == ""  # its URN names no thread
    # Each event names its own newest message's conversation: a history walk's older message, the older thread.
    await user.push(conversation(member_id=JANE, urn=thread("2-QQ=="), messages=[message("a0", 1)]))
    [older], _ = await contacts.activity(position)
    assert older.messages.conversation_url == "https://www.linkedin.com/messaging/thread/2-QQ==/"


async def test_re_pushing_what_is_stored_records_nothing(contacts: ContactsHarness) -> None:
    user = contacts.user()
    push = conversation(member_id=JANE, first_name="Jane", messages=[message("m1", 1), message("m2", 2)])
    await user.push(push)
    events, position = await contacts.activity()
    assert urns(events) == ["m1", "m2"]
    await user.push(push)
    await user.push(conversation(member_id=JANE, first_name="Jane", messages=[message("m2", 2), message("m3", 3)]))
    later, _ = await contacts.activity(position)
    assert kinds(later) == ["messages"]
    assert urns(later) == ["m3"]


async def test_a_merge_and_a_changed_profile_are_recorded(contacts: ContactsHarness) -> None:
    user = contacts.user()
    await user.push(conversation(member_id=JANE, messages=[message("m1", 1)]))
    contacts.clock.advance(timedelta(minutes=1))
    await user.push(conversation(slug="jane-doe", messages=[message("m2", 2)], headline="CTO"))
    by_member = await user.find(member_id=JANE)
    by_slug = await user.find(slug="jane-doe")
    _, position = await contacts.activity()

    await user.push(conversation(member_id=JANE, slug="jane-doe", first_name="Jane", last_name="Doe"))
    merged, position = await contacts.activity(position)
    assert kinds(merged) == ["contacts_merged", "contact_updated"]
    assert merged[0].contact_id == by_member.id
    assert merged[0].contacts_merged.absorbed_contact_id == by_slug.id
    assert set(merged[1].contact_updated.fields) == {"slug", "full_name", "given_name", "headline"}
    for event in merged:
        assert (event.contact.full_name, event.contact.slug, event.contact.headline) == ("Jane Doe", "jane-doe", "CTO")

    # A name LinkedIn shows differently now is a change too; the same name again is not.
    await user.push(conversation(member_id=JANE, slug="jane-doe", first_name="Jane", last_name="Smith"))
    await user.push(conversation(member_id=JANE, slug="jane-doe", first_name="Jane", last_name="Smith"))
    renamed, _ = await contacts.activity(position)
    assert kinds(renamed) == ["contact_updated"]
    assert list(renamed[0].contact_updated.fields) == ["full_name"]
    assert renamed[0].contact.full_name == "Jane Smith"


async def test_the_feed_pages_and_a_reader_continues_where_it_stopped(contacts: ContactsHarness) -> None:
    user = contacts.user()
    for i in range(3):
        await user.push(conversation(member_id=JANE, messages=[message(f"m{i}", i)]))
    await user.push(conversation(member_id=JOHN, messages=[message("n0", 10), message("n1", 11)]))
    first = await contacts.read_activity(limit=3)
    assert kinds(first.events) == ["contact_added", "messages", "messages"]
    assert first.next == first.events[-1].position
    rest = await contacts.read_activity(first.next, limit=100)
    assert kinds(rest.events) == ["messages", "contact_added", "messages"]
    assert urns(rest.events) == ["m2", "n0", "n1"]
    caught_up = await contacts.read_activity(rest.next)
    assert list(caught_up.events) == []
    assert caught_up.next == rest.next  # nothing new: the same position again
    default = await contacts.read_activity()
    assert len(default.events) == 6  # 0 means the default page of 200


async def test_a_page_of_large_events_stays_under_the_message_size_limit(contacts: ContactsHarness) -> None:
    """Five pushes of 2,000 long messages each: their events hold about 10 MB of excerpts, more than one gRPC
    message may carry (8 MiB). Pages stop at their size budget and say more follows; a reader gets every
    event exactly once."""
    user = contacts.user()
    text = "é" * 500  # a full excerpt, two bytes a character in UTF-8
    for push in range(5):
        messages = [message(f"big{push}-{i}", i, text) for i in range(MAX_MESSAGES)]
        await user.push(conversation(member_id=f"ACoAAABig{push:03d}", messages=messages))
    pages, after = [], ""
    while True:
        page = await contacts.read_activity(after, limit=1000)
        pages.append(page)
        after = page.next
        if not page.more:
            break
    assert max(page.ByteSize() for page in pages) <= MAX_MESSAGE_BYTES
    assert len(pages) >= 3 and all(page.more for page in pages[:-1])
    events = [event for page in pages for event in page.events]
    assert kinds(events) == ["contact_added", "messages"] * 5
    assert sum(len(event.messages.messages) for event in events) == 5 * MAX_MESSAGES
    assert len({event.position for event in events}) == 10
    assert list((await contacts.read_activity(after)).events) == []


async def test_the_feed_holds_every_users_events_each_naming_its_user(contacts: ContactsHarness) -> None:
    await contacts.user("user-a").push(conversation(member_id=JANE, messages=[message("a1", 1)]))
    await contacts.user("user-b").push(conversation(member_id=JANE, messages=[message("b1", 1)]))
    events, _ = await contacts.activity()
    by_user = {(event.user_id, urns([event])[0]) for event in events if event.HasField("messages")}
    assert by_user == {("user-a", "a1"), ("user-b", "b1")}
    jane_a = await contacts.user("user-a").find(member_id=JANE)
    jane_b = await contacts.user("user-b").find(member_id=JANE)
    assert {event.user_id: event.contact_id for event in events} == {"user-a": jane_a.id, "user-b": jane_b.id}


@pytest.mark.parametrize(
    ("after", "limit", "code", "details"),
    [
        ("12", 0, "invalid_position", "after is not a position this feed returned"),
        ("1-x", 0, "invalid_position", "after is not a position this feed returned"),
        ("99999999999999999999-1", 0, "invalid_position", "after is not a position this feed returned"),
        ("", 1001, "limit_too_large", "at most 1000 events per read, asked for 1001"),
        ("", -1, "invalid_limit", "limit must be positive"),
    ],
)
async def test_bad_reads_are_refused_naming_the_problem(
    contacts: ContactsHarness, after: str, limit: int, code: str, details: str
) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await contacts.read_activity(after, limit)
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert refused.value.details() == details
    assert error_code(refused.value) == code


async def test_only_suggestions_service_may_read_the_feed(contacts: ContactsHarness) -> None:
    user = contacts.user()
    await user.push(conversation(member_id=JANE, messages=[message("m1", 1)]))
    with pytest.raises(grpc.aio.AioRpcError) as user_token:
        await user.stub.ReadActivity(pb.ReadActivityRequest(), metadata=user.metadata, timeout=10)
    assert user_token.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert user_token.value.details() == "a pingcrm-web token may not call this method"
    assert error_code(user_token.value) == "wrong_audience"
    with pytest.raises(grpc.aio.AioRpcError) as other_service:
        await contacts.read_activity(service="media")
    assert other_service.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert other_service.value.details() == "a pingcrm-service:media token may not call this method"
    with pytest.raises(grpc.aio.AioRpcError) as no_token:
        await user.stub.ReadActivity(pb.ReadActivityRequest(), timeout=10)
    assert no_token.value.code() == grpc.StatusCode.UNAUTHENTICATED
    assert error_code(no_token.value) == "missing_token"


# --- transactions committing out of order (PostgreSQL) -------------------------------------------------


def _event(contact_id: str) -> activity.NewActivity:
    snapshot = activity.ContactSnapshot(full_name=contact_id)
    return activity.NewActivity(contact_id, at(0), snapshot, activity.ContactAdded(activity.SOURCE_LINKEDIN_DM))


async def _seqs(database: Database) -> dict[str, int]:
    async with database.session() as session:
        rows = (await session.exec(text("SELECT contact_id, seq FROM activity"))).all()
    return {contact_id: seq for contact_id, seq in rows}


@pytest.fixture
async def contacts_on_postgres(postgres_url, data_dir, clock):
    settings = ContactsSettings(
        data_dir=data_dir, port=0, metrics_port=None, database_url=postgres_url, auth_addr="127.0.0.1:9"
    )
    async with running_contacts(settings, clock) as harness:
        database = Database(settings.resolved_database_url, "contacts")
        try:
            yield harness, database
        finally:
            await database.dispose()


async def test_a_reader_waits_for_a_lower_sequence_number_still_being_written(contacts_on_postgres) -> None:
    contacts, database = contacts_on_postgres
    now = datetime(2026, 1, 1, tzinfo=UTC)
    async with database.session() as slow:
        await record(slow, "user-a", [_event("slow")], now)  # draws the lower seq, commits last
        async with database.session() as fast:
            await record(fast, "user-b", [_event("fast")], now)
        # `fast` committed, `slow` is still open: a reader that served `fast` now and remembered its
        # position would never see `slow`. The feed serves nothing past the open transaction.
        seqs = await _seqs(database)
        assert seqs == {"fast": seqs["fast"]}
        during = await contacts.read_activity()
        assert list(during.events) == []
    seqs = await _seqs(database)
    assert seqs["slow"] < seqs["fast"]  # the numbers were drawn in the opposite order of the commits
    after = await contacts.read_activity(during.next)
    assert [event.contact_id for event in after.events] == ["slow", "fast"]
    assert list((await contacts.read_activity(after.next)).events) == []


async def test_a_reader_that_already_passed_an_older_transaction_still_gets_its_events(contacts_on_postgres) -> None:
    contacts, database = contacts_on_postgres
    now = datetime(2026, 1, 1, tzinfo=UTC)
    async with database.session() as fast:
        await fast.exec(text("SELECT pg_current_xact_id()"))  # `fast` becomes the older transaction
        async with database.session() as slow:
            await record(slow, "user-a", [_event("slow")], now)  # the lower seq, the younger transaction
            await record(fast, "user-b", [_event("fast")], now)
            await fast.commit()
            during = await contacts.read_activity()
            # `fast` is served (every transaction older than it has finished) and the reader moves past it ...
            assert [event.contact_id for event in during.events] == ["fast"]
    # ... and `slow`, committed after that with a lower seq, still comes next: its position is after `fast`'s.
    seqs = await _seqs(database)
    assert seqs["slow"] < seqs["fast"]
    after = await contacts.read_activity(during.next)
    assert [event.contact_id for event in after.events] == ["slow"]


async def test_events_of_a_transaction_that_rolls_back_never_appear(contacts_on_postgres) -> None:
    contacts, database = contacts_on_postgres
    now = datetime(2026, 1, 1, tzinfo=UTC)
    with pytest.raises(RuntimeError):
        async with database.session() as doomed:
            await record(doomed, "user-a", [_event("doomed")], now)
            raise RuntimeError("the change failed after recording its events")
    async with database.session() as kept:
        await record(kept, "user-a", [_event("kept")], now)
    events, _ = await contacts.activity()
    assert [event.contact_id for event in events] == ["kept"]

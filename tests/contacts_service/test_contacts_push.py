"""PushLinkedIn over gRPC on both backends: matching, merging, idempotence,
per-item rejections, limits and tenant isolation, as a user would see them
in their contact list afterwards."""

from __future__ import annotations

from datetime import UTC, timedelta

import grpc
import pytest
from contacts_harness import ContactsHarness, at, conversation, error_code, message
from pingcrm.contacts.v1 import contacts_service_pb2 as pb

JANE = "ACoAAAJane01"
JOHN = "ACoAAAJohn02"


async def test_a_contact_known_by_member_id_and_one_known_by_slug_merge_into_one(contacts: ContactsHarness) -> None:
    user = contacts.user()
    # LinkedIn first showed Jane by member id only, and separately by slug only (say, a CSV import).
    first = await user.push(conversation(member_id=JANE, messages=[message("m1", 1), message("m2", 2)]))
    assert (first.contacts_created, first.interactions_created) == (1, 2)
    contacts.clock.advance(timedelta(minutes=1))
    await user.push(
        conversation(slug="jane-doe", messages=[message("m3", 30, "latest", from_self=True)], headline="CTO")
    )
    assert len(await user.contacts()) == 2
    by_member = await user.find(member_id=JANE)

    both = await user.push(conversation(member_id=JANE, slug="jane-doe", first_name="Jane", last_name="Doe"))
    assert (both.contacts_created, both.contacts_updated, both.interactions_created) == (0, 1, 0)

    [jane] = await user.contacts()
    assert jane.id == by_member.id  # the older contact survives
    assert (jane.linkedin.member_id, jane.linkedin.slug) == (JANE, "jane-doe")
    assert jane.full_name == "Jane Doe"
    assert jane.headline == "CTO"  # kept from the absorbed contact
    assert jane.interaction_count == 3
    assert (jane.last_message.text, jane.last_message.direction) == ("latest", pb.DIRECTION_OUTBOUND)
    assert jane.last_interaction_at.ToDatetime().replace(tzinfo=at(0).tzinfo) == at(30)
    detail = await user.get(jane.id)
    assert [i.source_urn for i in detail.recent_interactions] == ["m3", "m2", "m1"]
    assert (await user.find(slug="jane-doe")).id == jane.id
    assert (await user.sync_state()).contacts_count == 1


async def test_a_contact_seen_by_one_id_gets_the_other_filled_in(contacts: ContactsHarness) -> None:
    user = contacts.user()
    await user.push(conversation(slug="john-roe", messages=[message("m1", 1)]))
    filled = await user.push(conversation(member_id=JOHN, slug="John-Roe", messages=[message("m2", 2)]))
    assert (filled.contacts_created, filled.contacts_updated, filled.interactions_created) == (0, 1, 1)
    [john] = await user.contacts()
    assert (john.linkedin.member_id, john.linkedin.slug, john.interaction_count) == (JOHN, "john-roe", 2)
    # Later the member id alone (and an /in/<member id> address) still finds the same contact.
    again = await user.push(conversation(slug=JOHN, messages=[message("m3", 3)]))
    assert again.contacts_created == 0
    assert [c.id for c in await user.contacts()] == [john.id]
    assert (await user.find(member_id=JOHN)).interaction_count == 3


async def test_a_slug_taken_over_by_someone_else_moves_to_them(contacts: ContactsHarness) -> None:
    user = contacts.user()
    await user.push(conversation(member_id=JANE, slug="the-handle", first_name="Jane"))
    # Jane gave up the slug; John's profile now carries it. Member ids never change hands, so these are two people.
    moved = await user.push(conversation(member_id=JOHN, slug="the-handle", first_name="John"))
    assert moved.contacts_created == 1
    assert (await user.find(slug="the-handle")).full_name == "John"
    assert (await user.find(member_id=JANE)).linkedin.slug == ""


async def test_names_never_match_anyone(contacts: ContactsHarness) -> None:
    user = contacts.user()
    await user.push(conversation(member_id=JANE, first_name="Alex", last_name="Kim"))
    pushed = await user.push(conversation(member_id=JOHN, first_name="Alex", last_name="Kim"))
    assert pushed.contacts_created == 1
    assert len(await user.contacts()) == 2


async def test_the_name_linkedin_shows_for_a_hidden_member_never_replaces_or_poses_as_a_name(
    contacts: ContactsHarness,
) -> None:
    """Once Jane closes her account (or leaves the user's network) LinkedIn shows her as "LinkedIn Member": her
    contact keeps her name. Someone LinkedIn never named is a contact without a name, not "LinkedIn Member"."""
    user = contacts.user()
    await user.push(conversation(member_id=JANE, first_name="Jane", last_name="Doe", messages=[message("j1", 1)]))
    hidden = conversation(member_id=JANE, first_name="LinkedIn", last_name="Member", messages=[message("j2", 2)])
    await user.push(hidden)
    jane = await user.find(member_id=JANE)
    assert (jane.full_name, jane.interaction_count) == ("Jane Doe", 2)
    await user.push(
        conversation(member_id=JOHN, first_name="Linkedin", last_name=" member ", messages=[message("n1", 3)])
    )
    assert (await user.find(member_id=JOHN)).full_name == ""


async def test_re_pushing_the_same_messages_changes_nothing(contacts: ContactsHarness) -> None:
    user = contacts.user()
    batch = [
        conversation(member_id=JANE, slug="jane-doe", messages=[message("m1", 1), message("m2", 2)], first_name="J"),
        conversation(member_id=JOHN, messages=[message("m3", 3)]),
    ]
    first = await user.push(*batch)
    assert (first.contacts_created, first.interactions_created, first.interactions_skipped) == (2, 3, 0)
    before = await user.contacts()

    again = await user.push(*batch)
    assert (again.contacts_created, again.contacts_updated) == (0, 0)
    assert (again.interactions_created, again.interactions_skipped) == (0, 3)
    assert await user.contacts() == before


async def test_a_repeated_urn_within_one_push_is_stored_once(contacts: ContactsHarness) -> None:
    user = contacts.user()
    pushed = await user.push(
        conversation(member_id=JANE, messages=[message("m1", 1), message("m1", 1)]),
        conversation(member_id=JANE, messages=[message("m1", 1), message("m2", 2)]),
    )
    assert (pushed.contacts_created, pushed.interactions_created, pushed.interactions_skipped) == (1, 2, 2)
    [jane] = await user.contacts()
    assert jane.interaction_count == 2


async def test_a_new_contact_is_never_credited_with_a_message_stored_under_someone_else(
    contacts: ContactsHarness,
) -> None:
    """New contacts are created with their messages' count and last message before the messages are inserted;
    one the user already had under another contact (its URN) must not count for the new one."""
    user = contacts.user()
    await user.push(conversation(member_id=JANE, messages=[message("m1", 1, "hello")]))
    pushed = await user.push(
        conversation(member_id=JOHN, messages=[message("m1", 1, "hello"), message("m2", 2, "bye")]),
        conversation(member_id="ACoAAAJoan03", messages=[message("m1", 1, "hello")]),
    )
    assert (pushed.contacts_created, pushed.interactions_created, pushed.interactions_skipped) == (2, 1, 2)
    by_member = {contact.linkedin.member_id: contact for contact in await user.contacts()}
    john, joan, jane = by_member[JOHN], by_member["ACoAAAJoan03"], by_member[JANE]
    assert (john.interaction_count, john.last_message.text) == (1, "bye")
    assert john.last_interaction_at.ToDatetime(tzinfo=UTC) == at(2)
    assert (joan.interaction_count, joan.HasField("last_message"), joan.HasField("last_interaction_at")) == (
        0,
        False,
        False,
    )
    assert (jane.interaction_count, jane.last_message.text) == (1, "hello")


async def test_a_new_contacts_last_message_is_its_newest(contacts: ContactsHarness) -> None:
    user = contacts.user()
    await user.push(
        conversation(member_id=JANE, messages=[message("m2", 9, "newest", from_self=True), message("m1", 3, "old")])
    )
    [jane] = await user.contacts()
    assert (jane.interaction_count, jane.last_message.text, jane.last_message.direction) == (
        2,
        "newest",
        pb.DIRECTION_OUTBOUND,
    )
    assert jane.last_interaction_at == jane.last_message.sent_at
    assert jane.last_message.sent_at.ToDatetime(tzinfo=UTC) == at(9)


async def test_older_messages_arriving_later_do_not_replace_the_last_message(contacts: ContactsHarness) -> None:
    user = contacts.user()
    await user.push(conversation(member_id=JANE, messages=[message("new", 60, "newest")]))
    older = await user.push(conversation(member_id=JANE, messages=[message("old", 5, "older")]))
    assert (older.contacts_updated, older.interactions_created) == (1, 1)
    [jane] = await user.contacts()
    assert (jane.last_message.text, jane.interaction_count) == ("newest", 2)


async def test_malformed_items_are_skipped_with_their_paths_and_the_rest_is_stored(contacts: ContactsHarness) -> None:
    user = contacts.user()
    no_time = pb.PushedMessage(urn="m-no-time", text="?")
    no_urn = message("", 4)
    in_seconds = pb.PushedMessage(urn="m-seconds", text="?")
    in_seconds.sent_at.FromSeconds(1_749_990)  # epoch seconds / 1000 — 1970
    future = pb.PushedMessage(urn="m-future", text="?")
    future.sent_at.FromDatetime(contacts.clock.now() + timedelta(days=3))
    pushed = await user.push(
        conversation(member_id=JANE, messages=[message("ok-1", 1), no_time, no_urn, in_seconds, future]),
        conversation(messages=[message("lost", 2)]),  # a partner with neither id
        conversation(member_id="jane-doe", messages=[message("lost-2", 3)]),  # not a member id
        pb.PushedConversation(urn="no-partner", messages=[message("lost-3", 4)]),
        conversation(member_id=JOHN, messages=[message("ok-2", 5)]),
    )
    rejected = {item.path: item.reason for item in pushed.rejected}
    assert rejected == {
        "conversations[0].messages[1]": "sent_at is missing or not a time; "
        "send epoch milliseconds or an RFC 3339 time with an offset",
        "conversations[0].messages[2]": "message has no urn",
        "conversations[0].messages[3]": "sent_at 1970-01-21T06:06:30+00:00 is before LinkedIn existed; "
        "was it sent in seconds instead of milliseconds?",
        "conversations[0].messages[4]": "sent_at 2026-01-04T00:00:00+00:00 is more than a day in the future",
        "conversations[1].partner": "partner has neither member_id nor slug; "
        "the conversation's 1 message(s) were skipped",
        "conversations[2].partner": "member_id 'jane-doe' is not a LinkedIn member id (ACo…); "
        "the conversation's 1 message(s) were skipped",
        "conversations[3].partner": "conversation has no partner; the conversation's 1 message(s) were skipped",
    }
    assert (pushed.contacts_created, pushed.interactions_created) == (2, 2)
    stored = {c.linkedin.member_id: c.interaction_count for c in await user.contacts()}
    assert stored == {JANE: 1, JOHN: 1}


@pytest.mark.parametrize(
    ("push_args", "code", "details"),
    [
        (
            {"conversations": [conversation(member_id=JANE)] * 101},
            "too_many_conversations",
            "a push holds at most 100 conversations, this one has 101",
        ),
        (
            {
                "conversations": [
                    conversation(member_id=JANE, messages=[message(f"m{i}-{j}", 1) for j in range(401)])
                    for i in range(5)
                ]
            },
            "too_many_messages",
            "a push holds at most 2000 messages across its conversations, this one has 2005",
        ),
        (
            {"conversations": [], "profiles": 51},
            "too_many_profiles",
            "a push holds at most 50 profiles, this one has 51",
        ),
        (
            {"conversations": [conversation(member_id=JANE, messages=[message("ok", 1), message("m", 1, "x" * 8001)])]},
            "message_text_too_long",
            "conversations[0].messages[1].text has 8001 characters, more than the limit of 8000",
        ),
    ],
)
async def test_pushes_beyond_a_limit_are_refused_whole(
    contacts: ContactsHarness, push_args: dict[str, object], code: str, details: str
) -> None:
    user = contacts.user()
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await user.push(*push_args["conversations"], profiles=push_args.get("profiles", 0))
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert (error_code(raised.value), raised.value.details()) == (code, details)
    assert await user.contacts() == []
    assert not (await user.sync_state()).HasField("last_push_at")


async def test_exactly_at_the_limits_is_accepted(contacts: ContactsHarness) -> None:
    user = contacts.user()
    batch = [
        conversation(member_id=f"ACoMember{i:03d}", messages=[message(f"m{i}-{j}", j) for j in range(20)])
        for i in range(100)
    ]
    batch[0].messages[0].text = "é" * 8000
    profiles = [pb.PushedProfile(identity=pb.LinkedInIdentity(member_id=f"ACoMember{i:03d}")) for i in range(50)]
    pushed = await user.push(*batch, profiles=profiles)
    assert (pushed.contacts_created, pushed.interactions_created, list(pushed.rejected)) == (100, 2000, [])


async def test_every_push_records_when_it_happened(contacts: ContactsHarness) -> None:
    user = contacts.user()
    assert not (await user.sync_state()).HasField("last_push_at")
    await user.push(conversation(member_id=JANE, messages=[message("m1", 1)]))
    assert (await user.sync_state()).last_push_at.ToDatetime().isoformat() == "2026-01-01T00:00:00"
    contacts.clock.advance(timedelta(minutes=30))
    await user.push()  # nothing new is still a sync
    assert (await user.sync_state()).last_push_at.ToDatetime().isoformat() == "2026-01-01T00:30:00"


async def test_users_never_see_or_merge_into_each_others_contacts(contacts: ContactsHarness) -> None:
    ada, bob = contacts.user("user-a"), contacts.user("user-b")
    await ada.push(conversation(member_id=JANE, messages=[message("m1", 1, "for ada")]))
    await ada.push(conversation(slug="jane-doe", messages=[message("m2", 2)]))
    [ada_member, ada_slug] = sorted(await ada.contacts(), key=lambda c: c.linkedin.slug)

    # Bob talks to the same Jane, even with the same message URN: his own contact, Ada's untouched.
    bobs = await bob.push(conversation(member_id=JANE, slug="jane-doe", messages=[message("m1", 1, "for bob")]))
    assert (bobs.contacts_created, bobs.interactions_created, bobs.interactions_skipped) == (1, 1, 0)
    [bob_jane] = await bob.contacts()
    assert bob_jane.id not in {ada_member.id, ada_slug.id}
    assert bob_jane.last_message.text == "for bob"
    assert len(await ada.contacts()) == 2  # nothing of Ada's merged

    for contact_id in (ada_member.id, ada_slug.id):
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            await bob.get(contact_id)
        assert (raised.value.code(), raised.value.details()) == (grpc.StatusCode.NOT_FOUND, "contact not found")
        assert error_code(raised.value) == "contact_not_found"
    assert [c.id for c in (await bob.list(query="")).contacts] == [bob_jane.id]
    assert (await bob.sync_state()).contacts_count == 1
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await contacts.user("user-c").find(member_id=JANE)
    assert raised.value.code() == grpc.StatusCode.NOT_FOUND


async def test_find_needs_an_identity(contacts: ContactsHarness) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await contacts.user().find()
    assert (raised.value.code(), error_code(raised.value)) == (grpc.StatusCode.INVALID_ARGUMENT, "identity_required")
    assert raised.value.details() == "give a member_id or a slug"

"""History marks over gRPC on both backends: per conversation, how far back its
messages reach and whether that is its start (docs/linkedin-sync.md §2), as
the extension's history walk sees them through ListIncompleteConversations."""

from __future__ import annotations

from datetime import timedelta

import grpc
import pytest
from contacts_harness import ContactsHarness, at, conversation, error_code, message
from pingcrm.contacts.v1 import contacts_service_pb2 as pb

JANE = "ACoAAAJane01"
JOHN = "ACoAAAJohn02"
ANNA = "ACoAAAAnna03"
URN_JANE = f"urn:li:msg_conversation:{JANE}"


def page(prefix: str, first: int, last: int) -> list[pb.PushedMessage]:
    """Messages `prefix`first … `prefix`last, one a minute at those minutes."""
    return [message(f"{prefix}{minute}", minute) for minute in range(first, last + 1)]


async def test_the_walk_back_goes_from_the_oldest_message_to_the_first_one(contacts: ContactsHarness) -> None:
    user = contacts.user()
    # A first sync: Jane's newest page (20 of a longer thread), John's whole short thread.
    await user.push(
        conversation(member_id=JANE, messages=page("j", 200, 219)),
        conversation(member_id=JOHN, messages=page("o", 10, 12), first_message_at=10),
    )
    listed = await user.incomplete()
    assert (listed.total, [c.urn for c in listed.conversations]) == (1, [URN_JANE])
    [jane] = listed.conversations
    assert (jane.partner.member_id, jane.partner.slug) == (JANE, "")
    assert await user.walks() == {URN_JANE: (at(200), None)}

    # The history walk pushes older pages, newest first; each moves `before` back.
    await user.push(conversation(member_id=JANE, messages=page("j", 180, 199)))
    assert await user.walks() == {URN_JANE: (at(180), None)}
    # A page shorter than asked: the start. Complete, and no longer listed.
    await user.push(conversation(member_id=JANE, messages=page("j", 170, 179), first_message_at=170))
    assert (await user.incomplete()).total == 0

    # The old messages counted, but "last message" and the last interaction stayed the newest.
    contact = await user.find(member_id=JANE)
    assert contact.interaction_count == 50
    assert contact.last_message.text == "text of j219"
    assert contact.last_interaction_at.ToDatetime(tzinfo=at(0).tzinfo) == at(219)


async def test_an_empty_page_before_the_oldest_message_says_it_was_the_first(contacts: ContactsHarness) -> None:
    user = contacts.user()
    await user.push(conversation(member_id=JANE, messages=page("j", 100, 119)))
    await user.push(conversation(member_id=JANE, first_message_at=100))  # no messages: the page was empty
    assert (await user.incomplete()).total == 0


async def test_new_messages_beyond_one_sync_leave_a_gap_walked_before_the_rest(contacts: ContactsHarness) -> None:
    user = contacts.user()
    await user.push(conversation(member_id=JANE, messages=page("j", 100, 119)))
    # 130 new messages (minutes 200–329) but the sync read only the newest 100: 200–229 are missing.
    capped = await user.push(conversation(member_id=JANE, messages=page("j", 230, 329), older_missing_after=150))
    assert capped.rejected == []
    assert await user.walks() == {URN_JANE: (at(230), at(150))}
    # The walk fills it page by page (newest first)…
    await user.push(conversation(member_id=JANE, messages=page("j", 210, 229)))
    assert await user.walks() == {URN_JANE: (at(210), at(150))}
    # …until a page reaches what PingCRM already had: the gap is gone, the history walk goes on.
    await user.push(conversation(member_id=JANE, messages=[*page("j", 200, 209), *page("j", 110, 119)]))
    assert await user.walks() == {URN_JANE: (at(100), None)}
    assert (await user.find(member_id=JANE)).interaction_count == 20 + 100 + 30


async def test_a_gap_in_a_conversation_that_was_complete_closes_to_complete(contacts: ContactsHarness) -> None:
    user = contacts.user()
    await user.push(conversation(member_id=JANE, messages=page("j", 100, 104), first_message_at=100))
    await user.push(conversation(member_id=JANE, messages=page("j", 300, 399), older_missing_after=150))
    assert await user.walks() == {URN_JANE: (at(300), at(150))}
    await user.push(conversation(member_id=JANE, messages=[*page("j", 290, 299), message("j104", 104)]))
    assert (await user.incomplete()).total == 0


async def test_a_second_gap_before_the_first_is_walked_widens_it(contacts: ContactsHarness) -> None:
    user = contacts.user()
    await user.push(conversation(member_id=JANE, messages=page("j", 100, 119), first_message_at=100))
    await user.push(conversation(member_id=JANE, messages=page("j", 300, 399), older_missing_after=150))
    await user.push(conversation(member_id=JANE, messages=page("j", 600, 699), older_missing_after=450))
    # One gap from the newest cut down to the oldest known point: 400–449 and 300–399 are walked again.
    assert await user.walks() == {URN_JANE: (at(600), at(150))}


async def test_a_missing_stretch_of_a_conversation_never_seen_is_just_its_history(contacts: ContactsHarness) -> None:
    user = contacts.user()
    await user.push(conversation(member_id=JANE, messages=page("j", 300, 399), older_missing_after=150))
    assert await user.walks() == {URN_JANE: (at(300), None)}


async def test_the_list_is_newest_first_limited_and_counted(contacts: ContactsHarness) -> None:
    user = contacts.user()
    for minutes, member in ((100, JANE), (300, JOHN), (200, ANNA)):
        await user.push(conversation(member_id=member, messages=page("m" + member, minutes, minutes + 19)))
    listed = await user.incomplete(page_size=2)
    assert [c.partner.member_id for c in listed.conversations] == [JOHN, ANNA]
    assert listed.total == 3
    only_total = await user.incomplete(page_size=0)
    assert (list(only_total.conversations), only_total.total) == ([], 3)


@pytest.mark.parametrize(
    ("page_size", "code", "details"),
    [
        (101, "limit_too_large", "at most 100 conversations per answer, asked for 101"),
        (-1, "invalid_limit", "page_size must not be negative"),
    ],
)
async def test_page_sizes_beyond_the_limits_are_refused(
    contacts: ContactsHarness, page_size: int, code: str, details: str
) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await contacts.user().incomplete(page_size=page_size)
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert (error_code(refused.value), refused.value.details()) == (code, details)
    assert (await contacts.user().incomplete(page_size=100)).total == 0


async def test_implausible_hints_are_reported_and_ignored_the_messages_stored(contacts: ContactsHarness) -> None:
    user = contacts.user()
    odd = conversation(member_id=JANE, messages=page("j", 100, 119))
    odd.first_message_at.FromSeconds(1_000_000_000)  # 2001: seconds where milliseconds were meant
    far = contacts.clock.now() + timedelta(days=2)
    odd.older_missing_after.FromDatetime(far)
    answer = await user.push(odd, conversation(member_id=JOHN, urn="u" * 301, messages=page("o", 1, 2)))
    assert [(r.path, r.reason) for r in answer.rejected] == [
        (
            "conversations[0].first_message_at",
            "first_message_at 2001-09-09T01:46:40+00:00 is before LinkedIn existed; "
            "was it sent in seconds instead of milliseconds?; it was ignored",
        ),
        (
            "conversations[0].older_missing_after",
            f"older_missing_after {far.isoformat()} is more than a day in the future; it was ignored",
        ),
        ("conversations[1].urn", "urn is longer than 300 characters; its history is not kept"),
    ]
    assert answer.interactions_created == 22
    assert await user.walks() == {URN_JANE: (at(100), None)}  # John's conversation has no mark


async def test_a_conversation_pushed_in_two_parts_at_once(contacts: ContactsHarness) -> None:
    user = contacts.user()
    await user.push(
        conversation(member_id=JANE, messages=page("j", 120, 139)),
        conversation(member_id=JANE, messages=page("j", 100, 119), first_message_at=100),
    )
    assert (await user.incomplete()).total == 0


async def test_marks_follow_a_merge_and_stay_with_their_user(contacts: ContactsHarness) -> None:
    ada, bob = contacts.user("user-a"), contacts.user("user-b")
    await ada.push(conversation(slug="jane-doe", urn=URN_JANE, messages=page("j", 100, 119)))
    contacts.clock.advance(timedelta(minutes=1))
    # Jane's member id arrives on another contact, then a push names both: they merge.
    await ada.push(conversation(member_id=JANE, urn="urn:li:msg_conversation:other", messages=page("k", 50, 69)))
    await ada.push(conversation(member_id=JANE, slug="jane-doe", urn=URN_JANE))
    [jane] = await ada.contacts()
    listed = (await ada.incomplete()).conversations
    assert {(c.urn, c.partner.member_id, c.partner.slug) for c in listed} == {
        (URN_JANE, JANE, "jane-doe"),
        ("urn:li:msg_conversation:other", JANE, "jane-doe"),
    }
    assert (await ada.get(jane.id)).contact.interaction_count == 40

    # Another user sees none of it, and the same conversation URN is theirs separately.
    assert (await bob.incomplete()).total == 0
    await bob.push(conversation(member_id=JANE, urn=URN_JANE, messages=page("b", 10, 12), first_message_at=10))
    assert (await bob.incomplete()).total == 0
    assert (await ada.incomplete()).total == 2

"""ListContacts and GetContact on both backends: newest activity first,
contacts without messages last, by name, quiet longest first, search over
name, company, title and headline, the total count, keyset pages, recent
messages."""

from __future__ import annotations

import base64

import grpc
import pytest
from contacts_harness import ContactsHarness, UserClient, conversation, error_code, message
from pingcrm.contacts.v1 import contacts_service_pb2 as pb
from sqlalchemy import update

from contacts_service.models import Contact
from pingcrm_common.db import Database

SORTS = [pb.CONTACT_SORT_LAST_INTERACTION, pb.CONTACT_SORT_NAME, pb.CONTACT_SORT_QUIET_LONGEST]


async def _seed(user: UserClient) -> None:
    """Seven contacts: five with messages (two tied at minute 50), two that never messaged."""
    await user.push(
        conversation(member_id="ACoAda", first_name="Ada", last_name="Lovelace", messages=[message("a", 10)]),
        conversation(member_id="ACoBob", first_name="Bob", last_name="Stone", messages=[message("b", 50)]),
        conversation(member_id="ACoCyd", first_name="Cyd", last_name="Charisse", messages=[message("c", 50)]),
        conversation(member_id="ACoDee", first_name="Dee", last_name="100%_real", messages=[message("d", 30)]),
        conversation(member_id="ACoEve", first_name="Ève", last_name="Martin", messages=[message("e", 90)]),
        conversation(member_id="ACoFay", first_name="Fay", last_name="Quiet"),
        conversation(member_id="ACoGus", first_name="Gus", last_name="Silent"),
    )


def _names(contacts) -> list[str]:
    return [c.full_name.split()[0] for c in contacts]


def _by_id_descending(contacts, *first_names: str) -> list[str]:
    """How ties are ordered: by contact id, descending."""
    ids = {c.full_name.split()[0]: c.id for c in contacts}
    return sorted(first_names, key=lambda name: ids[name], reverse=True)


async def test_newest_activity_first_and_never_messaged_last(contacts: ContactsHarness) -> None:
    user = contacts.user()
    await _seed(user)
    listed = (await user.list()).contacts
    tied, silent = _by_id_descending(listed, "Bob", "Cyd"), _by_id_descending(listed, "Fay", "Gus")
    assert _names(listed) == ["Ève", *tied, "Dee", "Ada", *silent]
    assert not listed[-1].HasField("last_message")
    assert not listed[-1].HasField("last_interaction_at")


@pytest.mark.parametrize("page_size", [1, 2, 3, 5, 7])
async def test_pages_cover_every_contact_once_in_order(contacts: ContactsHarness, page_size: int) -> None:
    user = contacts.user()
    await _seed(user)
    everyone = [c.id for c in (await user.list()).contacts]
    seen: list[str] = []
    token = ""
    pages = 0
    while True:
        page = await user.list(page_size=page_size, page_token=token)
        assert len(page.contacts) <= page_size
        seen.extend(c.id for c in page.contacts)
        pages += 1
        if not (token := page.next_page_token):
            break
    assert seen == everyone
    assert pages == -(-7 // page_size)  # no empty trailing page


async def test_pages_stay_stable_while_new_messages_arrive(contacts: ContactsHarness) -> None:
    user = contacts.user()
    await _seed(user)
    silent = _by_id_descending((await user.list()).contacts, "Fay", "Gus")
    first = await user.list(page_size=3)
    # Ada (due on the next page) gets a new message: she moves to the top; the next page continues where page one
    # ended instead of repeating or skipping anyone else.
    await user.push(conversation(member_id="ACoAda", messages=[message("a2", 120)]))
    rest = await user.list(page_size=10, page_token=first.next_page_token)
    assert _names(rest.contacts) == ["Dee", *silent]
    assert _names((await user.list(page_size=1)).contacts) == ["Ada"]


async def _set_profile(contacts: ContactsHarness, full_name: str, **values: str) -> None:
    database = Database(contacts.settings.resolved_database_url, "contacts")
    try:
        async with database.session() as session:
            await session.exec(update(Contact).where(Contact.full_name == full_name).values(**values))
    finally:
        await database.dispose()


async def test_search_is_a_case_insensitive_substring_of_name_company_title_or_headline(
    contacts: ContactsHarness,
) -> None:
    user = contacts.user()
    await _seed(user)
    await _set_profile(contacts, "Gus Silent", company="ACME Robotics")
    await _set_profile(contacts, "Fay Quiet", title="Staff Engineer", headline="Builds compilers at Initech")
    assert _names((await user.list(query="lOVE")).contacts) == ["Ada"]
    assert _names((await user.list(query="robot")).contacts) == ["Gus"]
    assert _names((await user.list(query="STAFF eng")).contacts) == ["Fay"]  # the title
    assert _names((await user.list(query="initech")).contacts) == ["Fay"]  # the headline
    assert _names((await user.list(query="  LOVE ")).contacts) == ["Ada"]
    assert _names((await user.list(query="ÈVE")).contacts) == ["Ève"]  # not only ASCII letters fold
    # LIKE wildcards are literal characters.
    assert _names((await user.list(query="%")).contacts) == ["Dee"]
    assert _names((await user.list(query="0%_")).contacts) == ["Dee"]
    assert _names((await user.list(query="_")).contacts) == ["Dee"]
    assert (await user.list(query="nobody")).contacts == []
    # Pages of a search continue the search.
    first = await user.list(query="a", page_size=2)
    rest = await user.list(query="a", page_size=10, page_token=first.next_page_token)
    assert all("a" in (c.full_name + c.company).lower() for c in [*first.contacts, *rest.contacts])
    assert len(first.contacts) + len(rest.contacts) == len((await user.list(query="a")).contacts)


async def test_a_search_finds_a_name_whatever_accents_it_is_typed_with(contacts: ContactsHarness) -> None:
    user = contacts.user()
    await _seed(user)
    await user.push(
        conversation(member_id="ACoJose1", first_name="José", last_name="García"),
        conversation(member_id="ACoJose2", first_name="Jose", last_name="Garcia"),  # written without accents
        conversation(member_id="ACoLukas", first_name="Łukasz", last_name="Wiśniewski"),
    )
    assert _names((await user.list(query="eve")).contacts) == ["Ève"]
    assert sorted(_names((await user.list(query="jose garcia")).contacts)) == ["Jose", "José"]
    assert sorted(_names((await user.list(query="JOSÉ GARCÍA")).contacts)) == ["Jose", "José"]
    assert _names((await user.list(query="lukasz wisniewski")).contacts) == ["Łukasz"]
    # Only names fold: the name key's own order marks are not found ("1" is in Dee's name only).
    assert _names((await user.list(query="1")).contacts) == ["Dee"]


async def test_a_search_finds_an_email_and_a_pasted_linkedin_profile_address(contacts: ContactsHarness) -> None:
    user = contacts.user()
    await _seed(user)
    await user.push(conversation(member_id="ACoHal", slug="hal-jordan", first_name="Hal", last_name="Jordan"))
    await _set_profile(contacts, "Ada Lovelace", email="ada@analytical.example")
    assert _names((await user.list(query="ADA@ANALYTICAL")).contacts) == ["Ada"]
    for address in (
        "https://www.linkedin.com/in/hal-jordan/",
        "linkedin.com/in/hal-jordan?trk=public_profile",
        "https://de.linkedin.com/in/ACoHal",  # LinkedIn's address by member id
    ):
        found = await user.list(query=address, sort=pb.CONTACT_SORT_NAME)
        assert (_names(found.contacts), found.total_count) == (["Hal"], 1), address
    assert (await user.list(query="https://www.linkedin.com/in/nobody-known")).contacts == []
    assert (await contacts.user("someone-else").list(query="linkedin.com/in/hal-jordan")).contacts == []
    # Any other address is text, which no contact holds.
    assert (await user.list(query="https://www.linkedin.com/company/acme")).contacts == []


async def test_by_name_a_to_z(contacts: ContactsHarness) -> None:
    user = contacts.user()
    await _seed(user)
    await user.push(conversation(member_id="ACoAd2", first_name="Ada", last_name="Lovelace"))  # the same name twice
    listed = (await user.list(sort=pb.CONTACT_SORT_NAME)).contacts
    twins = sorted(c.id for c in listed if c.full_name == "Ada Lovelace")
    assert _names(listed) == ["Ada", "Ada", "Bob", "Cyd", "Dee", "Ève", "Fay", "Gus"]
    assert [c.id for c in listed[:2]] == twins  # ties by id, ascending


async def test_by_name_is_the_order_a_person_reads_names_in_on_every_backend(contacts: ContactsHarness) -> None:
    user = contacts.user()
    people = [
        ("Zoe", "Adams"),
        ("émile", "zola"),  # typed in lower case
        ("Ève", "Martin"),
        ("ŁUKASZ", "NOWAK"),
        ("🚀 Hal", "Jordan"),  # an emoji before the name
        ("Dr. Ivy", "Smith"),  # a title before it
        ("Øystein", "Berg"),
        ("adam", "smith"),
        ("🎉", ""),  # no letter at all
        ("LinkedIn", "Member"),  # a contact without a name
    ]
    await user.push(
        *(
            conversation(member_id=f"ACoPerson{i}", first_name=first, last_name=last)
            for i, (first, last) in enumerate(people)
        )
    )
    expected = [
        "adam smith", "émile zola", "Ève Martin", "🚀 Hal Jordan", "Dr. Ivy Smith", "ŁUKASZ NOWAK", "Øystein Berg",
        "Zoe Adams", "🎉", "",
    ]  # fmt: skip
    assert [c.full_name for c in (await user.list(sort=pb.CONTACT_SORT_NAME)).contacts] == expected
    seen, token = [], ""
    while True:  # pages of three continue the same order
        page = await user.list(page_size=3, page_token=token, sort=pb.CONTACT_SORT_NAME)
        seen.extend(c.full_name for c in page.contacts)
        if not (token := page.next_page_token):
            break
    assert seen == expected

    # A user's rename and a profile's new name move the contact to where the new name belongs.
    adam = (await user.list(sort=pb.CONTACT_SORT_NAME, page_size=1)).contacts[0]
    request = pb.UpdateContactRequest(contact_id=adam.id, full_name="Ulrich Smith")
    await user.stub.UpdateContact(request, metadata=user.metadata, timeout=10)
    renamed = pb.PushedProfile(
        identity=pb.LinkedInIdentity(member_id="ACoPerson0"), first_name="Aaron", last_name="Adams"
    )
    await user.push(profiles=[renamed])
    listed = [c.full_name for c in (await user.list(sort=pb.CONTACT_SORT_NAME)).contacts]
    assert listed[0] == "Aaron Adams" and listed.index("Ulrich Smith") == listed.index("Øystein Berg") + 1


async def test_quiet_longest_first_and_never_contacted_last(contacts: ContactsHarness) -> None:
    user = contacts.user()
    await _seed(user)
    listed = (await user.list(sort=pb.CONTACT_SORT_QUIET_LONGEST)).contacts
    tied = sorted(["Bob", "Cyd"], key=lambda name: next(c.id for c in listed if c.full_name.startswith(name)))
    silent = sorted(["Fay", "Gus"], key=lambda name: next(c.id for c in listed if c.full_name.startswith(name)))
    assert _names(listed) == ["Ada", "Dee", *tied, "Ève", *silent]


@pytest.mark.parametrize("sort", SORTS)
@pytest.mark.parametrize("page_size", [1, 3])
async def test_every_order_pages_through_every_contact_once(
    contacts: ContactsHarness, sort: int, page_size: int
) -> None:
    user = contacts.user()
    await _seed(user)
    everyone = [c.id for c in (await user.list(sort=sort)).contacts]
    seen: list[str] = []
    token = ""
    while True:
        page = await user.list(page_size=page_size, page_token=token, sort=sort)
        assert page.total_count == 7  # on every page, not only the first
        seen.extend(c.id for c in page.contacts)
        if not (token := page.next_page_token):
            break
    assert seen == everyone
    assert len(set(seen)) == 7


async def test_the_total_counts_what_the_search_and_source_match(contacts: ContactsHarness) -> None:
    user = contacts.user()
    await _seed(user)
    await _set_profile(contacts, "Gus Silent", company="Lovely Labs")
    page = await user.list(query="love", page_size=1)
    assert (len(page.contacts), page.total_count) == (1, 2)  # Ada Lovelace and Gus at Lovely Labs
    assert (await user.list(query="nobody")).total_count == 0
    assert (await user.list(source=pb.CONTACT_SOURCE_CONNECTIONS_IMPORT)).total_count == 0
    assert (await contacts.user("someone-else").list()).total_count == 0  # only the caller's contacts count


async def test_a_cursor_continues_only_its_own_order(contacts: ContactsHarness) -> None:
    user = contacts.user()
    await _seed(user)
    by_name = await user.list(page_size=2, sort=pb.CONTACT_SORT_NAME)
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await user.list(page_token=by_name.next_page_token)
    assert error_code(raised.value) == "invalid_cursor"
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await user.list(sort=99)
    assert (raised.value.code(), error_code(raised.value)) == (grpc.StatusCode.INVALID_ARGUMENT, "unknown_sort")


@pytest.mark.parametrize(
    ("page_size", "token", "query", "code", "details"),
    [
        (101, "", "", "limit_too_large", "at most 100 contacts per page, asked for 101"),
        (0, "not a cursor", "", "invalid_cursor", "cursor is not one this API returned"),
        (0, base64.urlsafe_b64encode(b'{"at": 5, "id": "x"}').decode(), "", "invalid_cursor", None),
        (0, base64.urlsafe_b64encode(b'{"at": "2025-01-01T00:00:00", "id": "x"}').decode(), "", "invalid_cursor", None),
        (0, "", "x" * 201, "query_too_long", "the search text is limited to 200 characters"),
    ],
)
async def test_bad_listing_requests_are_invalid_arguments(
    contacts: ContactsHarness, page_size: int, token: str, query: str, code: str, details: str | None
) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await contacts.user().list(query=query, page_size=page_size, page_token=token)
    assert (raised.value.code(), error_code(raised.value)) == (grpc.StatusCode.INVALID_ARGUMENT, code)
    if details:
        assert raised.value.details() == details


async def test_a_contact_comes_with_its_twenty_latest_messages(contacts: ContactsHarness) -> None:
    user = contacts.user()
    await user.push(
        conversation(member_id="ACoAda", messages=[message(f"m{i:02d}", i, from_self=i % 2 == 0) for i in range(30)])
    )
    [ada] = (await user.list()).contacts
    detail = await user.get(ada.id)
    assert detail.contact == ada
    assert [i.source_urn for i in detail.recent_interactions] == [f"m{i:02d}" for i in range(29, 9, -1)]
    assert [i.direction for i in detail.recent_interactions[:2]] == [1, 2]  # inbound m29, outbound m28

    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await user.get("no-such-contact")
    assert (raised.value.code(), error_code(raised.value)) == (grpc.StatusCode.NOT_FOUND, "contact_not_found")


async def test_nul_characters_in_requests_are_harmless(contacts: ContactsHarness) -> None:
    user = contacts.user()
    await _seed(user)
    assert _names((await user.list(query="Lov\x00e")).contacts) == ["Ada"]
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await user.get("ada\x00")
    assert raised.value.code() == grpc.StatusCode.NOT_FOUND
    token = base64.urlsafe_b64encode(b'{"at": null, "id": "x\\u0000"}').decode()
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await user.list(page_token=token)
    assert error_code(raised.value) == "invalid_cursor"


def _thread(member_id: str, thread_id: str) -> str:
    return f"urn:li:msg_conversation:(urn:li:fsd_profile:{member_id},{thread_id})"


async def test_a_contact_opens_its_newest_conversation_in_linkedin_messaging(contacts: ContactsHarness) -> None:
    user, other = contacts.user(), contacts.user("user-b")
    await user.push(
        conversation(member_id="ACoAda", urn=_thread("ACoAda", "2-b2xk+/w=="), messages=[message("old", 10)]),
        conversation(member_id="ACoAda", urn=_thread("ACoAda", "2-bmV3"), messages=[message("new", 50)]),
        conversation(member_id="ACoBob", urn="urn:li:msg_conversation:bob", messages=[message("bob", 20)]),
        conversation(member_id="ACoCyd", urn=_thread("ACoCyd", "2-" + "x" * 99), messages=[message("cyd", 30)]),
    )
    await other.push(conversation(member_id="ACoAda", urn=_thread("ACoAda", "2-b3RoZXI="), messages=[message("x", 99)]))
    ada, bob = (await user.find(member_id="ACoAda")).id, (await user.find(member_id="ACoBob")).id
    assert (await user.get(ada)).conversation_url == "https://www.linkedin.com/messaging/thread/2-bmV3/"
    # A URN without a thread id names no address LinkedIn would open, nor one with a thread id beyond 100
    # characters (LinkedIn's are 40–70).
    assert (await user.get(bob)).conversation_url == ""
    assert (await user.get((await user.find(member_id="ACoCyd")).id)).conversation_url == ""

    # A newer message in the older thread makes it the one to open; base64's `+` and `/` escaped out of the path.
    await user.push(conversation(member_id="ACoAda", urn=_thread("ACoAda", "2-b2xk+/w=="), messages=[message("m", 60)]))
    assert (await user.get(ada)).conversation_url == "https://www.linkedin.com/messaging/thread/2-b2xk%2B%2Fw==/"
    [other_ada] = (await other.list()).contacts
    assert (await other.get(other_ada.id)).conversation_url == "https://www.linkedin.com/messaging/thread/2-b3RoZXI=/"

"""ListContacts and GetContact on both backends: newest activity first,
contacts without messages last, search, keyset pages, recent messages."""

from __future__ import annotations

import base64

import grpc
import pytest
from contacts_harness import ContactsHarness, UserClient, conversation, error_code, message
from sqlalchemy import update

from contacts_service.models import Contact
from pingcrm_common.db import Database


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


async def test_search_is_a_case_insensitive_substring_of_name_or_company(contacts: ContactsHarness) -> None:
    user = contacts.user()
    await _seed(user)
    database = Database(contacts.settings.resolved_database_url, "contacts")
    try:
        async with database.session() as session:
            await session.exec(update(Contact).where(Contact.full_name == "Gus Silent").values(company="ACME Robotics"))
    finally:
        await database.dispose()
    assert _names((await user.list(query="lOVE")).contacts) == ["Ada"]
    assert _names((await user.list(query="robot")).contacts) == ["Gus"]
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

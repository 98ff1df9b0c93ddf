"""Profile backfill through a real contacts_service: the candidates a sync takes and their spacing,
profiles merged into existing contacts, job changes, and the user's edits kept (sync and import)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import grpc
import pytest
from contacts_harness import ContactsHarness, UserClient, conversation, error_code, message
from pingcrm.contacts.v1 import contacts_service_pb2 as pb

pytestmark = pytest.mark.asyncio


def profile(
    member_id: str = "",
    slug: str = "",
    *,
    first: str = "",
    last: str = "",
    headline: str = "",
    location: str = "",
    positions: list[tuple[str, str, bool]] | None = None,
    photos: list[str] | None = None,
) -> pb.PushedProfile:
    return pb.PushedProfile(
        identity=pb.LinkedInIdentity(member_id=member_id, slug=slug),
        first_name=first,
        last_name=last,
        headline=headline,
        location=location,
        positions=[pb.PushedPosition(title=t, company=c, current=cur) for t, c, cur in positions or []],
        photo_urls=photos or [],
    )


async def _contacts(user: UserClient, count: int) -> list[str]:
    """`count` contacts, the later ones more recently active; their member ids."""
    return (await _push_contacts(user, count))[0]


async def _push_contacts(user: UserClient, count: int) -> tuple[list[str], list[pb.BackfillCandidate]]:
    """A sync: `count` contacts pushed, then the backfill taken."""
    ids = [f"ACoPerson{i:03d}" for i in range(count)]
    await user.push(*[conversation(member_id=m, messages=[message(f"m-{m}", i)]) for i, m in enumerate(ids)])
    return ids, await user.take_backfill()


async def test_a_sync_takes_ten_candidates_most_recently_active_first(contacts: ContactsHarness) -> None:
    user = contacts.user()
    ids, backfill = await _push_contacts(user, 12)
    assert [c.member_id for c in backfill] == ids[::-1][:10]
    # Handed out: not asked for again at the next sync, the remaining two are.
    assert [c.member_id for c in await user.take_backfill()] == ids[1::-1]
    assert await user.take_backfill() == []


async def test_a_push_hands_nothing_out(contacts: ContactsHarness) -> None:
    """Only the sync's one request after its pushes hands candidates out: a sync of many pushes put off
    contacts it never fetched when every push handed out ten."""
    user = contacts.user()
    ids = [f"ACoPerson{i:03d}" for i in range(3)]
    for i, member in enumerate(ids):
        await user.push(conversation(member_id=member, messages=[message(f"m-{member}", i)]))
        await user.push()
    assert [c.member_id for c in await user.take_backfill()] == ids[::-1]


async def test_two_syncs_taking_at_once_get_different_contacts(contacts: ContactsHarness) -> None:
    user = contacts.user()
    ids = [f"ACoPerson{i:03d}" for i in range(12)]
    await user.push(*[conversation(member_id=m, messages=[message(f"m-{m}", i)]) for i, m in enumerate(ids)])
    taken = await asyncio.gather(*(user.take_backfill() for _ in range(2)))
    members = [c.member_id for batch in taken for c in batch]
    assert sorted(len(batch) for batch in taken) == [2, 10]
    assert sorted(members) == sorted(ids)  # each contact handed out once


async def test_the_limit_bounds_what_is_taken(contacts: ContactsHarness) -> None:
    user = contacts.user()
    ids = [f"ACoPerson{i:03d}" for i in range(12)]
    await user.push(*[conversation(member_id=m, messages=[message(f"m-{m}", i)]) for i, m in enumerate(ids)])
    assert [c.member_id for c in await user.take_backfill(limit=3)] == ids[::-1][:3]
    assert [c.member_id for c in await user.take_backfill(limit=50)] == ids[::-1][3:12]  # at most 10 anyway


async def test_contacts_never_messaged_come_after_the_active_ones_newest_first(contacts: ContactsHarness) -> None:
    user = contacts.user()
    rows = "".join(f"Imp,Person{i},https://www.linkedin.com/in/imported-{i},,Acme,,05 Mar 2024\n" for i in range(8))
    export = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n" + rows
    assert (await user.imported(export.encode())).state == pb.IMPORT_STATE_DONE
    ids, backfill = await _push_contacts(user, 3)  # messaged: asked for first, most recently active first
    assert [c.member_id for c in backfill[:3]] == ids[::-1]
    imported = [c.slug for c in backfill[3:]]
    assert len(imported) == 7 and {c.member_id for c in backfill[3:]} == {""}
    assert set(imported) < {f"imported-{i}" for i in range(8)}
    # The eighth imported contact is the only one left for the next sync.
    [last] = await user.take_backfill()
    assert {last.slug, *imported} == {f"imported-{i}" for i in range(8)}


async def test_a_failed_fetch_is_asked_for_again_with_growing_spacing(contacts: ContactsHarness) -> None:
    user = contacts.user()
    [member], backfill = await _push_contacts(user, 1)
    assert [c.member_id for c in backfill] == [member]
    waits = []
    for _ in range(4):  # the extension never sends the profile
        waited = timedelta(0)
        while not await contacts.user().take_backfill():  # a fresh token: the clock moves
            contacts.clock.advance(timedelta(minutes=30))
            waited += timedelta(minutes=30)
        waits.append(waited)
    assert waits == [timedelta(hours=1), timedelta(hours=2), timedelta(hours=4), timedelta(hours=8)]


async def test_a_complete_or_gone_contact_is_not_a_candidate(contacts: ContactsHarness) -> None:
    user = contacts.user()
    first, second, third = await _contacts(user, 3)
    contacts.clock.advance(timedelta(hours=1))  # their next turn after the creating sync took them
    user = contacts.user()
    listed = await user.backfill()
    assert [c.member_id for c in listed] == [third, second, first]
    assert [c.member_id for c in await user.backfill()] == [third, second, first]  # listing hands nothing out
    await user.push(gone=[pb.LinkedInIdentity(member_id=second)])
    assert [c.member_id for c in await user.take_backfill()] == [third, first]
    contacts.clock.advance(timedelta(days=30))
    assert second not in [c.member_id for c in await contacts.user().take_backfill()]
    # A profile of it arrives after all (the account was only suspended): it is asked for again when incomplete.
    await contacts.user().push(profiles=[profile(second, first="Back")])
    contacts.clock.advance(timedelta(days=30))
    assert second in [c.member_id for c in await contacts.user().backfill()]


async def test_a_profile_fills_its_contact_and_never_creates_one(contacts: ContactsHarness) -> None:
    user = contacts.user()
    [member] = await _contacts(user, 1)
    pushed = await user.push(
        profiles=[
            profile(
                member, first="Jane", last="Doe", headline="Builds things", location="Berlin",
                positions=[("CTO", "Acme", True), ("Engineer", "Old Co", False)],
            ),
            profile("ACoStranger", first="Nobody"),
        ]
    )  # fmt: skip
    assert pushed.contacts_created == 0 and pushed.contacts_updated == 1
    assert [item.path for item in pushed.rejected] == ["profiles[1]"]
    contact = await user.find(member_id=member)
    assert (contact.full_name, contact.headline, contact.location, contact.title, contact.company) == (
        "Jane Doe", "Builds things", "Berlin", "CTO", "Acme",
    )  # fmt: skip
    assert len(await user.contacts()) == 1
    assert not (await user.get(contact.id)).job_changes  # filling empty fields is not a job change


async def test_several_current_positions_the_first_wins_and_none_keeps_the_stored_job(
    contacts: ContactsHarness,
) -> None:
    user = contacts.user()
    [member] = await _contacts(user, 1)
    await user.push(profiles=[profile(member, positions=[("Founder", "Side Co", True), ("VP", "Big Co", True)])])
    assert ((c := await user.find(member_id=member)).title, c.company) == ("Founder", "Side Co")
    await user.push(profiles=[profile(member, positions=[("Engineer", "Past Co", False)])])
    assert ((c := await user.find(member_id=member)).title, c.company) == ("Founder", "Side Co")


async def test_a_new_current_position_is_a_job_change_with_its_event(contacts: ContactsHarness) -> None:
    user = contacts.user()
    [member] = await _contacts(user, 1)
    await user.push(profiles=[profile(member, positions=[("Engineer", "Acme", True)])])
    _, after = await contacts.activity()
    contacts.clock.advance(timedelta(days=3))
    user = contacts.user()
    await user.push(profiles=[profile(member, positions=[("CTO", "Globex", True)])])
    contact = await user.find(member_id=member)
    detail = await user.get(contact.id)
    assert [(j.old_title, j.old_company, j.new_title, j.new_company) for j in detail.job_changes] == [
        ("Engineer", "Acme", "CTO", "Globex")
    ]
    assert (
        detail.job_changes[0].seen_at.ToDatetime().replace(tzinfo=contacts.clock.now().tzinfo) == contacts.clock.now()
    )
    events, _ = await contacts.activity(after)
    kinds = [event.WhichOneof("detail") for event in events]
    assert kinds == ["job_changed", "contact_updated"]
    assert (events[0].job_changed.old_company, events[0].job_changed.new_company) == ("Acme", "Globex")
    assert list(events[1].contact_updated.fields) == ["title", "company"]
    # The same profile again changes nothing and records nothing.
    await user.push(profiles=[profile(member, positions=[("CTO", "Globex", True)])])
    assert len((await user.get(contact.id)).job_changes) == 1


async def test_profiles_of_another_user_are_not_merged(contacts: ContactsHarness) -> None:
    alice, bob = contacts.user("user-a"), contacts.user("user-b")
    [member] = await _contacts(alice, 1)
    pushed = await bob.push(profiles=[profile(member, first="Mallory", positions=[("Boss", "Evil", True)])])
    assert [item.path for item in pushed.rejected] == ["profiles[0]"]
    assert (await alice.find(member_id=member)).title == ""


async def _edit(user: UserClient, contact_id: str, **values: str) -> pb.Contact:
    request = pb.UpdateContactRequest(contact_id=contact_id, **values)
    return (await user.stub.UpdateContact(request, metadata=user.metadata, timeout=10)).contact


async def test_an_edit_is_marked_recorded_and_kept_by_sync_and_by_the_connections_import(
    contacts: ContactsHarness,
) -> None:
    user = contacts.user()
    await user.push(conversation(slug="ada-quintero", first_name="Ada", last_name="Q", messages=[message("m1", 1)]))
    contact = await user.find(slug="ada-quintero")
    _, after = await contacts.activity()
    edited = await _edit(
        user, contact.id, full_name="Ada Quintero-Lovelace", title="Chief Engineer", notes="met in Lyon"
    )
    assert list(edited.edited_fields) == ["full_name", "notes", "title"]
    [event], _ = await contacts.activity(after)
    assert (event.WhichOneof("detail"), list(event.contact_updated.fields)) == (
        "contact_updated", ["full_name", "title", "notes"],
    )  # fmt: skip
    assert event.contact.full_name == "Ada Quintero-Lovelace"

    # The sync (a partner's name, a profile's title) and the export (name, title, company) leave edits alone.
    await user.push(
        conversation(slug="ada-quintero", first_name="Ada", last_name="Quintero", messages=[message("m2", 2)])
    )
    await user.push(profiles=[profile(slug="ada-quintero", positions=[("Principal Engineer", "", True)])])
    connections = (
        b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        b"Ada,Quintero,https://www.linkedin.com/in/ada-quintero,,Brandt Lowe,Principal Engineer,05 Mar 2024\n"
    )
    job = await user.imported(connections)
    assert job.state == pb.IMPORT_STATE_DONE
    kept = await user.find(slug="ada-quintero")
    assert (kept.full_name, kept.title, kept.company, kept.notes) == (
        "Ada Quintero-Lovelace", "Chief Engineer", "Brandt Lowe", "met in Lyon",
    )  # fmt: skip
    assert kept.connected_on == "2024-03-05"
    assert not (await user.get(kept.id)).job_changes


async def test_an_edit_of_another_users_contact_is_not_found(contacts: ContactsHarness) -> None:
    alice, bob = contacts.user("user-a"), contacts.user("user-b")
    [member] = await _contacts(alice, 1)
    contact = await alice.find(member_id=member)
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await _edit(bob, contact.id, title="Boss")
    assert (refused.value.code(), error_code(refused.value)) == (grpc.StatusCode.NOT_FOUND, "contact_not_found")
    assert (await alice.find(member_id=member)).title == ""


async def test_a_merge_keeps_the_note_and_edits_of_the_contact_it_absorbs(contacts: ContactsHarness) -> None:
    user = contacts.user()
    await user.push(conversation(member_id="ACoMerged", messages=[message("m1", 1)]))  # older: survives
    contacts.clock.advance(timedelta(minutes=1))
    user = contacts.user()
    await user.push(conversation(slug="merged-person", messages=[message("m2", 2)]))
    absorbed = await user.find(slug="merged-person")
    await _edit(user, absorbed.id, company="Hand-typed Co", notes="the one from the conference")
    await user.push(conversation(member_id="ACoMerged", slug="merged-person", messages=[message("m3", 3)]))
    merged = await user.find(member_id="ACoMerged")
    assert merged.id != absorbed.id
    assert (merged.company, merged.notes, list(merged.edited_fields)) == (
        "Hand-typed Co", "the one from the conference", ["company", "notes"],
    )  # fmt: skip
    await user.push(profiles=[profile("ACoMerged", positions=[("CEO", "LinkedIn Co", True)])])
    assert (await user.find(member_id="ACoMerged")).company == "Hand-typed Co"

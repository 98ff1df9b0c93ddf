"""Importing LinkedIn's data export through contacts_service (UploadImport, GetImport, ListImports), on both
backends: a real server whose import worker runs the jobs in the background, as in production.

The sample files are tests/fixtures/linkedin_export/ (made-up people; its README lists the cases).
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import grpc
import pytest
from contacts_harness import TIMEOUT, ContactsHarness, UserClient, error_code
from pingcrm.contacts.v1 import contacts_service_pb2 as pb
from sqlalchemy import text

from pingcrm_common.db import Database

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "linkedin_export"
CONNECTIONS = (SAMPLES / "Connections.csv").read_bytes()
MESSAGES = (SAMPLES / "messages.csv").read_bytes()
CONNECTIONS_SOURCE = [pb.CONTACT_SOURCE_CONNECTIONS_IMPORT]

# The conversations of messages.csv as the extension pushes them from Voyager (docs/linkedin-sync.md §2):
# the same thread ids inside the conversation URNs, times with milliseconds, real message URNs.
SAM = "urn:li:fsd_profile:ACoAASamRivera000"
ADA_THREAD, JOSE_THREAD = "2-YWRhLXRocmVhZF8wMTA=", "2-am9zZS10aHJlYWRfMDEw"


def voyager_message(urn: str, at: datetime, text: str, *, from_self: bool, millis: int) -> pb.PushedMessage:
    message = pb.PushedMessage(urn=urn, from_self=from_self, text=text)
    message.sent_at.FromMilliseconds(int(at.timestamp()) * 1000 + millis)
    return message


def ada_from_voyager() -> pb.PushedConversation:
    return pb.PushedConversation(
        urn=f"urn:li:msg_conversation:({SAM},{ADA_THREAD})",
        partner=pb.PushedPartner(
            identity=pb.LinkedInIdentity(member_id="ACoAAAdaQuintero01", slug="ada-quintero"),
            first_name="Ada",
            last_name="Quintero",
        ),
        messages=[
            voyager_message(
                "urn:li:msg_message:(x,2-ada1)", datetime(2024, 3, 7, 9, 15, 2, tzinfo=UTC),
                "Thanks for connecting, Ada! Coffee next week?", from_self=True, millis=345,
            ),
            voyager_message(
                "urn:li:msg_message:(x,2-ada2)", datetime(2024, 3, 7, 11, 40, 45, tzinfo=UTC),
                'Sure — Tuesday works.\nSay "hi" to the team, will you?', from_self=False, millis=999,
            ),
            voyager_message(
                "urn:li:msg_message:(x,2-ada3)", datetime(2024, 3, 8, 8, 1, 59, tzinfo=UTC),
                "See you then", from_self=True, millis=1,
            ),
        ],
    )  # fmt: skip


def jose_from_voyager() -> pb.PushedConversation:
    return pb.PushedConversation(
        urn=f"urn:li:msg_conversation:({SAM},{JOSE_THREAD})",
        partner=pb.PushedPartner(
            identity=pb.LinkedInIdentity(member_id="ACoAAJoseGarcia001", slug="jos%C3%A9-garc%C3%ADa-3c"),
            first_name="José",
            last_name="García",
        ),
        messages=[
            voyager_message(
                "urn:li:msg_message:(x,2-jose1)", datetime(2023, 12, 24, 18, 30, tzinfo=UTC),
                "¡Feliz Navidad, Sam! Nos vemos en enero.", from_self=False, millis=120,
            ),
        ],
    )  # fmt: skip


def by_name(contacts: list[pb.Contact]) -> dict[str, pb.Contact]:
    return {contact.full_name: contact for contact in contacts}


async def edit_as_the_user(harness: ContactsHarness, contact_id: str, **fields: str) -> None:
    """Change a contact's fields the way a user edit stores them (the edit API arrives with #11)."""
    database = Database(harness.settings.resolved_database_url, "contacts")
    try:
        async with database.session() as session:
            assignments = ", ".join(f"{name} = :{name}" for name in fields)
            await session.exec(
                text(f"UPDATE contacts SET {assignments} WHERE id = :id"), params={"id": contact_id, **fields}
            )
    finally:
        await database.dispose()


async def test_a_connections_export_is_imported_with_every_case_reported(contacts: ContactsHarness) -> None:
    ada = contacts.user("user-ada")
    queued = await ada.upload(CONNECTIONS, "Connections.csv", piece=97)
    assert (queued.kind, queued.state, queued.filename, queued.size_bytes, queued.total) == (
        pb.IMPORT_KIND_CONNECTIONS, pb.IMPORT_STATE_QUEUED, "Connections.csv", len(CONNECTIONS), 11,
    )  # fmt: skip
    job = await ada.finished(queued.id)
    assert job.state == pb.IMPORT_STATE_DONE, job.reason
    counts = (job.total, job.processed, job.created, job.updated, job.skipped, job.contacts_created, job.error_count)
    assert counts == (11, 11, 7, 0, 4, 7, 4)
    assert [(e.line, e.reason) for e in job.errors] == [
        (11, "LinkedIn hides this member: the row has no profile address"),
        (12, "LinkedIn hides this member: the row has no profile address"),
        (13, "'https://www.linkedin.com/company/park-ventures' is not a LinkedIn profile address (linkedin.com/in/…)"),
        (14, "Connected On 'yesterday' is not a date like '05 Mar 2024'; imported without it"),
    ]
    assert job.HasField("started_at") and job.HasField("finished_at")

    people = by_name(await ada.contacts())
    assert sorted(people) == [
        "Ada Quintero", "Chloé Dubois", "Darius Okafor", "Elif Şahin", "José García", "Tomasz Nowak", "Xiaoming Wang",
    ]  # fmt: skip
    jose = people["José García"]  # accents encoded twice in the file, repaired
    assert (jose.company, jose.title, jose.email, jose.connected_on) == (
        "Compañía Solar", "CTO", "jose.garcia@example.net", "2020-01-01",
    )  # fmt: skip
    assert (jose.linkedin.slug, jose.linkedin.member_id) == ("josé-garcía-3c", "")
    assert list(jose.sources) == CONNECTIONS_SOURCE
    assert people["Ada Quintero"].company == "Brandt, Lowe & Partners"
    assert people["Darius Okafor"].title == 'Head of "Growth"'
    assert people["Xiaoming Wang"].linkedin.slug == "王小明-88"
    assert people["Tomasz Nowak"].connected_on == ""
    assert [job.id for job in await ada.imports()] == [queued.id]


async def test_importing_the_same_export_again_creates_and_changes_nothing(contacts: ContactsHarness) -> None:
    ada = contacts.user("user-ada")
    await ada.imported(CONNECTIONS)
    before = sorted((c.id, c.full_name, c.title, c.connected_on) for c in await ada.contacts())
    again = await ada.imported(CONNECTIONS)
    assert (again.state, again.processed, again.created, again.updated, again.skipped) == (
        pb.IMPORT_STATE_DONE, 11, 0, 0, 11,
    )  # fmt: skip
    assert sorted((c.id, c.full_name, c.title, c.connected_on) for c in await ada.contacts()) == before
    assert [job.id for job in await ada.imports()] == [again.id, (await ada.imports())[1].id]


async def test_a_connection_known_from_a_dm_is_merged_not_duplicated(contacts: ContactsHarness) -> None:
    ada = contacts.user("user-ada")
    pushed = await ada.push(ada_from_voyager())
    assert pushed.contacts_created == 1
    dm_contact = (await ada.contacts())[0]
    job = await ada.imported(CONNECTIONS)
    assert (job.created, job.updated) == (6, 1)
    people = by_name(await ada.contacts())
    assert len(people) == 7
    merged = people["Ada Quintero"]
    assert merged.id == dm_contact.id
    assert (merged.linkedin.member_id, merged.linkedin.slug) == ("ACoAAAdaQuintero01", "ada-quintero")
    assert (merged.company, merged.connected_on, merged.interaction_count) == (
        "Brandt, Lowe & Partners",
        "2024-03-05",
        3,
    )
    assert sorted(merged.sources) == [pb.CONTACT_SOURCE_LINKEDIN_DM, pb.CONTACT_SOURCE_CONNECTIONS_IMPORT]
    assert [c.full_name for c in await ada.contacts(source=pb.CONTACT_SOURCE_LINKEDIN_DM)] == ["Ada Quintero"]
    assert len(await ada.contacts(source=pb.CONTACT_SOURCE_CONNECTIONS_IMPORT)) == 7


async def test_a_newer_export_updates_what_the_import_wrote_and_keeps_what_sync_or_the_user_changed(
    contacts: ContactsHarness,
) -> None:
    ada = contacts.user("user-ada")
    await ada.imported(CONNECTIONS)
    people = by_name(await ada.contacts())
    # Since the first import: Darius renamed himself on LinkedIn (the sync saw it) and the user corrected
    # Chloé's company by hand.
    darius = ada_from_voyager()
    darius.partner.CopyFrom(
        pb.PushedPartner(
            identity=pb.LinkedInIdentity(slug="darius-okafor"), first_name="Darius", last_name="Okafor-Bell"
        )
    )
    del darius.messages[:]
    await ada.push(darius)
    await edit_as_the_user(contacts, people["Chloé Dubois"].id, company="Atelier Nord (Lyon)")

    newer = (
        CONNECTIONS.replace(b"Kettle Labs,", b"Kettle Labs Intl,")
        .replace(b"Principal Engineer,05 Mar 2024", b"Distinguished Engineer,05 Mar 2024")
        .replace(b"Atelier Nord,", b"Atelier Sud,")
    )
    job = await ada.imported(newer)
    assert (job.created, job.updated) == (0, 2)  # Ada and Darius; Chloé keeps the user's company
    people = by_name(await ada.contacts())
    assert people["Ada Quintero"].title == "Distinguished Engineer"  # the import wrote the old title: replaced
    darius_now = people["Darius Okafor-Bell"]  # the sync's newer name is kept
    assert darius_now.company == "Kettle Labs Intl"
    assert people["Chloé Dubois"].company == "Atelier Nord (Lyon)"  # the user's edit is kept


async def test_messages_export_then_the_same_messages_from_voyager_are_stored_once(contacts: ContactsHarness) -> None:
    sam = contacts.user("user-sam")
    job = await sam.imported(MESSAGES, "messages.csv")
    assert job.kind == pb.IMPORT_KIND_MESSAGES
    assert job.state == pb.IMPORT_STATE_DONE, job.reason
    assert (job.total, job.processed, job.created, job.skipped, job.contacts_created) == (11, 11, 7, 4, 3)
    assert [(e.line, e.reason) for e in job.errors] == [
        (12, "DATE 'last Tuesday' is not a time like '2024-03-05 14:22:10 UTC'"),
        (13, "the sender has no profile address (a member LinkedIn hides)"),
    ]
    people = by_name(await sam.contacts())
    assert sorted(people) == ["Ada Quintero", "José García", "Priya Natarajan"]
    assert list(people["José García"].sources) == [pb.CONTACT_SOURCE_MESSAGES_IMPORT]
    ada_id = people["Ada Quintero"].id
    # The export's CONVERSATION ID is LinkedIn's thread id: the feed names the conversation for suggestions.
    events, _ = await contacts.activity()
    [ada_messages] = [e for e in events if e.contact_id == ada_id and e.WhichOneof("detail") == "messages"]
    assert ada_messages.messages.conversation_url == "https://www.linkedin.com/messaging/thread/2-YWRhLXRocmVhZF8wMTA=/"
    imported = (await sam.get(ada_id)).recent_interactions
    assert [(i.direction, i.text) for i in imported] == [
        (pb.DIRECTION_OUTBOUND, "See you then"),
        (pb.DIRECTION_INBOUND, 'Sure — Tuesday works.\nSay "hi" to the team, will you?'),
        (pb.DIRECTION_OUTBOUND, "Thanks for connecting, Ada! Coffee next week?"),
    ]

    pushed = await sam.push(ada_from_voyager(), jose_from_voyager())
    assert (pushed.contacts_created, pushed.interactions_created, pushed.interactions_skipped) == (0, 0, 4)
    after = by_name(await sam.contacts())
    assert sorted(after) == ["Ada Quintero", "José García", "Priya Natarajan"]
    assert after["Ada Quintero"].linkedin.member_id == "ACoAAAdaQuintero01"  # the push filled in the member id
    assert (after["Ada Quintero"].interaction_count, after["José García"].interaction_count) == (3, 2)
    assert len((await sam.get(ada_id)).recent_interactions) == 3


async def test_voyager_messages_then_the_messages_export_are_stored_once(contacts: ContactsHarness) -> None:
    sam = contacts.user("user-sam")
    pushed = await sam.push(ada_from_voyager(), jose_from_voyager())
    assert (pushed.contacts_created, pushed.interactions_created) == (2, 4)
    job = await sam.imported(MESSAGES, "messages.csv")
    assert (job.state, job.created, job.skipped, job.contacts_created) == (pb.IMPORT_STATE_DONE, 3, 8, 1)
    people = by_name(await sam.contacts())
    assert sorted(people) == ["Ada Quintero", "José García", "Priya Natarajan"]
    assert [people[name].interaction_count for name in sorted(people)] == [3, 2, 2]
    ada = await sam.get(people["Ada Quintero"].id)
    # The messages keep their Voyager URNs; the export added nothing to them.
    assert sorted(i.source_urn for i in ada.recent_interactions) == [
        "urn:li:msg_message:(x,2-ada1)", "urn:li:msg_message:(x,2-ada2)", "urn:li:msg_message:(x,2-ada3)",
    ]  # fmt: skip
    assert sorted(people["José García"].sources) == [
        pb.CONTACT_SOURCE_LINKEDIN_DM, pb.CONTACT_SOURCE_MESSAGES_IMPORT,
    ]  # fmt: skip
    again = await sam.imported(MESSAGES, "messages.csv")
    assert (again.created, again.skipped, again.contacts_created) == (0, 11, 0)


async def test_accents_encoded_twice_never_make_a_second_contact(contacts: ContactsHarness) -> None:
    sam = contacts.user("user-sam")
    await sam.imported(CONNECTIONS)  # José García, from a Connections row with his name encoded twice
    await sam.imported(MESSAGES, "messages.csv")  # José again, encoded twice in FROM and TO
    jose = [c for c in await sam.contacts() if "Jos" in c.full_name]
    assert [(c.full_name, c.interaction_count) for c in jose] == [("José García", 2)]
    assert sorted(jose[0].sources) == [pb.CONTACT_SOURCE_CONNECTIONS_IMPORT, pb.CONTACT_SOURCE_MESSAGES_IMPORT]


async def test_older_and_localized_exports_are_imported(contacts: ContactsHarness) -> None:
    user = contacts.user("user-greta")
    german = await user.imported((SAMPLES / "Connections_de.csv").read_bytes(), "Verbindungen.csv")
    older = await user.imported((SAMPLES / "Connections_2016.csv").read_bytes())
    assert (german.created, older.created, older.error_count) == (2, 1, 1)
    people = by_name(await user.contacts())
    assert (people["Greta Lindqvist"].connected_on, people["Hans Becker"].linkedin.slug) == (
        "2018-03-14", "hans-becker-42",
    )  # fmt: skip
    assert (people["Ines Moreau"].email, people["Ines Moreau"].linkedin.slug) == ("ines.moreau@example.fr", "")
    # A later export with URLs finds Ines by her email and gives her the slug: still one contact.
    with_url = b"First Name,Last Name,URL,Email Address\nInes,Moreau,https://www.linkedin.com/in/ines-moreau,ines.moreau@example.fr\n"
    job = await user.imported(with_url)
    assert (job.created, job.updated) == (0, 1)
    assert by_name(await user.contacts())["Ines Moreau"].linkedin.slug == "ines-moreau"


async def test_an_export_a_spreadsheet_saved_again_is_imported_as_linkedin_wrote_it(contacts: ContactsHarness) -> None:
    """Opened in Excel and saved again in Germany: semicolons, Windows-1252, dotted dates. The same contacts
    come in as from the file LinkedIn wrote, and one of them, already known, is not duplicated."""
    user = contacts.user("user-greta")
    job = await user.imported(
        b"Vorname,Nachname,URL\nLena,Hartmann,https://www.linkedin.com/in/lena-hartmann\n", "Connections.csv"
    )
    assert job.created == 1
    job = await user.imported((SAMPLES / "Connections_excel_de.csv").read_bytes(), "Verbindungen.csv")
    assert (job.state, job.created, job.updated, job.error_count) == (pb.IMPORT_STATE_DONE, 3, 1, 0)
    people = by_name(await user.contacts())
    assert sorted(people) == ["Jürgen Vogel", "Lena Hartmann", "Åsa Lindström", "Özlem Aydin"]
    jurgen = people["Jürgen Vogel"]
    assert (jurgen.company, jurgen.title, jurgen.email, jurgen.connected_on, jurgen.linkedin.slug) == (
        "Vogel; Söhne & Partner", "Geschäftsführer", "juergen@example.de", "2018-03-14", "juergen-vogel",
    )  # fmt: skip
    assert (people["Lena Hartmann"].company, people["Lena Hartmann"].connected_on) == (
        "Hartmann, Klein GmbH", "2017-05-03",
    )  # fmt: skip
    assert people["Özlem Aydin"].title == 'Leiterin "Vertrieb"'


async def test_an_export_excel_for_mac_saved_again_is_imported_with_its_accents(contacts: ContactsHarness) -> None:
    """Excel for Mac's "Comma Separated Values": CR alone ends each line, the text is Mac Roman."""
    user = contacts.user("user-zoe")
    job = await user.imported((SAMPLES / "Connections_excel_mac.csv").read_bytes(), "Connections.csv", piece=50)
    assert (job.state, job.created, job.error_count, job.total) == (pb.IMPORT_STATE_DONE, 3, 0, 3)
    people = by_name(await user.contacts())
    assert sorted(people) == ["Jürgen Vogel", "Zoë Ngô", "Åsa Lindström"]
    asa = people["Åsa Lindström"]
    assert (asa.company, asa.title, asa.connected_on) == ("Café Noir", "Pâtissière", "2017-05-03")
    assert people["Jürgen Vogel"].title == 'Head of "Growth"'


async def test_a_file_that_is_not_an_export_is_refused_and_nothing_is_stored(contacts: ContactsHarness) -> None:
    user = contacts.user("user-ada")
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await user.upload((SAMPLES / "not_an_export.csv").read_bytes(), "statement.csv")
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error_code(raised.value) == "not_a_linkedin_export"
    assert raised.value.details().startswith("this is not a LinkedIn export: no Connections.csv header")
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await user.upload(b"", "empty.csv")
    assert (raised.value.code(), error_code(raised.value), raised.value.details()) == (
        grpc.StatusCode.INVALID_ARGUMENT, "empty_file", "the file is empty",
    )  # fmt: skip
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await user.upload(zipped_export(), "Basic_LinkedInDataExport_03-05-2024.zip")
    assert (raised.value.code(), error_code(raised.value), raised.value.details()) == (
        grpc.StatusCode.INVALID_ARGUMENT,
        "not_a_linkedin_export",
        "this is a .zip archive: unzip LinkedIn's export and upload Connections.csv or messages.csv from it",
    )
    with pytest.raises(grpc.aio.AioRpcError) as raised:  # Excel's "Unicode Text"
        await user.upload(CONNECTIONS.decode("utf-8-sig").replace(",", "\t").encode("utf-16"), "Connections.txt")
    assert (error_code(raised.value), raised.value.details()) == (
        "not_a_linkedin_export",
        'this file is UTF-16 text (a spreadsheet\'s "Unicode Text"): upload Connections.csv or messages.csv as '
        'LinkedIn exported it, or save it again as "CSV UTF-8"',
    )
    assert await user.imports() == []
    assert await user.contacts() == []


def zipped_export() -> bytes:
    """The archive LinkedIn emails, uploaded as it came."""
    import io
    import zipfile

    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as files:
        files.writestr("Connections.csv", CONNECTIONS)
        files.writestr("messages.csv", MESSAGES)
    return archive.getvalue()


async def test_imports_and_their_contacts_belong_to_their_user(contacts: ContactsHarness) -> None:
    ada, bob = contacts.user("user-ada"), contacts.user("user-bob")
    job = await ada.imported(CONNECTIONS)
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await bob.import_job(job.id)
    assert (raised.value.code(), error_code(raised.value), raised.value.details()) == (
        grpc.StatusCode.NOT_FOUND, "import_not_found", "no such import",
    )  # fmt: skip
    assert await bob.imports() == []
    assert await bob.contacts() == []
    # Bob's import of the same file makes his own contacts and leaves Ada's alone.
    assert (await bob.imported(CONNECTIONS)).created == 7
    assert len(await ada.contacts()) == len(await bob.contacts()) == 7
    assert not {c.id for c in await ada.contacts()} & {c.id for c in await bob.contacts()}


async def test_an_upload_that_breaks_off_leaves_nothing(contacts: ContactsHarness) -> None:
    user: UserClient = contacts.user("user-ada")
    database = Database(contacts.settings.resolved_database_url, "contacts")

    async def stored() -> tuple[int, int]:
        async with database.session() as session:
            jobs = (await session.exec(text("SELECT count(*) FROM import_jobs"))).one()[0]
            pieces = (await session.exec(text("SELECT count(*) FROM import_chunks"))).one()[0]
        return jobs, pieces

    async def until(expected: tuple[int, int]) -> tuple[int, int]:
        for _ in range(400):
            if (found := await stored()) == expected:
                return found
            await asyncio.sleep(0.025)
        return await stored()

    try:
        call = user.stub.UploadImport(metadata=(("authorization", f"Bearer {user.token}"),), timeout=TIMEOUT)
        await call.write(pb.ImportChunk(filename="Connections.csv", data=CONNECTIONS))
        await call.write(pb.ImportChunk(data=b"x" * 1_500_000))  # past a stored piece
        assert await until((1, 1)) == (1, 1)  # the upload is being stored
        call.cancel()
        with pytest.raises(asyncio.CancelledError):
            await call
        assert await until((0, 0)) == (0, 0)
    finally:
        await database.dispose()
    assert await user.imports() == []


def feed(events: list[pb.ActivityEvent], contacts_by_id: dict[str, str]) -> list[tuple[str, str | None]]:
    """(contact name, kind) per event, in feed order."""
    return [
        (contacts_by_id.get(event.contact_id, event.contact.full_name), event.WhichOneof("detail")) for event in events
    ]


async def test_imports_tell_the_activity_feed_what_they_added(contacts: ContactsHarness) -> None:
    sam = contacts.user("user-sam")
    await sam.push(ada_from_voyager())  # Ada known from a DM first
    _, after_push = await contacts.activity()

    await sam.imported(CONNECTIONS)
    events, after_connections = await contacts.activity(after_push)
    names = {c.id: c.full_name for c in await sam.contacts()}
    assert feed(events, names) == [
        ("Ada Quintero", "contact_updated"),  # the DM contact, now with the file's company and title
        ("Ada Quintero", "connection_imported"),
        ("Darius Okafor", "contact_added"),
        ("Darius Okafor", "connection_imported"),
        ("Chloé Dubois", "contact_added"),
        ("Chloé Dubois", "connection_imported"),
        ("Xiaoming Wang", "contact_added"),
        ("Xiaoming Wang", "connection_imported"),
        ("José García", "contact_added"),
        ("José García", "connection_imported"),
        ("Tomasz Nowak", "contact_added"),
        ("Tomasz Nowak", "connection_imported"),
        ("Elif Şahin", "contact_added"),
        ("Elif Şahin", "connection_imported"),
    ]
    ada_updated, ada_connected, darius_added, darius_connected = events[:4]
    assert list(ada_updated.contact_updated.fields) == ["title", "company", "linkedin_url"]
    assert (ada_updated.contact.member_id, ada_updated.contact.title) == ("ACoAAAdaQuintero01", "Principal Engineer")
    assert ada_connected.connection_imported.connected_on.ToDatetime(tzinfo=UTC) == datetime(2024, 3, 5, tzinfo=UTC)
    assert darius_added.contact_added.source == "connections_import"
    assert (darius_added.contact.full_name, darius_added.contact.first_name) == ("Darius Okafor", "Darius")
    assert not events[11].connection_imported.HasField("connected_on")  # Tomasz: 'yesterday' is not a date

    await sam.imported(CONNECTIONS)  # the same file again changes nothing, so it tells nothing
    assert (await contacts.activity(after_connections))[0] == []

    await sam.imported(MESSAGES, "messages.csv")
    events, _ = await contacts.activity(after_connections)
    names = {c.id: c.full_name for c in await sam.contacts()}
    # Ada's messages came by DM already; José's and Priya's are new (contacts in the order of their newest
    # message); Priya is new as a contact.
    assert feed(events, names) == [
        ("Priya Natarajan", "contact_added"),
        ("Priya Natarajan", "messages"),
        ("José García", "messages"),
    ]
    assert events[0].contact_added.source == "messages_import"
    jose_messages = events[2].messages.messages
    assert [(m.from_self, m.excerpt) for m in jose_messages] == [
        (False, "¡Feliz Navidad, Sam! Nos vemos en enero."),
        (True, "Gracias José!"),
    ]
    assert all(m.urn.startswith("export:") for m in jose_messages)
    assert events[2].occurred_at.ToDatetime(tzinfo=UTC) == datetime(2023, 12, 26, 10, 0, tzinfo=UTC)

"""Reading LinkedIn's export files (domain/imports): every case of the sample files, however the upload is cut.

These are the rules alone (no database); tests/contacts_service/test_imports.py imports the same files
through contacts_service.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from contacts_service.domain.imports import connections, messages
from contacts_service.domain.imports.csv_format import (
    ClassicMacText,
    ExportKind,
    Header,
    Record,
    RecordReader,
    count_records,
    find_header,
    find_header_in,
    is_classic_mac_text,
    parse_connected_on,
    parse_message_time,
    repaired,
)
from contacts_service.domain.imports.records import RowError
from contacts_service.domain.linkedin_identity import LinkedInId

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "linkedin_export"
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def records_of(data: bytes, piece: int) -> list[Record]:
    reader = RecordReader()
    found: list[Record] = []
    for start in range(0, len(data), piece):
        found.extend(reader.feed(data[start : start + piece]))
    return found + reader.finish()


def parsed(name: str, piece: int = 1 << 20) -> tuple[Header, list[Record]]:
    records = records_of((SAMPLES / name).read_bytes(), piece)
    header = find_header(records)
    assert header is not None
    return header, [r for r in records if r.line >= header.end_line]


@pytest.mark.parametrize("piece", [1, 2, 7, 64, 1 << 20])
def test_records_are_the_same_however_the_upload_is_cut(piece: int) -> None:
    whole = records_of((SAMPLES / "Connections.csv").read_bytes(), 1 << 20)
    assert records_of((SAMPLES / "Connections.csv").read_bytes(), piece) == whole
    assert [r.line for r in whole] == [1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15, 16]


def test_resuming_at_a_record_boundary_reads_the_same_records() -> None:
    data = (SAMPLES / "messages.csv").read_bytes()
    whole = records_of(data, 1 << 20)
    middle = whole[3]  # after the message written over two lines
    reader = RecordReader(offset=middle.end_offset, line=middle.end_line)
    resumed = reader.feed(data[middle.end_offset :]) + reader.finish()
    assert resumed == whole[4:]


def test_the_connections_header_is_found_after_the_preamble() -> None:
    header, _ = parsed("Connections.csv")
    assert header.kind == ExportKind.CONNECTIONS
    assert (header.line, header.records_before) == (4, 4)
    assert header.columns == {
        "first_name": 0, "last_name": 1, "url": 2, "email": 3, "company": 4, "position": 5, "connected_on": 6,
    }  # fmt: skip


def connection_outcomes(name: str) -> list[tuple[int, object]]:
    header, records = parsed(name, 5)
    outcomes: list[tuple[int, object]] = []
    for record in records:
        row = connections.read(header, record)
        if isinstance(row, connections.ConnectionRow):
            problem = connections.date_problem(header, record, row)
            outcomes.append((record.line, (row.identity, row.email, row.values, row.connected_on, problem)))
        else:
            outcomes.append((record.line, row))
    return outcomes


def test_every_row_of_a_realistic_connections_export() -> None:
    ada = (
        LinkedInId(None, "ada-quintero"),
        "",
        {
            "full_name": "Ada Quintero", "given_name": "Ada",
            "title": "Principal Engineer",
            "company": "Brandt, Lowe & Partners",
            "email": "",
            "linkedin_url": "https://www.linkedin.com/in/ada-quintero/",
        },
        date(2024, 3, 5),
        None,
    )
    assert connection_outcomes("Connections.csv") == [
        (5, ada),
        (6, (
            LinkedInId(None, "darius-okafor"),
            "darius.okafor@example.org",
            {
                "full_name": "Darius Okafor", "given_name": "Darius", "title": 'Head of "Growth"',
                "company": "Kettle Labs",
                "email": "darius.okafor@example.org", "linkedin_url": "https://www.linkedin.com/in/darius-okafor/",
            },
            date(2023, 11, 17),
            None,
        )),
        (7, (
            LinkedInId(None, "chloé-dubois-7a2b"),
            "",
            {
                "full_name": "Chloé Dubois", "given_name": "Chloé", "title": "Directrice artistique Paris & Lyon",
                "company": "Atelier Nord", "email": "",
                "linkedin_url": "https://www.linkedin.com/in/chlo%C3%A9-dubois-7a2b/",
            },
            date(2021, 2, 2),
            None,
        )),
        (9, (
            LinkedInId(None, "王小明-88"),
            "",
            {
                "full_name": "Xiaoming Wang", "given_name": "Xiaoming", "title": "", "company": "", "email": "",
                "linkedin_url": "https://www.linkedin.com/in/%E7%8E%8B%E5%B0%8F%E6%98%8E-88/",
            },
            date(2019, 8, 28),
            None,
        )),
        (10, (
            LinkedInId(None, "josé-garcía-3c"),
            "jose.garcia@example.net",
            {
                "full_name": "José García", "given_name": "José", "title": "CTO", "company": "Compañía Solar",
                "email": "jose.garcia@example.net",
                "linkedin_url": "https://www.linkedin.com/in/jos%C3%A9-garc%C3%ADa-3c/",
            },
            date(2020, 1, 1),
            None,
        )),
        (11, RowError(11, "LinkedIn hides this member: the row has no profile address")),
        (12, RowError(12, "LinkedIn hides this member: the row has no profile address")),
        (13, RowError(
            13, "'https://www.linkedin.com/company/park-ventures' is not a LinkedIn profile address (linkedin.com/in/…)"
        )),
        (14, (
            LinkedInId(None, "tomasz-nowak-b1"),
            "",
            {
                "full_name": "Tomasz Nowak", "given_name": "Tomasz", "title": "Engineer", "company": "Wisła Robotics",
                "email": "",
                "linkedin_url": "https://www.linkedin.com/in/tomasz-nowak-b1/",
            },
            None,
            RowError(14, "Connected On 'yesterday' is not a date like '05 Mar 2024'; imported without it"),
        )),
        (15, ada),  # the same person twice: the import matches the second row to the first
        (16, (
            LinkedInId(None, "elif-sahin"),
            "elif@example.com",
            {
                "full_name": "Elif Şahin", "given_name": "Elif", "title": "", "company": "",
                "email": "elif@example.com",
                "linkedin_url": "https://www.linkedin.com/in/elif-sahin/",
            },
            date(2024, 3, 5),
            None,
        )),
    ]  # fmt: skip


def test_an_export_with_german_columns_in_another_order() -> None:
    header, _ = parsed("Connections_de.csv")
    assert header.kind == ExportKind.CONNECTIONS
    outcomes = [(line, (identity, email, values["company"], day)) for line, (identity, email, values, day, _) in
                connection_outcomes("Connections_de.csv")]  # fmt: skip
    assert outcomes == [
        (2, (LinkedInId(None, "greta-lindqvist"), "greta@example.se", "Nordlicht AB", date(2018, 3, 14))),
        (3, (LinkedInId(None, "hans-becker-42"), "", "Becker GmbH", date(2017, 5, 3))),
    ]


def test_an_older_export_without_urls_is_read_by_email() -> None:
    assert connection_outcomes("Connections_2016.csv") == [
        (2, (
            None,
            "ines.moreau@example.fr",
            {
                "full_name": "Ines Moreau", "given_name": "Ines", "title": "Owner", "company": "Moreau & Fils",
                "email": "ines.moreau@example.fr", "linkedin_url": "",
            },
            date(2016, 6, 12),
            None,
        )),
        (3, RowError(3, "'Kofi Mensah' has neither a profile address nor an email; nothing identifies them")),
    ]  # fmt: skip


def test_a_file_that_is_not_an_export_has_no_header() -> None:
    assert find_header(records_of((SAMPLES / "not_an_export.csv").read_bytes(), 1 << 20)) is None
    assert find_header_in((SAMPLES / "not_an_export.csv").read_bytes(), ended=True) is None


def test_an_export_a_spreadsheet_saved_again_with_semicolons_is_read_with_them() -> None:
    data = (SAMPLES / "Connections_excel_de.csv").read_bytes()
    header = find_header_in(data, ended=True)
    assert header is not None
    assert (header.kind, header.delimiter, header.line, header.records_before) == (
        ExportKind.CONNECTIONS, ";", 4, 4,
    )  # fmt: skip
    reader = RecordReader(offset=header.end_offset, line=header.end_line, delimiter=header.delimiter)
    rows = [connections.read(header, record) for record in reader.feed(data[header.end_offset :]) + reader.finish()]
    assert [
        (row.values["full_name"], row.values["company"], row.values["title"], row.email, row.connected_on)
        for row in rows
        if isinstance(row, connections.ConnectionRow)
    ] == [
        ("Jürgen Vogel", "Vogel; Söhne & Partner", "Geschäftsführer", "juergen@example.de", date(2018, 3, 14)),
        ("Lena Hartmann", "Hartmann, Klein GmbH", "Entwicklerin", "", date(2017, 5, 3)),
        ("Özlem Aydin", "Nordwind AG", 'Leiterin "Vertrieb"', "", date(2021, 11, 5)),
        ("Åsa Lindström", "", "", "", None),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("head", "ended", "classic"),
    [
        (b"First Name,Last Name\rAda", False, True),  # CR alone: Excel for Mac
        (b"First Name,Last Name\r\nAda", False, False),
        (b"First Name,Last Name\nAda", False, False),
        (b"First Name,Last Name\r", False, None),  # a CR as the last byte read: an LF may follow
        (b"First Name,Last Name\r", True, True),
        (b"First Name,Last", False, None),
        (b"First Name,Last", True, False),
        ("First Name\r\n".encode("utf-16"), False, False),  # NUL bytes: not text
    ],
)
def test_classic_mac_text_is_told_by_its_first_line_break(head: bytes, ended: bool, classic: bool | None) -> None:
    assert is_classic_mac_text(head, ended=ended) is classic


@pytest.mark.parametrize("piece", [1, 2, 7, 1 << 20])
def test_an_export_excel_for_mac_saved_again_reads_as_linkedin_wrote_it(piece: int) -> None:
    """CR line ends and Mac Roman (Jürgen, Åsa, Zoë, Pâtissière), turned into LF lines of UTF-8 however the
    upload is cut."""
    data = (SAMPLES / "Connections_excel_mac.csv").read_bytes()
    text = ClassicMacText()
    converted = b"".join(text.feed(data[start : start + piece]) for start in range(0, len(data), piece))
    converted += text.finish()
    header = find_header_in(converted, ended=True)
    assert header is not None
    assert (header.kind, header.delimiter, header.line) == (ExportKind.CONNECTIONS, ",", 4)
    rows = [connections.read(header, record) for record in records_of(converted, 1 << 20)[header.records_before :]]
    assert [
        (row.values["full_name"], row.values["company"], row.values["title"], row.connected_on)
        for row in rows
        if isinstance(row, connections.ConnectionRow)
    ] == [
        ("Jürgen Vogel", "Brandt, Lowe & Partners", 'Head of "Growth"', date(2018, 3, 14)),
        ("Åsa Lindström", "Café Noir", "Pâtissière", date(2017, 5, 3)),
        ("Zoë Ngô", "", "", None),
    ]
    assert ClassicMacText().feed("Zoë Ngô\r".encode()) == "Zoë Ngô\n".encode()  # UTF-8 already: as it is


def test_a_messages_export_saved_again_with_tabs_is_read_with_them() -> None:
    records = records_of((SAMPLES / "messages.csv").read_bytes(), 1 << 20)
    comma_header = find_header(records)
    assert comma_header is not None
    tabbed = io.StringIO()  # the same records, tab-separated, quoted where a field needs it
    csv.writer(tabbed, delimiter="\t", lineterminator="\r\n").writerows(record.fields for record in records)
    data = tabbed.getvalue().encode()
    header = find_header_in(data, ended=True)
    assert header is not None
    assert (header.kind, header.delimiter, header.columns) == (ExportKind.MESSAGES, "\t", comma_header.columns)
    reader = RecordReader(offset=header.end_offset, line=header.end_line, delimiter=header.delimiter)
    assert [record.fields for record in reader.feed(data[header.end_offset :]) + reader.finish()] == [
        record.fields for record in records[comma_header.records_before :]
    ]


def test_every_row_of_a_messages_export() -> None:
    header, records = parsed("messages.csv", 3)
    assert header.kind == ExportKind.MESSAGES
    rows = [messages.read(header, record, NOW) for record in records]
    summary = [
        (row.line, row.sender.key, [r.key for r in row.recipients], row.sent_at, row.text)
        if isinstance(row, messages.MessageRow)
        else row
        for row in rows
    ]
    me, ada, jose, priya = "sam-rivera-owner", "ada-quintero", "josé-garcía-3c", "priya-natarajan-9"
    at = datetime
    assert summary == [
        (2, me, [ada], at(2024, 3, 7, 9, 15, 2, tzinfo=UTC), "Thanks for connecting, Ada! Coffee next week?"),
        (3, ada, [me], at(2024, 3, 7, 11, 40, 45, tzinfo=UTC), 'Sure — Tuesday works.\nSay "hi" to the team, will you?'),  # noqa: E501
        (5, me, [ada], at(2024, 3, 8, 8, 1, 59, tzinfo=UTC), "See you then"),
        (6, jose, [me], at(2023, 12, 24, 18, 30, tzinfo=UTC), "¡Feliz Navidad, Sam! Nos vemos en enero."),
        (7, me, [jose], at(2023, 12, 26, 10, 0, tzinfo=UTC), "Gracias José!"),
        messages.Skip(8),  # a group conversation
        (9, priya, [me], at(2022, 6, 1, 7, 5, 9, tzinfo=UTC), "Hi Sam — loved your talk on CRMs."),
        (10, me, [priya], at(2022, 6, 1, 7, 45, tzinfo=UTC), "Thank you Priya!"),
        messages.Skip(11),  # a draft
        RowError(12, "DATE 'last Tuesday' is not a time like '2024-03-05 14:22:10 UTC'"),
        RowError(13, "the sender has no profile address (a member LinkedIn hides)"),
    ]  # fmt: skip
    jose_row = rows[3]
    assert isinstance(jose_row, messages.MessageRow)
    assert jose_row.sender.name == "José García"  # the name's accents were encoded twice in the file


def test_the_owner_of_a_messages_export_is_the_one_in_every_conversation() -> None:
    header, records = parsed("messages.csv")
    search = messages.OwnerSearch()
    for record in records:
        row = messages.read(header, record, NOW)
        if isinstance(row, messages.MessageRow):
            search.see(row)
            if search.found:
                break
    assert (search.found, search.rows) == ("sam-rivera-owner", 4)  # Ada's thread leaves two; José's decides


def test_two_people_in_every_row_are_told_apart_by_a_contact_or_the_sent_folder() -> None:
    assert messages.owner_from_contacts({"sam", "ada"}, ["ada"]) == "sam"
    assert messages.owner_from_contacts({"sam", "ada"}, []) is None
    assert messages.owner_from_contacts({"sam", "ada"}, ["sam", "ada"]) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("05 Mar 2024", date(2024, 3, 5)),
        ("5 Mar 2024", date(2024, 3, 5)),
        ("Mar 5, 2024", date(2024, 3, 5)),
        ("2024-03-05", date(2024, 3, 5)),
        ("14 Mär 2018", date(2018, 3, 14)),
        ("3. Mai 2017", date(2017, 5, 3)),
        ("14.03.2018", date(2018, 3, 14)),  # dots: day first, as Excel writes it in Germany
        ("3.5.2017", date(2017, 5, 3)),
        ("14.13.2018", None),
        ("12 juin 2015", date(2015, 6, 12)),
        ("03/05/2024", None),  # 3 May or March 5: never guessed
        ("31 Feb 2024", None),
        ("yesterday", None),
    ],
)
def test_connected_on_dates(text: str, expected: date | None) -> None:
    assert parse_connected_on(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-05 14:22:10 UTC", datetime(2024, 3, 5, 14, 22, 10, tzinfo=UTC)),
        ("2024-03-05T14:22:10Z", datetime(2024, 3, 5, 14, 22, 10, tzinfo=UTC)),
        ("2024-03-05 14:22:10", datetime(2024, 3, 5, 14, 22, 10, tzinfo=UTC)),
        ("2024-03-05 16:22:10 +02:00", datetime(2024, 3, 5, 14, 22, 10, tzinfo=UTC)),
        ("2024-03-05 14:22", datetime(2024, 3, 5, 14, 22, tzinfo=UTC)),
        ("05/03/2024 14:22", None),
        ("2024-13-05 14:22:10 UTC", None),
    ],
)
def test_message_times(text: str, expected: datetime | None) -> None:
    assert parse_message_time(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("JosÃ© GarcÃ\xada", "José García"),
        ("CompaÃ±Ã\xada", "Compañía"),
        ("JosÃ©", "José"),
        ("José García", "José García"),  # correct text is left alone
        ("Ã  la carte", "Ã  la carte"),  # not a double encoding: left alone
        ("王小明", "王小明"),
        ("Plain ASCII", "Plain ASCII"),
    ],
)
def test_accents_encoded_twice_are_repaired(text: str, expected: str) -> None:
    assert repaired(text) == expected


def test_the_upload_counts_records_outside_quotes() -> None:
    data = (SAMPLES / "messages.csv").read_bytes()
    total, in_quotes = 0, False
    for start in range(0, len(data), 11):
        found, in_quotes = count_records(data[start : start + 11], in_quotes)
        total += found
    assert (total, in_quotes) == (len(records_of(data, 1 << 20)), False)


def test_a_quote_that_never_closes_is_reported_at_its_line_and_the_rest_is_read() -> None:
    data = (
        b"First Name,Last Name,URL\r\n"
        b'Ada,"Quintero,https://www.linkedin.com/in/ada-quintero\r\n'
        b"Bob,Stone,https://www.linkedin.com/in/bob-stone\r\n"
    )
    records = records_of(data, 7)
    assert [(r.line, r.fields, r.problem) for r in records] == [
        (1, ["First Name", "Last Name", "URL"], ""),
        (2, [], "a quoted field opens on this line and never closes"),
        (3, ["Bob", "Stone", "https://www.linkedin.com/in/bob-stone"], ""),
    ]


def test_bytes_that_are_no_text_at_all_never_stop_the_reader() -> None:
    data = b"First Name,Last Name,URL\r\nB\rob,Stone,y\r\n" + bytes(range(256)) * 40
    for piece in (1, 13, 1 << 20):
        records = records_of(data, piece)
        assert (records[1].line, records[1].problem) == (
            2,
            "the line cannot be read as CSV (new-line character seen in unquoted field - do you need to open "
            "the file in universal-newline mode?)",
        )
        assert records[-1].end_offset == len(data)  # read to the end, whatever the bytes

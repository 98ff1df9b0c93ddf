"""LinkedIn's export files as records: bytes in, rows with their line numbers out.

What LinkedIn writes, and what this module copes with:
- UTF-8, sometimes with a byte-order mark; a line that is not UTF-8 (a file
  saved again by a spreadsheet) is read as Windows-1252 instead of failing.
- Commas between columns; a spreadsheet saving the file again may write
  semicolons (Excel where the decimal mark is a comma: Germany, France,
  Spain …) or tabs instead. The header decides (`find_header_in` tries each
  in `DELIMITERS`), and the whole file is read with the one it used.
- CRLF or LF line ends; quoted fields holding commas, doubled quotes and
  line breaks (a message written over several lines). A file Excel for Mac
  saved again as "Comma Separated Values" ends its lines with CR alone and
  is Mac Roman: `ClassicMacText` turns it into LF lines of UTF-8 as it
  uploads, so everything after reads it as any other file.
- Connections.csv starts with a preamble (`Notes:`, a quoted sentence about
  missing emails, a blank line) before its header; the header is found by
  its column names wherever it starts in the first records.
- Column sets differ between export years and languages: columns are
  mapped by name through known aliases (`COLUMNS`), never by position.
- Names whose accents were encoded twice (`JosÃ©` for `José`) are repaired.

The file arrives in pieces (the upload's chunks, stored), so `RecordReader`
is fed bytes and hands out each complete record with the line it starts on
and the byte offset just past it: a job that stops can resume at any
record boundary.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from functools import lru_cache

import ftfy

BOM = "\ufeff"
DELIMITERS = (",", ";", "\t")  # LinkedIn's own, then what spreadsheets write when they save the file again
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
MAX_RECORD_BYTES = 1_048_576  # a record longer than this is a quote that never closes
HEADER_SEARCH_RECORDS = 30  # the header must be among the first records (Connections' preamble has 3)
HEADER_SEARCH_BYTES = 65_536
_UNCLOSED = "unexpected end of data"  # csv's message when the input ends inside a quoted field


class ExportKind(StrEnum):
    CONNECTIONS = "connections"
    MESSAGES = "messages"


@dataclass(frozen=True)
class Record:
    line: int  # the physical line (1-based) the record starts on
    end_offset: int  # byte offset just past the record: where reading resumes
    end_line: int  # the line reading resumes at
    fields: list[str]
    problem: str = ""  # set when the record could not be read as CSV; fields are then empty


def decode_line(raw: bytes) -> str:
    """A line as text: UTF-8, or Windows-1252 for a line that is not UTF-8 (never fails)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def is_classic_mac_text(head: bytes, *, ended: bool) -> bool | None:
    """Whether a file starting with `head` ends its lines with CR alone (classic Mac text); None while its first
    line break is still to come. Text with NUL bytes (UTF-16, an archive) is not."""
    if b"\x00" in head:
        return False
    breaks = [index for index in (head.find(b"\r"), head.find(b"\n")) if index >= 0]
    if not breaks:
        return False if ended else None
    first = min(breaks)
    if first + 1 == len(head):
        return head[first] == 13 if ended else None
    return head[first] == 13 and head[first + 1] != 10


class ClassicMacText:
    """Classic Mac text as LinkedIn writes its files: LF line ends and UTF-8. A line that is not UTF-8 is read as
    Mac Roman, what Excel for Mac writes; fed in pieces cut anywhere."""

    def __init__(self) -> None:
        self._tail = b""

    def feed(self, data: bytes) -> bytes:
        lines = (self._tail + data).split(b"\r")
        self._tail = lines.pop()
        return b"".join(_as_utf8(line) + b"\n" for line in lines)

    def finish(self) -> bytes:
        tail, self._tail = self._tail, b""
        return _as_utf8(tail)


def _as_utf8(line: bytes) -> bytes:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return line.decode("mac_roman").encode("utf-8")
    return line


class RecordReader:
    """Splits a byte stream into CSV records, however the stream is cut into pieces.

    Lines are handed to Python's csv module in strict mode; when the pieces
    end inside a quoted field, the lines of that unfinished record wait for
    the next piece. A record that breaks the strict rules (a stray quote
    inside a field) is read again leniently, as spreadsheets do.
    """

    def __init__(self, *, offset: int = 0, line: int = 1, delimiter: str = ",") -> None:
        self._delimiter = delimiter
        self._tail = b""  # bytes after the last line break
        self._waiting: list[bytes] = []  # complete lines of a record that is not finished yet
        self._offset = offset  # byte offset of the first waiting line (or of the tail)
        self._line = line  # its line number

    def feed(self, data: bytes) -> list[Record]:
        pieces = (self._tail + data).split(b"\n")
        self._tail = pieces.pop()
        return self._records([line + b"\n" for line in pieces], final=False)

    def finish(self) -> list[Record]:
        """The records left at the end of the file (the last line may lack its line break)."""
        last = [self._tail] if self._tail else []
        self._tail = b""
        return self._records(last, final=True)

    def _records(self, new_lines: list[bytes], *, final: bool) -> list[Record]:
        raw = self._waiting + new_lines
        if not raw:
            return []
        if self._offset == 0 and raw[0].startswith(BOM.encode()):
            raw[0] = raw[0][len(BOM.encode()) :]
            self._offset += len(BOM.encode())
        texts = [decode_line(line) for line in raw]
        ends = []  # byte offset after each line
        position = self._offset
        for line in raw:
            position += len(line)
            ends.append(position)
        records: list[Record] = []
        start = 0  # index of the first line of the next record
        while start < len(texts):
            base = start
            reader = csv.reader(texts[base:], strict=True, delimiter=self._delimiter)
            try:
                for fields in reader:
                    stop = base + reader.line_num
                    records.append(self._record(start, stop, ends, fields))
                    start = stop
                break
            except csv.Error as error:
                stop = base + reader.line_num
                if str(error) != _UNCLOSED:
                    records.append(self._lenient(texts, start, stop, ends))
                    start = stop
                    continue
                waited = ends[-1] - (ends[start - 1] if start else self._offset)
                if not final and waited <= MAX_RECORD_BYTES:
                    break  # the record continues in the next piece
                # A quote opened and never closed: report its first line alone and read on after it.
                records.append(self._problem(start, ends, "a quoted field opens on this line and never closes"))
                start += 1
        self._waiting = raw[start:]
        consumed = start
        if consumed:
            self._offset = ends[consumed - 1]
            self._line += consumed
        return records

    def _lenient(self, texts: list[str], start: int, stop: int, ends: list[int]) -> Record:
        """The record read as a spreadsheet reads it; a problem when even that fails (a NUL, a lone CR)."""
        try:
            fields = next(csv.reader(texts[start:stop], delimiter=self._delimiter), [])
            return self._record(start, stop, ends, fields)
        except csv.Error as error:
            return Record(
                line=self._line + start,
                end_offset=ends[stop - 1],
                end_line=self._line + stop,
                fields=[],
                problem=f"the line cannot be read as CSV ({error})",
            )

    def _record(self, start: int, stop: int, ends: list[int], fields: list[str]) -> Record:
        return Record(line=self._line + start, end_offset=ends[stop - 1], end_line=self._line + stop, fields=fields)

    def _problem(self, index: int, ends: list[int], reason: str) -> Record:
        return Record(
            line=self._line + index, end_offset=ends[index], end_line=self._line + index + 1, fields=[], problem=reason
        )


def count_records(data: bytes, in_quotes: bool) -> tuple[int, bool]:
    """Line breaks outside quoted fields in `data` (the records it ends), and whether it ends inside quotes.

    Fast enough to run on every uploaded piece (the upload's estimate of the rows to import); a stray quote
    inside a field can make it miss by a few, so a job's total is set exactly when it ends.
    """
    parts = data.split(b'"')
    outside = parts[1::2] if in_quotes else parts[::2]
    return sum(part.count(b"\n") for part in outside), in_quotes != (len(parts) % 2 == 0)


# --- headers ---------------------------------------------------------------------------------------------

# Column names seen in LinkedIn's exports over the years and in other languages, normalized by `_name`.
CONNECTIONS_COLUMNS: dict[str, tuple[str, ...]] = {
    "first_name": ("first name", "firstname", "given name", "vorname", "prenom", "nombre", "nome", "voornaam"),
    "last_name": (
        "last name", "lastname", "surname", "family name", "nachname", "nom", "nom de famille",
        "apellidos", "apellido", "sobrenome", "cognome", "achternaam",
    ),
    "full_name": ("name", "full name", "nombre completo", "nom complet", "vollstandiger name"),
    "url": (
        "url", "profile url", "linkedin url", "public profile url", "profil url", "url del perfil", "url do perfil",
    ),
    "email": (
        "email address", "email", "e mail address", "e mail", "e mail adresse", "adresse e mail", "adresse email",
        "direccion de correo electronico", "correo electronico", "endereco de email", "endereco de e mail",
        "indirizzo email", "e mailadres",
    ),
    "company": ("company", "company name", "organization", "unternehmen", "firma", "entreprise", "societe",
                "empresa", "azienda", "bedrijf"),
    "position": ("position", "title", "job title", "poste", "cargo", "posizione", "functie", "titel"),
    "connected_on": (
        "connected on", "connected", "connection date", "verbunden am", "verbunden seit", "date de connexion",
        "connecte le", "conectado el", "conectado em", "fecha de conexion", "data di collegamento",
        "collegato il", "verbonden op",
    ),
}  # fmt: skip
MESSAGES_COLUMNS: dict[str, tuple[str, ...]] = {
    "conversation_id": ("conversation id", "conversationid", "thread id"),
    "conversation_title": ("conversation title",),
    "from": ("from", "sender", "sender name"),
    "sender_url": ("sender profile url", "sender profile", "from profile url"),
    "to": ("to", "recipients", "recipient names"),
    "recipient_urls": ("recipient profile urls", "recipient profile url", "to profile urls"),
    "date": ("date", "sent at", "date sent", "timestamp"),
    "subject": ("subject",),
    "content": ("content", "body", "message", "text"),
    "folder": ("folder",),
    "is_draft": ("is message draft", "draft"),
}


@dataclass(frozen=True)
class Header:
    kind: ExportKind
    columns: dict[str, int]  # field → index in a record
    line: int  # where the header starts
    end_offset: int  # where the data rows start
    end_line: int
    records_before: int  # records up to and including the header (preamble, blank lines)
    delimiter: str = ","  # between columns, in the header and in every row

    def value(self, fields: list[str], name: str) -> str:
        index = self.columns.get(name)
        return fields[index].strip() if index is not None and index < len(fields) else ""


def _name(text: str) -> str:
    """A column name compared loosely: lower case, accents dropped, punctuation as spaces (`E-Mail` → `e mail`)."""
    folded = ftfy.fix_encoding(text.replace(BOM, "")).lower()
    return " ".join("".join(c if c.isalnum() else " " for c in _decompose(folded)).split())


def _decompose(text: str) -> str:
    """Without accents (é → e), so `Prénom` and `Prenom` are one column name."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _map(fields: list[str], known: dict[str, tuple[str, ...]]) -> dict[str, int]:
    aliases = {alias: field for field, names in known.items() for alias in names}
    columns: dict[str, int] = {}
    for index, raw in enumerate(fields):
        field = aliases.get(_name(raw))
        if field is not None and field not in columns:
            columns[field] = index
    return columns


def header_of(record: Record, records_before: int, delimiter: str = ",") -> Header | None:
    """The record as an export's header, or None when it is not one (a preamble line, a data row)."""
    connections = _map(record.fields, CONNECTIONS_COLUMNS)
    names = ("first_name" in connections and "last_name" in connections) or "full_name" in connections
    if names and ("url" in connections or "email" in connections):
        return _header(ExportKind.CONNECTIONS, connections, record, records_before, delimiter)
    messages = _map(record.fields, MESSAGES_COLUMNS)
    if {"conversation_id", "sender_url", "date", "content"} <= messages.keys():
        return _header(ExportKind.MESSAGES, messages, record, records_before, delimiter)
    return None


def _header(kind: ExportKind, columns: dict[str, int], record: Record, records_before: int, delimiter: str) -> Header:
    return Header(kind, columns, record.line, record.end_offset, record.end_line, records_before + 1, delimiter)


def find_header(records: list[Record], delimiter: str = ",") -> Header | None:
    """The header among the first records of a file read with `delimiter`."""
    for index, record in enumerate(records[:HEADER_SEARCH_RECORDS]):
        if (header := header_of(record, index, delimiter)) is not None:
            return header
    return None


def find_header_in(head: bytes, *, ended: bool) -> Header | None:
    """The header in a file's first bytes (`ended`: they are the whole file), whichever of `DELIMITERS` it uses.

    Only the first HEADER_SEARCH_BYTES count, so the upload and a job reading the stored file again find the
    same header however their pieces were cut.
    """
    view = head[:HEADER_SEARCH_BYTES]
    final = ended and len(head) <= HEADER_SEARCH_BYTES
    for delimiter in DELIMITERS:
        reader = RecordReader(delimiter=delimiter)
        records = reader.feed(view) + (reader.finish() if final else [])
        if (header := find_header(records, delimiter)) is not None:
            return header
    return None


NOT_AN_EXPORT = (
    "this is not a LinkedIn export: no Connections.csv header (First Name, Last Name, URL, Email Address, "
    "Company, Position, Connected On) or messages.csv header (CONVERSATION ID, FROM, SENDER PROFILE URL, "
    "TO, RECIPIENT PROFILE URLS, DATE, CONTENT, …) in its first lines"
)
UTF16_TEXT = (
    'this file is UTF-16 text (a spreadsheet\'s "Unicode Text"): upload Connections.csv or messages.csv as '
    'LinkedIn exported it, or save it again as "CSV UTF-8"'
)


# --- values ----------------------------------------------------------------------------------------------

# A character LinkedIn's double encoding starts with (UTF-8 lead bytes read as Windows-1252: Â…ô) followed by
# one of a continuation byte's look-alikes. Only such texts are handed to ftfy, which decides.
_MOJIBAKE_HINT = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]"
)


def repaired(text: str) -> str:
    """The text with accents encoded twice repaired (`JosÃ©` → `José`); correct text comes back unchanged."""
    if text.isascii() or not _MOJIBAKE_HINT.search(text):
        return text
    return ftfy.fix_encoding(text)


def clean(text: str, limit: int) -> str:
    """A one-line field as stored (a name, a title): repaired, without NUL characters (PostgreSQL refuses them),
    line breaks and runs of spaces as one space, cut to `limit`."""
    return " ".join(repaired(text.replace("\x00", "")).split())[:limit]


def clean_text(text: str) -> str:
    """A message's text as stored: repaired, without NUL characters, LF line ends, trimmed."""
    return repaired(text.replace("\x00", "")).replace("\r\n", "\n").strip()


_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january", "januar", "janvier", "enero", "janeiro", "gennaio", "januari"),
            ("feb", "february", "februar", "fevrier", "febrero", "fevereiro", "febbraio", "februari"),
            ("mar", "march", "marz", "mars", "marzo", "marco", "maart"),
            ("apr", "april", "avril", "abril", "aprile"),
            ("may", "mai", "mayo", "maio", "maggio", "mei"),
            ("jun", "june", "juni", "juin", "junio", "junho", "giugno"),
            ("jul", "july", "juli", "juillet", "julio", "julho", "luglio"),
            ("aug", "august", "aout", "agosto", "augustus"),
            ("sep", "sept", "september", "septembre", "septiembre", "setembro", "settembre"),
            ("oct", "october", "oktober", "octobre", "octubre", "outubro", "ottobre"),
            ("nov", "november", "novembre", "noviembre", "novembro"),
            ("dec", "december", "dezember", "decembre", "diciembre", "dezembro", "dicembre"),
        ),
        start=1,
    )
    for name in names
}
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})[ .-]+([^\W\d_]+)\.?[ .-]+(\d{4})")  # 05 Mar 2024, 5-mars-2024
_MONTH_DAY_YEAR = re.compile(r"([^\W\d_]+)\.?\s+(\d{1,2}),?\s+(\d{4})")  # Mar 5, 2024
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
# 14.03.2018: day first wherever dates are written with dots (what Excel writes in Germany, Austria,
# Switzerland, Scandinavia, Eastern Europe when it saves the file again); slashes stay ambiguous.
_DOTTED_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")


@lru_cache(maxsize=8192)  # an export has a few thousand distinct days for its tens of thousands of rows
def parse_connected_on(text: str) -> date | None:
    """`05 Mar 2024` and the other unambiguous forms exports use (month names in several languages, ISO
    dates, 14.03.2018); None for anything else, slashed day/month orders included, since 03/05/2024 could be
    either."""
    text = _decompose(text.strip().lower())
    try:
        if found := _ISO_DATE.fullmatch(text):
            return date(int(found[1]), int(found[2]), int(found[3]))
        if found := _DOTTED_DATE.fullmatch(text):
            return date(int(found[3]), int(found[2]), int(found[1]))
        if found := _DAY_MONTH_YEAR.fullmatch(text):
            day, month, year = found[1], found[2], found[3]
        elif found := _MONTH_DAY_YEAR.fullmatch(text):
            month, day, year = found[1], found[2], found[3]
        else:
            return None
        number = _MONTHS.get(month)
        return date(int(year), number, int(day)) if number else None
    except ValueError:  # 31 Feb
        return None


_MESSAGE_TIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(UTC|GMT|Z|[+-]\d{2}:?\d{2})?"
)


def parse_message_time(text: str) -> datetime | None:
    """`2024-03-05 14:22:10 UTC` and other unambiguous forms (ISO 8601, an offset, no zone meaning UTC)."""
    found = _MESSAGE_TIME.fullmatch(text.strip())
    if found is None:
        return None
    year, month, day, hour, minute, second, zone = found.groups()
    try:
        moment = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0), tzinfo=UTC)
    except ValueError:
        return None
    if zone and zone[0] in "+-":
        digits = zone.replace(":", "")
        offset = (int(digits[1:3]) * 60 + int(digits[3:5])) * (1 if digits[0] == "+" else -1)
        moment -= timedelta(minutes=offset)
    return moment


def split_list(text: str) -> Iterator[str]:
    """The items of a list field (RECIPIENT PROFILE URLS holds several, comma-separated)."""
    return (item.strip() for item in text.split(",") if item.strip())

"""messages.csv: each row read, its conversation partner found, and the 1:1 messages stored.

- Whose export it is: the file never says. Its owner takes part in every
  conversation, so `OwnerSearch` reads rows until a single profile is
  common to all of them (a few rows, usually). An export whose rows all
  involve the same two people cannot tell; a row in the SENT folder, or a
  partner who is already a contact, decides; otherwise the job fails and
  says why.
- Rows of group conversations (more than one other participant) and drafts
  are skipped. A 1:1 message is stored for the partner's contact (matched
  by member id or slug like a push's partner, created when unknown, names
  only filling in empty fields) with the export's time (whole seconds) and
  text.
- The export has no message URN. Each message gets the key Voyager's copy of
  it also gets (domain/message_key.py), and `export:<key>` as its URN:
  stored once whichever source comes first.
- Names whose accents were encoded twice are repaired (csv_format.repaired)
  before anything compares them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from contacts_service.domain import limits
from contacts_service.domain.imports.csv_format import (
    Header,
    Record,
    clean,
    clean_text,
    parse_message_time,
    split_list,
)
from contacts_service.domain.imports.records import Counts, RowError
from contacts_service.domain.linkedin_identity import InvalidIdentity, LinkedInId, identity_from_url
from contacts_service.domain.matching import Partner
from contacts_service.domain.message_key import message_key, valid_thread_id
from contacts_service.domain.push import store_conversations
from contacts_service.domain.push_input import EARLIEST_MESSAGE, FUTURE_SLACK, ValidConversation, ValidMessage
from contacts_service.domain.sources import Source
from contacts_service.store import sync_state
from pingcrm_common.db import Session
from pingcrm_common.linkedin_urls import profile_url

EXPORT_URN_PREFIX = "export:"
DRAFT_FOLDERS = {"draft", "drafts"}
YES = {"yes", "true", "1", "y"}
SENT_FOLDERS = {"sent", "sent items"}
OWNER_SEARCH_ROWS = 5_000  # past this, the rows of the export's first conversations decide (see OwnerSearch)


@dataclass(frozen=True)
class Participant:
    identity: LinkedInId
    name: str

    @property
    def key(self) -> str:
        return self.identity.member_id or self.identity.slug or ""


@dataclass(frozen=True)
class MessageRow:
    line: int
    thread_id: str
    sender: Participant
    recipients: list[Participant]
    sent_at: datetime
    text: str
    sent_folder: bool  # FOLDER says SENT: the owner wrote it

    @property
    def participants(self) -> set[str]:
        return {self.sender.key, *(r.key for r in self.recipients)}


@dataclass(frozen=True)
class Skip:
    """A row deliberately not imported (a draft, a group conversation): counted as skipped, not an error."""

    line: int


def _participant(url: str, name: str) -> Participant:
    identity = identity_from_url(url)
    return Participant(identity, clean(name, 300))


def read(header: Header, record: Record, now: datetime) -> MessageRow | Skip | RowError | None:
    """A data row as a message, a skip, a reason it cannot be imported, or None for a blank line."""
    if record.problem:
        return RowError(record.line, record.problem)
    fields = record.fields
    if not any(map(str.strip, fields)):
        return None
    value = header.value
    folder = value(fields, "folder").lower()
    if folder in DRAFT_FOLDERS or value(fields, "is_draft").lower() in YES:
        return Skip(record.line)
    urls = list(split_list(value(fields, "recipient_urls")))
    if len(urls) > 1:
        return Skip(record.line)  # a group conversation
    thread_id = valid_thread_id(value(fields, "conversation_id"))
    if thread_id is None:
        found = value(fields, "conversation_id")[:60]
        return RowError(record.line, f"CONVERSATION ID {found!r} is not a LinkedIn conversation id (2-…)")
    sender_url = value(fields, "sender_url")
    if not sender_url:
        return RowError(record.line, "the sender has no profile address (a member LinkedIn hides)")
    if not urls:
        return RowError(record.line, "the message names no recipient profile address")
    try:
        sender = _participant(sender_url, value(fields, "from"))
        recipient = _participant(urls[0], value(fields, "to"))
    except InvalidIdentity as error:
        return RowError(record.line, str(error))
    sent_at = parse_message_time(value(fields, "date"))
    if sent_at is None:
        found = value(fields, "date")[:40]
        return RowError(record.line, f"DATE {found!r} is not a time like '2024-03-05 14:22:10 UTC'")
    if sent_at < EARLIEST_MESSAGE:
        return RowError(record.line, f"DATE {sent_at.isoformat()} is before LinkedIn existed")
    if sent_at > now + FUTURE_SLACK:
        return RowError(record.line, f"DATE {sent_at.isoformat()} is more than a day in the future")
    return MessageRow(
        line=record.line,
        thread_id=thread_id,
        sender=sender,
        recipients=[recipient],
        sent_at=sent_at,
        text=shortened(clean_text(value(fields, "content"))),
        sent_folder=folder in SENT_FOLDERS,
    )


def shortened(text: str, limit: int = limits.MAX_MESSAGE_TEXT) -> str:
    """A text within the message limit, cut the way the extension cuts Voyager's (an ellipsis at the end)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


class OwnerSearch:
    """Finds whose export this is: the one profile every row involves."""

    def __init__(self) -> None:
        self._common: set[str] | None = None
        self._sent_by: set[str] = set()
        self.rows = 0

    def see(self, row: MessageRow) -> None:
        self.rows += 1
        self._common = row.participants if self._common is None else self._common & row.participants
        if row.sent_folder:
            self._sent_by.add(row.sender.key)

    @property
    def found(self) -> str | None:
        """The owner once the rows leave one candidate (or a SENT row names one of two)."""
        if self._common is not None and len(self._common) == 1:
            return next(iter(self._common))
        if self._common is not None and len(self._sent_by & self._common) == 1:
            return next(iter(self._sent_by & self._common))
        return None

    @property
    def candidates(self) -> set[str]:
        return set(self._common or ())

    @property
    def hopeless(self) -> bool:
        """No profile is common to the rows seen: this is not one person's export."""
        return self._common is not None and not self._common


def owner_from_contacts(candidates: set[str], known_keys: Iterable[str]) -> str | None:
    """Of two candidates, the one who is not already a contact (the other is the conversation partner)."""
    strangers = candidates - set(known_keys)
    return next(iter(strangers)) if len(candidates) == 2 and len(strangers) == 1 else None


def _conversations(
    rows: list[MessageRow], owner: str
) -> tuple[list[ValidConversation], dict[int, str], list[RowError]]:
    """The rows as conversations with their partner, one per (partner, thread), in first-seen order; each
    stored row's URN by its line; the rows that are not the owner's."""
    grouped: dict[tuple[str, str], ValidConversation] = {}
    urns: dict[int, str] = {}
    errors: list[RowError] = []
    for row in rows:
        outbound = row.sender.key == owner
        others = row.recipients if outbound else [row.sender]
        if not outbound and owner not in {r.key for r in row.recipients}:
            errors.append(RowError(row.line, "you are neither the sender nor a recipient of this message"))
            continue
        partner = others[0]
        key = (partner.key, row.thread_id)
        if key not in grouped:
            identity = partner.identity
            grouped[key] = ValidConversation(
                "",  # no Voyager conversation URN: the extension's history marks are left as they are
                Partner(identity, partner.name, "", profile_url(identity.member_id, identity.slug)),
                [],
                first_message_at=None,
                older_missing_after=None,
                thread_id=row.thread_id,
            )
        urn = urns[row.line] = f"{EXPORT_URN_PREFIX}{message_key(row.thread_id, outbound, row.sent_at, row.text)}"
        grouped[key].messages.append(ValidMessage(urn, outbound, row.text, row.sent_at))
    return list(grouped.values()), urns, errors


async def store_batch(session: Session, user_id: str, rows: list[MessageRow], owner: str, now: datetime) -> Counts:
    """Store a batch of rows in the caller's transaction, under the user's lock (as pushes take it)."""
    await sync_state.lock_user(session, user_id)
    conversations, urns, errors = _conversations(rows, owner)
    stored = await store_conversations(
        session, user_id, conversations, now, source=Source.MESSAGES_IMPORT, overwrite_profile=False
    )
    inserted = {message.source_urn for message in stored.inserted}
    counts = Counts(processed=len(rows), contacts_created=stored.contacts_created, errors=errors)
    counted: set[str] = set()
    for row in rows:
        urn = urns.get(row.line)
        if urn is not None and urn in inserted and urn not in counted:
            counts.created += 1
            counted.add(urn)
        else:
            counts.skipped += 1  # already stored (from Voyager, an earlier import, or twice in this file)
    return counts

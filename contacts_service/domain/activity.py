"""The activity feed: what changed on a contact, as events other services consume.

Every write that changes a contact records events IN ITS OWN TRANSACTION
through `store/activity.py` (a transactional outbox), and ReadActivity
serves them in feed order (docs/activity-feed.md has the contract and why
no reader ever skips one). This module holds the events as plain data:
each carries the contact's display fields as the change left them (so a
consumer keeps its own copy and serves while contacts_service is down) and
the kind's own fields. Writers build them with the functions below;
`push_activity` is what a LinkedIn push records.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, timedelta
from typing import Any

from contacts_service.domain.linkedin_identity import conversation_url
from contacts_service.domain.matching import ContactDraft, MatchPlan
from contacts_service.domain.records import Contact, StoredMessage
from pingcrm_common.errors import InvalidArgument

MESSAGE_EXCERPT_CHARS = 500
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)
DEFAULT_READ_LIMIT = 200
MAX_READ_LIMIT = 1_000
# Bytes of stored events (their JSON) per ReadActivity page, beyond which it ends early and says more follows.
# A page must fit one gRPC message (pingcrm_common/grpc_options.py, 8 MiB), and its protobuf is no larger than
# the JSON. A single event may be larger (a push of 2,000 messages, each with a 500-character excerpt, to one
# contact: at most about 6.5 MB encoded) and then comes alone.
MAX_READ_BYTES = 4 * 1024 * 1024

# Sources of contact_added.
SOURCE_LINKEDIN_DM = "linkedin_dm"
SOURCE_CONNECTIONS_IMPORT = "connections_import"
SOURCE_MESSAGES_IMPORT = "messages_import"


@dataclass(frozen=True)
class ContactSnapshot:
    """A contact's display fields; empty strings for what is unknown."""

    full_name: str = ""
    first_name: str = ""
    headline: str = ""
    title: str = ""
    company: str = ""
    avatar_url: str = ""
    member_id: str = ""
    slug: str = ""

    @classmethod
    def of(cls, member_id: str | None, slug: str | None, profile: Mapping[str, str]) -> ContactSnapshot:
        """From a contact's ids and profile fields (matching.PROFILE_FIELDS)."""
        full_name = profile.get("full_name", "")
        return cls(
            full_name=full_name,
            first_name=greeting_name(full_name, profile.get("given_name", "")),
            headline=profile.get("headline", ""),
            title=profile.get("title", ""),
            company=profile.get("company", ""),
            avatar_url=profile.get("avatar_url", ""),
            member_id=member_id or "",
            slug=slug or "",
        )


# Titles LinkedIn members put before their name. A draft greets "Hi Jane", not "Hi Dr."; a name of a title
# alone keeps it. Compared without case and trailing dot; English, Spanish, Portuguese, French, German.
HONORIFICS = frozenset("dr dra prof profa mr mrs ms mx miss sir dame sr sra srta herr frau mme mlle ing mag".split())


def greeting_name(full_name: str, given_name: str) -> str:
    """The name a draft greets a contact by.

    LinkedIn's first-name field, while the full name still holds it and more ("María José" García → "María
    José", a compound name the full name's first word would cut); a nickname written beside it wins ("Robert
    (Bob)" → "Bob"). Otherwise, for a contact the user renamed, a whole name typed as the first name, or no first
    name known: a nickname inside the full name ('Katherine "Kate" Jones' → "Kate"; not its last word, which is
    a former surname or pronouns: "Jane Smith (Doe)"), else the full name's first word (`first_name_of`).
    """
    words, given = full_name.split(), given_name.split()
    folded, wanted = [word.casefold() for word in words], [word.casefold() for word in given]
    holds_given = 0 < len(given) < len(words) and any(
        folded[i : i + len(given)] == wanted for i in range(len(words) - len(given) + 1)
    )
    if holds_given and (named := _nickname(given) or " ".join(_name_words(given_name))):
        return named
    return _nickname(words[:-1]) or first_name_of(full_name)


# A nickname as names carry it: one word, in parentheses or double quotes (single ones would catch O'Brien).
_NICKNAME = re.compile(r"""[("“]([^\W\d_]+(?:[-'’][^\W\d_]+)*)[)"”]""")
PRONOUNS = frozenset("she her hers he him his they them theirs".split())


def _nickname(words: list[str]) -> str:
    for word in words:
        match = _NICKNAME.fullmatch(word)
        if match and match[1].casefold() not in PRONOUNS:
            return match[1]
    return ""


def is_name_word(word: str) -> bool:
    """A word that starts with a letter and is not a title (not "🚀", not "Dr.")."""
    return word[0].isalpha() and word.rstrip(".").casefold() not in HONORIFICS


def _name_words(name: str) -> list[str]:
    """A name's words that are names: "Dr. María José 🚀" → María, José."""
    return [word for word in name.split() if is_name_word(word)]


def first_name_of(full_name: str) -> str:
    """The first word of a display name that is a name (`_name_words`): "🚀 Jane Doe" → "Jane", since a draft
    greets the person, not the emoji many LinkedIn names carry; "Dr. Jane Doe" → "Jane". The first word that
    starts with a letter, or the first word, when none is a name."""
    words = full_name.split()
    named = _name_words(full_name)
    lettered = [word for word in words if word[0].isalpha()]
    return named[0] if named else lettered[0] if lettered else words[0] if words else ""


# --- kinds: each event's own fields, and their stored form (a JSON object) --------------------------------


@dataclass(frozen=True)
class MessageItem:
    """One message stored for the first time."""

    urn: str
    from_self: bool
    sent_at: datetime
    excerpt: str  # the first MESSAGE_EXCERPT_CHARS characters of its text


@dataclass(frozen=True)
class Messages:
    """The messages one change stored for a contact, oldest first (occurred_at: the newest one's sent_at).

    One event per contact and change rather than per message: a push of 500 messages to 100
    contacts writes 100 rows, which keeps the feed's cost to a push small.
    """

    items: tuple[MessageItem, ...]
    thread_id: str = ""  # LinkedIn's thread of the newest item ("" when its conversation names none)

    @property
    def conversation_url(self) -> str:
        """Where LinkedIn's messaging opens the newest item's conversation ("" when unknown)."""
        return conversation_url(self.thread_id) if self.thread_id else ""

    def stored(self) -> dict[str, Any]:
        # sent_at as exact epoch microseconds: cheaper to write than ISO text, on a push's path.
        stored: dict[str, Any] = {
            "messages": [
                {
                    "urn": m.urn,
                    "from_self": m.from_self,
                    "sent_at_us": (m.sent_at - _EPOCH) // _US,
                    "excerpt": m.excerpt,
                }
                for m in self.items
            ]
        }
        if self.thread_id:
            stored["thread"] = self.thread_id
        return stored

    @classmethod
    def from_stored(cls, data: Mapping[str, Any]) -> Messages:
        return cls(
            tuple(
                MessageItem(
                    str(m["urn"]),
                    bool(m["from_self"]),
                    _EPOCH + int(m["sent_at_us"]) * _US,
                    str(m["excerpt"]),
                )
                for m in data["messages"]
            ),
            str(data.get("thread", "")),  # events recorded before threads were kept have none
        )


@dataclass(frozen=True)
class ContactAdded:
    source: str  # SOURCE_*

    def stored(self) -> dict[str, Any]:
        return {"source": self.source}

    @classmethod
    def from_stored(cls, data: Mapping[str, Any]) -> ContactAdded:
        return cls(str(data["source"]))


@dataclass(frozen=True)
class ContactUpdated:
    fields: tuple[str, ...]  # which ids or profile fields changed

    def stored(self) -> dict[str, Any]:
        return {"fields": list(self.fields)}

    @classmethod
    def from_stored(cls, data: Mapping[str, Any]) -> ContactUpdated:
        return cls(tuple(str(name) for name in data["fields"]))


@dataclass(frozen=True)
class JobChanged:
    old_title: str
    old_company: str
    new_title: str
    new_company: str

    def stored(self) -> dict[str, Any]:
        return {
            "old_title": self.old_title,
            "old_company": self.old_company,
            "new_title": self.new_title,
            "new_company": self.new_company,
        }

    @classmethod
    def from_stored(cls, data: Mapping[str, Any]) -> JobChanged:
        return cls(str(data["old_title"]), str(data["old_company"]), str(data["new_title"]), str(data["new_company"]))


@dataclass(frozen=True)
class ContactsMerged:
    absorbed_contact_id: str  # gone now; its messages belong to the event's contact

    def stored(self) -> dict[str, Any]:
        return {"absorbed_contact_id": self.absorbed_contact_id}

    @classmethod
    def from_stored(cls, data: Mapping[str, Any]) -> ContactsMerged:
        return cls(str(data["absorbed_contact_id"]))


@dataclass(frozen=True)
class ConnectionImported:
    connected_on: date | None

    def stored(self) -> dict[str, Any]:
        return {"connected_on": self.connected_on.isoformat() if self.connected_on else None}

    @classmethod
    def from_stored(cls, data: Mapping[str, Any]) -> ConnectionImported:
        day = data.get("connected_on")
        return cls(date.fromisoformat(day) if day else None)


Detail = Messages | ContactAdded | ContactUpdated | JobChanged | ContactsMerged | ConnectionImported

KINDS: dict[type[Any], str] = {
    Messages: "messages",
    ContactAdded: "contact_added",
    ContactUpdated: "contact_updated",
    JobChanged: "job_changed",
    ContactsMerged: "contacts_merged",
    ConnectionImported: "connection_imported",
}
_BY_KIND = {kind: detail_type for detail_type, kind in KINDS.items()}


@dataclass(frozen=True)
class NewActivity:
    """An event a writer records (store/activity.py `record`)."""

    contact_id: str
    occurred_at: datetime
    contact: ContactSnapshot
    detail: Detail

    @property
    def kind(self) -> str:
        return KINDS[type(self.detail)]


@dataclass(frozen=True, order=True)
class Position:
    """Where an event sits in the feed: its writing transaction's id (0 on SQLite), then its sequence number."""

    tx: int
    seq: int

    _PATTERN = re.compile(r"(\d{1,19})-(\d{1,19})")

    def encode(self) -> str:
        return f"{self.tx}-{self.seq}"

    @classmethod
    def decode(cls, text: str) -> Position:
        """The position a reader passed back; "" is the feed's start."""
        if text == "":
            return START
        match = cls._PATTERN.fullmatch(text)
        if match is None or max(int(match[1]), int(match[2])) >= 2**63:
            raise InvalidArgument("after is not a position this feed returned", code="invalid_position")
        return cls(int(match[1]), int(match[2]))


START = Position(0, 0)


@dataclass(frozen=True)
class ActivityEvent:
    """A recorded event, as ReadActivity serves it."""

    seq: int
    position: Position
    user_id: str
    contact_id: str
    occurred_at: datetime
    recorded_at: datetime
    contact: ContactSnapshot
    detail: Detail | None  # None: a kind this code does not know (recorded by a newer version)


@dataclass(frozen=True)
class ActivityPage:
    events: list[ActivityEvent]
    next: Position
    more: bool = False  # the page ended at MAX_READ_BYTES: more events follow now


def read_limit(requested: int) -> int:
    """Events per ReadActivity: 0 means the default; beyond the maximum is refused."""
    if requested < 0:
        raise InvalidArgument("limit must be positive", code="invalid_limit")
    if requested > MAX_READ_LIMIT:
        raise InvalidArgument(
            f"at most {MAX_READ_LIMIT} events per read, asked for {requested}", code="limit_too_large"
        )
    return requested or DEFAULT_READ_LIMIT


# --- the stored form: JSON objects ----------------------------------------------------------------------


# Named once: dataclasses.fields() costs microseconds a call, and the feed stores and reads a snapshot per event.
_SNAPSHOT_FIELDS = tuple(field.name for field in fields(ContactSnapshot))


def snapshot_fields(snapshot: ContactSnapshot) -> dict[str, str]:
    return {name: getattr(snapshot, name) for name in _SNAPSHOT_FIELDS}


def snapshot_from(data: Mapping[str, Any]) -> ContactSnapshot:
    return ContactSnapshot(**{name: str(value) for name, value in data.items() if name in _SNAPSHOT_FIELDS})


def detail_from(kind: str, data: Mapping[str, Any]) -> Detail | None:
    """The detail of a stored event; None for a kind this code does not know."""
    detail_type = _BY_KIND.get(kind)
    if detail_type is None:
        return None
    detail: Detail = detail_type.from_stored(data)
    return detail


# --- what a push records ----------------------------------------------------------------------------------

# The fields a contact_updated names when a push changes them.
_DRAFT_FIELDS = ("member_id", "slug")


def excerpt(text: str) -> str:
    return text[:MESSAGE_EXCERPT_CHARS]


def push_activity(
    plan: MatchPlan,
    inserted: list[StoredMessage],
    now: datetime,
    *,
    source: str = SOURCE_LINKEDIN_DM,
    threads: Mapping[str, str],
) -> list[NewActivity]:
    """The events of one push: merges, new contacts, changed contacts, then each contact's new messages
    (contacts by their newest message, messages oldest first), with the LinkedIn thread of the newest
    (`threads`: message URN → thread id). New contacts came from `source` (a batch of messages.csv is stored the
    way a push is, domain/imports/messages.py).

    Only what the push really changed: messages it already had, and contacts it
    left as they were, record nothing.
    """
    events: list[NewActivity] = []
    snapshots: dict[str, ContactSnapshot] = {}

    def snapshot(contact_id: str) -> ContactSnapshot:
        if contact_id not in snapshots:
            draft = plan.contacts[contact_id]
            snapshots[contact_id] = ContactSnapshot.of(draft.member_id, draft.slug, draft.profile)
        return snapshots[contact_id]

    for survivor, absorbed in plan.merges:
        events.append(NewActivity(survivor, now, snapshot(survivor), ContactsMerged(absorbed)))
    for draft in plan.created:
        events.append(NewActivity(draft.id, now, snapshot(draft.id), ContactAdded(source)))
    for draft in plan.updated:
        if changed := _changed_fields(draft):
            events.append(NewActivity(draft.id, now, snapshot(draft.id), ContactUpdated(changed)))
    by_contact: dict[str, list[MessageItem]] = {}
    for message in sorted(inserted, key=lambda m: (m.occurred_at, m.source_urn)):
        item = MessageItem(message.source_urn, message.from_self, message.occurred_at, excerpt(message.text))
        by_contact.setdefault(message.contact_id, []).append(item)
    for contact_id, items in sorted(by_contact.items(), key=lambda entry: (entry[1][-1].sent_at, entry[0])):
        newest = items[-1]
        detail = Messages(tuple(items), threads.get(newest.urn, ""))
        events.append(NewActivity(contact_id, newest.sent_at, snapshot(contact_id), detail))
    return events


def _changed_fields(draft: ContactDraft) -> tuple[str, ...]:
    original = draft.original
    if original is None:
        return ()
    changed = [name for name in _DRAFT_FIELDS if getattr(draft, name) != getattr(original, name)]
    changed += [name for name, value in draft.profile.items() if value != original.profile.get(name, "")]
    return tuple(changed)


def utc_midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def contact_updated(contact: Contact, changed: tuple[str, ...], now: datetime) -> NewActivity:
    """A `contact_updated` event for a stored contact (a user's edit, a stored avatar)."""
    snapshot = ContactSnapshot.of(
        contact.linkedin_member_id,
        contact.linkedin_slug,
        {
            name: getattr(contact, name)
            for name in ("full_name", "given_name", "headline", "title", "company", "avatar_url")
        },
    )
    return NewActivity(contact.id, now, snapshot, ContactUpdated(changed))

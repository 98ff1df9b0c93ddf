"""Plain values the domain works with: the feed's events and what the store keeps."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from pingcrm_common.linkedin_urls import profile_url


@dataclass(frozen=True)
class Snapshot:
    """A contact's display fields as an event left them; empty means "not known", never "cleared"."""

    full_name: str = ""
    first_name: str = ""
    headline: str = ""
    title: str = ""
    company: str = ""
    avatar_url: str = ""
    member_id: str = ""
    slug: str = ""


@dataclass(frozen=True)
class FeedMessage:
    urn: str
    from_self: bool
    sent_at: datetime
    excerpt: str


@dataclass(frozen=True)
class JobChange:
    new_title: str
    new_company: str


@dataclass(frozen=True)
class Event:
    """One event of contacts_service's activity feed (docs/activity-feed.md), as this service uses it.

    `kind` is the detail's case; an unknown kind still carries its snapshot.
    """

    position: str
    user_id: str
    contact_id: str
    occurred_at: datetime
    snapshot: Snapshot
    kind: str
    messages: tuple[FeedMessage, ...] = ()
    conversation_url: str = ""  # messages: where LinkedIn opens the newest one's conversation ("" when unknown)
    job: JobChange | None = None
    absorbed_contact_id: str = ""
    connected_on: datetime | None = None
    source: str = ""


@dataclass(frozen=True)
class FeedPage:
    events: list[Event]
    next: str
    more: bool = False  # the page ended early at its size budget: more events follow now


@dataclass(frozen=True)
class ContactFacts:
    """What suggestions_service knows of one contact: the rules' and drafters' input."""

    user_id: str
    contact_id: str
    snapshot: Snapshot
    message_count: int = 0
    first_message_at: datetime | None = None
    last_message_at: datetime | None = None
    last_inbound_at: datetime | None = None
    last_outbound_at: datetime | None = None
    job_changed_at: datetime | None = None
    job_title: str = ""
    job_company: str = ""
    connection_imported: bool = False
    connected_on: datetime | None = None


class Status(StrEnum):
    PENDING = "pending"
    SNOOZED = "snoozed"
    SENT = "sent"
    DISMISSED = "dismissed"


class ClosedBy(StrEnum):
    NOBODY = ""
    USER = "user"
    ACTIVITY = "activity"  # a message newer than the suggestion made it stale


@dataclass(frozen=True)
class ContactCard:
    """What a suggestion shows of its contact."""

    id: str
    full_name: str = ""
    member_id: str = ""
    slug: str = ""
    avatar_url: str = ""
    conversation_url: str = ""  # LinkedIn's messaging address of the newest conversation ("" when unknown)

    @property
    def profile_url(self) -> str:
        """The public LinkedIn profile ("" when neither id is known)."""
        return profile_url(self.member_id, self.slug)


@dataclass
class SuggestionRecord:
    id: str
    user_id: str
    contact_id: str
    message: str
    status: Status
    reason_kind: str
    reason: str
    drafter: str
    created_at: datetime
    updated_at: datetime
    snooze_until: datetime | None = None
    closed_by: ClosedBy = ClosedBy.NOBODY
    drafts: int = 0
    contact: ContactCard | None = None

    def shown_status(self, now: datetime) -> Status:
        """A snoozed suggestion whose time came is pending again."""
        if self.status == Status.SNOOZED and self.snooze_until is not None and self.snooze_until <= now:
            return Status.PENDING
        return self.status


@dataclass(frozen=True)
class History:
    """A contact's past suggestions, as far as the rules care."""

    has_open: bool = False  # pending, or snoozed (until its time or already back)
    last_user_dismissal: datetime | None = None
    last_sent: datetime | None = None


@dataclass(frozen=True)
class RecentMessage:
    from_self: bool
    sent_at: datetime
    excerpt: str


@dataclass
class Candidate:
    """A contact the rules found due, with what drafting needs."""

    facts: ContactFacts
    kind: str
    reason: str
    recent: list[RecentMessage] = field(default_factory=list)


@dataclass(frozen=True)
class Filter:
    """Which suggestions a listing shows: a status (pending includes snoozed ones whose time came), one contact."""

    status: Status
    contact_id: str = ""
    member_id: str = ""
    slug: str = ""

"""What contacts_service's store reads and writes, as plain dataclasses.

The store turns rows into these and these into statements; the domain and
the servicer never see a table row or a session's result.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from contacts_service.domain.matching import ContactDraft
from pingcrm_common.linkedin_urls import profile_url


@dataclass(frozen=True)
class Contact:
    id: str
    full_name: str
    given_name: str  # LinkedIn's first-name field (activity.greeting_name)
    name_key: str  # what the "Name" order sorts by (name_order.py)
    headline: str
    title: str
    company: str
    location: str
    email: str
    avatar_url: str
    linkedin_member_id: str | None
    linkedin_slug: str | None
    linkedin_url: str
    last_message_text: str | None
    last_message_from_self: bool | None
    last_message_at: datetime | None
    last_interaction_at: datetime | None
    interaction_count: int
    sources: int = 0  # domain/sources.py
    connected_on: date | None = None
    notes: str = ""
    edited_fields: frozenset[str] = frozenset()  # domain/edits.py

    @property
    def profile_url(self) -> str:
        """The address the partner's push gave, else the public one LinkedIn serves for the ids."""
        return self.linkedin_url or profile_url(self.linkedin_member_id, self.linkedin_slug)


@dataclass(frozen=True)
class Interaction:
    id: str
    source_urn: str
    from_self: bool
    text: str
    occurred_at: datetime


@dataclass(frozen=True)
class JobChange:
    old_title: str
    old_company: str
    new_title: str
    new_company: str
    seen_at: datetime


@dataclass(frozen=True)
class SyncState:
    last_push_at: datetime | None
    contacts_count: int


@dataclass(frozen=True)
class NewMessage:
    """A message a push wants stored for one of the user's contacts."""

    contact_id: str
    urn: str
    from_self: bool
    text: str
    sent_at: datetime
    message_key: str | None = None  # the same message from another source collides on it (message_key.py)


@dataclass(frozen=True)
class StoredMessage:
    """A message the store really inserted (not one it already had)."""

    contact_id: str
    source_urn: str
    from_self: bool
    text: str
    occurred_at: datetime


@dataclass(frozen=True)
class ContactChange:
    """What a change brings to a contact: its ids and profile (existing contacts), and the messages it gained."""

    contact_id: str
    draft: ContactDraft | None  # the contact as matching left it; None: ids and profile unchanged
    added: int  # messages inserted for it
    newest: StoredMessage | None  # the newest of those


@dataclass(frozen=True)
class PhotoJob:
    """A queued photo download (domain/photos.py), as one claim holds it."""

    id: str
    user_id: str
    contact_id: str
    source_urls: list[str]
    attempts: int  # earlier tries that found media_service unreachable
    claimed_by: str

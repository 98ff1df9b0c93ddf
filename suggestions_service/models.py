"""suggestions_service tables: follow-up suggestions, and what it learnt from contacts_service's activity feed.

It never reads contacts_service's tables (docs/architecture.md §7): `contact_states` and
`contact_messages` are its own copy of what the feed told it, `feed_cursors` where it stopped
reading, `leases` which replica runs the feed consumer and the periodic generation.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, Text, text
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from pingcrm_common.migrations import MigrationTarget
from pingcrm_common.models import UTCDateTime, new_id

# The longest LinkedIn conversation address kept; the feed's are shorter (contacts_service bounds the thread id),
# and a longer one is not kept rather than cutting the batch that brings it short.
MAX_CONVERSATION_URL = 500


class SuggestionsTable(SQLModel, registry=registry()):
    """Base of suggestions_service tables; its metadata holds only them."""


class Suggestion(SuggestionsTable, table=True):
    __tablename__ = "suggestions"
    __table_args__ = (
        Index("ix_suggestions_user_contact_status", "user_id", "contact_id", "status"),
        Index("ix_suggestions_user_created", "user_id", "created_at"),
        # At most one open (pending or snoozed) suggestion per contact, even when two generation runs race.
        Index(
            "ux_suggestions_open_per_contact",
            "user_id",
            "contact_id",
            unique=True,
            sqlite_where=text("status IN ('pending', 'snoozed')"),
            postgresql_where=text("status IN ('pending', 'snoozed')"),
        ),
    )

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    user_id: str = Field(max_length=36)
    contact_id: str = Field(max_length=36)
    message: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(max_length=20)
    reason: str = Field(default="", max_length=300)
    drafter: str = Field(default="embedded", max_length=100)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    reason_kind: str = Field(default="", max_length=30)
    snooze_until: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    # "user" when the user closed it (dismissed, sent), "activity" when a newer message made it stale:
    # only the user's dismissals start the cooldown (domain/rules.py).
    closed_by: str = Field(default="", max_length=20)
    # How many times it was redrafted: the embedded drafter's phrasing rotates with it.
    drafts: int = Field(default=0)


class ContactState(SuggestionsTable, table=True):
    """One contact as the feed described it: its latest snapshot and what the rules need."""

    __tablename__ = "contact_states"
    __table_args__ = (
        Index("ix_contact_states_member", "user_id", "member_id"),
        Index("ix_contact_states_slug", "user_id", "slug"),
    )

    user_id: str = Field(primary_key=True, max_length=36)
    contact_id: str = Field(primary_key=True, max_length=36)
    full_name: str = Field(default="", max_length=300)
    first_name: str = Field(default="", max_length=200)
    headline: str = Field(default="", max_length=500)
    title: str = Field(default="", max_length=300)
    company: str = Field(default="", max_length=300)
    avatar_url: str = Field(default="", max_length=500)
    member_id: str = Field(default="", max_length=200)
    slug: str = Field(default="", max_length=200)
    # Derived from contact_messages after every batch (so a repeated event changes nothing).
    message_count: int = Field(default=0)
    first_message_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    last_message_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    last_inbound_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    last_outbound_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    # The newest job change the feed reported.
    job_changed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    job_title: str = Field(default="", max_length=300)
    job_company: str = Field(default="", max_length=300)
    # A connection read from Connections.csv.
    connection_imported: bool = Field(default=False)
    connected_on: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    added_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    # Where LinkedIn's messaging opens the conversation of the newest message that named one, and that message's
    # time (a history walk's older messages do not move it).
    conversation_url: str = Field(default="", max_length=MAX_CONVERSATION_URL)
    conversation_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class ContactMessage(SuggestionsTable, table=True):
    """A message the feed reported, by URN (so a message delivered twice is stored once)."""

    __tablename__ = "contact_messages"
    __table_args__ = (Index("ix_contact_messages_contact", "user_id", "contact_id", "sent_at"),)

    user_id: str = Field(primary_key=True, max_length=36)
    urn: str = Field(primary_key=True, max_length=300)
    contact_id: str = Field(max_length=36)
    from_self: bool
    sent_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    excerpt: str = Field(sa_column=Column(Text, nullable=False))


class FeedCursor(SuggestionsTable, table=True):
    """Where the consumer of one feed stopped; moved in the transaction that applies the events."""

    __tablename__ = "feed_cursors"

    name: str = Field(primary_key=True, max_length=50)
    position: str = Field(default="", max_length=100)
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class Lease(SuggestionsTable, table=True):
    """Which replica runs a background loop (the feed consumer, the periodic generation) until when."""

    __tablename__ = "leases"

    name: str = Field(primary_key=True, max_length=50)
    owner: str = Field(default="", max_length=100)
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    # When the loop last finished a run (the periodic generation runs when this is old enough).
    last_run_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


MIGRATIONS = MigrationTarget(service="suggestions", package="suggestions_service", metadata=SuggestionsTable.metadata)

"""contacts_service tables: contacts, interactions, conversations' history marks, sync state, the activity
feed and its readers, import jobs."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Sequence,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from pingcrm_common.migrations import MigrationTarget
from pingcrm_common.models import UTCDateTime, new_id

# What the listing searches on PostgreSQL, as one text: the fields and the email joined by newlines (a search text
# holds none), then the name as its key folds it, accents and all (domain/name_order.py; without the key's group
# digit, which a search for "1" would find in every name): "jose" finds José. SQL text, because PostgreSQL uses
# the trigram index ix_contacts_search only for this very expression; migration a9d3f7c2e6b4 spells it the same
# (store/contacts.py).
SEARCHED_TEXT = (
    "lower(full_name) || chr(10) || lower(company) || chr(10) || lower(title) || chr(10) || lower(headline)"
    " || chr(10) || lower(email) || chr(10) || substr(name_key, 2)"
)


# The contacts profile backfill still asks about (store/profiles.py `candidates`; due or not), as SQL text: the
# two partial indexes below hold only these, and a query uses a partial index only when its WHERE states the
# index's condition the same way (SQLite compares the expressions as written), so the query uses this text too.
# A push looks for candidates every time; without them it read all of a user's complete contacts to find none
# (100,000 contacts: 42–72 ms per push, docs/decisions.md).
BACKFILL_PENDING = (
    "profile_gone IS false AND (linkedin_member_id IS NOT NULL OR linkedin_slug IS NOT NULL)"
    " AND (title = '' OR company = '' OR avatar_url = '')"
)


class ContactsTable(SQLModel, registry=registry()):
    """Base of contacts_service tables; its metadata holds only them."""


class Contact(ContactsTable, table=True):
    __tablename__ = "contacts"
    __table_args__ = (
        # A LinkedIn person is one contact per user, whichever id found it first.
        UniqueConstraint("user_id", "linkedin_member_id", name="uq_contacts_user_member"),
        UniqueConstraint("user_id", "linkedin_slug", name="uq_contacts_user_slug"),
        Index("ix_contacts_user_activity", "user_id", "last_interaction_at", "id"),
        Index("ix_contacts_user_name_key", "user_id", "name_key", "id"),  # the listing's A-to-Z order
        # On PostgreSQL only, migration c3d8e5f1a2b7 also builds ix_contacts_search, a trigram GiST index on
        # SEARCHED_TEXT. It is not declared here: SQLite has no such index, and alembic cannot compare an
        # expression index's text (tests/pingcrm_common/test_migrations.py checks it by name and by plan).
        Index("ix_contacts_user_email", "user_id", "email"),  # imports match by email after slug
        # Backfill candidates: in activity order when many are due, by due time when few are.
        Index(
            "ix_contacts_backfill_activity",
            "user_id",
            "last_interaction_at",
            "id",
            postgresql_where=text(BACKFILL_PENDING),
            sqlite_where=text(BACKFILL_PENDING),
        ),
        Index(
            "ix_contacts_backfill_due",
            "user_id",
            "backfill_due_at",
            postgresql_where=text(BACKFILL_PENDING),
            sqlite_where=text(BACKFILL_PENDING),
        ),
    )

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    user_id: str = Field(max_length=36)
    full_name: str = Field(default="", max_length=300)
    # LinkedIn's first-name field as the full name came with it: a draft greets by it (activity.greeting_name).
    given_name: str = Field(default="", sa_column=Column(String(100), nullable=False, server_default=text("''")))
    # What the list's "Name" order sorts by, written with every full name (domain/name_order.py).
    name_key: str = Field(default="", sa_column=Column(String(300), nullable=False, server_default=text("''")))
    headline: str = Field(default="", max_length=500)
    title: str = Field(default="", max_length=300)
    company: str = Field(default="", max_length=300)
    location: str = Field(default="", max_length=300)
    email: str = Field(default="", max_length=320)
    avatar_url: str = Field(default="", max_length=300)
    linkedin_member_id: str | None = Field(default=None, max_length=100)
    linkedin_slug: str | None = Field(default=None, max_length=200)
    linkedin_url: str = Field(default="", max_length=500)
    last_message_text: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    last_message_from_self: bool | None = None
    last_message_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    last_interaction_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    interaction_count: int = 0
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    # Where the contact was seen: a bit set of domain.sources.Source (sync, Connections.csv, messages.csv).
    sources: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default=text("0")))
    # When the user connected with this person on LinkedIn (Connections.csv's "Connected On").
    connected_on: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    # The profile values the last Connections import wrote (JSON): a later import replaces a field only while
    # it still holds that value, so whatever sync or the user put there since is kept (domain/imports/connections.py).
    imported_profile: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # The user's own note, and the fields the user edited by hand (comma-separated names: full_name, title,
    # company, notes): sync and imports leave those alone (domain/edits.py).
    notes: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=text("''")))
    edited_fields: str = Field(default="", sa_column=Column(String(100), nullable=False, server_default=text("''")))
    # Profile backfill (domain/backfill.py): how often the contact was handed out, when it may be again, whether
    # LinkedIn no longer has the profile, and the photo address the CDN refused to the server (the browser
    # sends those bytes instead).
    backfill_attempts: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default=text("0")))
    backfill_due_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    profile_gone: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default=text("false")))
    photo_refused_url: str = Field(
        default="", sa_column=Column(String(2048), nullable=False, server_default=text("''"))
    )


class JobChange(ContactsTable, table=True):
    """A change of current position a profile push showed (old → new), for the contact page."""

    __tablename__ = "job_changes"
    __table_args__ = (Index("ix_job_changes_contact_seen", "user_id", "contact_id", "seen_at"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    user_id: str = Field(max_length=36)
    contact_id: str = Field(max_length=36)
    old_title: str = Field(default="", max_length=300)
    old_company: str = Field(default="", max_length=300)
    new_title: str = Field(default="", max_length=300)
    new_company: str = Field(default="", max_length=300)
    seen_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class PhotoJob(ContactsTable, table=True):
    """A contact's photo to download through media_service: the durable queue of domain/photos.py. Written in
    the profile push's transaction; workers in any replica claim rows with a lease."""

    __tablename__ = "photo_jobs"
    __table_args__ = (
        UniqueConstraint("user_id", "contact_id", name="uq_photo_jobs_user_contact"),
        Index("ix_photo_jobs_due", "due_at"),
    )

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    user_id: str = Field(max_length=36)
    contact_id: str = Field(max_length=36)
    source_urls: str = Field(sa_column=Column(Text, nullable=False))  # JSON list, largest first
    attempts: int = 0  # tries that found media_service unreachable
    due_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))  # not before; also the lease's end
    claimed_by: str = Field(default="", max_length=36)  # the claim holding the lease ("" when none)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class Interaction(ContactsTable, table=True):
    """One LinkedIn message, keyed by its user and Voyager URN: a message pushed again is not stored twice."""

    __tablename__ = "interactions"
    __table_args__ = (
        # The same message from messages.csv and from Voyager (domain/message_key.py): stored once, either order.
        UniqueConstraint("user_id", "message_key", name="uq_interactions_user_message_key"),
        Index("ix_interactions_contact_time", "contact_id", "occurred_at"),
    )

    # The message's id in the API. Not a key: no statement looks a message up by it, and an index of the ids
    # cost every push one more index entry per message (migration 0b5d7e9c2a64).
    id: str = Field(default_factory=new_id, max_length=36)
    user_id: str = Field(max_length=36, primary_key=True)
    contact_id: str = Field(foreign_key="contacts.id", max_length=36)
    source_urn: str = Field(max_length=300, primary_key=True)
    from_self: bool
    text: str = Field(sa_column=Column(Text, nullable=False))
    occurred_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    # Thread, direction, second and text, hashed; None when the thread is unknown (domain/message_key.py).
    message_key: str | None = Field(default=None, max_length=32)


class Conversation(ContactsTable, table=True):
    """A LinkedIn conversation's history mark: how far back its stored messages reach
    (domain/history.py, docs/linkedin-sync.md §2)."""

    __tablename__ = "conversations"
    __table_args__ = (
        # The history list: a user's incomplete conversations, newest message first.
        Index("ix_conversations_user_pending", "user_id", "complete", "newest_message_at", "urn"),
    )

    user_id: str = Field(max_length=36, primary_key=True)
    urn: str = Field(max_length=300, primary_key=True)
    contact_id: str = Field(foreign_key="contacts.id", max_length=36, index=True)
    oldest_message_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    newest_message_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    first_message_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    gap_before: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    gap_after: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    # Derived from the others by the domain (HistoryMark.complete), kept for the list's index.
    complete: bool = False
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class SyncState(ContactsTable, table=True):
    """When each user's extension last pushed. The row is also the user's write lock (docs/decisions.md);
    an import takes it without having pushed, so the time may be empty."""

    __tablename__ = "sync_state"

    user_id: str = Field(primary_key=True, max_length=36)
    last_push_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class ImportJob(ContactsTable, table=True):
    """One uploaded LinkedIn export and its progress (domain/imports/jobs.py has the states)."""

    __tablename__ = "import_jobs"
    __table_args__ = (
        Index("ix_import_jobs_user_created", "user_id", "created_at"),
        Index("ix_import_jobs_state_lease", "state", "lease_until"),
    )

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    user_id: str = Field(max_length=36)
    kind: str = Field(max_length=20)
    filename: str = Field(default="", max_length=255)
    state: str = Field(max_length=20)
    reason: str = Field(default="", max_length=500)
    size_bytes: int = 0
    total: int = 0
    processed: int = 0
    created: int = 0
    updated: int = 0
    skipped: int = 0
    contacts_created: int = 0
    error_count: int = 0
    # Where the work stands: the byte offset and line just past the last committed row, and for messages.csv
    # the slug of the export's owner once known. A resumed job reads on from there.
    resume_offset: int = 0
    resume_line: int = 0
    owner_slug: str = Field(default="", max_length=200)
    attempts: int = 0  # claims so far; the attempt holding the lease writes only with its own number
    # Claims in a row that found the job where the last one had found it (resume_offset unchanged): a row that
    # crashes the worker every time. Claims after progress (a deploy, a crash elsewhere) do not count.
    stalls: int = 0
    claimed_offset: int = -1
    lease_until: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    started_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    finished_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class ImportChunk(ContactsTable, table=True):
    """The uploaded file, in pieces of about a MiB, kept until its job ends (so a restart can resume)."""

    __tablename__ = "import_chunks"

    job_id: str = Field(
        sa_column=Column(String(36), ForeignKey("import_jobs.id", ondelete="CASCADE"), primary_key=True)
    )
    seq: int = Field(primary_key=True)
    start_offset: int
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class ImportRowError(ContactsTable, table=True):
    """The first rows of a job that were not imported as they stood, with their line and reason."""

    __tablename__ = "import_errors"

    job_id: str = Field(
        sa_column=Column(String(36), ForeignKey("import_jobs.id", ondelete="CASCADE"), primary_key=True)
    )
    seq: int = Field(primary_key=True)
    line: int
    reason: str = Field(max_length=500)


class Activity(ContactsTable, table=True):
    """The activity feed: one row per change to a contact, written in the change's own transaction.

    The feed is read in (tx, seq) order, which is the primary key: `tx` is the
    writing transaction's id on PostgreSQL (0 on SQLite, whose single writer
    commits in `seq` order), `seq` comes from the `activity_seq` sequence on
    PostgreSQL and max + 1 on SQLite. docs/activity-feed.md says why the pair.
    """

    __tablename__ = "activity"

    tx: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    seq: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    user_id: str = Field(max_length=36)
    contact_id: str = Field(max_length=36)
    kind: str = Field(max_length=40)
    occurred_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    recorded_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    contact: str = Field(sa_column=Column(Text, nullable=False))  # ContactSnapshot as JSON
    detail: str = Field(sa_column=Column(Text, nullable=False))  # the kind's own fields as JSON


class ActivityReader(ContactsTable, table=True):
    """How far each reader of the activity feed (a service, by its service token) has applied it.

    A reader asks for the events after the position it has applied for good (suggestions_service moves its
    cursor in the transaction that applies a batch), so each ReadActivity tells where that is. Retention
    (domain/activity_retention.py) deletes only events that every reader has passed.
    """

    __tablename__ = "activity_readers"

    name: str = Field(primary_key=True, max_length=40)
    tx: int = Field(sa_column=Column(BigInteger, nullable=False))
    seq: int = Field(sa_column=Column(BigInteger, nullable=False))
    read_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))  # when it last moved


# The same tables in SQLAlchemy Core, for the store's column-level statements (upserts, executemany).
CONTACTS = ContactsTable.metadata.tables["contacts"]
INTERACTIONS = ContactsTable.metadata.tables["interactions"]
CONVERSATIONS = ContactsTable.metadata.tables["conversations"]
SYNC_STATE = ContactsTable.metadata.tables["sync_state"]
ACTIVITY = ContactsTable.metadata.tables["activity"]
ACTIVITY_READERS = ContactsTable.metadata.tables["activity_readers"]
# Where PostgreSQL takes activity.seq from (created by the migration; SQLite has no sequences).
ACTIVITY_SEQ = Sequence("activity_seq", metadata=ContactsTable.metadata)
JOB_CHANGES = ContactsTable.metadata.tables["job_changes"]
PHOTO_JOBS = ContactsTable.metadata.tables["photo_jobs"]
IMPORT_JOBS = ContactsTable.metadata.tables["import_jobs"]
IMPORT_CHUNKS = ContactsTable.metadata.tables["import_chunks"]
IMPORT_ERRORS = ContactsTable.metadata.tables["import_errors"]

MIGRATIONS = MigrationTarget(service="contacts", package="contacts_service", metadata=ContactsTable.metadata)

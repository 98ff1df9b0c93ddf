"""What the import's store reads and writes, as plain dataclasses (like domain/records.py, for imports)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from contacts_service.domain.imports.csv_format import ExportKind

MAX_STORED_ERRORS = 100  # a job keeps the first errors with their lines; error_count counts them all


class JobState(StrEnum):
    RECEIVING = "receiving"  # the upload is streaming in; nobody has the job's id yet
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


UNFINISHED = (JobState.RECEIVING, JobState.QUEUED, JobState.RUNNING)


@dataclass(frozen=True)
class RowError:
    line: int
    reason: str


@dataclass
class Counts:
    """What a batch of rows did; every processed row is created, updated or skipped (errors name rows too)."""

    processed: int = 0
    created: int = 0
    updated: int = 0
    skipped: int = 0
    contacts_created: int = 0
    errors: list[RowError] = field(default_factory=list)

    def add(self, other: Counts) -> None:
        self.processed += other.processed
        self.created += other.created
        self.updated += other.updated
        self.skipped += other.skipped
        self.contacts_created += other.contacts_created
        self.errors.extend(other.errors)


@dataclass(frozen=True)
class Job:
    id: str
    user_id: str
    kind: ExportKind
    filename: str
    state: JobState
    reason: str
    size_bytes: int
    total: int
    processed: int
    created: int
    updated: int
    skipped: int
    contacts_created: int
    error_count: int
    resume_offset: int
    resume_line: int
    owner_slug: str
    attempts: int
    stalls: int  # claims in a row that found it where the previous one had (store/imports.py claim)
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    errors: list[RowError] = field(default_factory=list)  # filled when a caller asks for one job


@dataclass(frozen=True)
class Checkpoint:
    """A batch's progress, written in the same transaction as its rows."""

    counts: Counts
    resume_offset: int
    resume_line: int


@dataclass(frozen=True)
class KnownConnection:
    """A stored contact, as a Connections import needs it."""

    id: str
    member_id: str | None
    slug: str | None
    email: str
    full_name: str
    given_name: str
    title: str
    company: str
    linkedin_url: str
    headline: str  # shown with the contact in activity events; an import never changes it
    avatar_url: str
    connected_on: date | None
    sources: int
    imported: dict[str, str]  # the values the last Connections import wrote
    edited: frozenset[str] = frozenset()  # fields the user edited by hand: an import never sets them

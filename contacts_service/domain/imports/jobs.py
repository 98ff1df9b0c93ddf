"""Import jobs: an upload becomes a durable job, and a worker runs it to the end, across restarts.

The upload (`ImportsDomain.upload`) streams in through a client-streaming
RPC. Its first bytes must hold a Connections.csv or messages.csv header
(else nothing is stored: `not_a_linkedin_export`); then every piece is
written to the job's rows in the database as it arrives, so no process holds
the file. When the stream ends the job is QUEUED and its id answered.

States: RECEIVING (streaming in; not visible) → QUEUED → RUNNING → DONE or
FAILED. An upload that breaks off is deleted (by its own RPC, or after its
lease runs out when its process died).

The worker (`ImportWorker`, one per contacts_service process; any number of
replicas) claims the oldest QUEUED job, or a RUNNING one whose lease ran
out, with row locks (FOR UPDATE SKIP LOCKED on PostgreSQL). It reads the
stored file from the job's resume point and stores rows in batches; each
batch's rows, counts, first errors and new resume point commit in ONE
transaction, which also renews the lease. So when contacts_service stops
mid-import — a deploy, a crash, a kill -9 — the job is not lost and not
stuck: once its lease runs out (PINGCRM_IMPORT_LEASE_SECONDS) a worker
resumes it at the first row not committed, and the counts stay exact. A job
claimed MAX_STALLS times in a row without getting further (a row that
crashes the worker each time) ends FAILED with the line it stopped at;
interruptions between which it progressed (deploys) never add up to that.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from contacts_service.domain.imports import connections, messages
from contacts_service.domain.imports.csv_format import (
    HEADER_SEARCH_BYTES,
    NOT_AN_EXPORT,
    UTF16_BOMS,
    UTF16_TEXT,
    ClassicMacText,
    ExportKind,
    Header,
    Record,
    RecordReader,
    count_records,
    find_header_in,
    is_classic_mac_text,
)
from contacts_service.domain.imports.records import Checkpoint, Counts, Job, JobState, RowError
from contacts_service.domain.linkedin_identity import MEMBER_ID
from contacts_service.domain.push import ConcurrentChange
from contacts_service.store import contacts, imports
from pingcrm_common.background import BackgroundTask
from pingcrm_common.cleanup import run_to_completion
from pingcrm_common.clock import Clock
from pingcrm_common.db import Database, Session, is_transient
from pingcrm_common.errors import InvalidArgument, NotFound, RateLimited
from pingcrm_common.models import new_id

log = logging.getLogger("pingcrm.contacts.imports")

MAX_FILE_BYTES = 200 * 1024 * 1024  # 200 MiB; the edge refuses larger uploads first (413)
STORED_PIECE_BYTES = 1024 * 1024  # the upload is stored in pieces of about this size
MAX_UNFINISHED_JOBS = 3  # per user: each holds its file until it ends
MAX_STALLS = 3  # claims in a row without progress before a job is given up
MAX_FILENAME = 255
BATCH_ROWS = 1_000  # rows per transaction: a push of the same user waits at most one batch
STATISTICS_AFTER_BATCHES = 2  # then the planner learns of the import's rows (store/imports.py refresh_statistics)
RECENT_JOBS = 10
ZIP_MAGIC = b"PK\x03\x04"
ZIP_ARCHIVE = "this is a .zip archive: unzip LinkedIn's export and upload Connections.csv or messages.csv from it"


async def _as_linkedin_writes(pieces: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    """The upload's bytes as they come; classic Mac text (CR line ends, Mac Roman) as LF lines of UTF-8, so that
    what is stored reads like any other export (csv_format.ClassicMacText)."""
    iterator = aiter(pieces)
    head = b""
    classic: bool | None = None
    async for piece in iterator:
        head += piece
        classic = is_classic_mac_text(head, ended=False)
        if classic is not None or len(head) >= HEADER_SEARCH_BYTES:
            break
    else:
        classic = is_classic_mac_text(head, ended=True)
    if not classic:
        yield head
        async for piece in iterator:
            yield piece
        return
    text = ClassicMacText()
    yield text.feed(head)
    async for piece in iterator:
        yield text.feed(piece)
    yield text.finish()


def _not_found() -> NotFound:
    return NotFound("no such import", code="import_not_found")


@dataclass
class _Upload:
    """The state of one streaming upload."""

    job_id: str
    size: int = 0
    seq: int = 0
    stored: int = 0  # bytes written to pieces
    pending: bytearray = field(default_factory=bytearray)
    records: int = 0  # line breaks outside quotes: the rows' estimate
    in_quotes: bool = False
    last_byte: int = 10
    stored_at: datetime | None = None  # when a piece was last written (which renews the upload's lease)


class ImportsDomain:
    """What the servicer calls for imports: upload, one job, recent jobs."""

    def __init__(self, database: Database, clock: Clock, *, lease_seconds: float, wake: Callable[[], None]) -> None:
        self._database = database
        self._clock = clock
        self._lease = timedelta(seconds=lease_seconds)
        self._wake = wake

    async def upload(self, user_id: str, filename: str, pieces: AsyncIterator[bytes]) -> Job:
        """Store an uploaded export as a queued job; refuse a file that is not one, storing nothing."""
        try:
            return await self._upload(user_id, filename.replace("\x00", "").strip()[:MAX_FILENAME], pieces)
        except Exception:
            # Refused or failed: read the rest of the stream first. A gRPC client still writing when the call
            # ends learns only that its write failed (INTERNAL), not why; this way the caller hears the reason.
            async for _ in pieces:
                pass
            raise

    async def _upload(self, user_id: str, filename: str, pieces: AsyncIterator[bytes]) -> Job:
        async def count(session: Session) -> int:
            return await imports.unfinished_count(session, user_id)

        if await self._database.transaction(count) >= MAX_UNFINISHED_JOBS:
            raise RateLimited(
                f"at most {MAX_UNFINISHED_JOBS} imports may wait or run at once; try again when one has ended",
                code="too_many_imports",
                retry_after_seconds=30,
            )
        header, head, rest = await self._read_header(_as_linkedin_writes(pieces))
        upload = _Upload(new_id())
        now = self._clock.now()

        async def create(session: Session) -> None:
            await imports.create(session, upload.job_id, user_id, header.kind, filename, now, now + self._lease)

        await self._database.transaction(create)
        upload.stored_at = now
        try:
            await self._take(upload, head)
            async for piece in rest:
                await self._take(upload, piece)
            await self._store_pending(upload)
            total = upload.records + (1 if upload.last_byte != 10 else 0) - header.records_before

            async def queue(session: Session) -> Job | None:
                await imports.queue(session, upload.job_id, upload.size, max(total, 0))
                return await imports.get(session, user_id, upload.job_id)

            job = await self._database.transaction(queue)
        except BaseException:
            # Cut off (the caller went away, the file grew too large, the database failed): nothing stays.
            await run_to_completion(self._discard(upload.job_id))
            raise
        if job is None:  # it was created above, in this very call
            raise _not_found()
        self._wake()
        log.info("import queued", extra={"job_id": job.id, "kind": job.kind.value, "bytes": job.size_bytes})
        return job

    async def _read_header(self, pieces: AsyncIterator[bytes]) -> tuple[Header, bytes, AsyncIterator[bytes]]:
        """Read until the export's header shows; the bytes read so far, and the rest of the stream."""
        head = bytearray()
        iterator = aiter(pieces)
        ended = False
        while True:
            if head.startswith(ZIP_MAGIC):  # an uncompressed archive would even show the CSV header inside
                raise InvalidArgument(ZIP_ARCHIVE, code="not_a_linkedin_export")
            if head.startswith(UTF16_BOMS):
                raise InvalidArgument(UTF16_TEXT, code="not_a_linkedin_export")
            header = find_header_in(bytes(head), ended=ended) if len(head) >= len(ZIP_MAGIC) or ended else None
            if header is not None:
                return header, bytes(head), iterator
            if ended or len(head) >= HEADER_SEARCH_BYTES:
                if not head.strip():
                    raise InvalidArgument("the file is empty", code="empty_file")
                raise InvalidArgument(NOT_AN_EXPORT, code="not_a_linkedin_export")
            try:
                head += await anext(iterator)
            except StopAsyncIteration:
                ended = True

    async def _take(self, upload: _Upload, piece: bytes) -> None:
        if not piece:
            return
        upload.size += len(piece)
        if upload.size > MAX_FILE_BYTES:
            raise InvalidArgument(
                f"the file is larger than the limit of {MAX_FILE_BYTES:,} bytes", code="file_too_large"
            )
        found, upload.in_quotes = count_records(piece, upload.in_quotes)
        upload.records += found
        upload.last_byte = piece[-1]
        upload.pending += piece
        # A piece is written when it reaches its size, or sooner on a slow line: each write renews the
        # upload's lease, which must not run out while the file still arrives.
        due = upload.stored_at is not None and self._clock.now() - upload.stored_at >= self._lease / 3
        if len(upload.pending) >= STORED_PIECE_BYTES or due:
            await self._store_pending(upload)

    async def _store_pending(self, upload: _Upload) -> None:
        if not upload.pending:
            return
        data, seq, start = bytes(upload.pending), upload.seq, upload.stored
        now = self._clock.now()
        lease = now + self._lease

        async def store(session: Session) -> None:
            await imports.add_chunk(session, upload.job_id, seq, start, data, lease)

        await self._database.transaction(store)
        upload.pending.clear()
        upload.seq += 1
        upload.stored += len(data)
        upload.stored_at = now

    async def _discard(self, job_id: str) -> None:
        async def discard(session: Session) -> None:
            await imports.discard(session, job_id)

        try:
            await self._database.transaction(discard)
        except Exception:  # the worker deletes it once its lease runs out
            log.warning("could not discard a broken-off upload", extra={"job_id": job_id}, exc_info=True)

    async def get(self, user_id: str, job_id: str) -> Job:
        if not 0 < len(job_id) <= 64 or "\x00" in job_id:
            raise _not_found()

        async def read(session: Session) -> Job | None:
            return await imports.get(session, user_id, job_id)

        job = await self._database.transaction(read)
        if job is None:
            raise _not_found()
        return job

    async def recent(self, user_id: str) -> list[Job]:
        async def read(session: Session) -> list[Job]:
            return await imports.recent(session, user_id, RECENT_JOBS)

        return await self._database.transaction(read)


class LeaseLost(Exception):
    """Another worker took the job over (this one stalled past its lease): stop without writing."""


class OwnerUnknown(Exception):
    """messages.csv does not show whose export it is."""


class ImportWorker:
    """Runs import jobs in this process, one at a time, until stopped."""

    def __init__(
        self,
        database: Database,
        clock: Clock,
        *,
        lease_seconds: float,
        poll_seconds: float,
        batch_rows: int = BATCH_ROWS,
    ) -> None:
        self._database = database
        self._clock = clock
        self._lease = timedelta(seconds=lease_seconds)
        self._poll_seconds = poll_seconds
        self._batch_rows = batch_rows
        self._wakeup = asyncio.Event()
        self._task = BackgroundTask("import-worker")

    def wake(self) -> None:
        """A job was queued: look now instead of at the next poll."""
        self._wakeup.set()

    def start(self) -> None:
        self._task.start(self._loop())

    async def stop(self) -> None:
        """Stop at once; a job in progress keeps its committed batches and resumes after its lease."""
        await self._task.stop()

    async def _loop(self) -> None:
        while True:
            try:
                ran = await self.run_next()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("import worker failed; trying again")
                ran = False
            if not ran:
                self._wakeup.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wakeup.wait(), self._poll_seconds)

    async def run_next(self) -> bool:
        """Claim and run one job; False when there was none."""
        now = self._clock.now()

        async def claim(session: Session) -> Job | None:
            for job_id in await imports.abandoned_uploads(session, now):
                await imports.discard(session, job_id)
            return await imports.claim(session, now, now + self._lease)

        job = await self._database.transaction(claim)
        if job is None:
            return False
        if job.stalls >= MAX_STALLS:
            await self._end(
                job, None, JobState.FAILED,
                f"the import stopped {MAX_STALLS} times near line {job.resume_line or 1}; "
                "nothing was lost — import the file again to finish it",
            )  # fmt: skip
            return True
        log.info("import started", extra={"job_id": job.id, "attempt": job.attempts, "line": job.resume_line})
        try:
            await _JobRun(
                self._database, self._clock, job, lease=self._lease, batch_rows=self._batch_rows, end=self._end
            ).run()
        except LeaseLost:
            log.warning("import taken over by another worker", extra={"job_id": job.id})
        except OwnerUnknown as error:
            await self._end(job, job.attempts, JobState.FAILED, str(error))
        except Exception:
            # A bug or a database failure: the lease runs out and the job is tried again (given up after
            # MAX_STALLS claims in a row that make no progress).
            log.exception("import stopped", extra={"job_id": job.id})
        return True

    async def _end(self, job: Job, attempt: int | None, state: JobState, reason: str) -> None:
        now = self._clock.now()

        async def end(session: Session) -> bool:
            return await imports.finish(session, job.id, attempt, state, reason, now)

        if await self._database.transaction(end):
            log.info("import ended", extra={"job_id": job.id, "state": state.value, "reason": reason})


class _JobRun:
    """One attempt at one job."""

    def __init__(
        self,
        database: Database,
        clock: Clock,
        job: Job,
        *,
        lease: timedelta,
        batch_rows: int,
        end: Callable[[Job, int | None, JobState, str], Awaitable[None]],
    ) -> None:
        self._database = database
        self._clock = clock
        self._job = job
        self._attempt = job.attempts
        self._errors = job.error_count
        self._lease = lease
        self._batch_rows = batch_rows
        self._end = end

    async def run(self) -> None:
        header = await self._header()
        if header is None:
            await self._end(self._job, self._attempt, JobState.FAILED, NOT_AN_EXPORT)
            return
        start_offset = self._job.resume_offset or header.end_offset
        start_line = self._job.resume_line or header.end_line
        owner = ""
        if header.kind == ExportKind.MESSAGES:
            owner = self._job.owner_slug or await self._find_owner(header, start_offset, start_line)
        batch: list[Record] = []
        batches = 0
        async for record in self._records(header, start_offset, start_line):
            batch.append(record)
            if len(batch) >= self._batch_rows:
                await self._commit(header, batch, owner)
                batch = []
                batches += 1
                if batches == STATISTICS_AFTER_BATCHES:
                    await self._refresh_statistics()
        await self._commit(header, batch, owner)
        await self._end(self._job, self._attempt, JobState.DONE, "")

    async def _refresh_statistics(self) -> None:
        """Only an optimization (store/imports.py): a failure (a statement timeout on a busy server) is logged."""
        try:
            await self._database.transaction(imports.refresh_statistics)
        except Exception:
            log.warning("could not refresh the planner's statistics", extra={"job_id": self._job.id}, exc_info=True)

    async def _bytes(self, offset: int) -> AsyncIterator[bytes]:
        """The stored file from byte `offset` on, one stored piece at a time."""
        job_id = self._job.id

        async def first(session: Session) -> int:
            return await imports.chunk_index(session, job_id, offset)

        seq = await self._database.transaction(first)
        while True:

            async def piece(session: Session, seq: int = seq) -> tuple[int, bytes] | None:
                return await imports.chunk(session, job_id, seq)

            found = await self._database.transaction(piece)
            if found is None:
                return
            start, data = found
            yield data[max(0, offset - start) :]
            seq += 1

    async def _records(self, header: Header, offset: int, line: int) -> AsyncIterator[Record]:
        """The file's records from a resume point, read with the header's delimiter."""
        reader = RecordReader(offset=offset, line=line, delimiter=header.delimiter)
        async for data in self._bytes(offset):
            for record in reader.feed(data):
                yield record
        for record in reader.finish():
            yield record

    async def _header(self) -> Header | None:
        """The header as the upload found it: in the file's first HEADER_SEARCH_BYTES."""
        head = bytearray()
        async for data in self._bytes(0):
            head += data
            if len(head) > HEADER_SEARCH_BYTES:
                return find_header_in(bytes(head), ended=False)
        return find_header_in(bytes(head), ended=True)

    async def _find_owner(self, header: Header, offset: int, line: int) -> str:
        search = messages.OwnerSearch()
        now = self._clock.now()
        async for record in self._records(header, offset, line):
            row = messages.read(header, record, now)
            if isinstance(row, messages.MessageRow):
                search.see(row)
                if search.found or search.hopeless or search.rows >= messages.OWNER_SEARCH_ROWS:
                    break
        owner = search.found
        if owner is None and len(search.candidates) == 2:
            user_id, candidates = self._job.user_id, search.candidates

            async def known(session: Session) -> list[str]:
                member_ids = {key for key in candidates if MEMBER_ID.fullmatch(key)}
                stored = await contacts.matching(session, user_id, member_ids, candidates - member_ids)
                return [key for contact in stored for key in (contact.member_id, contact.slug) if key]

            owner = messages.owner_from_contacts(candidates, await self._database.transaction(known))
        if owner is None:
            raise OwnerUnknown(
                "cannot tell whose export this is: no single profile takes part in every conversation"
                if search.hopeless or not search.candidates
                else "cannot tell which of the two people in every conversation is you; "
                "export your messages again with more than one conversation"
            )
        attempt, job_id = self._attempt, self._job.id

        async def keep(session: Session) -> bool:
            return await imports.set_owner(session, job_id, attempt, owner)

        if not await self._database.transaction(keep):
            raise LeaseLost(job_id)
        return owner

    async def _commit(self, header: Header, records: list[Record], owner: str) -> None:
        """Store a batch and its checkpoint in one transaction."""
        if not records:
            return
        now = self._clock.now()
        user_id, job, attempt, errors_before = self._job.user_id, self._job, self._attempt, self._errors
        store_rows: Callable[[Session], Awaitable[Counts]]
        if header.kind == ExportKind.CONNECTIONS:
            counts, connection_rows = _connection_rows(header, records)

            async def store_rows(session: Session) -> Counts:
                return await connections.store_batch(session, user_id, connection_rows, now)

        else:
            counts, message_rows = _message_rows(header, records, now)

            async def store_rows(session: Session) -> Counts:
                return await messages.store_batch(session, user_id, message_rows, owner, now)

        last = records[-1]
        lease = now + self._lease

        async def store(session: Session) -> Counts:
            batch = Counts()
            batch.add(counts)
            batch.add(await store_rows(session))
            checkpoint = Checkpoint(batch, last.end_offset, last.end_line)
            if not await imports.advance(session, job, attempt, checkpoint, errors_before, lease):
                raise LeaseLost(job.id)
            return batch

        done = await self._database.transaction(store, retry_if=_retry_batch)
        self._errors += len(done.errors)


def _connection_rows(header: Header, records: list[Record]) -> tuple[Counts, list[connections.ConnectionRow]]:
    """The batch's rows to store, and the counts and errors of those that are not."""
    counts, rows = Counts(), []
    for record in records:
        row = connections.read(header, record)
        if isinstance(row, connections.ConnectionRow):
            rows.append(row)
            if (problem := connections.date_problem(header, record, row)) is not None:
                counts.errors.append(problem)
        else:
            _not_imported(counts, row)
    return counts, rows


def _message_rows(header: Header, records: list[Record], now: datetime) -> tuple[Counts, list[messages.MessageRow]]:
    counts, rows = Counts(), []
    for record in records:
        row = messages.read(header, record, now)
        if isinstance(row, messages.MessageRow):
            rows.append(row)
        elif isinstance(row, messages.Skip):
            _not_imported(counts, None)
        else:
            _not_imported(counts, row)
    return counts, rows


def _not_imported(counts: Counts, outcome: RowError | None) -> None:
    """A blank line (None) or a row that cannot be imported: processed and skipped, the latter reported."""
    counts.processed += 1
    counts.skipped += 1
    if outcome is not None:
        counts.errors.append(outcome)


def _retry_batch(error: BaseException) -> bool:
    return isinstance(error, ConcurrentChange) or is_transient(error)

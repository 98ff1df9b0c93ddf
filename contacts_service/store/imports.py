"""Import jobs in SQL: the job rows, the uploaded file's pieces, the first errors.

Every statement a user can reach names the user (tenant isolation); the
worker's statements name the job and the attempt that holds its lease, so a
worker that lost its lease (it stalled and another took the job over)
changes nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, delete, func, insert, or_, text, update
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from contacts_service.domain.imports.csv_format import ExportKind
from contacts_service.domain.imports.records import (
    MAX_STORED_ERRORS,
    UNFINISHED,
    Checkpoint,
    Job,
    JobState,
    RowError,
)
from contacts_service.models import CONTACTS, IMPORT_CHUNKS, IMPORT_ERRORS, IMPORT_JOBS, INTERACTIONS
from contacts_service.models import ImportJob as ImportJobRow
from pingcrm_common.db import dialect

J = IMPORT_JOBS.c


def _job(row: Any, errors: list[RowError] | None = None) -> Job:
    return Job(
        id=row.id,
        user_id=row.user_id,
        kind=ExportKind(row.kind),
        filename=row.filename,
        state=JobState(row.state),
        reason=row.reason,
        size_bytes=row.size_bytes,
        total=row.total,
        processed=row.processed,
        created=row.created,
        updated=row.updated,
        skipped=row.skipped,
        contacts_created=row.contacts_created,
        error_count=row.error_count,
        resume_offset=row.resume_offset,
        resume_line=row.resume_line,
        owner_slug=row.owner_slug,
        attempts=row.attempts,
        stalls=row.stalls,
        created_at=row.created_at,
        started_at=row.started_at,
        finished_at=row.finished_at,
        errors=errors or [],
    )


# --- the upload --------------------------------------------------------------------------------------------


async def unfinished_count(session: AsyncSession, user_id: str) -> int:
    statement = select(func.count()).select_from(IMPORT_JOBS).where(J.user_id == user_id, J.state.in_(UNFINISHED))
    return int((await session.exec(statement)).one())


async def create(
    session: AsyncSession, job_id: str, user_id: str, kind: ExportKind, filename: str, now: datetime, lease: datetime
) -> None:
    """A job whose upload is streaming in (RECEIVING until `queue`)."""
    await session.exec(
        insert(IMPORT_JOBS).values(
            id=job_id,
            user_id=user_id,
            kind=kind.value,
            filename=filename,
            state=JobState.RECEIVING.value,
            reason="",
            size_bytes=0,
            total=0,
            processed=0,
            created=0,
            updated=0,
            skipped=0,
            contacts_created=0,
            error_count=0,
            resume_offset=0,
            resume_line=0,
            owner_slug="",
            attempts=0,
            stalls=0,
            claimed_offset=-1,
            lease_until=lease,
            created_at=now,
        )
    )


async def add_chunk(
    session: AsyncSession, job_id: str, seq: int, start_offset: int, data: bytes, lease: datetime
) -> None:
    """Store one piece of the upload and extend the upload's lease (an upload that stops is discarded)."""
    await session.exec(insert(IMPORT_CHUNKS).values(job_id=job_id, seq=seq, start_offset=start_offset, data=data))
    await session.exec(update(IMPORT_JOBS).where(J.id == job_id).values(lease_until=lease))


async def queue(session: AsyncSession, job_id: str, size_bytes: int, total: int) -> None:
    await session.exec(
        update(IMPORT_JOBS)
        .where(J.id == job_id, J.state == JobState.RECEIVING.value)
        .values(state=JobState.QUEUED.value, size_bytes=size_bytes, total=total, lease_until=None)
    )


async def discard(session: AsyncSession, job_id: str) -> None:
    """Remove a job and its pieces (an upload that did not complete)."""
    await session.exec(delete(IMPORT_CHUNKS).where(IMPORT_CHUNKS.c.job_id == job_id))
    await session.exec(delete(IMPORT_JOBS).where(J.id == job_id))


# --- what the user sees ------------------------------------------------------------------------------------


async def get(session: AsyncSession, user_id: str, job_id: str) -> Job | None:
    """The user's job with its stored errors; an upload still streaming in is not a job yet."""
    row = (
        await session.exec(
            select(ImportJobRow).where(J.user_id == user_id, J.id == job_id, J.state != JobState.RECEIVING.value)
        )
    ).first()
    if row is None:
        return None
    errors = (
        await session.exec(
            select(IMPORT_ERRORS.c.line, IMPORT_ERRORS.c.reason)
            .where(IMPORT_ERRORS.c.job_id == job_id)
            .order_by(IMPORT_ERRORS.c.seq)
        )
    ).all()
    return _job(row, [RowError(line, reason) for line, reason in errors])


async def recent(session: AsyncSession, user_id: str, limit: int) -> list[Job]:
    """The user's latest jobs, newest first (without their errors)."""
    rows = (
        await session.exec(
            select(ImportJobRow)
            .where(J.user_id == user_id, J.state != JobState.RECEIVING.value)
            .order_by(J.created_at.desc(), J.id.desc())
            .limit(limit)
        )
    ).all()
    return [_job(row) for row in rows]


# --- the worker --------------------------------------------------------------------------------------------


async def abandoned_uploads(session: AsyncSession, now: datetime) -> list[str]:
    """Uploads whose process stopped streaming them (their lease ran out)."""
    statement = select(J.id).where(J.state == JobState.RECEIVING.value, J.lease_until < now)
    return list((await session.exec(statement)).all())


async def claim(session: AsyncSession, now: datetime, lease: datetime) -> Job | None:
    """Take the oldest job that is queued or whose worker's lease ran out, as a new attempt; count it as a stall
    when the job has not moved since its last claim."""
    waiting = or_(
        J.state == JobState.QUEUED.value,
        and_(J.state == JobState.RUNNING.value, J.lease_until < now),
    )
    candidate = (
        await session.exec(
            select(J.id).where(waiting).order_by(J.created_at, J.id).limit(1).with_for_update(skip_locked=True)
        )
    ).first()
    if candidate is None:
        return None
    row = (
        await session.exec(
            update(IMPORT_JOBS)
            .where(J.id == candidate, waiting)
            .values(
                state=JobState.RUNNING.value,
                attempts=J.attempts + 1,
                stalls=case((J.claimed_offset == J.resume_offset, J.stalls + 1), else_=0),
                claimed_offset=J.resume_offset,
                lease_until=lease,
                started_at=func.coalesce(J.started_at, now),
            )
            .returning(IMPORT_JOBS)
        )
    ).first()
    return _job(row) if row is not None else None


def _owned(job_id: str, attempt: int) -> Any:
    return and_(J.id == job_id, J.attempts == attempt, J.state == JobState.RUNNING.value)


async def renew(session: AsyncSession, job_id: str, attempt: int, lease: datetime) -> bool:
    """Extend the attempt's lease; False when another attempt owns the job now."""
    result = await session.exec(update(IMPORT_JOBS).where(_owned(job_id, attempt)).values(lease_until=lease))
    return bool(result.rowcount)


async def chunk_index(session: AsyncSession, job_id: str, offset: int) -> int:
    """The sequence number of the piece holding byte `offset` (0 for a fresh start)."""
    statement = select(func.max(IMPORT_CHUNKS.c.seq)).where(
        IMPORT_CHUNKS.c.job_id == job_id, IMPORT_CHUNKS.c.start_offset <= offset
    )
    return int((await session.exec(statement)).one() or 0)


async def chunk(session: AsyncSession, job_id: str, seq: int) -> tuple[int, bytes] | None:
    """One piece of the file: its start offset and its bytes; None past the end."""
    statement = select(IMPORT_CHUNKS.c.start_offset, IMPORT_CHUNKS.c.data).where(
        IMPORT_CHUNKS.c.job_id == job_id, IMPORT_CHUNKS.c.seq == seq
    )
    row = (await session.exec(statement)).first()
    return (row[0], bytes(row[1])) if row is not None else None


async def set_owner(session: AsyncSession, job_id: str, attempt: int, owner_slug: str) -> bool:
    result = await session.exec(update(IMPORT_JOBS).where(_owned(job_id, attempt)).values(owner_slug=owner_slug))
    return bool(result.rowcount)


async def advance(
    session: AsyncSession, job: Job, attempt: int, checkpoint: Checkpoint, errors_before: int, lease: datetime
) -> bool:
    """Add a batch's counts and errors and move the resume point, in the batch's transaction; False when the
    attempt lost the job (the caller then rolls the batch back)."""
    counts = checkpoint.counts
    result = await session.exec(
        update(IMPORT_JOBS)
        .where(_owned(job.id, attempt))
        .values(
            processed=J.processed + counts.processed,
            created=J.created + counts.created,
            updated=J.updated + counts.updated,
            skipped=J.skipped + counts.skipped,
            contacts_created=J.contacts_created + counts.contacts_created,
            error_count=J.error_count + len(counts.errors),
            resume_offset=checkpoint.resume_offset,
            resume_line=checkpoint.resume_line,
            lease_until=lease,
        )
    )
    if not result.rowcount:
        return False
    room = max(0, MAX_STORED_ERRORS - errors_before)
    kept = [
        {"job_id": job.id, "seq": errors_before + index, "line": error.line, "reason": error.reason[:500]}
        for index, error in enumerate(counts.errors[:room])
    ]
    if kept:
        await session.exec(insert(IMPORT_ERRORS), params=kept)
    return True


async def finish(
    session: AsyncSession, job_id: str, attempt: int | None, state: JobState, reason: str, now: datetime
) -> bool:
    """End a job (DONE or FAILED) and drop its file; `attempt` None ends it whoever holds it."""
    owned = _owned(job_id, attempt) if attempt is not None else J.id == job_id
    values: dict[str, Any] = {"state": state.value, "reason": reason[:500], "finished_at": now, "lease_until": None}
    if state == JobState.DONE:
        values["total"] = J.processed  # the upload's count was an estimate; now it is known
    result = await session.exec(update(IMPORT_JOBS).where(owned).values(**values))
    if not result.rowcount:
        return False
    await session.exec(delete(IMPORT_CHUNKS).where(IMPORT_CHUNKS.c.job_id == job_id))
    return True


async def refresh_statistics(session: AsyncSession) -> None:
    """Let PostgreSQL's planner see the rows a bulk import adds (its documented advice after a bulk load).

    Without it a small table's statistics stay those of an almost empty one, and the prepared plans of the
    import's lookups (by slug, by email) stay ones that scan all of the user's contacts: an import of 30,000
    connections into a fresh database took 20 s instead of 3. ANALYZE takes no lock that blocks reads or
    writes; SQLite needs nothing.
    """
    if dialect(session) == "postgresql":
        connection = await session.connection()
        for table in (CONTACTS, INTERACTIONS):
            await connection.execute(text(f"ANALYZE {table.name}"))

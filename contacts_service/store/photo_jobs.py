"""The photo queue's SQL (`photo_jobs`, domain/photos.py): enqueue in the push's transaction, claim with a
lease, finish only while holding it."""

from __future__ import annotations

import json
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import and_, delete, func, update
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from contacts_service.domain.records import PhotoJob
from contacts_service.models import PHOTO_JOBS
from pingcrm_common.db import dialect, dialect_insert
from pingcrm_common.models import new_id

P = PHOTO_JOBS.c


@cache
def _enqueue(dialect_name: str) -> Any:
    statement = dialect_insert(dialect_name, PHOTO_JOBS)
    # A contact has one queued photo: newer addresses replace older ones and the job is due at once again.
    return statement.on_conflict_do_update(
        index_elements=[P.user_id, P.contact_id],
        set_={
            "source_urls": statement.excluded.source_urls,
            "due_at": statement.excluded.due_at,
            "attempts": 0,
            "claimed_by": "",
        },
    )


async def enqueue(session: AsyncSession, user_id: str, photos: dict[str, list[str]], now: datetime) -> None:
    """Queue each contact's photo addresses (largest first), due now."""
    if photos:
        rows = [
            {
                "id": new_id(),
                "user_id": user_id,
                "contact_id": contact_id,
                "source_urls": json.dumps(urls),
                "attempts": 0,
                "due_at": now,
                "claimed_by": "",
                "created_at": now,
            }
            for contact_id, urls in sorted(photos.items())
        ]
        await session.exec(_enqueue(dialect(session)), params=rows)


async def claim(
    session: AsyncSession, now: datetime, lease_until: datetime, claim_id: str, limit: int
) -> list[PhotoJob]:
    """Take up to `limit` due jobs (queued, retried, or whose claim's lease ran out), oldest due first: their
    due time becomes the lease's end, so another worker takes them only if this one stops."""
    due = select(P.id).where(P.due_at <= now).order_by(P.due_at, P.id).limit(limit)
    ids = list((await session.exec(due.with_for_update(skip_locked=True))).all())
    if not ids:
        return []
    rows = (
        await session.exec(
            update(PHOTO_JOBS)
            .where(P.id.in_(ids), P.due_at <= now)  # still due: no other worker took it meanwhile
            .values(due_at=lease_until, claimed_by=claim_id)
            .returning(P.id, P.user_id, P.contact_id, P.source_urls, P.attempts)
        )
    ).all()
    return [PhotoJob(row[0], row[1], row[2], json.loads(row[3]), row[4], claim_id) for row in rows]


def _held(job: PhotoJob) -> Any:
    return and_(P.id == job.id, P.claimed_by == job.claimed_by)


async def finish(session: AsyncSession, job: PhotoJob) -> bool:
    """Remove the job if this claim still holds it; False when another worker took it over."""
    return bool((await session.exec(delete(PHOTO_JOBS).where(_held(job)))).rowcount)


async def retry_later(session: AsyncSession, job: PhotoJob, at: datetime) -> None:
    """media_service was unreachable: try again at `at`, one attempt more."""
    await session.exec(update(PHOTO_JOBS).where(_held(job)).values(due_at=at, attempts=P.attempts + 1, claimed_by=""))


async def pending(session: AsyncSession, user_id: str | None = None) -> int:
    """How many photos wait (all users', or one user's)."""
    statement = select(func.count()).select_from(PHOTO_JOBS)
    if user_id is not None:
        statement = statement.where(P.user_id == user_id)
    return int((await session.exec(statement)).one())


async def reassign(session: AsyncSession, user_id: str, *, from_contact: str, to_contact: str) -> None:
    """A merge: the absorbed contact's queued photo is dropped (the survivor gets its own from its profile)."""
    await session.exec(delete(PHOTO_JOBS).where(P.user_id == user_id, P.contact_id == from_contact))

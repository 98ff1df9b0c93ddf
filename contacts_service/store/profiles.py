"""Profile backfill in SQL: the contacts a batch of profiles names, their merged fields, job changes, profiles
LinkedIn no longer has, and the backfill selection. Every statement names the user."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import bindparam, case, insert, literal, or_, text, union_all, update
from sqlalchemy import select as select_columns
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from contacts_service.domain import edits
from contacts_service.domain.backfill import Candidate
from contacts_service.domain.name_order import name_key
from contacts_service.domain.profiles import PROFILE_FIELDS, JobChangeSeen, ProfileMerge, StoredProfile
from contacts_service.domain.records import JobChange
from contacts_service.models import BACKFILL_PENDING, CONTACTS, JOB_CHANGES
from pingcrm_common.db import dialect, is_one_of
from pingcrm_common.models import UTCDateTime, new_id

C = CONTACTS.c


def _names_any(dialect_name: str) -> Any:
    """The contact carries any of the member ids or slugs given as `member_ids` and `slugs`."""
    return or_(
        is_one_of(dialect_name, C.linkedin_member_id, "member_ids"), is_one_of(dialect_name, C.linkedin_slug, "slugs")
    )


@cache
def _named(dialect_name: str) -> Any:
    columns = [C[name] for name in ("profile_gone", "edited_fields", *PROFILE_FIELDS)]
    return select(C.id, C.linkedin_member_id, C.linkedin_slug, C.avatar_url, *columns).where(
        C.user_id == bindparam("user_id"), _names_any(dialect_name)
    )


async def named(session: AsyncSession, user_id: str, member_ids: set[str], slugs: set[str]) -> list[StoredProfile]:
    """The user's contacts carrying any of these member ids or slugs (the unique indexes)."""
    if not member_ids and not slugs:
        return []
    params = {"user_id": user_id, "member_ids": sorted(member_ids), "slugs": sorted(slugs)}
    rows = (await session.exec(_named(dialect(session)), params=params)).all()
    return [
        StoredProfile(
            id=row[0],
            member_id=row[1],
            slug=row[2],
            avatar_url=row[3],
            gone=bool(row[4]),
            edited=edits.parse(row[5]),
            values={name: row[6 + i] or "" for i, name in enumerate(PROFILE_FIELDS)},
        )
        for row in rows
    ]


_MERGE = (
    update(CONTACTS)
    .where(C.user_id == bindparam("b_user_id"), C.id == bindparam("b_id"))
    .values(
        **{name: bindparam(f"b_{name}") for name in PROFILE_FIELDS},
        name_key=bindparam("b_name_key"),
        profile_gone=False,
        updated_at=bindparam("b_now", type_=UTCDateTime()),
    )
)


async def apply(session: AsyncSession, user_id: str, merges: list[ProfileMerge], now: datetime) -> None:
    """Write the merged fields of the contacts that changed (one executemany, in id order; this also clears
    `profile_gone`: the profile is there after all) and the job changes."""
    params = [
        {
            "b_user_id": user_id,
            "b_id": m.contact.id,
            "b_now": now,
            "b_name_key": name_key(m.values["full_name"]),
            **{f"b_{k}": v for k, v in m.values.items()},
        }
        for m in sorted(merges, key=lambda m: m.contact.id)
        if m.changed or m.contact.gone
    ]
    if params:
        await session.exec(_MERGE, params=params)
    changes = [(m.contact.id, m.job_change) for m in merges if m.job_change is not None]
    await add_job_changes(session, user_id, changes, now)


async def add_job_changes(
    session: AsyncSession, user_id: str, changes: list[tuple[str, JobChangeSeen]], now: datetime
) -> None:
    if changes:
        rows = [
            {"id": new_id(), "user_id": user_id, "contact_id": contact_id, "seen_at": now, **vars(change)}
            for contact_id, change in changes
        ]
        await session.exec(insert(JOB_CHANGES), params=rows)


async def job_changes(session: AsyncSession, user_id: str, contact_id: str) -> list[JobChange]:
    """The contact's job changes, newest first."""
    J = JOB_CHANGES.c
    statement = (
        select(J.old_title, J.old_company, J.new_title, *[J.new_company, J.seen_at])
        .where(J.user_id == user_id, J.contact_id == contact_id)
        .order_by(J.seen_at.desc(), J.id.desc())
    )
    return [JobChange(*row) for row in (await session.exec(statement)).all()]


async def reassign_job_changes(session: AsyncSession, user_id: str, *, from_contact: str, to_contact: str) -> None:
    """A merge: the absorbed contact's job changes are the survivor's."""
    J = JOB_CHANGES.c
    await session.exec(
        update(JOB_CHANGES).where(J.user_id == user_id, J.contact_id == from_contact).values(contact_id=to_contact)
    )


@cache
def _mark_gone(dialect_name: str) -> Any:
    matched = C.user_id == bindparam("b_user_id"), _names_any(dialect_name)
    return update(CONTACTS).where(*matched).values(profile_gone=True)


async def mark_gone(session: AsyncSession, user_id: str, member_ids: set[str], slugs: set[str]) -> None:
    """LinkedIn no longer has these profiles: never ask for them again (until a profile of theirs arrives)."""
    if member_ids or slugs:
        params = {"b_user_id": user_id, "member_ids": sorted(member_ids), "slugs": sorted(slugs)}
        await session.exec(_mark_gone(dialect(session)), params=params)


# --- the backfill selection ---------------------------------------------------------------------------------


@cache
def _candidates(limit: int) -> Any:
    """Built once per limit (a push's share of building this UNION was larger than running it): the user and
    the time are parameters."""
    columns = [C.id, C.linkedin_member_id, C.linkedin_slug, C.photo_refused_url, C.backfill_attempts]
    now = bindparam("now", type_=UTCDateTime())
    # BACKFILL_PENDING as the indexes state it, so that both backends can use them (models.py).
    filters: list[Any] = [
        C.user_id == bindparam("user_id"),
        text(BACKFILL_PENDING),
        or_(C.backfill_due_at.is_(None), C.backfill_due_at <= now),
    ]
    active = (
        select_columns(literal(0).label("part"), *columns, C.last_interaction_at)
        .where(*filters, C.last_interaction_at.is_not(None))
        .order_by(C.last_interaction_at.desc(), C.id.desc())
        .limit(limit)
        .subquery()
    )
    never = (
        select_columns(literal(1).label("part"), *columns, C.last_interaction_at)
        .where(*filters, C.last_interaction_at.is_(None))
        .order_by(C.id.desc())
        .limit(limit)
        .subquery()
    )
    both = union_all(select_columns(active), select_columns(never)).subquery()
    return (
        select(*(both.c[column.name] for column in columns))
        .order_by(both.c.part, both.c.last_interaction_at.desc(), both.c.id.desc())
        .limit(limit)
    )


async def candidates(session: AsyncSession, user_id: str, now: datetime, limit: int) -> list[Candidate]:
    """Up to `limit` contacts due for backfill, most recently active first, never-active last.

    Like the listing (docs/decisions.md), two index-ordered parts on (user_id, last_interaction_at, id), because
    an index cannot serve `DESC NULLS LAST` on SQLite nor a backward scan of it on PostgreSQL: the first
    candidates are found without sorting the user's contacts. One statement joins the two parts (every push
    asks, so a round trip saved counts); only their at most 2 × `limit` rows are sorted.
    """
    rows = (await session.exec(_candidates(limit), params={"user_id": user_id, "now": now})).all()
    return [Candidate(row[0], row[1], row[2], row[3], row[4]) for row in rows]


_HANDED_OUT = (
    update(CONTACTS)
    .where(C.user_id == bindparam("b_user_id"), C.id == bindparam("b_id"))
    .values(backfill_attempts=C.backfill_attempts + 1, backfill_due_at=bindparam("b_due", type_=UTCDateTime()))
)


async def hand_out(session: AsyncSession, user_id: str, due: dict[str, datetime]) -> None:
    """The contacts were handed out: count the attempt, set their next turn."""
    if due:
        params = [{"b_user_id": user_id, "b_id": contact_id, "b_due": at} for contact_id, at in sorted(due.items())]
        await session.exec(_HANDED_OUT, params=params)


async def put_off(session: AsyncSession, user_id: str, contact_id: str, until: datetime) -> None:
    """A photo could not be stored: the contact's next backfill turn is no earlier than `until`."""
    await session.exec(
        update(CONTACTS)
        .where(C.user_id == user_id, C.id == contact_id)
        .values(
            backfill_due_at=case(
                (or_(C.backfill_due_at.is_(None), C.backfill_due_at < until), until), else_=C.backfill_due_at
            )
        )
    )


async def photo_refused(session: AsyncSession, user_id: str, contact_id: str, url: str, now: datetime) -> None:
    """The CDN refused the server this photo: ask the browser for its bytes at the next push."""
    await session.exec(
        update(CONTACTS)
        .where(C.user_id == user_id, C.id == contact_id)
        .values(photo_refused_url=url, backfill_due_at=now)
    )


async def attempts(session: AsyncSession, user_id: str, contact_id: str) -> int:
    """How often the contact was handed out for backfill (0 when it is gone)."""
    statement = select(C.backfill_attempts).where(C.user_id == user_id, C.id == contact_id)
    return int((await session.exec(statement)).first() or 0)

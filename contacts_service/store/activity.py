"""The activity feed in SQL: `record` appends a transaction's events, `read` serves them in feed order.

Feed order is (tx, seq), the table's primary key. Why not `seq` alone: on
PostgreSQL, transactions draw sequence numbers in one order and commit in
another, so a reader that had passed seq 11 would never see seq 10
committing after it. Instead every row carries its writing transaction's id
(`pg_current_xact_id()`), and `read` serves only rows of transactions older
than the oldest one still running in this database (`_HORIZON`): all of
those have finished, so nothing can ever appear below the position a reader
has reached. Rows of one transaction come together, in `seq` order.
SQLite has a single writer that holds its lock from a transaction's first
write to its commit, so there `tx` is 0, `seq` is max + 1, and commit order
is `seq` order. docs/activity-feed.md describes the contract.

`record` is one multi-row INSERT (PostgreSQL: unnested arrays, so its text
and plan are the same for any number of events), written in the caller's
transaction: the feed holds a change exactly when the change committed.

Each reader's last position is kept (`mark_read`), and `prune` deletes old
events that every reader has passed (domain/activity_retention.py).
"""

from __future__ import annotations

import json
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    BigInteger,
    DateTime,
    LargeBinary,
    String,
    Text,
    bindparam,
    cast,
    delete,
    func,
    literal,
    literal_column,
    or_,
    select,
    tuple_,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import select as select_rows
from sqlmodel.ext.asyncio.session import AsyncSession

from contacts_service.domain.activity import (
    ActivityEvent,
    ContactSnapshot,
    NewActivity,
    Position,
    detail_from,
    snapshot_fields,
    snapshot_from,
)
from contacts_service.models import ACTIVITY, ACTIVITY_READERS, ACTIVITY_SEQ
from pingcrm_common.db import UnnestedRows, dialect, dialect_insert
from pingcrm_common.models import UTCDateTime

# occurred_at as a plain timezone-aware DateTime: the events' times are already UTC-aware (a push's
# validated messages, the clock), and UTCDateTime's check would run once per element of the array.
_ROWS = UnnestedRows(
    {
        "contact_id": String(),
        "kind": String(),
        "occurred_at": DateTime(timezone=True),
        "contact": Text(),
        "detail": Text(),
    }
)


# The oldest transaction of the reader's snapshot that was still running and may belong to this
# database: every transaction below it has finished. Transactions that pg_stat_activity shows in
# another database of the cluster cannot write here, so they do not hold the feed back (one busy
# neighbour would otherwise delay every reader); an xid it does not show (finished since, or
# hidden from a role without pg_read_all_stats) counts, which only ever delays, never skips.
# pg_stat_activity knows 32-bit xids; the snapshot's are 64-bit.
_HORIZON = literal_column(
    """(SELECT coalesce(min(x::text::bigint), pg_snapshot_xmax(pg_current_snapshot())::text::bigint)
          FROM pg_snapshot_xip(pg_current_snapshot()) AS x
         WHERE x::text::bigint % 4294967296 NOT IN (
               SELECT backend_xid::text::bigint FROM pg_stat_activity
                WHERE backend_xid IS NOT NULL
                  AND datid <> (SELECT oid FROM pg_database WHERE datname = current_database())))""",
    BigInteger(),
)


def _xid(expression: Any) -> Any:
    """An xid8 as a bigint (64-bit transaction ids, which never wrap around)."""
    return cast(cast(expression, Text), BigInteger)


@cache
def _insert(dialect_name: str) -> Any:
    user_id = bindparam("user_id", type_=String())
    recorded_at = bindparam("recorded_at", type_=UTCDateTime())
    if dialect_name == "postgresql":
        rows = _ROWS.table.c
        source = select(
            _xid(func.pg_current_xact_id()),
            ACTIVITY_SEQ.next_value(),
            user_id,
            rows.contact_id,
            rows.kind,
            rows.occurred_at,
            recorded_at,
            rows.contact,
            rows.detail,
        )
        return postgresql.insert(ACTIVITY).from_select(
            ["tx", "seq", "user_id", "contact_id", "kind", "occurred_at", "recorded_at", "contact", "detail"], source
        )
    # One row per execution (executemany), each numbered after the rows before it while this
    # transaction holds SQLite's write lock.
    next_seq = select(func.coalesce(func.max(ACTIVITY.c.seq), 0) + 1).where(ACTIVITY.c.tx == 0).scalar_subquery()
    return sqlite.insert(ACTIVITY).values(
        tx=literal(0),
        seq=next_seq,
        user_id=user_id,
        contact_id=bindparam("contact_id"),
        kind=bindparam("kind"),
        occurred_at=bindparam("occurred_at", type_=UTCDateTime()),
        recorded_at=recorded_at,
        contact=bindparam("contact"),
        detail=bindparam("detail"),
    )


# One encoder for every event: json.dumps with options builds a new one per call.
_json = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


def _rows(events: list[NewActivity]) -> list[dict[str, Any]]:
    """The events' columns. Many events share one contact's snapshot object (push_activity builds one
    per contact): its JSON is made once, looked up by identity (cheaper than hashing its eight fields)."""
    snapshot_json: dict[int, str] = {}
    rows = []
    for event in events:
        key = id(event.contact)
        if key not in snapshot_json:
            snapshot_json[key] = _json(snapshot_fields(event.contact))
        rows.append(
            {
                "contact_id": event.contact_id,
                "kind": event.kind,
                "occurred_at": event.occurred_at,
                "contact": snapshot_json[key],
                "detail": _json(event.detail.stored()),
            }
        )
    return rows


async def record(session: AsyncSession, user_id: str, events: list[NewActivity], recorded_at: datetime) -> None:
    """Append `user_id`'s events to the feed, in this order, in the caller's transaction."""
    if not events:
        return
    rows = _rows(events)
    dialect_name = dialect(session)
    params: Any
    if dialect_name == "postgresql":
        params = _ROWS.params(rows)
        params.update(user_id=user_id, recorded_at=recorded_at)
    else:
        params = [{**row, "user_id": user_id, "recorded_at": recorded_at} for row in rows]
    await session.exec(_insert(dialect_name), params=params)


def _byte_length(dialect_name: str, column: Any) -> Any:
    """The stored text's length in bytes; PostgreSQL reads it from the value's header, without decompressing."""
    if dialect_name == "postgresql":
        return func.octet_length(column)
    return func.length(cast(column, LargeBinary))


@cache
def _read(dialect_name: str) -> Any:
    """At most :limit events after (:after_tx, :after_seq) in feed order, and of those only as many as fit in
    :max_bytes of stored JSON (the first always), as plain rows: a page is read once and never changed, so the
    session need not track ORM objects for it. Each row says whether another event followed it."""
    A = ACTIVITY.c
    after = tuple_(bindparam("after_tx", type_=BigInteger()), bindparam("after_seq", type_=BigInteger()))
    limited = select(A.tx, A.seq, A.user_id, A.contact_id, A.occurred_at, A.recorded_at, A.kind, A.contact, A.detail)
    limited = limited.where(tuple_(A.tx, A.seq) > after)
    if dialect_name == "postgresql":
        # Every transaction below the horizon has finished: its rows are all visible now (or it
        # aborted), so no row can later appear between the positions served.
        limited = limited.where(A.tx < _HORIZON)
    L = limited.order_by(A.tx, A.seq).limit(bindparam("limit", type_=BigInteger())).subquery("limited").c
    size = _byte_length(dialect_name, L.contact) + _byte_length(dialect_name, L.detail)
    in_order = (L.tx, L.seq)
    sized = select(
        *L,
        size.label("size"),
        func.sum(size).over(order_by=in_order).label("through"),  # this event's bytes and those before it
        func.lead(L.seq).over(order_by=in_order).label("next_seq"),
    ).subquery("sized")
    S = sized.c
    fits = or_(S.through <= bindparam("max_bytes", type_=BigInteger()), S.through == S.size)
    return (
        select(S.tx, S.seq, S.user_id, S.contact_id, S.occurred_at, S.recorded_at, S.kind, S.contact, S.detail)
        .add_columns(S.next_seq.is_not(None).label("followed"))
        .where(fits)
        .order_by(S.tx, S.seq)
    )


async def read(session: AsyncSession, after: Position, limit: int, max_bytes: int) -> tuple[list[ActivityEvent], bool]:
    """Up to `limit` events after `after` in feed order, of finished transactions only (see the module), ending
    early at `max_bytes` of stored events (one larger event comes alone); and whether it ended early."""
    params = {"after_tx": after.tx, "after_seq": after.seq, "limit": limit, "max_bytes": max_bytes}
    rows = (await session.exec(_read(dialect(session)), params=params)).all()
    # A change's events about one contact carry the same snapshot (`_rows` writes one per contact): parsed once.
    snapshots: dict[str, ContactSnapshot] = {}
    events = []
    for tx, seq, user_id, contact_id, occurred_at, recorded_at, kind, contact, detail, _ in rows:
        if contact not in snapshots:
            snapshots[contact] = snapshot_from(json.loads(contact))
        events.append(
            ActivityEvent(
                seq=seq,
                position=Position(tx, seq),
                user_id=user_id,
                contact_id=contact_id,
                occurred_at=occurred_at,
                recorded_at=recorded_at,
                contact=snapshots[contact],
                detail=detail_from(kind, json.loads(detail)),
            )
        )
    ended_early = bool(rows) and bool(rows[-1].followed)
    return events, ended_early


async def readers(session: AsyncSession, name: str | None = None) -> dict[str, Position]:
    """Every reader the feed has had (or the one named), with the position it last asked to read after."""
    R = ACTIVITY_READERS.c
    statement = select_rows(R.name, R.tx, R.seq)
    if name is not None:
        statement = statement.where(R.name == name)
    return {reader: Position(tx, seq) for reader, tx, seq in (await session.exec(statement)).all()}


async def mark_read(session: AsyncSession, reader: str, position: Position, now: datetime) -> None:
    """`reader` asked for the events after `position`: it has applied everything up to there. Written only when
    the position moved (a caught-up reader asks again and again), so a read mostly stays a read."""
    if (await readers(session, reader)).get(reader) == position:
        return
    values = {"name": reader, "tx": position.tx, "seq": position.seq, "read_at": now}
    upsert = dialect_insert(dialect(session), ACTIVITY_READERS).values(values)
    await session.exec(upsert.on_conflict_do_update(index_elements=["name"], set_=values))


async def prune(session: AsyncSession, upto: Position, recorded_before: datetime, limit: int) -> int:
    """Delete up to `limit` events, oldest first, that are at or before `upto` and come before the first event
    recorded since `recorded_before`; how many were deleted.

    Before that first recent event, in feed order, every event was recorded before `recorded_before` (feed order
    follows recording time closely but not exactly: an old event after it waits until that one is old too). The
    scan in key order stops there, so a check with nothing old reads one row, not the whole feed.
    """
    key = tuple_(ACTIVITY.c.tx, ACTIVITY.c.seq)
    first_recent = (
        await session.exec(
            select_rows(ACTIVITY.c.tx, ACTIVITY.c.seq)
            .where(ACTIVITY.c.recorded_at >= recorded_before)
            .order_by(ACTIVITY.c.tx, ACTIVITY.c.seq)
            .limit(1)
        )
    ).first()
    bounds = [key <= _position(upto)]
    if first_recent is not None:
        bounds.append(key < _position(Position(first_recent[0], first_recent[1])))
    doomed = select(ACTIVITY.c.tx, ACTIVITY.c.seq).where(*bounds).order_by(ACTIVITY.c.tx, ACTIVITY.c.seq).limit(limit)
    result = await session.exec(delete(ACTIVITY).where(key.in_(doomed)))
    return int(result.rowcount)


def _position(position: Position) -> Any:
    """A position as a (tx, seq) row value, to compare with the table's key."""
    return tuple_(literal(position.tx, BigInteger()), literal(position.seq, BigInteger()))

"""What the activity feed taught suggestions_service, in SQL; its cursor; the leases of its loops.

Applying is idempotent (docs/activity-feed.md, "Delivery is at least once"):
messages are kept by URN (a message delivered twice is inserted once), a
contact's counts and times are recomputed from its messages rather than
incremented, snapshots replace field by field, a merge moves what the absorbed
contact still has (nothing, the second time).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import fields
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CursorResult,
    Executable,
    Select,
    String,
    bindparam,
    delete,
    func,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.engine import RowMapping
from sqlalchemy.types import TypeEngine
from sqlmodel.ext.asyncio.session import AsyncSession

from pingcrm_common.db import UnnestedRows, dialect, dialect_insert
from suggestions_service.domain.records import ClosedBy, ContactFacts, Event, RecentMessage, Snapshot, Status
from suggestions_service.models import (
    MAX_CONVERSATION_URL,
    ContactMessage,
    ContactState,
    FeedCursor,
    Lease,
    Suggestion,
)

MESSAGES = ContactMessage.__table__  # type: ignore[attr-defined]  # SQLModel sets __table__ on table classes
STATES = ContactState.__table__  # type: ignore[attr-defined]  # as above
LEASES = Lease.__table__  # type: ignore[attr-defined]  # as above
CURSORS = FeedCursor.__table__  # type: ignore[attr-defined]  # as above
SUGGESTIONS = Suggestion.__table__  # type: ignore[attr-defined]  # as above
OPEN = (Status.PENDING.value, Status.SNOOZED.value)
EXCERPT_KEPT = 300  # characters of each message kept for drafting (the feed sends up to 500)
_NEVER = datetime(1970, 1, 1, tzinfo=UTC)


async def run(
    session: AsyncSession, statement: Executable, parameters: Mapping[str, Any] | list[State] | None = None
) -> CursorResult[Any]:
    """A Core statement on the session's connection, in its transaction, after its pending ORM changes.

    (SQLModel's `exec` is typed for ORM selects; these tables are mostly read and written in Core.)
    """
    await session.flush()
    connection = await session.connection()
    return await connection.execute(statement, parameters)


async def move_cursor(session: AsyncSession, name: str, expected: str, new: str, now: datetime) -> bool:
    """Move the cursor from `expected` to `new`; False when it is no longer at `expected` (another consumer).

    Run first in the transaction that applies the batch: the row lock it takes makes a second
    consumer of the same position wait here, then find the cursor moved and apply nothing.
    """
    await run(
        session,
        dialect_insert(dialect(session), CURSORS)
        .values(name=name, position="", updated_at=now)
        .on_conflict_do_nothing(index_elements=["name"]),
    )
    result = await run(
        session,
        update(CURSORS)
        .where(CURSORS.c.name == name, CURSORS.c.position == expected)
        .values(position=new, updated_at=now),
    )
    return bool(result.rowcount)


async def cursor(session: AsyncSession, name: str) -> str:
    found = await session.get(FeedCursor, name)
    return found.position if found else ""


async def take_lease(session: AsyncSession, name: str, owner: str, now: datetime, ttl: timedelta) -> bool:
    """Hold lease `name` until now + ttl if it is free, expired or already ours."""
    await run(
        session,
        dialect_insert(dialect(session), LEASES)
        .values(name=name, owner="", expires_at=_NEVER)
        .on_conflict_do_nothing(index_elements=["name"]),
    )
    result = await run(
        session,
        update(LEASES)
        .where(LEASES.c.name == name, or_(LEASES.c.owner == owner, LEASES.c.expires_at <= now))
        .values(owner=owner, expires_at=now + ttl),
    )
    return bool(result.rowcount)


async def release_lease(session: AsyncSession, name: str, owner: str) -> None:
    await run(
        session,
        update(LEASES).where(LEASES.c.name == name, LEASES.c.owner == owner).values(owner="", expires_at=_NEVER),
    )


async def last_run(session: AsyncSession, name: str) -> datetime | None:
    found = await session.get(Lease, name)
    return found.last_run_at if found else None


async def mark_run(session: AsyncSession, name: str, at: datetime) -> None:
    await run(session, update(LEASES).where(LEASES.c.name == name).values(last_run_at=at))


async def apply(session: AsyncSession, events: Iterable[Event]) -> set[tuple[str, str]]:
    """Apply a batch of events in feed order; returns the (user, contact) pairs whose facts changed.

    A batch costs a handful of statements whatever its size (bench/suggestions.py): the contacts'
    states are read in one query, the messages inserted in one (per 1,000), the counts recomputed in
    one, and the states written back in one upsert. The states are plain rows (column → value) while
    the batch changes them: an ORM object per contact cost more than the SQL.
    """
    batch = list(events)
    keys = {(e.user_id, e.contact_id) for e in batch} | {
        (e.user_id, e.absorbed_contact_id) for e in batch if e.absorbed_contact_id
    }
    states = await _load_states(session, keys)
    newest = await _insert_messages(session, batch)
    await _close_stale(session, newest)
    touched: set[tuple[str, str]] = set()
    recount = {(e.user_id, e.contact_id) for e in batch if e.kind == "messages"}
    for event in batch:
        key = (event.user_id, event.contact_id)
        state = _state(states, key)
        _take_snapshot(state, event.snapshot)
        touched.add(key)
        if event.kind == "messages" and 0 < len(event.conversation_url) <= MAX_CONVERSATION_URL:
            _take_conversation(state, event.conversation_url, event.occurred_at)
        elif event.kind == "contact_added":
            state["added_at"] = min(state["added_at"] or event.occurred_at, event.occurred_at)
        elif event.kind == "job_changed" and event.job is not None:
            if state["job_changed_at"] is None or event.occurred_at >= state["job_changed_at"]:
                state["job_changed_at"] = event.occurred_at
                state["job_title"], state["job_company"] = event.job.new_title, event.job.new_company
        elif event.kind == "connection_imported":
            state["connection_imported"] = True
            state["connected_on"] = event.connected_on
        elif event.kind == "contacts_merged" and event.absorbed_contact_id:
            await _merge(session, states, state, event.absorbed_contact_id)
            recount.add(key)
    await _recount(session, states, recount)
    await _save_states(session, states)
    return touched


KEYS_PER_QUERY = 500  # (user, contact) pairs per query
ROWS_PER_INSERT = 1_000  # messages per INSERT (6 parameters each; PostgreSQL allows 32,767)

# A contact's state while a batch changes it: its row, column name → value.
State = dict[str, Any]
_KEY = ("user_id", "contact_id")
_SNAPSHOT_FIELDS = tuple(field.name for field in fields(Snapshot))  # each the name of a contact_states column
_NEW_STATE: State = {name: info.default for name, info in ContactState.model_fields.items() if name not in _KEY}
_STATE_COLUMNS: dict[str, TypeEngine[Any]] = {column.name: column.type for column in STATES.columns}
_STATE_ROWS = UnnestedRows(_STATE_COLUMNS)
_PAIRS = UnnestedRows({"user_id": String(), "contact_id": String()})
_MESSAGE_ROWS = UnnestedRows({column.name: column.type for column in MESSAGES.columns})


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _is_pair(dialect_name: str, user_column: Any, contact_column: Any) -> ColumnElement[bool]:
    """(user, contact) among the pairs given at execution (`_pairs`): on PostgreSQL an unnest of two arrays,
    so the statement's text and plan stay the same for any number of pairs; on SQLite an expanding IN."""
    if dialect_name == "postgresql":
        return tuple_(user_column, contact_column).in_(select(*_PAIRS.table.c))
    return tuple_(user_column, contact_column).in_(bindparam("pairs", expanding=True))


def _pairs(dialect_name: str, pairs: list[tuple[str, str]]) -> dict[str, Any]:
    if dialect_name == "postgresql":
        return _PAIRS.params([{"user_id": user_id, "contact_id": contact_id} for user_id, contact_id in pairs])
    return {"pairs": pairs}


@cache
def _states_of(dialect_name: str) -> Select[Any]:
    return select(STATES).where(_is_pair(dialect_name, STATES.c.user_id, STATES.c.contact_id))


async def _load_states(session: AsyncSession, keys: set[tuple[str, str]]) -> dict[tuple[str, str], State]:
    states: dict[tuple[str, str], State] = {}
    name = dialect(session)
    for chunk in _chunks(sorted(keys), KEYS_PER_QUERY):
        for row in await run(session, _states_of(name), _pairs(name, chunk)):
            states[(row.user_id, row.contact_id)] = dict(row._mapping)
    return states


def _state(states: dict[tuple[str, str], State], key: tuple[str, str]) -> State:
    state = states.get(key)
    if state is None:
        state = states[key] = {**_NEW_STATE, "user_id": key[0], "contact_id": key[1]}
    return state


def _take_conversation(state: State, url: str, at: datetime) -> None:
    """The conversation of the contact's newest message: an older one (a history walk's) leaves it."""
    if state["conversation_at"] is None or at >= state["conversation_at"]:
        state["conversation_url"], state["conversation_at"] = url, at


def _take_snapshot(state: State, snapshot: Snapshot) -> None:
    for name in _SNAPSHOT_FIELDS:
        value = getattr(snapshot, name)
        if value:
            state[name] = value


@cache
def _upsert_states(dialect_name: str) -> Any:
    """INSERT … ON CONFLICT (user, contact) DO UPDATE every column: a new contact's row or its new values."""
    insert = _STATE_ROWS.insert(dialect_name, STATES)
    return insert.on_conflict_do_update(
        index_elements=list(_KEY),
        set_={name: insert.excluded[name] for name in _STATE_COLUMNS if name not in _KEY},
    )


@cache
def _insert_new_messages(dialect_name: str) -> Any:
    """The messages not stored yet (by URN), returning those really inserted."""
    return (
        _MESSAGE_ROWS.insert(dialect_name, MESSAGES)
        .on_conflict_do_nothing(index_elements=["user_id", "urn"])
        .returning(MESSAGES.c.user_id, MESSAGES.c.contact_id, MESSAGES.c.sent_at)
    )


async def _save_states(session: AsyncSession, states: dict[tuple[str, str], State]) -> None:
    """Every state of the batch in one statement (per 1,000), in key order."""
    rows = [states[key] for key in sorted(states)]
    name = dialect(session)
    for chunk in _chunks(rows, ROWS_PER_INSERT):
        await run(session, _upsert_states(name), _STATE_ROWS.params(chunk) if name == "postgresql" else chunk)


async def _insert_messages(session: AsyncSession, batch: list[Event]) -> dict[tuple[str, str], datetime]:
    """Insert the batch's messages not seen before (by URN); per contact, the newest one really inserted."""
    rows = [
        {
            "user_id": event.user_id,
            "urn": message.urn,
            "contact_id": event.contact_id,
            "from_self": message.from_self,
            "sent_at": message.sent_at,
            "excerpt": message.excerpt[:EXCERPT_KEPT],
        }
        for event in batch
        for message in event.messages
    ]
    newest: dict[tuple[str, str], datetime] = {}
    name = dialect(session)
    for chunk in _chunks(rows, ROWS_PER_INSERT):
        params = _MESSAGE_ROWS.params(chunk) if name == "postgresql" else chunk
        for row in await run(session, _insert_new_messages(name), params):
            key = (row.user_id, row.contact_id)
            newest[key] = max(newest.get(key, row.sent_at), row.sent_at)
    return newest


@cache
def _open_suggestions_of(dialect_name: str) -> Select[Any]:
    return select(SUGGESTIONS.c.id, SUGGESTIONS.c.user_id, SUGGESTIONS.c.contact_id, SUGGESTIONS.c.created_at).where(
        SUGGESTIONS.c.status.in_(OPEN), _is_pair(dialect_name, SUGGESTIONS.c.user_id, SUGGESTIONS.c.contact_id)
    )


async def _close_stale(session: AsyncSession, newest: dict[tuple[str, str], datetime]) -> None:
    """Staleness by message time: a new message dismisses only the open suggestions created before it was sent.

    Backfilled history (old messages arriving late) has old `sent_at`s and leaves fresh suggestions alone.
    Not the user's dismissal: no cooldown follows.
    """
    stale: list[str] = []
    name = dialect(session)
    for chunk in _chunks(sorted(newest), KEYS_PER_QUERY):
        for row in await run(session, _open_suggestions_of(name), _pairs(name, chunk)):
            if row.created_at < newest[(row.user_id, row.contact_id)]:
                stale.append(row.id)
    if stale:
        await run(
            session,
            update(SUGGESTIONS)
            .where(SUGGESTIONS.c.id.in_(stale))
            .values(status=Status.DISMISSED.value, closed_by=ClosedBy.ACTIVITY.value, snooze_until=None),
        )


async def _merge(
    session: AsyncSession, states: dict[tuple[str, str], State], survivor: State, absorbed_id: str
) -> None:
    """The absorbed contact's messages, facts and suggestions become the survivor's; its state row goes."""
    user_id = survivor["user_id"]
    absorbed = states.pop((user_id, absorbed_id), None)
    if absorbed is not None:
        if absorbed["job_changed_at"] and (
            survivor["job_changed_at"] is None or absorbed["job_changed_at"] > survivor["job_changed_at"]
        ):
            survivor["job_changed_at"] = absorbed["job_changed_at"]
            survivor["job_title"], survivor["job_company"] = absorbed["job_title"], absorbed["job_company"]
        if absorbed["connection_imported"] and not survivor["connection_imported"]:
            survivor["connection_imported"], survivor["connected_on"] = True, absorbed["connected_on"]
        if absorbed["conversation_at"] is not None:
            _take_conversation(survivor, absorbed["conversation_url"], absorbed["conversation_at"])
    await run(session, delete(STATES).where(STATES.c.user_id == user_id, STATES.c.contact_id == absorbed_id))
    await run(
        session,
        update(MESSAGES)
        .where(MESSAGES.c.user_id == user_id, MESSAGES.c.contact_id == absorbed_id)
        .values(contact_id=survivor["contact_id"]),
    )
    # Two open suggestions would break "one per contact": the absorbed one's open suggestion is closed first.
    await run(
        session,
        update(SUGGESTIONS)
        .where(
            SUGGESTIONS.c.user_id == user_id,
            SUGGESTIONS.c.contact_id == absorbed_id,
            SUGGESTIONS.c.status.in_(OPEN),
        )
        .values(status=Status.DISMISSED.value, closed_by=ClosedBy.ACTIVITY.value, snooze_until=None),
    )
    await run(
        session,
        update(SUGGESTIONS)
        .where(SUGGESTIONS.c.user_id == user_id, SUGGESTIONS.c.contact_id == absorbed_id)
        .values(contact_id=survivor["contact_id"]),
    )


@cache
def _counts_of(dialect_name: str) -> Select[Any]:
    return (
        select(
            MESSAGES.c.user_id,
            MESSAGES.c.contact_id,
            func.count(),
            func.min(MESSAGES.c.sent_at),
            func.max(MESSAGES.c.sent_at),
            func.max(MESSAGES.c.sent_at).filter(MESSAGES.c.from_self.is_(False)),
            func.max(MESSAGES.c.sent_at).filter(MESSAGES.c.from_self.is_(True)),
        )
        .where(_is_pair(dialect_name, MESSAGES.c.user_id, MESSAGES.c.contact_id))
        .group_by(MESSAGES.c.user_id, MESSAGES.c.contact_id)
    )


async def _recount(session: AsyncSession, states: dict[tuple[str, str], State], keys: set[tuple[str, str]]) -> None:
    """Counts and times of these contacts, recomputed from their stored messages (so a repeat changes nothing)."""
    name = dialect(session)
    for chunk in _chunks(sorted(keys), KEYS_PER_QUERY):
        rows: list[Any] = list(await run(session, _counts_of(name), _pairs(name, chunk)))  # Row's typing stops at 4
        for row in rows:
            state = _state(states, (row[0], row[1]))
            state["message_count"] = int(row[2])
            state["first_message_at"], state["last_message_at"] = utc(row[3]), utc(row[4])
            state["last_inbound_at"], state["last_outbound_at"] = utc(row[5]), utc(row[6])


def utc(value: datetime | None) -> datetime | None:
    """Aggregates skip the column type's conversion: SQLite hands back naive text-parsed times."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _facts(state: Mapping[str, Any] | RowMapping) -> ContactFacts:
    return ContactFacts(
        user_id=state["user_id"],
        contact_id=state["contact_id"],
        snapshot=Snapshot(**{name: state[name] for name in _SNAPSHOT_FIELDS}),
        message_count=state["message_count"],
        first_message_at=state["first_message_at"],
        last_message_at=state["last_message_at"],
        last_inbound_at=state["last_inbound_at"],
        last_outbound_at=state["last_outbound_at"],
        job_changed_at=state["job_changed_at"],
        job_title=state["job_title"],
        job_company=state["job_company"],
        connection_imported=state["connection_imported"],
        connected_on=state["connected_on"],
    )


async def contacts_of(session: AsyncSession, user_id: str) -> list[ContactFacts]:
    rows = await run(session, select(STATES).where(STATES.c.user_id == user_id))
    return [_facts(row._mapping) for row in rows]


async def contact(session: AsyncSession, user_id: str, contact_id: str) -> ContactFacts | None:
    rows = await run(session, select(STATES).where(STATES.c.user_id == user_id, STATES.c.contact_id == contact_id))
    found = rows.first()
    return _facts(found._mapping) if found else None


async def users(session: AsyncSession) -> list[str]:
    return list((await run(session, select(STATES.c.user_id).distinct())).scalars())


async def recent_messages(session: AsyncSession, user_id: str, contact_id: str, limit: int) -> list[RecentMessage]:
    """The contact's newest `limit` messages, oldest first; of messages sent at the same time the one with the
    greater URN counts as the later, as contacts_service orders a contact's messages (their page shows it last)."""
    rows = await run(
        session,
        select(MESSAGES.c.from_self, MESSAGES.c.sent_at, MESSAGES.c.excerpt)
        .where(MESSAGES.c.user_id == user_id, MESSAGES.c.contact_id == contact_id)
        .order_by(MESSAGES.c.sent_at.desc(), MESSAGES.c.urn.desc())
        .limit(limit),
    )
    return [RecentMessage(row.from_self, row.sent_at, row.excerpt) for row in rows][::-1]


async def forget_old_excerpts(session: AsyncSession, keep: int, limit: int) -> int:
    """Empty the excerpts of up to `limit` messages that have at least `keep` newer ones of their contact (in
    `recent_messages`' order); how many. Only messages that still have text are ranked, which never empties
    one of a contact's `keep` newest: fewer than `keep` messages are newer than it, with text or not. Each run
    reads the whole table: a partial index of the messages with text would spare that, but cost every message
    the feed brings (docs/suggestions.md, Benchmark)."""
    ranked = (
        select(
            MESSAGES.c.user_id,
            MESSAGES.c.urn,
            func.row_number()
            .over(
                partition_by=(MESSAGES.c.user_id, MESSAGES.c.contact_id),
                order_by=(MESSAGES.c.sent_at.desc(), MESSAGES.c.urn.desc()),
            )
            .label("newer"),
        )
        .where(MESSAGES.c.excerpt != "")
        .subquery()
    )
    old = select(ranked.c.user_id, ranked.c.urn).where(ranked.c.newer > keep).limit(limit)
    statement = update(MESSAGES).where(tuple_(MESSAGES.c.user_id, MESSAGES.c.urn).in_(old)).values(excerpt="")
    return (await run(session, statement)).rowcount

"""Contacts in SQL: what a push matches, creates, merges and updates; listing, lookup, counting.

Every statement names the user (tenant isolation). Writes touch rows in key
order, so concurrent transactions take their row locks in the same order.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    Integer,
    String,
    Text,
    and_,
    bindparam,
    case,
    delete,
    event,
    func,
    literal,
    literal_column,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql.elements import ColumnClause
from sqlalchemy.types import TypeEngine
from sqlmodel import col
from sqlmodel import select as select_rows
from sqlmodel.ext.asyncio.session import AsyncSession

from contacts_service.domain import edits
from contacts_service.domain.linkedin_identity import LinkedInId
from contacts_service.domain.listing import Cursor, Search, Sort
from contacts_service.domain.matching import PROFILE_FIELDS, ContactDraft, KnownContact
from contacts_service.domain.name_order import fold, name_key
from contacts_service.domain.records import Contact, ContactChange
from contacts_service.models import CONTACTS, INTERACTIONS, SEARCHED_TEXT
from contacts_service.models import Contact as ContactRow
from pingcrm_common.db import UnnestedRows, dialect, dialect_insert, is_one_of
from pingcrm_common.models import UTCDateTime


def fold_case_like_postgres(engine: AsyncEngine) -> None:
    """Make SQLite's lower() Unicode-aware, as PostgreSQL's is, so "ève" finds "Ève" on both backends.

    Search compares lower(column) with lower(query); SQLite's built-in lower() only folds ASCII.
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine.sync_engine, "connect")
    def _unicode_lower(dbapi_connection: Any, _record: object) -> None:
        dbapi_connection.create_function("lower", 1, lambda text: text.lower() if isinstance(text, str) else text)


def _contact(row: ContactRow) -> Contact:
    return Contact(
        id=row.id,
        full_name=row.full_name,
        given_name=row.given_name,
        name_key=row.name_key,
        headline=row.headline,
        title=row.title,
        company=row.company,
        location=row.location,
        email=row.email,
        avatar_url=row.avatar_url,
        linkedin_member_id=row.linkedin_member_id,
        linkedin_slug=row.linkedin_slug,
        linkedin_url=row.linkedin_url,
        last_message_text=row.last_message_text,
        last_message_from_self=row.last_message_from_self,
        last_message_at=row.last_message_at,
        last_interaction_at=row.last_interaction_at,
        interaction_count=row.interaction_count,
        sources=row.sources,
        connected_on=row.connected_on,
        notes=row.notes,
        edited_fields=edits.parse(row.edited_fields),
    )


# --- reads -------------------------------------------------------------------------------------------------


# On PostgreSQL, through the trigram index ix_contacts_search.
SEARCHED: ColumnClause[str] = literal_column(SEARCHED_TEXT)
SEARCHED_COLUMNS = (ContactRow.full_name, ContactRow.company, ContactRow.title, ContactRow.headline)


def _like_pattern(query: str) -> str:
    """`query` as a LIKE pattern that finds it anywhere, its wildcards and the escape character literal."""
    escaped = query.replace("/", "//").replace("%", "/%").replace("_", "/_")
    return f"%{escaped}%"


def _listed(dialect_name: str, user_id: str, search: Search, source: int) -> list[Any]:
    """Which contacts a listing shows: the user's; with a search text, those whose name, company, title,
    headline or email contains it (case-insensitive, LIKE wildcards literal; in the name, accents aside too:
    "jose" and "josé" find José and Jose); with a profile address, the one with its member id or slug; seen
    through `source` (a domain.sources.Source bit) when it is not 0.

    PostgreSQL finds searched contacts through the trigram index, at any number of contacts; SQLite (embedded,
    one person's data) reads the user's contacts.
    """
    filters: list[Any] = [col(ContactRow.user_id) == user_id]
    if search.profile is not None:
        filters.append(_with_identity(search.profile))
    elif search.text:
        filters.append(_matching_text(dialect_name, search.text))
    if source:
        filters.append(CONTACTS.c.sources.op("&")(source) != 0)
    return filters


def _with_identity(identity: LinkedInId) -> Any:
    member, slug = col(ContactRow.linkedin_member_id), col(ContactRow.linkedin_slug)
    if identity.member_id:
        return member == identity.member_id
    return slug == identity.slug


def _matching_text(dialect_name: str, query: str) -> Any:
    folded = _like_pattern(fold(query))
    if dialect_name == "postgresql":
        match = SEARCHED.like(func.lower(_like_pattern(query)), escape="/")
        # Folded, a query with accents also finds names written without them; one without has nothing to fold.
        return match if query.isascii() else or_(match, SEARCHED.like(folded, escape="/"))
    # SQLite: the folded query in the name key after its group digit, which the pattern's leading `_` takes (a
    # search for "1" must not find every name); cheaper than a substr() per contact.
    in_folded_name = col(ContactRow.name_key).like("_" + folded, escape="/")
    # SQLite's own LIKE ignores the case of ASCII letters, in C: about 6× faster than calling the Unicode-aware
    # lower() (a Python function) for every field of every contact. Emails are ASCII: always compared so.
    pattern = _like_pattern(query)
    in_email = col(ContactRow.email).like(pattern, escape="/")
    if query.isascii():
        return or_(*(col(column).like(pattern, escape="/") for column in SEARCHED_COLUMNS), in_email, in_folded_name)
    return or_(
        *(col(column).icontains(query, autoescape=True) for column in SEARCHED_COLUMNS), in_email, in_folded_name
    )


async def page(
    session: AsyncSession,
    user_id: str,
    search: Search,
    limit: int,
    after: Cursor | None,
    source: int = 0,
    sort: Sort = Sort.LAST_INTERACTION,
) -> list[Contact]:
    """Up to `limit` listed contacts (`_listed`) after `after`, in the order `sort` (domain/listing.py).

    Each order is a range scan of one index, so a page costs the same at any depth: the name order on
    ix_contacts_user_name_key (user_id, name_key, id); the activity orders on ix_contacts_user_activity
    (user_id, last_interaction_at, id) in two parts, because SQLite cannot index `NULLS LAST`: contacts with
    activity (backward for the newest first, forward for the quietest first), then, once those run out,
    contacts without, by id.
    """
    filters = _listed(dialect(session), user_id, search, source)
    if sort is Sort.NAME:
        return await _by_name(session, filters, limit, after)
    descending = sort is Sort.LAST_INTERACTION
    rows: list[ContactRow] = []
    active_at, contact_id = col(ContactRow.last_interaction_at), col(ContactRow.id)
    if after is None or after.last_interaction_at is not None:
        statement = select_rows(ContactRow).where(*filters, active_at.is_not(None))
        if after is not None:
            key = tuple_(literal(after.last_interaction_at, UTCDateTime()), literal(after.contact_id))
            position = tuple_(active_at, contact_id)
            statement = statement.where(position < key if descending else position > key)
        order = (active_at.desc(), contact_id.desc()) if descending else (active_at.asc(), contact_id.asc())
        rows = list((await session.exec(statement.order_by(*order).limit(limit))).all())
    if len(rows) < limit:  # the active contacts ran out: continue with the never-active ones
        statement = select_rows(ContactRow).where(*filters, active_at.is_(None))
        if after is not None and after.last_interaction_at is None:
            statement = statement.where(contact_id < after.contact_id if descending else contact_id > after.contact_id)
        statement = statement.order_by(contact_id.desc() if descending else contact_id.asc())
        rows.extend((await session.exec(statement.limit(limit - len(rows)))).all())
    return [_contact(row) for row in rows]


async def _by_name(session: AsyncSession, filters: list[Any], limit: int, after: Cursor | None) -> list[Contact]:
    name, contact_id = col(ContactRow.name_key), col(ContactRow.id)
    statement = select_rows(ContactRow).where(*filters)
    if after is not None:
        statement = statement.where(
            tuple_(name, contact_id) > tuple_(literal(after.name_key), literal(after.contact_id))
        )
    statement = statement.order_by(name.asc(), contact_id.asc()).limit(limit)
    return [_contact(row) for row in (await session.exec(statement)).all()]


async def listed_count(session: AsyncSession, user_id: str, search: Search, source: int = 0) -> int:
    """How many contacts a listing with this search and source shows in all."""
    statement = (
        select_rows(func.count()).select_from(ContactRow).where(*_listed(dialect(session), user_id, search, source))
    )
    return int((await session.exec(statement)).one())


async def get(session: AsyncSession, user_id: str, contact_id: str) -> Contact | None:
    statement = select_rows(ContactRow).where(ContactRow.user_id == user_id, ContactRow.id == contact_id)
    row = (await session.exec(statement)).first()
    return _contact(row) if row is not None else None


async def with_identity(session: AsyncSession, user_id: str, identity: LinkedInId) -> list[Contact]:
    """The contacts carrying the member id or the slug (at most one each: both are unique per user)."""
    matches = []
    if identity.member_id:
        matches.append(col(ContactRow.linkedin_member_id) == identity.member_id)
    if identity.slug:
        matches.append(col(ContactRow.linkedin_slug) == identity.slug)
    if not matches:
        return []
    statement = select_rows(ContactRow).where(ContactRow.user_id == user_id, or_(*matches))
    return [_contact(row) for row in (await session.exec(statement)).all()]


async def count(session: AsyncSession, user_id: str) -> int:
    statement = select_rows(func.count()).select_from(ContactRow).where(ContactRow.user_id == user_id)
    return int((await session.exec(statement)).one())


@cache
def _matching(dialect_name: str) -> Any:
    columns = [CONTACTS.c[name] for name in (*PROFILE_FIELDS, "edited_fields")]
    return select_rows(
        CONTACTS.c.id, CONTACTS.c.linkedin_member_id, CONTACTS.c.linkedin_slug, CONTACTS.c.created_at, *columns
    ).where(
        CONTACTS.c.user_id == bindparam("user_id"),
        or_(
            is_one_of(dialect_name, CONTACTS.c.linkedin_member_id, "member_ids"),
            is_one_of(dialect_name, CONTACTS.c.linkedin_slug, "slugs"),
        ),
    )


async def matching(session: AsyncSession, user_id: str, member_ids: set[str], slugs: set[str]) -> list[KnownContact]:
    """The contacts carrying any of these member ids or slugs, as matching needs them (one query on the
    unique indexes: its cost follows the batch, not the user's contact count)."""
    if not member_ids and not slugs:
        return []
    params = {"user_id": user_id, "member_ids": sorted(member_ids), "slugs": sorted(slugs)}
    statement = _matching(dialect(session))
    rows = (await session.exec(statement, params=params)).all()
    return [
        KnownContact(
            id=row[0],
            member_id=row[1],
            slug=row[2],
            created_at=row[3],
            profile={name: row[4 + i] or "" for i, name in enumerate(PROFILE_FIELDS)},
            edited=edits.parse(row[4 + len(PROFILE_FIELDS)]),
        )
        for row in rows
    ]


# --- writes ------------------------------------------------------------------------------------------------


@cache
def _create(dialect_name: str) -> Any:
    return dialect_insert(dialect_name, CONTACTS).on_conflict_do_nothing().returning(CONTACTS.c.id)


async def create(
    session: AsyncSession,
    user_id: str,
    drafts: list[ContactDraft],
    now: datetime,
    *,
    sources: int,
    messages: Mapping[str, ContactChange] | None = None,
) -> int:
    """Insert new contacts seen through `sources` with ON CONFLICT DO NOTHING; return how many were inserted.
    A contact in `messages` starts with that many messages and that newest one.

    Fewer than asked means another writer created one of them meanwhile.
    """
    if not drafts:
        return 0
    gains = messages or {}
    rows = [
        {
            "id": draft.id,
            "user_id": user_id,
            "linkedin_member_id": draft.member_id,
            "linkedin_slug": draft.slug,
            **draft.profile,
            "name_key": name_key(draft.profile.get("full_name", "")),
            **_aggregates(gains.get(draft.id)),
            "created_at": now,
            "updated_at": now,
            "sources": int(sources),
            "connected_on": draft.connected_on,
            "imported_profile": draft.imported_profile,
        }
        for draft in sorted(drafts, key=lambda d: (d.member_id or "", d.slug or ""))
    ]
    return len((await session.exec(_create(dialect(session)), params=rows)).all())


def _aggregates(gain: ContactChange | None) -> dict[str, Any]:
    """A new contact's message count and last message."""
    newest = gain.newest if gain else None
    return {
        "last_message_text": newest.text if newest else None,
        "last_message_from_self": newest.from_self if newest else None,
        "last_message_at": newest.occurred_at if newest else None,
        "last_interaction_at": newest.occurred_at if newest else None,
        "interaction_count": gain.added if gain else 0,
    }


async def absorb_sources(session: AsyncSession, user_id: str, *, survivor: str, absorbed: str) -> None:
    """Before a merge deletes `absorbed`: the survivor gains its sources, and its connection date, imported
    values, the user's note and edited-field marks when it has none."""
    other = CONTACTS.alias("absorbed")

    def of_absorbed(column: str) -> Any:
        return select(other.c[column]).where(other.c.user_id == user_id, other.c.id == absorbed).scalar_subquery()

    await session.exec(
        update(CONTACTS)
        .where(CONTACTS.c.user_id == user_id, CONTACTS.c.id == survivor)
        .values(
            sources=CONTACTS.c.sources.op("|")(func.coalesce(of_absorbed("sources"), 0)),
            connected_on=func.coalesce(CONTACTS.c.connected_on, of_absorbed("connected_on")),
            imported_profile=func.coalesce(CONTACTS.c.imported_profile, of_absorbed("imported_profile")),
            notes=case((CONTACTS.c.notes == "", func.coalesce(of_absorbed("notes"), "")), else_=CONTACTS.c.notes),
            edited_fields=case(
                (CONTACTS.c.edited_fields == "", func.coalesce(of_absorbed("edited_fields"), "")),
                else_=CONTACTS.c.edited_fields,
            ),
        )
    )


async def delete_one(session: AsyncSession, user_id: str, contact_id: str) -> None:
    await session.exec(delete(CONTACTS).where(CONTACTS.c.user_id == user_id, CONTACTS.c.id == contact_id))


async def clear_slugs(session: AsyncSession, user_id: str, contact_ids: list[str]) -> None:
    """Clear the stored slugs of these contacts (before slugs move between contacts)."""
    if contact_ids:
        await session.exec(
            update(CONTACTS)
            .where(CONTACTS.c.user_id == user_id, CONTACTS.c.id.in_(sorted(contact_ids)))
            .values(linkedin_slug=None)
        )


_CHANGE_COLUMNS: dict[str, TypeEngine[Any]] = {
    "contact_id": String(),
    "linkedin_member_id": String(),
    "linkedin_slug": String(),
    **{name: String() for name in PROFILE_FIELDS},
    "name_key": String(),
    "sources": Integer(),
    "connected_on": Date(),
    "imported": Text(),
    "added": Integer(),
    "at": UTCDateTime(),
    "text": String(),
    "from_self": Boolean(),
}
_CHANGE_ROWS = UnnestedRows(_CHANGE_COLUMNS)


@cache
def _change(dialect_name: str) -> Any:
    """One UPDATE for every changed contact: ids, profile, connection date and imported values when given (NULL
    keeps the stored value), sources added to the stored ones, aggregates relative to the stored values (count
    + n; the last message only if newer). On PostgreSQL the rows come as arrays (UnnestedRows: one statement);
    SQLite runs it once per row (executemany), with each value a parameter."""
    value: Callable[[str], Any]
    if dialect_name == "postgresql":
        rows = _CHANGE_ROWS.table
        value = rows.c.__getitem__
        contact_id = rows.c.contact_id
    else:

        def value(name: str) -> Any:
            return bindparam(f"b_{name}", type_=_CHANGE_COLUMNS[name])

        contact_id = value("contact_id")
    statement = update(CONTACTS).where(CONTACTS.c.user_id == bindparam("b_user_id"), CONTACTS.c.id == contact_id)
    at = value("at")
    newer_message = and_(at.is_not(None), or_(CONTACTS.c.last_message_at.is_(None), CONTACTS.c.last_message_at < at))
    newer_activity = and_(
        at.is_not(None), or_(CONTACTS.c.last_interaction_at.is_(None), CONTACTS.c.last_interaction_at < at)
    )
    keep_or_set = {
        column: func.coalesce(value(column), CONTACTS.c[column])
        for column in ("linkedin_member_id", "linkedin_slug", *PROFILE_FIELDS, "name_key")
    }
    return statement.values(
        **keep_or_set,
        interaction_count=CONTACTS.c.interaction_count + value("added"),
        last_message_text=case((newer_message, value("text")), else_=CONTACTS.c.last_message_text),
        last_message_from_self=case((newer_message, value("from_self")), else_=CONTACTS.c.last_message_from_self),
        last_message_at=case((newer_message, at), else_=CONTACTS.c.last_message_at),
        last_interaction_at=case((newer_activity, at), else_=CONTACTS.c.last_interaction_at),
        sources=CONTACTS.c.sources.op("|")(value("sources")),
        connected_on=func.coalesce(value("connected_on"), CONTACTS.c.connected_on),
        imported_profile=func.coalesce(value("imported"), CONTACTS.c.imported_profile),
        updated_at=bindparam("b_now", type_=UTCDateTime()),
    )


async def apply_changes(
    session: AsyncSession, user_id: str, changes: list[ContactChange], now: datetime, *, sources: int
) -> None:
    """Apply each existing contact's new ids, profile and messages in one statement; each was seen through
    `sources`."""
    rows = []
    for change in sorted(changes, key=lambda c: c.contact_id):
        draft, newest = change.draft, change.newest
        row: dict[str, Any] = {"contact_id": change.contact_id, "sources": int(sources)}
        row["connected_on"] = draft.connected_on if draft else None
        row["imported"] = draft.imported_profile if draft else None
        row["linkedin_member_id"] = draft.member_id if draft else None
        row["linkedin_slug"] = draft.slug if draft else None
        for name in PROFILE_FIELDS:
            row[name] = draft.profile.get(name) if draft else None
        row["name_key"] = name_key(row["full_name"]) if row["full_name"] is not None else None
        row["added"] = change.added
        row["at"] = newest.occurred_at if newest else None
        row["text"] = newest.text if newest else None
        row["from_self"] = newest.from_self if newest else None
        rows.append(row)
    if not rows:
        return
    dialect_name = dialect(session)
    params: Any
    if dialect_name == "postgresql":
        params = {**_CHANGE_ROWS.params(rows), "b_user_id": user_id, "b_now": now}
    else:
        params = [{"b_user_id": user_id, "b_now": now, **{f"b_{name}": v for name, v in row.items()}} for row in rows]
    await session.exec(_change(dialect_name), params=params)


async def recount(session: AsyncSession, user_id: str, contact_ids: set[str]) -> None:
    """Aggregates of these contacts computed afresh from their interactions (after a merge)."""
    for contact_id in sorted(contact_ids):
        mine = and_(INTERACTIONS.c.user_id == user_id, INTERACTIONS.c.contact_id == contact_id)
        latest = (
            select(INTERACTIONS.c.text, INTERACTIONS.c.from_self, INTERACTIONS.c.occurred_at)
            .where(mine)
            .order_by(INTERACTIONS.c.occurred_at.desc(), INTERACTIONS.c.source_urn.desc())
            .limit(1)
        )
        total = select(func.count()).select_from(INTERACTIONS).where(mine).scalar_subquery()
        newest = latest.subquery()
        await session.exec(
            update(CONTACTS)
            .where(CONTACTS.c.user_id == user_id, CONTACTS.c.id == contact_id)
            .values(
                interaction_count=total,
                last_message_text=select(newest.c.text).scalar_subquery(),
                last_message_from_self=select(newest.c.from_self).scalar_subquery(),
                last_message_at=select(newest.c.occurred_at).scalar_subquery(),
                last_interaction_at=select(newest.c.occurred_at).scalar_subquery(),
            )
        )


async def edit(
    session: AsyncSession, user_id: str, contact_id: str, values: dict[str, str], edited_fields: str, now: datetime
) -> None:
    """The user's own edit: the values and the edited-fields mark."""
    keyed = {"name_key": name_key(values["full_name"])} if "full_name" in values else {}
    await session.exec(
        update(CONTACTS)
        .where(CONTACTS.c.user_id == user_id, CONTACTS.c.id == contact_id)
        .values(**values, **keyed, edited_fields=edited_fields, updated_at=now)
    )


async def set_avatar(session: AsyncSession, user_id: str, contact_id: str, avatar_url: str, now: datetime) -> bool:
    """A stored photo: the contact's avatar (the refused CDN address is no longer needed). False: no such contact."""
    result = await session.exec(
        update(CONTACTS)
        .where(CONTACTS.c.user_id == user_id, CONTACTS.c.id == contact_id)
        .values(avatar_url=avatar_url, photo_refused_url="", updated_at=now)
    )
    return bool(result.rowcount)

"""Listing a user's contacts: newest activity first, searched, in keyset pages.

Order: last_interaction_at descending with contacts that never interacted
last, ties by id descending. SQLite cannot index `DESC NULLS LAST`, so a
page is read in two index-ordered parts on ix_contacts_user_activity
(user_id, last_interaction_at, id): contacts with activity, then — once
those run out — contacts without, by id. Each part is one range scan, so a
page costs the same at any depth.

The cursor is opaque to clients: urlsafe base64 of the last row's sort key.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import event, literal, or_, tuple_
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from contacts_service import limits
from contacts_service.models import Contact
from pingcrm_common.errors import InvalidArgument
from pingcrm_common.models import UTCDateTime

MAX_QUERY = 200


def fold_case_like_postgres(engine: AsyncEngine) -> None:
    """Make SQLite's lower() Unicode-aware, as PostgreSQL's is, so "ève" finds "Ève" on both backends.

    Search compares lower(column) with lower(query); SQLite's built-in lower() only folds ASCII.
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine.sync_engine, "connect")
    def _unicode_lower(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection.create_function("lower", 1, lambda text: text.lower() if isinstance(text, str) else text)


@dataclass(frozen=True)
class Cursor:
    """Where a page ended: the sort key of its last contact."""

    last_interaction_at: datetime | None
    contact_id: str

    def encode(self) -> str:
        at = self.last_interaction_at.isoformat() if self.last_interaction_at else None
        raw = json.dumps({"at": at, "id": self.contact_id}, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str) -> Cursor:
        try:
            data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
            at = data["at"]
            contact_id = data["id"]
            if not isinstance(contact_id, str) or not (at is None or isinstance(at, str)):
                raise ValueError("wrong types")
            if not 0 < len(contact_id) <= 64 or "\x00" in contact_id:
                raise ValueError("not a contact id")
            moment = datetime.fromisoformat(at) if at is not None else None
            if moment is not None and moment.tzinfo is None:
                raise ValueError("naive time")
        except (binascii.Error, UnicodeDecodeError, ValueError, KeyError, TypeError) as error:
            raise InvalidArgument("cursor is not one this API returned", code="invalid_cursor") from error
        return cls(moment, contact_id)


@dataclass(frozen=True)
class Page:
    contacts: list[Contact]
    next_cursor: str  # empty on the last page


async def list_contacts(session: AsyncSession, user_id: str, query: str, size: int, cursor_token: str) -> Page:
    """One page of `user_id`'s contacts whose name or company contains `query` (case-insensitive)."""
    size = limits.page_size(size)
    query = query.replace("\x00", "").strip()
    if len(query) > MAX_QUERY:
        raise InvalidArgument(f"the search text is limited to {MAX_QUERY} characters", code="query_too_long")
    cursor = Cursor.decode(cursor_token) if cursor_token else None
    filters = [col(Contact.user_id) == user_id]
    if query:
        filters.append(
            or_(
                col(Contact.full_name).icontains(query, autoescape=True),
                col(Contact.company).icontains(query, autoescape=True),
            )
        )
    rows: list[Contact] = []
    active_at = col(Contact.last_interaction_at)
    if cursor is None or cursor.last_interaction_at is not None:
        statement = select(Contact).where(*filters, active_at.is_not(None))
        if cursor is not None:
            after = tuple_(literal(cursor.last_interaction_at, UTCDateTime()), literal(cursor.contact_id))
            statement = statement.where(tuple_(active_at, col(Contact.id)) < after)
        statement = statement.order_by(active_at.desc(), col(Contact.id).desc()).limit(size + 1)
        rows = list((await session.exec(statement)).all())
    if len(rows) <= size:  # the active contacts ran out on this page: continue with the never-active ones
        statement = select(Contact).where(*filters, active_at.is_(None))
        if cursor is not None and cursor.last_interaction_at is None:
            statement = statement.where(col(Contact.id) < cursor.contact_id)
        statement = statement.order_by(col(Contact.id).desc()).limit(size + 1 - len(rows))
        rows.extend((await session.exec(statement)).all())
    page = rows[:size]
    more = len(rows) > size
    next_cursor = Cursor(page[-1].last_interaction_at, page[-1].id).encode() if more and page else ""
    return Page(page, next_cursor)

"""Interactions (LinkedIn messages) in SQL: idempotent inserts, moves on merge, the latest of a contact.

A message's Voyager URN is unique per user, and so is its message key (the
same message from messages.csv and from Voyager, domain/message_key.py):
two constraints. Inserts say ON CONFLICT DO NOTHING — without a target, so
either constraint skips the row — and RETURN what they really inserted:
re-pushes, racing pushes and a message seen from both sources never
duplicate, and counts are exact.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Boolean, String, Text, literal, tuple_, update
from sqlalchemy.types import TypeEngine
from sqlmodel import col
from sqlmodel import select as select_rows
from sqlmodel.ext.asyncio.session import AsyncSession

from contacts_service.domain.records import Interaction, NewMessage, StoredMessage
from contacts_service.models import INTERACTIONS
from contacts_service.models import Interaction as InteractionRow
from pingcrm_common.db import UnnestedRows, dialect
from pingcrm_common.models import UTCDateTime, new_id

COLUMNS: dict[str, TypeEngine[Any]] = {
    "id": String(),
    "user_id": String(),
    "contact_id": String(),
    "source_urn": String(),
    "from_self": Boolean(),
    "text": Text(),
    "occurred_at": UTCDateTime(),
    "message_key": String(),
}
_ROWS = UnnestedRows(COLUMNS)


@cache
def _insert_new(dialect_name: str) -> Any:
    """INSERT … ON CONFLICT DO NOTHING (URN or message key) RETURNING what was really inserted."""
    # The rows as one array per column (UnnestedRows): the same statement for any number of messages.
    return _ROWS.insert(dialect_name, INTERACTIONS).on_conflict_do_nothing().returning(
        INTERACTIONS.c.contact_id,
        INTERACTIONS.c.source_urn,
        INTERACTIONS.c.from_self,
        INTERACTIONS.c.text,
        INTERACTIONS.c.occurred_at,
    )


async def insert_new(session: AsyncSession, user_id: str, messages: list[NewMessage]) -> list[StoredMessage]:
    """Insert the messages the user does not have yet (URNs must be distinct); return those inserted.

    Rows go in URN order, so concurrent transactions take their locks in the same order.
    """
    if not messages:
        return []
    rows = [
        {
            "id": new_id(),
            "user_id": user_id,
            "contact_id": message.contact_id,
            "source_urn": message.urn,
            "from_self": message.from_self,
            "text": message.text,
            "occurred_at": message.sent_at,
            "message_key": message.message_key,
        }
        for message in sorted(messages, key=lambda m: m.urn)
    ]
    dialect_name = dialect(session)
    params: Any = _ROWS.params(rows) if dialect_name == "postgresql" else rows
    return [StoredMessage(*row) for row in (await session.exec(_insert_new(dialect_name), params=params)).all()]


async def reassign(session: AsyncSession, user_id: str, from_contact: str, to_contact: str) -> None:
    """Move every interaction of one contact to another (a merge)."""
    await session.exec(
        update(INTERACTIONS)
        .where(INTERACTIONS.c.user_id == user_id, INTERACTIONS.c.contact_id == from_contact)
        .values(contact_id=to_contact)
    )


async def latest(
    session: AsyncSession, user_id: str, contact_id: str, limit: int, before: tuple[datetime, str] | None = None
) -> list[Interaction]:
    """The contact's `limit` most recent interactions (older than the (time, URN) `before`, when given), newest
    first."""
    statement = select_rows(InteractionRow).where(
        InteractionRow.user_id == user_id, InteractionRow.contact_id == contact_id
    )
    if before is not None:
        key = tuple_(literal(before[0], UTCDateTime()), literal(before[1]))
        statement = statement.where(tuple_(col(InteractionRow.occurred_at), col(InteractionRow.source_urn)) < key)
    rows = (
        await session.exec(
            statement.order_by(col(InteractionRow.occurred_at).desc(), col(InteractionRow.source_urn).desc()).limit(
                limit
            )
        )
    ).all()
    return [Interaction(row.id, row.source_urn, row.from_self, row.text, row.occurred_at) for row in rows]

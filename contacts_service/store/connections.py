"""Contacts as a Connections.csv import reads them: the candidates of a batch of rows.

Its writes are the contacts' own (store/contacts.py `create`, `apply_changes`).
"""

from __future__ import annotations

import json

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from contacts_service.domain import edits
from contacts_service.domain.imports.records import KnownConnection
from contacts_service.models import CONTACTS
from contacts_service.models import Contact as ContactRow

C = CONTACTS.c


async def candidates(
    session: AsyncSession, user_id: str, *, member_ids: set[str], slugs: set[str], emails: set[str]
) -> list[KnownConnection]:
    """The user's contacts carrying any of these member ids, slugs or (lower-case) emails, from the unique
    indexes and (user_id, email), so a batch costs the same however many contacts the user has."""
    # One query per index rather than one OR of three: PostgreSQL may plan such an OR as a scan of the user's
    # contacts, which made every batch cost more as the import went on.
    keys = [
        (C.linkedin_member_id, member_ids),
        (C.linkedin_slug, slugs),
        (C.email, emails),
    ]
    rows: dict[str, ContactRow] = {}
    for column, values in keys:
        if values:
            statement = select(ContactRow).where(C.user_id == user_id, column.in_(sorted(values)))
            rows.update((row.id, row) for row in (await session.exec(statement)).all())
    return [
        KnownConnection(
            id=row.id,
            member_id=row.linkedin_member_id,
            slug=row.linkedin_slug,
            email=row.email,
            full_name=row.full_name,
            given_name=row.given_name,
            title=row.title,
            company=row.company,
            linkedin_url=row.linkedin_url,
            headline=row.headline,
            avatar_url=row.avatar_url,
            connected_on=row.connected_on,
            sources=row.sources,
            imported=json.loads(row.imported_profile) if row.imported_profile else {},
            edited=edits.parse(row.edited_fields),
        )
        for row in rows.values()
    ]

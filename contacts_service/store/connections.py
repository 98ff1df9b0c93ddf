"""Contacts as a Connections.csv import reads them: the candidates of a batch of rows.

Its writes are the contacts' own (store/contacts.py `create`, `apply_changes`).
"""

from __future__ import annotations

import json

from sqlalchemy import or_
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from contacts_service.domain.imports.records import KnownConnection
from contacts_service.models import CONTACTS
from contacts_service.models import Contact as ContactRow

C = CONTACTS.c


async def candidates(
    session: AsyncSession, user_id: str, *, member_ids: set[str], slugs: set[str], emails: set[str]
) -> list[KnownConnection]:
    """The user's contacts carrying any of these member ids, slugs or (lower-case) emails: one query on the
    unique indexes and (user_id, email), so a batch costs the same however many contacts the user has."""
    matches = []
    if member_ids:
        matches.append(C.linkedin_member_id.in_(sorted(member_ids)))
    if slugs:
        matches.append(C.linkedin_slug.in_(sorted(slugs)))
    if emails:
        matches.append(C.email.in_(sorted(emails)))
    if not matches:
        return []
    statement = select(ContactRow).where(C.user_id == user_id, or_(*matches))
    return [
        KnownConnection(
            id=row.id,
            member_id=row.linkedin_member_id,
            slug=row.linkedin_slug,
            email=row.email,
            full_name=row.full_name,
            title=row.title,
            company=row.company,
            linkedin_url=row.linkedin_url,
            connected_on=row.connected_on,
            sources=row.sources,
            imported=json.loads(row.imported_profile) if row.imported_profile else {},
        )
        for row in (await session.exec(statement)).all()
    ]

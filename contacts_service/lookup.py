"""One contact of the caller: by id (with its recent interactions) or by LinkedIn identity.

Every query names the user: another user's contact is indistinguishable from
one that does not exist (NOT_FOUND either way).
"""

from __future__ import annotations

from sqlalchemy import or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from contacts_service import limits
from contacts_service.linkedin_identity import InvalidIdentity, normalize
from contacts_service.models import Contact, Interaction
from pingcrm_common.errors import InvalidArgument, NotFound


def _not_found() -> NotFound:
    return NotFound("contact not found", code="contact_not_found")


async def get_contact(
    session: AsyncSession, user_id: str, contact_id: str, interactions_limit: int
) -> tuple[Contact, list[Interaction]]:
    """The contact and its most recent interactions, newest first."""
    count = limits.recent_interactions(interactions_limit)
    if "\x00" in contact_id:  # PostgreSQL cannot even compare such a string; no id contains one
        raise _not_found()
    contact = (await session.exec(select(Contact).where(Contact.user_id == user_id, Contact.id == contact_id))).first()
    if contact is None:
        raise _not_found()
    interactions = (
        await session.exec(
            select(Interaction)
            .where(Interaction.user_id == user_id, Interaction.contact_id == contact_id)
            .order_by(col(Interaction.occurred_at).desc(), col(Interaction.source_urn).desc())
            .limit(count)
        )
    ).all()
    return contact, list(interactions)


async def find_by_linkedin(session: AsyncSession, user_id: str, member_id: str, slug: str) -> Contact:
    """The contact with this member id, else the one with this slug."""
    if not (member_id.strip() or slug.strip()):
        raise InvalidArgument("give a member_id or a slug", code="identity_required")
    try:
        identity = normalize(member_id, slug)
    except InvalidIdentity as error:
        raise InvalidArgument(str(error), code="invalid_identity") from error
    matches = []
    if identity.member_id:
        matches.append(col(Contact.linkedin_member_id) == identity.member_id)
    if identity.slug:
        matches.append(col(Contact.linkedin_slug) == identity.slug)
    found = (await session.exec(select(Contact).where(Contact.user_id == user_id, or_(*matches)))).all()
    if not found:
        raise _not_found()
    # The member id never changes hands; a slug may have (see matching.py).
    return next((c for c in found if identity.member_id and c.linkedin_member_id == identity.member_id), found[0])

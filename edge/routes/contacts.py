"""The caller's contacts: a searchable list, newest activity first, and one contact."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from pingcrm.contacts.v1 import contacts_service_pb2 as pb
from pydantic import BaseModel

from edge.deps import AnyUser, CallRpc, ContactsStub
from edge.grpc_status import API_ERRORS, problem_responses
from pingcrm_common.timestamps import to_datetime

router = APIRouter(prefix="/api/v1/contacts", tags=["contacts"], responses=problem_responses(*API_ERRORS, 401))

# What the OpenAPI schema states. contacts_service decides (more than its maximum per page is 422
# `limit_too_large` from it); tests/edge/test_contacts_http.py proves these numbers are the service's.
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 100
MAX_QUERY = 200
INT32_MAX = 2**31 - 1  # page_size is an int32 in the proto

# Where a contact was seen: the extension's sync, a Connections.csv import, a messages.csv import.
Source = Literal["linkedin_dm", "connections_import", "messages_import"]
SOURCES: dict[Source, pb.ContactSource] = {
    "linkedin_dm": pb.CONTACT_SOURCE_LINKEDIN_DM,
    "connections_import": pb.CONTACT_SOURCE_CONNECTIONS_IMPORT,
    "messages_import": pb.CONTACT_SOURCE_MESSAGES_IMPORT,
}
SOURCE_NAMES = {number: name for name, number in SOURCES.items()}


class LinkedInOut(BaseModel):
    member_id: str | None
    slug: str | None
    url: str | None


class LastMessageOut(BaseModel):
    text: str
    from_self: bool
    at: datetime | None


class ContactOut(BaseModel):
    id: str
    full_name: str
    headline: str
    title: str
    company: str
    location: str
    avatar_url: str | None
    linkedin: LinkedInOut
    last_message: LastMessageOut | None
    last_interaction_at: datetime | None
    interaction_count: int
    sources: list[Source]
    connected_on: date | None


class ContactPage(BaseModel):
    items: list[ContactOut]
    next_cursor: str | None


class InteractionOut(BaseModel):
    id: str
    urn: str
    from_self: bool
    text: str
    at: datetime | None


class ContactDetail(ContactOut):
    recent_interactions: list[InteractionOut]


def _contact(contact: pb.Contact) -> dict[str, object]:
    last = contact.last_message if contact.HasField("last_message") else None
    return {
        "id": contact.id,
        "full_name": contact.full_name,
        "headline": contact.headline,
        "title": contact.title,
        "company": contact.company,
        "location": contact.location,
        "avatar_url": contact.avatar_url or None,
        "linkedin": LinkedInOut(
            member_id=contact.linkedin.member_id or None,
            slug=contact.linkedin.slug or None,
            url=contact.linkedin.profile_url or None,
        ),
        "last_message": LastMessageOut(
            text=last.text, from_self=last.direction == pb.DIRECTION_OUTBOUND, at=to_datetime(last, "sent_at")
        )
        if last is not None
        else None,
        "last_interaction_at": to_datetime(contact, "last_interaction_at"),
        "interaction_count": contact.interaction_count,
        "sources": [SOURCE_NAMES[source] for source in contact.sources if source in SOURCE_NAMES],
        "connected_on": date.fromisoformat(contact.connected_on) if contact.connected_on else None,
    }


@router.get("", response_model=ContactPage, operation_id="listContacts")
async def list_contacts(
    _: AnyUser,
    contacts: ContactsStub,
    rpc: CallRpc,
    q: Annotated[str, Query(max_length=MAX_QUERY, description="case-insensitive part of a name or company")] = "",
    # contacts_service refuses more than MAX_PAGE_SIZE (422 `limit_too_large`); the schema says so.
    limit: Annotated[
        int,
        Query(ge=1, le=INT32_MAX, description=f"at most {MAX_PAGE_SIZE}", json_schema_extra={"maximum": MAX_PAGE_SIZE}),
    ] = DEFAULT_PAGE_SIZE,
    cursor: Annotated[str, Query(max_length=1024, description="next_cursor of the previous page")] = "",
    source: Annotated[Source | None, Query(description="only contacts seen through this source")] = None,
) -> ContactPage:
    """The caller's contacts, newest activity first, in pages."""
    request = pb.ListContactsRequest(
        query=q, page_size=limit, page_token=cursor, source=SOURCES[source] if source else None
    )
    response = await rpc(contacts.ListContacts, request)
    return ContactPage(
        items=[ContactOut(**_contact(contact)) for contact in response.contacts],
        next_cursor=response.next_page_token or None,
    )


@router.get("/{contact_id}", response_model=ContactDetail, operation_id="getContact", responses=problem_responses(404))
async def get_contact(
    contact_id: Annotated[str, Path(min_length=1, max_length=64)], _: AnyUser, contacts: ContactsStub, rpc: CallRpc
) -> ContactDetail:
    """One contact with its 20 most recent messages, newest first."""
    response = await rpc(contacts.GetContact, pb.GetContactRequest(contact_id=contact_id))
    return ContactDetail(
        **_contact(response.contact),
        recent_interactions=[
            InteractionOut(
                id=item.id,
                urn=item.source_urn,
                from_self=item.direction == pb.DIRECTION_OUTBOUND,
                text=item.text,
                at=to_datetime(item, "occurred_at"),
            )
            for item in response.recent_interactions
        ],
    )

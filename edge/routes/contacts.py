"""The caller's contacts: a searchable list, newest activity first, one contact with its job changes and message
history, the user's own edits, and photos the browser uploads when LinkedIn's CDN refused the server."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse
from pingcrm.contacts.v1 import contacts_service_pb2 as pb
from pydantic import BaseModel, ConfigDict, Field, StrictStr

from edge.deps import AnyUser, CallRpc, ContactsStub, WebUser
from edge.grpc_status import API_ERRORS, problem, problem_responses
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
# The fields the user may edit (contacts_service/domain/edits.py); an edited one is kept when sync brings another.
Editable = Literal["full_name", "title", "company", "notes"]
EDITABLE: tuple[Editable, ...] = ("full_name", "title", "company", "notes")
# The photo upload (contacts_service → media_service StoreAvatar): its limit and the image types it takes.
MAX_PHOTO_BYTES = 5_000_000
PHOTO_TYPES = ("image/jpeg", "image/png", "image/webp")

# How a listing is ordered: newest activity first; by name, A to Z; not contacted for longest first. Both
# activity orders list contacts that were never contacted last.
Sort = Literal["last_interaction", "name", "quiet_longest"]
SORTS: dict[Sort, pb.ContactSort] = {
    "last_interaction": pb.CONTACT_SORT_LAST_INTERACTION,
    "name": pb.CONTACT_SORT_NAME,
    "quiet_longest": pb.CONTACT_SORT_QUIET_LONGEST,
}


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
    edited_fields: list[Editable]


class ContactPage(BaseModel):
    items: list[ContactOut]
    next_cursor: str | None
    total: int = Field(description="how many contacts match the search and source in all, on every page")


class InteractionOut(BaseModel):
    id: str
    urn: str
    from_self: bool
    text: str
    at: datetime | None


class JobChangeOut(BaseModel):
    old_title: str
    old_company: str
    new_title: str
    new_company: str
    seen_at: datetime | None


class ContactDetail(ContactOut):
    notes: str
    job_changes: list[JobChangeOut]
    recent_interactions: list[InteractionOut]
    next_interactions_cursor: str | None
    conversation_url: str | None = Field(
        description="opens the newest synced conversation with the contact in LinkedIn's messaging "
        "(https://www.linkedin.com/messaging/thread/<thread id>/); null when none is known (imported contacts)"
    )


class ContactEdit(BaseModel):
    """The fields to change; a missing (or null) field is unchanged. Limits: full_name (not empty), title and
    company 300 characters, notes 10,000."""

    model_config = ConfigDict(strict=True, extra="forbid")

    full_name: StrictStr | None = None
    title: StrictStr | None = None
    company: StrictStr | None = None
    notes: StrictStr | None = None


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
        "edited_fields": [name for name in EDITABLE if name in contact.edited_fields],
    }


@router.get("", response_model=ContactPage, operation_id="listContacts")
async def list_contacts(
    _: AnyUser,
    contacts: ContactsStub,
    rpc: CallRpc,
    q: Annotated[
        str,
        Query(
            max_length=MAX_QUERY,
            description="case-insensitive part of a name (accents aside), company, title, headline or email; "
            "or a LinkedIn profile address, for that contact",
        ),
    ] = "",
    # contacts_service refuses more than MAX_PAGE_SIZE (422 `limit_too_large`); the schema says so.
    limit: Annotated[
        int,
        Query(ge=1, le=INT32_MAX, description=f"at most {MAX_PAGE_SIZE}", json_schema_extra={"maximum": MAX_PAGE_SIZE}),
    ] = DEFAULT_PAGE_SIZE,
    cursor: Annotated[str, Query(max_length=1024, description="next_cursor of the previous page")] = "",
    source: Annotated[Source | None, Query(description="only contacts seen through this source")] = None,
    sort: Annotated[
        Sort,
        Query(
            description="last_interaction: newest activity first; name: A to Z, accents and case aside; "
            "quiet_longest: not contacted for longest first. Never-contacted contacts come last in both activity "
            "orders. A cursor continues only the order it came from."
        ),
    ] = "last_interaction",
) -> ContactPage:
    """The caller's contacts in pages, in the order asked, with how many match in all."""
    request = pb.ListContactsRequest(
        query=q, page_size=limit, page_token=cursor, source=SOURCES[source] if source else None, sort=SORTS[sort]
    )
    response = await rpc(contacts.ListContacts, request)
    return ContactPage(
        items=[ContactOut(**_contact(contact)) for contact in response.contacts],
        next_cursor=response.next_page_token or None,
        total=response.total_count,
    )


ContactId = Annotated[str, Path(min_length=1, max_length=64)]


def _detail(response: pb.GetContactResponse) -> ContactDetail:
    return ContactDetail(
        **_contact(response.contact),
        notes=response.contact.notes,
        job_changes=[
            JobChangeOut(
                old_title=job.old_title,
                old_company=job.old_company,
                new_title=job.new_title,
                new_company=job.new_company,
                seen_at=to_datetime(job, "seen_at"),
            )
            for job in response.job_changes
        ],
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
        next_interactions_cursor=response.next_interactions_page_token or None,
        conversation_url=response.conversation_url or None,
    )


async def _read(contacts: ContactsStub, rpc: CallRpc, contact_id: str, cursor: str = "") -> ContactDetail:
    request = pb.GetContactRequest(contact_id=contact_id, interactions_page_token=cursor)
    return _detail(await rpc(contacts.GetContact, request))


@router.get("/{contact_id}", response_model=ContactDetail, operation_id="getContact", responses=problem_responses(404))
async def get_contact(
    contact_id: ContactId,
    _: AnyUser,
    contacts: ContactsStub,
    rpc: CallRpc,
    interactions_cursor: Annotated[
        str, Query(max_length=1024, description="next_interactions_cursor of the previous answer: older messages")
    ] = "",
) -> ContactDetail:
    """One contact with its job changes (newest first) and its messages, 20 at a time, newest first."""
    return await _read(contacts, rpc, contact_id, interactions_cursor)


# A UUID in the path (contact ids are UUIDs): PATCH then never matches /api/v1/contacts/import, whose methods
# the path's Allow header lists. Another id is 405 (only GET serves such a path).
@router.patch(
    "/{contact_id:uuid}",
    response_model=ContactDetail,
    operation_id="updateContact",
    responses=problem_responses(403, 404, 405),
)
async def update_contact(
    contact_id: uuid.UUID, body: ContactEdit, _: WebUser, contacts: ContactsStub, rpc: CallRpc
) -> ContactDetail:
    """The user's own edit of name, title, company or note (the web app only). Edited fields are listed in
    `edited_fields` and kept when sync or an import brings other values."""
    values = {name: value for name, value in body.model_dump().items() if value is not None}
    await rpc(contacts.UpdateContact, pb.UpdateContactRequest(contact_id=str(contact_id), **values))
    return await _read(contacts, rpc, str(contact_id))


@router.put(
    "/{contact_id}/photo",
    response_model=ContactDetail,
    operation_id="uploadContactPhoto",
    responses=problem_responses(404, 415),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {kind: {"schema": {"type": "string", "format": "binary"}} for kind in PHOTO_TYPES},
        }
    },
)
async def upload_photo(
    contact_id: ContactId,
    request: Request,
    _: AnyUser,
    contacts: ContactsStub,
    rpc: CallRpc,
    source_url: Annotated[
        str, Query(max_length=2048, description="the photo_url of the contact's backfill candidate")
    ] = "",
) -> ContactDetail | JSONResponse:
    """A contact's photo as the browser fetched it, after LinkedIn's CDN refused the server (a backfill
    candidate's `photo_url`): JPEG, PNG or WebP up to 5,000,000 bytes (413 beyond), checked and re-encoded by
    media_service like a download. 503 naming the service while photos cannot be stored."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind not in PHOTO_TYPES:
        return problem(415, code="unsupported_photo_type", detail=f"send the photo as one of {', '.join(PHOTO_TYPES)}")
    data = await request.body()
    if len(data) > MAX_PHOTO_BYTES:
        return problem(413, code="photo_too_large", detail=f"a photo is at most {MAX_PHOTO_BYTES:,} bytes")
    await rpc(
        contacts.UploadContactPhoto,
        pb.UploadContactPhotoRequest(contact_id=contact_id, source_url=source_url, content=data),
    )
    return await _read(contacts, rpc, contact_id)

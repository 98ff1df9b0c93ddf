"""The extension's LinkedIn push, its backfill hand-out and its history list (docs/linkedin-sync.md §2).

The edge checks the shape (containers and field types; 422 when wrong), then
hands the push over as one RPC. Every rule about the content lives in
contacts_service: a push over one of its limits comes back as
INVALID_ARGUMENT with the limit's `code` (422 here), and malformed items
(missing URN, unusable time, partner without ids, …) are skipped and named
in `rejected`; so a `sent_at` the edge cannot read travels as an unset time
instead of failing the request.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pingcrm.contacts.v1 import contacts_service_pb2 as pb
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, JsonValue, StrictBool, StrictStr

from edge.deps import AnyUser, CallRpc, ContactsStub
from edge.grpc_status import API_ERRORS, problem_responses
from edge.timestamps import parse_api_time, write_api_time
from pingcrm_common.timestamps import to_datetime

router = APIRouter(prefix="/api/v1/linkedin", tags=["linkedin"], responses=problem_responses(*API_ERRORS, 401))

# JSON can carry half of a UTF-16 surrogate pair (text cut in the middle of an emoji, escaped as
# "\ud83d"); it has no UTF-8 form, so it becomes U+FFFD instead of failing the whole push.
LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _well_formed(text: str) -> str:
    return text if text.isascii() else LONE_SURROGATE.sub("\ufffd", text)


WellFormed = Annotated[StrictStr, AfterValidator(_well_formed)]
Text = Annotated[WellFormed | None, Field(default=None)]

# What the OpenAPI schema states for the history list; contacts_service decides (more than its maximum is
# 422 `limit_too_large` from it); tests/edge/test_linkedin_history_http.py proves the numbers are the service's.
DEFAULT_HISTORY_LIMIT = 30
MAX_HISTORY_LIMIT = 100
INT32_MAX = 2**31 - 1  # page_size is an int32 in the proto
TIME_FORMATS = "epoch milliseconds or an RFC 3339 time with an offset"


def _a_time(value: int | str | None) -> int | str | None:
    if value is not None and parse_api_time(value) is None:
        raise ValueError(f"not a time; send {TIME_FORMATS}")
    return value


HistoryTime = Annotated[int | str | None, AfterValidator(_a_time), Field(default=None, description=TIME_FORMATS)]


class Shape(BaseModel):
    """Strict field types (no "1" for true); unknown fields are ignored so newer extensions still push."""

    model_config = ConfigDict(strict=True, extra="ignore")


class PartnerIn(Shape):
    member_id: Text = None
    slug: Text = None
    first_name: Text = None
    last_name: Text = None
    headline: Text = None
    profile_url: Text = None


class MessageIn(Shape):
    urn: Text = None
    from_self: StrictBool = False
    text: Text = None
    sent_at: JsonValue = Field(
        default=None,
        description="epoch milliseconds or an RFC 3339 time with an offset; anything else rejects only this message",
    )


class ConversationIn(Shape):
    urn: Text = None
    partner: PartnerIn | None = None
    messages: list[MessageIn] = []
    first_message_at: HistoryTime = None
    older_missing_after: HistoryTime = None


class PositionIn(Shape):
    title: Text = None
    company: Text = None
    current: StrictBool = False


class ProfileIn(PartnerIn):
    """A backfill candidate's profile: identity and names plus profile details (docs/linkedin-sync.md §2,
    "Profiles"). It only enriches an existing contact; its photo is downloaded later, off the request."""

    location: Text = None
    positions: list[PositionIn] = []
    photo_urls: list[WellFormed] = []


class IdentityIn(Shape):
    member_id: Text = None
    slug: Text = None


class PushIn(Shape):
    conversations: list[ConversationIn] = []
    profiles: list[ProfileIn] = []
    # Backfill candidates whose profile LinkedIn no longer has (404, account closed): not asked for again.
    profiles_gone: list[IdentityIn] = []


class RejectedOut(BaseModel):
    path: str
    reason: str


class BackfillOut(BaseModel):
    contact_id: str
    member_id: str | None
    slug: str | None
    # Set when LinkedIn's CDN refused the server this photo: fetch it in the browser and PUT the bytes to
    # /api/v1/contacts/{contact_id}/photo?source_url=…
    photo_url: str | None


class PushOut(BaseModel):
    contacts_created: int
    contacts_updated: int
    interactions_created: int
    interactions_skipped: int
    rejected: list[RejectedOut]


class BackfillTakenOut(BaseModel):
    candidates: list[BackfillOut]


# The request is written in place (`add()`, nested fields set where they live): handing built messages to a
# constructor copies each one again at every level, which was more than half the edge's conversion time on a
# push of 500 messages.
def _write_person(target: pb.PushedPartner | pb.PushedProfile, person: PartnerIn) -> None:
    """The fields a partner and a profile share."""
    target.identity.member_id = person.member_id or ""
    target.identity.slug = person.slug or ""
    target.identity.profile_url = person.profile_url or ""
    target.first_name = person.first_name or ""
    target.last_name = person.last_name or ""
    target.headline = person.headline or ""


def _add_conversation(request: pb.PushLinkedInRequest, conversation: ConversationIn) -> None:
    added = request.conversations.add(urn=conversation.urn or "")
    if conversation.partner is not None:
        _write_person(added.partner, conversation.partner)
    for message in conversation.messages:
        written = added.messages.add(urn=message.urn or "", from_self=message.from_self, text=message.text or "")
        write_api_time(written.sent_at, message.sent_at)
    write_api_time(added.first_message_at, conversation.first_message_at)
    write_api_time(added.older_missing_after, conversation.older_missing_after)


def _add_profile(request: pb.PushLinkedInRequest, profile: ProfileIn) -> None:
    added = request.profiles.add(location=profile.location or "", photo_urls=profile.photo_urls)
    _write_person(added, profile)
    for position in profile.positions:
        added.positions.add(title=position.title or "", company=position.company or "", current=position.current)


@router.post(
    "/push",
    response_model=PushOut,
    operation_id="pushLinkedIn",
)
async def push(body: PushIn, _: AnyUser, contacts: ContactsStub, rpc: CallRpc) -> PushOut:
    """Store conversations parsed by the extension; malformed items come back in `rejected`."""
    request = pb.PushLinkedInRequest()
    for conversation in body.conversations:
        _add_conversation(request, conversation)
    for profile in body.profiles:
        _add_profile(request, profile)
    for identity in body.profiles_gone:
        request.profiles_gone.add(member_id=identity.member_id or "", slug=identity.slug or "")
    response = await rpc(contacts.PushLinkedIn, request)
    return PushOut(
        contacts_created=response.contacts_created,
        contacts_updated=response.contacts_updated,
        interactions_created=response.interactions_created,
        interactions_skipped=response.interactions_skipped,
        rejected=[RejectedOut(path=item.path, reason=item.reason) for item in response.rejected],
    )


@router.post("/backfill", response_model=BackfillTakenOut, operation_id="takeBackfillCandidates")
async def take_backfill(_: AnyUser, contacts: ContactsStub, rpc: CallRpc) -> BackfillTakenOut:
    """The contacts whose profiles to fetch now (at most 10, most recently active first), handed out: each is
    asked for again only after a growing pause (1 h, 2 h, 4 h … 7 days) unless its profile completes it. The
    extension asks once per sync, after its pushes."""
    response = await rpc(contacts.TakeBackfillCandidates, pb.TakeBackfillCandidatesRequest())
    return BackfillTakenOut(
        candidates=[
            BackfillOut(
                contact_id=item.contact_id,
                member_id=item.member_id or None,
                slug=item.slug or None,
                photo_url=item.photo_url or None,
            )
            for item in response.candidates
        ]
    )


class HistoryPartnerOut(BaseModel):
    member_id: str | None
    slug: str | None


class IncompleteConversationOut(BaseModel):
    urn: str
    partner: HistoryPartnerOut
    before: datetime | None
    after: datetime | None


class HistoryOut(BaseModel):
    conversations: list[IncompleteConversationOut]
    total: int


@router.get("/history", response_model=HistoryOut, operation_id="listIncompleteConversations")
async def history(
    _: AnyUser,
    contacts: ContactsStub,
    rpc: CallRpc,
    limit: Annotated[
        int, Query(ge=0, le=INT32_MAX, description=f"at most {MAX_HISTORY_LIMIT}; 0 answers only the total")
    ] = DEFAULT_HISTORY_LIMIT,
) -> HistoryOut:
    """The caller's conversations whose older messages are still to fetch, newest first, and where to continue:
    the messages older than `before`, back to `after` (null: to the conversation's first message)."""
    response = await rpc(contacts.ListIncompleteConversations, pb.ListIncompleteConversationsRequest(page_size=limit))
    return HistoryOut(
        conversations=[
            IncompleteConversationOut(
                urn=item.urn,
                partner=HistoryPartnerOut(member_id=item.partner.member_id or None, slug=item.partner.slug or None),
                before=to_datetime(item, "before"),
                after=to_datetime(item, "after"),
            )
            for item in response.conversations
        ],
        total=response.total,
    )

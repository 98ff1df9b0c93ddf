"""Follow-up suggestions: the web app's Suggestions page and the extension's P and R buttons.

Web and extension tokens are both accepted; suggestions_service finds only the
caller's own (another user's id is 404). It is a pull API: nothing in a push
waits on suggestions (docs/suggestions.md).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from pingcrm.suggestions.v1 import suggestions_service_pb2 as pb
from pydantic import AwareDatetime, BaseModel, Field
from starlette.convertors import Convertor, register_url_convertor

from edge.deps import AnyUser, CallRpc, SuggestionsStub
from edge.grpc_status import API_ERRORS, problem_responses
from pingcrm_common.timestamps import to_datetime, to_timestamp

router = APIRouter(prefix="/api/v1/suggestions", tags=["suggestions"], responses=problem_responses(*API_ERRORS, 401))

# suggestions_service decides these (more than MAX_PAGE_SIZE is its 422 `limit_too_large`).
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_MESSAGE = 1000
INT32_MAX = 2**31 - 1
ID = Annotated[str, Path(min_length=1, max_length=64, description="the suggestion's id")]


class SuggestionId(Convertor[str]):
    """A suggestion id in a path: anything but `generate`, so that `/generate` is not also `/{suggestion_id}`
    (its `Allow` would otherwise list PATCH)."""

    regex = "(?!generate$)[^/]+"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("suggestion_id", SuggestionId())

StatusName = Literal["pending", "snoozed", "sent", "dismissed"]
STATUSES: dict[StatusName, pb.SuggestionStatus] = {
    "pending": pb.SUGGESTION_STATUS_PENDING,
    "snoozed": pb.SUGGESTION_STATUS_SNOOZED,
    "sent": pb.SUGGESTION_STATUS_SENT,
    "dismissed": pb.SUGGESTION_STATUS_DISMISSED,
}
STATUS_NAMES = {number: name for name, number in STATUSES.items()}


class SuggestionContactOut(BaseModel):
    id: str
    full_name: str
    member_id: str | None
    slug: str | None
    avatar_url: str | None
    conversation_url: str | None = Field(
        description="opens the conversation of the contact's newest message in LinkedIn's messaging "
        "(https://www.linkedin.com/messaging/thread/<thread id>/), where P pastes the draft; null when unknown"
    )
    profile_url: str | None = Field(
        description="the contact's LinkedIn profile (https://www.linkedin.com/in/<slug or member id>/), whose "
        "Message button opens a composer: the way to write when there is no conversation yet; null when unknown"
    )


class ReasonOut(BaseModel):
    kind: str = Field(description="the rule: unanswered, going_quiet, job_change or new_connection")
    text: str = Field(description='human-readable, e.g. "Unanswered for 4 days"')


class SuggestionOut(BaseModel):
    id: str
    contact: SuggestionContactOut
    reason: ReasonOut
    message: str
    drafter: str = Field(description='what wrote the message: "embedded" or the LLM\'s model')
    status: StatusName = Field(description="a snoozed suggestion whose snooze_until passed is pending again")
    created_at: datetime | None
    updated_at: datetime | None
    snooze_until: datetime | None


class SuggestionPage(BaseModel):
    items: list[SuggestionOut]
    next_cursor: str | None
    pending_count: int = Field(description="the caller's pending suggestions in all (the navigation's count)")


class GeneratedSuggestions(BaseModel):
    items: list[SuggestionOut] = Field(description="the suggestions this run created (none: nobody is due)")


class SuggestionChange(BaseModel):
    status: Literal["dismissed", "snoozed", "sent"] | None = None
    snooze_until: AwareDatetime | None = Field(
        default=None, description="required with status snoozed: when it comes back (with a time zone)"
    )
    message: str | None = Field(default=None, min_length=1, max_length=MAX_MESSAGE, description="the edited draft")


def suggestion_out(item: pb.Suggestion) -> SuggestionOut:
    contact = item.contact
    return SuggestionOut(
        id=item.id,
        contact=SuggestionContactOut(
            id=contact.id or item.contact_id,
            full_name=contact.full_name,
            member_id=contact.member_id or None,
            slug=contact.slug or None,
            avatar_url=contact.avatar_url or None,
            conversation_url=contact.conversation_url or None,
            profile_url=contact.profile_url or None,
        ),
        reason=ReasonOut(kind=item.reason_kind, text=item.reason),
        message=item.message,
        drafter=item.drafter,
        status=STATUS_NAMES.get(item.status, "pending"),
        created_at=to_datetime(item, "created_at"),
        updated_at=to_datetime(item, "updated_at"),
        snooze_until=to_datetime(item, "snooze_until"),
    )


@router.get("", response_model=SuggestionPage, operation_id="listSuggestions")
async def list_suggestions(
    _: AnyUser,
    suggestions: SuggestionsStub,
    rpc: CallRpc,
    status: Annotated[StatusName, Query(description="which suggestions")] = "pending",
    contact_id: Annotated[str, Query(max_length=64, description="only this contact's")] = "",
    member_id: Annotated[str, Query(max_length=200, description="only the contact with this LinkedIn member id")] = "",
    slug: Annotated[str, Query(max_length=200, description="only the contact with this LinkedIn slug")] = "",
    cursor: Annotated[str, Query(max_length=1024, description="next_cursor of the previous page")] = "",
    limit: Annotated[
        int,
        Query(ge=1, le=INT32_MAX, description=f"at most {MAX_PAGE_SIZE}", json_schema_extra={"maximum": MAX_PAGE_SIZE}),
    ] = DEFAULT_PAGE_SIZE,
) -> SuggestionPage:
    """The caller's suggestions, newest first, in pages; optionally for one contact."""
    request = pb.ListSuggestionsRequest(
        status=STATUSES[status],
        contact_id=contact_id,
        member_id=member_id,
        slug=slug,
        page_size=limit,
        page_token=cursor,
    )
    response = await rpc(suggestions.ListSuggestions, request)
    return SuggestionPage(
        items=[suggestion_out(item) for item in response.suggestions],
        next_cursor=response.next_page_token or None,
        pending_count=response.pending_count,
    )


@router.post("/generate", response_model=GeneratedSuggestions, operation_id="generateSuggestions")
async def generate_suggestions(_: AnyUser, suggestions: SuggestionsStub, rpc: CallRpc) -> GeneratedSuggestions:
    """Create a suggestion for each contact that is due one now (at most the per-run budget)."""
    response = await rpc(suggestions.GenerateSuggestions, pb.GenerateSuggestionsRequest())
    return GeneratedSuggestions(items=[suggestion_out(item) for item in response.suggestions])


@router.post(
    "/{suggestion_id:suggestion_id}/regenerate",
    response_model=SuggestionOut,
    operation_id="regenerateSuggestion",
    responses=problem_responses(404, 410, 429),
)
async def regenerate_suggestion(
    suggestion_id: ID, _: AnyUser, suggestions: SuggestionsStub, rpc: CallRpc
) -> SuggestionOut:
    """The suggestion with a freshly drafted message; rate-limited per user (429 with Retry-After)."""
    response = await rpc(suggestions.RegenerateSuggestion, pb.RegenerateSuggestionRequest(suggestion_id=suggestion_id))
    return suggestion_out(response.suggestion)


@router.patch(
    "/{suggestion_id:suggestion_id}",
    response_model=SuggestionOut,
    operation_id="updateSuggestion",
    responses=problem_responses(404, 410),
)
async def update_suggestion(
    suggestion_id: ID, change: SuggestionChange, _: AnyUser, suggestions: SuggestionsStub, rpc: CallRpc
) -> SuggestionOut:
    """Dismiss, snooze (until `snooze_until`), mark sent, or edit the message."""
    request = pb.UpdateSuggestionRequest(
        suggestion_id=suggestion_id,
        status=STATUSES[change.status] if change.status else pb.SUGGESTION_STATUS_UNSPECIFIED,
        snooze_until=to_timestamp(change.snooze_until),
    )
    if change.message is not None:
        request.message = change.message
    response = await rpc(suggestions.UpdateSuggestion, request)
    return suggestion_out(response.suggestion)

"""SuggestionsService RPCs: translate proto ⇄ domain and call the domain, nothing else."""

from __future__ import annotations

import grpc
from pingcrm.suggestions.v1 import suggestions_service_pb2 as pb
from pingcrm.suggestions.v1 import suggestions_service_pb2_grpc

from pingcrm_common.timestamps import to_datetime, to_timestamp
from pingcrm_common.tokens import require_caller
from suggestions_service.domain.records import Filter, Status, SuggestionRecord
from suggestions_service.domain.suggestions import SuggestionsDomain

STATUSES = {
    Status.PENDING: pb.SUGGESTION_STATUS_PENDING,
    Status.SENT: pb.SUGGESTION_STATUS_SENT,
    Status.DISMISSED: pb.SUGGESTION_STATUS_DISMISSED,
    Status.SNOOZED: pb.SUGGESTION_STATUS_SNOOZED,
}
FROM_PROTO = {number: status for status, number in STATUSES.items()}
# Time kept of the caller's deadline for answering after drafting (an LLM may use the rest).
ANSWER_MARGIN_SECONDS = 0.5


def _time_left(context: grpc.aio.ServicerContext) -> float | None:
    remaining = context.time_remaining()
    return None if remaining is None else max(0.0, remaining - ANSWER_MARGIN_SECONDS)


class SuggestionsServicer(suggestions_service_pb2_grpc.SuggestionsServiceServicer):
    def __init__(self, domain: SuggestionsDomain) -> None:
        self._domain = domain

    async def ListSuggestions(
        self, request: pb.ListSuggestionsRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListSuggestionsResponse:
        which = Filter(
            status=FROM_PROTO.get(request.status, Status.PENDING),
            contact_id=request.contact_id,
            member_id=request.member_id,
            slug=request.slug,
        )
        listing = await self._domain.listing(require_caller().user_id, which, request.page_size, request.page_token)
        return pb.ListSuggestionsResponse(
            suggestions=[_suggestion(record) for record in listing.suggestions],
            next_page_token=listing.next_page_token,
            pending_count=listing.pending_count,
        )

    async def GenerateSuggestions(
        self, request: pb.GenerateSuggestionsRequest, context: grpc.aio.ServicerContext
    ) -> pb.GenerateSuggestionsResponse:
        created = await self._domain.generate(
            require_caller().user_id, request.max_suggestions, timeout=_time_left(context)
        )
        return pb.GenerateSuggestionsResponse(suggestions=[_suggestion(record) for record in created])

    async def RegenerateSuggestion(
        self, request: pb.RegenerateSuggestionRequest, context: grpc.aio.ServicerContext
    ) -> pb.RegenerateSuggestionResponse:
        record = await self._domain.regenerate(
            require_caller().user_id, request.suggestion_id, timeout=_time_left(context)
        )
        return pb.RegenerateSuggestionResponse(suggestion=_suggestion(record))

    async def UpdateSuggestion(
        self, request: pb.UpdateSuggestionRequest, context: grpc.aio.ServicerContext
    ) -> pb.UpdateSuggestionResponse:
        record = await self._domain.update(
            require_caller().user_id,
            request.suggestion_id,
            status=FROM_PROTO.get(request.status),
            message=request.message if request.HasField("message") else None,
            snooze_until=to_datetime(request, "snooze_until"),
        )
        return pb.UpdateSuggestionResponse(suggestion=_suggestion(record))


def _suggestion(record: SuggestionRecord) -> pb.Suggestion:
    card = record.contact
    return pb.Suggestion(
        id=record.id,
        contact_id=record.contact_id,
        message=record.message,
        status=STATUSES[record.status],
        reason=record.reason,
        drafter=record.drafter,
        created_at=to_timestamp(record.created_at),
        updated_at=to_timestamp(record.updated_at),
        contact=pb.SuggestionContact(
            id=record.contact_id,
            full_name=card.full_name if card else "",
            member_id=card.member_id if card else "",
            slug=card.slug if card else "",
            avatar_url=card.avatar_url if card else "",
            conversation_url=card.conversation_url if card else "",
            profile_url=card.profile_url if card else "",
        ),
        reason_kind=record.reason_kind,
        snooze_until=to_timestamp(record.snooze_until) if record.status == Status.SNOOZED else None,
    )

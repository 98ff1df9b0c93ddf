"""Every error code suggestions_service raises, once: add each new one here with
`CODES.add(code, status, meaning, rpcs=(...))`. README.md's table is generated
from this list (`./dev error-codes`); a raise with a code missing here fails
`./dev lint`. The token codes every service shares are pingcrm_common's.
"""

from __future__ import annotations

import grpc
from pingcrm.suggestions.v1 import suggestions_service_pb2

from pingcrm_common.errors import ErrorCodes
from suggestions_service.domain.drafts import DRAFT_MAX
from suggestions_service.domain.suggestions import MAX_PAGE_SIZE

CODES = ErrorCodes(
    "suggestions_service", service=suggestions_service_pb2.DESCRIPTOR.services_by_name["SuggestionsService"]
)
S = grpc.StatusCode

CODES.add(
    "suggestion_not_found",
    S.NOT_FOUND,
    "no suggestion of the caller's has this id (another user's is not found either)",
    rpcs=("RegenerateSuggestion", "UpdateSuggestion"),
)
CODES.add(
    "suggestion_closed",
    S.FAILED_PRECONDITION,
    "the suggestion was sent or dismissed: it can no longer be redrafted, snoozed or given another status",
    rpcs=("RegenerateSuggestion", "UpdateSuggestion"),
)
CODES.add(
    "regenerate_rate_limited",
    S.RESOURCE_EXHAUSTED,
    "more redrafts than `PINGCRM_SUGGESTIONS_REGENERATE_PER_MINUTE` (10) by one user within a minute; Retry-After "
    "says when the next minute starts",
    rpcs=("RegenerateSuggestion",),
)
CODES.add(
    "invalid_status",
    S.INVALID_ARGUMENT,
    "a suggestion may be set to dismissed, snoozed or sent, not back to pending",
    rpcs=("UpdateSuggestion",),
)
CODES.add(
    "snooze_until_required",
    S.INVALID_ARGUMENT,
    "status snoozed without snooze_until (when the suggestion comes back)",
    rpcs=("UpdateSuggestion",),
)
CODES.add("snooze_until_past", S.INVALID_ARGUMENT, "snooze_until is not in the future", rpcs=("UpdateSuggestion",))
CODES.add(
    "snooze_until_without_snooze",
    S.INVALID_ARGUMENT,
    "snooze_until given with a status other than snoozed",
    rpcs=("UpdateSuggestion",),
)
CODES.add(
    "invalid_message",
    S.INVALID_ARGUMENT,
    f"an edited message that is blank or longer than {DRAFT_MAX:,} characters",
    rpcs=("UpdateSuggestion",),
)
CODES.add(
    "limit_too_large",
    S.INVALID_ARGUMENT,
    f"page_size above {MAX_PAGE_SIZE} (or negative)",
    rpcs=("ListSuggestions",),
)
CODES.add(
    "invalid_page_token",
    S.INVALID_ARGUMENT,
    "a page_token this service did not give",
    rpcs=("ListSuggestions",),
)
CODES.add(
    "invalid_max_suggestions",
    S.INVALID_ARGUMENT,
    "a negative max_suggestions",
    rpcs=("GenerateSuggestions",),
)

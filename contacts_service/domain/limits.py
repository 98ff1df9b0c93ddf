"""The size limits of contacts_service's API, defined once.

The service alone decides them: a request beyond one is INVALID_ARGUMENT
with the limit's `code`, which the edge answers as 422 with the same code
and wording. The edge's OpenAPI schema states the page sizes, and a test
proves its numbers are these. docs/linkedin-sync.md §2 and
contacts_service/README.md list them.
"""

from __future__ import annotations

from collections.abc import Sequence

from pingcrm_common.errors import InvalidArgument

MAX_CONVERSATIONS = 100
MAX_MESSAGES = 2_000  # across all conversations of one push
MAX_PROFILES = 50
MAX_MESSAGE_TEXT = 8_000  # characters (code points)

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 100
DEFAULT_RECENT_INTERACTIONS = 20
MAX_RECENT_INTERACTIONS = 100

# Incomplete conversations per ListIncompleteConversations answer; the edge's
# default is the extension's history budget (30 pages a sync, one conversation or more each).
DEFAULT_INCOMPLETE_CONVERSATIONS = 30
MAX_INCOMPLETE_CONVERSATIONS = 100


def check_push_size(conversation_texts: Sequence[Sequence[str]], profile_count: int) -> None:
    """Refuse a whole push beyond a limit; `conversation_texts` holds each conversation's message texts."""
    if len(conversation_texts) > MAX_CONVERSATIONS:
        raise InvalidArgument(
            f"a push holds at most {MAX_CONVERSATIONS} conversations, this one has {len(conversation_texts)}",
            code="too_many_conversations",
        )
    messages = sum(len(texts) for texts in conversation_texts)
    if messages > MAX_MESSAGES:
        raise InvalidArgument(
            f"a push holds at most {MAX_MESSAGES} messages across its conversations, this one has {messages}",
            code="too_many_messages",
        )
    if profile_count > MAX_PROFILES:
        raise InvalidArgument(
            f"a push holds at most {MAX_PROFILES} profiles, this one has {profile_count}", code="too_many_profiles"
        )
    for c, texts in enumerate(conversation_texts):
        for m, text in enumerate(texts):
            if len(text) > MAX_MESSAGE_TEXT:
                raise InvalidArgument(
                    f"conversations[{c}].messages[{m}].text has {len(text)} characters, "
                    f"more than the limit of {MAX_MESSAGE_TEXT}",
                    code="message_text_too_long",
                )


def page_size(requested: int) -> int:
    """The number of contacts per page: 0 means the default; beyond the maximum is refused."""
    if requested < 0:
        raise InvalidArgument("limit must be positive", code="invalid_limit")
    if requested > MAX_PAGE_SIZE:
        raise InvalidArgument(
            f"at most {MAX_PAGE_SIZE} contacts per page, asked for {requested}", code="limit_too_large"
        )
    return requested or DEFAULT_PAGE_SIZE


def recent_interactions(requested: int) -> int:
    """How many recent interactions GetContact returns: 0 means the default, capped at the maximum."""
    if requested < 0:
        raise InvalidArgument("interactions_limit must be positive", code="invalid_limit")
    return min(requested or DEFAULT_RECENT_INTERACTIONS, MAX_RECENT_INTERACTIONS)


def incomplete_conversations(requested: int) -> int:
    """How many incomplete conversations to list: 0 lists none (only the total); beyond the maximum is refused."""
    if requested < 0:
        raise InvalidArgument("page_size must not be negative", code="invalid_limit")
    if requested > MAX_INCOMPLETE_CONVERSATIONS:
        raise InvalidArgument(
            f"at most {MAX_INCOMPLETE_CONVERSATIONS} conversations per answer, asked for {requested}",
            code="limit_too_large",
        )
    return requested

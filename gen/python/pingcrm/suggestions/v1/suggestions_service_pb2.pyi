import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class SuggestionStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SUGGESTION_STATUS_UNSPECIFIED: _ClassVar[SuggestionStatus]
    SUGGESTION_STATUS_PENDING: _ClassVar[SuggestionStatus]
    SUGGESTION_STATUS_SENT: _ClassVar[SuggestionStatus]
    SUGGESTION_STATUS_DISMISSED: _ClassVar[SuggestionStatus]
    SUGGESTION_STATUS_SNOOZED: _ClassVar[SuggestionStatus]
SUGGESTION_STATUS_UNSPECIFIED: SuggestionStatus
SUGGESTION_STATUS_PENDING: SuggestionStatus
SUGGESTION_STATUS_SENT: SuggestionStatus
SUGGESTION_STATUS_DISMISSED: SuggestionStatus
SUGGESTION_STATUS_SNOOZED: SuggestionStatus

class Suggestion(_message.Message):
    __slots__ = ("id", "contact_id", "message", "status", "reason", "drafter", "created_at", "updated_at", "contact", "reason_kind", "snooze_until")
    ID_FIELD_NUMBER: _ClassVar[int]
    CONTACT_ID_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    DRAFTER_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    CONTACT_FIELD_NUMBER: _ClassVar[int]
    REASON_KIND_FIELD_NUMBER: _ClassVar[int]
    SNOOZE_UNTIL_FIELD_NUMBER: _ClassVar[int]
    id: str
    contact_id: str
    message: str
    status: SuggestionStatus
    reason: str
    drafter: str
    created_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    contact: SuggestionContact
    reason_kind: str
    snooze_until: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., contact_id: _Optional[str] = ..., message: _Optional[str] = ..., status: _Optional[_Union[SuggestionStatus, str]] = ..., reason: _Optional[str] = ..., drafter: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., contact: _Optional[_Union[SuggestionContact, _Mapping]] = ..., reason_kind: _Optional[str] = ..., snooze_until: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class SuggestionContact(_message.Message):
    __slots__ = ("id", "full_name", "member_id", "slug", "avatar_url", "conversation_url", "profile_url")
    ID_FIELD_NUMBER: _ClassVar[int]
    FULL_NAME_FIELD_NUMBER: _ClassVar[int]
    MEMBER_ID_FIELD_NUMBER: _ClassVar[int]
    SLUG_FIELD_NUMBER: _ClassVar[int]
    AVATAR_URL_FIELD_NUMBER: _ClassVar[int]
    CONVERSATION_URL_FIELD_NUMBER: _ClassVar[int]
    PROFILE_URL_FIELD_NUMBER: _ClassVar[int]
    id: str
    full_name: str
    member_id: str
    slug: str
    avatar_url: str
    conversation_url: str
    profile_url: str
    def __init__(self, id: _Optional[str] = ..., full_name: _Optional[str] = ..., member_id: _Optional[str] = ..., slug: _Optional[str] = ..., avatar_url: _Optional[str] = ..., conversation_url: _Optional[str] = ..., profile_url: _Optional[str] = ...) -> None: ...

class ListSuggestionsRequest(_message.Message):
    __slots__ = ("contact_id", "status", "page_size", "page_token", "member_id", "slug")
    CONTACT_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    MEMBER_ID_FIELD_NUMBER: _ClassVar[int]
    SLUG_FIELD_NUMBER: _ClassVar[int]
    contact_id: str
    status: SuggestionStatus
    page_size: int
    page_token: str
    member_id: str
    slug: str
    def __init__(self, contact_id: _Optional[str] = ..., status: _Optional[_Union[SuggestionStatus, str]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., member_id: _Optional[str] = ..., slug: _Optional[str] = ...) -> None: ...

class ListSuggestionsResponse(_message.Message):
    __slots__ = ("suggestions", "next_page_token", "pending_count")
    SUGGESTIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    PENDING_COUNT_FIELD_NUMBER: _ClassVar[int]
    suggestions: _containers.RepeatedCompositeFieldContainer[Suggestion]
    next_page_token: str
    pending_count: int
    def __init__(self, suggestions: _Optional[_Iterable[_Union[Suggestion, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., pending_count: _Optional[int] = ...) -> None: ...

class GenerateSuggestionsRequest(_message.Message):
    __slots__ = ("max_suggestions",)
    MAX_SUGGESTIONS_FIELD_NUMBER: _ClassVar[int]
    max_suggestions: int
    def __init__(self, max_suggestions: _Optional[int] = ...) -> None: ...

class GenerateSuggestionsResponse(_message.Message):
    __slots__ = ("suggestions",)
    SUGGESTIONS_FIELD_NUMBER: _ClassVar[int]
    suggestions: _containers.RepeatedCompositeFieldContainer[Suggestion]
    def __init__(self, suggestions: _Optional[_Iterable[_Union[Suggestion, _Mapping]]] = ...) -> None: ...

class RegenerateSuggestionRequest(_message.Message):
    __slots__ = ("suggestion_id",)
    SUGGESTION_ID_FIELD_NUMBER: _ClassVar[int]
    suggestion_id: str
    def __init__(self, suggestion_id: _Optional[str] = ...) -> None: ...

class RegenerateSuggestionResponse(_message.Message):
    __slots__ = ("suggestion",)
    SUGGESTION_FIELD_NUMBER: _ClassVar[int]
    suggestion: Suggestion
    def __init__(self, suggestion: _Optional[_Union[Suggestion, _Mapping]] = ...) -> None: ...

class UpdateSuggestionRequest(_message.Message):
    __slots__ = ("suggestion_id", "message", "status", "snooze_until")
    SUGGESTION_ID_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    SNOOZE_UNTIL_FIELD_NUMBER: _ClassVar[int]
    suggestion_id: str
    message: str
    status: SuggestionStatus
    snooze_until: _timestamp_pb2.Timestamp
    def __init__(self, suggestion_id: _Optional[str] = ..., message: _Optional[str] = ..., status: _Optional[_Union[SuggestionStatus, str]] = ..., snooze_until: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class UpdateSuggestionResponse(_message.Message):
    __slots__ = ("suggestion",)
    SUGGESTION_FIELD_NUMBER: _ClassVar[int]
    suggestion: Suggestion
    def __init__(self, suggestion: _Optional[_Union[Suggestion, _Mapping]] = ...) -> None: ...

import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Direction(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DIRECTION_UNSPECIFIED: _ClassVar[Direction]
    DIRECTION_INBOUND: _ClassVar[Direction]
    DIRECTION_OUTBOUND: _ClassVar[Direction]

class ContactSort(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CONTACT_SORT_UNSPECIFIED: _ClassVar[ContactSort]
    CONTACT_SORT_LAST_INTERACTION: _ClassVar[ContactSort]
    CONTACT_SORT_NAME: _ClassVar[ContactSort]
    CONTACT_SORT_QUIET_LONGEST: _ClassVar[ContactSort]

class ContactSource(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CONTACT_SOURCE_UNSPECIFIED: _ClassVar[ContactSource]
    CONTACT_SOURCE_LINKEDIN_DM: _ClassVar[ContactSource]
    CONTACT_SOURCE_CONNECTIONS_IMPORT: _ClassVar[ContactSource]
    CONTACT_SOURCE_MESSAGES_IMPORT: _ClassVar[ContactSource]

class ImportKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    IMPORT_KIND_UNSPECIFIED: _ClassVar[ImportKind]
    IMPORT_KIND_CONNECTIONS: _ClassVar[ImportKind]
    IMPORT_KIND_MESSAGES: _ClassVar[ImportKind]

class ImportState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    IMPORT_STATE_UNSPECIFIED: _ClassVar[ImportState]
    IMPORT_STATE_QUEUED: _ClassVar[ImportState]
    IMPORT_STATE_RUNNING: _ClassVar[ImportState]
    IMPORT_STATE_DONE: _ClassVar[ImportState]
    IMPORT_STATE_FAILED: _ClassVar[ImportState]
DIRECTION_UNSPECIFIED: Direction
DIRECTION_INBOUND: Direction
DIRECTION_OUTBOUND: Direction
CONTACT_SORT_UNSPECIFIED: ContactSort
CONTACT_SORT_LAST_INTERACTION: ContactSort
CONTACT_SORT_NAME: ContactSort
CONTACT_SORT_QUIET_LONGEST: ContactSort
CONTACT_SOURCE_UNSPECIFIED: ContactSource
CONTACT_SOURCE_LINKEDIN_DM: ContactSource
CONTACT_SOURCE_CONNECTIONS_IMPORT: ContactSource
CONTACT_SOURCE_MESSAGES_IMPORT: ContactSource
IMPORT_KIND_UNSPECIFIED: ImportKind
IMPORT_KIND_CONNECTIONS: ImportKind
IMPORT_KIND_MESSAGES: ImportKind
IMPORT_STATE_UNSPECIFIED: ImportState
IMPORT_STATE_QUEUED: ImportState
IMPORT_STATE_RUNNING: ImportState
IMPORT_STATE_DONE: ImportState
IMPORT_STATE_FAILED: ImportState

class LinkedInIdentity(_message.Message):
    __slots__ = ("member_id", "slug", "profile_url")
    MEMBER_ID_FIELD_NUMBER: _ClassVar[int]
    SLUG_FIELD_NUMBER: _ClassVar[int]
    PROFILE_URL_FIELD_NUMBER: _ClassVar[int]
    member_id: str
    slug: str
    profile_url: str
    def __init__(self, member_id: _Optional[str] = ..., slug: _Optional[str] = ..., profile_url: _Optional[str] = ...) -> None: ...

class LastMessage(_message.Message):
    __slots__ = ("text", "direction", "sent_at")
    TEXT_FIELD_NUMBER: _ClassVar[int]
    DIRECTION_FIELD_NUMBER: _ClassVar[int]
    SENT_AT_FIELD_NUMBER: _ClassVar[int]
    text: str
    direction: Direction
    sent_at: _timestamp_pb2.Timestamp
    def __init__(self, text: _Optional[str] = ..., direction: _Optional[_Union[Direction, str]] = ..., sent_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Contact(_message.Message):
    __slots__ = ("id", "full_name", "headline", "title", "company", "location", "avatar_url", "linkedin", "last_message", "last_interaction_at", "interaction_count", "email", "sources", "connected_on", "notes", "edited_fields")
    ID_FIELD_NUMBER: _ClassVar[int]
    FULL_NAME_FIELD_NUMBER: _ClassVar[int]
    HEADLINE_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    COMPANY_FIELD_NUMBER: _ClassVar[int]
    LOCATION_FIELD_NUMBER: _ClassVar[int]
    AVATAR_URL_FIELD_NUMBER: _ClassVar[int]
    LINKEDIN_FIELD_NUMBER: _ClassVar[int]
    LAST_MESSAGE_FIELD_NUMBER: _ClassVar[int]
    LAST_INTERACTION_AT_FIELD_NUMBER: _ClassVar[int]
    INTERACTION_COUNT_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    SOURCES_FIELD_NUMBER: _ClassVar[int]
    CONNECTED_ON_FIELD_NUMBER: _ClassVar[int]
    NOTES_FIELD_NUMBER: _ClassVar[int]
    EDITED_FIELDS_FIELD_NUMBER: _ClassVar[int]
    id: str
    full_name: str
    headline: str
    title: str
    company: str
    location: str
    avatar_url: str
    linkedin: LinkedInIdentity
    last_message: LastMessage
    last_interaction_at: _timestamp_pb2.Timestamp
    interaction_count: int
    email: str
    sources: _containers.RepeatedScalarFieldContainer[ContactSource]
    connected_on: str
    notes: str
    edited_fields: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, id: _Optional[str] = ..., full_name: _Optional[str] = ..., headline: _Optional[str] = ..., title: _Optional[str] = ..., company: _Optional[str] = ..., location: _Optional[str] = ..., avatar_url: _Optional[str] = ..., linkedin: _Optional[_Union[LinkedInIdentity, _Mapping]] = ..., last_message: _Optional[_Union[LastMessage, _Mapping]] = ..., last_interaction_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., interaction_count: _Optional[int] = ..., email: _Optional[str] = ..., sources: _Optional[_Iterable[_Union[ContactSource, str]]] = ..., connected_on: _Optional[str] = ..., notes: _Optional[str] = ..., edited_fields: _Optional[_Iterable[str]] = ...) -> None: ...

class JobChange(_message.Message):
    __slots__ = ("old_title", "old_company", "new_title", "new_company", "seen_at")
    OLD_TITLE_FIELD_NUMBER: _ClassVar[int]
    OLD_COMPANY_FIELD_NUMBER: _ClassVar[int]
    NEW_TITLE_FIELD_NUMBER: _ClassVar[int]
    NEW_COMPANY_FIELD_NUMBER: _ClassVar[int]
    SEEN_AT_FIELD_NUMBER: _ClassVar[int]
    old_title: str
    old_company: str
    new_title: str
    new_company: str
    seen_at: _timestamp_pb2.Timestamp
    def __init__(self, old_title: _Optional[str] = ..., old_company: _Optional[str] = ..., new_title: _Optional[str] = ..., new_company: _Optional[str] = ..., seen_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Interaction(_message.Message):
    __slots__ = ("id", "source_urn", "direction", "text", "occurred_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    SOURCE_URN_FIELD_NUMBER: _ClassVar[int]
    DIRECTION_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    OCCURRED_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    source_urn: str
    direction: Direction
    text: str
    occurred_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., source_urn: _Optional[str] = ..., direction: _Optional[_Union[Direction, str]] = ..., text: _Optional[str] = ..., occurred_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class PushedPartner(_message.Message):
    __slots__ = ("identity", "first_name", "last_name", "headline")
    IDENTITY_FIELD_NUMBER: _ClassVar[int]
    FIRST_NAME_FIELD_NUMBER: _ClassVar[int]
    LAST_NAME_FIELD_NUMBER: _ClassVar[int]
    HEADLINE_FIELD_NUMBER: _ClassVar[int]
    identity: LinkedInIdentity
    first_name: str
    last_name: str
    headline: str
    def __init__(self, identity: _Optional[_Union[LinkedInIdentity, _Mapping]] = ..., first_name: _Optional[str] = ..., last_name: _Optional[str] = ..., headline: _Optional[str] = ...) -> None: ...

class PushedMessage(_message.Message):
    __slots__ = ("urn", "from_self", "text", "sent_at")
    URN_FIELD_NUMBER: _ClassVar[int]
    FROM_SELF_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    SENT_AT_FIELD_NUMBER: _ClassVar[int]
    urn: str
    from_self: bool
    text: str
    sent_at: _timestamp_pb2.Timestamp
    def __init__(self, urn: _Optional[str] = ..., from_self: _Optional[bool] = ..., text: _Optional[str] = ..., sent_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class PushedConversation(_message.Message):
    __slots__ = ("urn", "partner", "messages", "first_message_at", "older_missing_after")
    URN_FIELD_NUMBER: _ClassVar[int]
    PARTNER_FIELD_NUMBER: _ClassVar[int]
    MESSAGES_FIELD_NUMBER: _ClassVar[int]
    FIRST_MESSAGE_AT_FIELD_NUMBER: _ClassVar[int]
    OLDER_MISSING_AFTER_FIELD_NUMBER: _ClassVar[int]
    urn: str
    partner: PushedPartner
    messages: _containers.RepeatedCompositeFieldContainer[PushedMessage]
    first_message_at: _timestamp_pb2.Timestamp
    older_missing_after: _timestamp_pb2.Timestamp
    def __init__(self, urn: _Optional[str] = ..., partner: _Optional[_Union[PushedPartner, _Mapping]] = ..., messages: _Optional[_Iterable[_Union[PushedMessage, _Mapping]]] = ..., first_message_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., older_missing_after: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class PushedPosition(_message.Message):
    __slots__ = ("title", "company", "current")
    TITLE_FIELD_NUMBER: _ClassVar[int]
    COMPANY_FIELD_NUMBER: _ClassVar[int]
    CURRENT_FIELD_NUMBER: _ClassVar[int]
    title: str
    company: str
    current: bool
    def __init__(self, title: _Optional[str] = ..., company: _Optional[str] = ..., current: _Optional[bool] = ...) -> None: ...

class PushedProfile(_message.Message):
    __slots__ = ("identity", "first_name", "last_name", "headline", "location", "positions", "photo_urls")
    IDENTITY_FIELD_NUMBER: _ClassVar[int]
    FIRST_NAME_FIELD_NUMBER: _ClassVar[int]
    LAST_NAME_FIELD_NUMBER: _ClassVar[int]
    HEADLINE_FIELD_NUMBER: _ClassVar[int]
    LOCATION_FIELD_NUMBER: _ClassVar[int]
    POSITIONS_FIELD_NUMBER: _ClassVar[int]
    PHOTO_URLS_FIELD_NUMBER: _ClassVar[int]
    identity: LinkedInIdentity
    first_name: str
    last_name: str
    headline: str
    location: str
    positions: _containers.RepeatedCompositeFieldContainer[PushedPosition]
    photo_urls: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, identity: _Optional[_Union[LinkedInIdentity, _Mapping]] = ..., first_name: _Optional[str] = ..., last_name: _Optional[str] = ..., headline: _Optional[str] = ..., location: _Optional[str] = ..., positions: _Optional[_Iterable[_Union[PushedPosition, _Mapping]]] = ..., photo_urls: _Optional[_Iterable[str]] = ...) -> None: ...

class PushLinkedInRequest(_message.Message):
    __slots__ = ("conversations", "profiles", "profiles_gone")
    CONVERSATIONS_FIELD_NUMBER: _ClassVar[int]
    PROFILES_FIELD_NUMBER: _ClassVar[int]
    PROFILES_GONE_FIELD_NUMBER: _ClassVar[int]
    conversations: _containers.RepeatedCompositeFieldContainer[PushedConversation]
    profiles: _containers.RepeatedCompositeFieldContainer[PushedProfile]
    profiles_gone: _containers.RepeatedCompositeFieldContainer[LinkedInIdentity]
    def __init__(self, conversations: _Optional[_Iterable[_Union[PushedConversation, _Mapping]]] = ..., profiles: _Optional[_Iterable[_Union[PushedProfile, _Mapping]]] = ..., profiles_gone: _Optional[_Iterable[_Union[LinkedInIdentity, _Mapping]]] = ...) -> None: ...

class RejectedItem(_message.Message):
    __slots__ = ("path", "reason")
    PATH_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    path: str
    reason: str
    def __init__(self, path: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class BackfillCandidate(_message.Message):
    __slots__ = ("contact_id", "member_id", "slug", "photo_url")
    CONTACT_ID_FIELD_NUMBER: _ClassVar[int]
    MEMBER_ID_FIELD_NUMBER: _ClassVar[int]
    SLUG_FIELD_NUMBER: _ClassVar[int]
    PHOTO_URL_FIELD_NUMBER: _ClassVar[int]
    contact_id: str
    member_id: str
    slug: str
    photo_url: str
    def __init__(self, contact_id: _Optional[str] = ..., member_id: _Optional[str] = ..., slug: _Optional[str] = ..., photo_url: _Optional[str] = ...) -> None: ...

class PushLinkedInResponse(_message.Message):
    __slots__ = ("contacts_created", "contacts_updated", "interactions_created", "interactions_skipped", "rejected")
    CONTACTS_CREATED_FIELD_NUMBER: _ClassVar[int]
    CONTACTS_UPDATED_FIELD_NUMBER: _ClassVar[int]
    INTERACTIONS_CREATED_FIELD_NUMBER: _ClassVar[int]
    INTERACTIONS_SKIPPED_FIELD_NUMBER: _ClassVar[int]
    REJECTED_FIELD_NUMBER: _ClassVar[int]
    contacts_created: int
    contacts_updated: int
    interactions_created: int
    interactions_skipped: int
    rejected: _containers.RepeatedCompositeFieldContainer[RejectedItem]
    def __init__(self, contacts_created: _Optional[int] = ..., contacts_updated: _Optional[int] = ..., interactions_created: _Optional[int] = ..., interactions_skipped: _Optional[int] = ..., rejected: _Optional[_Iterable[_Union[RejectedItem, _Mapping]]] = ...) -> None: ...

class ListContactsRequest(_message.Message):
    __slots__ = ("query", "page_size", "page_token", "source", "sort")
    QUERY_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    SORT_FIELD_NUMBER: _ClassVar[int]
    query: str
    page_size: int
    page_token: str
    source: ContactSource
    sort: ContactSort
    def __init__(self, query: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., source: _Optional[_Union[ContactSource, str]] = ..., sort: _Optional[_Union[ContactSort, str]] = ...) -> None: ...

class ListContactsResponse(_message.Message):
    __slots__ = ("contacts", "next_page_token", "total_count")
    CONTACTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_COUNT_FIELD_NUMBER: _ClassVar[int]
    contacts: _containers.RepeatedCompositeFieldContainer[Contact]
    next_page_token: str
    total_count: int
    def __init__(self, contacts: _Optional[_Iterable[_Union[Contact, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_count: _Optional[int] = ...) -> None: ...

class GetContactRequest(_message.Message):
    __slots__ = ("contact_id", "interactions_limit", "interactions_page_token")
    CONTACT_ID_FIELD_NUMBER: _ClassVar[int]
    INTERACTIONS_LIMIT_FIELD_NUMBER: _ClassVar[int]
    INTERACTIONS_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    contact_id: str
    interactions_limit: int
    interactions_page_token: str
    def __init__(self, contact_id: _Optional[str] = ..., interactions_limit: _Optional[int] = ..., interactions_page_token: _Optional[str] = ...) -> None: ...

class GetContactResponse(_message.Message):
    __slots__ = ("contact", "recent_interactions", "job_changes", "next_interactions_page_token", "conversation_url")
    CONTACT_FIELD_NUMBER: _ClassVar[int]
    RECENT_INTERACTIONS_FIELD_NUMBER: _ClassVar[int]
    JOB_CHANGES_FIELD_NUMBER: _ClassVar[int]
    NEXT_INTERACTIONS_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    CONVERSATION_URL_FIELD_NUMBER: _ClassVar[int]
    contact: Contact
    recent_interactions: _containers.RepeatedCompositeFieldContainer[Interaction]
    job_changes: _containers.RepeatedCompositeFieldContainer[JobChange]
    next_interactions_page_token: str
    conversation_url: str
    def __init__(self, contact: _Optional[_Union[Contact, _Mapping]] = ..., recent_interactions: _Optional[_Iterable[_Union[Interaction, _Mapping]]] = ..., job_changes: _Optional[_Iterable[_Union[JobChange, _Mapping]]] = ..., next_interactions_page_token: _Optional[str] = ..., conversation_url: _Optional[str] = ...) -> None: ...

class FindContactByLinkedInRequest(_message.Message):
    __slots__ = ("identity",)
    IDENTITY_FIELD_NUMBER: _ClassVar[int]
    identity: LinkedInIdentity
    def __init__(self, identity: _Optional[_Union[LinkedInIdentity, _Mapping]] = ...) -> None: ...

class FindContactByLinkedInResponse(_message.Message):
    __slots__ = ("contact",)
    CONTACT_FIELD_NUMBER: _ClassVar[int]
    contact: Contact
    def __init__(self, contact: _Optional[_Union[Contact, _Mapping]] = ...) -> None: ...

class ListBackfillCandidatesRequest(_message.Message):
    __slots__ = ("limit",)
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    limit: int
    def __init__(self, limit: _Optional[int] = ...) -> None: ...

class ListBackfillCandidatesResponse(_message.Message):
    __slots__ = ("candidates",)
    CANDIDATES_FIELD_NUMBER: _ClassVar[int]
    candidates: _containers.RepeatedCompositeFieldContainer[BackfillCandidate]
    def __init__(self, candidates: _Optional[_Iterable[_Union[BackfillCandidate, _Mapping]]] = ...) -> None: ...

class TakeBackfillCandidatesRequest(_message.Message):
    __slots__ = ("limit",)
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    limit: int
    def __init__(self, limit: _Optional[int] = ...) -> None: ...

class TakeBackfillCandidatesResponse(_message.Message):
    __slots__ = ("candidates",)
    CANDIDATES_FIELD_NUMBER: _ClassVar[int]
    candidates: _containers.RepeatedCompositeFieldContainer[BackfillCandidate]
    def __init__(self, candidates: _Optional[_Iterable[_Union[BackfillCandidate, _Mapping]]] = ...) -> None: ...

class ImportChunk(_message.Message):
    __slots__ = ("filename", "data")
    FILENAME_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    filename: str
    data: bytes
    def __init__(self, filename: _Optional[str] = ..., data: _Optional[bytes] = ...) -> None: ...

class ImportRowError(_message.Message):
    __slots__ = ("line", "reason")
    LINE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    line: int
    reason: str
    def __init__(self, line: _Optional[int] = ..., reason: _Optional[str] = ...) -> None: ...

class ImportJob(_message.Message):
    __slots__ = ("id", "kind", "state", "reason", "filename", "size_bytes", "total", "processed", "created", "updated", "skipped", "contacts_created", "error_count", "errors", "created_at", "started_at", "finished_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    FILENAME_FIELD_NUMBER: _ClassVar[int]
    SIZE_BYTES_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    PROCESSED_FIELD_NUMBER: _ClassVar[int]
    CREATED_FIELD_NUMBER: _ClassVar[int]
    UPDATED_FIELD_NUMBER: _ClassVar[int]
    SKIPPED_FIELD_NUMBER: _ClassVar[int]
    CONTACTS_CREATED_FIELD_NUMBER: _ClassVar[int]
    ERROR_COUNT_FIELD_NUMBER: _ClassVar[int]
    ERRORS_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    STARTED_AT_FIELD_NUMBER: _ClassVar[int]
    FINISHED_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    kind: ImportKind
    state: ImportState
    reason: str
    filename: str
    size_bytes: int
    total: int
    processed: int
    created: int
    updated: int
    skipped: int
    contacts_created: int
    error_count: int
    errors: _containers.RepeatedCompositeFieldContainer[ImportRowError]
    created_at: _timestamp_pb2.Timestamp
    started_at: _timestamp_pb2.Timestamp
    finished_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., kind: _Optional[_Union[ImportKind, str]] = ..., state: _Optional[_Union[ImportState, str]] = ..., reason: _Optional[str] = ..., filename: _Optional[str] = ..., size_bytes: _Optional[int] = ..., total: _Optional[int] = ..., processed: _Optional[int] = ..., created: _Optional[int] = ..., updated: _Optional[int] = ..., skipped: _Optional[int] = ..., contacts_created: _Optional[int] = ..., error_count: _Optional[int] = ..., errors: _Optional[_Iterable[_Union[ImportRowError, _Mapping]]] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., started_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., finished_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class GetImportRequest(_message.Message):
    __slots__ = ("job_id",)
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    def __init__(self, job_id: _Optional[str] = ...) -> None: ...

class ListImportsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListImportsResponse(_message.Message):
    __slots__ = ("jobs",)
    JOBS_FIELD_NUMBER: _ClassVar[int]
    jobs: _containers.RepeatedCompositeFieldContainer[ImportJob]
    def __init__(self, jobs: _Optional[_Iterable[_Union[ImportJob, _Mapping]]] = ...) -> None: ...

class GetSyncStateRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetSyncStateResponse(_message.Message):
    __slots__ = ("last_push_at", "contacts_count")
    LAST_PUSH_AT_FIELD_NUMBER: _ClassVar[int]
    CONTACTS_COUNT_FIELD_NUMBER: _ClassVar[int]
    last_push_at: _timestamp_pb2.Timestamp
    contacts_count: int
    def __init__(self, last_push_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., contacts_count: _Optional[int] = ...) -> None: ...

class ListIncompleteConversationsRequest(_message.Message):
    __slots__ = ("page_size",)
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    def __init__(self, page_size: _Optional[int] = ...) -> None: ...

class IncompleteConversation(_message.Message):
    __slots__ = ("urn", "partner", "before", "after")
    URN_FIELD_NUMBER: _ClassVar[int]
    PARTNER_FIELD_NUMBER: _ClassVar[int]
    BEFORE_FIELD_NUMBER: _ClassVar[int]
    AFTER_FIELD_NUMBER: _ClassVar[int]
    urn: str
    partner: LinkedInIdentity
    before: _timestamp_pb2.Timestamp
    after: _timestamp_pb2.Timestamp
    def __init__(self, urn: _Optional[str] = ..., partner: _Optional[_Union[LinkedInIdentity, _Mapping]] = ..., before: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., after: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListIncompleteConversationsResponse(_message.Message):
    __slots__ = ("conversations", "total")
    CONVERSATIONS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    conversations: _containers.RepeatedCompositeFieldContainer[IncompleteConversation]
    total: int
    def __init__(self, conversations: _Optional[_Iterable[_Union[IncompleteConversation, _Mapping]]] = ..., total: _Optional[int] = ...) -> None: ...

class ContactSnapshot(_message.Message):
    __slots__ = ("full_name", "first_name", "headline", "title", "company", "avatar_url", "member_id", "slug")
    FULL_NAME_FIELD_NUMBER: _ClassVar[int]
    FIRST_NAME_FIELD_NUMBER: _ClassVar[int]
    HEADLINE_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    COMPANY_FIELD_NUMBER: _ClassVar[int]
    AVATAR_URL_FIELD_NUMBER: _ClassVar[int]
    MEMBER_ID_FIELD_NUMBER: _ClassVar[int]
    SLUG_FIELD_NUMBER: _ClassVar[int]
    full_name: str
    first_name: str
    headline: str
    title: str
    company: str
    avatar_url: str
    member_id: str
    slug: str
    def __init__(self, full_name: _Optional[str] = ..., first_name: _Optional[str] = ..., headline: _Optional[str] = ..., title: _Optional[str] = ..., company: _Optional[str] = ..., avatar_url: _Optional[str] = ..., member_id: _Optional[str] = ..., slug: _Optional[str] = ...) -> None: ...

class ActivityMessage(_message.Message):
    __slots__ = ("urn", "from_self", "sent_at", "excerpt")
    URN_FIELD_NUMBER: _ClassVar[int]
    FROM_SELF_FIELD_NUMBER: _ClassVar[int]
    SENT_AT_FIELD_NUMBER: _ClassVar[int]
    EXCERPT_FIELD_NUMBER: _ClassVar[int]
    urn: str
    from_self: bool
    sent_at: _timestamp_pb2.Timestamp
    excerpt: str
    def __init__(self, urn: _Optional[str] = ..., from_self: _Optional[bool] = ..., sent_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., excerpt: _Optional[str] = ...) -> None: ...

class MessagesActivity(_message.Message):
    __slots__ = ("messages", "conversation_url")
    MESSAGES_FIELD_NUMBER: _ClassVar[int]
    CONVERSATION_URL_FIELD_NUMBER: _ClassVar[int]
    messages: _containers.RepeatedCompositeFieldContainer[ActivityMessage]
    conversation_url: str
    def __init__(self, messages: _Optional[_Iterable[_Union[ActivityMessage, _Mapping]]] = ..., conversation_url: _Optional[str] = ...) -> None: ...

class ContactAddedActivity(_message.Message):
    __slots__ = ("source",)
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    source: str
    def __init__(self, source: _Optional[str] = ...) -> None: ...

class ContactUpdatedActivity(_message.Message):
    __slots__ = ("fields",)
    FIELDS_FIELD_NUMBER: _ClassVar[int]
    fields: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, fields: _Optional[_Iterable[str]] = ...) -> None: ...

class JobChangedActivity(_message.Message):
    __slots__ = ("old_title", "old_company", "new_title", "new_company")
    OLD_TITLE_FIELD_NUMBER: _ClassVar[int]
    OLD_COMPANY_FIELD_NUMBER: _ClassVar[int]
    NEW_TITLE_FIELD_NUMBER: _ClassVar[int]
    NEW_COMPANY_FIELD_NUMBER: _ClassVar[int]
    old_title: str
    old_company: str
    new_title: str
    new_company: str
    def __init__(self, old_title: _Optional[str] = ..., old_company: _Optional[str] = ..., new_title: _Optional[str] = ..., new_company: _Optional[str] = ...) -> None: ...

class ContactsMergedActivity(_message.Message):
    __slots__ = ("absorbed_contact_id",)
    ABSORBED_CONTACT_ID_FIELD_NUMBER: _ClassVar[int]
    absorbed_contact_id: str
    def __init__(self, absorbed_contact_id: _Optional[str] = ...) -> None: ...

class ConnectionImportedActivity(_message.Message):
    __slots__ = ("connected_on",)
    CONNECTED_ON_FIELD_NUMBER: _ClassVar[int]
    connected_on: _timestamp_pb2.Timestamp
    def __init__(self, connected_on: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ActivityEvent(_message.Message):
    __slots__ = ("seq", "position", "user_id", "contact_id", "occurred_at", "recorded_at", "contact", "messages", "contact_added", "contact_updated", "job_changed", "contacts_merged", "connection_imported")
    SEQ_FIELD_NUMBER: _ClassVar[int]
    POSITION_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    CONTACT_ID_FIELD_NUMBER: _ClassVar[int]
    OCCURRED_AT_FIELD_NUMBER: _ClassVar[int]
    RECORDED_AT_FIELD_NUMBER: _ClassVar[int]
    CONTACT_FIELD_NUMBER: _ClassVar[int]
    MESSAGES_FIELD_NUMBER: _ClassVar[int]
    CONTACT_ADDED_FIELD_NUMBER: _ClassVar[int]
    CONTACT_UPDATED_FIELD_NUMBER: _ClassVar[int]
    JOB_CHANGED_FIELD_NUMBER: _ClassVar[int]
    CONTACTS_MERGED_FIELD_NUMBER: _ClassVar[int]
    CONNECTION_IMPORTED_FIELD_NUMBER: _ClassVar[int]
    seq: int
    position: str
    user_id: str
    contact_id: str
    occurred_at: _timestamp_pb2.Timestamp
    recorded_at: _timestamp_pb2.Timestamp
    contact: ContactSnapshot
    messages: MessagesActivity
    contact_added: ContactAddedActivity
    contact_updated: ContactUpdatedActivity
    job_changed: JobChangedActivity
    contacts_merged: ContactsMergedActivity
    connection_imported: ConnectionImportedActivity
    def __init__(self, seq: _Optional[int] = ..., position: _Optional[str] = ..., user_id: _Optional[str] = ..., contact_id: _Optional[str] = ..., occurred_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., recorded_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., contact: _Optional[_Union[ContactSnapshot, _Mapping]] = ..., messages: _Optional[_Union[MessagesActivity, _Mapping]] = ..., contact_added: _Optional[_Union[ContactAddedActivity, _Mapping]] = ..., contact_updated: _Optional[_Union[ContactUpdatedActivity, _Mapping]] = ..., job_changed: _Optional[_Union[JobChangedActivity, _Mapping]] = ..., contacts_merged: _Optional[_Union[ContactsMergedActivity, _Mapping]] = ..., connection_imported: _Optional[_Union[ConnectionImportedActivity, _Mapping]] = ...) -> None: ...

class ReadActivityRequest(_message.Message):
    __slots__ = ("after", "limit")
    AFTER_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    after: str
    limit: int
    def __init__(self, after: _Optional[str] = ..., limit: _Optional[int] = ...) -> None: ...

class ReadActivityResponse(_message.Message):
    __slots__ = ("events", "next", "more")
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_FIELD_NUMBER: _ClassVar[int]
    MORE_FIELD_NUMBER: _ClassVar[int]
    events: _containers.RepeatedCompositeFieldContainer[ActivityEvent]
    next: str
    more: bool
    def __init__(self, events: _Optional[_Iterable[_Union[ActivityEvent, _Mapping]]] = ..., next: _Optional[str] = ..., more: _Optional[bool] = ...) -> None: ...

class UpdateContactRequest(_message.Message):
    __slots__ = ("contact_id", "full_name", "title", "company", "notes")
    CONTACT_ID_FIELD_NUMBER: _ClassVar[int]
    FULL_NAME_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    COMPANY_FIELD_NUMBER: _ClassVar[int]
    NOTES_FIELD_NUMBER: _ClassVar[int]
    contact_id: str
    full_name: str
    title: str
    company: str
    notes: str
    def __init__(self, contact_id: _Optional[str] = ..., full_name: _Optional[str] = ..., title: _Optional[str] = ..., company: _Optional[str] = ..., notes: _Optional[str] = ...) -> None: ...

class UpdateContactResponse(_message.Message):
    __slots__ = ("contact",)
    CONTACT_FIELD_NUMBER: _ClassVar[int]
    contact: Contact
    def __init__(self, contact: _Optional[_Union[Contact, _Mapping]] = ...) -> None: ...

class UploadContactPhotoRequest(_message.Message):
    __slots__ = ("contact_id", "source_url", "content")
    CONTACT_ID_FIELD_NUMBER: _ClassVar[int]
    SOURCE_URL_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    contact_id: str
    source_url: str
    content: bytes
    def __init__(self, contact_id: _Optional[str] = ..., source_url: _Optional[str] = ..., content: _Optional[bytes] = ...) -> None: ...

class UploadContactPhotoResponse(_message.Message):
    __slots__ = ("contact",)
    CONTACT_FIELD_NUMBER: _ClassVar[int]
    contact: Contact
    def __init__(self, contact: _Optional[_Union[Contact, _Mapping]] = ...) -> None: ...

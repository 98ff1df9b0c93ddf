import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class PairingStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PAIRING_STATUS_UNSPECIFIED: _ClassVar[PairingStatus]
    PAIRING_STATUS_PENDING: _ClassVar[PairingStatus]
    PAIRING_STATUS_PAIRED: _ClassVar[PairingStatus]
PAIRING_STATUS_UNSPECIFIED: PairingStatus
PAIRING_STATUS_PENDING: PairingStatus
PAIRING_STATUS_PAIRED: PairingStatus

class User(_message.Message):
    __slots__ = ("id", "email", "created_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    email: str
    created_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., email: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class LinkedInPairing(_message.Message):
    __slots__ = ("paired", "paired_at")
    PAIRED_FIELD_NUMBER: _ClassVar[int]
    PAIRED_AT_FIELD_NUMBER: _ClassVar[int]
    paired: bool
    paired_at: _timestamp_pb2.Timestamp
    def __init__(self, paired: _Optional[bool] = ..., paired_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class RegisterUserRequest(_message.Message):
    __slots__ = ("email", "password")
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    PASSWORD_FIELD_NUMBER: _ClassVar[int]
    email: str
    password: str
    def __init__(self, email: _Optional[str] = ..., password: _Optional[str] = ...) -> None: ...

class RegisterUserResponse(_message.Message):
    __slots__ = ("user",)
    USER_FIELD_NUMBER: _ClassVar[int]
    user: User
    def __init__(self, user: _Optional[_Union[User, _Mapping]] = ...) -> None: ...

class LoginRequest(_message.Message):
    __slots__ = ("email", "password", "client_ip")
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    PASSWORD_FIELD_NUMBER: _ClassVar[int]
    CLIENT_IP_FIELD_NUMBER: _ClassVar[int]
    email: str
    password: str
    client_ip: str
    def __init__(self, email: _Optional[str] = ..., password: _Optional[str] = ..., client_ip: _Optional[str] = ...) -> None: ...

class LoginResponse(_message.Message):
    __slots__ = ("access_token", "expires_in")
    ACCESS_TOKEN_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_IN_FIELD_NUMBER: _ClassVar[int]
    access_token: str
    expires_in: int
    def __init__(self, access_token: _Optional[str] = ..., expires_in: _Optional[int] = ...) -> None: ...

class GetCurrentUserRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetCurrentUserResponse(_message.Message):
    __slots__ = ("user", "linkedin")
    USER_FIELD_NUMBER: _ClassVar[int]
    LINKEDIN_FIELD_NUMBER: _ClassVar[int]
    user: User
    linkedin: LinkedInPairing
    def __init__(self, user: _Optional[_Union[User, _Mapping]] = ..., linkedin: _Optional[_Union[LinkedInPairing, _Mapping]] = ...) -> None: ...

class CreatePairingCodeRequest(_message.Message):
    __slots__ = ("client_ip",)
    CLIENT_IP_FIELD_NUMBER: _ClassVar[int]
    client_ip: str
    def __init__(self, client_ip: _Optional[str] = ...) -> None: ...

class CreatePairingCodeResponse(_message.Message):
    __slots__ = ("code", "poll_secret", "expires_in")
    CODE_FIELD_NUMBER: _ClassVar[int]
    POLL_SECRET_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_IN_FIELD_NUMBER: _ClassVar[int]
    code: str
    poll_secret: str
    expires_in: int
    def __init__(self, code: _Optional[str] = ..., poll_secret: _Optional[str] = ..., expires_in: _Optional[int] = ...) -> None: ...

class ClaimPairingCodeRequest(_message.Message):
    __slots__ = ("code", "client_ip")
    CODE_FIELD_NUMBER: _ClassVar[int]
    CLIENT_IP_FIELD_NUMBER: _ClassVar[int]
    code: str
    client_ip: str
    def __init__(self, code: _Optional[str] = ..., client_ip: _Optional[str] = ...) -> None: ...

class ClaimPairingCodeResponse(_message.Message):
    __slots__ = ("paired_at",)
    PAIRED_AT_FIELD_NUMBER: _ClassVar[int]
    paired_at: _timestamp_pb2.Timestamp
    def __init__(self, paired_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class PollPairingCodeRequest(_message.Message):
    __slots__ = ("code", "poll_secret", "client_ip")
    CODE_FIELD_NUMBER: _ClassVar[int]
    POLL_SECRET_FIELD_NUMBER: _ClassVar[int]
    CLIENT_IP_FIELD_NUMBER: _ClassVar[int]
    code: str
    poll_secret: str
    client_ip: str
    def __init__(self, code: _Optional[str] = ..., poll_secret: _Optional[str] = ..., client_ip: _Optional[str] = ...) -> None: ...

class PollPairingCodeResponse(_message.Message):
    __slots__ = ("status", "token", "expires_at")
    STATUS_FIELD_NUMBER: _ClassVar[int]
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    status: PairingStatus
    token: str
    expires_at: _timestamp_pb2.Timestamp
    def __init__(self, status: _Optional[_Union[PairingStatus, str]] = ..., token: _Optional[str] = ..., expires_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class RefreshExtensionTokenRequest(_message.Message):
    __slots__ = ("token",)
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    token: str
    def __init__(self, token: _Optional[str] = ...) -> None: ...

class RefreshExtensionTokenResponse(_message.Message):
    __slots__ = ("token", "expires_at")
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    token: str
    expires_at: _timestamp_pb2.Timestamp
    def __init__(self, token: _Optional[str] = ..., expires_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class DisconnectExtensionRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class DisconnectExtensionResponse(_message.Message):
    __slots__ = ("revoked_sessions",)
    REVOKED_SESSIONS_FIELD_NUMBER: _ClassVar[int]
    revoked_sessions: int
    def __init__(self, revoked_sessions: _Optional[int] = ...) -> None: ...

class CheckSessionRequest(_message.Message):
    __slots__ = ("session_id",)
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    def __init__(self, session_id: _Optional[str] = ...) -> None: ...

class CheckSessionResponse(_message.Message):
    __slots__ = ("active",)
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    active: bool
    def __init__(self, active: _Optional[bool] = ...) -> None: ...

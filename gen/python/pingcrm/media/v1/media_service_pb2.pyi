from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Avatar(_message.Message):
    __slots__ = ("sha256", "content_type", "width", "height", "url_path")
    SHA256_FIELD_NUMBER: _ClassVar[int]
    CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    WIDTH_FIELD_NUMBER: _ClassVar[int]
    HEIGHT_FIELD_NUMBER: _ClassVar[int]
    URL_PATH_FIELD_NUMBER: _ClassVar[int]
    sha256: str
    content_type: str
    width: int
    height: int
    url_path: str
    def __init__(self, sha256: _Optional[str] = ..., content_type: _Optional[str] = ..., width: _Optional[int] = ..., height: _Optional[int] = ..., url_path: _Optional[str] = ...) -> None: ...

class FetchAvatarRequest(_message.Message):
    __slots__ = ("source_urls",)
    SOURCE_URLS_FIELD_NUMBER: _ClassVar[int]
    source_urls: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, source_urls: _Optional[_Iterable[str]] = ...) -> None: ...

class FetchAvatarResponse(_message.Message):
    __slots__ = ("avatar",)
    AVATAR_FIELD_NUMBER: _ClassVar[int]
    avatar: Avatar
    def __init__(self, avatar: _Optional[_Union[Avatar, _Mapping]] = ...) -> None: ...

class StoreAvatarRequest(_message.Message):
    __slots__ = ("data",)
    DATA_FIELD_NUMBER: _ClassVar[int]
    data: bytes
    def __init__(self, data: _Optional[bytes] = ...) -> None: ...

class StoreAvatarResponse(_message.Message):
    __slots__ = ("avatar",)
    AVATAR_FIELD_NUMBER: _ClassVar[int]
    avatar: Avatar
    def __init__(self, avatar: _Optional[_Union[Avatar, _Mapping]] = ...) -> None: ...

class GetAvatarRequest(_message.Message):
    __slots__ = ("sha256",)
    SHA256_FIELD_NUMBER: _ClassVar[int]
    sha256: str
    def __init__(self, sha256: _Optional[str] = ...) -> None: ...

class GetAvatarResponse(_message.Message):
    __slots__ = ("avatar", "data")
    AVATAR_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    avatar: Avatar
    data: bytes
    def __init__(self, avatar: _Optional[_Union[Avatar, _Mapping]] = ..., data: _Optional[bytes] = ...) -> None: ...

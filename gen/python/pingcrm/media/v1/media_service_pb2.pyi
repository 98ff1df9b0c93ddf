from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class AvatarSize(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    AVATAR_SIZE_UNSPECIFIED: _ClassVar[AvatarSize]
    AVATAR_SIZE_STANDARD: _ClassVar[AvatarSize]
    AVATAR_SIZE_THUMB: _ClassVar[AvatarSize]
AVATAR_SIZE_UNSPECIFIED: AvatarSize
AVATAR_SIZE_STANDARD: AvatarSize
AVATAR_SIZE_THUMB: AvatarSize

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
    __slots__ = ("avatar", "source_url")
    AVATAR_FIELD_NUMBER: _ClassVar[int]
    SOURCE_URL_FIELD_NUMBER: _ClassVar[int]
    avatar: Avatar
    source_url: str
    def __init__(self, avatar: _Optional[_Union[Avatar, _Mapping]] = ..., source_url: _Optional[str] = ...) -> None: ...

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
    __slots__ = ("sha256", "size")
    SHA256_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    sha256: str
    size: AvatarSize
    def __init__(self, sha256: _Optional[str] = ..., size: _Optional[_Union[AvatarSize, str]] = ...) -> None: ...

class GetAvatarResponse(_message.Message):
    __slots__ = ("avatar", "data", "content_type")
    AVATAR_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    avatar: Avatar
    data: bytes
    content_type: str
    def __init__(self, avatar: _Optional[_Union[Avatar, _Mapping]] = ..., data: _Optional[bytes] = ..., content_type: _Optional[str] = ...) -> None: ...

"""What media_service's store reads and writes, and what the servicer returns, as plain dataclasses."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

AVATAR_URL_PREFIX = "/api/v1/avatars/"  # where the edge serves avatars (edge/routes/avatars.py)


class Size(StrEnum):
    """The two stored sizes of every avatar (media_service/domain/images.py)."""

    STANDARD = "standard"
    THUMB = "thumb"


@dataclass(frozen=True)
class StoredAvatar:
    """An avatar as recorded: named by the SHA-256 of its standard size."""

    sha256: str
    content_type: str
    width: int
    height: int
    size_bytes: int

    @property
    def url_path(self) -> str:
        return f"{AVATAR_URL_PREFIX}{self.sha256}"


@dataclass(frozen=True)
class AvatarImage:
    """One size of an avatar, with its bytes."""

    avatar: StoredAvatar
    size: Size
    data: bytes
    content_type: str

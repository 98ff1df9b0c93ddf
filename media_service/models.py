"""media_service tables: stored avatars (bytes live in the blob store, by hash) and who owns each."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from pingcrm_common.migrations import MigrationTarget
from pingcrm_common.models import UTCDateTime


class MediaTable(SQLModel, registry=registry()):
    """Base of media_service tables; its metadata holds only them."""


class Avatar(MediaTable, table=True):
    """One stored image, whoever stored it: named by the SHA-256 of its standard size."""

    __tablename__ = "avatars"

    sha256: str = Field(primary_key=True, max_length=64)
    content_type: str = Field(max_length=50)
    width: int
    height: int
    size_bytes: int
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class AvatarOwner(MediaTable, table=True):
    """A user who stored this avatar; only owners may read it (tenant isolation)."""

    __tablename__ = "avatar_owners"
    __table_args__ = (Index("ix_avatar_owners_sha256", "sha256"),)

    user_id: str = Field(primary_key=True, max_length=36)
    sha256: str = Field(primary_key=True, max_length=64, foreign_key="avatars.sha256")
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


AVATARS = Avatar.__table__  # type: ignore[attr-defined]
AVATAR_OWNERS = AvatarOwner.__table__  # type: ignore[attr-defined]

MIGRATIONS = MigrationTarget(service="media", package="media_service", metadata=MediaTable.metadata)

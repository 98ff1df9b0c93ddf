"""media_service tables: stored avatars (bytes live in the blob store, by hash)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from pingcrm_common.migrations import MigrationTarget
from pingcrm_common.models import UTCDateTime


class MediaTable(SQLModel, registry=registry()):
    """Base of media_service tables; its metadata holds only them."""


class Avatar(MediaTable, table=True):
    __tablename__ = "avatars"

    sha256: str = Field(primary_key=True, max_length=64)
    content_type: str = Field(max_length=50)
    width: int
    height: int
    size_bytes: int
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


MIGRATIONS = MigrationTarget(service="media", package="media_service", metadata=MediaTable.metadata)

"""auth_service tables: accounts and extension sessions.

Pairing codes and rate-limit counters are short-lived and live in Redis.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from pingcrm_common.migrations import MigrationTarget
from pingcrm_common.models import UTCDateTime, new_id


class AuthTable(SQLModel, registry=registry()):
    """Base of auth_service tables; its metadata holds only them."""


class User(AuthTable, table=True):
    __tablename__ = "users"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    email: str = Field(unique=True, index=True, max_length=320)
    password_hash: str = Field(max_length=255)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class ExtensionSession(AuthTable, table=True):
    """One paired browser; extension tokens carry its id as `sid`."""

    __tablename__ = "extension_sessions"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    user_id: str = Field(foreign_key="users.id", index=True, max_length=36)
    paired_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    revoked_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


MIGRATIONS = MigrationTarget(service="auth", package="auth_service", metadata=AuthTable.metadata)

"""suggestions_service tables: follow-up suggestions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, Text
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from pingcrm_common.migrations import MigrationTarget
from pingcrm_common.models import UTCDateTime, new_id


class SuggestionsTable(SQLModel, registry=registry()):
    """Base of suggestions_service tables; its metadata holds only them."""


class Suggestion(SuggestionsTable, table=True):
    __tablename__ = "suggestions"
    __table_args__ = (Index("ix_suggestions_user_contact_status", "user_id", "contact_id", "status"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    user_id: str = Field(max_length=36)
    contact_id: str = Field(max_length=36)
    message: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(max_length=20)
    reason: str = Field(default="", max_length=300)
    drafter: str = Field(default="embedded", max_length=100)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


MIGRATIONS = MigrationTarget(service="suggestions", package="suggestions_service", metadata=SuggestionsTable.metadata)

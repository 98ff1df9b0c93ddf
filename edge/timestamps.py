"""Protobuf timestamps ⇄ UTC datetimes at the API edge."""

from __future__ import annotations

from datetime import UTC, datetime

from google.protobuf.message import Message


def to_datetime(message: Message, field: str) -> datetime | None:
    """The UTC datetime in `message.field`, or None when the field is unset."""
    if not message.HasField(field):
        return None
    return getattr(message, field).ToDatetime(tzinfo=UTC)  # type: ignore[no-any-return]

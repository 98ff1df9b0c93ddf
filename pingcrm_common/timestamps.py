"""Protobuf timestamps ⇄ UTC datetimes, for servicers and the edge alike."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import overload

from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp


@overload
def to_timestamp(moment: datetime) -> Timestamp: ...
@overload
def to_timestamp(moment: None) -> None: ...
def to_timestamp(moment: datetime | None) -> Timestamp | None:
    """`moment` as a Timestamp; None stays None, which leaves a message field unset."""
    if moment is None:
        return None
    stamp = Timestamp()
    stamp.FromDatetime(moment)
    return stamp


def to_datetime(message: Message, field: str) -> datetime | None:
    """The UTC datetime in `message.field`, or None when the field is unset."""
    if not message.HasField(field):
        return None
    stamp: Timestamp = getattr(message, field)
    return stamp.ToDatetime(tzinfo=UTC)

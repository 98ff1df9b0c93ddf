"""Protobuf timestamps ⇄ UTC datetimes, for servicers and the edge alike."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import overload

from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@overload
def to_timestamp(moment: datetime) -> Timestamp: ...
@overload
def to_timestamp(moment: None) -> None: ...
def to_timestamp(moment: datetime | None) -> Timestamp | None:
    """`moment` as a Timestamp; None stays None, which leaves a message field unset."""
    if moment is None:
        return None
    stamp = Timestamp()
    write_timestamp(stamp, moment)
    return stamp


def write_timestamp(stamp: Timestamp, moment: datetime) -> None:
    """`moment` written into `stamp` in place (a message's field): no Timestamp built and then copied in, which
    costs a ReadActivity page of 1,000 messages about 0.4 ms more."""
    # What Timestamp.FromDatetime computes (a naive datetime taken as UTC), in a quarter of its time: the
    # activity feed converts one per message it serves.
    since_epoch = (moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)) - _EPOCH
    stamp.seconds = since_epoch.days * 86_400 + since_epoch.seconds
    stamp.nanos = since_epoch.microseconds * 1_000


def to_datetime(message: Message, field: str) -> datetime | None:
    """The UTC datetime in `message.field`, or None when the field is unset."""
    if not message.HasField(field):
        return None
    stamp: Timestamp = getattr(message, field)
    # What Timestamp.ToDatetime(tzinfo=UTC) computes, in about half its time (a push converts one per message).
    try:
        return _EPOCH + timedelta(seconds=stamp.seconds, microseconds=stamp.nanos // 1_000)
    except OverflowError as error:  # beyond year 1 to 9999, as ToDatetime refuses it
        raise ValueError(f"{field} is out of range: {stamp.seconds} s") from error

"""Times at the API edge: protobuf timestamps ⇄ UTC datetimes, and the two
formats clients may send (epoch milliseconds, RFC 3339 with an offset)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# RFC 3339 date-time: seconds required, fraction optional, offset required (Z or ±hh:mm).
RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})")


def to_datetime(message: Message, field: str) -> datetime | None:
    """The UTC datetime in `message.field`, or None when the field is unset."""
    if not message.HasField(field):
        return None
    return getattr(message, field).ToDatetime(tzinfo=UTC)  # type: ignore[no-any-return]


def parse_api_time(value: object) -> datetime | None:
    """A client-sent time as UTC, or None when it is neither epoch milliseconds nor RFC 3339 with an offset."""
    try:
        if isinstance(value, int) and not isinstance(value, bool):
            return EPOCH + timedelta(milliseconds=value)
        if isinstance(value, str) and RFC3339.fullmatch(value.strip()):
            text = value.strip()
            # datetime keeps microseconds: cut a longer fraction, then parse (3.11 accepts Z and ±hh:mm).
            text = re.sub(r"(\.\d{6})\d+", r"\1", text).upper()
            return datetime.fromisoformat(text).astimezone(UTC)
    except (OverflowError, ValueError):
        return None
    return None


def to_timestamp(moment: datetime) -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(moment)
    return stamp

"""Times clients send to the API: epoch milliseconds or RFC 3339 with an offset.

Protobuf timestamps ⇄ datetimes: pingcrm_common.timestamps."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from google.protobuf.timestamp_pb2 import Timestamp

from pingcrm_common.timestamps import write_timestamp

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# The milliseconds a datetime can hold (years 1 to 9999), as protobuf timestamps can.
_MIN_MS = int((datetime(1, 1, 1, tzinfo=UTC) - EPOCH).total_seconds()) * 1000
_MAX_MS = int((datetime(9999, 12, 31, 23, 59, 59, 999000, tzinfo=UTC) - EPOCH).total_seconds() * 1000)
# RFC 3339 date-time: seconds required, fraction optional, offset required (Z or ±hh:mm).
RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})")


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


def write_api_time(stamp: Timestamp, value: object) -> None:
    """Write `parse_api_time(value)` into a message's Timestamp field; leave the field unset when it is None.

    Epoch milliseconds, what the extension sends, are written directly:
    through a datetime they cost a third of the edge's time on a push of 500
    messages.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        if _MIN_MS <= value <= _MAX_MS:
            stamp.seconds, millis = divmod(value, 1000)
            stamp.nanos = millis * 1_000_000
        return
    if (moment := parse_api_time(value)) is not None:
        write_timestamp(stamp, moment)

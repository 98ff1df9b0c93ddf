"""Times clients send to the API: epoch milliseconds or RFC 3339 with an offset.

Protobuf timestamps ⇄ datetimes: pingcrm_common.timestamps."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
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

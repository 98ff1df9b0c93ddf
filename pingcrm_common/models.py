"""Helpers for SQLModel tables: ids, UTC timestamps, one metadata per service."""

from __future__ import annotations

import secrets
import time
import uuid
from datetime import UTC, datetime

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


def new_id() -> str:
    """A UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then 74 random bits.

    Time-ordered ids put new rows at the right edge of primary-key indexes
    instead of on random pages, so inserting stays cheap however large a table
    grows (measured with bench/push_latency.py); they are as unguessable as
    the random part.
    """
    millis = time.time_ns() // 1_000_000
    random_bits = secrets.randbits(74)
    value = (
        (millis & (1 << 48) - 1) << 80
        | 0x7 << 76  # version
        | (random_bits >> 62) << 64
        | 0b10 << 62  # variant
        | random_bits & (1 << 62) - 1
    )
    return str(uuid.UUID(int=value))


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite stores naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime; store UTC-aware values")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

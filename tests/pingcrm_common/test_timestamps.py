"""Protobuf timestamps ⇄ UTC datetimes: the same answers as protobuf's own conversions, faster."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from google.protobuf.timestamp_pb2 import Timestamp
from pingcrm.contacts.v1 import contacts_service_pb2 as pb

from pingcrm_common.timestamps import to_datetime, to_timestamp

SECONDS = [
    -62_135_596_800,  # 0001-01-01T00:00:00Z, the first instant a Timestamp may hold
    -1,
    0,
    1_764_560_000,
    253_402_300_799,  # 9999-12-31T23:59:59Z, the last
]
NANOS = [0, 1, 999, 1_000, 123_456_789, 999_999_999]


@pytest.mark.parametrize("seconds", SECONDS)
@pytest.mark.parametrize("nanos", NANOS)
def test_the_same_datetime_as_protobufs_conversion(seconds: int, nanos: int) -> None:
    message = pb.LastMessage(sent_at=Timestamp(seconds=seconds, nanos=nanos))
    converted = to_datetime(message, "sent_at")
    assert converted == message.sent_at.ToDatetime(tzinfo=UTC)
    assert converted is not None and converted.tzinfo is UTC


def test_an_unset_field_is_none_and_a_datetime_comes_back_unchanged() -> None:
    assert to_datetime(pb.LastMessage(), "sent_at") is None
    moment = datetime(2026, 12, 1, 3, 40, 5, 123_456, tzinfo=UTC)
    assert to_datetime(pb.LastMessage(sent_at=to_timestamp(moment)), "sent_at") == moment


@pytest.mark.parametrize("seconds", [-62_135_596_801, 253_402_300_800, 2**62])
def test_beyond_what_a_datetime_holds_is_a_value_error(seconds: int) -> None:
    message = pb.LastMessage(sent_at=Timestamp(seconds=seconds))
    with pytest.raises(ValueError, match="sent_at is out of range"):
        to_datetime(message, "sent_at")


@pytest.mark.parametrize(
    "moment",
    [
        datetime(1, 1, 1, tzinfo=UTC),
        datetime(1969, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC),
        datetime(1970, 1, 1, tzinfo=UTC),
        datetime(2026, 12, 1, 3, 40, 5, 123_456, tzinfo=UTC),
        datetime(2026, 12, 1, 4, 40, 5, 1, tzinfo=timezone(timedelta(hours=1))),  # another offset, same instant
        datetime(2026, 12, 1, 3, 40, 5, 999_999),  # naive: taken as UTC
        datetime(9999, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC),
    ],
)
def test_the_same_timestamp_as_protobufs_conversion(moment: datetime) -> None:
    expected = Timestamp()
    expected.FromDatetime(moment)
    assert to_timestamp(moment) == expected

"""new_id: UUIDv7 strings (RFC 9562) that sort by creation time and never repeat."""

from __future__ import annotations

import time
import uuid

from pingcrm_common.models import new_id


def test_ids_are_version_7_uuids_in_canonical_form() -> None:
    for _ in range(2_000):
        text = new_id()
        parsed = uuid.UUID(text)
        assert (parsed.version, parsed.variant) == (7, uuid.RFC_4122)
        assert str(parsed) == text  # lower-case hex, 8-4-4-4-12


def test_ids_carry_the_time_and_sort_by_it() -> None:
    before_ms = time.time_ns() // 1_000_000
    first = new_id()
    time.sleep(0.002)
    second = new_id()
    after_ms = time.time_ns() // 1_000_000
    assert before_ms <= uuid.UUID(first).int >> 80 <= uuid.UUID(second).int >> 80 <= after_ms
    assert first < second


def test_ids_do_not_repeat_and_use_every_random_bit() -> None:
    ids = [uuid.UUID(new_id()).int for _ in range(20_000)]
    assert len(set(ids)) == len(ids)
    random_mask = (1 << 12) - 1 << 64 | (1 << 62) - 1  # rand_a and rand_b (RFC 9562 §5.7)
    seen = 0
    for value in ids:
        seen |= value & random_mask
    assert seen == random_mask

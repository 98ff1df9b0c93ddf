"""Fixtures: a fake CDN on loopback and a real media_service on a random port, on both backends."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from media_harness import MediaHarness, running_media, settings_for

from pingcrm_common.clock import FrozenClock
from tests.support.fake_cdn import FakeCdn


@pytest.fixture
async def cdn() -> AsyncIterator[FakeCdn]:
    async with FakeCdn() as fake:
        yield fake


@pytest.fixture
async def media(backend, data_dir: Path, cdn: FakeCdn, clock: FrozenClock) -> AsyncIterator[MediaHarness]:  # type: ignore[no-untyped-def]
    async with running_media(settings_for(data_dir, backend.database_url, cdn.media_settings()), clock) as harness:
        yield harness

"""Fixtures: a real auth_service on a random port, on both backends (see tests/conftest.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from auth_harness import AuthClient, running_auth

from auth_service.settings import AuthSettings
from pingcrm_common.clock import FrozenClock


@pytest.fixture
def auth_settings(backend, data_dir: Path) -> AuthSettings:
    return AuthSettings(
        data_dir=data_dir,
        port=0,
        metrics_port=None,
        database_url=backend.database_url,
        redis_url=backend.redis_url,
    )


@pytest.fixture
async def auth(auth_settings: AuthSettings, clock: FrozenClock) -> AsyncIterator[AuthClient]:
    async with running_auth(auth_settings, clock) as client:
        yield client

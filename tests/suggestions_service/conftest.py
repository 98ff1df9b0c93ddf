"""Fixtures: suggestions_service's database on both backends, migrated, and its domain over it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from pingcrm_common.clock import FrozenClock
from pingcrm_common.db import Database
from pingcrm_common.migrations import upgrade
from suggestions_service.models import MIGRATIONS
from suggestions_service.settings import SuggestionsSettings


@pytest.fixture
def suggestions_settings(backend, data_dir: Path) -> SuggestionsSettings:
    return SuggestionsSettings(data_dir=data_dir, port=0, metrics_port=None, database_url=backend.database_url)


@pytest.fixture
async def database(suggestions_settings: SuggestionsSettings) -> AsyncIterator[Database]:
    url = suggestions_settings.resolved_database_url
    await asyncio.to_thread(upgrade, MIGRATIONS, url)
    db = Database(url, "suggestions")
    yield db
    await db.dispose()


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()

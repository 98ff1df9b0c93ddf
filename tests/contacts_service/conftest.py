"""Fixtures: a real contacts_service on a random port, on both backends (see tests/conftest.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from contacts_harness import ContactsHarness, running_contacts

from contacts_service.settings import ContactsSettings
from pingcrm_common.clock import FrozenClock


@pytest.fixture
def contacts_settings(backend, data_dir: Path) -> ContactsSettings:
    # Web tokens only: the auth service (asked about extension sessions) is never called.
    return ContactsSettings(
        data_dir=data_dir, port=0, metrics_port=None, database_url=backend.database_url, auth_addr="127.0.0.1:9"
    )


@pytest.fixture
async def contacts(contacts_settings: ContactsSettings, clock: FrozenClock) -> AsyncIterator[ContactsHarness]:
    async with running_contacts(contacts_settings, clock) as harness:
        yield harness

"""Whose address the per-address rate limits count: X-Forwarded-For is believed only from trusted proxies."""

from __future__ import annotations

import pytest

from tests.support.stack import start_stack

CODES_PER_ADDRESS = 30  # auth_service.rate_limit.PAIRING_CODES_PER_IP


@pytest.fixture
async def behind_a_proxy(data_dir, clock):  # type: ignore[no-untyped-def]
    """The stack as deployed behind an ingress on 127.0.0.1 (PINGCRM_TRUSTED_PROXIES=127.0.0.1)."""
    running = await start_stack(data_dir, database_url=None, redis_url=None, clock=clock, trusted_proxies="127.0.0.1")
    yield running
    await running.close()


async def test_a_made_up_forwarded_for_does_not_dodge_the_limit(stack) -> None:
    async with stack.http() as client:
        statuses = [
            (await client.post("/api/v1/extension/codes", headers={"X-Forwarded-For": f"203.0.113.{n}"})).status_code
            for n in range(CODES_PER_ADDRESS + 1)
        ]
    assert statuses == [201] * CODES_PER_ADDRESS + [429]


async def test_behind_a_trusted_proxy_each_client_has_its_own_limit(behind_a_proxy) -> None:
    async with behind_a_proxy.http() as client:
        one_each = [
            (await client.post("/api/v1/extension/codes", headers={"X-Forwarded-For": f"203.0.113.{n}"})).status_code
            for n in range(CODES_PER_ADDRESS + 1)
        ]
    assert set(one_each) == {201}


async def test_behind_a_trusted_proxy_what_the_client_wrote_itself_does_not_count(behind_a_proxy) -> None:
    # The client sends a made-up X-Forwarded-For; the proxy appends the address it saw. The nearest
    # address that is not a trusted proxy is the client's real one, whatever it made up.
    async with behind_a_proxy.http() as client:
        statuses = [
            (
                await client.post("/api/v1/extension/codes", headers={"X-Forwarded-For": f"10.9.8.{n}, 198.51.100.9"})
            ).status_code
            for n in range(CODES_PER_ADDRESS + 1)
        ]
    assert statuses == [201] * CODES_PER_ADDRESS + [429]

"""What the real-browser suggestions tests share: a LinkedIn account whose replies are overdue, and the
pending suggestions once suggestions_service has heard of the sync (through contacts_service's feed)."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import httpx

from pingcrm_common.clock import Clock
from tests.support.fake_linkedin import LinkedInData, generate

# The newest thread's last message is this old; older threads are older still (1-72 h apart).
HISTORY_AGE = timedelta(days=5)
FEED_TIMEOUT_S = 30.0


def overdue_account(clock: Clock) -> LinkedInData:
    """The browser tests' small account (tests/browser/conftest.py), its history ending HISTORY_AGE ago:
    every 1:1 thread whose last message came from the other person is unanswered for days (four of the
    five with this seed; the fifth waits for the partner's answer)."""
    ends = clock.now() - HISTORY_AGE
    return generate(
        seed=7, one_to_one=5, aco_only=2, group_chats=2, long_threads=0, now_ms=int(ends.timestamp() * 1000)
    )


def unanswered_partners(data: LinkedInData) -> set[str]:
    """Names of the 1:1 partners whose last message the user has not answered."""
    return {c.partner.name for c in data.one_to_one() if c.messages[-1].sender != data.me}


async def pending(api: httpx.AsyncClient, web: dict[str, str]) -> dict[str, Any]:
    """GET /api/v1/suggestions?status=pending (one page of 100)."""
    response = await api.get("/api/v1/suggestions", params={"status": "pending", "limit": 100}, headers=web)
    assert response.status_code == 200, response.text
    return response.json()


async def wait_for_suggestions(api: httpx.AsyncClient, web: dict[str, str], expected: int) -> dict[str, Any]:
    """The pending suggestions once there are `expected` (the feed is polled), or what there is at the deadline."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + FEED_TIMEOUT_S
    while True:
        page = await pending(api, web)
        if page["pending_count"] >= expected or loop.time() > deadline:
            return page
        await asyncio.sleep(0.5)

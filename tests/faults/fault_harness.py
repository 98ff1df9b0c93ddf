"""What the fault tests share: a stream of pushes that records every answer, and what got stored.

Fault tests wait in real time for real servers (a dependency's health is
pinged every second); they are the suite's only tests that do, and they bound
every wait.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlparse

import asyncpg
import httpx

# A fault is over; within this long the stack must serve again without anyone acting (issue #10).
RECOVERS_WITHIN_SECONDS = 15
PASSWORD = "correct horse battery"


async def sign_in(client: httpx.AsyncClient, email: str = "ada@example.com") -> dict[str, str]:
    assert (await client.post("/api/v1/auth/register", json={"email": email, "password": PASSWORD})).status_code == 201
    login = await client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    return {"Authorization": f"Bearer {login.json()['access_token']}"}


def push_body(number: int) -> tuple[dict[str, object], list[str]]:
    """Push `number`: two new messages with one of five partners; answers the body and its message URNs."""
    urns = [f"urn:li:msg_message:fault-{number}-{m}" for m in range(2)]
    now_ms = int(datetime.now(UTC).timestamp() * 1000)
    partner = number % 5
    body = {
        "conversations": [
            {
                "urn": f"urn:li:msg_conversation:fault-{partner}",
                "partner": {"member_id": f"ACoFault{partner}", "first_name": "Fault", "last_name": str(partner)},
                "messages": [
                    {"urn": urn, "from_self": False, "text": f"message {urn}", "sent_at": now_ms} for urn in urns
                ],
            }
        ]
    }
    return body, urns


@dataclass
class Answer:
    status: int
    code: str | None
    detail: str | None
    service: str | None


@dataclass
class PushStream:
    """Pushes one after another in the background and keeps every answer."""

    client: httpx.AsyncClient
    headers: dict[str, str]
    answers: list[Answer] = field(default_factory=list)
    acknowledged: set[str] = field(default_factory=set)
    _task: asyncio.Task[None] | None = None
    _numbers: itertools.count[int] = field(default_factory=itertools.count)

    async def push_once(self) -> Answer:
        body, urns = push_body(next(self._numbers))
        try:
            response = await self.client.post("/api/v1/linkedin/push", json=body, headers=self.headers)
        except httpx.TransportError as error:
            answer = Answer(0, type(error).__name__, None, None)  # no HTTP answer at all: never expected
        else:
            problem = response.json() if response.status_code != 200 else {}
            answer = Answer(response.status_code, problem.get("code"), problem.get("detail"), problem.get("service"))
            if response.status_code == 200:
                assert response.json()["interactions_created"] == len(urns)
                self.acknowledged.update(urns)
        self.answers.append(answer)
        return answer

    def start(self) -> None:
        async def run() -> None:
            while True:
                await self.push_once()
                await asyncio.sleep(0.05)

        self._task = asyncio.create_task(run())

    async def stop(self) -> None:
        assert self._task is not None
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)

    async def has_failed(self) -> bool:
        return bool(self.failures())

    async def acknowledged_more_than(self, count: int) -> bool:
        return len(self.acknowledged) > count

    def statuses(self) -> Counter[int]:
        return Counter(answer.status for answer in self.answers)

    def failures(self) -> list[Answer]:
        return [answer for answer in self.answers if answer.status != 200]


async def within(seconds: float, condition: Callable[[], Awaitable[bool]], what: str) -> float:
    """Poll `condition` until it holds; answers how long that took, fails after `seconds`."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if await condition():
            return time.monotonic() - started
        await asyncio.sleep(0.1)
    raise AssertionError(f"{what}: not within {seconds} s")


async def stored_message_urns(database_url: str) -> set[str]:
    """The message URNs contacts_service stored, read from its PostgreSQL schema directly."""
    url = urlparse(database_url)._replace(scheme="postgresql").geturl()
    connection = await asyncpg.connect(url)
    try:
        rows = await connection.fetch("SELECT source_urn FROM contacts.interactions")
    finally:
        await connection.close()
    return {row["source_urn"] for row in rows}


def through(database_url: str, port: int) -> str:
    """`database_url` with its port replaced: the same database reached through a proxy."""
    url = urlparse(database_url)
    return url._replace(netloc=f"{url.username}@127.0.0.1:{port}").geturl()

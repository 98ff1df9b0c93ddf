"""Load: 20 concurrent clients pushing overlapping conversations, on SQLite and on PostgreSQL.

For each backend (the embedded SQLite files, then a fresh PostgreSQL
database) the benchmark starts every PingCRM process as `pingcrm up` would,
signs up 5 users and pairs an extension for each, then runs 20 clients
(4 per user, like browsers and retries of one account) for 60 s
(BENCH_SHORT=1: 10 s). Each push carries 10 of the user's 50 conversations,
each with its 5 newest messages; a conversation gains a message every
second, so pushes of one user overlap in partners and in messages, as
re-syncs and racing browsers do.

It prints throughput, the latency median and p99, errors by HTTP status, and
what it finds stored afterwards (through the API):
- duplicates: messages counted as created more than once, plus contacts
  stored more than once for one partner. Must be 0.
- lost: messages of acknowledged pushes that are not stored. Must be 0.
Exit status 1 when either is not 0. Goals (issue #10): 0 errors on both
backends, p99 ≤ 400 ms on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bench.stack import User, machine, running_stack, sign_up_and_pair, wait_ready

SHORT = os.environ.get("BENCH_SHORT") == "1"
DURATION_SECONDS = 10 if SHORT else 60
USERS = 5
CLIENTS_PER_USER = 4
CONVERSATIONS_PER_USER = 50
CONVERSATIONS_PER_PUSH = 10
MESSAGES_PER_CONVERSATION = 5
MESSAGES_PER_SECOND = 1  # each conversation gains one message a second
CLIENT_TIMEOUT_SECONDS = 30


@dataclass
class Outcome:
    """What the clients of one backend saw and what they were told was stored."""

    latencies_ms: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    created: Counter[str] = field(default_factory=Counter)  # per user: interactions_created summed
    acknowledged: dict[str, set[str]] = field(default_factory=dict)  # per user: message URNs in 200 answers
    partners: dict[str, set[str]] = field(default_factory=dict)  # per user: member ids in 200 answers


def _partner(user: int, conversation: int) -> str:
    return f"ACoLoad{user:02d}x{conversation:04d}"


def _push_body(rng: random.Random, user: int, elapsed: float) -> dict[str, object]:
    newest = int(elapsed * MESSAGES_PER_SECOND)
    conversations = []
    for c in sorted(rng.sample(range(CONVERSATIONS_PER_USER), CONVERSATIONS_PER_PUSH)):
        numbers = range(max(0, newest - MESSAGES_PER_CONVERSATION + 1), newest + 1)
        conversations.append(
            {
                "urn": f"urn:li:msg_conversation:load-{user}-{c}",
                "partner": {"member_id": _partner(user, c), "first_name": "Load", "last_name": f"Partner {c}"},
                "messages": [
                    {
                        "urn": f"urn:li:msg_message:load-{user}-{c}-{n}",
                        "from_self": n % 3 == 0,
                        "text": f"message {n} with partner {c}",
                        "sent_at": 1_750_000_000_000 + n * 1000,
                    }
                    for n in numbers
                ],
            }
        )
    return {"conversations": conversations, "profiles": []}


async def _client(
    client: httpx.AsyncClient, number: int, user_index: int, user: User, started: float, outcome: Outcome
) -> None:
    rng = random.Random(number)
    while (elapsed := time.monotonic() - started) < DURATION_SECONDS:
        body = _push_body(rng, user_index, elapsed)
        sent = time.perf_counter()
        try:
            response = await client.post("/api/v1/linkedin/push", json=body, headers=user.extension)
        except httpx.TransportError:
            outcome.statuses[0] += 1  # no answer at all
            continue
        outcome.latencies_ms.append((time.perf_counter() - sent) * 1000)
        outcome.statuses[response.status_code] += 1
        if response.status_code == 200:
            outcome.created[user.id] += response.json()["interactions_created"]
            for conversation in body["conversations"]:  # type: ignore[attr-defined]
                outcome.partners[user.id].add(conversation["partner"]["member_id"])
                outcome.acknowledged[user.id].update(message["urn"] for message in conversation["messages"])


async def _stored(client: httpx.AsyncClient, user: User) -> tuple[int, int]:
    """(contacts, messages) stored for `user`, read through the contacts API."""
    contacts = messages = 0
    cursor: str | None = ""
    while cursor is not None:
        page = await client.get("/api/v1/contacts", params={"limit": 100, "cursor": cursor}, headers=user.web)
        page.raise_for_status()
        contacts += len(page.json()["items"])
        messages += sum(item["interaction_count"] for item in page.json()["items"])
        cursor = page.json()["next_cursor"]
    return contacts, messages


async def _run(edge_url: str) -> tuple[Outcome, int, int]:
    """Run the clients; answer the outcome, the duplicates and the lost messages found."""
    limits = httpx.Limits(max_connections=USERS * CLIENTS_PER_USER)
    async with httpx.AsyncClient(base_url=edge_url, timeout=CLIENT_TIMEOUT_SECONDS, limits=limits) as client:
        await wait_ready(client)
        users = [await sign_up_and_pair(client, f"load{index}@example.com") for index in range(USERS)]
        outcome = Outcome()
        for user in users:
            outcome.acknowledged[user.id], outcome.partners[user.id] = set(), set()
        started = time.monotonic()
        await asyncio.gather(
            *(
                _client(client, number, number % USERS, users[number % USERS], started, outcome)
                for number in range(USERS * CLIENTS_PER_USER)
            )
        )
        duplicates = lost = 0
        for user in users:
            contacts, messages = await _stored(client, user)
            acknowledged = len(outcome.acknowledged[user.id])
            duplicates += max(0, contacts - len(outcome.partners[user.id]))
            # Messages of pushes that failed may still be stored; created counts beyond what is stored were doubled.
            duplicates += max(0, outcome.created[user.id] - messages)
            lost += max(0, acknowledged - messages)
        return outcome, duplicates, lost


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _report(name: str, outcome: Outcome, duplicates: int, lost: int) -> None:
    pushes = sum(outcome.statuses.values())
    errors = {status: count for status, count in sorted(outcome.statuses.items()) if status != 200}
    print(f"  {name}:")
    print(f"    pushes {pushes} ({pushes / DURATION_SECONDS:.1f}/s), 200 answers {outcome.statuses[200]}")
    if outcome.latencies_ms:
        print(
            f"    latency p50 {statistics.median(outcome.latencies_ms):.0f} ms,"
            f" p99 {_percentile(outcome.latencies_ms, 0.99):.0f} ms, max {max(outcome.latencies_ms):.0f} ms"
        )
    described = ", ".join(f"{'no answer' if status == 0 else status}: {count}" for status, count in errors.items())
    print(f"    errors by status: {described or 'none'}")
    print(f"    duplicates found: {duplicates}, acknowledged messages lost: {lost}")


def main() -> int:
    clients = USERS * CLIENTS_PER_USER
    print(f"load: {clients} concurrent clients ({USERS} users), {DURATION_SECONDS} s per backend", end="")
    print(f", {CONVERSATIONS_PER_PUSH} conversations x {MESSAGES_PER_CONVERSATION} messages per push")
    print(f"  machine: {machine()}")
    failed = False
    with tempfile.TemporaryDirectory(prefix="pingcrm-load-") as folder:
        for name, postgres in (("embedded SQLite", False), ("PostgreSQL", True)):
            with running_stack(Path(folder) / name.split()[-1], postgres=postgres) as stack:
                outcome, duplicates, lost = asyncio.run(_run(stack.edge_url))
            _report(name, outcome, duplicates, lost)
            failed |= duplicates > 0 or lost > 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

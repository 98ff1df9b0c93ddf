"""Push latency through the real stack on PostgreSQL, with few and with many existing contacts.

For each size (1,000 and 100,000 existing contacts; BENCH_SHORT=1: 1,000
and 10,000, and fewer pushes) the benchmark
1. creates a fresh PostgreSQL database (PINGCRM_BENCH_POSTGRES_URL, default
   postgresql://postgres@127.0.0.1:5432/postgres names the server) and
   starts every PingCRM process on it, as `pingcrm up` would (auto-migrate,
   one process per service, free ports);
2. registers a user, pairs an extension, and COPYs in that many contacts
   (80 % with member id and slug, 10 % member id only, 10 % slug only), each
   with its conversation of two messages, plus as many for a second user,
   then VACUUM ANALYZE and CHECKPOINT;
3. times pushes sequentially over HTTP through the edge with the extension's
   token, as the extension sends them (bench/push_client.py: the client's own
   work barely counts): first pushes of 100 conversations / 500 messages each
   (half the partners are existing contacts, in their conversations, some
   gaining their missing id, half are new; every message URN is new); then,
   once the stacks are idle again (suggestions_service drafts for the new
   partners meanwhile), pushes of one new message in an existing contact's
   conversation. Both sizes run side by side and their pushes alternate, so
   whatever else the machine is doing slows both alike and the ratio stays
   meaningful;
4. prints median and p95 per size and the ratio of the medians.
BENCH_WITHOUT_SUGGESTIONS=1 stops suggestions_service once the stacks run, to
compare with and without its feed consumer. The database is dropped afterwards. Goals (docs/linkedin-sync.md,
"Benchmark"): large pushes median ≤ 35 ms, one-message pushes median
≤ 6 ms, at both sizes; ratio ≤ 1.3.
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import httpx

from bench.push_client import PushClient
from bench.stack import (
    Stack,
    User,
    database_url,
    machine,
    running_stack,
    sign_up_and_pair,
    wait_ready,
    wait_until_idle,
)
from pingcrm_cli.supervisor import stop_children

SHORT = os.environ.get("BENCH_SHORT") == "1"
# Stop suggestions_service once the stacks run: the same pushes without its activity-feed consumer
# reading and applying them alongside (docs/suggestions.md, Benchmark).
WITHOUT_SUGGESTIONS = os.environ.get("BENCH_WITHOUT_SUGGESTIONS") == "1"
SIZES = (1_000, 10_000) if SHORT else (1_000, 100_000)
PUSHES = 10 if SHORT else 30
SMALL_PUSHES = 30 if SHORT else 100
WARMUP = 3
CONVERSATIONS = 100
MESSAGES_PER_CONVERSATION = 5
EXISTING_SHARE = 0.5
SEED = 20260101


@dataclass(frozen=True)
class Figures:
    size: int
    timings_ms: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.timings_ms)

    @property
    def p95(self) -> float:
        ordered = sorted(self.timings_ms)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _identity(prefix: str, index: int) -> tuple[str | None, str | None]:
    """80 % both ids, 10 % member id only, 10 % slug only (as a CSV import leaves them)."""
    member, slug = f"ACo{prefix}{index:07d}", f"{prefix.lower()}-person-{index}"
    kind = index % 10
    return (member, None) if kind == 8 else (None, slug) if kind == 9 else (member, slug)


def _conversation_urn(prefix: str, index: int) -> str:
    return f"urn:li:msg_conversation:seed-{prefix}-{index}"


async def _seed(database: str, user_id: str, prefix: str, count: int) -> None:
    """COPY `count` contacts for `user_id`, each with its conversation of two messages (the whole of it)."""
    connection = await asyncpg.connect(database_url(database))
    try:
        start = datetime(2024, 1, 1, tzinfo=UTC)
        contacts, interactions, conversations = [], [], []
        for i in range(count):
            member, slug = _identity(prefix, i)
            contact_id = str(uuid.uuid4())
            last = start + timedelta(minutes=i)
            contacts.append(
                (contact_id, user_id, f"Person {i}", "Headline", "", f"Company {i % 500}", "", "", "")
                + (member, slug, "", "second", True, last, last, 2, start, start)
            )
            for n, text in enumerate(("first", "second")):
                at = last - timedelta(minutes=1 - n)
                urn = f"urn:seed:{prefix}:{i}:{n}"
                interactions.append((str(uuid.uuid4()), user_id, contact_id, urn, n == 1, text, at))
            first = last - timedelta(minutes=1)
            conversations.append((user_id, _conversation_urn(prefix, i), contact_id, first, last, first, True, start))
        await connection.copy_records_to_table(
            "contacts",
            schema_name="contacts",
            records=contacts,
            columns=[
                "id", "user_id", "full_name", "headline", "title", "company", "location", "email", "avatar_url",
                "linkedin_member_id", "linkedin_slug", "linkedin_url", "last_message_text", "last_message_from_self",
                "last_message_at", "last_interaction_at", "interaction_count", "created_at", "updated_at",
            ],
        )  # fmt: skip
        await connection.copy_records_to_table(
            "interactions",
            schema_name="contacts",
            records=interactions,
            columns=["id", "user_id", "contact_id", "source_urn", "from_self", "text", "occurred_at"],
        )
        await connection.copy_records_to_table(
            "conversations",
            schema_name="contacts",
            records=conversations,
            columns=[
                "user_id", "urn", "contact_id", "oldest_message_at", "newest_message_at", "first_message_at",
                "complete", "updated_at",
            ],
        )  # fmt: skip
        # A long-lived database is vacuumed and checkpointed; without this the timed pushes would compete
        # with autovacuum of the freshly loaded rows and write full-page images of every page they touch.
        for table in ("contacts.contacts", "contacts.interactions", "contacts.conversations"):
            await connection.execute(f"VACUUM (ANALYZE) {table}")
        await connection.execute("CHECKPOINT")
    finally:
        await connection.close()


def _push_body(rng: random.Random, size: int, push: int) -> dict[str, object]:
    existing = rng.sample(range(size), int(CONVERSATIONS * EXISTING_SHARE))
    conversations = []
    now_ms = int(time.time() * 1000)
    for c in range(CONVERSATIONS):
        if c < len(existing):
            index = existing[c]
            member, slug = f"ACoUser{index:07d}", f"user-person-{index}"  # both: fills the missing id of 20 %
            urn = _conversation_urn("User", index)
        else:
            member, slug = f"ACoNew{push:03d}{c:04d}", f"new-{push}-{c}"
            urn = f"urn:li:msg_conversation:{push}-{c}"
        messages = [
            {
                "urn": f"urn:li:msg_message:{push}-{c}-{m}",
                "from_self": m % 2 == 1,
                "text": f"Message {m} of conversation {c}: " + "lorem ipsum dolor sit amet " * rng.randint(1, 8),
                "sent_at": now_ms - (CONVERSATIONS - c) * 60_000 + m,
            }
            for m in range(MESSAGES_PER_CONVERSATION)
        ]
        conversations.append(
            {
                "urn": urn,
                "partner": {"member_id": member, "slug": slug, "first_name": "Bench", "last_name": f"Partner {c}"},
                "messages": messages,
            }
        )
    return {"conversations": conversations, "profiles": []}


def _one_message_body(size: int, push: int) -> dict[str, object]:
    """One new message in the conversation with an existing contact: what a sync between two visits sends."""
    index = push * 7919 % size
    message = {"urn": f"urn:li:msg_message:one-{push}", "from_self": False, "text": "Thanks, talk soon!"}
    message["sent_at"] = int(time.time() * 1000)
    return {
        "conversations": [
            {
                "urn": _conversation_urn("User", index),
                "partner": {"member_id": f"ACoUser{index:07d}", "slug": f"user-person-{index}", "first_name": "One"},
                "messages": [message],
            }
        ],
        "profiles": [],
    }


async def _prepare(client: httpx.AsyncClient, stack: Stack, size: int) -> User:
    await wait_ready(client)
    user = await sign_up_and_pair(client, "bench@example.com")
    other = await sign_up_and_pair(client, "other@example.com")
    assert stack.database is not None
    await _seed(stack.database, user.id, "User", size)
    await _seed(stack.database, other.id, "Other", size)
    return user


def _push(client: PushClient, user: User, body: dict[str, object]) -> float:
    elapsed, answer = client.push(user.extension, body)
    expected = sum(len(conversation["messages"]) for conversation in body["conversations"])  # type: ignore[attr-defined]
    if answer["interactions_created"] != expected:
        raise RuntimeError(f"a push stored {answer['interactions_created']} of {expected} messages")
    return elapsed


def _alternate(stacks: list[Stack], users: list[User], bodies: list[list[dict[str, object]]]) -> list[list[float]]:
    """Push each size's bodies in turn, so whatever else the machine does slows every size alike."""
    clients = [PushClient(stack.edge_url) for stack in stacks]
    timings: list[list[float]] = [[] for _ in clients]
    try:
        for number in range(len(bodies[0])):
            for index, client in enumerate(clients):
                elapsed = _push(client, users[index], bodies[index][number])
                if number >= WARMUP:
                    timings[index].append(elapsed)
    finally:
        for client in clients:
            client.close()
    return timings


async def _prepare_all(stacks: list[Stack]) -> list[User]:
    users = []
    for stack, size in zip(stacks, SIZES, strict=True):
        async with httpx.AsyncClient(base_url=stack.edge_url, timeout=60) as client:
            users.append(await _prepare(client, stack, size))
    return users


@dataclass(frozen=True)
class Results:
    large: list[Figures]
    small: list[Figures]
    settled_seconds: float  # how long the stacks stayed busy after the large pushes


def _measure(stacks: list[Stack]) -> Results:
    """Prepare every size, time the large pushes, wait for the stacks to settle, time the one-message pushes."""
    users = asyncio.run(_prepare_all(stacks))
    if WITHOUT_SUGGESTIONS:  # only now: the stack is ready (/readyz) only while every service runs
        for stack in stacks:
            stop_children({"suggestions": stack.children["suggestions"]})
    large = [[_push_body(random.Random(SEED), size, push) for push in range(WARMUP + PUSHES)] for size in SIZES]
    small = [[_one_message_body(size, push) for push in range(WARMUP + SMALL_PUSHES)] for size in SIZES]
    large_ms = _alternate(stacks, users, large)
    # A one-message push is what a sync between two visits sends, not one racing the drafts for the thousands
    # of partners the large pushes just created.
    settled = wait_until_idle(stacks)
    small_ms = _alternate(stacks, users, small)
    return Results(
        [Figures(size, times) for size, times in zip(SIZES, large_ms, strict=True)],
        [Figures(size, times) for size, times in zip(SIZES, small_ms, strict=True)],
        settled,
    )


def _run(folder: Path) -> Results:
    with ExitStack() as running:
        stacks = [running.enter_context(running_stack(folder / str(size), postgres=True)) for size in SIZES]
        return _measure(stacks)


def _print(title: str, results: list[Figures]) -> None:
    print(f"  {title}")
    for figures in results:
        print(
            f"  {figures.size:>9,} existing contacts: median {figures.median:6.1f} ms, p95 {figures.p95:6.1f} ms"
            f" (fastest {min(figures.timings_ms):.1f} ms)"
        )
    ratio = results[-1].median / results[0].median
    print(f"    ratio of medians {results[-1].size:,} / {results[0].size:,}: {ratio:.2f}")


def main() -> int:
    messages = CONVERSATIONS * MESSAGES_PER_CONVERSATION
    mode = (" (BENCH_SHORT)" if SHORT else "") + (" without suggestions_service" if WITHOUT_SUGGESTIONS else "")
    print(f"push_latency: pushes through the edge with an extension token{mode}")
    print(f"  machine: {machine()}")
    with tempfile.TemporaryDirectory(prefix="pingcrm-bench-") as folder:
        results = _run(Path(folder))
    _print(
        f"{CONVERSATIONS} conversations / {messages} messages, {PUSHES} timed pushes after {WARMUP} warm-up",
        results.large,
    )
    print(f"  then the stacks were busy for another {results.settled_seconds:.1f} s (drafts for the new partners)")
    _print(f"1 conversation / 1 message, {SMALL_PUSHES} timed pushes after {WARMUP} warm-up", results.small)
    return 0


if __name__ == "__main__":
    sys.exit(main())

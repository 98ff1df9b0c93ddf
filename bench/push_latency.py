"""Push latency through the real stack on PostgreSQL, with few and with many existing contacts.

For each size (1,000 and 100,000 existing contacts; BENCH_SHORT=1: 1,000
and 10,000, and fewer pushes) the benchmark
1. creates a fresh PostgreSQL database (PINGCRM_BENCH_POSTGRES_URL, default
   postgresql://postgres@127.0.0.1:5432/postgres names the server) and
   starts every PingCRM process on it, as `pingcrm up` would (auto-migrate,
   one process per service, free ports);
2. registers a user and COPYs in that many contacts (80 % with member id and
   slug, 10 % member id only, 10 % slug only), two messages each, plus as
   many for a second user, then VACUUM ANALYZE and CHECKPOINT;
3. times pushes of 100 conversations / 500 messages each, sequentially, over
   HTTP through the edge: half the partners are existing contacts (some
   gaining their missing id), half are new; every message URN is new. Both
   sizes run side by side and their pushes alternate, so whatever else the
   machine is doing slows both alike and the ratio stays meaningful;
4. prints median and p95 per size and the ratio of the medians.
The database is dropped afterwards. Goal (docs/linkedin-sync.md,
"Benchmark"): median ≤ 150 ms and ratio ≤ 1.3.
"""

from __future__ import annotations

import asyncio
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlparse

import asyncpg
import httpx

from pingcrm_cli.supervisor import start_children, stop_children
from pingcrm_common.tokens import ensure_embedded_keys

SHORT = os.environ.get("BENCH_SHORT") == "1"
ADMIN_URL = os.environ.get("PINGCRM_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
SIZES = (1_000, 10_000) if SHORT else (1_000, 100_000)
PUSHES = 10 if SHORT else 30
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


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _database_url(name: str, driver: str = "postgresql") -> str:
    return urlparse(ADMIN_URL)._replace(scheme=driver, path=f"/{name}").geturl()


async def _admin(statement: str) -> None:
    connection = await asyncpg.connect(ADMIN_URL)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def _stack_env(data_dir: Path, database: str) -> tuple[dict[str, str], str]:
    env = {
        **os.environ,
        "PINGCRM_ENV": "development",
        "PINGCRM_DATA_DIR": str(data_dir),
        "PINGCRM_DATABASE_URL": _database_url(database, "postgresql+asyncpg"),
        "PINGCRM_LOG_LEVEL": "INFO",
    }
    for service in ("auth", "contacts", "suggestions", "media"):
        port = _free_port()
        env[f"PINGCRM_{service.upper()}_PORT"] = str(port)
        env[f"PINGCRM_{service.upper()}_ADDR"] = f"127.0.0.1:{port}"
        env[f"PINGCRM_{service.upper()}_METRICS_PORT"] = str(_free_port())
    edge_port = _free_port()
    env["PINGCRM_EDGE_PORT"] = str(edge_port)
    edge_url = f"http://127.0.0.1:{edge_port}"
    env["PINGCRM_PUBLIC_URL"] = edge_url
    return env, edge_url


async def _wait_ready(client: httpx.AsyncClient, deadline_seconds: float = 180) -> None:
    deadline = time.monotonic() + deadline_seconds
    while time.monotonic() < deadline:
        try:
            if (await client.get("/readyz")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.2)
    raise RuntimeError("the stack did not become ready")


async def _register(client: httpx.AsyncClient, email: str) -> tuple[str, dict[str, str]]:
    credentials = {"email": email, "password": "benchmark password"}
    (await client.post("/api/v1/auth/register", json=credentials)).raise_for_status()
    login = await client.post("/api/v1/auth/login", json=credentials)
    login.raise_for_status()
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    me = await client.get("/api/v1/me", headers=headers)
    me.raise_for_status()
    return me.json()["id"], headers


def _identity(prefix: str, index: int) -> tuple[str | None, str | None]:
    """80 % both ids, 10 % member id only, 10 % slug only (as a CSV import leaves them)."""
    member, slug = f"ACo{prefix}{index:07d}", f"{prefix.lower()}-person-{index}"
    kind = index % 10
    return (member, None) if kind == 8 else (None, slug) if kind == 9 else (member, slug)


async def _seed(database: str, user_id: str, prefix: str, count: int) -> None:
    """COPY `count` contacts with two messages each for `user_id`."""
    connection = await asyncpg.connect(_database_url(database))
    try:
        start = datetime(2024, 1, 1, tzinfo=UTC)
        contacts, interactions = [], []
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
        # A long-lived database is vacuumed and checkpointed; without this the timed pushes would compete
        # with autovacuum of the freshly loaded rows and write full-page images of every page they touch.
        for table in ("contacts.contacts", "contacts.interactions"):
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
        else:
            member, slug = f"ACoNew{push:03d}{c:04d}", f"new-{push}-{c}"
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
                "urn": f"urn:li:msg_conversation:{push}-{c}",
                "partner": {"member_id": member, "slug": slug, "first_name": "Bench", "last_name": f"Partner {c}"},
                "messages": messages,
            }
        )
    return {"conversations": conversations, "profiles": []}


@dataclass
class _Stack:
    """One size's database and running processes."""

    size: int
    database: str
    edge_url: str
    children: dict[str, subprocess.Popen[bytes]]


async def _prepare(client: httpx.AsyncClient, stack: _Stack) -> dict[str, str]:
    await _wait_ready(client)
    user_id, headers = await _register(client, "bench@example.com")
    other_id, _ = await _register(client, "other@example.com")
    await _seed(stack.database, user_id, "User", stack.size)
    await _seed(stack.database, other_id, "Other", stack.size)
    return headers


async def _push(client: httpx.AsyncClient, headers: dict[str, str], body: dict[str, object]) -> float:
    started = time.perf_counter()
    response = await client.post("/api/v1/linkedin/push", json=body, headers=headers)
    elapsed = (time.perf_counter() - started) * 1000
    response.raise_for_status()
    if response.json()["interactions_created"] != CONVERSATIONS * MESSAGES_PER_CONVERSATION:
        raise RuntimeError(f"a push stored {response.json()['interactions_created']} messages")
    return elapsed


async def _measure(stacks: list[_Stack]) -> list[Figures]:
    """Prepare every size, then push to each in turn, so machine noise hits all sizes alike."""
    clients = [httpx.AsyncClient(base_url=stack.edge_url, timeout=60) for stack in stacks]
    try:
        headers = [await _prepare(client, stack) for client, stack in zip(clients, stacks, strict=True)]
        bodies = [
            [_push_body(random.Random(SEED), stack.size, push) for push in range(WARMUP + PUSHES)] for stack in stacks
        ]
        timings: list[list[float]] = [[] for _ in stacks]
        for number in range(WARMUP + PUSHES):
            for index, client in enumerate(clients):
                elapsed = await _push(client, headers[index], bodies[index][number])
                if number >= WARMUP:
                    timings[index].append(elapsed)
        return [Figures(stack.size, times) for stack, times in zip(stacks, timings, strict=True)]
    finally:
        for client in clients:
            await client.aclose()


def _run(folder: Path) -> list[Figures]:
    stacks: list[_Stack] = []
    try:
        for size in SIZES:
            database = f"pingcrm_bench_{uuid.uuid4().hex[:10]}"
            asyncio.run(_admin(f'CREATE DATABASE "{database}"'))
            stacks.append(_Stack(size, database, "", {}))
            data_dir = folder / str(size)
            ensure_embedded_keys(data_dir / "keys")
            env, stacks[-1].edge_url = _stack_env(data_dir, database)
            with (data_dir / "stack.log").open("wb") as log:
                stacks[-1].children = start_children(env, output=log)
        return asyncio.run(_measure(stacks))
    finally:
        for stack in stacks:
            stop_children(stack.children)
            asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{stack.database}" WITH (FORCE)'))


def _machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} CPUs, Python {platform.python_version()}"


def main() -> int:
    messages = CONVERSATIONS * MESSAGES_PER_CONVERSATION
    print(f"push_latency: {CONVERSATIONS} conversations / {messages} messages per push")
    print(f"  {PUSHES} timed pushes per size after {WARMUP} warm-up ones{' (BENCH_SHORT)' if SHORT else ''}")
    print(f"  machine: {_machine()}")
    with tempfile.TemporaryDirectory(prefix="pingcrm-bench-") as folder:
        results = _run(Path(folder))
    for figures in results:
        print(
            f"  {figures.size:>7,} existing contacts: median {figures.median:6.1f} ms, p95 {figures.p95:6.1f} ms"
            f" (fastest {min(figures.timings_ms):.1f} ms)"
        )
    ratio = results[-1].median / results[0].median
    print(f"  ratio of medians {results[-1].size:,} / {results[0].size:,}: {ratio:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

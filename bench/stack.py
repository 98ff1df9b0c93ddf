"""What every benchmark needs: a whole PingCRM stack in child processes, and signed-in users.

The stack runs as `pingcrm up` runs it (one process per service, auto-migrate,
free ports), on a fresh PostgreSQL database or on the embedded SQLite files.
"""

from __future__ import annotations

import asyncio
import os
import platform
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import asyncpg
import httpx

from pingcrm_cli.services import SERVICES
from pingcrm_cli.supervisor import start_children, stop_children
from pingcrm_common.tokens import ensure_embedded_keys

ADMIN_URL = os.environ.get("PINGCRM_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
PASSWORD = "benchmark password"


def free_ports(count: int) -> list[int]:
    """`count` distinct free ports (held together while chosen, so none is handed out twice)."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for probe in sockets:
            probe.bind(("127.0.0.1", 0))
        return [int(probe.getsockname()[1]) for probe in sockets]
    finally:
        for probe in sockets:
            probe.close()


def database_url(name: str, driver: str = "postgresql") -> str:
    return urlparse(ADMIN_URL)._replace(scheme=driver, path=f"/{name}").geturl()


async def admin(statement: str) -> None:
    connection = await asyncpg.connect(ADMIN_URL)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


@dataclass
class Stack:
    """One running stack: where its edge listens and, on PostgreSQL, its database."""

    edge_url: str
    database: str | None
    children: dict[str, subprocess.Popen[bytes]]


def _env(
    data_dir: Path, database: str | None, redis_url: str | None, extra: Mapping[str, str]
) -> tuple[dict[str, str], str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PINGCRM_")}
    env.update(PINGCRM_ENV="development", PINGCRM_DATA_DIR=str(data_dir), PINGCRM_LOG_LEVEL="INFO")
    env.update(extra)
    if database:
        env["PINGCRM_DATABASE_URL"] = database_url(database, "postgresql+asyncpg")
    if redis_url:
        env["PINGCRM_REDIS_URL"] = redis_url
    *ports, edge_port = free_ports(2 * len(SERVICES) + 1)
    for service, port, metrics_port in zip(SERVICES, ports[: len(SERVICES)], ports[len(SERVICES) :], strict=True):
        env[f"PINGCRM_{service.upper()}_PORT"] = str(port)
        env[f"PINGCRM_{service.upper()}_ADDR"] = f"127.0.0.1:{port}"
        env[f"PINGCRM_{service.upper()}_METRICS_PORT"] = str(metrics_port)
    env["PINGCRM_EDGE_PORT"] = str(edge_port)
    edge_url = f"http://127.0.0.1:{edge_port}"
    env["PINGCRM_PUBLIC_URL"] = edge_url
    return env, edge_url


@contextmanager
def scratch_database() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one benchmark: its name; dropped afterwards, connections or not."""
    name = f"pingcrm_bench_{uuid.uuid4().hex[:10]}"
    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    try:
        yield name
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@contextmanager
def running_stack(
    data_dir: Path, *, postgres: bool, redis_url: str | None = None, extra_env: Mapping[str, str] | None = None
) -> Iterator[Stack]:
    """Start every process (on a fresh PostgreSQL database, or embedded), with `extra_env` besides the defaults
    (e.g. bench/cdn.py's settings for a loopback CDN); stop them and drop the database afterwards."""
    with scratch_database() if postgres else nullcontext(None) as database:
        stack = Stack("", database, {})
        try:
            ensure_embedded_keys(data_dir / "keys")
            env, stack.edge_url = _env(data_dir, database, redis_url, extra_env or {})
            with (data_dir / "stack.log").open("wb") as log:
                stack.children = start_children(env, output=log)
            # Ready before the caller may start another stack: until its processes bound their ports,
            # the next stack could be handed the same free ports.
            asyncio.run(_ready(stack.edge_url))
            yield stack
        finally:
            stop_children(stack.children)


async def _ready(edge_url: str) -> None:
    async with httpx.AsyncClient(base_url=edge_url, timeout=30) as client:
        await wait_ready(client)


async def wait_ready(client: httpx.AsyncClient, deadline_seconds: float = 180) -> None:
    deadline = time.monotonic() + deadline_seconds
    while time.monotonic() < deadline:
        try:
            if (await client.get("/readyz")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.2)
    raise RuntimeError("the stack did not become ready")


@dataclass(frozen=True)
class User:
    id: str
    web: dict[str, str]  # Authorization header with a web token
    extension: dict[str, str]  # Authorization header with a paired extension's token, what pushes carry


async def sign_up_and_pair(client: httpx.AsyncClient, email: str) -> User:
    """Register, sign in and pair an extension, as a user does in the web app and the popup."""
    credentials = {"email": email, "password": PASSWORD}
    (await client.post("/api/v1/auth/register", json=credentials)).raise_for_status()
    login = await client.post("/api/v1/auth/login", json=credentials)
    login.raise_for_status()
    web = {"Authorization": f"Bearer {login.json()['access_token']}"}
    me = await client.get("/api/v1/me", headers=web)
    me.raise_for_status()
    code = await client.post("/api/v1/extension/codes")
    code.raise_for_status()
    (await client.post("/api/v1/extension/pair", json={"code": code.json()["code"]}, headers=web)).raise_for_status()
    collected = await client.get(
        "/api/v1/extension/pair",
        params={"code": code.json()["code"]},
        headers={"X-Pairing-Secret": code.json()["poll_secret"]},
    )
    collected.raise_for_status()
    return User(me.json()["id"], web, {"Authorization": f"Bearer {collected.json()['token']}"})


def _cpu_seconds(pids: list[int]) -> float:
    """CPU time (user and system) these processes have used so far (Linux's /proc)."""
    ticks = 0
    for pid in pids:
        # Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def wait_until_idle(
    stacks: list[Stack], busy_share: float = 0.05, window_seconds: float = 1.0, limit_seconds: float = 300
) -> float:
    """Wait until the stacks' processes together used less than `busy_share` of one CPU over a whole window
    (background work such as suggestions_service drafting for new contacts has finished); the seconds waited."""
    pids = [child.pid for stack in stacks for child in stack.children.values() if child.poll() is None]
    started = time.monotonic()
    before = _cpu_seconds(pids)
    while time.monotonic() - started < limit_seconds:
        time.sleep(window_seconds)
        now = _cpu_seconds(pids)
        if now - before < busy_share * window_seconds:
            return time.monotonic() - started
        before = now
    raise RuntimeError(f"the stacks were still busy after {limit_seconds:.0f} s")


def python_speed_seconds() -> float:
    """How long this machine takes for a plain loop of 10 million additions: a yardstick for comparing figures
    measured on different machines (the docs quote it beside their figures)."""
    started = time.perf_counter()
    total = 0
    for number in range(10_000_000):
        total += number
    return time.perf_counter() - started


def machine() -> str:
    """CPU model, count, Python version, the yardstick above and the load average when the run started."""
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    speed = f"10M-addition loop {python_speed_seconds():.2f} s"
    return f"{model}, {os.cpu_count()} CPUs, Python {platform.python_version()}, {speed}, load average {load}"

"""Imports of LinkedIn's data export end to end, on PostgreSQL through the edge, with every process's memory.

The benchmark starts every PingCRM process on a fresh PostgreSQL database (as
`pingcrm up` would), signs a user up, and for each file
1. writes a made-up Connections.csv or messages.csv of N rows to disk (as
   LinkedIn writes them: preamble, CRLF, quoted fields; messages.csv with 20
   messages per conversation, both directions, times a minute apart);
2. resets the peak resident memory of every process (`/proc/<pid>/clear_refs`);
3. uploads it as multipart/form-data to `POST /api/v1/contacts/import`
   (streamed from disk) and polls `GET /api/v1/contacts/import/{job_id}`
   every 50 ms until the job is done: the time from the first byte sent to
   `done` is the figure;
4. prints it with each process's peak resident memory (VmHWM) during that
   import, and this benchmark's own.
Every file names new people, so each import creates all its contacts.
Goals (docs/linkedin-sync.md, "Import benchmark"): 30,000 connections in
≤ 5 s, 100,000 messages in ≤ 20 s, and no process's peak memory growing with
the file's size (10,000 vs 100,000 rows).

BENCH_SHORT=1 imports 10,000 and 30,000 rows of each kind only.
"""

from __future__ import annotations

import asyncio
import base64
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from bench.stack import PASSWORD, machine, running_stack

SHORT = os.environ.get("BENCH_SHORT") == "1"
CASES = (
    [("connections", 10_000), ("connections", 30_000), ("messages", 10_000), ("messages", 30_000)]
    if SHORT
    else [
        ("connections", 10_000),
        ("connections", 30_000),
        ("connections", 100_000),
        ("messages", 10_000),
        ("messages", 100_000),
    ]
)
GOALS_SECONDS = {("connections", 30_000): 5.0, ("messages", 100_000): 20.0}
MESSAGES_PER_CONVERSATION = 20
POLL_SECONDS = 0.05
OWNER = "https://www.linkedin.com/in/bench-owner"


@dataclass(frozen=True)
class Result:
    kind: str
    rows: int
    size_bytes: int
    upload_seconds: float
    total_seconds: float
    before_mib: dict[str, int]  # resident memory when the upload started
    peak_mib: dict[str, int]  # the most resident memory during the import
    created: int


def write_connections(path: Path, rows: int, prefix: str) -> None:
    with path.open("wb") as out:
        out.write(b'\xef\xbb\xbfNotes:\r\n"Some emails may be missing."\r\n\r\n')
        out.write(b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n")
        for i in range(rows):
            email = f"{prefix}-{i}@example.com" if i % 7 == 0 else ""
            out.write(
                f'Person,Number {i},https://www.linkedin.com/in/{prefix}-{i}/,{email},"Company {i % 500}, Inc.",'
                f'"Engineer, level {i % 9}",{(datetime(2024, 3, 5) - timedelta(days=i % 900)):%d %b %Y}\r\n'.encode()
            )


def write_messages(path: Path, rows: int, prefix: str) -> None:
    start = datetime(2021, 1, 1, tzinfo=UTC)
    with path.open("wb") as out:
        out.write(
            b"CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,RECIPIENT PROFILE URLS,DATE,"
            b"SUBJECT,CONTENT,FOLDER\r\n"
        )
        for i in range(rows):
            conversation = i // MESSAGES_PER_CONVERSATION
            thread = "2-" + base64.b64encode(f"{prefix}-{conversation}_010".encode()).decode()
            partner = (f"Partner {conversation}", f"https://www.linkedin.com/in/{prefix}-{conversation}")
            me = ("Bench Owner", OWNER)
            (sender, sender_url), (recipient, recipient_url) = (me, partner) if i % 2 == 0 else (partner, me)
            text = f"Message {i}, about the project — lorem ipsum dolor sit amet. " * (1 + i % 4)
            out.write(
                f"{thread},,{sender},{sender_url},{recipient},{recipient_url},"
                f'{start + timedelta(minutes=i):%Y-%m-%d %H:%M:%S} UTC,,"{text}",INBOX\r\n'.encode()
            )


def memory_mib(pid: int, field: str) -> int:
    """VmRSS (resident now) or VmHWM (the peak since it was last reset) of a process, in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) // 1024
    return -1


def reset_peak(pid: int) -> None:
    Path(f"/proc/{pid}/clear_refs").write_text("5")  # 5: reset the peak resident set size (proc(5))


async def import_one(client: httpx.AsyncClient, headers: dict[str, str], path: Path) -> tuple[float, float, dict]:
    started = time.perf_counter()
    with path.open("rb") as file:  # httpx streams the file into the multipart body in pieces
        accepted = await client.post(
            "/api/v1/contacts/import", files={"file": (path.name, file, "text/csv")}, headers=headers
        )
    uploaded = time.perf_counter() - started
    accepted.raise_for_status()
    while True:
        job = (await client.get(f"/api/v1/contacts/import/{accepted.json()['job_id']}", headers=headers)).json()
        if job["state"] in ("done", "failed"):
            return uploaded, time.perf_counter() - started, job
        await asyncio.sleep(POLL_SECONDS)


async def sign_up(client: httpx.AsyncClient) -> dict[str, str]:
    """A web user's Authorization header: imports take a web token only."""
    credentials = {"email": "bench@example.com", "password": PASSWORD}
    (await client.post("/api/v1/auth/register", json=credentials)).raise_for_status()
    login = await client.post("/api/v1/auth/login", json=credentials)
    login.raise_for_status()
    return {"Authorization": f"Bearer {login.json()['access_token']}"}


async def measure(edge_url: str, pids: dict[str, int], folder: Path) -> list[Result]:
    results = []
    async with httpx.AsyncClient(base_url=edge_url, timeout=120) as client:
        headers = await sign_up(client)
        for number, (kind, rows) in enumerate(CASES):
            path = folder / f"{kind}-{rows}.csv"
            (write_connections if kind == "connections" else write_messages)(path, rows, f"p{number}")
            everyone = {**pids, "bench": os.getpid()}
            for pid in everyone.values():
                reset_peak(pid)
            before = {name: memory_mib(pid, "VmRSS") for name, pid in everyone.items()}
            uploaded, total, job = await import_one(client, headers, path)
            if job["state"] != "done" or job["processed"] != rows or job["created"] != rows:
                raise RuntimeError(f"the import of {path.name} ended {job['state']}: {job}")
            peaks = {name: memory_mib(pid, "VmHWM") for name, pid in everyone.items()}
            results.append(Result(kind, rows, path.stat().st_size, uploaded, total, before, peaks, job["created"]))
            path.unlink()
    return results


def main() -> int:
    print(f"imports: LinkedIn export files through the edge on PostgreSQL{' (BENCH_SHORT)' if SHORT else ''}")
    print(f"  machine: {machine()}")
    with (
        tempfile.TemporaryDirectory(prefix="pingcrm-bench-") as folder,
        running_stack(Path(folder), postgres=True) as stack,
    ):
        pids = {name: child.pid for name, child in stack.children.items()}
        results = asyncio.run(measure(stack.edge_url, pids, Path(folder)))
    status = 0
    print(f"  {'file':22} {'MB':>5} {'upload':>7} {'total':>7} {'rows/s':>7}  goal")
    for result in results:
        goal = GOALS_SECONDS.get((result.kind, result.rows))
        if goal is not None and result.total_seconds > goal:
            status = 1
        verdict = "" if goal is None else f"≤ {goal:.0f} s: {'met' if result.total_seconds <= goal else 'MISSED'}"
        print(
            f"  {result.kind + ' ' + format(result.rows, ','):22} {result.size_bytes / 1e6:5.1f}"
            f" {result.upload_seconds:6.2f}s {result.total_seconds:6.2f}s {result.rows / result.total_seconds:7,.0f}"
            f"  {verdict}"
        )
    names = [*results[0].peak_mib]
    print(f"  resident memory, MiB (when the upload started → peak during the import): {', '.join(names)}")
    for result in results:
        memory = "  ".join(f"{result.before_mib[name]:>3} → {result.peak_mib[name]:>3}" for name in names)
        print(f"  {result.kind + ' ' + format(result.rows, ','):22} {memory}")
    print(f"  load average after: {', '.join(f'{v:.2f}' for v in os.getloadavg())}")
    return status


if __name__ == "__main__":
    sys.exit(main())

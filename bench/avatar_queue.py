"""The whole photo path: 1,000 profile photos queued by pushes, downloaded by contacts_service's photo worker
through media_service from a loopback CDN, and set as the contacts' avatars.

The benchmark
1. starts the whole stack as `pingcrm up` does (child processes, embedded: SQLite, blobs on disk), its
   media_service pointed at the tests' fake CDN (HTTPS on loopback) served from this process;
2. pushes 1,000 contacts (10 pushes of 100 conversations), then their 1,000 profiles (20 pushes of 50), each
   with the address of its own distinct 800 × 800 JPEG photo (bench/media.py's photos);
3. times from the first profile push until every contact has its avatar (read from contacts_service's
   database), and checks that every photo was stored once.
Goal (issue 11): 1,000 queued photos stored in < 30 s. BENCH_SHORT=1 uses 200.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench.cdn import media_env, threaded_cdn
from bench.media import _photos
from bench.stack import Stack, machine, running_stack, sign_up_and_pair
from tests.support.fake_cdn import FakeCdn

SHORT = os.environ.get("BENCH_SHORT") == "1"
PHOTOS = 200 if SHORT else 1_000
CONVERSATIONS_PER_PUSH = 100
PROFILES_PER_PUSH = 50
GOAL_SECONDS = 30.0


def _member(index: int) -> str:
    return f"ACoPhoto{index:06d}"


async def _run(stack: Stack, cdn: FakeCdn, urls: list[str], data_dir: Path) -> int:
    async with httpx.AsyncClient(base_url=stack.edge_url, timeout=60) as client:
        user = await sign_up_and_pair(client, "photos@example.com")
        now_ms = int(time.time() * 1000)
        for start in range(0, PHOTOS, CONVERSATIONS_PER_PUSH):
            conversations = [
                {
                    "urn": f"urn:li:msg_conversation:{i}",
                    "partner": {"member_id": _member(i), "first_name": "Photo", "last_name": f"Person {i}"},
                    "messages": [{"urn": f"urn:li:msg_message:{i}", "text": "hello", "sent_at": now_ms - i}],
                }
                for i in range(start, min(start + CONVERSATIONS_PER_PUSH, PHOTOS))
            ]
            (
                await client.post(
                    "/api/v1/linkedin/push", json={"conversations": conversations}, headers=user.extension
                )
            ).raise_for_status()
        load_before = os.getloadavg()[0]
        started = time.perf_counter()
        push_ms = []
        for start in range(0, PHOTOS, PROFILES_PER_PUSH):
            profiles = [
                {"member_id": _member(i), "first_name": "Photo", "photo_urls": [urls[i]]}
                for i in range(start, min(start + PROFILES_PER_PUSH, PHOTOS))
            ]
            pushed_at = time.perf_counter()
            answer = await client.post("/api/v1/linkedin/push", json={"profiles": profiles}, headers=user.extension)
            answer.raise_for_status()
            push_ms.append((time.perf_counter() - pushed_at) * 1000)
            if answer.json()["rejected"]:
                raise RuntimeError(f"profiles rejected: {answer.json()['rejected'][:3]}")
        queued = time.perf_counter() - started
        with_avatar = 0
        while time.perf_counter() - started < 300:
            with_avatar = _avatars(data_dir)
            if with_avatar >= PHOTOS:
                break
            await asyncio.sleep(0.1)
        total = time.perf_counter() - started
    with sqlite3.connect(data_dir / "media.db") as database:
        stored = database.execute("SELECT count(*) FROM avatars").fetchone()[0]
    print(f"  {PHOTOS:,} profile pushes' photos queued by {len(push_ms)} pushes in {queued:.1f} s "
          f"(push median {sorted(push_ms)[len(push_ms) // 2]:.0f} ms)")  # fmt: skip
    print(f"  load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after")
    print(
        f"  {with_avatar:,} contacts got their avatar ({stored:,} avatars stored, {len(cdn.requests):,} CDN requests) "
        f"{total:.1f} s after the first profile push: {with_avatar / total:.0f} photos/s "
        f"(goal < {GOAL_SECONDS:.0f} s: {'met' if total < GOAL_SECONDS and with_avatar == PHOTOS else 'NOT met'})"
    )
    return 0 if with_avatar == PHOTOS and stored == PHOTOS else 1


def _avatars(data_dir: Path) -> int:
    with sqlite3.connect(data_dir / "contacts.db", timeout=5) as database:
        return int(database.execute("SELECT count(*) FROM contacts WHERE avatar_url != ''").fetchone()[0])


def main() -> int:
    short = " (BENCH_SHORT)" if SHORT else ""
    print(f"avatar_queue: {PHOTOS:,} photos through the queue, the worker and media_service{short}")
    print(f"  machine: {machine()}")
    photos = _photos(PHOTOS)
    with tempfile.TemporaryDirectory(prefix="pingcrm-bench-") as folder, threaded_cdn() as cdn:
        urls = [
            cdn.serve_image(f"/dms/image/photo-{i}/profile-displayphoto-shrink_800_800/0", data)
            for i, data in enumerate(photos)
        ]
        data_dir = Path(folder)
        with running_stack(data_dir, postgres=False, extra_env=media_env(cdn)) as stack:
            return asyncio.run(_run(stack, cdn, urls, data_dir))


if __name__ == "__main__":
    sys.exit(main())

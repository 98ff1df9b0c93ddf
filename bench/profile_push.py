"""Pushes that carry profiles with photo addresses, against the same pushes without, at 1,000 and 100,000
existing contacts (PostgreSQL).

Profiles are merged in the push's transaction and their photos only queued (contacts_service/domain/photos.py):
downloads run later, off the request path. This benchmark shows what that costs a push. For each size
(1,000 and 100,000 existing contacts; BENCH_SHORT=1: 1,000 and 10,000, fewer pushes) it
1. starts a stack on a fresh PostgreSQL database (bench/push_latency.py's seeding: that many contacts with two
   messages each) whose media_service downloads from the tests' fake CDN on loopback (real photos, so the
   background downloads really run while the pushes are timed);
2. times, in turn, the plain push of bench/push_latency.py (100 conversations / 500 messages, half to
   existing contacts), the same kind of push carrying 50 profiles of its existing partners (names, headline,
   location, two positions, three photo addresses each), and one carrying the profiles without photos (what
   the merge alone costs, without the downloads' load on the machine);
3. prints the median and p95 of each and the ratio of the medians (profile push / plain push), per size.
Goal (issue 11): the ratio stays within 1.3 at both sizes.
"""

from __future__ import annotations

import asyncio
import random
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

from bench.cdn import media_env, threaded_cdn
from bench.push_client import PushClient
from bench.push_latency import SEED, SHORT, SIZES, WARMUP, Figures, _prepare_all, _push, _push_body
from bench.stack import Stack, machine, running_stack
from tests.support.fake_cdn import FakeCdn, photo

PUSHES = 10 if SHORT else 30
PROFILES = 50
PHOTO_VARIANTS = 40  # distinct photos the CDN serves (every profile's address is its own)


def _with_profiles(body: dict[str, object], cdn: FakeCdn, push: int, *, photos: bool = True) -> dict[str, object]:
    """The push plus profiles of its first PROFILES partners (existing contacts), with photo addresses unless
    `photos` is off."""
    conversations = body["conversations"]
    assert isinstance(conversations, list)
    profiles = []
    for c, conversation in enumerate(conversations[:PROFILES]):
        partner = conversation["partner"]
        base = f"/dms/image/p{push}-{c}/profile-displayphoto-shrink_"
        profiles.append(
            {
                "member_id": partner["member_id"],
                "slug": partner["slug"],
                "first_name": "Bench",
                "last_name": f"Profile {c}",
                "headline": "Builds benchmarks",
                "location": "Berlin, Germany",
                # The same job for the same person each time (a profile that fills a contact, not a job change at
                # every push).
                "positions": [
                    {
                        "title": f"Engineer {_index(partner) % 7}",
                        "company": f"Company {_index(partner) % 500}",
                        "current": True,
                    },
                    {"title": "Intern", "company": "Old Co", "current": False},
                ],
                "photo_urls": [cdn.url(f"{base}{size}_{size}/0") for size in (800, 400, 200)] if photos else [],
            }
        )
        for size in (800, 400, 200):
            cdn.answers[f"{base}{size}_{size}/0"] = cdn.answers[f"/variant-{(push * PROFILES + c) % PHOTO_VARIANTS}"]
    return {**body, "profiles": profiles}


def _index(partner: dict[str, str]) -> int:
    return int(partner["member_id"].removeprefix("ACoUser"))


def _measure(stacks: list[Stack], cdn: FakeCdn) -> list[tuple[Figures, ...]]:
    users = asyncio.run(_prepare_all(stacks))
    clients = [PushClient(stack.edge_url) for stack in stacks]
    timings: dict[tuple[int, str], list[float]] = {}
    try:
        for number in range(WARMUP + PUSHES):
            for index, size in enumerate(SIZES):
                # Distinct pushes (new message URNs and partners each time), plain and with profiles in turn.
                plain = _push_body(random.Random(SEED + number), size, 3 * number)
                profiled = _with_profiles(_push_body(random.Random(SEED + number), size, 3 * number + 1), cdn, number)
                merged = _with_profiles(
                    _push_body(random.Random(SEED + number), size, 3 * number + 2), cdn, number, photos=False
                )
                # The order turns each round: the downloads a photo push starts land on the pushes after it, and
                # every kind must follow every other alike.
                kinds = [("plain", plain), ("profiles", profiled), ("no photos", merged)]
                for kind, body in kinds[number % 3 :] + kinds[: number % 3]:
                    elapsed = _push(clients[index], users[index], body)
                    if number >= WARMUP:
                        timings.setdefault((size, kind), []).append(elapsed)
    finally:
        for client in clients:
            client.close()
    kinds = ("plain", "profiles", "no photos")
    return [tuple(Figures(size, timings[(size, kind)]) for kind in kinds) for size in SIZES]


def main() -> int:
    print(f"profile_push: pushes with {PROFILES} profiles vs without{' (BENCH_SHORT)' if SHORT else ''}")
    print(f"  machine: {machine()}")
    with tempfile.TemporaryDirectory(prefix="pingcrm-bench-") as folder, threaded_cdn() as cdn, ExitStack() as run:
        for variant in range(PHOTO_VARIANTS):
            cdn.serve_image(f"/variant-{variant}", photo(400, 400, seed=variant))
        stacks = [
            run.enter_context(running_stack(Path(folder) / str(size), postgres=True, extra_env=media_env(cdn)))
            for size in SIZES
        ]
        results = _measure(stacks, cdn)
        fetched = len(cdn.requests)
    worst = 0.0
    for plain, profiled, merged in results:
        ratio = profiled.median / plain.median
        worst = max(worst, ratio)
        print(
            f"  {plain.size:>9,} existing contacts: plain median {plain.median:6.1f} ms (p95 {plain.p95:6.1f}), "
            f"with profiles median {profiled.median:6.1f} ms (p95 {profiled.p95:6.1f}): ratio {ratio:.2f}; "
            f"profiles without photos median {merged.median:6.1f} ms ({merged.median / plain.median:.2f})"
        )
    print(f"  {PUSHES} timed pushes of each kind per size after {WARMUP} warm-up; photos fetched meanwhile: {fetched}")
    print(f"  worst ratio {worst:.2f} (goal ≤ 1.3: {'met' if worst <= 1.3 else 'NOT met'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

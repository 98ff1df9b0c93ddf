"""Avatar downloads through media_service: 1,000 photos fetched from a loopback CDN and stored.

The benchmark
1. generates distinct 800 × 800 JPEG photos (LinkedIn's largest profile-photo
   size) and serves them from the fake CDN of the tests (HTTPS on loopback,
   throwaway certificate) in this process;
2. starts media_service as `pingcrm serve media` would run it, in its own
   process, embedded (SQLite, blobs on disk) as `pingcrm up` does, pointed at
   the fake CDN with the test-only settings;
3. times FetchAvatar for every photo, as contacts_service's photo worker
   calls it (a service token acting for one of ten users), CONCURRENCY at a
   time, and checks that every photo was stored (rows and blob files);
4. prints the total, the throughput and the per-call median and p95.
Goal (issue 11): the whole queued path stores 1,000
photos in < 30 s; this is media_service's share of it. BENCH_SHORT=1 fetches 200.
"""

from __future__ import annotations

import asyncio
import io
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from PIL import Image
from pingcrm.media.v1 import media_service_pb2 as pb
from pingcrm.media.v1 import media_service_pb2_grpc

from bench.stack import machine
from pingcrm_common.clock import SystemClock
from pingcrm_common.errors import ERROR_CODE_METADATA
from pingcrm_common.service_tokens import ServiceTokens
from pingcrm_common.tokens import ensure_embedded_keys, load_private_key
from tests.support.fake_cdn import HOSTS, FakeCdn, photo

SHORT = os.environ.get("BENCH_SHORT") == "1"
PHOTOS = 200 if SHORT else 1_000
CONCURRENCY = 8
USERS = 10
SIDE = 800
RPC_TIMEOUT = 30.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _photos(count: int) -> list[bytes]:
    """Distinct photos: a few generated bases, each copy marked with its own pixels."""
    bases = [Image.open(io.BytesIO(photo(SIDE, SIDE, seed=seed))) for seed in range(20)]
    photos = []
    for index in range(count):
        image = bases[index % len(bases)].copy()
        for bit in range(16):  # the index in a row of black or white squares: no two photos alike, even resized
            colour = (255, 255, 255) if index >> bit & 1 else (0, 0, 0)
            image.paste(colour, (bit * 48, 0, bit * 48 + 48, 48))
        out = io.BytesIO()
        image.save(out, format="JPEG", quality=90)
        photos.append(out.getvalue())
    return photos


def _start_media(data_dir: Path, cdn: FakeCdn, port: int, log: Path) -> subprocess.Popen[bytes]:
    settings = cdn.media_settings()
    env = {
        **os.environ,
        "PINGCRM_DATA_DIR": str(data_dir),
        "PINGCRM_MEDIA_PORT": str(port),
        "PINGCRM_MEDIA_METRICS_PORT": str(_free_port()),
        "PINGCRM_LOG_LEVEL": "WARNING",
        "PINGCRM_MEDIA_ALLOWED_HOSTS": ",".join(settings["media_allowed_hosts"]),
        "PINGCRM_MEDIA_RESOLVE": ",".join(f"{host}=127.0.0.1" for host in HOSTS),
        "PINGCRM_MEDIA_CA_FILE": str(settings["media_ca_file"]),
        "PINGCRM_MEDIA_ALLOW_PRIVATE": "1",
    }
    with log.open("wb") as output:
        return subprocess.Popen(
            [sys.executable, "-m", "pingcrm_cli.main", "serve", "media"], env=env, stdout=output, stderr=output
        )


async def _wait_serving(channel: grpc.aio.Channel, deadline_seconds: float = 60) -> None:
    health = health_pb2_grpc.HealthStub(channel)
    deadline = time.monotonic() + deadline_seconds
    while True:
        try:
            answer = await health.Check(health_pb2.HealthCheckRequest(), timeout=2)
            if answer.status == health_pb2.HealthCheckResponse.SERVING:
                return
        except grpc.aio.AioRpcError:
            if time.monotonic() > deadline:
                raise
        await asyncio.sleep(0.2)


async def _fetch_all(stub: media_service_pb2_grpc.MediaServiceStub, urls: list[str], tokens: ServiceTokens):
    """Per-call seconds, and the error codes of failed calls."""
    gate = asyncio.Semaphore(CONCURRENCY)
    timings: list[float] = []
    failures: dict[str, int] = {}

    async def fetch(index: int, url: str) -> None:
        async with gate:
            started = time.perf_counter()
            try:
                await stub.FetchAvatar(
                    pb.FetchAvatarRequest(source_urls=[url]),
                    metadata=tokens.metadata(f"bench-user-{index % USERS}"),
                    timeout=RPC_TIMEOUT,
                )
            except grpc.aio.AioRpcError as error:
                code = dict(error.trailing_metadata() or ()).get(ERROR_CODE_METADATA) or error.code().name
                failures[code] = failures.get(code, 0) + 1
                return
            timings.append(time.perf_counter() - started)

    await asyncio.gather(*(fetch(index, url) for index, url in enumerate(urls)))
    return timings, failures


async def _run(folder: Path) -> int:
    data_dir = folder / "data"
    ensure_embedded_keys(data_dir / "keys")
    photos = await asyncio.to_thread(_photos, PHOTOS)
    mean_kb = statistics.mean(len(p) for p in photos) / 1000
    print(f"  {PHOTOS:,} distinct {SIDE} × {SIDE} JPEG photos, {mean_kb:.0f} KB on average")
    async with FakeCdn() as cdn:
        urls = [
            cdn.serve_image(f"/dms/image/photo-{index}/profile-displayphoto-shrink_800_800/0", data)
            for index, data in enumerate(photos)
        ]
        port = _free_port()
        media = _start_media(data_dir, cdn, port, folder / "media.log")
        try:
            async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
                await _wait_serving(channel)
                tokens = ServiceTokens(
                    load_private_key(data_dir / "keys" / "service-private.pem"), "contacts", SystemClock()
                )
                load_before = os.getloadavg()[0]
                started = time.perf_counter()
                timings, failures = await _fetch_all(media_service_pb2_grpc.MediaServiceStub(channel), urls, tokens)
                total = time.perf_counter() - started
                load_after = os.getloadavg()[0]
        finally:
            media.terminate()
            media.wait(timeout=15)
    with sqlite3.connect(data_dir / "media.db") as database:
        stored = database.execute("SELECT count(*) FROM avatars").fetchone()[0]
    blobs = sum(1 for path in (data_dir / "media").rglob("*.jpg"))
    ordered = sorted(timings)
    median_ms = statistics.median(ordered) * 1000
    p95_ms = ordered[round(0.95 * (len(ordered) - 1))] * 1000
    print(f"  {CONCURRENCY} calls at a time, service tokens for {USERS} users")
    print(f"  load average {load_before:.2f} before, {load_after:.2f} after")
    print(
        f"  stored {stored:,} avatars ({blobs:,} blob files) in {total:.1f} s: {len(timings) / total:.0f} photos/s; "
        f"per call median {median_ms:.0f} ms, p95 {p95_ms:.0f} ms"
    )
    if failures or stored != PHOTOS or blobs != 2 * PHOTOS:
        print(f"  FAILED: {failures or 'not every photo was stored'} (log: {folder / 'media.log'})")
        return 1
    return 0


def main() -> int:
    print(f"media: FetchAvatar of {PHOTOS:,} photos from a loopback CDN{' (BENCH_SHORT)' if SHORT else ''}")
    print(f"  machine: {machine()}")
    with tempfile.TemporaryDirectory(prefix="pingcrm-bench-media-") as folder:
        return asyncio.run(_run(Path(folder)))

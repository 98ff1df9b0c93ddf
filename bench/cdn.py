"""The tests' fake photo CDN (tests/support/fake_cdn.py) for benchmarks whose stack runs in child processes:
served from a thread with its own event loop, so the benchmark's own code may block or run its own loops, and
the environment that points a stack's media_service at it (its test-only settings)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from tests.support.fake_cdn import HOSTS, FakeCdn


@contextmanager
def threaded_cdn() -> Iterator[FakeCdn]:
    """A started FakeCdn serving from its own thread until the block ends."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="fake-cdn", daemon=True)
    thread.start()
    cdn = FakeCdn()
    asyncio.run_coroutine_threadsafe(cdn.__aenter__(), loop).result(timeout=30)
    try:
        yield cdn
    finally:
        asyncio.run_coroutine_threadsafe(cdn.__aexit__(None, None, None), loop).result(timeout=30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)


def media_env(cdn: FakeCdn) -> dict[str, str]:
    """What lets a stack's media_service download from `cdn` (test-only settings; production refuses them)."""
    settings = cdn.media_settings()
    return {
        "PINGCRM_MEDIA_ALLOWED_HOSTS": ",".join(settings["media_allowed_hosts"]),
        "PINGCRM_MEDIA_RESOLVE": ",".join(f"{host}=127.0.0.1" for host in HOSTS),
        "PINGCRM_MEDIA_CA_FILE": str(settings["media_ca_file"]),
        "PINGCRM_MEDIA_ALLOW_PRIVATE": "1",
    }

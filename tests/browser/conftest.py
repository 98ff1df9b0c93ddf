"""Real headless Chromium with the unpacked extension loaded.

Recipe and pitfalls: docs/browser-tests.md (Debian's `chromium`,
driven by the PyPI `playwright` package through `executable_path`; no browser
download). Browser tests SKIP on a laptop without Chromium and FAIL instead
when PINGCRM_TEST_REQUIRE_BROWSER=1 (CI sets it), the same way the
PostgreSQL/Redis variants treat PINGCRM_TEST_REQUIRE_SERVERS.

`linkedin_browser` also maps www.linkedin.com to the fake LinkedIn
(tests/support/fake_linkedin) that `fake_linkedin` serves.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlparse

import pytest

from pingcrm_common.clock import FrozenClock
from tests.support.fake_linkedin import FakeLinkedIn, LinkedInData, generate

REPO = Path(__file__).resolve().parents[2]
EXTENSION_DIR = REPO / "extension"
CHROMIUM = Path(os.environ.get("PINGCRM_TEST_CHROMIUM", "/usr/bin/chromium"))
REQUIRE_BROWSER = os.environ.get("PINGCRM_TEST_REQUIRE_BROWSER") == "1"

# Flags from BROWSER-TESTS.md: no sandbox/GPU in containers, and no background
# traffic to hosts this closed network refuses.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def require_browser() -> None:
    """Skip without Chromium or Playwright; fail instead when CI requires them."""
    problem = None
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        problem = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    elif not _playwright_importable():
        problem = "the playwright Python package is not installed"
    if problem is None:
        return
    if REQUIRE_BROWSER:
        pytest.fail(f"{problem}, but PINGCRM_TEST_REQUIRE_BROWSER=1")
    pytest.skip(problem)


def _playwright_importable() -> bool:
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        return False
    return True


class RealTimeClock(FrozenClock):
    """FrozenClock's fixed start, then moving with real time.

    Chromium polls and waits in real time. On a frozen clock the backend's
    fixed-window rate limits never reach their next window: the popup's
    second pairing poll of a code gets 429 for as long as the Redis counter
    lives, so pairing only succeeded when the code was claimed before that
    poll. `advance()` still jumps ahead.
    """

    def __init__(self) -> None:
        super().__init__()
        self._started = time.monotonic()

    def now(self) -> datetime:
        return super().now() + timedelta(seconds=time.monotonic() - self._started)


@pytest.fixture
def clock() -> FrozenClock:
    """The stack's clock in browser tests (overrides tests/conftest.py's frozen one)."""
    return RealTimeClock()


@dataclass(frozen=True)
class ExtensionBrowser:
    """A running persistent context with the extension, and where its pages are."""

    context: object  # playwright.async_api.BrowserContext
    service_worker: object  # playwright.async_api.Worker
    extension_id: str
    manifest: dict

    def url(self, path: str) -> str:
        return f"chrome-extension://{self.extension_id}/{path.lstrip('/')}"

    @property
    def popup_url(self) -> str:
        return self.url(self.manifest["action"]["default_popup"])


@asynccontextmanager
async def launch(profile_dir: Path, extra_args: Sequence[str] = ()) -> AsyncIterator[ExtensionBrowser]:
    """Headless Chromium on a fresh profile with the unpacked extension loaded."""
    require_browser()
    from playwright.async_api import async_playwright

    manifest = json.loads((EXTENSION_DIR / "manifest.json").read_text())
    async with async_playwright() as playwright:
        context = await playwright.chromium.launch_persistent_context(
            str(profile_dir),
            executable_path=str(CHROMIUM),
            headless=True,
            # Playwright passes --disable-extensions by default.
            ignore_default_args=["--disable-extensions"],
            args=[
                f"--disable-extensions-except={EXTENSION_DIR}",
                f"--load-extension={EXTENSION_DIR}",
                *CHROMIUM_ARGS,
                *extra_args,
            ],
        )
        try:
            workers = context.service_workers
            worker = workers[0] if workers else await context.wait_for_event("serviceworker", timeout=15_000)
            extension_id = urlparse(worker.url).hostname or ""
            yield ExtensionBrowser(context, worker, extension_id, manifest)
        finally:
            await context.close()


@pytest.fixture
async def extension_browser(tmp_path: Path) -> AsyncIterator[ExtensionBrowser]:
    """Headless Chromium on a fresh profile with the unpacked extension loaded."""
    async with launch(tmp_path / "chromium-profile") as browser:
        yield browser


@pytest.fixture
def linkedin_data(clock: FrozenClock) -> LinkedInData:
    """A small LinkedIn account: every case the sync handles, few Voyager calls.

    Its history ends just before the test stack's "now", so the backend sees
    every message as past.
    """
    return generate(
        seed=11,
        one_to_one=5,
        aco_only=2,
        group_chats=2,
        long_threads=0,
        now_ms=int(clock.now().timestamp() * 1000),
    )


@pytest.fixture
async def fake_linkedin(linkedin_data: LinkedInData) -> AsyncIterator[FakeLinkedIn]:
    """The fake www.linkedin.com on a loopback port (HTTPS, self-signed)."""
    async with FakeLinkedIn(linkedin_data) as fake:
        yield fake


@pytest.fixture
async def linkedin_browser(tmp_path: Path, fake_linkedin: FakeLinkedIn) -> AsyncIterator[ExtensionBrowser]:
    """Chromium with the extension, where https://www.linkedin.com is the fake.

    --ignore-certificate-errors is the Chromium flag on purpose: Playwright's
    ignore_https_errors does not reach the service worker's fetches.
    """
    args = (f"--host-resolver-rules={fake_linkedin.host_resolver_rule}", "--ignore-certificate-errors")
    async with launch(tmp_path / "chromium-profile", args) as browser:
        yield browser

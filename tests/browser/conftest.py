"""Real headless Chromium with the unpacked extension loaded.

Recipe and pitfalls: ../shared/BROWSER-TESTS.md (Debian's `chromium`,
driven by the PyPI `playwright` package through `executable_path`; no browser
download). Browser tests SKIP on a laptop without Chromium and FAIL instead
when PINGCRM_TEST_REQUIRE_BROWSER=1 (CI sets it), the same way the
PostgreSQL/Redis variants treat PINGCRM_TEST_REQUIRE_SERVERS.
"""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import pytest

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


@pytest.fixture
async def extension_browser(tmp_path: Path) -> AsyncIterator[ExtensionBrowser]:
    """Headless Chromium on a fresh profile with the unpacked extension loaded."""
    require_browser()
    from playwright.async_api import async_playwright

    manifest = json.loads((EXTENSION_DIR / "manifest.json").read_text())
    async with async_playwright() as playwright:
        context = await playwright.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"),
            executable_path=str(CHROMIUM),
            headless=True,
            # Playwright passes --disable-extensions by default.
            ignore_default_args=["--disable-extensions"],
            args=[
                f"--disable-extensions-except={EXTENSION_DIR}",
                f"--load-extension={EXTENSION_DIR}",
                *CHROMIUM_ARGS,
            ],
        )
        try:
            workers = context.service_workers
            worker = workers[0] if workers else await context.wait_for_event("serviceworker", timeout=15_000)
            extension_id = urlparse(worker.url).hostname or ""
            yield ExtensionBrowser(context, worker, extension_id, manifest)
        finally:
            await context.close()

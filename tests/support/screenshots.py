"""Screenshots for a person to look at: with PINGCRM_TEST_SCREENSHOTS=<dir>, the browser tests save each state
they check there (docs/browser-tests.md); without it, nothing is written."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

SCREENSHOTS = os.environ.get("PINGCRM_TEST_SCREENSHOTS")


async def shoot(page: Any, name: str, stack: Any, service: str, *, full_page: bool = True) -> None:
    """`page` as <dir>/<name>-<backend>.png: postgres or embedded, as the stack runs `service`."""
    if SCREENSHOTS:
        folder = Path(SCREENSHOTS)
        folder.mkdir(parents=True, exist_ok=True)
        backend = "postgres" if stack.settings[service].database_url else "embedded"
        await page.screenshot(path=str(folder / f"{name}-{backend}.png"), full_page=full_page)

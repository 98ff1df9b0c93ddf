"""A page loads avatars the way the web app must: an <img> cannot send the bearer token, so the page
fetches each avatar with it and shows it through a blob: URL. In a real Chromium: the image shows, and
the browser's HTTP cache serves the second load without asking the edge again (the answer is private,
immutable and a year long).

Set PINGCRM_TEST_SCREENSHOTS=<dir> to keep a screenshot of the page.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from tests.support.avatars import store_avatar
from tests.support.fake_cdn import photo
from tests.support.tokens import web_token

pytestmark = pytest.mark.browser
SCREENSHOTS = os.environ.get("PINGCRM_TEST_SCREENSHOTS")

PAGE = """<title>Avatars</title>
<style>body { font: 14px sans-serif; margin: 24px } img { margin-right: 16px; vertical-align: middle }
img.thumb { border-radius: 50% }</style>
<h1>Avatars through blob: URLs</h1>
<div id="avatars"></div>
"""

# What the web app does for each avatar_url (README, "Avatars").
SHOW_AVATAR = """async ({url, token, className}) => {
  const response = await fetch(url, {headers: {Authorization: `Bearer ${token}`}});
  const blob = await response.blob();
  const img = document.createElement('img');
  img.className = className;
  img.src = URL.createObjectURL(blob);
  document.querySelector('#avatars').append(img);
  await img.decode();
  return {status: response.status, type: blob.type, width: img.naturalWidth, height: img.naturalHeight};
}"""


async def test_a_page_shows_avatars_through_blob_urls_and_the_browser_caches_them(  # type: ignore[no-untyped-def]
    extension_browser, stack, data_dir, clock, caplog
) -> None:
    sha = await store_avatar(stack, data_dir, clock, "user-ada", photo(640, 480, seed=12))
    token = web_token(data_dir, "user-ada", clock)
    # A page of the edge's origin (any will do; no route(): Playwright turns the HTTP cache off with it).
    page = await extension_browser.context.new_page()
    await page.goto(f"{stack.edge_url}/healthz")
    await page.evaluate("html => { document.documentElement.innerHTML = html }", PAGE)
    caplog.set_level(logging.INFO, logger="pingcrm.edge")

    def edge_hits() -> list[int]:
        return [r.status for r in caplog.records if r.name == "pingcrm.edge" and sha in getattr(r, "path", "")]

    standard = await page.evaluate(SHOW_AVATAR, {"url": f"/api/v1/avatars/{sha}", "token": token, "className": "big"})
    thumb = await page.evaluate(
        SHOW_AVATAR, {"url": f"/api/v1/avatars/{sha}?size=thumb", "token": token, "className": "thumb"}
    )
    assert standard == {"status": 200, "type": "image/jpeg", "width": 400, "height": 300}
    assert thumb == {"status": 200, "type": "image/jpeg", "width": 96, "height": 96}
    assert edge_hits() == [200, 200]

    again = await page.evaluate(SHOW_AVATAR, {"url": f"/api/v1/avatars/{sha}", "token": token, "className": "big"})
    assert again == standard
    assert edge_hits() == [200, 200]  # served from the browser's cache: the edge was not asked again

    if SCREENSHOTS:
        folder = Path(SCREENSHOTS)
        folder.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(folder / "avatars-blob-urls.png"), full_page=True)

"""P and R in LinkedIn's message composer, in a real headless Chromium.

The unpacked extension's content scripts run on the fake www.linkedin.com
(tests/support/fake_linkedin), whose composers sit in shadow roots like
LinkedIn's and whose Send button is enabled only by the composer's own input
handler: the full-page thread (/messaging/thread/<id>/) and overlay bubbles
inside #interop-outlet's shadow root, several at once, re-rendered at will.

Without PingCRM's suggestions API: one P and one R per composer, real
buttons operable from the keyboard, on the thread page and in two bubbles at
once, each asking for its own partner; re-rendering a bubble keeps exactly
one pair; the overlay says "Not paired — open the PingCRM popup" before
pairing and "Can't reach PingCRM" when the paired server is down; it goes
with its bubble.

Screenshots of each state are written to a temporary folder when
PINGCRM_TEST_SCREENSHOTS names one (docs/browser-tests.md).
"""

from __future__ import annotations

import os
import re
import socket
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

from tests.support.fake_linkedin import FakeLinkedIn

pytestmark = pytest.mark.browser

UI_TIMEOUT_MS = 10_000
SYNC_TIMEOUT_MS = 60_000
FEED = "https://www.linkedin.com/feed/"
PULL = "PingCRM: show suggestions"
REGENERATE = "PingCRM: new draft"
OVERLAY = "PingCRM suggestions"  # the overlay region's accessible name
SCREENSHOTS = os.environ.get("PINGCRM_TEST_SCREENSHOTS")


def thread_url(thread_id: str) -> str:
    return f"https://www.linkedin.com/messaging/thread/{thread_id}/"


async def screenshot(page: Any, name: str) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"))


def bubble(page: Any, thread_id: str) -> Any:
    """One overlay bubble (Playwright's CSS engine pierces open shadow roots)."""
    return page.locator(f'.msg-overlay-conversation-bubble[data-thread="{thread_id}"]')


def overlay_region(scope: Any) -> Any:
    return scope.get_by_role("region", name=OVERLAY, exact=True)


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def test_buttons_in_every_composer_and_the_states_without_suggestions(  # type: ignore[no-untyped-def]
    linkedin_browser, fake_linkedin: FakeLinkedIn
) -> None:
    from playwright.async_api import expect

    browser = linkedin_browser
    crashes: list[str] = []
    await fake_linkedin.sign_in(browser.context)
    page = await browser.context.new_page()
    page.on("pageerror", lambda error: crashes.append(str(error)))
    first, second, third = fake_linkedin.data.one_to_one()[:3]

    # --- the full-page thread: one P and one R, before Send, operable from the keyboard
    await page.goto(thread_url(first.thread_id))
    pull = page.get_by_role("button", name=PULL, exact=True)
    regenerate = page.get_by_role("button", name=REGENERATE, exact=True)
    await expect(pull).to_have_count(1, timeout=UI_TIMEOUT_MS)
    await expect(regenerate).to_have_count(1)
    row = page.locator("msg-composer .msg-form__right-actions")
    assert await row.evaluate(
        "(r) => [...r.children].map((c) => c.getAttribute('data-pingcrm') || c.textContent.trim())"
    ) == [
        "actions",
        "Send",
    ]
    await screenshot(page, "thread-buttons")

    await pull.focus()
    await page.keyboard.press("Enter")
    overlay = overlay_region(page)
    await expect(overlay).to_contain_text("Not paired — open the PingCRM popup", timeout=UI_TIMEOUT_MS)
    await expect(pull).to_have_attribute("aria-expanded", "true")
    await screenshot(page, "overlay-not-paired")
    # The overlay sits in the composer's own shadow root, right above its form.
    assert (
        await page.locator("msg-composer").evaluate(
            "(host) => host.shadowRoot.querySelector('[data-pingcrm=overlay]').nextElementSibling.localName"
        )
        == "form"
    )
    # The keyboard user is in the overlay now; Escape closes it and returns to the text box.
    await expect(page.get_by_role("button", name="Close PingCRM suggestions")).to_be_focused()
    await page.keyboard.press("Escape")
    await expect(overlay).to_have_count(0)
    await expect(pull).to_have_attribute("aria-expanded", "false")
    await expect(page.get_by_role("textbox", name="Write a message…")).to_be_focused()

    # --- paired with a PingCRM that is down (what the worker asks it is recorded on the way)
    dead = f"http://127.0.0.1:{closed_port()}"
    asked: list[str] = []

    async def record_and_fail(route: Any) -> None:
        asked.append(route.request.url)
        await route.abort()

    await browser.context.route(f"{dead}/**", record_and_fail)
    await browser.service_worker.evaluate(
        "(url) => chrome.storage.local.set({apiUrl: url, pairing: {token: 'tok', apiUrl: url, email: 'a@x.com'}})",
        dead,
    )
    await pull.click()
    await expect(overlay).to_contain_text("Can't reach PingCRM", timeout=UI_TIMEOUT_MS)
    await screenshot(page, "overlay-unreachable")

    # --- two bubbles at once, each with its own pair; a re-render keeps exactly one pair
    await page.goto(FEED)
    for conversation in (second, third):
        await page.evaluate("(id) => fakeMessaging.open(id)", conversation.thread_id)
    for conversation in (second, third):
        await expect(bubble(page, conversation.thread_id).get_by_role("button", name=PULL, exact=True)).to_have_count(1)
        await expect(
            bubble(page, conversation.thread_id).get_by_role("button", name=REGENERATE, exact=True)
        ).to_have_count(1)
    await page.evaluate("(id) => fakeMessaging.rerender(id)", second.thread_id)
    await page.evaluate("(id) => fakeMessaging.rerender(id)", second.thread_id)
    await expect(bubble(page, second.thread_id).get_by_role("button", name=PULL, exact=True)).to_have_count(1)
    await expect(page.get_by_role("button", name=PULL, exact=True)).to_have_count(2)
    await screenshot(page, "bubbles-buttons")

    # Each bubble asks for its own partner (by member id once the sync recorded the thread, else
    # by the header's profile link: a slug, or the member id LinkedIn shows instead of one).
    for conversation in (second, third):
        before = len(asked)
        await bubble(page, conversation.thread_id).get_by_role("button", name=PULL, exact=True).click()
        await expect(overlay_region(bubble(page, conversation.thread_id))).to_contain_text("Can't reach PingCRM")
        [url] = [u for u in asked[before:] if "/api/v1/suggestions" in u]
        query = parse_qs(urlparse(url).query)
        partner = conversation.partner
        assert query in (
            {"status": ["pending"], "member_id": [partner.member_id]},
            {"status": ["pending"], "slug": [partner.slug]},
        ), (partner, url)
    await screenshot(page, "bubbles-unreachable")

    # An overlay goes with its bubble; the other bubble keeps its own.
    await bubble(page, third.thread_id).get_by_role("button", name=re.compile("^Close your conversation")).click()
    await expect(overlay_region(page)).to_have_count(1)
    await expect(overlay_region(bubble(page, second.thread_id))).to_be_visible()
    await expect(page.get_by_role("button", name=PULL, exact=True)).to_have_count(1)
    assert crashes == []


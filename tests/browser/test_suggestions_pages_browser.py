"""More suggestions than one page holds, on the web app's Suggestions page, in a real headless Chromium.

The extension syncs a fake LinkedIn account of 45 one-to-one conversations, each ending with a message from
the other person about five days before the stack's "now": 45 replies overdue. suggestions_service drafts
one suggestion per contact (the activity feed's run, then "Generate now" for the rest: a run drafts at most
20). The user opens Suggestions: the first 20, newest first, and a "Load more" button under them. "Load more"
adds the next 20 under those, in the API's order, none of them twice, and the focus goes on from the first
card it added; the second "Load more", from the keyboard, adds the last 5 and the button is gone. The
navigation says 45 pending throughout.

Set PINGCRM_TEST_SCREENSHOTS=<dir> to keep a screenshot of each page read.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
import pytest

from pingcrm_common.clock import FrozenClock
from tests.support import screenshots
from tests.support.browser_sync import paired_and_signed_in, synced_from_the_feed, web_app_page
from tests.support.fake_linkedin import FakeLinkedIn, LinkedInData, generate
from tests.support.suggestions_browser import HISTORY_AGE, pending

pytestmark = pytest.mark.browser

UI_TIMEOUT_MS = 10_000
SYNC_TIMEOUT_MS = 60_000
DRAFT_TIMEOUT_S = 60.0
LIST_PATH = "/api/v1/suggestions"
WEB_PAGE_SIZE = 20  # what the Suggestions page asks for at a time (PAGE_SIZE in edge/web/js/pages/suggestions.js)
THREADS = 2 * WEB_PAGE_SIZE + 5  # three pages: two full ones and 5 on the last
NUDGES = (
    "Any news on the proposal?",
    "Did you get a chance to look at the deck?",
    "Are you around next week for a coffee?",
    "Would love your take on the hiring plan.",
    "Still keen to do the intro I mentioned?",
)


@pytest.fixture
def linkedin_data(clock: FrozenClock) -> LinkedInData:
    """THREADS one-to-one conversations, every one waiting for the user's reply for about five days."""
    ends = clock.now() - HISTORY_AGE
    data = generate(
        seed=7, one_to_one=THREADS, aco_only=2, group_chats=2, long_threads=0, now_ms=int(ends.timestamp() * 1000)
    )
    # The generated history spreads over months (1-72 h between conversations): many would end with the
    # user's own message or be older than the unanswered rule's 60 days. A new message from each partner,
    # a minute apart, makes every conversation an overdue reply, so the number of suggestions is known.
    for index, conversation in enumerate(data.one_to_one()):
        data.add_message(conversation, NUDGES[index % len(NUDGES)])
    return data


async def shoot(page: Any, name: str, stack: Any) -> None:
    await screenshots.shoot(page, f"suggestions-pages-{name}", stack, "suggestions")


async def draft_everyone(api: httpx.AsyncClient, web: dict[str, str], expected: int) -> dict[str, Any]:
    """The pending suggestions once there are `expected`. The run after new activity drafts at most 20 (the
    default budget per run); the rest come from what "Generate now" sends, asked until they are all there."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + DRAFT_TIMEOUT_S
    while True:
        listed = await pending(api, web)
        if listed["pending_count"] >= expected or loop.time() > deadline:
            return listed
        generated = await api.post(f"{LIST_PATH}/generate", headers=web)
        assert generated.status_code == 200, generated.text
        if not generated.json()["items"]:
            await asyncio.sleep(0.5)  # nobody due yet: the activity feed has not brought the rest


async def api_pages(api: httpx.AsyncClient, web: dict[str, str]) -> list[dict[str, Any]]:
    """Every page of pending suggestions as the web page asks for them (WEB_PAGE_SIZE at a time)."""
    pages = []
    cursor = None
    while True:
        params = {"status": "pending", "limit": WEB_PAGE_SIZE, **({"cursor": cursor} if cursor else {})}
        response = await api.get(LIST_PATH, params=params, headers=web)
        assert response.status_code == 200, response.text
        pages.append(response.json())
        cursor = pages[-1]["next_cursor"]
        if cursor is None:
            return pages


async def test_load_more_reads_every_page(linkedin_browser, fake_linkedin: FakeLinkedIn, stack) -> None:  # type: ignore[no-untyped-def]
    from playwright.async_api import expect

    browser = linkedin_browser
    assert len(fake_linkedin.data.one_to_one()) == THREADS

    async with paired_and_signed_in(browser, stack, fake_linkedin) as setup:
        # --- the extension syncs LinkedIn; suggestions_service hears of it and drafts one per contact.
        # No pause between LinkedIn calls (the unpacked extension's KEYS.VOYAGER_PACING, as the whole-mailbox
        # test does): at the real 0.4-1.2 s, the 45 conversations' calls alone would take some 40 s.
        await browser.service_worker.evaluate("chrome.storage.local.set({voyagerPacing: {min: 0, max: 0}})")
        await synced_from_the_feed(browser, setup, fake_linkedin, SYNC_TIMEOUT_MS)
        listed = await draft_everyone(setup.api, setup.web, THREADS)
        assert listed["pending_count"] == len(listed["items"]) == THREADS, listed["pending_count"]
        assert len({item["contact"]["id"] for item in listed["items"]}) == THREADS  # one per contact
        assert {item["reason"]["kind"] for item in listed["items"]} == {"unanswered"}

        # The API's pages at the web page's size are the one list, cut in 20, 20 and 5.
        pages = await api_pages(setup.api, setup.web)
        assert [len(p["items"]) for p in pages] == [WEB_PAGE_SIZE, WEB_PAGE_SIZE, THREADS - 2 * WEB_PAGE_SIZE]
        assert [item["id"] for p in pages for item in p["items"]] == [item["id"] for item in listed["items"]]

        # --- the web app, signed in with the API login's token (the sign-in form is another test's)
        page = await web_app_page(browser.context, stack, setup.web, setup.crashes)
        await page.set_viewport_size({"width": 1100, "height": 900})
        nav_count = page.locator("#nav-suggestions-count > [aria-hidden]")  # the number; the rest is for screen readers
        nav_link = page.get_by_role("link", name=re.compile(rf"^Suggestions ?, {THREADS} pending$"))
        await expect(nav_count).to_have_text(str(THREADS), timeout=UI_TIMEOUT_MS)
        read_from = len(setup.edge.requests)  # what the Suggestions page asks the API from here on
        await nav_link.click()
        await expect(page.get_by_role("heading", name="Suggestions", exact=True)).to_be_visible()

        cards = page.locator("#suggestions-list > li")
        load_more = page.get_by_role("button", name="Load more")

        async def shows(items: list[dict[str, Any]]) -> None:
            """The list holds exactly these, in this order: each card once, with its contact and its draft."""
            await expect(cards).to_have_count(len(items), timeout=UI_TIMEOUT_MS)
            shown = await cards.evaluate_all(
                """(cards) => cards.map((card) => [
                    card.dataset.id,
                    card.querySelector('h2').textContent,
                    card.querySelector('.suggestion-draft').textContent,
                ])"""
            )
            assert shown == [[item["id"], item["contact"]["full_name"], item["message"]] for item in items]
            # The navigation counts every pending suggestion, not the ones read so far.
            await expect(nav_count).to_have_text(str(THREADS))
            await expect(nav_link).to_be_visible()

        # --- the first page: the newest 20, and a way to the rest
        first, second, last = (p["items"] for p in pages)
        await shows(first)
        await expect(load_more).to_be_visible()
        await expect(load_more).to_be_enabled()
        await shoot(page, "1-first", stack)

        # --- Load more: the next 20 under the first, the first ones where they were; the user reads on from
        # the first new card (not dropped at the top of the page while the button was busy)
        await load_more.click()
        await shows(first + second)
        await expect(load_more).to_be_visible()
        await expect(load_more).to_be_enabled()
        await expect(cards.nth(WEB_PAGE_SIZE).locator("h2 a")).to_be_focused()
        await shoot(page, "2-second", stack)

        # --- Load more again, from the keyboard: the last 5, and no button once there is nothing more to read
        await load_more.focus()
        await page.keyboard.press("Enter")
        await shows(first + second + last)
        await expect(cards.nth(2 * WEB_PAGE_SIZE).locator("h2 a")).to_be_focused()
        await expect(load_more).to_have_count(0)
        await expect(page.locator("#suggestions-more")).to_be_hidden()
        await expect(page.locator(".load-more .error")).to_be_hidden()  # no page failed to load
        await expect(page.get_by_role("heading", name=re.compile("^No suggestions"))).to_have_count(0)
        await shoot(page, "3-last", stack)

        # Each page was read once, WEB_PAGE_SIZE at a time, after the last card the page had shown.
        reads = [
            parse_qs(urlparse(request.url).query)
            for request in setup.edge.requests[read_from:]
            if request.method == "GET" and urlparse(request.url).path == LIST_PATH
        ]
        cursors = [None, pages[0]["next_cursor"], pages[1]["next_cursor"]]
        assert reads == [
            {"status": ["pending"], "limit": [str(WEB_PAGE_SIZE)], **({"cursor": [c]} if c else {})} for c in cursors
        ]

"""P and R against the real PingCRM, in a real headless Chromium with the real extension.

The extension syncs the fake LinkedIn (whose history ends days ago, so replies are overdue);
suggestions_service hears of the messages through contacts_service's activity feed and drafts. On the
fake's messaging pages, whose Send button is enabled only by the composer's own input handler:

- the full-page thread: P lists the partner's suggestion (its reason and draft); clicking it puts the
  draft in the composer through LinkedIn's own input handling (Send is enabled; nothing is sent); R
  redrafts it in place (PingCRM stores the new draft) and swaps it into the composer;
  the user's own Send sends it, and PingCRM marks the suggestion sent;
- two overlay bubbles at once: each has its own P and R and lists its own partner's suggestion; a partner
  with nothing due says so; past the redraft limit R says when to try again; a draft of the longest length
  allowed leaves the bubble's header uncovered and scrolls under the overlay's own title; closing a bubble
  takes its overlay with it, the other one stays;
- suggestions_service down: "Suggestions are unavailable right now"; the extension disconnected in the web
  app (the popup learns it): "Not paired — open the PingCRM popup".

Screenshots of each overlay state go to PINGCRM_TEST_SCREENSHOTS when it names a folder.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from edge.routes.suggestions import MAX_MESSAGE
from pingcrm_common.clock import FrozenClock
from tests.support import screenshots
from tests.support.browser_sync import paired_and_signed_in, synced_from_the_feed
from tests.support.fake_linkedin import FakeLinkedIn, LinkedInData
from tests.support.suggestions_browser import overdue_account, pending, unanswered_partners, wait_for_suggestions

pytestmark = pytest.mark.browser

UI_TIMEOUT_MS = 10_000
SYNC_TIMEOUT_MS = 60_000
FEED = "https://www.linkedin.com/feed/"
PULL = "PingCRM: show suggestions"
REGENERATE = "PingCRM: new draft"
OVERLAY = "PingCRM suggestions"  # the overlay region's accessible name
REGENERATE_PER_MINUTE = 10  # suggestions_service's default (PINGCRM_SUGGESTIONS_REGENERATE_PER_MINUTE)
# The composer's text as a person reads it (the editor's paragraphs, whitespace squashed).
EDITOR_TEXT = "(editor) => editor.innerText.replace(/\\s+/g, ' ').trim()"
HOLDS_TEXT = "([editor, text]) => editor.innerText.replace(/\\s+/g, ' ').trim() === text"


@pytest.fixture
def linkedin_data(clock: FrozenClock) -> LinkedInData:
    return overdue_account(clock)


def thread_url(thread_id: str) -> str:
    return f"https://www.linkedin.com/messaging/thread/{thread_id}/"


def squash(text: str) -> str:
    return " ".join(text.split())


async def wait_until_holds(page: Any, editor: Any, text: str) -> None:
    """Wait until the composer's text box reads `text` (whitespace squashed)."""
    await page.wait_for_function(HOLDS_TEXT, arg=[await editor.element_handle(), squash(text)], timeout=UI_TIMEOUT_MS)


async def screenshot(page: Any, name: str, stack: Any) -> None:
    await screenshots.shoot(page, f"composer-{name}", stack, "suggestions", full_page=False)


def bubble(page: Any, thread_id: str) -> Any:
    """One overlay bubble (Playwright's CSS engine pierces open shadow roots)."""
    return page.locator(f'.msg-overlay-conversation-bubble[data-thread="{thread_id}"]')


def overlay_region(scope: Any) -> Any:
    return scope.get_by_role("region", name=OVERLAY, exact=True)


async def test_pull_and_regenerate_against_pingcrm(  # type: ignore[no-untyped-def]
    linkedin_browser, fake_linkedin: FakeLinkedIn, stack
) -> None:
    from playwright.async_api import expect

    browser = linkedin_browser
    data = fake_linkedin.data
    async with paired_and_signed_in(browser, stack, fake_linkedin) as setup:
        # --- the sync, then the suggestions suggestions_service drafted from it
        page = await synced_from_the_feed(browser, setup, fake_linkedin, SYNC_TIMEOUT_MS)
        due = unanswered_partners(data)
        listed = await wait_for_suggestions(setup.api, setup.web, len(due))
        by_member = {item["contact"]["member_id"]: item for item in listed["items"]}
        assert {item["contact"]["full_name"] for item in listed["items"]} == due
        with_suggestion = [c for c in data.one_to_one() if c.partner.member_id in by_member]
        without = [c for c in data.one_to_one() if c.partner.member_id not in by_member]
        assert len(with_suggestion) >= 2 and without, "the account must have threads with and without a suggestion"
        first, second = with_suggestion[:2]
        quiet = without[0]

        # --- the full-page thread: P lists the partner's suggestion
        await page.goto(thread_url(first.thread_id))
        pull = page.get_by_role("button", name=PULL, exact=True)
        regenerate = page.get_by_role("button", name=REGENERATE, exact=True)
        await pull.click()
        overlay = overlay_region(page)
        suggestion = by_member[first.partner.member_id]
        item = overlay.locator("button.item")
        await expect(item).to_have_count(1, timeout=UI_TIMEOUT_MS)
        await expect(item.locator(".reason")).to_have_text(suggestion["reason"]["text"])
        await expect(item.locator(".text")).to_have_text(suggestion["message"])
        await expect(overlay).to_contain_text(first.partner.name)
        await screenshot(page, "1-listed", stack)

        # --- click: the draft is in the composer through its own input handling; Send is enabled, not pressed
        editor = page.get_by_role("textbox", name="Write a message…")
        send = page.locator("msg-composer").get_by_role("button", name="Send", exact=True)
        await expect(send).to_be_disabled()
        await item.click()
        await expect(editor).to_have_text(re.compile(".+"), timeout=UI_TIMEOUT_MS)
        assert await editor.evaluate(EDITOR_TEXT) == squash(suggestion["message"])
        await expect(send).to_be_enabled()
        await expect(item.locator(".hint")).to_have_text("Inserted — edit it, then send")
        await screenshot(page, "2-inserted", stack)
        assert await page.locator("msg-composer").evaluate("(composer) => composer.sent") == []  # nothing sent

        # --- R: a new draft in place, the one PingCRM now stores, and in the composer instead of the old one
        await regenerate.click()
        await expect(item.locator(".text")).not_to_have_text(suggestion["message"], timeout=UI_TIMEOUT_MS)
        await expect(regenerate).not_to_have_attribute("aria-busy", "true")
        redrafted = next(i for i in (await pending(setup.api, setup.web))["items"] if i["id"] == suggestion["id"])
        assert redrafted["message"] != suggestion["message"]
        await expect(item.locator(".text")).to_have_text(redrafted["message"])
        # The box held our insertion, unedited: the new draft took its place, through the editor's own handling.
        await wait_until_holds(page, editor, redrafted["message"])
        await expect(item.locator(".hint")).to_have_text("Inserted — edit it, then send")
        await expect(send).to_be_enabled()
        await screenshot(page, "3-regenerated", stack)
        assert await page.locator("msg-composer").evaluate("(composer) => composer.sent") == []

        # --- the user sends it: LinkedIn empties the box, and PingCRM marks the suggestion sent
        await send.click()
        await expect(overlay).to_contain_text("Sent — marked as sent in PingCRM.", timeout=UI_TIMEOUT_MS)
        await expect(item).to_have_count(0)
        assert [squash(text) for text in await page.locator("msg-composer").evaluate("(c) => c.sent")] == [
            squash(redrafted["message"])
        ]
        sent = await setup.api.get("/api/v1/suggestions", params={"status": "sent"}, headers=setup.web)
        assert [i["id"] for i in sent.json()["items"]] == [suggestion["id"]]
        await screenshot(page, "4-marked-sent", stack)

        # --- two bubbles: each its own buttons and its own partner; one with nothing due says so
        await page.goto(FEED)
        for conversation in (second, quiet):
            await page.evaluate("(id) => fakeMessaging.open(id)", conversation.thread_id)
        for conversation in (second, quiet):
            scope = bubble(page, conversation.thread_id)
            await expect(scope.get_by_role("button", name=PULL, exact=True)).to_have_count(1, timeout=UI_TIMEOUT_MS)
            await expect(scope.get_by_role("button", name=REGENERATE, exact=True)).to_have_count(1)
            await scope.get_by_role("button", name=PULL, exact=True).click()
        second_overlay = overlay_region(bubble(page, second.thread_id))
        await expect(second_overlay.locator("button.item .text")).to_have_text(
            by_member[second.partner.member_id]["message"], timeout=UI_TIMEOUT_MS
        )
        quiet_overlay = overlay_region(bubble(page, quiet.thread_id))
        await expect(quiet_overlay).to_contain_text(f"No suggestion for {quiet.partner.name}", timeout=UI_TIMEOUT_MS)
        await expect(quiet_overlay.locator("button.item")).to_have_count(0)
        await screenshot(page, "5-two-bubbles", stack)

        # Insert into the second bubble: its own composer takes it, the other stays empty.
        await second_overlay.locator("button.item").click()
        second_editor = bubble(page, second.thread_id).get_by_role("textbox")
        await wait_until_holds(page, second_editor, by_member[second.partner.member_id]["message"])
        await expect(bubble(page, second.thread_id).get_by_role("button", name="Send", exact=True)).to_be_enabled()
        assert await bubble(page, quiet.thread_id).get_by_role("textbox").evaluate(EDITOR_TEXT) == ""

        # Past the redraft limit R says when to try again, and the last draft stays usable. (The limit counts
        # per clock minute: the clicks may straddle two windows, hence up to twice the limit.)
        second_r = bubble(page, second.thread_id).get_by_role("button", name=REGENERATE, exact=True)
        status = second_overlay.get_by_role("status")
        for _ in range(2 * REGENERATE_PER_MINUTE + 1):
            await second_r.click()
            await expect(second_r).not_to_have_attribute("aria-busy", "true", timeout=UI_TIMEOUT_MS)
            if await status.count() and "Too many" in (await status.text_content() or ""):
                break
        await expect(status).to_have_text(re.compile(r"^Too many new drafts for now\. Try again in \d+ s\.$"))
        last = await second_overlay.locator("button.item .text").text_content()
        await wait_until_holds(page, second_editor, last or "")
        await expect(second_overlay.locator("button.item")).to_be_enabled()
        await screenshot(page, "5b-rate-limited", stack)

        # A draft as long as PingCRM allows (edited in the web app) fills the overlay only up to the message
        # list: the bubble's header stays visible, and the close click below reaches its × through it.
        long_draft = ("Thanks again for the intro, it meant a lot. " * 25)[:MAX_MESSAGE].strip()
        suggestion_id = by_member[second.partner.member_id]["id"]
        edited = await setup.api.patch(
            f"/api/v1/suggestions/{suggestion_id}", json={"message": long_draft}, headers=setup.web
        )
        assert edited.status_code == 200, edited.text
        second_pull = bubble(page, second.thread_id).get_by_role("button", name=PULL, exact=True)
        await second_pull.click()  # closes the overlay
        await second_pull.click()  # and lists again, with the edited draft
        await expect(second_overlay.locator("button.item .text")).to_have_text(long_draft, timeout=UI_TIMEOUT_MS)
        header = await bubble(page, second.thread_id).locator("header").bounding_box()
        panel = await second_overlay.bounding_box()
        assert header is not None and panel is not None
        assert panel["y"] >= header["y"] + header["height"], (panel, header)
        assert panel["height"] >= 96  # still a usable panel, which scrolls
        # Its title and × stay in view while the draft scrolls under them.
        await expect(second_overlay.get_by_role("button", name="Close PingCRM suggestions")).to_be_in_viewport()
        close_box = await second_overlay.get_by_role("button", name="Close PingCRM suggestions").bounding_box()
        assert close_box is not None and close_box["y"] >= panel["y"], (close_box, panel)
        # and the draft starts below the head, its reason readable (not scrolled under the head)
        reason = await second_overlay.locator("button.item .reason").bounding_box()
        assert reason is not None and reason["y"] >= close_box["y"] + close_box["height"], (reason, close_box)
        await screenshot(page, "5c-long-draft", stack)

        # Closing a bubble takes its overlay; the other keeps its own.
        await bubble(page, second.thread_id).get_by_role("button", name=re.compile("^Close your conversation")).click()
        await expect(overlay_region(page)).to_have_count(1)
        await expect(quiet_overlay).to_be_visible()
        await expect(page.get_by_role("button", name=PULL, exact=True)).to_have_count(1)

        # --- suggestions_service down: PingCRM answers 503 naming it, and the overlay says suggestions are
        # unavailable for now (PingCRM itself was reached)
        await stack.stop_service("suggestions")
        await page.evaluate("(id) => fakeMessaging.open(id)", second.thread_id)
        reopened = bubble(page, second.thread_id)
        await reopened.get_by_role("button", name=PULL, exact=True).click()
        await expect(overlay_region(reopened)).to_contain_text(
            "Suggestions are unavailable right now. Try again in a moment.", timeout=UI_TIMEOUT_MS
        )
        await screenshot(page, "6-unavailable", stack)

        # --- disconnected in the web app: the popup's next call learns it, and P says the browser is not paired
        response = await setup.api.delete("/api/v1/extension/pair", headers=setup.web)
        assert response.status_code == 204, response.text
        await setup.popup.reload()
        await expect(setup.popup.locator("#unpaired-view")).to_be_visible(timeout=UI_TIMEOUT_MS)
        quiet_pull = bubble(page, quiet.thread_id).get_by_role("button", name=PULL, exact=True)
        await quiet_pull.click()  # closes the overlay that said there was nothing due
        await expect(quiet_overlay).to_have_count(0)
        await quiet_pull.click()
        await expect(quiet_overlay).to_contain_text("Not paired — open the PingCRM popup", timeout=UI_TIMEOUT_MS)
        await screenshot(page, "7-not-paired", stack)

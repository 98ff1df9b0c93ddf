"""The Suggestions page the way a user meets it, in a real headless Chromium against the real stack.

The extension syncs the fake LinkedIn, whose history ends five days before the stack's "now": every 1:1
conversation whose last message came from the other person is unanswered (five days or more).
suggestions_service learns of them through contacts_service's activity feed and drafts one suggestion per
such contact. The user opens Suggestions: one card per contact, newest first, with the contact's name (a
link to the contact), the reason and the draft, and the count in the navigation. "Generate now" finds
nobody else due (one pending suggestion per contact). Regenerate gives a different draft; Copy puts the
draft on the clipboard; Open in LinkedIn opens the contact's conversation on the fake LinkedIn; the
Snooze picker opens and closes from the keyboard and snoozes for a week;
Dismiss and Mark sent take a card away and the count follows; a suggestion closed elsewhere meanwhile goes
with a word why; back to the tab, the page shows a draft redrafted elsewhere; past the redraft limit the
page says when to try again; with no suggestion left the page says so; with suggestions_service down it
says suggestions are unavailable.

A new connection, imported from Connections.csv and never messaged, has no conversation yet: its card's
Open in LinkedIn opens the profile, whose Message button opens a composer, where P lists the "Say hello"
draft and pastes it.

Set PINGCRM_TEST_SCREENSHOTS=<dir> to keep a screenshot of every state of the page.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from pingcrm_common.clock import FrozenClock
from tests.edge.test_import_http import finished
from tests.support import screenshots
from tests.support.browser_sync import paired_and_signed_in, synced_from_the_feed, web_app_page
from tests.support.fake_linkedin import FakeLinkedIn, LinkedInData
from tests.support.screenshots import SCREENSHOTS
from tests.support.suggestions_browser import overdue_account, pending, unanswered_partners, wait_for_suggestions

pytestmark = pytest.mark.browser

UI_TIMEOUT_MS = 10_000
PULL = "PingCRM: show suggestions"  # the composer's P
OVERLAY = "PingCRM suggestions"  # the region P opens
SYNC_TIMEOUT_MS = 60_000
REGENERATE_PER_MINUTE = 10  # suggestions_service's default (PINGCRM_SUGGESTIONS_REGENERATE_PER_MINUTE)


@pytest.fixture
def linkedin_data(clock: FrozenClock) -> LinkedInData:
    return overdue_account(clock)


async def shoot(page: Any, name: str, stack: Any) -> None:
    await screenshots.shoot(page, f"suggestions-{name}", stack, "suggestions")


async def test_suggestions_page(linkedin_browser, fake_linkedin: FakeLinkedIn, stack, clock) -> None:  # type: ignore[no-untyped-def]
    from playwright.async_api import expect

    browser = linkedin_browser
    expected = unanswered_partners(fake_linkedin.data)
    assert len(expected) >= 4, "the account must have enough unanswered threads for every action below"

    async with paired_and_signed_in(browser, stack, fake_linkedin) as setup:
        # --- the extension syncs LinkedIn; suggestions_service hears of it and drafts
        await synced_from_the_feed(browser, setup, fake_linkedin, SYNC_TIMEOUT_MS)
        listed = await wait_for_suggestions(setup.api, setup.web, len(expected))
        assert {item["contact"]["full_name"] for item in listed["items"]} == expected
        assert listed["pending_count"] == len(expected)
        for item in listed["items"]:
            assert item["reason"]["kind"] == "unanswered"
            assert re.fullmatch(r"Unanswered for \d+ days", item["reason"]["text"]), item["reason"]

        # --- the web app, signed in with the API login's token (the sign-in form is another test's)
        await browser.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=stack.edge_url)
        page = await web_app_page(browser.context, stack, setup.web, setup.crashes)
        await page.set_viewport_size({"width": 1100, "height": 900})
        nav_count = page.locator("#nav-suggestions-count > [aria-hidden]")  # the number; the rest is for screen readers
        await expect(nav_count).to_have_text(str(len(expected)), timeout=UI_TIMEOUT_MS)
        await page.get_by_role("link", name=re.compile(rf"^Suggestions ?, {len(expected)} pending$")).click()
        await expect(page.get_by_role("heading", name="Suggestions", exact=True)).to_be_visible()

        cards = page.locator("#suggestions-list > li")
        await expect(cards).to_have_count(len(expected), timeout=UI_TIMEOUT_MS)
        # Newest first, as the API lists them; each names its contact (a link to the contact), why, and the draft.
        for index, item in enumerate(listed["items"]):
            card = cards.nth(index)
            link = card.get_by_role("link", name=item["contact"]["full_name"], exact=True)
            await expect(link).to_have_attribute("href", f"#/contacts/{item['contact']['id']}")
            await expect(card.locator(".suggestion-reason")).to_have_text(f"Reply{item['reason']['text']}")
            await expect(card.locator(".suggestion-draft")).to_have_text(item["message"])
        await expect(page.locator(".avatar").first).to_have_text(re.compile(r"^[A-Z]{1,2}$"))  # no photo: initials
        await shoot(page, "1-list", stack)
        if SCREENSHOTS:  # and on a phone's width
            await page.set_viewport_size({"width": 400, "height": 800})
            await shoot(page, "1-list-narrow", stack)
            await page.set_viewport_size({"width": 1100, "height": 900})

        # --- Generate now: everyone due has their suggestion already, and none gets a second
        await page.get_by_role("button", name="Generate now").click()
        await expect(page.locator("#suggestions-status")).to_have_text(
            "Nobody is due for a follow-up right now.", timeout=UI_TIMEOUT_MS
        )
        await expect(cards).to_have_count(len(expected))

        # --- Regenerate: a different draft, in place
        first = cards.nth(0)
        before = await first.locator(".suggestion-draft").text_content()
        await first.get_by_role("button", name="Regenerate").click()
        await expect(first.locator(".suggestion-draft")).not_to_have_text(before or "", timeout=UI_TIMEOUT_MS)
        await expect(first.get_by_role("button", name="Regenerate")).to_be_enabled()
        redrafted = (await pending(setup.api, setup.web))["items"][0]
        assert redrafted["id"] == listed["items"][0]["id"]
        await expect(first.locator(".suggestion-draft")).to_have_text(redrafted["message"])

        # --- Copy: the draft is on the clipboard, and the button says so
        await first.get_by_role("button", name="Copy").click()
        await expect(first.get_by_role("button", name="Copied ✓")).to_be_visible()
        assert await page.evaluate("navigator.clipboard.readText()") == redrafted["message"]
        await expect(first.get_by_role("button", name="Copy")).to_be_visible(timeout=UI_TIMEOUT_MS)

        # --- Open in LinkedIn: the conversation to answer opens in a new tab, where P pastes the draft
        name = redrafted["contact"]["full_name"]
        [thread_id] = [c.thread_id for c in fake_linkedin.data.one_to_one() if c.partner.name == name]
        opener = first.get_by_role("link", name=f"Open the conversation with {name} in LinkedIn (opens in a new tab)")
        async with browser.context.expect_page() as opened:
            await opener.click()
        thread_page = await opened.value
        await expect(thread_page.locator(".msg-thread__header h2")).to_have_text(name, timeout=UI_TIMEOUT_MS)
        assert thread_page.url == f"https://www.linkedin.com/messaging/thread/{thread_id}/"
        await thread_page.close()

        # --- Snooze, from the keyboard: the picker opens, Escape closes it, a week takes the card away
        third = cards.nth(2)
        third_item = listed["items"][2]
        snooze = third.get_by_role("button", name="Snooze", exact=True)
        await snooze.focus()
        await page.keyboard.press("Enter")
        picker = third.get_by_role("group", name=f"Snooze {third_item['contact']['full_name']}")
        await expect(picker).to_be_visible()
        await expect(snooze).to_have_attribute("aria-expanded", "true")
        await expect(picker.get_by_role("button", name="In 1 day")).to_be_focused()
        await shoot(page, "2-snooze-picker", stack)
        await page.keyboard.press("Escape")
        await expect(picker).to_be_hidden()
        await expect(snooze).to_be_focused()
        await page.keyboard.press("Enter")
        await picker.get_by_role("button", name="In 1 week").click()
        await expect(cards).to_have_count(len(expected) - 1, timeout=UI_TIMEOUT_MS)
        await expect(page.locator("#suggestions-status")).to_contain_text(
            f"Snoozed the suggestion for {third_item['contact']['full_name']} until next week."
        )
        await expect(nav_count).to_have_text(str(len(expected) - 1))
        snoozed = await setup.api.get("/api/v1/suggestions", params={"status": "snoozed"}, headers=setup.web)
        [snoozed_item] = snoozed.json()["items"]
        assert snoozed_item["id"] == third_item["id"]
        # A week from the user's "now": the browser's clock, which is the wall clock (the stack's starts in 2026).
        back = datetime.fromisoformat(snoozed_item["snooze_until"]) - datetime.now(UTC)
        assert timedelta(days=6, hours=23) < back < timedelta(days=7, hours=1), back

        # --- Dismiss: the card goes, the count follows (in the page and the API)
        second_item = listed["items"][1]
        await cards.nth(1).get_by_role("button", name="Dismiss").click()
        await expect(cards).to_have_count(len(expected) - 2, timeout=UI_TIMEOUT_MS)
        await expect(page.get_by_role("link", name=second_item["contact"]["full_name"], exact=True)).to_have_count(0)
        # The keyboard user is not dropped at the top of the page: the focus moves to the next card.
        await expect(cards.locator("h2 a").nth(1)).to_be_focused()
        await expect(nav_count).to_have_text(str(len(expected) - 2))
        assert (await pending(setup.api, setup.web))["pending_count"] == len(expected) - 2

        # --- closed elsewhere (the extension marked it sent), then snoozed here: the card goes, with why
        fourth_item = listed["items"][3]
        closed = await setup.api.patch(
            f"/api/v1/suggestions/{fourth_item['id']}", json={"status": "sent"}, headers=setup.web
        )
        assert closed.status_code == 200, closed.text
        fourth = page.locator(f'#suggestions-list > li[data-id="{fourth_item["id"]}"]')
        await fourth.get_by_role("button", name="Snooze", exact=True).click()
        await fourth.get_by_role("button", name="In 1 day").click()  # a sent suggestion cannot be snoozed: 410
        await expect(fourth).to_have_count(0, timeout=UI_TIMEOUT_MS)
        await expect(page.locator("#suggestions-status")).to_have_text(
            f"The suggestion for {fourth_item['contact']['full_name']} was already closed elsewhere."
        )
        await expect(nav_count).to_have_text(str(len(expected) - 3))

        # --- back to the tab after the extension changed a suggestion: the page shows it as it is now
        regenerated_elsewhere = await setup.api.post(
            f"/api/v1/suggestions/{listed['items'][0]['id']}/regenerate", headers=setup.web
        )
        assert regenerated_elsewhere.status_code == 200, regenerated_elsewhere.text
        await page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
        await expect(first.locator(".suggestion-draft")).to_have_text(
            regenerated_elsewhere.json()["message"], timeout=UI_TIMEOUT_MS
        )
        await expect(cards).to_have_count(len(expected) - 3)

        # --- past the redraft limit, the page says when to try again and holds the button until then
        # (The limit counts per clock minute: the clicks may straddle two windows, hence up to twice the limit.)
        regenerate = first.get_by_role("button", name="Regenerate")
        refused = first.get_by_role("alert")
        for _ in range(2 * REGENERATE_PER_MINUTE + 1):
            await regenerate.click()
            await page.wait_for_function(
                "(card) => !card.hasAttribute('aria-busy')", arg=await first.element_handle(), timeout=UI_TIMEOUT_MS
            )
            if await refused.is_visible():
                break
        await expect(refused).to_have_text(
            re.compile(r"^Too many new drafts — try again in \d+ s \(at \d\d:\d\d.*\)\.$"), timeout=UI_TIMEOUT_MS
        )
        await expect(regenerate).to_be_disabled()
        await shoot(page, "3-rate-limited", stack)

        # --- Mark sent, then Dismiss, for the rest: the empty state, and no count in the navigation
        while await cards.count():
            button = "Mark sent" if await cards.count() % 2 else "Dismiss"
            remaining = await cards.count()
            await cards.nth(0).get_by_role("button", name=button).click()
            await expect(cards).to_have_count(remaining - 1, timeout=UI_TIMEOUT_MS)
        await expect(page.get_by_role("heading", name=re.compile("^No suggestions — "))).to_be_visible()
        await expect(nav_count).to_be_hidden()
        assert (await pending(setup.api, setup.web))["pending_count"] == 0
        await shoot(page, "4-empty", stack)

        # --- suggestions_service down: the page says suggestions are unavailable, nothing else breaks
        await stack.stop_service("suggestions")
        await page.reload()
        await expect(page.get_by_role("heading", name="Suggestions are unavailable right now")).to_be_visible(
            timeout=UI_TIMEOUT_MS
        )
        await expect(page.get_by_role("button", name="Generate now")).to_be_disabled()
        await expect(nav_count).to_be_hidden()
        await shoot(page, "5-unavailable", stack)
        await page.get_by_role("link", name="Contacts", exact=True).click()
        await expect(page.locator("#contacts-list > li")).to_have_count(len(fake_linkedin.data.one_to_one()))


async def test_a_new_connection_is_greeted_from_their_profile(  # type: ignore[no-untyped-def]
    linkedin_browser, fake_linkedin: FakeLinkedIn, stack, clock
) -> None:
    """No conversation yet: the card opens the profile, whose Message button opens a composer, and P there
    lists the "Say hello" draft and pastes it."""
    from playwright.async_api import expect

    browser = linkedin_browser
    # Someone the user shares only a group chat with (group chats are not synced): a connection never messaged.
    member = next(m for c in fake_linkedin.data.group_chats() for m in c.others if m.slug)
    connected = clock.now() - timedelta(days=3)
    export = (
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        f"{member.first_name},{member.last_name},{member.profile_url},,,,{connected:%d %b %Y}\n"
    )
    async with paired_and_signed_in(browser, stack, fake_linkedin) as setup:
        await synced_from_the_feed(browser, setup, fake_linkedin, SYNC_TIMEOUT_MS)  # the user's messages, first
        files = {"file": ("Connections.csv", export.encode(), "text/csv")}
        accepted = await setup.api.post("/api/v1/contacts/import", files=files, headers=setup.web)
        assert accepted.status_code == 202, accepted.text
        assert (await finished(setup.api, accepted.json()["job_id"], setup.web))["state"] == "done"
        generated = await setup.api.post("/api/v1/suggestions/generate", headers=setup.web)
        assert generated.status_code == 200, generated.text
        [item] = [i for i in (await pending(setup.api, setup.web))["items"] if i["contact"]["slug"] == member.slug]
        assert item["reason"]["kind"] == "new_connection"
        assert item["contact"]["conversation_url"] is None

        # --- the card: Say hello, and Open in LinkedIn goes to the profile
        page = await web_app_page(browser.context, stack, setup.web, setup.crashes)
        await page.set_viewport_size({"width": 1100, "height": 900})
        await page.goto(f"{stack.edge_url}/#/suggestions")
        card = page.locator(f'#suggestions-list > li[data-id="{item["id"]}"]')
        await expect(card.locator(".suggestion-reason")).to_have_text(
            f"Say hello{item['reason']['text']}", timeout=UI_TIMEOUT_MS
        )
        opener = card.get_by_role("link", name=f"Open the LinkedIn profile of {member.name} (opens in a new tab)")
        await expect(opener).to_have_text("Open in LinkedIn")
        await expect(opener).to_have_attribute("href", f"https://www.linkedin.com/in/{member.slug}/")
        await shoot(page, "6-new-connection", stack)
        async with browser.context.expect_page() as opened:
            await opener.click()
        profile = await opened.value
        profile.on("pageerror", lambda error: setup.crashes.append(f"linkedin: {error}"))
        await expect(profile.get_by_role("heading", name=member.name)).to_be_visible(timeout=UI_TIMEOUT_MS)

        # --- Message opens a new message's bubble; P there lists the draft, a click pastes it
        await profile.get_by_role("button", name="Message", exact=True).click()
        bubble = profile.locator(f'.msg-overlay-conversation-bubble[data-profile="/in/{member.slug}/"]')
        await bubble.get_by_role("button", name=PULL, exact=True).click(timeout=UI_TIMEOUT_MS)
        choice = bubble.get_by_role("region", name=OVERLAY, exact=True).locator("button.item")
        await expect(choice.locator(".text")).to_have_text(item["message"], timeout=UI_TIMEOUT_MS)
        await expect(choice.locator(".reason")).to_have_text(item["reason"]["text"])
        await choice.click()
        editor = bubble.get_by_role("textbox")
        await profile.wait_for_function(
            "([editor, text]) => editor.innerText.replace(/\\s+/g, ' ').trim() === text",
            arg=[await editor.element_handle(), " ".join(item["message"].split())],
            timeout=UI_TIMEOUT_MS,
        )
        await expect(bubble.get_by_role("button", name="Send", exact=True)).to_be_enabled()
        await screenshots.shoot(profile, "composer-6-profile-bubble", stack, "suggestions", full_page=False)

"""LinkedIn message sync end to end, in a real headless Chromium.

The unpacked extension runs against the real edge and services (`stack`, both
backends) and against the fake www.linkedin.com (tests/support/fake_linkedin,
reached through --host-resolver-rules, HTTPS with a throwaway certificate).
A user pairs the extension (the popup's code, claimed over the API: the web
app's side of pairing is test_pairing_browser's), is signed in to LinkedIn,
and:

1. visits linkedin.com: their 1:1 conversation partners become contacts with
   their latest message, in PingCRM's API and web app; group chats are
   skipped without reading them; partners LinkedIn shows only by member id
   (`/in/ACoAA…`, no slug) are contacts too;
2. visits again: nothing is fetched from LinkedIn (the last sync is recent);
   over 2 h later, moving within the open LinkedIn tab (no page load) syncs;
3. gets a new message and clicks Sync now: the walk stops at the watermark,
   and only that message is fetched, pushed and stored;
4. signs out of LinkedIn and clicks Sync now: the popup asks them to visit
   linkedin.com, and LinkedIn is not called;
5. throughout, no request to PingCRM carries the LinkedIn cookies.

Which fetch path works (the issue asked to prove it): the service worker's
own `fetch` with `credentials: 'include'` (extension/background/linkedin/voyager.js),
with no LinkedIn tab involved in the request. The fake saw every Voyager
call with the browser's `li_at` and `JSESSIONID` cookies and the matching
`csrf-token` header; Chromium sent them with `Sec-Fetch-Site: none` and no
`Origin`, and Playwright attributes the requests to the extension's service
worker. All of that is asserted below. (Real LinkedIn may judge such
requests differently from the fake; BROWSER-TESTS.md notes the in-tab
`chrome.scripting.executeScript({world: 'MAIN'})` alternative.)
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

import pytest

from tests.support.browser_sync import (
    UI_TIMEOUT_MS,
    contacts_by_member,
    epoch_ms,
    pair_popup,
    sign_up,
    watch_edge,
    web_app_page,
)
from tests.support.browser_sync import explained as explain
from tests.support.fake_linkedin import FakeLinkedIn

pytestmark = pytest.mark.browser

# A sync spaces its Voyager calls by a random 0.4–1.2 s (the real pacing); the
# fake account keeps a sync to about eight calls.
SYNC_TIMEOUT_MS = 60_000
# How long "nothing happens" is watched after a page load: the worker answers
# a page load at once, and the first visit's sync called LinkedIn right after
# the load. Absence has no event to wait for.
QUIET_S = 2.0
FEED = "https://www.linkedin.com/feed/"
NEW_MESSAGE = "Are we still on for Friday?"


async def test_sync_linkedin_conversations_into_contacts(linkedin_browser, fake_linkedin: FakeLinkedIn, stack) -> None:
    from playwright.async_api import expect

    browser = linkedin_browser
    context = browser.context
    data = fake_linkedin.data
    one_to_one = data.one_to_one()
    crashes: list[str] = []

    # --- watch everything the browser sends to PingCRM, and keep other PingCRMs out
    edge = await watch_edge(context, stack)
    edge_requests = edge.requests
    pushed_messages = edge.pushed_messages
    voyager_requests: list[Any] = []  # Playwright's view, to see who made them
    context.on("request", lambda r: voyager_requests.append(r) if "/voyager/api/" in r.url else None)

    async def explained(expectation: Awaitable[None]) -> None:
        """A popup expectation whose failure also says what the extension and the fake saw."""
        await explain(browser, expectation, fake_linkedin)

    async with stack.http() as api:
        web = await sign_up(api)

        # --- pair the popup
        popup = await pair_popup(browser, stack, api, web, crashes)
        await expect(popup.locator("#status")).to_be_visible()
        assert fake_linkedin.calls == []  # pairing alone does not touch LinkedIn

        # --- 1. signed in to LinkedIn, the user opens it: the first sync
        session = await fake_linkedin.sign_in(context)
        linkedin = await context.new_page()
        linkedin.on("pageerror", lambda error: crashes.append(f"linkedin: {error}"))
        await linkedin.goto(FEED)

        sync_state, sync_counts = popup.locator("#sync-state"), popup.locator("#sync-counts")
        await explained(expect(sync_state).to_have_text("Up to date.", timeout=SYNC_TIMEOUT_MS))
        messages = sum(len(c.messages) for c in one_to_one)
        await expect(sync_counts).to_have_text(
            f"{len(one_to_one)} conversations, {messages} messages; {len(one_to_one)} new contacts; "
            # The new contacts miss a title: the profile backfill reads their profiles after the sync.
            f"{len(one_to_one)} profiles read; {len(data.group_chats())} group chats skipped"
        )
        await expect(popup.locator("#last-sync")).not_to_have_text("Never")

        contacts = await contacts_by_member(api, web)
        assert set(contacts) == {c.partner.member_id for c in one_to_one}  # no group chat member among them
        for conversation in one_to_one:
            partner, newest = conversation.partner, conversation.messages[-1]
            contact = contacts[partner.member_id]
            assert (contact["full_name"], contact["linkedin"]["slug"]) == (partner.name, partner.slug)
            assert contact["last_message"] == {
                "text": newest.text,
                "from_self": newest.sender == data.me,
                "at": contact["last_message"]["at"],
            }
            assert epoch_ms(contact["last_message"]["at"]) == newest.delivered_at
            # A first sync reads the newest page of messages: these threads are shorter than a page.
            assert contact["interaction_count"] == len(conversation.messages)
        aco_only = [c.partner for c in one_to_one if c.partner.slug is None]
        assert len(aco_only) == 2  # ACo-only partners are contacts, with no slug (checked above)

        first_sync = list(fake_linkedin.calls)
        assert all(c.session_ok and c.csrf_ok and c.status == 200 for c in first_sync)
        assert all(c.headers.get("sec-fetch-site") == "none" and "origin" not in c.headers for c in first_sync)
        assert voyager_requests and all(r.service_worker is not None for r in voyager_requests)
        read = {c.variables["conversationUrn"] for c in first_sync if c.endpoint == "messages"}
        assert read == {c.urn for c in one_to_one}  # group chats skipped without reading them

        # --- the same people in the web app
        web_page = await web_app_page(context, stack, web, crashes)
        contact_list = web_page.locator("#contacts-list")
        for conversation in one_to_one:
            await expect(contact_list).to_contain_text(conversation.partner.name, timeout=UI_TIMEOUT_MS)
        await expect(contact_list.locator("li")).to_have_count(len(one_to_one))

        # --- 2. another LinkedIn page within 2 h: nothing is fetched from LinkedIn
        mark = fake_linkedin.mark()
        await linkedin.goto(FEED)
        with pytest.raises(TimeoutError):
            await fake_linkedin.wait_for_calls(bool, since=mark, timeout=QUIET_S)
        await expect(sync_state).to_have_text("Up to date.")

        # --- 2b. over 2 h later, in the same tab: moving around LinkedIn loads no page (it is a
        # single-page app), and still syncs. The extension has no clock to turn, so its last
        # success is moved back instead.
        await browser.service_worker.evaluate(
            "chrome.storage.local.get('syncStatus').then(({syncStatus}) => chrome.storage.local.set("
            "{syncStatus: {...syncStatus, lastSuccessAt: Date.now() - 2 * 60 * 60_000 - 60_000}}))"
        )
        mark = fake_linkedin.mark()
        await linkedin.evaluate("history.pushState({}, '', '/mynetwork/')")
        await explained(fake_linkedin.wait_for_calls(bool, since=mark, timeout=UI_TIMEOUT_MS / 1000))
        await explained(expect(sync_counts).to_have_text("0 conversations, 0 messages", timeout=SYNC_TIMEOUT_MS))
        await expect(sync_state).to_have_text("Up to date.")

        # --- 3. a new message arrives; Sync now fetches, pushes and stores only it
        target = next(c for c in one_to_one[2:] if c.partner.slug)  # an older thread: it must move to the top
        message = fake_linkedin.add_message(target.urn, NEW_MESSAGE)
        mark, pushes_before = fake_linkedin.mark(), len(edge_requests)
        await popup.locator("#sync-now").click()
        await explained(expect(sync_counts).to_have_text("1 conversation, 1 message", timeout=SYNC_TIMEOUT_MS))
        await expect(sync_state).to_have_text("Up to date.")
        await expect(popup.locator("#sync-progress")).to_be_hidden()

        second_sync = fake_linkedin.calls_since(mark)
        listed = [c for c in second_sync if c.endpoint == "conversations"]
        # One page and no older one: below the new activity everything is pushed already.
        assert [c.variables.get("lastUpdatedBefore") for c in listed] == [None]
        assert {c.variables["conversationUrn"] for c in second_sync if c.endpoint == "messages"} == {target.urn}
        assert pushed_messages(pushes_before) == [(target.urn, message.urn, NEW_MESSAGE, False, message.delivered_at)]

        after = await contacts_by_member(api, web)
        updated = after[target.partner.member_id]
        assert updated["last_message"]["text"] == NEW_MESSAGE
        assert updated["interaction_count"] == contacts[target.partner.member_id]["interaction_count"] + 1
        assert sum(c["interaction_count"] for c in after.values()) == messages + 1

        # --- 4. signed out of LinkedIn: Sync now asks the user to visit it, without calling it
        await fake_linkedin.sign_out(context)
        mark = fake_linkedin.mark()
        await popup.locator("#sync-now").click()
        await expect(sync_state).to_have_text(
            "Not signed in to LinkedIn. Visit linkedin.com to sync.", timeout=UI_TIMEOUT_MS
        )
        await expect(sync_state.get_by_role("link", name="linkedin.com")).to_have_attribute(
            "href", "https://www.linkedin.com/"
        )
        assert fake_linkedin.calls_since(mark) == []

    # --- 5. privacy: the LinkedIn session never reached PingCRM
    edge.assert_no_linkedin_session(session)
    assert crashes == []
    # The fake answers every path the extension asked for; a failing call would be a contract mismatch.
    assert not any(c.error for c in fake_linkedin.calls)

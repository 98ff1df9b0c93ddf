"""The whole mailbox and every message, in a real headless Chromium.

The unpacked extension, the real edge and services (`stack`, both backends)
and the fake www.linkedin.com holding 1,200 conversations, one of them a
300-message thread among the newest. The user presses Sync now three times:

1. the newest 500 conversations with their newest page of messages; the
   popup shows "500 of about N conversations synced" (N estimated);
2. the next 500, and the history walk: the thread's 280 older messages
   (15 pages), so the thread is complete after two syncs; its contact's
   last message stays the newest one;
3. the last 200: "All 1,200 conversations synced".

Nothing pushed is fetched twice, and no request to PingCRM carries a
LinkedIn cookie. The pause between LinkedIn calls is set to 0 through the
development-only KEYS.VOYAGER_PACING (an unpacked extension reads it): at
the real 0.4–1.2 s, 1,200 conversations take about 17 minutes.
"""

from __future__ import annotations

import re

import pytest

from pingcrm_common.clock import FrozenClock
from tests.support.browser_sync import contacts_by_member, epoch_ms, explained, paired_and_signed_in
from tests.support.fake_linkedin import FakeLinkedIn, LinkedInData, generate

pytestmark = pytest.mark.browser

SYNC_TIMEOUT_MS = 90_000
THREAD_LENGTH = 300


@pytest.fixture
def linkedin_data(clock: FrozenClock) -> LinkedInData:
    """1,200 conversations (5 group chats); seed 10 puts the 300-message thread among the newest 500."""
    data = generate(
        seed=10,
        one_to_one=1_195,
        aco_only=2,
        group_chats=5,
        long_threads=1,
        long_thread_length=THREAD_LENGTH,
        now_ms=int(clock.now().timestamp() * 1000),
    )
    thread = next(c for c in data.one_to_one() if len(c.messages) == THREAD_LENGTH)
    assert thread in data.newest_first()[:500]
    return data


async def test_1200_conversations_and_a_300_message_thread(
    linkedin_browser, fake_linkedin: FakeLinkedIn, stack
) -> None:
    from playwright.async_api import expect

    browser = linkedin_browser
    one_to_one = fake_linkedin.data.one_to_one()
    thread = next(c for c in one_to_one if len(c.messages) == THREAD_LENGTH)

    async with paired_and_signed_in(browser, stack, fake_linkedin) as setup:
        api, web, popup = setup.api, setup.web, setup.popup
        await browser.service_worker.evaluate("chrome.storage.local.set({voyagerPacing: {min: 0, max: 0}})")
        mailbox, history = popup.locator("#sync-mailbox"), popup.locator("#sync-history")

        async def mailbox_shows(text: str | re.Pattern[str]) -> None:
            await explained(browser, expect(mailbox).to_have_text(text, timeout=SYNC_TIMEOUT_MS), fake_linkedin)

        async def thread_contact() -> dict:
            contact = (await contacts_by_member(api, web))[thread.partner.member_id]
            detail = await api.get(f"/api/v1/contacts/{contact['id']}", headers=web)
            assert detail.status_code == 200
            return detail.json()

        # --- 1. the newest 500, and an estimate of the rest
        await popup.locator("#sync-now").click()
        await mailbox_shows(re.compile(r"^500 of about [\d,]+ conversations synced$"))
        estimate = int(re.search(r"about ([\d,]+)", await mailbox.text_content() or "").group(1).replace(",", ""))
        assert 1_000 <= estimate <= 1_400, estimate
        await expect(history).to_have_text("From the next sync on")
        first = await thread_contact()
        assert first["interaction_count"] == 20

        # --- 2. the next 500, and the thread's older messages: complete after two syncs
        await popup.locator("#sync-now").click()
        await mailbox_shows(re.compile(r"^1,000 of about [\d,]+ conversations synced$"))
        await expect(history).to_have_text("All synced")
        await expect(popup.locator("#sync-counts")).to_contain_text(f"{THREAD_LENGTH - 20} older messages")
        second = await thread_contact()
        assert second["interaction_count"] == THREAD_LENGTH
        # The old messages did not move its last message or last interaction back.
        newest = thread.messages[-1]
        assert second["last_message"]["text"] == newest.text
        assert epoch_ms(second["last_message"]["at"]) == newest.delivered_at
        assert second["last_interaction_at"] == first["last_interaction_at"]

        # --- 3. the last 200: the whole mailbox
        await popup.locator("#sync-now").click()
        await mailbox_shows("All 1,200 conversations synced")
        contacts = await contacts_by_member(api, web)
        assert set(contacts) == {c.partner.member_id for c in one_to_one}

    # Nothing pushed was fetched twice: every conversation's newest page once, the thread's older
    # pages once each (14 of 20 and the empty one before its first message).
    newest_pages = [
        c.variables["conversationUrn"]
        for c in fake_linkedin.calls
        if c.endpoint == "messages" and "deliveredAt" not in c.variables
    ]
    assert len(newest_pages) == len(set(newest_pages)) == len(one_to_one)
    older_pages = [
        c.variables["deliveredAt"]
        for c in fake_linkedin.calls
        if c.endpoint == "messages" and "deliveredAt" in c.variables
    ]
    assert len(older_pages) == len(set(older_pages)) == 15
    pushed = [m[1] for m in setup.edge.pushed_messages()]
    assert len(pushed) == len(set(pushed)) == sum(len(c.messages) for c in one_to_one)
    assert all(c.status == 200 for c in fake_linkedin.calls)

"""The sync against a LinkedIn that changes under it, in a real headless Chromium.

The unpacked extension, the real edge and services (`stack`, both backends)
and the fake www.linkedin.com (tests/support/fake_linkedin), switched to
reproduce what real LinkedIn does:

1. a deploy rotated the GraphQL query ids: the old ones answer 400, the
   messaging page's bundles name the new ones. One Sync now still succeeds,
   and the popup never says "LinkedIn changed"; after a rotation whose ids
   no bundle names, the popup names the query that failed;
2. LinkedIn refuses the service worker's own requests (403 to anything but
   a LinkedIn page's same-origin requests): with no LinkedIn tab the popup
   asks for one; opening linkedin.com syncs through that tab.

In both, no request to PingCRM carries a LinkedIn cookie.
"""

from __future__ import annotations

import re

import pytest

from tests.support.browser_sync import explained, paired_and_signed_in
from tests.support.fake_linkedin import FakeLinkedIn
from tests.support.fake_linkedin.bundles import SHIPPED_QUERY_IDS

pytestmark = pytest.mark.browser

# The real pacing (0.4–1.2 s a call); a sync of the small account with a discovery is ~15 calls.
SYNC_TIMEOUT_MS = 60_000
FEED = "https://www.linkedin.com/feed/"
# Every text the popup's status line shows, from now on.
WATCH_STATUS_LINE = """() => {
  window.shownStates = [];
  const line = document.getElementById('sync-state');
  new MutationObserver(() => window.shownStates.push(line.textContent))
    .observe(line, { childList: true, subtree: true, characterData: true });
}"""


async def test_rotated_query_ids_are_found_and_unfindable_ones_named(
    linkedin_browser, fake_linkedin: FakeLinkedIn, stack
) -> None:
    from playwright.async_api import expect

    one_to_one = fake_linkedin.data.one_to_one()
    async with paired_and_signed_in(linkedin_browser, stack, fake_linkedin) as setup:
        popup = setup.popup
        sync_state = popup.locator("#sync-state")

        # --- 1. LinkedIn deployed new query ids; its web app's bundles name them
        fresh = fake_linkedin.rotate_query_ids()
        await popup.evaluate(WATCH_STATUS_LINE)
        await popup.locator("#sync-now").click()
        await explained(
            linkedin_browser, expect(sync_state).to_have_text("Up to date.", timeout=SYNC_TIMEOUT_MS), fake_linkedin
        )
        shown = await popup.evaluate("window.shownStates")
        assert "Syncing LinkedIn messages…" in shown
        assert not any("changed" in text for text in shown), shown
        await expect(popup.locator("#sync-counts")).to_contain_text(f"{len(one_to_one)} new contacts")

        # Each query: one 400 with the shipped id, then only the new id; one discovery for both
        # (the messaging page and its bundles).
        for query in ("conversations", "messages"):
            asked = [(c.query_id, c.status) for c in fake_linkedin.calls if c.endpoint == query]
            assert asked[0] == (SHIPPED_QUERY_IDS[query], 400)
            assert asked[1:] == [(fresh[query], 200)] * (len(asked) - 1) and len(asked) > 1
        assert fake_linkedin.page_visits == ["/messaging/"]
        assert len(fake_linkedin.bundle_reads) == 2  # the vendor bundle, then the one with the ids

        # --- 2. Another deploy, and no bundle names the new ids: the popup says which query failed
        fake_linkedin.rotate_query_ids(in_bundles=False, seed=2)
        mark = fake_linkedin.mark()
        await popup.locator("#sync-now").click()
        await expect(sync_state).to_have_text(
            "LinkedIn changed its conversations query; PingCRM needs an update.", timeout=SYNC_TIMEOUT_MS
        )
        await expect(sync_state).to_have_class(re.compile(r"\bproblem\b"))
        assert [(c.endpoint, c.status) for c in fake_linkedin.calls_since(mark)] == [
            ("me", 200),
            ("conversations", 400),
        ]
        assert fake_linkedin.page_visits == ["/messaging/", "/messaging/"]


async def test_refused_worker_syncs_through_an_open_linkedin_tab(
    linkedin_browser, fake_linkedin: FakeLinkedIn, stack
) -> None:
    from playwright.async_api import expect

    fake_linkedin.refuse_worker_requests = True
    one_to_one = fake_linkedin.data.one_to_one()
    async with paired_and_signed_in(linkedin_browser, stack, fake_linkedin) as setup:
        popup = setup.popup
        sync_state = popup.locator("#sync-state")

        # --- no LinkedIn tab: the popup asks for one instead of failing silently
        await popup.locator("#sync-now").click()
        await expect(sync_state).to_have_text(
            "Open linkedin.com to sync: LinkedIn answers PingCRM only from its own tab.", timeout=SYNC_TIMEOUT_MS
        )
        await expect(sync_state.get_by_role("link", name="linkedin.com")).to_have_attribute(
            "href", "https://www.linkedin.com/"
        )
        assert [(c.endpoint, c.from_page, c.status) for c in fake_linkedin.calls] == [("me", False, 403)]

        # --- the user opens linkedin.com: that page load syncs, through the tab
        mark = fake_linkedin.mark()
        linkedin = await linkedin_browser.context.new_page()
        linkedin.on("pageerror", lambda error: setup.crashes.append(f"linkedin: {error}"))
        await linkedin.goto(FEED)
        await explained(
            linkedin_browser, expect(sync_state).to_have_text("Up to date.", timeout=SYNC_TIMEOUT_MS), fake_linkedin
        )
        await expect(popup.locator("#sync-counts")).to_contain_text(f"{len(one_to_one)} new contacts")
        calls = fake_linkedin.calls_since(mark)
        # Each sync tries the worker first; once refused, everything goes through the tab.
        assert [(c.endpoint, c.from_page, c.status) for c in calls[:2]] == [("me", False, 403), ("me", True, 200)]
        assert all(c.from_page and c.status == 200 and c.session_ok and c.csrf_ok for c in calls[1:])
        assert {c.variables["conversationUrn"] for c in calls if c.endpoint == "messages"} == {
            c.urn for c in one_to_one
        }
        # Same-origin requests of LinkedIn's page, as its own web app makes them.
        assert all(c.headers.get("sec-fetch-site") == "same-origin" for c in calls[1:])
        assert all(c.headers.get("x-li-lang") == "en_US" for c in calls)

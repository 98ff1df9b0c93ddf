"""Profile backfill end to end, in a real headless Chromium: the real extension syncs against the fake
LinkedIn, which now serves profiles and, on a fake CDN host (media.licdn.com on loopback), their photos.

1. A first sync creates the contacts; the push answers which ones miss a title, company or photo; the
   extension fetches those profiles (paced, from the service worker) and pushes them: titles and companies
   arrive (the most recent current position; several current ones handled), a closed account is reported
   gone, and contacts_service queues the photos for media_service, which downloads them from the fake CDN
   off the push's path.
2. One photo the CDN refuses to servers (403): the next sync's answer names it with its address, the
   browser fetches it and uploads the bytes; it arrives too.
3. The web app shows the photos and titles on the Contacts list and on a contact's page.

Both backends. Set PINGCRM_TEST_SCREENSHOTS=<dir> to keep the pages' screenshots.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import launch
from tests.support import screenshots
from tests.support.browser_sync import EMAIL, UI_TIMEOUT_MS, contacts_by_member, paired_and_signed_in
from tests.support.browser_sync import explained as explain
from tests.support.fake_cdn import FakeCdn
from tests.support.fake_linkedin import FakeLinkedIn, LinkedInData
from tests.support.fake_linkedin.data import Position, Profile

pytestmark = pytest.mark.browser
SYNC_TIMEOUT_MS = 90_000
ARRIVAL_TIMEOUT_S = 60.0
FEED = "https://www.linkedin.com/feed/"


@pytest.fixture
async def cdn() -> AsyncIterator[FakeCdn]:
    async with FakeCdn() as fake:
        yield fake


@pytest.fixture
async def photo_stack(data_dir: Path, backend: Any, clock: Any, cdn: FakeCdn) -> AsyncIterator[Any]:
    """The whole backend, its media_service downloading from the fake CDN."""
    from tests.support.stack import start_stack

    running = await start_stack(
        data_dir,
        database_url=backend.database_url,
        redis_url=backend.redis_url,
        clock=clock,
        media=cdn.media_settings(),
    )
    yield running
    await running.close()


def shape_profiles(data: LinkedInData) -> dict[str, str]:
    """Give the partners the cases the backfill must handle; their roles, by member id."""
    partners = [c.partner for c in data.one_to_one()]
    several, refused, plain, aco_only, closed = (
        next(p for p in partners if p.slug),
        [p for p in partners if p.slug][1],
        [p for p in partners if p.slug][2],
        next(p for p in partners if p.slug is None),
        [p for p in partners if p.slug is None][1],
    )
    data.profiles[several.member_id] = Profile(
        location="Lisbon, Portugal",
        positions=[
            Position("Advisor", "Board Co", (2019, 3)),
            Position("Founder", "Startup", (2024, 11)),  # the most recent start: this one
            Position("Engineer", "OldCo", (2010, 1), (2018, 12)),
        ],
        has_photo=True,
    )
    data.profiles[refused.member_id] = Profile("Berlin", [Position("CTO", "Initech", (2021, 5))], has_photo=True)
    data.profiles[plain.member_id] = Profile("", [Position("Designer", "Globex", (2022, 1))], has_photo=False)
    data.profiles[aco_only.member_id] = Profile("Tokyo", [Position("Partner", "Hooli", (2020, 2))], has_photo=True)
    data.profiles[closed.member_id] = Profile("", [], has_photo=True, gone=True)
    return {
        "several": several.member_id,
        "refused": refused.member_id,
        "plain": plain.member_id,
        "aco_only": aco_only.member_id,
        "closed": closed.member_id,
    }


async def until(check: Any, what: str, timeout: float = ARRIVAL_TIMEOUT_S) -> Any:
    """Poll `check()` until it returns something truthy."""
    deadline = time.monotonic() + timeout
    while True:
        found = await check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.5)


async def shoot(page: Any, name: str, stack: Any) -> None:
    await screenshots.shoot(page, f"backfill-{name}", stack, "contacts")


async def test_profiles_and_photos_arrive_after_a_sync(
    tmp_path: Path, fake_linkedin: FakeLinkedIn, cdn: FakeCdn, photo_stack: Any
) -> None:
    from playwright.async_api import expect

    data = fake_linkedin.data
    roles = shape_profiles(data)
    fake_linkedin.serve_photos(cdn)
    refused_paths = fake_linkedin.photo_paths(roles["refused"])
    cdn.browser_only.update(refused_paths)
    rules = f"{fake_linkedin.host_resolver_rule},MAP media.licdn.com 127.0.0.1:{cdn.port}"
    async with (
        launch(
            tmp_path / "chromium-profile", (f"--host-resolver-rules={rules}", "--ignore-certificate-errors")
        ) as browser,
        paired_and_signed_in(browser, photo_stack, fake_linkedin) as paired,
    ):
        popup, api, web = paired.popup, paired.api, paired.web
        sync_state = popup.locator("#sync-state")

        # --- 1. the first sync, then the backfill
        linkedin = await browser.context.new_page()
        await linkedin.goto(FEED)
        await explain(browser, expect(sync_state).to_have_text("Up to date.", timeout=SYNC_TIMEOUT_MS), fake_linkedin)
        # Four profiles read; the closed account's is not one.
        await expect(popup.locator("#sync-counts")).to_contain_text("; 4 profiles read;")
        await shoot(popup, "popup", photo_stack)
        profile_calls = [c for c in fake_linkedin.calls if c.endpoint == "profile"]
        assert len(profile_calls) == len(data.one_to_one())  # every new contact, at most 10
        assert all(c.session_ok and c.csrf_ok for c in profile_calls)

        def profile_of(member_id: str) -> Profile:
            return data.profiles[member_id]

        async def enriched() -> dict[str, dict[str, Any]] | None:
            contacts = await contacts_by_member(api, web)
            done = all(contacts[m]["avatar_url"] for m in (roles["several"], roles["aco_only"])) and all(
                contacts[m]["title"] for m in (roles["several"], roles["refused"], roles["plain"])
            )
            return contacts if done else None

        contacts = await until(enriched, "titles and the server-downloaded photos")
        for role in ("several", "refused", "plain", "aco_only"):
            current = profile_of(roles[role]).current
            assert current is not None
            contact = contacts[roles[role]]
            assert (contact["title"], contact["company"]) == (current.title, current.company), role
        assert (contacts[roles["several"]]["title"], contacts[roles["several"]]["location"]) == (
            "Founder",
            "Lisbon, Portugal",
        )
        assert contacts[roles["plain"]]["avatar_url"] is None  # no photo on LinkedIn: initials
        assert contacts[roles["closed"]]["title"] == ""  # LinkedIn no longer has it
        # The server asked the CDN for the refused photo and was turned away; the browser did not ask yet.
        assert any(r.path in refused_paths and r.status == 403 and not r.from_browser for r in cdn.requests)
        assert contacts[roles["refused"]]["avatar_url"] is None

        # --- 2. the next sync: the refused photo is fetched by the browser and uploaded
        mark = fake_linkedin.mark()
        await popup.locator("#sync-now").click()
        await explain(browser, expect(sync_state).to_have_text("Up to date.", timeout=SYNC_TIMEOUT_MS), fake_linkedin)
        assert roles["closed"] not in {
            c.raw_query.partition("memberIdentity=")[2].partition("&")[0] for c in fake_linkedin.calls_since(mark)
        }  # a gone profile is not asked for again

        async def uploaded() -> dict[str, dict[str, Any]] | None:
            contacts = await contacts_by_member(api, web)
            return contacts if contacts[roles["refused"]]["avatar_url"] else None

        contacts = await until(uploaded, "the photo the browser uploaded")
        assert any(r.path in refused_paths and r.status == 200 and r.from_browser for r in cdn.requests)

        # --- 3. the web app shows them
        page = await browser.context.new_page()
        crashes: list[str] = []
        page.on("pageerror", lambda error: crashes.append(str(error)))
        await page.goto(f"{photo_stack.edge_url}/healthz")
        session = json.dumps({"token": web["Authorization"].removeprefix("Bearer "), "expiresAt": 0, "email": EMAIL})
        await page.evaluate("session => sessionStorage.setItem('pingcrm.session', session)", session)
        await page.goto(f"{photo_stack.edge_url}/#/contacts")
        rows = page.locator("#contacts-list li.contact")
        await expect(rows).to_have_count(len(data.one_to_one()), timeout=UI_TIMEOUT_MS)
        for role in ("several", "refused", "aco_only"):
            row = page.locator(f'li.contact[data-id="{contacts[roles[role]]["id"]}"]')
            await expect(row.locator(".avatar.has-photo")).to_have_count(1, timeout=UI_TIMEOUT_MS)
        plain_row = page.locator(f'li.contact[data-id="{contacts[roles["plain"]]["id"]}"]')
        await expect(plain_row.locator(".avatar.has-photo")).to_have_count(0)
        await expect(plain_row.locator(".contact-role")).to_have_text("Designer · Globex")
        await shoot(page, "contacts", photo_stack)

        several = contacts[roles["several"]]
        await page.locator(f'li.contact[data-id="{several["id"]}"] .contact-name').click()
        profile = page.locator("#contact-profile")
        await expect(profile.locator("#contact-role")).to_have_text("Founder at Startup", timeout=UI_TIMEOUT_MS)
        await expect(profile.locator("#contact-location")).to_have_text("Lisbon, Portugal")
        await expect(profile.locator(".avatar.has-photo")).to_have_count(1, timeout=UI_TIMEOUT_MS)
        await shoot(page, "contact", photo_stack)
        assert crashes == []

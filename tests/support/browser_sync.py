"""What the real-browser sync tests share: a PingCRM account, the popup paired
with it, every request the browser sends to PingCRM, and the check that none
of them carries the LinkedIn session.

    async with paired_and_signed_in(linkedin_browser, stack, fake_linkedin) as setup:
        await setup.popup.locator("#sync-now").click()
        ...
    # on leaving: no request to PingCRM carried the LinkedIn session, no page crashed
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx

DEFAULT_API_URL = "http://127.0.0.1:8000"
PASSWORD = "correct horse battery"
EMAIL = "grace@example.com"
CODE = re.compile(r"^PING-[A-Z0-9]{6}$")
UI_TIMEOUT_MS = 10_000
PUSH_PATH = "/api/v1/linkedin/push"


@dataclass(frozen=True)
class EdgeRequest:
    """A request the browser sent to PingCRM, as it left the browser."""

    method: str
    url: str
    headers: dict[str, str]
    body: str


@dataclass
class EdgeTraffic:
    """Every request the browser sent to the test's PingCRM."""

    requests: list[EdgeRequest] = field(default_factory=list)

    def pushed_messages(self, since: int = 0) -> list[tuple[str, str, str, bool, int]]:
        """(conversation urn, message urn, text, from_self, sent_at ms) of every push since `since`."""
        return [
            (conversation["urn"], m["urn"], m["text"], m["from_self"], epoch_ms(m["sent_at"]))
            for r in self.requests[since:]
            if r.method == "POST" and r.url.endswith(PUSH_PATH)
            for conversation in json.loads(r.body)["conversations"]
            for m in conversation["messages"]
        ]

    def assert_no_linkedin_session(self, *sessions: Any) -> None:
        """No request to PingCRM carried a LinkedIn cookie, its value, or a cookie header at all."""
        assert self.pushed_messages(), "pushes must have been captured for this check to mean anything"
        secrets = [value for session in sessions for value in (session.li_at, session.jsessionid)]
        for request in self.requests:
            sent = json.dumps(request.headers) + request.body
            assert not any(secret in sent for secret in secrets), f"LinkedIn session sent to {request.url}"
            assert "cookie" not in request.headers


async def watch_edge(context: Any, stack: Any) -> EdgeTraffic:
    """Record what the browser sends to the stack's edge; keep any PingCRM on the default port out."""
    traffic = EdgeTraffic()

    async def capture(route: Any, request: Any) -> None:
        headers = await request.all_headers()
        traffic.requests.append(EdgeRequest(request.method, request.url, headers, request.post_data or ""))
        await route.continue_()

    await context.route(f"{DEFAULT_API_URL}/**", lambda route: route.abort())
    await context.route(f"{stack.edge_url}/**", capture)
    return traffic


def epoch_ms(value: int | str) -> int:
    """A time of the push (epoch ms or RFC 3339, docs/linkedin-sync.md §2) or of the API (RFC 3339)."""
    return value if isinstance(value, int) else round(datetime.fromisoformat(value).timestamp() * 1000)


async def sign_up(api: httpx.AsyncClient) -> dict[str, str]:
    """A new PingCRM account; its web token's Authorization header."""
    assert (await api.post("/api/v1/auth/register", json={"email": EMAIL, "password": PASSWORD})).status_code == 201
    login = await api.post("/api/v1/auth/login", json={"email": EMAIL, "password": PASSWORD})
    assert login.status_code == 200
    return {"Authorization": f"Bearer {login.json()['access_token']}"}


async def pair_popup(browser: Any, stack: Any, api: httpx.AsyncClient, web: dict[str, str], crashes: list[str]) -> Any:
    """The popup, as a tab, pointed at the stack's edge and paired with the account (claimed over the API)."""
    from playwright.async_api import expect

    popup = await browser.context.new_page()
    popup.on("pageerror", lambda error: crashes.append(f"popup: {error}"))
    await popup.goto(browser.popup_url)
    await popup.get_by_label("PingCRM URL").fill(stack.edge_url)
    await popup.locator("#api-url-save").click()
    await expect(popup.locator("#pairing-code")).to_have_text(CODE, timeout=UI_TIMEOUT_MS)
    code = (await popup.locator("#pairing-code").text_content() or "").strip()
    assert (await api.post("/api/v1/extension/pair", json={"code": code}, headers=web)).status_code == 200
    # The paired view is in the page all along, hidden: wait for it to show the account.
    await expect(popup.locator("#account-email")).to_have_text(EMAIL, timeout=UI_TIMEOUT_MS)
    return popup


async def contacts_by_member(api: httpx.AsyncClient, web: dict[str, str]) -> dict[str, dict[str, Any]]:
    """Every contact of the account (all pages), by LinkedIn member id."""
    contacts: dict[str, dict[str, Any]] = {}
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 100, **({"cursor": cursor} if cursor else {})}
        response = await api.get("/api/v1/contacts", params=params, headers=web)
        assert response.status_code == 200, response.text
        page = response.json()
        contacts.update({contact["linkedin"]["member_id"]: contact for contact in page["items"]})
        cursor = page["next_cursor"]
        if cursor is None:
            return contacts


async def extension_storage(browser: Any) -> dict[str, Any]:
    """The sync's state in chrome.storage.local, for failure messages."""
    return await browser.service_worker.evaluate(
        "chrome.storage.local.get(['syncStatus', 'syncCursor', 'syncBackoff', 'syncLock', 'voyagerQueryIds'])"
    )


async def explained(browser: Any, expectation: Awaitable[None], fake_linkedin: Any = None) -> None:
    """Await a popup expectation; on failure, also say what the extension and the fake saw."""
    try:
        await expectation
    except AssertionError as error:
        storage = json.dumps(await extension_storage(browser))
        calls = [(c.endpoint, c.status, c.variables, c.error) for c in fake_linkedin.calls] if fake_linkedin else []
        raise AssertionError(f"{error}\nextension storage: {storage}\nvoyager calls: {calls}") from error


async def web_app_page(context: Any, stack: Any, web: dict[str, str], crashes: list[str]) -> Any:
    """A new page of the web app at Contacts, signed in with the API login's token put where the web app keeps
    its session (the sign-in form is test_pairing_browser's; another password hash only slows a test down)."""
    page = await context.new_page()
    page.on("pageerror", lambda error: crashes.append(f"web: {error}"))
    session = {"token": web["Authorization"].removeprefix("Bearer "), "expiresAt": 0, "email": EMAIL}
    stored = json.dumps(json.dumps(session))  # a JS string literal holding the JSON
    await page.add_init_script(f"sessionStorage.setItem('pingcrm.session', {stored})")
    await page.goto(f"{stack.edge_url}/#/contacts")
    return page


@dataclass
class PairedBrowser:
    """A paired popup in a browser signed in to the fake LinkedIn, with what it sent to PingCRM."""

    api: httpx.AsyncClient
    web: dict[str, str]
    popup: Any
    session: Any
    edge: EdgeTraffic
    crashes: list[str]


async def synced_from_the_feed(browser: Any, setup: PairedBrowser, fake_linkedin: Any, timeout_ms: int) -> Any:
    """A visit to LinkedIn's feed in a new tab (a visit syncs), once the popup says the sync is done; the tab,
    its crashes counted with the others."""
    from playwright.async_api import expect

    page = await browser.context.new_page()
    page.on("pageerror", lambda error: setup.crashes.append(f"linkedin: {error}"))
    await page.goto("https://www.linkedin.com/feed/")
    sync_state = setup.popup.locator("#sync-state")
    await explained(browser, expect(sync_state).to_have_text("Up to date.", timeout=timeout_ms), fake_linkedin)
    return page


@asynccontextmanager
async def paired_and_signed_in(browser: Any, stack: Any, fake_linkedin: Any) -> AsyncIterator[PairedBrowser]:
    """An account, the popup paired with it, the browser signed in to the fake LinkedIn. On leaving,
    checks that no request to PingCRM carried the LinkedIn session and that no page crashed."""
    edge = await watch_edge(browser.context, stack)
    crashes: list[str] = []
    async with stack.http() as api:
        web = await sign_up(api)
        popup = await pair_popup(browser, stack, api, web, crashes)
        session = await fake_linkedin.sign_in(browser.context)
        yield PairedBrowser(api, web, popup, session, edge, crashes)
    edge.assert_no_linkedin_session(session)
    assert crashes == []

"""Pairing the way a user does it, in a real headless Chromium.

The unpacked extension runs in Chromium against the real edge and services
(`stack`, both backends). The popup, opened as a tab for the first time,
finds nothing at the default address and asks only where PingCRM is (no
code, no "waiting" yet). The web app served by the edge registers an account
and shows its own address in Settings → Integrations → LinkedIn; the user
copies it into the popup, which then shows a code; the web app pairs with
it and both sides show Connected. Disconnecting in the web app revokes the
extension token, and the popup falls back to a fresh code the next time it
asks the backend.

Set PINGCRM_TEST_SCREENSHOTS=<dir> to keep screenshots of the popup (first run,
code, connected) and the settings page (address, connected).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

PINNED_EXTENSION_ID = "iphbonbehjlngbblihlgpdkcodehigec"  # from the manifest's `key`, see extension/README.md
DEFAULT_API_URL = "http://127.0.0.1:8000"
CODE = re.compile(r"^PING-[A-Z0-9]{6}$")
TIMEOUT_MS = 10_000  # the popup polls every 2 s; everything else is one round-trip
SCREENSHOTS = os.environ.get("PINGCRM_TEST_SCREENSHOTS")


async def test_pair_in_web_app_then_disconnect(extension_browser, stack) -> None:
    from playwright.async_api import expect

    browser = extension_browser
    context = browser.context
    assert browser.extension_id == PINNED_EXTENSION_ID

    # Whatever may run on this machine's default port must not take part.
    await context.route(f"{DEFAULT_API_URL}/**", lambda route: route.abort())
    crashes: list[str] = []

    # --- the popup's first run, as a tab: nothing answers at the default address. It asks
    # where PingCRM is, and shows nothing of the code step yet.
    popup = await context.new_page()
    popup.on("pageerror", lambda error: crashes.append(f"popup: {error}"))
    await popup.set_viewport_size({"width": 360, "height": 420})
    await popup.goto(browser.popup_url)
    await expect(popup.locator("#unpaired-view")).to_be_visible(timeout=TIMEOUT_MS)
    await expect(popup.locator("#error")).to_have_text(re.compile("^Cannot reach PingCRM"), timeout=TIMEOUT_MS)
    await expect(popup.get_by_label("PingCRM URL")).to_be_visible()
    await expect(popup.locator("#server-hint")).to_contain_text("Settings → Integrations → LinkedIn")
    for hidden in ("#code-step", "#pairing-code", "#waiting", "#server-checking"):
        await expect(popup.locator(hidden)).to_be_hidden()
    if SCREENSHOTS:
        await popup.screenshot(path=str(screenshot_dir() / f"popup-first-run-{stack_name(stack)}.png"))

    # --- the web app: create an account (which signs in), then Settings → Integrations → LinkedIn
    email, password = "ada@example.com", "correct horse battery"
    web = await context.new_page()
    web.on("pageerror", lambda error: crashes.append(f"web: {error}"))
    await web.goto(stack.edge_url)
    await expect(web).to_have_url(re.compile(r"#/signin$"))
    await web.get_by_role("link", name="Create an account").click()
    # The register form replaces the sign-in form on hashchange; fill only the new one.
    await expect(web.get_by_role("heading", name="Create your PingCRM account")).to_be_visible(timeout=TIMEOUT_MS)
    await web.get_by_label("Email").fill(email)
    await web.get_by_label("Password").fill(password)
    await web.get_by_role("button", name="Create account").click()
    await expect(web).to_have_url(re.compile(r"#/contacts$"), timeout=TIMEOUT_MS)
    # A new account has no contacts yet: the page says where they come from instead of inventing any.
    await expect(web.get_by_role("heading", name="No contacts yet")).to_be_visible()

    await web.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
    await expect(web).to_have_url(re.compile(r"#/settings/integrations/linkedin$"))
    status = web.locator("#linkedin-status")
    await expect(status).to_have_text("Not paired", timeout=TIMEOUT_MS)

    # --- it shows its own address, ready to copy; the user copies it into the popup
    address = web.get_by_label("This PingCRM’s address")
    await expect(address).to_have_value(stack.edge_url)
    await context.grant_permissions(["clipboard-read", "clipboard-write"], origin=stack.edge_url)
    await web.locator("#copy-address").click()
    await expect(web.locator("#pingcrm-address-note")).to_have_text("Copied.")
    copied = await web.evaluate("navigator.clipboard.readText()")
    assert copied == stack.edge_url
    if SCREENSHOTS:
        await web.screenshot(path=str(screenshot_dir() / f"settings-address-{stack_name(stack)}.png"), full_page=True)

    await popup.get_by_label("PingCRM URL").fill(copied)
    await popup.locator("#api-url-save").click()
    code_el = popup.locator("#pairing-code")
    await expect(code_el).to_have_text(CODE, timeout=TIMEOUT_MS)
    await expect(popup.locator("#error")).to_be_hidden()
    await expect(popup.locator("#server-step")).to_be_hidden()
    await expect(popup.locator("#code-api-url")).to_have_text(stack.edge_url)
    await expect(popup.locator("#waiting")).to_be_visible()
    code = (await code_el.text_content() or "").strip()
    if SCREENSHOTS:
        await popup.screenshot(path=str(screenshot_dir() / f"popup-code-{stack_name(stack)}.png"))

    await web.locator("#linkedin-connect").click()
    modal = web.locator("#pair-modal")
    await expect(modal).to_be_visible()
    await modal.get_by_label("Pairing code").fill(code)
    await web.locator("#pair-submit").click()
    await expect(modal).to_be_hidden(timeout=TIMEOUT_MS)
    await expect(status).to_have_text(re.compile(r"^Connected since "), timeout=TIMEOUT_MS)
    await expect(web.locator("#linkedin-disconnect")).to_be_visible()

    # --- the popup notices by itself (it polls) and shows the account
    await expect(popup.locator("#status")).to_be_visible(timeout=TIMEOUT_MS)
    await expect(popup.locator("#status")).to_contain_text("Connected")
    await expect(popup.locator("#account-email")).to_have_text(email, timeout=TIMEOUT_MS)
    await expect(popup.locator("#unpaired-view")).to_be_hidden()
    await expect(popup.locator("#error")).to_be_hidden()

    if SCREENSHOTS:
        await web.screenshot(path=str(screenshot_dir() / f"settings-connected-{stack_name(stack)}.png"), full_page=True)
        await popup.screenshot(path=str(screenshot_dir() / f"popup-connected-{stack_name(stack)}.png"))

    # --- disconnect in the web app
    await web.locator("#linkedin-disconnect").click()
    await expect(status).to_have_text("Not paired", timeout=TIMEOUT_MS)
    await expect(web.locator("#linkedin-connect")).to_be_visible()

    # --- the extension's next backend call finds its token revoked: reopening
    # the popup verifies against /extension/status and shows a fresh code.
    await popup.reload()
    await expect(popup.locator("#unpaired-view")).to_be_visible(timeout=TIMEOUT_MS)
    await expect(popup.locator("#paired-view")).to_be_hidden()
    await expect(code_el).to_have_text(CODE, timeout=TIMEOUT_MS)
    assert (await code_el.text_content() or "").strip() != code
    await expect(popup.get_by_label("PingCRM URL")).to_have_value(stack.edge_url)

    assert crashes == []


def screenshot_dir() -> Path:
    folder = Path(SCREENSHOTS or ".")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def stack_name(stack) -> str:
    """embedded or postgres, for screenshot names."""
    return "postgres" if stack.settings["auth"].database_url else "embedded"

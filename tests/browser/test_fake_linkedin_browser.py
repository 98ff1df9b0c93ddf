"""The fake LinkedIn as Chromium sees it: www.linkedin.com mapped to loopback,
the session redirect, and a composer that takes a synthetic paste the way
LinkedIn's rich editor does (the P/R suggestion buttons rely on that)."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

PASTE = """(text) => {
  const editor = document.querySelector('msg-composer').shadowRoot.querySelector('[contenteditable]');
  editor.focus();
  const clipboardData = new DataTransfer();
  clipboardData.setData('text/plain', text);
  editor.dispatchEvent(new ClipboardEvent('paste', { clipboardData, bubbles: true, cancelable: true, composed: true }));
}"""


async def test_linkedin_pages_and_composer(linkedin_browser, fake_linkedin) -> None:
    from playwright.async_api import expect

    page = await linkedin_browser.context.new_page()
    await page.goto("https://www.linkedin.com/feed/")
    await expect(page).to_have_url(re.compile(r"^https://www\.linkedin\.com/login\?session_redirect="))

    await fake_linkedin.sign_in(linkedin_browser.context)
    conversation = fake_linkedin.data.one_to_one()[0]
    await page.goto(f"https://www.linkedin.com/messaging/thread/{conversation.thread_id}/")
    await expect(page.get_by_role("heading", name=conversation.title)).to_be_visible()

    # Playwright's locators pierce open shadow roots, like the content script must.
    editor = page.get_by_role("textbox", name="Write a message…")
    send = page.get_by_role("button", name="Send")
    await expect(send).to_be_disabled()
    await page.evaluate(PASTE, "Great to see you!\nTalk soon")
    await expect(editor).to_have_text("Great to see you!Talk soon")  # the line break is a <br>
    assert await editor.evaluate("(node) => node.innerText") == "Great to see you!\nTalk soon"
    await expect(send).to_be_enabled()

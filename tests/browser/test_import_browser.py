"""Contacts → Import the way a user does it, in a real headless Chromium against the real edge and services.

The user opens the Import page from the contacts list, drops a file that is not an export (and reads why it
is refused), picks one a spreadsheet saved as UTF-16 "Unicode Text" (refused before it uploads), chooses
Connections.csv (the summary names the rows that were not imported, with their lines),
then a larger export over a slow connection: the progress bar shows the upload, then the import, and
finishes; the contacts list shows the imported people, filtered by source.

Set PINGCRM_TEST_SCREENSHOTS=<dir> to keep a screenshot of every state of the page.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, require_browser
from tests.support import screenshots

pytestmark = pytest.mark.browser
SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "linkedin_export"
TIMEOUT_MS = 15_000
LARGE_ROWS = 20_000
# What the page shows of the import's progress, read in one go (the summary replaces the bar at the end).
PROGRESS = """() => ({
  text: document.querySelector('#import-progress-label')?.textContent ?? null,
  value: document.querySelector('#import-progress')?.getAttribute('aria-valuenow') ?? null,
  done: document.querySelector('#import-summary') !== null,
})"""


@pytest.fixture
async def page() -> AsyncIterator[object]:
    """A plain Chromium tab (the web app needs no extension)."""
    require_browser()
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            context = await browser.new_context(viewport={"width": 1100, "height": 900})
            yield await context.new_page()
        finally:
            await browser.close()


def large_export(path: Path) -> Path:
    """A Connections.csv of LARGE_ROWS made-up people, as LinkedIn writes it."""
    lines = ["First Name,Last Name,URL,Email Address,Company,Position,Connected On"]
    lines += [
        f"Person,Number {i},https://www.linkedin.com/in/person-number-{i},,Company {i % 300},Engineer,05 Mar 2024"
        for i in range(LARGE_ROWS)
    ]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode())
    return path


async def shoot(page, name: str, stack) -> None:
    await screenshots.shoot(page, f"import-{name}", stack, "contacts")


async def test_import_connections_through_the_web_page(page, stack, tmp_path: Path) -> None:
    from playwright.async_api import expect

    crashes: list[str] = []
    page.on("pageerror", lambda error: crashes.append(str(error)))

    # --- an account, then Contacts → Import
    await page.goto(stack.edge_url)
    await page.get_by_role("link", name="Create an account").click()
    await expect(page.get_by_role("heading", name="Create your PingCRM account")).to_be_visible(timeout=TIMEOUT_MS)
    await page.get_by_label("Email").fill("sam@example.com")
    await page.get_by_label("Password").fill("correct horse battery")
    await page.get_by_role("button", name="Create account").click()
    await expect(page.get_by_role("heading", name="No contacts yet")).to_be_visible(timeout=TIMEOUT_MS)
    await shoot(page, "0-no-contacts", stack)
    await page.locator("#contacts-import").click()
    await expect(page).to_have_url(re.compile(r"#/contacts/import$"))
    await expect(page.get_by_role("heading", name="Import from LinkedIn")).to_be_visible()
    await shoot(page, "1-empty", stack)

    drop = page.locator("#import-drop")
    await drop.dispatch_event("dragenter")
    await expect(drop).to_have_class(re.compile(r"\bover\b"))
    await expect(drop).to_contain_text("Release to import this file")
    await shoot(page, "2-drag-over", stack)
    await drop.dispatch_event("dragleave")

    # --- a file that is not an export, dropped: refused with the reason, nothing imported
    statement = (SAMPLES / "not_an_export.csv").read_bytes()
    transfer = await page.evaluate_handle(
        """bytes => { const t = new DataTransfer();
                     t.items.add(new File([new Uint8Array(bytes)], 'statement.csv', {type: 'text/csv'}));
                     return t; }""",
        list(statement),
    )
    await drop.dispatch_event("drop", {"dataTransfer": transfer})
    await expect(page.locator("#import-error")).to_have_text(
        re.compile(r"^This is not a file of LinkedIn’s data export\."), timeout=TIMEOUT_MS
    )
    await shoot(page, "3-refused", stack)

    # --- Connections.csv saved again as a spreadsheet's "Unicode Text" (UTF-16): refused before it uploads
    (tmp_path / "unicode").mkdir()
    unicode_text = tmp_path / "unicode" / "Connections.csv"
    unicode_text.write_bytes((SAMPLES / "Connections.csv").read_bytes().decode("utf-8-sig").encode("utf-16"))
    uploads: list[str] = []
    page.on("request", lambda request: uploads.append(request.url) if request.method == "POST" else None)
    await page.locator("#import-file").set_input_files(str(unicode_text))
    await expect(page.locator("#import-error")).to_have_text(
        "This file was saved as Unicode text. Use the file from LinkedIn’s archive, or save it again as “CSV UTF-8”.",
        timeout=TIMEOUT_MS,
    )
    assert uploads == []
    await shoot(page, "3-refused-unicode-text", stack)

    # --- Connections.csv through the file picker: the summary with the rows not imported and their lines
    await page.locator("#import-file").set_input_files(str(SAMPLES / "Connections.csv"))
    summary = page.locator("#import-summary")
    await expect(summary).to_be_visible(timeout=TIMEOUT_MS)
    await expect(page.locator("#import-error")).to_be_hidden()
    await expect(page.locator("#import-counts")).to_have_text("7 contacts created · 0 updated · 4 skipped")
    errors = page.locator("#import-error-list li")
    await expect(errors).to_have_count(4)
    await expect(errors.nth(0)).to_have_text("Line 11LinkedIn hides this member: the row has no profile address")
    await expect(errors.nth(3)).to_contain_text("Line 14")
    await expect(page.locator("#import-recent li")).to_have_count(1)
    await shoot(page, "4-done", stack)

    # --- a larger export over a slow connection: the bar shows the upload, then the import, and finishes
    cdp = await page.context.new_cdp_session(page)
    await cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 20, "downloadThroughput": -1, "uploadThroughput": 256 * 1024},
    )
    await page.get_by_role("button", name="Import another file").click()
    await page.locator("#import-file").set_input_files(str(large_export(tmp_path / "Connections.csv")))
    label = page.locator("#import-progress-label")
    await expect(label).to_have_text(re.compile(r"^Uploading Connections\.csv… \d+ %$"), timeout=TIMEOUT_MS)
    await expect(page.locator("#import-drop")).to_have_attribute("aria-disabled", "true")
    await shoot(page, "5-uploading", stack)
    await cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
    )
    seen: list[int] = []  # the bar's values while it counted rows of the import
    bar = page.locator("#import-progress")
    for _ in range(1200):
        now = await page.evaluate(PROGRESS)
        if now["text"] and re.fullmatch(r"Importing connections… [\d,]+ of 20,000 rows", now["text"]):
            seen.append(int(now["value"]))
            if len(seen) == 1:
                await shoot(page, "6-importing", stack)
        if now["done"]:
            break
        await page.wait_for_timeout(25)
    await expect(summary).to_be_visible(timeout=60_000)
    assert seen and 0 < seen[0] < 100 and seen == sorted(seen), f"the import's progress was not shown rising: {seen}"
    await expect(page.locator("#import-counts")).to_have_text(
        f"{LARGE_ROWS:,} contacts created · 0 updated · 0 skipped", timeout=TIMEOUT_MS
    )
    await expect(bar).to_have_count(0)  # the summary replaced the bar once it reached its end
    await expect(page.locator("#import-recent li")).to_have_count(2)
    await shoot(page, "7-done-large", stack)

    # --- the contacts: imported people, filterable by source
    await page.locator("#import-show-contacts").click()
    await expect(page).to_have_url(re.compile(r"#/contacts\?source=connections_import$"))
    await expect(page.locator("#contacts-source")).to_have_value("connections_import")
    await expect(page.locator("#contacts-list li").first).to_be_visible(timeout=TIMEOUT_MS)
    await page.locator("#contacts-search").fill("Quintero")
    ada = page.locator("#contacts-list li", has_text="Ada Quintero")
    await expect(ada).to_be_visible(timeout=TIMEOUT_MS)
    await expect(ada).to_contain_text("Principal Engineer · Brandt, Lowe & Partners")
    await expect(ada).to_contain_text("Connected Mar 5, 2024")
    await expect(ada.locator(".badge")).to_have_text("Connection")
    await shoot(page, "8-contacts", stack)
    await page.locator("#contacts-search").fill("")
    await page.locator("#contacts-source").select_option("linkedin_dm")
    await expect(page.get_by_role("heading", name="No matching contacts")).to_be_visible(timeout=TIMEOUT_MS)
    await expect(page).to_have_url(re.compile(r"#/contacts\?source=linkedin_dm$"))

    # --- an import that fails: a messages.csv whose two people could each be its owner
    await page.locator("#contacts-import").click()
    one_conversation = tmp_path / "messages.csv"
    one_conversation.write_bytes(
        b"CONVERSATION ID,FROM,SENDER PROFILE URL,TO,RECIPIENT PROFILE URLS,DATE,CONTENT\r\n"
        b"2-b25seS10aHJlYWQ=,Lea Roth,https://www.linkedin.com/in/lea-roth,Max Roth,"
        b"https://www.linkedin.com/in/max-roth,2024-05-01 10:00:00 UTC,Hallo Max\r\n"
    )
    await page.locator("#import-file").set_input_files(str(one_conversation))
    await expect(summary).to_have_attribute("data-state", "failed", timeout=TIMEOUT_MS)
    await expect(summary.get_by_role("alert")).to_have_text(
        "Cannot tell which of the two people in every conversation is you; "
        "export your messages again with more than one conversation."
    )
    await expect(page.locator("#import-show-contacts")).to_have_count(0)  # nothing was imported
    await shoot(page, "9-failed", stack)
    assert crashes == []

"""The web app's Contacts list and a contact's own page, in a real headless Chromium against the real edge
and services: photos (initials without one), title and company, LinkedIn links, the count, the three
orders, search by company, title, headline and a pasted profile address, a row opening `#/contacts/<id>`
(with the keyboard too, and on reload), a long headline kept to two lines of its row, the message history
newest first with older pages, editing, the missing-contact, empty and service-down states; names as people
write them (ordered with accents and case aside, found without accents, greeted by a first name of two
words); a contact LinkedIn gives no name is "Unnamed contact" with "?" for initials on the list, its page and
its suggestion alike.

Contacts arrive through the push as the extension sends it (conversations, then profiles); one photo is
stored through media_service and named on its contact the way the backfill names it.

Set PINGCRM_TEST_SCREENSHOTS=<dir> to keep a screenshot of every state.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from contacts_service.models import Contact
from pingcrm_common.db import Database
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, require_browser
from tests.support import screenshots
from tests.support.avatars import store_avatar
from tests.support.fake_cdn import photo
from tests.support.suggestions_browser import wait_for_suggestions
from tests.support.tokens import web_token

pytestmark = pytest.mark.browser
TIMEOUT_MS = 15_000
SENT = 1_767_000_000_000  # 2025-12-29, before the frozen clock's now

# The rest of a headline as long as LinkedIn allows (220 characters): the list shows two lines of it.
CYD_MORE = (
    " · Principal dancer, choreographer and teacher of tap, jazz and ballet for stage and screen"
    " · Founder of a dance school · Speaker on movement, rhythm and the craft of rehearsal · Based in New York"
)
PEOPLE = [
    # member id, slug, first, last, headline, title, company, location, messages
    ("ACoAda", "ada-lovelace", "Ada", "Lovelace", "Analyst of engines", "COO", "Acme", "London", 30),
    ("ACoBob", "bob-stone", "Bob", "Stone", "Builds compilers", "Staff Engineer", "Initech", "Berlin", 2),
    ("ACoCyd", None, "Cyd", "Charisse 💃", "Dancer and choreographer" + CYD_MORE, "", "", "", 1),  # an emoji too
    ("ACoDee", "dee-dee", "Dee", "Ramone", "Bass at a band", "Partner", "Example Ventures", "New York", 3),
]


@pytest.fixture
async def page() -> AsyncIterator[Any]:
    require_browser()
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            context = await browser.new_context(viewport={"width": 1100, "height": 900})
            yield await context.new_page()
        finally:
            await browser.close()


async def shoot(page: Any, name: str, stack: Any) -> None:
    await screenshots.shoot(page, f"contacts-{name}", stack, "contacts")


def push_body() -> dict[str, Any]:
    conversations, profiles = [], []
    for rank, (member, slug, first, last, headline, title, company, location, count) in enumerate(PEOPLE):
        conversations.append(
            {
                "urn": f"urn:li:msg_conversation:(urn:li:fsd_profile:{member},2-{first})",
                "partner": {"member_id": member, "slug": slug, "first_name": first, "last_name": last},
                "messages": [
                    {
                        "urn": f"urn:li:msg_message:{first}-{j}",
                        "from_self": j % 2 == 1,
                        "text": f"{first} message {j}",
                        "sent_at": SENT + rank * 3_600_000 + j * 60_000,
                    }
                    for j in range(count)
                ],
            }
        )
        positions = [{"title": title, "company": company, "current": True}] if title else []
        profiles.append(
            {
                "member_id": member,
                "slug": slug,
                "first_name": first,
                "last_name": last,
                "headline": headline,
                "location": location,
                "positions": positions,
                "photo_urls": [],
            }
        )
    return {"conversations": conversations, "profiles": profiles}


async def seed(stack: Any, data_dir: Path, clock: Any, headers: dict[str, str]) -> None:
    async with stack.http() as client:
        answer = await client.post(
            "/api/v1/linkedin/push", json={"conversations": push_body()["conversations"]}, headers=headers
        )
        assert answer.status_code == 200, answer.text
        answer = await client.post("/api/v1/linkedin/push", json={"profiles": push_body()["profiles"]}, headers=headers)
        assert answer.status_code == 200, answer.text
    # Ada's photo, stored by media_service and named on her contact as the photo queue does.
    sha = await store_avatar(stack, data_dir, clock, "user-ada", photo(400, 400, seed=3))
    database = Database(stack.settings["contacts"].resolved_database_url, "contacts")
    try:
        async with database.session() as session:
            await session.exec(
                update(Contact)
                .where(Contact.linkedin_member_id == "ACoAda")
                .values(avatar_url=f"/api/v1/avatars/{sha}")
            )
    finally:
        await database.dispose()


async def push_profile(stack: Any, token: str, member_id: str, *, title: str, company: str) -> None:
    profile = next(p for p in push_body()["profiles"] if p["member_id"] == member_id)
    profile["positions"] = [{"title": title, "company": company, "current": True}]
    async with stack.http() as client:
        answer = await client.post(
            "/api/v1/linkedin/push", json={"profiles": [profile]}, headers={"Authorization": f"Bearer {token}"}
        )
        assert answer.status_code == 200, answer.text


async def contact_id(stack: Any, token: str, member_id: str) -> str:
    async with stack.http() as client:
        page = (await client.get("/api/v1/contacts", headers={"Authorization": f"Bearer {token}"})).json()
    return next(c["id"] for c in page["items"] if c["linkedin"]["member_id"] == member_id)


async def sign_in(page: Any, stack: Any, token: str) -> None:
    """The web app's session as the sign-in page leaves it (sessionStorage)."""
    await page.goto(f"{stack.edge_url}/healthz")
    session = json.dumps({"token": token, "expiresAt": 0, "email": "ada@example.com"})
    await page.evaluate("session => sessionStorage.setItem('pingcrm.session', session)", session)


def names(rows: list[str]) -> list[str]:
    return [row.split()[0] for row in rows]


async def test_contacts_list_and_contact_page(page: Any, stack: Any, data_dir: Path, clock: Any) -> None:
    from playwright.async_api import expect

    crashes: list[str] = []
    page.on("pageerror", lambda error: crashes.append(str(error)))
    token = web_token(data_dir, "user-ada", clock)
    await sign_in(page, stack, token)

    # --- empty
    await page.goto(f"{stack.edge_url}/#/contacts")
    await expect(page.locator("#contacts-empty")).to_be_visible(timeout=TIMEOUT_MS)
    await expect(page.locator("#contacts-count")).to_have_text("0 contacts")
    await shoot(page, "list-empty", stack)

    await seed(stack, data_dir, clock, {"Authorization": f"Bearer {token}"})
    await page.reload()
    rows = page.locator("#contacts-list li.contact")
    await expect(rows).to_have_count(4, timeout=TIMEOUT_MS)
    await expect(page.locator("#contacts-count")).to_have_text("4 contacts")
    # Newest activity first: Dee, Cyd, Bob, Ada.
    assert names(await page.locator("#contacts-list .contact-name").all_text_contents()) == ["Dee", "Cyd", "Bob", "Ada"]
    ada = rows.filter(has_text="Ada Lovelace")
    await expect(ada.locator(".avatar.has-photo")).to_have_count(1, timeout=TIMEOUT_MS)  # her photo shows
    photo_size = await ada.locator("img.avatar-img").evaluate("img => [img.naturalWidth, img.naturalHeight]")
    assert photo_size == [96, 96]  # the thumbnail
    cyd = rows.filter(has_text="Cyd Charisse")
    await expect(cyd.locator(".avatar-initials")).to_have_text("CC")  # not "C💃"
    await expect(cyd.locator(".avatar.has-photo")).to_have_count(0)
    await expect(cyd.locator(".contact-role")).to_have_text("Dancer and choreographer" + CYD_MORE)  # no title
    await expect(ada.locator(".contact-role")).to_have_text("COO · Acme")
    await expect(ada.get_by_role("link", name="Ada Lovelace on LinkedIn (opens in a new tab)")).to_have_attribute(
        "href", "https://www.linkedin.com/in/ada-lovelace/"
    )
    await shoot(page, "list", stack)

    # --- the orders
    await page.get_by_label("Sort by").select_option("name")
    await expect(page.locator("#contacts-list .contact-name").first).to_have_text("Ada Lovelace", timeout=TIMEOUT_MS)
    assert names(await page.locator("#contacts-list .contact-name").all_text_contents()) == ["Ada", "Bob", "Cyd", "Dee"]
    assert page.url.endswith("#/contacts?sort=name")
    await page.get_by_label("Sort by").select_option("quiet_longest")
    await expect(page.locator("#contacts-list .contact-name").first).to_have_text("Ada Lovelace", timeout=TIMEOUT_MS)
    assert names(await page.locator("#contacts-list .contact-name").all_text_contents()) == ["Ada", "Bob", "Cyd", "Dee"]
    await page.reload()  # the order is kept in the address
    await expect(page.get_by_label("Sort by")).to_have_value("quiet_longest", timeout=TIMEOUT_MS)

    # --- search covers company, title and headline, and a pasted LinkedIn profile address finds its contact
    search = page.get_by_role("searchbox", name="Search contacts")
    searches = (
        ("initech", "Bob Stone"),
        ("partner", "Dee Ramone"),
        ("choreo", "Cyd Charisse 💃"),
        ("https://www.linkedin.com/in/dee-dee/", "Dee Ramone"),
    )
    for text, found in searches:
        await search.fill(text)
        await expect(page.locator("#contacts-count")).to_have_text("1 contact", timeout=TIMEOUT_MS)
        await expect(page.locator("#contacts-list .contact-name")).to_have_text([found])
    await search.fill("nobody at all")
    await expect(page.locator("#contacts-no-match")).to_be_visible(timeout=TIMEOUT_MS)
    await expect(page.locator("#contacts-no-match")).to_contain_text("name, company, title, headline or email")
    await shoot(page, "list-no-match", stack)
    await search.fill("https://www.linkedin.com/in/somebody-else/")
    await expect(page.locator("#contacts-no-match")).to_contain_text(
        "None of your contacts has the LinkedIn address “https://www.linkedin.com/in/somebody-else/”",
        timeout=TIMEOUT_MS,
    )
    await shoot(page, "list-no-match-profile-link", stack)
    await search.fill("")
    await expect(rows).to_have_count(4, timeout=TIMEOUT_MS)

    # --- a row opens the contact; the page reloads as it was
    await rows.filter(has_text="Ada Lovelace").locator(".contact-role").click()
    await expect(page.get_by_role("heading", level=1, name="Ada Lovelace")).to_be_visible(timeout=TIMEOUT_MS)
    assert "#/contacts/" in page.url
    await page.reload()
    profile = page.locator("#contact-profile")
    await expect(profile.get_by_role("heading", level=1)).to_have_text("Ada Lovelace", timeout=TIMEOUT_MS)
    await expect(profile.locator("#contact-role")).to_have_text("COO at Acme")
    await expect(profile.locator("#contact-location")).to_have_text("London")
    await expect(profile.locator("#contact-headline")).to_have_text("Analyst of engines")
    await expect(profile.locator(".avatar.has-photo")).to_have_count(1, timeout=TIMEOUT_MS)
    big = await profile.locator("img.avatar-img").evaluate("img => img.naturalWidth")
    assert big == 400  # the standard size, not the thumbnail
    profile_link = profile.get_by_role("link", name="Ada Lovelace on LinkedIn (opens in a new tab)", exact=True)
    await expect(profile_link).to_be_visible()
    # The synced conversation opens in LinkedIn's messaging, where P and R draft the reply.
    message_link = profile.get_by_role("link", name="Message Ada Lovelace on LinkedIn (opens in a new tab)")
    await expect(message_link).to_have_attribute("href", "https://www.linkedin.com/messaging/thread/2-Ada/")
    await expect(message_link).to_have_text("Message on LinkedIn")
    messages = page.locator("#contact-messages li")
    await expect(messages.first).to_contain_text("Ada message 29")  # newest first
    await expect(messages).to_have_count(20)
    older = page.get_by_role("button", name="Older messages")
    await older.click()  # the history's paging (GET …?interactions_cursor=)
    await expect(messages).to_have_count(30, timeout=TIMEOUT_MS)
    await expect(messages.last).to_contain_text("Ada message 0")
    await expect(older).to_be_hidden()
    await shoot(page, "contact", stack)

    # --- editing: the fields change, are marked, and the next sync keeps them
    await page.get_by_role("button", name="Edit").click()
    await expect(page.get_by_label("Name")).to_be_focused()
    await page.get_by_label("Title").fill("Chief Operating Officer")
    await page.get_by_label("Note").fill("Met at the Analytical Society.\nAsk about the engine.")
    await shoot(page, "contact-editing", stack)
    await page.get_by_role("button", name="Save").click()
    await expect(profile.locator("#contact-title")).to_have_text("Chief Operating Officer", timeout=TIMEOUT_MS)
    await expect(profile.locator("#contact-role .badge-edited")).to_have_count(1)  # the title, not the company
    await expect(page.locator("#contact-note")).to_contain_text("Ask about the engine.")
    await expect(page.get_by_role("button", name="Edit")).to_be_focused()
    # LinkedIn shows Ada at another company now: the company follows, the edited title stays; a job change shows.
    await push_profile(stack, token, "ACoAda", title="Head of Engines", company="Babbage & Co")
    await page.reload()
    await expect(profile.locator("#contact-company")).to_have_text("Babbage & Co", timeout=TIMEOUT_MS)
    await expect(profile.locator("#contact-title")).to_have_text("Chief Operating Officer")
    await expect(page.locator("#contact-job-changes li")).to_have_count(1)
    await expect(page.locator("#contact-job-changes li")).to_contain_text("Babbage & Co")
    await shoot(page, "contact-edited", stack)
    # A bad edit is refused with the reason, nothing changes.
    await page.get_by_role("button", name="Edit").click()
    await page.get_by_label("Name").fill("   ")
    await page.get_by_role("button", name="Save").click()
    await expect(page.locator("#contact-edit .error")).to_have_text("A contact needs a name.")
    await page.get_by_role("button", name="Cancel").click()
    await expect(profile.get_by_role("heading", level=1)).to_have_text("Ada Lovelace")

    # --- keyboard: from the list, Tab to a contact's link and Enter opens it
    await page.get_by_role("link", name="← Contacts").click()
    await expect(rows).to_have_count(4, timeout=TIMEOUT_MS)
    await page.locator("#contacts-list .contact-name").first.focus()
    await page.keyboard.press("Enter")
    await expect(page.locator("#contact-profile h1")).to_have_text("Dee Ramone", timeout=TIMEOUT_MS)

    # --- a contact that is not there (merged away, or another user's)
    await page.goto(f"{stack.edge_url}/#/contacts/00000000-0000-0000-0000-000000000000")
    await expect(page.locator("#contact-missing")).to_be_visible(timeout=TIMEOUT_MS)
    await shoot(page, "contact-missing", stack)

    # --- contacts_service down: both pages say so and offer nothing invented
    ada_url = f"{stack.edge_url}/#/contacts/{await contact_id(stack, token, 'ACoAda')}"
    # A phone-sized window: the pages stack into one column.
    await page.set_viewport_size({"width": 390, "height": 844})
    await page.goto(f"{stack.edge_url}/#/contacts")
    await expect(rows).to_have_count(4, timeout=TIMEOUT_MS)
    # Cyd's long headline takes two lines of her row, no more (Bob's title and company take one).
    role_heights = [
        await rows.filter(has_text=name).locator(".contact-role").evaluate("p => [p.clientHeight, p.scrollHeight]")
        for name in ("Cyd Charisse", "Bob Stone")
    ]
    (cyd_shown, cyd_whole), (one_line, _) = role_heights
    assert cyd_shown <= 2 * one_line < cyd_whole, role_heights
    await shoot(page, "list-narrow", stack)
    await page.goto(ada_url)
    await expect(profile.locator(".avatar.has-photo")).to_have_count(1, timeout=TIMEOUT_MS)
    await shoot(page, "contact-narrow", stack)
    await page.set_viewport_size({"width": 1100, "height": 900})

    await stack.stop_service("contacts")
    await page.goto(f"{stack.edge_url}/#/contacts")
    await expect(page.get_by_role("alert")).to_have_text(
        "A PingCRM service is unavailable right now. Try again in a moment.", timeout=TIMEOUT_MS
    )
    await expect(page.locator("#contacts-count")).to_have_text("")
    await shoot(page, "list-unavailable", stack)
    await page.goto(ada_url)
    await expect(page.locator("#contact-error [role=alert]")).to_contain_text("unavailable", timeout=TIMEOUT_MS)
    await expect(page.get_by_role("button", name="Try again")).to_be_visible()
    await shoot(page, "contact-unavailable", stack)
    assert crashes == []


def many_conversations(count: int) -> list[dict[str, Any]]:
    """`count` partners with one message each, the newest last."""
    return [
        {
            "urn": f"urn:li:msg_conversation:(me,many-{n})",
            "partner": {"member_id": f"ACoMany{n:04d}", "first_name": "Person", "last_name": f"{n:03d}"},
            "messages": [
                {"urn": f"urn:li:msg_message:many-{n}", "from_self": False, "text": "Hello", "sent_at": SENT + n}
            ],
        }
        for n in range(count)
    ]


async def test_load_more_reads_the_next_page_and_says_when_it_cannot(
    page: Any, stack: Any, data_dir: Path, clock: Any
) -> None:
    """105 contacts: 50 shown, then 100 after "Load more", the focus on the first new row; with contacts_service
    down the next page's error shows above the button, which stays (focused) for another try, and the rows
    already read stay."""
    from playwright.async_api import expect

    crashes: list[str] = []
    page.on("pageerror", lambda error: crashes.append(str(error)))
    token = web_token(data_dir, "user-many", clock)
    conversations = many_conversations(105)
    async with stack.http() as client:
        for start in (0, 100):  # a push carries at most 100 conversations
            answer = await client.post(
                "/api/v1/linkedin/push",
                json={"conversations": conversations[start : start + 100]},
                headers={"Authorization": f"Bearer {token}"},
            )
            assert answer.status_code == 200, answer.text
    await sign_in(page, stack, token)
    await page.goto(f"{stack.edge_url}/#/contacts")

    rows = page.locator("#contacts-list li.contact")
    more = page.get_by_role("button", name="Load more")
    await expect(rows).to_have_count(50, timeout=TIMEOUT_MS)
    await expect(page.locator("#contacts-count")).to_have_text("105 contacts")
    await more.click()
    await expect(rows).to_have_count(100, timeout=TIMEOUT_MS)
    shown = await page.locator("#contacts-list .contact-name").all_text_contents()
    assert shown == [f"Person {n:03d}" for n in range(104, 4, -1)]  # newest first, none twice, none skipped
    await expect(more).to_be_enabled()
    await expect(rows.nth(50).locator(".contact-name")).to_be_focused()  # reading on from the first new row

    await stack.stop_service("contacts")
    await more.click()
    error = page.locator("#contacts-body .load-more [role=alert]")
    await expect(error).to_have_text(
        "A PingCRM service is unavailable right now. Try again in a moment.", timeout=TIMEOUT_MS
    )
    await expect(more).to_be_enabled()
    await expect(more).to_have_text("Load more")
    await expect(more).to_be_focused()  # ready for another try
    await expect(rows).to_have_count(100)
    await error.scroll_into_view_if_needed()
    await shoot(page, "load-more-unavailable", stack)
    assert crashes == []


async def test_a_contact_without_a_name_is_unnamed_with_a_question_mark_on_every_page(
    page: Any, stack: Any, data_dir: Path, clock: Any
) -> None:
    """LinkedIn gives no name for some members (an account closed since): the contact is "Unnamed contact",
    its initials "?", on the list, on its page and on the suggestion drafted for its unanswered message."""
    from playwright.async_api import expect

    crashes: list[str] = []
    page.on("pageerror", lambda error: crashes.append(str(error)))
    token = web_token(data_dir, "user-unnamed", clock)
    headers = {"Authorization": f"Bearer {token}"}
    five_days_ago = int((clock.now() - timedelta(days=5)).timestamp() * 1000)
    partner = {"member_id": "ACoGone", "slug": None, "first_name": "", "last_name": ""}
    message = {
        "urn": "urn:li:msg_message:gone-1",
        "from_self": False,
        "text": "Still hiring?",
        "sent_at": five_days_ago,
    }
    conversation = {"urn": "urn:li:msg_conversation:(me,gone)", "partner": partner, "messages": [message]}
    async with stack.http() as client:
        answer = await client.post("/api/v1/linkedin/push", json={"conversations": [conversation]}, headers=headers)
        assert answer.status_code == 200, answer.text
        # suggestions_service drafts for the unanswered message once the activity feed has brought it.
        drafted = await wait_for_suggestions(client, headers, 1)
        assert drafted["pending_count"] == 1, drafted
    await sign_in(page, stack, token)

    await page.goto(f"{stack.edge_url}/#/contacts")
    row = page.locator("#contacts-list li.contact")
    await expect(row.locator(".contact-name")).to_have_text("Unnamed contact", timeout=TIMEOUT_MS)
    await expect(row.locator(".avatar-initials")).to_have_text("?")
    await row.locator(".contact-name").click()
    await expect(page.get_by_role("heading", level=1, name="Unnamed contact")).to_be_visible(timeout=TIMEOUT_MS)
    await expect(page.locator("#contact-profile .avatar-initials")).to_have_text("?")
    # Its conversation's URN carries no thread id: no messaging address to offer, the profile link stays.
    await expect(page.locator("#contact-message-link")).to_have_count(0)
    await expect(page.get_by_role("link", name="This contact on LinkedIn (opens in a new tab)")).to_be_visible()

    await page.goto(f"{stack.edge_url}/#/suggestions")
    card = page.locator("#suggestions-list > li")
    await expect(card.locator("h2")).to_have_text("Unnamed contact", timeout=TIMEOUT_MS)
    await expect(card.locator(".avatar-initials")).to_have_text("?")  # not "UC", the initials of the words
    await shoot(page, "suggestion-unnamed", stack)
    assert crashes == []


async def test_names_are_ordered_searched_and_greeted_as_people_write_them(
    page: Any, stack: Any, data_dir: Path, clock: Any
) -> None:
    """Names from everywhere: the "Name" order files Émile under E and a name typed in lower case among the
    others, "jose" finds José, and the draft for María José greets her by both her first names."""
    from playwright.async_api import expect

    crashes: list[str] = []
    page.on("pageerror", lambda error: crashes.append(str(error)))
    token = web_token(data_dir, "user-names", clock)
    headers = {"Authorization": f"Bearer {token}"}
    five_days_ago = int((clock.now() - timedelta(days=5)).timestamp() * 1000)
    people = [("Zoe", "Adams"), ("émile", "zola"), ("María José", "García"), ("🚀 Hal", "Jordan"), ("Łukasz", "Nowak")]
    conversations = [
        {
            "urn": f"urn:li:msg_conversation:(me,{i})",
            "partner": {"member_id": f"ACoName{i}", "slug": None, "first_name": first, "last_name": last},
            # Only María José's message waits for an answer: hers is the one suggestion.
            "messages": [
                {
                    "urn": f"urn:li:msg_message:{i}",
                    "from_self": first != "María José",
                    "text": "¿Hablamos?",
                    "sent_at": five_days_ago,
                }
            ],
        }
        for i, (first, last) in enumerate(people)
    ]
    async with stack.http() as client:
        answer = await client.post("/api/v1/linkedin/push", json={"conversations": conversations}, headers=headers)
        assert answer.status_code == 200, answer.text
        await wait_for_suggestions(client, headers, 1)
    await sign_in(page, stack, token)

    await page.goto(f"{stack.edge_url}/#/contacts?sort=name")
    shown = page.locator("#contacts-list .contact-name")
    await expect(shown).to_have_count(5, timeout=TIMEOUT_MS)
    assert await shown.all_text_contents() == [
        "émile zola", "🚀 Hal Jordan", "Łukasz Nowak", "María José García", "Zoe Adams"
    ]  # fmt: skip
    await shoot(page, "list-by-name", stack)

    await page.get_by_role("searchbox", name="Search contacts").fill("jose")
    await expect(shown).to_have_text(["María José García"], timeout=TIMEOUT_MS)
    await shoot(page, "list-search-without-accents", stack)

    await page.goto(f"{stack.edge_url}/#/suggestions")
    card = page.locator("#suggestions-list > li")
    await expect(card.locator("h2")).to_have_text("María José García", timeout=TIMEOUT_MS)
    await expect(card.locator(".suggestion-draft")).to_contain_text("María José")  # "Hola María José, …"
    await shoot(page, "suggestion-compound-first-name", stack)
    assert crashes == []

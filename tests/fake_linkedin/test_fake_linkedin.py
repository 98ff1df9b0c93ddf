"""The fake LinkedIn behaves like the parts of LinkedIn the extension relies on
(docs/linkedin-sync.md §1), so a green browser test means something.

Requests are built the way the extension builds them: Rest.li `variables`
with literal punctuation and `encodeURIComponent`-encoded URNs.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlparse

import httpx
import pytest

from tests.support.fake_cdn import FakeCdn
from tests.support.fake_linkedin import Failure, FakeLinkedIn, LinkedInData, generate
from tests.support.fake_linkedin.bundles import SHIPPED_QUERY_IDS
from tests.support.fake_linkedin.voyager import PROFILE_DECORATION, BadRequest, parse_variables

GRAPHQL = "/voyager/api/voyagerMessagingGraphQL/graphql"
REPO = Path(__file__).resolve().parents[2]
QUERY_ID = re.compile(r"\b(messengerConversations|messengerMessages)\.([0-9a-f]{32})\b")
SCRIPT_SRC = re.compile(r'<script src="([^"]+)"')


def encode_uri_component(value: str) -> str:
    """JavaScript's encodeURIComponent: leaves A-Z a-z 0-9 - _ . ! ~ * ' ( ) alone."""
    return quote(value, safe="-_.!~*'()")


def conversations_url(mailbox: str, before: int | None = None, query_id: str | None = None) -> str:
    variables = f"mailboxUrn:{encode_uri_component(mailbox)}"
    if before is not None:
        variables += f",lastUpdatedBefore:{before}"
    return f"{GRAPHQL}?queryId={query_id or SHIPPED_QUERY_IDS['conversations']}&variables=({variables})"


def messages_url(conversation: str, before: int | None = None, query_id: str | None = None) -> str:
    variables = f"conversationUrn:{encode_uri_component(conversation)}"
    if before is not None:
        variables += f",deliveredAt:{before},countBefore:20,countAfter:0"
    return f"{GRAPHQL}?queryId={query_id or SHIPPED_QUERY_IDS['messages']}&variables=({variables})"


def elements(answer: dict[str, Any]) -> list[dict[str, Any]]:
    """The contract's parse rule: the one object under `data` that has an `elements` array."""
    found = [value["elements"] for value in answer["data"].values() if isinstance(value, dict) and "elements" in value]
    assert len(found) == 1
    return found[0]


def text(value: str | dict[str, str]) -> str:
    """A name is a string or {text} (contract)."""
    return value if isinstance(value, str) else value["text"]


@pytest.fixture
def data() -> LinkedInData:
    # 26 conversations: two pages of 20; one thread longer than two pages of messages.
    return generate(seed=5, one_to_one=23, aco_only=3, group_chats=3, long_threads=1)


@pytest.fixture
async def linkedin(data: LinkedInData):
    async with FakeLinkedIn(data) as fake:
        yield fake


@pytest.fixture
async def client(linkedin: FakeLinkedIn):
    session = linkedin.new_session()
    async with httpx.AsyncClient(base_url=linkedin.base_url, verify=False, headers=session.headers) as http:
        yield http


def test_seeded_account_has_every_case_the_sync_must_handle(data: LinkedInData) -> None:
    again = generate(seed=5, one_to_one=23, aco_only=3, group_chats=3, long_threads=1)
    assert [m.urn for c in again.conversations for m in c.messages] == [
        m.urn for c in data.conversations for m in c.messages
    ]
    activity = [c.last_activity_at for c in data.newest_first()]
    assert len(set(activity)) == len(activity)
    assert all(at < data.now_ms for at in activity)

    one_to_one = data.one_to_one()
    assert len(one_to_one) == 23 and len(data.group_chats()) == 3
    assert all(len(c.others) >= 2 and c.group_chat for c in data.group_chats())
    aco_only = [c.partner for c in one_to_one if c.partner.slug is None]
    assert len(aco_only) == 3
    assert all(p.profile_url == f"https://www.linkedin.com/in/{p.member_id}" for p in aco_only)
    assert all(p.member_id.startswith("ACoAA") for p in (c.partner for c in one_to_one))
    assert {c.embeds_latest_message for c in data.conversations} == {True, False}
    assert {c.group_flag_present for c in one_to_one} == {True, False}
    assert max(len(c.messages) for c in one_to_one) > 40
    directions = {(m.sender == data.me) for c in one_to_one for m in c.messages}
    assert directions == {True, False}
    # LinkedIn's URNs nest a URN in parentheses: a client that does not encode them breaks here.
    assert all(c.urn.startswith(f"urn:li:msg_conversation:({data.me.urn},2-") for c in data.conversations)


async def test_conversation_pages_are_strictly_older_than_the_anchor(
    linkedin: FakeLinkedIn, client: httpx.AsyncClient
) -> None:
    data = linkedin.data
    me = (await client.get("/voyager/api/me")).json()
    profile = me["included"][0]
    assert profile["entityUrn"] == f"urn:li:fs_miniProfile:{data.me.member_id}"

    first = (await client.get(conversations_url(data.me.urn))).json()
    page1 = elements(first)
    assert [c["entityUrn"] for c in page1] == [c.urn for c in data.newest_first()[:20]]
    # Anchoring at the last element of a page must not return it again.
    page2 = elements((await client.get(conversations_url(data.me.urn, page1[-1]["lastActivityAt"]))).json())
    assert [c["entityUrn"] for c in page2] == [c.urn for c in data.newest_first()[20:]]
    assert elements((await client.get(conversations_url(data.me.urn, page2[-1]["lastActivityAt"]))).json()) == []

    one_to_one = next(c for c in page1 if not c.get("groupChat") and len(c["conversationParticipants"]) == 2)
    partner = next(p for p in one_to_one["conversationParticipants"] if p["hostIdentityUrn"] != data.me.urn)
    member = partner["participantType"]["member"]
    expected = data.conversation(one_to_one["entityUrn"]).partner
    assert (member["profileUrl"], text(member["firstName"]), text(member["lastName"])) == (
        expected.profile_url,
        expected.first_name,
        expected.last_name,
    )
    anchor = str(page2[-1]["lastActivityAt"])
    assert linkedin.calls[-1].variables == {"mailboxUrn": data.me.urn, "lastUpdatedBefore": anchor}


async def test_message_pages_walk_back_without_overlap(linkedin: FakeLinkedIn, client: httpx.AsyncClient) -> None:
    thread = max(linkedin.data.conversations, key=lambda c: len(c.messages))
    seen: list[str] = []
    before = None
    while True:
        page = elements((await client.get(messages_url(thread.urn, before))).json())
        if not page:
            break
        assert len(page) <= 20
        assert all(m["sender"]["hostIdentityUrn"] and m["body"]["text"] for m in page)
        seen = [m["entityUrn"] for m in page] + seen
        before = min(m["deliveredAt"] for m in page)
    assert seen == [m.urn for m in thread.messages]
    assert linkedin.calls[-1].variables["deliveredAt"] == str(thread.messages[0].delivered_at)


async def test_session_cookie_and_csrf_header_are_checked_like_linkedin(linkedin: FakeLinkedIn) -> None:
    session = linkedin.new_session()
    url = conversations_url(linkedin.data.me.urn)
    async with httpx.AsyncClient(base_url=linkedin.base_url, verify=False) as http:
        assert (await http.get(url)).status_code == 401
        unknown = {**session.headers, "cookie": f'li_at=AQEDARnope; JSESSIONID="{session.jsessionid}"'}
        assert (await http.get(url, headers=unknown)).status_code == 401
        no_jsessionid = {**session.headers, "cookie": f"li_at={session.li_at}"}
        refused = await http.get(url, headers=no_jsessionid)
        assert (refused.status_code, refused.text) == (403, "CSRF check failed.")
        quoted = {**session.headers, "csrf-token": f'"{session.jsessionid}"'}
        assert (await http.get(url, headers=quoted)).status_code == 403
        assert (await http.get(url, headers=session.headers)).status_code == 200

        linkedin.end_sessions()
        assert (await http.get(url, headers=session.headers)).status_code == 401
        assert (await http.get("/feed/", headers=session.headers)).headers["location"].startswith("/login")

    assert [(c.session_ok, c.csrf_ok, c.status) for c in linkedin.calls] == [
        (False, False, 401),
        (False, True, 401),
        (True, False, 403),
        (True, False, 403),
        (True, True, 200),
        (False, True, 401),
    ]


async def test_injected_failures_answer_the_next_calls_then_linkedin_recovers(
    linkedin: FakeLinkedIn, client: httpx.AsyncClient
) -> None:
    url = conversations_url(linkedin.data.me.urn)
    linkedin.fail_next(Failure.RATE_LIMITED, retry_after=120)
    linkedin.fail_next(Failure.BLOCKED)
    linkedin.fail_next(Failure.CHALLENGE_PAGE)
    linkedin.fail_next(Failure.CHECKPOINT)
    linkedin.fail_next(Failure.UNAUTHORIZED)
    linkedin.fail_next(Failure.QUERY_ROTATED, endpoint="conversations")

    limited = await client.get(url)
    assert (limited.status_code, limited.headers["retry-after"]) == (429, "120")
    assert (await client.get(url)).status_code == 999
    challenge = await client.get(url)
    assert (challenge.status_code, challenge.headers["content-type"].split(";")[0]) == (200, "text/html")
    checkpoint = await client.get(url)
    assert (checkpoint.status_code, checkpoint.headers["location"]) == (302, "/checkpoint/challenge/AgFakeChallenge")
    assert (await client.get(url)).status_code == 401
    # A rotated query id only breaks GraphQL: /me still answers.
    assert (await client.get("/voyager/api/me")).status_code == 200
    assert (await client.get(url)).status_code == 400
    assert (await client.get(url)).status_code == 200
    assert [c.status for c in linkedin.calls] == [429, 999, 200, 302, 401, 200, 400, 200]


async def test_a_new_message_moves_its_conversation_to_the_top(
    linkedin: FakeLinkedIn, client: httpx.AsyncClient
) -> None:
    data = linkedin.data
    watermark = data.newest_first()[0].last_activity_at
    older = data.one_to_one()[5]
    message = linkedin.add_message(older.urn, "Are we still on for Friday?")

    page = elements((await client.get(conversations_url(data.me.urn))).json())
    assert page[0]["entityUrn"] == older.urn
    assert page[0]["lastActivityAt"] == message.delivered_at > watermark
    # A client that stops at its watermark sees exactly this conversation as new.
    assert [c["entityUrn"] for c in page if c["lastActivityAt"] > watermark] == [older.urn]
    newest = elements((await client.get(messages_url(older.urn))).json())
    assert (newest[-1]["entityUrn"], newest[-1]["body"]["text"]) == (message.urn, "Are we still on for Friday?")
    assert newest[-1]["sender"]["hostIdentityUrn"] == older.partner.urn


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("%28mailboxUrn%3Aurn%253Ali%29", "literal parentheses"),  # URLSearchParams encoded the whole record
        ("(mailboxUrn:urn:li:fsd_profile:ACoAA1)", "not percent-encoded"),
        ("(conversationUrn:urn%3Ali%3Amsg_conversation%3A(urn%3Ali%3Afsd_profile%3AA%2C2-x%3D)", "unbalanced"),
    ],
)
def test_variables_that_linkedin_would_not_read_are_refused(raw: str, problem: str) -> None:
    with pytest.raises(BadRequest, match=problem):
        parse_variables(raw)


def test_variables_accept_encode_uri_component_output() -> None:
    urn = "urn:li:msg_conversation:(urn:li:fsd_profile:ACoAA1,2-MTIz==)"
    raw = f"(conversationUrn:{encode_uri_component(urn)},deliveredAt:1767225600000,countBefore:20,countAfter:0)"
    assert parse_variables(raw) == {
        "conversationUrn": urn,
        "deliveredAt": "1767225600000",
        "countBefore": "20",
        "countAfter": "0",
    }


def test_the_fake_starts_with_the_ids_the_extension_ships() -> None:
    source = (REPO / "extension/background/linkedin/query-ids.js").read_text()
    shipped = source[source.index("KNOWN_QUERY_IDS") :].split("});")[0]
    assert {f"{name}.{digest}" for name, digest in QUERY_ID.findall(shipped)} == set(SHIPPED_QUERY_IDS.values())


async def _query_ids_in_web_app(http: httpx.AsyncClient) -> set[str]:
    """What a client finds in the messaging page and the bundles it references."""
    page = await http.get("/messaging/")
    assert page.status_code == 200
    found: set[str] = set()
    for src in SCRIPT_SRC.findall(page.text):
        url = urlparse(src)
        assert (url.scheme, url.hostname) == ("https", "static.licdn.com")
        bundle = await http.get(url.path)
        assert (bundle.status_code, bundle.headers["content-type"].split(";")[0]) == (200, "text/javascript")
        found |= {f"{name}.{digest}" for name, digest in QUERY_ID.findall(bundle.text)}
    return found


async def test_rotated_query_ids_answer_400_and_the_bundles_name_the_new_ones(
    linkedin: FakeLinkedIn, client: httpx.AsyncClient
) -> None:
    me = linkedin.data.me.urn
    assert await _query_ids_in_web_app(client) == set()  # before a rotation no bundle needs to name them
    fresh = linkedin.rotate_query_ids()
    assert set(fresh.values()).isdisjoint(SHIPPED_QUERY_IDS.values())
    old = await client.get(conversations_url(me))
    assert old.status_code == 400 and "persisted query not found" in old.text
    assert (await client.get(conversations_url(me, query_id=fresh["conversations"]))).status_code == 200
    thread = linkedin.data.conversations[0]
    assert (await client.get(messages_url(thread.urn))).status_code == 400
    assert (await client.get(messages_url(thread.urn, query_id=fresh["messages"]))).status_code == 200
    assert await _query_ids_in_web_app(client) == set(fresh.values())


async def test_unfindable_query_ids_leave_the_bundles_without_any(
    linkedin: FakeLinkedIn, client: httpx.AsyncClient
) -> None:
    linkedin.rotate_query_ids(in_bundles=False)
    assert (await client.get(conversations_url(linkedin.data.me.urn))).status_code == 400
    assert await _query_ids_in_web_app(client) == set()
    assert len(linkedin.bundle_reads) == 2


async def test_refused_worker_requests_get_403_while_the_pages_own_requests_work(
    linkedin: FakeLinkedIn, client: httpx.AsyncClient
) -> None:
    linkedin.refuse_worker_requests = True
    url = conversations_url(linkedin.data.me.urn)
    assert (await client.get(url, headers={"sec-fetch-site": "none"})).status_code == 403
    assert (await client.get(url)).status_code == 403  # no Sec-Fetch-Site at all
    assert (await client.get(url, headers={"sec-fetch-site": "same-origin"})).status_code == 200
    assert [c.from_page for c in linkedin.calls] == [False, False, True]
    # Pages still load: it is the worker's API requests that LinkedIn refuses.
    assert (await client.get("/messaging/")).status_code == 200


async def test_profiles_have_a_message_button_and_unknown_ones_are_not_found(
    linkedin: FakeLinkedIn, client: httpx.AsyncClient
) -> None:
    [with_slug, aco_only] = [
        next(c.partner for c in linkedin.data.one_to_one() if (c.partner.slug is None) is aco_only)
        for aco_only in (False, True)
    ]
    for member in (with_slug, aco_only):
        page = await client.get(f"/in/{member.public_identifier}/")
        assert page.status_code == 200
        assert f"<h1>{member.name}</h1>" in page.text
        assert f'data-profile="/in/{member.public_identifier}/"' in page.text and ">Message</button>" in page.text
    assert (await client.get("/in/nobody-here/")).status_code == 404
    async with httpx.AsyncClient(base_url=linkedin.base_url, verify=False) as signed_out:
        assert (await signed_out.get(f"/in/{with_slug.slug}/")).status_code == 302


def test_a_mailbox_of_1200_and_a_300_message_thread() -> None:
    data = generate(seed=3, one_to_one=1_195, aco_only=0, group_chats=5, long_threads=1, long_thread_length=300)
    assert len(data.conversations) == 1_200
    assert sorted(len(c.messages) for c in data.one_to_one())[-1] == 300
    activity = [c.last_activity_at for c in data.newest_first()]
    assert len(set(activity)) == 1_200 and all(at < data.now_ms for at in activity)


def profile_url(identity: str, decoration: str = PROFILE_DECORATION) -> str:
    return (
        f"/voyager/api/identity/dash/profiles?q=memberIdentity&memberIdentity={encode_uri_component(identity)}"
        f"&decorationId={decoration}"
    )


async def test_profiles_are_served_by_slug_or_member_id_in_the_dash_shape_with_photos_on_the_cdn(
    linkedin: FakeLinkedIn, client: httpx.AsyncClient
) -> None:
    async with FakeCdn() as cdn:
        linkedin.serve_photos(cdn)
        partner = next(
            c.partner
            for c in linkedin.data.one_to_one()
            if c.partner.slug and linkedin.data.profiles[c.partner.member_id].has_photo
        )
        details = linkedin.data.profiles[partner.member_id]
        by_slug = (await client.get(profile_url(partner.slug or ""))).json()
        by_id = (await client.get(profile_url(partner.member_id))).json()
        assert by_slug == by_id
        assert linkedin.calls[-1].endpoint == "profile"
        assert by_slug["data"]["*elements"] == [partner.urn]
        entity, *positions = by_slug["included"]
        assert (entity["entityUrn"], entity["publicIdentifier"]) == (partner.urn, partner.slug)
        assert text(entity["firstName"]) == partner.first_name
        assert [(p["companyName"], "end" in p["dateRange"]) for p in positions] == [
            (p.company, p.end is not None) for p in details.positions
        ]
        vector = entity["profilePicture"]["displayImageReference"]["vectorImage"]
        assert [a["width"] for a in vector["artifacts"]] == [100, 200, 400, 800]  # smallest first, as LinkedIn
        largest = vector["rootUrl"] + vector["artifacts"][-1]["fileIdentifyingUrlPathSegment"]
        assert urlparse(largest).hostname == "media.licdn.com"
        # The photo is on the fake CDN (reached here by its loopback address), a real JPEG of that size.
        async with httpx.AsyncClient(verify=False) as http:
            answer = await http.get(f"https://127.0.0.1:{cdn.port}{urlparse(largest).path}")
        assert (answer.status_code, answer.headers["content-type"]) == (200, "image/jpeg")
        assert answer.content[:2] == b"\xff\xd8"

        linkedin.data.profiles[partner.member_id].gone = True
        assert (await client.get(profile_url(partner.member_id))).status_code == 404
        assert (await client.get(profile_url("nobody-here"))).status_code == 404
        assert (await client.get(profile_url(partner.member_id, decoration="other-7"))).status_code == 400

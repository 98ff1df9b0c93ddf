"""POST /api/v1/linkedin/push over HTTP against the real edge and services, on
both backends: the JSON contract of docs/linkedin-sync.md §2, its limits,
per-item rejections, tokens, and concurrent identical pushes."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from edge.app import create_app
from edge.deps import get_contacts_stub
from edge.settings import EdgeSettings
from tests.edge.test_pairing_http import pair, sign_in
from tests.support.tokens import web_token

PUSH = "/api/v1/linkedin/push"
MB5 = 5 * 1024 * 1024
SENT = 1_749_990_000_000  # 2025-06-15T12:20:00Z in epoch milliseconds


def msg(urn: str, sent_at: object = SENT, text: str = "hello", from_self: bool = False) -> dict[str, Any]:
    return {"urn": urn, "from_self": from_self, "text": text, "sent_at": sent_at}


def conv(member_id: str | None = None, slug: str | None = None, messages=(), **partner: str) -> dict[str, Any]:
    return {
        "urn": f"urn:li:msg_conversation:{member_id or slug}",
        "partner": {"member_id": member_id, "slug": slug, **partner},
        "messages": list(messages),
    }


async def contacts_of(client: httpx.AsyncClient, headers: dict[str, str]) -> list[dict[str, Any]]:
    response = await client.get("/api/v1/contacts", params={"limit": 100}, headers=headers)
    assert response.status_code == 200
    assert response.json()["next_cursor"] is None
    return response.json()["items"]


async def test_the_paired_extension_pushes_and_the_user_sees_the_sync(stack, clock) -> None:
    async with stack.http() as client:
        web = await sign_in(client)
        extension = {"Authorization": f"Bearer {await pair(client, web, clock)}"}
        body = {
            "conversations": [
                conv(
                    "ACoAAJane",
                    "jane-doe",
                    [
                        msg("urn:li:msg_message:1", SENT, "Hi Ada!"),
                        msg("urn:li:msg_message:2", "2025-06-15T14:25:00+02:00", "Hi Jane", True),
                    ],
                    first_name="Jane",
                    last_name="Doe",
                    headline="CTO at ACME",
                    profile_url="https://www.linkedin.com/in/jane-doe/",
                )
            ],
            "profiles": [],
        }
        pushed = await client.post(PUSH, json=body, headers=extension)
        assert pushed.status_code == 200
        assert pushed.json() == {
            "contacts_created": 1,
            "contacts_updated": 0,
            "interactions_created": 2,
            "interactions_skipped": 0,
            "rejected": [],
        }
        # Jane misses a title, company and photo: after its pushes the extension is asked for her profile.
        taken = await client.post("/api/v1/linkedin/backfill", headers=extension)
        assert taken.status_code == 200
        assert taken.json() == {
            "candidates": [{"contact_id": taken.json()["candidates"][0]["contact_id"], "member_id": "ACoAAJane",
                            "slug": "jane-doe", "photo_url": None}],
        }  # fmt: skip
        pushed_at = clock.now().isoformat().replace("+00:00", "Z")
        status = (await client.get("/api/v1/extension/status", headers=extension)).json()
        assert status["last_sync_at"] == pushed_at
        me = (await client.get("/api/v1/me", headers=web)).json()
        assert me["linkedin"]["last_sync_at"] == pushed_at

        [jane] = await contacts_of(client, web)
        assert jane["full_name"] == "Jane Doe"
        assert jane["headline"] == "CTO at ACME"
        assert jane["linkedin"] == {
            "member_id": "ACoAAJane",
            "slug": "jane-doe",
            "url": "https://www.linkedin.com/in/jane-doe/",
        }
        # 14:25+02:00 is 12:25Z, five minutes after the first message: the user's reply is the last message.
        assert jane["last_message"] == {"text": "Hi Jane", "from_self": True, "at": "2025-06-15T12:25:00Z"}
        assert jane["interaction_count"] == 2

        again = await client.post(PUSH, json=body, headers=extension)
        assert (again.json()["interactions_created"], again.json()["interactions_skipped"]) == (0, 2)
        assert (await client.post(PUSH, json=body)).status_code == 401


async def test_one_bad_item_is_skipped_and_named_while_the_rest_is_stored(stack, data_dir, clock) -> None:
    web = {"Authorization": f"Bearer {web_token(data_dir, 'user-1', clock)}"}
    body = {
        "conversations": [
            conv("ACoAAJane", messages=[msg("m1"), msg("m2", "yesterday"), msg("m3", 1.5), msg("m4", None), msg(None)]),
            conv(slug=None, first_name="Nobody", messages=[msg("m5")]),
            {"urn": "c", "messages": [msg("m6")]},
            conv(slug="john-roe", messages=[msg("m7", "2025-06-15T10:00:00Z")]),
        ]
    }
    async with stack.http() as client:
        pushed = await client.post(PUSH, json=body, headers=web)
        assert pushed.status_code == 200
        reasons = {item["path"]: item["reason"] for item in pushed.json()["rejected"]}
        bad_time = "sent_at is missing or not a time; send epoch milliseconds or an RFC 3339 time with an offset"
        assert reasons == {
            "conversations[0].messages[1]": bad_time,
            "conversations[0].messages[2]": bad_time,
            "conversations[0].messages[3]": bad_time,
            "conversations[0].messages[4]": "message has no urn",
            "conversations[1].partner": "partner has neither member_id nor slug; "
            "the conversation's 1 message(s) were skipped",
            "conversations[2].partner": "conversation has no partner; the conversation's 1 message(s) were skipped",
        }
        assert (pushed.json()["contacts_created"], pushed.json()["interactions_created"]) == (2, 2)
        stored = {
            c["linkedin"]["member_id"] or c["linkedin"]["slug"]: c["interaction_count"]
            for c in await contacts_of(client, web)
        }
    assert stored == {"ACoAAJane": 1, "john-roe": 1}


class RefusingContactsStub:
    """Stands in for contacts_service where the edge must answer by itself."""

    async def PushLinkedIn(self, request, timeout, metadata):  # noqa: N802 - gRPC method name
        raise AssertionError("the edge called contacts_service for a push it should have refused")


def edge_alone(data_dir, clock) -> httpx.AsyncClient:
    app = create_app(EdgeSettings(data_dir=data_dir), clock=clock)
    app.dependency_overrides[get_contacts_stub] = RefusingContactsStub
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://edge")


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ({"conversations": {}}, "conversations: Input should be a valid list"),
        ({"conversations": ["x"]}, "conversations[0]: Input should be a valid dictionary"),
        ({"conversations": [{"messages": {}}]}, "conversations[0].messages: Input should be a valid list"),
        ({"conversations": [{"messages": [{"from_self": "yes"}]}]}, "conversations[0].messages[0].from_self"),
        ({"conversations": [{"partner": "jane"}]}, "conversations[0].partner"),
        ({"conversations": [{"messages": [{"text": 5}]}]}, "conversations[0].messages[0].text"),
        ({"profiles": [{"photo_urls": "x"}]}, "profiles[0].photo_urls"),
        ([], "Input should be a valid dictionary"),
    ],
)
async def test_a_push_of_the_wrong_shape_is_a_422(data_dir, clock, body: object, where: str) -> None:
    web = {"Authorization": f"Bearer {web_token(data_dir, 'user-1', clock)}"}
    async with edge_alone(data_dir, clock) as client:
        response = await client.post(PUSH, json=body, headers=web)
        assert response.status_code == 422
        assert response.json()["code"] == "validation_failed"
        assert response.json()["detail"].startswith(where)
        not_json = await client.post(PUSH, content=b"{", headers={**web, "content-type": "application/json"})
        assert (not_json.status_code, not_json.json()["code"]) == (422, "validation_failed")


OVER_A_LIMIT = [
    (
        "too_many_conversations",
        {"conversations": [conv(f"ACo{i}") for i in range(101)]},
        "a push holds at most 100 conversations, this one has 101",
    ),
    (
        "too_many_messages",
        {"conversations": [conv(f"ACo{i}", messages=[msg(f"m{i}-{j}") for j in range(21)]) for i in range(100)]},
        "a push holds at most 2000 messages across its conversations, this one has 2100",
    ),
    ("too_many_profiles", {"profiles": [{}] * 51}, "a push holds at most 50 profiles, this one has 51"),
    (
        "message_text_too_long",
        {"conversations": [conv("ACo1", messages=[msg("m1"), msg("m2", text="€" * 8001)])]},
        "conversations[0].messages[1].text has 8001 characters, more than the limit of 8000",
    ),
]


async def test_a_push_over_a_limit_is_refused_whole_naming_the_limit(stack, data_dir, clock) -> None:
    # contacts_service decides the limits; the edge passes its INVALID_ARGUMENT on as 422 with its code.
    web = {"Authorization": f"Bearer {web_token(data_dir, 'user-1', clock)}"}
    async with stack.http() as client:
        for code, body, detail in OVER_A_LIMIT:
            response = await client.post(PUSH, json=body, headers=web)
            assert (response.status_code, response.json()["code"], response.json()["detail"]) == (422, code, detail)
            assert response.headers["content-type"] == "application/problem+json"
        assert await contacts_of(client, web) == []  # nothing of a refused push is stored


async def test_a_push_exactly_at_the_limits_is_stored(stack, data_dir, clock) -> None:
    web = {"Authorization": f"Bearer {web_token(data_dir, 'user-1', clock)}"}
    body = {
        "conversations": [conv(f"ACo{i}", messages=[msg(f"m{i}-{j}") for j in range(20)]) for i in range(100)],
        # Profiles of the partners this push creates (a profile only enriches an existing contact).
        "profiles": [{"member_id": f"ACo{i}", "first_name": "P"} for i in range(50)],
    }
    body["conversations"][0]["messages"][0]["text"] = "€" * 8000
    async with stack.http() as client:
        accepted = await client.post(PUSH, json=body, headers=web)
        assert accepted.status_code == 200
        assert (accepted.json()["contacts_created"], accepted.json()["interactions_created"]) == (100, 2000)
        taken = (await client.post("/api/v1/linkedin/backfill", headers=web)).json()["candidates"]
        assert len(taken) == 10  # the extension's budget of profile fetches per sync
        assert accepted.json()["rejected"] == []
        first = next(c for c in await contacts_of(client, web) if c["linkedin"]["member_id"] == "ACo0")
        detail = (await client.get(f"/api/v1/contacts/{first['id']}", headers=web)).json()
    assert {i["urn"]: len(i["text"]) for i in detail["recent_interactions"]}["m0-0"] == 8000


async def _chunks(total: int, size: int = 64 * 1024) -> AsyncIterator[bytes]:
    # A valid JSON document padded with spaces, streamed without a Content-Length.
    yield b'{"conversations": []'
    sent = 0
    while sent < total:
        piece = min(size, total - sent)
        sent += piece
        yield b" " * piece
    yield b"}"


async def test_bodies_over_5_mb_are_refused_also_when_streamed(stack, data_dir, clock) -> None:
    web = {"Authorization": f"Bearer {web_token(data_dir, 'user-1', clock)}", "content-type": "application/json"}
    async with stack.http() as client:
        declared = await client.post(PUSH, content=b" " * (MB5 + 1), headers=web)
        assert (declared.status_code, declared.json()["code"]) == (413, "request_too_large")
        assert declared.json()["detail"] == "request body exceeds the limit of 5242880 bytes"

        streamed = await client.post(PUSH, content=_chunks(MB5), headers=web)
        assert "content-length" not in streamed.request.headers
        assert streamed.request.headers["transfer-encoding"] == "chunked"
        assert (streamed.status_code, streamed.json()["code"]) == (413, "request_too_large")
        assert streamed.json()["detail"] == "request body exceeds the limit of 5242880 bytes"
        assert streamed.headers["x-request-id"]

        # Just under the limit, streamed the same way, is an ordinary push.
        fits = await client.post(PUSH, content=_chunks(MB5 - 64), headers=web)
        assert fits.status_code == 200
        assert json.loads(fits.content)["contacts_created"] == 0


async def test_concurrent_identical_pushes_store_everything_exactly_once(stack, data_dir, clock) -> None:
    web = {"Authorization": f"Bearer {web_token(data_dir, 'user-1', clock)}"}
    async with httpx.AsyncClient(base_url=stack.edge_url, timeout=90) as client:
        # Some partners are already known by one id only, so the racing pushes also fill in ids and merge.
        known = await client.post(
            PUSH,
            json={
                "conversations": [
                    conv("ACoKnownM0", messages=[msg("old-0", SENT - 1000)]),
                    conv(slug="known-s1", messages=[msg("old-1", SENT - 1000)]),
                    conv("ACoMerge2", messages=[msg("old-2a", SENT - 2000)]),
                    conv(slug="merge-2", messages=[msg("old-2b", SENT - 1000)]),
                ]
            },
            headers=web,
        )
        assert known.json()["contacts_created"] == 4
        partners = [("ACoKnownM0", "known-m0"), ("ACoKnownS1", "known-s1"), ("ACoMerge2", "merge-2")]
        partners += [(f"ACoNew{i:02d}", f"new-{i:02d}") for i in range(20)]
        partners += [(f"ACoMemberOnly{i}", None) for i in range(5)] + [(None, f"slug-only-{i}") for i in range(5)]
        body = {
            "conversations": [
                conv(member, slug, [msg(f"urn:{i}:{j}", SENT + i * 1000 + j, f"message {j}") for j in range(10)])
                for i, (member, slug) in enumerate(partners)
            ]
        }
        # Pushes of one user take turns (docs/decisions.md); on a busy CI machine the tenth may wait longer
        # than the edge's default 5 s deadline. This test is about exact results, not latency (see bench/).
        stack.edge_settings.rpc_timeout_seconds = 60
        responses = await asyncio.gather(*(client.post(PUSH, json=body, headers=web) for _ in range(10)))
        assert [r.status_code for r in responses] == [200] * 10
        results = [r.json() for r in responses]
        assert sum(r["interactions_created"] for r in results) == len(partners) * 10
        assert all(r["interactions_created"] + r["interactions_skipped"] == len(partners) * 10 for r in results)
        assert sum(r["contacts_created"] for r in results) == len(partners) - 3

        stored = await contacts_of(client, web)
    assert len(stored) == len(partners)
    by_identity = {(c["linkedin"]["member_id"], c["linkedin"]["slug"]): c for c in stored}
    assert set(by_identity) == set(partners)
    assert by_identity[("ACoKnownM0", "known-m0")]["interaction_count"] == 11
    assert by_identity[("ACoMerge2", "merge-2")]["interaction_count"] == 12
    assert all(c["interaction_count"] == 10 for key, c in by_identity.items() if key[0] and "New" in key[0])
    assert by_identity[("ACoNew00", "new-00")]["last_message"]["text"] == "message 9"


async def test_text_postgresql_or_utf_8_cannot_hold_is_cleaned_not_refused(stack, data_dir, clock) -> None:
    web = {"Authorization": f"Bearer {web_token(data_dir, 'user-1', clock)}", "content-type": "application/json"}
    # Half an emoji (a text cut between its UTF-16 halves) and a NUL, as JSON escapes them.
    messages = [msg("m1", text="cut \ud83d"), msg("m2", text="nul\u0000 here")]
    body = {"conversations": [conv("ACoOdd", messages=messages)]}
    body["conversations"][0]["partner"]["first_name"] = "Zo\u0000e"
    async with stack.http() as client:
        pushed = await client.post(PUSH, content=json.dumps(body).encode(), headers=web)
        assert pushed.status_code == 200
        assert (pushed.json()["interactions_created"], pushed.json()["rejected"]) == (2, [])
        [contact] = await contacts_of(client, web)
        detail = (await client.get(f"/api/v1/contacts/{contact['id']}", headers=web)).json()
    assert contact["full_name"] == "Zoe"
    assert sorted(i["text"] for i in detail["recent_interactions"]) == ["cut \ufffd", "nul here"]

"""The history walk's HTTP side against the real edge and services, on both
backends: a push's history hints (`first_message_at`, `older_missing_after`)
and GET /api/v1/linkedin/history (docs/linkedin-sync.md §2): its answer,
limits, tokens, isolation, and contacts_service being down (for the backfill
hand-out too)."""

from __future__ import annotations

from typing import Any

from edge.app import create_app
from edge.routes.linkedin import DEFAULT_HISTORY_LIMIT, MAX_HISTORY_LIMIT
from edge.settings import EdgeSettings
from tests.edge.test_linkedin_push_http import PUSH, SENT, conv, edge_alone, msg
from tests.edge.test_pairing_http import pair, sign_in
from tests.support.tokens import web_token

HISTORY = "/api/v1/linkedin/history"
BACKFILL = "/api/v1/linkedin/backfill"
MINUTE = 60_000
JANE, JOHN = "ACoAAJane", "ACoAAJohn"


def page(member_id: str, first: int, last: int) -> list[dict[str, Any]]:
    """Messages of one conversation, a minute apart, `first`…`last` minutes after SENT."""
    return [msg(f"urn:li:msg_message:{member_id}-{m}", SENT + m * MINUTE) for m in range(first, last + 1)]


async def test_pushes_tell_the_history_and_the_list_says_where_to_continue(stack, data_dir, clock) -> None:
    async with stack.http() as client:
        web = await sign_in(client)
        extension = {"Authorization": f"Bearer {await pair(client, web, clock)}"}
        first_sync = {
            "conversations": [
                conv(JANE, "jane-doe", page(JANE, 100, 119)),
                {**conv(JOHN, None, page(JOHN, 10, 12)), "first_message_at": SENT + 10 * MINUTE},
            ]
        }
        assert (await client.post(PUSH, json=first_sync, headers=extension)).status_code == 200
        listed = await client.get(HISTORY, headers=extension)
        assert listed.status_code == 200
        assert listed.json() == {
            "conversations": [
                {
                    "urn": f"urn:li:msg_conversation:{JANE}",
                    "partner": {"member_id": JANE, "slug": "jane-doe"},
                    "before": "2025-06-15T14:00:00Z",  # SENT + 100 min: the oldest pushed
                    "after": None,
                }
            ],
            "total": 1,
        }

        # New messages beyond one sync (RFC 3339 hint), then the walk reaches the start (epoch ms hint).
        capped = {**conv(JANE, None, page(JANE, 300, 399)), "older_missing_after": "2025-06-15T14:30:00+00:00"}
        assert (await client.post(PUSH, json={"conversations": [capped]}, headers=extension)).status_code == 200
        [gap] = (await client.get(HISTORY, headers=web)).json()["conversations"]
        assert (gap["before"], gap["after"]) == ("2025-06-15T17:20:00Z", "2025-06-15T14:30:00Z")
        rest = {
            **conv(JANE, None, [*page(JANE, 200, 299), *page(JANE, 90, 99)]),
            "first_message_at": SENT + 90 * MINUTE,
        }
        assert (await client.post(PUSH, json={"conversations": [rest]}, headers=extension)).status_code == 200
        assert (await client.get(HISTORY, headers=extension)).json() == {"conversations": [], "total": 0}

        # Someone else's history is not theirs to see.
        other = {"Authorization": f"Bearer {web_token(data_dir, 'someone-else', clock)}"}
        await client.post(PUSH, json={"conversations": [conv(JANE, None, page(JANE, 1, 20))]}, headers=other)
        assert (await client.get(HISTORY, headers=other)).json()["total"] == 1
        assert (await client.get(HISTORY, headers=web)).json()["total"] == 0


async def test_history_limits_and_tokens(stack, data_dir, clock) -> None:
    web = {"Authorization": f"Bearer {web_token(data_dir, 'user-1', clock)}"}
    async with stack.http() as client:
        push = {"conversations": [conv(f"ACoAA{i}", None, page(f"ACoAA{i}", i * 100, i * 100 + 19)) for i in range(3)]}
        assert (await client.post(PUSH, json=push, headers=web)).status_code == 200
        two = (await client.get(HISTORY, params={"limit": 2}, headers=web)).json()
        assert ([c["partner"]["member_id"] for c in two["conversations"]], two["total"]) == (["ACoAA2", "ACoAA1"], 3)
        assert (await client.get(HISTORY, params={"limit": 0}, headers=web)).json() == {"conversations": [], "total": 3}

        too_many = await client.get(HISTORY, params={"limit": 101}, headers=web)
        assert (too_many.status_code, too_many.json()["code"]) == (422, "limit_too_large")
        assert too_many.json()["detail"] == "at most 100 conversations per answer, asked for 101"
        negative = await client.get(HISTORY, params={"limit": -1}, headers=web)
        assert (negative.status_code, negative.json()["code"]) == (422, "validation_failed")
        assert (await client.get(HISTORY)).status_code == 401


async def test_a_hint_that_is_not_a_time_is_a_422_naming_it(data_dir, clock) -> None:
    web = {"Authorization": f"Bearer {web_token(data_dir, 'user-1', clock)}"}
    async with edge_alone(data_dir, clock) as client:
        for field, value in (
            ("first_message_at", "yesterday"),
            ("older_missing_after", True),
            ("first_message_at", 1.5),
        ):
            body = {"conversations": [{**conv(JANE, None, page(JANE, 1, 2)), field: value}]}
            refused = await client.post(PUSH, json=body, headers=web)
            assert (refused.status_code, refused.json()["code"]) == (422, "validation_failed")
            assert refused.json()["detail"].startswith(f"conversations[0].{field}")


async def test_contacts_service_down_is_a_503(stack, data_dir, clock) -> None:
    # As for the push and the contacts routes (the extension then shows "Sync failed: …" and tries later).
    # The backfill hand-out too: the extension then skips this sync's profile fetches (the messages are synced).
    await stack.stop_service("contacts")
    headers = {"Authorization": f"Bearer {web_token(data_dir, 'user-1', clock)}"}
    async with stack.http() as client:
        answers = [await client.get(HISTORY, headers=headers), await client.post(BACKFILL, headers=headers)]
    for answer in answers:
        assert answer.status_code == 503
        assert (answer.json()["code"], answer.json()["service"]) == ("unavailable", "contacts")
        assert answer.json()["detail"] == "the contacts service is unavailable; try again shortly"
        assert answer.headers["retry-after"] == "5"


def test_the_openapi_schema_states_contacts_service_s_history_limits(data_dir) -> None:
    from contacts_service.domain import limits

    parameters = create_app(EdgeSettings(data_dir=data_dir)).openapi()["paths"][HISTORY]["get"]["parameters"]
    [limit] = [p for p in parameters if p["name"] == "limit"]
    assert (DEFAULT_HISTORY_LIMIT, MAX_HISTORY_LIMIT) == (
        limits.DEFAULT_INCOMPLETE_CONVERSATIONS,
        limits.MAX_INCOMPLETE_CONVERSATIONS,
    )
    assert limit["schema"]["default"] == DEFAULT_HISTORY_LIMIT
    assert limit["description"] == f"at most {MAX_HISTORY_LIMIT}; 0 answers only the total"

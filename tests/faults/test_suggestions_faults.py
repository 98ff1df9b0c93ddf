"""suggestions_service and what it depends on, down, under the whole stack on both backends.

What a user must see: contacts_service down → suggestions still listed, generated from what was
already read, updated; suggestions_service down → its routes answer 503 naming it while pushes go
on (nothing in a push waits on suggestions: it is a pull feed); Redis gone → only Regenerate
answers 503 `redis_unavailable`.
"""

from __future__ import annotations

from datetime import timedelta

from fault_harness import within

from tests.edge.test_suggestions_http import ADA
from tests.support.private_redis import private_redis
from tests.support.stack import start_stack
from tests.support.tokens import web_token


async def _a_suggestion(client, headers) -> dict:  # type: ignore[no-untyped-def]
    assert (await client.post("/api/v1/linkedin/push", json=ADA, headers=headers)).status_code == 200
    await client.post("/api/v1/suggestions/generate", headers=headers)
    [made] = (await client.get("/api/v1/suggestions", headers=headers)).json()["items"]
    return made


async def test_contacts_down_suggestions_are_still_served(stack, data_dir, clock) -> None:
    ada = {"Authorization": f"Bearer {web_token(data_dir, 'user-ada', clock)}"}
    async with stack.http() as client:
        made = await _a_suggestion(client, ada)
        await stack.stop_service("contacts")
        listed = await client.get("/api/v1/suggestions", headers=ada)
        assert (listed.status_code, [i["id"] for i in listed.json()["items"]]) == (200, [made["id"]])
        generated = await client.post("/api/v1/suggestions/generate", headers=ada)  # the feed unreadable: no matter
        assert (generated.status_code, generated.json()) == (200, {"items": []})
        redrafted = await client.post(f"/api/v1/suggestions/{made['id']}/regenerate", headers=ada)
        assert redrafted.status_code == 200
        dismissed = await client.patch(f"/api/v1/suggestions/{made['id']}", json={"status": "dismissed"}, headers=ada)
        assert dismissed.json()["status"] == "dismissed"


async def test_suggestions_down_answers_503_naming_it_and_pushes_go_on(stack, data_dir, clock) -> None:
    ada = {"Authorization": f"Bearer {web_token(data_dir, 'user-ada', clock)}"}
    async with stack.http() as client:
        await stack.stop_service("suggestions")
        for method, path in (
            ("GET", "/api/v1/suggestions"),
            ("POST", "/api/v1/suggestions/generate"),
            ("POST", "/api/v1/suggestions/0190d6a4-0000-7000-8000-000000000000/regenerate"),
        ):
            answer = await client.request(method, path, headers=ada)
            assert answer.status_code == 503, (path, answer.text)
            assert answer.json()["service"] == "suggestions"
            assert answer.json()["detail"] == "the suggestions service is unavailable; try again shortly"
            assert answer.headers["Retry-After"] == "5"
        assert (await client.post("/api/v1/linkedin/push", json=ADA, headers=ada)).status_code == 200


async def test_redis_gone_only_regenerate_answers_503(data_dir, postgres_url, tmp_path, clock) -> None:
    redis = private_redis(tmp_path)
    stack = await start_stack(data_dir, database_url=postgres_url, redis_url=redis.url, clock=clock)
    try:
        ada = {"Authorization": f"Bearer {web_token(data_dir, 'user-ada', clock)}"}
        async with stack.http() as client:
            made = await _a_suggestion(client, ada)
            redis.stop()
            refused = await client.post(f"/api/v1/suggestions/{made['id']}/regenerate", headers=ada)
            assert (refused.status_code, refused.json()["code"]) == (503, "redis_unavailable")
            assert refused.json()["service"] == "suggestions"
            assert (await client.get("/api/v1/suggestions", headers=ada)).status_code == 200
            redis.start()
            clock.advance(timedelta(seconds=1))

            async def regenerates() -> bool:
                answer = await client.post(f"/api/v1/suggestions/{made['id']}/regenerate", headers=ada)
                return answer.status_code == 200

            await within(15, regenerates, "Regenerate after Redis came back")
    finally:
        await stack.close()
        redis.stop()

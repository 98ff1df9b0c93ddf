"""The contact page's API over HTTP against the real services, on both backends: a contact's job changes and
message history in pages, the user's edits (kept when sync brings other values), photo uploads, the backfill
hand-out and profiles_gone."""

from __future__ import annotations

from pingcrm_common.tokens import EXTENSION_AUDIENCE
from tests.support.fake_cdn import photo, png_bomb
from tests.support.tokens import web_token

SENT = 1_749_990_000_000  # 2025-06-15T12:20:00Z


def _bearer(data_dir, user: str, clock, **kwargs) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {"Authorization": f"Bearer {web_token(data_dir, user, clock, **kwargs)}"}


async def _taken(client, headers: dict[str, str]) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    """The backfill candidates handed out, as the extension takes them after a sync's pushes."""
    answer = await client.post("/api/v1/linkedin/backfill", headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json()["candidates"]  # type: ignore[no-any-return]


def _conversation(count: int) -> dict[str, object]:
    return {
        "urn": "urn:li:msg_conversation:(urn:li:fsd_profile:ACoAda,2-YWRh)",
        "partner": {"member_id": "ACoAda", "slug": "ada-l", "first_name": "Ada", "last_name": "Lovelace"},
        "messages": [
            {"urn": f"m-{j:02d}", "from_self": False, "text": f"message {j}", "sent_at": SENT + j * 1000}
            for j in range(count)
        ],
    }


def _profile(title: str, company: str, **more: object) -> dict[str, object]:
    return {
        "member_id": "ACoAda",
        "first_name": "Ada",
        "last_name": "Lovelace",
        "positions": [{"title": title, "company": company, "current": True}],
        **more,
    }


async def test_a_contact_page_shows_job_changes_and_pages_through_its_messages(stack, data_dir, clock) -> None:  # type: ignore[no-untyped-def]
    ada = _bearer(data_dir, "user-ada", clock)
    async with stack.http() as client:
        pushed = await client.post("/api/v1/linkedin/push", json={"conversations": [_conversation(45)]}, headers=ada)
        assert "backfill" not in pushed.json()  # taken once per sync, not handed out by every push
        [candidate] = await _taken(client, ada)
        assert candidate == {
            "contact_id": candidate["contact_id"],
            "member_id": "ACoAda",
            "slug": "ada-l",
            "photo_url": None,
        }
        contact_id = candidate["contact_id"]
        for title, company in (("Engineer", "Analytical Engines"), ("CTO", "Difference Ltd")):
            answer = await client.post(
                "/api/v1/linkedin/push", json={"profiles": [_profile(title, company)]}, headers=ada
            )
            assert answer.status_code == 200 and answer.json()["rejected"] == []

        page = (await client.get(f"/api/v1/contacts/{contact_id}", headers=ada)).json()
        assert (page["title"], page["company"]) == ("CTO", "Difference Ltd")
        assert [(j["old_title"], j["old_company"], j["new_title"], j["new_company"]) for j in page["job_changes"]] == [
            ("Engineer", "Analytical Engines", "CTO", "Difference Ltd")
        ]
        assert page["job_changes"][0]["seen_at"] is not None
        assert page["conversation_url"] == "https://www.linkedin.com/messaging/thread/2-YWRh/"
        seen = [item["urn"] for item in page["recent_interactions"]]
        while page["next_interactions_cursor"]:
            page = (
                await client.get(
                    f"/api/v1/contacts/{contact_id}",
                    params={"interactions_cursor": page["next_interactions_cursor"]},
                    headers=ada,
                )
            ).json()
            seen += [item["urn"] for item in page["recent_interactions"]]
        assert seen == [f"m-{j:02d}" for j in range(44, -1, -1)]  # newest first, each once, 20 a page

        bad = await client.get(f"/api/v1/contacts/{contact_id}", params={"interactions_cursor": "nope"}, headers=ada)
        assert (bad.status_code, bad.json()["code"]) == (422, "invalid_cursor")


async def test_edits_are_marked_and_kept_when_sync_brings_other_values(stack, data_dir, clock) -> None:  # type: ignore[no-untyped-def]
    ada = _bearer(data_dir, "user-ada", clock)
    async with stack.http() as client:
        await client.post("/api/v1/linkedin/push", json={"conversations": [_conversation(1)]}, headers=ada)
        [candidate] = await _taken(client, ada)
        contact_id = candidate["contact_id"]
        edited = await client.patch(
            f"/api/v1/contacts/{contact_id}",
            json={
                "full_name": "  Augusta   Ada King ",
                "company": "Babbage & Co",
                "notes": "Met at the\\nRoyal Society",
            },
            headers=ada,
        )
        assert edited.status_code == 200
        body = edited.json()
        assert (body["full_name"], body["company"], body["notes"]) == (
            "Augusta Ada King", "Babbage & Co", "Met at the\\nRoyal Society",
        )  # fmt: skip
        assert body["edited_fields"] == ["full_name", "company", "notes"]

        # The sync brings LinkedIn's values: the edited fields stay, the others follow.
        await client.post("/api/v1/linkedin/push", json={"conversations": [_conversation(2)]}, headers=ada)
        await client.post("/api/v1/linkedin/push", json={"profiles": [_profile("CTO", "Other Co")]}, headers=ada)
        page = (await client.get(f"/api/v1/contacts/{contact_id}", headers=ada)).json()
        assert (page["full_name"], page["title"], page["company"]) == ("Augusta Ada King", "CTO", "Babbage & Co")
        assert page["job_changes"] == []
        listed = (await client.get("/api/v1/contacts", headers=ada)).json()["items"]
        assert listed[0]["edited_fields"] == ["full_name", "company", "notes"]


async def test_bad_edits_are_refused_naming_the_problem(stack, data_dir, clock) -> None:  # type: ignore[no-untyped-def]
    ada = _bearer(data_dir, "user-ada", clock)
    async with stack.http() as client:
        await client.post("/api/v1/linkedin/push", json={"conversations": [_conversation(1)]}, headers=ada)
        [candidate] = await _taken(client, ada)
        contact = f"/api/v1/contacts/{candidate['contact_id']}"
        cases = [
            ({"full_name": "   "}, 422, "name_required"),
            ({"title": "x" * 301}, 422, "field_too_long"),
            ({"notes": "x" * 10_001}, 422, "field_too_long"),
            ({}, 422, "nothing_to_update"),
            ({"nickname": "Ada"}, 422, "validation_failed"),
            ({"title": 5}, 422, "validation_failed"),
        ]
        for body, status, code in cases:
            answer = await client.patch(contact, json=body, headers=ada)
            assert (answer.status_code, answer.json()["code"]) == (status, code), body
        extension = _bearer(data_dir, "user-ada", clock, audience=EXTENSION_AUDIENCE)
        assert (await client.patch(contact, json={"title": "CTO"}, headers=extension)).status_code == 403
        other = await client.patch(contact, json={"title": "CTO"}, headers=_bearer(data_dir, "user-bob", clock))
        assert (other.status_code, other.json()["code"]) == (404, "contact_not_found")
        assert (await client.get(contact, headers=ada)).json()["title"] == ""


async def test_a_photo_upload_becomes_the_avatar_and_bad_ones_are_refused(stack, data_dir, clock) -> None:  # type: ignore[no-untyped-def]
    ada = _bearer(data_dir, "user-ada", clock)
    async with stack.http() as client:
        await client.post("/api/v1/linkedin/push", json={"conversations": [_conversation(1)]}, headers=ada)
        [candidate] = await _taken(client, ada)
        contact = f"/api/v1/contacts/{candidate['contact_id']}"

        def put(data: bytes, kind: str = "image/jpeg", who: dict[str, str] = ada):  # type: ignore[no-untyped-def]
            return client.put(f"{contact}/photo", content=data, headers={**who, "Content-Type": kind})

        refusals = [
            (await put(photo(), "text/plain"), 415, "unsupported_photo_type"),
            (await put(photo(seed=2) + bytes(5_000_001)), 413, "photo_too_large"),
            (await put(b"<html>not a photo</html>"), 422, "not_an_image"),
            (await put(png_bomb(), "image/png"), 422, "image_too_large"),
            (await put(photo(), who=_bearer(data_dir, "user-bob", clock)), 404, "contact_not_found"),
        ]
        for answer, status, code in refusals:
            assert (answer.status_code, answer.json()["code"]) == (status, code)
        assert (await client.get(contact, headers=ada)).json()["avatar_url"] is None

        stored = await put(photo(seed=3))
        assert stored.status_code == 200
        avatar = stored.json()["avatar_url"]
        assert avatar.startswith("/api/v1/avatars/")
        image = await client.get(avatar, headers=ada)
        assert (image.status_code, image.headers["content-type"]) == (200, "image/jpeg")
        assert (await client.get(avatar, headers=_bearer(data_dir, "user-bob", clock))).status_code == 404


async def test_a_photo_upload_while_media_is_down_is_a_503_naming_it(stack, data_dir, clock) -> None:  # type: ignore[no-untyped-def]
    ada = _bearer(data_dir, "user-ada", clock)
    async with stack.http() as client:
        await client.post("/api/v1/linkedin/push", json={"conversations": [_conversation(1)]}, headers=ada)
        [candidate] = await _taken(client, ada)
        contact = f"/api/v1/contacts/{candidate['contact_id']}"
        await stack.stop_service("media")
        answer = await client.put(f"{contact}/photo", content=photo(), headers={**ada, "Content-Type": "image/jpeg"})
    assert answer.status_code == 503 and "Retry-After" in answer.headers
    assert answer.json()["code"] == "media_unavailable"
    assert "media_service" in answer.json()["detail"]


async def test_profiles_gone_are_not_asked_for_again(stack, data_dir, clock) -> None:  # type: ignore[no-untyped-def]
    ada = _bearer(data_dir, "user-ada", clock)
    async with stack.http() as client:
        await client.post("/api/v1/linkedin/push", json={"conversations": [_conversation(1)]}, headers=ada)
        answer = await client.post(
            "/api/v1/linkedin/push",
            json={"profiles_gone": [{"member_id": "ACoAda", "slug": "ada-l"}, {"slug": "not a slug!"}]},
            headers=ada,
        )
        assert answer.status_code == 200
        assert [item["path"] for item in answer.json()["rejected"]] == ["profiles_gone[1]"]
        clock.advance(__import__("datetime").timedelta(days=30))
        assert await _taken(client, _bearer(data_dir, "user-ada", clock)) == []

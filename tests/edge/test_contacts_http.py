"""GET /api/v1/contacts and /api/v1/contacts/{id} over HTTP against the real
services, on both backends: JSON shape, order, search, pages, errors and
tenant isolation."""

from __future__ import annotations

from contacts_service.domain import limits
from contacts_service.domain.listing import MAX_QUERY
from edge.app import create_app
from edge.settings import EdgeSettings
from tests.support.tokens import web_token

SENT = 1_749_990_000_000  # 2025-06-15T12:20:00Z


def _push_body() -> dict[str, object]:
    people = [
        ("ACoAda", "ada-l", "Ada", "Lovelace", 3),
        ("ACoBob", None, "Bob", "Stone", 1),
        ("ACoCyd", "cyd", "Cyd", "C", 2),
    ]
    return {
        "conversations": [
            {
                "partner": {"member_id": member, "slug": slug, "first_name": first, "last_name": last},
                "messages": [
                    {
                        "urn": f"{first}-{j}",
                        "from_self": j % 2 == 1,
                        "text": f"{first} {j}",
                        "sent_at": SENT + rank * 60_000 + j,
                    }
                    for j in range(rank)
                ],
            }
            for member, slug, first, last, rank in people
        ]
    }


async def test_contacts_list_newest_first_with_pages_search_and_details(stack, data_dir, clock) -> None:
    ada = {"Authorization": f"Bearer {web_token(data_dir, 'user-ada', clock)}"}
    bob = {"Authorization": f"Bearer {web_token(data_dir, 'user-bob', clock)}"}
    async with stack.http() as client:
        empty = {"items": [], "next_cursor": None, "total": 0}
        assert (await client.get("/api/v1/contacts", headers=ada)).json() == empty
        assert (await client.post("/api/v1/linkedin/push", json=_push_body(), headers=ada)).status_code == 200

        listed = (await client.get("/api/v1/contacts", headers=ada)).json()
        assert [c["full_name"] for c in listed["items"]] == ["Ada Lovelace", "Cyd C", "Bob Stone"]
        assert listed["total"] == 3
        by_name = (await client.get("/api/v1/contacts", params={"sort": "name"}, headers=ada)).json()
        assert [c["full_name"] for c in by_name["items"]] == ["Ada Lovelace", "Bob Stone", "Cyd C"]
        quiet = (await client.get("/api/v1/contacts", params={"sort": "quiet_longest"}, headers=ada)).json()
        assert [c["full_name"] for c in quiet["items"]] == ["Bob Stone", "Cyd C", "Ada Lovelace"]
        # A page of another order's cursor is refused rather than silently restarted.
        by_name_page = (await client.get("/api/v1/contacts", params={"sort": "name", "limit": 1}, headers=ada)).json()
        mixed = await client.get("/api/v1/contacts", params={"cursor": by_name_page["next_cursor"]}, headers=ada)
        assert (mixed.status_code, mixed.json()["code"]) == (422, "invalid_cursor")
        first = listed["items"][0]
        assert first == {
            "id": first["id"],
            "full_name": "Ada Lovelace",
            "headline": "",
            "title": "",
            "company": "",
            "location": "",
            "avatar_url": None,
            "linkedin": {"member_id": "ACoAda", "slug": "ada-l", "url": "https://www.linkedin.com/in/ada-l/"},
            "last_message": {"text": "Ada 2", "from_self": False, "at": "2025-06-15T12:23:00.002000Z"},
            "last_interaction_at": "2025-06-15T12:23:00.002000Z",
            "interaction_count": 3,
            "sources": ["linkedin_dm"],
            "connected_on": None,
            "edited_fields": [],
        }
        assert listed["items"][2]["linkedin"] == {
            "member_id": "ACoBob",
            "slug": None,
            "url": "https://www.linkedin.com/in/ACoBob/",
        }

        page_one = (await client.get("/api/v1/contacts", params={"limit": 2}, headers=ada)).json()
        assert [c["full_name"] for c in page_one["items"]] == ["Ada Lovelace", "Cyd C"]
        page_two = (
            await client.get("/api/v1/contacts", params={"limit": 2, "cursor": page_one["next_cursor"]}, headers=ada)
        ).json()
        assert ([c["full_name"] for c in page_two["items"]], page_two["next_cursor"]) == (["Bob Stone"], None)
        assert page_two["total"] == 3

        found = (await client.get("/api/v1/contacts", params={"q": "LOVE"}, headers=ada)).json()
        assert ([c["full_name"] for c in found["items"]], found["total"]) == (["Ada Lovelace"], 1)

        detail = (await client.get(f"/api/v1/contacts/{first['id']}", headers=ada)).json()
        page_only = ("recent_interactions", "notes", "job_changes", "next_interactions_cursor", "conversation_url")
        assert {k: v for k, v in detail.items() if k not in page_only} == first
        assert (detail["notes"], detail["job_changes"], detail["next_interactions_cursor"]) == ("", [], None)
        assert detail["conversation_url"] is None  # pushed without a conversation URN
        assert [(i["urn"], i["from_self"], i["text"]) for i in detail["recent_interactions"]] == [
            ("Ada-2", False, "Ada 2"),
            ("Ada-1", True, "Ada 1"),
            ("Ada-0", False, "Ada 0"),
        ]
        assert detail["recent_interactions"][-1]["at"] == "2025-06-15T12:23:00Z"

        # Another user sees none of it, by list or by id.
        assert (await client.get("/api/v1/contacts", headers=bob)).json()["items"] == []
        foreign = await client.get(f"/api/v1/contacts/{first['id']}", headers=bob)
        assert (foreign.status_code, foreign.json()["code"]) == (404, "contact_not_found")
        unknown = await client.get("/api/v1/contacts/00000000-0000-0000-0000-000000000000", headers=ada)
        assert (unknown.status_code, unknown.json()["code"]) == (404, "contact_not_found")
        assert (await client.get("/api/v1/contacts")).status_code == 401


async def test_bad_listing_parameters_are_422_naming_what_is_wrong(stack, data_dir, clock) -> None:
    ada = {"Authorization": f"Bearer {web_token(data_dir, 'user-ada', clock)}"}
    async with stack.http() as client:
        too_many = await client.get("/api/v1/contacts", params={"limit": 101}, headers=ada)
        assert (too_many.status_code, too_many.json()["code"]) == (422, "limit_too_large")
        assert too_many.json()["detail"] == "at most 100 contacts per page, asked for 101"
        assert (await client.get("/api/v1/contacts", params={"limit": 100}, headers=ada)).status_code == 200
        zero = await client.get("/api/v1/contacts", params={"limit": 0}, headers=ada)
        assert (zero.status_code, zero.json()["code"]) == (422, "validation_failed")
        beyond_int32 = await client.get("/api/v1/contacts", params={"limit": 2**31}, headers=ada)
        assert (beyond_int32.status_code, beyond_int32.json()["code"]) == (422, "validation_failed")
        bad_cursor = await client.get("/api/v1/contacts", params={"cursor": "bm90IG1pbmU"}, headers=ada)
        assert (bad_cursor.status_code, bad_cursor.json()["code"]) == (422, "invalid_cursor")
        assert bad_cursor.json()["detail"] == "cursor is not one this API returned"
        bad_sort = await client.get("/api/v1/contacts", params={"sort": "age"}, headers=ada)
        assert (bad_sort.status_code, bad_sort.json()["code"]) == (422, "validation_failed")
        assert "sort" in str(bad_sort.json())


def test_the_openapi_schema_states_contacts_service_s_page_limits(data_dir) -> None:
    # The edge states these numbers for API clients but does not decide them: contacts_service does.
    parameters = create_app(EdgeSettings(data_dir=data_dir)).openapi()["paths"]["/api/v1/contacts"]["get"]
    schema = {p["name"]: p for p in parameters["parameters"]}
    assert schema["limit"]["schema"]["default"] == limits.DEFAULT_PAGE_SIZE
    assert schema["limit"]["description"] == f"at most {limits.MAX_PAGE_SIZE}"
    assert schema["q"]["schema"]["maxLength"] == MAX_QUERY
    assert schema["sort"]["schema"]["enum"] == ["last_interaction", "name", "quiet_longest"]
    page = create_app(EdgeSettings(data_dir=data_dir)).openapi()["components"]["schemas"]["ContactPage"]
    assert "total" in page["required"]

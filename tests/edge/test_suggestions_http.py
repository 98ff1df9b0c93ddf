"""/api/v1/suggestions over HTTP against the real services, on both backends: a push reaches
suggestions_service through the activity feed, generate creates a suggestion with a reason and a draft,
the list, regenerate, PATCH, tenant isolation, the rate limit and the extension's token."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.edge.test_import_http import finished
from tests.edge.test_pairing_http import pair, sign_in
from tests.support.tokens import web_token

NOW = datetime(2026, 1, 1, tzinfo=UTC)  # the frozen clock's time


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _push(member: str, slug: str, first: str, last: str, messages: list[tuple[str, bool, datetime, str]]) -> dict:
    return {
        "conversations": [
            {
                "urn": f"urn:li:msg_conversation:(urn:li:fsd_profile:{member},2-{slug})",
                "partner": {"member_id": member, "slug": slug, "first_name": first, "last_name": last},
                "messages": [
                    {"urn": urn, "from_self": from_self, "text": text, "sent_at": _ms(at)}
                    for urn, from_self, at, text in messages
                ],
            }
        ]
    }


ADA = _push(
    "ACoAda0000000000",
    "ada-l",
    "Ada",
    "Lovelace",
    [
        ("ada-1", True, NOW - timedelta(days=12), "Would you review the engine notes?"),
        ("ada-2", False, NOW - timedelta(days=10), "Sure, I can look at the analytical engine notes next week"),
    ],
)


async def test_generate_list_regenerate_and_close(stack, data_dir, clock) -> None:
    ada = {"Authorization": f"Bearer {web_token(data_dir, 'user-ada', clock)}"}
    bob = {"Authorization": f"Bearer {web_token(data_dir, 'user-bob', clock)}"}
    async with stack.http() as client:
        empty = (await client.get("/api/v1/suggestions", headers=ada)).json()
        assert empty == {"items": [], "next_cursor": None, "pending_count": 0}
        assert (await client.post("/api/v1/linkedin/push", json=ADA, headers=ada)).status_code == 200

        # The feed consumer may have generated it already (after the activity arrived); else generate does.
        generated = (await client.post("/api/v1/suggestions/generate", headers=ada)).json()["items"]
        listed = (await client.get("/api/v1/suggestions", params={"status": "pending"}, headers=ada)).json()
        assert len(listed["items"]) == 1 and listed["pending_count"] == 1
        made = listed["items"][0]
        assert [item["id"] for item in generated] in ([], [made["id"]])
        assert made["contact"]["full_name"] == "Ada Lovelace"
        assert made["contact"]["member_id"] == "ACoAda0000000000"
        assert made["contact"]["slug"] == "ada-l"
        # The conversation to answer in, where the extension's P pastes the draft.
        assert made["contact"]["conversation_url"] == "https://www.linkedin.com/messaging/thread/2-ada-l/"
        assert made["contact"]["profile_url"] == "https://www.linkedin.com/in/ada-l/"
        assert made["reason"] == {"kind": "unanswered", "text": "Unanswered for 10 days"}
        assert made["drafter"] == "embedded"
        assert made["status"] == "pending"
        assert "Ada" in made["message"]
        # Generating again adds nothing: one pending suggestion per contact.
        assert (await client.post("/api/v1/suggestions/generate", headers=ada)).json() == {"items": []}

        by_member = await client.get("/api/v1/suggestions", params={"member_id": "ACoAda0000000000"}, headers=ada)
        by_slug = await client.get("/api/v1/suggestions", params={"slug": "ada-l"}, headers=ada)
        assert [i["id"] for i in by_member.json()["items"]] == [made["id"]]
        assert [i["id"] for i in by_slug.json()["items"]] == [made["id"]]
        by_contact = await client.get("/api/v1/suggestions", params={"contact_id": made["contact"]["id"]}, headers=ada)
        assert [i["id"] for i in by_contact.json()["items"]] == [made["id"]]
        assert (await client.get("/api/v1/suggestions", params={"slug": "nobody"}, headers=ada)).json()["items"] == []

        # Another user sees nothing of it, and its id is 404 for them.
        assert (await client.get("/api/v1/suggestions", headers=bob)).json()["items"] == []
        for method, path, body in (
            ("POST", f"/api/v1/suggestions/{made['id']}/regenerate", None),
            ("PATCH", f"/api/v1/suggestions/{made['id']}", {"status": "dismissed"}),
        ):
            refused = await client.request(method, path, json=body, headers=bob)
            assert (refused.status_code, refused.json()["code"]) == (404, "suggestion_not_found")

        redrafted = (await client.post(f"/api/v1/suggestions/{made['id']}/regenerate", headers=ada)).json()
        assert redrafted["id"] == made["id"] and redrafted["message"] != made["message"]
        again = (await client.post(f"/api/v1/suggestions/{made['id']}/regenerate", headers=ada)).json()
        assert again["message"] != redrafted["message"]

        no_time = await client.patch(f"/api/v1/suggestions/{made['id']}", json={"status": "snoozed"}, headers=ada)
        assert (no_time.status_code, no_time.json()["code"]) == (422, "snooze_until_required")
        until = (NOW + timedelta(days=1)).isoformat()
        snoozed = await client.patch(
            f"/api/v1/suggestions/{made['id']}", json={"status": "snoozed", "snooze_until": until}, headers=ada
        )
        assert snoozed.json()["status"] == "snoozed"
        assert snoozed.json()["snooze_until"] == "2026-01-02T00:00:00Z"
        assert (await client.get("/api/v1/suggestions", headers=ada)).json()["pending_count"] == 0
        clock.advance(timedelta(days=1))
        ada = {"Authorization": f"Bearer {web_token(data_dir, 'user-ada', clock)}"}  # the old one expired
        back = (await client.get("/api/v1/suggestions", headers=ada)).json()
        assert ([i["status"] for i in back["items"]], back["pending_count"]) == (["pending"], 1)

        sent = await client.patch(f"/api/v1/suggestions/{made['id']}", json={"status": "sent"}, headers=ada)
        assert sent.json()["status"] == "sent"
        assert (await client.get("/api/v1/suggestions", headers=ada)).json()["items"] == []
        listed_sent = (await client.get("/api/v1/suggestions", params={"status": "sent"}, headers=ada)).json()
        assert [i["id"] for i in listed_sent["items"]] == [made["id"]]
        closed = await client.post(f"/api/v1/suggestions/{made['id']}/regenerate", headers=ada)
        assert (closed.status_code, closed.json()["code"]) == (410, "suggestion_closed")
        # Sent stays sent: a retried "sent" is fine, a later "dismissed" is refused and changes nothing.
        retried = await client.patch(f"/api/v1/suggestions/{made['id']}", json={"status": "sent"}, headers=ada)
        assert (retried.status_code, retried.json()["status"]) == (200, "sent")
        dismissed = await client.patch(f"/api/v1/suggestions/{made['id']}", json={"status": "dismissed"}, headers=ada)
        assert (dismissed.status_code, dismissed.json()["code"]) == (410, "suggestion_closed")
        assert dismissed.json()["detail"] == "a sent suggestion cannot be dismissed"
        listed_sent = (await client.get("/api/v1/suggestions", params={"status": "sent"}, headers=ada)).json()
        assert [i["id"] for i in listed_sent["items"]] == [made["id"]]


async def test_a_draft_greets_a_first_name_of_two_words_whole(stack, data_dir, clock) -> None:
    maria = _push(
        "ACoMariaJose0000",
        "maria-jose-garcia",
        "María José",
        "García",
        [
            ("mj-1", True, NOW - timedelta(days=12), "¿Podrías revisar la propuesta que te mandé?"),
            ("mj-2", False, NOW - timedelta(days=10), "Claro, la reviso con calma la semana que viene"),
        ],
    )
    headers = {"Authorization": f"Bearer {web_token(data_dir, 'user-maria', clock)}"}
    async with stack.http() as client:
        assert (await client.post("/api/v1/linkedin/push", json=maria, headers=headers)).status_code == 200
        await client.post("/api/v1/suggestions/generate", headers=headers)
        [made] = (await client.get("/api/v1/suggestions", headers=headers)).json()["items"]
        # LinkedIn's first-name field says where her first name ends; the full name's first word would cut it.
        assert "María José" in made["message"], made["message"]


async def test_regenerate_is_rate_limited_per_user_and_the_extension_token_works(stack, clock) -> None:
    async with stack.http() as client:
        ada = {"Authorization": f"Bearer {await pair(client, await sign_in(client), clock)}"}  # a paired extension
        assert (await client.post("/api/v1/linkedin/push", json=ADA, headers=ada)).status_code == 200
        await client.post("/api/v1/suggestions/generate", headers=ada)
        made = (await client.get("/api/v1/suggestions", headers=ada)).json()["items"][0]
        path = f"/api/v1/suggestions/{made['id']}/regenerate"
        # Guessing ids counts too: 4 unknown ids, 6 redrafts, then the 11th attempt is refused.
        unknown = "/api/v1/suggestions/0190d6a4-0000-7000-8000-00000000000{}/regenerate"
        guesses = [await client.post(unknown.format(n), headers=ada) for n in range(4)]
        assert [a.status_code for a in guesses] == [404] * 4
        answers = [await client.post(path, headers=ada) for _ in range(7)]
        assert [a.status_code for a in answers] == [200] * 6 + [429]
        assert answers[-1].json()["code"] == "regenerate_rate_limited"
        assert 1 <= int(answers[-1].headers["Retry-After"]) <= 60
        clock.advance(timedelta(minutes=1))
        assert (await client.post(path, headers=ada)).status_code == 200


async def test_bad_requests_are_named(stack, data_dir, clock) -> None:
    ada = {"Authorization": f"Bearer {web_token(data_dir, 'user-ada', clock)}"}
    async with stack.http() as client:
        assert (await client.get("/api/v1/suggestions")).status_code == 401
        status = await client.get("/api/v1/suggestions", params={"status": "maybe"}, headers=ada)
        assert (status.status_code, status.json()["code"]) == (422, "validation_failed")
        big = await client.get("/api/v1/suggestions", params={"limit": 101}, headers=ada)
        assert (big.status_code, big.json()["code"]) == (422, "limit_too_large")
        cursor = await client.get("/api/v1/suggestions", params={"cursor": "garbage"}, headers=ada)
        assert (cursor.status_code, cursor.json()["code"]) == (422, "invalid_page_token")
        nobody = "/api/v1/suggestions/0190d6a4-0000-7000-8000-000000000000"
        missing = await client.patch(nobody, json={"status": "dismissed"}, headers=ada)
        assert (missing.status_code, missing.json()["code"]) == (404, "suggestion_not_found")
        not_an_id = await client.patch("/api/v1/suggestions/generate", json={"status": "dismissed"}, headers=ada)
        assert (not_an_id.status_code, not_an_id.headers["Allow"]) == (405, "POST")
        naive = await client.patch(
            nobody, json={"status": "snoozed", "snooze_until": "2026-02-01T00:00:00"}, headers=ada
        )
        assert (naive.status_code, naive.json()["code"]) == (422, "validation_failed")


CONNECTIONS = (
    "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
    "Grace,Hopper,https://www.linkedin.com/in/grace-hopper,,US Navy,Rear Admiral,15 Dec 2025\n"
    "Alan,Turing,https://www.linkedin.com/in/alan-turing,,Bletchley Park,Cryptanalyst,03 Mar 2019\n"
)


async def test_an_imported_connection_never_messaged_is_suggested(stack, data_dir, clock) -> None:
    ada = {"Authorization": f"Bearer {web_token(data_dir, 'user-ada', clock)}"}
    async with stack.http() as client:
        files = {"file": ("Connections.csv", CONNECTIONS.encode(), "text/csv")}
        accepted = await client.post("/api/v1/contacts/import", files=files, headers=ada)
        assert accepted.status_code == 202, accepted.text
        job = await finished(client, accepted.json()["job_id"], ada)
        assert job["state"] == "done"
        await client.post("/api/v1/suggestions/generate", headers=ada)
        items = (await client.get("/api/v1/suggestions", headers=ada)).json()["items"]
        # Grace connected two weeks ago; Alan in 2019, past the rule's year.
        assert [(i["contact"]["full_name"], i["contact"]["slug"], i["reason"]) for i in items] == [
            (
                "Grace Hopper",
                "grace-hopper",
                {"kind": "new_connection", "text": "Connected on 15 Dec 2025, never messaged"},
            )
        ]
        assert items[0]["message"].startswith("Hi Grace")
        # No conversation to open yet: the card links to the profile, whose Message button opens a composer.
        assert items[0]["contact"]["conversation_url"] is None
        assert items[0]["contact"]["profile_url"] == "https://www.linkedin.com/in/grace-hopper/"

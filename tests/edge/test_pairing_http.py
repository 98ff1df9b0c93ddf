"""Pairing and the extension token's whole life, over HTTP against the real
services, on both backends. Time moves with the injected clock, never sleep."""

from __future__ import annotations

from datetime import timedelta

import grpc
import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pingcrm.contacts.v1 import contacts_service_pb2, contacts_service_pb2_grpc

from pingcrm_common.tokens import ISSUER, load_private_key
from tests.support.tokens import web_token

PASSWORD = "correct horse battery"


async def sign_in(client: httpx.AsyncClient, email: str = "ada@example.com") -> dict[str, str]:
    assert (await client.post("/api/v1/auth/register", json={"email": email, "password": PASSWORD})).status_code == 201
    login = await client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200
    return {"Authorization": f"Bearer {login.json()['access_token']}"}


async def new_code(client: httpx.AsyncClient) -> dict[str, object]:
    response = await client.post("/api/v1/extension/codes")
    assert response.status_code == 201
    return response.json()


async def poll(client: httpx.AsyncClient, code: dict[str, object]) -> httpx.Response:
    return await client.get(
        "/api/v1/extension/pair", params={"code": code["code"]}, headers={"X-Pairing-Secret": code["poll_secret"]}
    )


async def pair(client: httpx.AsyncClient, web: dict[str, str], clock) -> str:
    code = await new_code(client)
    assert (await client.post("/api/v1/extension/pair", json={"code": code["code"]}, headers=web)).status_code == 200
    clock.advance(timedelta(seconds=2))
    collected = await poll(client, code)
    assert collected.status_code == 200
    return collected.json()["token"]


async def test_pair_collect_once_refresh_and_disconnect(stack, clock) -> None:
    async with stack.http() as client:
        web = await sign_in(client)
        me = (await client.get("/api/v1/me", headers=web)).json()
        assert me["email"] == "ada@example.com"
        assert me["linkedin"] == {"paired": False, "paired_at": None, "last_sync_at": None}

        code = await new_code(client)
        assert code["expires_in"] == 600
        pending = await poll(client, code)
        assert pending.status_code == 202
        assert pending.json() == {"status": "pending"}

        typed = f"  {str(code['code']).lower()} "
        claimed = await client.post("/api/v1/extension/pair", json={"code": typed}, headers=web)
        assert claimed.status_code == 200

        clock.advance(timedelta(seconds=2))
        collected = await poll(client, code)
        assert collected.status_code == 200
        body = collected.json()
        assert body["status"] == "paired"
        assert body["api_url"] == stack.edge_url
        token = body["token"]
        assert jwt.decode(token, options={"verify_signature": False})["aud"] == "pingcrm-extension"

        clock.advance(timedelta(seconds=2))
        replay = await poll(client, code)
        assert replay.status_code in (409, 410)
        assert "token" not in replay.json()

        extension = {"Authorization": f"Bearer {token}"}
        status = await client.get("/api/v1/extension/status", headers=extension)
        assert status.status_code == 200
        assert status.json()["email"] == "ada@example.com"
        assert status.json()["paired"] is True
        assert (await client.get("/api/v1/me", headers=web)).json()["linkedin"]["paired"] is True

        # 89 days after expiry the token still renews; the renewed one works.
        clock.advance(timedelta(days=30 + 89))
        assert (await client.get("/api/v1/extension/status", headers=extension)).status_code == 401
        renewed = await client.post("/api/v1/extension/refresh", json={"token": token})
        assert renewed.status_code == 200
        extension = {"Authorization": f"Bearer {renewed.json()['token']}"}
        assert (await client.get("/api/v1/extension/status", headers=extension)).status_code == 200

        login = await client.post("/api/v1/auth/login", json={"email": "ada@example.com", "password": PASSWORD})
        web = {"Authorization": f"Bearer {login.json()['access_token']}"}  # the old web token expired meanwhile
        assert (await client.delete("/api/v1/extension/pair", headers=web)).status_code == 204
        after = await client.get("/api/v1/extension/status", headers=extension)
        assert after.status_code == 401
        assert after.json()["code"] == "session_revoked"
        refused = await client.post("/api/v1/extension/refresh", json={"token": renewed.json()["token"]})
        assert refused.status_code == 401
        assert (await client.get("/api/v1/me", headers=web)).json()["linkedin"]["paired"] is False


async def test_revoked_extension_tokens_are_rejected_by_other_services(stack, clock) -> None:
    async with stack.http() as client:
        web = await sign_in(client)
        token = await pair(client, web, clock)
        assert (
            await client.delete("/api/v1/extension/pair", headers={"Authorization": f"Bearer {token}"})
        ).status_code == 204
    async with grpc.aio.insecure_channel(f"127.0.0.1:{stack.services['contacts'].port}") as channel:
        stub = contacts_service_pb2_grpc.ContactsServiceStub(channel)
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            await stub.GetSyncState(
                contacts_service_pb2.GetSyncStateRequest(), timeout=5, metadata=(("authorization", f"Bearer {token}"),)
            )
    assert raised.value.code() == grpc.StatusCode.UNAUTHENTICATED
    assert raised.value.details() == "extension session revoked"


async def test_a_disconnect_reaches_the_contacts_routes_within_3_seconds(stack, clock) -> None:
    async with stack.http() as client:
        web = await sign_in(client)
        extension = {"Authorization": f"Bearer {await pair(client, web, clock)}"}
        # contacts_service has asked auth about this session and remembers the answer.
        assert (await client.get("/api/v1/contacts", headers=extension)).status_code == 200
        assert (await client.delete("/api/v1/extension/pair", headers=web)).status_code == 204
        clock.advance(timedelta(seconds=3))
        refused = await client.get("/api/v1/contacts", headers=extension)
    assert refused.status_code == 401
    assert refused.json()["code"] == "session_revoked"


async def test_tokens_more_than_90_days_past_expiry_are_not_renewed(stack, clock) -> None:
    async with stack.http() as client:
        token = await pair(client, await sign_in(client), clock)
        clock.advance(timedelta(days=30 + 91))
        refused = await client.post("/api/v1/extension/refresh", json={"token": token})
    assert refused.status_code == 401


async def test_expired_unknown_and_used_codes(stack, clock) -> None:
    async with stack.http() as client:
        web = await sign_in(client)
        unknown = await client.post("/api/v1/extension/pair", json={"code": "PING-ZZZZZZ"}, headers=web)
        assert (unknown.status_code, unknown.json()["code"]) == (404, "pairing_code_not_found")

        used = await new_code(client)
        assert (
            await client.post("/api/v1/extension/pair", json={"code": used["code"]}, headers=web)
        ).status_code == 200
        again = await client.post("/api/v1/extension/pair", json={"code": used["code"]}, headers=web)
        assert (again.status_code, again.json()["code"]) == (409, "pairing_code_used")

        stale = await new_code(client)
        clock.advance(timedelta(minutes=10, seconds=1))
        expired = await client.post("/api/v1/extension/pair", json={"code": stale["code"]}, headers=web)
        assert (expired.status_code, expired.json()["code"]) == (410, "pairing_code_expired")
        assert (await poll(client, stale)).status_code == 410


async def test_wrong_poll_secret_is_403(stack) -> None:
    async with stack.http() as client:
        code = await new_code(client)
        response = await client.get(
            "/api/v1/extension/pair", params={"code": code["code"]}, headers={"X-Pairing-Secret": "guess"}
        )
    assert (response.status_code, response.json()["code"]) == (403, "wrong_poll_secret")


async def test_guessing_codes_is_rate_limited(stack) -> None:
    async with stack.http() as client:
        web = await sign_in(client)
        statuses = []
        for attempt in range(30):
            response = await client.post(
                "/api/v1/extension/pair", json={"code": f"PING-AAAA{attempt:02d}"}, headers=web
            )
            statuses.append(response.status_code)
            if response.status_code == 429:
                break
    assert statuses[-1] == 429, statuses
    assert set(statuses[:-1]) == {404}
    assert int(response.headers["Retry-After"]) > 0
    assert response.json()["code"] == "too_many_pairing_attempts"


def _bad_tokens(data_dir, clock) -> dict[str, str]:
    now = clock.now()
    claims = {"sub": "user-1", "aud": "pingcrm-extension", "iss": ISSUER, "iat": now, "exp": now + timedelta(days=1)}
    unsigned = jwt.encode(claims, key=None, algorithm="none")
    return {
        "alg none": unsigned,
        "another key": jwt.encode(claims, Ed25519PrivateKey.generate(), algorithm="EdDSA"),
        "hmac with the public key": jwt.encode(
            claims, (data_dir / "keys" / "jwt-public.pem").read_bytes().decode()[:40], algorithm="HS256"
        ),
        "web audience": web_token(data_dir, "user-1", clock),
        "garbage": "not-a-token",
        "right key, unknown session": jwt.encode(
            {**claims, "sid": "no-such-session"}, load_private_key(data_dir / "keys" / "jwt-private.pem"), "EdDSA"
        ),
    }


async def test_forged_and_foreign_tokens_are_401(stack, data_dir, clock) -> None:
    async with stack.http() as client:
        for name, token in _bad_tokens(data_dir, clock).items():
            refresh = await client.post("/api/v1/extension/refresh", json={"token": token})
            assert refresh.status_code == 401, name
            if name != "web audience":
                status = await client.get("/api/v1/extension/status", headers={"Authorization": f"Bearer {token}"})
                assert status.status_code == 401, name


async def test_audiences_are_kept_apart(stack, clock) -> None:
    async with stack.http() as client:
        web = await sign_in(client)
        token = await pair(client, web, clock)
        extension = {"Authorization": f"Bearer {token}"}
        code = await new_code(client)
        response = await client.post("/api/v1/extension/pair", json={"code": code["code"]}, headers=extension)
    assert (response.status_code, response.json()["code"]) == (403, "wrong_audience")

"""PostgreSQL and Redis lost, hung and back, under the whole stack (in this test's event loop).

The services reach a fresh PostgreSQL database through a TCP proxy the test
cuts and freezes, and a private redis-server the test kills, stops (SIGSTOP)
and starts again; the machine's shared servers are never touched. What a user
must see: answers that are 2xx or 503 naming the service (never 500), with
Retry-After; `/readyz` naming the service and what it cannot reach; no
acknowledged message lost; everything back by itself within 15 s.
"""

from __future__ import annotations

import logging
import time

import grpc
import pytest
from fault_harness import RECOVERS_WITHIN_SECONDS, PushStream, push_body, sign_in, stored_message_urns, through, within
from pingcrm.contacts.v1 import contacts_service_pb2, contacts_service_pb2_grpc

from pingcrm_common.clock import SystemClock
from pingcrm_common.metrics import RPC_REQUESTS
from tests.support.private_redis import private_redis
from tests.support.stack import start_stack
from tests.support.tcp_proxy import TcpProxy
from tests.support.tokens import web_token

SERVICES = ["auth", "contacts", "media", "suggestions"]


@pytest.fixture
def proxy():  # type: ignore[no-untyped-def]
    with TcpProxy("127.0.0.1", 5432) as running:
        yield running


@pytest.fixture
def redis(tmp_path):  # type: ignore[no-untyped-def]
    server = private_redis(tmp_path)
    yield server
    server.stop()


@pytest.fixture
async def stack(data_dir, postgres_url, proxy, redis):  # type: ignore[no-untyped-def]
    # The system clock: the dependency watcher and the pushes' times are real here.
    running = await start_stack(data_dir, database_url=through(postgres_url, proxy.port), redis_url=redis.url)
    yield running
    await running.close()


async def _ready(client) -> bool:  # type: ignore[no-untyped-def]
    return (await client.get("/readyz")).status_code == 200


async def test_postgresql_cut_during_pushes_answers_503_and_loses_nothing(stack, proxy, postgres_url) -> None:
    async with stack.http() as client:
        stream = PushStream(client, await sign_in(client))
        stream.start()
        await within(10, lambda: stream.acknowledged_more_than(5), "pushes before the cut")

        proxy.cut()
        await within(10, stream.has_failed, "a push failing during the cut")

        async def readiness_names_the_database() -> bool:
            ready = await client.get("/readyz")
            body = ready.json()
            return ready.status_code == 503 and body.get("unreachable") == {name: ["database"] for name in SERVICES}

        await within(10, readiness_names_the_database, "/readyz naming every service's database")
        assert sorted((await client.get("/readyz")).json()["failing"]) == SERVICES

        proxy.restore()
        restored_at = time.monotonic()
        before = len(stream.acknowledged)
        await within(RECOVERS_WITHIN_SECONDS, lambda: stream.acknowledged_more_than(before), "a push after the cut")
        await within(RECOVERS_WITHIN_SECONDS, lambda: _ready(client), "/readyz after the cut")
        assert time.monotonic() - restored_at <= RECOVERS_WITHIN_SECONDS
        await stream.stop()

    assert set(stream.statuses()) <= {200, 503}, stream.statuses()
    for failure in stream.failures():
        assert failure.service == "contacts"
        assert failure.code == "database_unavailable"
        assert failure.detail == (
            "the contacts service is unavailable: its database cannot be reached right now; try again shortly"
        )
    assert stream.acknowledged <= await stored_message_urns(postgres_url)


async def test_a_hung_postgresql_answers_503_before_the_edge_gives_up(stack, proxy) -> None:
    async with stack.http() as client:
        headers = await sign_in(client)
        proxy.freeze()
        body, _ = push_body(1)
        started = time.monotonic()
        response = await client.post("/api/v1/linkedin/push", json=body, headers=headers)
        elapsed = time.monotonic() - started
        assert response.status_code == 503, response.text
        assert response.json()["code"] == "database_unavailable"
        assert response.json()["service"] == "contacts"
        assert int(response.headers["retry-after"]) >= 1
        assert elapsed < stack.edge_settings.rpc_timeout_seconds  # the service answered, not the edge's deadline

        proxy.restore()
        await within(RECOVERS_WITHIN_SECONDS, lambda: _ready(client), "/readyz after the freeze")
        again = await client.post("/api/v1/linkedin/push", json=body, headers=headers)
        assert again.status_code == 200


async def test_a_call_cut_off_at_its_deadline_is_logged_and_counted_as_such(
    stack, proxy, data_dir, postgres_url, caplog
) -> None:
    method = "/pingcrm.contacts.v1.ContactsService/PushLinkedIn"
    counted = RPC_REQUESTS.labels(method, "DEADLINE_EXCEEDED")._value.get()
    token = web_token(data_dir, "user-deadline", SystemClock())
    body, urns = push_body(7)
    request = contacts_service_pb2.PushLinkedInRequest(
        conversations=[
            contacts_service_pb2.PushedConversation(
                urn=body["conversations"][0]["urn"],
                partner=contacts_service_pb2.PushedPartner(
                    identity=contacts_service_pb2.LinkedInIdentity(member_id="ACoDeadline")
                ),
                messages=[contacts_service_pb2.PushedMessage(urn=urn, text="x") for urn in urns],
            )
        ]
    )
    proxy.freeze()
    caplog.set_level(logging.INFO, logger="pingcrm.rpc")
    async with grpc.aio.insecure_channel(f"127.0.0.1:{stack.services['contacts'].port}") as channel:
        stub = contacts_service_pb2_grpc.ContactsServiceStub(channel)
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            await stub.PushLinkedIn(request, timeout=0.6, metadata=(("authorization", f"Bearer {token}"),))
    assert raised.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED

    async def logged() -> bool:
        return any(getattr(record, "method", None) == method for record in caplog.records)

    await within(5, logged, "the service's log line of the call")
    line = next(record for record in caplog.records if getattr(record, "method", None) == method)
    assert line.status == "DEADLINE_EXCEEDED"  # type: ignore[attr-defined]
    assert RPC_REQUESTS.labels(method, "DEADLINE_EXCEEDED")._value.get() == counted + 1
    proxy.restore()
    assert not set(urns) & await stored_message_urns(postgres_url)


async def test_redis_gone_makes_sign_in_503_naming_auth_while_pushes_go_on(stack, redis) -> None:
    async with stack.http() as client:
        headers = await sign_in(client)
        redis.stop()
        login = await client.post("/api/v1/auth/login", json={"email": "ada@example.com", "password": "x" * 12})
        assert login.status_code == 503
        assert login.json()["code"] == "redis_unavailable"
        assert login.json()["service"] == "auth"
        assert login.json()["detail"] == (
            "the auth service is unavailable: its redis cannot be reached right now; try again shortly"
        )
        assert int(login.headers["retry-after"]) >= 1
        code = await client.post("/api/v1/extension/codes")
        assert (code.status_code, code.json()["code"]) == (503, "redis_unavailable")

        async def readiness_names_redis() -> bool:
            ready = await client.get("/readyz")
            return ready.status_code == 503 and ready.json().get("unreachable") == {"auth": ["redis"]}

        await within(10, readiness_names_redis, "/readyz naming auth's Redis")
        assert (await client.get("/readyz")).json()["failing"] == ["auth"]
        # Pushes need no Redis.
        body, _ = push_body(1)
        assert (await client.post("/api/v1/linkedin/push", json=body, headers=headers)).status_code == 200

        redis.start()
        await within(RECOVERS_WITHIN_SECONDS, lambda: _ready(client), "/readyz after Redis came back")
        created = await client.post("/api/v1/extension/codes")
        assert created.status_code == 201


async def test_a_hung_redis_answers_503_within_2_seconds(stack, redis) -> None:
    async with stack.http() as client:
        await sign_in(client)
        redis.freeze()
        started = time.monotonic()
        login = await client.post("/api/v1/auth/login", json={"email": "ada@example.com", "password": "x" * 12})
        elapsed = time.monotonic() - started
        assert (login.status_code, login.json()["code"]) == (503, "redis_unavailable")
        assert elapsed < 2.5, f"waited {elapsed:.1f} s on a hung Redis"
        redis.thaw()
        await within(RECOVERS_WITHIN_SECONDS, lambda: _ready(client), "/readyz after Redis answered again")
        assert (await client.post("/api/v1/extension/codes")).status_code == 201

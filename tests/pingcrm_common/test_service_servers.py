"""Every service: health SERVING on its own port, reflection lists it, and the
shared interceptor's behaviour callers notice (auth errors, UNIMPLEMENTED,
request ids, one log line per call, graceful drain)."""

from __future__ import annotations

import json
import logging

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc
from pingcrm.contacts.v1 import contacts_service_pb2, contacts_service_pb2_grpc
from pingcrm.suggestions.v1 import suggestions_service_pb2, suggestions_service_pb2_grpc

from pingcrm_common.logs import JsonFormatter
from tests.support.tokens import web_token

SERVICES = {
    "auth": "pingcrm.auth.v1.AuthService",
    "contacts": "pingcrm.contacts.v1.ContactsService",
    "suggestions": "pingcrm.suggestions.v1.SuggestionsService",
    "media": "pingcrm.media.v1.MediaService",
}


async def _reflected_services(channel: grpc.aio.Channel) -> set[str]:
    stub = reflection_pb2_grpc.ServerReflectionStub(channel)
    request = reflection_pb2.ServerReflectionRequest(list_services="")
    async for response in stub.ServerReflectionInfo(iter([request]), timeout=5):
        return {service.name for service in response.list_services_response.service}
    return set()


@pytest.mark.parametrize("name", SERVICES)
async def test_service_is_healthy_and_reflects_itself(stack, name: str) -> None:
    port = stack.services[name].port
    assert port not in {other.port for key, other in stack.services.items() if key != name}
    async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
        health = health_pb2_grpc.HealthStub(channel)
        for service in ("", SERVICES[name]):
            response = await health.Check(health_pb2.HealthCheckRequest(service=service), timeout=5)
            assert response.status == health_pb2.HealthCheckResponse.SERVING
        reflected = await _reflected_services(channel)
    assert SERVICES[name] in reflected
    assert "grpc.health.v1.Health" in reflected


async def test_calls_without_a_token_are_unauthenticated(stack) -> None:
    async with grpc.aio.insecure_channel(f"127.0.0.1:{stack.services['contacts'].port}") as channel:
        stub = contacts_service_pb2_grpc.ContactsServiceStub(channel)
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            await stub.ListContacts(contacts_service_pb2.ListContactsRequest(), timeout=5)
    assert raised.value.code() == grpc.StatusCode.UNAUTHENTICATED
    assert raised.value.details() == "missing bearer token"
    assert ("pingcrm-error-code", "missing_token") in tuple(raised.value.trailing_metadata())


@pytest.mark.parametrize("token", ["garbage", "a.b.c"])
async def test_garbage_tokens_are_unauthenticated(stack, token: str) -> None:
    async with grpc.aio.insecure_channel(f"127.0.0.1:{stack.services['contacts'].port}") as channel:
        stub = contacts_service_pb2_grpc.ContactsServiceStub(channel)
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            await stub.GetSyncState(
                contacts_service_pb2.GetSyncStateRequest(), timeout=5, metadata=(("authorization", f"Bearer {token}"),)
            )
    assert raised.value.code() == grpc.StatusCode.UNAUTHENTICATED
    assert raised.value.details().startswith("invalid token")


async def test_unwritten_rpcs_answer_unimplemented_honestly(stack, data_dir, clock) -> None:
    token = web_token(data_dir, "user-1", clock)
    async with grpc.aio.insecure_channel(f"127.0.0.1:{stack.services['suggestions'].port}") as channel:
        stub = suggestions_service_pb2_grpc.SuggestionsServiceStub(channel)
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            await stub.ListSuggestions(
                suggestions_service_pb2.ListSuggestionsRequest(),
                timeout=5,
                metadata=(("authorization", f"Bearer {token}"),),
            )
    assert raised.value.code() == grpc.StatusCode.UNIMPLEMENTED
    assert raised.value.details() == "/pingcrm.suggestions.v1.SuggestionsService/ListSuggestions is not implemented yet"


async def test_one_json_log_line_per_call_with_the_callers_request_id(stack, data_dir, clock, caplog) -> None:
    token = web_token(data_dir, "user-7", clock)
    caplog.set_level(logging.INFO, logger="pingcrm.rpc")
    async with grpc.aio.insecure_channel(f"127.0.0.1:{stack.services['contacts'].port}") as channel:
        stub = contacts_service_pb2_grpc.ContactsServiceStub(channel)
        response = await stub.GetSyncState(
            contacts_service_pb2.GetSyncStateRequest(),
            timeout=5,
            metadata=(("authorization", f"Bearer {token}"), ("x-request-id", "req-abc-123")),
        )
    assert response.contacts_count == 0
    lines = [json.loads(JsonFormatter("contacts").format(r)) for r in caplog.records if r.name == "pingcrm.rpc"]
    assert len(lines) == 1
    assert lines[0]["method"] == "/pingcrm.contacts.v1.ContactsService/GetSyncState"
    assert lines[0]["status"] == "OK"
    assert lines[0]["request_id"] == "req-abc-123"
    assert lines[0]["user_id"] == "user-7"
    assert token not in json.dumps(lines[0])


async def test_graceful_shutdown_reports_not_serving_before_stopping(stack) -> None:
    running = stack.services["media"]
    async with grpc.aio.insecure_channel(f"127.0.0.1:{running.port}") as channel:
        health = health_pb2_grpc.HealthStub(channel)
        await running.health.enter_graceful_shutdown()
        response = await health.Check(health_pb2.HealthCheckRequest(service=""), timeout=5)
        assert response.status == health_pb2.HealthCheckResponse.NOT_SERVING
    await stack.stop_service("media")

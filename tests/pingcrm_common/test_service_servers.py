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

from pingcrm_common.grpc_server import ServiceRegistration, start_server
from pingcrm_common.logs import JsonFormatter
from pingcrm_common.tokens import TokenVerifier, load_public_key
from suggestions_service import server as suggestions_server
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


async def test_unwritten_rpcs_answer_unimplemented_honestly(data_dir, clock) -> None:
    # A servicer that writes none of its RPCs (the generated base class), as a service under construction has.
    verifier = TokenVerifier(load_public_key(data_dir / "keys" / "jwt-public.pem"), clock)
    registration = ServiceRegistration(
        suggestions_server.DESCRIPTOR,
        suggestions_service_pb2_grpc.SuggestionsServiceServicer(),
        suggestions_service_pb2_grpc.add_SuggestionsServiceServicer_to_server,
        suggestions_server.POLICY,
    )
    running = await start_server(
        [registration], host="127.0.0.1", port=0, verifier=verifier, max_connection_age_seconds=300
    )
    token = web_token(data_dir, "user-1", clock)
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{running.port}") as channel:
            stub = suggestions_service_pb2_grpc.SuggestionsServiceStub(channel)
            with pytest.raises(grpc.aio.AioRpcError) as raised:
                await stub.ListSuggestions(
                    suggestions_service_pb2.ListSuggestionsRequest(),
                    timeout=5,
                    metadata=(("authorization", f"Bearer {token}"),),
                )
    finally:
        await running.shutdown(0.5)
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
    # The stack's own background calls (suggestions_service reading the activity feed) log lines too:
    # this call is the one with the caller's request id, and it logs exactly one.
    logged = [json.loads(JsonFormatter("contacts").format(r)) for r in caplog.records if r.name == "pingcrm.rpc"]
    lines = [line for line in logged if line.get("request_id") == "req-abc-123"]
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


async def _chunks(*pieces: bytes):
    first, *rest = pieces
    yield contacts_service_pb2.ImportChunk(filename="Connections.csv", data=first)
    for piece in rest:
        yield contacts_service_pb2.ImportChunk(data=piece)


CONNECTIONS = b"First Name,Last Name,URL\nAda,Quintero,https://www.linkedin.com/in/ada-quintero\n"


async def test_a_client_stream_gets_the_interceptors_request_id_log_line_and_error_mapping(
    stack, data_dir, clock, caplog
) -> None:
    from pingcrm_common.metrics import RPC_REQUESTS

    upload = "/pingcrm.contacts.v1.ContactsService/UploadImport"
    counted = {status: RPC_REQUESTS.labels(upload, status)._value.get() for status in ("OK", "INVALID_ARGUMENT")}
    token = web_token(data_dir, "user-7", clock)
    caplog.set_level(logging.INFO, logger="pingcrm.rpc")
    metadata = (("authorization", f"Bearer {token}"), ("x-request-id", "req-upload-1"))
    async with grpc.aio.insecure_channel(f"127.0.0.1:{stack.services['contacts'].port}") as channel:
        stub = contacts_service_pb2_grpc.ContactsServiceStub(channel)
        job = await stub.UploadImport(_chunks(CONNECTIONS[:10], CONNECTIONS[10:]), timeout=5, metadata=metadata)
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await stub.UploadImport(_chunks(b"Date,Amount\n", b"2024-03-01,1.00\n"), timeout=5, metadata=metadata)
        with pytest.raises(grpc.aio.AioRpcError) as unsigned:
            await stub.UploadImport(_chunks(CONNECTIONS), timeout=5)
    assert job.kind == contacts_service_pb2.IMPORT_KIND_CONNECTIONS
    # A domain refusal raised while the stream is read: the status, the details and the stable code.
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert refused.value.details().startswith("this is not a LinkedIn export")
    assert ("pingcrm-error-code", "not_a_linkedin_export") in tuple(refused.value.trailing_metadata())
    # The token is checked before a message is read.
    assert unsigned.value.code() == grpc.StatusCode.UNAUTHENTICATED
    assert unsigned.value.details() == "missing bearer token"
    lines = [json.loads(JsonFormatter("contacts").format(r)) for r in caplog.records if r.name == "pingcrm.rpc"]
    uploads = [line for line in lines if line["method"] == upload]
    assert [(line["status"], line["request_id"], line["user_id"]) for line in uploads] == [
        ("OK", "req-upload-1", "user-7"),
        ("INVALID_ARGUMENT", "req-upload-1", "user-7"),
        ("UNAUTHENTICATED", uploads[2]["request_id"], None),
    ]
    assert token not in json.dumps(uploads)
    now = {status: RPC_REQUESTS.labels(upload, status)._value.get() for status in counted}
    assert {status: now[status] - counted[status] for status in counted} == {"OK": 1, "INVALID_ARGUMENT": 1}


def test_a_service_with_a_streamed_answer_is_refused_at_start() -> None:
    from grpc_health.v1 import health_pb2 as health

    from pingcrm_common.interceptors import ANY_USER, access_policy

    descriptor = health.DESCRIPTOR.services_by_name["Health"]  # Watch answers with a stream
    with pytest.raises(ValueError) as refused:
        access_policy(descriptor, {"Check": ANY_USER, "Watch": ANY_USER})
    assert str(refused.value) == "grpc.health.v1.Health: the interceptor does not wrap streamed answers: ['Watch']"

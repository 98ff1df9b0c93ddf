"""Callers retry only what the protos mark as free of side effects.

The edge and every service open their channels with
`pingcrm_common.grpc_client.open_channel`, whose retry policy comes from the
service descriptor: RPCs marked `option idempotency_level = NO_SIDE_EFFECTS;` (or `IDEMPOTENT`)
are retried on UNAVAILABLE, nothing else is. What a user would notice if
this broke: a push (or a pairing claim) stored twice after a service
restart, or a contacts page failing on a blip that a retry would hide.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import grpc
import pytest
from pingcrm.auth.v1 import auth_service_pb2
from pingcrm.contacts.v1 import contacts_service_pb2 as pb
from pingcrm.contacts.v1 import contacts_service_pb2_grpc
from pingcrm.media.v1 import media_service_pb2
from pingcrm.suggestions.v1 import suggestions_service_pb2

from pingcrm_common.grpc_client import open_channel, service_config

PROTOS = Path(__file__).resolve().parents[2] / "protos"
SERVICES = [
    auth_service_pb2.DESCRIPTOR.services_by_name["AuthService"],
    pb.DESCRIPTOR.services_by_name["ContactsService"],
    media_service_pb2.DESCRIPTOR.services_by_name["MediaService"],
    suggestions_service_pb2.DESCRIPTOR.services_by_name["SuggestionsService"],
]
CONTACTS = SERVICES[1]
# An rpc with a body holding the option; read from the .proto source, not from the descriptor.
MARKED_RPC = re.compile(
    r"rpc (\w+)\([^)]*\)\s*returns\s*\([^)]*\)\s*\{[^}]*idempotency_level\s*=\s*(?:NO_SIDE_EFFECTS|IDEMPOTENT)"
)


def _marked_in_source(service_name: str) -> set[str]:
    for proto in PROTOS.rglob("*.proto"):
        text = proto.read_text()
        if re.search(rf"^service {service_name} \{{", text, re.MULTILINE):
            return set(MARKED_RPC.findall(text))
    raise AssertionError(f"no .proto declares {service_name}")


def _retried(descriptor) -> set[str]:
    config = json.loads(service_config(descriptor))
    names = {
        entry["method"]
        for method_config in config.get("methodConfig", [])
        if method_config["retryPolicy"]["retryableStatusCodes"] == ["UNAVAILABLE"]
        for entry in method_config["name"]
    }
    assert all(
        entry["service"] == descriptor.full_name
        for method_config in config.get("methodConfig", [])
        for entry in method_config["name"]
    )
    return names


@pytest.mark.parametrize("descriptor", SERVICES, ids=lambda d: d.name)
def test_the_retry_policy_names_exactly_the_rpcs_the_proto_marks(descriptor) -> None:
    assert _retried(descriptor) == _marked_in_source(descriptor.name)


def test_reads_are_marked_and_writes_are_not() -> None:
    assert _retried(CONTACTS) == {
        "ListContacts",
        "GetContact",
        "FindContactByLinkedIn",
        "ListBackfillCandidates",
        "GetSyncState",
        "ListIncompleteConversations",
        "ReadActivity",
        "GetImport",
        "ListImports",
    }
    assert _retried(SERVICES[0]) == {"GetCurrentUser", "CheckSession"}


class _FailsOnceThenAnswers(contacts_service_pb2_grpc.ContactsServiceServicer):
    """Answers UNAVAILABLE to the first call of each RPC, as a restarting replica would."""

    def __init__(self) -> None:
        self.calls: dict[str, int] = {}

    async def _count(self, name: str, context: grpc.aio.ServicerContext) -> None:
        self.calls[name] = self.calls.get(name, 0) + 1
        if self.calls[name] == 1:
            await context.abort(grpc.StatusCode.UNAVAILABLE, f"{name}: replica restarting")

    async def GetSyncState(self, request: pb.GetSyncStateRequest, context) -> pb.GetSyncStateResponse:
        await self._count("GetSyncState", context)
        return pb.GetSyncStateResponse(contacts_count=7)

    async def PushLinkedIn(self, request: pb.PushLinkedInRequest, context) -> pb.PushLinkedInResponse:
        await self._count("PushLinkedIn", context)
        return pb.PushLinkedInResponse(contacts_created=1)


@pytest.fixture
async def restarting_contacts():
    """A real ContactsService that fails each RPC's first call, behind a channel opened as the edge opens its own."""
    servicer = _FailsOnceThenAnswers()
    server = grpc.aio.server()
    contacts_service_pb2_grpc.add_ContactsServiceServicer_to_server(servicer, server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    try:
        async with open_channel(f"127.0.0.1:{port}", CONTACTS) as channel:
            yield servicer, contacts_service_pb2_grpc.ContactsServiceStub(channel)
    finally:
        await server.stop(None)


async def test_a_marked_read_is_retried_after_unavailable(restarting_contacts) -> None:
    servicer, stub = restarting_contacts
    answer = await stub.GetSyncState(pb.GetSyncStateRequest(), timeout=10)
    assert answer.contacts_count == 7
    assert servicer.calls == {"GetSyncState": 2}


async def test_a_push_is_not_retried_after_unavailable(restarting_contacts) -> None:
    servicer, stub = restarting_contacts
    with pytest.raises(grpc.aio.AioRpcError) as failed:
        await stub.PushLinkedIn(pb.PushLinkedInRequest(), timeout=10)
    assert failed.value.code() == grpc.StatusCode.UNAVAILABLE
    assert failed.value.details() == "PushLinkedIn: replica restarting"
    assert servicer.calls == {"PushLinkedIn": 1}

"""Service tokens: a service calling another in the background, for a user.

A real grpc.aio server with PingCRM's interceptor hosts a servicer whose
methods are open to exactly one calling service, to users, or to both; the
tests call it the way contacts_service's photo worker and
suggestions_service's feed consumer will.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import grpc
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pingcrm.media.v1 import media_service_pb2 as pb
from pingcrm.media.v1 import media_service_pb2_grpc

from pingcrm_common.clock import FrozenClock
from pingcrm_common.grpc_server import ServiceRegistration, start_server
from pingcrm_common.interceptors import ANY_USER, access_policy, from_services
from pingcrm_common.service_tokens import SERVICE_TOKEN_LIFETIME, ServiceTokens
from pingcrm_common.tokens import Caller, TokenVerifier, load_private_key, load_public_key, require_caller
from tests.support.tokens import web_token

DESCRIPTOR = pb.DESCRIPTOR.services_by_name["MediaService"]


class RecordingMedia(media_service_pb2_grpc.MediaServiceServicer):
    """Answers with who called, so tests see what the interceptor proved."""

    def __init__(self) -> None:
        self.callers: list[Caller] = []

    async def FetchAvatar(self, request: pb.FetchAvatarRequest, context: object) -> pb.FetchAvatarResponse:
        self.callers.append(require_caller())
        return pb.FetchAvatarResponse()

    async def GetAvatar(self, request: pb.GetAvatarRequest, context: object) -> pb.GetAvatarResponse:
        self.callers.append(require_caller())
        return pb.GetAvatarResponse()


@pytest.fixture
async def media(
    data_dir: Path, clock: FrozenClock
) -> AsyncIterator[tuple[media_service_pb2_grpc.MediaServiceStub, RecordingMedia]]:
    servicer = RecordingMedia()
    policy = access_policy(
        DESCRIPTOR,
        {
            "FetchAvatar": from_services("contacts"),
            "StoreAvatar": ANY_USER,
            "GetAvatar": ANY_USER | from_services("contacts"),
        },
    )
    verifier = TokenVerifier(
        load_public_key(data_dir / "keys" / "jwt-public.pem"),
        clock,
        service_public_key=load_public_key(data_dir / "keys" / "service-public.pem"),
    )
    running = await start_server(
        [ServiceRegistration(DESCRIPTOR, servicer, media_service_pb2_grpc.add_MediaServiceServicer_to_server, policy)],
        host="127.0.0.1",
        port=0,
        verifier=verifier,
        max_connection_age_seconds=300,
    )
    async with grpc.aio.insecure_channel(f"127.0.0.1:{running.port}") as channel:
        yield media_service_pb2_grpc.MediaServiceStub(channel), servicer
    await running.shutdown(0.5)


def _tokens(data_dir: Path, service: str, clock: FrozenClock) -> ServiceTokens:
    return ServiceTokens(load_private_key(data_dir / "keys" / "service-private.pem"), service, clock)


async def _refused(call) -> grpc.aio.AioRpcError:
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await call
    return raised.value


async def test_a_named_service_calls_for_a_user(media, data_dir: Path, clock: FrozenClock) -> None:
    stub, servicer = media
    metadata = _tokens(data_dir, "contacts", clock).metadata("user-1")
    await stub.FetchAvatar(pb.FetchAvatarRequest(), timeout=5, metadata=metadata)
    assert servicer.callers[-1].user_id == "user-1"
    assert servicer.callers[-1].audience == "pingcrm-service:contacts"
    assert servicer.callers[-1].session_id is None


async def test_another_service_is_refused(media, data_dir: Path, clock: FrozenClock) -> None:
    stub, servicer = media
    metadata = _tokens(data_dir, "suggestions", clock).metadata("user-1")
    error = await _refused(stub.FetchAvatar(pb.FetchAvatarRequest(), timeout=5, metadata=metadata))
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    assert error.details() == "a pingcrm-service:suggestions token may not call this method"
    assert servicer.callers == []


async def test_a_user_token_cannot_call_a_service_only_method(media, data_dir: Path, clock: FrozenClock) -> None:
    stub, _ = media
    metadata = (("authorization", f"Bearer {web_token(data_dir, 'user-1', clock)}"),)
    error = await _refused(stub.FetchAvatar(pb.FetchAvatarRequest(), timeout=5, metadata=metadata))
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    assert ("pingcrm-error-code", "wrong_audience") in tuple(error.trailing_metadata())


async def test_users_and_the_service_share_a_method_open_to_both(media, data_dir: Path, clock: FrozenClock) -> None:
    stub, servicer = media
    user = (("authorization", f"Bearer {web_token(data_dir, 'user-2', clock)}"),)
    await stub.GetAvatar(pb.GetAvatarRequest(), timeout=5, metadata=user)
    await stub.GetAvatar(
        pb.GetAvatarRequest(), timeout=5, metadata=_tokens(data_dir, "contacts", clock).metadata("user-3")
    )
    assert [(c.user_id, c.audience) for c in servicer.callers] == [
        ("user-2", "pingcrm-web"),
        ("user-3", "pingcrm-service:contacts"),
    ]


async def test_an_expired_service_token_is_refused(media, data_dir: Path, clock: FrozenClock) -> None:
    stub, _ = media
    metadata = _tokens(data_dir, "contacts", clock).metadata("user-1")
    await stub.FetchAvatar(pb.FetchAvatarRequest(), timeout=5, metadata=metadata)  # accepted (and kept) while valid
    clock.advance(SERVICE_TOKEN_LIFETIME + timedelta(seconds=1))
    error = await _refused(stub.FetchAvatar(pb.FetchAvatarRequest(), timeout=5, metadata=metadata))
    assert error.code() == grpc.StatusCode.UNAUTHENTICATED
    assert error.details() == "service token expired"


async def test_a_service_token_signed_by_another_key_is_refused(media, clock: FrozenClock) -> None:
    stub, _ = media
    metadata = ServiceTokens(Ed25519PrivateKey.generate(), "contacts", clock).metadata("user-1")
    error = await _refused(stub.FetchAvatar(pb.FetchAvatarRequest(), timeout=5, metadata=metadata))
    assert error.code() == grpc.StatusCode.UNAUTHENTICATED
    assert error.details().startswith("invalid service token: ")
    assert ("pingcrm-error-code", "invalid_token") in tuple(error.trailing_metadata())


@pytest.mark.parametrize("backend", ["embedded"], indirect=True)
async def test_the_edge_refuses_service_tokens(stack, data_dir: Path, clock: FrozenClock) -> None:
    token = _tokens(data_dir, "contacts", clock).token("user-1")
    async with stack.http() as http:
        response = await http.get("/api/v1/contacts", headers={"authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"

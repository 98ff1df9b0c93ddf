"""Request dependencies: service stubs, the verified caller, RPC call options.

All are `async def`, though none awaits: FastAPI runs a plain `def`
dependency in a worker thread, a thread hop per dependency per request.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

import grpc
from fastapi import Depends, Header, Request
from google.protobuf.message import Message
from pingcrm.auth.v1 import auth_service_pb2_grpc
from pingcrm.contacts.v1 import contacts_service_pb2_grpc
from pingcrm.media.v1 import media_service_pb2_grpc
from pingcrm.suggestions.v1 import suggestions_service_pb2_grpc

from edge.clients import ServiceClients
from edge.grpc_status import ServiceCallFailed
from edge.settings import EdgeSettings
from pingcrm_common.errors import PermissionDenied, Unauthenticated
from pingcrm_common.grpc_client import call_metadata
from pingcrm_common.tokens import EXTENSION_AUDIENCE, WEB_AUDIENCE, Caller, TokenVerifier, bearer_token

Response = TypeVar("Response")


async def get_settings(request: Request) -> EdgeSettings:
    settings: EdgeSettings = request.app.state.settings
    return settings


async def get_clients(request: Request) -> ServiceClients:
    clients: ServiceClients = request.app.state.clients
    return clients


async def get_auth_stub(
    clients: Annotated[ServiceClients, Depends(get_clients)],
) -> auth_service_pb2_grpc.AuthServiceStub:
    return clients.auth


async def get_contacts_stub(
    clients: Annotated[ServiceClients, Depends(get_clients)],
) -> contacts_service_pb2_grpc.ContactsServiceStub:
    return clients.contacts


async def get_media_stub(
    clients: Annotated[ServiceClients, Depends(get_clients)],
) -> media_service_pb2_grpc.MediaServiceStub:
    return clients.media


async def get_suggestions_stub(
    clients: Annotated[ServiceClients, Depends(get_clients)],
) -> suggestions_service_pb2_grpc.SuggestionsServiceStub:
    return clients.suggestions


Settings = Annotated[EdgeSettings, Depends(get_settings)]
Clients = Annotated[ServiceClients, Depends(get_clients)]
AuthStub = Annotated[auth_service_pb2_grpc.AuthServiceStub, Depends(get_auth_stub)]
ContactsStub = Annotated[contacts_service_pb2_grpc.ContactsServiceStub, Depends(get_contacts_stub)]
MediaStub = Annotated[media_service_pb2_grpc.MediaServiceStub, Depends(get_media_stub)]
SuggestionsStub = Annotated[suggestions_service_pb2_grpc.SuggestionsServiceStub, Depends(get_suggestions_stub)]


async def client_ip(request: Request) -> str:
    return request.client.host if request.client else ""


ClientIp = Annotated[str, Depends(client_ip)]


class Rpc:
    """Calls a service on behalf of this request: the caller's token and the
    request id travel as metadata, and every call has the edge's deadline.
    A failure names the service it came from (503/504 answers say which)."""

    def __init__(self, http_request: Request, timeout: float) -> None:
        self._http_request = http_request
        self._timeout = timeout

    async def __call__(self, method: Callable[..., Awaitable[Response]], request: Message) -> Response:
        # The caller dependency stored the verified token; public routes have none.
        token = getattr(self._http_request.state, "token", None)
        try:
            return await method(request, timeout=self._timeout, metadata=call_metadata(token))
        except grpc.aio.AioRpcError as error:
            raise ServiceCallFailed(service_of(request), error) from error


def service_of(request: Message) -> str:
    """The service a request message belongs to: `pingcrm.contacts.v1` → `contacts`."""
    return request.DESCRIPTOR.file.package.split(".")[1]


def _verified_caller(audiences: frozenset[str]) -> Callable[..., Awaitable[Caller]]:
    async def dependency(
        request: Request, authorization: Annotated[str | None, Header(include_in_schema=False)] = None
    ) -> Caller:
        token = bearer_token(authorization)
        if token is None:
            raise Unauthenticated("missing bearer token", code="missing_token")
        verifier: TokenVerifier = request.app.state.verifier
        caller = verifier.verify(token, {WEB_AUDIENCE, EXTENSION_AUDIENCE})
        if caller.audience not in audiences:
            raise PermissionDenied(f"a {caller.audience} token may not call this endpoint", code="wrong_audience")
        request.state.token = token
        return caller

    return dependency


WebUser = Annotated[Caller, Depends(_verified_caller(frozenset({WEB_AUDIENCE})))]
AnyUser = Annotated[Caller, Depends(_verified_caller(frozenset({WEB_AUDIENCE, EXTENSION_AUDIENCE})))]


async def get_rpc(request: Request, settings: Settings) -> Rpc:
    return Rpc(request, settings.rpc_timeout_seconds)


CallRpc = Annotated[Rpc, Depends(get_rpc)]

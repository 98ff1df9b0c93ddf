"""Chrome extension pairing and its token lifecycle."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Header, Query, Response
from fastapi.responses import JSONResponse
from pingcrm.auth.v1 import auth_service_pb2 as auth_pb
from pingcrm.contacts.v1 import contacts_service_pb2 as contacts_pb
from pydantic import BaseModel, Field

from edge.deps import AnyUser, AuthStub, CallRpc, ClientIp, ContactsStub, Settings, WebUser
from edge.grpc_status import API_ERRORS, problem_responses
from pingcrm_common.timestamps import to_datetime

router = APIRouter(prefix="/api/v1/extension", tags=["extension"], responses=problem_responses(*API_ERRORS))

CODE_FIELD = Field(min_length=1, max_length=32)


class PairingCodeOut(BaseModel):
    code: str
    poll_secret: str
    expires_in: int


class ClaimIn(BaseModel):
    code: str = CODE_FIELD


class ClaimOut(BaseModel):
    status: str = "paired"
    paired_at: datetime | None


class PollOut(BaseModel):
    status: str
    token: str | None = None
    api_url: str | None = None
    expires_at: datetime | None = None


class RefreshIn(BaseModel):
    token: str = Field(min_length=1, max_length=4096)


class RefreshOut(BaseModel):
    token: str
    expires_at: datetime | None


class StatusOut(BaseModel):
    paired: bool
    email: str
    paired_at: datetime | None
    last_sync_at: datetime | None


@router.post(
    "/codes",
    status_code=201,
    response_model=PairingCodeOut,
    operation_id="createPairingCode",
    responses=problem_responses(429),
)
async def create_code(auth: AuthStub, rpc: CallRpc, ip: ClientIp) -> PairingCodeOut:
    """Issue a one-time PING code to the extension that asks."""
    response = await rpc(auth.CreatePairingCode, auth_pb.CreatePairingCodeRequest(client_ip=ip))
    return PairingCodeOut(code=response.code, poll_secret=response.poll_secret, expires_in=response.expires_in)


@router.post(
    "/pair",
    response_model=ClaimOut,
    operation_id="claimPairingCode",
    responses=problem_responses(401, 403, 404, 409, 410, 429),
)
async def claim_code(body: ClaimIn, _: WebUser, auth: AuthStub, rpc: CallRpc, ip: ClientIp) -> ClaimOut:
    """Pair the extension showing this code with the signed-in account."""
    response = await rpc(auth.ClaimPairingCode, auth_pb.ClaimPairingCodeRequest(code=body.code, client_ip=ip))
    return ClaimOut(paired_at=to_datetime(response, "paired_at"))


@router.get(
    "/pair",
    response_model=PollOut,
    operation_id="pollPairingCode",
    responses={202: {"model": PollOut, "description": "not paired yet"}, **problem_responses(403, 404, 409, 410, 429)},
)
async def poll_code(
    code: Annotated[str, Query(min_length=1, max_length=32)],
    poll_secret: Annotated[str, Header(alias="X-Pairing-Secret", min_length=1, max_length=256)],
    auth: AuthStub,
    rpc: CallRpc,
    settings: Settings,
    ip: ClientIp,
) -> JSONResponse:
    """Collect the extension token once the code was paired (202 while pending)."""
    response = await rpc(
        auth.PollPairingCode, auth_pb.PollPairingCodeRequest(code=code, poll_secret=poll_secret, client_ip=ip)
    )
    if response.status != auth_pb.PAIRING_STATUS_PAIRED:
        return JSONResponse(PollOut(status="pending").model_dump(exclude_none=True), status_code=202)
    paired = PollOut(
        status="paired",
        token=response.token,
        api_url=settings.public_url,
        expires_at=to_datetime(response, "expires_at"),
    )
    return JSONResponse(paired.model_dump(mode="json"), headers={"Cache-Control": "no-store"})


@router.post(
    "/refresh", response_model=RefreshOut, operation_id="refreshExtensionToken", responses=problem_responses(401)
)
async def refresh(body: RefreshIn, auth: AuthStub, rpc: CallRpc) -> RefreshOut:
    """Renew an extension token, also up to 90 days after it expired."""
    response = await rpc(auth.RefreshExtensionToken, auth_pb.RefreshExtensionTokenRequest(token=body.token))
    return RefreshOut(token=response.token, expires_at=to_datetime(response, "expires_at"))


@router.delete("/pair", status_code=204, operation_id="disconnectExtension", responses=problem_responses(401))
async def disconnect(_: AnyUser, auth: AuthStub, rpc: CallRpc) -> Response:
    """Disconnect: every extension token of the account stops working."""
    await rpc(auth.DisconnectExtension, auth_pb.DisconnectExtensionRequest())
    return Response(status_code=204)


@router.get("/status", response_model=StatusOut, operation_id="getExtensionStatus", responses=problem_responses(401))
async def status(_: AnyUser, auth: AuthStub, contacts: ContactsStub, rpc: CallRpc) -> StatusOut:
    """What the popup shows when paired: account address and last sync."""
    account = await rpc(auth.GetCurrentUser, auth_pb.GetCurrentUserRequest())
    sync = await rpc(contacts.GetSyncState, contacts_pb.GetSyncStateRequest())
    return StatusOut(
        paired=account.linkedin.paired,
        email=account.user.email,
        paired_at=to_datetime(account.linkedin, "paired_at"),
        last_sync_at=to_datetime(sync, "last_push_at"),
    )

"""AuthService RPCs: translate proto ⇄ domain and call domain code.

Nothing here decides anything: domain code raises `pingcrm_common.errors`
exceptions and the interceptor maps them to status codes.
"""

from __future__ import annotations

import grpc
from pingcrm.auth.v1 import auth_service_pb2 as pb
from pingcrm.auth.v1 import auth_service_pb2_grpc

from auth_service.accounts import Account
from auth_service.domain import AuthDomain
from auth_service.pairing import PairingStatus
from pingcrm_common.timestamps import to_timestamp
from pingcrm_common.tokens import require_caller

_POLL_STATUS = {
    PairingStatus.PENDING: pb.PAIRING_STATUS_PENDING,
    PairingStatus.PAIRED: pb.PAIRING_STATUS_PAIRED,
}


def _user(account: Account) -> pb.User:
    return pb.User(id=account.id, email=account.email, created_at=to_timestamp(account.created_at))


class AuthServicer(auth_service_pb2_grpc.AuthServiceServicer):
    def __init__(self, domain: AuthDomain) -> None:
        self._domain = domain

    async def RegisterUser(
        self, request: pb.RegisterUserRequest, context: grpc.aio.ServicerContext
    ) -> pb.RegisterUserResponse:
        account = await self._domain.accounts.register(request.email, request.password)
        return pb.RegisterUserResponse(user=_user(account))

    async def Login(self, request: pb.LoginRequest, context: grpc.aio.ServicerContext) -> pb.LoginResponse:
        issued = await self._domain.accounts.login(request.email, request.password, request.client_ip)
        return pb.LoginResponse(access_token=issued.token, expires_in=issued.lifetime_seconds)

    async def GetCurrentUser(
        self, request: pb.GetCurrentUserRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetCurrentUserResponse:
        current = await self._domain.accounts.current_user(require_caller().user_id)
        linkedin = pb.LinkedInPairing(paired=current.linkedin.paired)
        if current.linkedin.paired_at is not None:
            linkedin.paired_at.CopyFrom(to_timestamp(current.linkedin.paired_at))
        return pb.GetCurrentUserResponse(user=_user(current.account), linkedin=linkedin)

    async def CreatePairingCode(
        self, request: pb.CreatePairingCodeRequest, context: grpc.aio.ServicerContext
    ) -> pb.CreatePairingCodeResponse:
        issued = await self._domain.pairing.create(request.client_ip)
        return pb.CreatePairingCodeResponse(
            code=issued.code, poll_secret=issued.poll_secret, expires_in=issued.expires_in_seconds
        )

    async def ClaimPairingCode(
        self, request: pb.ClaimPairingCodeRequest, context: grpc.aio.ServicerContext
    ) -> pb.ClaimPairingCodeResponse:
        paired_at = await self._domain.pairing.claim(require_caller().user_id, request.code, request.client_ip)
        return pb.ClaimPairingCodeResponse(paired_at=to_timestamp(paired_at))

    async def PollPairingCode(
        self, request: pb.PollPairingCodeRequest, context: grpc.aio.ServicerContext
    ) -> pb.PollPairingCodeResponse:
        result = await self._domain.pairing.poll(request.code, request.poll_secret, request.client_ip)
        response = pb.PollPairingCodeResponse(status=_POLL_STATUS[result.status])
        if result.token is not None:
            response.token = result.token.token
            response.expires_at.CopyFrom(to_timestamp(result.token.expires_at))
        return response

    async def RefreshExtensionToken(
        self, request: pb.RefreshExtensionTokenRequest, context: grpc.aio.ServicerContext
    ) -> pb.RefreshExtensionTokenResponse:
        issued = await self._domain.extension_tokens.refresh(request.token)
        return pb.RefreshExtensionTokenResponse(token=issued.token, expires_at=to_timestamp(issued.expires_at))

    async def DisconnectExtension(
        self, request: pb.DisconnectExtensionRequest, context: grpc.aio.ServicerContext
    ) -> pb.DisconnectExtensionResponse:
        revoked = await self._domain.sessions.revoke_all(require_caller().user_id)
        return pb.DisconnectExtensionResponse(revoked_sessions=revoked)

    async def CheckSession(
        self, request: pb.CheckSessionRequest, context: grpc.aio.ServicerContext
    ) -> pb.CheckSessionResponse:
        active = await self._domain.sessions.is_active(require_caller().user_id, request.session_id)
        return pb.CheckSessionResponse(active=active)

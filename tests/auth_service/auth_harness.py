"""Helpers for auth_service tests: a real server on a random port and a client with the common steps."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta

import grpc
import pytest
from pingcrm.auth.v1 import auth_service_pb2 as pb
from pingcrm.auth.v1 import auth_service_pb2_grpc

import auth_service.server
from auth_service.models import MIGRATIONS
from auth_service.pairing import PairingLimits
from auth_service.settings import AuthSettings
from pingcrm_common import migrations
from pingcrm_common.clock import FrozenClock
from pingcrm_common.errors import ERROR_CODE_METADATA, RETRY_AFTER_METADATA

TIMEOUT = 10.0
PASSWORD = "correct horse battery"


@dataclass(frozen=True)
class Paired:
    """An extension paired with a web user: what each side ends up holding."""

    code: str
    poll_secret: str
    token: str
    web_token: str


def bearer(token: str) -> tuple[tuple[str, str], ...]:
    return (("authorization", f"Bearer {token}"),)


@dataclass
class AuthClient:
    """A stub on a real channel plus the steps most tests need."""

    stub: auth_service_pb2_grpc.AuthServiceStub
    clock: FrozenClock
    settings: AuthSettings

    async def register(self, email: str = "ada@example.com", password: str = PASSWORD) -> pb.User:
        response = await self.stub.RegisterUser(pb.RegisterUserRequest(email=email, password=password), timeout=TIMEOUT)
        return response.user

    async def login(self, email: str = "ada@example.com", password: str = PASSWORD, ip: str = "198.51.100.7") -> str:
        response = await self.stub.Login(pb.LoginRequest(email=email, password=password, client_ip=ip), timeout=TIMEOUT)
        return response.access_token

    async def web_user(self, email: str = "ada@example.com") -> str:
        """Register `email` and return a web token for it."""
        await self.register(email)
        return await self.login(email)

    async def new_code(self, ip: str = "198.51.100.7") -> pb.CreatePairingCodeResponse:
        return await self.stub.CreatePairingCode(pb.CreatePairingCodeRequest(client_ip=ip), timeout=TIMEOUT)

    async def claim(self, web_token: str, code: str, ip: str = "198.51.100.7") -> pb.ClaimPairingCodeResponse:
        return await self.stub.ClaimPairingCode(
            pb.ClaimPairingCodeRequest(code=code, client_ip=ip), metadata=bearer(web_token), timeout=TIMEOUT
        )

    async def poll(self, code: str, secret: str) -> pb.PollPairingCodeResponse:
        response = await self.stub.PollPairingCode(
            pb.PollPairingCodeRequest(code=code, poll_secret=secret), timeout=TIMEOUT
        )
        return response

    async def pair(self, email: str = "ada@example.com", web_token: str | None = None) -> Paired:
        """Full pairing: create a code, claim it as `email`, poll the token."""
        web_token = web_token or await self.web_user(email)
        issued = await self.new_code()
        await self.claim(web_token, issued.code)
        self.clock.advance(timedelta(seconds=1))  # polls are limited to one per second per code
        polled = await self.poll(issued.code, issued.poll_secret)
        assert polled.status == pb.PAIRING_STATUS_PAIRED and polled.token
        return Paired(issued.code, issued.poll_secret, polled.token, web_token)

    async def refresh(self, token: str) -> pb.RefreshExtensionTokenResponse:
        return await self.stub.RefreshExtensionToken(pb.RefreshExtensionTokenRequest(token=token), timeout=TIMEOUT)

    async def me(self, token: str) -> pb.GetCurrentUserResponse:
        return await self.stub.GetCurrentUser(pb.GetCurrentUserRequest(), metadata=bearer(token), timeout=TIMEOUT)


async def rpc_error(call: Awaitable[object], status: grpc.StatusCode, details: str, code: str) -> grpc.aio.AioRpcError:
    """Await `call`, which must fail with this status, details text and stable error code."""
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call
    error = caught.value
    assert error.code() == status, (error.code(), error.details())
    assert error.details() == details
    assert error_metadata(error).get(ERROR_CODE_METADATA) == code
    return error


def error_metadata(error: grpc.aio.AioRpcError) -> dict[str, str]:
    return {key: str(value) for key, value in (error.trailing_metadata() or ())}


def retry_after(error: grpc.aio.AioRpcError) -> int:
    return int(error_metadata(error)[RETRY_AFTER_METADATA])


@asynccontextmanager
async def running_auth(
    settings: AuthSettings, clock: FrozenClock, pairing_limits: PairingLimits | None = None
) -> AsyncIterator[AuthClient]:
    """Migrate, start auth_service on port 0, and yield a client on a real channel."""
    await asyncio.to_thread(migrations.upgrade, MIGRATIONS, settings.resolved_database_url)
    running = await auth_service.server.create_server(settings, clock=clock, pairing_limits=pairing_limits)
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{running.port}")
    try:
        yield AuthClient(auth_service_pb2_grpc.AuthServiceStub(channel), clock, settings)
    finally:
        await channel.close()
        await running.shutdown(1.0)

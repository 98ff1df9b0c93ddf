"""Revocation check for extension tokens, for services other than auth.

A signature proves a token was issued, not that its session is still
paired. Services ask the auth service, and remember each answer for
CACHE_SECONDS, counted from when the question was asked (the answer is at
least that fresh): a disconnect takes effect on every replica within 3 s,
well inside the promised 5 s.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import grpc
from pingcrm.auth.v1 import auth_service_pb2, auth_service_pb2_grpc

from pingcrm_common.clock import Clock, SystemClock
from pingcrm_common.errors import Unavailable
from pingcrm_common.grpc_client import call_metadata, open_channel
from pingcrm_common.tokens import Caller

CACHE_SECONDS = 3.0
CACHE_MAX_ENTRIES = 10_000
CHECK_TIMEOUT_SECONDS = 2.0
_CACHE_FOR = timedelta(seconds=CACHE_SECONDS)
_AUTH_DESCRIPTOR = auth_service_pb2.DESCRIPTOR.services_by_name["AuthService"]


class RemoteSessionChecker:
    """Asks auth_service.CheckSession, caching answers per session briefly."""

    def __init__(self, auth_address: str, clock: Clock | None = None) -> None:
        self._channel = open_channel(auth_address, _AUTH_DESCRIPTOR)
        self._stub = auth_service_pb2_grpc.AuthServiceStub(self._channel)
        self._clock = clock or SystemClock()
        self._answers: dict[str, tuple[bool, datetime]] = {}  # session id → (active, when asked)

    async def is_active(self, caller: Caller, token: str) -> bool:
        session_id = caller.session_id or ""
        asked_at = self._clock.now()
        cached = self._answers.get(session_id)
        if cached and asked_at - cached[1] < _CACHE_FOR:
            return cached[0]
        try:
            response = await self._stub.CheckSession(
                auth_service_pb2.CheckSessionRequest(session_id=session_id),
                timeout=CHECK_TIMEOUT_SECONDS,
                metadata=call_metadata(token),
            )
        except grpc.aio.AioRpcError as error:
            if error.code() == grpc.StatusCode.UNAUTHENTICATED:
                return False
            raise Unavailable("cannot check the extension session right now", code="auth_unavailable") from error
        if len(self._answers) >= CACHE_MAX_ENTRIES:
            self._forget_stale_answers()
        active: bool = response.active
        self._answers[session_id] = (active, asked_at)
        return active

    def _forget_stale_answers(self) -> None:
        now = self._clock.now()
        self._answers = {sid: answer for sid, answer in self._answers.items() if now - answer[1] < _CACHE_FOR}

    async def close(self) -> None:
        await self._channel.close()

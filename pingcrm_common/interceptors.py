"""The one server interceptor every service runs.

Per call — unary, or a client stream with one answer (an upload) — it:
takes the request id from metadata (or makes one), verifies the caller's
token against the method's access policy, runs the handler within the call's
deadline, maps domain exceptions to status codes (a failure that shows a
dependency unreachable becomes UNAVAILABLE naming it; other unmapped ones
become INTERNAL with a generic message and a logged traceback), logs one
JSON line, and records Prometheus metrics. For a client stream all of that
happens once, around the whole call: the token is checked before the handler
reads the first message, and the log line and metrics come when the call
ends. RPCs that answer with a stream are not wrapped, so a service declaring
one refuses to start (`access_policy`) rather than serve it unchecked.

The log line and the metrics carry the outcome the caller saw: a call cut
off at its deadline is DEADLINE_EXCEEDED (nothing it started is committed),
one the caller abandoned is CANCELLED — never OK.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Protocol, cast

import grpc
from google.protobuf.descriptor import ServiceDescriptor

from pingcrm_common.dependencies import DependencyWatcher
from pingcrm_common.errors import (
    DeadlineExceeded,
    DomainError,
    PermissionDenied,
    Unauthenticated,
    trailing_metadata,
)
from pingcrm_common.logs import request_id_var
from pingcrm_common.metrics import RPC_DURATION, RPC_REQUESTS
from pingcrm_common.tokens import (
    EXTENSION_AUDIENCE,
    WEB_AUDIENCE,
    Caller,
    TokenVerifier,
    bearer_token,
    current_caller,
    service_audience,
)

log = logging.getLogger("pingcrm.rpc")

REQUEST_ID_METADATA = "x-request-id"
AUTHORIZATION_METADATA = "authorization"
# A handler stops this long before the call's deadline, so its answer (UNAVAILABLE naming a hung
# dependency, or DEADLINE_EXCEEDED) still reaches the caller before the caller gives up.
ANSWER_MARGIN_SECONDS = 0.25

# Access policies: the audiences a method accepts. PUBLIC needs no token.
PUBLIC: frozenset[str] = frozenset()
WEB_ONLY = frozenset({WEB_AUDIENCE})
ANY_USER = frozenset({WEB_AUDIENCE, EXTENSION_AUDIENCE})
ALL_AUDIENCES = ANY_USER

AccessPolicy = Mapping[str, frozenset[str]]


def from_services(*services: str) -> frozenset[str]:
    """Only these services, with a service token (pingcrm_common.service_tokens)."""
    return frozenset(service_audience(service) for service in services)


def access_policy(descriptor: ServiceDescriptor, access: Mapping[str, frozenset[str]]) -> AccessPolicy:
    """Full method paths → audiences; every RPC of the service must be listed."""
    names = {method.name for method in descriptor.methods}
    if streaming := sorted(method.name for method in descriptor.methods if method.server_streaming):
        raise ValueError(f"{descriptor.full_name}: the interceptor does not wrap streamed answers: {streaming}")
    if missing := names - access.keys():
        raise ValueError(f"{descriptor.full_name} has no access policy for: {', '.join(sorted(missing))}")
    if unknown := access.keys() - names:
        raise ValueError(f"{descriptor.full_name} has no methods named: {', '.join(sorted(unknown))}")
    return {f"/{descriptor.full_name}/{name}": audiences for name, audiences in access.items()}


def _text_metadata(metadata: grpc.aio.Metadata | None) -> dict[str, str]:
    """The call's text metadata (binary values come only under `-bin` keys, which this interceptor never reads)."""
    return {key: value for key, value in metadata or () if isinstance(value, str)}


class SessionChecker(Protocol):
    """Tells whether an extension session is still active (revocation)."""

    async def is_active(self, caller: Caller, token: str) -> bool: ...


class ServerInterceptor(grpc.aio.ServerInterceptor):
    """Request ids, authentication, error mapping, logs and metrics for unary and client-streaming RPCs."""

    def __init__(
        self,
        policy: AccessPolicy,
        verifier: TokenVerifier | None,
        session_checker: SessionChecker | None = None,
        watcher: DependencyWatcher | None = None,
    ) -> None:
        self._policy = policy
        self._verifier = verifier
        self._session_checker = session_checker
        self._watcher = watcher

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler[Any, Any] | None]],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler[Any, Any] | None:
        handler = await continuation(handler_call_details)
        if handler is None:
            return handler
        method = handler_call_details.method
        audiences = self._policy.get(method, PUBLIC if not method.startswith("/pingcrm.") else None)
        # grpc's type stubs describe handlers of the synchronous server; under grpc.aio the same attributes
        # hold the servicer's coroutine methods, called with the aio context.
        if handler.unary_unary is not None:
            unary = cast(Callable[[Any, grpc.aio.ServicerContext[Any, Any]], Any], handler.unary_unary)

            async def handle_unary(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
                return await self._handle(method, audiences, context, lambda: unary(request, context))

            return grpc.unary_unary_rpc_method_handler(
                handle_unary,
                request_deserializer=handler.request_deserializer,
                response_serializer=handler.response_serializer,
            )
        if handler.stream_unary is not None:
            upload = cast(Callable[[Any, grpc.aio.ServicerContext[Any, Any]], Any], handler.stream_unary)

            async def handle_stream(requests: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
                return await self._handle(method, audiences, context, lambda: upload(requests, context))

            return grpc.stream_unary_rpc_method_handler(
                handle_stream,
                request_deserializer=handler.request_deserializer,
                response_serializer=handler.response_serializer,
            )
        return handler  # a streamed answer (health's Watch, reflection): no PingCRM method has one

    async def _handle(
        self,
        method: str,
        audiences: frozenset[str] | None,
        context: grpc.aio.ServicerContext[Any, Any],
        call: Callable[[], Any],
    ) -> Any:
        """Run one call (`call` starts the servicer's method) with everything the interceptor adds."""
        metadata = _text_metadata(context.invocation_metadata())
        request_id_token = request_id_var.set(metadata.get(REQUEST_ID_METADATA) or uuid.uuid4().hex)
        started = time.perf_counter()
        code = grpc.StatusCode.OK
        caller: Caller | None = None
        remaining = context.time_remaining()
        budget = asyncio.timeout(None if remaining is None else remaining - ANSWER_MARGIN_SECONDS)
        try:
            async with budget:
                caller = await self._authenticate(audiences, metadata.get(AUTHORIZATION_METADATA))
                caller_token = current_caller.set(caller)
                try:
                    result = call()
                    response = await result if inspect.isawaitable(result) else result
                finally:
                    current_caller.reset(caller_token)
            if _past_deadline(context):  # finished, but too late for the caller to hear it
                code = grpc.StatusCode.DEADLINE_EXCEEDED
            return response
        except DomainError as error:
            code = error.status
            await context.abort(code, error.message, trailing_metadata(error))
        except NotImplementedError:
            code = grpc.StatusCode.UNIMPLEMENTED
            await context.abort(code, f"{method} is not implemented yet")
        except grpc.aio.AbortError:
            code = context.code() or grpc.StatusCode.UNKNOWN
            raise
        except asyncio.CancelledError:
            # gRPC cancels the handler when the deadline passes or the caller goes away.
            code = grpc.StatusCode.DEADLINE_EXCEEDED if _past_deadline(context) else grpc.StatusCode.CANCELLED
            raise
        except Exception as error:
            failure = self._explain(error, ran_out_of_time=budget.expired())
            if failure is None:
                code = grpc.StatusCode.INTERNAL
                log.exception("unhandled error", extra={"method": method})
                await context.abort(code, "internal error")
            else:
                code = failure.status
                log.warning("rpc failed", extra={"method": method, "code": failure.code, "detail": failure.message})
                await context.abort(code, failure.message, trailing_metadata(failure))
        finally:
            elapsed = time.perf_counter() - started
            log.info(
                "rpc",
                extra={
                    "request_id": request_id_var.get(),
                    "method": method,
                    "status": code.name,
                    "duration_ms": round(elapsed * 1000, 2),
                    "user_id": caller.user_id if caller else None,
                },
            )
            RPC_REQUESTS.labels(method, code.name).inc()
            RPC_DURATION.labels(method).observe(elapsed)
            request_id_var.reset(request_id_token)

    def _explain(self, error: Exception, *, ran_out_of_time: bool) -> DomainError | None:
        """What an unexpected failure means for the caller; None for a bug (INTERNAL)."""
        if ran_out_of_time:  # most likely it waited on a dependency that hangs
            hung = self._watcher.blame_failing() if self._watcher else None
            return hung or DeadlineExceeded("the call did not finish before its deadline", code="deadline_exceeded")
        return self._watcher.blame(error) if self._watcher else None

    async def _authenticate(self, audiences: frozenset[str] | None, authorization: str | None) -> Caller | None:
        if audiences is None:
            # A programming error (server start checks every RPC has a policy): logged, INTERNAL.
            raise RuntimeError("no access policy for this method")
        if not audiences:
            return None
        token = bearer_token(authorization)
        if token is None:
            raise Unauthenticated("missing bearer token", code="missing_token")
        if self._verifier is None:
            raise Unauthenticated("this server cannot verify tokens", code="invalid_token")
        caller = self._verifier.verify(token, ALL_AUDIENCES)
        if caller.audience not in audiences:
            raise PermissionDenied(f"a {caller.audience} token may not call this method", code="wrong_audience")
        if caller.audience == EXTENSION_AUDIENCE and self._session_checker is not None:
            if not await self._session_checker.is_active(caller, token):
                raise Unauthenticated("extension session revoked", code="session_revoked")
        return caller


def _past_deadline(context: grpc.aio.ServicerContext) -> bool:
    remaining = context.time_remaining()
    return remaining is not None and remaining <= 0

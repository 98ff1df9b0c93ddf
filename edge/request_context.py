"""Every request's id, size check and log line, as pure ASGI middleware.

- The request id is the caller's `X-Request-Id` (cut to 64 characters) or a
  new one; it is in `request_id_var` while the request runs (so it travels
  to the services in gRPC metadata and appears in every log line) and in the
  answer's `X-Request-Id`.
- A Content-Length over the limit is refused with 413 before a byte of the
  body is read (a body without one is counted by edge/body_limit.py).
- One JSON log line per request: method, path, status, duration.

Pure ASGI rather than `@app.middleware("http")`: Starlette's
BaseHTTPMiddleware runs every request through an extra task and memory
streams, which costs a measurable part of a small push.
"""

from __future__ import annotations

import logging
import time
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from edge.body_limit import BodyLimits, too_large
from edge.grpc_status import problem
from pingcrm_common.logs import request_id_var

log = logging.getLogger("pingcrm.edge")
MAX_REQUEST_ID_LENGTH = 64


class RequestContext:
    def __init__(self, app: ASGIApp, limits: BodyLimits) -> None:
        self._app = app
        self._limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        given = headers.get(b"x-request-id", b"").decode("latin-1")
        token = request_id_var.set((given or uuid.uuid4().hex)[:MAX_REQUEST_ID_LENGTH])
        started = time.perf_counter()
        status = 500  # unless an answer starts

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                request_id = request_id_var.get().encode("latin-1")
                message = {**message, "headers": [*message.get("headers", []), (b"x-request-id", request_id)]}
            await send(message)

        try:
            length = headers.get(b"content-length", b"")
            limit = self._limits.of(scope)
            if length.isdigit() and int(length) > limit:
                refusal = problem(413, code="request_too_large", detail=too_large(limit).detail)
                await refusal(scope, receive, send_with_id)
            else:
                await self._app(scope, receive, send_with_id)
        finally:
            log.info(
                "http",
                extra={
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                },
            )
            request_id_var.reset(token)

"""Request bodies are cut off at the edge's limit while they stream in.

A Content-Length over the limit is refused before any byte is read, by the
request middleware in edge/request_context.py (an exception raised here outside a
`receive` call would bypass FastAPI's handlers). A body without one
(chunked transfer encoding) or one that lies about its length is counted
here as it arrives, and reading stops at the first chunk past the
limit, so no request can make the edge hold more than the limit in memory.
The refusal surfaces as an HTTPException(413), which FastAPI passes through
its body reading untouched and the app's error handlers turn into problem
details (`request_too_large`).

The limit is `PINGCRM_MAX_REQUEST_BYTES` for every route but the few that
take an upload and stream it on instead of holding it (`BodyLimits`: the
export import's 200 MiB).
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send


def too_large(limit: int) -> HTTPException:
    return HTTPException(413, f"request body exceeds the limit of {limit} bytes")


class BodyLimits:
    """The largest body a request may send: the default, or a larger one for a path that streams uploads on."""

    def __init__(self, default: int, uploads: Mapping[str, int]) -> None:
        self._default = default
        self._uploads = dict(uploads)

    def of(self, scope: Scope) -> int:
        return self._uploads.get(scope["path"], self._default)


class BodyLimit:
    """Pure ASGI middleware: wraps `receive` and counts `http.request` bytes."""

    def __init__(self, app: ASGIApp, limits: BodyLimits) -> None:
        self._app = app
        self._limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        received = 0
        limit = self._limits.of(scope)

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise too_large(limit)
            return message

        await self._app(scope, counted, send)

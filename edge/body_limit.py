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
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send


def too_large(limit: int) -> HTTPException:
    return HTTPException(413, f"request body exceeds the limit of {limit} bytes")


class BodyLimit:
    """Pure ASGI middleware: wraps `receive` and counts `http.request` bytes."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self._app = app
        self._max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self._max_bytes:
                    raise too_large(self._max_bytes)
            return message

        await self._app(scope, counted, send)

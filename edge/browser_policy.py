"""What the edge tells browsers: security headers on every answer, and no CORS.

- `Content-Security-Policy` as a header (a `<meta>` cannot carry
  `frame-ancestors`): the web app loads everything from this origin (images
  also as `data:` and `blob:` URLs), runs no inline script or style, and may
  not be framed (clickjacking). The API docs
  page (`/docs`) loads Swagger UI from its CDN and gets a policy allowing that.
- `X-Content-Type-Options: nosniff` and `Referrer-Policy: no-referrer` everywhere.
- `Cache-Control: no-store` on every `/api/` answer that sets no caching of
  its own: they carry tokens (sign-in, pairing, refresh) or the user's own
  data, which no cache should keep. (Avatars say how long they may be kept.)
- CORS is off on purpose. The web app is served by the edge itself (same
  origin) and the extension calls with host permissions, so no browser needs
  a cross-origin grant, and none is given. A CORS preflight (`OPTIONS` with
  `Access-Control-Request-Method`) is refused with 403
  `cross_origin_not_allowed`; a plain `OPTIONS` answers 204 listing the
  path's methods in `Allow`.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from starlette.routing import Match, Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from edge.grpc_status import problem

# blob: images: pages show avatars they fetched with the bearer token (docs/decisions.md, avatars).
APP_POLICY = (
    "default-src 'self'; img-src 'self' data: blob:; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# FastAPI's Swagger UI page: an inline bootstrap script, assets from jsDelivr, its favicon.
DOCS_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' https://cdn.jsdelivr.net; img-src 'self' data: https://fastapi.tiangolo.com; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)
DOCS_PATHS = ("/docs", "/redoc")


def _headers_for(path: str) -> list[tuple[bytes, bytes]]:
    policy = DOCS_POLICY if path.startswith(DOCS_PATHS) else APP_POLICY
    return [
        (b"content-security-policy", policy.encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"no-referrer"),
    ]


class SecurityHeaders:
    """Pure ASGI middleware: adds the headers above to every HTTP answer."""

    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        added = _headers_for(scope["path"])
        names = {name for name, _ in added}
        api = scope["path"].startswith("/api/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [(name, value) for name, value in message.get("headers", []) if name.lower() not in names]
                if api and not any(name.lower() == b"cache-control" for name, _ in kept):
                    kept.append((b"cache-control", b"no-store"))
                message = {**message, "headers": kept + added}
            await send(message)

        await self._app(scope, receive, send_with_headers)


router = APIRouter()


@router.options("/api/{path:path}", include_in_schema=False)
async def options(request: Request) -> Response:
    """Refuse CORS preflights clearly; tell a plain OPTIONS which methods the path has."""
    if "access-control-request-method" in request.headers:
        return problem(
            403,
            code="cross_origin_not_allowed",
            detail="cross-origin requests are not allowed: the web app is served from this origin "
            "and the extension calls with host permissions",
        )
    methods = _methods_of(request)
    if not methods:
        return problem(404, code="not_found", detail="Not Found")
    return Response(status_code=204, headers={"Allow": ", ".join(sorted(methods | {"OPTIONS"}))})


def _methods_of(request: Request) -> set[str]:
    """The methods the API's routes serve at the request's path."""
    routes = [route for route in request.app.router.routes if not isinstance(route, Mount)]  # not the web app
    return {
        method
        for method in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
        if any(route.matches({**request.scope, "method": method})[0] == Match.FULL for route in routes)
    }

"""The FastAPI edge: authenticates callers, validates shapes, calls services.

It holds no business logic. Every failure leaves as RFC 9457 problem details
with a stable `code`.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import grpc
from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from edge.body_limit import BodyLimit, too_large
from edge.clients import ServiceClients
from edge.grpc_status import HTTP_STATUS, problem, problem_from_rpc_error
from edge.routes import accounts, avatars, contacts, extension, health, linkedin
from edge.settings import EdgeSettings
from pingcrm_common.clock import Clock
from pingcrm_common.errors import DomainError
from pingcrm_common.logs import request_id_var
from pingcrm_common.tokens import TokenVerifier, load_public_key

log = logging.getLogger("pingcrm.edge")
WEB_DIR = Path(__file__).parent / "web"


def create_app(settings: EdgeSettings, *, clock: Clock | None = None) -> FastAPI:
    """Build the edge; channels open when the app starts and close when it stops."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.clients = ServiceClients.open(settings)
        try:
            yield
        finally:
            await app.state.clients.close()

    app = FastAPI(
        title="PingCRM API",
        version="0.1.0",
        summary="REST edge of PingCRM's LinkedIn integration.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.verifier = TokenVerifier(load_public_key(settings.public_key_path), clock)
    _install_error_handlers(app)
    # Added first, so it runs inside the request middleware: a 413 still gets its request id and log line.
    app.add_middleware(BodyLimit, max_bytes=settings.max_request_bytes)
    _install_request_middleware(app, settings)
    app.include_router(health.router)
    app.include_router(accounts.router)
    app.include_router(extension.router)
    app.include_router(linkedin.router)
    app.include_router(contacts.router)
    app.include_router(avatars.router)
    if WEB_DIR.is_dir():
        app.mount("/", StaticFiles(directory=WEB_DIR, html=True), name="web")
    return app


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(grpc.aio.AioRpcError)
    async def rpc_failed(_: Request, error: grpc.aio.AioRpcError) -> Response:
        return problem_from_rpc_error(error)

    @app.exception_handler(DomainError)
    async def edge_refused(_: Request, error: DomainError) -> Response:
        return problem(HTTP_STATUS[error.status], code=error.code, detail=error.message)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, error: RequestValidationError) -> Response:
        first = error.errors()[0] if error.errors() else {}
        # conversations[0].messages[2].from_self: the same paths as a push's `rejected` items.
        where = "".join(
            f"[{part}]" if isinstance(part, int) else f".{part}" for part in first.get("loc", ()) if part != "body"
        ).lstrip(".")
        detail = f"{where}: {first.get('msg', 'invalid value')}" if where else str(first.get("msg", "invalid request"))
        return problem(422, code="validation_failed", detail=detail)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, error: StarletteHTTPException) -> Response:
        # No route, a wrong method, a streamed body over the limit (edge/body_limit.py), or anything else.
        code = {404: "not_found", 405: "method_not_allowed", 413: "request_too_large"}.get(
            error.status_code, "http_error"
        )
        return problem(error.status_code, code=code, detail=str(error.detail), headers=getattr(error, "headers", None))


def _install_request_middleware(app: FastAPI, settings: EdgeSettings) -> None:
    @app.middleware("http")
    async def request_context(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        request_id = request.headers.get("x-request-id") or uuid.uuid4().hex
        token = request_id_var.set(request_id[:64])
        started = time.perf_counter()
        try:
            length = request.headers.get("content-length")
            if length is not None and length.isdigit() and int(length) > settings.max_request_bytes:
                # Refused before reading a byte; bodies without a length are counted by BodyLimit.
                response: Response = problem(
                    413, code="request_too_large", detail=too_large(settings.max_request_bytes).detail
                )
            else:
                response = await call_next(request)
            response.headers["X-Request-Id"] = request_id_var.get()
            log.info(
                "http",
                extra={
                    "method": request.method,
                    "path": request.url.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                },
            )
            return response
        finally:
            request_id_var.reset(token)

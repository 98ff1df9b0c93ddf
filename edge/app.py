"""The FastAPI edge: authenticates callers, validates shapes, calls services.

It holds no business logic. Every failure leaves as RFC 9457 problem details
with a stable `code`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match, Mount
from starlette.types import Scope

from edge import browser_policy
from edge.body_limit import BodyLimit, BodyLimits
from edge.browser_policy import SecurityHeaders
from edge.clients import ServiceClients
from edge.grpc_status import HTTP_STATUS, Problem, ServiceCallFailed, problem, problem_from_rpc_error
from edge.request_context import RequestContext
from edge.routes import accounts, avatars, contacts, extension, health, imports, linkedin, suggestions
from edge.settings import EdgeSettings
from pingcrm_common.clock import Clock
from pingcrm_common.errors import DomainError
from pingcrm_common.tokens import TokenVerifier, load_public_key

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
    limits = BodyLimits(settings.max_request_bytes, {imports.router.prefix: imports.max_body_bytes(settings)})
    # Added first, so it runs inside the request middleware: a 413 still gets its request id and log line.
    app.add_middleware(BodyLimit, limits=limits)
    app.add_middleware(RequestContext, limits=limits)
    app.add_middleware(SecurityHeaders)  # outermost: every answer gets the headers, errors too
    app.include_router(health.router)
    app.include_router(accounts.router)
    app.include_router(extension.router)
    app.include_router(linkedin.router)
    app.include_router(imports.router)  # before contacts: /contacts/import is not a contact's id
    app.include_router(contacts.router)
    app.include_router(avatars.router)
    app.include_router(suggestions.router)
    # After the API's routes: a wrong method on an API path is 405 naming that path's methods.
    app.include_router(browser_policy.router)
    _document_problems(app)
    if WEB_DIR.is_dir():
        app.router.routes.append(WebApp("/", app=StaticFiles(directory=WEB_DIR, html=True), name="web"))
    return app


class WebApp(Mount):
    """The web app's files at every path outside /api/, so API paths keep their own 404 and 405 answers."""

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] == "http" and scope["path"].startswith("/api/"):
            return Match.NONE, {}
        return super().matches(scope)


def _document_problems(app: FastAPI) -> None:
    """Error answers are documented as `Problem` (edge/grpc_status.py), which no route returns as a model."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = generate()
            schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = Problem.model_json_schema()
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ServiceCallFailed)
    async def rpc_failed(_: Request, failure: ServiceCallFailed) -> Response:
        return problem_from_rpc_error(failure.error, failure.service)

    @app.exception_handler(DomainError)
    async def edge_refused(_: Request, error: DomainError) -> Response:
        return problem(HTTP_STATUS[error.status], code=error.code, detail=error.message)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, error: RequestValidationError) -> Response:
        first = error.errors()[0] if error.errors() else {}
        if first.get("type") == "json_invalid":
            position = first["loc"][-1]
            detail = f"the body is not valid JSON ({first['ctx']['error']} at {position})"
            return problem(422, code="validation_failed", detail=detail)
        # conversations[0].messages[2].from_self: the same paths as a push's `rejected` items.
        where = "".join(
            f"[{part}]" if isinstance(part, int) else f".{part}" for part in first.get("loc", ()) if part != "body"
        ).lstrip(".")
        detail = f"{where}: {first.get('msg', 'invalid value')}" if where else str(first.get("msg", "invalid request"))
        return problem(422, code="validation_failed", detail=detail)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, error: StarletteHTTPException) -> Response:
        if error.status_code == 400 and error.__cause__ is not None:
            # FastAPI's "error parsing the body": JSON it could not decode (not UTF-8, nested too deep).
            return problem(422, code="validation_failed", detail=_unreadable_body(error.__cause__))
        # No route, a wrong method, a streamed body over the limit (edge/body_limit.py), or anything else.
        code = {404: "not_found", 405: "method_not_allowed", 413: "request_too_large"}.get(
            error.status_code, "http_error"
        )
        return problem(error.status_code, code=code, detail=str(error.detail), headers=getattr(error, "headers", None))


def _unreadable_body(cause: BaseException) -> str:
    if isinstance(cause, UnicodeDecodeError):
        return "the body is not UTF-8 encoded JSON"
    if isinstance(cause, RecursionError):
        return "the body's JSON is nested too deeply"
    return "the body is not valid JSON"

"""The one gRPC status → HTTP status table, and problem-details responses.

Started from googleapis google/rpc/code.proto's HTTP mapping. Deliberate
deviations, each for a client-visible reason:
- INVALID_ARGUMENT → 422 (not 400), the status FastAPI itself uses for
  request validation, so clients see one status for "your input is wrong".
- FAILED_PRECONDITION → 410 (not 400): services raise it for things that
  existed and expired (a pairing code, a collected token).
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import grpc
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from pingcrm_common.errors import ERROR_CODE_METADATA, RETRY_AFTER_METADATA
from pingcrm_common.logs import request_id_var

HTTP_STATUS: dict[grpc.StatusCode, int] = {
    grpc.StatusCode.OK: 200,
    grpc.StatusCode.CANCELLED: 499,
    grpc.StatusCode.UNKNOWN: 500,
    grpc.StatusCode.INVALID_ARGUMENT: 422,  # deviation, see module docstring
    grpc.StatusCode.DEADLINE_EXCEEDED: 504,
    grpc.StatusCode.NOT_FOUND: 404,
    grpc.StatusCode.ALREADY_EXISTS: 409,
    grpc.StatusCode.PERMISSION_DENIED: 403,
    grpc.StatusCode.RESOURCE_EXHAUSTED: 429,
    grpc.StatusCode.FAILED_PRECONDITION: 410,  # deviation, see module docstring
    grpc.StatusCode.ABORTED: 409,
    grpc.StatusCode.OUT_OF_RANGE: 400,
    grpc.StatusCode.UNIMPLEMENTED: 501,
    grpc.StatusCode.INTERNAL: 500,
    grpc.StatusCode.UNAVAILABLE: 503,
    grpc.StatusCode.DATA_LOSS: 500,
    grpc.StatusCode.UNAUTHENTICATED: 401,
}

PROBLEM_CONTENT_TYPE = "application/problem+json"
# How long a client is told to wait when a service (or what it depends on) is down and says no better.
UNAVAILABLE_RETRY_AFTER_SECONDS = 5


class Problem(BaseModel):
    """RFC 9457 problem details, the body of every error answer."""

    type: str
    title: str
    status: int
    detail: str
    code: str = Field(description="stable, machine-readable snake_case identifier of the error")
    request_id: str | None = None
    service: str | None = Field(default=None, description="the backend service that failed (503, 504)")


# Every API route may answer these: a body over the limit, a malformed request, a bug, a service
# (or its database) down, a service too slow.
API_ERRORS = (413, 422, 500, 503, 504)


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` entries for error answers: problem details under their own media type."""
    return {
        status: {
            "description": HTTPStatus(status).phrase,
            "content": {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for status in statuses
    }


def problem(
    status: int,
    *,
    code: str,
    detail: str,
    headers: dict[str, str] | None = None,
    title: str | None = None,
    service: str | None = None,
) -> JSONResponse:
    """A RFC 9457 problem-details response with a stable machine-readable `code`.

    `code` is registered in edge/error_codes.py (or a service's or
    pingcrm_common's, when it comes from there): `./dev lint` checks literals.
    """
    body: dict[str, object] = {
        "type": f"https://pingcrm.dev/problems/{code}",
        "title": title or (HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"),
        "status": status,
        "detail": detail,
        "code": code,
    }
    if request_id := request_id_var.get():
        body["request_id"] = request_id
    if service:
        body["service"] = service
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_CONTENT_TYPE)


class ServiceCallFailed(Exception):
    """A call from the edge to `service` failed; the app answers it as problem details naming the service."""

    def __init__(self, service: str, error: grpc.aio.AioRpcError) -> None:
        super().__init__(f"{service}: {error.code().name}")
        self.service = service
        self.error = error


def problem_from_rpc_error(error: grpc.aio.AioRpcError, service: str) -> JSONResponse:
    """Translate a failed RPC: status via the table, `code` and Retry-After from trailers.

    A service that is down, or whose own database or Redis is, answers 503
    naming it with a Retry-After; one that did not answer in time, 504 naming
    it. Other server-side details stay in the service's logs.
    """
    trailers = dict(error.trailing_metadata() or ())
    status = HTTP_STATUS.get(error.code(), 500)
    # Without a code of its own, the failure is named after its status (registered in edge/error_codes.py).
    code = trailers.get(ERROR_CODE_METADATA) or error.code().name.lower()
    retry_after = trailers.get(RETRY_AFTER_METADATA)
    headers = {}
    detail = error.details() or error.code().name
    if status == 429:
        headers["Retry-After"] = str(retry_after or 1)
    elif status == 503:
        headers["Retry-After"] = str(retry_after or UNAVAILABLE_RETRY_AFTER_SECONDS)
        # A deliberate answer (it carries a stable code) says why; a connection failure's text does not help.
        reason = f": {detail}" if ERROR_CODE_METADATA in trailers else "; try again shortly"
        return problem(
            status, code=code, detail=f"the {service} service is unavailable{reason}", headers=headers, service=service
        )
    elif status == 504:
        return problem(status, code=code, detail=f"the {service} service did not answer in time", service=service)
    elif status >= 500 and error.code() != grpc.StatusCode.UNIMPLEMENTED:
        detail = "internal error"  # the traceback is in the service's log, under the request id
    return problem(status, code=code, detail=detail, headers=headers)

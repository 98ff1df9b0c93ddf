"""The one gRPC status → HTTP status table, and problem-details responses.

Started from googleapis google/rpc/code.proto's HTTP mapping. Deliberate
deviations, each for a client-visible reason:
- INVALID_ARGUMENT → 422 (not 400), the status FastAPI itself uses for
  request validation, so clients see one status for "your input is wrong".
- FAILED_PRECONDITION → 410 (not 400): services raise it for things that
  existed and expired (a pairing code, a collected token).
"""

from __future__ import annotations

import grpc
from fastapi.responses import JSONResponse

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


def problem(
    status: int, *, code: str, detail: str, headers: dict[str, str] | None = None, title: str | None = None
) -> JSONResponse:
    """A RFC 9457 problem-details response with a stable machine-readable `code`.

    `code` is registered in edge/error_codes.py (or a service's or
    pingcrm_common's, when it comes from there): `./dev lint` checks literals.
    """
    from http import HTTPStatus

    body = {
        "type": f"https://pingcrm.dev/problems/{code}",
        "title": title or (HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"),
        "status": status,
        "detail": detail,
        "code": code,
    }
    if request_id := request_id_var.get():
        body["request_id"] = request_id
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_CONTENT_TYPE)


def problem_from_rpc_error(error: grpc.aio.AioRpcError, *, service: str | None = None) -> JSONResponse:
    """Translate a failed RPC: status via the table, `code` and Retry-After from trailers.

    With `service`, a 503 or 504 names the service that failed (e.g. "media_service is unavailable").
    """
    trailers = dict(error.trailing_metadata() or ())
    status = HTTP_STATUS.get(error.code(), 500)
    # Without a code of its own, the failure is named after its status (registered in edge/error_codes.py).
    code = trailers.get(ERROR_CODE_METADATA) or error.code().name.lower()
    headers = {}
    if status == 429:
        headers["Retry-After"] = str(trailers.get(RETRY_AFTER_METADATA) or 1)
    detail = error.details() or error.code().name
    if status >= 500 and error.code() != grpc.StatusCode.UNIMPLEMENTED:
        # Internal details stay in the service's logs.
        who = service or "a backend service"
        detail = {503: f"{who} is unavailable", 504: f"{who} timed out"}.get(status, "internal error")
    return problem(status, code=code, detail=detail, headers=headers)

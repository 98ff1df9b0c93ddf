"""The error codes the edge answers itself, once. edge/README.md's table is
generated from this list (`./dev error-codes`); a `code=` the edge answers
that is missing here (or in pingcrm_common's) fails `./dev lint`.

Besides its own refusals, the edge names a service's failure that carries no
code after its gRPC status, lower-cased (`problem_from_rpc_error`): those
names are registered here too, so every code a client can see is listed.
"""

from __future__ import annotations

import grpc

from pingcrm_common.error_codes import CODES as COMMON_CODES
from pingcrm_common.errors import ErrorCodes

CODES = ErrorCodes("edge")

CODES.add_http(
    "validation_failed",
    422,
    "the request does not have the documented shape; the details name the first wrong field "
    "(e.g. `conversations[0].messages[2].from_self`)",
)
CODES.add_http(
    "request_too_large",
    413,
    "a body over `PINGCRM_MAX_REQUEST_BYTES` (5 MiB), also when it streams without a Content-Length",
)
CODES.add_http("photo_too_large", 413, "a contact photo upload over 5,000,000 bytes (PUT /api/v1/contacts/{id}/photo)")
CODES.add_http(
    "unsupported_photo_type",
    415,
    "a contact photo upload whose Content-Type is not image/jpeg, image/png or image/webp",
)
CODES.add_http("method_not_allowed", 405, "the path exists, the HTTP method does not")
CODES.add_http(
    "cross_origin_not_allowed",
    403,
    "a CORS preflight (`OPTIONS` with `Access-Control-Request-Method`): CORS is off, the web app is same-origin "
    "and the extension uses host permissions",
)
CODES.add_http("http_error", None, "any other HTTP-level refusal of the web framework, with its status")

# A service's failure without a code of its own: the status's name. These happen by design:
_SERVICE_FAILURES = {
    grpc.StatusCode.UNAVAILABLE: "a service cannot be reached (down, restarting or not deployed)",
    grpc.StatusCode.UNIMPLEMENTED: "the RPC behind the route is not built yet; the details name it",
    grpc.StatusCode.INTERNAL: "an unexpected failure in a service; the details stay in its log",
    grpc.StatusCode.NOT_FOUND: "no route matches the path (or a service answered NOT_FOUND without a code)",
}
for _status in grpc.StatusCode:
    # DEADLINE_EXCEEDED's name is pingcrm_common's code too: a service that ran out of time says so itself.
    if _status != grpc.StatusCode.OK and _status.name.lower() not in COMMON_CODES:
        CODES.add(
            _status.name.lower(),
            _status,
            _SERVICE_FAILURES.get(_status, f"a service answered {_status.name} without a code (none is meant to)"),
            by_rule=True,
        )

"""The error codes pingcrm_common's own code raises: token checks in the
interceptor (every service) and the edge, and the session check.

Any package may raise these; codes of one service live in that service's
error_codes.py. pingcrm_common/README.md's table is generated from this list.
"""

from __future__ import annotations

import grpc

from pingcrm_common.errors import ErrorCodes

CODES = ErrorCodes("pingcrm_common")

CODES.add(
    "missing_token",
    grpc.StatusCode.UNAUTHENTICATED,
    "the call needs a token and carries no `Authorization: Bearer` header (metadata between services)",
)
CODES.add(
    "invalid_token",
    grpc.StatusCode.UNAUTHENTICATED,
    "the token is malformed, of an unknown audience or issuer, or not signed with its key "
    "(auth_service's for user tokens, the internal key for service tokens)",
)
CODES.add(
    "token_expired",
    grpc.StatusCode.UNAUTHENTICATED,
    "the token's expiry has passed (web tokens live 12 h, extension tokens 30 days, service tokens 5 min)",
)
CODES.add(
    "session_revoked",
    grpc.StatusCode.UNAUTHENTICATED,
    "an extension token whose pairing was disconnected (on every service within 3 s)",
)
CODES.add(
    "wrong_audience",
    grpc.StatusCode.PERMISSION_DENIED,
    "a valid token of the wrong kind: an extension token on a web-only method, a user token on a "
    "service-only one, a service the RPC's policy does not name",
)
CODES.add(
    "database_unavailable",
    grpc.StatusCode.UNAVAILABLE,
    "the service's database does not answer (down, restarting, hung past 1.5 s per statement, or SQLite busy past "
    "4 s); the service's health is NOT_SERVING meanwhile; Retry-After 5",
)
CODES.add(
    "redis_unavailable",
    grpc.StatusCode.UNAVAILABLE,
    "the service's Redis does not answer (down, restarting, or silent past 1 s); the service's health is "
    "NOT_SERVING meanwhile; Retry-After 5",
)
CODES.add(
    "deadline_exceeded",
    grpc.StatusCode.DEADLINE_EXCEEDED,
    "the call ran out of the time its caller gave it (the edge's: `PINGCRM_RPC_TIMEOUT_SECONDS`); nothing it "
    "started is kept",
)
CODES.add(
    "auth_unavailable",
    grpc.StatusCode.UNAVAILABLE,
    "a service other than auth cannot ask auth_service whether an extension token's session is still active",
)

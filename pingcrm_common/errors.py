"""Domain exceptions shared by every service, and their one mapping to gRPC.

Domain code raises these; the server interceptor turns them into a status
code, the message as details, and trailing metadata with a stable
machine-readable `code` (and `retry-after` for rate limits) that the edge
copies into its problem-details responses.
"""

from __future__ import annotations

import grpc

ERROR_CODE_METADATA = "pingcrm-error-code"
RETRY_AFTER_METADATA = "retry-after"


class DomainError(Exception):
    """Base of every expected failure; `code` is a stable snake_case identifier."""

    status: grpc.StatusCode = grpc.StatusCode.INTERNAL
    default_code = "internal"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code


class InvalidArgument(DomainError):
    status = grpc.StatusCode.INVALID_ARGUMENT
    default_code = "invalid_argument"


class Unauthenticated(DomainError):
    status = grpc.StatusCode.UNAUTHENTICATED
    default_code = "unauthenticated"


class PermissionDenied(DomainError):
    status = grpc.StatusCode.PERMISSION_DENIED
    default_code = "permission_denied"


class NotFound(DomainError):
    status = grpc.StatusCode.NOT_FOUND
    default_code = "not_found"


class AlreadyExists(DomainError):
    status = grpc.StatusCode.ALREADY_EXISTS
    default_code = "already_exists"


class Expired(DomainError):
    """Something that existed but no longer may be used (the edge answers 410)."""

    status = grpc.StatusCode.FAILED_PRECONDITION
    default_code = "expired"


class RateLimited(DomainError):
    status = grpc.StatusCode.RESOURCE_EXHAUSTED
    default_code = "rate_limited"

    def __init__(self, message: str, *, retry_after_seconds: int, code: str | None = None) -> None:
        super().__init__(message, code=code)
        self.retry_after_seconds = max(1, int(retry_after_seconds))


class Unavailable(DomainError):
    """A dependency (database, another service) cannot be reached right now."""

    status = grpc.StatusCode.UNAVAILABLE
    default_code = "unavailable"


def trailing_metadata(error: DomainError) -> tuple[tuple[str, str], ...]:
    """The metadata the edge reads to build a problem-details body."""
    pairs = [(ERROR_CODE_METADATA, error.code)]
    if isinstance(error, RateLimited):
        pairs.append((RETRY_AFTER_METADATA, str(error.retry_after_seconds)))
    return tuple(pairs)

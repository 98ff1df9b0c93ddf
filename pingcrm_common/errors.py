"""Domain exceptions shared by every service, their one mapping to gRPC, and
the registry type every package lists its error codes in.

Domain code raises these; the server interceptor turns them into a status
code, the message as details, and trailing metadata with a stable
machine-readable `code` (and `retry-after` for rate limits) that the edge
copies into its problem-details responses.

Every code is registered once, in `<package>/error_codes.py` of the package
that raises it (an `ErrorCodes` named `CODES`). `./dev lint`
(tools/gen_error_codes.py) fails on a raise whose code is not registered
there (or in pingcrm_common's, which every package may use), and renders the
registries into the READMEs' error tables.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import grpc
from google.protobuf.descriptor import ServiceDescriptor

ERROR_CODE_METADATA = "pingcrm-error-code"
RETRY_AFTER_METADATA = "retry-after"


_SNAKE_CASE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")


@dataclass(frozen=True)
class ErrorCode:
    """One stable code: the problem's `code` at the edge, `pingcrm-error-code` between services.

    A code travels with a gRPC `status`; only codes the edge answers itself
    (never crossing gRPC) have an `http_status` instead (None there: "several").
    """

    code: str
    meaning: str  # when it is answered, naming the limit if there is one; README text
    status: grpc.StatusCode | None = None
    http_status: int | None = None
    rpcs: tuple[str, ...] = ()  # the RPCs that answer it; empty: not tied to particular RPCs
    by_rule: bool = False  # answered by a rule (e.g. a status's name), not raised by a literal


class ErrorCodes:
    """The error codes one package raises, in the order its README lists them."""

    def __init__(self, owner: str, *, service: ServiceDescriptor | None = None) -> None:
        self.owner = owner
        self.service = service
        self._codes: dict[str, ErrorCode] = {}

    def add(
        self, code: str, status: grpc.StatusCode, meaning: str, *, rpcs: tuple[str, ...] = (), by_rule: bool = False
    ) -> ErrorCode:
        """Register a code that travels with a gRPC status."""
        if status == grpc.StatusCode.OK:
            raise ValueError(f"{code}: an error code needs an error status, not OK")
        return self._register(ErrorCode(code, meaning, status=status, rpcs=rpcs, by_rule=by_rule))

    def add_http(self, code: str, http_status: int | None, meaning: str) -> ErrorCode:
        """Register a code the edge answers itself, over HTTP only (None: with several statuses)."""
        return self._register(ErrorCode(code, meaning, http_status=http_status))

    def _register(self, entry: ErrorCode) -> ErrorCode:
        if not _SNAKE_CASE.fullmatch(entry.code):
            raise ValueError(f"{entry.code!r} is not snake_case")
        if entry.code in self._codes:
            raise ValueError(f"{self.owner} registers {entry.code!r} twice")
        if not entry.meaning.strip():
            raise ValueError(f"{entry.code}: say when it is answered")
        if entry.rpcs:
            known = {method.name for method in self.service.methods} if self.service else set()
            if unknown := sorted(set(entry.rpcs) - known):
                raise ValueError(f"{entry.code}: {self.owner} has no RPCs named {', '.join(unknown)}")
        self._codes[entry.code] = entry
        return entry

    def __iter__(self) -> Iterator[ErrorCode]:
        return iter(self._codes.values())

    def __contains__(self, code: object) -> bool:
        return code in self._codes

    def __getitem__(self, code: str) -> ErrorCode:
        return self._codes[code]


class DomainError(Exception):
    """Base of every expected failure; `code` is a registered stable snake_case identifier."""

    status: grpc.StatusCode = grpc.StatusCode.INTERNAL

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class InvalidArgument(DomainError):
    status = grpc.StatusCode.INVALID_ARGUMENT


class Unauthenticated(DomainError):
    status = grpc.StatusCode.UNAUTHENTICATED


class PermissionDenied(DomainError):
    status = grpc.StatusCode.PERMISSION_DENIED


class NotFound(DomainError):
    status = grpc.StatusCode.NOT_FOUND


class AlreadyExists(DomainError):
    status = grpc.StatusCode.ALREADY_EXISTS


class FailedPrecondition(DomainError):
    """The request is fine, but the system is not in a state to do it; asking again will not help."""

    status = grpc.StatusCode.FAILED_PRECONDITION


class Expired(FailedPrecondition):
    """Something that existed but no longer may be used (the edge answers 410)."""


class RateLimited(DomainError):
    status = grpc.StatusCode.RESOURCE_EXHAUSTED

    def __init__(self, message: str, *, code: str, retry_after_seconds: int) -> None:
        super().__init__(message, code=code)
        self.retry_after_seconds = max(1, int(retry_after_seconds))


class Unavailable(DomainError):
    """A dependency (database, Redis, another service) cannot be reached right now."""

    status = grpc.StatusCode.UNAVAILABLE

    def __init__(self, message: str, *, code: str, retry_after_seconds: int | None = None) -> None:
        super().__init__(message, code=code)
        self.retry_after_seconds = None if retry_after_seconds is None else max(1, int(retry_after_seconds))


class DeadlineExceeded(DomainError):
    """A call ran out of the time its caller gave it; nothing it started is committed."""

    status = grpc.StatusCode.DEADLINE_EXCEEDED


def trailing_metadata(error: DomainError) -> tuple[tuple[str, str], ...]:
    """The metadata the edge reads to build a problem-details body."""
    pairs = [(ERROR_CODE_METADATA, error.code)]
    retry_after = getattr(error, "retry_after_seconds", None)
    if retry_after is not None:
        pairs.append((RETRY_AFTER_METADATA, str(retry_after)))
    return tuple(pairs)

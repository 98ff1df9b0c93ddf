"""The gRPC → HTTP status table, row by row, as a client of the edge sees it.

A fake AuthService stub raises each status; the real edge app turns it into a
problem-details response.
"""

from __future__ import annotations

import grpc
import httpx
import pytest
from grpc.aio import AioRpcError, Metadata

from edge.app import create_app
from edge.deps import get_auth_stub
from edge.settings import EdgeSettings

EXPECTED = {
    grpc.StatusCode.CANCELLED: 499,
    grpc.StatusCode.UNKNOWN: 500,
    grpc.StatusCode.INVALID_ARGUMENT: 422,
    grpc.StatusCode.DEADLINE_EXCEEDED: 504,
    grpc.StatusCode.NOT_FOUND: 404,
    grpc.StatusCode.ALREADY_EXISTS: 409,
    grpc.StatusCode.PERMISSION_DENIED: 403,
    grpc.StatusCode.RESOURCE_EXHAUSTED: 429,
    grpc.StatusCode.FAILED_PRECONDITION: 410,
    grpc.StatusCode.ABORTED: 409,
    grpc.StatusCode.OUT_OF_RANGE: 400,
    grpc.StatusCode.UNIMPLEMENTED: 501,
    grpc.StatusCode.INTERNAL: 500,
    grpc.StatusCode.UNAVAILABLE: 503,
    grpc.StatusCode.DATA_LOSS: 500,
    grpc.StatusCode.UNAUTHENTICATED: 401,
}


class FailingAuthStub:
    """Answers CreatePairingCode with a chosen failure."""

    def __init__(self, code: grpc.StatusCode, details: str, trailers: tuple[tuple[str, str], ...] = ()) -> None:
        self.error = AioRpcError(code, Metadata(), Metadata(*trailers), details=details)

    async def CreatePairingCode(self, request, timeout, metadata):  # noqa: N802 - gRPC method name
        assert timeout > 0, "every call carries a deadline"
        raise self.error


def client_for(data_dir, stub: FailingAuthStub) -> httpx.AsyncClient:
    app = create_app(EdgeSettings(data_dir=data_dir))
    app.dependency_overrides[get_auth_stub] = lambda: stub
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://edge")


def test_every_grpc_status_has_a_row() -> None:
    assert set(EXPECTED) == set(grpc.StatusCode) - {grpc.StatusCode.OK}


@pytest.mark.parametrize(("grpc_code", "http_status"), EXPECTED.items(), ids=lambda v: getattr(v, "name", str(v)))
async def test_status_row(data_dir, grpc_code: grpc.StatusCode, http_status: int) -> None:
    async with client_for(data_dir, FailingAuthStub(grpc_code, "the details")) as client:
        response = await client.post("/api/v1/extension/codes")
    assert response.status_code == http_status
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == http_status
    assert body["code"] == grpc_code.name.lower()
    if http_status < 500 or grpc_code == grpc.StatusCode.UNIMPLEMENTED:
        assert body["detail"] == "the details"
    else:
        assert "the details" not in body["detail"], "internal details stay in the service logs"


async def test_stable_code_and_retry_after_come_from_the_service(data_dir) -> None:
    stub = FailingAuthStub(
        grpc.StatusCode.RESOURCE_EXHAUSTED,
        "too many codes from this address",
        (("pingcrm-error-code", "too_many_codes"), ("retry-after", "42")),
    )
    async with client_for(data_dir, stub) as client:
        response = await client.post("/api/v1/extension/codes")
    assert response.status_code == 429
    assert response.headers["retry-after"] == "42"
    assert response.json()["code"] == "too_many_codes"
    assert response.json()["detail"] == "too many codes from this address"


async def test_request_validation_is_a_422_problem(data_dir) -> None:
    async with client_for(data_dir, FailingAuthStub(grpc.StatusCode.OK, "")) as client:
        response = await client.post("/api/v1/auth/login", json={"email": "a@b.co"})
    assert response.status_code == 422
    assert response.json()["code"] == "validation_failed"
    assert "password" in response.json()["detail"]


async def test_oversized_bodies_are_refused_with_413(data_dir) -> None:
    async with client_for(data_dir, FailingAuthStub(grpc.StatusCode.OK, "")) as client:
        response = await client.post(
            "/api/v1/auth/login", content=b"x" * (5 * 1024 * 1024 + 1), headers={"content-type": "application/json"}
        )
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"


async def test_a_service_that_is_down_is_named_with_a_retry_after(data_dir) -> None:
    async with client_for(data_dir, FailingAuthStub(grpc.StatusCode.UNAVAILABLE, "failed to connect")) as client:
        response = await client.post("/api/v1/extension/codes")
    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    body = response.json()
    assert (body["code"], body["service"]) == ("unavailable", "auth")
    assert body["detail"] == "the auth service is unavailable; try again shortly"


async def test_a_service_whose_redis_is_down_says_so(data_dir) -> None:
    stub = FailingAuthStub(
        grpc.StatusCode.UNAVAILABLE,
        "its redis cannot be reached right now; try again shortly",
        (("pingcrm-error-code", "redis_unavailable"), ("retry-after", "3")),
    )
    async with client_for(data_dir, stub) as client:
        response = await client.post("/api/v1/extension/codes")
    assert (response.status_code, response.headers["retry-after"]) == (503, "3")
    assert response.json()["code"] == "redis_unavailable"
    assert response.json()["detail"] == (
        "the auth service is unavailable: its redis cannot be reached right now; try again shortly"
    )


async def test_a_service_too_slow_is_named(data_dir) -> None:
    async with client_for(data_dir, FailingAuthStub(grpc.StatusCode.DEADLINE_EXCEEDED, "Deadline Exceeded")) as client:
        response = await client.post("/api/v1/extension/codes")
    assert response.status_code == 504
    assert (response.json()["service"], response.json()["detail"]) == (
        "auth",
        "the auth service did not answer in time",
    )

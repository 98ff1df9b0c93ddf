"""Liveness and readiness of the edge and the services behind it."""

from __future__ import annotations

import asyncio

import grpc
from fastapi import APIRouter
from fastapi.responses import JSONResponse
from grpc_health.v1 import health_pb2, health_pb2_grpc

from edge.deps import Clients, Settings
from edge.settings import EdgeSettings
from pingcrm_common.dependencies import DEPENDENCY_NAMES, HEALTH_PREFIX
from pingcrm_common.grpc_client import call_metadata

router = APIRouter(tags=["health"])


@router.get("/healthz", operation_id="healthz")
async def healthz() -> dict[str, str]:
    """The edge process is alive (says nothing about the services)."""
    return {"status": "ok"}


async def _status(channel: grpc.aio.Channel, settings: EdgeSettings, entry: str = "") -> str:
    """A service's health ("" is the whole service), or the gRPC failure of asking."""
    try:
        response = await health_pb2_grpc.HealthStub(channel).Check(
            health_pb2.HealthCheckRequest(service=entry),
            timeout=settings.readiness_timeout_seconds,
            metadata=call_metadata(None),
        )
    except grpc.aio.AioRpcError as error:
        return error.code().name
    status: str = health_pb2.HealthCheckResponse.ServingStatus.Name(response.status)
    return status


async def _unreachable(channel: grpc.aio.Channel, settings: EdgeSettings) -> list[str]:
    """Which of its dependencies a service that is up reports unreachable (its `dependency:*` entries)."""
    statuses = await asyncio.gather(*(_status(channel, settings, HEALTH_PREFIX + name) for name in DEPENDENCY_NAMES))
    return [name for name, status in zip(DEPENDENCY_NAMES, statuses, strict=True) if status == "NOT_SERVING"]


@router.get("/readyz", operation_id="readyz", responses={503: {"description": "a service is not serving"}})
async def readyz(settings: Settings, clients: Clients) -> JSONResponse:
    """200 only when every service answers its health check with SERVING.

    Otherwise 503 with `failing` naming the services, and `unreachable`
    naming, per service, the database or Redis it cannot reach.
    """
    names = list(clients.channels)
    statuses = await asyncio.gather(*(_status(clients.channels[name], settings) for name in names))
    services = dict(zip(names, statuses, strict=True))
    failing = sorted(name for name, status in services.items() if status != "SERVING")
    body: dict[str, object] = {"status": "ready" if not failing else "unavailable", "services": services}
    if failing:
        body["failing"] = failing
        causes = await asyncio.gather(*(_unreachable(clients.channels[name], settings) for name in failing))
        if unreachable := {name: cause for name, cause in zip(failing, causes, strict=True) if cause}:
            body["unreachable"] = unreachable
    return JSONResponse(body, status_code=503 if failing else 200)

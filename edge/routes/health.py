"""Liveness and readiness of the edge and the services behind it."""

from __future__ import annotations

import asyncio

import grpc
from fastapi import APIRouter
from fastapi.responses import JSONResponse
from grpc_health.v1 import health_pb2, health_pb2_grpc

from edge.deps import Clients, Settings
from edge.settings import EdgeSettings
from pingcrm_common.grpc_client import call_metadata

router = APIRouter(tags=["health"])


@router.get("/healthz", operation_id="healthz")
async def healthz() -> dict[str, str]:
    """The edge process is alive (says nothing about the services)."""
    return {"status": "ok"}


async def _service_status(channel: grpc.aio.Channel, settings: EdgeSettings) -> str:
    try:
        response = await health_pb2_grpc.HealthStub(channel).Check(
            health_pb2.HealthCheckRequest(service=""),
            timeout=settings.readiness_timeout_seconds,
            metadata=call_metadata(None),
        )
    except grpc.aio.AioRpcError as error:
        return error.code().name
    status: str = health_pb2.HealthCheckResponse.ServingStatus.Name(response.status)
    return status


@router.get("/readyz", operation_id="readyz", responses={503: {"description": "a service is not serving"}})
async def readyz(settings: Settings, clients: Clients) -> JSONResponse:
    """200 only when every service answers its health check with SERVING."""
    names = list(clients.channels)
    statuses = await asyncio.gather(*(_service_status(clients.channels[name], settings) for name in names))
    services = dict(zip(names, statuses, strict=True))
    failing = sorted(name for name, status in services.items() if status != "SERVING")
    body: dict[str, object] = {"status": "ready" if not failing else "unavailable", "services": services}
    if failing:
        body["failing"] = failing
    return JSONResponse(body, status_code=503 if failing else 200)

"""Services end callers' connections after PINGCRM_GRPC_MAX_CONNECTION_AGE_SECONDS.

A caller holding a channel to a Kubernetes headless Service only resolves
the pods again when it reconnects; what an operator notices is that a
channel does not stay on one connection forever, and that no call fails
when its connection ends.
"""

from __future__ import annotations

import asyncio

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from contacts_service.settings import ContactsSettings
from pingcrm_common.grpc_server import start_server

READY = grpc.ChannelConnectivity.READY
SERVING = health_pb2.HealthCheckResponse.SERVING


async def _connected_channel(port: int) -> tuple[grpc.aio.Channel, health_pb2_grpc.HealthStub]:
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{port}")
    stub = health_pb2_grpc.HealthStub(channel)
    assert (await stub.Check(health_pb2.HealthCheckRequest(), timeout=5)).status == SERVING
    assert channel.get_state() == READY
    return channel, stub


async def test_a_connection_ends_at_its_age_and_the_next_call_reconnects() -> None:
    running = await start_server([], host="127.0.0.1", port=0, verifier=None, max_connection_age_seconds=1)
    try:
        channel, stub = await _connected_channel(running.port)
        async with channel:
            # The server's GOAWAY takes the channel out of READY (1 s ± 10 % jitter).
            await asyncio.wait_for(channel.wait_for_state_change(READY), timeout=5)
            assert channel.get_state() != READY
            assert (await stub.Check(health_pb2.HealthCheckRequest(), timeout=5)).status == SERVING
            assert channel.get_state() == READY
    finally:
        await running.shutdown(0)


async def test_by_default_a_connection_lives_for_minutes() -> None:
    default = ContactsSettings().grpc_max_connection_age_seconds
    assert default == 300
    running = await start_server([], host="127.0.0.1", port=0, verifier=None, max_connection_age_seconds=default)
    try:
        channel, _ = await _connected_channel(running.port)
        async with channel:
            await asyncio.sleep(2)
            assert channel.get_state() == READY
    finally:
        await running.shutdown(0)

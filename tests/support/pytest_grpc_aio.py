"""A shim that lets pytest-grpc's fixtures drive PingCRM's grpc.aio servers.

pytest-grpc 0.8.0 builds a synchronous `grpc.server`, which cannot host
`async def` servicers, and its `grpc_addr` fixture leaks the socket it binds
(a ResourceWarning, fatal under `-W error`). These two overrides fix both:
`grpc_addr` releases its probe socket, and `grpc_server` hosts the module's
`grpc_servicer` on a real `grpc.aio` server — with PingCRM's interceptor and
the module's `grpc_access_policy` — in a background event loop. pytest-grpc's
own `grpc_channel` / `grpc_stub` fixtures then talk to it over a real port.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator

import grpc
import pytest

from pingcrm_common.interceptors import ServerInterceptor
from pingcrm_common.tokens import TokenVerifier


@pytest.fixture(scope="module")
def grpc_addr() -> str:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return f"127.0.0.1:{probe.getsockname()[1]}"


@pytest.fixture(scope="module")
def grpc_event_loop() -> Iterator[asyncio.AbstractEventLoop]:
    """The loop the aio server (and the servicer's database) live on."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    yield loop
    loop.call_soon_threadsafe(loop.stop)
    thread.join(timeout=5)
    loop.close()


@pytest.fixture(scope="module")
def grpc_server(
    grpc_event_loop, grpc_addr, grpc_add_to_server, grpc_servicer, grpc_access_policy, grpc_verifier: TokenVerifier
):
    async def start() -> grpc.aio.Server:
        server = grpc.aio.server(interceptors=[ServerInterceptor(grpc_access_policy, grpc_verifier)])
        grpc_add_to_server(grpc_servicer, server)
        server.add_insecure_port(grpc_addr)
        await server.start()
        return server

    server = asyncio.run_coroutine_threadsafe(start(), grpc_event_loop).result(timeout=10)
    yield server
    asyncio.run_coroutine_threadsafe(server.stop(None), grpc_event_loop).result(timeout=10)

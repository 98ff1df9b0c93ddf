"""gRPC server bootstrap shared by every service.

`start_server()` builds and starts a `grpc.aio` server (tests bind port 0
and talk to it for real); `serve_until_signalled()` serves until SIGTERM or
SIGINT, then drains: health flips to NOT_SERVING first so load balancers stop
routing, then `server.stop(grace)` lets in-flight calls finish. While one of
the server's dependencies (database, Redis) is unreachable its health is
NOT_SERVING too (pingcrm_common.dependencies).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import signal
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

import grpc
from google.protobuf.descriptor import ServiceDescriptor
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from pingcrm_common.dependencies import Dependency, DependencyWatcher
from pingcrm_common.grpc_options import server_options
from pingcrm_common.interceptors import AccessPolicy, ServerInterceptor, SessionChecker
from pingcrm_common.tokens import TokenVerifier

log = logging.getLogger("pingcrm.server")


@dataclass
class ServiceRegistration:
    """One business service to mount: its descriptor, servicer and generated adder."""

    descriptor: ServiceDescriptor
    servicer: object
    add_to_server: Callable[[object, grpc.aio.Server], None]
    policy: AccessPolicy


async def _set_health(servicer: health.aio.HealthServicer, service_names: list[str], name: str, serving: bool) -> None:
    """Set one health entry; "" (the whole server) also sets each business service's."""
    status = health_pb2.HealthCheckResponse.SERVING if serving else health_pb2.HealthCheckResponse.NOT_SERVING
    for entry in ["", *service_names] if name == "" else [name]:
        await servicer.set(entry, status)


@dataclass
class RunningServer:
    """A started server with the port it bound and its health servicer."""

    server: grpc.aio.Server
    port: int
    health: health.aio.HealthServicer
    service_names: list[str]
    watcher: DependencyWatcher
    cleanups: list[Callable[[], Awaitable[None]]] = field(default_factory=list)

    async def set_health(self, name: str, serving: bool) -> None:
        await _set_health(self.health, self.service_names, name, serving)

    async def shutdown(self, grace_seconds: float) -> None:
        await self.health.enter_graceful_shutdown()
        await self.watcher.stop()
        await self.server.stop(grace_seconds)
        for cleanup in reversed(self.cleanups):
            await cleanup()


async def start_server(
    registrations: Sequence[ServiceRegistration],
    *,
    host: str,
    port: int,
    verifier: TokenVerifier | None,
    session_checker: SessionChecker | None = None,
    max_connection_age_seconds: float,
    dependencies: Sequence[Dependency] = (),
) -> RunningServer:
    """Build, bind and start a server with health, reflection and the interceptor.

    Health is SERVING once every dependency answered a first ping, NOT_SERVING until then.
    """
    policy: dict[str, frozenset[str]] = {}
    for registration in registrations:
        policy.update(registration.policy)
    health_servicer = health.aio.HealthServicer()
    names = [r.descriptor.full_name for r in registrations]
    watcher = DependencyWatcher(dependencies, functools.partial(_set_health, health_servicer, names))
    server = grpc.aio.server(
        interceptors=[ServerInterceptor(policy, verifier, session_checker, watcher)],
        options=server_options(max_connection_age_seconds),
    )
    for registration in registrations:
        registration.add_to_server(registration.servicer, server)
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    reflection.enable_server_reflection(
        [*names, health_pb2.DESCRIPTOR.services_by_name["Health"].full_name, reflection.SERVICE_NAME], server
    )
    bound = server.add_insecure_port(f"{host}:{port}")
    if bound == 0:
        raise OSError(f"could not bind gRPC port {host}:{port}")
    running = RunningServer(server=server, port=bound, health=health_servicer, service_names=names, watcher=watcher)
    await running.set_health("", False)
    await server.start()
    await watcher.start()
    return running


async def serve_until_signalled(running: RunningServer, grace_seconds: float) -> None:
    """Serve until SIGTERM/SIGINT, then shut down gracefully."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    log.info("serving", extra={"port": running.port, "services": running.service_names})
    await stop.wait()
    log.info("shutting down", extra={"grace_seconds": grace_seconds})
    await running.shutdown(grace_seconds)
    log.info("stopped")

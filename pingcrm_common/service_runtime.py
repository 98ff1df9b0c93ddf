"""Running one service as a process: logging, migrations, metrics, serve, drain."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from pingcrm_common.clock import Clock
from pingcrm_common.grpc_server import RunningServer, ServiceRegistration, serve_until_signalled, start_server
from pingcrm_common.interceptors import SessionChecker
from pingcrm_common.logs import configure_logging
from pingcrm_common.metrics import start_metrics_server
from pingcrm_common.migrations import MigrationTarget, upgrade
from pingcrm_common.settings import ServiceSettings
from pingcrm_common.tokens import TokenVerifier, load_public_key

S = TypeVar("S", bound=ServiceSettings)


def run_service(
    settings: S,
    migrations: MigrationTarget,
    create_server: Callable[[S], Awaitable[RunningServer]],
) -> None:
    """Serve one service in this process until SIGTERM/SIGINT."""
    configure_logging(settings.service_name, settings.log_level)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    if settings.migrate_on_start:
        upgrade(migrations, settings.resolved_database_url)
    start_metrics_server(settings.grpc_host, settings.metrics_port)

    async def serve() -> None:
        running = await create_server(settings)
        await serve_until_signalled(running, settings.shutdown_grace_seconds)

    asyncio.run(serve())


async def start_service(
    settings: ServiceSettings,
    registration: ServiceRegistration,
    *,
    clock: Clock | None = None,
    session_checker: SessionChecker | None = None,
    cleanups: Sequence[Callable[[], Awaitable[None]]] = (),
) -> RunningServer:
    """Start one business service with token verification on its configured port."""
    running = await start_server(
        [registration],
        host=settings.grpc_host,
        port=settings.port,
        verifier=TokenVerifier(
            load_public_key(settings.public_key_path),
            clock,
            service_public_key=load_public_key(settings.service_public_key_path),
        ),
        session_checker=session_checker,
        max_connection_age_seconds=settings.grpc_max_connection_age_seconds,
    )
    running.cleanups.extend(cleanups)
    return running

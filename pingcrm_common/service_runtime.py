"""Running one service as a process: wait for the database, migrate, metrics, serve, drain."""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from sqlalchemy.engine import make_url

from pingcrm_common.clock import Clock
from pingcrm_common.db import Database
from pingcrm_common.dependencies import Dependency, error_chain
from pingcrm_common.grpc_server import RunningServer, ServiceRegistration, serve_until_signalled, start_server
from pingcrm_common.interceptors import SessionChecker
from pingcrm_common.logs import configure_logging
from pingcrm_common.metrics import start_metrics_server
from pingcrm_common.migrations import MigrationTarget, upgrade
from pingcrm_common.settings import ServiceSettings
from pingcrm_common.tokens import TokenVerifier, load_public_key

S = TypeVar("S", bound=ServiceSettings)
log = logging.getLogger("pingcrm.service")

DATABASE_WAIT_LOG_EVERY_SECONDS = 10.0
DATABASE_RETRY_SECONDS = 1.0


def run_service(
    settings: S,
    migrations: MigrationTarget,
    create_server: Callable[[S], Awaitable[RunningServer]],
) -> None:
    """Serve one service in this process until SIGTERM/SIGINT."""
    configure_logging(settings.service_name, settings.log_level)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    asyncio.run(wait_for_database(settings))
    if settings.migrate_on_start:
        upgrade(migrations, settings.resolved_database_url)
    start_metrics_server(settings.grpc_host, settings.metrics_port)

    async def serve() -> None:
        running = await create_server(settings)
        await serve_until_signalled(running, settings.shutdown_grace_seconds)

    asyncio.run(serve())


async def wait_for_database(settings: ServiceSettings) -> None:
    """Return once the service's database accepts connections; until then, say so now and then.

    A database that is down or still starting is waited for (`pingcrm up`
    before PostgreSQL, a pod before its database); one that refuses us for
    another reason (a wrong password, a missing database) ends the process
    with that reason, without a traceback.
    """
    database = Database(settings.resolved_database_url, settings.service_name)
    where = make_url(settings.resolved_database_url).render_as_string(hide_password=True)
    logged_at: float | None = None
    try:
        while True:
            try:
                await database.ping()
            except Exception as error:
                if not database.dependency().explains(error):
                    log.error("cannot use the database", extra={"database": where, "error": _reason(error)})
                    sys.exit(1)
                if logged_at is None or time.monotonic() - logged_at >= DATABASE_WAIT_LOG_EVERY_SECONDS:
                    log.warning("waiting for the database", extra={"database": where, "error": _reason(error)})
                    logged_at = time.monotonic()
                await asyncio.sleep(DATABASE_RETRY_SECONDS)
            else:
                if logged_at is not None:
                    log.info("database reachable", extra={"database": where})
                return
    finally:
        await database.dispose()


def _reason(error: BaseException) -> str:
    """The innermost error's type and message: what the driver said, not SQLAlchemy's wrapping."""
    inner = error_chain(error)[-1]
    return f"{type(inner).__name__}: {inner}" if str(inner) else type(inner).__name__


async def start_service(
    settings: ServiceSettings,
    registration: ServiceRegistration,
    *,
    clock: Clock | None = None,
    session_checker: SessionChecker | None = None,
    dependencies: Sequence[Dependency] = (),
    cleanups: Sequence[Callable[[], Awaitable[None]]] = (),
) -> RunningServer:
    """Start one business service with token verification on its configured port.

    `dependencies` are the servers it cannot work without (`database.dependency()`,
    `redis_dependency(client)`): while one is unreachable the service is NOT_SERVING and calls that
    hit it answer UNAVAILABLE (pingcrm_common.dependencies).
    """
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
        dependencies=dependencies,
    )
    running.cleanups.extend(cleanups)
    return running

"""media_service process: builds and runs the gRPC server."""

from __future__ import annotations

from pingcrm.media.v1 import media_service_pb2, media_service_pb2_grpc

from media_service.models import MIGRATIONS
from media_service.servicer import MediaServicer
from media_service.settings import MediaSettings
from pingcrm_common.clock import Clock
from pingcrm_common.db import Database
from pingcrm_common.grpc_server import RunningServer, ServiceRegistration
from pingcrm_common.interceptors import ANY_USER, access_policy
from pingcrm_common.service_runtime import run_service, start_service
from pingcrm_common.session_check import RemoteSessionChecker

DESCRIPTOR = media_service_pb2.DESCRIPTOR.services_by_name["MediaService"]
POLICY = access_policy(
    DESCRIPTOR,
    {
        "FetchAvatar": ANY_USER,
        "StoreAvatar": ANY_USER,
        "GetAvatar": ANY_USER,
    },
)


async def create_server(settings: MediaSettings, *, clock: Clock | None = None) -> RunningServer:
    """Start media_service on settings.grpc_host:settings.port (0 picks a free port)."""
    database = Database(settings.resolved_database_url, settings.service_name)
    servicer = MediaServicer(database)
    session_checker = RemoteSessionChecker(settings.auth_addr)
    return await start_service(
        settings,
        ServiceRegistration(DESCRIPTOR, servicer, media_service_pb2_grpc.add_MediaServiceServicer_to_server, POLICY),
        clock=clock,
        session_checker=session_checker,
        cleanups=[database.dispose, session_checker.close],
    )


def main() -> None:
    run_service(MediaSettings(), MIGRATIONS, create_server)

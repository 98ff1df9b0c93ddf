"""media_service process: builds the store, downloader and domain, and runs the gRPC server."""

from __future__ import annotations

from pingcrm.media.v1 import media_service_pb2, media_service_pb2_grpc

from media_service.blobs import open_blob_store
from media_service.cdn import CdnClient, Resolver, tls_context
from media_service.domain.avatars import AvatarsDomain
from media_service.domain.sources import SourcePolicy
from media_service.models import MIGRATIONS
from media_service.servicer import MediaServicer
from media_service.settings import MediaSettings
from pingcrm_common.clock import Clock, SystemClock
from pingcrm_common.db import Database
from pingcrm_common.grpc_server import RunningServer, ServiceRegistration
from pingcrm_common.interceptors import ANY_USER, access_policy, from_services
from pingcrm_common.service_runtime import run_service, start_service
from pingcrm_common.session_check import RemoteSessionChecker

DESCRIPTOR = media_service_pb2.DESCRIPTOR.services_by_name["MediaService"]
POLICY = access_policy(
    DESCRIPTOR,
    {
        # contacts_service's photo worker, with a service token acting for the avatar's owner.
        "FetchAvatar": from_services("contacts"),
        # contacts_service hands on the bytes the extension fetched in the browser.
        "StoreAvatar": from_services("contacts"),
        # The edge, for the web app and the extension: the owner's own token.
        "GetAvatar": ANY_USER,
    },
)

__all__ = ["MIGRATIONS", "create_server", "main"]


async def create_server(settings: MediaSettings, *, clock: Clock | None = None) -> RunningServer:
    """Start media_service on settings.grpc_host:settings.port (0 picks a free port)."""
    database = Database(settings.resolved_database_url, settings.service_name)
    blobs = open_blob_store(settings)
    cdn = CdnClient(
        SourcePolicy(settings.media_allowed_hosts, allow_loopback=settings.media_allow_private),
        Resolver(settings.media_resolve),
        tls_context(settings.media_ca_file),
        max_bytes=settings.media_max_bytes,
        max_redirects=settings.media_max_redirects,
        timeout_seconds=settings.media_fetch_timeout_seconds,
    )
    avatars = AvatarsDomain(
        database,
        cdn,
        blobs,
        clock or SystemClock(),
        max_bytes=settings.media_max_bytes,
        fetch_timeout_seconds=settings.media_fetch_timeout_seconds,
    )
    session_checker = RemoteSessionChecker(settings.auth_addr, clock)
    return await start_service(
        settings,
        ServiceRegistration(
            DESCRIPTOR, MediaServicer(avatars), media_service_pb2_grpc.add_MediaServiceServicer_to_server, POLICY
        ),
        clock=clock,
        session_checker=session_checker,
        dependencies=[database.dependency()],
        cleanups=[database.dispose, session_checker.close, cdn.close, blobs.close],
    )


def main() -> None:
    run_service(MediaSettings(), MIGRATIONS, create_server)

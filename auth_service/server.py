"""auth_service process: builds and runs the gRPC server."""

from __future__ import annotations

from pingcrm.auth.v1 import auth_service_pb2, auth_service_pb2_grpc

from auth_service.domain import build_domain
from auth_service.models import MIGRATIONS
from auth_service.pairing import PairingLimits
from auth_service.servicer import AuthServicer
from auth_service.sessions import LocalSessionChecker
from auth_service.settings import AuthSettings
from pingcrm_common.clock import Clock, SystemClock
from pingcrm_common.db import Database
from pingcrm_common.grpc_server import RunningServer, ServiceRegistration
from pingcrm_common.interceptors import ANY_USER, PUBLIC, WEB_ONLY, access_policy
from pingcrm_common.redis_client import create_redis, redis_dependency
from pingcrm_common.service_runtime import run_service, start_service

DESCRIPTOR = auth_service_pb2.DESCRIPTOR.services_by_name["AuthService"]
POLICY = access_policy(
    DESCRIPTOR,
    {
        "RegisterUser": PUBLIC,
        "Login": PUBLIC,
        "GetCurrentUser": ANY_USER,
        "CreatePairingCode": PUBLIC,
        "ClaimPairingCode": WEB_ONLY,
        "PollPairingCode": PUBLIC,
        "RefreshExtensionToken": PUBLIC,  # the (possibly expired) token travels in the body
        "DisconnectExtension": ANY_USER,
        "CheckSession": ANY_USER,
    },
)


async def create_server(
    settings: AuthSettings, *, clock: Clock | None = None, pairing_limits: PairingLimits | None = None
) -> RunningServer:
    """Start auth_service on settings.grpc_host:settings.port (0 picks a free port)."""
    clock = clock or SystemClock()
    database = Database(settings.resolved_database_url, settings.service_name)
    redis = create_redis(settings.redis_url)
    domain = build_domain(settings, database, redis, clock, pairing_limits=pairing_limits)
    servicer = AuthServicer(domain)
    return await start_service(
        settings,
        ServiceRegistration(DESCRIPTOR, servicer, auth_service_pb2_grpc.add_AuthServiceServicer_to_server, POLICY),
        clock=clock,
        # Revoked extension tokens are refused by auth_service itself, from its own tables.
        session_checker=LocalSessionChecker(domain.sessions),
        dependencies=[database.dependency(), redis_dependency(redis)],
        cleanups=[database.dispose, redis.aclose],
    )


def main() -> None:
    run_service(AuthSettings(), MIGRATIONS, create_server)

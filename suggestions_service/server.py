"""suggestions_service process: builds and runs the gRPC server."""

from __future__ import annotations

from pingcrm.suggestions.v1 import suggestions_service_pb2, suggestions_service_pb2_grpc

from pingcrm_common.clock import Clock
from pingcrm_common.db import Database
from pingcrm_common.grpc_server import RunningServer, ServiceRegistration
from pingcrm_common.interceptors import ANY_USER, access_policy
from pingcrm_common.service_runtime import run_service, start_service
from pingcrm_common.session_check import RemoteSessionChecker
from suggestions_service.models import MIGRATIONS
from suggestions_service.servicer import SuggestionsServicer
from suggestions_service.settings import SuggestionsSettings

DESCRIPTOR = suggestions_service_pb2.DESCRIPTOR.services_by_name["SuggestionsService"]
POLICY = access_policy(
    DESCRIPTOR,
    {
        "ListSuggestions": ANY_USER,
        "GenerateSuggestions": ANY_USER,
        "RegenerateSuggestion": ANY_USER,
        "UpdateSuggestion": ANY_USER,
    },
)


async def create_server(settings: SuggestionsSettings, *, clock: Clock | None = None) -> RunningServer:
    """Start suggestions_service on settings.grpc_host:settings.port (0 picks a free port)."""
    database = Database(settings.resolved_database_url, settings.service_name)
    servicer = SuggestionsServicer(database)
    session_checker = RemoteSessionChecker(settings.auth_addr, clock)
    return await start_service(
        settings,
        ServiceRegistration(
            DESCRIPTOR, servicer, suggestions_service_pb2_grpc.add_SuggestionsServiceServicer_to_server, POLICY
        ),
        clock=clock,
        session_checker=session_checker,
        dependencies=[database.dependency()],
        cleanups=[database.dispose, session_checker.close],
    )


def main() -> None:
    run_service(SuggestionsSettings(), MIGRATIONS, create_server)

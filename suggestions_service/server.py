"""suggestions_service process: builds and runs the gRPC server and its two background loops."""

from __future__ import annotations

import socket
import uuid
from datetime import timedelta

import httpx
from pingcrm.suggestions.v1 import suggestions_service_pb2, suggestions_service_pb2_grpc

from pingcrm_common.clock import Clock, SystemClock
from pingcrm_common.db import Database
from pingcrm_common.grpc_server import RunningServer, ServiceRegistration
from pingcrm_common.interceptors import ANY_USER, access_policy
from pingcrm_common.periodic import Periodic
from pingcrm_common.redis_client import create_redis
from pingcrm_common.service_runtime import run_service, start_service
from pingcrm_common.service_tokens import ServiceTokens
from pingcrm_common.session_check import RemoteSessionChecker
from pingcrm_common.tokens import load_private_key
from suggestions_service.domain.excerpt_retention import ExcerptRetention
from suggestions_service.domain.feed import FeedConsumer
from suggestions_service.domain.llm import Drafter, EmbeddedDrafter, LlmDrafter
from suggestions_service.domain.schedule import CHECK_SECONDS as GENERATION_CHECK_SECONDS
from suggestions_service.domain.schedule import PeriodicGeneration
from suggestions_service.domain.suggestions import SuggestionsDomain
from suggestions_service.feed_client import ContactsFeed
from suggestions_service.models import MIGRATIONS
from suggestions_service.rate_limit import RegenerateLimit
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
# Of a GenerateSuggestions' deadline, at most this long goes to reading the newest activity first.
CATCH_UP_SECONDS = 1.5


def build_drafter(settings: SuggestionsSettings, http: httpx.AsyncClient) -> Drafter:
    if settings.suggestions_drafter == "llm":
        return LlmDrafter(
            settings.llm_base_url,
            settings.llm_api_key.get_secret_value(),
            settings.llm_model,
            settings.llm_timeout_seconds,
            http,
        )
    return EmbeddedDrafter()


async def create_server(settings: SuggestionsSettings, *, clock: Clock | None = None) -> RunningServer:
    """Start suggestions_service on settings.grpc_host:settings.port (0 picks a free port)."""
    clock = clock or SystemClock()
    database = Database(settings.resolved_database_url, settings.service_name)
    redis = create_redis(settings.redis_url)
    http = httpx.AsyncClient(follow_redirects=False)
    owner = f"{socket.gethostname()}-{uuid.uuid4().hex[:8]}"  # this replica, in the leases
    tokens = ServiceTokens(load_private_key(settings.service_private_key_path), "suggestions", clock)
    contacts = ContactsFeed(settings.contacts_addr, tokens, settings.suggestions_feed_timeout_seconds)

    # The consumer and the domain call each other: new activity → generation, GenerateSuggestions → catch-up.
    async def generate_after_activity(users: set[str]) -> None:
        await domain.generate_for_users(users)

    consumer = FeedConsumer(
        database,
        clock,
        contacts,
        owner=owner,
        lease_seconds=settings.suggestions_lease_seconds,
        poll_seconds=settings.suggestions_feed_poll_seconds,
        on_applied=generate_after_activity,
    )

    async def catch_up() -> None:
        await consumer.catch_up_quietly(CATCH_UP_SECONDS)

    domain = SuggestionsDomain(
        database,
        clock,
        build_drafter(settings, http),
        RegenerateLimit(redis, clock, settings.suggestions_regenerate_per_minute),
        budget_per_run=settings.suggestions_budget_per_run,
        catch_up=catch_up,
    )
    generation = PeriodicGeneration(
        database, clock, domain, owner=owner, every=timedelta(hours=settings.suggestions_generate_every_hours)
    )
    periodic = Periodic("periodic-generation", generation.run_if_due, GENERATION_CHECK_SECONDS)
    retention = Periodic(
        "excerpt-retention",
        ExcerptRetention(database).prune,
        settings.suggestions_excerpt_retention_check_seconds,
    )
    session_checker = RemoteSessionChecker(settings.auth_addr, clock)
    running = await start_service(
        settings,
        ServiceRegistration(
            DESCRIPTOR,
            SuggestionsServicer(domain),
            suggestions_service_pb2_grpc.add_SuggestionsServiceServicer_to_server,
            POLICY,
        ),
        clock=clock,
        session_checker=session_checker,
        # Not Redis: only Regenerate needs it (rate_limit.py), and it answers 503 by itself when Redis is gone.
        dependencies=[database.dependency()],
        # Run last to first: the loops stop first (releasing their leases), then what they use.
        cleanups=[
            database.dispose,
            redis.aclose,
            http.aclose,
            contacts.close,
            session_checker.close,
            periodic.stop,
            retention.stop,
            consumer.stop,
        ],
    )
    consumer.start()
    periodic.start()
    retention.start()
    return running


def main() -> None:
    run_service(SuggestionsSettings(), MIGRATIONS, create_server)

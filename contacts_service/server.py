"""contacts_service process: builds and runs the gRPC server."""

from __future__ import annotations

from pingcrm.contacts.v1 import contacts_service_pb2, contacts_service_pb2_grpc

from contacts_service.domain.activity_retention import ActivityRetention
from contacts_service.domain.contacts import ContactsDomain
from contacts_service.domain.imports.jobs import ImportsDomain, ImportWorker
from contacts_service.domain.photos import PhotoWorker
from contacts_service.media_client import MediaClient
from contacts_service.models import MIGRATIONS
from contacts_service.servicer import ContactsServicer
from contacts_service.settings import ContactsSettings
from contacts_service.store.contacts import fold_case_like_postgres
from pingcrm_common.clock import Clock, SystemClock
from pingcrm_common.db import Database
from pingcrm_common.grpc_server import RunningServer, ServiceRegistration
from pingcrm_common.interceptors import ANY_USER, WEB_ONLY, access_policy, from_services
from pingcrm_common.periodic import Periodic
from pingcrm_common.service_runtime import run_service, start_service
from pingcrm_common.service_tokens import ServiceTokens
from pingcrm_common.session_check import RemoteSessionChecker
from pingcrm_common.tokens import load_private_key

DESCRIPTOR = contacts_service_pb2.DESCRIPTOR.services_by_name["ContactsService"]
POLICY = access_policy(
    DESCRIPTOR,
    {
        "PushLinkedIn": ANY_USER,
        "ListContacts": ANY_USER,
        "GetContact": ANY_USER,
        "FindContactByLinkedIn": ANY_USER,
        "ListBackfillCandidates": ANY_USER,
        "TakeBackfillCandidates": ANY_USER,
        # The web app's Contacts → Import page; the extension has no business uploading files.
        "UploadImport": WEB_ONLY,
        "GetImport": WEB_ONLY,
        "ListImports": WEB_ONLY,
        "GetSyncState": ANY_USER,
        "ListIncompleteConversations": ANY_USER,
        # suggestions_service's feed consumer, with a service token (docs/activity-feed.md).
        "ReadActivity": from_services("suggestions"),
        # The web contact page: only the user edits their contacts by hand.
        "UpdateContact": WEB_ONLY,
        # The extension, when LinkedIn's CDN refused the server a photo.
        "UploadContactPhoto": ANY_USER,
    },
)


async def create_server(settings: ContactsSettings, *, clock: Clock | None = None) -> RunningServer:
    """Start contacts_service on settings.grpc_host:settings.port (0 picks a free port)."""
    database = Database(settings.resolved_database_url, settings.service_name)
    fold_case_like_postgres(database.engine)
    clock = clock or SystemClock()
    worker = ImportWorker(
        database, clock, lease_seconds=settings.import_lease_seconds, poll_seconds=settings.import_poll_seconds
    )
    imports = ImportsDomain(database, clock, lease_seconds=settings.import_lease_seconds, wake=worker.wake)
    tokens = ServiceTokens(load_private_key(settings.service_private_key_path), "contacts", clock)
    media = MediaClient(settings.media_addr, tokens)
    photos = PhotoWorker(
        database,
        clock,
        media,
        lease_seconds=settings.photo_lease_seconds,
        poll_seconds=settings.photo_poll_seconds,
        concurrency=settings.photo_concurrency,
    )
    retention = Periodic(
        "activity-retention",
        ActivityRetention(database, clock, keep_days=settings.activity_retention_days).prune,
        settings.activity_retention_check_seconds,
    )
    servicer = ContactsServicer(ContactsDomain(database, clock, media, on_photos_queued=photos.wake), imports)
    session_checker = RemoteSessionChecker(settings.auth_addr, clock)
    running = await start_service(
        settings,
        ServiceRegistration(
            DESCRIPTOR, servicer, contacts_service_pb2_grpc.add_ContactsServiceServicer_to_server, POLICY
        ),
        clock=clock,
        session_checker=session_checker,
        dependencies=[database.dependency()],
        # The workers stop first: a batch in progress rolls back and resumes after its lease (jobs.py); a photo
        # being fetched is fetched again after its lease (photos.py); old activity is deleted at the next check.
        cleanups=[database.dispose, session_checker.close, media.close, retention.stop, photos.stop, worker.stop],
    )
    worker.start()
    photos.start()
    retention.start()
    return running


def main() -> None:
    run_service(ContactsSettings(), MIGRATIONS, create_server)

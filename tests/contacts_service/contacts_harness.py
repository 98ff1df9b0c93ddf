"""Helpers for contacts_service tests: a real server on a random port and a client per user."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import grpc
from pingcrm.contacts.v1 import contacts_service_pb2 as pb
from pingcrm.contacts.v1 import contacts_service_pb2_grpc

import contacts_service.server
from contacts_service.models import MIGRATIONS
from contacts_service.settings import ContactsSettings
from pingcrm_common import migrations
from pingcrm_common.clock import FrozenClock
from pingcrm_common.errors import ERROR_CODE_METADATA
from pingcrm_common.grpc_options import MESSAGE_SIZE_OPTIONS
from tests.support.dropped_connections import end_dropped_sqlite_connections
from tests.support.tokens import service_metadata, web_token

TIMEOUT = 10.0
# Message times of the tests: June 2025, before the frozen clock's 2026-01-01.
T0 = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def message(urn: str, minutes: int, text: str = "", *, from_self: bool = False) -> pb.PushedMessage:
    pushed = pb.PushedMessage(urn=urn, from_self=from_self, text=text or f"text of {urn}")
    pushed.sent_at.FromDatetime(at(minutes))
    return pushed


def conversation(
    member_id: str = "",
    slug: str = "",
    messages: list[pb.PushedMessage] | None = None,
    *,
    first_name: str = "",
    last_name: str = "",
    headline: str = "",
    urn: str | None = None,
    first_message_at: int | None = None,
    older_missing_after: int | None = None,
) -> pb.PushedConversation:
    """A pushed conversation; the history hints are minutes after T0, like message times."""
    pushed = pb.PushedConversation(
        urn=f"urn:li:msg_conversation:{member_id or slug}" if urn is None else urn,
        partner=pb.PushedPartner(
            identity=pb.LinkedInIdentity(member_id=member_id, slug=slug),
            first_name=first_name,
            last_name=last_name,
            headline=headline,
        ),
        messages=messages or [],
    )
    if first_message_at is not None:
        pushed.first_message_at.FromDatetime(at(first_message_at))
    if older_missing_after is not None:
        pushed.older_missing_after.FromDatetime(at(older_missing_after))
    return pushed


def error_code(error: grpc.aio.AioRpcError) -> str | None:
    return dict(error.trailing_metadata() or ()).get(ERROR_CODE_METADATA)


@dataclass
class UserClient:
    """One user's view of contacts_service (a web token for `user_id`)."""

    stub: contacts_service_pb2_grpc.ContactsServiceStub
    user_id: str
    token: str

    @property
    def metadata(self) -> tuple[tuple[str, str], ...]:
        return (("authorization", f"Bearer {self.token}"),)

    async def push(
        self,
        *conversations: pb.PushedConversation,
        profiles: int | list[pb.PushedProfile] = 0,
        gone: list[pb.LinkedInIdentity] | None = None,
    ) -> pb.PushLinkedInResponse:
        """A push; `profiles` as a number pushes that many empty profiles (for the limits)."""
        pushed = [pb.PushedProfile() for _ in range(profiles)] if isinstance(profiles, int) else profiles
        request = pb.PushLinkedInRequest(conversations=list(conversations), profiles=pushed, profiles_gone=gone or [])
        return await self.stub.PushLinkedIn(request, metadata=self.metadata, timeout=TIMEOUT)

    async def backfill(self, limit: int = 0) -> list[pb.BackfillCandidate]:
        """The candidates listed, none handed out (ListBackfillCandidates)."""
        request = pb.ListBackfillCandidatesRequest(limit=limit)
        return list(
            (await self.stub.ListBackfillCandidates(request, metadata=self.metadata, timeout=TIMEOUT)).candidates
        )

    async def take_backfill(self, limit: int = 0) -> list[pb.BackfillCandidate]:
        """The candidates handed out, as the extension takes them once per sync (TakeBackfillCandidates)."""
        request = pb.TakeBackfillCandidatesRequest(limit=limit)
        return list(
            (await self.stub.TakeBackfillCandidates(request, metadata=self.metadata, timeout=TIMEOUT)).candidates
        )

    async def list(
        self, query: str = "", page_size: int = 0, page_token: str = "", source: int = 0, sort: int = 0
    ) -> pb.ListContactsResponse:
        request = pb.ListContactsRequest(
            query=query, page_size=page_size, page_token=page_token, source=source, sort=sort
        )
        return await self.stub.ListContacts(request, metadata=self.metadata, timeout=TIMEOUT)

    async def contacts(self, source: int = 0) -> list[pb.Contact]:
        """Every contact (seen through `source`, when given), following the pages."""
        found: list[pb.Contact] = []
        token = ""
        while True:
            page = await self.list(page_token=token, page_size=100, source=source)
            found.extend(page.contacts)
            if not (token := page.next_page_token):
                return found

    async def get(self, contact_id: str) -> pb.GetContactResponse:
        return await self.stub.GetContact(
            pb.GetContactRequest(contact_id=contact_id), metadata=self.metadata, timeout=TIMEOUT
        )

    async def find(self, member_id: str = "", slug: str = "") -> pb.Contact:
        request = pb.FindContactByLinkedInRequest(identity=pb.LinkedInIdentity(member_id=member_id, slug=slug))
        return (await self.stub.FindContactByLinkedIn(request, metadata=self.metadata, timeout=TIMEOUT)).contact

    async def sync_state(self) -> pb.GetSyncStateResponse:
        return await self.stub.GetSyncState(pb.GetSyncStateRequest(), metadata=self.metadata, timeout=TIMEOUT)

    async def incomplete(self, page_size: int = 100) -> pb.ListIncompleteConversationsResponse:
        request = pb.ListIncompleteConversationsRequest(page_size=page_size)
        return await self.stub.ListIncompleteConversations(request, metadata=self.metadata, timeout=TIMEOUT)

    async def walks(self) -> dict[str, tuple[datetime, datetime | None]]:
        """Each incomplete conversation's walk: (before, after or None), by URN."""
        return {
            item.urn: (
                item.before.ToDatetime(tzinfo=UTC),
                item.after.ToDatetime(tzinfo=UTC) if item.HasField("after") else None,
            )
            for item in (await self.incomplete()).conversations
        }

    async def upload(self, data: bytes, filename: str = "Connections.csv", piece: int = 4096) -> pb.ImportJob:
        """Stream a file to UploadImport in pieces of `piece` bytes, as the edge does."""

        async def chunks() -> AsyncIterator[pb.ImportChunk]:
            yield pb.ImportChunk(filename=filename, data=data[:piece])
            for start in range(piece, len(data), piece):
                yield pb.ImportChunk(data=data[start : start + piece])

        return await self.stub.UploadImport(chunks(), metadata=self.metadata, timeout=TIMEOUT)

    async def import_job(self, job_id: str) -> pb.ImportJob:
        return await self.stub.GetImport(pb.GetImportRequest(job_id=job_id), metadata=self.metadata, timeout=TIMEOUT)

    async def imports(self) -> list[pb.ImportJob]:
        return list(
            (await self.stub.ListImports(pb.ListImportsRequest(), metadata=self.metadata, timeout=TIMEOUT)).jobs
        )

    async def finished(self, job_id: str, within_seconds: float = 60) -> pb.ImportJob:
        """The job once the service's worker has ended it (it runs in the background)."""
        deadline = asyncio.get_running_loop().time() + within_seconds
        while True:
            job = await self.import_job(job_id)
            if job.state in (pb.IMPORT_STATE_DONE, pb.IMPORT_STATE_FAILED):
                return job
            assert asyncio.get_running_loop().time() < deadline, f"import still {pb.ImportState.Name(job.state)}"
            await asyncio.sleep(0.02)

    async def imported(self, data: bytes, filename: str = "Connections.csv", piece: int = 4096) -> pb.ImportJob:
        """Upload a file (in pieces of `piece` bytes) and wait for its import to end."""
        return await self.finished((await self.upload(data, filename, piece)).id)


@dataclass
class ContactsHarness:
    stub: contacts_service_pb2_grpc.ContactsServiceStub
    data_dir: Path
    clock: FrozenClock
    settings: ContactsSettings

    def user(self, user_id: str = "user-a") -> UserClient:
        return UserClient(self.stub, user_id, web_token(self.data_dir, user_id, self.clock))

    async def read_activity(
        self, after: str = "", limit: int = 0, *, service: str = "suggestions"
    ) -> pb.ReadActivityResponse:
        """One ReadActivity call with `service`'s service token, as suggestions_service's consumer makes it."""
        return await self.stub.ReadActivity(
            pb.ReadActivityRequest(after=after, limit=limit),
            metadata=service_metadata(self.data_dir, service, self.clock),
            timeout=TIMEOUT,
        )

    async def activity(self, after: str = "") -> tuple[list[pb.ActivityEvent], str]:
        """Every event after `after` that the feed serves now, following its pages; and where it ended."""
        events: list[pb.ActivityEvent] = []
        while True:
            page = await self.read_activity(after, limit=50)
            events.extend(page.events)
            after = page.next
            if len(page.events) < 50:
                return events, after


@asynccontextmanager
async def running_contacts(settings: ContactsSettings, clock: FrozenClock) -> AsyncIterator[ContactsHarness]:
    """contacts_service migrated and serving on a random port, as its process runs it."""
    await asyncio.to_thread(migrations.upgrade, MIGRATIONS, settings.resolved_database_url)
    running = await contacts_service.server.create_server(settings, clock=clock)
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{running.port}", options=MESSAGE_SIZE_OPTIONS)
    try:
        stub = contacts_service_pb2_grpc.ContactsServiceStub(channel)
        yield ContactsHarness(stub, settings.data_dir, clock, settings)
    finally:
        await channel.close()
        await running.shutdown(1.0)
        await end_dropped_sqlite_connections()

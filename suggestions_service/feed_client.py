"""contacts_service's ReadActivity as a `FeedSource`: a service token, a deadline, proto → domain records.

The token is minted per call (it lives 5 minutes) with the internal service
key; the RPC is marked IDEMPOTENT (it only remembers how far this service has read), so the channel retries
it on UNAVAILABLE.
"""

from __future__ import annotations

import grpc
from pingcrm.contacts.v1 import contacts_service_pb2 as pb
from pingcrm.contacts.v1 import contacts_service_pb2_grpc

from pingcrm_common.grpc_client import open_channel
from pingcrm_common.service_tokens import ServiceTokens
from pingcrm_common.timestamps import to_datetime
from suggestions_service.domain.records import Event, FeedMessage, FeedPage, JobChange, Snapshot


class ContactsFeed:
    def __init__(self, address: str, tokens: ServiceTokens, timeout: float) -> None:
        self._channel: grpc.aio.Channel = open_channel(address, pb.DESCRIPTOR.services_by_name["ContactsService"])
        self._stub = contacts_service_pb2_grpc.ContactsServiceStub(self._channel)
        self._tokens = tokens
        self._timeout = timeout

    async def read(self, after: str, limit: int) -> FeedPage:
        response: pb.ReadActivityResponse = await self._stub.ReadActivity(
            pb.ReadActivityRequest(after=after, limit=limit), timeout=self._timeout, metadata=self._tokens.metadata()
        )
        return FeedPage([event_of(event) for event in response.events], response.next, response.more)

    async def close(self) -> None:
        await self._channel.close()


def event_of(event: pb.ActivityEvent) -> Event:
    snapshot = event.contact
    kind = event.WhichOneof("detail") or ""
    occurred_at = to_datetime(event, "occurred_at")
    if occurred_at is None:
        raise ValueError("an activity event without occurred_at")
    messages = tuple(
        FeedMessage(m.urn, m.from_self, sent, m.excerpt)
        for m in event.messages.messages
        if (sent := to_datetime(m, "sent_at")) is not None
    )
    job = event.job_changed
    return Event(
        position=event.position,
        user_id=event.user_id,
        contact_id=event.contact_id,
        occurred_at=occurred_at,
        snapshot=Snapshot(
            full_name=snapshot.full_name,
            first_name=snapshot.first_name,
            headline=snapshot.headline,
            title=snapshot.title,
            company=snapshot.company,
            avatar_url=snapshot.avatar_url,
            member_id=snapshot.member_id,
            slug=snapshot.slug,
        ),
        kind=kind,
        messages=messages,
        conversation_url=event.messages.conversation_url,
        job=JobChange(job.new_title, job.new_company) if kind == "job_changed" else None,
        absorbed_contact_id=event.contacts_merged.absorbed_contact_id,
        connected_on=to_datetime(event.connection_imported, "connected_on"),
        source=event.contact_added.source,
    )

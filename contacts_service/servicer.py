"""ContactsService RPCs: translate proto ⇄ domain and call the domain, nothing else.

Nothing here decides anything or opens a database session: ContactsDomain
and ImportsDomain raise `pingcrm_common.errors` exceptions and the
interceptor maps them to status codes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import grpc
from pingcrm.contacts.v1 import contacts_service_pb2 as pb
from pingcrm.contacts.v1 import contacts_service_pb2_grpc

from contacts_service.domain import activity
from contacts_service.domain.backfill import Candidate
from contacts_service.domain.contacts import ContactsDomain
from contacts_service.domain.imports.csv_format import ExportKind
from contacts_service.domain.imports.jobs import ImportsDomain
from contacts_service.domain.imports.records import Job, JobState
from contacts_service.domain.listing import Sort
from contacts_service.domain.push_input import (
    ConversationInput,
    IdentityInput,
    MessageInput,
    PartnerInput,
    PositionInput,
    ProfileInput,
    PushInput,
)
from contacts_service.domain.records import Contact, Interaction
from contacts_service.domain.sources import Source
from pingcrm_common.errors import InvalidArgument, PermissionDenied
from pingcrm_common.timestamps import to_datetime, to_timestamp, write_timestamp
from pingcrm_common.tokens import require_caller

SORTS = {
    pb.CONTACT_SORT_UNSPECIFIED: Sort.LAST_INTERACTION,
    pb.CONTACT_SORT_LAST_INTERACTION: Sort.LAST_INTERACTION,
    pb.CONTACT_SORT_NAME: Sort.NAME,
    pb.CONTACT_SORT_QUIET_LONGEST: Sort.QUIET_LONGEST,
}
SOURCES = {
    pb.CONTACT_SOURCE_LINKEDIN_DM: Source.LINKEDIN_DM,
    pb.CONTACT_SOURCE_CONNECTIONS_IMPORT: Source.CONNECTIONS_IMPORT,
    pb.CONTACT_SOURCE_MESSAGES_IMPORT: Source.MESSAGES_IMPORT,
}
KINDS = {ExportKind.CONNECTIONS: pb.IMPORT_KIND_CONNECTIONS, ExportKind.MESSAGES: pb.IMPORT_KIND_MESSAGES}
STATES = {
    JobState.QUEUED: pb.IMPORT_STATE_QUEUED,
    JobState.RUNNING: pb.IMPORT_STATE_RUNNING,
    JobState.DONE: pb.IMPORT_STATE_DONE,
    JobState.FAILED: pb.IMPORT_STATE_FAILED,
}


class ContactsServicer(contacts_service_pb2_grpc.ContactsServiceServicer):
    def __init__(self, domain: ContactsDomain, imports: ImportsDomain) -> None:
        self._domain = domain
        self._imports = imports

    async def PushLinkedIn(
        self, request: pb.PushLinkedInRequest, context: grpc.aio.ServicerContext
    ) -> pb.PushLinkedInResponse:
        result = await self._domain.push(require_caller().user_id, _push_input(request))
        return pb.PushLinkedInResponse(
            contacts_created=result.contacts_created,
            contacts_updated=result.contacts_updated,
            interactions_created=result.interactions_created,
            interactions_skipped=result.interactions_skipped,
            rejected=[pb.RejectedItem(path=item.path, reason=item.reason) for item in result.rejected],
        )

    async def ListBackfillCandidates(
        self, request: pb.ListBackfillCandidatesRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListBackfillCandidatesResponse:
        found = await self._domain.backfill_candidates(require_caller().user_id, request.limit)
        return pb.ListBackfillCandidatesResponse(candidates=[_candidate(candidate) for candidate in found])

    async def TakeBackfillCandidates(
        self, request: pb.TakeBackfillCandidatesRequest, context: grpc.aio.ServicerContext
    ) -> pb.TakeBackfillCandidatesResponse:
        taken = await self._domain.take_backfill(require_caller().user_id, request.limit)
        return pb.TakeBackfillCandidatesResponse(candidates=[_candidate(candidate) for candidate in taken])

    async def ListContacts(
        self, request: pb.ListContactsRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListContactsResponse:
        sort = SORTS.get(request.sort)
        if sort is None:
            raise InvalidArgument(f"unknown sort {request.sort}", code="unknown_sort")
        page = await self._domain.list_contacts(
            require_caller().user_id,
            request.query,
            request.page_size,
            request.page_token,
            SOURCES.get(request.source),
            sort,
        )
        return pb.ListContactsResponse(
            contacts=[_contact(contact) for contact in page.contacts],
            next_page_token=page.next_cursor,
            total_count=page.total_count,
        )

    async def GetContact(
        self, request: pb.GetContactRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetContactResponse:
        page = await self._domain.get_contact(
            require_caller().user_id, request.contact_id, request.interactions_limit, request.interactions_page_token
        )
        return pb.GetContactResponse(
            contact=_contact(page.contact),
            recent_interactions=[_interaction(item) for item in page.interactions],
            job_changes=[
                pb.JobChange(
                    old_title=job.old_title,
                    old_company=job.old_company,
                    new_title=job.new_title,
                    new_company=job.new_company,
                    seen_at=to_timestamp(job.seen_at),
                )
                for job in page.job_changes
            ],
            next_interactions_page_token=page.next_interactions_cursor,
            conversation_url=page.conversation_url,
        )

    async def UpdateContact(
        self, request: pb.UpdateContactRequest, context: grpc.aio.ServicerContext
    ) -> pb.UpdateContactResponse:
        values = {
            name: getattr(request, name) if request.HasField(name) else None
            for name in ("full_name", "title", "company", "notes")
        }
        contact = await self._domain.update_contact(require_caller().user_id, request.contact_id, values)
        return pb.UpdateContactResponse(contact=_contact(contact))

    async def FindContactByLinkedIn(
        self, request: pb.FindContactByLinkedInRequest, context: grpc.aio.ServicerContext
    ) -> pb.FindContactByLinkedInResponse:
        contact = await self._domain.find_by_linkedin(
            require_caller().user_id, request.identity.member_id, request.identity.slug
        )
        return pb.FindContactByLinkedInResponse(contact=_contact(contact))

    async def UploadContactPhoto(
        self, request: pb.UploadContactPhotoRequest, context: grpc.aio.ServicerContext
    ) -> pb.UploadContactPhotoResponse:
        contact = await self._domain.upload_photo(require_caller().user_id, request.contact_id, request.content)
        return pb.UploadContactPhotoResponse(contact=_contact(contact))

    async def GetSyncState(
        self, request: pb.GetSyncStateRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetSyncStateResponse:
        state = await self._domain.sync_state(require_caller().user_id)
        return pb.GetSyncStateResponse(
            contacts_count=state.contacts_count, last_push_at=to_timestamp(state.last_push_at)
        )

    async def ListIncompleteConversations(
        self, request: pb.ListIncompleteConversationsRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListIncompleteConversationsResponse:
        found, total = await self._domain.incomplete_conversations(require_caller().user_id, request.page_size)
        return pb.ListIncompleteConversationsResponse(
            conversations=[
                pb.IncompleteConversation(
                    urn=item.urn,
                    partner=pb.LinkedInIdentity(member_id=item.member_id or "", slug=item.slug or ""),
                    before=to_timestamp(item.before),
                    after=to_timestamp(item.after),
                )
                for item in found
            ],
            total=total,
        )

    async def ReadActivity(
        self, request: pb.ReadActivityRequest, context: grpc.aio.ServicerContext
    ) -> pb.ReadActivityResponse:
        reader = require_caller().service  # the policy (server.py) admits service tokens only
        if reader is None:
            raise PermissionDenied("the activity feed is read with a service token", code="wrong_audience")
        page = await self._domain.read_activity(reader, request.after, request.limit)
        response = pb.ReadActivityResponse(next=page.next.encode(), more=page.more)
        for event in page.events:
            _write_event(response.events.add(), event)
        return response

    async def UploadImport(
        self, request_iterator: AsyncIterator[pb.ImportChunk], context: grpc.aio.ServicerContext
    ) -> pb.ImportJob:
        chunks = aiter(request_iterator)
        first = await anext(chunks, None)

        async def pieces() -> AsyncIterator[bytes]:
            if first is not None:
                yield first.data
            async for chunk in chunks:
                yield chunk.data

        job = await self._imports.upload(require_caller().user_id, first.filename if first else "", pieces())
        return _import_job(job)

    async def GetImport(self, request: pb.GetImportRequest, context: grpc.aio.ServicerContext) -> pb.ImportJob:
        return _import_job(await self._imports.get(require_caller().user_id, request.job_id))

    async def ListImports(
        self, request: pb.ListImportsRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListImportsResponse:
        jobs = await self._imports.recent(require_caller().user_id)
        return pb.ListImportsResponse(jobs=[_import_job(job) for job in jobs])


def _import_job(job: Job) -> pb.ImportJob:
    return pb.ImportJob(
        id=job.id,
        kind=KINDS[job.kind],
        state=STATES.get(job.state, pb.IMPORT_STATE_UNSPECIFIED),
        reason=job.reason,
        filename=job.filename,
        size_bytes=job.size_bytes,
        total=job.total,
        processed=job.processed,
        created=job.created,
        updated=job.updated,
        skipped=job.skipped,
        contacts_created=job.contacts_created,
        error_count=job.error_count,
        errors=[pb.ImportRowError(line=error.line, reason=error.reason) for error in job.errors],
        created_at=to_timestamp(job.created_at),
        started_at=to_timestamp(job.started_at),
        finished_at=to_timestamp(job.finished_at),
    )


def _push_input(request: pb.PushLinkedInRequest) -> PushInput:
    return PushInput(
        conversations=[
            ConversationInput(
                urn=conversation.urn,
                partner=_partner(conversation.partner) if conversation.HasField("partner") else None,
                messages=[
                    MessageInput(
                        urn=message.urn,
                        from_self=message.from_self,
                        text=message.text,
                        sent_at=to_datetime(message, "sent_at"),
                    )
                    for message in conversation.messages
                ],
                first_message_at=to_datetime(conversation, "first_message_at"),
                older_missing_after=to_datetime(conversation, "older_missing_after"),
            )
            for conversation in request.conversations
        ],
        profiles=[_profile(profile) for profile in request.profiles],
        profiles_gone=[IdentityInput(item.member_id, item.slug) for item in request.profiles_gone],
    )


def _profile(profile: pb.PushedProfile) -> ProfileInput:
    return ProfileInput(
        member_id=profile.identity.member_id,
        slug=profile.identity.slug,
        profile_url=profile.identity.profile_url,
        first_name=profile.first_name,
        last_name=profile.last_name,
        headline=profile.headline,
        location=profile.location,
        positions=[PositionInput(p.title, p.company, p.current) for p in profile.positions],
        photo_urls=list(profile.photo_urls),
    )


def _candidate(candidate: Candidate) -> pb.BackfillCandidate:
    return pb.BackfillCandidate(
        contact_id=candidate.contact_id,
        member_id=candidate.member_id or "",
        slug=candidate.slug or "",
        photo_url=candidate.photo_url,
    )


def _partner(partner: pb.PushedPartner) -> PartnerInput:
    return PartnerInput(
        member_id=partner.identity.member_id,
        slug=partner.identity.slug,
        first_name=partner.first_name,
        last_name=partner.last_name,
        headline=partner.headline,
        profile_url=partner.identity.profile_url,
    )


def _direction(from_self: bool) -> pb.Direction:
    return pb.DIRECTION_OUTBOUND if from_self else pb.DIRECTION_INBOUND


def _contact(contact: Contact) -> pb.Contact:
    message = None
    if contact.last_message_at is not None:
        message = pb.LastMessage(
            text=contact.last_message_text or "",
            direction=_direction(bool(contact.last_message_from_self)),
            sent_at=to_timestamp(contact.last_message_at),
        )
    return pb.Contact(
        id=contact.id,
        full_name=contact.full_name,
        headline=contact.headline,
        title=contact.title,
        company=contact.company,
        location=contact.location,
        avatar_url=contact.avatar_url,
        email=contact.email,
        linkedin=pb.LinkedInIdentity(
            member_id=contact.linkedin_member_id or "",
            slug=contact.linkedin_slug or "",
            profile_url=contact.profile_url,
        ),
        last_message=message,
        last_interaction_at=to_timestamp(contact.last_interaction_at),
        interaction_count=contact.interaction_count,
        sources=[proto for proto, source in SOURCES.items() if contact.sources & source],
        connected_on=contact.connected_on.isoformat() if contact.connected_on else "",
        notes=contact.notes,
        edited_fields=sorted(contact.edited_fields),
    )


def _interaction(interaction: Interaction) -> pb.Interaction:
    return pb.Interaction(
        id=interaction.id,
        source_urn=interaction.source_urn,
        direction=_direction(interaction.from_self),
        text=interaction.text,
        occurred_at=to_timestamp(interaction.occurred_at),
    )


def _write_event(target: pb.ActivityEvent, event: activity.ActivityEvent) -> None:
    """`event` written into `target` in place: a page's messages are copied once, not again at every level as
    built messages handed to constructors would be."""
    snapshot = event.contact
    target.seq = event.seq
    target.position = event.position.encode()
    target.user_id = event.user_id
    target.contact_id = event.contact_id
    write_timestamp(target.occurred_at, event.occurred_at)
    write_timestamp(target.recorded_at, event.recorded_at)
    contact = target.contact
    contact.full_name = snapshot.full_name
    contact.first_name = snapshot.first_name
    contact.headline = snapshot.headline
    contact.title = snapshot.title
    contact.company = snapshot.company
    contact.avatar_url = snapshot.avatar_url
    contact.member_id = snapshot.member_id
    contact.slug = snapshot.slug
    match event.detail:
        case activity.Messages(items=items) as detail:
            messages = target.messages
            messages.SetInParent()
            messages.conversation_url = detail.conversation_url
            for item in items:
                added = messages.messages.add(urn=item.urn, from_self=item.from_self, excerpt=item.excerpt)
                write_timestamp(added.sent_at, item.sent_at)
        case activity.ContactAdded(source=source):
            target.contact_added.SetInParent()
            target.contact_added.source = source
        case activity.ContactUpdated(fields=fields):
            target.contact_updated.SetInParent()
            target.contact_updated.fields.extend(fields)
        case activity.JobChanged() as job:
            changed = target.job_changed
            changed.SetInParent()
            changed.old_title = job.old_title
            changed.old_company = job.old_company
            changed.new_title = job.new_title
            changed.new_company = job.new_company
        case activity.ContactsMerged(absorbed_contact_id=absorbed):
            target.contacts_merged.SetInParent()
            target.contacts_merged.absorbed_contact_id = absorbed
        case activity.ConnectionImported(connected_on=day):
            target.connection_imported.SetInParent()
            if day is not None:
                write_timestamp(target.connection_imported.connected_on, activity.utc_midnight(day))

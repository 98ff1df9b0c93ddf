"""ContactsDomain: what the servicer calls, one method per RPC.

Each method checks its input, runs one unit of work through
`Database.transaction()` and hands the session to the store. Every store
call names the user: another user's contact is indistinguishable from one
that does not exist (NOT_FOUND either way).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from contacts_service.domain import edits, limits, listing
from contacts_service.domain.activity import (
    MAX_READ_BYTES,
    ActivityEvent,
    ActivityPage,
    Position,
    contact_updated,
    read_limit,
)
from contacts_service.domain.backfill import Candidate, candidates_limit, next_turn
from contacts_service.domain.history import IncompleteConversation
from contacts_service.domain.linkedin_identity import InvalidIdentity, conversation_url, normalize
from contacts_service.domain.message_history import HistoryCursor
from contacts_service.domain.message_key import thread_id_of
from contacts_service.domain.photos import Failed, Media, Stored, set_avatar
from contacts_service.domain.push import PushResult, record_push
from contacts_service.domain.push_input import PushInput
from contacts_service.domain.records import Contact, Interaction, JobChange, SyncState
from contacts_service.domain.sources import Source
from contacts_service.store import activity, contacts, conversations, interactions, profiles, sync_state
from pingcrm_common.clock import Clock
from pingcrm_common.db import Database, Session
from pingcrm_common.errors import InvalidArgument, NotFound, Unavailable


@dataclass(frozen=True)
class ContactPage:
    """GetContact's answer."""

    contact: Contact
    interactions: list[Interaction]  # newest first
    job_changes: list[JobChange]  # newest first
    next_interactions_cursor: str  # "" at the end
    conversation_url: str  # the newest synced conversation in LinkedIn's messaging; "" when none is known


def _photo_refused(failed: Failed) -> InvalidArgument:
    """media_service's verdict on uploaded bytes, under the same code."""
    if failed.code == "not_an_image":
        return InvalidArgument(failed.reason, code="not_an_image")
    if failed.code == "too_large":
        return InvalidArgument(failed.reason, code="too_large")
    if failed.code == "image_too_large":
        return InvalidArgument(failed.reason, code="image_too_large")
    return InvalidArgument(f"the photo was refused: {failed.reason}", code="photo_refused")


# A contact has one conversation with the user, or a few after merges; older URN forms may lack a thread id.
_CONVERSATIONS_LOOKED_AT = 5


async def _conversation_url(session: Session, user_id: str, contact_id: str) -> str:
    """The address of the newest of the contact's synced conversations that LinkedIn's URLs can name."""
    for urn in await conversations.newest_urns(session, user_id, contact_id, _CONVERSATIONS_LOOKED_AT):
        thread_id = thread_id_of(urn)
        url = conversation_url(thread_id) if thread_id else ""
        if url:
            return url
    return ""


def _not_found() -> NotFound:
    return NotFound("contact not found", code="contact_not_found")


class ContactsDomain:
    def __init__(
        self, database: Database, clock: Clock, media: Media, on_photos_queued: Callable[[], None] = lambda: None
    ) -> None:
        self._database = database
        self._clock = clock
        self._media = media
        self._on_photos_queued = on_photos_queued

    async def push(self, user_id: str, push: PushInput) -> PushResult:
        """Store a push from the extension (push.py); its photos are downloaded later (photos.py)."""
        result = await record_push(self._database, user_id, push, self._clock)
        if any(profile.photo_urls for profile in push.profiles):
            self._on_photos_queued()
        return result

    async def upload_photo(self, user_id: str, contact_id: str, data: bytes) -> Contact:
        """Photo bytes the browser fetched because the CDN refused the server: stored by media_service (the
        same checks as a download), then the contact's avatar."""
        if not data:
            raise InvalidArgument("the photo is empty", code="empty_photo")
        if "\x00" in contact_id:
            raise _not_found()

        async def read(session: Session) -> Contact | None:
            return await contacts.get(session, user_id, contact_id)

        if await self._database.transaction(read) is None:
            raise _not_found()
        outcome = await self._media.store(user_id, data)
        if isinstance(outcome, Stored):
            contact = await set_avatar(self._database, self._clock, user_id, contact_id, outcome)
            if contact is None:
                raise _not_found()
            return contact
        if isinstance(outcome, Failed):
            raise _photo_refused(outcome)
        raise Unavailable(
            "media_service (photos) is unavailable; send the photo again shortly",
            code="media_unavailable",
            retry_after_seconds=5,
        )

    async def backfill_candidates(self, user_id: str, limit: int) -> list[Candidate]:
        """The contacts take_backfill would hand out now (backfill.py), without handing them out."""
        count = candidates_limit(limit)

        async def read(session: Session) -> list[Candidate]:
            return await profiles.candidates(session, user_id, self._clock.now(), count)

        return await self._database.transaction(read)

    async def take_backfill(self, user_id: str, limit: int) -> list[Candidate]:
        """Hand out the contacts due for backfill (backfill.py): each one's attempt is counted and its next turn
        put off, in the transaction that chose them."""
        count = candidates_limit(limit)

        async def hand_out(session: Session) -> list[Candidate]:
            # Under the user's lock, as a push: two syncs asking at once get different contacts, never the same.
            await sync_state.lock_user(session, user_id)
            now = self._clock.now()
            candidates = await profiles.candidates(session, user_id, now, count)
            await profiles.hand_out(session, user_id, {c.contact_id: next_turn(c, now) for c in candidates})
            return candidates

        return await self._database.transaction(hand_out)

    async def list_contacts(
        self,
        user_id: str,
        query: str,
        page_size: int,
        page_token: str,
        source: Source | None = None,
        sort: listing.Sort = listing.Sort.LAST_INTERACTION,
    ) -> listing.Page:
        """One page of the user's contacts in the order `sort`, those whose name, company, title, headline or
        email contains `query` (case-insensitive; the one with a LinkedIn profile address given as `query`),
        only those seen through `source` when given; with how many match in all."""
        request = listing.page_request(query, page_size, page_token, sort)
        source_bit = int(source or 0)

        async def read(session: Session) -> tuple[list[Contact], int]:
            found = await contacts.page(
                session, user_id, request.search, request.size + 1, request.after, source=source_bit, sort=sort
            )
            return found, await contacts.listed_count(session, user_id, request.search, source_bit)

        found, total = await self._database.transaction(read)
        return listing.page_of(found, request, total)

    async def get_contact(
        self, user_id: str, contact_id: str, interactions_limit: int, interactions_page_token: str = ""
    ) -> ContactPage:
        """The contact, its job changes (newest first) and one page of its messages, newest first
        (message_history.py)."""
        count = limits.recent_interactions(interactions_limit)
        after = HistoryCursor.decode(interactions_page_token) if interactions_page_token else None
        if "\x00" in contact_id:  # PostgreSQL cannot even compare such a string; no id contains one
            raise _not_found()

        async def read(session: Session) -> ContactPage:
            contact = await contacts.get(session, user_id, contact_id)
            if contact is None:
                raise _not_found()
            before = (after.occurred_at, after.source_urn) if after else None
            found = await interactions.latest(session, user_id, contact_id, count + 1, before)
            shown = found[:count]
            more = len(found) > count and shown
            cursor = HistoryCursor(shown[-1].occurred_at, shown[-1].source_urn).encode() if more else ""
            jobs = await profiles.job_changes(session, user_id, contact_id)
            return ContactPage(contact, shown, jobs, cursor, await _conversation_url(session, user_id, contact_id))

        return await self._database.transaction(read)

    async def update_contact(self, user_id: str, contact_id: str, values: dict[str, str | None]) -> Contact:
        """The user's own edit (edits.py): the fields set, marked as edited, and a `contact_updated` event."""
        edit = edits.check(values)
        if "\x00" in contact_id:
            raise _not_found()
        now = self._clock.now()

        async def write(session: Session) -> Contact:
            contact = await contacts.get(session, user_id, contact_id)
            if contact is None:
                raise _not_found()
            changed = tuple(name for name, value in edit.values.items() if getattr(contact, name) != value)
            edited = contact.edited_fields | edit.values.keys()
            await contacts.edit(session, user_id, contact_id, edit.values, edits.format_fields(edited), now)
            updated = replace(
                contact,
                full_name=edit.values.get("full_name", contact.full_name),
                title=edit.values.get("title", contact.title),
                company=edit.values.get("company", contact.company),
                notes=edit.values.get("notes", contact.notes),
                edited_fields=edited,
            )
            if changed:
                await activity.record(session, user_id, [contact_updated(updated, changed, now)], now)
            return updated

        return await self._database.transaction(write)

    async def find_by_linkedin(self, user_id: str, member_id: str, slug: str) -> Contact:
        """The contact with this member id, else the one with this slug."""
        if not (member_id.strip() or slug.strip()):
            raise InvalidArgument("give a member_id or a slug", code="identity_required")
        try:
            identity = normalize(member_id, slug)
        except InvalidIdentity as error:
            raise InvalidArgument(str(error), code="invalid_identity") from error

        async def read(session: Session) -> list[Contact]:
            return await contacts.with_identity(session, user_id, identity)

        found = await self._database.transaction(read)
        if not found:
            raise _not_found()
        # The member id never changes hands; a slug may have (see matching.py).
        return next((c for c in found if identity.member_id and c.linkedin_member_id == identity.member_id), found[0])

    async def sync_state(self, user_id: str) -> SyncState:
        """When the user's extension last pushed, and how many contacts the user has."""

        async def read(session: Session) -> SyncState:
            return SyncState(
                last_push_at=await sync_state.last_push_at(session, user_id),
                contacts_count=await contacts.count(session, user_id),
            )

        return await self._database.transaction(read)

    async def incomplete_conversations(self, user_id: str, page_size: int) -> tuple[list[IncompleteConversation], int]:
        """The user's conversations whose older messages are still to fetch, newest message first, with where
        the extension continues (history.py), and how many there are in all."""
        size = limits.incomplete_conversations(page_size)

        async def read(session: Session) -> tuple[list[IncompleteConversation], int]:
            return (
                await conversations.incomplete(session, user_id, size),
                await conversations.count_incomplete(session, user_id),
            )

        return await self._database.transaction(read)

    async def read_activity(self, reader: str, after: str, limit: int) -> ActivityPage:
        """The activity feed's next events after position `after` ("" from the start), in feed order. `reader`
        has applied everything up to `after`: retention keeps what it has not (activity_retention.py)."""
        position = Position.decode(after)
        count = read_limit(limit)

        async def read(session: Session) -> tuple[list[ActivityEvent], bool]:
            await activity.mark_read(session, reader, position, self._clock.now())
            return await activity.read(session, position, count, MAX_READ_BYTES)

        events, more = await self._database.transaction(read)
        return ActivityPage(events, events[-1].position if events else position, more)

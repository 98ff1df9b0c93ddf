"""What the RPCs do: list, generate, regenerate and update a user's suggestions.

Every method takes the caller's user id and finds only that user's
suggestions: another user's id is NOT_FOUND, like one that does not exist.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from pingcrm_common.clock import Clock
from pingcrm_common.db import Database, Session
from pingcrm_common.errors import FailedPrecondition, InvalidArgument, NotFound
from pingcrm_common.models import new_id
from suggestions_service.domain import rules
from suggestions_service.domain.drafts import DRAFT_MAX, DraftContext
from suggestions_service.domain.llm import Drafter
from suggestions_service.domain.records import (
    Candidate,
    ClosedBy,
    ContactFacts,
    Filter,
    History,
    RecentMessage,
    Snapshot,
    Status,
    SuggestionRecord,
)
from suggestions_service.store import feed as feed_store
from suggestions_service.store import suggestions as store

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_PER_RUN = 100  # the most GenerateSuggestions creates in one call, whatever it asks for
DRAFT_MESSAGES = 5  # the newest messages a drafter sees
DRAFT_MARGIN_SECONDS = 0.5  # of the caller's deadline, kept for storing the drafts


class Limiter(Protocol):
    async def hit(self, user_id: str) -> None: ...


@dataclass(frozen=True)
class Listing:
    suggestions: list[SuggestionRecord]
    next_page_token: str
    pending_count: int


def _not_found() -> NotFound:
    return NotFound("no such suggestion", code="suggestion_not_found")


def encode_token(record: SuggestionRecord) -> str:
    return base64.urlsafe_b64encode(f"{record.created_at.isoformat()}|{record.id}".encode()).decode()


def decode_token(token: str) -> tuple[datetime, str]:
    try:
        created, suggestion_id = base64.urlsafe_b64decode(token.encode()).decode().split("|", 1)
        moment = datetime.fromisoformat(created)
    except (ValueError, binascii.Error, UnicodeDecodeError) as error:
        raise InvalidArgument("page_token is not one this service gave", code="invalid_page_token") from error
    if moment.tzinfo is None:
        raise InvalidArgument("page_token is not one this service gave", code="invalid_page_token")
    return moment, suggestion_id


class SuggestionsDomain:
    def __init__(
        self,
        database: Database,
        clock: Clock,
        drafter: Drafter,
        limiter: Limiter,
        *,
        thresholds: rules.Thresholds | None = None,
        budget_per_run: int = 20,
        catch_up: Callable[[], Awaitable[object]] | None = None,
    ) -> None:
        self._database = database
        self._clock = clock
        self._drafter = drafter
        self._limiter = limiter
        self._thresholds = thresholds or rules.Thresholds()
        self._budget = budget_per_run
        self._catch_up = catch_up

    async def listing(self, user_id: str, which: Filter, page_size: int, page_token: str) -> Listing:
        if page_size < 0 or page_size > MAX_PAGE_SIZE:
            raise InvalidArgument(f"page_size is at most {MAX_PAGE_SIZE}", code="limit_too_large")
        size = page_size or DEFAULT_PAGE_SIZE
        after = decode_token(page_token) if page_token else None
        now = self._clock.now()

        async def read(session: Session) -> Listing:
            found = await store.page(session, user_id, which, now, size + 1, after)
            count = await store.pending_count(session, user_id, now)
            more = len(found) > size
            return Listing(found[:size], encode_token(found[size - 1]) if more else "", count)

        listing = await self._database.transaction(read)
        for record in listing.suggestions:
            record.status = record.shown_status(now)
        return listing

    async def generate(
        self, user_id: str, max_suggestions: int, *, timeout: float | None = None
    ) -> list[SuggestionRecord]:
        """Create the suggestions `user_id`'s contacts are due, at most max_suggestions (0: the budget)."""
        if max_suggestions < 0:
            raise InvalidArgument("max_suggestions must not be negative", code="invalid_max_suggestions")
        clock = asyncio.get_running_loop().time
        deadline = None if timeout is None else clock() + timeout
        if self._catch_up is not None:
            await self._catch_up()  # the newest activity first (best effort: contacts_service may be down)
        budget = min(max_suggestions or self._budget, MAX_PER_RUN)
        return await self._generate(user_id, budget, None if deadline is None else deadline - clock())

    async def generate_for_users(self, user_ids: set[str] | list[str]) -> int:
        """The background run (after activity arrives, and periodically): each user's budget; how many were created."""
        created = 0
        for user_id in sorted(user_ids):
            created += len(await self._generate(user_id, self._budget, None))
        return created

    async def all_users(self) -> list[str]:
        return await self._database.transaction(feed_store.users)

    async def _generate(self, user_id: str, budget: int, timeout: float | None) -> list[SuggestionRecord]:
        started = asyncio.get_running_loop().time()
        now = self._clock.now()

        async def candidates(session: Session) -> list[Candidate]:
            contacts = await feed_store.contacts_of(session, user_id)
            histories = await store.histories(session, user_id)
            found = choose(contacts, histories, now, self._thresholds, budget)
            for candidate in found:
                candidate.recent = await feed_store.recent_messages(
                    session, user_id, candidate.facts.contact_id, DRAFT_MESSAGES
                )
            return found

        chosen = await self._database.transaction(candidates)
        if not chosen:
            return []
        remaining = (
            None if timeout is None else timeout - (asyncio.get_running_loop().time() - started) - DRAFT_MARGIN_SECONDS
        )
        drafted = await asyncio.gather(
            *(
                self._drafter.draft(_context(c.facts, c.kind, c.reason, c.recent, now), 0, timeout=remaining)
                for c in chosen
            )
        )
        # The run's suggestions share created_at, so the newest-first list orders them by id: the highest id goes
        # to the most pressing, which the list then shows first (ids made in one millisecond differ only in their
        # random bits, so their own order says nothing).
        ids = sorted((new_id() for _ in chosen), reverse=True)
        records = [
            SuggestionRecord(
                id=suggestion_id,
                user_id=user_id,
                contact_id=candidate.facts.contact_id,
                message=draft.message,
                status=Status.PENDING,
                reason_kind=candidate.kind,
                reason=candidate.reason,
                drafter=draft.drafter,
                created_at=now,
                updated_at=now,
            )
            for suggestion_id, candidate, draft in zip(ids, chosen, drafted, strict=True)
        ]

        async def insert(session: Session) -> list[SuggestionRecord]:
            kept = [record for record in records if await store.insert(session, record)]
            return [found for record in kept if (found := await store.get(session, user_id, record.id))]

        return await self._database.transaction(insert)

    async def regenerate(self, user_id: str, suggestion_id: str, *, timeout: float | None = None) -> SuggestionRecord:
        """A fresh draft, different from the current one; counted against the user's rate limit.

        Every attempt counts, a wrong id too: guessing ids is as rate-limited as redrafting.
        """
        now = self._clock.now()
        await self._limiter.hit(user_id)

        async def load(session: Session) -> tuple[SuggestionRecord, ContactFacts | None, list[RecentMessage]]:
            record = await store.get(session, user_id, suggestion_id)
            if record is None:
                raise _not_found()
            facts = await feed_store.contact(session, user_id, record.contact_id)
            recent = await feed_store.recent_messages(session, user_id, record.contact_id, DRAFT_MESSAGES)
            return record, facts, recent

        record, facts, recent = await self._database.transaction(load)
        if record.shown_status(now) not in (Status.PENDING, Status.SNOOZED):
            raise FailedPrecondition(f"the suggestion is {record.status.value}", code="suggestion_closed")
        facts = facts or ContactFacts(user_id=user_id, contact_id=record.contact_id, snapshot=_snapshot_of(record))
        context = _context(facts, record.reason_kind, record.reason, recent, now, previous=record.message)
        draft = await self._drafter.draft(context, record.drafts + 1, timeout=timeout)
        record.message, record.drafter = draft.message, draft.drafter
        record.drafts += 1
        record.updated_at = now

        async def save(session: Session) -> SuggestionRecord:
            current = await store.get(session, user_id, suggestion_id)
            if current is None:
                raise _not_found()
            current.message, current.drafter, current.drafts, current.updated_at = (
                record.message,
                record.drafter,
                record.drafts,
                now,
            )
            await store.save(session, current)
            return current

        saved = await self._database.transaction(save)
        saved.status = saved.shown_status(now)
        return saved

    async def update(
        self,
        user_id: str,
        suggestion_id: str,
        *,
        status: Status | None,
        message: str | None,
        snooze_until: datetime | None,
    ) -> SuggestionRecord:
        now = self._clock.now()
        if status == Status.PENDING:
            raise InvalidArgument("status may be dismissed, snoozed or sent", code="invalid_status")
        if status == Status.SNOOZED and snooze_until is None:
            raise InvalidArgument(
                "snoozed needs snooze_until: when the suggestion comes back", code="snooze_until_required"
            )
        if status == Status.SNOOZED and snooze_until is not None and snooze_until <= now:
            raise InvalidArgument("snooze_until must be in the future", code="snooze_until_past")
        if status != Status.SNOOZED and snooze_until is not None:
            raise InvalidArgument("snooze_until goes only with status snoozed", code="snooze_until_without_snooze")
        if message is not None and not (0 < len(message.strip()) and len(message) <= DRAFT_MAX):
            raise InvalidArgument(f"message must hold 1 to {DRAFT_MAX} characters", code="invalid_message")

        async def change(session: Session) -> SuggestionRecord:
            record = await store.get(session, user_id, suggestion_id)
            if record is None:
                raise _not_found()
            is_open = record.status in (Status.PENDING, Status.SNOOZED)
            # A closed suggestion keeps how it ended: sent stays sent (a later "dismissed" would make the
            # contact wait out the dismissal pause), and the same status again is a harmless retry.
            if status is not None and not is_open and status != record.status:
                verb = {Status.SNOOZED: "snoozed", Status.DISMISSED: "dismissed", Status.SENT: "marked sent"}[status]
                raise FailedPrecondition(
                    f"a {record.status.value} suggestion cannot be {verb}", code="suggestion_closed"
                )
            if message is not None:
                record.message = message
            if status is not None:
                record.status = status
                record.snooze_until = snooze_until if status == Status.SNOOZED else None
                record.closed_by = ClosedBy.NOBODY if status == Status.SNOOZED else ClosedBy.USER
            record.updated_at = now
            await store.save(session, record)
            return record

        updated = await self._database.transaction(change)
        updated.status = updated.shown_status(now)
        return updated


def choose(
    contacts: list[ContactFacts],
    histories: dict[str, History],
    now: datetime,
    thresholds: rules.Thresholds,
    budget: int,
) -> list[Candidate]:
    """The contacts due a suggestion, the most pressing first (rule order, then latest activity), at most `budget`."""
    found: list[tuple[int, float, Candidate]] = []
    for facts in contacts:
        outcome = rules.due(facts, histories.get(facts.contact_id, History()), now, thresholds)
        if outcome is not None:
            latest = max(
                (t for t in (facts.last_message_at, facts.job_changed_at, facts.connected_on) if t), default=None
            )
            found.append(
                (
                    rules.KINDS.index(outcome.kind),
                    -(latest.timestamp() if latest else 0),
                    Candidate(facts, outcome.kind, outcome.reason),
                )
            )
    found.sort(key=lambda item: (item[0], item[1], item[2].facts.contact_id))
    return [candidate for _, _, candidate in found[:budget]]


def _snapshot_of(record: SuggestionRecord) -> Snapshot:
    card = record.contact
    return Snapshot(full_name=card.full_name if card else "")


def _context(
    facts: ContactFacts, kind: str, reason: str, recent: list[RecentMessage], now: datetime, previous: str = ""
) -> DraftContext:
    snapshot = facts.snapshot
    return DraftContext(
        first_name=snapshot.first_name,
        full_name=snapshot.full_name,
        reason_kind=kind,
        reason=reason,
        now=now,
        title=facts.job_title or snapshot.title,
        company=facts.job_company or snapshot.company,
        headline=snapshot.headline,
        recent=recent,
        previous=previous,
    )

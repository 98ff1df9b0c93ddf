"""Activity events and an in-memory feed for suggestions_service tests (the real ReadActivity is in
tests/edge/test_suggestions_http.py and the faults tests)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from pingcrm_common.clock import FrozenClock
from pingcrm_common.db import Database
from suggestions_service.domain.feed import FeedConsumer
from suggestions_service.domain.llm import EmbeddedDrafter
from suggestions_service.domain.records import Event, FeedMessage, FeedPage, JobChange, Snapshot
from suggestions_service.domain.suggestions import SuggestionsDomain

NOW = datetime(2026, 1, 1, tzinfo=UTC)  # FrozenClock's start
USER = "user-ada"


def days_ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def snapshot(name: str = "Grace Hopper", **fields: str) -> Snapshot:
    return Snapshot(full_name=name, first_name=name.split()[0], **fields)


def messages(
    contact: str,
    *items: tuple[str, bool, datetime, str],
    user: str = USER,
    name: str = "Grace Hopper",
    conversation_url: str = "",
) -> Event:
    """A `messages` event; items are (urn, from_self, sent_at, text)."""
    found = tuple(FeedMessage(urn, from_self, sent_at, text) for urn, from_self, sent_at, text in items)
    newest = max(m.sent_at for m in found)
    return Event(
        "", user, contact, newest, snapshot(name), "messages", messages=found, conversation_url=conversation_url
    )


def job_changed(contact: str, at: datetime, title: str, company: str, *, user: str = USER) -> Event:
    return Event("", user, contact, at, snapshot(), "job_changed", job=JobChange(title, company))


def connection(contact: str, on: datetime | None, *, user: str = USER, name: str = "Grace Hopper") -> Event:
    return Event("", user, contact, NOW, snapshot(name), "connection_imported", connected_on=on)


def merged(survivor: str, absorbed: str, *, user: str = USER) -> Event:
    return Event("", user, survivor, NOW, snapshot(), "contacts_merged", absorbed_contact_id=absorbed)


@dataclass
class ListFeed:
    """A feed in memory: positions are indexes; `fail` makes reads raise (contacts_service down)."""

    events: list[Event] = field(default_factory=list)
    fail: bool = False
    reads: int = 0
    barrier: asyncio.Barrier | None = None  # makes concurrent readers all read before any applies
    page_budget: int | None = None  # events per page before it ends early, as contacts_service's size budget does

    def add(self, *events: Event) -> None:
        for event in events:
            self.events.append(Event(**{**event.__dict__, "position": str(len(self.events) + 1)}))

    async def read(self, after: str, limit: int) -> FeedPage:
        self.reads += 1
        if self.fail:
            raise ConnectionError("contacts_service is down")
        start = int(after or 0)
        page = self.events[start : start + limit]
        more = self.page_budget is not None and len(page) > self.page_budget
        if more:
            page = page[: self.page_budget]
        if self.barrier is not None:
            await self.barrier.wait()
        return FeedPage(page, page[-1].position if page else after, more)


class NoLimit:
    async def hit(self, user_id: str) -> None:
        return None


def domain(database: Database, clock: FrozenClock, **options: object) -> SuggestionsDomain:
    return SuggestionsDomain(database, clock, EmbeddedDrafter(), NoLimit(), **options)  # type: ignore[arg-type]


def consumer(
    database: Database,
    clock: FrozenClock,
    feed: ListFeed,
    *,
    owner: str = "a",
    batch: int = 200,
    generate: SuggestionsDomain | None = None,
    on_applied: Callable[[set[str]], Awaitable[object]] | None = None,
) -> FeedConsumer:
    return FeedConsumer(
        database,
        clock,
        feed,
        owner=owner,
        lease_seconds=30,
        poll_seconds=0.01,
        on_applied=on_applied or (generate.generate_for_users if generate else None),
        batch=batch,
    )

"""Contact listing at 100,000 contacts on PostgreSQL and on SQLite: each order, a deep page, searches, the count.

The benchmark creates a fresh PostgreSQL database (PINGCRM_BENCH_POSTGRES_URL names the server), migrates
contacts_service into it, COPYs 100,000 contacts for one user and as many for another (BENCH_SHORT=1: 10,000),
VACUUM ANALYZEs (then the same in a fresh SQLite file, as embedded mode keeps it), then times
ContactsDomain.list_contacts — the listing the edge's GET /api/v1/contacts runs, without gRPC and HTTP — for
a first page of 50 in each order, the 200th page reached by its cursor, a search that matches many contacts
(every page also counts its matches), one that matches none (the worst case), and a name typed without its
accent and with it (found through the folded name; the second also takes the non-ASCII path). It prints the median and
p95 of each; the database and the file are removed afterwards. Figures: docs/decisions.md, "Contact listing".
"""

from __future__ import annotations

import asyncio
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import asyncpg

from bench.stack import database_url, machine, scratch_database
from contacts_service.domain.contacts import ContactsDomain
from contacts_service.domain.listing import Page, Sort
from contacts_service.domain.name_order import name_key
from contacts_service.domain.photos import Outcome
from contacts_service.models import CONTACTS, MIGRATIONS
from contacts_service.store.contacts import fold_case_like_postgres
from pingcrm_common.clock import SystemClock
from pingcrm_common.db import Database
from pingcrm_common.migrations import upgrade

SIZE = 10_000 if os.environ.get("BENCH_SHORT") == "1" else 100_000
RUNS = 20
USER = "bench-user"
FIRST_NAMES = ("Ada", "Bob", "Cyd", "Dee", "Ève", "Fay", "Gus", "Hal", "Ida", "Jon")


class NoMedia:
    """The listing never calls media_service."""

    async def fetch(self, user_id: str, urls: list[str]) -> Outcome:
        raise AssertionError("not called by the listing")

    async def store(self, user_id: str, data: bytes) -> Outcome:
        raise AssertionError("not called by the listing")


COLUMNS = [
    "id", "user_id", "full_name", "headline", "title", "company", "location", "email", "avatar_url",
    "linkedin_url", "linkedin_member_id", "last_interaction_at", "created_at", "updated_at",
    "interaction_count", "sources", "name_key",
]  # fmt: skip


def _rows(user_id: str) -> list[tuple[object, ...]]:
    """SIZE contacts of `user_id`, in COLUMNS order; a tenth never contacted (as imported connections are)."""
    start = datetime(2024, 1, 1, tzinfo=UTC)
    rows: list[tuple[object, ...]] = []
    for i in range(SIZE):
        last = start + timedelta(minutes=i) if i % 10 else None
        name = f"{FIRST_NAMES[i % 10]} Person{i}"
        rows.append(
            (str(uuid.uuid4()), user_id, name, f"Engineer at Company {i % 500}")
            + (f"Title {i % 50}", f"Company {i % 500}", "", "", "", "", f"ACo{user_id}{i}", last, start, start)
            + (0, 0, name_key(name))
        )
    return rows


async def _seed(database: str, user_id: str) -> None:
    connection = await asyncpg.connect(database_url(database))
    try:
        await connection.copy_records_to_table(
            "contacts", schema_name="contacts", records=_rows(user_id), columns=COLUMNS
        )
        await connection.execute("VACUUM (ANALYZE) contacts.contacts")
    finally:
        await connection.close()


async def _seed_sqlite(database: Database, user_id: str) -> None:
    async with database.session() as session:
        rows = [dict(zip(COLUMNS, row, strict=True)) for row in _rows(user_id)]
        await session.exec(CONTACTS.insert(), params=rows)


async def _timed(work: Callable[[], Awaitable[object]]) -> tuple[float, float]:
    await work()  # warm
    timings = []
    for _ in range(RUNS):
        began = time.perf_counter()
        await work()
        timings.append((time.perf_counter() - began) * 1000)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1]


async def _postgres(name: str) -> None:
    url = database_url(name, "postgresql+asyncpg")
    await asyncio.to_thread(upgrade, MIGRATIONS, url)
    await _seed(name, USER)
    await _seed(name, "other-user")
    await _measure(Database(url, "contacts"))


async def _sqlite(folder: str) -> None:
    url = f"sqlite+aiosqlite:///{folder}/contacts.db"
    await asyncio.to_thread(upgrade, MIGRATIONS, url)
    database = Database(url, "contacts")
    fold_case_like_postgres(database.engine)
    await _seed_sqlite(database, USER)
    await _seed_sqlite(database, "other-user")
    await _measure(database)


async def _measure(database: Database) -> None:
    domain = ContactsDomain(database, SystemClock(), NoMedia())
    try:
        for sort in Sort:

            async def first(sort: Sort = sort) -> Page:
                return await domain.list_contacts(USER, "", 50, "", sort=sort)

            token = ""
            for _ in range(199):
                token = (await domain.list_contacts(USER, "", 50, token, sort=sort)).next_cursor

            async def deep(sort: Sort = sort, token: str = token) -> Page:
                return await domain.list_contacts(USER, "", 50, token, sort=sort)

            print(f"  {sort.value:17} first page  median {{:.1f}} ms, p95 {{:.1f}} ms".format(*await _timed(first)))
            print(f"  {sort.value:17} page 200    median {{:.1f}} ms, p95 {{:.1f}} ms".format(*await _timed(deep)))
        searches = (
            ("company 42", "many match"),
            ("nobody-has-this", "none match"),
            ("eve person1", "Ève typed as eve"),  # found through the folded name
            ("ève person1", "with accent"),  # also searched folded: the non-ASCII path
        )
        for query, what in searches:

            async def search(query: str = query) -> Page:
                return await domain.list_contacts(USER, query, 50, "")

            page = await search()
            figures = await _timed(search)
            print(
                f"  search {what:10} ({page.total_count:,} found) median {figures[0]:.1f} ms, p95 {figures[1]:.1f} ms"
            )
    finally:
        await database.engine.dispose()


def main() -> int:
    print(f"listing: {SIZE:,} contacts per user, two users; {machine()}")
    print(" PostgreSQL")
    with scratch_database() as name:
        asyncio.run(_postgres(name))
    print(" SQLite (embedded)")
    with tempfile.TemporaryDirectory(prefix="pingcrm-bench-listing-") as folder:
        asyncio.run(_sqlite(folder))
    return 0

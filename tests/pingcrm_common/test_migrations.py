"""Each service's migrations apply on SQLite and PostgreSQL, are idempotent,
and match the models exactly (no drift between tables and code)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import event, inspect, text
from sqlalchemy.exc import IntegrityError

from contacts_service.models import SEARCHED_TEXT
from contacts_service.store import profiles
from pingcrm_cli.services import SERVICES, migration_target
from pingcrm_common.db import Database, create_engine
from pingcrm_common.migrations import upgrade


def _database_url(backend, data_dir, service: str) -> str:
    return backend.database_url or f"sqlite+aiosqlite:///{data_dir / f'{service}.db'}"


# PostgreSQL-only expression indexes the migrations build and the models cannot declare comparably (alembic
# compares an expression's text, which PostgreSQL reflects rewritten); test_the_search_index_serves_searches
# checks them instead.
EXPRESSION_INDEXES = {"ix_contacts_search"}


def _comparable(item, name, kind, reflected, compare_to) -> bool:
    return not (kind == "index" and name in EXPRESSION_INDEXES)


async def _inspect(url: str, service: str, metadata):
    engine = create_engine(url, service)
    try:
        async with engine.connect() as connection:

            def look(sync_connection):
                tables = set(inspect(sync_connection).get_table_names())
                context = MigrationContext.configure(
                    sync_connection,
                    opts={"version_table": f"alembic_version_{service}", "include_object": _comparable},
                )
                diff = compare_metadata(context, metadata)
                return tables, diff

            return await connection.run_sync(look)
    finally:
        await engine.dispose()


@pytest.mark.parametrize("service", SERVICES)
def test_migrations_apply_and_match_the_models(backend, data_dir, service: str) -> None:
    target = migration_target(service)
    url = _database_url(backend, data_dir, service)
    upgrade(target, url)
    upgrade(target, url)  # a second run is a no-op, as on every restart
    tables, diff = asyncio.run(_inspect(url, service, target.metadata))
    assert set(target.metadata.tables) <= tables
    assert f"alembic_version_{service}" in tables
    assert diff == []


def test_services_keep_their_tables_apart_on_one_postgres(postgres_url) -> None:
    for service in SERVICES:
        upgrade(migration_target(service), postgres_url)
    contacts_tables, _ = asyncio.run(_inspect(postgres_url, "contacts", migration_target("contacts").metadata))
    assert "users" not in contacts_tables
    assert "contacts" in contacts_tables


@pytest.mark.parametrize(
    "where",
    [
        f"{SEARCHED_TEXT} LIKE lower('%ada%') ESCAPE '/'",
        # A query with accents also looks for the name with them folded (store/contacts.py `_listed`).
        f"{SEARCHED_TEXT} LIKE lower('%josé%') ESCAPE '/' OR {SEARCHED_TEXT} LIKE '%jose%' ESCAPE '/'",
    ],
)
def test_the_search_index_serves_searches(postgres_url, where: str) -> None:
    """contacts' trigram index exists after migrating and PostgreSQL plans a listing's search with it."""
    upgrade(migration_target("contacts"), postgres_url)

    async def plan() -> str:
        engine = create_engine(postgres_url, "contacts")
        try:
            async with engine.connect() as connection:
                await connection.execute(text("SET enable_seqscan = off"))  # an empty table: make the choice visible
                rows = await connection.execute(text(f"EXPLAIN SELECT id FROM contacts WHERE {where}"))
                return "\n".join(row[0] for row in rows)
        finally:
            await engine.dispose()

    assert "ix_contacts_search" in asyncio.run(plan())


def test_backfill_candidates_are_found_through_their_partial_indexes(backend, data_dir) -> None:
    """The query every push runs for backfill candidates reads only the contacts still missing something.

    A query uses a partial index only when its WHERE states the index's condition as the index does; were the
    two to drift apart, the candidates would still be right and every push would read all of the user's
    contacts again (30–50 ms at 100,000). So the plan is checked on both backends, tables empty, scans off.
    """
    url = _database_url(backend, data_dir, "contacts")
    upgrade(migration_target("contacts"), url)

    async def plan() -> str:
        database = Database(url, "contacts")
        statements: list[tuple[str, object]] = []

        def remember(_conn, _cursor, statement, parameters, _context, _executemany) -> None:
            statements.append((statement, parameters))

        event.listen(database.engine.sync_engine, "before_cursor_execute", remember)
        try:
            async with database.session() as session:
                await profiles.candidates(session, "user-a", datetime(2026, 1, 1, tzinfo=UTC), 10)
            [(statement, parameters)] = [s for s in statements if "backfill_due_at" in s[0]]
            async with database.engine.connect() as connection:
                postgres = connection.dialect.name == "postgresql"
                if postgres:
                    await connection.exec_driver_sql("SET enable_seqscan = off")
                explain = "EXPLAIN " if postgres else "EXPLAIN QUERY PLAN "
                rows = await connection.exec_driver_sql(explain + statement, parameters)  # type: ignore[arg-type]
                return "\n".join(str(row[-1]) for row in rows)
        finally:
            await database.dispose()

    found = asyncio.run(plan())
    assert "ix_contacts_backfill_" in found, found
    assert "ix_contacts_user_activity" not in found, found


def _sql(url: str, sql: str, params: object = None) -> list[tuple]:
    """One statement (with one set of parameters, or a list of them) in its own transaction; its rows."""

    async def run() -> list[tuple]:
        engine = create_engine(url, "contacts")
        try:
            async with engine.begin() as connection:
                result = await connection.execute(text(sql), params or {})  # type: ignore[arg-type]
                return [tuple(row) for row in result.all()] if result.returns_rows else []
        finally:
            await engine.dispose()

    return asyncio.run(run())


# Rows as the revisions before 0b5d7e9c2a64 stored them (messages and conversations with their own ids).
NOW = datetime(2026, 1, 1, tzinfo=UTC)
CONTACT = (
    "INSERT INTO contacts (id, user_id, full_name, headline, title, company, location, email, avatar_url,"
    " linkedin_url, interaction_count, created_at, updated_at)"
    " VALUES (:id, 'user-a', :name, '', '', '', '', '', '', '', 0, :now, :now)"
)
MESSAGE = (
    "INSERT INTO interactions (id, user_id, contact_id, source_urn, from_self, text, occurred_at)"
    " VALUES (:id, :user, 'c1', 'urn:li:msg_message:1', false, 'Hello', :now)"
)
CONVERSATION = (
    "INSERT INTO conversations ({id}user_id, urn, contact_id, oldest_message_at, newest_message_at, complete,"
    " updated_at) VALUES ({value}:user, 'urn:li:msg_conversation:1', 'c1', :now, :now, true, :now)"
)


def _store_a_message_and_its_conversation(url: str) -> None:
    """Ada (c1) of user-a, one message (message-1) and one conversation (conversation-1), before 0b5d7e9c2a64."""
    _sql(url, CONTACT, {"id": "c1", "name": "Ada", "now": NOW})
    _sql(url, MESSAGE, {"id": "message-1", "user": "user-a", "now": NOW})
    _sql(url, CONVERSATION.format(id="id, ", value="'conversation-1', "), {"user": "user-a", "now": NOW})


def test_contacts_stored_before_the_name_key_are_listed_a_to_z_after_the_upgrade(backend, data_dir) -> None:
    """Migration a9d3f7c2e6b4 gives every stored contact the key the "Name" order sorts by, from its name."""
    url = _database_url(backend, data_dir, "contacts")
    target = migration_target("contacts")
    upgrade(target, url, "e8b2d5c7f9a1")  # the revision before given_name and name_key
    names = ["Zoe Adams", "émile zola", "", "🚀 Hal Jordan", "Ève Martin"]
    _sql(url, CONTACT, [{"id": f"c{i}", "name": name, "now": NOW} for i, name in enumerate(names)])
    upgrade(target, url)
    assert _sql(url, "SELECT full_name, given_name FROM contacts ORDER BY name_key, id") == [
        ("émile zola", ""),
        ("Ève Martin", ""),
        ("🚀 Hal Jordan", ""),
        ("Zoe Adams", ""),
        ("", ""),
    ]


def test_messages_and_conversations_keep_everything_when_keyed_by_their_urn(backend, data_dir) -> None:
    """Migration 0b5d7e9c2a64 makes (user_id, URN) the key of messages and conversations: stored rows stay as
    they were (a message keeps its id, the API's), and a message or conversation stored twice is still refused."""
    url = _database_url(backend, data_dir, "contacts")
    target = migration_target("contacts")
    upgrade(target, url, "a9d3f7c2e6b4")  # the revision before
    _store_a_message_and_its_conversation(url)
    upgrade(target, url)

    assert _sql(url, "SELECT id, user_id, source_urn, text FROM interactions") == [
        ("message-1", "user-a", "urn:li:msg_message:1", "Hello")
    ]
    assert _sql(url, "SELECT user_id, urn, contact_id, complete FROM conversations") == [
        ("user-a", "urn:li:msg_conversation:1", "c1", True)
    ]
    conversation = CONVERSATION.format(id="", value="")
    for duplicate, params in (
        (MESSAGE, {"id": "message-2", "user": "user-a", "now": NOW}),
        (conversation, {"user": "user-a", "now": NOW}),
    ):
        with pytest.raises(IntegrityError):
            _sql(url, duplicate, params)
    # The key is the user's: another user's message or conversation with that URN is theirs.
    _sql(url, MESSAGE, {"id": "message-3", "user": "user-b", "now": NOW})
    _sql(url, conversation, {"user": "user-b", "now": NOW})
    assert _sql(url, "SELECT count(*) FROM interactions") == [(2,)]


def test_an_upgrade_cut_short_on_sqlite_loses_nothing_and_runs_again(data_dir, monkeypatch) -> None:
    """SQLite copies messages and conversations into their new tables (migration 0b5d7e9c2a64). A process
    stopped halfway (here: before the old conversations table is dropped) leaves the stored rows as they
    were, and the next start finishes the upgrade instead of failing on a copy left behind: on SQLite too, an
    upgrade runs in one transaction (pingcrm_common/alembic/env.py)."""
    url = f"sqlite+aiosqlite:///{data_dir / 'contacts.db'}"
    target = migration_target("contacts")
    upgrade(target, url, "a9d3f7c2e6b4")
    _store_a_message_and_its_conversation(url)
    execute = Operations.execute

    def stopped_before_the_last_drop(self, sql, *args, **kwargs):
        if str(sql) == "DROP TABLE conversations":
            raise KeyboardInterrupt
        return execute(self, sql, *args, **kwargs)

    monkeypatch.setattr(Operations, "execute", stopped_before_the_last_drop)
    with pytest.raises(KeyboardInterrupt):
        upgrade(target, url)
    monkeypatch.setattr(Operations, "execute", execute)
    assert _sql(url, "SELECT id, source_urn FROM interactions") == [("message-1", "urn:li:msg_message:1")]

    upgrade(target, url)
    assert _sql(url, "SELECT id, source_urn, text FROM interactions") == [
        ("message-1", "urn:li:msg_message:1", "Hello")
    ]
    assert _sql(url, "SELECT user_id, urn FROM conversations") == [("user-a", "urn:li:msg_conversation:1")]
    assert _sql(url, "SELECT name FROM sqlite_master WHERE name LIKE '%_new'") == []

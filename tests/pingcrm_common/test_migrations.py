"""Each service's migrations apply on SQLite and PostgreSQL, are idempotent,
and match the models exactly (no drift between tables and code)."""

from __future__ import annotations

import asyncio

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from contacts_service.models import SEARCHED_TEXT
from pingcrm_cli.services import SERVICES, migration_target
from pingcrm_common.db import create_engine
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


def test_the_search_index_serves_searches(postgres_url) -> None:
    """contacts' trigram index exists after migrating and PostgreSQL plans a listing's search with it."""
    target = migration_target("contacts")
    upgrade(target, postgres_url)

    async def plan() -> str:
        engine = create_engine(postgres_url, "contacts")
        try:
            async with engine.connect() as connection:
                await connection.execute(text("SET enable_seqscan = off"))  # an empty table: make the choice visible
                rows = await connection.execute(
                    text(f"EXPLAIN SELECT id FROM contacts WHERE {SEARCHED_TEXT} LIKE lower(:pattern) ESCAPE '/'"),
                    {"pattern": "%ada%"},
                )
                return "\n".join(row[0] for row in rows)
        finally:
            await engine.dispose()

    assert "ix_contacts_search" in asyncio.run(plan())

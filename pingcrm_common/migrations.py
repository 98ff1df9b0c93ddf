"""Alembic migrations, one history per service.

One shared `env.py` and script template live in `pingcrm_common/alembic`;
each service keeps its revisions in `<service>/migrations/` with its own
version table, in its own database (or schema on a shared PostgreSQL).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from alembic import command
from alembic.config import Config
from sqlalchemy import MetaData, text

from pingcrm_common.db import create_engine, is_postgres


@dataclass(frozen=True)
class MigrationTarget:
    """What alembic needs to migrate one service."""

    service: str
    package: str
    metadata: MetaData


def alembic_config(target: MigrationTarget, url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", "pingcrm_common:alembic")
    config.set_main_option("path_separator", "space")  # "os" would split "package:path" on its colon
    config.set_main_option("version_locations", f"{target.package}:migrations")
    config.attributes.update(database_url=url, schema=target.service, target_metadata=target.metadata)
    return config


async def _ensure_schema(url: str, schema: str) -> None:
    if not is_postgres(url):
        return
    engine = create_engine(url, schema)
    try:
        async with engine.begin() as connection:
            await connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    finally:
        await engine.dispose()


def upgrade(target: MigrationTarget, url: str, revision: str = "head") -> None:
    """Bring the service's database to `revision`; safe to run repeatedly.

    Runs its own event loop, so call it before the service's loop starts
    (or from a worker thread).
    """
    asyncio.run(_ensure_schema(url, target.service))
    command.upgrade(alembic_config(target, url), revision)


def new_revision(target: MigrationTarget, url: str, message: str) -> None:
    """Autogenerate a revision from the difference between models and database."""
    command.revision(alembic_config(target, url), message=message, autogenerate=True)

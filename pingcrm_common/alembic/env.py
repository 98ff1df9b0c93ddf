"""Alembic environment shared by every service (see pingcrm_common.migrations)."""

from __future__ import annotations

import asyncio
from typing import Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy.engine import Connection

from pingcrm_common.db import create_engine, is_postgres
from pingcrm_common.models import UTCDateTime

config = context.config
url: str = config.attributes["database_url"]
schema: str = config.attributes["schema"]


def _render_item(type_: str, obj: object, autogen_context: AutogenContext) -> str | Literal[False]:
    # Migrations must not import application code: UTCDateTime is a plain
    # timezone-aware DateTime in the database.
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=config.attributes["target_metadata"],
        version_table=f"alembic_version_{schema}",
        version_table_schema=schema if is_postgres(url) else None,
        render_as_batch=not is_postgres(url),  # SQLite cannot ALTER most things in place
        compare_type=True,
        render_item=_render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_online() -> None:
    engine = create_engine(url, schema)
    try:
        async with engine.connect() as connection:
            if not is_postgres(url):
                # Python's sqlite3 opens a transaction only at a statement that writes rows, so the DDL before it
                # (a batch migration's copy of a table, say) would commit on its own, and a run cut short would
                # leave it behind for the next run to trip over. Begun here, every revision commits whole or not.
                await connection.exec_driver_sql("BEGIN")
            await connection.run_sync(_run)
            await connection.commit()
    finally:
        await engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (SQL script) migrations are not supported; run `pingcrm migrate`")
asyncio.run(_run_online())

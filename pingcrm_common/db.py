"""Database engines and sessions; each service owns its own database.

SQLite files under the data folder in embedded mode; PostgreSQL by URL in
production. When services share one PostgreSQL database, each keeps its
tables in a schema named after it (search_path), so no service can see
another's tables by accident.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from sqlalchemy import Table, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

T = TypeVar("T")

# The session a unit of work runs in. Domain code names it by this alias and only hands it on to
# its store's functions, so the domain imports no SQLAlchemy (docs/architecture.md §4).
Session = AsyncSession

# PostgreSQL aborts one of two transactions that deadlock or break serializability;
# running it again is the documented remedy.
TRANSIENT_SQLSTATES = frozenset({"40001", "40P01"})  # serialization_failure, deadlock_detected


def is_transient(error: BaseException) -> bool:
    """A failure that a fresh run of the same transaction may not hit again."""
    return getattr(getattr(error, "orig", None), "sqlstate", None) in TRANSIENT_SQLSTATES


def is_postgres(url: str) -> bool:
    return url.startswith("postgresql")


def create_engine(url: str, schema: str) -> AsyncEngine:
    """An async engine whose connections see only `schema` on PostgreSQL."""
    if is_postgres(url):
        return create_async_engine(
            url,
            pool_size=10,
            max_overflow=10,
            pool_pre_ping=True,
            connect_args={"server_settings": {"search_path": schema}},
        )
    engine = create_async_engine(url, connect_args={"timeout": 30})

    @event.listens_for(engine.sync_engine, "connect")
    def _sqlite_pragmas(dbapi_connection: Any, _record: object) -> None:
        # WAL lets readers and the single writer work side by side; foreign keys are off by default.
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    return engine


def dialect(session: AsyncSession) -> str:
    """`postgresql` or `sqlite`: for the few statements the two spell differently (upserts); store code only."""
    return session.get_bind().dialect.name


def dialect_insert(dialect_name: str, table: Table) -> postgresql.Insert | sqlite.Insert:
    """INSERT in the dialect's own spelling, which can say ON CONFLICT (both spell that part alike)."""
    return (postgresql.insert if dialect_name == "postgresql" else sqlite.insert)(table)


class Database:
    """A service's engine plus a session factory."""

    def __init__(self, url: str, schema: str) -> None:
        self.url = url
        self.engine = create_engine(url, schema)
        self._sessions = async_sessionmaker(self.engine, class_=AsyncSession, expire_on_commit=False)

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A session that commits on success and rolls back on error."""
        async with self._sessions() as session:
            try:
                yield session
                await session.commit()
            except BaseException:
                await session.rollback()
                raise

    async def transaction(
        self,
        work: Callable[[AsyncSession], Awaitable[T]],
        *,
        attempts: int = 4,
        retry_if: Callable[[BaseException], bool] = is_transient,
    ) -> T:
        """Run `work` in one transaction; run all of it again (a few times) when it fails transiently."""
        for attempt in range(1, attempts + 1):
            try:
                async with self.session() as session:
                    return await work(session)
            except Exception as error:
                if attempt == attempts or not retry_if(error):
                    raise
            # Jittered backoff, so two retrying transactions do not collide again in lockstep.
            await asyncio.sleep(random.uniform(0, 0.01 * 2**attempt))
        raise AssertionError("unreachable")

    async def ping(self) -> None:
        from sqlalchemy import text

        async with self.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()

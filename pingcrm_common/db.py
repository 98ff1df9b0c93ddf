"""Database engines and sessions; each service owns its own database.

SQLite files under the data folder in embedded mode; PostgreSQL by URL in
production. When services share one PostgreSQL database, each keeps its
tables in a schema named after it (search_path), so no service can see
another's tables by accident.
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import asyncpg
from sqlalchemy import ColumnElement, String, Table, any_, bindparam, event, exc, func, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool
from sqlalchemy.types import TypeEngine
from sqlmodel.ext.asyncio.session import AsyncSession

from pingcrm_common.cleanup import run_to_completion
from pingcrm_common.dependencies import Dependency, error_chain

T = TypeVar("T")

# The session a unit of work runs in. Domain code names it by this alias and only hands it on to
# its store's functions, so the domain imports no SQLAlchemy (docs/architecture.md §4).
Session = AsyncSession


@dataclass(frozen=True)
class Timeouts:
    """How long a service waits on its database before it answers UNAVAILABLE instead.

    Short on purpose: a database that hangs must not hold every call until
    the caller's deadline (5 s at the edge). Migrations run without them.
    """

    connect_seconds: float = 1.0  # opening a connection (TCP and the PostgreSQL handshake)
    # One PostgreSQL statement, row-lock waits included. A statement that times out is cancelled over
    # a second connection, which may take as long again: a hung server costs a call about twice this.
    statement_seconds: float = 1.5
    pool_seconds: float = 2.0  # waiting for a free pooled connection
    sqlite_busy_seconds: float = 4.0  # a SQLite writer waiting for the one before it (below the 5 s RPC deadline)


# PostgreSQL aborts one of two transactions that deadlock or break serializability;
# running it again is the documented remedy.
TRANSIENT_SQLSTATES = frozenset({"40001", "40P01"})  # serialization_failure, deadlock_detected


def is_transient(error: BaseException) -> bool:
    """A failure that a fresh run of the same transaction may not hit again."""
    return getattr(getattr(error, "orig", None), "sqlstate", None) in TRANSIENT_SQLSTATES


def is_postgres(url: str) -> bool:
    return url.startswith("postgresql")


# A pooled connection given back less than this long ago is taken as alive; one idle for longer is pinged
# when taken (PostgreSQL may have restarted, a proxy may have dropped it) and replaced if the ping fails.
# SQLAlchemy's pool_pre_ping pings on every checkout: three round trips (BEGIN, ";", ROLLBACK), 0.3–0.4 ms
# of a 4 ms one-message push (docs/linkedin-sync.md, Benchmark). Connection pools such as HikariCP skip
# the check within 500 ms of last use for the same reason. A connection that died inside the window fails
# its statement; the session drops it and the caller answers 503, as for any connection lost mid-call.
PING_AFTER_IDLE_SECONDS = 0.5


def create_engine(url: str, schema: str, timeouts: Timeouts | None = None) -> AsyncEngine:
    """An async engine whose connections see only `schema` on PostgreSQL; `timeouts` bound every wait."""
    if is_postgres(url):
        bounded = (
            {"timeout": timeouts.connect_seconds, "command_timeout": timeouts.statement_seconds} if timeouts else {}
        )
        engine = create_async_engine(
            url,
            pool_size=10,
            max_overflow=10,
            pool_timeout=timeouts.pool_seconds if timeouts else 30,
            connect_args={"server_settings": {"search_path": schema}, **bounded},
        )
        _ping_when_idle(engine)
        return engine
    # One connection per process: SQLite has one writer anyway, and writers waiting in SQLite's busy
    # handler are served in no particular order (under 20 concurrent pushers some waited 3 s while the
    # median was 35 ms); waiting for the pooled connection is first come, first served
    # (bench/load.py: p99 1.6 s → 0.17 s). The busy timeout still covers other processes (migrations).
    wait = timeouts.sqlite_busy_seconds if timeouts else 30
    engine = create_async_engine(url, connect_args={"timeout": wait}, pool_size=1, max_overflow=0, pool_timeout=wait)

    @event.listens_for(engine.sync_engine, "connect")
    def _sqlite_pragmas(dbapi_connection: Any, _record: object) -> None:
        # WAL lets readers and the single writer work side by side; foreign keys are off by default.
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    return engine


def _ping_when_idle(engine: AsyncEngine) -> None:
    """Ping a pooled connection at checkout only when it sat idle past PING_AFTER_IDLE_SECONDS."""

    @event.listens_for(engine.sync_engine, "checkin")
    def _idle_from_now(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()  # `info` is emptied when a connection is replaced

    @event.listens_for(engine.sync_engine, "checkout")
    def _ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_SECONDS:
            return  # new, or used a moment ago
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:
            # Likely a restarted server: the pool replaces this connection and every one given back before now
            # (as pool_pre_ping does), or raises why it cannot connect.
            raise exc.InvalidatePoolError("a pooled connection failed its ping") from error


def dialect(session: AsyncSession) -> str:
    """`postgresql` or `sqlite`: for the few statements the two spell differently (upserts); store code only."""
    return session.get_bind().dialect.name


def is_one_of(dialect_name: str, column: ColumnElement[str], name: str) -> ColumnElement[bool]:
    """`column IN (:name)`, the values given at execution as one list (`name=[…]`, sorted for stable plans);
    on PostgreSQL spelt `column = ANY(:name)`, one array parameter. An empty list matches nothing.

    An IN list of literal values renders one parameter per value, so its text (and asyncpg's prepared
    statement) changes with the count, and PostgreSQL plans each IN list afresh: for the 100 to 200 ids
    of a push that costs milliseconds. One array parameter keeps the statement text fixed and its plan
    cached; a parameter rather than the values lets a statement be built once and reused (building one
    costs a push more than running it: see the statements cached in contacts_service/store).
    """
    if dialect_name == "postgresql":
        return column == any_(bindparam(name, type_=postgresql.ARRAY(String())))
    return column.in_(bindparam(name, expanding=True))


class UnnestedRows:
    """Many rows as one parameter per column on PostgreSQL: `unnest(:a_col1, :a_col2, …) AS rows(col1, …)`.

    An executemany sends one statement per row, and SQLAlchemy and asyncpg spend tens of microseconds of
    Python on each: 100 rows cost a push 10–30 ms. One array per column is one statement whose text (and
    prepared plan) is the same for any number of rows. `columns` maps each column to its SQL type (one
    that PostgreSQL can hold in an array).
    """

    def __init__(self, columns: Mapping[str, TypeEngine[Any]]) -> None:
        self.names = tuple(columns)
        arrays = [bindparam(f"a_{name}", type_=postgresql.ARRAY(kind)) for name, kind in columns.items()]
        self.table = func.unnest(*arrays).table_valued(*self.names).render_derived()

    def params(self, rows: Sequence[Mapping[str, Any]]) -> dict[str, list[Any]]:
        """The statement's parameters for these rows (each maps every column name to its value)."""
        return {f"a_{name}": [row[name] for row in rows] for name in self.names}

    def insert(self, dialect_name: str, table: Table) -> postgresql.Insert | sqlite.Insert:
        """INSERT of these rows into `table`'s columns of the same names: on PostgreSQL from the arrays; on
        SQLite a plain INSERT, run once per row (executemany) with the rows themselves as parameters."""
        if dialect_name == "postgresql":
            return postgresql.insert(table).from_select(list(self.names), select(*self.table.c))
        return dialect_insert(dialect_name, table)


def dialect_insert(dialect_name: str, table: Table) -> postgresql.Insert | sqlite.Insert:
    """INSERT in the dialect's own spelling, which can say ON CONFLICT (both spell that part alike)."""
    return (postgresql.insert if dialect_name == "postgresql" else sqlite.insert)(table)


def is_unreachable(error: BaseException) -> bool:
    """Whether `error` says the database cannot be reached (or is too busy to answer), not that a query is wrong."""
    if isinstance(error, exc.DBAPIError) and error.connection_invalidated:
        return True
    if isinstance(error, exc.DBAPIError) and isinstance(error.orig, sqlite3.OperationalError):
        return "database is locked" in str(error.orig)  # another writer held SQLite past the busy timeout
    return isinstance(
        error,
        ConnectionError
        | TimeoutError
        | exc.TimeoutError  # no pooled connection came free in time
        | asyncpg.PostgresConnectionError
        | asyncpg.CannotConnectNowError  # starting up or shutting down
        | asyncpg.AdminShutdownError
        | asyncpg.CrashShutdownError,
    )


class Database:
    """A service's engine plus a session factory."""

    def __init__(self, url: str, schema: str, timeouts: Timeouts | None = None) -> None:
        self.url = url
        self.engine = create_engine(url, schema, timeouts or Timeouts())
        self._sessions = async_sessionmaker(self.engine, class_=AsyncSession, expire_on_commit=False)
        # SQLite's engine has one connection (create_engine): a ping waiting for it behind a long transaction
        # would call a busy database unreachable. Its pings open a connection of their own instead.
        self._ping_engine = self.engine if is_postgres(url) else create_async_engine(url, poolclass=NullPool)

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A session that commits on success and rolls back on error.

        When the database stopped answering, its connections are dropped
        instead: a ROLLBACK would wait out another statement timeout.
        """
        async with self._sessions() as session:
            try:
                yield session
                await session.commit()
            except BaseException as error:
                if any(is_unreachable(link) for link in error_chain(error)):
                    await run_to_completion(session.invalidate())
                else:
                    await run_to_completion(session.rollback())
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
        async with self._ping_engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    def dependency(self) -> Dependency:
        """This database as a dependency of its service (pingcrm_common.dependencies)."""
        return Dependency("database", self.ping, is_unreachable, code="database_unavailable")

    async def dispose(self) -> None:
        await self.engine.dispose()
        if self._ping_engine is not self.engine:
            await self._ping_engine.dispose()

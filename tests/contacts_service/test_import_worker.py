"""The import worker's leases on both backends, on a frozen clock: a job another worker holds is left alone
until its lease runs out, then resumed; a job that stopped too often ends `failed` saying why; an upload
whose process died is removed.

(tests/contacts_service/test_import_restart.py kills a real process in the middle of an import.)
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text, update

from contacts_service.domain.imports.jobs import MAX_STALLS, ImportsDomain, ImportWorker
from contacts_service.domain.imports.records import JobState
from contacts_service.models import IMPORT_JOBS, MIGRATIONS
from contacts_service.settings import ContactsSettings
from pingcrm_common import migrations
from pingcrm_common.clock import FrozenClock
from pingcrm_common.db import Database

LEASE = 30
SAMPLE_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "linkedin_export"
SAMPLE = (SAMPLE_DIR / "Connections.csv").read_bytes()


@pytest.fixture
async def database(contacts_settings: ContactsSettings) -> AsyncIterator[Database]:
    await asyncio.to_thread(migrations.upgrade, MIGRATIONS, contacts_settings.resolved_database_url)
    database = Database(contacts_settings.resolved_database_url, "contacts")
    yield database
    await database.dispose()


async def pieces(data: bytes) -> AsyncIterator[bytes]:
    for start in range(0, len(data), 100):
        yield data[start : start + 100]


async def set_job(database: Database, job_id: str, **values: object) -> None:
    """Put a job in a state the test needs (as another worker, or a dead process, left it)."""
    async with database.session() as session:
        await session.exec(update(IMPORT_JOBS).where(IMPORT_JOBS.c.id == job_id).values(**values))


async def taken_by_another_worker(
    database: Database, job_id: str, *, lease_until: datetime, resume_offset: int, resume_line: int, committed: int
) -> None:
    """As another replica leaves a job it took: running, its first `committed` rows stored and counted."""
    await set_job(
        database,
        job_id,
        state="running",
        attempts=1,
        lease_until=lease_until,
        resume_offset=resume_offset,
        resume_line=resume_line,
        processed=committed,
        created=committed,
    )


def worker(database: Database, clock: FrozenClock) -> ImportWorker:
    return ImportWorker(database, clock, lease_seconds=LEASE, poll_seconds=1, batch_rows=3)


async def test_a_job_held_by_another_worker_is_resumed_only_after_its_lease(database, clock) -> None:
    imports = ImportsDomain(database, clock, lease_seconds=LEASE, wake=lambda: None)
    job = await imports.upload("user-ada", "Connections.csv", pieces(SAMPLE))
    # Another replica took it and committed the first batch (up to line 7) before it stalled.
    await taken_by_another_worker(
        database,
        job.id,
        lease_until=clock.now() + timedelta(seconds=LEASE),
        resume_offset=SAMPLE.index(b"Xiaoming"),
        resume_line=9,
        committed=3,
    )
    assert await worker(database, clock).run_next() is False  # its lease still runs
    clock.advance(timedelta(seconds=LEASE + 1))
    assert await worker(database, clock).run_next() is True
    done = await imports.get("user-ada", job.id)
    # Resumed at line 9: lines 5–7 (counted by the other worker) are not read again, the 8 rows after them are:
    # Xiaoming, José, Tomasz, Ada (her first row was the other worker's) and Elif created, three refused.
    assert (done.state, done.processed, done.created, done.skipped) == (JobState.DONE, 3 + 8, 3 + 5, 3)
    assert sorted(error.line for error in done.errors) == [11, 12, 13, 14]


async def test_a_job_resumed_mid_file_reads_the_rest_with_the_delimiter_its_header_uses(database, clock) -> None:
    """A file Excel saved again with semicolons, resumed after its first row: the rest is read with semicolons
    too (with commas, every row after the resume point would lack its profile address)."""
    semicolons = (SAMPLE_DIR / "Connections_excel_de.csv").read_bytes()
    imports = ImportsDomain(database, clock, lease_seconds=LEASE, wake=lambda: None)
    job = await imports.upload("user-greta", "Verbindungen.csv", pieces(semicolons))
    await taken_by_another_worker(
        database, job.id, lease_until=clock.now(), resume_offset=semicolons.index(b"Lena;"), resume_line=6, committed=1
    )
    clock.advance(timedelta(seconds=1))
    assert await worker(database, clock).run_next() is True
    done = await imports.get("user-greta", job.id)
    assert (done.state, done.processed, done.created, done.error_count) == (JobState.DONE, 4, 4, 0)


async def test_a_job_that_keeps_stopping_ends_failed_with_the_line(database, clock) -> None:
    imports = ImportsDomain(database, clock, lease_seconds=LEASE, wake=lambda: None)
    job = await imports.upload("user-ada", "Connections.csv", pieces(SAMPLE))
    # Stopped twice already without getting past line 9 (where the last claim found it), and stopped again.
    await set_job(
        database,
        job.id,
        state="running",
        attempts=3,
        stalls=MAX_STALLS - 1,
        resume_offset=SAMPLE.index(b"Xiaoming"),
        claimed_offset=SAMPLE.index(b"Xiaoming"),
        lease_until=clock.now() - timedelta(seconds=1),
        resume_line=9,
    )
    assert await worker(database, clock).run_next() is True
    failed = await imports.get("user-ada", job.id)
    assert failed.state == JobState.FAILED
    assert failed.reason == (
        "the import stopped 3 times near line 9; nothing was lost — import the file again to finish it"
    )
    async with database.session() as session:
        assert (await session.exec(text("SELECT count(*) FROM import_chunks"))).one()[0] == 0  # the file is gone


async def test_a_job_interrupted_again_and_again_while_it_progresses_is_never_given_up(database, clock) -> None:
    imports = ImportsDomain(database, clock, lease_seconds=LEASE, wake=lambda: None)
    job = await imports.upload("user-ada", "Connections.csv", pieces(SAMPLE))
    # Two stalls counted, but the last attempt got from line 5 to line 9 before its process stopped (a deploy).
    await set_job(
        database,
        job.id,
        state="running",
        attempts=5,
        stalls=MAX_STALLS - 1,
        claimed_offset=SAMPLE.index(b"Ada,Quintero"),
        resume_offset=SAMPLE.index(b"Xiaoming"),
        resume_line=9,
        processed=3,
        created=3,
        lease_until=clock.now() - timedelta(seconds=1),
    )
    assert await worker(database, clock).run_next() is True
    assert (await imports.get("user-ada", job.id)).state == JobState.DONE


async def test_an_upload_whose_process_died_is_removed(database, clock) -> None:
    imports = ImportsDomain(database, clock, lease_seconds=LEASE, wake=lambda: None)
    job = await imports.upload("user-ada", "Connections.csv", pieces(SAMPLE))
    await set_job(database, job.id, state="receiving", lease_until=clock.now())
    assert await worker(database, clock).run_next() is False  # still streaming in, as far as anyone knows
    async with database.session() as session:
        assert (await session.exec(text("SELECT count(*) FROM import_jobs"))).one()[0] == 1
    clock.advance(timedelta(seconds=1))
    assert await worker(database, clock).run_next() is False
    async with database.session() as session:
        assert (await session.exec(text("SELECT count(*) FROM import_jobs"))).one()[0] == 0
        assert (await session.exec(text("SELECT count(*) FROM import_chunks"))).one()[0] == 0


async def test_a_slow_upload_keeps_its_lease_while_it_streams(database, clock) -> None:
    imports = ImportsDomain(database, clock, lease_seconds=LEASE, wake=lambda: None)
    janitor = worker(database, clock)

    async def slowly() -> AsyncIterator[bytes]:
        """A line so slow that the whole upload outlasts the lease twice over, a few hundred bytes at a time."""
        for start in range(0, len(SAMPLE), 300):
            yield SAMPLE[start : start + 300]
            clock.advance(timedelta(seconds=LEASE / 2))
            assert await janitor.run_next() is False  # nothing to import yet, and the upload is not removed

    job = await imports.upload("user-ada", "Connections.csv", slowly())
    assert (job.state, job.size_bytes, job.total) == (JobState.QUEUED, len(SAMPLE), 11)
    assert clock.now() - job.created_at > timedelta(seconds=2 * LEASE)

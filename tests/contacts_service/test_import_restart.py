"""An import survives contacts_service dying in the middle of it (kill -9, as a crash or an OOM kill does).

contacts_service runs as its own process (`pingcrm serve contacts`) on both backends. A 30,000-row
Connections.csv is uploaded; once some batches are committed the process is killed with SIGKILL and started
again. The job is never left `running`: its lease runs out and the new process resumes it at the first row
not committed, and the counts end exact — every row once, no contact twice.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from contacts_harness import UserClient
from pingcrm.contacts.v1 import contacts_service_pb2 as pb
from pingcrm.contacts.v1 import contacts_service_pb2_grpc

from pingcrm_common.clock import SystemClock
from tests.support.tokens import web_token
from tests.support.up import free_ports

ROWS = 30_000
LEASE_SECONDS = 2


def connections_csv(rows: int) -> bytes:
    lines = ["First Name,Last Name,URL,Email Address,Company,Position,Connected On"]
    lines += [f"Row,Number {i},https://www.linkedin.com/in/row-{i},,Acme,Engineer,05 Mar 2024" for i in range(rows)]
    return ("\r\n".join(lines) + "\r\n").encode()


class ContactsProcess:
    """contacts_service as `pingcrm serve contacts` runs it, started and killed at will."""

    def __init__(self, data_dir: Path, database_url: str | None) -> None:
        self.port, metrics_port = free_ports(2)
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("PINGCRM_")}
        self.env.update(
            PINGCRM_DATA_DIR=str(data_dir),
            PINGCRM_CONTACTS_PORT=str(self.port),
            PINGCRM_CONTACTS_METRICS_PORT=str(metrics_port),
            PINGCRM_AUTH_ADDR="127.0.0.1:9",  # web tokens only: auth_service is never asked
            PINGCRM_IMPORT_LEASE_SECONDS=str(LEASE_SECONDS),
            PINGCRM_IMPORT_POLL_SECONDS="0.2",
            PINGCRM_LOG_LEVEL="WARNING",
        )
        if database_url:
            self.env["PINGCRM_DATABASE_URL"] = database_url
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pingcrm_cli.main", "serve", "contacts"],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def contacts_process(backend, data_dir: Path) -> Iterator[ContactsProcess]:
    process = ContactsProcess(data_dir, backend.database_url)
    try:
        yield process
    finally:
        process.stop()


async def until(check, what: str, within_seconds: float = 90):
    """Poll `check` (an async callable returning a value or None) until it returns something."""
    deadline = asyncio.get_running_loop().time() + within_seconds
    while asyncio.get_running_loop().time() < deadline:
        try:
            if (found := await check()) is not None:
                return found
        except grpc.aio.AioRpcError as error:
            if error.code() != grpc.StatusCode.UNAVAILABLE:  # starting up
                raise
        await asyncio.sleep(0.05)
    raise AssertionError(f"not within {within_seconds}s: {what}")


async def test_a_job_killed_mid_import_resumes_and_counts_every_row_once(
    contacts_process: ContactsProcess, data_dir: Path
) -> None:
    contacts_process.start()
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{contacts_process.port}")
    try:
        user = UserClient(
            contacts_service_pb2_grpc.ContactsServiceStub(channel),
            "user-ada",
            web_token(data_dir, "user-ada", SystemClock()),
        )
        queued = await until(lambda: user.upload(connections_csv(ROWS), piece=256 * 1024), "the upload")
        job_id = queued.id

        async def partly_done() -> pb.ImportJob | None:
            job = await user.import_job(job_id)
            assert job.state != pb.IMPORT_STATE_DONE, "the import ended before it could be interrupted"
            return job if job.processed >= 2_000 else None

        before = await until(partly_done, "some batches committed")
        contacts_process.kill()
        await channel.close()

        channel = grpc.aio.insecure_channel(f"127.0.0.1:{contacts_process.port}")
        user.stub = contacts_service_pb2_grpc.ContactsServiceStub(channel)
        contacts_process.start()
        interrupted = await until(lambda: user.import_job(job_id), "the restarted service answers")
        assert interrupted.state == pb.IMPORT_STATE_RUNNING  # as the killed process left it
        assert 2_000 <= interrupted.processed < ROWS
        assert interrupted.processed >= before.processed

        async def ended() -> pb.ImportJob | None:
            job = await user.import_job(job_id)
            return job if job.state in (pb.IMPORT_STATE_DONE, pb.IMPORT_STATE_FAILED) else None

        job = await until(ended, "the resumed import ends", within_seconds=110)
        assert job.state == pb.IMPORT_STATE_DONE, job.reason
        assert (job.total, job.processed, job.created, job.updated, job.skipped) == (ROWS, ROWS, ROWS, 0, 0)
        assert (await user.sync_state()).contacts_count == ROWS  # no row imported twice
    finally:
        await channel.close()

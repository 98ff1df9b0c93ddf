"""Processes killed and databases missing under `pingcrm up`, as a self-hoster would meet them.

The stack runs as child processes on a fresh PostgreSQL database reached
through a TCP proxy the test controls (the machine's PostgreSQL keeps
serving other test runs).
"""

from __future__ import annotations

import asyncio
import os
import signal
import time

import httpx
import pytest
from fault_harness import RECOVERS_WITHIN_SECONDS, PushStream, sign_in, stored_message_urns, through, within

from tests.support.tcp_proxy import TcpProxy
from tests.support.up import Up, pingcrm_up, wait_ready


@pytest.fixture
def proxy():  # type: ignore[no-untyped-def]
    with TcpProxy("127.0.0.1", 5432) as running:
        yield running


@pytest.fixture
def up(tmp_path, postgres_url, proxy):  # type: ignore[no-untyped-def]
    with pingcrm_up(tmp_path, {"PINGCRM_DATABASE_URL": through(postgres_url, proxy.port)}) as running:
        yield running


async def test_killing_contacts_during_pushes_answers_503_loses_nothing_and_heals(up: Up, postgres_url) -> None:
    await asyncio.to_thread(wait_ready, up.edge_url)
    async with httpx.AsyncClient(base_url=up.edge_url, timeout=30) as client:
        stream = PushStream(client, await sign_in(client))
        stream.start()
        await within(10, lambda: stream.acknowledged_more_than(4), "pushes before the kill")

        os.kill(up.child_serving("contacts"), signal.SIGKILL)
        killed_at = time.monotonic()
        await within(10, stream.has_failed, "a push failing while contacts is down")
        before = len(stream.acknowledged)
        await within(RECOVERS_WITHIN_SECONDS, lambda: stream.acknowledged_more_than(before), "a push after the kill")
        assert time.monotonic() - killed_at <= RECOVERS_WITHIN_SECONDS
        await stream.stop()

    assert set(stream.statuses()) <= {200, 503}, stream.statuses()
    for failure in stream.failures():
        assert (failure.service, failure.code) == ("contacts", "unavailable")
        assert failure.detail == "the contacts service is unavailable; try again shortly"
    assert stream.acknowledged <= await stored_message_urns(postgres_url)


def test_services_wait_for_a_database_that_is_down_at_start(tmp_path, postgres_url, proxy) -> None:
    proxy.cut()
    with pingcrm_up(tmp_path, {"PINGCRM_DATABASE_URL": through(postgres_url, proxy.port)}) as up:
        up.wait_for_output('"msg": "waiting for the database"', count=4)  # each service says so
        ready = _readiness(up)
        assert ready.status_code == 503
        assert sorted(ready.json()["failing"]) == ["auth", "contacts", "media", "suggestions"]

        proxy.restore()
        wait_ready(up.edge_url, within_seconds=RECOVERS_WITHIN_SECONDS + 10)  # + migrating a new database
        up.process.send_signal(signal.SIGTERM)
        up.process.wait(timeout=20)
        output = up.output()
    assert "postgres@127.0.0.1" in output and "Connect call failed" in output
    assert "Traceback" not in output
    assert "restarting" not in output  # nobody exited


def _readiness(up: Up) -> httpx.Response:
    """/readyz once the edge answers at all."""
    deadline = time.monotonic() + 20
    while True:
        try:
            return httpx.get(f"{up.edge_url}/readyz", timeout=5)
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)

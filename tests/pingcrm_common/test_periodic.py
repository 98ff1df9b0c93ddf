"""A periodic check (pingcrm_common/periodic.py) runs at start and then on its own, outlives a check that
fails (the database away for a while), and stops with the service: what an operator relies on for
periodic generation and activity retention."""

from __future__ import annotations

import asyncio
import logging

import pytest

from pingcrm_common.periodic import Periodic


async def test_a_failed_check_is_logged_and_the_next_one_runs_as_planned(caplog: pytest.LogCaptureFixture) -> None:
    runs: list[int] = []

    async def check() -> None:
        runs.append(len(runs))
        if len(runs) == 1:
            raise ConnectionError("database away")

    periodic = Periodic("test-check", check, every_seconds=0.02)
    with caplog.at_level(logging.ERROR, logger="pingcrm.periodic"):
        periodic.start()
        for _ in range(200):
            if len(runs) >= 3:
                break
            await asyncio.sleep(0.01)
        await periodic.stop()
    assert len(runs) >= 3  # the first check ran at start; the failure did not end the loop
    failures = [record for record in caplog.records if record.name == "pingcrm.periodic"]
    assert len(failures) == 1 and getattr(failures[0], "check", None) == "test-check"

    stopped_at = len(runs)
    await asyncio.sleep(0.1)
    assert len(runs) == stopped_at  # stopped means stopped


async def test_a_check_in_progress_is_cancelled_by_stop() -> None:
    started = asyncio.Event()
    cancelled = asyncio.Event()

    async def slow_check() -> None:
        started.set()
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    periodic = Periodic("slow-check", slow_check, every_seconds=3600)
    periodic.start()
    await asyncio.wait_for(started.wait(), 5)
    await asyncio.wait_for(periodic.stop(), 5)
    assert cancelled.is_set()

"""BackgroundTask (pingcrm_common/background.py): stopping a service ends its loops, and a loop that had died of a
bug is reported instead of breaking the shutdown that follows."""

from __future__ import annotations

import asyncio
import logging

import pytest

from pingcrm_common.background import BackgroundTask


async def test_stop_cancels_the_loop_and_waits_until_it_has_ended() -> None:
    ticks: list[int] = []
    cleaned_up = asyncio.Event()

    async def loop() -> None:
        try:
            while True:
                ticks.append(1)
                await asyncio.sleep(0.01)
        finally:
            cleaned_up.set()

    task = BackgroundTask("ticker")
    task.start(loop())
    while len(ticks) < 2:
        await asyncio.sleep(0.01)
    await task.stop()
    assert cleaned_up.is_set()  # its cleanup ran before stop() returned
    stopped_at = len(ticks)
    await asyncio.sleep(0.05)
    assert len(ticks) == stopped_at


async def test_a_loop_that_died_of_a_bug_is_logged_at_stop_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    async def broken() -> None:
        raise RuntimeError("a bug")

    task = BackgroundTask("broken-loop")
    task.start(broken())
    await asyncio.sleep(0)  # let it run and fail
    with caplog.at_level(logging.ERROR, logger="pingcrm.background"):
        await task.stop()
    [record] = [record for record in caplog.records if record.name == "pingcrm.background"]
    assert getattr(record, "task", None) == "broken-loop" and "a bug" in (record.exc_text or "")


async def test_stopping_a_task_that_never_started_does_nothing() -> None:
    await BackgroundTask("never-started").stop()

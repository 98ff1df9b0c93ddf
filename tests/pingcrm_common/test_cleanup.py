"""Cleanup of a cancelled request finishes before the cancellation goes on (pingcrm_common/cleanup.py)."""

from __future__ import annotations

import asyncio

import pytest

from pingcrm_common.cleanup import run_to_completion


async def test_a_second_cancellation_does_not_cut_the_cleanup_short() -> None:
    steps: list[str] = []

    async def cleanup() -> None:
        await asyncio.sleep(0.05)
        steps.append("rolled back")

    async def request() -> None:
        try:
            await asyncio.sleep(10)
        finally:
            await run_to_completion(cleanup())
            steps.append("after cleanup")

    task = asyncio.create_task(request())
    await asyncio.sleep(0.01)
    task.cancel()
    await asyncio.sleep(0.01)
    task.cancel()  # again, while the cleanup runs (gRPC may cancel a handler twice)
    with pytest.raises(asyncio.CancelledError):
        await task
    assert steps == ["rolled back"]  # finished; what follows the cleanup did not run: the cancellation went on


async def test_without_a_cancellation_the_cleanups_result_comes_back() -> None:
    async def cleanup() -> int:
        await asyncio.sleep(0)
        return 7

    assert await run_to_completion(cleanup()) == 7

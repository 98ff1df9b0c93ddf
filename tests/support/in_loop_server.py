"""Uvicorn servers in the test's own event loop: the edge, the fake LinkedIn, the fake CDN."""

from __future__ import annotations

import asyncio

import uvicorn


async def serve_in_loop(config: uvicorn.Config) -> tuple[uvicorn.Server, asyncio.Task[None], int]:
    """Start `config` (port 0) in the running loop; the server, its task, and the port it bound."""
    server = uvicorn.Server(config)
    server.install_signal_handlers = lambda: None  # type: ignore[method-assign]  # the test runner owns signals
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    return server, task, server.servers[0].sockets[0].getsockname()[1]

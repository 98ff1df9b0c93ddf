"""A redis-server of the test's own, on a free port, that the test may stop, hang and start again.

The machine's Redis on 6379 serves other test runs at the same time; fault
tests never touch it.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

READY_WITHIN_SECONDS = 10
REQUIRE_SERVERS = os.environ.get("PINGCRM_TEST_REQUIRE_SERVERS") == "1"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PrivateRedis:
    def __init__(self, folder: Path) -> None:
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._folder = folder
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start (again) on the same port, empty: a restarted Redis without persistence."""
        self._process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            cwd=self._folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + READY_WITHIN_SECONDS
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as probe:
                    probe.sendall(b"PING\r\n")
                    if probe.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        """Kill it (SIGKILL, as a crash; also when stopped): every connection drops, new ones are refused."""
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            self._process = None

    def freeze(self) -> None:
        """SIGSTOP: connections stay open, nothing answers."""
        assert self._process is not None
        os.kill(self._process.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        assert self._process is not None
        os.kill(self._process.pid, signal.SIGCONT)


def private_redis(folder: Path) -> PrivateRedis:
    """A started PrivateRedis; skips (fails under PINGCRM_TEST_REQUIRE_SERVERS=1) without redis-server."""
    if shutil.which("redis-server") is None:
        if REQUIRE_SERVERS:
            pytest.fail("redis-server is not installed but PINGCRM_TEST_REQUIRE_SERVERS=1")
        pytest.skip("redis-server is not installed")
    server = PrivateRedis(folder)
    server.start()
    return server

"""`pingcrm up` in a child process, as a self-hoster runs it: an empty data folder, free ports."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from pingcrm_cli.services import SERVICES

# Generous: five Python processes start at once on a 2-core machine that may be
# busy; the limit exists to catch a hang, not to benchmark start-up.
READY_WITHIN_SECONDS = 60


def free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


@dataclass
class Up:
    process: subprocess.Popen[bytes]
    edge_url: str
    data_dir: Path
    grpc_ports: dict[str, int]
    metrics_ports: dict[str, int]
    _lines: list[str] = field(default_factory=list)
    _reader: threading.Thread | None = None

    def start_reading(self) -> None:
        """Collect its output in a thread, so a test can look at it while it runs."""
        assert self.process.stdout is not None
        stdout = self.process.stdout

        def read() -> None:
            for line in stdout:
                self._lines.append(line.decode(errors="replace"))

        self._reader = threading.Thread(target=read, daemon=True)
        self._reader.start()

    def children(self) -> list[int]:
        result = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(self.process.pid)], capture_output=True, text=True, check=False
        )
        return [int(line) for line in result.stdout.split()]

    def child_serving(self, name: str) -> int:
        """The pid of the child running `pingcrm serve <name>`."""
        return next(
            pid
            for pid in self.children()
            if f"serve {name}" in Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ")
        )

    def output(self) -> str:
        """Everything it printed so far (its children's logs too); all of it once it has stopped."""
        if self.process.poll() is not None and self._reader is not None:
            self._reader.join(timeout=10)
        return "".join(self._lines)

    def wait_for_output(self, text: str, count: int = 1, within_seconds: float = 30) -> None:
        deadline = time.monotonic() + within_seconds
        while self.output().count(text) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} not printed {count} times within {within_seconds}s")
            time.sleep(0.1)


@contextmanager
def pingcrm_up(folder: Path, extra_env: dict[str, str] | None = None) -> Iterator[Up]:
    """Run `pingcrm up` in `folder` until the block ends (then kill it, if still running)."""
    ports = free_ports(2 * len(SERVICES) + 1)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PINGCRM_")}
    env["PINGCRM_DATA_DIR"] = str(folder / "var")
    env["PINGCRM_EDGE_PORT"] = str(ports[-1])
    grpc_ports, metrics_ports = {}, {}
    for i, name in enumerate(SERVICES):
        grpc_ports[name], metrics_ports[name] = ports[i], ports[len(SERVICES) + i]
        env[f"PINGCRM_{name.upper()}_PORT"] = str(ports[i])  # `pingcrm up` reaches it there by itself
        env[f"PINGCRM_{name.upper()}_METRICS_PORT"] = str(metrics_ports[name])
    env.update(extra_env or {})
    process = subprocess.Popen(
        [sys.executable, "-m", "pingcrm_cli.main", "up"],
        env=env,
        cwd=folder,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    up = Up(process, f"http://127.0.0.1:{ports[-1]}", folder / "var", grpc_ports, metrics_ports)
    up.start_reading()
    try:
        yield up
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
        up.output()  # the reader has seen the end of the output
        assert process.stdout is not None
        process.stdout.close()


def wait_ready(url: str, within_seconds: float = READY_WITHIN_SECONDS) -> httpx.Response:
    """The first 200 of `GET {url}/readyz`; AssertionError with the last answer if none came in time."""
    deadline = time.monotonic() + within_seconds
    last: httpx.Response | None = None
    while time.monotonic() < deadline:
        try:
            last = httpx.get(f"{url}/readyz", timeout=5)
            if last.status_code == 200:
                return last
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"/readyz not 200 within {within_seconds}s: {last and last.text}")

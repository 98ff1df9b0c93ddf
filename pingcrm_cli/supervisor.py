"""`pingcrm up`: every service in its own process, restarted when one dies, stopped together.

A child that exits is started again after a pause that doubles with each
quick failure (1 s, 2 s, 4 s … at most 30 s; back to 1 s once a child ran
for a minute), and the log says so. Exit status 2 is a configuration error
(the child named the variable): starting it again would only fail again,
so it stays down. Children get SIGTERM when this process stops for any
reason (a Linux parent-death signal covers even `kill -9` of the
supervisor), so none is left behind.

Everything runs on this machine, so a service moved to another port
(`PINGCRM_CONTACTS_PORT`) is reached there, and the extension is told the
edge's own address, unless `PINGCRM_<SERVICE>_ADDR` or `PINGCRM_PUBLIC_URL`
say otherwise (`on_this_machine`).
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from pingcrm_cli.services import PROCESSES, SERVICES

STOP_TIMEOUT_SECONDS = 8.0
PR_SET_PDEATHSIG = 1
FIRST_RESTART_DELAY_SECONDS = 1.0
MAX_RESTART_DELAY_SECONDS = 30.0
STABLE_AFTER_SECONDS = 60.0  # a child that ran this long restarts after the first delay again
CONFIGURATION_ERROR = 2  # pingcrm's exit status for a misconfigured process


def _die_with_parent() -> None:
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def start_child(name: str, env: Mapping[str, str], output: IO[bytes] | None = None) -> subprocess.Popen[bytes]:
    """Start one process; its output goes to `output` (default: this terminal)."""
    return subprocess.Popen(
        [sys.executable, "-m", "pingcrm_cli.main", "serve", name],
        env=dict(env),
        stdout=output,
        stderr=output,
        preexec_fn=_die_with_parent,  # noqa: PLW1509 - no threads exist yet in this process
    )


def start_children(env: Mapping[str, str], output: IO[bytes] | None = None) -> dict[str, subprocess.Popen[bytes]]:
    """Start every process; their output goes to `output` (default: this terminal)."""
    return {name: start_child(name, env, output) for name in PROCESSES}


def describe_exit(returncode: int) -> str:
    if returncode < 0:
        return f"was killed by {signal.Signals(-returncode).name}"
    return f"exited with status {returncode}"


@dataclass
class Restarts:
    """When one child was started, how often it failed quickly in a row, when to start it again."""

    started_at: float
    quick_failures: int = 0
    restart_at: float | None = None
    given_up: bool = False

    def schedule(self, now: float) -> float:
        """Plan the next start after an exit; answers the delay."""
        if now - self.started_at >= STABLE_AFTER_SECONDS:
            self.quick_failures = 0
        delay = min(MAX_RESTART_DELAY_SECONDS, FIRST_RESTART_DELAY_SECONDS * 2.0**self.quick_failures)
        self.quick_failures += 1
        self.restart_at = now + delay
        return delay

    def due(self, now: float) -> bool:
        return self.restart_at is not None and now >= self.restart_at

    def started(self, now: float) -> None:
        self.started_at, self.restart_at = now, None


def stop_children(children: Mapping[str, subprocess.Popen[bytes]]) -> None:
    """SIGTERM everyone, wait for graceful drains, then SIGKILL stragglers."""
    for child in children.values():
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
    for child in children.values():
        try:
            child.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def on_this_machine(environ: Mapping[str, str], edge_url: str) -> dict[str, str]:
    """The children's environment: each service's address follows its port, and the address the extension is
    told (the pairing's `api_url`) is the edge's, where not set. A self-hoster who moves one port moves only it."""
    env = dict(environ)
    for service in SERVICES:
        port = env.get(f"PINGCRM_{service.upper()}_PORT")
        if port:
            env.setdefault(f"PINGCRM_{service.upper()}_ADDR", f"127.0.0.1:{port}")
    env.setdefault("PINGCRM_PUBLIC_URL", edge_url)
    return env


def run_stack(data_dir: Path, extension_dir: Path, edge_url: str) -> int:
    """Run until Ctrl-C or SIGTERM, starting again any child that dies."""
    env = on_this_machine({**os.environ, "PINGCRM_DATA_DIR": str(data_dir)}, edge_url)
    stop_requested = False

    def request_stop(signum: int, _frame: object) -> None:
        nonlocal stop_requested
        stop_requested = True

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    children = start_children(env)
    print(f"PingCRM is starting: web app and API on {edge_url}", flush=True)
    print(f"Data folder: {data_dir}", flush=True)
    print(f"Load the unpacked Chrome extension from: {extension_dir}", flush=True)
    print("Press Ctrl-C to stop.", flush=True)
    restarts = {name: Restarts(started_at=time.monotonic()) for name in children}
    try:
        while not stop_requested:
            now = time.monotonic()
            for name, child in children.items():
                plan = restarts[name]
                if child.poll() is None or plan.given_up:
                    continue
                if child.returncode == CONFIGURATION_ERROR:
                    plan.given_up = True
                    _say(f"{name} {describe_exit(child.returncode)} (its configuration, see above); not restarting it")
                elif plan.restart_at is None:
                    delay = plan.schedule(now)
                    _say(f"{name} {describe_exit(child.returncode)}; restarting it in {delay:g} s")
                elif plan.due(now):
                    children[name] = start_child(name, env)
                    plan.started(now)
                    _say(f"{name} restarted")
            time.sleep(0.2)
    finally:
        stop_children(children)
    print("PingCRM stopped.", flush=True)
    return 0


def _say(message: str) -> None:
    print(f"pingcrm: {message}", file=sys.stderr, flush=True)

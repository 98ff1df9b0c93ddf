"""`pingcrm up`: every service in its own process, stopped together.

Children get SIGTERM when this process stops for any reason (a Linux parent-death
signal covers even `kill -9` of the supervisor), so none is left behind.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import IO

from pingcrm_cli.services import PROCESSES

STOP_TIMEOUT_SECONDS = 8.0
PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def start_children(env: Mapping[str, str], output: IO[bytes] | None = None) -> dict[str, subprocess.Popen[bytes]]:
    """Start every process; their output goes to `output` (default: this terminal)."""
    return {
        name: subprocess.Popen(
            [sys.executable, "-m", "pingcrm_cli.main", "serve", name],
            env=dict(env),
            stdout=output,
            stderr=output,
            preexec_fn=_die_with_parent,  # noqa: PLW1509 - no threads exist yet in this process
        )
        for name in PROCESSES
    }


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


def run_stack(data_dir: Path, extension_dir: Path, edge_url: str) -> int:
    """Run until Ctrl-C or SIGTERM; a child that exits is reported, the rest keep running."""
    env = {**os.environ, "PINGCRM_DATA_DIR": str(data_dir)}
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
    reported: set[str] = set()
    try:
        while not stop_requested:
            for name, child in children.items():
                if child.poll() is not None and name not in reported:
                    reported.add(name)
                    print(f"pingcrm: {name} exited with status {child.returncode}", file=sys.stderr, flush=True)
            time.sleep(0.2)
    finally:
        stop_children(children)
    print("PingCRM stopped.", flush=True)
    return 0

"""`pingcrm up` as a self-hoster runs it: one command, an empty data folder,
four services and the edge, all stopped by one SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from pingcrm_cli.supervisor import STOP_TIMEOUT_SECONDS

# Generous: five Python processes start at once on a 2-core machine that may be
# busy; the limit exists to catch a hang, not to benchmark start-up.
READY_WITHIN_SECONDS = 60
# The supervisor SIGKILLs a child still draining after STOP_TIMEOUT_SECONDS;
# the rest is for the supervisor's own exit on that busy machine. A hang
# (a child nobody kills) still fails.
STOPPED_WITHIN_SECONDS = STOP_TIMEOUT_SECONDS + 7


def _free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def _children(pid: int) -> list[int]:
    result = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True, check=False)
    return [int(line) for line in result.stdout.split()]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split()[2] == "Z")


def _wait_ready(url: str) -> httpx.Response:
    deadline = time.monotonic() + READY_WITHIN_SECONDS
    last: httpx.Response | None = None
    while time.monotonic() < deadline:
        try:
            last = httpx.get(url, timeout=2)
            if last.status_code == 200:
                return last
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    pytest.fail(f"/readyz not 200 within {READY_WITHIN_SECONDS}s: {last and last.text}")


@pytest.fixture
def up(tmp_path):
    ports = _free_ports(9)
    names = ["AUTH", "CONTACTS", "SUGGESTIONS", "MEDIA"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PINGCRM_")}
    env["PINGCRM_DATA_DIR"] = str(tmp_path / "var")
    env["PINGCRM_EDGE_PORT"] = str(ports[8])
    for i, name in enumerate(names):
        env[f"PINGCRM_{name}_PORT"] = str(ports[i])
        env[f"PINGCRM_{name}_ADDR"] = f"127.0.0.1:{ports[i]}"
        env[f"PINGCRM_{name}_METRICS_PORT"] = str(ports[4 + i])
    process = subprocess.Popen(
        [sys.executable, "-m", "pingcrm_cli.main", "up"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        yield process, f"http://127.0.0.1:{ports[8]}", tmp_path / "var", ports
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
        process.stdout.close()


def test_up_serves_everything_from_an_empty_folder_and_stops_cleanly(up) -> None:
    process, edge_url, data_dir, ports = up
    ready = _wait_ready(f"{edge_url}/readyz")
    assert ready.json()["services"] == {
        "auth": "SERVING",
        "contacts": "SERVING",
        "suggestions": "SERVING",
        "media": "SERVING",
    }
    assert (data_dir / "keys" / "jwt-private.pem").exists()
    assert (data_dir / "keys" / "service-private.pem").exists()
    assert {p.name for p in data_dir.glob("*.db")} == {"auth.db", "contacts.db", "suggestions.db", "media.db"}
    metrics = httpx.get(f"http://127.0.0.1:{ports[4]}/metrics", timeout=2)
    assert "pingcrm_grpc_server_handled_total" in metrics.text

    children = _children(process.pid)
    assert len(children) == 5
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=STOPPED_WITHIN_SECONDS)
    assert time.monotonic() - started < STOPPED_WITHIN_SECONDS
    assert process.returncode == 0
    assert [pid for pid in children if _alive(pid)] == []
    output = process.stdout.read().decode()
    assert "PingCRM stopped." in output
    assert "extension" in output


def test_killing_one_service_fails_readiness_naming_it(up) -> None:
    process, edge_url, _, ports = up
    _wait_ready(f"{edge_url}/readyz")
    contacts_pid = next(
        pid
        for pid in _children(process.pid)
        if "serve contacts" in Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ")
    )
    os.kill(contacts_pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        ready = httpx.get(f"{edge_url}/readyz", timeout=5)
        if ready.status_code == 503:
            break
        time.sleep(0.2)
    assert ready.status_code == 503
    assert ready.json()["failing"] == ["contacts"]
    assert httpx.get(f"{edge_url}/healthz", timeout=2).status_code == 200

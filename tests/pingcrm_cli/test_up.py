"""`pingcrm up` as a self-hoster runs it: one command, an empty data folder,
four services and the edge, restarted when one dies, all stopped by one SIGTERM."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import httpx
import pytest

from pingcrm_cli.supervisor import STOP_TIMEOUT_SECONDS
from tests.support.up import Up, pingcrm_up, wait_ready

# The supervisor SIGKILLs a child still draining after STOP_TIMEOUT_SECONDS;
# the rest is for the supervisor's own exit on that busy machine. A hang
# (a child nobody kills) still fails.
STOPPED_WITHIN_SECONDS = STOP_TIMEOUT_SECONDS + 7
# A dead service is started again after 1 s; the rest is its start-up on a busy machine.
RECOVERED_WITHIN_SECONDS = 15


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split()[2] == "Z")


def paired_api_url(edge_url: str) -> str:
    """Sign up, pair an extension as its popup and the web app do, and return the API address it is given."""
    with httpx.Client(base_url=edge_url, timeout=10) as client:
        credentials = {"email": "ada@example.com", "password": "correct horse battery"}
        assert client.post("/api/v1/auth/register", json=credentials).status_code == 201
        web = {"Authorization": f"Bearer {client.post('/api/v1/auth/login', json=credentials).json()['access_token']}"}
        code = client.post("/api/v1/extension/codes").json()
        assert client.post("/api/v1/extension/pair", json={"code": code["code"]}, headers=web).status_code == 200
        paired = client.get(
            "/api/v1/extension/pair", params={"code": code["code"]}, headers={"X-Pairing-Secret": code["poll_secret"]}
        )
        assert paired.status_code == 200, paired.text
        return str(paired.json()["api_url"])


@pytest.fixture
def up(tmp_path):
    with pingcrm_up(tmp_path) as running:
        yield running


def test_up_serves_everything_from_an_empty_folder_and_stops_cleanly(up: Up) -> None:
    ready = wait_ready(up.edge_url)
    assert ready.json()["services"] == {
        "auth": "SERVING",
        "contacts": "SERVING",
        "suggestions": "SERVING",
        "media": "SERVING",
    }
    assert (up.data_dir / "keys" / "jwt-private.pem").exists()
    assert (up.data_dir / "keys" / "service-private.pem").exists()
    assert {p.name for p in up.data_dir.glob("*.db")} == {"auth.db", "contacts.db", "suggestions.db", "media.db"}
    metrics = httpx.get(f"http://127.0.0.1:{up.metrics_ports['auth']}/metrics", timeout=2)
    assert "pingcrm_grpc_server_handled_total" in metrics.text
    # Every port is a free one, not the default, and nothing else is set: the services reach each other there,
    # and the extension paired with this stack is told to call this edge.
    assert paired_api_url(up.edge_url) == up.edge_url

    children = up.children()
    assert len(children) == 5
    started = time.monotonic()
    up.process.send_signal(signal.SIGTERM)
    up.process.wait(timeout=STOPPED_WITHIN_SECONDS)
    assert time.monotonic() - started < STOPPED_WITHIN_SECONDS
    assert up.process.returncode == 0
    assert [pid for pid in children if _alive(pid)] == []
    output = up.output()
    assert "PingCRM stopped." in output
    assert "extension" in output


def test_a_killed_service_fails_readiness_naming_it_then_comes_back_by_itself(up: Up) -> None:
    wait_ready(up.edge_url)
    os.kill(up.child_serving("contacts"), signal.SIGKILL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        ready = httpx.get(f"{up.edge_url}/readyz", timeout=5)
        if ready.status_code == 503:
            break
        time.sleep(0.1)
    assert ready.status_code == 503
    assert ready.json()["failing"] == ["contacts"]
    assert httpx.get(f"{up.edge_url}/healthz", timeout=2).status_code == 200

    killed_at = time.monotonic()
    wait_ready(up.edge_url, within_seconds=RECOVERED_WITHIN_SECONDS)
    assert time.monotonic() - killed_at <= RECOVERED_WITHIN_SECONDS
    up.process.send_signal(signal.SIGTERM)
    up.process.wait(timeout=STOPPED_WITHIN_SECONDS)
    output = up.output()
    assert "pingcrm: contacts was killed by SIGKILL; restarting it in 1 s" in output
    assert "pingcrm: contacts restarted" in output


def test_a_misconfigured_process_is_not_restarted_and_says_so(tmp_path) -> None:
    with pingcrm_up(tmp_path, {"PINGCRM_CONTACTS_PORT": "fifty thousand"}) as up:
        up.wait_for_output("pingcrm: contacts exited with status 2 (its configuration, see above); not restarting it")
        up.process.send_signal(signal.SIGTERM)
        up.process.wait(timeout=STOPPED_WITHIN_SECONDS)
        output = up.output()
    assert "PINGCRM_CONTACTS_PORT: Input should be a valid integer" in output
    assert "contacts restarted" not in output

"""`pingcrm user create` for self-hosters who close registration."""

from __future__ import annotations

import os
import subprocess
import sys


def _create(data_dir, email: str, password: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PINGCRM_")}
    env["PINGCRM_DATA_DIR"] = str(data_dir)
    command = [sys.executable, "-m", "pingcrm_cli.main", "user", "create", "--email", email, "--password", password]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=False)


def test_creates_an_account_in_a_fresh_data_folder_and_refuses_a_duplicate(tmp_path) -> None:
    first = _create(tmp_path / "var", "Grace@Example.com", "long enough password")
    assert first.returncode == 0, first.stderr
    assert "created user grace@example.com" in first.stdout

    again = _create(tmp_path / "var", "grace@example.com", "long enough password")
    assert again.returncode == 1
    assert "an account with this email already exists" in again.stderr
    assert "Traceback" not in again.stderr


def test_weak_password_is_refused_with_the_reason(tmp_path) -> None:
    result = _create(tmp_path / "var", "ada@example.com", "short")
    assert result.returncode == 1
    assert "password must be at least 10 characters" in result.stderr

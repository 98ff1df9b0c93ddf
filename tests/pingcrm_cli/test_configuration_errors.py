"""A misconfigured process says which variable is wrong, in a line, and exits 2.

What an operator sees in `kubectl logs` or a terminal: no traceback, and no
setting's value — they hold secrets such as the database password.
"""

from __future__ import annotations

import os
import subprocess
import sys

DATABASE_PASSWORD = "s3cret-db-password"


def _serve(process: str, **variables: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PINGCRM_")}
    env.update(variables)
    command = [sys.executable, "-m", "pingcrm_cli.main", "serve", process]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=False)


def test_production_without_its_key_names_the_variable_and_not_the_database_password(tmp_path) -> None:
    result = _serve(
        "auth",
        PINGCRM_ENV="production",
        PINGCRM_DATA_DIR=str(tmp_path),
        PINGCRM_DATABASE_URL=f"postgresql+asyncpg://pingcrm:{DATABASE_PASSWORD}@db.internal/pingcrm",
    )
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "pingcrm: invalid configuration (AuthSettings):",
        "  PINGCRM_JWT_PUBLIC_KEY_FILE must be set when PINGCRM_ENV=production",
    ]
    assert DATABASE_PASSWORD not in result.stderr + result.stdout


def test_a_malformed_value_names_each_variable(tmp_path) -> None:
    result = _serve(
        "contacts", PINGCRM_DATA_DIR=str(tmp_path), PINGCRM_CONTACTS_PORT="fifty", PINGCRM_SHUTDOWN_GRACE_SECONDS="soon"
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "  PINGCRM_CONTACTS_PORT: Input should be a valid integer" in result.stderr
    assert "  PINGCRM_SHUTDOWN_GRACE_SECONDS: Input should be a valid number" in result.stderr
    assert "fifty" not in result.stderr

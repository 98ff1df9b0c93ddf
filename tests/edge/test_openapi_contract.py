"""The OpenAPI document tells the truth: schemathesis fuzzes every operation against the running stack.

Short mode for every run (and CI): a fixed seed and a bounded number of
examples per operation, once with an extension token and once with a web
token (the extension's pass first: the web pass disconnects extensions). Every
check runs but one: no server error, every status, header, content type and
body as documented, malformed input refused, undeclared methods answered
405 with Allow. Left out is `positive_data_acceptance` ("every schema-valid
request succeeds"), which no API with opaque cursors, unknown ids and
business rules (an email address the service refuses, a code that expired)
can meet; those answers are documented 4xx problems instead.

PINGCRM_SCHEMATHESIS_EXAMPLES raises the number of examples for a deeper run.
"""

from __future__ import annotations

import asyncio
import os
import re
import sys
from pathlib import Path

import httpx
import pytest

from tests.support.stack import start_stack

EXAMPLES = os.environ.get("PINGCRM_SCHEMATHESIS_EXAMPLES", "15")
SEED = "20261130"
PASSWORD = "correct horse battery"
SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"


@pytest.fixture
async def embedded_stack(data_dir, clock):  # type: ignore[no-untyped-def]
    running = await start_stack(data_dir, database_url=None, redis_url=None, clock=clock)
    yield running
    await running.close()


async def _tokens(client: httpx.AsyncClient) -> dict[str, str]:
    """An extension token and a web token of one account."""
    credentials = {"email": "fuzz@example.com", "password": PASSWORD}
    assert (await client.post("/api/v1/auth/register", json=credentials)).status_code == 201
    web = (await client.post("/api/v1/auth/login", json=credentials)).json()["access_token"]
    code = (await client.post("/api/v1/extension/codes")).json()
    claimed = await client.post(
        "/api/v1/extension/pair", json={"code": code["code"]}, headers={"Authorization": f"Bearer {web}"}
    )
    assert claimed.status_code == 200
    polled = await client.get(
        "/api/v1/extension/pair", params={"code": code["code"]}, headers={"X-Pairing-Secret": code["poll_secret"]}
    )
    return {"extension": polled.json()["token"], "web": web}


async def _schemathesis(edge_url: str, token: str, folder: Path) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        str(SCHEMATHESIS),
        "run",
        f"{edge_url}/openapi.json",
        "--checks=all",
        "--exclude-checks=positive_data_acceptance",
        f"--max-examples={EXAMPLES}",
        f"--seed={SEED}",
        "--workers=1",
        "--generation-database=none",
        "--no-color",
        "--header",
        f"Authorization: Bearer {token}",
        cwd=folder,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await process.communicate()
    return process.returncode or 0, output.decode(errors="replace")


async def test_every_operation_answers_as_documented_with_both_token_kinds(embedded_stack, tmp_path) -> None:
    async with embedded_stack.http() as client:
        tokens = await _tokens(client)
        paths = (await client.get("/openapi.json")).json()["paths"]
    operations = sum(len(methods) for methods in paths.values())
    for kind in ("extension", "web"):
        status, output = await _schemathesis(embedded_stack.edge_url, tokens[kind], tmp_path)
        assert status == 0, f"schemathesis with the {kind} token:\n{output[-6000:]}"
        assert f"Operations:       {operations} selected / {operations} total" in output, output[-2000:]
        counts = re.search(r"(\d+) generated, (\d+) passed", output)
        assert counts and counts[1] == counts[2] and int(counts[1]) > operations * 10, output[-3000:]

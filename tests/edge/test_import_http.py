"""Contacts → Import over HTTP against the real services, on both backends: multipart upload streamed to
contacts_service, 202 with the job, progress, the contacts it made with their source, and every refusal
(extension token, not an export, not multipart, too large with and without a Content-Length)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx

from contacts_service.domain.imports import jobs
from edge.settings import MAX_IMPORT_BYTES
from pingcrm_common.tokens import EXTENSION_AUDIENCE
from tests.support.stack import start_edge
from tests.support.tokens import web_token

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "linkedin_export"
IMPORT = "/api/v1/contacts/import"
BOUNDARY = "----pingcrm-test-boundary"


def web(stack, data_dir, clock, user: str = "user-ada") -> dict[str, str]:
    return {"Authorization": f"Bearer {web_token(data_dir, user, clock)}"}


async def finished(client: httpx.AsyncClient, job_id: str, headers: dict[str, str]) -> dict:
    for _ in range(3000):
        job = (await client.get(f"{IMPORT}/{job_id}", headers=headers)).json()
        if job["state"] in ("done", "failed"):
            return job
        await asyncio.sleep(0.02)
    raise AssertionError(f"import {job_id} did not end: {job}")


async def multipart_stream(filename: str, head: bytes, filler: bytes, total: int) -> AsyncIterator[bytes]:
    """A multipart body with a `file` of `total` bytes (`head`, then `filler` repeated), streamed without a
    Content-Length."""
    yield (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: text/csv\r\n\r\n"
    ).encode()
    yield head
    sent = len(head)
    while sent < total:
        piece = filler[: total - sent]
        yield piece
        sent += len(piece)
    yield f"\r\n--{BOUNDARY}--\r\n".encode()


async def headers_only(edge_url: str, headers: dict[str, str], length: int) -> tuple[int, dict]:
    """POST the import with a Content-Length of `length` but send only the headers; the answer."""
    host, port = edge_url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    try:
        lines = [f"POST {IMPORT} HTTP/1.1", f"Host: {host}", f"Content-Length: {length}", "Connection: close"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
        await writer.drain()
        answer = await asyncio.wait_for(reader.read(), 30)
    finally:
        writer.close()
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(body)


async def test_an_upload_is_accepted_imported_and_its_contacts_listed_by_source(stack, data_dir, clock) -> None:
    ada = web(stack, data_dir, clock)
    async with stack.http() as client:
        files = {"file": ("Connections.csv", (SAMPLES / "Connections.csv").read_bytes(), "text/csv")}
        accepted = await client.post(IMPORT, files=files, headers=ada)
        assert accepted.status_code == 202, accepted.text
        assert accepted.json() == {"job_id": accepted.json()["job_id"], "kind": "connections"}
        job = await finished(client, accepted.json()["job_id"], ada)
        assert job == {
            "job_id": accepted.json()["job_id"],
            "kind": "connections",
            "state": "done",
            "reason": "",
            "filename": "Connections.csv",
            "size_bytes": len((SAMPLES / "Connections.csv").read_bytes()),
            "total": 11,
            "processed": 11,
            "created": 7,
            "updated": 0,
            "skipped": 4,
            "contacts_created": 7,
            "errors": [
                {"line": 11, "reason": "LinkedIn hides this member: the row has no profile address"},
                {"line": 12, "reason": "LinkedIn hides this member: the row has no profile address"},
                {
                    "line": 13,
                    "reason": "'https://www.linkedin.com/company/park-ventures' is not a LinkedIn profile address "
                    "(linkedin.com/in/…)",
                },
                {
                    "line": 14,
                    "reason": "Connected On 'yesterday' is not a date like '05 Mar 2024'; imported without it",
                },
            ],
            "error_count": 4,
            "created_at": job["created_at"],
            "started_at": job["started_at"],
            "finished_at": job["finished_at"],
        }
        listed = (await client.get(IMPORT, headers=ada)).json()
        assert [item["job_id"] for item in listed["items"]] == [job["job_id"]]
        assert listed["items"][0]["errors"] == []  # the list leaves the errors out

        # messages.csv too: the kind comes from the file's header, not its name.
        files = {"file": ("export-part-2.csv", (SAMPLES / "messages.csv").read_bytes(), "text/csv")}
        accepted = await client.post(IMPORT, files=files, headers=ada)
        assert (accepted.status_code, accepted.json()["kind"]) == (202, "messages")
        assert (await finished(client, accepted.json()["job_id"], ada))["created"] == 7

        everyone = (await client.get("/api/v1/contacts", params={"limit": 100}, headers=ada)).json()["items"]
        ada_q = next(c for c in everyone if c["full_name"] == "Ada Quintero")
        assert (ada_q["connected_on"], ada_q["sources"]) == ("2024-03-05", ["connections_import", "messages_import"])
        only_messages = (await client.get("/api/v1/contacts", params={"source": "messages_import"}, headers=ada)).json()
        assert sorted(c["full_name"] for c in only_messages["items"]) == [
            "Ada Quintero", "José García", "Priya Natarajan",
        ]  # fmt: skip
        dms = (await client.get("/api/v1/contacts", params={"source": "linkedin_dm"}, headers=ada)).json()
        assert dms["items"] == []
        wrong = await client.get("/api/v1/contacts", params={"source": "carrier_pigeon"}, headers=ada)
        assert (wrong.status_code, wrong.json()["code"]) == (422, "validation_failed")


async def test_the_extension_may_not_import(stack, data_dir, clock) -> None:
    extension = {"Authorization": f"Bearer {web_token(data_dir, 'user-ada', clock, audience=EXTENSION_AUDIENCE)}"}
    async with stack.http() as client:
        files = {"file": ("Connections.csv", (SAMPLES / "Connections.csv").read_bytes(), "text/csv")}
        refused = await client.post(IMPORT, files=files, headers=extension)
        assert (refused.status_code, refused.json()["code"]) == (403, "wrong_audience")
        assert refused.json()["detail"] == "a pingcrm-extension token may not call this endpoint"
        listing = await client.get(IMPORT, headers=extension)
        assert (listing.status_code, listing.json()["code"]) == (403, "wrong_audience")
        unsigned = await client.post(IMPORT, files=files)
        assert (unsigned.status_code, unsigned.json()["code"]) == (401, "missing_token")


async def test_what_is_not_an_export_or_not_an_upload_is_refused(stack, data_dir, clock) -> None:
    ada = web(stack, data_dir, clock)
    async with stack.http() as client:
        files = {"file": ("statement.csv", (SAMPLES / "not_an_export.csv").read_bytes(), "text/csv")}
        refused = await client.post(IMPORT, files=files, headers=ada)
        assert (refused.status_code, refused.json()["code"]) == (422, "not_a_linkedin_export")
        assert refused.json()["detail"].startswith("this is not a LinkedIn export: no Connections.csv header")

        # A large file that is not an export: refused after its first bytes, and the answer still arrives.
        big = await client.post(
            IMPORT,
            content=multipart_stream("big.csv", b"Date,Amount\r\n", b"2024-03-01,1.00\r\n" * 4096, 20_000_000),
            headers={**ada, "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"},
        )
        assert (big.status_code, big.json()["code"]) == (422, "not_a_linkedin_export")

        as_json = await client.post(IMPORT, json={"file": "First Name,Last Name"}, headers=ada)
        assert (as_json.status_code, as_json.json()["code"]) == (422, "validation_failed")
        assert as_json.json()["detail"] == "send the file as multipart/form-data in a field named 'file'"
        no_file = await client.post(IMPORT, files={"document": ("a.csv", b"x", "text/csv")}, headers=ada)
        assert (no_file.status_code, no_file.json()["code"]) == (422, "validation_failed")
        assert no_file.json()["detail"] == "the body has no complete field named 'file'"
        assert (await client.get(IMPORT, headers=ada)).json() == {"items": []}

        missing = await client.get(f"{IMPORT}/0190a0c0-0000-7000-8000-000000000000", headers=ada)
        assert (missing.status_code, missing.json()["code"]) == (404, "import_not_found")


async def test_another_users_import_is_not_found(stack, data_dir, clock) -> None:
    ada, bob = web(stack, data_dir, clock), web(stack, data_dir, clock, "user-bob")
    async with stack.http() as client:
        files = {"file": ("Connections.csv", (SAMPLES / "Connections.csv").read_bytes(), "text/csv")}
        job_id = (await client.post(IMPORT, files=files, headers=ada)).json()["job_id"]
        await finished(client, job_id, ada)
        theirs = await client.get(f"{IMPORT}/{job_id}", headers=bob)
        assert (theirs.status_code, theirs.json()["code"]) == (404, "import_not_found")
        assert (await client.get(IMPORT, headers=bob)).json() == {"items": []}
        assert (await client.get("/api/v1/contacts", headers=bob)).json()["items"] == []


async def test_files_over_the_limit_are_refused_with_413_also_when_streamed(stack, data_dir, clock) -> None:
    assert MAX_IMPORT_BYTES == jobs.MAX_FILE_BYTES == 200 * 1024 * 1024
    ada = web(stack, data_dir, clock)
    head = (SAMPLES / "Connections.csv").read_bytes()
    filler = b"Zed,Filler,https://www.linkedin.com/in/zed-filler,,,,05 Mar 2024\r\n" * 1024
    multipart = {**ada, "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}
    # Declared: refused from the headers, before a byte of the 200 MiB is sent.
    status, answer = await headers_only(stack.edge_url, multipart, MAX_IMPORT_BYTES + 70_000)
    assert (status, answer["code"]) == (413, "request_too_large")
    assert answer["detail"] == f"request body exceeds the limit of {MAX_IMPORT_BYTES + 65_536} bytes"

    # Streamed without a Content-Length: an edge with a 3 MiB limit counts the file's bytes as they pass.
    limit = 3 * 1024 * 1024
    settings = stack.edge_settings.model_copy(update={"max_import_bytes": limit})
    edge, task, port = await start_edge(settings, clock)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            over_limit = multipart_stream("c.csv", head, filler, limit + 1)
            over = await client.post(IMPORT, content=over_limit, headers=multipart)
            assert over.request.headers["transfer-encoding"] == "chunked"
            assert (over.status_code, over.json()["code"]) == (413, "request_too_large")
            assert over.json()["detail"] == f"request body exceeds the limit of {limit} bytes"
            assert (await client.get(IMPORT, headers=ada)).json() == {"items": []}  # nothing stayed

            fits = await client.post(IMPORT, content=multipart_stream("c.csv", head, filler, limit), headers=multipart)
            assert fits.status_code == 202, fits.text
            job = await finished(client, fits.json()["job_id"], ada)
            assert (job["state"], job["size_bytes"], job["created"]) == ("done", limit, 8)  # 7 + Zed
    finally:
        edge.should_exit = True
        await task


async def test_every_other_route_keeps_the_5_mib_limit(stack, data_dir, clock) -> None:
    ada = web(stack, data_dir, clock)
    async with stack.http() as client:
        six_mib = b"{" + b" " * (6 * 1024 * 1024) + b"}"
        push = await client.post("/api/v1/linkedin/push", content=six_mib, headers=ada)
        assert (push.status_code, push.json()["code"]) == (413, "request_too_large")
        other = await client.post(f"{IMPORT}/x", content=six_mib, headers=ada)
        assert other.status_code == 413


async def test_contacts_service_down_is_a_503(stack, data_dir, clock) -> None:
    ada = web(stack, data_dir, clock)
    await stack.stop_service("contacts")
    async with stack.http() as client:
        files = {"file": ("Connections.csv", (SAMPLES / "Connections.csv").read_bytes(), "text/csv")}
        for answer in (await client.post(IMPORT, files=files, headers=ada), await client.get(IMPORT, headers=ada)):
            assert (answer.status_code, answer.json()["code"]) == (503, "unavailable")
            assert answer.json()["detail"] == "the contacts service is unavailable; try again shortly"
            assert answer.headers["retry-after"] == "5"


async def test_a_browser_that_goes_away_mid_upload_leaves_nothing_behind(stack, data_dir, clock, caplog) -> None:
    ada = web(stack, data_dir, clock)
    head = (SAMPLES / "Connections.csv").read_bytes()
    part = (
        (f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="Connections.csv"\r\n\r\n').encode()
        + head
        + b"Zed,Filler,https://www.linkedin.com/in/zed,,,,05 Mar 2024\r\n" * 30_000
    )
    host, port = stack.edge_url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    lines = [
        f"POST {IMPORT} HTTP/1.1", f"Host: {host}", f"Content-Length: {len(part) + 10_000_000}",
        f"Authorization: {ada['Authorization']}", f"Content-Type: multipart/form-data; boundary={BOUNDARY}",
    ]  # fmt: skip
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + part)  # then the browser's tab closes
    await writer.drain()
    writer.close()
    async with stack.http() as client:
        for _ in range(200):
            listed = (await client.get(IMPORT, headers=ada)).json()
            if listed == {"items": []} and not await stored_pieces(stack):
                break
            await asyncio.sleep(0.05)
        assert listed == {"items": []}
    assert await stored_pieces(stack) == 0  # contacts_service discarded what it had stored
    # SQLAlchemy's pool may log that it gave up a connection whose statement the cut-off call interrupted
    # ("Exception during reset or similar"): the library's own recovery. PingCRM's code logs no error.
    ours = [r for r in caplog.records if not r.name.startswith("sqlalchemy.pool")]
    assert [r.getMessage() for r in ours if r.levelname == "ERROR"] == []


async def stored_pieces(stack) -> int:
    from sqlalchemy import text

    from pingcrm_common.db import Database

    database = Database(stack.settings["contacts"].resolved_database_url, "contacts")
    try:
        async with database.session() as session:
            return int((await session.exec(text("SELECT count(*) FROM import_chunks"))).one()[0])
    finally:
        await database.dispose()

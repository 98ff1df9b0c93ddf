"""Contacts → Import: LinkedIn's data export (Connections.csv, messages.csv) uploaded and followed.

`POST /api/v1/contacts/import` takes a multipart/form-data body with the
file in the field `file` and streams it to contacts_service as it arrives:
the body is parsed piece by piece (python-multipart's push parser), and the
file's bytes go out in gRPC messages of FORWARD_BYTES over one
client-streaming UploadImport call, so neither the edge nor the service ever
holds the file (Starlette's own form parsing would spool it to disk first).
Files up to `PINGCRM_MAX_IMPORT_BYTES` (200 MiB, also the most
contacts_service takes); a larger body is refused with 413 from its
Content-Length before a byte is read, or, without one, as soon as the file's
bytes pass the limit. contacts_service recognizes the kind of file from its
header and answers the queued job; the edge answers 202 with its id.
Progress: `GET /api/v1/contacts/import/{job_id}`; the latest jobs:
`GET /api/v1/contacts/import`. Web token only (the extension has no reason
to upload files), also checked by contacts_service.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated, Any, Literal

import grpc
from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse
from pingcrm.contacts.v1 import contacts_service_pb2 as pb
from pydantic import BaseModel
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import ClientDisconnect

from edge.body_limit import too_large
from edge.deps import CallRpc, ContactsStub, Settings, WebUser
from edge.grpc_status import API_ERRORS, ServiceCallFailed, problem, problem_responses
from edge.settings import EdgeSettings
from pingcrm_common.grpc_client import call_metadata
from pingcrm_common.timestamps import to_datetime

router = APIRouter(
    prefix="/api/v1/contacts/import", tags=["import"], responses=problem_responses(*API_ERRORS, 401, 403)
)

# A multipart body is the file plus its part headers and boundaries: this much more is allowed for them.
MULTIPART_OVERHEAD_BYTES = 64 * 1024
FORWARD_BYTES = 256 * 1024  # the file goes to contacts_service in messages of about this size
FILE_FIELD = "file"

Kind = Literal["connections", "messages"]
State = Literal["queued", "running", "done", "failed"]
KINDS: dict[int, Kind] = {pb.IMPORT_KIND_CONNECTIONS: "connections", pb.IMPORT_KIND_MESSAGES: "messages"}
STATES: dict[int, State] = {
    pb.IMPORT_STATE_QUEUED: "queued",
    pb.IMPORT_STATE_RUNNING: "running",
    pb.IMPORT_STATE_DONE: "done",
    pb.IMPORT_STATE_FAILED: "failed",
}


class ImportAccepted(BaseModel):
    job_id: str
    kind: Kind


class RowErrorOut(BaseModel):
    line: int
    reason: str


class ImportOut(BaseModel):
    job_id: str
    kind: Kind
    state: State
    reason: str
    filename: str
    size_bytes: int
    total: int
    processed: int
    created: int
    updated: int
    skipped: int
    contacts_created: int
    errors: list[RowErrorOut]
    error_count: int
    created_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None


class ImportList(BaseModel):
    items: list[ImportOut]


def max_body_bytes(settings: EdgeSettings) -> int:
    """The largest body the upload route reads: the largest file plus room for its multipart framing."""
    return settings.max_import_bytes + MULTIPART_OVERHEAD_BYTES


def _job(job: pb.ImportJob) -> ImportOut:
    return ImportOut(
        job_id=job.id,
        kind=KINDS[job.kind],
        state=STATES[job.state],
        reason=job.reason,
        filename=job.filename,
        size_bytes=job.size_bytes,
        total=job.total,
        processed=job.processed,
        created=job.created,
        updated=job.updated,
        skipped=job.skipped,
        contacts_created=job.contacts_created,
        errors=[RowErrorOut(line=error.line, reason=error.reason) for error in job.errors],
        error_count=job.error_count,
        created_at=to_datetime(job, "created_at"),
        started_at=to_datetime(job, "started_at"),
        finished_at=to_datetime(job, "finished_at"),
    )


class NotAnUpload(Exception):
    """The body is not multipart/form-data with a `file` field (422 `validation_failed`)."""


class FileField:
    """A multipart/form-data body read as it streams: hands out the bytes of its `file` field, piece by piece."""

    def __init__(self, boundary: bytes) -> None:
        self.filename: str | None = None  # set once the file field's headers are read
        self.complete = False
        self._pending: list[bytes] = []
        self._header: tuple[bytearray, bytearray] = (bytearray(), bytearray())
        self._disposition = b""
        self._in_file = False
        self._parser = MultipartParser(
            boundary,
            {
                "on_part_begin": self._part_begins,
                "on_header_field": lambda data, start, end: self._header[0].extend(data[start:end]),
                "on_header_value": lambda data, start, end: self._header[1].extend(data[start:end]),
                "on_header_end": self._header_ends,
                "on_headers_finished": self._headers_finished,
                "on_part_data": self._data,
                "on_part_end": self._part_ends,
            },
        )

    def feed(self, data: bytes) -> bytes:
        """The file's bytes among `data` (empty when the piece held none)."""
        try:
            self._parser.write(data)
        except MultipartParseError as error:
            raise NotAnUpload(f"the body is not valid multipart/form-data ({error})") from error
        found = b"".join(self._pending)
        self._pending.clear()
        return found

    def _part_begins(self) -> None:
        self._disposition = b""
        self._in_file = False

    def _header_ends(self) -> None:
        name, value = self._header
        if bytes(name).lower() == b"content-disposition":
            self._disposition = bytes(value)
        name.clear()
        value.clear()

    def _headers_finished(self) -> None:
        _, options = parse_options_header(self._disposition)
        if options.get(b"name") == FILE_FIELD.encode() and self.filename is None:
            self._in_file = True
            self.filename = options.get(b"filename", b"").decode("utf-8", "replace")

    def _data(self, data: bytes, start: int, end: int) -> None:
        if self._in_file:
            self._pending.append(data[start:end])

    def _part_ends(self) -> None:
        if self._in_file:
            self.complete = True
        self._in_file = False


def _boundary(content_type: str) -> bytes:
    kind, options = parse_options_header(content_type)
    boundary = options.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        raise NotAnUpload(f"send the file as multipart/form-data in a field named {FILE_FIELD!r}")
    return boundary


async def _forward(call: Any, filename: str, data: bytes, first: bool) -> None:
    """One message of the upload; a call the service already ended raises its status."""
    message = pb.ImportChunk(filename=filename, data=data) if first else pb.ImportChunk(data=data)
    try:
        await call.write(message)
    except asyncio.InvalidStateError:
        await call  # raises the service's AioRpcError (e.g. not an export: refused after the header)
        raise


async def _drain(body: AsyncIterator[bytes]) -> None:
    """Read the rest of the body (bounded by the body limit), so the client hears the answer instead of a reset."""
    async for _ in body:
        pass


@router.post(
    "",
    status_code=202,
    response_model=ImportAccepted,
    operation_id="uploadImport",
    summary="Upload Connections.csv or messages.csv from LinkedIn's data export",
    responses=problem_responses(429),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": [FILE_FIELD],
                        "properties": {FILE_FIELD: {"type": "string", "format": "binary"}},
                    }
                }
            },
        }
    },
)
async def upload(
    request: Request, _: WebUser, contacts: ContactsStub, settings: Settings
) -> ImportAccepted | JSONResponse:
    """Stream the file to contacts_service; the import runs in the background (follow it with its job id).

    Files up to 200 MiB (`PINGCRM_MAX_IMPORT_BYTES`; 413 beyond); 422 for a body that is not
    multipart/form-data with a `file`, or a file that is not Connections.csv or messages.csv.
    """
    try:
        return await _upload(request, contacts, settings)
    except NotAnUpload as error:
        return problem(422, code="validation_failed", detail=str(error))
    except ClientDisconnect:  # the browser went away mid-upload; contacts_service discarded what it had
        return problem(499, code="cancelled", detail="the upload was cancelled")


async def _upload(request: Request, contacts: Any, settings: EdgeSettings) -> ImportAccepted:
    form = FileField(_boundary(request.headers.get("content-type", "")))
    token = getattr(request.state, "token", None)
    call = contacts.UploadImport(timeout=settings.import_upload_timeout_seconds, metadata=call_metadata(token))
    body = request.stream()
    waiting, size, first = bytearray(), 0, True
    try:
        async for piece in body:
            data = form.feed(piece)
            size += len(data)
            if size > settings.max_import_bytes:
                raise too_large(settings.max_import_bytes)
            waiting += data
            if len(waiting) >= FORWARD_BYTES:
                await _forward(call, form.filename or "", bytes(waiting), first)
                waiting.clear()
                first = False
        if form.filename is None or not form.complete:
            raise NotAnUpload(f"the body has no complete field named {FILE_FIELD!r}")
        await _forward(call, form.filename, bytes(waiting), first)
        await call.done_writing()
        job: pb.ImportJob = await call
    except grpc.aio.AioRpcError as error:
        await _drain(body)
        raise ServiceCallFailed("contacts", error) from error
    finally:
        call.cancel()  # nothing when the call ended; otherwise the service discards what it stored
    return ImportAccepted(job_id=job.id, kind=KINDS[job.kind])


@router.get("", response_model=ImportList, operation_id="listImports")
async def list_imports(_: WebUser, contacts: ContactsStub, rpc: CallRpc) -> ImportList:
    """The caller's latest 10 imports, newest first (without their errors)."""
    response = await rpc(contacts.ListImports, pb.ListImportsRequest())
    return ImportList(items=[_job(job) for job in response.jobs])


@router.get("/{job_id}", response_model=ImportOut, operation_id="getImport", responses=problem_responses(404))
async def get_import(
    job_id: Annotated[str, Path(min_length=1, max_length=64)], _: WebUser, contacts: ContactsStub, rpc: CallRpc
) -> ImportOut:
    """An import's state and counts, with the first 100 rows that were not imported as they stood."""
    return _job(await rpc(contacts.GetImport, pb.GetImportRequest(job_id=job_id)))

"""A fake photo CDN (media.licdn.com and friends) over HTTPS on loopback.

Runs in the test's event loop (uvicorn). Tests put answers on paths —
images, redirects, errors, slow or oversized bodies — and the fake records
every request it got (path and Host header), so a test can assert that a
refused URL was never even requested. media_service reaches it through its
test-only settings (`media_settings()`): the host names resolve to 127.0.0.1,
the throwaway certificate is trusted, and loopback is allowed.

    async with FakeCdn() as cdn:
        url = cdn.serve_image("/photo.jpg", jpeg_bytes)
        settings = MediaSettings(**common, **cdn.media_settings())
"""

from __future__ import annotations

import asyncio
import io
import random
import struct
import tempfile
import zlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import uvicorn
from PIL import Image
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from tests.support.fake_linkedin.tls import write_self_signed
from tests.support.in_loop_server import serve_in_loop

CDN_HOST = "media.licdn.com"
OTHER_CDN_HOST = "media-exp1.licdn.com"
HOSTS = (CDN_HOST, OTHER_CDN_HOST)


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    # Seconds between chunks of `chunk` bytes; 0 sends the body at once.
    drip_seconds: float = 0.0
    chunk: int = 65536
    declare_length: bool = True


@dataclass(frozen=True)
class SeenRequest:
    path: str
    host: str
    status: int = 0
    from_browser: bool = False


class FakeCdn:
    """Serves what tests put on its paths; 404 elsewhere."""

    def __init__(self) -> None:
        self.answers: dict[str, Answer] = {}
        self.requests: list[SeenRequest] = []
        # Paths answered only to browsers (a Chrome User-Agent): servers get 403, as LinkedIn's CDN sometimes does.
        self.browser_only: set[str] = set()
        self.port = 0
        self.cert_file: Path | None = None
        self._server: uvicorn.Server | None = None
        self._task: asyncio.Task[None] | None = None
        self._tmp: tempfile.TemporaryDirectory[str] | None = None

    # ------------------------------------------------------------- answers

    def url(self, path: str, host: str = CDN_HOST) -> str:
        return f"https://{host}:{self.port}{path}"

    def serve(self, path: str, answer: Answer) -> str:
        self.answers[path] = answer
        return self.url(path)

    def serve_image(self, path: str, data: bytes, content_type: str = "image/jpeg") -> str:
        return self.serve(path, Answer(body=data, headers={"content-type": content_type}))

    def redirect(self, path: str, location: str, status: int = 302) -> str:
        return self.serve(path, Answer(status=status, headers={"location": location}))

    def paths_requested(self) -> list[str]:
        return [request.path for request in self.requests]

    # ------------------------------------------------------------- settings

    def media_settings(self) -> dict[str, Any]:
        """MediaSettings fields that point media_service at this fake (test-only settings)."""
        assert self.cert_file is not None, "start the fake first"
        return {
            "media_allowed_hosts": [f"{host}:{self.port}" for host in HOSTS],
            "media_resolve": {host: "127.0.0.1" for host in HOSTS},
            "media_ca_file": self.cert_file,
            "media_allow_private": True,
        }

    # ------------------------------------------------------------- server

    async def __aenter__(self) -> FakeCdn:
        self._tmp = tempfile.TemporaryDirectory(prefix="fake-cdn-")
        self.cert_file, key_file = write_self_signed(Path(self._tmp.name), HOSTS)
        config = uvicorn.Config(
            Starlette(routes=[Route("/{path:path}", self._answer)]),
            host="127.0.0.1",
            port=0,
            ssl_certfile=str(self.cert_file),
            ssl_keyfile=str(key_file),
            http="h11",
            lifespan="off",
            log_config=None,
            access_log=False,
        )
        self._server, self._task, self.port = await serve_in_loop(config)
        return self

    async def __aexit__(self, *_: object) -> None:
        if self._server is not None and self._task is not None:
            self._server.should_exit = True
            self._server.force_exit = True  # a slow body still dripping has nothing to finish
            await self._task
        if self._tmp is not None:
            self._tmp.cleanup()

    async def _answer(self, request: Request) -> Response:
        path = request.url.path
        from_browser = "Chrome/" in request.headers.get("user-agent", "")
        answer = self.answers.get(path)
        if path in self.browser_only and not from_browser:
            answer = Answer(status=403, body=b"Forbidden")
        status = answer.status if answer is not None else 404
        host = request.headers.get("host", "")
        self.requests.append(SeenRequest(path=path, host=host, status=status, from_browser=from_browser))
        if answer is None:
            return Response(b"not found", status_code=404)
        if not answer.drip_seconds and answer.declare_length:
            return Response(answer.body, status_code=answer.status, headers=answer.headers)
        headers = dict(answer.headers)
        if answer.declare_length:
            headers["content-length"] = str(len(answer.body))
        return StreamingResponse(_drip(answer), status_code=answer.status, headers=headers)


async def _drip(answer: Answer) -> AsyncIterator[bytes]:
    for start in range(0, len(answer.body), answer.chunk):
        yield answer.body[start : start + answer.chunk]
        await asyncio.sleep(answer.drip_seconds)


# ----------------------------------------------------------------- images


def photo(width: int = 800, height: int = 800, *, seed: int = 1, image_format: str = "JPEG", **save: Any) -> bytes:
    """A photo-like image (noise over a gradient, so every seed differs) in `image_format`."""
    rng = random.Random(seed)
    image = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    noise = Image.frombytes("RGB", (32, 32), rng.randbytes(32 * 32 * 3)).resize((width, height))
    image = Image.blend(image, noise, 0.5)
    out = io.BytesIO()
    image.save(out, format=image_format, **save)
    return out.getvalue()


def png_bomb(width: int = 20_000, height: int = 20_000) -> bytes:
    """A valid PNG that declares width × height pixels (1-bit, all zero) in a few kilobytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\x00" + bytes((width + 7) // 8)
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")

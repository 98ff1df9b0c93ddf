"""The avatar rules: fetch or take an image, check and re-encode it, store it once, serve it to its owners."""

from __future__ import annotations

import asyncio
import logging
import os
import re
from collections.abc import Sequence
from typing import Protocol

from media_service.domain import images
from media_service.domain.records import AvatarImage, Size, StoredAvatar
from media_service.store import avatars as avatar_rows
from pingcrm_common.clock import Clock
from pingcrm_common.db import Database
from pingcrm_common.errors import (
    DomainError,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    Unavailable,
)

log = logging.getLogger("pingcrm.media")

MAX_SOURCE_URLS = 8
SHA256_HEX = re.compile(r"[0-9a-f]{64}")


class Downloader(Protocol):
    """Fetches one URL under the download rules (media_service/cdn.py); raises DomainErrors."""

    async def download(self, url: str) -> bytes: ...


class BlobStore(Protocol):
    """Where image bytes live, by key (media_service/blobs.py); raises Unavailable when unreachable."""

    async def put(self, key: str, data: bytes, content_type: str) -> None: ...

    async def get(self, key: str) -> bytes | None: ...

    async def exists(self, key: str) -> bool: ...


def blob_key(sha256: str, size: Size) -> str:
    """Content-addressed: the same photo has the same keys, whoever stores it."""
    return f"{sha256[:2]}/{sha256}/{size.value}.jpg"


class AvatarsDomain:
    """FetchAvatar, StoreAvatar and GetAvatar, as plain Python."""

    def __init__(
        self,
        database: Database,
        downloader: Downloader,
        blobs: BlobStore,
        clock: Clock,
        *,
        max_bytes: int,
        fetch_timeout_seconds: float,
    ) -> None:
        self._database = database
        self._downloader = downloader
        self._blobs = blobs
        self._clock = clock
        self._max_bytes = max_bytes
        self._fetch_timeout = fetch_timeout_seconds
        # Decoding is CPU-bound and a 25-megapixel image takes ~100 MB: one per core at a time.
        self._decoders = asyncio.Semaphore(os.cpu_count() or 1)

    async def fetch(self, user_id: str, source_urls: Sequence[str]) -> tuple[StoredAvatar, str]:
        """Download the first URL that yields a usable image, store it for `user_id`; the avatar and that URL."""
        _require_user(user_id)
        if not source_urls:
            raise InvalidArgument("no source URL given", code="no_source_urls")
        if len(source_urls) > MAX_SOURCE_URLS:
            raise InvalidArgument(f"at most {MAX_SOURCE_URLS} source URLs are tried", code="too_many_source_urls")
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._fetch_timeout
        failures: list[DomainError] = []
        for url in source_urls:
            try:
                async with asyncio.timeout_at(deadline):
                    data = await self._downloader.download(url)
                renditions = await self._render(data)
            except TimeoutError:
                failures.append(
                    Unavailable(f"the download took longer than {self._fetch_timeout:g} s", code="download_timeout")
                )
                break  # the time cap covers the whole call
            except DomainError as error:
                failures.append(error)
                continue
            return await self._keep(user_id, renditions), url
        outcome = _most_hopeful(failures)
        log.info("avatar fetch failed", extra={"code": outcome.code, "reason": outcome.message, "user_id": user_id})
        raise outcome

    async def store(self, user_id: str, data: bytes) -> StoredAvatar:
        """Store image bytes the caller already has, under the same checks as a download."""
        _require_user(user_id)
        if len(data) > self._max_bytes:
            raise InvalidArgument(f"the image is larger than {self._max_bytes:,} bytes", code="too_large")
        return await self._keep(user_id, await self._render(data))

    async def get(self, user_id: str, sha256: str, size: Size) -> AvatarImage:
        """One size of an avatar the caller owns; another user's avatar is not found, even when shared."""
        if not SHA256_HEX.fullmatch(sha256):
            raise InvalidArgument("an avatar id is 64 lowercase hex digits", code="invalid_avatar_id")
        avatar = await self._database.transaction(lambda session: avatar_rows.owned_by(session, user_id, sha256))
        if avatar is None:
            raise NotFound("avatar not found", code="avatar_not_found")
        data = await self._blobs.get(blob_key(sha256, size))
        if data is None:  # rows are written after their blobs, so this is lost data, not a race
            raise RuntimeError(f"avatar {sha256} is recorded but its {size.value} blob is missing")
        return AvatarImage(avatar=avatar, size=size, data=data, content_type=avatar.content_type)

    async def _render(self, data: bytes) -> images.Renditions:
        async with self._decoders:
            return await asyncio.to_thread(images.render, data)

    async def _keep(self, user_id: str, renditions: images.Renditions) -> StoredAvatar:
        """Blobs first (the standard size last), then the rows: a row never names a missing blob."""
        standard_key = blob_key(renditions.sha256, Size.STANDARD)
        if not await self._blobs.exists(standard_key):
            await self._blobs.put(blob_key(renditions.sha256, Size.THUMB), renditions.thumb, renditions.content_type)
            await self._blobs.put(standard_key, renditions.standard, renditions.content_type)
        avatar = StoredAvatar(
            sha256=renditions.sha256,
            content_type=renditions.content_type,
            width=renditions.width,
            height=renditions.height,
            size_bytes=len(renditions.standard),
        )
        now = self._clock.now()
        await self._database.transaction(lambda session: avatar_rows.add_owned(session, avatar, user_id, now))
        return avatar


def _require_user(user_id: str) -> None:
    if not user_id:
        raise PermissionDenied("an avatar is stored for a user; this token acts for none", code="user_required")


def _most_hopeful(failures: list[DomainError]) -> DomainError:
    """What the caller should do next: retry later, else upload from the browser, else give up on these URLs."""
    for kind in (Unavailable, FailedPrecondition):
        if found := next((failure for failure in failures if isinstance(failure, kind)), None):
            return found
    return failures[0]

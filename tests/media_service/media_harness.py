"""Helpers for media_service tests: a real server on a random port, callers with each kind of token,
and a look at what was stored (rows and blobs)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import grpc
import pytest
from pingcrm.media.v1 import media_service_pb2 as pb
from pingcrm.media.v1 import media_service_pb2_grpc
from sqlalchemy import text

import media_service.server
from media_service.models import MIGRATIONS
from media_service.settings import MediaSettings
from pingcrm_common import migrations
from pingcrm_common.clock import FrozenClock
from pingcrm_common.db import Database
from pingcrm_common.errors import ERROR_CODE_METADATA
from pingcrm_common.service_tokens import ServiceTokens
from pingcrm_common.tokens import load_private_key
from tests.support.tokens import web_token

TIMEOUT = 15.0  # longer than any download cap the tests configure


def error_code(error: grpc.aio.AioRpcError) -> str | None:
    return dict(error.trailing_metadata() or ()).get(ERROR_CODE_METADATA)


async def refused(call: Awaitable[object]) -> grpc.aio.AioRpcError:
    """The error a call must fail with."""
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await call
    return raised.value


@dataclass
class MediaHarness:
    stub: media_service_pb2_grpc.MediaServiceStub
    settings: MediaSettings
    clock: FrozenClock
    port: int = 0  # where the server listens

    # ------------------------------------------------------------ callers

    def service_metadata(self, user_id: str, service: str = "contacts") -> tuple[tuple[str, str], ...]:
        key = load_private_key(self.settings.service_private_key_path)
        return ServiceTokens(key, service, self.clock).metadata(user_id)

    def user_metadata(self, user_id: str) -> tuple[tuple[str, str], ...]:
        return (("authorization", f"Bearer {web_token(self.settings.data_dir, user_id, self.clock)}"),)

    async def fetch(self, user_id: str, *urls: str) -> pb.FetchAvatarResponse:
        return await self.stub.FetchAvatar(
            pb.FetchAvatarRequest(source_urls=list(urls)), metadata=self.service_metadata(user_id), timeout=TIMEOUT
        )

    async def store(self, user_id: str, data: bytes) -> pb.StoreAvatarResponse:
        return await self.stub.StoreAvatar(
            pb.StoreAvatarRequest(data=data), metadata=self.service_metadata(user_id), timeout=TIMEOUT
        )

    async def get(self, user_id: str, sha256: str, size: int = pb.AVATAR_SIZE_STANDARD) -> pb.GetAvatarResponse:
        return await self.stub.GetAvatar(
            pb.GetAvatarRequest(sha256=sha256, size=size), metadata=self.user_metadata(user_id), timeout=TIMEOUT
        )

    # ------------------------------------------------------------ what is stored

    def blob_files(self) -> list[str]:
        root = self.settings.blob_dir
        return (
            sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()) if root.exists() else []
        )

    async def rows(self) -> tuple[list[str], list[tuple[str, str]]]:
        """(avatar hashes, (user id, hash) ownerships) as stored."""
        database = Database(self.settings.resolved_database_url, self.settings.service_name)
        try:
            async with database.engine.connect() as connection:
                avatars = (await connection.execute(text("SELECT sha256 FROM avatars ORDER BY sha256"))).scalars().all()
                owners = (
                    await connection.execute(text("SELECT user_id, sha256 FROM avatar_owners ORDER BY user_id, sha256"))
                ).all()
        finally:
            await database.dispose()
        return list(avatars), [(row[0], row[1]) for row in owners]

    async def assert_nothing_stored(self) -> None:
        assert await self.rows() == ([], [])
        assert self.blob_files() == []


@asynccontextmanager
async def running_media(settings: MediaSettings, clock: FrozenClock) -> AsyncIterator[MediaHarness]:
    await asyncio.to_thread(migrations.upgrade, MIGRATIONS, settings.resolved_database_url)
    running = await media_service.server.create_server(settings, clock=clock)
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{running.port}") as channel:
            yield MediaHarness(media_service_pb2_grpc.MediaServiceStub(channel), settings, clock, running.port)
    finally:
        await running.shutdown(0.5)


def settings_for(data_dir: Path, database_url: str | None, cdn_settings: dict, **overrides: object) -> MediaSettings:
    # Web and service tokens only: the auth service (asked about extension sessions) is never called.
    return MediaSettings(
        data_dir=data_dir,
        port=0,
        metrics_port=None,
        database_url=database_url,
        auth_addr="127.0.0.1:9",
        **{**cdn_settings, **overrides},
    )


def with_hosts(cdn_settings: dict, resolve: dict[str, str], port: int | None = None) -> dict:
    """The fake CDN's settings plus more allowed hosts (on `port`, else 443), each resolving as given."""
    return {
        **cdn_settings,
        "media_allowed_hosts": [
            *cdn_settings["media_allowed_hosts"],
            *(f"{host}:{port}" if port else host for host in resolve),
        ],
        "media_resolve": {**cdn_settings["media_resolve"], **resolve},
    }

"""The S3 blob store (several replicas share one bucket) against a real S3 server on loopback: moto's
server mode, started by the test. Same behaviour as the filesystem: stored once by content hash,
served to owners, and UNAVAILABLE `blob_store_unavailable` (nothing recorded) while the store is down."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import grpc
import pytest
from media_harness import error_code, running_media, settings_for
from moto.server import ThreadedMotoServer
from pingcrm.media.v1 import media_service_pb2 as pb
from pydantic import SecretStr

from pingcrm_common.clock import FrozenClock
from tests.support.fake_cdn import FakeCdn, photo

ACCESS_KEY, SECRET_KEY, REGION = "test-access-key", "test-secret-key", "eu-west-1"


@pytest.fixture
def s3_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def s3_client(endpoint: str) -> Any:
    return boto3.session.Session().client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
    )


@pytest.fixture
def bucket(s3_endpoint: str) -> Iterator[str]:
    name = f"pingcrm-avatars-{uuid.uuid4().hex[:8]}"
    client = s3_client(s3_endpoint)
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    yield name
    client.close()


def s3_settings(endpoint: str, bucket: str) -> dict[str, object]:
    return {
        "media_blob_store": "s3",
        "media_s3_endpoint_url": endpoint,
        "media_s3_bucket": bucket,
        "media_s3_region": REGION,
        "media_s3_access_key_id": SecretStr(ACCESS_KEY),
        "media_s3_secret_access_key": SecretStr(SECRET_KEY),
    }


def object_keys(endpoint: str, bucket: str) -> list[str]:
    client = s3_client(endpoint)
    try:
        return sorted(item["Key"] for item in client.list_objects_v2(Bucket=bucket).get("Contents", []))
    finally:
        client.close()


async def test_avatars_are_stored_once_in_the_bucket_and_served_to_their_owners(
    data_dir: Path, cdn: FakeCdn, clock: FrozenClock, s3_endpoint: str, bucket: str
) -> None:
    settings = settings_for(data_dir, None, cdn.media_settings(), **s3_settings(s3_endpoint, bucket))
    data = photo(seed=21)
    async with running_media(settings, clock) as media:
        first = await media.fetch("user-1", cdn.serve_image("/a.jpg", data))
        second = await media.store("user-2", data)
        standard = await media.get("user-2", first.avatar.sha256)
        thumb = await media.get("user-1", first.avatar.sha256, pb.AVATAR_SIZE_THUMB)
        with pytest.raises(grpc.aio.AioRpcError) as stranger:
            await media.get("user-3", first.avatar.sha256)

    sha = first.avatar.sha256
    assert second.avatar.sha256 == sha
    assert object_keys(s3_endpoint, bucket) == [
        f"avatars/{sha[:2]}/{sha}/standard.jpg",
        f"avatars/{sha[:2]}/{sha}/thumb.jpg",
    ]
    assert media.blob_files() == []  # nothing on the local disk
    assert standard.data[:3] == b"\xff\xd8\xff" and len(thumb.data) < len(standard.data)
    assert stranger.value.code() == grpc.StatusCode.NOT_FOUND


async def test_an_unreachable_object_store_is_unavailable_and_records_nothing(
    data_dir: Path, cdn: FakeCdn, clock: FrozenClock
) -> None:
    closed = "http://127.0.0.1:9"  # discard port: nothing listens
    settings = settings_for(data_dir, None, cdn.media_settings(), **s3_settings(closed, "pingcrm-avatars"))
    async with running_media(settings, clock) as media:
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            await media.fetch("user-1", cdn.serve_image("/a.jpg", photo()))

        assert raised.value.code() == grpc.StatusCode.UNAVAILABLE
        assert error_code(raised.value) == "blob_store_unavailable"
        assert raised.value.details() == "the avatar blob store is unavailable: EndpointConnectionError"
        assert await media.rows() == ([], [])


async def test_a_missing_bucket_is_a_broken_setup_not_a_missing_avatar(
    data_dir: Path, cdn: FakeCdn, clock: FrozenClock, s3_endpoint: str
) -> None:
    settings = settings_for(data_dir, None, cdn.media_settings(), **s3_settings(s3_endpoint, "no-such-bucket"))
    async with running_media(settings, clock) as media:
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            await media.store("user-1", photo())

    assert raised.value.code() == grpc.StatusCode.UNAVAILABLE
    assert error_code(raised.value) == "blob_store_unavailable"

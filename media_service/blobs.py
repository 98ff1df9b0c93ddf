"""Where avatar bytes live: files under the data folder, or an S3-compatible object store.

Keys are content-addressed (media_service/domain/avatars.py `blob_key`), so a
write never changes what a key holds and several replicas may write the same
key at once. Both stores answer Unavailable `blob_store_unavailable` when
they cannot be reached, so callers learn to try again later.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from pathlib import Path
from typing import Any

from media_service.settings import MediaSettings
from pingcrm_common.errors import Unavailable


def _unavailable(error: Exception) -> Unavailable:
    return Unavailable(f"the avatar blob store is unavailable: {type(error).__name__}", code="blob_store_unavailable")


class FilesystemBlobStore:
    """Files under one folder (PINGCRM_MEDIA_DIR); a ReadWriteMany volume lets several replicas share it."""

    def __init__(self, root: Path) -> None:
        self._root = root

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        try:
            await asyncio.to_thread(self._write, self._root / key, data)
        except OSError as error:
            raise _unavailable(error) from error

    async def get(self, key: str) -> bytes | None:
        try:
            return await asyncio.to_thread((self._root / key).read_bytes)
        except FileNotFoundError:
            return None
        except OSError as error:
            raise _unavailable(error) from error

    async def exists(self, key: str) -> bool:
        return await asyncio.to_thread((self._root / key).is_file)

    async def close(self) -> None:
        return None

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        # Written aside, flushed to disk, then renamed: readers see the whole file or none,
        # and a database row written after this never names a file a crash could lose.
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{uuid.uuid4().hex}.partial")
        try:
            with partial.open("wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)


class S3BlobStore:
    """Objects in one bucket of an S3-compatible store (AWS S3, MinIO, Ceph, R2 ...), under a key prefix.

    boto3 is synchronous; each call runs in a worker thread. Without access
    keys in the settings, boto3 finds the platform's own credentials
    (environment, web identity in Kubernetes, instance profile).
    """

    def __init__(self, settings: MediaSettings) -> None:
        import boto3
        from botocore.config import Config

        self._bucket = settings.media_s3_bucket
        self._prefix = settings.media_s3_prefix
        key_id, secret = settings.media_s3_access_key_id, settings.media_s3_secret_access_key
        self._client: Any = boto3.session.Session().client(
            "s3",
            endpoint_url=settings.media_s3_endpoint_url,
            region_name=settings.media_s3_region,
            aws_access_key_id=key_id.get_secret_value() if key_id else None,
            aws_secret_access_key=secret.get_secret_value() if secret else None,
            config=Config(
                connect_timeout=2,
                read_timeout=5,
                retries={"max_attempts": 3, "mode": "standard"},
                # Path-style works with every S3-compatible server; AWS itself takes either.
                s3={"addressing_style": "path"} if settings.media_s3_endpoint_url else None,
            ),
        )

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        await self._call(
            self._client.put_object, Bucket=self._bucket, Key=self._prefix + key, Body=data, ContentType=content_type
        )

    async def get(self, key: str) -> bytes | None:
        from botocore.exceptions import ClientError

        try:
            response = await self._call(self._client.get_object, Bucket=self._bucket, Key=self._prefix + key)
        except _NotFound:
            return None
        try:
            return await asyncio.to_thread(response["Body"].read)
        except (ClientError, OSError) as error:
            raise _unavailable(error) from error

    async def exists(self, key: str) -> bool:
        try:
            await self._call(self._client.head_object, Bucket=self._bucket, Key=self._prefix + key)
        except _NotFound:
            return False
        return True

    async def close(self) -> None:
        self._client.close()

    async def _call(self, method: Any, **kwargs: Any) -> Any:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return await asyncio.to_thread(method, **kwargs)
        except ClientError as error:
            # A missing key is an answer; a missing bucket (NoSuchBucket, also a 404) is a broken setup.
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "NotFound", "404"):
                raise _NotFound from error
            raise _unavailable(error) from error
        except BotoCoreError as error:
            raise _unavailable(error) from error


class _NotFound(Exception):
    """No object under that key (S3's 404)."""


def open_blob_store(settings: MediaSettings) -> FilesystemBlobStore | S3BlobStore:
    if settings.media_blob_store == "s3":
        return S3BlobStore(settings)
    return FilesystemBlobStore(settings.blob_dir)

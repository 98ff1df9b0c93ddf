"""media_service's settings: the shared service settings plus downloads and blob storage.

Three settings exist for tests and benchmarks only — a fake CDN on loopback
with a throwaway certificate — and a production process refuses them:
`PINGCRM_MEDIA_ALLOW_PRIVATE`, `PINGCRM_MEDIA_RESOLVE` and `PINGCRM_MEDIA_CA_FILE`.
"""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import NoDecode

from pingcrm_common.settings import ServiceSettings

# LinkedIn's static photo hosts (profile photos, company logos, their regional mirrors).
LINKEDIN_PHOTO_HOSTS = (
    "media.licdn.com",
    "media-exp1.licdn.com",
    "media-exp2.licdn.com",
    "media-exp3.licdn.com",
    "static.licdn.com",
    "static-exp1.licdn.com",
    "static-exp2.licdn.com",
)

BlobStoreKind = Literal["filesystem", "s3"]
HOST_NAME = re.compile(
    r"(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*"
)


class MediaSettings(ServiceSettings):
    """media_service: avatar download and storage."""

    service_name: str = "media"
    port: int = Field(50054, validation_alias="PINGCRM_MEDIA_PORT")
    metrics_port: int | None = Field(9154, validation_alias="PINGCRM_MEDIA_METRICS_PORT")
    service_database_url: str | None = Field(None, validation_alias="PINGCRM_MEDIA_DATABASE_URL")
    auth_addr: str = "127.0.0.1:50051"

    # Downloads (media_service/README.md, "Limits").
    media_allowed_hosts: Annotated[list[str], NoDecode] = Field(default=list(LINKEDIN_PHOTO_HOSTS))
    media_max_bytes: int = Field(5_000_000, gt=0, le=7_000_000)  # a StoreAvatar request must fit in one 8 MiB RPC
    media_fetch_timeout_seconds: float = Field(8.0, gt=0)
    media_max_redirects: int = Field(3, ge=0, le=10)

    # Test-only (refused in production): a fake CDN on loopback.
    media_allow_private: bool = False
    media_resolve: Annotated[dict[str, str], NoDecode] = Field(default_factory=dict)
    media_ca_file: Path | None = None

    # Blobs: files under the data folder, or an S3-compatible object store.
    media_blob_store: BlobStoreKind = "filesystem"
    media_dir: Path | None = None
    media_s3_endpoint_url: str | None = None
    media_s3_bucket: str | None = None
    media_s3_region: str = "us-east-1"
    media_s3_prefix: str = "avatars/"
    media_s3_access_key_id: SecretStr | None = None
    media_s3_secret_access_key: SecretStr | None = None

    @property
    def blob_dir(self) -> Path:
        return self.media_dir or self.data_dir / "media"

    @field_validator("media_allowed_hosts", mode="before")
    @classmethod
    def _comma_separated_hosts(cls, value: object) -> object:
        if isinstance(value, str):
            return [host.strip() for host in value.split(",") if host.strip()]
        return value

    @field_validator("media_allowed_hosts")
    @classmethod
    def _host_or_host_and_port(cls, hosts: list[str]) -> list[str]:
        for entry in hosts:
            host, _, port = entry.partition(":")
            if not HOST_NAME.fullmatch(host) or (port and not (port.isdigit() and 0 < int(port) < 65536)):
                raise ValueError(f"{entry!r} is not a host name or host:port")
        return [entry.lower() for entry in hosts]

    @field_validator("media_resolve", mode="before")
    @classmethod
    def _host_equals_address(cls, value: object) -> object:
        # "cdn.test=127.0.0.1,other.test=10.0.0.1", like Chromium's --host-resolver-rules.
        if isinstance(value, str):
            pairs = (item.partition("=") for item in value.split(",") if item.strip())
            return {host.strip().lower(): address.strip() for host, _, address in pairs}
        return value

    @field_validator("media_resolve")
    @classmethod
    def _addresses_are_ip_addresses(cls, mapping: dict[str, str]) -> dict[str, str]:
        for host, address in mapping.items():
            try:
                ipaddress.ip_address(address)
            except ValueError:
                raise ValueError(f"{host}={address} does not map a host to an IP address") from None
        return mapping

    @model_validator(mode="after")
    def _media_settings_fit_the_environment(self) -> MediaSettings:
        if self.env == "production":
            test_only = {
                "PINGCRM_MEDIA_ALLOW_PRIVATE": self.media_allow_private,
                "PINGCRM_MEDIA_RESOLVE": bool(self.media_resolve),
                "PINGCRM_MEDIA_CA_FILE": self.media_ca_file is not None,
            }
            if used := [name for name, set_ in test_only.items() if set_]:
                raise ValueError(f"{', '.join(used)} are for tests only and refused when PINGCRM_ENV=production")
        if self.media_blob_store == "s3" and not self.media_s3_bucket:
            raise ValueError("PINGCRM_MEDIA_S3_BUCKET must be set when PINGCRM_MEDIA_BLOB_STORE=s3")
        if (self.media_s3_access_key_id is None) != (self.media_s3_secret_access_key is None):
            raise ValueError(
                "PINGCRM_MEDIA_S3_ACCESS_KEY_ID and PINGCRM_MEDIA_S3_SECRET_ACCESS_KEY go together (or neither, "
                "for the platform's own credentials)"
            )
        return self

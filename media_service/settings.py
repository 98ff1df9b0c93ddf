"""media_service's settings: the shared service settings plus its own port, database and peers."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from pingcrm_common.settings import ServiceSettings


class MediaSettings(ServiceSettings):
    """media_service: avatar download and storage."""

    service_name: str = "media"
    port: int = Field(50054, validation_alias="PINGCRM_MEDIA_PORT")
    metrics_port: int | None = Field(9154, validation_alias="PINGCRM_MEDIA_METRICS_PORT")
    service_database_url: str | None = Field(None, validation_alias="PINGCRM_MEDIA_DATABASE_URL")
    auth_addr: str = "127.0.0.1:50051"
    media_dir: Path | None = None

    @property
    def blob_dir(self) -> Path:
        return self.media_dir or self.data_dir / "media"

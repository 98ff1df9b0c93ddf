"""auth_service's settings: the shared service settings plus its own port, database and peers."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, model_validator

from pingcrm_common.settings import ServiceSettings


class AuthSettings(ServiceSettings):
    """auth_service: accounts, pairing and token signing."""

    service_name: str = "auth"
    port: int = Field(50051, validation_alias="PINGCRM_AUTH_PORT")
    metrics_port: int | None = Field(9151, validation_alias="PINGCRM_AUTH_METRICS_PORT")
    service_database_url: str | None = Field(None, validation_alias="PINGCRM_AUTH_DATABASE_URL")
    redis_url: str | None = None
    jwt_private_key_file: Path | None = None
    allow_registration: bool = True

    @property
    def private_key_path(self) -> Path:
        return self.jwt_private_key_file or self.keys_dir / "jwt-private.pem"

    @model_validator(mode="after")
    def _production_needs_redis_and_key(self) -> AuthSettings:
        if self.env == "production" and (self.redis_url is None or self.jwt_private_key_file is None):
            raise ValueError(
                "PINGCRM_REDIS_URL and PINGCRM_JWT_PRIVATE_KEY_FILE must be set when PINGCRM_ENV=production"
            )
        return self

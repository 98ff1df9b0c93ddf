"""Settings shared by every process, read from `PINGCRM_*` environment variables.

Each process has exactly one settings class: every service subclasses
`ServiceSettings` in its own `<service>/settings.py` (adding its port,
database override and peers), the edge has `edge.settings.EdgeSettings`.
Nothing service-specific lives here. Every variable is listed in the README.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

Environment = Literal["development", "production"]


class CommonSettings(BaseSettings):
    """What every PingCRM process reads."""

    model_config = SettingsConfigDict(env_prefix="PINGCRM_", extra="ignore", validate_by_name=True)

    env: Environment = "development"
    data_dir: Path = Path("var")
    log_level: str = "INFO"
    jwt_public_key_file: Path | None = None

    @property
    def keys_dir(self) -> Path:
        return self.data_dir / "keys"

    @property
    def public_key_path(self) -> Path:
        return self.jwt_public_key_file or self.keys_dir / "jwt-public.pem"

    @model_validator(mode="after")
    def _production_needs_explicit_keys(self) -> CommonSettings:
        if self.env == "production" and self.jwt_public_key_file is None:
            raise ValueError("PINGCRM_JWT_PUBLIC_KEY_FILE must be set when PINGCRM_ENV=production")
        return self


class ServiceSettings(CommonSettings):
    """What every gRPC service reads; subclasses name the service and its port."""

    service_name: str = ""
    grpc_host: str = "127.0.0.1"
    database_url: str | None = None
    shutdown_grace_seconds: float = 5.0
    grpc_max_connection_age_seconds: float = Field(default=300.0, gt=0)
    auto_migrate: bool | None = None
    # Overridden in subclasses through PINGCRM_<SERVICE>_* aliases.
    port: int = 0
    metrics_port: int | None = None
    service_database_url: str | None = None
    # Service tokens (pingcrm_common.service_tokens): every service verifies them with the
    # public key; only services that call others in the background need the private key.
    service_public_key_file: Path | None = None
    service_private_key_file: Path | None = None

    @property
    def service_public_key_path(self) -> Path:
        return self.service_public_key_file or self.keys_dir / "service-public.pem"

    @property
    def service_private_key_path(self) -> Path:
        return self.service_private_key_file or self.keys_dir / "service-private.pem"

    @property
    def resolved_database_url(self) -> str:
        """The service's own database: its override, the shared URL, or a SQLite file."""
        url = self.service_database_url or self.database_url
        if url:
            return url
        return f"sqlite+aiosqlite:///{(self.data_dir / f'{self.service_name}.db').resolve()}"

    @property
    def migrate_on_start(self) -> bool:
        """Embedded (development) mode migrates on start; production runs `pingcrm migrate`."""
        return self.auto_migrate if self.auto_migrate is not None else self.env == "development"

    @model_validator(mode="after")
    def _production_needs_a_server_database_and_keys(self) -> ServiceSettings:
        if self.env == "production" and self.resolved_database_url.startswith("sqlite"):
            raise ValueError(
                f"PINGCRM_DATABASE_URL or PINGCRM_{self.service_name.upper()}_DATABASE_URL "
                "must name a PostgreSQL database when PINGCRM_ENV=production"
            )
        if self.env == "production" and self.service_public_key_file is None:
            raise ValueError("PINGCRM_SERVICE_PUBLIC_KEY_FILE must be set when PINGCRM_ENV=production")
        return self


def describe_settings_error(error: ValidationError) -> str:
    """One line per problem, each naming its environment variable.

    Pydantic's own message quotes the input values, and settings hold
    secrets (a database URL with its password); this names the variables
    only, so a misconfigured process never logs a secret.
    """
    lines = [f"pingcrm: invalid configuration ({error.title}):"]
    for problem in error.errors():
        field = ".".join(str(part) for part in problem["loc"]).upper()
        variable = field if field.startswith("PINGCRM_") or not field else f"PINGCRM_{field}"
        message = problem["msg"].removeprefix("Value error, ")
        lines.append(f"  {variable}: {message}" if variable else f"  {message}")
    return "\n".join(lines)

"""Edge settings (PINGCRM_* environment variables, listed in the README)."""

from __future__ import annotations

from pydantic import Field

from pingcrm_common.settings import CommonSettings


class EdgeSettings(CommonSettings):
    """The REST edge and web app."""

    host: str = Field("127.0.0.1", validation_alias="PINGCRM_EDGE_HOST")
    port: int = Field(8000, validation_alias="PINGCRM_EDGE_PORT")
    public_url: str = "http://127.0.0.1:8000"
    auth_addr: str = "127.0.0.1:50051"
    contacts_addr: str = "127.0.0.1:50052"
    suggestions_addr: str = "127.0.0.1:50053"
    media_addr: str = "127.0.0.1:50054"
    rpc_timeout_seconds: float = 5.0
    readiness_timeout_seconds: float = 1.0
    max_request_bytes: int = 5 * 1024 * 1024

"""Edge settings (PINGCRM_* environment variables, listed in the README)."""

from __future__ import annotations

import ipaddress

from pydantic import Field, field_validator, model_validator

from pingcrm_common.grpc_options import MAX_MESSAGE_BYTES
from pingcrm_common.settings import CommonSettings

# contacts_service's limit on an export file (domain/imports/jobs.py MAX_FILE_BYTES); the edge imports no
# service code, so tests/edge/test_import_http.py proves the two agree.
MAX_IMPORT_BYTES = 200 * 1024 * 1024


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
    # Peers whose X-Forwarded-For is believed (comma-separated addresses or networks). Empty: nobody's, so
    # the client address is the connection's and a made-up header cannot dodge the per-address rate limits.
    trusted_proxies: str = ""

    @property
    def trusted_proxy_list(self) -> list[str]:
        return [item.strip() for item in self.trusted_proxies.split(",") if item.strip()]

    @field_validator("trusted_proxies")
    @classmethod
    def _addresses_or_networks(cls, value: str) -> str:
        for item in (part.strip() for part in value.split(",")):
            if item:
                try:
                    ipaddress.ip_network(item, strict=False)
                except ValueError:
                    raise ValueError(f"{item!r} is not an IP address or network (CIDR)") from None
        return value

    # Contacts → Import: the largest export file (contacts_service refuses more than 200 MiB itself), and the
    # deadline of its upload, which streams to contacts_service in one call and must allow a slow connection.
    max_import_bytes: int = Field(MAX_IMPORT_BYTES, gt=0, le=MAX_IMPORT_BYTES)
    import_upload_timeout_seconds: float = Field(900.0, gt=0)

    @model_validator(mode="after")
    def _bodies_fit_in_one_rpc(self) -> EdgeSettings:
        # A body becomes one RPC; the services would refuse a larger message.
        if not 0 < self.max_request_bytes <= MAX_MESSAGE_BYTES:
            raise ValueError(f"PINGCRM_MAX_REQUEST_BYTES must be between 1 and {MAX_MESSAGE_BYTES}")
        return self

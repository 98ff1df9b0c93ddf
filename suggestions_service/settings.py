"""suggestions_service's settings: the shared service settings plus its own port, database and peers."""

from __future__ import annotations

from pydantic import Field

from pingcrm_common.settings import ServiceSettings


class SuggestionsSettings(ServiceSettings):
    """suggestions_service: follow-ups and AI drafts."""

    service_name: str = "suggestions"
    port: int = Field(50053, validation_alias="PINGCRM_SUGGESTIONS_PORT")
    metrics_port: int | None = Field(9153, validation_alias="PINGCRM_SUGGESTIONS_METRICS_PORT")
    service_database_url: str | None = Field(None, validation_alias="PINGCRM_SUGGESTIONS_DATABASE_URL")
    auth_addr: str = "127.0.0.1:50051"
    contacts_addr: str = "127.0.0.1:50052"

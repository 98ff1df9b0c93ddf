"""contacts_service's settings: the shared service settings plus its own port, database and peers."""

from __future__ import annotations

from pydantic import Field

from pingcrm_common.settings import ServiceSettings


class ContactsSettings(ServiceSettings):
    """contacts_service: contacts, interactions, matching, backfill, CSV import."""

    service_name: str = "contacts"
    port: int = Field(50052, validation_alias="PINGCRM_CONTACTS_PORT")
    metrics_port: int | None = Field(9152, validation_alias="PINGCRM_CONTACTS_METRICS_PORT")
    service_database_url: str | None = Field(None, validation_alias="PINGCRM_CONTACTS_DATABASE_URL")
    auth_addr: str = "127.0.0.1:50051"
    media_addr: str = "127.0.0.1:50054"

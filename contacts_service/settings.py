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
    # An import job's worker renews its lease with every batch; a job whose lease ran out (its process stopped)
    # is resumed by the next worker that looks (domain/imports/jobs.py).
    import_lease_seconds: float = Field(30.0, gt=0)
    import_poll_seconds: float = Field(5.0, gt=0)
    # Photos (domain/photos.py): a claimed job's lease, how often an idle worker looks for due jobs, and how
    # many downloads one process runs at a time.
    photo_lease_seconds: float = Field(60.0, gt=0)
    photo_poll_seconds: float = Field(2.0, gt=0)
    photo_concurrency: int = Field(8, ge=1, le=64)
    # Activity feed retention (domain/activity_retention.py): events every reader has passed are deleted once
    # older than this many days; each process checks at start and then this often.
    activity_retention_days: float = Field(30.0, gt=0)
    activity_retention_check_seconds: float = Field(3600.0, gt=0)

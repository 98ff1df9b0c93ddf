"""media_service's settings: the allowlist and test-only settings as operators write them, and what a
production process refuses (the loopback door, DNS overrides and extra CAs are for tests only)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from media_service.settings import LINKEDIN_PHOTO_HOSTS, MediaSettings

PRODUCTION = {
    "PINGCRM_ENV": "production",
    "PINGCRM_DATABASE_URL": "postgresql+asyncpg://pingcrm@db/pingcrm",
    "PINGCRM_JWT_PUBLIC_KEY_FILE": "/keys/jwt-public.pem",
    "PINGCRM_SERVICE_PUBLIC_KEY_FILE": "/keys/service-public.pem",
}


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    def set_env(**variables: str) -> MediaSettings:
        for name, value in variables.items():
            monkeypatch.setenv(name, value)
        return MediaSettings()

    return set_env


def test_linkedins_photo_hosts_are_allowed_by_default(env) -> None:  # type: ignore[no-untyped-def]
    settings = env()
    assert settings.media_allowed_hosts == list(LINKEDIN_PHOTO_HOSTS)
    assert "media.licdn.com" in settings.media_allowed_hosts
    assert (settings.media_max_bytes, settings.media_fetch_timeout_seconds) == (5_000_000, 8.0)
    assert settings.media_blob_store == "filesystem"


def test_variables_are_read_as_operators_write_them(env) -> None:  # type: ignore[no-untyped-def]
    settings = env(
        PINGCRM_MEDIA_ALLOWED_HOSTS="media.licdn.com, CDN.Example.com:8443",
        PINGCRM_MEDIA_RESOLVE="cdn.test=127.0.0.1,v6.test=::1",
        PINGCRM_MEDIA_S3_SECRET_ACCESS_KEY="s3cr3t",
        PINGCRM_MEDIA_S3_ACCESS_KEY_ID="AKIA",
    )
    assert settings.media_allowed_hosts == ["media.licdn.com", "cdn.example.com:8443"]
    assert settings.media_resolve == {"cdn.test": "127.0.0.1", "v6.test": "::1"}
    assert "s3cr3t" not in repr(settings)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("PINGCRM_MEDIA_ALLOWED_HOSTS", "https://media.licdn.com", "is not a host name or host:port"),
        ("PINGCRM_MEDIA_ALLOWED_HOSTS", "media.licdn.com:99999", "is not a host name or host:port"),
        ("PINGCRM_MEDIA_RESOLVE", "cdn.test=localhost", "cdn.test=localhost does not map a host to an IP address"),
        ("PINGCRM_MEDIA_BLOB_STORE", "s3", "PINGCRM_MEDIA_S3_BUCKET must be set when PINGCRM_MEDIA_BLOB_STORE=s3"),
        (
            "PINGCRM_MEDIA_S3_ACCESS_KEY_ID",
            "AKIA",
            "PINGCRM_MEDIA_S3_ACCESS_KEY_ID and PINGCRM_MEDIA_S3_SECRET_ACCESS_KEY go together",
        ),
        ("PINGCRM_MEDIA_MAX_BYTES", "9000000", "less than or equal to 7000000"),
    ],
)
def test_malformed_settings_are_refused(env, name: str, value: str, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as raised:
        env(**{name: value})
    assert message in str(raised.value)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PINGCRM_MEDIA_ALLOW_PRIVATE", "1"),
        ("PINGCRM_MEDIA_RESOLVE", "media.licdn.com=127.0.0.1"),
        ("PINGCRM_MEDIA_CA_FILE", "/tmp/fake-cdn.pem"),
    ],
)
def test_production_refuses_the_test_only_settings(env, name: str, value: str) -> None:  # type: ignore[no-untyped-def]
    assert env(**PRODUCTION).env == "production"
    with pytest.raises(ValidationError) as raised:
        env(**PRODUCTION, **{name: value})
    assert f"{name} are for tests only and refused when PINGCRM_ENV=production" in str(raised.value)


def test_production_takes_an_s3_bucket(env) -> None:  # type: ignore[no-untyped-def]
    settings = env(**PRODUCTION, PINGCRM_MEDIA_BLOB_STORE="s3", PINGCRM_MEDIA_S3_BUCKET="pingcrm-avatars")
    assert (settings.media_blob_store, settings.media_s3_bucket, settings.media_s3_region) == (
        "s3",
        "pingcrm-avatars",
        "us-east-1",
    )

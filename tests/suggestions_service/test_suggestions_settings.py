"""suggestions_service's settings: a misconfigured drafter or production setup stops the process naming the
variable (never its value: the LLM key is a secret)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from pingcrm_common.settings import describe_settings_error
from suggestions_service.settings import SuggestionsSettings


def _error(monkeypatch: pytest.MonkeyPatch, **env: str) -> str:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError) as raised:
        SuggestionsSettings()
    return describe_settings_error(raised.value)


def test_llm_needs_an_address_and_a_model_and_the_key_is_not_echoed(monkeypatch) -> None:
    message = _error(monkeypatch, PINGCRM_SUGGESTIONS_DRAFTER="llm", PINGCRM_LLM_API_KEY="sk-secret-value")
    assert "PINGCRM_LLM_BASE_URL and PINGCRM_LLM_MODEL must be set when PINGCRM_SUGGESTIONS_DRAFTER=llm" in message
    assert "sk-secret-value" not in message
    assert "must be an http" in _error(
        monkeypatch, PINGCRM_SUGGESTIONS_DRAFTER="embedded", PINGCRM_LLM_BASE_URL="ftp://models.local"
    )
    monkeypatch.delenv("PINGCRM_LLM_BASE_URL")
    assert "PINGCRM_SUGGESTIONS_BUDGET_PER_RUN" in _error(monkeypatch, PINGCRM_SUGGESTIONS_BUDGET_PER_RUN="500")


def test_production_needs_redis(monkeypatch, tmp_path) -> None:
    base = {
        "PINGCRM_ENV": "production",
        "PINGCRM_DATABASE_URL": "postgresql+asyncpg://db/pingcrm",
        "PINGCRM_JWT_PUBLIC_KEY_FILE": str(tmp_path / "jwt.pem"),
        "PINGCRM_SERVICE_PUBLIC_KEY_FILE": str(tmp_path / "service.pem"),
    }
    assert "PINGCRM_REDIS_URL must be set" in _error(monkeypatch, **base)
    monkeypatch.setenv("PINGCRM_REDIS_URL", "redis://redis:6379/0")
    assert SuggestionsSettings().redis_url == "redis://redis:6379/0"
    drafter = SuggestionsSettings(suggestions_drafter="llm", llm_base_url="https://api.openai.com/v1", llm_model="m")
    assert drafter.llm_api_key.get_secret_value() == ""

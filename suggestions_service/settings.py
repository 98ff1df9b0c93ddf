"""suggestions_service's settings: the shared service settings plus its feed, generation and drafters.

Every variable is in the README's configuration table; the thresholds of the
rules are limits in domain/rules.py (docs/suggestions.md).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr, model_validator

from pingcrm_common.settings import ServiceSettings

DrafterKind = Literal["embedded", "llm"]


class SuggestionsSettings(ServiceSettings):
    """suggestions_service: follow-ups and AI drafts."""

    service_name: str = "suggestions"
    port: int = Field(50053, validation_alias="PINGCRM_SUGGESTIONS_PORT")
    metrics_port: int | None = Field(9153, validation_alias="PINGCRM_SUGGESTIONS_METRICS_PORT")
    service_database_url: str | None = Field(None, validation_alias="PINGCRM_SUGGESTIONS_DATABASE_URL")
    auth_addr: str = "127.0.0.1:50051"
    contacts_addr: str = "127.0.0.1:50052"
    redis_url: str | None = None  # the regenerate rate limit's counters; an in-process stand-in without

    # The activity feed consumer (domain/feed.py): how often an idle consumer asks for more, how long a
    # replica holds the consumer's lease without renewing it, the deadline of one ReadActivity.
    suggestions_feed_poll_seconds: float = Field(2.0, gt=0)
    suggestions_lease_seconds: float = Field(30.0, gt=0)
    suggestions_feed_timeout_seconds: float = Field(5.0, gt=0)
    # The periodic generation run (domain/schedule.py): every this many hours, one replica under a lease.
    suggestions_generate_every_hours: float = Field(6.0, gt=0, le=24)
    # At most this many new suggestions per user per generation run.
    suggestions_budget_per_run: int = Field(20, ge=1, le=100)
    # Regenerate: at most this many per user per minute (it may cost LLM money).
    suggestions_regenerate_per_minute: int = Field(10, ge=1)
    # How often each process empties the excerpts no draft reads (domain/excerpt_retention.py); also at start.
    suggestions_excerpt_retention_check_seconds: float = Field(3600.0, gt=0)

    # Drafts: "embedded" (default, no network) or "llm" (an OpenAI-compatible chat-completions API).
    suggestions_drafter: DrafterKind = "embedded"
    llm_base_url: str = ""
    llm_api_key: SecretStr = SecretStr("")
    llm_model: str = ""
    llm_timeout_seconds: float = Field(10.0, gt=0, le=120)

    @model_validator(mode="after")
    def _llm_needs_an_address_and_model(self) -> SuggestionsSettings:
        if self.suggestions_drafter == "llm" and not (self.llm_base_url and self.llm_model):
            raise ValueError(
                "PINGCRM_LLM_BASE_URL and PINGCRM_LLM_MODEL must be set when PINGCRM_SUGGESTIONS_DRAFTER=llm"
            )
        if self.llm_base_url and not self.llm_base_url.startswith(("http://", "https://")):
            raise ValueError("PINGCRM_LLM_BASE_URL must be an http:// or https:// address")
        if self.env == "production" and self.redis_url is None:
            raise ValueError("PINGCRM_REDIS_URL must be set when PINGCRM_ENV=production (the regenerate rate limit)")
        return self

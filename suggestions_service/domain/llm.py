"""The LLM drafter: an OpenAI-compatible chat-completions API (OpenAI, Ollama, vLLM, llama.cpp server …).

It sends the last few messages (each at most PROMPT_EXCERPT characters), the
headline and the reason, waits at most `timeout` seconds, and falls back to
the embedded drafter on a timeout, an error status, an unreachable server or
an answer that is not a usable draft (no text, too long, the previous draft
again). `Drafted.drafter` says which one wrote the message. The API key goes
in the Authorization header only, and is never logged.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol

import httpx

from suggestions_service.domain import drafts
from suggestions_service.domain.drafts import DraftContext

log = logging.getLogger("pingcrm.suggestions.llm")

PROMPT_MESSAGES = 6  # the newest messages a prompt carries
PROMPT_EXCERPT = 300  # characters of each
MAX_TOKENS = 200

SYSTEM_PROMPT = (
    "You draft short LinkedIn follow-up messages for the user. Write one message of at most three sentences, "
    "friendly and specific, in the language of the conversation, in the user's voice. Do not invent facts. "
    "Answer with the message text only."
)


@dataclass(frozen=True)
class Drafted:
    message: str
    drafter: str  # "embedded" or the LLM's model


class Drafter(Protocol):
    async def draft(self, context: DraftContext, variant: int, *, timeout: float | None = None) -> Drafted: ...


class EmbeddedDrafter:
    async def draft(self, context: DraftContext, variant: int, *, timeout: float | None = None) -> Drafted:
        return Drafted(drafts.draft(context, variant), drafts.EMBEDDED)


def prompt(context: DraftContext) -> str:
    lines = [f"Contact: {context.full_name or context.name}"]
    if context.headline:
        lines.append(f"Headline: {context.headline[:200]}")
    if context.title or context.company:
        lines.append(f"Position: {' at '.join(p for p in (context.title, context.company) if p)}")
    lines.append(f"Why follow up now: {context.reason}")
    if context.recent:
        lines.append("Last messages (oldest first):")
        for message in context.recent[-PROMPT_MESSAGES:]:
            who = "Me" if message.from_self else context.name
            lines.append(f"- {who} ({message.sent_at:%Y-%m-%d}): {message.excerpt[:PROMPT_EXCERPT]}")
    if context.previous:
        lines.append(f"Write something different from this earlier draft: {context.previous[:PROMPT_EXCERPT]}")
    return "\n".join(lines)


class LlmDrafter:
    """Drafts through `base_url`/chat/completions; the embedded drafter covers every failure."""

    def __init__(self, base_url: str, api_key: str, model: str, timeout: float, client: httpx.AsyncClient) -> None:
        self._url = base_url.rstrip("/") + "/chat/completions"
        self._headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._model = model
        self._timeout = timeout
        self._client = client
        self._fallback = EmbeddedDrafter()

    async def draft(self, context: DraftContext, variant: int, *, timeout: float | None = None) -> Drafted:
        budget = self._timeout if timeout is None else min(self._timeout, timeout)
        if budget <= 0:
            return await self._fallback.draft(context, variant)
        try:
            response = await self._client.post(
                self._url,
                headers=self._headers,
                timeout=budget,
                json={
                    "model": self._model,
                    "messages": [
                        {"role": "system", "content": SYSTEM_PROMPT},
                        {"role": "user", "content": prompt(context)},
                    ],
                    "max_tokens": MAX_TOKENS,
                    "temperature": 0.7,
                },
            )
            response.raise_for_status()
            text = _text_of(response.json())
        except (httpx.HTTPError, ValueError) as error:
            # The error's class and status only: never the request (its headers hold the key).
            status = error.response.status_code if isinstance(error, httpx.HTTPStatusError) else None
            log.warning(
                "LLM draft failed; the embedded drafter wrote it",
                extra={"error": type(error).__name__, "status": status},
            )
            return await self._fallback.draft(context, variant)
        if text is None or text == context.previous:
            log.warning("LLM answer unusable; the embedded drafter wrote it", extra={"model": self._model})
            return await self._fallback.draft(context, variant)
        return Drafted(text, self._model)


def _text_of(body: object) -> str | None:
    """choices[0].message.content, stripped, when it is a usable draft."""
    try:
        content = body["choices"][0]["message"]["content"]  # type: ignore[index]  # checked by the except below
    except (KeyError, IndexError, TypeError):
        return None
    if not isinstance(content, str):
        return None
    text = content.strip().strip('"').strip()
    if not text or len(text) > drafts.DRAFT_MAX:
        return None
    return text

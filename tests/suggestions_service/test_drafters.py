"""The drafters: the embedded one's context, quoting limit, languages and rotation; the LLM one against a
fake OpenAI-compatible server on loopback — good, slow, failing, malformed and empty answers."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import httpx
import pytest
import uvicorn
from feed_helpers import NOW, days_ago
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from suggestions_service.domain import drafts, rules
from suggestions_service.domain.drafts import DraftContext
from suggestions_service.domain.llm import LlmDrafter
from suggestions_service.domain.records import ContactFacts, RecentMessage, Snapshot
from tests.support.in_loop_server import serve_in_loop

LONG = "I have been thinking about the analytical engine and whether it could compose elaborate music someday"


def context(kind: str = "unanswered", recent: list[RecentMessage] | None = None, **values: Any) -> DraftContext:
    return DraftContext(
        **{
            "first_name": "Ada",
            "full_name": "Ada Lovelace",
            "reason_kind": kind,
            "reason": "Unanswered for 4 days",
            "now": NOW,
            "title": "Analyst",
            "company": "Babbage & Co",
            "headline": "Poetical science",
            "recent": recent if recent is not None else [RecentMessage(False, days_ago(4), LONG)],
            **values,
        }
    )


def test_embedded_drafts_use_name_context_and_quote_at_most_a_short_fragment() -> None:
    texts = [drafts.draft(context(), variant) for variant in range(4)]
    assert len(set(texts)) == 4  # four phrasings of "unanswered"
    assert all(text.startswith(("Hi Ada", "Hey Ada")) for text in texts)
    quoted = [text for text in texts if "analytical engine" in text]
    assert quoted, texts
    for text in quoted:
        fragment = text.split('"')[1]
        assert len(fragment) <= drafts.FRAGMENT_MAX + 1 and fragment.endswith("…")
        assert LONG not in text
    assert "4 days ago" in drafts.draft(context(), 1)
    congratulate = drafts.draft(context("job_change", reason="New role: Analyst at Babbage & Co"), 0)
    assert congratulate.startswith("Congratulations on the new role as Analyst at Babbage & Co, Ada!")
    # Without messages, phrasings that quote are skipped rather than filled with nothing.
    quiet = [drafts.draft(context("new_connection", recent=[]), v) for v in range(4)]
    assert all("{" not in text and '""' not in text for text in quiet)


def test_a_draft_counts_the_days_as_its_reason_does() -> None:
    sent = NOW - timedelta(days=3, hours=15)  # 3.6 days: the reason rounds it to 4
    facts = ContactFacts(
        user_id="u", contact_id="c", snapshot=Snapshot(), message_count=1, first_message_at=sent,
        last_message_at=sent, last_inbound_at=sent,
    )
    due = rules.unanswered(facts, NOW, rules.Thresholds())
    assert due is not None and due.reason == "Unanswered for 4 days"
    text = drafts.draft(context(reason=due.reason, recent=[RecentMessage(False, sent, "Shall we meet on Friday")]), 1)
    assert text.startswith('Hi Ada! Getting back to your message from 4 days ago ("Shall we meet on Friday").')


def test_a_quote_ending_a_sentence_is_not_followed_by_a_second_full_stop() -> None:
    for ending, quoted in (
        (".", '"Sounds good"'),
        ("...", '"Sounds good"'),
        ("?", '"Sounds good?"'),
        ("!", '"Sounds good!"'),
    ):
        recent = [RecentMessage(False, days_ago(4), "Sounds good" + ending)]
        texts = [drafts.draft(context(recent=recent), variant) for variant in range(4)]
        quoting = [text for text in texts if "Sounds good" in text]
        assert len(quoting) == 3, texts
        assert all(quoted in text and ".\"." not in text and '.")' not in text for text in quoting), quoting
        # A quoted question ends its sentence: no full stop after it ('"Sounds good?". Happy' reads as a typo).
        assert all('?".' not in text and '!".' not in text for text in quoting), quoting
    bare = [RecentMessage(False, days_ago(4), "...")]  # nothing left to quote: those phrasings are skipped
    assert all('""' not in drafts.draft(context(recent=bare), variant) for variant in range(4))


def test_a_non_english_conversation_gets_a_short_draft_in_its_language_or_a_neutral_one() -> None:
    spanish = [
        RecentMessage(False, days_ago(4), "Hola, gracias por la invitación, me encantaría hablar de la propuesta")
    ]
    assert drafts.language(spanish) == "es"
    assert drafts.draft(context(recent=spanish), 0) == "Hola Ada, ¿qué tal todo?"
    russian = [RecentMessage(False, days_ago(4), "Привет! Спасибо за сообщение, давай созвонимся на следующей неделе")]
    assert drafts.language(russian) is None
    assert drafts.draft(context(recent=russian), 0) == "Hi Ada 👋"
    english = [RecentMessage(False, days_ago(4), "Thanks for the intro, would love to chat")]
    assert drafts.language(english) == "en"


def test_a_message_that_is_only_a_link_gets_an_english_draft_not_a_portuguese_one() -> None:
    """A link names no language (the "com" of a .com is a Portuguese word); too few words left means English."""
    for link in ("https://calendly.com/ada-lovelace/30min", "www.example.com/deck", "ada@example.com"):
        recent = [RecentMessage(False, days_ago(4), link)]
        assert drafts.language(recent) == "en", link
        assert drafts.draft(context(recent=recent), 0).startswith("Hi Ada, sorry for the slow reply to"), link


def test_a_name_typed_in_capitals_is_greeted_as_a_person_writes_it() -> None:
    names = (("JANE", "Jane"), ("JEAN-LUC", "Jean-Luc"), ("ÉLODIE", "Élodie"), ("AJ", "AJ"), ("王小明", "王小明"))
    for first_name, greeted in names:
        assert drafts.draft(context(first_name=first_name), 0).startswith(f"Hi {greeted}, "), first_name


def test_a_redraft_never_repeats_the_previous_draft() -> None:
    previous = drafts.draft(context(), 0)
    for variant in range(10):
        assert drafts.draft(context(previous=previous), variant) != previous


@dataclass
class FakeLlm:
    """An OpenAI-compatible chat-completions endpoint whose behaviour the test sets."""

    mode: str = "good"
    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)

    async def completions(self, request: Request) -> Response:
        self.requests.append(await request.json())
        self.headers.append(dict(request.headers))
        if self.mode == "slow":
            await asyncio.sleep(3)
        if self.mode == "failing":
            return PlainTextResponse("overloaded", status_code=503)
        if self.mode == "not_json":
            return PlainTextResponse("<html>oops</html>")
        if self.mode == "no_choices":
            return JSONResponse({"id": "x", "choices": []})
        if self.mode == "empty":
            return JSONResponse({"choices": [{"message": {"role": "assistant", "content": "   "}}]})
        if self.mode == "too_long":
            return JSONResponse({"choices": [{"message": {"role": "assistant", "content": "x" * 5000}}]})
        return JSONResponse(
            {"choices": [{"message": {"role": "assistant", "content": ' "Hi Ada, loved your engine notes!" '}}]}
        )


@pytest.fixture
async def fake_llm() -> AsyncIterator[tuple[FakeLlm, str]]:
    fake = FakeLlm()
    app = Starlette(routes=[Route("/v1/chat/completions", fake.completions, methods=["POST"])])
    server, task, port = await serve_in_loop(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    yield fake, f"http://127.0.0.1:{port}/v1"
    server.should_exit = True
    await task


SECRET = "sk-test-do-not-log-0123456789"


async def test_the_llm_drafts_with_the_conversation_and_says_so(fake_llm, caplog) -> None:
    fake, url = fake_llm
    async with httpx.AsyncClient() as http:
        drafter = LlmDrafter(url, SECRET, "llama3.1:8b", 2.0, http)
        drafted = await drafter.draft(context(), 0)
    assert (drafted.message, drafted.drafter) == ("Hi Ada, loved your engine notes!", "llama3.1:8b")
    [body] = fake.requests
    assert body["model"] == "llama3.1:8b"
    prompt = body["messages"][1]["content"]
    assert "Poetical science" in prompt and "Unanswered for 4 days" in prompt and "analytical engine" in prompt
    assert fake.headers[0]["authorization"] == f"Bearer {SECRET}"


@pytest.mark.parametrize("mode", ["slow", "failing", "not_json", "no_choices", "empty", "too_long"])
async def test_every_llm_failure_falls_back_to_the_embedded_drafter(fake_llm, caplog, mode: str) -> None:
    fake, url = fake_llm
    fake.mode = mode
    caplog.set_level(logging.DEBUG)
    async with httpx.AsyncClient() as http:
        drafter = LlmDrafter(url, SECRET, "gpt-4o-mini", 0.5, http)
        started = asyncio.get_running_loop().time()
        drafted = await drafter.draft(context(), 2)
        took = asyncio.get_running_loop().time() - started
    assert (drafted.message, drafted.drafter) == (drafts.draft(context(), 2), "embedded")
    assert took < 1.5  # the timeout (0.5 s) bounds a slow server
    warned = [r for r in caplog.records if r.name == "pingcrm.suggestions.llm" and r.levelno == logging.WARNING]
    assert len(warned) == 1
    assert all(SECRET not in str(record.__dict__) for record in caplog.records)  # message and extras


async def test_an_unreachable_llm_and_a_spent_deadline_fall_back_too(caplog) -> None:
    async with httpx.AsyncClient() as http:
        drafter = LlmDrafter("http://127.0.0.1:9/v1", SECRET, "m", 1.0, http)
        assert (await drafter.draft(context(), 0)).drafter == "embedded"
        assert (await drafter.draft(context(), 0, timeout=0)).drafter == "embedded"  # no time left: no call
    assert all(SECRET not in str(record.__dict__) for record in caplog.records)

"""The embedded drafter: deterministic, context-aware follow-up messages without any network.

A draft uses the contact's first name, a short fragment of the last message
(never more than FRAGMENT_MAX characters, cut at a word), how long ago it was,
the contact's title/company/headline and the reason. `variant` picks the
phrasing (Regenerate counts it up, so each redraft reads differently). When
the conversation is not in English, the draft is a short greeting in its
language when it is one of GREETINGS, otherwise a neutral short line: a
template in the wrong language would read worse than none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from suggestions_service.domain.records import RecentMessage
from suggestions_service.domain.rules import whole_days

EMBEDDED = "embedded"
FRAGMENT_MAX = 60  # characters of the last message a draft may quote
DRAFT_MAX = 1000  # characters of any draft, the LLM's included

# A few of each language's most frequent words: enough to tell a conversation's language apart.
_STOPWORDS = {
    "en": {
        "the",
        "and",
        "you",
        "to",
        "is",
        "it",
        "for",
        "that",
        "of",
        "with",
        "are",
        "we",
        "this",
        "be",
        "have",
        "on",
        "in",
        "i",
        "my",
        "your",
        "thanks",
        "hi",
        "would",
        "what",
        "how",
    },
    "es": {
        "el",
        "la",
        "que",
        "de",
        "y",
        "en",
        "los",
        "las",
        "por",
        "para",
        "con",
        "una",
        "un",
        "es",
        "hola",
        "gracias",
        "pero",
        "como",
        "muy",
        "tu",
        "del",
    },
    "fr": {
        "le",
        "la",
        "les",
        "et",
        "est",
        "je",
        "tu",
        "vous",
        "pour",
        "pas",
        "que",
        "une",
        "un",
        "des",
        "bonjour",
        "merci",
        "avec",
        "dans",
        "sur",
        "nous",
    },
    "de": {
        "der",
        "die",
        "das",
        "und",
        "ist",
        "ich",
        "du",
        "sie",
        "nicht",
        "mit",
        "für",
        "ein",
        "eine",
        "auf",
        "danke",
        "hallo",
        "wir",
        "zu",
        "den",
        "es",
    },
    "pt": {
        "o",
        "a",
        "os",
        "as",
        "que",
        "de",
        "e",
        "não",
        "para",
        "com",
        "uma",
        "um",
        "obrigado",
        "obrigada",
        "olá",
        "você",
        "em",
        "do",
        "da",
    },
}
_GREETINGS = {
    "es": ["Hola {name}, ¿qué tal todo?", "¡Hola {name}! ¿Cómo va todo?", "Hola {name}, ¿cómo estás?"],
    "fr": [
        "Bonjour {name}, comment ça va ?",
        "Salut {name}, quoi de neuf ?",
        "Bonjour {name}, j'espère que tout va bien !",
    ],
    "de": ["Hallo {name}, wie geht's?", "Hallo {name}, was gibt's Neues?", "Hi {name}, ich hoffe, es geht dir gut!"],
    "pt": ["Olá {name}, tudo bem?", "Oi {name}, como vão as coisas?", "Olá {name}, espero que esteja tudo bem!"],
}
_NEUTRAL = ["Hi {name} 👋", "{name} 👋", "Hi {name} 🙂"]
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_LINK = re.compile(r"\S*://\S*|\bwww\.\S+|\S+@\S+")


@dataclass(frozen=True)
class DraftContext:
    """What a drafter may use."""

    first_name: str
    full_name: str
    reason_kind: str
    reason: str
    now: datetime
    title: str = ""
    company: str = ""
    headline: str = ""
    recent: list[RecentMessage] = field(default_factory=list)
    previous: str = ""  # the draft being replaced, which a redraft must not repeat

    @property
    def name(self) -> str:
        name = self.first_name or (self.full_name.split()[0] if self.full_name.split() else "there")
        # A name typed in capitals ("JANE DOE") is greeted as a person writes it: "Hi Jane". Initials ("AJ") and
        # names in scripts without case stay as they are.
        return name.title() if name.isupper() and len(name) > 2 else name


def language(messages: list[RecentMessage]) -> str | None:
    """The conversation's language among _STOPWORDS ("en", "es", …), or None when it cannot tell.

    Inbound messages count first (they are the contact's language); with too few words, English is assumed.
    """
    text = " ".join(m.excerpt for m in messages if not m.from_self) or " ".join(m.excerpt for m in messages)
    # Links and addresses are no language: the "com" of every .com is a Portuguese word.
    text = _LINK.sub(" ", text)
    words = [word.lower() for word in _WORD.findall(text)]
    if len(words) < 3:
        return "en"
    scores = {lang: sum(word in stops for word in words) for lang, stops in _STOPWORDS.items()}
    best = max(scores, key=lambda lang: scores[lang])
    if scores[best] == 0:
        # Letters outside Latin (Cyrillic, CJK, Arabic …) or no known word: another language.
        return None if any(ord(ch) > 0x24F for ch in text) or len(words) >= 6 else "en"
    return best


def fragment(text: str, limit: int = FRAGMENT_MAX) -> str:
    """At most `limit` characters of `text`, cut at a word boundary, with an ellipsis when cut."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit].rsplit(" ", 1)[0] if " " in flat[:limit] else flat[:limit]
    return cut.rstrip(".,;:!?") + "…"


def _since(then: datetime, now: datetime) -> str:
    days = max(0, whole_days(now - then))  # counted as the reason counts them
    if days == 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days < 14:
        return f"{days} days ago"
    if days < 60:
        return f"{days // 7} weeks ago"
    return f"{days // 30} months ago"


def _role(context: DraftContext) -> str:
    if context.title and context.company:
        return f"{context.title} at {context.company}"
    return context.title or context.company or fragment(context.headline, 60)


# Phrasings per reason; {name}, {quote}, {since}, {role} are filled in. Each needs its inputs, so a
# phrasing whose input is missing is skipped.
_PHRASINGS: dict[str, list[str]] = {
    "unanswered": [
        'Hi {name}, sorry for the slow reply to "{quote}". Happy to pick this up — does this week work?',
        'Hi {name}! Getting back to your message from {since} ("{quote}"). Thanks for your patience!',
        "Hi {name}, thanks for your note {since}, and apologies for the delay. How are things on your side?",
        'Hey {name}, I owe you a reply on "{quote}" — thanks for waiting. Let me know if it is still relevant.',
    ],
    "going_quiet": [
        "Hi {name}, it has been a while since we last talked ({since}). How are things{at_role}?",
        'Hi {name}! I was thinking about our last exchange ("{quote}"). How have you been?',
        "Hey {name}, just checking in — what are you working on these days{at_role}?",
        "Hi {name}, long time no talk! Would you be up for a quick catch-up sometime soon?",
    ],
    "job_change": [
        "Congratulations on the new role{as_role}, {name}! Exciting news — how are the first weeks going?",
        "Hi {name}, I just saw the news{about_role}. Congrats, well deserved!",
        "Congrats {name}! The new position{as_role} sounds great. Wishing you a great start.",
        "Hi {name}, congratulations on your move{about_role}! Would love to hear what drew you to it.",
    ],
    "new_connection": [
        "Hi {name}, thanks for connecting! I'd love to hear what you are working on{at_role}.",
        "Hi {name}, great to be connected. What are you focused on these days?",
        "Hi {name}! We connected a while ago but never talked — how are things{at_role}?",
        "Hey {name}, glad we are connected. Always happy to swap notes if useful.",
    ],
}


def _quote(text: str) -> str | None:
    """What a draft quotes of `text`, None when nothing. Without a closing full stop (or comma …): every
    phrasing punctuates after the quote, and '"Sounds good.".' reads as a typo; ? and ! stay (_fill then drops
    the full stop after the quote instead)."""
    return fragment(text).rstrip(".,;:") or None


# A quoted question or exclamation ends the sentence itself: '"Any news?". Happy to …' reads as a typo.
_STOP_AFTER_QUOTED_END = re.compile(r'([?!…]")\.')


def _fill(template: str, context: DraftContext) -> str | None:
    last = context.recent[-1] if context.recent else None
    inbound = next((m for m in reversed(context.recent) if not m.from_self), None)
    quoted = inbound or last
    role = _role(context)
    values = {
        "name": context.name,
        "quote": _quote(quoted.excerpt) if quoted else None,
        "since": _since(last.sent_at, context.now) if last else None,
        "at_role": f" at {context.company}" if context.company else "",
        "as_role": f" as {role}" if role else "",
        "about_role": f" about {role}" if role else "",
    }
    needed = re.findall(r"{(\w+)}", template)
    if any(values[name] is None for name in needed):
        return None
    return _STOP_AFTER_QUOTED_END.sub(r"\1", template.format(**values))


def draft(context: DraftContext, variant: int) -> str:
    """The draft for `context` in phrasing `variant` (any integer; it wraps around), never `previous`."""
    lang = language(context.recent)
    if lang == "en":
        options = [
            text
            for template in _PHRASINGS.get(context.reason_kind, _PHRASINGS["going_quiet"])
            if (text := _fill(template, context)) is not None
        ]
    else:
        options = [template.format(name=context.name) for template in _GREETINGS.get(lang or "", _NEUTRAL)]
    distinct = [text for text in options if text != context.previous] or options
    return distinct[variant % len(distinct)][:DRAFT_MAX]

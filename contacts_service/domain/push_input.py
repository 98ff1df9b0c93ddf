"""A LinkedIn push as the servicer hands it over, and its per-item validation.

Whole-push limits refuse the push (limits.py). Within them, each malformed
item is skipped and reported with its path (`conversations[3].messages[0]`,
`conversations[2].partner`) while the rest is stored: one odd message from
LinkedIn must not cost the user a whole sync. All per-item rules live here,
so the reasons and paths are the same whether the push came through the
edge or straight over gRPC.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from contacts_service.domain import limits
from contacts_service.domain.linkedin_identity import InvalidIdentity, full_name, given_name, normalize
from contacts_service.domain.matching import Partner
from contacts_service.domain.message_key import thread_id_of

MAX_URN = 300
MAX_FULL_NAME = 300
MAX_HEADLINE = 500
MAX_PROFILE_URL = 500
# LinkedIn opened in May 2003: anything earlier is a unit mistake (seconds sent as milliseconds).
EARLIEST_MESSAGE = datetime(2003, 1, 1, tzinfo=UTC)
# Message times come from LinkedIn's clock; a day of slack, but a time far ahead would pin "last message" forever.
FUTURE_SLACK = timedelta(days=1)
TIME_FORMATS = "epoch milliseconds or an RFC 3339 time with an offset"


def _clean(text: str) -> str:
    """Without NUL characters, which PostgreSQL cannot store in text (and nobody can see)."""
    return text.replace("\x00", "") if "\x00" in text else text


@dataclass(frozen=True)
class PartnerInput:
    member_id: str
    slug: str
    first_name: str
    last_name: str
    headline: str
    profile_url: str


@dataclass(frozen=True)
class MessageInput:
    urn: str
    from_self: bool
    text: str
    sent_at: datetime | None  # None: missing or not a time


@dataclass(frozen=True)
class ConversationInput:
    urn: str
    partner: PartnerInput | None
    messages: list[MessageInput]
    # What the extension learned about older messages (docs/linkedin-sync.md §2); None: nothing.
    first_message_at: datetime | None = None
    older_missing_after: datetime | None = None


@dataclass(frozen=True)
class PositionInput:
    title: str
    company: str
    current: bool


@dataclass(frozen=True)
class ProfileInput:
    member_id: str
    slug: str
    profile_url: str
    first_name: str
    last_name: str
    headline: str
    location: str
    positions: list[PositionInput]  # the extension sends current ones first, the most recent start first
    photo_urls: list[str]  # largest first


@dataclass(frozen=True)
class IdentityInput:
    member_id: str
    slug: str


@dataclass(frozen=True)
class PushInput:
    conversations: list[ConversationInput]
    profiles: list[ProfileInput] = field(default_factory=list)
    # Profiles the extension was asked for that LinkedIn no longer has (404, account closed).
    profiles_gone: list[IdentityInput] = field(default_factory=list)


@dataclass(frozen=True)
class Rejected:
    path: str
    reason: str


@dataclass(frozen=True)
class ValidMessage:
    urn: str
    from_self: bool
    text: str
    sent_at: datetime


@dataclass(frozen=True)
class ValidConversation:
    urn: str  # '' when it has none: its history is then not tracked
    partner: Partner
    messages: list[ValidMessage]
    first_message_at: datetime | None
    older_missing_after: datetime | None
    thread_id: str | None = None  # the `2-…` id both Voyager and the export know (domain/message_key.py)


def validate(push: PushInput, now: datetime) -> tuple[list[ValidConversation], list[Rejected]]:
    """Refuse a push beyond the limits; otherwise split it into what to store and what to report."""
    limits.check_push_size([[m.text for m in c.messages] for c in push.conversations], len(push.profiles))
    valid: list[ValidConversation] = []
    rejected: list[Rejected] = []
    for c, conversation in enumerate(push.conversations):
        path = f"conversations[{c}]"
        try:
            partner = _partner(conversation.partner)
        except InvalidIdentity as error:
            skipped = len(conversation.messages)
            rejected.append(
                Rejected(f"{path}.partner", f"{error}; the conversation's {skipped} message(s) were skipped")
            )
            continue
        messages = []
        for m, message in enumerate(conversation.messages):
            checked = _message(message, now)
            if isinstance(checked, str):
                rejected.append(Rejected(f"{path}.messages[{m}]", checked))
            else:
                messages.append(checked)
        urn = _clean(conversation.urn).strip()
        if len(urn) > MAX_URN:
            reason = f"urn is longer than {MAX_URN} characters; its history is not kept"
            rejected.append(Rejected(f"{path}.urn", reason))
            urn = ""
        hints: dict[str, datetime | None] = {}
        for name in ("first_message_at", "older_missing_after"):
            value: datetime | None = getattr(conversation, name)
            problem = _time_problem(name, value, now) if value is not None else None
            if problem is not None:
                rejected.append(Rejected(f"{path}.{name}", f"{problem}; it was ignored"))
            hints[name] = None if problem else value
        valid.append(ValidConversation(urn, partner, messages, **hints, thread_id=thread_id_of(urn)))
    return valid, rejected


def _partner(partner: PartnerInput | None) -> Partner:
    if partner is None:
        raise InvalidIdentity("conversation has no partner")
    identity = normalize(partner.member_id, partner.slug)
    first, last = _clean(partner.first_name), _clean(partner.last_name)
    return Partner(
        identity=identity,
        full_name=full_name(first, last)[:MAX_FULL_NAME],
        given_name=given_name(first, last),
        headline=_clean(partner.headline).strip()[:MAX_HEADLINE],
        profile_url=_linkedin_url(_clean(partner.profile_url)),
    )


def _linkedin_url(url: str) -> str:
    """The profile address when it is an https address on linkedin.com; the web app links to it."""
    url = url.strip()
    if not url or len(url) > MAX_PROFILE_URL:
        return ""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme != "https" or not (host == "linkedin.com" or host.endswith(".linkedin.com")):
        return ""
    return url


def _message(message: MessageInput, now: datetime) -> ValidMessage | str:
    """The message ready to store, or why it cannot be."""
    urn = _clean(message.urn).strip()
    if not urn:
        return "message has no urn"
    if len(urn) > MAX_URN:
        return f"urn is longer than {MAX_URN} characters"
    if message.sent_at is None:
        return f"sent_at is missing or not a time; send {TIME_FORMATS}"
    problem = _time_problem("sent_at", message.sent_at, now)
    if problem is not None:
        return problem
    return ValidMessage(urn, message.from_self, _clean(message.text), message.sent_at)


def _time_problem(name: str, value: datetime, now: datetime) -> str | None:
    """Why a LinkedIn time cannot be right, or None."""
    if value < EARLIEST_MESSAGE:
        return f"{name} {value.isoformat()} is before LinkedIn existed; was it sent in seconds instead of milliseconds?"
    if value > now + FUTURE_SLACK:
        return f"{name} {value.isoformat()} is more than a day in the future"
    return None

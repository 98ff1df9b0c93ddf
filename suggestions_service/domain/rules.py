"""Who is due a follow-up, and why: pure functions of a contact's facts, its past suggestions and `now`.

The thresholds are limits users notice; docs/suggestions.md lists them. One
contact gets at most one open suggestion, from the first rule that applies,
in this order: a job change, an unanswered message, a relationship going
quiet, an imported connection never messaged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from suggestions_service.domain.records import ContactFacts, History

JOB_CHANGE = "job_change"
UNANSWERED = "unanswered"
GOING_QUIET = "going_quiet"
NEW_CONNECTION = "new_connection"
KINDS = (JOB_CHANGE, UNANSWERED, GOING_QUIET, NEW_CONNECTION)


@dataclass(frozen=True)
class Thresholds:
    # An inbound message with no reply after it is due after this long …
    unanswered_after: timedelta = timedelta(days=3)
    # … and no longer than this: older silence is the going-quiet rule's.
    unanswered_until: timedelta = timedelta(days=60)
    # Going quiet needs this many messages to know the contact's rhythm (average gap between messages) …
    quiet_min_messages: int = 4
    # … is due after the rhythm times this factor, bounded below and above …
    quiet_factor: float = 3.0
    quiet_at_least: timedelta = timedelta(days=14)
    quiet_at_most: timedelta = timedelta(days=180)
    # … and not for relationships silent for longer than this (they ended).
    quiet_until: timedelta = timedelta(days=730)
    # A job change is worth congratulating for this long, unless a message was sent since.
    job_change_within: timedelta = timedelta(days=30)
    # An imported connection never messaged is suggested when connected within this long (or on an unknown day).
    connection_within: timedelta = timedelta(days=365)
    # After the user dismisses a contact's suggestion, that contact gets none for this long …
    dismissed_cooldown: timedelta = timedelta(days=30)
    # … and after one is marked sent, for this long (the feed may not have brought the message yet).
    sent_cooldown: timedelta = timedelta(days=7)


@dataclass(frozen=True)
class Due:
    kind: str
    reason: str


def whole_days(span: timedelta) -> int:
    """A span in days, rounded: the one count both a suggestion's reason and its draft say ("4 days")."""
    return round(span.total_seconds() / 86_400)


def days(span: timedelta) -> int:
    """As whole_days, at least 1 (a reason never says "0 days")."""
    return max(1, whole_days(span))


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def job_change(facts: ContactFacts, now: datetime, limits: Thresholds) -> Due | None:
    changed = facts.job_changed_at
    if changed is None or now - changed > limits.job_change_within:
        return None
    if facts.last_outbound_at is not None and facts.last_outbound_at >= changed:
        return None
    role = " at ".join(part for part in (facts.job_title, facts.job_company) if part)
    return Due(JOB_CHANGE, f"New role: {role}" if role else "Changed jobs")


def unanswered(facts: ContactFacts, now: datetime, limits: Thresholds) -> Due | None:
    inbound = facts.last_inbound_at
    if inbound is None or (facts.last_outbound_at is not None and facts.last_outbound_at >= inbound):
        return None
    waiting = now - inbound
    if not limits.unanswered_after <= waiting <= limits.unanswered_until:
        return None
    return Due(UNANSWERED, f"Unanswered for {_plural(days(waiting), 'day')}")


def quiet_after(facts: ContactFacts, limits: Thresholds) -> timedelta | None:
    """How long a silence is unusual for this contact: its rhythm × factor, within bounds."""
    if facts.message_count < limits.quiet_min_messages or facts.first_message_at is None:
        return None
    if facts.last_message_at is None:
        return None
    rhythm = (facts.last_message_at - facts.first_message_at) / (facts.message_count - 1)
    return min(max(rhythm * limits.quiet_factor, limits.quiet_at_least), limits.quiet_at_most)


def going_quiet(facts: ContactFacts, now: datetime, limits: Thresholds) -> Due | None:
    threshold = quiet_after(facts, limits)
    if threshold is None or facts.last_message_at is None:
        return None
    silence = now - facts.last_message_at
    if not threshold <= silence <= limits.quiet_until:
        return None
    usual = days(threshold / limits.quiet_factor)
    return Due(
        GOING_QUIET,
        f"No messages in {_plural(days(silence), 'day')} (you usually talk every {_plural(usual, 'day')})",
    )


def new_connection(facts: ContactFacts, now: datetime, limits: Thresholds) -> Due | None:
    if not facts.connection_imported or facts.message_count > 0:
        return None
    if facts.connected_on is not None and now - facts.connected_on > limits.connection_within:
        return None
    when = f" on {facts.connected_on:%-d %b %Y}" if facts.connected_on else ""
    return Due(NEW_CONNECTION, f"Connected{when}, never messaged")


RULES = (job_change, unanswered, going_quiet, new_connection)


def due(facts: ContactFacts, history: History, now: datetime, limits: Thresholds) -> Due | None:
    """The follow-up `facts` call for at `now`, or None (already one open, cooling down, nothing due)."""
    if history.has_open:
        return None
    if history.last_user_dismissal is not None and now - history.last_user_dismissal < limits.dismissed_cooldown:
        return None
    if history.last_sent is not None and now - history.last_sent < limits.sent_cooldown:
        return None
    for rule in RULES:
        if found := rule(facts, now, limits):
            return found
    return None

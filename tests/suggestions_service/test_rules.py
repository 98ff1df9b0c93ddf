"""The generation rules as pure functions of a contact's facts and `now` (no database, no sleeping)."""

from __future__ import annotations

from datetime import timedelta

from feed_helpers import NOW, days_ago, snapshot

from suggestions_service.domain import rules
from suggestions_service.domain.records import ContactFacts, History

LIMITS = rules.Thresholds()


def facts(**values: object) -> ContactFacts:
    return ContactFacts(user_id="u", contact_id="c", snapshot=snapshot(), **values)  # type: ignore[arg-type]


def talked(first_days_ago: float, last_days_ago: float, count: int, **values: object) -> ContactFacts:
    return facts(
        message_count=count,
        first_message_at=days_ago(first_days_ago),
        last_message_at=days_ago(last_days_ago),
        **values,
    )


def test_unanswered_inbound_is_due_after_3_days_until_60() -> None:
    def inbound(days: float, replied: float | None = None) -> rules.Due | None:
        last_out = days_ago(replied) if replied is not None else None
        return rules.unanswered(facts(last_inbound_at=days_ago(days), last_outbound_at=last_out), NOW, LIMITS)

    assert inbound(2.9) is None
    assert inbound(3) == rules.Due("unanswered", "Unanswered for 3 days")
    assert inbound(60) is not None and inbound(60.5) is None  # older silence is the going-quiet rule's
    assert inbound(10, replied=9) is None  # answered after it
    assert inbound(10, replied=11) is not None  # the reply was before their message


def test_going_quiet_scales_with_the_contacts_own_rhythm_within_bounds() -> None:
    # Every 10 days over 90 days (10 messages): quiet after 30 days.
    weekly = talked(120, 30, 10)
    assert rules.going_quiet(weekly, NOW, LIMITS) == rules.Due(
        "going_quiet", "No messages in 30 days (you usually talk every 10 days)"
    )
    assert rules.going_quiet(talked(119, 29, 10), NOW, LIMITS) is None
    # Daily talk: the lower bound (14 days) applies, not 3 days.
    assert rules.going_quiet(talked(20, 13, 8), NOW, LIMITS) is None
    assert rules.going_quiet(talked(21, 14, 8), NOW, LIMITS) is not None
    # Twice a year: the upper bound (180 days) applies, not 540.
    assert rules.going_quiet(talked(900, 181, 4), NOW, LIMITS) is not None
    assert rules.going_quiet(talked(900, 179, 4), NOW, LIMITS) is None
    # Too few messages to know a rhythm; silence beyond 2 years means the relationship ended.
    assert rules.going_quiet(talked(200, 100, 3), NOW, LIMITS) is None
    assert rules.going_quiet(talked(1500, 731, 10), NOW, LIMITS) is None


def test_job_change_is_congratulated_within_30_days_unless_already_written() -> None:
    changed = facts(job_changed_at=days_ago(5), job_title="CTO", job_company="Analytical Engines")
    assert rules.job_change(changed, NOW, LIMITS) == rules.Due("job_change", "New role: CTO at Analytical Engines")
    assert rules.job_change(facts(job_changed_at=days_ago(31)), NOW, LIMITS) is None
    written = facts(job_changed_at=days_ago(5), last_outbound_at=days_ago(1))
    assert rules.job_change(written, NOW, LIMITS) is None
    assert rules.job_change(facts(job_changed_at=days_ago(5)), NOW, LIMITS) == rules.Due("job_change", "Changed jobs")


def test_imported_connection_never_messaged() -> None:
    assert rules.new_connection(facts(connection_imported=True, connected_on=days_ago(20)), NOW, LIMITS) == rules.Due(
        "new_connection", "Connected on 12 Dec 2025, never messaged"
    )
    assert rules.new_connection(facts(connection_imported=True), NOW, LIMITS) == rules.Due(
        "new_connection", "Connected, never messaged"
    )
    assert rules.new_connection(facts(connection_imported=True, message_count=1), NOW, LIMITS) is None
    assert rules.new_connection(facts(connection_imported=True, connected_on=days_ago(400)), NOW, LIMITS) is None
    assert rules.new_connection(facts(), NOW, LIMITS) is None


def test_one_open_suggestion_cooldowns_and_rule_order() -> None:
    due_now = facts(last_inbound_at=days_ago(5), job_changed_at=days_ago(2), job_title="CTO")
    assert rules.due(due_now, History(), NOW, LIMITS) == rules.Due("job_change", "New role: CTO")
    assert rules.due(due_now, History(has_open=True), NOW, LIMITS) is None
    dismissed = History(last_user_dismissal=NOW - timedelta(days=29))
    assert rules.due(due_now, dismissed, NOW, LIMITS) is None
    assert rules.due(due_now, History(last_user_dismissal=NOW - timedelta(days=30)), NOW, LIMITS) is not None
    assert rules.due(due_now, History(last_sent=NOW - timedelta(days=6)), NOW, LIMITS) is None
    assert rules.due(due_now, History(last_sent=NOW - timedelta(days=7)), NOW, LIMITS) is not None
    assert rules.due(facts(), History(), NOW, LIMITS) is None

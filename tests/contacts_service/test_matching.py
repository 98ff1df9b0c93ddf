"""The matching plan and identity rules, without a database: the cases that are
awkward to set up through pushes (several identities of one person inside a
single batch, swapped slugs)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from contacts_service.domain.linkedin_identity import InvalidIdentity, LinkedInId, normalize
from contacts_service.domain.matching import PROFILE_FIELDS, KnownContact, Partner, plan_matches

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def partner(member_id: str | None = None, slug: str | None = None, name: str = "") -> Partner:
    return Partner(LinkedInId(member_id, slug), full_name=name, headline="", profile_url="")


def known(contact_id: str, member_id: str | None, slug: str | None, age_days: int = 1, **profile: str) -> KnownContact:
    fields = dict.fromkeys(PROFILE_FIELDS, "") | profile
    return KnownContact(contact_id, member_id, slug, NOW - timedelta(days=age_days), fields)


def test_one_batch_can_reveal_that_two_new_partners_are_one_person() -> None:
    plan = plan_matches([partner("ACo1"), partner(slug="jane"), partner("ACo1", "jane", "Jane")], [], NOW)
    assert len(plan.created) == 1
    assert len(set(plan.contact_ids)) == 1
    [jane] = plan.created
    assert (jane.member_id, jane.slug, jane.profile["full_name"]) == ("ACo1", "jane", "Jane")
    assert plan.merges == []  # nothing stored yet, nothing to move


def test_a_stored_contact_absorbs_a_drafted_one_never_the_other_way() -> None:
    stored = known("stored", "ACo1", None, age_days=0)  # created "now" too: age alone would not decide
    plan = plan_matches([partner(slug="jane"), partner("ACo1", "jane")], [stored], NOW)
    assert plan.contact_ids == ["stored", "stored"]
    assert plan.created == []
    assert [(d.id, d.slug) for d in plan.updated] == [("stored", "jane")]


def test_the_older_stored_contact_survives_and_keeps_its_fields() -> None:
    by_member = known("young", "ACo1", None, age_days=1, full_name="J. Doe", company="")
    by_slug = known("old", None, "jane", age_days=9, full_name="Jane Doe", company="ACME", email="j@x.io")
    plan = plan_matches([partner("ACo1", "jane")], [by_member, by_slug], NOW)
    assert plan.merges == [("old", "young")]
    [old] = plan.updated
    assert (old.id, old.member_id, old.slug) == ("old", "ACo1", "jane")
    assert (old.profile["full_name"], old.profile["company"], old.profile["email"]) == ("Jane Doe", "ACME", "j@x.io")
    assert plan.contact_ids == ["old"]


def test_swapped_slugs_are_cleared_before_they_are_set_again() -> None:
    a = known("a", "ACoA", "x")
    b = known("b", "ACoB", "y")
    plan = plan_matches([partner("ACoA", "y"), partner("ACoB", "x")], [a, b], NOW)
    assert sorted(plan.slug_releases) == ["a", "b"]
    assert {d.id: d.slug for d in plan.updated} == {"a": "y", "b": "x"}
    assert plan.created == []


def test_a_slug_owned_by_another_member_is_not_theirs_any_more() -> None:
    plan = plan_matches([partner("ACoB", "x")], [known("a", "ACoA", "x")], NOW)
    assert plan.slug_releases == ["a"]
    assert [(d.member_id, d.slug) for d in plan.created] == [("ACoB", "x")]


def test_unchanged_contacts_are_not_updates() -> None:
    plan = plan_matches([partner("ACoA", "x")], [known("a", "ACoA", "x")], NOW)
    assert (plan.contact_ids, plan.updated, plan.created, plan.slug_releases) == (["a"], [], [], [])


@pytest.mark.parametrize(
    ("member_id", "slug", "expected"),
    [
        ("ACoAAB12_x-Y", "", LinkedInId("ACoAAB12_x-Y", None)),
        ("", "/Jane-Doe/", LinkedInId(None, "jane-doe")),
        ("", "%C3%A9lodie-b", LinkedInId(None, "élodie-b")),
        ("", "ACoAAB12", LinkedInId("ACoAAB12", None)),  # /in/<member id> is a member id
        ("ACoAAB12", "ACoAAB12", LinkedInId("ACoAAB12", None)),
        (" ACoAAB12 ", " jane ", LinkedInId("ACoAAB12", "jane")),
    ],
)
def test_identities_are_normalized(member_id: str, slug: str, expected: LinkedInId) -> None:
    assert normalize(member_id, slug) == expected


@pytest.mark.parametrize(
    ("member_id", "slug", "reason"),
    [
        ("", "", "partner has neither member_id nor slug"),
        ("12345", "jane", "member_id '12345' is not a LinkedIn member id (ACo…)"),
        ("ACo", "", "member_id 'ACo' is not a LinkedIn member id (ACo…)"),
        ("", "jane doe", "slug 'jane doe' is not a LinkedIn profile slug"),
        ("ACoOne", "ACoTwo", "slug 'ACoTwo' is a member id different from member_id 'ACoOne'"),
    ],
)
def test_identities_that_name_nobody_are_refused(member_id: str, slug: str, reason: str) -> None:
    with pytest.raises(InvalidIdentity) as raised:
        normalize(member_id, slug)
    assert str(raised.value) == reason

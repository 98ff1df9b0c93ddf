"""The name a draft greets a contact by (the feed snapshot's first name), without a database: the many ways
people write their name on LinkedIn. tests/contacts_service/test_activity_feed.py shows it through pushes,
profiles, an edit and Connections.csv; tests/edge/test_suggestions_http.py in a draft."""

from __future__ import annotations

import pytest

from contacts_service.domain.activity import greeting_name


@pytest.mark.parametrize(
    ("full_name", "given_name", "greeted"),
    [
        # LinkedIn's first-name field says where a first name of two words ends.
        ("María José García", "María José", "María José"),
        ("Mary Ann Smith", "Mary Ann", "Mary Ann"),
        ("Dr. María José García", "Dr. María José", "María José"),
        ("🚀 Jane Doe 🎉", "🚀 Jane", "Jane"),
        ("JANE DOE", "Jane", "Jane"),
        # A nickname beside the first name is what the person wants to be called.
        ("Robert (Bob) Smith", "Robert (Bob)", "Bob"),
        ("Katherine “Kate” Jones", "Katherine “Kate”", "Kate"),
        ('Katherine "Kate" Jones', "", "Kate"),
        # Parentheses at the end hold a former surname or pronouns, not a name to greet.
        ("Jane Smith (Doe)", "Jane", "Jane"),
        ("Jane Smith (Doe)", "", "Jane"),
        ("Jane Doe (she/her)", "", "Jane"),
        ("Alex (they) Kim", "Alex (they)", "Alex"),
        ("Seán O'Brien", "Seán", "Seán"),
        # The first-name field says nothing when it is the whole name, or when the user renamed the contact.
        ("John Roe", "John Roe", "John"),
        ("Majo García", "María José", "Majo"),
        # Without it: the full name's first word that is a name.
        ("Ana María López", "", "Ana"),
        ("Dr. Jane Doe", "", "Jane"),
        ("Sir", "", "Sir"),
        ("", "", ""),
    ],
)
def test_a_draft_greets_the_name_a_person_goes_by(full_name: str, given_name: str, greeted: str) -> None:
    assert greeting_name(full_name, given_name) == greeted

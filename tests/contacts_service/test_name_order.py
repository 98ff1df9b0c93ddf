"""The "Name" order's key, without a database: letters that Unicode does not decompose, scripts other than
Latin, and names without letters. tests/contacts_service/test_contacts_listing.py lists contacts by it on both
backends."""

from __future__ import annotations

from contacts_service.domain.name_order import name_key


def test_names_sort_as_a_person_reads_them() -> None:
    names = ["Zoë Ngô", "Æsa Berg", "søren kierkegaard", "Straße Anna", "straub", "Đorđe Jovanović", "Иван", "42", ""]
    assert sorted(names, key=name_key) == [
        "Æsa Berg",  # as "aesa"
        "Đorđe Jovanović",  # as "dorde"
        "søren kierkegaard",
        "Straße Anna",  # as "strasse": before "straub"
        "straub",
        "Zoë Ngô",
        "Иван",  # other scripts after Latin, in their own alphabet's order
        "42",  # no letter
        "",  # no name
    ]


def test_a_name_of_any_length_has_a_key_an_index_holds() -> None:
    assert len(name_key("ß" * 300)) == 300  # "ss" for each: cut, not refused

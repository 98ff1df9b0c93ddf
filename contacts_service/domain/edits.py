"""The user's own edits on the contact page (UpdateContact): what may be edited, the limits, and how the edited
fields are kept.

An edited field is marked on the contact (`edited_fields`) and from then on the sync (conversation partners,
profile pushes) and the Connections.csv import leave it alone: the user's word wins over LinkedIn's. There is
no "un-edit" yet; editing a field again just replaces the value.
"""

from __future__ import annotations

from dataclasses import dataclass

from pingcrm_common.errors import InvalidArgument

# The editable fields and their longest value in characters (the stored column's length; notes are free text).
EDITABLE = {"full_name": 300, "title": 300, "company": 300, "notes": 10_000}


def parse(stored: str) -> frozenset[str]:
    """The edited fields as stored (comma-separated names)."""
    return frozenset(name for name in stored.split(",") if name)


def format_fields(fields: frozenset[str]) -> str:
    return ",".join(sorted(fields))


@dataclass(frozen=True)
class Edit:
    """The fields an UpdateContact sets (None: unchanged), checked and trimmed."""

    values: dict[str, str]


def check(values: dict[str, str | None]) -> Edit:
    """The edit as it will be stored, or INVALID_ARGUMENT naming the field and the limit."""
    checked: dict[str, str] = {}
    for name, value in values.items():
        if value is None:
            continue
        value = value.replace("\x00", "")
        value = value if name == "notes" else " ".join(value.split())  # one line, single spaces
        if len(value) > EDITABLE[name]:
            raise InvalidArgument(
                f"{name} has {len(value)} characters, more than the limit of {EDITABLE[name]:,}", code="field_too_long"
            )
        if name == "full_name" and not value:
            raise InvalidArgument("full_name must not be empty", code="name_required")
        checked[name] = value
    if not checked:
        raise InvalidArgument("give at least one of full_name, title, company, notes", code="nothing_to_update")
    return Edit(checked)

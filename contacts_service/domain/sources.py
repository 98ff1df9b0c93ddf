"""Where a contact was seen: a bit set stored with the contact, filterable in the list.

A contact may carry several (a person you messaged and are connected to).
"""

from __future__ import annotations

from enum import IntFlag


class Source(IntFlag):
    LINKEDIN_DM = 1  # the extension's sync of LinkedIn messages
    CONNECTIONS_IMPORT = 2  # a row of Connections.csv
    MESSAGES_IMPORT = 4  # a conversation of messages.csv


# The names the API uses, in the order the web app lists them.
NAMES: dict[Source, str] = {
    Source.LINKEDIN_DM: "linkedin_dm",
    Source.CONNECTIONS_IMPORT: "connections_import",
    Source.MESSAGES_IMPORT: "messages_import",
}


def names(bits: int) -> list[str]:
    return [name for source, name in NAMES.items() if bits & source]

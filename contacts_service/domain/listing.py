"""Listing a user's contacts: the request's rules, the keyset cursor, the page.

Order: last_interaction_at descending with contacts that never interacted
last, ties by id descending (store/contacts.py `page` reads it). Pages are
keyset pages: the cursor is the last row's sort key, opaque to clients
(urlsafe base64 of JSON), so a page is stable while new messages arrive and
costs the same at any depth.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime

from contacts_service.domain import limits
from contacts_service.domain.records import Contact
from pingcrm_common.errors import InvalidArgument

MAX_QUERY = 200


@dataclass(frozen=True)
class Cursor:
    """Where a page ended: the sort key of its last contact."""

    last_interaction_at: datetime | None
    contact_id: str

    def encode(self) -> str:
        at = self.last_interaction_at.isoformat() if self.last_interaction_at else None
        raw = json.dumps({"at": at, "id": self.contact_id}, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str) -> Cursor:
        try:
            data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
            at = data["at"]
            contact_id = data["id"]
            if not isinstance(contact_id, str) or not (at is None or isinstance(at, str)):
                raise ValueError("wrong types")
            if not 0 < len(contact_id) <= 64 or "\x00" in contact_id:
                raise ValueError("not a contact id")
            moment = datetime.fromisoformat(at) if at is not None else None
            if moment is not None and moment.tzinfo is None:
                raise ValueError("naive time")
        except (binascii.Error, UnicodeDecodeError, ValueError, KeyError, TypeError) as error:
            raise InvalidArgument("cursor is not one this API returned", code="invalid_cursor") from error
        return cls(moment, contact_id)


@dataclass(frozen=True)
class PageRequest:
    query: str  # empty: every contact
    size: int
    after: Cursor | None


@dataclass(frozen=True)
class Page:
    contacts: list[Contact]
    next_cursor: str  # empty on the last page


def page_request(query: str, size: int, cursor_token: str) -> PageRequest:
    """The request checked: page size within the limits, search text within its length, a cursor we issued."""
    size = limits.page_size(size)
    query = query.replace("\x00", "").strip()
    if len(query) > MAX_QUERY:
        raise InvalidArgument(f"the search text is limited to {MAX_QUERY} characters", code="query_too_long")
    return PageRequest(query, size, Cursor.decode(cursor_token) if cursor_token else None)


def page_of(contacts: list[Contact], size: int) -> Page:
    """A page from up to size + 1 contacts read: the extra one only tells that another page follows."""
    shown = contacts[:size]
    more = len(contacts) > size
    next_cursor = Cursor(shown[-1].last_interaction_at, shown[-1].id).encode() if more and shown else ""
    return Page(shown, next_cursor)

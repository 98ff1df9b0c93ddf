"""Listing a user's contacts: the request's rules, the three orders, the keyset cursor, the page.

Orders (store/contacts.py reads them, each on an index):
- last interaction: last_interaction_at descending, contacts that never interacted last, ties by id descending;
- name: the name as a person reads it (name_order.py: accents and case folded, emoji and titles before the name
  skipped, contacts without a name last), ties by id ascending;
- quiet longest ("not contacted for longest"): last_interaction_at ascending, contacts that never interacted
  last (they were never contacted, so they are not "quiet": a Connections import of thousands would otherwise
  bury everyone the user did talk to), ties by id ascending.
Pages are keyset pages: the cursor is the sort and the last row's sort key, opaque to clients (urlsafe base64
of JSON), so a page is stable while new messages arrive and costs the same at any depth. A cursor only
continues the order it was issued for.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from contacts_service.domain import limits
from contacts_service.domain.linkedin_identity import InvalidIdentity, LinkedInId, identity_from_url
from contacts_service.domain.records import Contact
from pingcrm_common.errors import InvalidArgument

MAX_QUERY = 200


class Sort(Enum):
    LAST_INTERACTION = "last_interaction"
    NAME = "name"
    QUIET_LONGEST = "quiet_longest"


@dataclass(frozen=True)
class Cursor:
    """Where a page ended: its order and the sort key of its last contact (the time for the activity orders,
    the name key for the name order)."""

    sort: Sort
    last_interaction_at: datetime | None
    name_key: str
    contact_id: str

    @classmethod
    def after(cls, sort: Sort, contact: Contact) -> Cursor:
        return cls(sort, contact.last_interaction_at, contact.name_key if sort is Sort.NAME else "", contact.id)

    def encode(self) -> str:
        data: dict[str, str | None] = {"s": self.sort.value, "id": self.contact_id}
        if self.sort is Sort.NAME:
            data["k"] = self.name_key
        else:
            data["at"] = self.last_interaction_at.isoformat() if self.last_interaction_at else None
        raw = json.dumps(data, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str, sort: Sort) -> Cursor:
        try:
            data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
            # Cursors issued before there were several orders carry none: they are last-interaction cursors.
            if Sort(data.get("s", Sort.LAST_INTERACTION.value)) is not sort:
                raise ValueError("a cursor of another order")
            contact_id = data["id"]
            if not isinstance(contact_id, str) or not 0 < len(contact_id) <= 64 or "\x00" in contact_id:
                raise ValueError("not a contact id")
            if sort is Sort.NAME:
                # "k", not the "n" (a name) of cursors from before the name key: those fail here, as their
                # position cannot be placed among the keys.
                key = data["k"]
                if not isinstance(key, str) or "\x00" in key:
                    raise ValueError("not a name key")
                return cls(sort, None, key, contact_id)
            at = data["at"]
            if not (at is None or isinstance(at, str)):
                raise ValueError("wrong types")
            moment = datetime.fromisoformat(at) if at is not None else None
            if moment is not None and moment.tzinfo is None:
                raise ValueError("naive time")
        except (binascii.Error, UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError) as error:
            raise InvalidArgument("cursor is not one this API returned", code="invalid_cursor") from error
        return cls(sort, moment, "", contact_id)


@dataclass(frozen=True)
class Search:
    """What a listing looks for: text in the name, company, title, headline or email (empty: every contact),
    or, for a LinkedIn profile address pasted in, the contact with its ids."""

    text: str = ""
    profile: LinkedInId | None = None


@dataclass(frozen=True)
class PageRequest:
    search: Search
    size: int
    sort: Sort
    after: Cursor | None


@dataclass(frozen=True)
class Page:
    contacts: list[Contact]
    next_cursor: str  # empty on the last page
    total_count: int  # how many contacts match the query and source, on every page


def page_request(query: str, size: int, cursor_token: str, sort: Sort = Sort.LAST_INTERACTION) -> PageRequest:
    """The request checked: page size within the limits, search text within its length, a cursor we issued
    for this order."""
    size = limits.page_size(size)
    # No NUL (PostgreSQL cannot compare it); whitespace runs as one space (store/contacts.py joins the
    # searched fields with newlines, which a search must not match across).
    query = " ".join(query.replace("\x00", "").split())
    if len(query) > MAX_QUERY:
        raise InvalidArgument(f"the search text is limited to {MAX_QUERY} characters", code="query_too_long")
    return PageRequest(_search(query), size, sort, Cursor.decode(cursor_token, sort) if cursor_token else None)


def _search(query: str) -> Search:
    if "linkedin.com/in/" in query.lower() and " " not in query:
        try:
            return Search(profile=identity_from_url(query))
        except InvalidIdentity:
            pass  # not a profile address after all: searched as text
    return Search(text=query)


def page_of(contacts: list[Contact], request: PageRequest, total_count: int) -> Page:
    """A page from up to size + 1 contacts read: the extra one only tells that another page follows."""
    shown = contacts[: request.size]
    more = len(contacts) > request.size
    next_cursor = Cursor.after(request.sort, shown[-1]).encode() if more and shown else ""
    return Page(shown, next_cursor, total_count)

"""A contact's message history on its page (GetContact): newest first, in pages, continued by a cursor.

The cursor is the last shown message's sort key (time, URN); the next page starts strictly below it, so
messages stored meanwhile never shift a page (a newer one shows when the first page is read again).
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime

from pingcrm_common.errors import InvalidArgument

MAX_URN = 300


@dataclass(frozen=True)
class HistoryCursor:
    occurred_at: datetime
    source_urn: str

    def encode(self) -> str:
        raw = json.dumps({"at": self.occurred_at.isoformat(), "urn": self.source_urn}, separators=(",", ":"))
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str) -> HistoryCursor:
        try:
            data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
            at, urn = data["at"], data["urn"]
            if not isinstance(at, str) or not isinstance(urn, str) or not 0 < len(urn) <= MAX_URN or "\x00" in urn:
                raise ValueError("wrong types")
            moment = datetime.fromisoformat(at)
            if moment.tzinfo is None:
                raise ValueError("naive time")
        except (binascii.Error, UnicodeDecodeError, ValueError, KeyError, TypeError) as error:
            raise InvalidArgument(
                "interactions_page_token is not one this API returned", code="invalid_cursor"
            ) from error
        return cls(moment, urn)

"""One message seen twice, from two sources that share no message id: its key.

messages.csv has no message URN, and Voyager knows nothing of the export.
What both carry is the conversation's thread id (`2-…`, the second part of
Voyager's `urn:li:msg_conversation:(urn:li:fsd_profile:ACo…,2-…)` and the
export's CONVERSATION ID), who wrote the message, when (the export keeps
whole seconds) and its text. The key hashes those four, so a message pushed
by the extension and the same message imported from the export collide on
the interactions' unique (user_id, message_key), in either order
(docs/linkedin-sync.md, "One message, two sources").

Texts are compared after light normalization, because the two sources
format the same words differently: Unicode NFC, every run of whitespace one
space (the export writes CRLF inside messages), trimmed, and only the first
1,000 characters (the extension shortens texts over 8,000 characters with
an ellipsis; the import does the same, but the key must not depend on it).
Two messages with the same words in the same second, thread and direction
are one message to this key; LinkedIn's own export cannot tell them apart
either.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import datetime

# A LinkedIn thread id: "2-" and base64 (standard or URL-safe alphabet, with padding).
THREAD_ID = re.compile(r"2-[A-Za-z0-9+/_=-]+")
# Where Voyager's conversation URNs carry it: `msg_conversation:(<profile urn>,2-…)`, and older
# `fs_conversation:2-…` / `messagingThread:2-…` forms.
_THREAD_IN_URN = re.compile(r"(?:^|[,:(])(2-[A-Za-z0-9+/_=-]+)\)?$")
KEY_TEXT_CHARS = 1_000
KEY_LENGTH = 32  # hex characters: 128 bits


def thread_id_of(conversation_urn: str) -> str | None:
    """The `2-…` thread id a Voyager conversation URN carries, or None."""
    found = _THREAD_IN_URN.search(conversation_urn.strip())
    return found.group(1) if found else None


def valid_thread_id(text: str) -> str | None:
    """An export's CONVERSATION ID when it is a thread id, else None."""
    text = text.strip()
    return text if THREAD_ID.fullmatch(text) else None


def key_text(text: str) -> str:
    """The part of a message text the key compares."""
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    return " ".join(text.split())[:KEY_TEXT_CHARS]


def message_key(thread_id: str | None, from_self: bool, sent_at: datetime, text: str) -> str | None:
    """The message's key, or None without a thread id (such a message is matched by its URN only)."""
    if not thread_id:
        return None
    second = int(sent_at.timestamp() // 1)
    material = "\x1f".join((thread_id, "out" if from_self else "in", str(second), key_text(text)))
    return hashlib.sha256(material.encode()).hexdigest()[:KEY_LENGTH]

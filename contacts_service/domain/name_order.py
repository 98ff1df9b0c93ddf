"""The key the contacts list's "Name" order sorts by, stored beside each contact's name (`name_key`).

Sorting the names themselves follows the database's collation, which on SQLite and on PostgreSQL's `C` is
code-point order: "Émile" and "Łukasz" came after "Zoe", "adam" after every capital, and "🚀 Jane Doe" and
"Dr. Carl Jung" were filed under 🚀 and D. The key is what a person reads the name as, the same on every
backend and collation:
- the name from its first word that is a name (activity.is_name_word: no emoji, no title);
- accents and case folded ("Émile" as emile, "ŁUKASZ" as lukasz, "Straße" as strasse);
- a group digit first: names that start with a letter, then names with none (emoji, digits), then contacts
  without a name. Digits sort the same in every collation.
"""

from __future__ import annotations

import unicodedata

from contacts_service.domain.activity import is_name_word

MAX_KEY = 300  # characters; folding may lengthen a name (ß → ss), and a longer tail orders nothing useful
LETTERS, OTHER, UNNAMED = "1", "2", "3"

# Latin letters that Unicode does not decompose into a base letter and an accent.
_BASE_LETTERS = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ı": "i", "æ": "ae", "œ": "oe", "þ": "th"})


def name_key(full_name: str) -> str:
    """The key of a full name: its group digit, then the name from its first real word, folded."""
    words = full_name.split()
    start = next((i for i, word in enumerate(words) if is_name_word(word)), 0)
    name = fold(" ".join(words[start:]))
    if not name:
        return UNNAMED
    return (LETTERS if name[0].isalpha() else OTHER) + name[: MAX_KEY - 1]


def fold(text: str) -> str:
    """Case and accents folded, as keys and the searches that match them are ("Émile" → "emile")."""
    folded = text.casefold()
    if folded.isascii():  # most names, on every push's path: nothing to decompose
        return folded
    decomposed = unicodedata.normalize("NFKD", folded)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).translate(_BASE_LETTERS)

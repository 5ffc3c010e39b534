"""Text folding shared by name lookup and (later) the quote check."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["name_key"]

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
# Letters that carry their mark inside them, so that NFKD leaves them whole (Wałęsa, Søren, Đoković).
_UNMARKED = str.maketrans(
    {"ł": "l", "ø": "o", "đ": "d", "ð": "d", "æ": "ae", "œ": "oe", "þ": "th", "ı": "i", "ħ": "h", "ŧ": "t"}
)


def name_key(name: str) -> str:
    """Fold a name for lookup: case, diacritics, punctuation and spacing never tell two names apart."""
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", stripped.casefold().translate(_UNMARKED)).strip()

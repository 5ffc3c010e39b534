"""Text folding shared by name lookup and (later) the quote check."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["name_key"]

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def name_key(name: str) -> str:
    """Fold a name for lookup: case, diacritics, punctuation and spacing never tell two names apart."""
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", stripped.casefold()).strip()

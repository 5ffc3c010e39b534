"""Text coming in, checked in one place: the GraphQL arguments (api/cleaning.py), the CLI's options and files,
and every importer's entry all call `clean` (or `check_tree` for what a document parses into).

Why a module of its own, and not services/_validate.py: the API, the CLI and the importers sit at different
levels and all need it before anything else happens, and it is pure (no session, no model), so it sits at the
bottom next to `text.py` and imports nothing of quotecheck but the errors.

What it refuses, naming the field and the character's position (1-based; line and column in multi-line text):
NUL and the other C0/C1 control characters (tab, newline and carriage return only where a kind allows lines),
unpaired surrogates (PostgreSQL and UTF-8 cannot hold them), bidirectional overrides and isolates in names and
titles (they make a name display as another), and text longer than its kind allows. What it keeps is NFC, so
that two spellings differing only in normalisation are stored and compared as one.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from quotecheck.errors import ValidationError

__all__ = [
    "DOCUMENT",
    "KINDS",
    "LINE",
    "NAME",
    "PARSED",
    "PROSE",
    "QUOTE",
    "SEARCH",
    "TITLE",
    "Kind",
    "Refused",
    "check_tree",
    "clean",
    "clean_optional",
    "is_clean",
]

_CONTROLS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"  # C0 but tab, LF and CR; DEL; C1
_LINES = "\t\n\r"
_SURROGATES = "\ud800-\udfff"
_BIDI = "\u202a-\u202e\u2066-\u2069"  # embeddings and overrides (LRE..RLO), isolates (LRI..PDI)


@dataclass(frozen=True, slots=True)
class Kind:
    """A kind of field: how long it may be, whether it may hold lines, whether bidi controls may appear."""

    name: str
    max_length: int
    lines: bool
    bidi: bool

    @property
    def pattern(self) -> re.Pattern[str]:
        return _PATTERNS[(self.lines, self.bidi)]

    @property
    def rule(self) -> str:
        """The rule as the schema's descriptions state it."""
        shape = "" if self.lines else " on one line"
        bidi = "" if self.bidi else " or bidi"
        return f"A {self.name}: at most {self.max_length:,} characters{shape}, no control{bidi} characters."


_PATTERNS = {
    (lines, bidi): re.compile(
        "[" + _CONTROLS + ("" if lines else _LINES) + _SURROGATES + ("" if bidi else _BIDI) + "]"
    )
    for lines in (False, True)
    for bidi in (False, True)
}

NAME = Kind("name", 300, lines=False, bidi=False)  # people, organisations, outlets, places, topics
TITLE = Kind("title", 1_000, lines=False, bidi=False)  # titles, attributions and citations as written
LINE = Kind("value", 2_000, lines=False, bidi=True)  # everything else of one line: ids, dates, URLs, tags
SEARCH = Kind("search", 200, lines=True, bidi=True)  # searches and text filters (services.search.MAX_SEARCH)
QUOTE = Kind("quote", 10_000, lines=True, bidi=True)  # quotes, passages, claims reviewed
PROSE = Kind("text", 20_000, lines=True, bidi=True)  # descriptions, notes, summaries, explanations
DOCUMENT = Kind("document", 2_000_000, lines=True, bidi=True)  # transcripts, articles, source texts, feeds
KINDS = (NAME, TITLE, LINE, SEARCH, QUOTE, PROSE, DOCUMENT)
# The kinds of the fields of what a document parses into (a transcript's turns, an article), for `check_tree`.
PARSED = {"label": NAME, "speaker": NAME, "title": TITLE, "outlet": NAME, "site": NAME, "text": DOCUMENT}

_WHY = {"\x00": "the NUL character, which the databases cannot store"}
_CONTROL_NAMES = {  # control characters have no Unicode name; these are their usual ones
    "\x00": "NULL",
    "\t": "TAB",
    "\n": "LINE FEED",
    "\r": "CARRIAGE RETURN",
    "\x1b": "ESCAPE",
    "\x7f": "DELETE",
    "\x85": "NEXT LINE",
    "\x9b": "CONTROL SEQUENCE INTRODUCER",
}


class Refused(ValidationError):
    """Text with a character its field may not hold (`position` set), or too long (`position` None)."""

    def __init__(self, message: str, *, field: str | None, position: int | None) -> None:
        super().__init__(message, field=field)
        self.position = position


def _describe(char: str) -> str:
    code = ord(char)
    if 0xD800 <= code <= 0xDFFF:
        return f"U+{code:04X}, an unpaired surrogate (not a character: the text was badly encoded); fix the encoding"
    name = _CONTROL_NAMES.get(char) or unicodedata.name(char, "")
    label = f"U+{code:04X}" + (f" ({name})" if name else "")
    if char in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069":
        return f"{label}, a bidirectional formatting character that can make text display as other text; remove it"
    if char in _LINES:
        return f"{label}, a line break or tab where one line is expected; remove it"
    why = _WHY.get(char, "a control character")
    return f"{label}, {why}; remove it"


def _where(text: str, index: int, kind: Kind) -> str:
    if kind.lines and "\n" in text:
        line = text.count("\n", 0, index) + 1
        column = index - (text.rfind("\n", 0, index) + 1) + 1
        return f"line {line}, column {column}"
    return f"character {index + 1}"


def clean(value: str, field: str, kind: Kind) -> str:
    """`value` as NFC, or a `Refused` naming `field`, what is wrong, where, and what to do."""
    found = kind.pattern.search(value)
    if found is not None:
        index = found.start()
        raise Refused(
            f"{field}: {_where(value, index, kind)} is {_describe(found.group())}",
            field=field,
            position=index + 1,
        )
    if not value.isascii():
        value = unicodedata.normalize("NFC", value)
    if len(value) > kind.max_length:
        raise Refused(
            f"{field} is {len(value):,} characters long; a {kind.name} holds at most {kind.max_length:,}: "
            "shorten it",
            field=field,
            position=None,
        )
    return value


def clean_optional(value: str | None, field: str, kind: Kind) -> str | None:
    return None if value is None else clean(value, field, kind)


def is_clean(value: str, kind: Kind) -> bool:
    """True when `clean` would keep `value` exactly as it is."""
    return (
        len(value) <= kind.max_length
        and kind.pattern.search(value) is None
        and (value.isascii() or unicodedata.is_normalized("NFC", value))
    )


def check_tree(value: Any, where: str, kinds: Mapping[str, Kind], default: Kind = DOCUMENT) -> None:
    """Refuse the first string in what a document parsed into (dataclasses, dicts, lists) that `clean` would
    refuse, naming its path; a key found in `kinds` says the kind of its strings. Catches what JSON escapes
    (`\\u0000`) hide from a check of the file's characters. The refusal's field is `where`, its message the path."""
    try:
        _walk(value, where, kinds, default)
    except Refused as error:
        raise Refused(error.message, field=where, position=error.position) from None


def _walk(value: Any, path: str, kinds: Mapping[str, Kind], kind: Kind) -> None:
    if isinstance(value, str):
        clean(value, path, kind)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for each in dataclasses.fields(value):
            _walk(getattr(value, each.name), f"{path}.{each.name}", kinds, kinds.get(each.name, kind))
    elif isinstance(value, Mapping):
        for key, item in value.items():
            if isinstance(key, str):
                clean(key, f"{path} (a key)", LINE)
            _walk(item, f"{path}.{key}", kinds, kinds.get(str(key), kind))
    elif isinstance(value, list | tuple):
        for number, item in enumerate(value, 1):
            _walk(item, f"{path}[{number}]", kinds, kind)

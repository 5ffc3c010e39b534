"""Quote feeds in: one JSON object a line, the shape of large news-quote corpora (Quotebank and the like).

A line: `{"quotation": words, "speaker": a name, "qids": ["Q150851", ...], "date": "2013-03-14", "urls": [...]
or "source": url, "outlet": a name, "language": "en"}`; other keys are ignored. It becomes a Quote (the speaker
and the words, said on `date`; identified by `quote_hash`) and, for each URL, a VERBATIM Appearance of the words
(identified by `appearance_hash`), so that importing a feed again adds nothing.

- Speaker: the first of `qids` that names a recorded speaker wins (the line's spelling becomes an alias); if
  none does, a new speaker gets the first. Without qids: the one speaker with that name or alias, or a new one;
  a name that several speakers share is rejected (qids say which is meant).
- Source: a recorded source with that URL whose text holds the words gets the appearance at its offsets;
  otherwise the URL's text-less ARTICLE source (titled by its URL, published by `outlet`, or else by the
  recorded outlet of the URL's web domain), made when new. An outlet is made only for a source it publishes.
- Feed appearances name no origin (`takenFrom`): they are claims, not evidence, so the quote check's search
  index is left alone (see quotecheck.services.index).

Lines that cannot be used (not JSON, no quotation or speaker, a bad date, URL or Wikidata id) are reported with
their line numbers and skipped. Each batch is written with bulk inserts after one lookup a table.
"""

from __future__ import annotations

import bz2
import gzip
import io
import json
import lzma
import re
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Insert,
    String,
    any_,
    bindparam,
    func,
    insert,
    literal_column,
    select,
    union_all,
)
from sqlalchemy.dialects.postgresql import ARRAY

from quotecheck.db import writing
from quotecheck.enums import AliasKind, AppearanceRelation, OutletKind, SourceKind, SpeakerKind
from quotecheck.errors import ValidationError
from quotecheck.models import Appearance, Outlet, Quote, Source, Speaker, SpeakerAlias
from quotecheck.models.base import Base
from quotecheck.partial_date import PartialDate
from quotecheck.services import _validate as v
from quotecheck.services.appearances import appearance_hash
from quotecheck.services.quotes import quote_hash
from quotecheck.text import name_key

__all__ = ["DEFAULT_BATCH_SIZE", "FeedFile", "FeedSummary", "import_feed"]

# A commit writes every page its batch touched, and rows land all over the hash indexes, so bigger batches
# write less: on SQLite 10,000 lines a batch import markedly faster than 2,000 (benchmarks/feed_bench.py), and
# the batch that Ctrl-C loses is a second's work.
DEFAULT_BATCH_SIZE = 10_000
_SQLITE_CACHE_KIB = 65_536  # SQLite's page cache for the import's connection (its default is 2 MiB)
_CACHE_LIMIT = 1_000_000  # names, Wikidata ids and URLs remembered; past this they are forgotten, then looked up
_MEMO = 1 << 16  # distinct values remembered by each check of a field
_WIKIDATA = re.compile(r"^Q[1-9][0-9]{0,14}$")  # the speaker table's check: at most 16 characters
# A date, perhaps followed by a time of day (Quotebank writes "2015-08-31 02:10:00"): the day is kept.
_DATE = re.compile(r"^\s*(\d{4}(?:-\d{1,2}(?:-\d{1,2})?)?)(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\s*$")
_NO_SPEAKER = {"none", "null", "unknown"}  # Quotebank's speaker "None": a quote it could not attribute


@dataclass(slots=True)
class FeedSummary:
    """What an import did; it counts committed batches only."""

    read: int = 0  # lines read, blank ones aside
    quotes: int = 0  # quotes added
    appearances: int = 0  # appearances added
    speakers: int = 0  # speakers added (new spellings of known ones become aliases, not counted)
    sources: int = 0  # sources added
    outlets: int = 0  # outlets added
    already: int = 0  # lines whose quote and appearances were all recorded already
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (line number, why), in line order

    def add(self, other: FeedSummary) -> None:
        self.read += other.read
        self.quotes += other.quotes
        self.appearances += other.appearances
        self.speakers += other.speakers
        self.sources += other.sources
        self.outlets += other.outlets
        self.already += other.already
        self.rejected.extend(other.rejected)


# --- reading lines --------------------------------------------------------------------------------------------
@dataclass(eq=False, slots=True)
class _Ref:
    """A row the import links to: recorded (its id known), or made by the batch in flight (its id once inserted)."""

    id: int | None = None


@dataclass(eq=False, slots=True)
class _SpeakerRef(_Ref):
    keys: set[str] | None = None  # the speaker's name and aliases, folded by `name_key`, once loaded


@dataclass(eq=False, slots=True)
class _OutletRef(_Ref):
    name: str = ""  # for an outlet the import makes


@dataclass(eq=False, slots=True)
class _UrlSources:
    bare: _Ref | None = None  # the URL's text-less source
    texts: list[tuple[int, str]] = field(default_factory=list)  # (id, text) of its sources holding their text


@dataclass(slots=True)
class _Line:
    number: int
    text: str
    speaker: str
    key: str  # the speaker's name, folded
    qids: tuple[str, ...]
    said_on: PartialDate | None
    urls: tuple[str, ...]
    outlet: str | None
    language: str | None
    ref: _SpeakerRef | None = None
    spots: list[tuple[_Ref, int | None]] = field(default_factory=list)  # (source, char_start) for each URL


def _text(value: object, name: str) -> str | None:
    """A string field, stripped (None when absent or blank); text the databases would refuse is an error."""
    if value is None:
        return None
    if type(value) is not str:
        raise ValidationError(f"{name} must be a string, not {type(value).__name__}")
    if "\x00" in value:
        raise ValidationError(f"{name} contains a NUL character; remove it")
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValidationError(f"{name} contains an unpaired surrogate (\\ud800-\\udfff); fix its encoding") from None
    return value.strip() or None


def _texts(value: object, name: str, example: str) -> list[str]:
    if value is None:
        return []
    if type(value) is not list:
        value = [value]
    items = [_text(item, name) for item in value] if type(value) is list else []
    return [item for item in items if item is not None] if items else []


# Feeds repeat their speakers, Wikidata ids, URLs, dates and languages: each distinct value is checked once.
@lru_cache(maxsize=_MEMO)
def _day(text: str) -> PartialDate:
    try:
        return PartialDate.parse(text)
    except ValidationError as error:
        raise ValidationError(f"date: {error.message}") from None


@lru_cache(maxsize=_MEMO)
def _qids(items: tuple[str, ...]) -> tuple[str, ...]:
    qids: list[str] = []
    for item in items:
        qid = item.upper()
        if not _WIKIDATA.match(qid):
            raise ValidationError(f"qids: {item!r} is not a Wikidata item id; use the form Q150851")
        if qid not in qids:
            qids.append(qid)
    return tuple(qids)


_url = lru_cache(maxsize=_MEMO)(v.url)
_language = lru_cache(maxsize=_MEMO)(v.language)
_name_key = lru_cache(maxsize=_MEMO)(name_key)


def _parse(number: int, raw: str | bytes) -> _Line:
    try:
        record = json.loads(raw)
    except json.JSONDecodeError as error:
        raise ValidationError(f"not JSON ({error.msg} at column {error.colno}); write one JSON object a line") from None
    except UnicodeDecodeError:
        raise ValidationError("not UTF-8 text; re-encode the feed as UTF-8") from None
    if type(record) is not dict:
        raise ValidationError("not a JSON object; write one object a line, with quotation and speaker")
    text = _text(record.get("quotation"), "quotation")
    if text is None:
        raise ValidationError("quotation is missing or empty; give the quoted words")
    speaker = _text(record.get("speaker"), "speaker")
    if speaker is None or speaker.casefold() in _NO_SPEAKER:
        raise ValidationError("speaker is missing; give who is quoted (unattributed quotes cannot be imported)")
    key = _name_key(speaker)
    if not key:
        raise ValidationError(f"speaker {speaker!r} has no letters or digits; give the speaker's name")
    qids = _qids(tuple(_texts(record.get("qids"), "qids", '["Q150851"]')))
    urls: list[str] = []
    for item in _texts(record.get("urls"), "urls", '["https://…"]') + _texts(record.get("source"), "source", '"https://…"'):
        address = _url(item, "urls")
        if address is not None and address not in urls:
            urls.append(address)
    outlet = _text(record.get("outlet"), "outlet")
    if outlet is not None and not _name_key(outlet):
        raise ValidationError(f"outlet {outlet!r} has no letters or digits; give the outlet's name")
    date = _text(record.get("date"), "date")
    if date is not None:
        match = _DATE.match(date)
        said_on: PartialDate | None = _day(match.group(1) if match else date)
    else:
        said_on = None
    return _Line(
        number=number,
        text=text,
        speaker=speaker,
        key=key,
        qids=qids,
        said_on=said_on,
        urls=tuple(urls),
        outlet=outlet,
        language=_language(_text(record.get("language"), "language")),
    )

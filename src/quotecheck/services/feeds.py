"""Quote feeds in: one JSON object a line, the shape of large news-quote corpora (Quotebank and the like).

A line: `{"quotation": words, "speaker": a name, "qids": ["Q150851", ...], "date": "2013-03-14", "urls": [...]
or "source": url, "outlet": a name, "language": "en"}`; other keys are ignored. It becomes a Quote (the speaker
and the words, said on `date`; identified by `quote_hash`) and, for each URL, a VERBATIM Appearance of the words
(identified by `appearance_hash`), so that running a feed again adds nothing.

- Speaker: the first of `qids` that names a recorded speaker wins (the line's spelling becomes an alias); if
  none does, a new speaker gets the first. Without qids: the one speaker with that name or alias, or a new one;
  a name shared by several speakers is rejected (give qids to choose).
- Source: a recorded source with that URL whose text holds the words gets the appearance at its offsets;
  otherwise the URL's text-less ARTICLE source (titled by its URL, published by `outlet`, or else by the
  recorded outlet of the URL's web domain), made when new.
- Feed appearances name no origin (`takenFrom`): they are claims, not evidence, so the search index of the
  quote check is left alone (see quotecheck.services.index).

Lines that cannot be read (not JSON, no quotation or speaker, a bad date, URL or Wikidata id) are reported with
their line number and skipped. Rows are written with bulk inserts, one lookup query per table per batch.
"""

from __future__ import annotations

import bz2
import gzip
import io
import json
import lzma
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from types import TracebackType
from typing import IO, Any, TypeVar

from sqlalchemy import Connection, Engine, Insert, bindparam, func, insert, select, union_all

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

DEFAULT_BATCH_SIZE = 2000
_IN_CHUNK = 5000  # values in one IN (...): well under SQLite's limit on bound parameters
_CACHE_LIMIT = 1_000_000  # remembered names, ids and URLs; forgotten (and looked up again) past this
_WIKIDATA = re.compile(r"^Q[1-9][0-9]{0,14}$")  # the speaker table's check: at most 16 characters
# A date, optionally followed by a time of day (Quotebank writes "2015-08-31 02:10:00"); the day is kept.
_DATE = re.compile(
    r"^\s*(\d{4}(?:-\d{1,2}(?:-\d{1,2})?)?)(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\s*$"
)
_MEMO = 1 << 16  # distinct values remembered by each check below
_NO_SPEAKER = {"none", "null", "unknown"}  # Quotebank's speaker for a quote it could not attribute

T = TypeVar("T")


@dataclass(slots=True)
class FeedSummary:
    """What an import did, counting committed batches only."""

    read: int = 0  # lines read, blank lines aside
    quotes: int = 0  # quotes added
    appearances: int = 0  # appearances added
    speakers: int = 0  # speakers added (aliases are not counted)
    sources: int = 0  # sources added
    outlets: int = 0  # outlets added
    already: int = 0  # lines whose quote and appearances were all recorded already
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (line number, why)

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
    """A row the import links to: recorded (its id known), or made by the batch in flight (id after insert)."""

    id: int | None = None


@dataclass(eq=False, slots=True)
class _SpeakerRef(_Ref):
    keys: set[str] | None = None  # its name and aliases folded by `name_key`, once loaded


@dataclass(eq=False, slots=True)
class _OutletRef(_Ref):
    name: str = ""  # the name to record, for an outlet this import makes


@dataclass(eq=False, slots=True)
class _UrlSources:
    bare: _Ref | None = None  # the URL's text-less source
    texts: list[tuple[int, str]] = field(default_factory=list)  # recorded sources of the URL holding text


@dataclass(slots=True)
class _Line:
    number: int
    text: str
    speaker: str
    key: str
    qids: tuple[str, ...]
    said_on: PartialDate | None
    urls: tuple[str, ...]
    outlet: str | None
    language: str | None
    ref: _SpeakerRef | None = None
    spots: list[tuple[_Ref, int | None]] = field(default_factory=list)  # (source, char_start) per URL


def _checked(value: str, what: str) -> str:
    if "\x00" in value:
        raise ValidationError(f"{what} contains a NUL character; remove it")
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValidationError(
                f"{what} contains a lone surrogate escape (\\ud8..); fix its encoding"
            ) from None
    return value


def _optional_string(record: dict[str, Any], name: str) -> str | None:
    value = record.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValidationError(f"{name} must be a string, not {type(value).__name__}")
    return _checked(value, name).strip() or None


def _strings(record: dict[str, Any], name: str, example: str) -> list[str]:
    value = record.get(name)
    if value is None:
        return []
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        raise ValidationError(f"{name} must be a list of strings, like {example}")
    return [_checked(item, name).strip() for item in items if item.strip()]


# Feeds repeat their speakers, URLs, dates and languages: each distinct value is checked once.
@lru_cache(maxsize=_MEMO)
def _date(text: str) -> PartialDate:
    match = _DATE.match(text)
    try:
        return PartialDate.parse(match.group(1) if match else text)
    except ValidationError as error:
        raise ValidationError(f"date: {error.message}") from None


@lru_cache(maxsize=_MEMO)
def _url(text: str) -> str | None:
    return v.url(text, "urls")


@lru_cache(maxsize=_MEMO)
def _language(text: str | None) -> str | None:
    return v.language(text)


_name_key = lru_cache(maxsize=_MEMO)(name_key)


def _parse(number: int, raw: str | bytes) -> _Line:
    try:
        record = json.loads(raw)
    except json.JSONDecodeError as error:
        raise ValidationError(
            f"not JSON ({error.msg} at column {error.colno}); write one JSON object a line"
        ) from None
    except UnicodeDecodeError:
        raise ValidationError("not UTF-8 text; re-encode the feed as UTF-8") from None
    if not isinstance(record, dict):
        raise ValidationError("not a JSON object; write one object a line, with quotation and speaker")
    text = _optional_string(record, "quotation")
    if text is None:
        raise ValidationError("quotation is missing or empty; give the quoted words")
    speaker = _optional_string(record, "speaker")
    if speaker is None or speaker.casefold() in _NO_SPEAKER:
        raise ValidationError(
            "speaker is missing; give who is quoted (a feed's unattributed quotes cannot be imported)"
        )
    key = _name_key(speaker)
    if not key:
        raise ValidationError(f"speaker {speaker!r} has no letters or digits; give the speaker's name")
    qids: list[str] = []
    for item in _strings(record, "qids", '["Q150851"]'):
        qid = item.upper()
        if not _WIKIDATA.match(qid):
            raise ValidationError(f"qids: {item!r} is not a Wikidata item id; use the form Q150851")
        if qid not in qids:
            qids.append(qid)
    urls: list[str] = []
    for item in [
        *_strings(record, "urls", '["https://example.org/a"]'),
        *_strings(record, "source", '"https://example.org/a"'),
    ]:
        address = _url(item)
        if address is not None and address not in urls:
            urls.append(address)
    outlet = _optional_string(record, "outlet")
    if outlet is not None and not _name_key(outlet):
        raise ValidationError(f"outlet {outlet!r} has no letters or digits; give the outlet's name")
    date = _optional_string(record, "date")
    return _Line(
        number=number,
        text=text,
        speaker=speaker,
        key=key,
        qids=tuple(qids),
        said_on=None if date is None else _date(date),
        urls=tuple(urls),
        outlet=outlet,
        language=_language(_optional_string(record, "language")),
    )


# --- writing batches --------------------------------------------------------------------------------------------
def _chunks(values: Iterable[T]) -> Iterator[list[T]]:
    items = list(values)
    for start in range(0, len(items), _IN_CHUNK):
        yield items[start : start + _IN_CHUNK]


def _hosts(address: str) -> list[str]:
    """The URL's host and the domains above it, longest first ("edition.cnn.com", "cnn.com")."""
    labels = v.domain_of(address).split(".")
    return [".".join(labels[i:]) for i in range(len(labels) - 1)]


def _outlet_host(text: str) -> str:
    """An outlet given as a web address or domain, as `Outlet.domain` holds it."""
    return v.domain_of(text) if "://" in text else text.lower().removeprefix("www.")


@dataclass(slots=True)
class _Batch:
    """One batch in flight: its lines, what it counts, and the rows it makes (inserted table by table)."""

    lines: list[_Line]
    counts: FeedSummary
    speakers: list[tuple[_SpeakerRef, _Line, str | None]] = field(default_factory=list)  # (ref, line, qid)
    aliases: list[tuple[_SpeakerRef, _Line]] = field(default_factory=list)
    sources: list[tuple[_Ref, str, _Line]] = field(default_factory=list)  # (ref, URL, first line citing it)


class _Importer:
    """Remembers what the feed has met so far, so that each batch looks up only what is new to it."""

    def __init__(self, engine: Engine) -> None:
        self.engine = writing(engine)
        self.summary = FeedSummary()
        self._forget()

    def _forget(self) -> None:
        self.speakers: dict[int, _SpeakerRef] = {}  # one ref per recorded speaker, shared by the maps below
        self.by_qid: dict[str, _SpeakerRef | None] = {}
        self.by_name: dict[str, list[_SpeakerRef]] = {}  # folded name or alias -> speakers, by id
        self.outlets: dict[str, _OutletRef | None] = {}  # by the folded name a feed gives
        self.domains: dict[str, _OutletRef | None] = {}
        self.urls: dict[str, _UrlSources] = {}

    def write(self, lines: list[_Line], counts: FeedSummary) -> None:
        """Write a batch in one transaction (holding SQLite's write lock from the start), then count it."""
        if len(self.by_qid) + len(self.by_name) + len(self.urls) > _CACHE_LIMIT:
            self._forget()  # all of it is committed, so it can be looked up again
        if lines:
            with self.engine.begin() as connection:
                self._write(connection, _Batch(lines, counts))
        counts.rejected.sort()
        self.summary.add(counts)

    def _write(self, connection: Connection, batch: _Batch) -> None:
        self._resolve_speakers(connection, batch)
        self._insert_speakers(connection, batch)
        self._place(connection, batch)
        self._insert_sources(connection, batch)
        lines, counts = batch.lines, batch.counts

        # Quotes: one lookup of the batch's hashes, one insert of the new ones, one lookup of their ids.
        digests = [quote_hash(_id(line.ref), line.text) for line in lines]
        quote_ids = _existing(connection, Quote, digests)
        quotes: dict[str, dict[str, Any]] = {}
        fresh: set[int] = set()  # the lines that added something
        for index, (line, digest) in enumerate(zip(lines, digests, strict=True)):
            if digest not in quote_ids and digest not in quotes:
                fresh.add(index)
                quotes[digest] = {
                    "speaker_id": _id(line.ref),
                    "text": line.text,
                    "language": line.language,
                    "said_on": None if line.said_on is None else line.said_on.key,
                    "content_hash": digest,
                    "version": 1,
                }
        if quotes:
            _insert_rows(connection, Quote, list(quotes.values()))
            quote_ids.update(_existing(connection, Quote, quotes))
            counts.quotes += len(quotes)

        # Appearances: the same, by their hashes.
        appearances: dict[str, dict[str, Any]] = {}
        owners: list[tuple[int, str]] = []  # (line, appearance hash)
        for index, (line, digest) in enumerate(zip(lines, digests, strict=True)):
            quote_id = quote_ids[digest]
            for source, start in line.spots:
                source_id = _id(source)
                appearance = appearance_hash(quote_id, source_id, start, line.text)
                owners.append((index, appearance))
                appearances.setdefault(
                    appearance,
                    {
                        "quote_id": quote_id,
                        "source_id": source_id,
                        "text": line.text,
                        "char_start": start,
                        "char_end": None if start is None else start + len(line.text),
                        "relation": AppearanceRelation.VERBATIM.name,
                        "content_hash": appearance,
                        "version": 1,
                    },
                )
        for digest in _existing(connection, Appearance, appearances):
            del appearances[digest]
        if appearances:
            _insert_rows(connection, Appearance, list(appearances.values()))
            counts.appearances += len(appearances)
            fresh.update(index for index, digest in owners if appearances.pop(digest, None) is not None)
        counts.already += len(lines) - len(fresh)

    # --- speakers -----------------------------------------------------------------------------------------------
    def _speaker(self, speaker_id: int) -> _SpeakerRef:
        ref = self.speakers.get(speaker_id)
        if ref is None:
            ref = self.speakers[speaker_id] = _SpeakerRef(speaker_id)
        return ref

    def _resolve_speakers(self, connection: Connection, batch: _Batch) -> None:
        """Give each line its speaker (recorded, or new); a line whose name is ambiguous is rejected."""
        self._load_qids(connection, {qid for line in batch.lines for qid in line.qids})
        self._load_names_of(
            connection,
            {
                ref.id
                for line in batch.lines
                for qid in line.qids
                if (ref := self.by_qid[qid]) is not None and ref.keys is None and ref.id is not None
            },
        )
        self._load_named(connection, {line.key for line in batch.lines if not line.qids})

        kept: list[_Line] = []
        for line in batch.lines:
            ref = next((found for qid in line.qids if (found := self.by_qid[qid]) is not None), None)
            if ref is not None:
                assert ref.keys is not None
                if line.key not in ref.keys:  # a new spelling of the speaker's name
                    ref.keys.add(line.key)
                    batch.aliases.append((ref, line))
                    self._also_named(line.key, ref)
            elif line.qids:
                ref = self._new_speaker(batch, line, line.qids[0])
                self.by_qid[line.qids[0]] = ref
                self._also_named(line.key, ref)
            else:
                same = self.by_name[line.key]
                if len(same) > 1:
                    reason = (
                        f"{len(same)} speakers are called {line.speaker!r}; "
                        "give the Wikidata id of the one meant in qids"
                    )
                    batch.counts.rejected.append((line.number, reason))
                    continue
                if not same:
                    same.append(self._new_speaker(batch, line, None))
                ref = same[0]
            line.ref = ref
            kept.append(line)
        batch.lines = kept

    def _load_qids(self, connection: Connection, qids: set[str]) -> None:
        unknown = qids - self.by_qid.keys()
        for chunk in _chunks(unknown):
            query = select(Speaker.wikidata_id, Speaker.id).where(Speaker.wikidata_id.in_(chunk))
            for qid, speaker_id in connection.execute(query).tuples():
                if qid is not None:
                    self.by_qid[qid] = self._speaker(speaker_id)
        for qid in unknown:
            self.by_qid.setdefault(qid, None)

    def _load_names_of(self, connection: Connection, speaker_ids: set[int]) -> None:
        """The names of speakers found by qid, to tell a new spelling (an alias to record) from a known one."""
        for chunk in _chunks(speaker_ids):
            query = union_all(
                select(Speaker.id, Speaker.name_key).where(Speaker.id.in_(chunk)),
                select(SpeakerAlias.speaker_id, SpeakerAlias.name_key).where(
                    SpeakerAlias.speaker_id.in_(chunk)
                ),
            )
            for speaker_id, key in connection.execute(query).tuples():
                ref = self._speaker(speaker_id)
                ref.keys = (ref.keys or set()) | {key}

    def _load_named(self, connection: Connection, keys: set[str]) -> None:
        """The speakers with these names or aliases (folded), for the lines without qids."""
        unknown = keys - self.by_name.keys()
        for chunk in _chunks(unknown):
            query = union_all(
                select(Speaker.name_key, Speaker.id).where(Speaker.name_key.in_(chunk)),
                select(SpeakerAlias.name_key, SpeakerAlias.speaker_id).where(
                    SpeakerAlias.name_key.in_(chunk)
                ),
            )
            named: dict[str, set[int]] = {}
            for key, speaker_id in connection.execute(query).tuples():
                named.setdefault(key, set()).add(speaker_id)
            for key in chunk:
                self.by_name[key] = [
                    self._speaker(speaker_id) for speaker_id in sorted(named.get(key, set()))
                ]

    def _also_named(self, key: str, ref: _SpeakerRef) -> None:
        # A name not looked up yet needs nothing: its first lookup finds the row, written by then.
        named = self.by_name.get(key)
        if named is not None and ref not in named:
            named.append(ref)

    @staticmethod
    def _new_speaker(batch: _Batch, line: _Line, qid: str | None) -> _SpeakerRef:
        ref = _SpeakerRef(keys={line.key})
        batch.speakers.append((ref, line, qid))
        return ref

    def _insert_speakers(self, connection: Connection, batch: _Batch) -> None:
        if batch.speakers:
            rows: list[dict[str, Any]] = [
                {
                    "name": line.speaker,
                    "name_key": line.key,
                    "kind": SpeakerKind.PERSON,
                    "wikidata_id": qid,
                    "description": None,
                    "version": 1,
                }
                for _, line, qid in batch.speakers
            ]
            # New speakers differ by Wikidata id, or (without one) by name: RETURNING says which id is whose.
            query = _insert(Speaker).returning(Speaker.name_key, Speaker.wikidata_id, Speaker.id)
            made = {
                (key, qid): speaker_id for key, qid, speaker_id in connection.execute(query, rows).tuples()
            }
            for ref, line, qid in batch.speakers:
                ref.id = made[line.key, qid]
                self.speakers[ref.id] = ref
            batch.counts.speakers += len(rows)
        if batch.aliases:
            alias_rows: list[dict[str, Any]] = [
                {
                    "speaker_id": _id(ref),
                    "name": line.speaker,
                    "name_key": line.key,
                    "kind": AliasKind.SPELLING,
                    "language": None,
                }
                for ref, line in batch.aliases
            ]
            connection.execute(_insert(SpeakerAlias), alias_rows)

    # --- sources and outlets ------------------------------------------------------------------------------------
    def _place(self, connection: Connection, batch: _Batch) -> None:
        """Find each line's source for each URL: one holding the words in its text, else the URL's bare one."""
        urls = {url for line in batch.lines for url in line.urls if url not in self.urls}
        for chunk in _chunks(urls):
            query = (
                select(Source.id, Source.url, Source.text).where(Source.url.in_(chunk)).order_by(Source.id)
            )
            for source_id, url, text in connection.execute(query).tuples():
                assert url is not None
                entry = self.urls.setdefault(url, _UrlSources())
                if text is None:
                    entry.bare = _Ref(source_id)
                else:
                    entry.texts.append((source_id, text))
        for url in urls:
            self.urls.setdefault(url, _UrlSources())

        for line in batch.lines:
            for url in line.urls:
                entry = self.urls[url]
                spot: tuple[_Ref, int | None] | None = None
                for source_id, text in entry.texts:
                    at = text.find(line.text)
                    if at >= 0:
                        spot = (_Ref(source_id), at)
                        break
                if spot is None:
                    if entry.bare is None:
                        entry.bare = _Ref()
                        batch.sources.append((entry.bare, url, line))
                    spot = (entry.bare, None)
                line.spots.append(spot)

    def _load_outlets(self, connection: Connection, lines: Sequence[_Line]) -> None:
        """Look up the outlets named by these lines, and those of their URLs' domains for lines naming none."""
        given = {_name_key(line.outlet): line.outlet for line in lines if line.outlet is not None}
        given = {key: text for key, text in given.items() if key not in self.outlets}
        hosts = {_outlet_host(text) for text in given.values()}
        hosts |= {host for line in lines if line.outlet is None for url in line.urls for host in _hosts(url)}
        hosts -= self.domains.keys()
        for chunk in _chunks(hosts):
            query = select(Outlet.domain, Outlet.id).where(Outlet.domain.in_(chunk))
            for domain, outlet_id in connection.execute(query).tuples():
                if domain is not None:
                    self.domains[domain] = _OutletRef(outlet_id)
        for host in hosts:
            self.domains.setdefault(host, None)
        by_key: dict[str, int] = {}
        for chunk in _chunks(given):
            query = select(Outlet.name_key, Outlet.id).where(Outlet.name_key.in_(chunk))
            by_key.update(connection.execute(query).tuples().all())
        for key, text in given.items():
            # by name; else a name that is a recorded outlet's web domain ("foreignpolicy.com")
            self.outlets[key] = _OutletRef(by_key[key]) if key in by_key else self.domains[_outlet_host(text)]

    def _outlet_of(self, line: _Line, url: str) -> _OutletRef | None:
        """The publisher of a new source: the outlet the line names (made if new), else its domain's, if any."""
        if line.outlet is None:
            return next((ref for host in _hosts(url) if (ref := self.domains[host]) is not None), None)
        key = _name_key(line.outlet)
        ref = self.outlets[key]
        if ref is None:
            ref = self.outlets[key] = _OutletRef(name=line.outlet)
        return ref

    def _insert_sources(self, connection: Connection, batch: _Batch) -> None:
        if not batch.sources:
            return
        self._load_outlets(connection, [line for _, _, line in batch.sources])
        publishers = [self._outlet_of(line, url) for _, url, line in batch.sources]
        # Outlets are made only for the new sources they publish: a feed naming one adds nothing else.
        new = list({id(ref): ref for ref in publishers if ref is not None and ref.id is None}.values())
        if new:
            rows: list[dict[str, Any]] = [
                {
                    "name": ref.name,
                    "name_key": name_key(ref.name),
                    "kind": OutletKind.OTHER,
                    "url": None,
                    "domain": None,
                    "country": None,
                    "languages": [],
                    "description": None,
                    "version": 1,
                }
                for ref in new
            ]
            query = _insert(Outlet).returning(Outlet.name_key, Outlet.id)
            outlet_ids = dict(connection.execute(query, rows).tuples().all())
            for ref in new:
                ref.id = outlet_ids[name_key(ref.name)]
            batch.counts.outlets += len(rows)
        source_rows: list[dict[str, Any]] = [
            {
                "kind": SourceKind.ARTICLE,
                "title": url,
                "url": url,
                "outlet_id": None if outlet is None else _id(outlet),
                "interview_id": None,
                "published_on": None,
                "language": None,
                "text": None,
                "content_hash": None,
                "retrieved_at": None,
                "note": None,
                "version": 1,
            }
            for (_, url, _), outlet in zip(batch.sources, publishers, strict=True)
        ]
        made = _insert(Source).returning(Source.url, Source.id)  # new sources have distinct URLs
        source_ids = dict(connection.execute(made, source_rows).tuples().all())
        for source, url, _ in batch.sources:
            source.id = source_ids[url]
        batch.counts.sources += len(source_rows)


def _insert(model: type[Base]) -> Insert:
    """A bulk insert whose rows the database stamps (once per statement, rather than per row in Python)."""
    return insert(model).values(created_at=func.now(), updated_at=func.now())


def _insert_rows(connection: Connection, model: type[Base], rows: list[dict[str, Any]]) -> None:
    """Insert rows given in the database's own terms (integers, strings, None) as one executemany of the driver.

    The statement is Core's, compiled for the connection's dialect; what this skips is SQLAlchemy's processing
    of each row's parameters, which for the feed's two big tables costs as much as the database's own work.
    """
    statement = _insert(model).values({name: bindparam(name) for name in rows[0]})
    compiled = statement.compile(dialect=connection.dialect)
    if compiled.positiontup is not None:  # a positional paramstyle (SQLite's qmark)
        order = itemgetter(*compiled.positiontup)
        connection.exec_driver_sql(compiled.string, [order(row) for row in rows])
    else:
        connection.exec_driver_sql(compiled.string, rows)


def _id(ref: _Ref | None) -> int:
    assert ref is not None and ref.id is not None, "a row was used before it was inserted"
    return ref.id


def _existing(
    connection: Connection, model: type[Quote] | type[Appearance], digests: Iterable[str]
) -> dict[str, int]:
    """The ids of the recorded rows with these content hashes."""
    found: dict[str, int] = {}
    for chunk in _chunks(set(digests)):
        query = select(model.content_hash, model.id).where(model.content_hash.in_(chunk))
        found.update((digest, row_id) for digest, row_id in connection.execute(query) if digest is not None)
    return found


# --- the import ---------------------------------------------------------------------------------------------------
def import_feed(
    engine: Engine,
    lines: Iterable[str | bytes],
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_commit: Callable[[FeedSummary], None] | None = None,
) -> FeedSummary:
    """Import a quote feed, committing every `batch_size` lines; returns what it did.

    The documented exception to "the caller owns the transaction": it takes an Engine and commits each batch
    on its own, so that an error, a crash or Ctrl-C loses at most the batch in flight, and running the same
    feed again completes the rest (what is recorded is recognised by its hash, never duplicated). The
    exception propagates; `on_commit` has been given the summary of what was committed before it (the same
    object after each batch: read it, don't keep it).
    """
    if batch_size < 1:
        raise ValidationError(
            f"batch size {batch_size} is not positive; give 1 or more (default {DEFAULT_BATCH_SIZE})"
        )
    importer = _Importer(engine)
    parsed: list[_Line] = []
    counts = FeedSummary()
    for number, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        counts.read += 1
        try:
            parsed.append(_parse(number, raw))
        except ValidationError as error:
            counts.rejected.append((number, error.message))
        if counts.read >= batch_size:
            importer.write(parsed, counts)
            parsed, counts = [], FeedSummary()
            if on_commit is not None:
                on_commit(importer.summary)
    if counts.read:
        importer.write(parsed, counts)
        if on_commit is not None:
            on_commit(importer.summary)
    return importer.summary


class FeedFile:
    """A feed file read as raw lines: plain, or compressed as .gz, .bz2 or .xz; it knows how far it has read."""

    def __init__(self, path: Path) -> None:
        if not path.is_file():
            raise ValidationError(f"{path} is not a file; give the path of a JSON Lines quote feed")
        self.path = path
        self.size = path.stat().st_size  # on disk, as `position` counts
        self._raw: IO[bytes] = path.open("rb")
        suffix = path.suffix.lower()
        self._lines: IO[bytes] | io.BufferedIOBase
        if suffix == ".gz":
            self._lines = gzip.GzipFile(fileobj=self._raw)
        elif suffix == ".bz2":
            self._lines = bz2.BZ2File(self._raw)
        elif suffix == ".xz":
            self._lines = lzma.LZMAFile(self._raw)  # noqa: SIM115 - closed by close()
        else:
            self._lines = self._raw

    def position(self) -> int:
        """Bytes of the file read so far (of the compressed file, for a compressed feed)."""
        return self._raw.tell()

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._lines)

    def close(self) -> None:
        self._lines.close()
        self._raw.close()

    def __enter__(self) -> FeedFile:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

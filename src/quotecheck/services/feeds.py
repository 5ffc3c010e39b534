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
import gc
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
from sqlalchemy.exc import DBAPIError

from quotecheck.auth import Actor, cli_actor
from quotecheck.db import writing
from quotecheck.enums import AliasKind, AppearanceRelation, OutletKind, SourceKind, SpeakerKind
from quotecheck.errors import ValidationError
from quotecheck.models import Appearance, Outlet, Quote, Source, Speaker, SpeakerAlias
from quotecheck.models.base import Base
from quotecheck.names import surname_key
from quotecheck.partial_date import PartialDate
from quotecheck.services import _validate as v
from quotecheck.services import audit
from quotecheck.services.appearances import appearance_hash
from quotecheck.services.quotes import quote_hash
from quotecheck.text import name_key

__all__ = ["DEFAULT_BATCH_SIZE", "FeedFile", "FeedSummary", "import_feed"]

# A commit writes every page its batch touched, and rows land all over the hash indexes, so bigger batches
# write less: on SQLite, batches of 10,000 lines import a third faster than batches of 2,000
# (benchmarks/feed_bench.py), and the batch that Ctrl-C loses is a second's work.
DEFAULT_BATCH_SIZE = 10_000
_SQLITE_CACHE_KIB = 65_536  # SQLite's page cache for the import's connection (its default is 2 MiB)
# Names, Wikidata ids and URLs the import remembers; past this many it forgets them, and looks them up again.
_CACHE_LIMIT = 1_000_000
_MEMO = 1 << 16  # distinct values remembered by each check of a field
_WIKIDATA = re.compile(r"^Q[1-9][0-9]{0,14}$")  # the speaker table's check: at most 16 characters
# A date, perhaps followed by a time of day (Quotebank writes "2015-08-31 02:10:00"): the day is kept.
_DATE = re.compile(
    r"^\s*(\d{4}(?:-\d{1,2}(?:-\d{1,2})?)?)(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\s*$"
)
# A line without these holds no NUL and no unpaired surrogate, two things the databases refuse to store.
_RISKY = re.compile(r"\\u(?:0000|[dD][89abcdefABCDEF])|[\ud800-\udfff]")
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


def _text(value: object, name: str, careful: bool) -> str | None:
    """A string field, stripped (None when absent or blank); text the databases would refuse is an error."""
    if value is None:
        return None
    if type(value) is not str:
        raise ValidationError(f"{name} must be a string, not {type(value).__name__}")
    if careful:  # only a line with a \u0000 or a surrogate escape can hold either
        if "\x00" in value:
            raise ValidationError(f"{name} contains a NUL character; remove it")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValidationError(
                f"{name} contains an unpaired surrogate (\\ud800-\\udfff); fix it"
            ) from None
    return value.strip() or None


def _texts(value: object, name: str, careful: bool, example: str) -> list[str]:
    """A field holding a list of strings (or one string), stripped, blanks dropped."""
    if value is None:
        return []
    items = [value] if type(value) is str else value
    if type(items) is not list or any(type(item) is not str for item in items):
        raise ValidationError(f"{name} must be a list of strings, like {example}")
    return [text for item in items if (text := _text(item, name, careful)) is not None]


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
        line = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        record = json.loads(line.removeprefix("\ufeff") if number == 1 else line)
    except UnicodeDecodeError:
        raise ValidationError("not UTF-8 text; re-encode the feed as UTF-8") from None
    except json.JSONDecodeError as error:
        raise ValidationError(
            f"not JSON ({error.msg} at column {error.colno}); write one JSON object a line"
        ) from None
    if type(record) is not dict:
        raise ValidationError("not a JSON object; write one object a line, with quotation and speaker")
    careful = ("\\u" in line or not line.isascii()) and _RISKY.search(line) is not None
    text = _text(record.get("quotation"), "quotation", careful)
    if text is None:
        raise ValidationError("quotation is missing or empty; give the quoted words")
    speaker = _text(record.get("speaker"), "speaker", careful)
    if speaker is None or speaker.casefold() in _NO_SPEAKER:
        raise ValidationError(
            "speaker is missing; give who is quoted (unattributed quotes cannot be imported)"
        )
    key = _name_key(speaker)
    if not key:
        raise ValidationError(f"speaker {speaker!r} has no letters or digits; give the speaker's name")
    qids = _qids(tuple(_texts(record.get("qids"), "qids", careful, '["Q150851"]')))
    urls: list[str] = []
    for item in [
        *_texts(record.get("urls"), "urls", careful, '["https://…"]'),
        *_texts(record.get("source"), "source", careful, '"https://…"'),
    ]:
        address = _url(item, "urls")
        if address is not None and address not in urls:
            urls.append(address)
    outlet = _text(record.get("outlet"), "outlet", careful)
    if outlet is not None and not _name_key(outlet):
        raise ValidationError(f"outlet {outlet!r} has no letters or digits; give the outlet's name")
    date = _text(record.get("date"), "date", careful)
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
        language=_language(_text(record.get("language"), "language", careful)),
    )


# --- writing batches --------------------------------------------------------------------------------------------
def _hosts(address: str) -> list[str]:
    """The URL's host and the domains above it, longest first ("edition.cnn.com", "cnn.com")."""
    labels = v.domain_of(address).split(".")
    return [".".join(labels[i:]) for i in range(len(labels) - 1)]


def _outlet_host(text: str) -> str:
    """An outlet given as a web address or a domain, written as `Outlet.domain` holds it."""
    return v.domain_of(text) if "://" in text else text.lower().removeprefix("www.")


def _among(
    connection: Connection, column: Any, values: Collection[Any]
) -> tuple[ColumnElement[bool], dict[str, Any]]:
    """`column IN values` with the values as one parameter (a PostgreSQL array; a JSON array on SQLite).

    A plain IN renders one parameter per value, which for a batch's thousands of hashes costs more than the
    lookup, and SQLite caps the number of parameters.
    """
    if connection.dialect.name == "postgresql":
        return column == any_(bindparam("among", type_=ARRAY(column.type))), {"among": list(values)}
    listed = select(literal_column("value", String())).select_from(
        func.json_each(bindparam("among", type_=String()))
    )
    return column.in_(listed.scalar_subquery()), {"among": json.dumps(list(values))}


def _existing(
    connection: Connection, model: type[Quote] | type[Appearance], digests: Collection[str]
) -> dict[str, int]:
    """The ids of recorded rows by content hash."""
    if not digests:
        return {}
    where, values = _among(connection, model.content_hash, digests)
    rows = connection.execute(select(model.content_hash, model.id).where(where), values).all()
    return {digest: row_id for digest, row_id in rows if digest is not None}


def _insert(model: type[Base]) -> Insert:
    """A bulk insert whose rows the database stamps (once a statement, rather than once a row in Python)."""
    return insert(model).values(created_at=func.now(), updated_at=func.now())


def _insert_rows(connection: Connection, model: type[Base], rows: list[dict[str, Any]]) -> None:
    """Insert rows given in the database's own terms (integers, strings, None) by each engine's bulk path.

    PostgreSQL: COPY, its bulk loader (ten times the rate of row-by-row INSERTs; the timestamps take their
    server default, now()). SQLite: Core's INSERT, compiled once, run by the driver's executemany. Both skip
    SQLAlchemy's processing of each row's parameters, which for a feed's quotes and appearances costs as much
    as the database's own work.
    """
    columns = list(rows[0])
    if connection.dialect.name == "postgresql":
        quote = connection.dialect.identifier_preparer.quote
        order = itemgetter(*columns)
        copy_in = (
            f"COPY {quote(model.__tablename__)} ({', '.join(quote(name) for name in columns)}) FROM STDIN"
        )
        psycopg: Any = connection.connection.driver_connection  # in the transaction the batch holds
        driver_error = connection.dialect.loaded_dbapi.Error
        try:
            with psycopg.cursor() as cursor, cursor.copy(copy_in) as copy:
                for row in rows:
                    copy.write_row(order(row))
        except driver_error as error:  # raised as SQLAlchemy raises the errors of its own statements
            raise DBAPIError.instance(
                copy_in, None, error, driver_error, dialect=connection.dialect
            ) from error
        return
    compiled = (
        _insert(model).values({name: bindparam(name) for name in columns}).compile(dialect=connection.dialect)
    )
    assert compiled.positiontup is not None  # SQLite's paramstyle is positional ("?")
    order = itemgetter(*compiled.positiontup)
    connection.exec_driver_sql(compiled.string, [order(row) for row in rows])


def _id(ref: _Ref | None) -> int:
    assert ref is not None and ref.id is not None, "a row was used before it was inserted"
    return ref.id


@dataclass(slots=True)
class _Batch:
    """A batch in flight: its lines, what it counts, and the rows it makes (inserted table by table)."""

    lines: list[_Line]
    counts: FeedSummary
    speakers: list[tuple[_SpeakerRef, _Line, str | None]] = field(default_factory=list)  # (ref, line, qid)
    aliases: list[tuple[_SpeakerRef, _Line]] = field(default_factory=list)
    # (ref, URL, the first line citing it)
    sources: list[tuple[_Ref, str, _Line]] = field(default_factory=list)


class _Importer:
    """Remembers what the feed has met, so that each batch looks up only what is new to it."""

    def __init__(self, engine: Engine, actor: Actor) -> None:
        self.engine = writing(engine)
        self.actor = actor
        self.summary = FeedSummary()
        self._forget()

    def _forget(self) -> None:
        self.speakers: dict[int, _SpeakerRef] = {}  # one ref a recorded speaker, shared by the maps below
        self.by_qid: dict[str, _SpeakerRef | None] = {}
        self.by_name: dict[str, list[_SpeakerRef]] = {}  # folded name or alias -> its speakers, by id
        self.outlets: dict[str, _OutletRef | None] = {}  # by the folded name a feed gives
        self.domains: dict[str, _OutletRef | None] = {}
        self.urls: dict[str, _UrlSources] = {}

    def write(self, lines: list[_Line], counts: FeedSummary) -> None:
        """Write a batch in one transaction (holding SQLite's write lock from its start), then count it."""
        if len(self.by_qid) + len(self.by_name) + len(self.urls) > _CACHE_LIMIT:
            self._forget()  # all of it is committed, so it can be looked up again
        if lines:
            with self.engine.begin() as connection:
                if connection.dialect.name == "sqlite":
                    # Rows land all over the hash indexes: with the batch's pages in the cache, each is written
                    # once, at commit. (The setting stays with the pooled connection; it only caps memory.)
                    connection.exec_driver_sql(f"PRAGMA cache_size = -{_SQLITE_CACHE_KIB}")
                self._write(connection, _Batch(lines, counts))
                detail = {
                    "lines": counts.read,
                    "quotes": counts.quotes,
                    "appearances": counts.appearances,
                    "speakers": counts.speakers,
                    "sources": counts.sources,
                    "rejected": len(counts.rejected),
                }
                if any(counts_added(counts)):  # a batch recorded already writes nothing
                    audit.record_rows(connection, self.actor, "importQuotes", detail=detail)
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
        quote_ids = _existing(connection, Quote, set(digests))
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
            quote_ids.update(_existing(connection, Quote, quotes.keys()))
            counts.quotes += len(quotes)

        # Appearances: the same, by their hashes.
        appearances: dict[str, dict[str, Any]] = {}
        owners: list[tuple[int, str]] = []  # (line index, appearance hash)
        verbatim = AppearanceRelation.VERBATIM.name
        for index, (line, digest) in enumerate(zip(lines, digests, strict=True)):
            quote_id = quote_ids[digest]
            for source, start in line.spots:
                source_id = _id(source)
                appearance = appearance_hash(quote_id, source_id, start, line.text)
                owners.append((index, appearance))
                if appearance not in appearances:
                    appearances[appearance] = {
                        "quote_id": quote_id,
                        "source_id": source_id,
                        "text": line.text,
                        "char_start": start,
                        "char_end": None if start is None else start + len(line.text),
                        "relation": verbatim,
                        "content_hash": appearance,
                        "version": 1,
                    }
        for digest in _existing(connection, Appearance, appearances.keys()):
            del appearances[digest]
        if appearances:
            _insert_rows(connection, Appearance, list(appearances.values()))
            counts.appearances += len(appearances)
            # Credit the first line that carried each new appearance.
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
        if not unknown:
            return
        where, values = _among(connection, Speaker.wikidata_id, unknown)
        for qid, speaker_id in connection.execute(
            select(Speaker.wikidata_id, Speaker.id).where(where), values
        ):
            if qid is not None:
                self.by_qid[qid] = self._speaker(speaker_id)
        for qid in unknown:
            self.by_qid.setdefault(qid, None)

    def _load_names_of(self, connection: Connection, speaker_ids: set[int]) -> None:
        """The names of speakers found by qid, to tell a new spelling (an alias to record) from a known one."""
        if not speaker_ids:
            return
        where, values = _among(connection, Speaker.id, speaker_ids)
        alias_where, _ = _among(connection, SpeakerAlias.speaker_id, speaker_ids)
        query = union_all(
            select(Speaker.id, Speaker.name_key).where(where),
            select(SpeakerAlias.speaker_id, SpeakerAlias.name_key).where(alias_where),
        )
        for speaker_id, key in connection.execute(query, values):
            ref = self._speaker(speaker_id)
            ref.keys = (ref.keys or set()) | {key}

    def _load_named(self, connection: Connection, keys: set[str]) -> None:
        """The speakers with these names or aliases (folded), for the lines without qids."""
        unknown = keys - self.by_name.keys()
        if not unknown:
            return
        where, values = _among(connection, Speaker.name_key, unknown)
        alias_where, _ = _among(connection, SpeakerAlias.name_key, unknown)
        query = union_all(
            select(Speaker.name_key, Speaker.id).where(where),
            select(SpeakerAlias.name_key, SpeakerAlias.speaker_id).where(alias_where),
        )
        named: dict[str, set[int]] = {}
        for key, speaker_id in connection.execute(query, values):
            named.setdefault(key, set()).add(speaker_id)
        for key in unknown:
            self.by_name[key] = [self._speaker(speaker_id) for speaker_id in sorted(named.get(key, set()))]

    def _also_named(self, key: str, ref: _SpeakerRef) -> None:
        # A name not looked up yet needs nothing: its first lookup will find the row, written by then.
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
            rows = [
                {
                    "name": line.speaker,
                    "name_key": line.key,
                    "surname_key": surname_key(line.speaker),
                    "kind": SpeakerKind.PERSON,
                    "wikidata_id": qid,
                    "description": None,
                    "version": 1,
                }
                for _, line, qid in batch.speakers
            ]
            # New speakers differ by Wikidata id, or (having none) by name: RETURNING says which id is whose.
            query = _insert(Speaker).returning(Speaker.name_key, Speaker.wikidata_id, Speaker.id)
            made = {(key, qid): speaker_id for key, qid, speaker_id in connection.execute(query, rows)}
            for ref, line, qid in batch.speakers:
                ref.id = made[line.key, qid]
                self.speakers[ref.id] = ref
            batch.counts.speakers += len(rows)
        if batch.aliases:
            aliases = [
                {
                    "speaker_id": _id(ref),
                    "name": line.speaker,
                    "name_key": line.key,
                    "surname_key": surname_key(line.speaker),
                    "kind": AliasKind.SPELLING,
                    "language": None,
                }
                for ref, line in batch.aliases
            ]
            connection.execute(_insert(SpeakerAlias), aliases)

    # --- sources and outlets ------------------------------------------------------------------------------------
    def _place(self, connection: Connection, batch: _Batch) -> None:
        """Find each line's source for each URL: one holding the words in its text, else the URL's bare one."""
        urls = {url for line in batch.lines for url in line.urls} - self.urls.keys()
        if urls:
            where, values = _among(connection, Source.url, urls)
            query = select(Source.id, Source.url, Source.text).where(where).order_by(Source.id)
            for source_id, url, text in connection.execute(query, values):
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

    def _load_outlets(self, connection: Connection, lines: list[_Line]) -> None:
        """Look up the outlets these lines name, and for lines naming none, those of their URLs' domains."""
        given = {_name_key(line.outlet): line.outlet for line in lines if line.outlet is not None}
        given = {key: text for key, text in given.items() if key not in self.outlets}
        hosts = {_outlet_host(text) for text in given.values()}
        hosts |= {host for line in lines if line.outlet is None for url in line.urls for host in _hosts(url)}
        hosts -= self.domains.keys()
        if hosts:
            where, values = _among(connection, Outlet.domain, hosts)
            for domain, outlet_id in connection.execute(
                select(Outlet.domain, Outlet.id).where(where), values
            ):
                if domain is not None:
                    self.domains[domain] = _OutletRef(outlet_id)
            for host in hosts:
                self.domains.setdefault(host, None)
        if given:
            where, values = _among(connection, Outlet.name_key, given.keys())
            by_key = dict(connection.execute(select(Outlet.name_key, Outlet.id).where(where), values).all())
            for key, text in given.items():
                # by name, or else a name that is a recorded outlet's web domain ("foreignpolicy.com")
                self.outlets[key] = (
                    _OutletRef(by_key[key]) if key in by_key else self.domains[_outlet_host(text)]
                )

    def _outlet_of(self, line: _Line, url: str) -> _OutletRef | None:
        """A new source's publisher: the outlet its line names (made if new), else its domain's, if recorded."""
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
        new = list({id(ref): ref for ref in publishers if ref is not None and ref.id is None}.values())
        if new:
            outlets: list[dict[str, Any]] = [
                {
                    "name": ref.name,
                    "name_key": _name_key(ref.name),
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
            outlet_ids = dict(connection.execute(query, outlets).all())
            for ref in new:
                ref.id = outlet_ids[_name_key(ref.name)]
            batch.counts.outlets += len(outlets)
        sources = [
            {
                "kind": SourceKind.ARTICLE.name,
                "title": url,
                "url": url,
                "outlet_id": None if outlet is None else _id(outlet),
                "version": 1,
            }
            for (_, url, _), outlet in zip(batch.sources, publishers, strict=True)
        ]
        _insert_rows(connection, Source, sources)
        where, values = _among(connection, Source.url, [url for _, url, _ in batch.sources])
        made = select(Source.url, Source.id).where(where, Source.content_hash.is_(None))
        source_ids = dict(connection.execute(made, values).all())
        for source, url, _ in batch.sources:
            source.id = source_ids[url]
        batch.counts.sources += len(sources)


# --- the import ---------------------------------------------------------------------------------------------------
def counts_added(counts: FeedSummary) -> tuple[int, ...]:
    return (counts.quotes, counts.appearances, counts.speakers, counts.sources, counts.outlets)


def import_feed(
    engine: Engine,
    lines: Iterable[str | bytes],
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_commit: Callable[[FeedSummary], None] | None = None,
    actor: Actor | None = None,
) -> FeedSummary:
    """Import a quote feed, committing every `batch_size` lines; returns what it did.

    The documented exception to "the caller owns the transaction": it takes an Engine and commits each batch
    in a transaction of its own, so that an error, a crash or Ctrl-C loses at most the batch in flight, and
    importing the same feed again completes the rest (what is recorded is recognised by its hash, never
    duplicated). An exception propagates; `on_commit` has been given the summary after each committed batch
    (the same object each time, counting committed batches only: read it, or keep it to read after an error).
    Each batch records one audit event (operation `importQuotes`, its counts) in its own transaction.
    """
    if batch_size < 1:
        raise ValidationError(
            f"batch size {batch_size} is not positive; give 1 or more (default {DEFAULT_BATCH_SIZE})"
        )
    importer = _Importer(engine, actor or cli_actor())
    parsed: list[_Line] = []
    counts = FeedSummary()
    # The import makes no reference cycles, but a batch keeps tens of thousands of young objects alive, which
    # the cyclic collector would scan over and over: paused, the import runs about an eighth faster.
    collecting = gc.isenabled()
    gc.disable()
    try:
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
    finally:
        if collecting:
            gc.enable()
    return importer.summary


class FeedFile:
    """A feed read as raw lines: a file, plain or compressed (.gz, .bz2, .xz), or a pipe (/dev/stdin).

    `size` and `position` measure the file on disk (compressed, if it is), for a progress bar; a pipe has no
    size (0), and its position counts the bytes read.
    """

    def __init__(self, path: Path) -> None:
        if not path.exists() or path.is_dir():
            raise ValidationError(f"{path} is not a file; give the path of a JSON Lines quote feed")
        self.path = path
        self.size = path.stat().st_size if path.is_file() else 0
        self._raw: IO[bytes] = path.open("rb")
        self._seekable = self._raw.seekable()
        self._read = 0
        self._lines: IO[bytes] | io.BufferedIOBase
        suffix = path.suffix.lower()
        if suffix == ".gz":
            self._lines = gzip.GzipFile(fileobj=self._raw)
        elif suffix == ".bz2":
            self._lines = bz2.BZ2File(self._raw)
        elif suffix == ".xz":
            self._lines = lzma.LZMAFile(self._raw)  # noqa: SIM115 - closed by close()
        else:
            self._lines = self._raw

    def position(self) -> int:
        """How far the feed has been read, in bytes of the file on disk (or of the pipe)."""
        return self._raw.tell() if self._seekable else self._read

    def __iter__(self) -> Iterator[bytes]:
        if self._seekable:
            yield from self._lines
            return
        for line in self._lines:
            self._read += len(line)
            yield line

    def close(self) -> None:
        self._lines.close()
        self._raw.close()

    def __enter__(self) -> FeedFile:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

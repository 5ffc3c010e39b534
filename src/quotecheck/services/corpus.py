"""A generated corpus for benchmarks: realistic in shape, reproducible from a seed, written at bulk speed.

`generate_corpus` fills a database with speakers (aliases, roles over time), outlets, interviews with their
participants and a TRANSCRIPT each (its turns hold the interview's quotes verbatim), ARTICLE and BRIEF
sources of other outlets that reprint the quotes (EXCERPT, PARAPHRASE, HEADLINE; each taken from the
transcript or from an earlier reprint, so provenance chains run up to three appearances deep), topics and
fact-checks. Words come from a vocabulary with a Zipf-like frequency (function words common, most words
rare); languages are mostly English, some French and German; dates are partial at all three precisions.

The same seed writes the same rows (ids included, into an empty database). Content hashes are those the
services compute, so later imports recognise the rows, and the quote check's search index (`shingle`) is
filled as `services.index.index_source` would fill it (unless `index=False`).

Speed (`docs/performance.md` has the figures and the profile): words are drawn by a table lookup done
in C; rows are made as plain tuples with their ids assigned here, a batch of tables at a time, and written
by a second thread while the next batch is made (`_Rows`: PostgreSQL by COPY; SQLite by one INSERT ...
SELECT per table over a JSON array, which runs without Python's lock). Into empty tables, the secondary
indexes and PostgreSQL's foreign keys are dropped first and made again at the end, and SQLite's full-text
triggers are replaced by one INSERT ... SELECT per batch: all in the one transaction (a failure rolls
everything back), with one audit event (operation `benchGenerate`).
"""

from __future__ import annotations

import array
import bisect
import datetime as dt
import functools
import hashlib
import itertools
import json
import operator
import random
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson
from sqlalchemy import Connection, Engine, func, select, text
from sqlalchemy.exc import DBAPIError

from quotecheck.auth import Actor, cli_actor
from quotecheck.db import writing
from quotecheck.errors import Conflict, ValidationError
from quotecheck.matching import content_words, shingles, words
from quotecheck.models import Base, Quote
from quotecheck.paraphrase import index_terms
from quotecheck.partial_date import PartialDate
from quotecheck.services import audit
from quotecheck.services.index import shingle_hash
from quotecheck.services.sources import content_hash
from quotecheck.text import name_key

__all__ = ["TABLES", "CorpusSummary", "generate_corpus"]

MAX_QUOTES = 10_000_000
# The tables written, in the order their rows are inserted (parents first).
TABLES = (
    "speaker",
    "speaker_alias",
    "speaker_role",
    "outlet",
    "topic",
    "interview",
    "participant",
    "source",
    "turn",
    "quote",
    "quote_topic",
    "appearance",
    "fact_check",
    "evidence",
    "shingle",
)
# The columns written; the others take their server defaults (version 1, timestamps now).
_COLUMNS: dict[str, tuple[str, ...]] = {
    "speaker": ("id", "name", "name_key", "kind", "wikidata_id", "description"),
    "speaker_alias": ("id", "speaker_id", "name", "name_key", "kind", "language"),
    "speaker_role": ("id", "speaker_id", "title", "title_key", "organization", "started", "ended"),
    "outlet": ("id", "name", "name_key", "kind", "url", "domain", "country", "languages"),
    "topic": ("id", "name", "slug"),
    "interview": ("id", "kind", "title", "outlet_id", "held_on", "place", "medium", "language"),
    "participant": ("id", "interview_id", "speaker_id", "role", "title_as_written"),
    "source": (
        "id",
        "kind",
        "title",
        "url",
        "outlet_id",
        "interview_id",
        "published_on",
        "language",
        "text",
        "content_hash",
    ),
    "turn": ("id", "source_id", "position", "speaker_id", "label", "char_start", "char_end"),
    "quote": ("id", "speaker_id", "text", "language", "said_on", "interview_id", "content_hash"),
    "quote_topic": ("quote_id", "topic_id"),
    "appearance": (
        "id",
        "quote_id",
        "source_id",
        "text",
        "char_start",
        "char_end",
        "attribution",
        "relation",
        "taken_from_appearance_id",
        "taken_from_source_id",
        "cited_as",
        "content_hash",
    ),
    "fact_check": (
        "id",
        "quote_id",
        "claim_reviewed",
        "verdict",
        "status",
        "summary",
        "reviewer",
        "publisher",
        "url",
        "reviewed_on",
        "published_at",
    ),
    "evidence": (
        "id",
        "fact_check_id",
        "position",
        "source_id",
        "appearance_id",
        "passage",
        "char_start",
        "char_end",
    ),
    "shingle": ("hash", "source_id", "position"),
}
# SQLite's full-text tables (migration 0005): `<table>_fts` over these columns, filled by `<table>_fts_insert`.
_FTS = {"quote": ("text",), "source": ("title", "text")}
_PG_INDEX_MEMORY = "256MB"  # for building the indexes at the end (default 64MB: the GIN builds spill)
_CHUNK_QUOTES = 20_000
_STAGE = "temp.corpus_shingle"
_BUFFERED_WORDS = 1 << 16  # quotes made before their rows are written (memory stays flat at a million)
_SQLITE_CACHE_KIB = 524_288  # the generator's page cache: the hash indexes take rows all over

# --- words ---------------------------------------------------------------------------------------------------
_FUNCTION = {  # split on spaces
    "en": (
        "the of and to a in that is it for we on with as be this not are have they was but at by "
        "our what there will from all would can so if more been about"
    ),
    "fr": (
        "le la les de des et un une que qui est pas nous pour dans en sur avec ce il sont mais plus "
        "au du ne se"
    ),
    "de": (
        "der die das und ist nicht wir zu den mit von ein eine es auf sich dass auch sind aber im "
        "für an dem als"
    ),
}
_SYLLABLES = {  # split on spaces
    "en": (
        "ba be bi bo da de di do fa fe fi ga ge go ha he ka ke ko la le li lo ma me mi mo na ne ni "
        "no pa pe po ra re ri ro sa se si so ta te ti to va ve vi wa we ya zo ar er in on or an en "
        "st th ch sh"
    ),
    "fr": (
        "ba be bi bou ca ce ci co da de di dou fa fe fi ga ge gi la le li lou ma me mi mou na ne ni "
        "nou pa pe pi pou ra re ri rou sa se si sou ta te ti tou va ve vi on an en ai eau ère ité"
    ),
    "de": (
        "ba be bi bo da de di do fa fe fi ga ge gi ha he hi ka ke ki la le li ma me mi na ne ni pa "
        "pe ra re ri sa se si ta te ti wa we wi zu ei au sch ung ber kei ach"
    ),
}
_VOCABULARY = {"en": 30_000, "fr": 8_000, "de": 8_000}
_LANGUAGES = (("en", 0.88), ("fr", 0.07), ("de", 0.05))
_NAME_SYLLABLES = "al an ar ba be da de el en er ia ka ki la le li lo ma mi na ne ni no ol on or ra re ri ro sa se si ta te ti va vi yo za"
_TITLES = [
    ("Minister of Foreign Affairs", "Government"),
    ("Minister of Finance", "Government"),
    ("Prime Minister", "Government"),
    ("President", "Republic"),
    ("Senator", "Senate"),
    ("Member of Parliament", "Parliament"),
    ("Governor", "State"),
    ("Mayor", "City Council"),
    ("Ambassador", "Foreign Service"),
    ("Spokesperson", "Ministry of Defence"),
    ("Chief Executive", "Company"),
    ("Central Bank Governor", "Central Bank"),
    ("Secretary-General", "Alliance"),
    ("Party Leader", "Party"),
]
_PLACES = [
    "Geneva",
    "Brussels",
    "Paris",
    "Berlin",
    "Washington",
    "Moscow",
    "Tokyo",
    "Nairobi",
    "Brasília",
    "Delhi",
]
_TOPICS = [
    "Climate",
    "Elections",
    "Trade",
    "NATO",
    "Missile defence",
    "Energy",
    "Migration",
    "Health",
    "Inflation",
    "Education",
    "Housing",
    "Technology",
    "Security",
    "Agriculture",
    "Transport",
    "Human rights",
]
_PUBLISHERS = [
    ("Factline", "factline.example"),
    ("CheckDesk", "checkdesk.example"),
    ("Vérif", "verif.example"),
    ("Faktenlage", "faktenlage.example"),
    ("TruthMeter", "truthmeter.example"),
]
_OUTLET_KINDS = ["NEWSPAPER", "MAGAZINE", "BROADCASTER", "NEWS_AGENCY", "WEBSITE", "WIRE", "GOVERNMENT"]
_COUNTRY = {"en": ["GB", "US", "IE", "AU", "CA"], "fr": ["FR", "BE", "CH"], "de": ["DE", "AT", "CH"]}
_INTERVIEW_KINDS = ("INTERVIEW", "PRESS_CONFERENCE", "SPEECH", "DEBATE", "HEARING")
_INTERVIEW_WEIGHTS = (0.7, 0.12, 0.08, 0.05, 0.05)
_VERDICTS = ("VERBATIM", "VERBATIM_WITH_ELISIONS", "ALTERED", "PARAPHRASED", "MISATTRIBUTED", "NOT_FOUND")
_FIRST_DAY = dt.date(2000, 1, 1).toordinal()
_LAST_DAY = dt.date(2024, 12, 31).toordinal()


class _Words:
    """Zipf-ish text in one language: function words head the ranking, invented words fill its long tail."""

    def __init__(self, rng: random.Random, language: str) -> None:
        syllables = _SYLLABLES[language].split()
        function = _FUNCTION[language].split()
        made: set[str] = set(function)
        invented: list[str] = []
        while len(invented) < _VOCABULARY[language]:
            word = "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))
            if word not in made:
                made.add(word)
                invented.append(word)
        self.words = function + invented
        # Each word's index stem (None for a function word), folded as the quote check folds it.
        self.stems: dict[str, str | None] = {}
        for word in self.words:
            stem = content_words([found.key for found in words(word)])
            self.stems[word] = stem[0] if stem else None
        cumulative = list(itertools.accumulate(1.0 / (rank + 2.7) ** 1.05 for rank in range(len(self.words))))
        # Each word's share of [0, 2**32): 32 random bits pick a word. The top 16 bits alone decide most draws,
        # looked up in a table (None where a word's share ends inside that slice: the bisection then decides).
        self.bounds = [round(c / cumulative[-1] * 2**32) for c in cumulative]
        self.table: list[str | None] = []
        for top in range(1 << 16):
            first = bisect.bisect_right(self.bounds, top << 16)
            last = bisect.bisect_right(self.bounds, ((top + 1) << 16) - 1)
            self.table.append(self.words[first] if first == last else None)
        self.pick = functools.partial(bisect.bisect_right, self.bounds)
        self.rng = rng
        self.buffer: list[str] = []
        self.at = 0

    def tokens(self, count: int) -> list[str]:
        """`count` words drawn by frequency (from a buffer drawn ahead, `_BUFFERED_WORDS` at a time)."""
        at = self.at
        if at + count > len(self.buffer):
            self.buffer, at = self.buffer[at:] + self._draw(max(count, _BUFFERED_WORDS)), 0
        self.at = at + count
        return self.buffer[at : at + count]

    def _draw(self, count: int) -> list[str]:
        """Words drawn by frequency, mostly by a table lookup done in C (`random.choices` would run Python
        code and a bisection per word)."""
        draws = array.array("H", self.rng.randbytes(2 * count))
        if sys.byteorder == "big":  # the same seed draws the same words on every machine
            draws.byteswap()
        found = list(map(self.table.__getitem__, draws))
        # The draws the table leaves open take 16 more bits, and a bisection: still no Python loop but one
        # assignment each.
        open_ = list(itertools.compress(range(count), map(operator.is_, found, itertools.repeat(None))))
        low = array.array("H", self.rng.randbytes(2 * len(open_)))
        if sys.byteorder == "big":
            low.byteswap()
        high = map(operator.lshift, map(draws.__getitem__, open_), itertools.repeat(16))
        for at, word in zip(
            open_, map(self.words.__getitem__, map(self.pick, map(operator.or_, high, low))), strict=True
        ):
            found[at] = word
        return found  # type: ignore[return-value]  # every None was replaced

    def sentence(self, count: int, end: str = ".") -> tuple[str, list[str]]:
        """A sentence and its words (as the vocabulary spells them)."""
        tokens = self.tokens(count)
        text = " ".join(tokens)
        return text[0].upper() + text[1:] + end, tokens


def _quote_hash(speaker_id: int, text: str) -> str:
    """`services.quotes.quote_hash` for words spaced once (as all made here are), without re-spacing them."""
    return hashlib.sha256(f"quote\x1f{speaker_id}\x1f{text}".encode()).hexdigest()


def _appearance_hash(quote_id: int, source_id: int, start: int, text: str) -> str:
    """`services.appearances.appearance_hash`, likewise (a test holds both to the services')."""
    return hashlib.sha256(
        f"appearance\x1f{quote_id}\x1f{source_id}\x1f{start}\x1f{text}".encode()
    ).hexdigest()


def _date(rng: random.Random, ordinal: int, weights: tuple[float, float, float]) -> PartialDate:
    """A partial date within the day `ordinal`: known to the day, the month or the year."""
    day = dt.date.fromordinal(ordinal)
    precision = rng.random()
    if precision < weights[0]:
        return PartialDate(day.year, day.month, day.day)
    if precision < weights[0] + weights[1]:
        return PartialDate(day.year, day.month)
    return PartialDate(day.year)


def _coarser(rng: random.Random, date: PartialDate) -> PartialDate:
    """The same date, sometimes known less precisely (a quote's date as reported)."""
    roll = rng.random()
    if date.day is not None and roll < 0.75:
        return date
    if date.month is not None and roll < 0.9:
        return PartialDate(date.year, date.month)
    return PartialDate(date.year)


# --- the corpus ------------------------------------------------------------------------------------------------
@dataclass(slots=True)
class CorpusSummary:
    seed: int
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TABLES, 0))
    seconds: float = 0.0
    indexed: bool = True

    @property
    def rows(self) -> int:
        return sum(self.counts.values())

    @property
    def rate(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


@dataclass(slots=True)
class _Speaker:
    id: int
    name: str
    label: str  # how transcripts print the name
    title: str  # the latest role
    language: str


class _Ids:
    """The next id of each table (after the rows already recorded, when appending)."""

    def __init__(self, first: dict[str, int]) -> None:
        self.next = dict(first)

    def __call__(self, table: str) -> int:
        value = self.next[table]
        self.next[table] = value + 1
        return value


class _Rows:
    """Rows made and not yet written, by table; a second thread writes each batch, in `TABLES` order,
    while this one makes the next.

    SQLite: each table's rows of a batch go in as one JSON array, in one INSERT ... SELECT over its elements
    (encoding it takes this thread little time), which SQLite runs without Python's lock: `executemany` took
    the lock for every row, and waited for it while this thread held it. Then the full-text tables are
    filled for the batch's rows. PostgreSQL: COPY (the JSON route costs the server 4-12x its CPU); the
    server's share of the work, search vectors above all, is what overlaps the making."""

    def __init__(
        self, connection: Connection, summary: CorpusSummary, fts: Sequence[str] = (), staged: bool = False
    ) -> None:
        self.connection = connection
        self.summary = summary
        self.fts = fts  # SQLite: the tables whose full-text triggers are suspended (this fills their index)
        self.pending: dict[str, list[tuple[Any, ...]]] = {name: [] for name in TABLES}
        self.postgres = connection.dialect.name == "postgresql"
        self.statements = _statements(connection)
        if staged:  # SQLite: shingles go to `_STAGE` (see `_stage_shingles`)
            self.statements["shingle"] = self.statements["shingle"].replace(
                "INSERT INTO shingle ", f"INSERT INTO {_STAGE} "
            )
        self.job: threading.Thread | None = None
        self.failure: BaseException | None = None

    def write(self) -> None:
        """Hand the rows made so far to the writer (waiting for the batch before to be written first)."""
        self._wait()
        batch, self.pending = self.pending, {name: [] for name in TABLES}
        if self.postgres:
            self._start(lambda: self._copy(batch))
            return
        payloads: list[tuple[str, str]] = []
        ranges: list[tuple[str, int, int]] = []
        for name in TABLES:
            rows = batch[name]
            if rows:
                payloads.append((self.statements[name], orjson.dumps(rows).decode()))
                self.summary.counts[name] += len(rows)
                if name in self.fts:
                    ranges.append((name, min(row[0] for row in rows), max(row[0] for row in rows)))
        self._start(lambda: self._load(payloads, ranges))

    def finish(self) -> None:
        """Wait until every batch is written; raise the writer's error, if any."""
        self._wait()

    def stop(self) -> None:
        """Wait for the writer to stop (after the maker failed; the transaction is rolled back)."""
        if self.job is not None:
            self.job.join()
            self.job = None

    def _start(self, work: Callable[[], None]) -> None:
        def run() -> None:
            try:
                work()
            except BaseException as error:  # handed to the maker's thread, raised there
                self.failure = error

        self.job = threading.Thread(target=run, name="corpus-writer", daemon=True)
        self.job.start()

    def _wait(self) -> None:
        self.stop()
        if self.failure is not None:
            raise self.failure

    def _copy(self, batch: dict[str, list[tuple[Any, ...]]]) -> None:
        driver: Any = self.connection.connection.driver_connection
        driver_error = self.connection.dialect.loaded_dbapi.Error
        for name in TABLES:
            rows = batch[name]
            if not rows:
                continue
            statement = self.statements[name]
            try:
                with driver.cursor() as cursor, cursor.copy(statement) as copy:
                    for row in rows:
                        copy.write_row(row)
            except driver_error as error:
                raise DBAPIError.instance(
                    statement, None, error, driver_error, dialect=self.connection.dialect
                ) from error
            self.summary.counts[name] += len(rows)

    def _load(self, payloads: Sequence[tuple[str, str]], ranges: Sequence[tuple[str, int, int]]) -> None:
        for statement, payload in payloads:
            self.connection.exec_driver_sql(statement, (payload,))
        for name, first, last in ranges:
            columns = ", ".join(_FTS[name])
            self.connection.exec_driver_sql(
                f"INSERT INTO {name}_fts(rowid, {columns}) SELECT id, {columns} FROM {name} "
                "WHERE id BETWEEN ? AND ?",
                (first, last),
            )


def _statements(connection: Connection) -> dict[str, str]:
    """Per table, the statement that writes a batch: PostgreSQL's COPY, or SQLite's INSERT that takes the
    rows as one JSON array of arrays (`_COLUMNS` order)."""
    quote = connection.dialect.identifier_preparer.quote
    statements = {}
    for name in TABLES:
        columns = _COLUMNS[name]
        listed = ", ".join(quote(c) for c in columns)
        if connection.dialect.name == "postgresql":
            statements[name] = f"COPY {quote(name)} ({listed}) FROM STDIN"
        else:
            values = ", ".join(f"value ->> {i}" for i in range(len(columns)))
            statements[name] = f"INSERT INTO {quote(name)} ({listed}) SELECT {values} FROM json_each(?)"
    return statements


def _stage_shingles(connection: Connection) -> bool:
    """SQLite, into an empty `shingle` table: its rows go to a temporary table first and into `shingle` in
    key order at the end (`_unstage_shingles`). Its key begins with a hash, so rows inserted as made land
    all over its B-tree, which at a million quotes outgrows the page cache; in key order they are appended."""
    if connection.exec_driver_sql("SELECT 1 FROM shingle LIMIT 1").first() is not None:
        return False
    connection.exec_driver_sql(f"DROP TABLE IF EXISTS {_STAGE}")
    connection.exec_driver_sql(
        f"CREATE TEMP TABLE {_STAGE[5:]} (hash INTEGER, source_id INTEGER, position INTEGER)"
    )
    return True


def _unstage_shingles(connection: Connection) -> None:
    connection.exec_driver_sql(
        f"INSERT INTO shingle (hash, source_id, position) SELECT hash, source_id, position FROM {_STAGE} "
        "ORDER BY hash, source_id, position"
    )
    connection.exec_driver_sql(f"DROP TABLE {_STAGE}")


def _suspend_fts(connection: Connection) -> list[tuple[str, str, str]]:
    """SQLite: drop the triggers that index each inserted row for full-text search (`_Rows` indexes a batch
    at a time instead, several times faster); returns (table, trigger, its SQL) for `_restore_fts`. Inside the
    transaction, so a failure puts them back."""
    suspended = []
    for name in _FTS:
        trigger = f"{name}_fts_insert"
        sql = connection.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ? AND tbl_name = ?",
            (trigger, name),
        ).scalar()
        if sql is not None:
            connection.exec_driver_sql(f"DROP TRIGGER {trigger}")
            suspended.append((name, trigger, str(sql)))
    return suspended


def _restore_fts(connection: Connection, suspended: Sequence[tuple[str, str, str]]) -> None:
    for _, _, sql in suspended:
        connection.exec_driver_sql(sql)


def _suspend_indexes(connection: Connection) -> list[str]:
    """Drop the secondary indexes of the tables that are empty (those that back a constraint stay), and on
    PostgreSQL their foreign keys and the keys no foreign key refers to; returns the statements that make
    them again (`_restore_indexes`).

    Building an index over a million rows at once, and checking a foreign key over them in one join, cost a
    fraction of keeping them current row by row (PostgreSQL's manual, "Populating a Database"). Inside the
    transaction: a failure puts them back, and a unique index or a foreign key checks every row as it is
    made again."""
    quote = connection.dialect.identifier_preparer.quote
    drop: list[str] = []
    make: list[str] = []
    unique: list[str] = []
    keys: list[str] = []
    for name in TABLES:
        table = quote(name)
        if connection.exec_driver_sql(f"SELECT 1 FROM {table} LIMIT 1").first() is not None:
            continue
        if connection.dialect.name == "postgresql":
            for index, definition in connection.exec_driver_sql(
                "SELECT quote_ident(c.relname), pg_get_indexdef(i.indexrelid) FROM pg_index i "
                "JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = %s::regclass "
                "AND NOT EXISTS (SELECT FROM pg_constraint k WHERE k.conindid = i.indexrelid) ORDER BY 1",
                (table,),
            ):
                drop.append(f"DROP INDEX {index}")
                make.append(definition)
            # Its foreign keys; and its primary key and unique constraints that no foreign key refers to
            # (`shingle`'s key begins with a hash: kept current, it is written all over).
            for key, definition, kind in connection.exec_driver_sql(
                "SELECT quote_ident(conname), pg_get_constraintdef(oid), contype FROM pg_constraint k "
                "WHERE conrelid = %s::regclass AND (contype = 'f' OR contype IN ('p', 'u') AND NOT EXISTS "
                "(SELECT FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = k.conindid)) ORDER BY 1",
                (table,),
            ):
                drop.append(f"ALTER TABLE {table} DROP CONSTRAINT {key}")
                (keys if kind == "f" else unique).append(
                    f"ALTER TABLE {table} ADD CONSTRAINT {key} {definition}"
                )
        else:  # an index without SQL is a constraint's own
            for index, definition in connection.exec_driver_sql(
                "SELECT name, sql FROM sqlite_master "
                "WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY 1",
                (name,),
            ):
                drop.append(f"DROP INDEX {quote(index)}")
                make.append(definition)
    for statement in drop:
        connection.exec_driver_sql(statement)
    return make + unique + keys


def _restore_indexes(connection: Connection, statements: Sequence[str]) -> None:
    """Make again what `_suspend_indexes` dropped."""
    if statements and connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SET LOCAL maintenance_work_mem = '{_PG_INDEX_MEMORY}'")
    for statement in statements:
        connection.exec_driver_sql(statement)


class _Generator:
    def __init__(
        self, rng: random.Random, quotes: int, ids: _Ids, rows: _Rows, taken: dict[str, set[str]], index: bool
    ) -> None:
        self.rng = rng
        self.quotes = quotes
        self.id = ids
        self.rows = rows
        self.taken = taken
        self.index = index
        self.words = {language: _Words(rng, language) for language, _ in _LANGUAGES}
        self.hashes: dict[str, int] = {}
        self.pairs: dict[tuple[str, str], int] = {}
        self.name_syllables = _NAME_SYLLABLES.split()
        self.sqlite = not rows.postgres
        self.now = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)

    # --- small tables -------------------------------------------------------------------------------------------
    def _name(self) -> str:
        return "".join(
            self.rng.choice(self.name_syllables) for _ in range(self.rng.randint(2, 3))
        ).capitalize()

    def _unique(self, kind: str, value: str) -> str:
        """`value`, or `value N` when a recorded or generated row holds it already."""
        seen = self.taken[kind]
        candidate, n = value, 1
        while candidate in seen:
            n += 1
            candidate = f"{value} {n}"
        seen.add(candidate)
        return candidate

    def speakers(self) -> None:
        rng, add = self.rng, self.rows.pending
        count = max(12, self.quotes // 200)
        self.journalists: list[_Speaker] = []
        self.newsmakers: list[_Speaker] = []
        for n in range(count):
            speaker_id = self.id("speaker")
            language = rng.choices(("en", "fr", "de"), (0.85, 0.08, 0.07))[0]
            journalist = n % 10 == 0
            organization = not journalist and rng.random() < 0.05
            if organization:
                last = self._name()
                name = f"Ministry of {last}"
                short = "M" + last[:2].upper()
            else:
                first, last = self._name(), self._name()
                name = f"{first} {last}"
                short = last.upper()
            wikidata = f"Q{70_000_000 + speaker_id}" if rng.random() < 0.7 else None
            if wikidata in self.taken["wikidata"]:
                wikidata = None
            add["speaker"].append(
                (
                    speaker_id,
                    name,
                    name_key(name),
                    "ORGANIZATION" if organization else "PERSON",
                    wikidata,
                    None,
                )
            )
            keys = {name_key(name)}
            aliases: list[tuple[str, str, str | None]] = [(short, "SHORT_FORM", None)]
            if not organization:
                swapped = name.replace("i", "y", 1) if "i" in name else name.replace("a", "e", 1)
                aliases.append((swapped, "SPELLING", language))
                aliases.append((f"{first} {rng.choice('ABCDEFGHJKLMNPRSTW')}. {last}", "FULL_FORM", None))
            for alias, kind, alias_language in aliases[: rng.randint(1, len(aliases))]:
                key = name_key(alias)
                if key and key not in keys:
                    keys.add(key)
                    add["speaker_alias"].append(
                        (self.id("speaker_alias"), speaker_id, alias, key, kind, alias_language)
                    )
            title = "Correspondent" if journalist else ""
            year = rng.randint(1985, 2012)
            for k in range(rng.randint(1, 3)):
                role, organization_name = ("Correspondent", "Press") if journalist else rng.choice(_TITLES)
                started = _date(
                    rng, dt.date(year, rng.randint(1, 12), rng.randint(1, 28)).toordinal(), (0.5, 0.3, 0.2)
                )
                year = min(2024, year + rng.randint(1, 8))
                last_role = k == 2 or rng.random() < 0.4
                ended = (
                    None
                    if last_role and rng.random() < 0.5
                    else _date(
                        rng,
                        dt.date(year, rng.randint(1, 12), rng.randint(1, 28)).toordinal(),
                        (0.5, 0.3, 0.2),
                    )
                )
                add["speaker_role"].append(
                    (
                        self.id("speaker_role"),
                        speaker_id,
                        role,
                        name_key(role),
                        organization_name,
                        started.key,
                        None if ended is None else ended.key,
                    )
                )
                title = role
                if last_role or year >= 2024:
                    break
            made = _Speaker(speaker_id, name, short, title, language)
            (self.journalists if journalist else self.newsmakers).append(made)
        # Some speakers are asked far more often than others.
        self.popularity = list(itertools.accumulate(1.0 / (rank + 3) for rank in range(len(self.newsmakers))))

    def outlets(self) -> None:
        rng, add = self.rng, self.rows.pending
        self.outlet_list: list[tuple[int, str, str, str]] = []  # (id, name, domain, language)
        for _ in range(max(6, self.quotes // 2000)):
            outlet_id = self.id("outlet")
            language = rng.choices(("en", "fr", "de"), (0.75, 0.15, 0.10))[0]
            stem = self._name()
            kind = rng.choice(_OUTLET_KINDS)
            prefix = {"en": "The", "fr": "Le", "de": "Die"}[language]
            name = self._unique(
                "outlet",
                f"{prefix} {stem} {rng.choice(['Times', 'Post', 'Herald', 'Courier', 'Report', 'Review'])}",
            )
            domain = self._unique("domain", f"{name_key(name).replace(' ', '')}.example")
            languages = [language] if rng.random() < 0.8 else [language, "en" if language != "en" else "fr"]
            add["outlet"].append(
                (
                    outlet_id,
                    name,
                    name_key(name),
                    kind,
                    f"https://{domain}/",
                    domain,
                    rng.choice(_COUNTRY[language]),
                    json.dumps(languages),
                )
            )
            self.outlet_list.append((outlet_id, name, domain, language))

    def topics(self) -> None:
        add = self.rows.pending
        names = list(_TOPICS)
        for n in range(max(0, min(200, self.quotes // 5000) - len(names))):
            names.append(f"{self._name()} {n + 1}")
        self.topic_ids: list[int] = []
        for name in names:
            slug = self._unique("topic", name_key(name).replace(" ", "-"))
            topic_id = self.id("topic")
            add["topic"].append((topic_id, name, slug))
            self.topic_ids.append(topic_id)
        self.topic_weights = list(
            itertools.accumulate(1.0 / (rank + 1) for rank in range(len(self.topic_ids)))
        )

    # --- the index ---------------------------------------------------------------------------------------------------
    def _index_sentences(
        self,
        source_id: int,
        sentences: Sequence[tuple[str, list[str]]],
        start: int,
        writer: _Words,
        language: str | None = None,
    ) -> None:
        """The index terms of sentences written one after the other (a space between), starting at `start`.

        The same terms as `services.index.term_hashes` finds in their text (a test holds them to it), made
        from the words the sentences were built of: tokenizing the text again would cost twice as much."""
        if not self.index:
            return
        stems = writer.stems
        content: list[tuple[int, str]] = []
        at = start
        for sentence, tokens in sentences:
            position = at
            for token in tokens:
                stem = stems[token]
                if stem is not None:
                    content.append((position, stem))
                position += len(token) + 1
            at += len(sentence) + 1
        cache = self.pairs
        out = self.rows.pending["shingle"]
        for k in range(len(content) - 1):
            position, first = content[k]
            pair = (first, content[k + 1][1])
            hashed = cache.get(pair)
            if hashed is None:
                hashed = cache[pair] = shingle_hash(f"{first} {pair[1]}")
            out.append((hashed, source_id, position))
        self._lemmas(source_id, " ".join(sentence for sentence, _ in sentences), start, language)
        if len(cache) > 2_000_000:
            cache.clear()

    def _lemmas(self, source_id: int, passage: str, start: int, language: str | None) -> None:
        """The lemma and amount terms of a passage (quotecheck.paraphrase.index_terms)."""
        cache = self.hashes
        out = self.rows.pending["shingle"]
        for term, position in index_terms(passage, language, start):
            hashed = cache.get(term)
            if hashed is None:
                hashed = cache[term] = shingle_hash(term)
            out.append((hashed, source_id, position))

    def _shingles(self, source_id: int, passage: str, start: int, language: str | None = None) -> None:
        """The index terms of a passage, as `services.index.term_hashes` finds them."""
        if not self.index:
            return
        found = words(passage, start)
        cache = self.hashes
        out = self.rows.pending["shingle"]
        for i, term in shingles([w.key for w in found]):
            hashed = cache.get(term)
            if hashed is None:
                hashed = cache[term] = shingle_hash(term)
            out.append((hashed, source_id, found[i].start))
        self._lemmas(source_id, passage, start, language)
        if len(cache) > 2_000_000:
            cache.clear()

    # --- interviews ----------------------------------------------------------------------------------------------
    def interview(self, quotes: int) -> None:
        """One interview: its participants, its transcript (turns holding its quotes) and the articles
        reprinting them."""
        rng, add, new = self.rng, self.rows.pending, self.id
        language = rng.choices([code for code, _ in _LANGUAGES], [w for _, w in _LANGUAGES])[0]
        writer = self.words[language]
        guest = self.newsmakers[rng.choices(range(len(self.newsmakers)), cum_weights=self.popularity)[0]]
        host = rng.choice(self.journalists)
        outlet_id, outlet_name, domain, _ = rng.choice(self.outlet_list)
        kind = rng.choices(_INTERVIEW_KINDS, _INTERVIEW_WEIGHTS)[0]
        day = rng.randint(_FIRST_DAY, _LAST_DAY)
        held_on = _date(rng, day, (0.9, 0.07, 0.03))
        interview_id = new("interview")
        title = {
            "INTERVIEW": f"Interview with {guest.name}",
            "PRESS_CONFERENCE": f"{guest.name}: press conference",
            "SPEECH": f"Speech by {guest.name}",
            "DEBATE": f"Debate with {guest.name}",
            "HEARING": f"Hearing of {guest.name}",
        }[kind]
        add["interview"].append(
            (
                interview_id,
                kind,
                title,
                outlet_id,
                held_on.key,
                rng.choice(_PLACES),
                rng.choice(("PRINT", "VIDEO", "AUDIO", "LIVE")),
                language,
            )
        )
        add["participant"].append(
            (new("participant"), interview_id, host.id, "INTERVIEWER", f"Correspondent, {outlet_name}")
        )
        add["participant"].append(
            (new("participant"), interview_id, guest.id, "INTERVIEWEE", guest.title or None)
        )

        # The transcript: a question, then an answer holding one quote (and sometimes more words).
        transcript_id = new("source")
        parts: list[str] = []
        offset = 0
        turns = add["turn"]
        made: list[
            tuple[int, str, int, int]
        ] = []  # (quote id, text, char_start in the transcript, appearances)
        for position in range(quotes * 2):
            answer = position % 2 == 1
            speaker = guest if answer else host
            if answer:
                said = writer.sentence(rng.randint(8, 40))
                quote_text = said[0]
                if rng.random() < 0.5:
                    sentences = [said, writer.sentence(rng.randint(5, 14))]
                    at = 0
                else:
                    sentences = [writer.sentence(rng.randint(4, 10)), said]
                    at = len(sentences[0][0]) + 1
            else:
                sentences = [writer.sentence(rng.randint(6, 16), "?")]
            words_ = " ".join(sentence for sentence, _ in sentences)
            prefix = f"{speaker.label}: "
            if parts:
                parts.append("\n\n")
                offset += 2
            parts.append(prefix + words_)
            start = offset + len(prefix)
            offset = start + len(words_)
            turns.append((new("turn"), transcript_id, position, speaker.id, speaker.label, start, offset))
            self._index_sentences(transcript_id, sentences, start, writer, language)
            if answer:
                made.append(
                    (new("quote"), quote_text, start + at, rng.choices((1, 2, 3), (0.45, 0.35, 0.2))[0])
                )
        body = "".join(parts)
        add["source"].append(
            (
                transcript_id,
                "TRANSCRIPT",
                f"Transcript: {title}",
                f"https://{domain}/transcripts/{transcript_id}",
                outlet_id,
                interview_id,
                held_on.key,
                language,
                body,
                content_hash(body),
            )
        )

        # The quotes, and each one's primary appearance in the transcript.
        primary: dict[int, int] = {}
        for quote_id, quote_text, start, _ in made:
            said_on = _coarser(rng, held_on)
            add["quote"].append(
                (
                    quote_id,
                    guest.id,
                    quote_text,
                    language,
                    said_on.key,
                    interview_id,
                    _quote_hash(guest.id, quote_text),
                )
            )
            for topic in set(
                rng.choices(self.topic_ids, cum_weights=self.topic_weights, k=rng.choice((0, 1, 1, 2, 3)))
            ):
                add["quote_topic"].append((quote_id, topic))
            appearance_id = primary[quote_id] = new("appearance")
            add["appearance"].append(
                (
                    appearance_id,
                    quote_id,
                    transcript_id,
                    quote_text,
                    start,
                    start + len(quote_text),
                    guest.label,
                    "VERBATIM",
                    None,
                    None,
                    None,
                    _appearance_hash(quote_id, transcript_id, start, quote_text),
                )
            )
            if rng.random() < 0.02:
                self._fact_check(quote_id, quote_text, said_on, transcript_id, start, appearance_id)

        # Reprints: articles of other outlets take quotes from the transcript; later ones from those articles.
        first_layer = [(quote_id, text_, primary[quote_id]) for quote_id, text_, _, n in made if n >= 2]
        reprinted = self._articles(
            first_layer, guest, language, held_on, transcript_id, outlet_name, outlet_id, layer=1
        )
        second_layer = [
            (quote_id, reprinted[quote_id][0], reprinted[quote_id][1]) for quote_id, _, _, n in made if n == 3
        ]
        self._articles(second_layer, guest, language, held_on, transcript_id, outlet_name, outlet_id, layer=2)

    def _articles(
        self,
        items: Sequence[tuple[int, str, int]],
        guest: _Speaker,
        language: str,
        held_on: PartialDate,
        transcript_id: int,
        outlet_name: str,
        interview_outlet: int,
        *,
        layer: int,
    ) -> dict[int, tuple[str, int]]:
        """Articles reprinting `items` (quote id, the words reprinted, the appearance they come from), four
        at most each; returns each quote's reprinted words and appearance."""
        rng, add, new = self.rng, self.rows.pending, self.id
        writer = self.words[language]
        out: dict[int, tuple[str, int]] = {}
        for first in range(0, len(items), 4):
            group = items[first : first + 4]
            pick = rng.randrange(len(self.outlet_list))
            if self.outlet_list[pick][0] == interview_outlet:  # another outlet than the interview's
                pick = (pick + 1) % len(self.outlet_list)
            outlet_id, _, domain, _ = self.outlet_list[pick]
            source_id = new("source")
            kind = "BRIEF" if rng.random() < 0.15 else "ARTICLE"
            parts: list[str] = []
            offset = 0
            rows: list[tuple[int, str, int, str]] = []  # (quote id, text, start, relation)
            origins: list[int] = []
            headline = layer == 1 and rng.random() < 0.3
            if headline:
                quote_id, words_, origin = group[0]
                piece = self._excerpt(words_, 4, 9)
                prefix = f'{guest.label.title()}: "'
                title = f'{prefix}{piece}"'
                parts.append(title)
                offset = len(title)
                rows.append((quote_id, piece, len(prefix), "HEADLINE"))
                origins.append(origin)
            else:
                title = f"{guest.name} on {' and '.join(writer.tokens(2))}"
                parts.append(title)
                offset = len(title)
            for quote_id, words_, origin in group[1:] if headline else group:  # the headline is one
                parts.append("\n\n")
                offset += 2
                lead = writer.sentence(rng.randint(6, 18))[0] + " "
                paraphrase = rng.random() < 0.25
                if paraphrase:
                    content = [w for w in words_.rstrip(".?").split() if len(w) >= 4]
                    piece = " ".join(content[: rng.randint(3, 8)]) or words_
                    said = f"{guest.name} said that "
                    end = "."
                else:
                    piece = self._excerpt(words_, 6, 40)
                    said = f'{guest.title + " " if guest.title else ""}{guest.name} said: "'
                    end = '"'
                start = offset + len(lead) + len(said)
                paragraph = lead + said + piece + end
                parts.append(paragraph)
                offset += len(paragraph)
                rows.append((quote_id, piece, start, "PARAPHRASE" if paraphrase else "EXCERPT"))
                origins.append(origin)
            body = "".join(parts)
            shift = rng.randint(0, 20) + 10 * layer
            published = (
                PartialDate.from_date(dt.date.fromordinal(held_on.first_day.toordinal() + shift))
                if held_on.day
                else held_on
            )
            add["source"].append(
                (
                    source_id,
                    kind,
                    title,
                    f"https://{domain}/{published.year}/{source_id}",
                    outlet_id,
                    None,
                    published.key,
                    language,
                    body,
                    content_hash(body),
                )
            )
            for (quote_id, piece, start, relation), origin in zip(rows, origins, strict=True):
                appearance_id = new("appearance")
                # From the earlier reprint, or (a third of first reprints) citing the transcript itself.
                by_source = layer == 1 and rng.random() < 0.3
                add["appearance"].append(
                    (
                        appearance_id,
                        quote_id,
                        source_id,
                        piece,
                        start,
                        start + len(piece),
                        guest.name,
                        relation,
                        None if by_source else origin,
                        transcript_id if by_source else None,
                        f"in {outlet_name}" if by_source else None,
                        _appearance_hash(quote_id, source_id, start, piece),
                    )
                )
                if relation == "EXCERPT":
                    self._shingles(source_id, piece, start, language)
                out[quote_id] = (piece, appearance_id)
        return out

    def _excerpt(self, words_: str, shortest: int, longest: int) -> str:
        """A run of whole words of `words_`, verbatim."""
        tokens = words_.split(" ")
        length = min(len(tokens), self.rng.randint(shortest, longest))
        start = self.rng.randint(0, len(tokens) - length)
        return " ".join(tokens[start : start + length])

    def _fact_check(
        self, quote_id: int, words_: str, said_on: PartialDate, source_id: int, start: int, appearance_id: int
    ) -> None:
        rng, add, new = self.rng, self.rows.pending, self.id
        fact_check_id = new("fact_check")
        publisher, domain = rng.choice(_PUBLISHERS)
        published = rng.random() < 0.85
        reviewed = PartialDate.from_date(
            dt.date(min(said_on.year + 1, 2025), 1, 1)
            if said_on.day is None
            else said_on.first_day + dt.timedelta(days=rng.randint(1, 60))
        )
        published_at: Any = None
        if published:
            instant = dt.datetime.combine(reviewed.first_day, dt.time(12), tzinfo=dt.UTC)
            published_at = (
                instant.replace(tzinfo=None).isoformat(" ", "microseconds") if self.sqlite else instant
            )
        add["fact_check"].append(
            (
                fact_check_id,
                quote_id,
                words_,
                rng.choices(_VERDICTS, (0.55, 0.1, 0.15, 0.1, 0.05, 0.05))[0],
                "PUBLISHED" if published else "DRAFT",
                "Checked against the transcript.",
                f"{self._name()} {self._name()}",
                publisher,
                f"https://{domain}/checks/{fact_check_id}",
                reviewed.key,
                published_at,
            )
        )
        add["evidence"].append(
            (new("evidence"), fact_check_id, 0, source_id, appearance_id, words_, start, start + len(words_))
        )


def _first_ids(connection: Connection) -> dict[str, int]:
    first = {}
    for name in TABLES:
        if name in ("quote_topic", "shingle"):
            continue
        table = Base.metadata.tables[name]
        first[name] = int(connection.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()) + 1
    return first


def _taken(connection: Connection) -> dict[str, set[str]]:
    """Unique values already recorded that generated rows must not repeat (when appending)."""
    tables = Base.metadata.tables
    outlet, topic, speaker = tables["outlet"], tables["topic"], tables["speaker"]
    return {
        "outlet": {name for (name,) in connection.execute(select(outlet.c.name))},
        "domain": {d for (d,) in connection.execute(select(outlet.c.domain)) if d is not None},
        "topic": {s for (s,) in connection.execute(select(topic.c.slug))},
        "wikidata": {q for (q,) in connection.execute(select(speaker.c.wikidata_id)) if q is not None},
    }


def _make(
    generator: _Generator, began: float, on_progress: Callable[[int, CorpusSummary], None] | None
) -> None:
    rows = generator.rows
    generator.speakers()
    generator.outlets()
    generator.topics()
    rows.write()
    made = 0
    while made < generator.quotes:
        count = min(generator.quotes - made, generator.rng.randint(4, 36))
        generator.interview(count)
        made += count
        if len(rows.pending["quote"]) >= _CHUNK_QUOTES or made >= generator.quotes:
            rows.write()
            if on_progress is not None:
                rows.summary.seconds = time.perf_counter() - began
                on_progress(made, rows.summary)


def generate_corpus(
    engine: Engine,
    *,
    quotes: int,
    seed: int = 1,
    append: bool = False,
    index: bool = True,
    actor: Actor | None = None,
    on_progress: Callable[[int, CorpusSummary], None] | None = None,
) -> CorpusSummary:
    """Write a generated corpus of `quotes` quotes in one transaction; returns the rows written by table.

    Refuses a database that holds quotes unless `append` (the corpus is then added after them)."""
    if not 1 <= quotes <= MAX_QUOTES:
        raise ValidationError(f"--quotes {quotes} is out of range; give 1 to {MAX_QUOTES:,}", field="quotes")
    summary = CorpusSummary(seed=seed, indexed=index)
    began = time.perf_counter()
    with writing(engine).connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        # SQLite: no syncing and a large page cache, for this connection only (outside any transaction,
        # through the driver, so no BEGIN is sent); restored afterwards, since the connection is pooled.
        driver: Any = connection.connection.driver_connection
        saved: list[tuple[str, Any]] = []
        if sqlite:
            for pragma in ("synchronous", "cache_size"):
                saved.append((pragma, driver.execute(f"PRAGMA {pragma}").fetchone()[0]))
            driver.execute("PRAGMA synchronous = OFF")
            driver.execute(f"PRAGMA cache_size = -{_SQLITE_CACHE_KIB}")
        try:
            with connection.begin():
                held = int(connection.execute(select(func.count()).select_from(Quote)).scalar_one())
                if held and not append:
                    raise Conflict(
                        f"the database already holds {held:,} quotes; generate into an empty database, "
                        "or give --append to add the corpus after them"
                    )
                ids, taken = _Ids(_first_ids(connection)), _taken(connection)
                suspended = _suspend_fts(connection) if sqlite else []
                staged = sqlite and index and _stage_shingles(connection)
                dropped = _suspend_indexes(connection)
                rows = _Rows(connection, summary, [name for name, _, _ in suspended], staged)
                try:
                    _make(
                        _Generator(random.Random(seed), quotes, ids, rows, taken, index), began, on_progress
                    )
                except BaseException:
                    rows.stop()
                    raise
                rows.finish()
                _restore_fts(connection, suspended)
                if staged:
                    _unstage_shingles(connection)
                _restore_indexes(connection, dropped)
                if rows.postgres:  # the ids were given: move the sequences past them
                    for name in TABLES:
                        if name not in ("quote_topic", "shingle"):
                            connection.execute(
                                text(
                                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), max(id)) FROM {name}"
                                )
                            )
                summary.seconds = time.perf_counter() - began
                detail = {
                    "seed": seed,
                    "quotes": quotes,
                    "append": append,
                    "indexed": index,
                    "rows": dict(summary.counts),
                }
                audit.record_rows(connection, actor or cli_actor(), "benchGenerate", detail=detail)
            # Fresh planner statistics (sampled: seconds at a million quotes), outside the transaction.
            if sqlite:
                driver.execute("PRAGMA analysis_limit = 1000")
                driver.execute("ANALYZE")
            else:
                connection.execute(text("ANALYZE"))
                connection.commit()
        finally:
            if sqlite:
                for pragma, value in saved:
                    driver.execute(f"PRAGMA {pragma} = {int(value)}")
    summary.seconds = time.perf_counter() - began
    return summary

"""The generated benchmark corpus (services.corpus): reproducible, consistent, and what the API reads."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect, select, text
from sqlalchemy.orm import Session

from quotecheck import migrate
from quotecheck.db import make_engine, session_scope
from quotecheck.enums import SourceKind
from quotecheck.errors import Conflict
from quotecheck.global_ids import encode_id
from quotecheck.models import Appearance, AuditEvent, Quote, Shingle, Source, Turn
from quotecheck.services import corpus
from quotecheck.services.appearances import appearance_hash
from quotecheck.services.corpus import TABLES, CorpusSummary, generate_corpus
from quotecheck.services.index import _rows, indexed_spans
from quotecheck.services.quotes import quote_hash
from quotecheck.services.search import search_quotes
from quotecheck.services.sources import content_hash
from quotecheck.settings import database_urls
from tests.conftest import TEST_DATABASE_URL, _admin_engine, backend, client_for
from tests.counts import table_counts

QUOTES = 2000
SEED = 7


def _new_database(directory: Path) -> Iterator[str]:
    """An empty database at the head (a SQLite file, or a PostgreSQL database dropped afterwards)."""
    if backend() != "postgresql":
        url = f"sqlite:///{directory / f'corpus-{uuid.uuid4().hex[:8]}.db'}"
        migrate.upgrade(migrate.alembic_config(url), "head")
        yield url
        return
    name = f"quotecheck_corpus_{uuid.uuid4().hex[:12]}"
    admin = _admin_engine()
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = (
        database_urls(TEST_DATABASE_URL)
        .sync.set(database=name, drivername="postgresql")
        .render_as_string(hide_password=False)
    )
    try:
        migrate.upgrade(migrate.alembic_config(url), "head")
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="module")
def corpus_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from _new_database(tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="module")
def generated(corpus_url: str) -> Iterator[tuple[Engine, CorpusSummary]]:
    """One corpus of 2,000 quotes, shared by the read-only tests of this module."""
    engine = make_engine(database_urls(corpus_url))
    summary = generate_corpus(engine, quotes=QUOTES, seed=SEED)
    yield engine, summary
    engine.dispose()


@pytest.fixture
def db(generated: tuple[Engine, CorpusSummary]) -> Iterator[Session]:
    with session_scope(generated[0]) as session:
        yield session


def _schema_objects(engine: Engine) -> set[tuple[str, ...]]:
    """The indexes, triggers and constraints of a database, by name and definition."""
    with engine.connect() as connection:
        if backend() != "postgresql":
            rows = connection.execute(
                text(
                    "SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_master "
                    "WHERE name NOT LIKE 'sqlite_stat%'"
                )
            )
        else:
            rows = connection.execute(
                text(
                    "SELECT 'index', indexname, tablename, indexdef FROM pg_indexes "
                    "WHERE schemaname = current_schema() UNION ALL "
                    "SELECT 'constraint', conname, conrelid::regclass::text, pg_get_constraintdef(oid) "
                    "FROM pg_constraint WHERE connamespace = current_schema()::regnamespace UNION ALL "
                    "SELECT 'trigger', tgname, tgrelid::regclass::text, '' FROM pg_trigger WHERE NOT tgisinternal"
                )
            )
        return {tuple(row) for row in rows}


def _rows_of(session: Session, table: str) -> list[tuple[object, ...]]:
    """A table's rows without their timestamps, in key order."""
    columns = inspect(session.connection()).get_columns(table)
    names = [c["name"] for c in columns if c["name"] not in ("created_at", "updated_at", "search_vector")]
    listed = ", ".join(names)
    return [tuple(row) for row in session.execute(text(f"SELECT {listed} FROM {table} ORDER BY 1, 2"))]


def test_counts(generated: tuple[Engine, CorpusSummary], db: Session) -> None:
    _, summary = generated
    counts = table_counts(db.connection())
    assert counts["quote"] == QUOTES
    for table in TABLES:
        assert counts[table] == summary.counts[table] > 0, table
    assert counts["speaker"] == 12 and counts["outlet"] == 6
    assert counts["participant"] == 2 * counts["interview"]
    assert summary.rows == sum(summary.counts.values()) and summary.rate > 0
    per_quote = Counter(db.scalars(select(Appearance.quote_id)))
    assert set(Counter(per_quote.values())) == {1, 2, 3}
    assert 0.005 * QUOTES < counts["fact_check"] < 0.04 * QUOTES
    statuses = set(db.scalars(text("SELECT DISTINCT status FROM fact_check")))
    assert {"PUBLISHED", "DRAFT"} <= statuses
    languages = Counter(db.scalars(select(Quote.language)))
    assert languages.most_common(1)[0][0] == "en" and {"fr", "de"} <= set(languages)
    precisions = {q.said_on.precision.name for q in db.scalars(select(Quote)) if q.said_on is not None}
    assert precisions == {"YEAR", "MONTH", "DAY"}
    relations = set(db.scalars(text("SELECT DISTINCT relation FROM appearance")))
    assert relations == {"VERBATIM", "EXCERPT", "PARAPHRASE", "HEADLINE"}
    words = [len(q.text.split()) for q in db.scalars(select(Quote))]
    assert min(words) >= 8 and max(words) <= 40


def test_the_same_seed_writes_the_same_rows(
    generated: tuple[Engine, CorpusSummary], db: Session, tmp_path: Path
) -> None:
    for url in _new_database(tmp_path):
        other = make_engine(database_urls(url))
        try:
            generate_corpus(other, quotes=QUOTES, seed=SEED)
            with session_scope(other) as again:
                for table in ("speaker", "speaker_alias", "speaker_role", "outlet", "quote", "appearance"):
                    assert _rows_of(again, table) == _rows_of(db, table), table
                for table in ("source", "turn", "fact_check", "shingle"):
                    assert table_counts(again.connection())[table] == table_counts(db.connection())[table]
        finally:
            other.dispose()


def test_transcripts_hold_their_quotes(db: Session) -> None:
    texts = {s.id: s.text for s in db.scalars(select(Source))}
    for turn in db.scalars(select(Turn)):
        body = texts[turn.source_id]
        assert body is not None and 0 <= turn.char_start < turn.char_end <= len(body)
    kinds: dict[int, SourceKind] = dict(db.execute(select(Source.id, Source.kind)).all())
    primary = 0
    for a in db.scalars(select(Appearance)):
        body = texts[a.source_id]
        assert body is not None and a.char_start is not None and a.char_end is not None
        assert body[a.char_start : a.char_end] == a.text  # every appearance's words are where it says
        if a.relation.name == "VERBATIM":
            primary += 1
            assert kinds[a.source_id].name == "TRANSCRIPT"
            assert a.text == db.get(Quote, a.quote_id).text  # type: ignore[union-attr]
    assert primary == QUOTES
    # Every quote's speaker is the interviewee of its interview, and speaks a turn holding it.
    orphans = db.scalar(
        text(
            "SELECT count(*) FROM quote q LEFT JOIN participant p ON p.interview_id = q.interview_id "
            "AND p.speaker_id = q.speaker_id AND p.role = 'INTERVIEWEE' WHERE p.id IS NULL"
        )
    )
    assert orphans == 0


def test_chains_end_at_a_primary_source(db: Session) -> None:
    appearances = {a.id: a for a in db.scalars(select(Appearance))}
    kinds: dict[int, SourceKind] = dict(db.execute(select(Source.id, Source.kind)).all())
    depths: Counter[int] = Counter()
    for appearance in appearances.values():
        depth, at = 1, appearance
        while at.taken_from_appearance_id is not None:
            at = appearances[at.taken_from_appearance_id]
            assert at.quote_id == appearance.quote_id
            depth += 1
        end = at.taken_from_source_id if at.taken_from_source_id is not None else at.source_id
        assert kinds[end].name == "TRANSCRIPT"
        depths[depth] += 1
    assert max(depths) == 3


def test_hashes_are_the_services(db: Session) -> None:
    for q in db.scalars(select(Quote)):
        assert q.content_hash == quote_hash(q.speaker_id, q.text)
    for a in db.scalars(select(Appearance)):
        assert a.content_hash == appearance_hash(a.quote_id, a.source_id, a.char_start, a.text)
    for s in db.scalars(select(Source)):
        assert s.text is not None and s.content_hash == content_hash(s.text)


def test_the_search_index_is_what_a_rebuild_writes(db: Session) -> None:
    expected = set()
    for source in db.scalars(select(Source)):
        for row in _rows(source, indexed_spans(db, source)):
            expected.add((row["hash"], row["source_id"], row["position"]))
    stored = {(h, s, p) for h, s, p in db.execute(select(Shingle.hash, Shingle.source_id, Shingle.position))}
    assert stored == expected


def test_one_audit_event(generated: tuple[Engine, CorpusSummary], db: Session) -> None:
    events = list(db.scalars(select(AuditEvent)))
    assert [e.operation for e in events] == ["benchGenerate"]
    detail = events[0].detail
    assert detail is not None
    assert detail["seed"] == SEED and detail["quotes"] == QUOTES
    assert detail["rows"] == generated[1].counts


def test_the_api_reads_it(generated: tuple[Engine, CorpusSummary], corpus_url: str, db: Session) -> None:
    quote_id = db.scalar(
        text("SELECT quote_id FROM appearance GROUP BY quote_id HAVING count(*) = 3 ORDER BY quote_id")
    )
    quote = db.get(Quote, quote_id)
    assert quote is not None
    query = """query($id: ID!) { quote(id: $id) { text speaker { name } appearances { edges { node {
        relation source { kind } chain { ... on Source { kind } ... on Appearance { source { kind } } } } } } } }"""
    for client in client_for(corpus_url):
        data = client.query(query, {"id": encode_id("Quote", quote.id)})["quote"]
        assert data["text"] == quote.text
        assert data["speaker"]["name"] == quote.speaker.name
        nodes = [edge["node"] for edge in data["appearances"]["edges"]]
        assert nodes[0]["relation"] == "VERBATIM" and nodes[0]["source"]["kind"] == "TRANSCRIPT"
        assert len(nodes) == 3
        for node in nodes[1:]:  # reprints lead back to the transcript (its appearance, or itself)
            end = node["chain"][-1]
            assert end.get("kind", end.get("source", {}).get("kind")) == "TRANSCRIPT"
        assert max(len(node["chain"]) for node in nodes) >= 2


def test_a_database_with_quotes_is_refused_without_append(scratch_engine: Engine) -> None:
    generate_corpus(scratch_engine, quotes=50, seed=1)
    with scratch_engine.connect() as connection:
        before = table_counts(connection)
    with pytest.raises(Conflict, match="--append"):
        generate_corpus(scratch_engine, quotes=50, seed=1)
    with scratch_engine.connect() as connection:
        assert table_counts(connection) == before
    added = generate_corpus(scratch_engine, quotes=50, seed=1, append=True, index=False)
    assert added.counts["shingle"] == 0
    with scratch_engine.connect() as connection:
        after = table_counts(connection)
        assert after["quote"] == 100 and after["audit_event"] == 2
        assert after["shingle"] == before["shingle"]
        # a later write gets a fresh id (the sequences moved past the generated ones)
        assert connection.scalar(text("SELECT max(id) FROM quote")) == 100


def test_the_schema_is_as_the_migrations_made_it(
    generated: tuple[Engine, CorpusSummary], db: Session, tmp_path: Path
) -> None:
    """The generator drops indexes, foreign keys and full-text triggers while it loads: all come back."""
    for url in _new_database(tmp_path):
        fresh = make_engine(database_urls(url))
        try:
            assert _schema_objects(generated[0]) == _schema_objects(fresh)
        finally:
            fresh.dispose()
    if backend() != "postgresql":  # the full-text index holds exactly the rows' words
        for table in ("quote_fts", "source_fts"):
            db.execute(text(f"INSERT INTO {table}({table}, rank) VALUES ('integrity-check', 1)"))
    for order in (Quote.id, Quote.id.desc()):  # a quote of the first batch, and of the last
        quote = db.scalars(select(Quote).order_by(order).limit(1)).one()
        word = max(quote.text.rstrip(".?").split(), key=len)
        assert quote.id in {found.id for found, _ in search_quotes(db, word, limit=QUOTES)}, word


def test_a_failure_leaves_the_database_as_it_was(
    scratch_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(corpus, "_CHUNK_QUOTES", 100)  # a batch is written before the failure
    before = _schema_objects(scratch_engine)

    def fail(made: int, summary: CorpusSummary) -> None:
        raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError, match="interrupted"):
        generate_corpus(scratch_engine, quotes=500, seed=1, on_progress=fail)
    assert _schema_objects(scratch_engine) == before
    with scratch_engine.connect() as connection:
        assert not any(table_counts(connection).values())

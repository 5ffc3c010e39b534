"""The migrations: one head, the models exactly, and a populated round trip down to base and back up."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from quotecheck import migrate
from quotecheck.db import make_engine, session_scope
from quotecheck.demo import load_demo
from quotecheck.errors import SchemaOutOfDate
from quotecheck.models import Base, include_search_object
from quotecheck.settings import database_urls
from tests.counts import table_counts


def test_exactly_one_head() -> None:
    heads = ScriptDirectory.from_config(migrate.alembic_config()).get_heads()
    assert len(heads) == 1


def test_upgrade_from_empty_gives_exactly_the_models(scratch_url: str) -> None:
    config = migrate.alembic_config(scratch_url)
    migrate.upgrade(config, "head")
    engine = make_engine(database_urls(scratch_url))
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection,
                opts={
                    "compare_type": True,
                    "target_metadata": Base.metadata,
                    # the full-text search objects differ by engine and are kept out of the models (0005)
                    "include_object": include_search_object,
                },
            )
            assert compare_metadata(context, Base.metadata) == []
            assert migrate.current_revision(connection) == migrate.head_revision(config)
            tables = set(inspect(connection).get_table_names())
        assert set(Base.metadata.tables) <= tables
    finally:
        engine.dispose()


def test_populated_round_trip_restores_the_same_counts(scratch_engine: Engine, scratch_url: str) -> None:
    config = migrate.alembic_config(scratch_url)
    with session_scope(scratch_engine, write=True) as session:
        load_demo(session)
    with scratch_engine.connect() as connection:
        loaded = table_counts(connection)
    assert loaded["quote"] > 0 and loaded["appearance"] > 0 and loaded["turn"] > 0

    migrate.downgrade(config, "base")
    with scratch_engine.connect() as connection:
        assert migrate.current_revision(connection) is None
        assert set(inspect(connection).get_table_names()) - {"alembic_version"} == set()

    migrate.upgrade(config, "head")
    with session_scope(scratch_engine, write=True) as session:
        load_demo(session)
    with scratch_engine.connect() as connection:
        assert table_counts(connection) == loaded


def test_offline_sql_creates_every_table(scratch_url: str) -> None:
    out = io.StringIO()
    migrate.upgrade(migrate.alembic_config(scratch_url, output=out), "head", sql=True)
    sql = out.getvalue()
    for table in Base.metadata.tables:
        assert f"CREATE TABLE {table} " in sql, table
    assert "INSERT INTO alembic_version" in sql


def test_require_head_refuses_an_empty_database(scratch_url: str) -> None:
    engine = make_engine(database_urls(scratch_url))
    try:
        state = migrate.migration_state(engine)
        assert state.current is None and not state.at_head
        with pytest.raises(SchemaOutOfDate, match="quotecheck db upgrade"):
            migrate.require_head(engine)
    finally:
        engine.dispose()


def test_a_url_given_by_the_caller_wins_over_the_environment(
    scratch_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "from-environment.db"
    monkeypatch.setenv("QUOTECHECK_DATABASE_URL", f"sqlite:///{elsewhere}")
    migrate.upgrade(migrate.alembic_config(scratch_url), "head")
    assert not elsewhere.exists()
    engine = make_engine(database_urls(scratch_url))
    try:
        assert migrate.migration_state(engine).at_head
    finally:
        engine.dispose()


def test_0003_backfills_the_hashes_the_services_compute(scratch_engine: Engine, scratch_url: str) -> None:
    from sqlalchemy import select

    from quotecheck.models import Appearance, Quote
    from quotecheck.services.appearances import appearance_hash
    from quotecheck.services.quotes import quote_hash

    with session_scope(scratch_engine, write=True) as session:
        load_demo(session)
    config = migrate.alembic_config(scratch_url)
    migrate.downgrade(config, "0002")
    migrate.upgrade(config, "head")
    with session_scope(scratch_engine) as session:
        quotes = session.scalars(select(Quote)).all()
        assert quotes
        for quote in quotes:
            assert quote.content_hash == quote_hash(quote.speaker_id, quote.text)
        for row in session.scalars(select(Appearance)):
            assert row.content_hash == appearance_hash(row.quote_id, row.source_id, row.char_start, row.text)


def test_0007_backfills_name_keys_and_keeps_every_row(scratch_engine: Engine, scratch_url: str) -> None:
    """Speakers stored before 0007 get the surname and given-name keys the services compute; down to 0006
    and back up keeps every other row, and the possible duplicates made after it can be made again."""
    from sqlalchemy import select

    from quotecheck.models import Speaker, SpeakerAlias
    from quotecheck.names import given_key, surname_key
    from quotecheck.services.transcripts import import_transcript, parse_transcript

    with session_scope(scratch_engine, write=True) as session:
        load_demo(session)
        import_transcript(session, parse_transcript("1\tMayor Várga\tHello.\n2\tQuestion\tHi?\n"), title="T")
    with scratch_engine.connect() as connection:
        loaded = table_counts(connection)
    assert loaded["possible_duplicate"] == 0 and loaded["speaker"] > 0
    config = migrate.alembic_config(scratch_url)
    migrate.downgrade(config, "0006")
    migrate.upgrade(config, "head")
    with scratch_engine.connect() as connection:
        assert table_counts(connection) == loaded
    with session_scope(scratch_engine) as session:
        speakers = session.scalars(select(Speaker)).all()
        assert any(s.surname_key == "varga" for s in speakers)
        for row in [*speakers, *session.scalars(select(SpeakerAlias))]:
            assert (row.surname_key, row.given_key) == (surname_key(row.name), given_key(row.name)), row.name
        # an anonymous participant is known again by what the import wrote of it
        assert [(s.name, s.anonymous) for s in speakers if s.anonymous] == [("Question", True)]

"""Full-text search: quotes and sources indexed for ranked word search, speaker names for fast substring search.

SQLite: FTS5 tables over `quote.text` and `source.title`/`source.text` holding only the index (external content,
`content='quote'`), kept current by triggers after every insert, update of the words, and delete; the
`unicode61 remove_diacritics 2` tokenizer folds case and accents and stems nothing.

PostgreSQL: a stored generated `search_vector` on `quote` and `source`, parsed with the text search configuration
of the row's language (English, French ... stemmed; any other language or none: not stemmed), each configuration
copied as `quotecheck_<name>` with `unaccent` in front so accents fold as on SQLite; GIN indexes over them, and
pg_trgm GIN indexes that let the speakers' `LIKE` name filters use an index.

These objects live outside the ORM metadata; quotecheck.models.search names them for autogenerate to skip.
A later SQLite migration that rebuilds `quote` or `source` in batch mode drops their triggers: it must create
them again and run the FTS5 'rebuild' command.
The language map is frozen here: quotecheck.services.search holds the same one (a test compares them).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Language code (its primary subtag) -> PostgreSQL's configuration, as shipped with every server.
_LANGUAGES = {
    "de": "german",
    "en": "english",
    "es": "spanish",
    "fr": "french",
    "it": "italian",
    "nl": "dutch",
    "pt": "portuguese",
    "ru": "russian",
}
_CONFIGS = (*sorted(set(_LANGUAGES.values())), "simple")

# (table, FTS5 columns): the words of each row the index holds.
_FTS = {"quote": ("text",), "source": ("title", "text")}


def _sqlite_upgrade() -> None:
    for table, columns in _FTS.items():
        listed = ", ".join(columns)
        new = ", ".join(f"new.{column}" for column in columns)
        old = ", ".join(f"old.{column}" for column in columns)
        fts = f"{table}_fts"
        op.execute(
            f"CREATE VIRTUAL TABLE {fts} USING fts5({listed}, content='{table}', content_rowid='id', "
            "tokenize='unicode61 remove_diacritics 2')"
        )
        # External content: the index forgets a row only when told its old words exactly, hence `old.*`.
        op.execute(
            f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN "
            f"INSERT INTO {fts}(rowid, {listed}) VALUES (new.id, {new}); END"
        )
        op.execute(
            f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN "
            f"INSERT INTO {fts}({fts}, rowid, {listed}) VALUES ('delete', old.id, {old}); END"
        )
        op.execute(
            f"CREATE TRIGGER {fts}_update AFTER UPDATE OF {listed} ON {table} BEGIN "
            f"INSERT INTO {fts}({fts}, rowid, {listed}) VALUES ('delete', old.id, {old}); "
            f"INSERT INTO {fts}(rowid, {listed}) VALUES (new.id, {new}); END"
        )
        op.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")  # the rows stored already


def _sqlite_downgrade() -> None:
    for table in _FTS:
        for event in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_fts_{event}")
        op.execute(f"DROP TABLE IF EXISTS {table}_fts")


def _postgresql_upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name in _CONFIGS:
        dictionary = "simple" if name == "simple" else f"{name}_stem"
        op.execute(f"CREATE TEXT SEARCH CONFIGURATION quotecheck_{name} (COPY = pg_catalog.{name})")
        op.execute(
            f"ALTER TEXT SEARCH CONFIGURATION quotecheck_{name} "
            f"ALTER MAPPING FOR hword, hword_part, word WITH unaccent, {dictionary}"
        )
    cases = " ".join(
        f"WHEN '{code}' THEN 'quotecheck_{name}'::regconfig" for code, name in sorted(_LANGUAGES.items())
    )
    # IMMUTABLE so that a generated column may call it: it only maps constants.
    op.execute(
        "CREATE FUNCTION quotecheck_search_config(language text) RETURNS regconfig "
        "LANGUAGE sql IMMUTABLE PARALLEL SAFE AS "
        f"$$ SELECT CASE split_part(lower(language), '-', 1) {cases} "
        "ELSE 'quotecheck_simple'::regconfig END $$"
    )
    # Adding a stored generated column rewrites the table: that computes it for every row stored already.
    op.execute(
        "ALTER TABLE quote ADD COLUMN search_vector tsvector GENERATED ALWAYS AS "
        "(to_tsvector(quotecheck_search_config(language), text)) STORED"
    )
    op.execute(
        "ALTER TABLE source ADD COLUMN search_vector tsvector GENERATED ALWAYS AS "
        "(setweight(to_tsvector(quotecheck_search_config(language), title), 'A') || "
        "setweight(to_tsvector(quotecheck_search_config(language), coalesce(text, '')), 'B')) STORED"
    )
    op.execute("CREATE INDEX ix_quote_search_vector ON quote USING gin (search_vector)")
    op.execute("CREATE INDEX ix_source_search_vector ON source USING gin (search_vector)")
    op.execute("CREATE INDEX ix_speaker_name_key_trgm ON speaker USING gin (name_key gin_trgm_ops)")
    op.execute(
        "CREATE INDEX ix_speaker_alias_name_key_trgm ON speaker_alias USING gin (name_key gin_trgm_ops)"
    )


def _postgresql_downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_speaker_alias_name_key_trgm")
    op.execute("DROP INDEX IF EXISTS ix_speaker_name_key_trgm")
    op.execute("DROP INDEX IF EXISTS ix_source_search_vector")
    op.execute("DROP INDEX IF EXISTS ix_quote_search_vector")
    op.execute("ALTER TABLE source DROP COLUMN IF EXISTS search_vector")
    op.execute("ALTER TABLE quote DROP COLUMN IF EXISTS search_vector")
    op.execute("DROP FUNCTION IF EXISTS quotecheck_search_config(text)")
    for name in _CONFIGS:
        op.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS quotecheck_{name}")
    # The extensions stay: other databases' objects (or an administrator's) may use them, and a DROP that
    # fails on a dependency would block the downgrade; CREATE EXTENSION IF NOT EXISTS takes them back.


def upgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        _postgresql_upgrade()
    else:
        _sqlite_upgrade()


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        _postgresql_downgrade()
    else:
        _sqlite_downgrade()

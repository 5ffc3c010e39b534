"""Alembic's entry point: where the database URL comes from and how migrations run.

The URL, first found wins: a connection the caller hands over (`config.attributes["connection"]`), a URL the
caller set (`config.attributes["database_url"]` or `sqlalchemy.url`), then QUOTECHECK_DATABASE_URL, then the
default ./quotecheck.db. SQLite runs in batch mode (ALTER TABLE there means copy-and-move) with foreign keys
off while tables are rebuilt, and a `PRAGMA foreign_key_check` afterwards refuses to commit broken references.
"""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context
from sqlalchemy import Connection, text

from quotecheck.db import make_engine, writing
from quotecheck.errors import SchemaOutOfDate
from quotecheck.models import Base, include_search_object
from quotecheck.settings import Settings, database_urls

config = context.config
target_metadata = Base.metadata

# The alembic command line logs what it runs; callers such as `quotecheck db` and the tests set up their own.
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def _database_url() -> str:
    given = config.attributes.get("database_url") or config.get_main_option("sqlalchemy.url")
    return str(given) if given else Settings.from_env().database_url


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        compare_server_default=False,
        include_object=include_search_object,  # the FTS5 tables and tsvector columns of 0005
    )


def _run(connection: Connection) -> None:
    _configure(connection)
    with context.begin_transaction():
        context.run_migrations()
        if connection.dialect.name == "sqlite":
            broken = connection.execute(text("PRAGMA foreign_key_check")).fetchall()
            if broken:
                raise SchemaOutOfDate(
                    f"the migration left {len(broken)} broken references (first: {tuple(broken[0])}); "
                    "nothing was committed: restore the backup and report this migration"
                )


def run_migrations_offline() -> None:
    urls = database_urls(_database_url())
    context.configure(
        url=urls.sync,
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=urls.is_sqlite,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    given = config.attributes.get("connection")
    if given is not None:
        _run(given)
        return
    urls = database_urls(_database_url())
    engine = make_engine(urls, foreign_keys=False)
    try:
        with writing(engine).connect() as connection:
            _run(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()

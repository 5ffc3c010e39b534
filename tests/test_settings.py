"""Settings: plain URLs in, the right drivers out, and one-line errors for what cannot work."""

from __future__ import annotations

import pytest

from quotecheck.errors import ConfigError
from quotecheck.settings import DEFAULT_DATABASE_URL, Settings, database_urls


def test_default_is_a_sqlite_file_in_the_working_directory() -> None:
    settings = Settings.from_env({})
    assert settings.database_url == DEFAULT_DATABASE_URL == "sqlite:///quotecheck.db"
    assert settings.urls.sync.database == "quotecheck.db"


@pytest.mark.parametrize(
    ("given", "sync", "async_"),
    [
        ("sqlite:///data/q.db", "sqlite+pysqlite", "sqlite+aiosqlite"),
        ("sqlite+aiosqlite:///data/q.db", "sqlite+pysqlite", "sqlite+aiosqlite"),
        ("postgresql://u@h/db", "postgresql+psycopg", "postgresql+psycopg_async"),
        ("postgres://u@h:5433/db", "postgresql+psycopg", "postgresql+psycopg_async"),
        ("postgresql+asyncpg://u@h/db", "postgresql+psycopg", "postgresql+psycopg_async"),
    ],
)
def test_drivers_are_chosen_for_the_user(given: str, sync: str, async_: str) -> None:
    urls = database_urls(given)
    assert urls.sync.drivername == sync
    assert urls.async_.drivername == async_
    assert urls.sync.database == urls.async_.database


def test_display_hides_the_password() -> None:
    shown = database_urls("postgresql://user:secret@host/db").display()
    assert "secret" not in shown
    assert shown.startswith("postgresql://user:")


@pytest.mark.parametrize(
    ("given", "says"),
    [
        ("mysql://root@localhost/q", "unsupported scheme 'mysql'"),
        ("not a url", "is not a database URL"),
        ("sqlite://", "names no database file"),
        ("sqlite:///:memory:", "names no database file"),
        ("postgresql://u@h", "names no database"),
        ("   ", "is empty"),
    ],
)
def test_unusable_urls_say_what_to_write(given: str, says: str) -> None:
    with pytest.raises(ConfigError, match=says) as raised:
        database_urls(given)
    assert "sqlite:///" in raised.value.message
    assert "\n" not in raised.value.message


def test_numbers_and_switches_are_checked() -> None:
    assert Settings.from_env({"QUOTECHECK_SQLITE_BUSY_TIMEOUT_MS": "250"}).sqlite_busy_timeout_ms == 250
    assert Settings.from_env({"QUOTECHECK_ECHO_SQL": "yes"}).echo_sql is True
    with pytest.raises(ConfigError, match="not a whole number"):
        Settings.from_env({"QUOTECHECK_SQLITE_BUSY_TIMEOUT_MS": "soon"})
    with pytest.raises(ConfigError, match="not a yes/no value"):
        Settings.from_env({"QUOTECHECK_ECHO_SQL": "maybe"})


def test_the_connection_pool_is_sized_by_settings() -> None:
    from quotecheck.db import make_async_engine

    settings = Settings.from_env(
        {
            "QUOTECHECK_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none",
            "QUOTECHECK_DB_POOL_SIZE": "7",
            "QUOTECHECK_DB_MAX_OVERFLOW": "0",
        }
    )
    engine = make_async_engine(settings=settings)  # no connection is made until one is used
    assert engine.pool.size() == 7  # type: ignore[attr-defined]
    assert engine.pool._max_overflow == 0  # type: ignore[attr-defined]
    assert Settings.from_env({}).db_pool_size == 10  # not SQLAlchemy's 5: see quotecheck.db
    with pytest.raises(ConfigError, match="too small"):
        Settings.from_env({"QUOTECHECK_DB_POOL_SIZE": "0"})

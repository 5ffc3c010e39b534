"""Settings, read from the environment in one place.

| variable | default | meaning |
| --- | --- | --- |
| `QUOTECHECK_DATABASE_URL` | `sqlite:///quotecheck.db` | the database: `sqlite:///path.db` or `postgresql://user@host/db` |
| `QUOTECHECK_SQLITE_BUSY_TIMEOUT_MS` | `15000` | how long a SQLite writer waits for another to finish |
| `QUOTECHECK_ECHO_SQL` | `0` | `1` logs every SQL statement (for debugging) |

Callers give plain URLs; `database_urls` picks the drivers: pysqlite / aiosqlite for SQLite and psycopg 3 for
PostgreSQL (one driver that has both a blocking and an asyncio side, so the API never blocks its event loop).
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from quotecheck.errors import ConfigError

__all__ = ["DEFAULT_DATABASE_URL", "DatabaseURLs", "Settings", "database_urls"]

DEFAULT_DATABASE_URL = "sqlite:///quotecheck.db"
_URL_HELP = "use sqlite:///path/to/quotecheck.db or postgresql://user@host:5432/dbname"


@dataclass(frozen=True, slots=True)
class DatabaseURLs:
    """The one database, as the blocking (CLI, migrations) and the asyncio (API) drivers reach it."""

    sync: URL
    async_: URL

    @property
    def backend(self) -> str:
        return self.sync.get_backend_name()

    @property
    def is_sqlite(self) -> bool:
        return self.backend == "sqlite"

    def display(self) -> str:
        """The URL with any password hidden, for messages and logs."""
        return self.sync.set(drivername=self.backend).render_as_string(hide_password=True)


def database_urls(raw: str, *, variable: str = "QUOTECHECK_DATABASE_URL") -> DatabaseURLs:
    """Turn a user's URL into driver-specific ones, or say in one line what to change."""
    text = raw.strip()
    if not text:
        raise ConfigError(f"{variable} is empty; {_URL_HELP}")
    try:
        url = make_url(text)
    except ArgumentError:
        raise ConfigError(f"{variable}={text!r} is not a database URL; {_URL_HELP}") from None
    backend = url.get_backend_name()
    if backend == "sqlite":
        if not url.database or url.database == ":memory:" or url.database.startswith("file:"):
            raise ConfigError(
                f"{variable}={text!r} names no database file (an in-memory SQLite database would vanish "
                f"after each command); {_URL_HELP}"
            )
        return DatabaseURLs(url.set(drivername="sqlite+pysqlite"), url.set(drivername="sqlite+aiosqlite"))
    if backend in ("postgresql", "postgres"):
        if importlib.util.find_spec("psycopg") is None:
            raise ConfigError(
                "PostgreSQL support is not installed; run: pip install 'quotecheck[postgresql]'"
            )
        pg = url.set(drivername="postgresql+psycopg")
        if not pg.database:
            raise ConfigError(f"{variable}={url.render_as_string()!r} names no database; {_URL_HELP}")
        return DatabaseURLs(pg, pg.set(drivername="postgresql+psycopg_async"))
    raise ConfigError(
        f"{variable} uses the unsupported scheme {url.drivername!r}; quotecheck runs on SQLite and "
        f"PostgreSQL: {_URL_HELP}"
    )


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    value = env.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ConfigError(f"{name}={value!r} is not a whole number; set it to e.g. {default}") from None


def _bool(env: Mapping[str, str], name: str) -> bool:
    value = env.get(name, "").strip().lower()
    if value in ("", "0", "false", "no", "off"):
        return False
    if value in ("1", "true", "yes", "on"):
        return True
    raise ConfigError(f"{name}={value!r} is not a yes/no value; set it to 1 or 0")


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    sqlite_busy_timeout_ms: int = 15000
    echo_sql: bool = False

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        return cls(
            database_url=env.get("QUOTECHECK_DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL,
            sqlite_busy_timeout_ms=_int(env, "QUOTECHECK_SQLITE_BUSY_TIMEOUT_MS", 15000),
            echo_sql=_bool(env, "QUOTECHECK_ECHO_SQL"),
        )

    @property
    def urls(self) -> DatabaseURLs:
        return database_urls(self.database_url)

"""Settings, read from the environment in one place.

| variable | default | meaning |
| --- | --- | --- |
| `QUOTECHECK_DATABASE_URL` | `sqlite:///quotecheck.db` | the database: `sqlite:///path.db` or `postgresql://user@host/db` |
| `QUOTECHECK_READ_DATABASE_URLS` | empty | PostgreSQL streaming replicas the API reads from, comma-separated; writes, and reads by a client that has just written, go to the primary |
| `QUOTECHECK_REPLICA_MAX_LAG` | `5` | seconds a replica may lag behind the primary before the API stops reading from it |
| `QUOTECHECK_SQLITE_BUSY_TIMEOUT_MS` | `15000` | how long a SQLite writer waits for another to finish |
| `QUOTECHECK_ECHO_SQL` | `0` | `1` logs every SQL statement (for debugging) |
| `QUOTECHECK_MAX_DEPTH` | `15` | deepest nesting of a GraphQL document (introspection included) |
| `QUOTECHECK_MAX_ALIASES` | `30` | aliases in one document |
| `QUOTECHECK_MAX_DIRECTIVES` | `50` | directives (`@skip`, `@include`, ...) in one document |
| `QUOTECHECK_MAX_TOKENS` | `4000` | tokens in one document (parsing stops beyond) |
| `QUOTECHECK_MAX_QUERY_BYTES` | `100000` | size of one GraphQL document, in bytes |
| `QUOTECHECK_MAX_BODY_BYTES` | `524288` | size of a POST body, in bytes |
| `QUOTECHECK_MAX_COST` | `20000` | nodes a query may ask for: connection page sizes multiplied down each path, summed |
| `QUOTECHECK_INTROSPECTION` | `1` | `0` refuses `__schema` and `__type` (production; `__typename` still works) |
| `QUOTECHECK_GRAPHIQL` | `1` | `0` turns the GraphiQL page at /graphql off |
| `QUOTECHECK_PERSISTED_QUERIES` | `1000` | documents remembered for persisted queries (per worker, least recently used go; shared in Redis when `QUOTECHECK_REDIS_URL` is set); `0` is off |
| `QUOTECHECK_CORS_ORIGINS` | empty | origins allowed to call the API from a browser, comma-separated; empty sends no CORS headers |
| `QUOTECHECK_REQUEST_TIMEOUT_S` | `30` | seconds an operation may run before it is stopped (`TIMEOUT`); `0` is no limit |
| `QUOTECHECK_STATEMENT_TIMEOUT_MS` | `20000` | PostgreSQL `statement_timeout` of the API's connections; `0` is no limit |
| `QUOTECHECK_DB_POOL_SIZE` | `10` | PostgreSQL connections each API worker keeps open |
| `QUOTECHECK_DB_MAX_OVERFLOW` | `10` | connections a worker may open beyond those, closed again when returned |
| `QUOTECHECK_RATE_LIMIT` | empty (off) | requests per client address, e.g. `120/minute` or `10/second;300/minute`; empty or `0` is off |
| `QUOTECHECK_TOKEN_RATE_LIMIT` | as `QUOTECHECK_RATE_LIMIT` | requests per bearer token (usually higher); `0` is off |
| `QUOTECHECK_REDIS_URL` | empty | `redis://127.0.0.1:6379/0`: rate limits and persisted queries shared by every worker and server (else per worker, in memory) |
| `QUOTECHECK_REDIS_PREFIX` | `quotecheck` | prefix of the Redis keys, for several deployments on one Redis |
| `QUOTECHECK_TRUSTED_PROXIES` | empty | addresses of reverse proxies whose `X-Forwarded-For` gives the client's address (`serve`) |
| `QUOTECHECK_BACKUP_MAX_AGE_HOURS` | `24` | `db upgrade` warns when no backup this recent is recorded; `0` turns the warning off |
| `QUOTECHECK_STATE_DIR` | `$XDG_STATE_HOME/quotecheck` or `~/.local/state/quotecheck` | where `db backup` records the backups it made |

Callers give plain URLs; `database_urls` picks the drivers: pysqlite / aiosqlite for SQLite and psycopg 3 for
PostgreSQL (one driver that has both a blocking and an asyncio side, so the API never blocks its event loop).
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Mapping
from dataclasses import dataclass

from limits import parse_many
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
                "PostgreSQL support is not installed; run: pip install 'quotecheck-db[postgresql]' (from a clone: pip install -e '.[postgresql]')"
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


def _bool(env: Mapping[str, str], name: str, *, default: bool = False) -> bool:
    value = env.get(name, "").strip().lower()
    if not value:
        return default
    if value in ("0", "false", "no", "off"):
        return False
    if value in ("1", "true", "yes", "on"):
        return True
    raise ConfigError(f"{name}={value!r} is not a yes/no value; set it to 1 or 0")


def _positive(env: Mapping[str, str], name: str, default: int, *, zero: bool = False) -> int:
    """A limit: a whole number above 0 (or 0 too, meaning off, where `zero`)."""
    value = _int(env, name, default)
    if value < 0 or (value == 0 and not zero):
        lowest = 0 if zero else 1
        raise ConfigError(f"{name}={value} is too small; set it to {lowest} or more, e.g. {default}")
    return value


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    value = env.get(name, "").strip()
    if not value:
        return default
    try:
        seconds = float(value)
    except ValueError:
        raise ConfigError(f"{name}={value!r} is not a number of seconds, e.g. {default:g}") from None
    if not 0 <= seconds < float("inf"):
        raise ConfigError(f"{name}={value!r} is out of range; set it to 0 (no limit) or e.g. {default:g}")
    return seconds


def _origins(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    """Browser origins (`https://site.example`), comma-separated; `*` allows any."""
    origins = tuple(part.strip().rstrip("/") for part in env.get(name, "").split(",") if part.strip())
    for origin in origins:
        if origin != "*" and not origin.startswith(("http://", "https://")):
            raise ConfigError(
                f"{name}: {origin!r} is not an origin; write scheme and host, e.g. https://newsroom.example"
            )
    return origins


def _rate_limit(env: Mapping[str, str], name: str) -> str | None:
    """A rate limit as `limits` writes them (`120/minute`, `10/second;300/minute`), or None when unset."""
    if name not in env:
        return None
    value = env[name].strip()
    if value not in ("", "0"):
        try:
            parse_many(value)
        except ValueError:
            raise ConfigError(
                f"{name}={value!r} is not a rate limit; write e.g. 120/minute or 10/second;300/minute "
                "(empty or 0 turns it off)"
            ) from None
    return value


def _read_urls(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    """Replica URLs, comma-separated; each must be PostgreSQL (SQLite has no replicas)."""
    urls = tuple(part.strip() for part in env.get(name, "").split(",") if part.strip())
    for url in urls:
        if database_urls(url, variable=name).is_sqlite:
            raise ConfigError(
                f"{name}: {url!r} is a SQLite file; read replicas are PostgreSQL streaming replicas "
                "(postgresql://user@replica-host/dbname), or leave it empty"
            )
    return urls


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    read_database_urls: tuple[str, ...] = ()
    replica_max_lag_s: float = 5.0
    sqlite_busy_timeout_ms: int = 15000
    echo_sql: bool = False
    max_depth: int = 15
    max_aliases: int = 30
    max_directives: int = 50
    max_tokens: int = 4000
    max_query_bytes: int = 100_000
    max_body_bytes: int = 512 * 1024
    max_cost: int = 20_000
    introspection: bool = True
    graphiql: bool = True
    persisted_queries: int = 1000
    cors_origins: tuple[str, ...] = ()
    request_timeout_s: float = 30.0
    statement_timeout_ms: int = 20_000
    db_pool_size: int = 10
    db_max_overflow: int = 10
    rate_limit: str = ""  # checked by _rate_limit; parsed by quotecheck.api.ratelimit
    token_rate_limit: str | None = None  # None: as rate_limit
    redis_url: str = ""
    redis_prefix: str = "quotecheck"
    trusted_proxies: str = ""
    backup_max_age_hours: int = 24
    state_dir: str = ""

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        made = cls(
            database_url=env.get("QUOTECHECK_DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL,
            read_database_urls=_read_urls(env, "QUOTECHECK_READ_DATABASE_URLS"),
            replica_max_lag_s=_seconds(env, "QUOTECHECK_REPLICA_MAX_LAG", 5.0),
            sqlite_busy_timeout_ms=_int(env, "QUOTECHECK_SQLITE_BUSY_TIMEOUT_MS", 15000),
            echo_sql=_bool(env, "QUOTECHECK_ECHO_SQL"),
            max_depth=_positive(env, "QUOTECHECK_MAX_DEPTH", 15),
            max_aliases=_positive(env, "QUOTECHECK_MAX_ALIASES", 30),
            max_directives=_positive(env, "QUOTECHECK_MAX_DIRECTIVES", 50),
            max_tokens=_positive(env, "QUOTECHECK_MAX_TOKENS", 4000),
            max_query_bytes=_positive(env, "QUOTECHECK_MAX_QUERY_BYTES", 100_000),
            max_body_bytes=_positive(env, "QUOTECHECK_MAX_BODY_BYTES", 512 * 1024),
            max_cost=_positive(env, "QUOTECHECK_MAX_COST", 20_000),
            introspection=_bool(env, "QUOTECHECK_INTROSPECTION", default=True),
            graphiql=_bool(env, "QUOTECHECK_GRAPHIQL", default=True),
            persisted_queries=_positive(env, "QUOTECHECK_PERSISTED_QUERIES", 1000, zero=True),
            cors_origins=_origins(env, "QUOTECHECK_CORS_ORIGINS"),
            request_timeout_s=_seconds(env, "QUOTECHECK_REQUEST_TIMEOUT_S", 30.0),
            statement_timeout_ms=_positive(env, "QUOTECHECK_STATEMENT_TIMEOUT_MS", 20_000, zero=True),
            db_pool_size=_positive(env, "QUOTECHECK_DB_POOL_SIZE", 10),
            db_max_overflow=_positive(env, "QUOTECHECK_DB_MAX_OVERFLOW", 10, zero=True),
            rate_limit=_rate_limit(env, "QUOTECHECK_RATE_LIMIT") or "",
            token_rate_limit=_rate_limit(env, "QUOTECHECK_TOKEN_RATE_LIMIT"),
            redis_url=env.get("QUOTECHECK_REDIS_URL", "").strip(),
            redis_prefix=env.get("QUOTECHECK_REDIS_PREFIX", "").strip() or "quotecheck",
            trusted_proxies=env.get("QUOTECHECK_TRUSTED_PROXIES", "").strip(),
            backup_max_age_hours=_int(env, "QUOTECHECK_BACKUP_MAX_AGE_HOURS", 24),
            state_dir=env.get("QUOTECHECK_STATE_DIR", "").strip(),
        )
        made.read_urls  # noqa: B018  (checked now: replicas of a SQLite primary are refused before serving)
        return made

    @property
    def urls(self) -> DatabaseURLs:
        return database_urls(self.database_url)

    @property
    def read_urls(self) -> tuple[DatabaseURLs, ...]:
        """The read replicas' URLs; none on SQLite, which has no replicas."""
        if self.read_database_urls and self.urls.is_sqlite:
            raise ConfigError(
                "QUOTECHECK_READ_DATABASE_URLS is set but QUOTECHECK_DATABASE_URL is SQLite; replicas need a "
                "PostgreSQL primary: unset QUOTECHECK_READ_DATABASE_URLS or move to PostgreSQL"
            )
        return tuple(
            database_urls(url, variable="QUOTECHECK_READ_DATABASE_URLS") for url in self.read_database_urls
        )

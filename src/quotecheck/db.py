"""Engines and sessions: the only place that opens a database.

SQLite is set up to be a good neighbour to itself: foreign keys on, a write-ahead log so readers never wait
for the writer, a busy timeout so writers queue instead of failing, and explicit BEGINs (the pysqlite driver
of Python 3.11 otherwise delays them, which breaks savepoints and lets a reading transaction fail with
"database is locked" when it later writes). Write sessions start with `BEGIN IMMEDIATE`: they take the write
lock up front and wait for it under the busy timeout, instead of failing half-way through.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction, sessionmaker

from quotecheck.auth import Actor, cli_actor
from quotecheck.errors import DatabaseUnavailable
from quotecheck.models.audit import AuditEvent
from quotecheck.settings import DatabaseURLs, Settings

__all__ = [
    "actor_of",
    "async_reading",
    "async_session_factory",
    "async_writing",
    "bind",
    "check_connection",
    "connection_lost",
    "has_written",
    "make_async_engine",
    "make_engine",
    "mark_audited",
    "request_id_of",
    "restore_written",
    "session_scope",
    "writing",
]

_BEGIN_OPTION = "quotecheck_sqlite_begin"
_PG_POOL_RECYCLE_S = 1800


def _sqlite_file(url: URL) -> Path:
    assert url.database is not None
    return Path(url.database).expanduser()


def _check_sqlite_directory(url: URL) -> None:
    directory = _sqlite_file(url).resolve().parent
    if not directory.is_dir():
        raise DatabaseUnavailable(
            f"cannot create the SQLite database {_sqlite_file(url)}: the directory {directory} does not exist; "
            "create it, or point QUOTECHECK_DATABASE_URL at a file in an existing directory"
        )
    if not os.access(directory, os.W_OK):
        raise DatabaseUnavailable(
            f"cannot write the SQLite database in {directory} (permission denied); "
            "point QUOTECHECK_DATABASE_URL at a writable directory"
        )


def _install_sqlite_hooks(engine: Engine, *, busy_timeout_ms: int, foreign_keys: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Hand transaction control to SQLAlchemy: the driver must not BEGIN or COMMIT on its own.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            cursor.execute(f"PRAGMA foreign_keys = {'ON' if foreign_keys else 'OFF'}")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get(_BEGIN_OPTION, "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")


def make_engine(
    urls: DatabaseURLs | None = None,
    *,
    settings: Settings | None = None,
    foreign_keys: bool = True,
) -> Engine:
    """A blocking engine, for the CLI, migrations and tests."""
    settings = settings or Settings.from_env()
    urls = urls or settings.urls
    if urls.is_sqlite:
        _check_sqlite_directory(urls.sync)
        engine = create_engine(urls.sync, echo=settings.echo_sql)
        _install_sqlite_hooks(
            engine, busy_timeout_ms=settings.sqlite_busy_timeout_ms, foreign_keys=foreign_keys
        )
        return engine
    return create_engine(
        urls.sync, echo=settings.echo_sql, pool_pre_ping=True, pool_recycle=_PG_POOL_RECYCLE_S
    )


def make_async_engine(
    urls: DatabaseURLs | None = None, *, settings: Settings | None = None, connect_timeout_s: int = 0
) -> AsyncEngine:
    """An asyncio engine, for the API: no query ever blocks the event loop. `connect_timeout_s` (PostgreSQL):
    give up connecting after that long (a read replica whose host is gone must not hold requests up)."""
    settings = settings or Settings.from_env()
    urls = urls or settings.urls
    if urls.is_sqlite:
        _check_sqlite_directory(urls.async_)
        engine = create_async_engine(urls.async_, echo=settings.echo_sql)
        _install_sqlite_hooks(
            engine.sync_engine, busy_timeout_ms=settings.sqlite_busy_timeout_ms, foreign_keys=True
        )
        return engine
    # pre-ping: a pooled connection that a PostgreSQL restart (or a proxy's idle timeout) broke is found
    # and replaced before use, so the pool recovers by itself; recycle: none is kept for over half an hour
    # statement_timeout: a query the request deadline gave up on cannot run on in the server for long
    timeout = settings.statement_timeout_ms
    connect_args: dict[str, Any] = {"options": f"-c statement_timeout={int(timeout)}"} if timeout > 0 else {}
    if connect_timeout_s > 0:
        connect_args["connect_timeout"] = connect_timeout_s
    # pool: a request holds its connection while it awaits the database, so a worker needs about as many as
    # requests in flight; with SQLAlchemy's default of 5, requests beyond 5 used overflow connections that
    # were closed on return, and a load of 8 kept opening and closing PostgreSQL connections (a backend
    # started per request: py-spy showed connecting and closing at 7.5% of the server's samples).
    return create_async_engine(
        urls.async_,
        echo=settings.echo_sql,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_pre_ping=True,
        pool_recycle=_PG_POOL_RECYCLE_S,
        connect_args=connect_args,
    )


def async_session_factory(engine: AsyncEngine) -> async_sessionmaker[Any]:
    return async_sessionmaker(engine, expire_on_commit=False)


def writing(engine: Engine) -> Engine:
    """The same engine, but SQLite transactions take the write lock when they begin."""
    if engine.dialect.name == "sqlite":
        return engine.execution_options(**{_BEGIN_OPTION: "IMMEDIATE"})
    return engine


def async_reading(engine: AsyncEngine) -> AsyncEngine:
    """The asyncio engine the API reads with. On PostgreSQL its connections run in autocommit: a request
    that only reads then costs no BEGIN and no ROLLBACK round trip (two of the four a compiled read used to
    make). Nothing is lost: at READ COMMITTED, PostgreSQL's level, every statement takes its own snapshot
    inside a transaction too, and the read sessions never write (writes go through `async_writing`'s
    sessions, in transactions). SQLite keeps its deferred transactions: they cost no round trip."""
    if engine.dialect.name == "postgresql":
        return engine.execution_options(isolation_level="AUTOCOMMIT")
    return engine


def async_writing(engine: AsyncEngine) -> AsyncEngine:
    """The asyncio engine whose SQLite transactions take the write lock when they begin (see `writing`)."""
    if engine.dialect.name == "sqlite":
        return engine.execution_options(**{_BEGIN_OPTION: "IMMEDIATE"})
    return engine


@contextmanager
def session_scope(engine: Engine, *, write: bool = False, actor: Actor | None = None) -> Iterator[Session]:
    """One session, one transaction: committed when the block ends cleanly, rolled back otherwise.

    A writing session acts for `actor` (default: the user running this command) and every change in it must
    record an audit event (quotecheck.services.audit)."""
    factory = sessionmaker(bind=writing(engine) if write else engine, expire_on_commit=False)
    with factory() as session:
        if write:
            bind(session, actor or cli_actor())
        with session.begin():
            yield session


# --- who writes, and the guard: a bound session may not commit writes that recorded no audit event ----------

_ACTOR = "quotecheck.actor"
_REQUEST = "quotecheck.request_id"
_WROTE = "quotecheck.wrote"
_AUDITED = "quotecheck.audited"
_GUARD = "quotecheck.audit_guard"


def bind(session: Session, actor: Actor, *, request_id: str | None = None, guard: bool = True) -> None:
    """Attach who is changing things to a session that writes, and arm the every-change-is-audited guard
    (`guard=False` only for test fixtures that seed rows directly)."""
    if actor.kind is None:
        raise RuntimeError("an anonymous client cannot write; check the role before opening a write session")
    session.info[_ACTOR] = actor
    session.info[_REQUEST] = request_id
    session.info[_GUARD] = guard


def actor_of(session: Session) -> Actor:
    actor = session.info.get(_ACTOR)
    if not isinstance(actor, Actor):
        raise RuntimeError("this session has no actor; open it with session_scope(write=True) or db.bind")
    return actor


def request_id_of(session: Session) -> str | None:
    rid = session.info.get(_REQUEST)
    return rid if isinstance(rid, str) else None


def mark_audited(session: Session) -> None:
    session.info[_AUDITED] = True


def has_written(session: Session) -> bool:
    return bool(session.info.get(_WROTE))


def restore_written(session: Session, wrote: bool) -> None:
    """After a savepoint was rolled back (a dry run), forget the writes it flushed: none of them remains."""
    session.info[_WROTE] = wrote


def _changes(objects: Iterable[Any]) -> bool:
    return any(not isinstance(obj, AuditEvent) for obj in objects)


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context: Any) -> None:
    if session.info.get(_GUARD) and _changes((*session.new, *session.dirty, *session.deleted)):
        session.info[_WROTE] = True


@event.listens_for(Session, "do_orm_execute")
def _on_execute(state: ORMExecuteState) -> None:
    if state.session.info.get(_GUARD) and (state.is_insert or state.is_update or state.is_delete):
        state.session.info[_WROTE] = True


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    if not session.info.get(_GUARD) or session.info.get(_AUDITED) or session.in_nested_transaction():
        return  # a savepoint's release is not the commit
    # commit flushes after this event, so changes still pending count too
    if session.info.get(_WROTE) or _changes((*session.new, *session.dirty, *session.deleted)):
        raise RuntimeError(
            "this transaction changed data but recorded no audit event; call audit.record for the change"
        )


@event.listens_for(Session, "after_transaction_end")
def _reset(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the real transaction, not a savepoint: the next one starts afresh
        session.info.pop(_WROTE, None)
        session.info.pop(_AUDITED, None)


# PostgreSQL's SQLSTATEs for "the server is not there for you now": connection exceptions (class 08), a
# shutdown or restart in progress, too many connections.
_UNAVAILABLE_STATES = ("57P01", "57P02", "57P03", "53300")
# SQLite's: the file is locked past the busy timeout, cannot be opened, or cannot be read or written.
_UNAVAILABLE_SQLITE = ("SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_CANTOPEN", "SQLITE_IOERR")


def connection_lost(error: BaseException | None) -> bool:
    """True when a driver error means the database cannot be reached or used just now (the client should
    retry later: a 503), not that the statement was wrong (a bug) or took too long (a timeout)."""
    if not isinstance(error, DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    if not isinstance(error, OperationalError | InterfaceError):
        return False
    orig = error.orig
    sqlite_name = getattr(orig, "sqlite_errorname", None)
    if isinstance(sqlite_name, str):
        return sqlite_name.startswith(_UNAVAILABLE_SQLITE)
    state = getattr(orig, "sqlstate", None)
    # psycopg gives no SQLSTATE when it could not connect at all, or lost the connection
    return state is None or state.startswith("08") or state in _UNAVAILABLE_STATES


def describe_connection_error(urls: DatabaseURLs, error: DBAPIError) -> str:
    """One line saying why the database could not be reached and what to do."""
    detail = str(error.orig).strip().splitlines()[0] if error.orig is not None else str(error)
    if urls.is_sqlite:
        return (
            f"cannot open the SQLite database {_sqlite_file(urls.sync)}: {detail}; "
            "check QUOTECHECK_DATABASE_URL and the file's permissions"
        )
    return (
        f"cannot connect to PostgreSQL at {urls.display()}: {detail}; check QUOTECHECK_DATABASE_URL "
        "and that the server is running and accepts this user"
    )


def check_connection(engine: Engine, urls: DatabaseURLs) -> None:
    """Connect once, turning driver errors into a `DatabaseUnavailable` that says what to fix."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except (OperationalError, DBAPIError) as error:
        raise DatabaseUnavailable(describe_connection_error(urls, error)) from None

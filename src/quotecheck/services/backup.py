"""Backups and restores of the whole database, taken while it is in use, and a record of the backups made.

SQLite is copied page by page with its online backup API (`sqlite3.Connection.backup`): a consistent copy
while the API keeps reading and writing. PostgreSQL is dumped with `pg_dump -Fc` and restored with
`pg_restore --clean --if-exists --no-owner --single-transaction` (a failed restore changes nothing), run as
subprocesses with the URL's parts (the password through `PGPASSWORD`, never on a command line).

A backup is written beside its target and renamed into place when complete, so a crash never leaves a
half-written file under the name given. Each backup made is recorded in `backups.json` in the state directory
(`QUOTECHECK_STATE_DIR`), keyed by the database, so that `db upgrade` can warn when none is recent. A file is
simpler than a table and survives the restore of an older database; a backup made by other means (a
filesystem snapshot, a cron job running plain pg_dump) is not recorded there.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, inspect, select, table
from sqlalchemy.engine import URL

from quotecheck.errors import ConfigError, Conflict, DatabaseUnavailable, ValidationError
from quotecheck.models import Base  # the package: every table registered
from quotecheck.settings import DatabaseURLs, Settings

__all__ = [
    "BackupRecord",
    "backup",
    "holds_data",
    "last_backup",
    "record_backup",
    "restore",
    "state_directory",
]

_SQLITE_MAGIC = b"SQLite format 3\x00"
_PG_DUMP_MAGIC = b"PGDMP"
_RECORD = "backups.json"
_TOOL_TIMEOUT_S = 6 * 3600  # a dump of a very large database takes hours, never days


@dataclass(frozen=True, slots=True)
class BackupRecord:
    """A backup made: of which database, into which file, when, and how big it is."""

    database: str
    file: Path
    made_at: dt.datetime
    size: int


def state_directory(settings: Settings) -> Path:
    """Where quotecheck keeps what it records about this machine's databases (XDG's state directory)."""
    if settings.state_dir:
        return Path(settings.state_dir).expanduser()
    base = os.environ.get("XDG_STATE_HOME", "").strip() or str(Path.home() / ".local" / "state")
    return Path(base) / "quotecheck"


def _database_key(urls: DatabaseURLs) -> str:
    if urls.is_sqlite:
        assert urls.sync.database is not None
        return f"sqlite:///{Path(urls.sync.database).expanduser().resolve()}"
    return urls.display()


def holds_data(engine: Engine) -> bool:
    """True when any of quotecheck's tables holds a row: what a restore would overwrite. (The search index's
    tables are derived from them, and SQLite's FTS5 tables hold rows of their own even when empty.)"""
    existing = set(inspect(engine).get_table_names())
    names = [name for name in Base.metadata.tables if name in existing]
    with engine.connect() as connection:
        return any(connection.scalar(select(1).select_from(table(name)).limit(1)) for name in names)


# --- SQLite -----------------------------------------------------------------------------------------------------
def _sqlite_path(urls: DatabaseURLs) -> Path:
    assert urls.sync.database is not None
    return Path(urls.sync.database).expanduser()


def _sqlite_copy(source: Path, target: Path, busy_timeout_s: float) -> None:
    """Copy one SQLite database into another with the online backup API (readers and writers may go on)."""
    src = sqlite3.connect(source, timeout=busy_timeout_s)
    try:
        dst = sqlite3.connect(target, timeout=busy_timeout_s)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def _check_sqlite_backup(file: Path) -> None:
    with file.open("rb") as handle:
        if handle.read(len(_SQLITE_MAGIC)) != _SQLITE_MAGIC:
            raise ValidationError(
                f"{file} is not a SQLite database; give a file that `quotecheck db backup` wrote from SQLite"
            )
    connection = sqlite3.connect(f"{file.resolve().as_uri()}?mode=ro", uri=True)
    try:
        found = connection.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
        ).fetchone()
    finally:
        connection.close()
    if found is None:
        raise ValidationError(f"{file} is a SQLite database but not a quotecheck one (no alembic_version)")


# --- PostgreSQL ---------------------------------------------------------------------------------------------------
def _pg_tool(name: str) -> str:
    """The path of pg_dump or pg_restore: on PATH, or else the newest of Debian's versioned installs."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    if candidates:
        return str(candidates[-1])
    raise ConfigError(
        f"{name} is not installed, and PostgreSQL backups need it; install the PostgreSQL client tools "
        "(Debian and Ubuntu: apt-get install postgresql-client) of the server's major version or newer"
    )


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq connection string for the URL, without its password, and the environment that carries it."""
    parts = {"dbname": url.database, "host": url.host, "port": url.port, "user": url.username}
    parts.update({key: value for key, value in url.query.items() if isinstance(value, str)})

    def quoted(value: object) -> str:
        text = str(value).replace("\\", "\\\\").replace("'", "\\'")
        return f"'{text}'"

    conninfo = " ".join(f"{key}={quoted(value)}" for key, value in parts.items() if value is not None)
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    return conninfo, env


def _run(command: list[str], env: dict[str, str], doing: str) -> None:
    try:
        result = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=_TOOL_TIMEOUT_S, check=False
        )
    except subprocess.TimeoutExpired:
        raise DatabaseUnavailable(f"{doing} did not finish in {_TOOL_TIMEOUT_S // 3600} hours") from None
    if result.returncode != 0:
        lines = [line for line in result.stderr.strip().splitlines() if line.strip()]
        detail = "; ".join(lines[:3]) or f"exit code {result.returncode}"
        raise DatabaseUnavailable(f"{doing} failed: {detail}")


def _check_pg_backup(file: Path) -> None:
    with file.open("rb") as handle:
        if handle.read(len(_PG_DUMP_MAGIC)) != _PG_DUMP_MAGIC:
            raise ValidationError(
                f"{file} is not a pg_dump archive (custom format); give a file that `quotecheck db backup` "
                "wrote from PostgreSQL"
            )


# --- the two operations -----------------------------------------------------------------------------------------
def backup(urls: DatabaseURLs, file: Path, *, settings: Settings | None = None) -> BackupRecord:
    """Write a consistent copy of the database to `file` (replaced only once the copy is complete)."""
    settings = settings or Settings.from_env()
    file = file.expanduser()
    if file.is_dir():
        raise ValidationError(
            f"{file} is a directory; give the backup's file name, e.g. {file}/quotecheck.bak"
        )
    if not file.parent.is_dir():
        raise ValidationError(
            f"cannot write {file}: the directory {file.parent} does not exist; create it first"
        )
    partial = file.with_name(f".{file.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        if urls.is_sqlite:
            source = _sqlite_path(urls)
            if not source.is_file():
                raise DatabaseUnavailable(
                    f"there is no SQLite database at {source} to back up; check QUOTECHECK_DATABASE_URL"
                )
            _sqlite_copy(source, partial, settings.sqlite_busy_timeout_ms / 1000)
        else:
            conninfo, env = _libpq(urls.sync)
            _run([_pg_tool("pg_dump"), "-Fc", "-f", str(partial), "-d", conninfo], env, "pg_dump")
        os.replace(partial, file)
    finally:
        partial.unlink(missing_ok=True)
    made = BackupRecord(
        database=urls.display(),
        file=file.resolve(),
        made_at=dt.datetime.now(dt.UTC),
        size=file.stat().st_size,
    )
    record_backup(state_directory(settings), urls, made)
    return made


def restore(
    urls: DatabaseURLs, engine: Engine, file: Path, *, force: bool = False, settings: Settings | None = None
) -> None:
    """Replace the database's contents with a backup's. A database holding data is overwritten only with
    `force`: a restore into the wrong database must not be one typo away."""
    settings = settings or Settings.from_env()
    file = file.expanduser()
    if not file.is_file():
        raise ValidationError(f"there is no backup file {file}; give the path `quotecheck db backup` wrote")
    if urls.is_sqlite:
        _check_sqlite_backup(file)
    else:
        _check_pg_backup(file)
    if not force and holds_data(engine):
        raise Conflict(
            f"the database {urls.display()} holds data, which the restore would overwrite; check it is the "
            "right one (back it up first if in doubt), then run the restore again with --force"
        )
    engine.dispose()  # no pooled connection of ours holds a lock the restore must wait for
    if urls.is_sqlite:
        _sqlite_copy(file, _sqlite_path(urls), settings.sqlite_busy_timeout_ms / 1000)
        return
    conninfo, env = _libpq(urls.sync)
    command = [
        _pg_tool("pg_restore"),
        "--clean",
        "--if-exists",
        "--no-owner",
        "--single-transaction",
        "--exit-on-error",
        "-d",
        conninfo,
        str(file),
    ]
    _run(command, env, "pg_restore (nothing was changed)")


# --- the record of backups made ------------------------------------------------------------------------------------
def _read_records(directory: Path) -> dict[str, dict[str, object]]:
    try:
        loaded = json.loads((directory / _RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # none yet, or unreadable: as if no backup were recorded (upgrade then warns)
    return loaded if isinstance(loaded, dict) else {}


def record_backup(directory: Path, urls: DatabaseURLs, made: BackupRecord) -> None:
    records = _read_records(directory)
    records[_database_key(urls)] = {
        "made_at": made.made_at.isoformat(),
        "file": str(made.file),
        "size": made.size,
    }
    directory.mkdir(parents=True, exist_ok=True)
    partial = directory / f".{_RECORD}.partial"
    partial.write_text(json.dumps(records, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(partial, directory / _RECORD)


def last_backup(directory: Path, urls: DatabaseURLs) -> BackupRecord | None:
    """The latest backup of this database recorded on this machine, if any."""
    entry = _read_records(directory).get(_database_key(urls))
    if not isinstance(entry, dict):
        return None
    try:
        made_at = dt.datetime.fromisoformat(str(entry["made_at"]))
        size = entry["size"]
        return BackupRecord(
            database=urls.display(),
            file=Path(str(entry["file"])),
            made_at=made_at,
            size=size if isinstance(size, int) else 0,
        )
    except (KeyError, ValueError):
        return None

"""Schema migrations, for administrators: Alembic driven from the `quotecheck db` commands and from tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Connection, Engine

from quotecheck.errors import SchemaOutOfDate, ValidationError

__all__ = [
    "MigrationState",
    "alembic_config",
    "current_revision",
    "downgrade",
    "head_revision",
    "history",
    "migration_state",
    "require_head",
    "upgrade",
]

_PACKAGE = Path(__file__).resolve().parent


def _locate() -> tuple[Path, Path]:
    """The alembic.ini and migrations/ folder: inside an installed package, else at the repository root."""
    for root in (_PACKAGE, _PACKAGE.parent.parent):
        if (root / "migrations" / "env.py").is_file() and (root / "alembic.ini").is_file():
            return root / "alembic.ini", root / "migrations"
    raise FileNotFoundError(
        "quotecheck's migrations are missing from this installation; reinstall quotecheck"
    )


def alembic_config(
    database_url: str | None = None,
    *,
    connection: Connection | None = None,
    output: TextIO | None = None,
) -> Config:
    """An Alembic config for quotecheck; a URL or connection given here wins over QUOTECHECK_DATABASE_URL."""
    ini, scripts = _locate()
    config = Config(str(ini), stdout=output, output_buffer=output) if output is not None else Config(str(ini))
    config.set_main_option("script_location", str(scripts))
    config.attributes["configure_logger"] = False
    if database_url is not None:
        config.attributes["database_url"] = database_url
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@contextmanager
def _friendly(action: str) -> Iterator[None]:
    try:
        yield
    except CommandError as error:
        raise ValidationError(
            f"cannot {action}: {error}; see `quotecheck db history` for revisions"
        ) from None


def upgrade(config: Config, revision: str = "head", *, sql: bool = False) -> None:
    with _friendly(f"upgrade to {revision!r}"):
        command.upgrade(config, revision, sql=sql)


def downgrade(config: Config, revision: str, *, sql: bool = False) -> None:
    with _friendly(f"downgrade to {revision!r}"):
        command.downgrade(config, revision, sql=sql)


def history(config: Config) -> list[tuple[str, str | None, str]]:
    """(revision, down revision, message), newest first."""
    script = ScriptDirectory.from_config(config)
    rows = []
    for rev in script.walk_revisions():
        down = rev.down_revision if isinstance(rev.down_revision, str | None) else ",".join(rev.down_revision)
        rows.append((rev.revision, down, rev.doc or ""))
    return rows


def head_revision(config: Config) -> str:
    heads = ScriptDirectory.from_config(config).get_heads()
    if len(heads) != 1:
        raise SchemaOutOfDate(
            f"the migrations have {len(heads)} heads ({', '.join(heads)}); merge them first"
        )
    return heads[0]


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


@dataclass(frozen=True, slots=True)
class MigrationState:
    current: str | None
    head: str

    @property
    def at_head(self) -> bool:
        return self.current == self.head


def migration_state(engine: Engine, config: Config | None = None) -> MigrationState:
    config = config or alembic_config()
    with engine.connect() as connection:
        return MigrationState(current_revision(connection), head_revision(config))


def require_head(engine: Engine, config: Config | None = None) -> None:
    """Refuse to work on a database whose schema is not the one this code expects."""
    state = migration_state(engine, config)
    if state.current is None:
        raise SchemaOutOfDate(
            "the database is empty (no schema yet); run `quotecheck db upgrade` to create it "
            "(then `quotecheck demo` loads the demo corpus)"
        )
    if not state.at_head:
        raise SchemaOutOfDate(
            f"the database is at {state.current}, not at the migration head {state.head}; "
            "back it up, then run `quotecheck db upgrade`"
        )

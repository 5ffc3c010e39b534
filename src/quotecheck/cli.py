"""The `quotecheck` command line: administration (`db ...`) and the demo; later issues add more commands.

Every command opens one session (one transaction) and commits only when it succeeds. Errors the user can fix
print as one line on stderr with exit code 2; nothing half-done is committed.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from quotecheck import __version__, migrate
from quotecheck.db import check_connection, describe_connection_error, make_engine, session_scope
from quotecheck.errors import DatabaseUnavailable, QuotecheckError, ValidationError
from quotecheck.settings import DatabaseURLs, Settings

__all__ = ["app", "main"]

app = typer.Typer(
    name="quotecheck",
    help="quotecheck: who said what, where, when, and how each quote travelled.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(
    help="Administer the schema (Alembic migrations): upgrade, downgrade, current, history. Back up first.",
    no_args_is_help=True,
)
app.add_typer(db_app, name="db")
schema_app = typer.Typer(
    help="The GraphQL schema: export it, or check it against the committed file.", no_args_is_help=True
)
app.add_typer(schema_app, name="schema")


@contextmanager
def _database(*, require_head: bool = True) -> Iterator[tuple[Engine, DatabaseURLs]]:
    settings = Settings.from_env()
    urls = settings.urls
    engine = make_engine(urls, settings=settings)
    try:
        check_connection(engine, urls)
        if require_head:
            migrate.require_head(engine)
        yield engine, urls
    except DBAPIError as error:
        raise DatabaseUnavailable(describe_connection_error(urls, error)) from None
    finally:
        engine.dispose()


def _version(value: bool) -> None:
    if value:
        typer.echo(f"quotecheck {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Configuration comes from QUOTECHECK_* environment variables; see the README."""


@db_app.command("upgrade")
def db_upgrade(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
    sql: Annotated[
        bool, typer.Option("--sql", help="Print the SQL instead of running it (offline mode).")
    ] = False,
) -> None:
    """Upgrade the schema to REVISION (default: the latest)."""
    if sql:
        Settings.from_env().urls  # noqa: B018 - refuse a bad URL before printing anything
        migrate.upgrade(migrate.alembic_config(output=sys.stdout), revision, sql=True)
        return
    with _database(require_head=False) as (engine, urls):
        config = migrate.alembic_config(urls.sync.render_as_string(hide_password=False))
        before = migrate.migration_state(engine, config).current
        migrate.upgrade(config, revision)
        after = migrate.migration_state(engine, config)
    typer.echo(
        f"database {urls.display()}: {before or 'empty'} -> {after.current or 'empty'}"
        + (" (head)" if after.at_head else "")
    )


@db_app.command("downgrade")
def db_downgrade(
    revision: Annotated[str, typer.Argument(help="Target revision; `base` removes every table.")],
    sql: Annotated[
        bool, typer.Option("--sql", help="Print the SQL instead of running it (offline mode).")
    ] = False,
) -> None:
    """Downgrade the schema to REVISION. Data in the tables it drops is lost: back up first."""
    if sql:
        Settings.from_env().urls  # noqa: B018
        migrate.downgrade(migrate.alembic_config(output=sys.stdout), revision, sql=True)
        return
    with _database(require_head=False) as (engine, urls):
        config = migrate.alembic_config(urls.sync.render_as_string(hide_password=False))
        before = migrate.migration_state(engine, config).current
        migrate.downgrade(config, revision)
        after = migrate.migration_state(engine, config)
    typer.echo(f"database {urls.display()}: {before or 'empty'} -> {after.current or 'empty'}")


@db_app.command("current")
def db_current() -> None:
    """Show the database's revision, and whether it is the latest."""
    with _database(require_head=False) as (engine, urls):
        state = migrate.migration_state(engine)
    if state.current is None:
        typer.echo(f"database {urls.display()}: empty (no revision); run `quotecheck db upgrade`")
    elif state.at_head:
        typer.echo(f"{state.current} (head)")
    else:
        typer.echo(f"{state.current} (head is {state.head}; run `quotecheck db upgrade`)")


@db_app.command("history")
def db_history() -> None:
    """List the revisions, newest first."""
    config = migrate.alembic_config()
    head = migrate.head_revision(config)
    for revision, down, message in migrate.history(config):
        marker = " (head)" if revision == head else ""
        typer.echo(f"{down or '<base>'} -> {revision}{marker}: {message.splitlines()[0] if message else ''}")


@app.command("demo")
def demo() -> None:
    """Load the demo corpus (idempotent: a second run changes nothing)."""
    from quotecheck.demo import load_demo

    with _database() as (engine, urls), session_scope(engine, write=True) as session:
        created = load_demo(session)
    if not created:
        typer.echo(f"demo already loaded in {urls.display()}; nothing changed")
        return
    summary = ", ".join(f"{count} {kind.replace('_', ' ')}" for kind, count in sorted(created.items()))
    typer.echo(f"demo loaded into {urls.display()}: created {summary}")


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    workers: Annotated[
        int, typer.Option(help="Worker processes (each with its own connection pool).", min=1)
    ] = 1,
    demo: Annotated[
        bool, typer.Option("--demo", help="Upgrade the database and load the demo corpus first.")
    ] = False,
) -> None:
    """Serve the GraphQL API (GraphiQL in a browser at /graphql; /healthz and /readyz for probes)."""
    import uvicorn

    if demo:
        from quotecheck.demo import load_demo

        with _database(require_head=False) as (engine, urls):
            migrate.upgrade(migrate.alembic_config(urls.sync.render_as_string(hide_password=False)), "head")
            with session_scope(engine, write=True) as session:
                created = load_demo(session)
        typer.echo(f"demo ready in {urls.display()}" + (" (loaded now)" if created else " (already loaded)"))
    else:
        with _database() as (_engine, urls):
            pass
    typer.echo(
        f"serving {urls.display()} on http://{host}:{port}/graphql (GraphiQL in a browser); Ctrl-C stops"
    )
    uvicorn.run(
        "quotecheck.api.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        proxy_headers=False,
    )


@schema_app.command("export")
def schema_export(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead of standard output.")
    ] = None,
) -> None:
    """Print the GraphQL schema (SDL) that the code defines; `schema.graphql` is this output, committed."""
    from quotecheck.api.schema import schema_sdl

    if output is None:
        typer.echo(schema_sdl(), nl=False)
    else:
        output.write_text(schema_sdl(), encoding="utf-8")
        typer.echo(f"wrote {output}")


@schema_app.command("check")
def schema_check(
    against: Annotated[Path, typer.Option(help="The committed schema to compare with.")] = Path(
        "schema.graphql"
    ),
) -> None:
    """Compare the code's schema with a committed one: list breaking and dangerous changes; fail on breaking."""
    from quotecheck.api.schema import schema_changes

    if not against.is_file():
        raise ValidationError(f"{against} does not exist; run `quotecheck schema export -o {against}` first")
    breaking, dangerous, stale = schema_changes(against.read_text(encoding="utf-8"))
    for change in breaking:
        typer.echo(f"BREAKING  {change}")
    for change in dangerous:
        typer.echo(f"dangerous {change}")
    if breaking:
        raise ValidationError(
            f"{len(breaking)} breaking change(s) against {against}; clients rely on these names: "
            "keep them, or record the change in the README and changelog"
        )
    if stale:
        typer.echo(f"{against} is not the exported schema; run `quotecheck schema export -o {against}`")
        raise typer.Exit(1)
    typer.echo(f"{against} matches the code's schema")


def main() -> None:
    """Console entry point: user-fixable errors become one line on stderr and exit code 2."""
    try:
        app()
    except QuotecheckError as error:
        typer.echo(f"error: {error.message}", err=True)
        raise SystemExit(2) from None
    except KeyboardInterrupt:
        typer.echo("interrupted; nothing was committed", err=True)
        raise SystemExit(130) from None

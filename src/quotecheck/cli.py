"""The `quotecheck` command line: administration (`db ...`), the demo, imports, exports, the check, tokens.

Every command opens one session (one transaction) and commits only when it succeeds, but `import quotes`,
which commits a batch at a time so that a long feed survives an interruption. Errors the user can fix
print as one line on stderr with exit code 2; nothing half-done is committed.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
import typer.core
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm import Session

from quotecheck import __version__, clean, migrate
from quotecheck.db import check_connection, describe_connection_error, make_engine, session_scope
from quotecheck.errors import DatabaseUnavailable, QuotecheckError, SchemaOutOfDate, ValidationError
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
    help="Administer the database: upgrade, downgrade, current, history (Alembic migrations); backup, restore.",
    no_args_is_help=True,
)
app.add_typer(db_app, name="db")
import_app = typer.Typer(
    help="Bring documents in: transcripts, articles, quote feeds, ClaimReview.", no_args_is_help=True
)
app.add_typer(import_app, name="import")
index_app = typer.Typer(help="The quote check's search index.", no_args_is_help=True)
app.add_typer(index_app, name="index")
schema_app = typer.Typer(
    help="The GraphQL schema: export it, or check it against the committed file.", no_args_is_help=True
)
app.add_typer(schema_app, name="schema")


@contextmanager
def _database(*, require_head: bool = True) -> Iterator[tuple[Engine, DatabaseURLs]]:
    settings = Settings.from_env()
    urls = settings.urls
    if require_head:
        _refuse_missing_sqlite_file(urls)
    engine = make_engine(urls, settings=settings)
    try:
        try:
            check_connection(engine, urls)
            if require_head:
                migrate.require_head(engine)
        except DBAPIError as error:
            raise DatabaseUnavailable(describe_connection_error(urls, error)) from None
        try:
            yield engine, urls
        except (OperationalError, InterfaceError) as error:  # the connection was lost on the way
            raise DatabaseUnavailable(describe_connection_error(urls, error)) from None
        except DBAPIError as error:  # the server refused a value: not a connection problem, nothing committed
            detail = str(error.orig).strip().splitlines()[0] if error.orig is not None else str(error)
            raise QuotecheckError(
                f"the database refused the data ({detail}); nothing was written: correct the input"
            ) from None
    finally:
        engine.dispose()


def _refuse_missing_sqlite_file(urls: DatabaseURLs) -> None:
    """A command that needs the schema must not leave an empty SQLite file behind: say how to make one."""
    name = urls.sync.database
    if not urls.is_sqlite or not name or name == ":memory:" or name.startswith("file:"):
        return
    if not Path(name).expanduser().exists():
        raise SchemaOutOfDate(
            f"there is no database at {name} yet ({urls.display()}); create it with `quotecheck db upgrade` "
            "(then `quotecheck demo` loads the demo, or import your own data), or run `quotecheck serve --demo`"
        )


def _write_file(path: Path, text: str, option: str, example: str) -> None:
    """Write an output file, or say in one line why it cannot be written (never a traceback)."""
    _check_writable(path, option, example)
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise ValidationError(
            f"{option} {path} cannot be written ({error.strerror}); write elsewhere"
        ) from None


def _check_writable(path: Path, option: str, example: str) -> None:
    """Refuse a folder, or a file in a folder that does not exist, before any work is done."""
    if path.is_dir():
        raise ValidationError(f"{option} {path} is a directory; give a file name, such as {path / example}")
    if not path.parent.is_dir():
        raise ValidationError(
            f"{option} {path}: the directory {path.parent} does not exist; create it, or write elsewhere"
        )


def _file(path: Path) -> Path:
    """A document file's characters checked (`quotecheck.clean`) before its reader parses it: the error names
    the line and column. A file that is not UTF-8 is left to its reader, which says so."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return path
    clean.clean(text, str(path), clean.DOCUMENT)
    return path


def _option(value: str | None, option: str, kind: clean.Kind = clean.LINE) -> str | None:
    return clean.clean_optional(value, option, kind)


def _options(values: list[str] | None, option: str, kind: clean.Kind) -> list[str]:
    return [clean.clean(value, option, kind) for value in values or []]


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


def _migrate(
    step: Callable[..., None], revision: str, *, sql: bool
) -> tuple[str, str | None, migrate.MigrationState, bool]:
    """Run an upgrade or a downgrade (or print its SQL); returns what to report: (database, before, after,
    whether the search index needs a rebuild)."""
    if sql:
        Settings.from_env().urls  # noqa: B018 - refuse a bad URL before printing anything
        step(migrate.alembic_config(output=sys.stdout), revision, sql=True)
        raise typer.Exit()
    with _database(require_head=False) as (engine, urls):
        config = migrate.alembic_config(urls.sync.render_as_string(hide_password=False))
        before = migrate.migration_state(engine, config).current
        step(config, revision)
        after = migrate.migration_state(engine, config)
        unindexed = after.at_head and _index_missing(engine)
    return urls.display(), before, after, unindexed


@db_app.command("upgrade")
def db_upgrade(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
    sql: Annotated[
        bool, typer.Option("--sql", help="Print the SQL instead of running it (offline mode).")
    ] = False,
) -> None:
    """Upgrade the schema to REVISION (default: the latest). Warns when no recent backup is recorded."""
    if not sql:
        _warn_without_backup()
    shown, before, after, unindexed = _migrate(migrate.upgrade, revision, sql=sql)
    typer.echo(
        f"database {shown}: {before or 'empty'} -> {after.current or 'empty'}"
        + (" (head)" if after.at_head else "")
    )
    if unindexed:
        typer.echo(
            "the quote check's search index is empty but sources are stored: run `quotecheck index rebuild`"
        )


def _index_missing(engine: Engine) -> bool:
    from sqlalchemy import select

    from quotecheck.models import Source
    from quotecheck.services.index import index_size

    with session_scope(engine) as session:
        has_text = session.scalar(select(Source.id).where(Source.text.is_not(None)).limit(1)) is not None
        return has_text and index_size(session) == 0


@db_app.command("downgrade")
def db_downgrade(
    revision: Annotated[str, typer.Argument(help="Target revision; `base` removes every table.")],
    sql: Annotated[
        bool, typer.Option("--sql", help="Print the SQL instead of running it (offline mode).")
    ] = False,
) -> None:
    """Downgrade the schema to REVISION. Data in the tables it drops is lost: back up first."""
    shown, before, after, _ = _migrate(migrate.downgrade, revision, sql=sql)
    typer.echo(f"database {shown}: {before or 'empty'} -> {after.current or 'empty'}")


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


def _warn_without_backup() -> None:
    """A warning (not a refusal: the administrator may have backed up by other means) before changing a
    database that holds data when `db backup` recorded no backup of it in QUOTECHECK_BACKUP_MAX_AGE_HOURS."""
    from quotecheck.services.backup import holds_data, last_backup, state_directory

    settings = Settings.from_env()
    hours = settings.backup_max_age_hours
    if hours <= 0:
        return
    with _database(require_head=False) as (engine, urls):
        if migrate.migration_state(engine).at_head or not holds_data(engine):
            return
    last = last_backup(state_directory(settings), urls)
    if last is not None and dt.datetime.now(dt.UTC) - last.made_at < dt.timedelta(hours=hours):
        return
    when = (
        "no backup" if last is None else f"the last backup ({last.made_at:%Y-%m-%d %H:%M} UTC, {last.file})"
    )
    typer.echo(
        f"warning: {when} of {urls.display()} recorded in the last {hours} hours; "
        "run `quotecheck db backup FILE` before upgrading (QUOTECHECK_BACKUP_MAX_AGE_HOURS=0 silences this)",
        err=True,
    )


@db_app.command("backup")
def db_backup(
    file: Annotated[
        Path,
        typer.Argument(
            help="The backup to write (replaced only once complete); SQLite file or pg_dump archive."
        ),
    ],
) -> None:
    """Back the database up into FILE while it is in use (SQLite: online backup API; PostgreSQL: pg_dump -Fc)."""
    from quotecheck.services.backup import backup

    with _database(require_head=False) as (_engine, urls):
        made = backup(urls, file)
    typer.echo(f"backed up {urls.display()} to {made.file} ({made.size:,} bytes)")


@db_app.command("restore")
def db_restore(
    file: Annotated[
        Path, typer.Argument(help="A backup that `quotecheck db backup` wrote, of the same engine.")
    ],
    force: Annotated[bool, typer.Option("--force", help="Overwrite a database that holds data.")] = False,
) -> None:
    """Replace the database's contents with FILE (one holding data needs --force); stop the API first."""
    from quotecheck.services.backup import restore

    with _database(require_head=False) as (engine, urls):
        restore(urls, engine, file, force=force)
        state = migrate.migration_state(engine)
    typer.echo(f"restored {urls.display()} from {file} (revision {state.current or 'none'})")
    if not state.at_head:
        typer.echo("the restored database is not at the latest revision: run `quotecheck db upgrade`")


@db_app.command("history")
def db_history() -> None:
    """List the revisions, newest first."""
    config = migrate.alembic_config()
    head = migrate.head_revision(config)
    for revision, down, message in migrate.history(config):
        marker = " (head)" if revision == head else ""
        summary = " ".join(message.split("\n\n")[0].split()) if message else ""
        typer.echo(f"{down or '<base>'} -> {revision}{marker}: {summary}")


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

    _check_port(host, port)
    trusted_proxies = Settings.from_env().trusted_proxies  # also checks every setting before starting

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
        # the client's address (rate limits, logs) from X-Forwarded-For, only when sent by a trusted proxy
        proxy_headers=bool(trusted_proxies),
        forwarded_allow_ips=trusted_proxies or None,
    )


def _check_port(host: str, port: int) -> None:
    """Before anything else: a busy port fails here in one line, not after "serving ..." in uvicorn's log."""
    import errno
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise ValidationError(
            f"--host {host!r} is not an address of this machine; give 127.0.0.1 or 0.0.0.0"
        ) from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
        try:
            probe.bind(address)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise ValidationError(
                    f"port {port} is in use on {host}: stop what listens there, or pick another with --port"
                ) from None
            if error.errno == errno.EACCES:
                raise ValidationError(
                    f"port {port} needs more privileges than this user has; pick one above 1023 with --port"
                ) from None
            raise ValidationError(
                f"cannot listen on {host}:{port} ({error.strerror}); check --host and --port"
            ) from None


@schema_app.command("export")
def schema_export(
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write to this file instead of standard output.")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", hidden=True, help="The old name of --out, kept for scripts.")
    ] = None,
) -> None:
    """Print the GraphQL schema (SDL) that the code defines; `schema.graphql` is this output, committed."""
    from quotecheck.api.schema import schema_sdl

    target = out or output
    if target is None:
        typer.echo(schema_sdl(), nl=False)
    else:
        _write_file(target, schema_sdl(), "--out", "schema.graphql")
        typer.echo(f"wrote {target}")


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


@import_app.command("transcript")
def import_transcript_command(
    file: Annotated[
        Path, typer.Argument(help="`NAME: words` text, or JSON {title, turns: [{speaker, text}]}.")
    ],
    title: Annotated[str | None, typer.Option(help="Title of the transcript (JSON may carry it).")] = None,
    outlet: Annotated[str | None, typer.Option(help="Outlet that published it (made if new).")] = None,
    date: Annotated[str | None, typer.Option(help="When it was held: 2013, 2013-03 or 2013-03-14.")] = None,
    url: Annotated[str | None, typer.Option(help="Where it was published.")] = None,
    language: Annotated[str | None, typer.Option(help="Language tag, e.g. en.")] = None,
    kind: Annotated[
        str, typer.Option(help="INTERVIEW, DEBATE, SPEECH, PRESS_CONFERENCE, HEARING or OTHER.")
    ] = "INTERVIEW",
    interview_of: Annotated[
        list[str] | None, typer.Option("--interview-of", help="Who was interviewed (repeatable).")
    ] = None,
    interviewer: Annotated[
        list[str] | None, typer.Option(help="Who asked the questions (repeatable).")
    ] = None,
) -> None:
    """Import a transcript: turns resolved to speakers (new ones made and listed), stored once, indexed."""
    from quotecheck.services.transcripts import import_transcript, read_transcript

    parsed = read_transcript(_file(file))
    clean.check_tree(parsed, str(file), clean.PARSED)
    title, outlet = _option(title, "--title", clean.TITLE), _option(outlet, "--outlet", clean.NAME)
    date, url, language = _option(date, "--date"), _option(url, "--url"), _option(language, "--language")
    interviewees = _options(interview_of, "--interview-of", clean.NAME)
    interviewers = _options(interviewer, "--interviewer", clean.NAME)
    if not (title or parsed.title or "").strip():
        raise ValidationError(
            f'{file} has no title: give one with --title "..." (a JSON transcript may carry "title")'
        )
    with _database() as (engine, _urls), session_scope(engine, write=True) as session:
        report = import_transcript(
            session,
            parsed,
            title=title,
            outlet=outlet,
            date=date,
            url=url,
            language=language,
            kind=clean.clean(kind, "--kind", clean.LINE),
            interviewees=interviewees,
            interviewers=interviewers,
        )
        source_id, turns = report.source.id, len(parsed.turns)
        new = [speaker.name for speaker in report.new_speakers]
        labels = sorted(report.resolved.items())
        anonymous = [speaker.name for speaker in report.anonymous]
        duplicates = [
            f"{d.speaker.name} may be {d.candidate.name} ({d.reason})" for d in report.possible_duplicates
        ]
    if not report.created:
        typer.echo(f"{file}: already imported as source {source_id}; nothing changed")
        return
    typer.echo(f"{file}: imported as source {source_id}, {turns} turns")
    for label, name in labels:
        typer.echo(f"  {label} -> {name}")
    typer.echo(f"  new speakers: {', '.join(new)}" if new else "  no new speakers")
    if anonymous:
        typer.echo(f"  anonymous participants of this transcript: {', '.join(anonymous)}")
    for line in duplicates:
        typer.echo(f"  possible duplicate: {line}; review with `quotecheck speakers duplicates`")


@app.command("check")
def check_command(
    text: Annotated[str, typer.Argument(help="The quote as published, marks and all.")],
    speaker: Annotated[str, typer.Option(help="Who it is attributed to (a name or alias).")],
    said_on: Annotated[str | None, typer.Option(help="When it was said, if known.")] = None,
    language: Annotated[str | None, typer.Option(help="Only sources in this language.")] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the result as JSON (see the README).")
    ] = False,
) -> None:
    """Check a quote against the stored sources: verdict, confidence, and the evidence."""
    import json

    from quotecheck.services.checks import CheckRequest, check_quote, result_document

    request = CheckRequest(
        text=clean.clean(text, "the quote", clean.QUOTE),
        speaker_name=clean.clean(speaker, "--speaker", clean.NAME),
        said_on=_option(said_on, "--said-on"),
        language=_option(language, "--language"),
    )
    with _database() as (engine, _urls), session_scope(engine) as session:
        if request.language is not None:
            _known_language(session, request.language)
        result = check_quote(session, request)
        document = result_document(result)
    if as_json:
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    typer.echo(f"{document['verdict']} (confidence {document['confidence']})")
    typer.echo(str(document["explanation"]))
    for n, match in enumerate(document["matches"], 1):
        where = "primary" if match["primary"] else "secondary"
        typer.echo(
            f"\n{n}. {match['source']['title']} ({where}), {match['speaker'] or 'unknown speaker'}, score {match['score']}"
        )
        typer.echo(f"   “{match['passage']}”")
        for difference in match["differences"]:
            typer.echo(
                f"   - {difference['kind']}: {difference['claimed']!r} / {difference['original']!r} {difference['note']}"
            )


def _known_language(session: Session, language: str) -> None:
    """--language narrows the check to sources in that language: one no stored source has is a mistake."""
    from quotecheck.services._validate import language as language_tag
    from quotecheck.services.sources import source_languages

    tag = language_tag(language, "--language")
    held = source_languages(session)
    if tag not in held:
        having = (
            f"stored sources are in {', '.join(held)}" if held else "no stored source records its language"
        )
        raise ValidationError(
            f"--language {language!r}: {having}; give one of those, or leave --language out to check every source"
        )


@index_app.command("rebuild")
def index_rebuild() -> None:
    """Rebuild the search index from every stored source (after an upgrade, or to repair it)."""
    from quotecheck.services.index import rebuild_index

    with _database() as (engine, urls), session_scope(engine, write=True) as session:
        sources, terms = rebuild_index(session)
    typer.echo(f"indexed {sources} sources ({terms} terms) in {urls.display()}")


@import_app.command("article")
def import_article_command(
    file: Annotated[Path, typer.Argument(help="The article: plain UTF-8 text, or a saved web page (HTML).")],
    file_format: Annotated[
        str | None,
        typer.Option("--format", help="text or html (default: from the file's name or first tag)."),
    ] = None,
    url: Annotated[str | None, typer.Option(help="Where it was published (a page may carry it).")] = None,
    outlet: Annotated[
        str | None, typer.Option(help="Outlet that published it (made if new; default: by the URL's domain).")
    ] = None,
    published: Annotated[
        str | None, typer.Option(help="When it was published: 2013, 2013-04 or 2013-04-29.")
    ] = None,
    language: Annotated[str | None, typer.Option(help="Language tag, e.g. en or fr.")] = None,
    kind: Annotated[str, typer.Option(help="ARTICLE or BRIEF (or another non-transcript kind).")] = "ARTICLE",
    title: Annotated[
        str | None, typer.Option(help="Title (default: the page's, else the headline or first line).")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be recorded, and write nothing.")
    ] = False,
) -> None:
    """Import a news article: its quotes, who each is attributed to, what it cites, and each quote's check."""
    from quotecheck.services.articles import import_article, read_article

    if file_format not in (None, "text", "html"):
        raise ValidationError(
            f"--format {file_format!r} is not text or html; give one of them, or leave it out"
        )
    article = read_article(
        _file(file), "html" if file_format == "html" else "text" if file_format == "text" else None
    )
    clean.check_tree(article, str(file), clean.PARSED, default=clean.LINE)
    title, outlet = _option(title, "--title", clean.TITLE), _option(outlet, "--outlet", clean.NAME)
    url, published = _option(url, "--url"), _option(published, "--published")
    language, kind = _option(language, "--language"), clean.clean(kind, "--kind", clean.LINE)
    # (a dry run writes too, inside a savepoint it rolls back: it takes the write lock like a real run)
    with _database() as (engine, _urls), session_scope(engine, write=True) as session:
        report = import_article(
            session,
            article,
            title=title,
            url=url,
            outlet=outlet,
            published=published,
            language=language,
            kind=kind,
            dry_run=dry_run,
        )
    if not report.created:
        typer.echo(f"{file}: already imported as source {report.source_id}; nothing changed")
        return
    where = "dry run, nothing written" if report.dry_run else f"imported as source {report.source_id}"
    typer.echo(f"{file}: {where}: {report.kind.name} “{report.title}”, {len(report.quotes)} quote(s)")
    for n, quote in enumerate(report.quotes, 1):
        words = quote.text if len(quote.text) <= 160 else quote.text[:150] + " [...]"
        how = ", ".join(part for part in (quote.form, quote.via) if part)
        typer.echo(
            f"\n{n}. {quote.relation.name} ({quote.style}) {quote.speaker}"
            + (" [new]" if quote.new_speaker else "")
        )
        typer.echo(f"   “{words}”")
        typer.echo(f"   attributed as: {quote.attribution or '-'} ({how})")
        if quote.cited_as:
            typer.echo(f"   cited as: {quote.cited_as}")
        typer.echo(f"   taken from: {quote.taken_from or 'not held here'}")
        verdict = quote.verdict.name if quote.verdict is not None else "not checked"
        confidence = f" ({quote.confidence})" if quote.confidence is not None else ""
        typer.echo(f"   check: {verdict}{confidence}: {quote.explanation}")
    if report.unattributed:
        typer.echo(f"\nnot attributed (not recorded): {len(report.unattributed)}")
        for words in report.unattributed:
            typer.echo(f"  “{words[:100]}”")
    typer.echo("\nspeakers:")
    for name, speaker in report.resolved.items():
        typer.echo(f"  {name} -> {speaker}" + (" [new]" if speaker in report.new_speakers else ""))
    for citation in report.citations:
        if citation.held:
            typer.echo(
                f"cited: “{citation.text}” -> source {citation.source_id}: {citation.source_title} "
                f"(interview “{citation.interview_title}”, {citation.held_on or 'undated'})"
            )
        else:
            typer.echo(f"cited, not held: “{citation.text}” ({citation.note})")


export_app = typer.Typer(help="Write data out: ClaimReview JSON-LD.", no_args_is_help=True)
app.add_typer(export_app, name="export")


@import_app.command("claimreview")
def import_claimreview_command(
    file: Annotated[
        Path,
        typer.Argument(
            help="ClaimReview JSON-LD: an object, an array, an @graph, JSON Lines, or a claims:search response."
        ),
    ],
) -> None:
    """Import other fact-checkers' reviews as published fact-checks, their labels kept; same URL: updated."""
    from quotecheck.services.claimreview import import_claim_reviews

    if not file.is_file():
        raise ValidationError(f"{file} is not a file; give the path of a JSON or JSON Lines file")
    data = _file(file).read_bytes()
    with _database() as (engine, _urls), session_scope(engine, write=True) as session:
        report = import_claim_reviews(session, data)
    typer.echo(
        f"{file}: read {report.read}, added {report.added}, updated {report.updated}, "
        f"rejected {len(report.rejected)}"
    )
    for problem in report.rejected:
        typer.echo(f"  rejected {problem}")
    for problem in report.warnings:
        typer.echo(f"  note {problem}")
    if not report.landed:
        raise ValidationError(f"nothing was imported from {file}: fix the rejected records listed above")


@export_app.command("claimreview")
def export_claimreview_command(
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write to this file instead of standard output.")
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(help="Only reviews dated on or after this date: 2024, 2024-03 or 2024-03-15."),
    ] = None,
) -> None:
    """Write the published fact-checks as schema.org ClaimReview JSON-LD (Google's profile), a JSON array."""
    import json

    from quotecheck.services.claimreview import export_claim_reviews

    if out is not None:
        _check_writable(out, "--out", "claimreview.json")  # before the database is read
    with _database() as (engine, _urls), session_scope(engine) as session:
        documents = export_claim_reviews(session, since=since)
    text = json.dumps(documents, ensure_ascii=False, indent=2) + "\n"
    if out is None:
        typer.echo(text, nl=False)
        return
    _write_file(out, text, "--out", "claimreview.json")
    typer.echo(f"wrote {len(documents)} ClaimReviews to {out}")


@import_app.command("quotes")
def import_quotes_command(
    file: Annotated[
        Path,
        typer.Argument(
            help="JSON Lines, one quote a line: quotation, speaker, qids, date, urls or source, outlet, "
            "language; .gz, .bz2 and .xz are read as such, and a pipe as /dev/stdin."
        ),
    ],
    batch_size: Annotated[
        int | None,
        typer.Option(
            "--batch-size",
            min=1,
            help="Lines committed together (default 10,000); Ctrl-C or a crash loses at most one batch.",
        ),
    ] = None,
) -> None:
    """Import a quote feed in batches: importing it again adds nothing and completes an interrupted import."""
    import time

    from rich.console import Console
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn

    from quotecheck.services.feeds import DEFAULT_BATCH_SIZE, FeedFile, FeedSummary, import_feed

    console = Console(stderr=True)
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[lines]:,} lines, {task.fields[rate]:,.0f} lines/s"),
        TimeRemainingColumn(),
        console=console,
        disable=not console.is_terminal,  # quiet in pipes, logs and cron mail
    )
    committed = FeedSummary()  # replaced by the import's own summary once a batch is committed
    with FeedFile(file) as feed, _database() as (engine, urls):
        task = progress.add_task(file.name, total=feed.size or None, lines=0, rate=0.0)
        started = time.monotonic()

        def on_commit(summary: FeedSummary) -> None:
            nonlocal committed
            committed = summary
            rate = summary.read / max(time.monotonic() - started, 1e-6)
            progress.update(task, completed=feed.position(), lines=summary.read, rate=rate)

        try:
            with progress:
                summary = import_feed(
                    engine, feed, batch_size=batch_size or DEFAULT_BATCH_SIZE, on_commit=on_commit
                )
        except KeyboardInterrupt:
            typer.echo(
                f"interrupted: {committed.read:,} lines committed ({committed.quotes:,} quotes, "
                f"{committed.appearances:,} appearances added), the batch in flight dropped; "
                "run the same command again to complete the rest (what is recorded is recognised)",
                err=True,
            )
            raise typer.Exit(130) from None
    typer.echo(f"{file}: read {summary.read:,} lines into {urls.display()}")
    typer.echo(
        f"  added: {summary.quotes:,} quotes, {summary.appearances:,} appearances, {summary.speakers:,} "
        f"speakers, {summary.sources:,} sources, {summary.outlets:,} outlets"
    )
    typer.echo(f"  already there: {summary.already:,} lines")
    typer.echo(f"  rejected: {len(summary.rejected):,} lines")
    shown = 20
    for line, reason in summary.rejected[:shown]:
        typer.echo(f"    line {line}: {reason}")
    if len(summary.rejected) > shown:
        typer.echo(f"    ... and {len(summary.rejected) - shown:,} more")
    if summary.read and len(summary.rejected) == summary.read:
        raise ValidationError(
            f"nothing was imported from {file}: every line was rejected; fix them and re-run"
        )


token_app = typer.Typer(
    help="API tokens: create (printed once), list, revoke. Clients send `Authorization: Bearer <token>`.",
    no_args_is_help=True,
)
app.add_typer(token_app, name="token")


@token_app.command("create")
def token_create(
    name: Annotated[
        str, typer.Option(help="Who or what holds it (unique): a person, a front end, a script.")
    ],
    role: Annotated[
        str,
        typer.Option(
            help="reader (reads drafts and history), editor (also writes), admin (also merges, deletes)"
        ),
    ],
) -> None:
    """Create a token and print it once: only its hash is stored, so it cannot be shown again."""
    from quotecheck.services.tokens import create_token

    with _database() as (engine, _urls), session_scope(engine, write=True) as session:
        made = create_token(session, name=name, role=role)
        shown = f"{made.row.role.name.lower()} token {made.row.name!r}"
    typer.echo(made.secret)
    typer.echo(f"created {shown}; store it now: it is not shown again", err=True)


speakers_app = typer.Typer(
    help="Who is speaking: resolve a written name, review possible duplicates.", no_args_is_help=True
)
app.add_typer(speakers_app, name="speakers")


@speakers_app.command("resolve")
def speakers_resolve(
    name: Annotated[
        str,
        typer.Argument(help='A name as written: "Mayor Elena Várga", "E. Warren", "the Foreign Minister".'),
    ],
    on: Annotated[
        str | None, typer.Option(help="The date a role is held on: 2013, 2013-03 or 2013-03-14.")
    ] = None,
) -> None:
    """The speakers a written name may mean, best first, with a score and a reason."""
    from quotecheck.services.speakers import resolve_name, unambiguous

    with _database() as (engine, _urls), session_scope(engine) as session:
        found = resolve_name(session, name, on=on)
        sure = unambiguous(found)
        lines = [f"{c.score:.2f}\t{c.speaker.name} (id {c.speaker.id})\t{c.reason}" for c in found]
    if not found:
        typer.echo(f"no recorded speaker may be {name!r}")
        return
    for line in lines:
        typer.echo(line)
    typer.echo(f"sure: {sure.speaker.name}" if sure else "not sure: a person has to choose (or give the id)")


@speakers_app.command("duplicates")
def speakers_duplicates(
    limit: Annotated[int, typer.Option(help="List at most this many.", min=1, max=1000)] = 100,
) -> None:
    """Possible duplicates to review: merge with the API's mergeSpeakers (admin), or leave them apart."""
    from quotecheck.services.speakers import list_possible_duplicates

    with _database() as (engine, _urls), session_scope(engine) as session:
        rows = [
            f"{d.speaker.name} (id {d.speaker_id})\tmay be {d.candidate.name} (id {d.candidate_id})\t"
            f"{d.score:.2f}\t{d.reason}" + (f"\tas written: {d.label!r}" if d.label else "")
            for d in list_possible_duplicates(session, limit=limit)
        ]
    if not rows:
        typer.echo("no possible duplicates to review")
        return
    for row in rows:
        typer.echo(row)


@token_app.command("list")
def token_list() -> None:
    """List tokens (name, role, first characters, created, revoked); the secrets themselves are not kept."""
    from quotecheck.services.tokens import list_tokens

    with _database() as (engine, _urls), session_scope(engine) as session:
        rows = list_tokens(session)
    if not rows:
        typer.echo("no tokens; create one with `quotecheck token create --name NAME --role editor`")
        return
    for row in rows:
        state = f"revoked {row.revoked_at:%Y-%m-%d %H:%M}" if row.revoked_at else "active"
        typer.echo(
            f"{row.name}\t{row.role.name.lower()}\t{row.prefix}...\tcreated {row.created_at:%Y-%m-%d %H:%M} "
            f"by {row.created_by}\t{state}"
        )


@token_app.command("revoke")
def token_revoke(
    name: Annotated[str, typer.Argument(help="The token's name, as `token list` shows it.")],
) -> None:
    """Revoke a token: requests that send it are refused from now on (its history stays)."""
    from quotecheck.services.tokens import revoke_token

    with _database() as (engine, _urls), session_scope(engine, write=True) as session:
        revoke_token(session, name)
    typer.echo(f"revoked token {name!r}")


def _since(value: str | None) -> dt.datetime | None:
    if value is None:
        return None
    try:
        when = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValidationError(
            f"--since {value!r} is not a date; give 2026-11-29 or 2026-11-29T14:00 (UTC unless a zone is given)"
        ) from None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def _object(value: str | None) -> tuple[str, int] | None:
    """A global ID as the API prints it, or the plain form `Speaker:12`."""
    if value is None:
        return None
    from quotecheck.api.ids import decode_id

    plain = value.strip().partition(":")
    if plain[1] and plain[2].isdigit():
        return plain[0], int(plain[2])
    return decode_id(value)


@app.command("audit")
def audit_command(
    object_id: Annotated[
        str | None, typer.Option("--object", help="Only this object: its ID from the API, or Type:number.")
    ] = None,
    since: Annotated[str | None, typer.Option(help="Only changes from this date or time on (UTC).")] = None,
    actor: Annotated[str | None, typer.Option(help="Only changes by this token name, or cli:<user>.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many events, oldest first.", min=1)] = 100,
    as_json: Annotated[
        bool, typer.Option("--json", help="One JSON object per line, fields in full.")
    ] = False,
) -> None:
    """Read the audit trail: who changed what, when, and the fields before and after."""
    import json

    from quotecheck.global_ids import encode_id
    from quotecheck.services.audit import AuditFilter, list_events

    target = _object(object_id)
    wanted = AuditFilter(
        object_type=None if target is None else target[0],
        object_id=None if target is None else target[1],
        since=_since(since),
        actor=actor,
    )
    with _database() as (engine, _urls), session_scope(engine) as session:
        events = list_events(session, wanted, limit=limit)
    for event in events:
        name = None
        if event.object_type is not None and event.object_id is not None:
            name = f"{event.object_type}:{event.object_id}"
        if as_json:
            record = {
                "id": event.id,
                "occurredAt": event.occurred_at.isoformat(),
                "actor": event.actor,
                "operation": event.operation,
                "object": name,
                "objectId": None
                if name is None
                else encode_id(event.object_type or "", event.object_id or 0),
                "objectVersion": event.object_version,
                "before": event.before,
                "after": event.after,
                "detail": event.detail,
                "requestId": event.request_id,
            }
            typer.echo(json.dumps(record, ensure_ascii=False))
            continue
        before, after = event.before or {}, event.after or {}
        changed = [key for key in {**before, **after} if before.get(key) != after.get(key)]
        what = f" {name}" + (f" v{event.object_version}" if event.object_version is not None else "")
        fields = (
            f"  [{', '.join(changed)}]"
            if changed and event.before is not None and event.after is not None
            else ""
        )
        typer.echo(
            f"#{event.id} {event.occurred_at:%Y-%m-%d %H:%M:%S} {event.actor} {event.operation}"
            f"{what if name else ''}{fields}"
        )
    if not events:
        typer.echo("no audit events match", err=True)


bench_app = typer.Typer(
    help="Benchmark support: fill a database with a generated corpus.", no_args_is_help=True
)
app.add_typer(bench_app, name="bench")


@bench_app.command("generate")
def bench_generate(
    quotes: Annotated[int, typer.Option("--quotes", min=1, help="How many quotes to generate.")],
    seed: Annotated[int, typer.Option("--seed", help="The same seed writes the same rows.")] = 1,
    append: Annotated[
        bool,
        typer.Option("--append", help="Add to a database that already holds quotes (refused otherwise)."),
    ] = False,
    no_index: Annotated[
        bool,
        typer.Option(
            "--no-index",
            help="Leave the quote check's search index unfilled (faster; `quotecheck index rebuild` fills it).",
        ),
    ] = False,
) -> None:
    """Fill the database with a realistic, reproducible corpus, in one transaction with one audit event.

    Speakers, outlets, interviews with transcripts, reprints with provenance chains, fact-checks."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn

    from quotecheck.services.corpus import CorpusSummary, generate_corpus

    console = Console(stderr=True)
    progress = Progress(
        TextColumn("generating"),
        BarColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[quotes]:,} quotes, {task.fields[rate]:,.0f} rows/s"),
        TimeRemainingColumn(),
        console=console,
        disable=not console.is_terminal,
    )
    with _database() as (engine, urls):
        task = progress.add_task("corpus", total=quotes, quotes=0, rate=0.0)

        def on_progress(made: int, summary: CorpusSummary) -> None:
            progress.update(task, completed=made, quotes=made, rate=summary.rate)

        with progress:
            summary = generate_corpus(
                engine, quotes=quotes, seed=seed, append=append, index=not no_index, on_progress=on_progress
            )
    typer.echo(f"generated {quotes:,} quotes (seed {seed}) into {urls.display()}")
    for table, count in summary.counts.items():
        typer.echo(f"  {table:<14} {count:>12,}")
    typer.echo(
        f"  {'rows':<14} {summary.rows:>12,} in {summary.seconds:,.1f} s: {summary.rate:,.0f} rows/s"
        + ("" if summary.indexed else " (search index left empty: run `quotecheck index rebuild`)")
    )


_METAVARS = {"str": "TEXT", "int": "INTEGER", "float": "NUMBER", "Path": "PATH"}


def _plain_help(command: Any) -> Any:
    """Help in the usual shape (`--port INTEGER`, `FILE`, `[REVISION]`, flags alone) instead of Typer's own
    `<int>`, `{file}` and `<bool>`, for every command and group below `command`."""
    for param in command.params:
        if not hasattr(param, "bare_type"):
            continue  # a Typer before 0.2x: click's own forms already
        if isinstance(param, typer.core.TyperOption):
            if param.is_flag:
                param.metavar = ""
            elif param.metavar is None:
                kind = param.bare_type().removeprefix("list[").removesuffix("]")
                param.metavar = _METAVARS.get(kind, kind.upper())
        elif isinstance(param, typer.core.TyperArgument) and param.metavar is None:
            shown = param.metavar = (param.name or "value").upper()
            usage = shown if param.required else f"[{shown}]"
            # Typer wraps a required argument in braces in the usage line; the usual form is the bare name
            param.get_usage_pieces = lambda ctx, usage=usage: [usage]  # type: ignore[method-assign,misc]
            param.display_type_rich = lambda ctx: None  # type: ignore[method-assign]  # the name column says it
    made_help_option = command.get_help_option

    def help_option(ctx: Any) -> Any:
        option = made_help_option(ctx)
        if option is not None:
            option.metavar = ""  # a flag, not a `<bool>` to type
        return option

    command.get_help_option = help_option
    for child in getattr(command, "commands", {}).values():
        _plain_help(child)
    return command


def main() -> None:
    """Console entry point: user-fixable errors become one line on stderr and exit code 2."""
    try:
        _plain_help(typer.main.get_command(app))()
    except QuotecheckError as error:
        typer.echo(f"error: {error.message}", err=True)
        raise SystemExit(2) from None
    except KeyboardInterrupt:
        typer.echo("interrupted; nothing was committed", err=True)
        raise SystemExit(130) from None

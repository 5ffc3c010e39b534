"""Data safety, as an administrator meets it: `db backup` / `db restore` with every table's rows compared,
the upgrade's warning when no backup is recorded, and a feed import killed with SIGKILL (no partial batch;
the re-run completes it). Real processes, the engine under test."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, inspect, select

from quotecheck import migrate
from quotecheck.db import session_scope
from quotecheck.demo import load_demo
from quotecheck.errors import ConfigError
from quotecheck.models import Appearance, Quote
from quotecheck.services.backup import _pg_tool
from tests.conftest import backend


def quotecheck(
    *args: str, url: str, state: Path, stdin: Any = None, **env_extra: str
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUOTECHECK_")}
    env |= {"QUOTECHECK_DATABASE_URL": url, "QUOTECHECK_STATE_DIR": str(state), **env_extra}
    return subprocess.run(
        [sys.executable, "-m", "quotecheck", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
        stdin=stdin,
    )


def snapshot(engine: Engine) -> dict[str, list[tuple[str, ...]]]:
    """Every table's rows (alembic_version and the search objects included), in a comparable order."""
    tables = sorted(inspect(engine).get_table_names())
    with engine.connect() as connection:
        return {
            name: sorted(
                tuple(repr(value) for value in row)
                for row in connection.exec_driver_sql(f'SELECT * FROM "{name}"')
            )
            for name in tables
        }


def test_backup_wipe_restore_gives_identical_data(
    scratch_engine: Engine, scratch_url: str, tmp_path: Path
) -> None:
    with session_scope(scratch_engine, write=True) as session:
        load_demo(session)
    before = snapshot(scratch_engine)
    assert before["quote"] and before["alembic_version"]
    scratch_engine.dispose()
    state = tmp_path / "state"
    dump = tmp_path / "quotecheck.backup"

    made = quotecheck("db", "backup", str(dump), url=scratch_url, state=state)
    assert made.returncode == 0, made.stderr
    assert made.stdout.startswith("backed up ") and str(dump) in made.stdout
    recorded = json.loads((state / "backups.json").read_text())
    (entry,) = recorded.values()
    assert entry["file"] == str(dump.resolve()) and entry["size"] == dump.stat().st_size > 0

    refused = quotecheck("db", "restore", str(dump), url=scratch_url, state=state)
    assert refused.returncode == 2
    assert "holds data" in refused.stderr and "--force" in refused.stderr
    assert "Traceback" not in refused.stderr

    migrate.downgrade(migrate.alembic_config(scratch_url), "base")  # the wipe: every table gone
    assert snapshot(scratch_engine).keys() <= {"alembic_version"}
    scratch_engine.dispose()

    restored = quotecheck("db", "restore", str(dump), url=scratch_url, state=state)
    assert restored.returncode == 0, restored.stderr
    assert "restored" in restored.stdout
    after = snapshot(scratch_engine)
    assert after.keys() == before.keys()
    for name in before:
        assert after[name] == before[name], name

    # into an empty database at the head, as `db upgrade` makes one: no --force needed either
    migrate.downgrade(migrate.alembic_config(scratch_url), "base")
    migrate.upgrade(migrate.alembic_config(scratch_url), "head")
    scratch_engine.dispose()
    fresh = quotecheck("db", "restore", str(dump), url=scratch_url, state=state)
    assert fresh.returncode == 0, fresh.stderr
    assert snapshot(scratch_engine) == before

    # with --force, over the data itself: still identical
    scratch_engine.dispose()
    again = quotecheck("db", "restore", "--force", str(dump), url=scratch_url, state=state)
    assert again.returncode == 0, again.stderr
    assert snapshot(scratch_engine) == before


def test_restore_refuses_a_file_that_is_not_a_backup(scratch_url: str, tmp_path: Path) -> None:
    migrate.upgrade(migrate.alembic_config(scratch_url), "head")
    bogus = tmp_path / "notes.txt"
    bogus.write_text("not a backup\n")
    result = quotecheck("db", "restore", str(bogus), url=scratch_url, state=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("error: ") and "Traceback" not in result.stderr
    assert "quotecheck db backup" in result.stderr
    missing = quotecheck("db", "restore", str(tmp_path / "nope.db"), url=scratch_url, state=tmp_path)
    assert missing.returncode == 2 and "no backup file" in missing.stderr
    nowhere = quotecheck("db", "backup", str(tmp_path / "no" / "dir.db"), url=scratch_url, state=tmp_path)
    assert nowhere.returncode == 2 and "does not exist; create it first" in nowhere.stderr


def test_a_missing_pg_tool_is_named_with_how_to_install_it() -> None:
    with pytest.raises(ConfigError, match=r"pg_nowhere is not installed.*apt-get install postgresql-client"):
        _pg_tool("pg_nowhere")


def test_upgrade_warns_when_no_recent_backup_is_recorded(scratch_url: str, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from quotecheck.cli import app
    from quotecheck.db import make_engine
    from quotecheck.settings import database_urls

    state = tmp_path / "state"

    def upgrade(**env: str) -> Any:
        environment = {"QUOTECHECK_DATABASE_URL": scratch_url, "QUOTECHECK_STATE_DIR": str(state), **env}
        result = CliRunner().invoke(app, ["db", "upgrade"], env=environment)
        assert result.exit_code == 0, result.output  # a warning, not a refusal
        return result

    assert upgrade().stderr == ""  # an empty database: nothing to lose
    engine = make_engine(database_urls(scratch_url))
    with session_scope(engine, write=True) as session:
        load_demo(session)
    engine.dispose()
    previous = migrate.history(migrate.alembic_config())[1][0]  # the revision before the head

    migrate.downgrade(migrate.alembic_config(scratch_url), previous)
    warned = upgrade()
    assert warned.stderr.startswith("warning: no backup of ")
    assert "quotecheck db backup FILE" in warned.stderr and "(head)" in warned.stdout

    migrate.downgrade(migrate.alembic_config(scratch_url), previous)
    assert upgrade(QUOTECHECK_BACKUP_MAX_AGE_HOURS="0").stderr == ""

    migrate.downgrade(migrate.alembic_config(scratch_url), previous)
    assert quotecheck("db", "backup", str(tmp_path / "b"), url=scratch_url, state=state).returncode == 0
    assert upgrade().stderr == ""

    record = state / "backups.json"  # the backup, made long ago
    entries = json.loads(record.read_text())
    for entry in entries.values():
        entry["made_at"] = entry["made_at"].replace(entry["made_at"][:10], "2000-01-01")
    record.write_text(json.dumps(entries))
    migrate.downgrade(migrate.alembic_config(scratch_url), previous)
    stale = upgrade()
    assert stale.stderr.startswith("warning: the last backup (2000-01-01 ")
    assert "recorded in the last 24 hours" in stale.stderr


# --- an import killed with SIGKILL ----------------------------------------------------------------------------------
BATCH = 500


def feed_lines(count: int) -> Iterator[str]:
    for n in range(count):
        line = {
            "quotation": f"We will build {n} bridges over the river of time, the minister said ({n})",
            "speaker": f"Minister Number{n % 40}",
            "date": "2020-03-04",
            "urls": [f"https://example.org/news/{n % 200}"],
        }
        yield json.dumps(line) + "\n"


def counts(engine: Engine) -> tuple[int, int]:
    with engine.connect() as connection:
        quotes = connection.scalar(select(func.count()).select_from(Quote))
        appearances = connection.scalar(select(func.count()).select_from(Appearance))
    return quotes or 0, appearances or 0


def importer(path: str, url: str, state: Path, **kwargs: Any) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUOTECHECK_")}
    env |= {"QUOTECHECK_DATABASE_URL": url, "QUOTECHECK_STATE_DIR": str(state)}
    return subprocess.Popen(
        [sys.executable, "-m", "quotecheck", "import", "quotes", path, "--batch-size", str(BATCH)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        **kwargs,
    )


def wait_for(engine: Engine, at_least: int, process: subprocess.Popen[bytes], timeout: float = 60) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        quotes = counts(engine)[0]
        if quotes >= at_least:
            return quotes
        assert process.poll() is None, "the import ended before it was killed"
        time.sleep(0.005)
    raise AssertionError(f"the import did not reach {at_least} quotes in {timeout} s")


def test_sigkill_mid_batch_leaves_no_partial_batch(
    scratch_engine: Engine, scratch_url: str, tmp_path: Path
) -> None:
    """Deterministic: the importer reads from a pipe, has committed two batches and holds half a third."""
    total = 3 * BATCH
    lines = list(feed_lines(total))
    process = importer("/dev/stdin", scratch_url, tmp_path, stdin=subprocess.PIPE)
    assert process.stdin is not None
    process.stdin.write("".join(lines[: 2 * BATCH + BATCH // 2]).encode())
    process.stdin.flush()
    wait_for(scratch_engine, 2 * BATCH, process)
    time.sleep(0.2)  # it holds half a batch in memory, waiting for the rest
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    process.stdin.close()
    assert counts(scratch_engine) == (2 * BATCH, 2 * BATCH)

    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(lines))
    rerun = quotecheck("import", "quotes", str(feed), url=scratch_url, state=tmp_path)
    assert rerun.returncode == 0, rerun.stderr
    assert f"added: {BATCH:,} quotes, {BATCH:,} appearances" in rerun.stdout
    assert f"already there: {2 * BATCH:,} lines" in rerun.stdout
    assert counts(scratch_engine) == (total, total)


def test_sigkill_at_a_random_moment_then_rerun_completes(
    scratch_engine: Engine, scratch_url: str, tmp_path: Path
) -> None:
    """SIGKILL wherever the import happens to be (reading, inserting, committing): whole batches only."""
    total = 24 * BATCH
    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(feed_lines(total)))
    process = importer(str(feed), scratch_url, tmp_path)
    wait_for(scratch_engine, BATCH, process)
    time.sleep(random.uniform(0, 0.1))
    assert process.poll() is None, "the import finished before it could be killed; make the feed longer"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    quotes, appearances = counts(scratch_engine)
    print(f"killed after {quotes} of {total} quotes")
    assert quotes == appearances and quotes % BATCH == 0 and BATCH <= quotes < total

    rerun = quotecheck("import", "quotes", str(feed), url=scratch_url, state=tmp_path)
    assert rerun.returncode == 0, rerun.stderr
    assert counts(scratch_engine) == (total, total)
    assert f"already there: {quotes:,} lines" in rerun.stdout
    again = quotecheck("import", "quotes", str(feed), url=scratch_url, state=tmp_path)
    assert "added: 0 quotes, 0 appearances" in again.stdout
    assert counts(scratch_engine) == (total, total)


@pytest.mark.skipif(backend() != "postgresql", reason="the PostgreSQL tools are tested on PostgreSQL")
def test_pg_dump_is_found() -> None:
    assert Path(_pg_tool("pg_dump")).name == "pg_dump"

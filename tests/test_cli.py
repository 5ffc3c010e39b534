"""The `quotecheck` command as administrators run it: a real process, a real database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from quotecheck import migrate


def run(*args: str, url: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUOTECHECK_")}
    if url is not None:
        env["QUOTECHECK_DATABASE_URL"] = url
    return subprocess.run(
        [sys.executable, "-m", "quotecheck", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
        check=False,
    )


def test_help_lists_the_commands() -> None:
    result = run("--help")
    assert result.returncode == 0
    for command in ("db", "demo"):
        assert command in result.stdout
    db_help = run("db", "--help")
    for command in ("upgrade", "downgrade", "current", "history"):
        assert command in db_help.stdout


def test_admin_round_trip(scratch_url: str) -> None:
    head = migrate.head_revision(migrate.alembic_config())
    empty = run("db", "current", url=scratch_url)
    assert empty.returncode == 0, empty.stderr
    assert "empty" in empty.stdout and "quotecheck db upgrade" in empty.stdout

    refused = run("demo", url=scratch_url)
    assert refused.returncode == 2
    assert "quotecheck db upgrade" in refused.stderr and "Traceback" not in refused.stderr

    assert run("db", "upgrade", url=scratch_url).returncode == 0
    assert run("db", "current", url=scratch_url).stdout.strip() == f"{head} (head)"
    first = run("demo", url=scratch_url)
    assert first.returncode == 0, first.stderr
    assert "created" in first.stdout
    second = run("demo", url=scratch_url)
    assert second.returncode == 0
    assert "nothing changed" in second.stdout

    down = run("db", "downgrade", "base", url=scratch_url)
    assert down.returncode == 0, down.stderr
    assert run("db", "upgrade", "head", url=scratch_url).returncode == 0
    again = run("demo", url=scratch_url)
    assert again.returncode == 0
    assert again.stdout.split("created", 1)[1] == first.stdout.split("created", 1)[1]


def test_history_names_the_head() -> None:
    result = run("db", "history")
    assert result.returncode == 0
    assert "(head)" in result.stdout and "<base>" in result.stdout


def test_offline_sql_for_administrators(tmp_path: Path) -> None:
    result = run("db", "upgrade", "--sql", url=f"sqlite:///{tmp_path / 'never-created.db'}")
    assert result.returncode == 0, result.stderr
    assert "CREATE TABLE speaker" in result.stdout
    assert not (tmp_path / "never-created.db").exists()


def test_default_database_is_quotecheck_db_in_the_working_directory(tmp_path: Path) -> None:
    result = run("db", "upgrade", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "quotecheck.db").is_file()


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("mysql://root@localhost/q", "unsupported scheme"),
        ("postgresql://nobody@127.0.0.1:1/none", "cannot connect to PostgreSQL"),
        ("sqlite:////nonexistent-dir/sub/q.db", "does not exist"),
        ("nonsense", "is not a database URL"),
    ],
)
def test_a_bad_database_url_is_one_line_that_says_what_to_fix(url: str, says: str) -> None:
    result = run("db", "current", url=url)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ") and says in lines[0]
    assert "QUOTECHECK_DATABASE_URL" in lines[0] or "sqlite:///" in lines[0]


def test_an_unknown_revision_is_a_clear_error(scratch_url: str) -> None:
    result = run("db", "upgrade", "nope", url=scratch_url)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "quotecheck db history" in result.stderr


def test_plain_alembic_from_the_repository_root_honours_the_environment(scratch_url: str) -> None:
    root = Path(__file__).resolve().parent.parent
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUOTECHECK_")}
    env["QUOTECHECK_DATABASE_URL"] = scratch_url
    result = subprocess.run(
        [sys.executable, "-m", "alembic", "upgrade", "head"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    head = migrate.head_revision(migrate.alembic_config())
    assert run("db", "current", url=scratch_url).stdout.strip() == f"{head} (head)"
    check = subprocess.run(
        [sys.executable, "-m", "alembic", "check"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stderr
    assert "No new upgrade operations detected" in check.stdout + check.stderr


def test_serve_refuses_a_database_that_is_not_at_the_head(scratch_url: str) -> None:
    result = run("serve", "--port", "1", url=scratch_url)
    assert result.returncode == 2
    assert "quotecheck db upgrade" in result.stderr
    assert "Traceback" not in result.stderr


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_demo_on_a_fresh_directory_answers_over_real_http(tmp_path: Path) -> None:
    """The README's run command: `serve --demo` alone creates, fills and serves ./quotecheck.db."""
    import json
    import time
    import urllib.request

    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUOTECHECK_")}
    server = subprocess.Popen(
        [sys.executable, "-m", "quotecheck", "serve", "--demo", "--port", str(port), "--workers", "2"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/readyz", timeout=2) as response:
                    ready = json.load(response)
                break
            except OSError:
                assert server.poll() is None, server.communicate()[0]
                assert time.monotonic() < deadline, "the server did not come up in 60 s"
                time.sleep(0.2)
        assert ready["status"] == "ready"
        request = urllib.request.Request(
            f"{base}/graphql",
            data=json.dumps({"query": '{ speakers(filter: {name: "lavrov"}) { totalCount } }'}).encode(),
            headers={"Content-Type": "application/json", "Accept": "application/graphql-response+json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.headers["Content-Type"].startswith("application/graphql-response+json")
            assert json.load(response) == {
                "data": {"speakers": {"totalCount": 1}},
                "extensions": {"cost": {"requested": 20, "limit": 20000}},
            }
        assert (tmp_path / "quotecheck.db").is_file()
    finally:
        server.terminate()
        server.communicate(timeout=30)

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


# --- the first hour: every message a new user meets says what to do (issue 20) ----------------------------------


def _error_line(result: subprocess.CompletedProcess[str]) -> str:
    """The one line a refused command prints: exit code 2, no traceback, nothing on stdout."""
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


@pytest.mark.parametrize(
    "command",
    [
        ("--help",),
        ("db", "--help"),
        ("db", "upgrade", "--help"),
        ("check", "--help"),
        ("import", "transcript", "--help"),
        ("serve", "--help"),
        ("schema", "export", "--help"),
    ],
)
def test_help_shows_plain_metavars(command: tuple[str, ...]) -> None:
    result = run(*command)
    assert result.returncode == 0, result.stderr
    for typer_form in ("<bool>", "<str>", "<list[", "<path>", "<int>", "{text}", "{file}"):
        assert typer_form not in result.stdout, (typer_form, result.stdout)


def test_help_names_what_is_there() -> None:
    usage = run("check", "--help").stdout
    assert "[OPTIONS] TEXT" in usage and "--speaker" in usage and "TEXT" in usage
    assert "[OPTIONS] [REVISION]" in run("db", "upgrade", "--help").stdout
    db_help = run("db", "--help").stdout
    summary = db_help.split("Options")[0]
    assert "backup" in summary and "restore" in summary
    imports = run("import", "--help").stdout
    assert "come later" not in imports
    for kind in ("transcripts", "articles", "quote feeds", "ClaimReview"):
        assert kind in imports.split("Options")[0]
    assert "--out" in run("schema", "export", "--help").stdout
    assert "--output" not in run("schema", "export", "--help").stdout  # the old name works, unlisted


def test_db_history_lines_are_whole_sentences() -> None:
    lines = run("db", "history").stdout.strip().splitlines()
    assert len(lines) >= 6
    for line in lines:
        assert line.endswith("."), line
    assert any("and one fact-check per review URL." in line for line in lines)


@pytest.mark.parametrize(
    ("command", "option"),
    [(("schema", "export"), "-o"), (("schema", "export"), "--out"), (("export", "claimreview"), "--out")],
)
@pytest.mark.parametrize("where", ["missing folder", "a folder"])
def test_a_file_that_cannot_be_written_is_one_line(
    scratch_url: str, tmp_path: Path, command: tuple[str, ...], option: str, where: str
) -> None:
    assert run("db", "upgrade", url=scratch_url).returncode == 0
    target = tmp_path / "no-such-folder" / "out.txt" if where == "missing folder" else tmp_path
    line = _error_line(run(*command, option, str(target), url=scratch_url))
    if where == "missing folder":
        assert f"the directory {tmp_path / 'no-such-folder'} does not exist" in line
    else:
        assert f"{tmp_path} is a directory; give a file name" in line


def test_both_exports_take_out_and_the_old_output_still_works(scratch_url: str, tmp_path: Path) -> None:
    assert run("db", "upgrade", url=scratch_url).returncode == 0
    for option in ("--out", "--output"):
        target = tmp_path / f"schema{option}.graphql"
        result = run("schema", "export", option, str(target))
        assert result.returncode == 0, result.stderr
        assert "type Query" in target.read_text(encoding="utf-8")
    exported = tmp_path / "claimreview.json"
    result = run("export", "claimreview", "--out", str(exported), url=scratch_url)
    assert result.returncode == 0, result.stderr
    assert exported.read_text(encoding="utf-8").strip() == "[]"


def test_an_export_that_fails_leaves_the_old_file_alone(tmp_path: Path) -> None:
    """The --out file is checked, not truncated, before the database is read."""
    kept = tmp_path / "claimreview.json"
    kept.write_text("[1]\n", encoding="utf-8")
    result = run("export", "claimreview", "--out", str(kept), url="postgresql://nobody@127.0.0.1:1/none")
    assert result.returncode == 2
    assert kept.read_text(encoding="utf-8") == "[1]\n"


def test_serve_on_a_busy_port_says_so_first(tmp_path: Path) -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run("serve", "--demo", "--port", str(port), cwd=tmp_path)
    assert result.stdout == ""
    line = _error_line(result)
    assert line.startswith(f"error: port {port} is in use") and "--port" in line
    assert not (tmp_path / "quotecheck.db").exists()  # nothing made before the port was known free


def test_serve_on_a_fresh_directory_makes_no_empty_database(tmp_path: Path) -> None:
    line = _error_line(run("serve", "--port", str(_free_port()), cwd=tmp_path))
    assert "there is no database at quotecheck.db yet" in line
    assert "quotecheck db upgrade" in line and "quotecheck serve --demo" in line
    assert "back it up" not in line
    assert not (tmp_path / "quotecheck.db").exists()
    assert list(tmp_path.iterdir()) == []


def test_an_empty_database_is_not_called_one_to_back_up(scratch_url: str) -> None:
    assert run("db", "current", url=scratch_url).returncode == 0  # there, with no schema
    line = _error_line(run("demo", url=scratch_url))
    assert "the database is empty (no schema yet)" in line and "quotecheck db upgrade" in line
    assert "back it up" not in line


def test_import_transcript_without_a_title_names_the_flag(scratch_url: str, tmp_path: Path) -> None:
    assert run("db", "upgrade", url=scratch_url).returncode == 0
    transcript = tmp_path / "talk.txt"
    transcript.write_text("HOST: Welcome.\nGUEST: Thank you.\n", encoding="utf-8")
    line = _error_line(run("import", "transcript", str(transcript), url=scratch_url))
    assert "has no title" in line and '--title "..."' in line


def test_check_refuses_a_language_no_source_has(scratch_url: str) -> None:
    assert run("db", "upgrade", url=scratch_url).returncode == 0
    assert run("demo", url=scratch_url).returncode == 0
    line = _error_line(run("check", "NATO", "--speaker", "Lavrov", "--language", "xx", url=scratch_url))
    assert "--language 'xx'" in line and "stored sources are in en" in line and "leave --language out" in line
    malformed = _error_line(run("check", "NATO", "--speaker", "Lavrov", "--language", "e", url=scratch_url))
    assert "is not a language tag" in malformed
    fine = run("check", "NATO", "--speaker", "Lavrov", "--language", "en", url=scratch_url)
    assert fine.returncode == 0, fine.stderr

"""The README stays true: its example queries get exactly the answers it shows, against the demo."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.conftest import GraphQLClient
from tests.readme import README, examples

EXAMPLES = examples(README.read_text(encoding="utf-8"))


def test_the_readme_has_examples() -> None:
    assert len(EXAMPLES) >= 5
    assert any("chain" in query and "interview" in query for query, _ in EXAMPLES)


@pytest.mark.parametrize(
    ("query", "answer"), EXAMPLES, ids=[f"example-{n + 1}" for n in range(len(EXAMPLES))]
)
def test_each_example_gets_the_answer_shown(api: GraphQLClient, query: str, answer: str) -> None:
    response = api.post(query)
    assert response.status_code == 200
    body = response.json()
    # every answer reports its cost (api/cost.py); the README shows the data
    cost = body.pop("extensions")["cost"]
    assert 0 <= cost["requested"] <= cost["limit"]
    assert body == json.loads(answer)


MUTATION = re.search(
    r"```graphql\n(mutation \{\n  updateSpeaker.*?)```", README.read_text(encoding="utf-8"), re.S
)


def test_the_update_speaker_example_works_on_the_demo(
    scratch_engine: Engine, scratch_api: GraphQLClient, tokens: dict[str, str]
) -> None:
    """The README's write example, as written, against the demo: it applies once, then conflicts."""
    from quotecheck.db import session_scope
    from quotecheck.demo import load_demo

    with session_scope(scratch_engine, write=True) as session:
        load_demo(session)
    assert MUTATION is not None
    editor = scratch_api.with_token(tokens["EDITOR"])
    first = editor.post(MUTATION[1]).json()
    assert first == {
        "data": {
            "updateSpeaker": {
                "speaker": {"id": "U3BlYWtlcjox", "version": 2, "description": "Russian diplomat"},
                "userErrors": [],
            }
        },
        "extensions": first["extensions"],
    }
    again = editor.post(MUTATION[1]).json()["data"]["updateSpeaker"]
    assert [(e["code"], e["field"], e["currentVersion"]) for e in again["userErrors"]] == [
        ("CONFLICT", "version", 2)
    ]


def _sh_block(text: str, heading: str) -> str:
    """The first ```sh block under a `## heading` of the README."""
    section = text.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    found = re.search(r"```sh\n(.*?)```", section, re.S)
    assert found is not None, heading
    return found[1]


def test_commands_in_shell_blocks_work_without_an_activated_environment() -> None:
    text = README.read_text(encoding="utf-8")
    for block in re.findall(r"```(?:sh|console)\n(.*?)```", text, re.S):
        for line in block.splitlines():
            assert not re.match(r"\s*(quotecheck|pytest|alembic) ", line), line
    assert "../shared" not in text  # a clone has no such folder
    assert (README.parent / "docs" / "design.md").is_file()


def test_the_your_own_data_walk_through_runs_as_written(tmp_path: Path) -> None:
    """The README's "Your own data" block in a fresh folder whose .venv is this one; only its port changes,
    to a free one, so that it can run beside anything on 8001."""
    import os
    import socket
    import subprocess
    import sys

    script = _sh_block(README.read_text(encoding="utf-8"), "Your own data")
    assert "\nport=8001\n" in script
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    (tmp_path / ".venv").symlink_to(Path(sys.prefix))
    if not (tmp_path / ".venv" / "bin" / "quotecheck").exists():
        pytest.skip("the tests do not run from a virtual environment with the quotecheck command")
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUOTECHECK_")}
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script.replace("\nport=8001\n", f"\nport={port}\n")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "imported as source 1, 4 turns" in out
    assert "imported as source 2: ARTICLE “Ferry plan defended on the radio”, 2 quote(s)" in out
    assert "check: ALTERED" in out and "added: 2 quotes" in out
    assert "ALTERED (confidence" in out and "SUBSTITUTION: 'five' / 'ten'" in out
    assert "fact-check PUBLISHED ALTERED on 'The ferry will pay for itself within five years'" in out
    exported = json.loads((tmp_path / "newsroom" / "claimreview.json").read_text(encoding="utf-8"))
    assert [review["reviewRating"]["alternateName"] for review in exported] == ["Altered"]
    assert not (tmp_path / "quotecheck.db").exists()  # the demo's database is left alone

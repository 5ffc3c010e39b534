"""The README stays true: its example queries get exactly the answers it shows, against the demo."""

from __future__ import annotations

import json

import pytest

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

"""Compiled reads (quotecheck.api.compiled) answer exactly as the executor does, in a handful of statements.

Every shape is sent three times through real HTTP: with compiled reads off (the executor's answer, the
reference), then on twice (the first answer teaches the plan, the second comes from it). The three bodies must
be identical, and the endpoint's hit counter says which requests the plan answered."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest
from sqlalchemy import Engine, event, text

from quotecheck.api.compiled import CompiledReads
from quotecheck.global_ids import encode_id
from tests.conftest import GraphQLClient

Q1 = "query($id: ID!) { quote(id: $id) { id text speaker { name } } }"
Q2 = (
    "query($s: ID!) { quotes(first: 50, filter: {speakerId: $s}) { edges { node { id text "
    "appearances(first: 10) { totalCount edges { node { source { outlet { name } } } } } } } } }"
)
Q4 = (
    "query($id: ID!) { node(id: $id) { ... on Appearance { textAsPublished source { title } "
    "takenFrom { ... on Appearance { textAsPublished source { title } "
    "takenFrom { ... on Appearance { textAsPublished source { title } } ... on Source { title } } } "
    "... on Source { title } } } } }"
)
# Pages cut short: the plan must keep the same first appearances the executor does.
CUT = (
    "query($s: ID!) { quotes(first: 40, filter: {speakerId: $s}) { edges { node { id "
    "one: appearances(first: 1) { totalCount edges { node { id } } } "
    "two: appearances(first: 2) { edges { node { id citedAs } } } } } } }"
)
SEARCH = (
    "query($q: String!) { quotes(first: 20, search: $q) { edges { node { id text speaker { name } } } } }"
)
SEARCH_OF = (
    "query($q: String!, $s: ID!) { quotes(first: 5, search: $q, filter: {speakerId: $s}) { totalCount "
    "edges { node { id appearances(first: 2) { edges { node { source { title } } } } } } } }"
)
WIDE = """
query Wide($q: ID!, $s: ID!) {
  first: quote(id: $q) {
    __typename id version text language note
    who: speaker { id version name wikidataId description }
    appearances {
      totalCount
      edges { node { ...Printed } }
    }
  }
  count: quotes(first: 3, filter: {speakerId: $s}) { totalCount }
  page: quotes(first: 0, filter: {speakerId: $s}) { totalCount edges { node { id } } }
}
fragment Printed on Appearance {
  id textAsPublished start end attributionAsWritten citedAs note checkExplanation
  quote { id }
  source { id title url language contentHash note outlet { id name url domain country description } }
  takenFrom { __typename ... on Node { id } ... on Source { title } ... on Appearance { citedAs } }
}
"""
NODE = """
query($id: ID!) {
  node(id: $id) {
    __typename id
    ... on Speaker { name }
    ... on Outlet { name domain }
    ... on Source { title outlet { name } }
    ... on Quote { text speaker { name } }
    ... on Appearance { textAsPublished }
  }
}
"""
# Each leaves the executor in charge: a field outside the compiled subset, a directive, cursors.
UNSUPPORTED = [
    "query($id: ID!) { quote(id: $id) { id saidOn { year } } }",
    "query($id: ID!, $t: Boolean!) { quote(id: $id) { id text @include(if: $t) } }",
    "query($s: ID!) { quotes(first: 5, filter: {speakerId: $s}) { pageInfo { hasNextPage } edges { cursor } } }",
    "query($id: ID!) { quote(id: $id) { appearances(first: 2, after: null) { totalCount } } }",
]


def _ids(engine: Engine) -> dict[str, list[str]]:
    """Global IDs worth asking about, read from the database the API serves."""
    with engine.connect() as connection:

        def column(sql: str) -> list[int]:
            return [int(v) for v in connection.execute(text(sql)).scalars()]

        return {
            "quote": [encode_id("Quote", i) for i in column("SELECT id FROM quote ORDER BY id LIMIT 8")],
            "speaker": [
                encode_id("Speaker", i)
                for i in column(
                    "SELECT speaker_id FROM quote GROUP BY speaker_id ORDER BY count(*) DESC LIMIT 4"
                )
            ],
            "chain": [
                encode_id("Appearance", i)
                for i in column(
                    "SELECT id FROM appearance WHERE taken_from_appearance_id IS NOT NULL "
                    "OR taken_from_source_id IS NOT NULL ORDER BY id DESC LIMIT 6"
                )
            ],
            "words": _words(connection),
            "node": [
                encode_id(kind, i)
                for kind, table in (("Speaker", "speaker"), ("Outlet", "outlet"), ("Source", "source"))
                for i in column(f"SELECT id FROM {table} ORDER BY id LIMIT 2")
            ],
        }


def _words(connection: Any) -> list[str]:
    """Searches that match: single words, a phrase and an exclusion, taken from stored quotes."""
    texts = [
        str(t) for t in connection.execute(text("SELECT text FROM quote ORDER BY id LIMIT 40")).scalars()
    ]
    words = [w.strip(".,;:!?\"'()") for t in texts for w in t.split()]
    words = [w for w in dict.fromkeys(words) if len(w) >= 5 and w.isalpha()][:4]
    first = texts[0].split()
    return [*words, f'"{first[0]} {first[1]}"', f"{words[0]} -{words[1]}"]


def _endpoint(client: GraphQLClient) -> Any:
    return client.app.state.graphql


def _three_ways(client: GraphQLClient, query: str, variables: dict[str, Any]) -> tuple[Any, int]:
    """The executor's body, and how many of the next two requests a plan answered (after checking both
    bodies equal the executor's)."""
    endpoint = _endpoint(client)
    endpoint.compiled = None
    try:
        reference = client.post(query, variables)
    finally:
        endpoint.compiled = CompiledReads(endpoint.schema._schema)
    compiled = endpoint.compiled
    bodies = [client.post(query, variables) for _ in range(2)]
    for response in bodies:
        assert response.status_code == reference.status_code
        assert response.json() == reference.json(), (query, variables)
    return reference.json(), compiled.hits


def _check_all(client: GraphQLClient, ids: dict[str, list[str]]) -> int:
    answered = 0
    cases: list[tuple[str, dict[str, Any]]] = []
    cases += [(Q1, {"id": i}) for i in ids["quote"]]
    cases += [(Q2, {"s": s}) for s in ids["speaker"]]
    cases += [(CUT, {"s": s}) for s in ids["speaker"]]
    cases += [(Q4, {"id": a}) for a in ids["chain"]]
    cases += [(WIDE, {"q": q, "s": s}) for q, s in zip(ids["quote"], ids["speaker"] * 2, strict=False)]
    cases += [(NODE, {"id": n}) for n in ids["node"] + ids["quote"][:2] + ids["chain"][:2]]
    cases += [(SEARCH, {"q": w}) for w in ids["words"]]
    cases += [(SEARCH_OF, {"q": w, "s": s}) for w in ids["words"][:3] for s in ids["speaker"][:2]]
    found = 0
    for query, variables in cases:
        body, hits = _three_ways(client, query, variables)
        assert "errors" not in body, body
        found += query == SEARCH and bool(body["data"]["quotes"]["edges"])
        assert hits == 1, f"the second request was not answered by the plan: {query[:60]} {variables}"
        answered += hits
    assert found >= 3, "the searches find quotes"
    return answered


def test_the_demo_answers_the_same_compiled(api: GraphQLClient, demo_url: str) -> None:
    from sqlalchemy import create_engine

    from quotecheck.settings import database_urls

    engine = create_engine(database_urls(demo_url).sync)
    try:
        ids = _ids(engine)
    finally:
        engine.dispose()
    assert ids["chain"], "the demo has provenance chains"
    assert _check_all(api, ids) > 20


@pytest.fixture
def corpus(scratch_engine: Engine, scratch_url: str) -> Engine:
    """A generated corpus (chains, outlets, many appearances per quote), made by the CLI."""
    env = {**os.environ, "QUOTECHECK_DATABASE_URL": scratch_url}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "quotecheck",
            "bench",
            "generate",
            "--quotes",
            "400",
            "--seed",
            "7",
            "--no-index",
        ],
        env=env,
        check=True,
        capture_output=True,
    )
    return scratch_engine


def test_a_generated_corpus_answers_the_same_compiled(corpus: Engine, scratch_api: GraphQLClient) -> None:
    ids = _ids(corpus)
    with corpus.connect() as connection:
        busiest = connection.execute(
            text("SELECT count(*) FROM appearance GROUP BY quote_id ORDER BY count(*) DESC LIMIT 1")
        ).scalar_one()
    assert busiest >= 3, "some quote has more appearances than CUT's pages hold"
    assert _check_all(scratch_api, ids) > 20


def test_what_the_plan_cannot_answer_is_left_to_the_executor(api: GraphQLClient, demo_url: str) -> None:
    from sqlalchemy import create_engine

    from quotecheck.settings import database_urls

    engine = create_engine(database_urls(demo_url).sync)
    try:
        ids = _ids(engine)
    finally:
        engine.dispose()
    quote, speaker = ids["quote"][0], ids["speaker"][0]
    for query in UNSUPPORTED:
        variables = {"id": quote, "s": speaker, "t": True}
        used = {k: v for k, v in variables.items() if f"${k}" in query}
        body, hits = _three_ways(api, query, used)
        assert "errors" not in body, body
        assert hits == 0, query
    # A request the plan meets but must not answer itself: the executor's error, word for word.
    endpoint = _endpoint(api)
    _three_ways(api, Q1, {"id": quote})  # a fresh cache, taught the plan
    compiled = endpoint.compiled
    bad: list[dict[str, Any]] = [{"id": "not-an-id"}, {"id": speaker}, {"id": 12}, {}]
    for variables in bad:
        before = compiled.hits
        answered = api.post(Q1, variables).json()
        assert compiled.hits == before, variables
        endpoint.compiled = None
        try:
            assert api.post(Q1, variables).json() == answered
        finally:
            endpoint.compiled = compiled
        assert "errors" in answered
    # A well-formed ID of no row: null from both.
    missing = encode_id("Quote", 987654321)
    body, hits = _three_ways(api, Q1, {"id": missing})
    assert body["data"] == {"quote": None}
    assert hits == 1


def _reads(client: GraphQLClient, query: str, variables: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The body of a request the plan answers, and the SELECTs it ran."""
    client.post(query, variables)  # the executor answers and the plan is made
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    sync_engine = client.engine.sync_engine
    event.listen(sync_engine, "before_cursor_execute", count)
    try:
        before = _endpoint(client).compiled.hits
        body: dict[str, Any] = client.post(query, variables).json()
    finally:
        event.remove(sync_engine, "before_cursor_execute", count)
    assert _endpoint(client).compiled.hits == before + 1
    return body, [s for s in statements if s.lstrip().upper().startswith("SELECT")]


def test_statements_per_shape(corpus: Engine, scratch_api: GraphQLClient) -> None:
    """One statement per nested page, one per count: to-one links (however deep) are joined in."""
    ids = _ids(corpus)
    body, reads = _reads(scratch_api, Q2, {"s": ids["speaker"][0]})
    assert len(body["data"]["quotes"]["edges"]) > 1
    assert len(reads) == 3, reads  # quotes; appearances with sources and outlets; counts
    body, reads = _reads(scratch_api, Q1, {"id": ids["quote"][0]})
    assert body["data"]["quote"]["speaker"]["name"]
    assert len(reads) == 1, reads
    body, reads = _reads(scratch_api, Q4, {"id": ids["chain"][0]})
    assert body["data"]["node"]["takenFrom"] is not None
    assert len(reads) == 1, reads

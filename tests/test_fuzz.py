"""Property tests: documents and variables made from the real schema, well and badly typed, and plain garbage,
sent through real HTTP to the API over the demo corpus. Whatever is sent, the answer is never a 500, never shows
a traceback, SQL or a path, and every error has a message and a code.

Bounded: a few hundred examples in all, no shrinking database (the corpus is only read; only queries are sent).
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLUnionType,
    get_named_type,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quotecheck.api.schema import schema
from tests.conftest import GraphQLClient

GRAPHQL = schema._schema
FUZZ = settings(
    max_examples=150,
    deadline=None,  # one example is one HTTP request; the suite's time is bounded by the count
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,  # the same examples on every run and machine: a failure can be reproduced
)
LEAKS = ("Traceback", 'File "', "site-packages", "sqlalchemy", "SELECT ", "sqlite3", "psycopg", "/work/")
# an anonymous client is refused these before anything else happens: the fuzzing looks further
NEED_TOKEN = {"apiTokens", "auditEvents", "history"}
TYPES = ["Quote", "Speaker", "Outlet", "Source", "Interview", "Appearance", "FactCheck", "Nope"]


def global_id(data: st.DataObject) -> str:
    kind = data.draw(st.sampled_from(TYPES))
    key = data.draw(st.one_of(st.integers(-2, 40), st.just(2**63), st.text(max_size=5)))
    return base64.urlsafe_b64encode(f"{kind}:{key}".encode()).decode().rstrip("=")


def string(data: st.DataObject) -> str:
    return json.dumps(data.draw(st.text(max_size=30)))  # JSON string escapes are GraphQL's too


def garbage_value(data: st.DataObject) -> str:
    return data.draw(
        st.one_of(
            st.integers(-(2**40), 2**40).map(str),
            st.floats(allow_nan=False, allow_infinity=False).map(repr),
            st.sampled_from(
                ["true", "false", "null", "[]", "{}", "NOPE", '""', "[1, 2]", "{a: 1}", "$missing"]
            ),
            st.text(max_size=10).map(json.dumps),
        )
    )


def literal(data: st.DataObject, kind: GraphQLInputType, depth: int = 0) -> str:
    """A GraphQL literal for an input type: usually of that type, sometimes of another."""
    if data.draw(st.integers(0, 9)) == 0:
        return garbage_value(data)
    if isinstance(kind, GraphQLNonNull):
        return literal(data, kind.of_type, depth)
    if isinstance(kind, GraphQLList):
        items = data.draw(st.integers(0, 3))
        return "[" + ", ".join(literal(data, kind.of_type, depth + 1) for _ in range(items)) + "]"
    if isinstance(kind, GraphQLEnumType):
        return str(data.draw(st.sampled_from(list(kind.values))))
    if isinstance(kind, GraphQLInputObjectType):
        if depth > 2:
            return "{}"
        names = data.draw(st.lists(st.sampled_from(sorted(kind.fields)), max_size=3, unique=True))
        return (
            "{"
            + ", ".join(f"{name}: {literal(data, kind.fields[name].type, depth + 1)}" for name in names)
            + "}"
        )
    assert isinstance(kind, GraphQLScalarType)
    if kind.name == "Int":
        return str(data.draw(st.one_of(st.integers(-3, 120), st.sampled_from([100000, 2**31, -(2**31) - 1]))))
    if kind.name == "Float":
        return repr(data.draw(st.floats(-1e6, 1e6, allow_nan=False)))
    if kind.name == "Boolean":
        return data.draw(st.sampled_from(["true", "false"]))
    if kind.name == "ID":
        return json.dumps(global_id(data)) if data.draw(st.booleans()) else string(data)
    return string(data)


def arguments(data: st.DataObject, field: GraphQLField) -> str:
    names = sorted(field.args)
    required = [name for name in names if isinstance(field.args[name].type, GraphQLNonNull)]
    chosen = set(required) | set(
        data.draw(st.lists(st.sampled_from(names), max_size=3, unique=True)) if names else []
    )
    if data.draw(st.integers(0, 19)) == 0 and required:
        chosen.discard(required[0])  # a required argument left out
    if not chosen:
        return ""
    return "(" + ", ".join(f"{name}: {literal(data, field.args[name].type)}" for name in sorted(chosen)) + ")"


def selection(data: st.DataObject, kind: Any, depth: int) -> str:
    """A selection set on an object, interface or union type, `depth` levels deep at most."""
    if isinstance(kind, GraphQLUnionType) or (depth <= 0 and not _leaves(kind)):
        parts = ["__typename"]
        possible = GRAPHQL.get_possible_types(kind) if not isinstance(kind, GraphQLObjectType) else []
        if possible and depth > 0:
            target = data.draw(st.sampled_from(sorted(possible, key=lambda t: t.name)))
            parts.append(f"... on {target.name} {selection(data, target, depth - 1)}")
        return "{ " + " ".join(parts) + " }"
    names = [name for name in sorted(kind.fields) if name not in NEED_TOKEN] if depth > 0 else _leaves(kind)
    picked = data.draw(st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True))
    parts = []
    for name in picked:
        field = kind.fields[name]
        inner = get_named_type(field.type)
        text = name + arguments(data, field)
        if isinstance(inner, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType):
            text += " " + selection(data, inner, depth - 1)
        parts.append(text)
    return "{ " + " ".join(parts) + " }"


def _leaves(kind: Any) -> list[str]:
    if not isinstance(kind, GraphQLObjectType | GraphQLInterfaceType):
        return []
    return sorted(
        name
        for name, field in kind.fields.items()
        if isinstance(get_named_type(field.type), GraphQLScalarType | GraphQLEnumType)
    )


def check(response: Any) -> dict[str, Any]:
    """The properties every answer has, whatever was asked."""
    assert response.status_code < 500, response.text
    for leak in LEAKS:
        assert leak not in response.text, (leak, response.text)
    body: dict[str, Any] = response.json()
    for error in body.get("errors", []):
        assert isinstance(error["message"], str) and error["message"].strip(), error
        assert isinstance(error["extensions"]["code"], str), error
        assert error["extensions"]["code"] != "INTERNAL", error  # a client's mistake is never our crash
    assert body.get("errors") or "data" in body, body
    return body


def post(api: GraphQLClient, payload: Any) -> Any:
    return api.request(
        "POST", "/graphql", json=payload, headers={"Accept": "application/graphql-response+json"}
    )


@FUZZ
@given(data=st.data())
def test_documents_made_from_the_schema(api: GraphQLClient, data: st.DataObject) -> None:
    document = selection(data, GRAPHQL.query_type, data.draw(st.integers(1, 4)))
    check(post(api, {"query": document}))


@FUZZ
@given(
    value=st.recursive(
        st.none()
        | st.booleans()
        | st.integers(-(2**70), 2**70)
        | st.floats(allow_nan=False, allow_infinity=False)
        | st.text(max_size=20),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
        max_leaves=6,
    ),
    document=st.sampled_from(
        [
            "query($v: Int) { quotes(first: $v) { totalCount } }",
            "query($v: ID!) { node(id: $v) { id } }",
            "query($v: [ID!]!) { nodes(ids: $v) { id } }",
            "query($v: QuoteFilter) { quotes(filter: $v, first: 2) { edges { node { text } } } }",
            "query($v: SpeakerOrder) { speakers(orderBy: $v, first: 2) { totalCount } }",
            "query($v: String) { quotes(after: $v) { totalCount } }",
            "query($v: CheckQuoteInput!) { checkQuote(input: $v) { verdict } }",
        ]
    ),
)
def test_variables_of_any_shape(api: GraphQLClient, value: Any, document: str) -> None:
    check(post(api, {"query": document, "variables": {"v": value}}))


@FUZZ
@given(
    query=st.one_of(
        st.text(max_size=200),
        st.text(alphabet="{}()[]:$@!.,=\"'# \n_azAZ09", max_size=200),
        st.lists(
            st.sampled_from(["{", "}", "quotes", "(", ")", "first:", "1", "...", "on", "Quote", "@skip"])
        ).map(" ".join),
    )
)
def test_garbage_documents(api: GraphQLClient, query: str) -> None:
    check(post(api, {"query": query}))


@FUZZ
@given(
    body=st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda inner: (
            st.lists(inner, max_size=3)
            | st.fixed_dictionaries(
                {},
                optional={
                    "query": inner,
                    "variables": inner,
                    "operationName": inner,
                    "extensions": inner,
                },
            )
        ),
        max_leaves=8,
    )
)
def test_request_bodies_of_any_shape(api: GraphQLClient, body: Any) -> None:
    check(post(api, body))


@pytest.mark.parametrize(
    "raw", [b"", b"\xff\xfe", b"{", b'{"query": "{ __typename }"' + b" " * 10, b"null", b"[]"]
)
def test_bytes_that_are_not_json(api: GraphQLClient, raw: bytes) -> None:
    response = api.request(
        "POST",
        "/graphql",
        content=raw,
        headers={"Content-Type": "application/json", "Accept": "application/json"},
    )
    check(response)

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
    Undefined,
    get_named_type,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select

from quotecheck import clean, models
from quotecheck.api.schema import schema
from quotecheck.services.feeds import import_feed
from tests.conftest import GraphQLClient
from tests.counts import table_counts

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


# What a client can send in a string, beyond st.text's (which holds every code point but surrogates): controls,
# bidi overrides and isolates, combining marks, noncharacters, unpaired surrogates (as escapes: JSON and GraphQL
# can carry them so), text that differs only in normalisation, and text just under and over each kind's limit.
SPECIAL = [
    "\x00",
    "\x01",
    "\t",
    "\n",
    "\r",
    "\x1b",
    "\x7f",
    "\x85",
    "\x9b",
    "\u202e",
    "\u202a",
    "\u2066",
    "\u2069",
    "\u200f",
    "\u0301",
    "\u0308",
    "e\u0301",
    "\u00e9",
    "\ufeff",
    "\ufffe",
    "\U0010ffff",
    "\ud800",
    "\udfff",
    "\U0001f600",
    "\u2028",
    "Zoë",
    "Lavrov",
]
LENGTHS = [199, 201, 299, 301, 999, 1_001, 2_001, 10_001, 20_001]


def hostile_text() -> st.SearchStrategy[str]:
    return st.one_of(
        st.text(max_size=30),
        st.lists(st.one_of(st.sampled_from(SPECIAL), st.text(max_size=3)), max_size=8).map("".join),
        st.builds(lambda n, c: c * n, st.sampled_from(LENGTHS), st.sampled_from(["x", "é", "e\u0301"])),
    )


def string(data: st.DataObject) -> str:
    return json.dumps(data.draw(hostile_text()))  # JSON string escapes are GraphQL's too


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


def literal(data: st.DataObject, kind: GraphQLInputType, depth: int = 0, valid: bool = False) -> str:
    """A GraphQL literal for an input type: usually of that type, sometimes of another; `valid`: always of
    that type, required fields given, so that the resolver runs."""
    if not valid and data.draw(st.integers(0, 9)) == 0:
        return garbage_value(data)
    if isinstance(kind, GraphQLNonNull):
        return literal(data, kind.of_type, depth, valid)
    if isinstance(kind, GraphQLList):
        items = data.draw(st.integers(0, 3))
        return "[" + ", ".join(literal(data, kind.of_type, depth + 1, valid) for _ in range(items)) + "]"
    if isinstance(kind, GraphQLEnumType):
        return str(data.draw(st.sampled_from(list(kind.values))))
    if isinstance(kind, GraphQLInputObjectType):
        if depth > 2 and not valid:
            return "{}"
        required = [
            name
            for name, field in kind.fields.items()
            if valid and isinstance(field.type, GraphQLNonNull) and field.default_value is Undefined
        ]
        chosen = data.draw(st.lists(st.sampled_from(sorted(kind.fields)), max_size=3, unique=True))
        names = sorted(set(required) | set(chosen))
        return (
            "{"
            + ", ".join(
                f"{name}: {literal(data, kind.fields[name].type, depth + 1, valid)}" for name in names
            )
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
    """POST `payload` as JSON with every non-ASCII character escaped, unpaired surrogates too."""
    return api.request(
        "POST",
        "/graphql",
        content=json.dumps(payload).encode(),
        headers={"Accept": "application/graphql-response+json", "Content-Type": "application/json"},
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
        | hostile_text(),
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
            "query($v: String) { quotes(search: $v) { totalCount } sources(search: $v) { totalCount } }",
            "query($v: String) { quotes(filter: {textContains: $v, speakerName: $v}) { totalCount } }",
            "query($v: String) { speakers(filter: {name: $v, role: $v}) { totalCount } }",
            "query($v: String!) { checkQuote(input: {text: $v, speakerName: $v}) { verdict } }",
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


# --- writes: every mutation, and every importer, with hostile text -----------------------------------------------
WRITES = settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,  # one scratch database for all examples: rows pile up, on purpose
    ],
    derandomize=True,
)
MUTATIONS = sorted(GRAPHQL.mutation_type.fields) if GRAPHQL.mutation_type else []


def _payload_selection(field: GraphQLField) -> str:
    kind = get_named_type(field.type)
    if isinstance(kind, GraphQLObjectType) and "userErrors" in kind.fields:
        return "{ __typename userErrors { field message code } }"
    return "{ __typename }" if isinstance(kind, GraphQLObjectType) else ""


def _refused(body: dict[str, Any], name: str) -> bool:
    payload = (body.get("data") or {}).get(name)
    return bool(body.get("errors")) or bool(isinstance(payload, dict) and payload.get("userErrors"))


def _stored_text_is_clean(engine: Engine) -> None:
    """Whatever was written holds nothing `quotecheck.clean` refuses, and is NFC where it is checked."""
    with engine.connect() as connection:
        for (name,) in connection.execute(select(models.Speaker.name)):
            assert clean.is_clean(name, clean.NAME), repr(name)
        for (name,) in connection.execute(select(models.SpeakerAlias.name)):
            assert clean.is_clean(name, clean.NAME), repr(name)
        for (text,) in connection.execute(select(models.Quote.text)):
            assert clean.clean(text, "text", clean.QUOTE) == text, repr(text)


@WRITES
@given(data=st.data())
def test_every_mutation_with_hostile_text(
    admin_api: GraphQLClient, scratch_engine: Engine, data: st.DataObject
) -> None:
    name = data.draw(st.sampled_from(MUTATIONS))
    field = GRAPHQL.mutation_type.fields[name]  # type: ignore[union-attr]
    arguments = ", ".join(
        f"{arg}: {literal(data, field.args[arg].type, valid=True)}"
        for arg in sorted(field.args)
        if isinstance(field.args[arg].type, GraphQLNonNull) or data.draw(st.booleans())
    )
    document = f"mutation {{ {name}{f'({arguments})' if arguments else ''} {_payload_selection(field)} }}"
    with scratch_engine.connect() as connection:
        before = table_counts(connection)
    body = check(post(admin_api, {"query": document}))
    if _refused(body, name):
        with scratch_engine.connect() as connection:
            assert table_counts(connection) == before, body
    _stored_text_is_clean(scratch_engine)


TRANSCRIPT = "mutation($d: String!, $t: String) { importTranscript(input: {document: $d, title: $t}) { created userErrors { field message code } } }"
ARTICLE = "mutation($d: String!, $t: String) { importArticle(input: {document: $d, title: $t}) { created userErrors { field message code } } }"
REVIEW = (
    "mutation($d: String!) { importClaimReview(document: $d) { read added rejected { position message } } }"
)


def _documents(data: st.DataObject) -> tuple[str, str, str]:
    """An importer's mutation and a document in its format, with hostile text where text goes."""
    a, b, c = (data.draw(hostile_text()) for _ in range(3))
    label = data.draw(st.one_of(st.sampled_from(["HOST", "OSEI", "ANN LEE"]), hostile_text()))
    which = data.draw(st.sampled_from(["transcript", "transcript json", "article", "review"]))
    if which == "transcript":
        return TRANSCRIPT, f"HOST: {a}\n{label}: {b}\n", "importTranscript"
    if which == "transcript json":
        document = json.dumps(
            {"title": c, "turns": [{"speaker": label, "text": a}, {"speaker": "HOST", "text": b}]}
        )
        return TRANSCRIPT, document, "importTranscript"
    if which == "article":
        return (
            ARTICLE,
            f"{c}\n\n{label} said: \u201c{a}\u201d. \u201c{b},\u201d said Ann Lee.\n",
            "importArticle",
        )
    review = {
        "@type": "ClaimReview",
        "url": "https://example.org/review/" + str(data.draw(st.integers(0, 9))),
        "claimReviewed": a,
        "author": {"@type": "Organization", "name": c},
        "reviewRating": {"@type": "Rating", "alternateName": b},
        "itemReviewed": {"@type": "Claim", "author": {"@type": "Person", "name": label}},
    }
    return REVIEW, json.dumps(review), "importClaimReview"


@WRITES
@given(data=st.data())
def test_every_importer_with_hostile_text(
    editor_api: GraphQLClient, scratch_engine: Engine, data: st.DataObject
) -> None:
    document, text, name = _documents(data)
    title = data.draw(st.one_of(st.none(), hostile_text()))
    with scratch_engine.connect() as connection:
        before = table_counts(connection)
    body = check(post(editor_api, {"query": document, "variables": {"d": text, "t": title}}))
    payload = (body.get("data") or {}).get(name) or {}
    if _refused(body, name) or (name == "importClaimReview" and payload.get("added") == 0):
        with scratch_engine.connect() as connection:
            after = table_counts(connection)
        (
            after.pop("audit_event", None),
            before.pop("audit_event", None),
        )  # a review import audits its rejections
        assert after == before, body
    _stored_text_is_clean(scratch_engine)


@WRITES
@given(
    records=st.lists(
        st.fixed_dictionaries({"quotation": hostile_text(), "speaker": hostile_text()}), max_size=4
    )
)
def test_feed_lines_with_hostile_text(scratch_engine: Engine, records: list[dict[str, str]]) -> None:
    lines = [json.dumps({**record, "urls": ["https://example.org/feed"]}) for record in records]
    summary = import_feed(scratch_engine, lines, batch_size=2)
    assert summary.read == len(lines)
    for _, reason in summary.rejected:
        assert "Traceback" not in reason and reason.strip()
    _stored_text_is_clean(scratch_engine)


# --- every string argument of every query, one at a time ---------------------------------------------------------
def _string_paths(kind: Any, path: tuple[str, ...], seen: frozenset[str]) -> list[tuple[str, ...]]:
    """The paths to every String or ID inside an argument's type (through input objects and lists)."""
    named = get_named_type(kind)
    if isinstance(named, GraphQLScalarType):
        return [path] if named.name in ("String", "ID") else []
    if not isinstance(named, GraphQLInputObjectType) or named.name in seen:
        return []
    return [
        found
        for name, field in sorted(named.fields.items())
        for found in _string_paths(field.type, (*path, name), seen | {named.name})
    ]


def _filled(kind: Any, path: tuple[str, ...], value: str) -> Any:
    """The argument's value with `value` at `path`, and every required field beside it given."""
    while isinstance(kind, GraphQLNonNull | GraphQLList):
        if isinstance(kind, GraphQLList):
            return [_filled(kind.of_type, path, value)]
        kind = kind.of_type
    if not path:
        return value
    assert isinstance(kind, GraphQLInputObjectType)
    filled: dict[str, Any] = {}
    for name, field in kind.fields.items():
        if name == path[0]:
            filled[name] = _filled(field.type, path[1:], value)
        elif isinstance(field.type, GraphQLNonNull) and field.default_value is Undefined:
            filled[name] = "Lavrov"  # the required siblings are strings (test_query_strings_cover_the_schema)
    return filled


QUERY_STRINGS = [
    (name, arg, path)
    for name, field in sorted(GRAPHQL.query_type.fields.items())  # type: ignore[union-attr]
    if name not in NEED_TOKEN
    for arg in sorted(field.args)
    for path in _string_paths(field.args[arg].type, (), frozenset())
]


def test_query_strings_cover_the_schema() -> None:
    assert ("quotes", "search", ()) in QUERY_STRINGS
    assert ("quotes", "filter", ("textContains",)) in QUERY_STRINGS
    assert ("checkQuote", "input", ("text",)) in QUERY_STRINGS
    assert len(QUERY_STRINGS) > 30


@pytest.mark.parametrize(
    ("name", "arg", "path"), QUERY_STRINGS, ids=[".".join([n, a, *p]) for n, a, p in QUERY_STRINGS]
)
@settings(max_examples=6, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(
    value=st.one_of(st.sampled_from(["nato\x00x", "nato\x85", "nato\ud800", "Ann \u202eLee"]), hostile_text())
)
def test_every_string_argument_of_every_query(
    api: GraphQLClient, name: str, arg: str, path: tuple[str, ...], value: str
) -> None:
    field = GRAPHQL.query_type.fields[name]  # type: ignore[union-attr]
    others = "".join(
        f", {other}: " + json.dumps("Lavrov")
        for other, each in sorted(field.args.items())
        if other != arg and isinstance(each.type, GraphQLNonNull)
    )
    returns = get_named_type(field.type)
    listing = returns.name.endswith("Connection")
    composite = isinstance(returns, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType)
    shown = "{ totalCount }" if listing else "{ __typename }" if composite else ""
    document = f"query($v: {field.args[arg].type}) {{ {name}({arg}: $v{others}) {shown} }}"
    variables = json.dumps({"v": _filled(field.args[arg].type, path, value)})  # escapes: surrogates too
    if any("\ud800" <= char <= "\udfff" for char in value):  # a POST body cannot carry it: GET can
        response = api.request("GET", "/graphql", params={"query": document, "variables": variables})
    else:
        response = post(api, {"query": document, "variables": json.loads(variables)})
    body = check(response)
    unstorable = clean.DOCUMENT.pattern.search(value) is not None  # refused in every kind of field
    if listing and arg in ("search", "filter") and unstorable:
        assert body.get("data") == {name: {"totalCount": 0}}, body

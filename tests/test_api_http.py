"""/graphql as the GraphQL-over-HTTP specification says, the baseline limits, error masking and the probes.

Requests go through real HTTP (httpx over the ASGI app) against the demo database; the probes of a database
that is not at the migration head get a scratch database of their own.
"""

from __future__ import annotations

import base64
import json
import logging
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from graphql import get_introspection_query
from sqlalchemy import Engine

from quotecheck import migrate
from quotecheck.api import types as api_types
from quotecheck.settings import database_urls
from tests.conftest import TEST_DATABASE_URL, GraphQLClient, backend, client_for

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"
GENERATED_ID = re.compile(r"^[0-9a-f]{32}$")

QUOTE_COUNT = "{ quotes(first: 1) { totalCount } }"
BY_LIMIT = "query($n: Int!) { quotes(first: $n) { totalCount } }"
# what both answer, with the cost every response reports (api/cost.py)
COUNTED = {"data": {"quotes": {"totalCount": 13}}, "extensions": {"cost": {"requested": 1, "limit": 20000}}}


def media(response: Any) -> str:
    return str(response.headers["content-type"]).split(";")[0].strip()


def body_of(response: Any) -> dict[str, Any]:
    body: dict[str, Any] = response.json()
    return body


def b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def post(api: GraphQLClient, payload: Any, accept: str = GRAPHQL_RESPONSE, **headers: str) -> Any:
    return api.request("POST", "/graphql", json=payload, headers={"Accept": accept, **headers})


def raw_post(api: GraphQLClient, content: bytes, content_type: str = JSON) -> Any:
    return api.request(
        "POST",
        "/graphql",
        content=content,
        headers={"Accept": GRAPHQL_RESPONSE, "Content-Type": content_type},
    )


def get(api: GraphQLClient, accept: str = GRAPHQL_RESPONSE, **params: str) -> Any:
    return api.request("GET", "/graphql", params=params, headers={"Accept": accept})


def without_accept(api: GraphQLClient, query: str) -> Any:
    request = api.http.build_request("POST", "/graphql", json={"query": query})
    del request.headers["accept"]  # httpx sends `Accept: */*` unless told otherwise
    return api.portal.call(lambda: api.http.send(request))


def request_error(response: Any, status: int = 400, content_type: str = GRAPHQL_RESPONSE) -> dict[str, Any]:
    """The single error of a request that never ran: `errors` and no `data` entry at all."""
    assert response.status_code == status, response.text
    assert media(response) == content_type
    body = body_of(response)
    assert "data" not in body, body
    assert len(body["errors"]) == 1, body
    error: dict[str, Any] = body["errors"][0]
    return error


def field_error(response: Any) -> tuple[Any, dict[str, Any]]:
    """(data, the single error) of an operation that ran and failed in a field."""
    assert response.status_code == 200, response.text
    body = body_of(response)
    assert "data" in body, body
    assert len(body["errors"]) == 1, body
    return body["data"], body["errors"][0]


def lavrov_id(api: GraphQLClient) -> str:
    data = api.query('{ speakers(filter: {name: "lavrov"}) { edges { node { id } } } }')
    global_id: str = data["speakers"]["edges"][0]["node"]["id"]
    return global_id


# --- the two ways to send an operation ---------------------------------------------------------------------------
def test_post_json_with_query_variables_and_operation_name(api: GraphQLClient) -> None:
    document = "query Few($n: Int!) { quotes(first: $n) { edges { cursor } } } query Count " + QUOTE_COUNT
    response = post(api, {"query": document, "variables": {"n": 2}, "operationName": "Few"})
    assert response.status_code == 200
    assert media(response) == GRAPHQL_RESPONSE
    assert len(body_of(response)["data"]["quotes"]["edges"]) == 2
    response = post(api, {"query": document, "operationName": "Count"})
    assert body_of(response) == COUNTED


def test_post_accepts_a_charset_in_content_type(api: GraphQLClient) -> None:
    body = json.dumps({"query": QUOTE_COUNT}).encode()
    response = raw_post(api, body, "application/json; charset=utf-8")
    assert response.status_code == 200
    assert body_of(response) == COUNTED


def test_get_with_query_parameters(api: GraphQLClient) -> None:
    response = get(api, query=BY_LIMIT, variables=json.dumps({"n": 1}))
    assert response.status_code == 200
    assert media(response) == GRAPHQL_RESPONSE
    assert body_of(response) == COUNTED


def test_get_with_an_operation_name(api: GraphQLClient) -> None:
    document = "query Types { __typename } query Count " + QUOTE_COUNT
    response = get(api, query=document, operationName="Count")
    assert response.status_code == 200
    assert body_of(response) == COUNTED


@pytest.mark.parametrize(
    ("document", "operation"),
    [("mutation { addQuote }", None), ("query Read { __typename } mutation Write { addQuote }", "Write")],
)
def test_a_mutation_over_get_is_refused_before_validation(
    api: GraphQLClient, document: str, operation: str | None
) -> None:
    # There is no Mutation type: a validating endpoint would answer 400; this one refuses the method first.
    params = {"query": document} | ({"operationName": operation} if operation else {})
    response = get(api, **params)
    error = request_error(response, 405)
    assert response.headers["allow"] == "POST"
    assert error["message"] == "only queries may be sent with GET; send mutations with POST"


def test_a_mutation_over_post_reaches_validation(api: GraphQLClient) -> None:
    error = request_error(post(api, {"query": "mutation { addQuote }"}))
    assert error["message"] == "Cannot query field 'addQuote' on type 'Mutation'."
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


def test_get_without_query_serves_graphiql_to_a_browser(api: GraphQLClient) -> None:
    response = get(api, accept="text/html,application/xhtml+xml,*/*;q=0.8")
    assert response.status_code == 200
    assert media(response) == "text/html"
    assert "graphiql" in response.text.lower()


def test_get_without_query_for_a_program_is_a_400(api: GraphQLClient) -> None:
    error = request_error(get(api))
    assert error["message"] == "the request has no `query` string"


# --- content negotiation -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (GRAPHQL_RESPONSE, GRAPHQL_RESPONSE),
        (JSON, JSON),
        (f"{GRAPHQL_RESPONSE}, {JSON}", GRAPHQL_RESPONSE),
        (f"{JSON}, {GRAPHQL_RESPONSE}", JSON),
        (f"{GRAPHQL_RESPONSE};q=0.5, {JSON}", JSON),
        (f"{JSON};q=0.2, {GRAPHQL_RESPONSE};q=0.9", GRAPHQL_RESPONSE),
        ("*/*", JSON),
        ("application/*", JSON),
    ],
)
def test_the_response_media_type_follows_accept(api: GraphQLClient, accept: str, expected: str) -> None:
    response = post(api, {"query": QUOTE_COUNT}, accept=accept)
    assert response.status_code == 200
    assert media(response) == expected
    assert body_of(response) == COUNTED


def test_no_accept_header_gets_graphql_response_json(api: GraphQLClient) -> None:
    response = without_accept(api, QUOTE_COUNT)
    assert response.status_code == 200
    assert media(response) == GRAPHQL_RESPONSE


@pytest.mark.parametrize("accept", ["text/html", "application/xml, text/plain", f"{GRAPHQL_RESPONSE};q=0"])
def test_an_unacceptable_accept_is_a_406(api: GraphQLClient, accept: str) -> None:
    for response in (post(api, {"query": QUOTE_COUNT}, accept=accept), get(api, accept, query=QUOTE_COUNT)):
        assert response.status_code == 406
        assert f"accept {GRAPHQL_RESPONSE} or {JSON}" in response.text
        assert GENERATED_ID.match(response.headers["x-request-id"])
        # labelled, and shaped like every other error a client reads
        assert media(response) == JSON
        assert response.json()["errors"][0]["extensions"]["code"] == "NOT_ACCEPTABLE"


# --- status codes of GraphQL request errors: 400 with graphql-response+json, 200 with application/json -----------
REQUEST_ERRORS: list[tuple[str, dict[str, Any], str, str]] = [
    ("parse", {"query": "{ quotes(first: "}, "Syntax Error", "GRAPHQL_PARSE_FAILED"),
    (
        "unknown field",
        {"query": "{ quotes { totalCounts } }"},
        "Cannot query field 'totalCounts' on type 'QuoteConnection'.",
        "GRAPHQL_VALIDATION_FAILED",
    ),
    (
        "wrong variable type",
        {"query": BY_LIMIT, "variables": {"n": "ten"}},
        "Variable '$n' has invalid value: Int cannot represent non-integer value: 'ten'",
        "GRAPHQL_VALIDATION_FAILED",
    ),
    (
        "missing variable",
        {"query": BY_LIMIT, "variables": {}},
        "Variable '$n' has invalid value: Expected a value of non-null type 'Int!' to be provided.",
        "GRAPHQL_VALIDATION_FAILED",
    ),
    (
        "unknown operation name",
        {"query": "query A { __typename }", "operationName": "B"},
        "the document has no operation named 'B'; set `operationName` to the name of one of its operations",
        "GRAPHQL_VALIDATION_FAILED",
    ),
]


@pytest.mark.parametrize(
    ("payload", "message", "code"),
    [case[1:] for case in REQUEST_ERRORS],
    ids=[case[0] for case in REQUEST_ERRORS],
)
def test_a_request_error_is_400_with_graphql_response_json(
    api: GraphQLClient, payload: dict[str, Any], message: str, code: str
) -> None:
    error = request_error(post(api, payload))
    assert message in error["message"]
    assert error["extensions"]["code"] == code


@pytest.mark.parametrize(
    ("payload", "message", "code"),
    [case[1:] for case in REQUEST_ERRORS],
    ids=[case[0] for case in REQUEST_ERRORS],
)
def test_a_request_error_is_200_with_application_json(
    api: GraphQLClient, payload: dict[str, Any], message: str, code: str
) -> None:
    error = request_error(post(api, payload, accept=JSON), 200, JSON)
    assert message in error["message"]
    assert error["extensions"]["code"] == code


def test_several_operations_without_an_operation_name_is_a_request_error(api: GraphQLClient) -> None:
    error = request_error(post(api, {"query": "query A { __typename } query B " + QUOTE_COUNT}))
    assert "operation name" in error["message"]


def test_a_request_error_over_get_is_400_too(api: GraphQLClient) -> None:
    error = request_error(get(api, query=BY_LIMIT, variables='{"n": "ten"}'))
    assert "Int cannot represent non-integer value" in error["message"]


# --- malformed requests: 4xx whatever the media type ----------------------------------------------------------------
NOT_JSON = "the request body is not valid JSON"
NOT_OBJECT = "the body must be a JSON object with `query` (batches are not supported)"
NO_QUERY = "the request has no `query` string"
VARIABLES = "`variables` must be a JSON object"
MALFORMED: dict[str, tuple[Callable[[GraphQLClient], Any], int, str]] = {
    "truncated JSON": (lambda api: raw_post(api, b'{"query": "{ __typename }"'), 400, NOT_JSON),
    "not UTF-8": (lambda api: raw_post(api, b"\xff\xfe{}"), 400, NOT_JSON),
    "batch": (lambda api: post(api, [{"query": QUOTE_COUNT}]), 400, NOT_OBJECT),
    "JSON string": (lambda api: post(api, "{ __typename }"), 400, NOT_OBJECT),
    "form": (
        lambda api: raw_post(api, b"query=%7B__typename%7D", "application/x-www-form-urlencoded"),
        415,
        "send the request as application/json (got application/x-www-form-urlencoded)",
    ),
    "application/graphql": (
        lambda api: raw_post(api, b"{ __typename }", "application/graphql"),
        415,
        "send the request as application/json (got application/graphql)",
    ),
    "no query": (lambda api: post(api, {"qeury": QUOTE_COUNT}), 400, NO_QUERY),
    "query not a string": (lambda api: post(api, {"query": 42}), 400, NO_QUERY),
    "blank query": (lambda api: get(api, query="  "), 400, NO_QUERY),
    "variables a list": (lambda api: post(api, {"query": BY_LIMIT, "variables": [7]}), 400, VARIABLES),
    "variables a string": (
        lambda api: post(api, {"query": BY_LIMIT, "variables": '{"n": 1}'}),
        400,
        VARIABLES,
    ),
    "GET variables a list": (lambda api: get(api, query=BY_LIMIT, variables="[7]"), 400, VARIABLES),
    "GET variables not JSON": (
        lambda api: get(api, query=BY_LIMIT, variables="{n: 1}"),
        400,
        "`variables` is not valid JSON",
    ),
    "operationName not a string": (
        lambda api: post(api, {"query": QUOTE_COUNT, "operationName": 7}),
        400,
        "`operationName` must be a string",
    ),
    "huge body": (
        lambda api: post(api, {"query": "{ __typename " + "x" * 600_000 + " }"}),
        413,
        "the request body is over 524288 bytes; send a smaller document, with long values in `variables`, "
        "or a persisted query",
    ),
}


@pytest.mark.parametrize(("send", "status", "message"), list(MALFORMED.values()), ids=list(MALFORMED))
def test_a_malformed_request_is_refused(
    api: GraphQLClient, send: Callable[[GraphQLClient], Any], status: int, message: str
) -> None:
    error = request_error(send(api), status)
    assert error == {"message": message, "extensions": {"code": "BAD_REQUEST"}}


# --- field errors: the operation ran, so 200 with data, and an error that says what to do --------------------------
def test_a_bad_global_id_is_a_field_error(api: GraphQLClient) -> None:
    response = post(api, {"query": '{ quotes(first: 1) { totalCount } node(id: "not an id!") { id } }'})
    data, error = field_error(response)
    assert data == {"quotes": {"totalCount": 13}, "node": None}
    assert error["message"] == "'not an id!' is not a quotecheck ID; use an `id` returned by this API"
    assert error["path"] == ["node"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT"}


@pytest.mark.parametrize(
    "decoded",
    ["Quote:1_0", "Quote: 1", "Quote:01", "Quote:-1", "Quote:0", "Quote:99999999999", "Quote:١", "quote"],
)
def test_an_id_not_written_by_the_api_is_refused(api: GraphQLClient, decoded: str) -> None:
    # Only the form the API writes: no second ID for a row, no key the database's integers cannot hold.
    response = post(
        api, {"query": "query($id: ID!) { quote(id: $id) { id } }", "variables": {"id": b64(decoded)}}
    )
    data, error = field_error(response)
    assert data == {"quote": None}
    assert error["message"] == f"{b64(decoded)!r} is not a quotecheck ID; use an `id` returned by this API"


def test_stray_characters_in_an_id_are_refused(api: GraphQLClient) -> None:
    good = b64("Quote:1")
    assert api.query("query($id: ID!) { quote(id: $id) { id } }", {"id": good}) == {"quote": {"id": good}}
    bad = good[:3] + "!" + good[3:]
    _, error = field_error(post(api, {"query": f'{{ quote(id: "{bad}") {{ id }} }}'}))
    assert error["message"].startswith(f"{bad!r} is not a quotecheck ID")


def test_an_id_of_another_type_is_a_field_error(api: GraphQLClient) -> None:
    speaker = lavrov_id(api)
    data, error = field_error(post(api, {"query": f'{{ quote(id: "{speaker}") {{ text }} }}'}))
    assert data == {"quote": None}
    assert error["message"] == f"ID {speaker!r} names a Speaker, not a Quote"
    assert error["extensions"]["code"] == "BAD_USER_INPUT"


def test_an_id_of_an_unknown_type_is_a_field_error(api: GraphQLClient) -> None:
    unknown = b64("Planet:1")
    data, error = field_error(post(api, {"query": f'{{ node(id: "{unknown}") {{ id }} }}'}))
    assert data == {"node": None}
    assert error["message"].startswith(f"ID {unknown!r} names a Planet, not a Speaker or an Outlet or ")


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage!",
        b64("[1, 2]"),
        b64('["ID_ASC", {"a": 1}, 1]'),
        b64('["ID_ASC", [1], 1]'),
        b64('["ID_ASC", null, 1]'),
        b64('["ID_ASC", true, 1]'),
        b64('["ID_ASC", 1.5, 1]'),
        b64('["ID_ASC", 99999999999999999999999, 1]'),
        b64('["ID_ASC", 1, 99999999999999999999999]'),
        b64('["ID_ASC", 1, "1"]'),
    ],
)
def test_a_bad_cursor_is_a_field_error(api: GraphQLClient, cursor: str) -> None:
    response = post(
        api, {"query": "query($c: String) { quotes(after: $c) { totalCount } }", "variables": {"c": cursor}}
    )
    data, error = field_error(response)
    assert data is None  # `quotes` is non-null: the error nulls the whole result, which still ran
    assert error["message"] == (
        f"{cursor!r} is not a cursor; pass a `cursor` or `pageInfo` value returned by this API"
    )
    assert error["path"] == ["quotes"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT"}


@pytest.mark.parametrize(
    ("root", "order", "value"),
    [("quotes", "ID", '"zz"'), ("speakers", "NAME", "5")],
    ids=["text for ID", "number for NAME"],
)
def test_a_cursor_value_of_the_wrong_type_is_a_field_error(
    api: GraphQLClient, root: str, order: str, value: str
) -> None:
    cursor = b64(f'["{order}_ASC", {value}, 1]')
    query = f'{{ {root}(orderBy: {{field: {order}}}, after: "{cursor}") {{ totalCount }} }}'
    _, error = field_error(post(api, {"query": query}))
    assert error["extensions"] == {"code": "BAD_USER_INPUT"}, error
    assert "is not a cursor" in error["message"]


def test_a_cursor_of_another_ordering_is_a_field_error(api: GraphQLClient) -> None:
    cursor = api.query("{ quotes(first: 1) { edges { cursor } } }")["quotes"]["edges"][0]["cursor"]
    query = f'{{ quotes(orderBy: {{field: SAID_ON}}, after: "{cursor}") {{ totalCount }} }}'
    _, error = field_error(post(api, {"query": query}))
    assert (
        error["message"]
        == "this cursor was made for orderBy ID_ASC, not SAID_ON_ASC; page with the same orderBy"
    )


@pytest.mark.parametrize("size", [1000, 101, -1])
def test_a_page_size_outside_the_limit_is_a_field_error(api: GraphQLClient, size: int) -> None:
    data, error = field_error(post(api, {"query": BY_LIMIT, "variables": {"n": size}}))
    assert data is None
    assert error["message"] == f"`first: {size}` is outside 0..100; ask for at most 100 and page on"
    assert error["extensions"] == {"code": "BAD_USER_INPUT"}


def test_the_largest_page_is_allowed(api: GraphQLClient) -> None:
    assert api.query(BY_LIMIT, {"n": 100}) == {"quotes": {"totalCount": 13}}


def test_a_bad_partial_date_in_a_filter_is_a_field_error(api: GraphQLClient) -> None:
    query = '{ quotes(filter: {from: "2013-13"}) { totalCount } }'
    data, error = field_error(post(api, {"query": query}))
    assert data is None
    assert error["message"].startswith(
        "from: month 13 in '2013-13' is not 1-12; write YYYY, YYYY-MM or YYYY-MM-DD"
    )
    assert error["extensions"] == {"code": "BAD_USER_INPUT"}


def test_field_errors_are_200_with_application_json_too(api: GraphQLClient) -> None:
    response = post(api, {"query": '{ node(id: "x") { id } }'}, accept=JSON)
    assert media(response) == JSON
    data, error = field_error(response)
    assert data == {"node": None}
    assert error["extensions"]["code"] == "BAD_USER_INPUT"


# --- limits ------------------------------------------------------------------------------------------------------
def nested(levels: int) -> str:
    """Quotes, then `levels` times a quote's speaker's quotes: depth 3 + 4 * levels."""
    inner = "text"
    for _ in range(levels):
        inner = f"speaker {{ quotes(first: 1) {{ edges {{ node {{ {inner} }} }} }} }}"
    return f"{{ quotes(first: 1) {{ edges {{ node {{ {inner} }} }} }} }}"


def nested_fragments(levels: int) -> str:
    fragments = ["fragment F0 on Quote { text }"]
    for level in range(1, levels + 1):
        fragments.append(
            f"fragment F{level} on Quote {{ speaker {{ quotes(first: 1) {{ edges {{ node {{ ...F{level - 1} }} }} }} }} }}"
        )
    return f"{{ quotes(first: 1) {{ edges {{ node {{ ...F{levels} }} }} }} }} " + " ".join(fragments)


def test_a_query_within_the_depth_limit_runs(api: GraphQLClient) -> None:
    data = api.query(nested(3))  # depth 15, the limit
    assert data["quotes"]["edges"][0]["node"]["speaker"]["quotes"]["edges"][0]["node"]["speaker"]


@pytest.mark.parametrize(
    "document", [nested(4), nested(7), nested_fragments(7)], ids=["19", "31", "31 by fragments"]
)
def test_a_query_beyond_the_depth_limit_is_refused(api: GraphQLClient, document: str) -> None:
    error = request_error(post(api, {"query": document}))
    assert error["message"].startswith("the operation nests ")
    assert "levels deep; at most 15 are allowed (introspection included)" in error["message"]
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


def test_the_standard_introspection_query_runs(api: GraphQLClient) -> None:
    # GraphiQL and code generators send this one; a depth limit must leave it alone.
    data = api.query(get_introspection_query(descriptions=True))
    assert data["__schema"]["queryType"] == {"name": "Query", "kind": "OBJECT"}


def test_nested_introspection_lists_are_refused(api: GraphQLClient) -> None:
    document = "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }"
    error = request_error(post(api, {"query": document}))
    assert error["message"] == "Maximum introspection depth exceeded"


def test_deep_introspection_is_refused(api: GraphQLClient) -> None:
    inner = "name"
    for _ in range(20):
        inner = f"ofType {{ {inner} }}"
    document = f"{{ __schema {{ types {{ fields {{ type {{ {inner} }} }} }} }} }}"
    error = request_error(post(api, {"query": document}))
    assert error["message"].startswith("the operation nests 24 levels deep; at most 15 are allowed")


def test_thirty_aliases_run_and_thirty_one_are_refused(api: GraphQLClient) -> None:
    def aliased(count: int) -> str:
        return "{ " + " ".join(f"a{n}: __typename" for n in range(count)) + " }"

    assert len(api.query(aliased(30))) == 30
    error = request_error(post(api, {"query": aliased(31)}))
    assert error["message"] == "31 aliases found. Allowed: 30"
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


def test_too_many_tokens_are_refused(api: GraphQLClient) -> None:
    def ids(count: int) -> str:
        return "{ nodes(ids: [" + ' "x"' * count + "]) { id } }"  # 10 tokens and `count` strings

    # 3,990 tokens get through parsing and validation, to the resolver's own limit.
    _, error = field_error(post(api, {"query": ids(3980)}))
    assert error["message"] == "3980 ids asked; ask for at most 100 at a time"
    error = request_error(post(api, {"query": ids(3991)}))
    assert error["message"] == "Syntax Error: Document contains more than 4000 tokens. Parsing aborted."
    assert error["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"


@pytest.mark.parametrize(
    "document",
    [
        "{ quotes { totalCont } }",
        "{ quotes(frist: 1) { totalCount } }",
        "{ quotes(orderBy: {field: SAIDON}) { totalCount } }",
        '{ quotes(filter: {textContain: "a"}) { totalCount } }',
        "{ quotes { edges { node { ... on Quot { text } } } } }",
        "query($f: QuoteFiltr) { quotes(filter: $f) { totalCount } }",
    ],
    ids=["field", "argument", "enum value", "input field", "type", "variable type"],
)
def test_validation_messages_suggest_nothing(api: GraphQLClient, document: str) -> None:
    response = post(api, {"query": document})
    assert response.status_code == 400
    messages = [error["message"] for error in body_of(response)["errors"]]
    assert messages
    assert not [message for message in messages if "Did you mean" in message], messages


# --- never a 500, never a traceback ----------------------------------------------------------------------------------
BAD_INPUT: dict[str, Callable[[GraphQLClient], Any]] = {
    "malformed JSON": lambda api: raw_post(api, b"{not json"),
    "unknown field": lambda api: post(api, {"query": "{ nope }"}, accept=JSON),
    "wrong variable type": lambda api: post(api, {"query": BY_LIMIT, "variables": {"n": [1]}}),
    "ID not base64": lambda api: post(api, {"query": '{ node(id: "%%%") { id } }'}),
    "ID of a wrong type": lambda api: post(api, {"query": f'{{ speaker(id: "{b64("Quote:1")}") {{ id }} }}'}),
    "ID too large": lambda api: post(
        api, {"query": f'{{ node(id: "{b64("Quote:99999999999")}") {{ id }} }}'}
    ),
    "bad cursor": lambda api: post(api, {"query": '{ quotes(before: "nope") { totalCount } }'}),
    "first: 1000": lambda api: post(api, {"query": "{ quotes(first: 1000) { totalCount } }"}),
    "30 levels deep": lambda api: post(api, {"query": nested(7)}, accept=JSON),
    "too many aliases": lambda api: post(
        api, {"query": "{ " + " ".join(f"a{n}: __typename" for n in range(99)) + " }"}
    ),
    "too many tokens": lambda api: get(api, query="{ " + "__typename " * 5000 + "}"),
    "huge body": lambda api: raw_post(api, b'{"query": "' + b"{" * 2_000_000 + b'"}'),
    "deep braces": lambda api: post(api, {"query": "{" * 50_000}),
}


@pytest.mark.parametrize("send", list(BAD_INPUT.values()), ids=list(BAD_INPUT))
def test_bad_input_never_gets_a_500_nor_a_traceback(
    api: GraphQLClient, send: Callable[[GraphQLClient], Any]
) -> None:
    response = send(api)
    assert 200 <= response.status_code < 500, response.text
    body = body_of(response)
    assert body["errors"], body
    for error in body["errors"]:
        assert error["extensions"]["code"] not in ("INTERNAL", None), error
        assert error["message"].strip()
    assert "Traceback" not in response.text
    assert 'File "' not in response.text


# --- internal errors are masked for clients and logged with the request ID -----------------------------------------
SECRET = "the failing helper's own words /srv/quotecheck"


@pytest.fixture
def broken_roles(monkeypatch: pytest.MonkeyPatch) -> None:
    """Speaker.rolesOn fails as a bug would: an exception no one raises on purpose."""

    def fail(*_: object) -> bool:
        raise RuntimeError(SECRET)

    monkeypatch.setattr(api_types, "_held_on", fail)


QUERY_ROLES = (
    'query($id: ID!) { quotes(first: 1) { totalCount } speaker(id: $id) { rolesOn(date: "2013") { title } } }'
)


@pytest.mark.usefixtures("broken_roles")
def test_an_internal_error_is_masked_and_logged_with_the_request_id(
    api: GraphQLClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="quotecheck.api")
    speaker = lavrov_id(api)
    response = post(
        api, {"query": QUERY_ROLES, "variables": {"id": speaker}}, **{"X-Request-ID": "trace-me.42"}
    )
    data, error = field_error(response)
    assert data == {"quotes": {"totalCount": 13}, "speaker": None}
    assert error["message"] == "internal error; the administrators can trace it with request ID trace-me.42"
    assert error["extensions"] == {"code": "INTERNAL", "requestId": "trace-me.42"}
    assert error["path"] == ["speaker", "rolesOn"]
    assert response.headers["x-request-id"] == "trace-me.42"
    assert SECRET not in response.text
    assert "RuntimeError" not in response.text
    assert "Traceback" not in response.text

    [record] = [record for record in caplog.records if "trace-me.42" in record.getMessage()]
    assert record.levelno == logging.ERROR
    assert record.name == "quotecheck.api"
    assert record.exc_info is not None
    assert isinstance(record.exc_info[1], RuntimeError)
    assert str(record.exc_info[1]) == SECRET


@pytest.mark.usefixtures("broken_roles")
def test_an_internal_error_without_a_client_id_gets_a_generated_one(
    api: GraphQLClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="quotecheck.api")
    response = post(api, {"query": QUERY_ROLES, "variables": {"id": lavrov_id(api)}}, accept=JSON)
    assert media(response) == JSON
    _, error = field_error(response)
    rid = response.headers["x-request-id"]
    assert GENERATED_ID.match(rid)
    assert error["extensions"] == {"code": "INTERNAL", "requestId": rid}
    assert error["message"].endswith(f"request ID {rid}")
    assert SECRET not in response.text
    assert any(rid in record.getMessage() for record in caplog.records)


# --- X-Request-ID ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("given", ["req-1", "a.b_c-D", "7" * 64])
def test_a_sane_request_id_is_echoed(api: GraphQLClient, given: str) -> None:
    response = post(api, {"query": QUOTE_COUNT}, **{"X-Request-ID": given})
    assert response.status_code == 200
    assert response.headers["x-request-id"] == given


@pytest.mark.parametrize("given", ["has spaces", "x" * 200, "7" * 65, "a/b", "<script>", "", "é".encode()])
def test_an_insane_request_id_is_replaced(api: GraphQLClient, given: str | bytes) -> None:
    response = api.request("POST", "/graphql", json={"query": QUOTE_COUNT}, headers={"X-Request-ID": given})
    assert response.status_code == 200
    assert GENERATED_ID.match(response.headers["x-request-id"])


def test_every_request_gets_its_own_id(api: GraphQLClient) -> None:
    ids = {post(api, {"query": QUOTE_COUNT}).headers["x-request-id"] for _ in range(3)}
    assert len(ids) == 3
    assert all(GENERATED_ID.match(rid) for rid in ids)


# --- probes ----------------------------------------------------------------------------------------------------------
def test_healthz(api: GraphQLClient) -> None:
    response = api.request("GET", "/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_on_a_database_at_the_head(api: GraphQLClient) -> None:
    response = api.request("GET", "/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "revision": migrate.head_revision(migrate.alembic_config())}


@pytest.fixture
def empty_api(scratch_url: str) -> Iterator[GraphQLClient]:
    """The API over a database never upgraded: no tables, not even Alembic's."""
    yield from client_for(scratch_url)


@pytest.fixture
def downgraded_api(scratch_engine: Engine, scratch_url: str) -> Iterator[GraphQLClient]:
    """The API over a database upgraded, then downgraded to the base: Alembic's table is there, empty."""
    migrate.downgrade(migrate.alembic_config(scratch_url), "base")
    yield from client_for(scratch_url)


@pytest.fixture
def unreachable_api(tmp_path: Path) -> Iterator[GraphQLClient]:
    if backend() == "postgresql":
        urls = database_urls(TEST_DATABASE_URL)
        url = urls.sync.set(drivername="postgresql", database="quotecheck_no_such_database")
        yield from client_for(url.render_as_string(hide_password=False))
        return
    path = tmp_path / "not-a-database.db"
    path.write_bytes(b"this is not a SQLite file" * 100)
    yield from client_for(f"sqlite:///{path}")


@pytest.mark.parametrize("client", ["empty_api", "downgraded_api"])
def test_readyz_on_a_database_behind_the_head(request: pytest.FixtureRequest, client: str) -> None:
    api: GraphQLClient = request.getfixturevalue(client)
    head = migrate.head_revision(migrate.alembic_config())
    response = api.request("GET", "/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "reason": f"the database is at no revision, not {head}; run `quotecheck db upgrade`",
    }
    assert api.request("GET", "/healthz").status_code == 200  # alive, just not ready


def test_readyz_on_a_database_that_cannot_be_reached(unreachable_api: GraphQLClient) -> None:
    response = unreachable_api.request("GET", "/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "reason": "the database cannot be reached; check QUOTECHECK_DATABASE_URL and that the server is up",
    }


def test_schema_graphql_is_served_as_committed(api: GraphQLClient) -> None:
    """Code generators read the schema from a running server: the same text as the committed file."""
    from pathlib import Path

    response = api.request("GET", "/schema.graphql")
    assert response.status_code == 200
    assert media(response) == "text/plain"
    committed = Path(__file__).resolve().parents[1] / "schema.graphql"
    assert response.text == committed.read_text(encoding="utf-8")
    assert "type Query" in response.text

"""Hostile requests are refused quickly with an error that says what to do: the abuse list of issue 8, the query
cost, persisted queries, the switches for production, CORS and security headers, masked failures, timeouts.

Every request goes through real HTTP to the ASGI app over a real database (the demo corpus, or a scratch one).
"""

from __future__ import annotations

import asyncio
import hashlib
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import Engine, text

from quotecheck.api import http as api_http
from quotecheck.api.cost import query_cost
from quotecheck.api.limits import statement_timed_out
from quotecheck.api.schema import schema
from quotecheck.settings import Settings
from tests.conftest import GraphQLClient, backend

GRAPHQL_RESPONSE = "application/graphql-response+json"


@contextmanager
def client(url: str, *, raise_app_exceptions: bool = True, **settings: Any) -> Iterator[GraphQLClient]:
    """A client of an app made with these settings (the `api` fixture's, with the defaults)."""
    import anyio.from_thread
    import httpx

    from quotecheck.api.app import create_app

    app = create_app(Settings(database_url=url, **settings))
    with anyio.from_thread.start_blocking_portal() as portal:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=raise_app_exceptions)
        http = httpx.AsyncClient(transport=transport, base_url="http://quotecheck.test")
        try:
            yield GraphQLClient(portal, http, app.state.engine)
        finally:
            portal.call(http.aclose)
            portal.call(app.state.engine.dispose)


def send(api: GraphQLClient, payload: Any, **headers: str) -> Any:
    return api.request("POST", "/graphql", json=payload, headers={"Accept": GRAPHQL_RESPONSE, **headers})


def refusal(response: Any, status: int = 400) -> dict[str, Any]:
    """The one error of a request that never ran."""
    assert response.status_code == status, response.text
    body = response.json()
    assert "data" not in body, body
    assert len(body["errors"]) == 1, body
    error: dict[str, Any] = body["errors"][0]
    assert error["extensions"]["code"], error
    return error


# --- the abuse list: each refused, quickly ------------------------------------------------------------------------
def circular(n: int) -> Any:
    return {
        "query": f"# try {n}\n{{ quotes {{ edges {{ node {{ ...A }} }} }} }} "
        "fragment A on Quote { speaker { quotes { edges { node { ...B } } } } } fragment B on Quote { ...A }"
    }


def aliases(n: int) -> Any:
    return {"query": f"# try {n}\n{{ " + " ".join(f"a{i}: __typename" for i in range(100)) + " }"}


def deep_introspection(n: int) -> Any:
    inner = "name"
    for _ in range(20):
        inner = f"ofType {{ {inner} }}"
    return {"query": f"# try {n}\n{{ __schema {{ types {{ fields {{ type {{ {inner} }} }} }} }} }}"}


def directives(n: int) -> Any:
    return {"query": f"# try {n}\n{{ __typename" + " @skip(if: false)" * 500 + " }"}


def huge_page(n: int) -> Any:
    return {"query": f"# try {n}\n{{ quotes(first: 100000) {{ totalCount }} }}"}


def huge_cost(n: int) -> Any:
    inner = "appearances(first: 100) { totalCount }"
    return {
        "query": f"# try {n}\n{{ quotes(first: 100) {{ edges {{ node {{ speaker {{ quotes(first: 100) "
        f"{{ edges {{ node {{ {inner} }} }} }} }} }} }} }} }}"
    }


def megabyte(n: int) -> Any:
    return {"query": f"# try {n}\n{{ __typename " + "x" * 1_000_000 + " }"}


def batch(n: int) -> Any:
    return [{"query": f"# try {n}\n{{ q{i}: __typename }}"} for i in range(1000)]


ABUSE: dict[str, tuple[Callable[[int], Any], int, str, str]] = {
    "circular fragments": (
        circular,
        400,
        "GRAPHQL_VALIDATION_FAILED",
        "Cannot spread fragment 'A' within itself",
    ),
    "100 aliases": (aliases, 400, "GRAPHQL_VALIDATION_FAILED", "100 aliases found. Allowed: 30"),
    "deep introspection": (
        deep_introspection,
        400,
        "GRAPHQL_VALIDATION_FAILED",
        "the operation nests 24 levels deep; at most 15 are allowed (introspection included)",
    ),
    "500 directives": (
        directives,
        400,
        "GRAPHQL_VALIDATION_FAILED",
        "the document uses 500 directives; at most 50 are allowed",
    ),
    "first: 100000": (
        huge_page,
        200,
        "BAD_USER_INPUT",
        "`first: 100000` is outside 0..100; ask for at most 100",
    ),
    "cost of nested pages": (
        huge_cost,
        400,
        "COST_LIMIT_EXCEEDED",
        "this query asks for up to 1010100 nodes, over the limit of 20000; ask for smaller pages",
    ),
    "1 MB query": (megabyte, 413, "BAD_REQUEST", "the request body is over 524288 bytes; send a smaller"),
    "batch of 1,000": (
        batch,
        400,
        "BAD_REQUEST",
        "the body must be a JSON object with `query` (batches are not",
    ),
}


@pytest.mark.parametrize(("make", "status", "code", "message"), list(ABUSE.values()), ids=list(ABUSE))
def test_abuse_is_refused_quickly_with_a_clear_error(
    api: GraphQLClient, make: Callable[[int], Any], status: int, code: str, message: str
) -> None:
    send(api, {"query": "{ __typename }"})  # the app and its connection pool are warm
    times = []
    for attempt in range(5):  # each document is new: no cache answers for it
        started = time.perf_counter()
        response = send(api, make(attempt))
        times.append(time.perf_counter() - started)
        assert response.status_code == status, response.text
        body = response.json()
        [error] = body["errors"]
        assert error["message"].startswith(message), error
        assert error["extensions"]["code"] == code
        assert not body.get("data"), body  # nothing was read: no data, or a null root field
    # in-process HTTP: the time is the server's, plus microseconds of client
    print(f"{make.__name__}: {[round(t * 1000, 1) for t in times]} ms")
    assert statistics.median(times) < 0.050, times


# --- the cost --------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("document", "variables", "cost"),
    [
        ("{ __typename }", {}, 0),
        ("{ quotes(first: 3) { totalCount } }", {}, 3),
        ("{ quotes { totalCount } }", {}, 20),  # the default page
        ("{ quotes(last: 5) { edges { node { appearances(first: 4) { totalCount } } } } }", {}, 5 + 5 * 4),
        ("query($n: Int) { speakers(first: $n) { totalCount } }", {"n": 7}, 7),
        ("query($n: Int = 9) { speakers(first: $n) { totalCount } }", {}, 9),
        (
            "{ quotes(first: 10) { edges { node { ...F } } } } "
            "fragment F on Quote { speaker { quotes(first: 10) { totalCount } } appearances { totalCount } }",
            {},
            10 + 10 * 10 + 10 * 20,
        ),
        ('{ node(id: "x") { ... on Speaker { quotes(first: 2) { totalCount } } } }', {}, 2),
    ],
)
def test_the_cost_is_the_sum_of_nested_page_products(
    document: str, variables: dict[str, Any], cost: int
) -> None:
    from graphql import parse

    assert query_cost(schema._schema, parse(document), None, variables) == cost


def test_every_answer_reports_its_cost(api: GraphQLClient) -> None:
    document = "{ quotes(first: 2) { edges { node { appearances(first: 3) { totalCount } } } } }"
    for _ in range(3):  # executed, then maybe answered by a compiled plan: the same report
        body = send(api, {"query": document}).json()
        assert "errors" not in body, body
        assert body["extensions"] == {"cost": {"requested": 8, "limit": 20000}}


def test_the_cost_limit_is_a_setting(demo_url: str) -> None:
    with client(demo_url, max_cost=25) as limited:
        ok = send(limited, {"query": "{ quotes(first: 25) { totalCount } }"})
        assert ok.json()["extensions"] == {"cost": {"requested": 25, "limit": 25}}
        response = send(
            limited, {"query": "query($n: Int!) { quotes(first: $n) { totalCount } }", "variables": {"n": 26}}
        )
        error = refusal(response)
        assert error["message"].startswith("this query asks for up to 26 nodes, over the limit of 25;")
        assert response.json()["extensions"] == {"cost": {"requested": 26, "limit": 25}}


# --- the other limits are settings too -------------------------------------------------------------------------------
def test_limits_follow_the_settings(demo_url: str) -> None:
    settings: dict[str, Any] = {
        "max_depth": 2,
        "max_aliases": 2,
        "max_directives": 1,
        "max_query_bytes": 200,
        "max_body_bytes": 300,
    }
    with client(demo_url, **settings) as limited:
        deep = refusal(send(limited, {"query": "{ quotes { edges { node { text } } } }"}))
        assert deep["message"].startswith("the operation nests 3 levels deep; at most 2 are allowed")
        assert (
            refusal(send(limited, {"query": "{ a: __typename b: __typename c: __typename }"}))["message"]
            == "3 aliases found. Allowed: 2"
        )
        assert refusal(send(limited, {"query": "{ __typename @skip(if: false) @include(if: true) }"}))[
            "message"
        ].startswith("the document uses 2 directives; at most 1 are allowed")
        long = refusal(send(limited, {"query": "{ __typename " + " " * 250 + "}"}))
        assert long["message"].startswith("the document is over 200 bytes; ask for less at once")
        assert long["extensions"]["code"] == "QUERY_TOO_LARGE"
        body = refusal(send(limited, {"query": "{ __typename }", "variables": {"x": "y" * 300}}), 413)
        assert body["message"].startswith("the request body is over 300 bytes")


def test_introspection_can_be_turned_off(demo_url: str) -> None:
    with client(demo_url, introspection=False) as production:
        for document in ("{ __schema { queryType { name } } }", '{ __type(name: "Quote") { name } }'):
            error = refusal(send(production, {"query": document}))
            assert "is turned off on this server; read the schema from schema.graphql" in error["message"]
            assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
        assert production.query("{ __typename }") == {"__typename": "Query"}


def test_graphiql_can_be_turned_off(demo_url: str) -> None:
    with client(demo_url, graphiql=False) as production:
        response = production.request("GET", "/graphql", headers={"Accept": "text/html"})
        assert response.status_code == 404
        assert "GraphiQL is turned off" in response.text


# --- persisted queries -----------------------------------------------------------------------------------------------
def persisted(digest: str) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": digest}}


def test_a_persisted_query_is_registered_then_run_by_its_hash(api: GraphQLClient) -> None:
    document = "{ quotes(first: 1) { totalCount } } # persisted"
    digest = hashlib.sha256(document.encode()).hexdigest()
    unknown = refusal(send(api, {"extensions": persisted(digest)}))
    assert unknown["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    assert unknown["message"].startswith("PersistedQueryNotFound")

    first = send(api, {"query": document, "extensions": persisted(digest)})
    assert first.json()["data"] == {"quotes": {"totalCount": 13}}
    again = send(api, {"extensions": persisted(digest)})
    assert again.json()["data"] == {"quotes": {"totalCount": 13}}
    import json

    by_get = api.request(
        "GET",
        "/graphql",
        params={"extensions": json.dumps(persisted(digest))},
        headers={"Accept": GRAPHQL_RESPONSE},
    )
    assert by_get.json()["data"] == {"quotes": {"totalCount": 13}}


def test_a_persisted_query_whose_hash_does_not_match_is_refused(api: GraphQLClient) -> None:
    error = refusal(send(api, {"query": "{ __typename }", "extensions": persisted("0" * 64)}))
    assert error["extensions"]["code"] == "PERSISTED_QUERY_HASH_MISMATCH"
    error = refusal(send(api, {"extensions": {"persistedQuery": {"version": 2, "sha256Hash": "0" * 64}}}))
    assert error["message"] == "persisted query version 2 is not supported; send `version: 1`"


def test_persisted_queries_can_be_turned_off(demo_url: str) -> None:
    with client(demo_url, persisted_queries=0) as off:
        error = refusal(send(off, {"extensions": persisted("0" * 64)}))
        assert error["extensions"]["code"] == "PERSISTED_QUERY_NOT_SUPPORTED"


def test_the_persisted_store_is_bounded() -> None:
    from quotecheck.api.persisted import PersistedQueries, PersistedQueryError

    store = PersistedQueries(2)
    documents = [f"{{ a{n}: __typename }}" for n in range(3)]
    digests = [hashlib.sha256(d.encode()).hexdigest() for d in documents]
    for document, digest in zip(documents, digests, strict=True):
        asyncio.run(store.resolve(document, {"version": 1, "sha256Hash": digest}))
    assert len(store) == 2
    assert asyncio.run(store.resolve(None, {"version": 1, "sha256Hash": digests[2]})) == documents[2]
    with pytest.raises(PersistedQueryError, match="PersistedQueryNotFound"):
        asyncio.run(
            store.resolve(None, {"version": 1, "sha256Hash": digests[0]})
        )  # the least recently used went


# --- CORS and security headers ---------------------------------------------------------------------------------------
def test_no_cors_headers_without_an_allow_list(api: GraphQLClient) -> None:
    response = api.request(
        "OPTIONS",
        "/graphql",
        headers={"Origin": "https://newsroom.example", "Access-Control-Request-Method": "POST"},
    )
    assert "access-control-allow-origin" not in response.headers
    response = send(api, {"query": "{ __typename }"}, Origin="https://newsroom.example")
    assert "access-control-allow-origin" not in response.headers


def test_cors_allows_the_listed_origins_only(demo_url: str) -> None:
    with client(demo_url, cors_origins=("https://newsroom.example",)) as shared:
        preflight = {
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        }
        allowed = shared.request(
            "OPTIONS", "/graphql", headers={"Origin": "https://newsroom.example", **preflight}
        )
        assert allowed.status_code == 200
        assert allowed.headers["access-control-allow-origin"] == "https://newsroom.example"
        assert "POST" in allowed.headers["access-control-allow-methods"]
        refused = shared.request(
            "OPTIONS", "/graphql", headers={"Origin": "https://evil.example", **preflight}
        )
        assert refused.status_code == 400
        assert "access-control-allow-origin" not in refused.headers
        response = send(shared, {"query": "{ __typename }"}, Origin="https://newsroom.example")
        assert response.headers["access-control-allow-origin"] == "https://newsroom.example"
        assert response.json()["data"] == {"__typename": "Query"}


@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", "/graphql"), ("GET", "/healthz"), ("GET", "/nowhere"), ("DELETE", "/graphql")],
)
def test_every_response_carries_the_security_headers(api: GraphQLClient, method: str, path: str) -> None:
    kwargs: dict[str, Any] = {"json": {"query": "{ __typename }"}} if method == "POST" else {}
    response = api.request(method, path, **kwargs)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["x-frame-options"] == "DENY"
    policy = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy
    assert "script-src 'self'" in policy


def test_unknown_paths_and_methods_get_json_that_says_what_to_do(api: GraphQLClient) -> None:
    missing = api.request("GET", "/nowhere")
    assert missing.status_code == 404
    assert missing.json() == {
        "error": "nothing at /nowhere; the API is POST or GET /graphql (and /healthz, /readyz)"
    }
    wrong = api.request("DELETE", "/healthz")
    assert wrong.status_code == 405
    allowed = wrong.headers["allow"]
    assert set(allowed.split(", ")) == {"GET", "HEAD"}
    assert wrong.json() == {"error": f"DELETE is not allowed on /healthz; use {allowed}"}


# --- failures reveal nothing -----------------------------------------------------------------------------------------
LEAKS = (
    "Traceback",
    'File "',
    "/work/",
    "/srv/",
    "site-packages",
    "SELECT",
    "sqlite3",
    "psycopg",
    "no such table",
)


def test_an_unhandled_exception_is_a_json_500_without_detail(
    demo_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def explode(*_: object) -> object:
        raise RuntimeError("boom in /srv/quotecheck/secret.py: SELECT password FROM users")

    monkeypatch.setattr(api_http.GraphQLEndpoint, "_viewer", explode)
    with client(demo_url, raise_app_exceptions=False) as broken:
        response = send(broken, {"query": "{ __typename }"}, **{"X-Request-ID": "trace-9"})
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {
        "error": "internal error; the administrators can trace it with request ID trace-9",
        "code": "INTERNAL",
    }
    assert response.headers["x-content-type-options"] == "nosniff"
    for leak in (*LEAKS, "boom", "RuntimeError"):
        assert leak not in response.text


def test_a_database_error_is_masked(scratch_api: GraphQLClient, scratch_engine: Engine) -> None:
    with scratch_engine.begin() as connection:  # a real failure: the table the query reads is gone
        connection.execute(text("ALTER TABLE quote RENAME TO quote_gone"))
    response = send(scratch_api, {"query": "{ quotes(first: 1) { totalCount } speakers { totalCount } }"})
    assert response.status_code == 200
    body = response.json()
    codes = {error["extensions"]["code"] for error in body["errors"]}
    assert codes <= {"INTERNAL"}, body
    for leak in LEAKS:
        assert leak not in response.text, leak


# --- timeouts --------------------------------------------------------------------------------------------------------
def test_a_request_over_the_deadline_is_stopped(demo_url: str) -> None:
    document = (
        "{ quotes(first: 50) { edges { node { text speaker { name quotes(first: 50) { edges { node { text "
        "appearances(first: 5) { edges { node { textAsPublished source { title } } } } } } } } } } } }"
    )
    with client(demo_url, request_timeout_s=0.001) as hurried:
        started = time.perf_counter()
        response = send(hurried, {"query": document})
        elapsed = time.perf_counter() - started
        error = refusal(response, 504)
        assert error["extensions"]["code"] == "TIMEOUT"
        assert error["message"].startswith("the request took longer than 0.001 s and was stopped")
        assert elapsed < 1.0
        # the operation's connection went back to the pool: no worker or connection is left hanging
        assert hurried.engine.sync_engine.pool.checkedout() == 0


@pytest.mark.skipif(backend() != "postgresql", reason="statement_timeout is PostgreSQL's")
def test_postgresql_stops_statements_over_the_statement_timeout(demo_url: str) -> None:
    from sqlalchemy.exc import DBAPIError

    with client(demo_url, statement_timeout_ms=50) as limited:
        engine = limited.engine

        async def probe() -> tuple[str, BaseException | None]:
            async with engine.connect() as connection:
                setting = (await connection.execute(text("SHOW statement_timeout"))).scalar_one()
            try:
                async with engine.connect() as connection:
                    await connection.execute(text("SELECT pg_sleep(2)"))
            except DBAPIError as error:
                return setting, error
            return setting, None

        started = time.perf_counter()
        setting, error = limited.portal.call(probe)
        assert setting == "50ms"
        assert statement_timed_out(error)
        assert time.perf_counter() - started < 1.5

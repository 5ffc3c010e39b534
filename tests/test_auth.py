"""Tokens and roles: the whole role matrix against every mutation, token management on the CLI and the API.

The matrix is built from the schema itself (every field of Mutation, with a valid document made from its input
type), so a mutation added later is covered without editing this file: it must appear in REQUIRED below.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
)
from sqlalchemy import Engine, func, select

from quotecheck.api.schema import schema
from quotecheck.db import session_scope
from quotecheck.global_ids import encode_id
from quotecheck.models import ApiToken, AuditEvent
from quotecheck.services.tokens import token_hash
from tests.conftest import GraphQLClient
from tests.counts import table_counts
from tests.test_cli import run

# The role each mutation needs; any other mutation fails `test_every_mutation_has_a_required_role`.
ADMIN_ONLY = {
    "deleteSpeaker",
    "deleteOutlet",
    "deleteInterview",
    "deleteSource",
    "deleteQuote",
    "deleteAppearance",
    "deleteFactCheck",
    "mergeSpeakers",
    "createToken",
    "revokeToken",
}
EDITOR = {
    "createSpeaker",
    "updateSpeaker",
    "createOutlet",
    "updateOutlet",
    "createInterview",
    "updateInterview",
    "createSource",
    "updateSource",
    "createQuote",
    "updateQuote",
    "createAppearance",
    "updateAppearance",
    "createFactCheck",
    "updateFactCheck",
    "publishFactCheck",
    "retractFactCheck",
    "importTranscript",
    "importArticle",
    "importClaimReview",
}
REQUIRED = {**dict.fromkeys(EDITOR, "EDITOR"), **dict.fromkeys(ADMIN_ONLY, "ADMIN")}
MUTATIONS = sorted(schema._schema.mutation_type.fields) if schema._schema.mutation_type else []


def _value(kind: GraphQLInputType) -> Any:
    """A value of the type that passes GraphQL validation (the role check comes before the services)."""
    if isinstance(kind, GraphQLNonNull):
        return _value(kind.of_type)
    if isinstance(kind, GraphQLList):
        return []
    if isinstance(kind, GraphQLEnumType):
        return next(iter(kind.values))
    if isinstance(kind, GraphQLInputObjectType):
        return {
            name: _value(field.type)
            for name, field in kind.fields.items()
            if isinstance(field.type, GraphQLNonNull)
        }
    assert isinstance(kind, GraphQLScalarType)
    return {
        "ID": encode_id("Speaker", 1),
        "String": "x",
        "Int": 1,
        "Float": 1.0,
        "Boolean": False,
        "DateTime": "2026-01-01T00:00:00Z",
    }.get(kind.name, "x")


def _document(name: str) -> tuple[str, dict[str, Any]]:
    field = schema._schema.mutation_type.fields[name]  # type: ignore[union-attr]
    params = ", ".join(f"${arg}: {kind}" for arg, kind in ((a, f.type) for a, f in field.args.items()))
    passed = ", ".join(f"{arg}: ${arg}" for arg in field.args)
    variables = {arg: _value(spec.type) for arg, spec in field.args.items()}
    call = f"{name}({passed})" if passed else name
    return (
        f"mutation{f'({params})' if params else ''} {{ {call} {{ __typename userErrors {{ code }} }} }}",
        variables,
    )


def test_every_mutation_has_a_required_role() -> None:
    assert MUTATIONS, "the schema has no mutations"
    assert set(MUTATIONS) == set(REQUIRED), "a mutation was added or removed: give it its role in REQUIRED"


def _codes(response: Any) -> list[str]:
    body = response.json()
    return [error.get("extensions", {}).get("code") for error in body.get("errors", [])]


def test_the_role_matrix_over_every_mutation(
    scratch_api: GraphQLClient, tokens: dict[str, str], scratch_engine: Engine
) -> None:
    """Anonymous, reader, revoked and malformed tokens are refused on every mutation, an editor on the admin
    ones, and nothing is written by any refused request."""
    clients = {
        "anonymous": scratch_api,
        "reader": scratch_api.with_token(tokens["READER"]),
        "editor": scratch_api.with_token(tokens["EDITOR"]),
        "admin": scratch_api.with_token(tokens["ADMIN"]),
        "revoked": scratch_api.with_token(tokens["REVOKED"]),
        "malformed": scratch_api.with_token("not-a-token"),
        "unknown": scratch_api.with_token("qc_" + "A" * 43),
    }
    with session_scope(scratch_engine) as session:
        before = table_counts(session.connection())
    for name in MUTATIONS:
        query, variables = _document(name)
        for who in ("anonymous", "reader", "revoked", "malformed", "unknown"):
            response = clients[who].post(query, variables)
            if who in ("revoked", "malformed", "unknown"):
                assert response.status_code == 401, (name, who, response.text)
                assert response.headers["www-authenticate"].startswith("Bearer ")
                assert _codes(response) == ["UNAUTHENTICATED"], (name, who)
                assert "data" not in response.json()
                continue
            assert response.status_code == 200, (name, who, response.text)
            expected = "UNAUTHENTICATED" if who == "anonymous" else "FORBIDDEN"
            assert _codes(response) == [expected], (name, who, response.text)
            assert response.json()["data"] is None
        if REQUIRED[name] == "ADMIN":
            refused = clients["editor"].post(query, variables)
            assert _codes(refused) == ["FORBIDDEN"], (name, refused.text)
    with session_scope(scratch_engine) as session:
        assert table_counts(session.connection()) == before
    # The same documents get past the role check with the role they need (their dummy input may then be a
    # user error, which is data, not a refusal).
    # A user error writes no event; a success writes exactly one.
    for name in MUTATIONS:
        query, variables = _document(name)
        client = clients["admin" if REQUIRED[name] == "ADMIN" else "editor"]
        events = _events(scratch_engine)
        response = client.post(query, variables)
        assert response.status_code == 200, (name, response.text)
        assert not {"UNAUTHENTICATED", "FORBIDDEN"} & set(_codes(response)), (name, response.text)
        payload = response.json()["data"][name]
        assert _events(scratch_engine) == events + (0 if payload["userErrors"] else 1), (name, payload)


def _events(engine: Engine) -> int:
    with session_scope(engine) as session:
        return int(session.scalar(select(func.count()).select_from(AuditEvent)) or 0)


def test_tokens_are_never_logged(
    scratch_api: GraphQLClient, tokens: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    query = 'mutation { createSpeaker(input: {name: "A"}) { speaker { id } } }'
    for secret in tokens.values():
        scratch_api.with_token(secret).post(query)
        scratch_api.with_token(secret).post("{ speakers(first: 1000) { totalCount } }")  # a query error too
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert logged  # something was logged (the failed query), and no secret with it
    for secret in tokens.values():
        assert secret not in logged and secret[3:20] not in logged


def test_refusals_say_what_to_do_and_never_echo_the_token(
    scratch_api: GraphQLClient, tokens: dict[str, str]
) -> None:
    query = 'mutation { createSpeaker(input: {name: "A"}) { speaker { id } } }'
    anonymous = scratch_api.post(query).json()["errors"][0]["message"]
    assert "Authorization: Bearer" in anonymous and "quotecheck token create" in anonymous
    reader = scratch_api.with_token(tokens["READER"]).post(query).json()["errors"][0]["message"]
    assert "reader-token" in reader and "editor" in reader
    for secret in (tokens["REVOKED"], "qc_" + "B" * 43, "garbage token"):
        response = scratch_api.with_token(secret).post(query)
        assert secret not in response.text
        assert secret.split()[0] not in response.text
    basic = scratch_api.request(
        "POST", "/graphql", json={"query": query}, headers={"Authorization": "Basic abc"}
    )
    assert basic.status_code == 401
    assert "Bearer" in basic.json()["errors"][0]["message"]


def test_a_bad_token_is_refused_on_queries_too(scratch_api: GraphQLClient, tokens: dict[str, str]) -> None:
    response = scratch_api.with_token(tokens["REVOKED"]).post("{ speakers { totalCount } }")
    assert response.status_code == 401
    assert _codes(response) == ["UNAUTHENTICATED"]
    assert scratch_api.with_token(tokens["READER"]).query("{ speakers { totalCount } }") == {
        "speakers": {"totalCount": 0}
    }


def test_the_audit_trail_needs_a_token(scratch_api: GraphQLClient, tokens: dict[str, str]) -> None:
    assert _codes(scratch_api.post("{ auditEvents { totalCount } }")) == ["UNAUTHENTICATED"]
    seen = scratch_api.with_token(tokens["READER"]).query("{ auditEvents { totalCount } }")
    assert seen["auditEvents"]["totalCount"] == 5  # the fixture's four tokens and one revocation
    assert _codes(scratch_api.with_token(tokens["EDITOR"]).post("{ apiTokens { name } }")) == ["FORBIDDEN"]


def test_tokens_on_the_command_line(scratch_engine: Engine, scratch_url: str) -> None:
    made = run("token", "create", "--name", "Night desk", "--role", "editor", url=scratch_url)
    assert made.returncode == 0, made.stderr
    secret = made.stdout.strip()
    assert secret.startswith("qc_") and len(secret) == 46
    assert "not shown again" in made.stderr
    with session_scope(scratch_engine) as session:
        row = session.scalar(select(ApiToken).where(ApiToken.name == "Night desk"))
        assert row is not None
        assert row.token_hash == token_hash(secret)
        stored = " ".join(str(value) for value in session.execute(select(ApiToken.__table__)).one())
        assert secret not in stored  # only the hash (and the first 7 characters, to tell tokens apart)
        events = list(session.scalars(select(AuditEvent).order_by(AuditEvent.id)))
        assert [(e.operation, e.actor.startswith("cli:")) for e in events] == [("createToken", True)]
        assert secret not in json.dumps(events[0].after)
    twice = run("token", "create", "--name", "Night desk", "--role", "admin", url=scratch_url)
    assert twice.returncode == 2
    assert (
        twice.stderr
        == "error: a token is already called 'Night desk'; pick another name or revoke that one\n"
    )
    bad_role = run("token", "create", "--name", "X", "--role", "owner", url=scratch_url)
    assert bad_role.returncode == 2
    assert "READER, EDITOR, ADMIN" in bad_role.stderr
    listed = run("token", "list", url=scratch_url)
    assert listed.returncode == 0
    assert listed.stdout.startswith(f"Night desk\teditor\t{secret[:7]}...\tcreated ")
    assert secret not in listed.stdout
    assert run("token", "revoke", "Night desk", url=scratch_url).returncode == 0
    assert "revoked" in run("token", "list", url=scratch_url).stdout
    again = run("token", "revoke", "Night desk", url=scratch_url)
    assert again.returncode == 2 and "already revoked" in again.stderr
    missing = run("token", "revoke", "Nobody", url=scratch_url)
    assert missing.returncode == 2 and "token list" in missing.stderr


def test_an_admin_manages_tokens_through_the_api(
    admin_api: GraphQLClient, scratch_api: GraphQLClient
) -> None:
    made = admin_api.query(
        'mutation { createToken(input: {name: "Front end", role: READER}) '
        "{ token { name role prefix revokedAt } secret userErrors { field code } } }"
    )["createToken"]
    assert made["userErrors"] == []
    assert made["token"]["role"] == "READER" and made["secret"].startswith(made["token"]["prefix"])
    reader = scratch_api.with_token(made["secret"])
    assert reader.query("{ auditEvents(last: 1) { edges { node { operation actor } } } }") == {
        "auditEvents": {"edges": [{"node": {"operation": "createToken", "actor": "admin-token"}}]}
    }
    clash = admin_api.query(
        'mutation { createToken(input: {name: "Front end", role: EDITOR}) { secret userErrors { field code } } }'
    )["createToken"]
    assert clash == {"secret": None, "userErrors": [{"field": "name", "code": "CONFLICT"}]}
    names = [t["name"] for t in admin_api.query("{ apiTokens { name revokedAt } }")["apiTokens"]]
    assert "Front end" in names
    revoked = admin_api.query(
        'mutation { revokeToken(input: {name: "Front end"}) { token { revokedAt } userErrors { code } } }'
    )["revokeToken"]
    assert revoked["userErrors"] == [] and revoked["token"]["revokedAt"] is not None
    assert reader.post("{ speakers { totalCount } }").status_code == 401


@pytest.mark.parametrize("header", ["Bearer", "Bearer  ", "bearer qc_short", "Token abc"])
def test_malformed_authorization_headers(scratch_api: GraphQLClient, header: str) -> None:
    response = scratch_api.request(
        "POST", "/graphql", json={"query": "{ speakers { totalCount } }"}, headers={"Authorization": header}
    )
    assert response.status_code == 401
    assert _codes(response) == ["UNAUTHENTICATED"]


@pytest.mark.parametrize(
    ("secret", "says"),
    [
        ("qc_short", "starts with qc_ but is not the shape of a quotecheck token"),
        ("qc_" + "A" * 42, "starts with qc_ but is not the shape of a quotecheck token"),
        ("abc123", "is not a quotecheck token (they start with qc_)"),
        ("qc_" + "C" * 43, "unknown or revoked"),
    ],
)
def test_the_token_message_fits_the_token(scratch_api: GraphQLClient, secret: str, says: str) -> None:
    """A token that starts with qc_ is never told that quotecheck tokens start with qc_."""
    response = scratch_api.with_token(secret).post("{ speakers { totalCount } }")
    assert response.status_code == 401
    message = response.json()["errors"][0]["message"]
    assert says in message
    assert secret not in message

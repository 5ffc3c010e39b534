"""`schema.graphql` is the exported schema of the code, and the code breaks nothing clients rely on."""

from __future__ import annotations

from pathlib import Path

from quotecheck.api.schema import schema_changes, schema_sdl

COMMITTED = Path(__file__).resolve().parent.parent / "schema.graphql"


def test_the_committed_schema_is_the_exported_one() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == schema_sdl(), (
        "schema.graphql is stale: run `quotecheck schema export -o schema.graphql` and commit it"
    )


def test_no_breaking_change_against_the_committed_schema() -> None:
    breaking, _dangerous, _stale = schema_changes(COMMITTED.read_text(encoding="utf-8"))
    assert breaking == []


def test_a_removed_field_is_reported_as_breaking() -> None:
    widened = COMMITTED.read_text(encoding="utf-8").replace(
        "type Quote implements Node {", "type Quote implements Node {\n  retiredField: String", 1
    )
    breaking, _, stale = schema_changes(widened)
    assert stale
    assert any("Quote.retiredField was removed" in change for change in breaking)


def test_the_public_names_of_the_design_are_there() -> None:
    sdl = schema_sdl()
    for name in (
        "node(id: ID!): Node",
        "nodes(ids: [ID!]!): [Node]!",
        "quotes(",
        "speakers(",
        "outlets(",
        "interviews(",
        "sources(",
        "factChecks(",
        "quote(id: ID!): Quote",
        "speaker(id: ID!): Speaker",
        "checkQuote(input: CheckQuoteInput!): QuoteCheck!",
        "type PartialDate",
        "type TextDifference",
        "type QuoteMatch",
    ):
        assert name in sdl, name

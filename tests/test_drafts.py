"""Draft fact-checks stay with token holders on every read path; anonymous clients see published and
retracted ones only, and a bad token is refused outright (401), never downgraded to anonymous."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine

from quotecheck.db import session_scope
from quotecheck.global_ids import encode_id
from quotecheck.services import audit, factchecks, quotes, speakers

FC_FIELDS = "id status claimReviewed verdict publishedAt retractedAt retractionReason"


def _seed(engine: Engine) -> dict[str, str]:
    """One quote with a DRAFT, a PUBLISHED and a RETRACTED fact-check; another quote with only a draft."""
    with session_scope(engine, write=True) as s:
        speaker = speakers.create_speaker(s, name="Ama Osei")
        judged = quotes.create_quote(s, speaker=speaker, text="The harbour will reopen in June.")
        other = quotes.create_quote(s, speaker=speaker, text="The ferry will run all winter.")
        draft = factchecks.create_fact_check(
            s, quote=judged, claim_reviewed="draft: reopening in June", verdict="ALTERED"
        )
        published = factchecks.create_fact_check(
            s, quote=judged, claim_reviewed="published: reopening in June", verdict="VERBATIM"
        )
        factchecks.publish_fact_check(s, published)
        retracted = factchecks.create_fact_check(
            s, quote=judged, claim_reviewed="retracted: reopening in June", verdict="MISATTRIBUTED"
        )
        factchecks.publish_fact_check(s, retracted)
        factchecks.retract_fact_check(s, retracted, reason="the wrong interview was read")
        lone = factchecks.create_fact_check(
            s, quote=other, claim_reviewed="draft: the ferry", verdict="PARAPHRASED"
        )
        audit.record(s, "seed")
        return {
            "quote": encode_id("Quote", judged.id),
            "other": encode_id("Quote", other.id),
            "draft": encode_id("FactCheck", draft.id),
            "published": encode_id("FactCheck", published.id),
            "retracted": encode_id("FactCheck", retracted.id),
            "lone": encode_id("FactCheck", lone.id),
        }


@pytest.fixture
def seeded(scratch_engine: Engine) -> dict[str, str]:
    return _seed(scratch_engine)


@pytest.fixture
def clients(scratch_api: Any, tokens: dict[str, str]) -> dict[str, Any]:
    return {"anonymous": scratch_api, "reader": scratch_api.with_token(tokens["READER"])}


ROOT = """
query($filter: FactCheckFilter) {
  factChecks(filter: $filter) { totalCount edges { node { id status } } }
}
"""


def _root(client: Any, filter: dict[str, Any] | None = None) -> tuple[list[str], int]:
    found = client.query(ROOT, {"filter": filter})["factChecks"]
    return [edge["node"]["id"] for edge in found["edges"]], found["totalCount"]


def test_root_fact_checks_hide_drafts_from_anonymous_clients(
    seeded: dict[str, str], clients: dict[str, Any]
) -> None:
    anonymous, reader = clients["anonymous"], clients["reader"]
    public = [seeded["published"], seeded["retracted"]]
    everything = [seeded["draft"], seeded["published"], seeded["retracted"], seeded["lone"]]

    assert _root(anonymous) == (public, 2)
    assert _root(reader) == (everything, 4)
    # Asking for drafts by name shows none to anonymous clients, not an error.
    assert _root(anonymous, {"status": "DRAFT"}) == ([], 0)
    assert _root(reader, {"status": "DRAFT"}) == ([seeded["draft"], seeded["lone"]], 2)
    for client in (anonymous, reader):
        assert _root(client, {"status": "PUBLISHED"}) == ([seeded["published"]], 1)
        assert _root(client, {"status": "RETRACTED"}) == ([seeded["retracted"]], 1)
    # Other filters too: only the draft has the verdict ALTERED, only drafts judge the other quote.
    assert _root(anonymous, {"verdict": "ALTERED"}) == ([], 0)
    assert _root(reader, {"verdict": "ALTERED"}) == ([seeded["draft"]], 1)
    assert _root(anonymous, {"quoteId": seeded["quote"]}) == (public, 2)
    assert _root(reader, {"quoteId": seeded["quote"]}) == (everything[:3], 3)
    assert _root(anonymous, {"quoteId": seeded["other"]}) == ([], 0)
    assert _root(reader, {"quoteId": seeded["other"]}) == ([seeded["lone"]], 1)


NODE = f"query($id: ID!) {{ node(id: $id) {{ ... on FactCheck {{ {FC_FIELDS} }} }} }}"
NODES = "query($ids: [ID!]!) { nodes(ids: $ids) { id ... on FactCheck { status } } }"


def test_a_draft_by_id_is_null_for_anonymous_clients_without_an_error(
    seeded: dict[str, str], clients: dict[str, Any]
) -> None:
    anonymous, reader = clients["anonymous"], clients["reader"]
    assert anonymous.query(NODE, {"id": seeded["draft"]}) == {"node": None}  # `query` asserts no errors
    shown = reader.query(NODE, {"id": seeded["draft"]})["node"]
    assert (shown["id"], shown["status"], shown["publishedAt"]) == (seeded["draft"], "DRAFT", None)

    ids = [seeded["draft"], seeded["published"], seeded["retracted"], seeded["lone"]]
    assert anonymous.query(NODES, {"ids": ids})["nodes"] == [
        None,
        {"id": seeded["published"], "status": "PUBLISHED"},
        {"id": seeded["retracted"], "status": "RETRACTED"},
        None,
    ]
    assert [node["status"] for node in reader.query(NODES, {"ids": ids})["nodes"]] == [
        "DRAFT",
        "PUBLISHED",
        "RETRACTED",
        "DRAFT",
    ]


def test_a_retracted_fact_check_is_shown_to_everyone_as_retracted(
    seeded: dict[str, str], clients: dict[str, Any]
) -> None:
    for client in clients.values():
        shown = client.query(NODE, {"id": seeded["retracted"]})["node"]
        assert shown["status"] == "RETRACTED"
        assert shown["retractionReason"] == "the wrong interview was read"
        assert shown["retractedAt"] is not None
        assert shown["publishedAt"] is not None


QUOTE = """
query($id: ID!) {
  quote(id: $id) { factChecks { id status } }
  node(id: $id) { ... on Quote { factChecks { id } } }
}
"""
QUOTE_LIST = """
query($filter: QuoteFilter) {
  quotes(filter: $filter) { totalCount edges { node { id factChecks { id } } } }
}
"""


def test_a_quotes_fact_checks_hide_its_drafts_from_anonymous_clients(
    seeded: dict[str, str], clients: dict[str, Any]
) -> None:
    anonymous, reader = clients["anonymous"], clients["reader"]
    public = [seeded["published"], seeded["retracted"]]
    found = anonymous.query(QUOTE, {"id": seeded["quote"]})
    assert [f["id"] for f in found["quote"]["factChecks"]] == public
    assert [f["id"] for f in found["node"]["factChecks"]] == public
    found = reader.query(QUOTE, {"id": seeded["quote"]})
    assert [f["id"] for f in found["quote"]["factChecks"]] == [seeded["draft"], *public]
    assert anonymous.query(QUOTE, {"id": seeded["other"]})["quote"]["factChecks"] == []
    assert reader.query(QUOTE, {"id": seeded["other"]})["quote"]["factChecks"] == [
        {"id": seeded["lone"], "status": "DRAFT"}
    ]
    # Nested in a list of quotes, too.
    listed = anonymous.query(QUOTE_LIST)["quotes"]["edges"]
    assert {edge["node"]["id"]: [f["id"] for f in edge["node"]["factChecks"]] for edge in listed} == {
        seeded["quote"]: public,
        seeded["other"]: [],
    }


def _quote_ids(client: Any, filter: dict[str, Any]) -> tuple[list[str], int]:
    found = client.query(QUOTE_LIST, {"filter": filter})["quotes"]
    return [edge["node"]["id"] for edge in found["edges"]], found["totalCount"]


@pytest.mark.parametrize(
    ("filter", "expected"),
    [
        ({"hasFactCheck": True}, ["quote"]),  # a published or retracted one; the other quote has a draft only
        ({"hasFactCheck": False}, ["other"]),
        ({"verdict": "VERBATIM"}, ["quote"]),  # published
        ({"verdict": "ALTERED"}, []),  # a draft's verdict
        ({"verdict": "PARAPHRASED"}, []),  # the other quote's draft
        ({"verdict": "MISATTRIBUTED"}, []),  # retracted: no longer the quote's verdict
    ],
)
def test_quote_filters_count_only_public_fact_checks_for_everyone(
    seeded: dict[str, str], clients: dict[str, Any], filter: dict[str, Any], expected: list[str]
) -> None:
    ids = [seeded[name] for name in expected]
    for client in clients.values():
        assert _quote_ids(client, filter) == (ids, len(ids))


def test_the_claimreview_export_holds_published_fact_checks_only(
    seeded: dict[str, str], clients: dict[str, Any]
) -> None:
    for client in clients.values():
        response = client.request("GET", "/claimreview.jsonld")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/ld+json")
        assert [review["claimReviewed"] for review in response.json()] == ["published: reopening in June"]


@pytest.mark.parametrize(
    "header",
    [
        "Bearer not-a-token",  # malformed
        "Basic {secret}",  # another scheme, with a real token
        "Bearer qc_" + "A" * 43,  # well formed, unknown
        "Bearer {revoked}",  # revoked
    ],
)
def test_a_bad_token_is_refused_with_401_and_never_echoed(
    seeded: dict[str, str], scratch_api: Any, tokens: dict[str, str], header: str
) -> None:
    value = header.format(secret=tokens["READER"], revoked=tokens["REVOKED"])
    secret = value.partition(" ")[2]
    response = scratch_api.post(NODE, {"id": seeded["draft"]}, headers={"Authorization": value})
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer ")
    body = response.json()
    assert "data" not in body
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert secret not in response.text
    assert "reopening" not in response.text

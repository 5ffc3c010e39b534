"""The import mutations: documents as strings in, what was recorded out, problems as data."""

from __future__ import annotations

from sqlalchemy import Engine

from quotecheck.db import session_scope
from tests.conftest import GraphQLClient
from tests.counts import table_counts

IMPORT = """
mutation($d: String!, $of: [String!]!) {
  importTranscript(input: {document: $d, title: "Harbour talk", date: "2024-05", interviewOf: $of}) {
    created turns
    source { kind title publishedOn { iso } turns { label text speaker { name } } interview { title } }
    newSpeakers { name }
    userErrors { field message code }
  }
}
"""
TRANSCRIPT = (
    "HOST: Welcome back to the show.\nOSEI: Thank you. The harbour will reopen in June,\nand not before."
)


def test_import_transcript_records_it_once(editor_api: GraphQLClient, scratch_engine: Engine) -> None:
    first = editor_api.query(IMPORT, {"d": TRANSCRIPT, "of": ["Ama Osei"]})["importTranscript"]
    assert first["created"] is True
    assert first["userErrors"] == []
    assert first["turns"] == 2
    source = first["source"]
    assert source["kind"] == "TRANSCRIPT"
    assert source["publishedOn"] == {"iso": "2024-05"}
    assert source["interview"] == {"title": "Harbour talk"}
    assert [(t["label"], t["speaker"]["name"]) for t in source["turns"]] == [
        ("HOST", "Host"),
        ("OSEI", "Ama Osei"),
    ]
    assert source["turns"][1]["text"] == "Thank you. The harbour will reopen in June,\nand not before."
    assert sorted(s["name"] for s in first["newSpeakers"]) == ["Ama Osei", "Host"]
    with session_scope(scratch_engine) as session:
        counts = table_counts(session.connection())
    again = editor_api.query(IMPORT, {"d": TRANSCRIPT, "of": ["Ama Osei"]})["importTranscript"]
    assert again["created"] is False
    assert again["newSpeakers"] == []
    with session_scope(scratch_engine) as session:
        assert table_counts(session.connection()) == counts


def test_bad_input_comes_back_as_user_errors_and_writes_nothing(
    editor_api: GraphQLClient, scratch_engine: Engine
) -> None:
    with session_scope(scratch_engine) as session:
        before = table_counts(session.connection())
    found = editor_api.query(IMPORT, {"d": "just a sentence", "of": []})["importTranscript"]
    assert found["source"] is None
    assert found["created"] is False
    (error,) = found["userErrors"]
    assert error["code"] == "INVALID"
    assert error["message"].startswith("the document, line 1: text before the first turn")
    with session_scope(scratch_engine) as session:
        assert table_counts(session.connection()) == before


def test_mutations_are_refused_over_get(scratch_api: GraphQLClient) -> None:
    response = scratch_api.request(
        "GET",
        "/graphql",
        params={"query": 'mutation { importTranscript(input: {document: "A: b"}) { created } }'},
    )
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"


ARTICLE_MUTATION = """
mutation($d: String!, $dry: Boolean!) {
  importArticle(input: {document: $d, title: "Harbour news", url: "https://news.example.org/h", dryRun: $dry}) {
    created dryRun
    source { kind title appearances { relation textAsPublished quote { speaker { name } } } }
    quotations { text relation speakerName attributionAsWritten checkVerdict appearance { id } }
    newSpeakers
    userErrors { message code }
  }
}
"""
ARTICLE = (
    "The harbour will reopen soon.\n\n"
    '"The harbour will reopen in June, and not before," said Mayor Ama Osei on Tuesday.'
)


def test_import_article_dry_run_then_for_real(editor_api: GraphQLClient, scratch_engine: Engine) -> None:
    editor_api.query(IMPORT, {"d": TRANSCRIPT, "of": ["Ama Osei"]})
    with session_scope(scratch_engine) as session:
        before = table_counts(session.connection())
    dry = editor_api.query(ARTICLE_MUTATION, {"d": ARTICLE, "dry": True})["importArticle"]
    assert dry["dryRun"] is True
    assert dry["source"] is None
    (found,) = dry["quotations"]
    assert found["text"] == "The harbour will reopen in June, and not before"
    assert found["speakerName"] == "Ama Osei"
    assert found["checkVerdict"] == "VERBATIM"
    assert found["appearance"] is None
    with session_scope(scratch_engine) as session:
        assert table_counts(session.connection()) == before
    real = editor_api.query(ARTICLE_MUTATION, {"d": ARTICLE, "dry": False})["importArticle"]
    assert real["created"] is True
    assert real["userErrors"] == []
    assert real["source"]["kind"] == "ARTICLE"
    (appearance,) = real["source"]["appearances"]
    assert appearance["relation"] == "VERBATIM"
    assert appearance["quote"]["speaker"]["name"] == "Ama Osei"
    assert real["quotations"][0]["appearance"] is not None


def test_import_article_of_nothing_is_a_user_error(editor_api: GraphQLClient) -> None:
    found = editor_api.query(ARTICLE_MUTATION, {"d": "   ", "dry": False})["importArticle"]
    assert found["source"] is None
    assert found["userErrors"][0]["message"].startswith("the article is empty")


CLAIM_REVIEW = """
[
  {"@context": "https://schema.org", "@type": "ClaimReview", "url": "https://checks.example.org/osei-june",
   "claimReviewed": "The harbour will reopen in June", "datePublished": "2024-05-20",
   "author": {"@type": "Organization", "name": "Harbour Checks"},
   "reviewRating": {"@type": "Rating", "ratingValue": 4, "bestRating": 5, "worstRating": 1,
                    "alternateName": "Mostly accurate"},
   "itemReviewed": {"@type": "Claim", "author": {"@type": "Person", "name": "Ama Osei"}}},
  {"@type": "ClaimReview", "url": "https://checks.example.org/broken"}
]
"""

CLAIM_MUTATION = """
mutation($d: String!) {
  importClaimReview(document: $d) {
    read added updated
    factChecks { publisher originalLabel rating { value best worst alternateName } quote { speaker { name } } }
    rejected { position message }
    userErrors { message }
  }
}
"""


def test_import_claim_review_lands_the_valid_and_reports_the_rest(editor_api: GraphQLClient) -> None:
    found = editor_api.query(CLAIM_MUTATION, {"d": CLAIM_REVIEW})["importClaimReview"]
    assert (found["read"], found["added"], found["updated"]) == (2, 1, 0)
    (landed,) = found["factChecks"]
    assert landed["publisher"] == "Harbour Checks"
    assert landed["originalLabel"] == "Mostly accurate"
    assert landed["rating"] == {"value": 4, "best": 5, "worst": 1, "alternateName": "Mostly accurate"}
    assert landed["quote"]["speaker"]["name"] == "Ama Osei"
    (rejected,) = found["rejected"]
    assert rejected["position"] == "[1]"
    again = editor_api.query(CLAIM_MUTATION, {"d": CLAIM_REVIEW})["importClaimReview"]
    assert (again["added"], again["updated"]) == (0, 1)


def test_an_imported_article_keeps_each_check_with_its_appearance(
    editor_api: GraphQLClient, scratch_engine: Engine
) -> None:
    editor_api.query(IMPORT, {"d": TRANSCRIPT, "of": ["Ama Osei"]})
    editor_api.query(ARTICLE_MUTATION, {"d": ARTICLE, "dry": False})
    found = editor_api.query(
        "{ sources(filter: {kind: ARTICLE}) { edges { node { appearances { checkVerdict checkConfidence "
        "checkExplanation checkedAt } } } } }"
    )
    (node,) = [edge["node"] for edge in found["sources"]["edges"]]
    (appearance,) = node["appearances"]
    assert appearance["checkVerdict"] == "VERBATIM"
    assert 0 < appearance["checkConfidence"] <= 1
    assert appearance["checkExplanation"].startswith("Word for word as said in")
    assert appearance["checkedAt"] is not None

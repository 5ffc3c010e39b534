"""`quotecheck check --json` and the GraphQL `checkQuote` give the same answer."""

from __future__ import annotations

from typing import Any

import pytest

from quotecheck.db import make_engine, session_scope
from quotecheck.services.checks import CheckRequest, check_quote, result_document
from quotecheck.settings import database_urls
from tests.conftest import GraphQLClient

QUERY = """
query($text: String!, $speaker: String!) {
  checkQuote(input: {text: $text, speakerName: $speaker}) {
    verdict confidence explanation speaker { name }
    matches { source { title } passage start end score primary speaker { name }
              differences { kind claimed original note } }
  }
}
"""

CLAIMS = [
    ("NATO Takes Universal Military Posture", "sergei lavrov", "PARAPHRASED"),
    (
        "The bridge will be open to traffic before the autumn storms, and I will put my name to that",
        "Elena Varga",
        "VERBATIM",
    ),
    (
        "the town must cover the ferry subsidy out of reserves until the bridge opens",
        "Elena Varga",
        "ALTERED",
    ),
    ("a vanity project the town can't afford", "Elena Varga", "MISATTRIBUTED"),
    (
        "I have [...] said that we should shut the ferry down the day the bridge opens",
        "VARGA",
        "VERBATIM_WITH_ELISIONS",
    ),
    ("Every lighthouse in the county will be painted green by the spring fair", "Elena Varga", "NOT_FOUND"),
]


def _from_api(api: GraphQLClient, text: str, speaker: str) -> dict[str, Any]:
    found: dict[str, Any] = api.query(QUERY, {"text": text, "speaker": speaker})["checkQuote"]
    return {
        "verdict": found["verdict"],
        "confidence": found["confidence"],
        "explanation": found["explanation"],
        "speaker": found["speaker"]["name"],
        "matches": [
            {
                "source": m["source"]["title"],
                "speaker": m["speaker"]["name"] if m["speaker"] else None,
                **{key: m[key] for key in ("passage", "start", "end", "score", "primary", "differences")},
            }
            for m in found["matches"]
        ],
    }


def _from_service(url: str, text: str, speaker: str) -> dict[str, Any]:
    engine = make_engine(database_urls(url))
    try:
        with session_scope(engine) as session:
            document = result_document(check_quote(session, CheckRequest(text=text, speaker_name=speaker)))
    finally:
        engine.dispose()
    document["matches"] = [
        {
            "source": m["source"]["title"],
            "speaker": m["speaker"],
            **{key: m[key] for key in ("passage", "start", "end", "score", "primary", "differences")},
        }
        for m in document["matches"]
    ]
    return document


@pytest.mark.parametrize(("text", "speaker", "verdict"), CLAIMS, ids=[c[2] for c in CLAIMS])
def test_the_cli_and_the_api_agree(
    api: GraphQLClient, demo_url: str, text: str, speaker: str, verdict: str
) -> None:
    through_api = _from_api(api, text, speaker)
    assert through_api["verdict"] == verdict
    assert through_api == _from_service(demo_url, text, speaker)


def test_a_bad_speaker_id_is_a_clear_error(api: GraphQLClient) -> None:
    errors = api.errors(
        '{ checkQuote(input: {text: "some words here and there", speakerId: "nope"}) { verdict } }'
    )
    assert "is not a quotecheck ID" in errors[0]["message"]

"""ClaimReview in and out: every accepted input shape with bad records mixed in, re-import, speaker linking,
the export's properties (Google's ClaimReview profile) on the demo, the round trip into an empty database,
`GET /claimreview.jsonld`, and the two CLI commands."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, func, select
from sqlalchemy.orm import Session, selectinload

from quotecheck.db import session_scope
from quotecheck.demo import load_demo
from quotecheck.enums import FactCheckStatus, SourceKind, SpeakerKind, Verdict
from quotecheck.errors import ValidationError
from quotecheck.models import Appearance, Evidence, FactCheck, Quote, Source, Speaker
from quotecheck.partial_date import PartialDate
from quotecheck.services import appearances, factchecks, quotes, sources, speakers
from quotecheck.services.claimreview import (
    APPEARANCE_NOTE,
    FIRST_APPEARANCE_NOTE,
    claim_reviews_by_id,
    export_claim_reviews,
    import_claim_reviews,
)
from tests.conftest import GraphQLClient
from tests.test_cli import run

Json = dict[str, Any]
SITE = "https://checks.example.org"


def review(slug: str, **changes: Any) -> Json:
    """A valid ClaimReview by a fictional fact-checker; `changes` replace (None: remove) top-level properties."""
    document: Json = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": f"{SITE}/{slug}",
        "claimReviewed": f"Ada Okafor said the harbour fee will not rise ({slug}).",
        "datePublished": "2021-07-22",
        "author": {"@type": "Organization", "name": "Harbour Checks"},
        "reviewRating": {"@type": "Rating", "alternateName": "Mostly false"},
        "itemReviewed": {
            "@type": "Claim",
            "author": {"@type": "Person", "name": "Ada Okafor"},
            "datePublished": "2021-07-20",
        },
    }
    for key, value in changes.items():
        if value is None:
            document.pop(key, None)
        else:
            document[key] = value
    return document


def stored(session: Session, url: str) -> FactCheck | None:
    return session.scalars(
        select(FactCheck).where(FactCheck.url == url).options(selectinload(FactCheck.evidence))
    ).first()


def count(session: Session, model: type[Any]) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


OUT_OF_SCALE = {
    "@type": "Rating",
    "alternateName": "False",
    "ratingValue": 7,
    "bestRating": 5,
    "worstRating": 1,
}


# --- in: a whole review ----------------------------------------------------------------------------------------
def test_a_review_lands_published_with_its_own_label_claimant_quote_and_appearances(session: Session) -> None:
    document = review(
        "fee",
        reviewRating={
            "@type": "Rating",
            "ratingValue": "2",
            "bestRating": 6,
            "worstRating": 1,
            "alternateName": "Mostly False",
        },
        creator={"@type": "Person", "name": "Ines Dahl"},
        itemReviewed={
            "@type": "Claim",
            "author": {
                "@type": "Person",
                "name": "Ada Okafor",
                "sameAs": ["https://example.org/ada", "https://www.wikidata.org/wiki/Q4115189"],
                "jobTitle": "Harbour master",
            },
            "text": "We will not raise the harbour fee this year.",
            "datePublished": "2021-07-20T09:30:00Z",
            "appearance": [
                "https://paper.example.com/fee",
                {"@type": "CreativeWork", "url": "https://tv.example.com/fee", "headline": "Evening news"},
            ],
            "firstAppearance": {
                "@type": "CreativeWork",
                "url": "https://social.example.net/post/1",
                "datePublished": "2021-07-19",
            },
        },
    )
    report = import_claim_reviews(session, json.dumps(document))
    assert (report.read, report.added, report.updated, report.rejected) == (1, 1, 0, [])
    check = stored(session, f"{SITE}/fee")
    assert check is not None and report.fact_checks == [check]
    assert check.status is FactCheckStatus.PUBLISHED and check.published_at is not None
    assert (check.publisher, check.reviewer) == ("Harbour Checks", "Ines Dahl")
    assert (check.original_label, check.alternate_name, check.verdict) == (
        "Mostly False",
        "Mostly False",
        None,
    )
    assert (check.rating_value, check.best_rating, check.worst_rating) == (2, 6, 1)
    assert check.reviewed_on == PartialDate(2021, 7, 22)
    assert check.claim_reviewed == "Ada Okafor said the harbour fee will not rise (fee)."
    assert check.quote is not None
    assert check.quote.text == "We will not raise the harbour fee this year."  # the claim's own words
    assert check.quote.said_on == PartialDate(2021, 7, 20)
    speaker = check.quote.speaker
    assert (speaker.name, speaker.kind, speaker.wikidata_id) == ("Ada Okafor", SpeakerKind.PERSON, "Q4115189")
    # the job title is kept as a role attested on the day of the claim, and only then
    assert [(r.title, r.started, r.ended) for r in speaker.roles] == [
        ("Harbour master", PartialDate(2021, 7, 20), PartialDate(2021, 7, 20))
    ]
    links = [(e.source.url if e.source else None, e.note) for e in check.evidence]
    assert links == [
        ("https://social.example.net/post/1", FIRST_APPEARANCE_NOTE),
        ("https://paper.example.com/fee", APPEARANCE_NOTE),
        ("https://tv.example.com/fee", APPEARANCE_NOTE),
    ]
    for item in check.evidence:
        assert item.source is not None
        assert (item.source.kind, item.source.text) == (SourceKind.ARTICLE, None)
    titles = {e.source.url: (e.source.title, e.source.published_on) for e in check.evidence if e.source}
    assert titles["https://tv.example.com/fee"] == ("Evening news", None)
    assert titles["https://social.example.net/post/1"] == (
        "https://social.example.net/post/1",
        PartialDate(2021, 7, 19),
    )


# --- in: every shape, bad records mixed in --------------------------------------------------------------------
def _array() -> Any:
    return [
        review("a1"),
        review("a2", claimReviewed=None),
        review("a3"),
        "not a review",
        review("a4", reviewRating=OUT_OF_SCALE),
    ]


def _graph() -> Any:
    organisation = {"@id": "#org", "@type": "Organization", "name": "Graph Checks"}
    good = review("g1", author={"@id": "#org"})
    del good["@context"]
    missing = review("g2", claimReviewed="  ")
    return {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebPage", "@id": "#page", "name": "A fact-check page"},
            organisation,
            good,
            missing,
            review("g3", reviewRating=OUT_OF_SCALE),
            review("g4", **{"@type": ["Review", "ClaimReview"]}),
        ],
    }


def _json_lines() -> Any:
    lines = [
        json.dumps(review("l1")),
        "",
        '{"@type": "ClaimReview", "url": ',
        json.dumps(review("l4", claimReviewed=None)),
        json.dumps("just a string"),
        json.dumps(review("l6", reviewRating=OUT_OF_SCALE)),
        json.dumps(review("l7")),
    ]
    return "\n".join(lines) + "\n"


def _claims_search() -> Any:
    def google(slug: str, **changes: Any) -> Json:
        entry: Json = {
            "publisher": {"name": "Search Checks", "site": "searchchecks.example.org"},
            "url": f"{SITE}/{slug}",
            "title": "Did Ada Okafor promise no fee rise?",
            "reviewDate": "2021-07-22T00:00:00Z",
            "textualRating": "Misattributed",
            "languageCode": "en",
        }
        entry.update(changes)
        return {k: v for k, v in entry.items() if v is not None}

    return {
        "claims": [
            {
                "text": "The harbour fee will not rise",
                "claimant": "Ada Okafor",
                "claimDate": "2021-07-20T00:00:00Z",
                "claimReview": [google("s1"), google("s2", textualRating=None)],
            },
            {"text": "", "claimant": "Ada Okafor", "claimReview": [google("s3")]},
            "not a claim",
            {"text": "Nobody reviewed this", "claimReview": []},
            {"text": "The ferry will run all winter", "claimReview": [google("s5", textualRating="False")]},
        ],
        "nextPageToken": "CAE",
    }


SHAPES = {
    "array": (
        _array,
        ["a1", "a3"],
        {"[1]": "claimReviewed is missing", "[3]": "not an object", "[4]": "outside the scale 1..5"},
    ),
    "graph": (
        _graph,
        ["g1", "g4"],
        {"@graph[3]": "claimReviewed is missing", "@graph[4]": "outside the scale 1..5"},
    ),
    "json-lines": (
        _json_lines,
        ["l1", "l7"],
        {
            "line 3": "is not JSON",
            "line 4": "claimReviewed is missing",
            "line 5": "not an object",
            "line 6": "outside the scale 1..5",
        },
    ),
    "claims-search": (
        _claims_search,
        ["s1", "s5"],
        {
            "claims[0].claimReview[1]": "no alternateName (nor textualRating)",
            "claims[1].claimReview[0]": "the claim's text is missing",
            "claims[2]": "not an object",
            "claims[3]": "has no claimReview",
        },
    ),
}


@pytest.mark.parametrize("shape", SHAPES)
def test_each_shape_lands_its_valid_records_and_reports_the_others_by_position(
    session: Session, shape: str
) -> None:
    make, landed, rejected = SHAPES[shape]
    data = make()
    report = import_claim_reviews(session, data if isinstance(data, str) else json.dumps(data))
    assert {problem.position: problem.reason for problem in report.rejected}.keys() == rejected.keys()
    for problem in report.rejected:
        assert rejected[problem.position] in problem.reason, problem
    assert (report.added, report.updated) == (len(landed), 0)
    assert report.read == len(landed) + len(rejected)
    urls = session.scalars(select(FactCheck.url).order_by(FactCheck.id)).all()
    assert urls == [f"{SITE}/{slug}" for slug in landed]
    assert all(check.status is FactCheckStatus.PUBLISHED for check in report.fact_checks)
    # nothing of a rejected record stays behind: its speaker and quote went with its savepoint
    assert count(session, Quote) == len({check.quote_id for check in report.fact_checks} - {None})


def test_the_shapes_keep_what_each_carries(session: Session) -> None:
    import_claim_reviews(session, json.dumps(_graph()))
    import_claim_reviews(session, json.dumps(_claims_search()))
    graph = stored(session, f"{SITE}/g1")
    assert graph is not None and graph.publisher == "Graph Checks"  # the @id reference followed
    search = stored(session, f"{SITE}/s1")
    assert search is not None
    assert (search.publisher, search.original_label, search.verdict) == (
        "Search Checks",
        "Misattributed",
        Verdict.MISATTRIBUTED,
    )
    assert search.reviewed_on == PartialDate(2021, 7, 22)
    assert search.quote is not None
    assert (search.quote.text, search.quote.speaker.name) == ("The harbour fee will not rise", "Ada Okafor")
    assert search.quote.said_on == PartialDate(2021, 7, 20)
    unclaimed = stored(session, f"{SITE}/s5")
    assert unclaimed is not None and unclaimed.quote is None  # no claimant: a fact-check about no quote


def test_already_parsed_json_is_accepted_too(session: Session) -> None:
    report = import_claim_reviews(session, _array())
    assert (report.added, len(report.rejected)) == (2, 3)


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ("", "the input is empty"),
        ('{"@type": "ClaimReview",\n  "url": \n}', "is not JSON (Expecting value at line 3"),
        ("[]", "no ClaimReview found"),
        ({"@graph": [{"@type": "WebPage"}]}, "no ClaimReview found"),
        (b"\xff\xfe{}", "not UTF-8"),
    ],
)
def test_an_unreadable_input_as_a_whole_is_one_error(session: Session, data: Any, says: str) -> None:
    with pytest.raises(ValidationError) as raised:
        import_claim_reviews(session, data)
    assert says in raised.value.message


@pytest.mark.parametrize(
    ("label", "verdict"),
    [
        ("Misattributed", Verdict.MISATTRIBUTED),
        ("MISATTRIBUTED", Verdict.MISATTRIBUTED),
        ("Verbatim, with marked cuts", Verdict.VERBATIM_WITH_ELISIONS),
        ("Paraphrased", Verdict.PARAPHRASED),
        ("False", None),
        ("Altered", None),  # fact-checkers use it for doctored pictures
        ("Correct Attribution", None),
    ],
)
def test_only_labels_that_clearly_are_attribution_verdicts_map_to_one(
    session: Session, label: str, verdict: Verdict | None
) -> None:
    import_claim_reviews(session, [review("label", reviewRating={"alternateName": label})])
    check = stored(session, f"{SITE}/label")
    assert check is not None
    assert (check.verdict, check.original_label) == (verdict, label)


def test_a_rating_that_is_not_whole_lands_without_its_numbers_and_says_so(session: Session) -> None:
    rating = {"alternateName": "Misleading", "ratingValue": 2.5, "bestRating": 5, "worstRating": 1}
    report = import_claim_reviews(session, [review("half", reviewRating=rating)])
    assert report.added == 1
    assert [str(w) for w in report.warnings] == [
        "[0]: the numeric rating (2.5, 5, 1) is left out: quotecheck keeps whole-number scales only"
    ]
    check = stored(session, f"{SITE}/half")
    assert check is not None
    assert (check.rating_value, check.best_rating, check.worst_rating, check.original_label) == (
        None,
        None,
        None,
        "Misleading",
    )


def test_an_appearance_that_cannot_be_found_again_is_left_out_and_said(session: Session) -> None:
    item = {
        "@type": "Claim",
        "appearance": [
            {"@type": "CreativeWork", "name": "a video on a phone"},
            "ftp://x.example/1",
            "https://ok.example/1",
        ],
    }
    report = import_claim_reviews(session, [review("links", itemReviewed=item)])
    assert report.added == 1
    assert [problem.reason[:44] for problem in report.warnings] == [
        "an itemReviewed.appearance without a URL is ",
        "an itemReviewed.appearance is left out: item",
    ]
    check = stored(session, f"{SITE}/links")
    assert check is not None
    assert [e.source.url for e in check.evidence if e.source] == ["https://ok.example/1"]


def test_a_rating_scale_left_out_is_schema_orgs_one_to_five(session: Session) -> None:
    import_claim_reviews(
        session, [review("scale", reviewRating={"alternateName": "Half true", "ratingValue": 3})]
    )
    check = stored(session, f"{SITE}/scale")
    assert check is not None
    assert (check.rating_value, check.best_rating, check.worst_rating) == (3, 5, 1)


def test_more_rejections_each_with_a_reason(session: Session) -> None:
    report = import_claim_reviews(
        session,
        [
            review("no-url", url=None),
            review("bad-url", url="ftp://checks.example.org/x"),
            review("no-label", reviewRating={"@type": "Rating", "ratingValue": 1, "bestRating": 6}),
            review("bad-date", datePublished="last Tuesday"),
            review("flat", reviewRating={"alternateName": "x", "bestRating": 3, "worstRating": 3}),
            {"@type": "Organization", "name": "Not a review"},
        ],
    )
    reasons = [problem.reason for problem in report.rejected]
    assert [problem.position for problem in report.rejected] == [f"[{n}]" for n in range(6)]
    assert "url is missing" in reasons[0]
    assert "is not an http(s) URL" in reasons[1]
    assert "no alternateName" in reasons[2]
    assert "datePublished 'last Tuesday' is not a date" in reasons[3]
    assert "a rating scale needs two ends" in reasons[4]
    assert "has @type Organization: only ClaimReviews are imported" in reasons[5]
    assert count(session, FactCheck) == 0


# --- in: the same review again ---------------------------------------------------------------------------------
def test_reimporting_a_review_updates_it_and_never_duplicates(session: Session) -> None:
    first = review(
        "again",
        itemReviewed={
            "@type": "Claim",
            "author": {"@type": "Person", "name": "Ada Okafor"},
            "appearance": ["https://paper.example.com/a", "https://paper.example.com/b"],
        },
    )
    import_claim_reviews(session, [first])
    check = stored(session, f"{SITE}/again")
    assert check is not None
    version, quote_id = check.version, check.quote_id

    same = import_claim_reviews(session, [first])  # identical: nothing changes
    assert (same.added, same.updated) == (0, 1)
    session.expire_all()
    check = stored(session, f"{SITE}/again")
    assert check is not None and check.version == version

    changed = review(
        "again",
        reviewRating={"alternateName": "False", "ratingValue": 1, "bestRating": 5, "worstRating": 1},
        author={"@type": "Organization", "name": "Harbour Checks (renamed)"},
        itemReviewed={
            "@type": "Claim",
            "author": {"@type": "Person", "name": "Ada Okafor"},
            "appearance": ["https://paper.example.com/b", "https://paper.example.com/c"],
        },
    )
    report = import_claim_reviews(session, json.dumps([changed, changed]))
    assert (report.read, report.added, report.updated) == (2, 0, 2)
    session.expire_all()
    assert count(session, FactCheck) == 1
    check = stored(session, f"{SITE}/again")
    assert check is not None
    assert (check.original_label, check.alternate_name, check.rating_value) == ("False", "False", 1)
    assert check.publisher == "Harbour Checks (renamed)"
    assert check.quote_id == quote_id  # the same speaker and words: the same quote
    assert [e.source.url for e in check.evidence if e.source] == [
        "https://paper.example.com/b",
        "https://paper.example.com/c",
    ]
    assert count(session, Evidence) == 2
    # sources are found again by URL, not made twice
    assert count(session, Source) == 3
    assert count(session, Quote) == count(session, Speaker) == 1


def test_a_fact_check_written_here_is_never_overwritten_by_an_import(session: Session) -> None:
    own = factchecks.create_fact_check(
        session, claim_reviewed="Our own check", verdict="ALTERED", url=f"{SITE}/ours"
    )
    item = {"@type": "Claim", "author": {"name": "Ada Okafor"}, "appearance": "https://paper.example.com/1"}
    report = import_claim_reviews(session, [review("ours", itemReviewed=item)])
    assert report.landed == 0
    (problem,) = report.rejected
    assert f"fact-check {own.id} already has the URL" in problem.reason and "written here" in problem.reason
    assert (own.claim_reviewed, own.verdict) == ("Our own check", Verdict.ALTERED)
    # nothing of the rejected record stays: not its claimant, quote or appearance link (a savepoint each)
    assert (count(session, Speaker), count(session, Quote), count(session, Source)) == (0, 0, 0)


# --- in: who said it ---------------------------------------------------------------------------------------------
def _claimed_by(author: Json, slug: str = "who") -> Json:
    return review(slug, itemReviewed={"@type": "Claim", "author": author})


def test_the_claimant_is_found_by_wikidata_id_first_then_by_name_or_alias_else_made(session: Session) -> None:
    lavrov = speakers.create_speaker(
        session, name="Sergey Lavrov", wikidata_id="Q150851", aliases=["Sergei Lavrov"]
    )
    glasser = speakers.create_speaker(session, name="Susan Glasser", aliases=["Susan B. Glasser"])
    wikidata = "http://www.wikidata.org/entity/Q150851"
    import_claim_reviews(
        session,
        [
            _claimed_by({"@type": "Person", "name": "S. V. Lavrov", "sameAs": wikidata}, "by-id"),
            _claimed_by({"@type": "Person", "name": "Sergei Lavrov"}, "by-alias"),
            _claimed_by(
                {
                    "@type": "Person",
                    "name": "SUSAN B. GLASSER",
                    "sameAs": "https://www.wikidata.org/wiki/Q7647964",
                },
                "name-gives-id",
            ),
            _claimed_by({"@type": "Organization", "name": "Harbour Authority"}, "made"),
        ],
    )

    def speaker_of(slug: str) -> Speaker:
        check = stored(session, f"{SITE}/{slug}")
        assert check is not None and check.quote is not None
        return check.quote.speaker

    assert speaker_of("by-id") is lavrov
    assert speaker_of("by-alias") is lavrov
    assert speaker_of("name-gives-id") is glasser
    assert glasser.wikidata_id == "Q7647964"  # the review said who she is
    made = speaker_of("made")
    assert (made.name, made.kind, made.wikidata_id) == ("Harbour Authority", SpeakerKind.ORGANIZATION, None)
    assert count(session, Speaker) == 3


def test_a_name_two_speakers_share_is_rejected_with_what_to_do(session: Session) -> None:
    speakers.create_speaker(session, name="John Smith", description="the baker")
    speakers.create_speaker(session, name="John Smith", description="the senator")
    report = import_claim_reviews(session, [_claimed_by({"@type": "Person", "name": "John Smith"})])
    (problem,) = report.rejected
    assert "2 speakers are called 'John Smith'" in problem.reason and "sameAs" in problem.reason
    # a Wikidata ID neither holds does not say which one it is: still not guessed
    person = {"@type": "Person", "name": "John Smith", "sameAs": "https://www.wikidata.org/wiki/Q42"}
    (problem,) = import_claim_reviews(session, [_claimed_by(person)]).rejected
    assert "none has Wikidata ID Q42: set it on the right one" in problem.reason
    assert (count(session, Speaker), count(session, FactCheck)) == (2, 0)


# --- out ---------------------------------------------------------------------------------------------------------
@pytest.fixture
def demo(session: Session) -> Session:
    load_demo(session)
    return session


def _by_url(documents: list[Json]) -> dict[str, Json]:
    return {document["url"]: document for document in documents}


def test_the_export_has_every_property_of_googles_claimreview_profile(demo: Session) -> None:
    varga = speakers.resolve_speaker(demo, "Elena Várga")
    varga.wikidata_id = "Q99999999"
    # a review of a quote from her councillor years, and a retracted one and a draft (neither exported)
    old = quotes.create_quote(demo, speaker=varga, text="The harbour needs a bridge.", said_on="2018-06")
    earlier = factchecks.create_fact_check(
        demo,
        quote=old,
        claim_reviewed="Várga called for a bridge in 2018",
        verdict="VERBATIM",
        url=f"{SITE}/2018",
        reviewed_on="2018-07",
        publisher="Harbour Checks",
    )
    factchecks.publish_fact_check(demo, earlier)
    retracted = factchecks.create_fact_check(demo, quote=old, claim_reviewed="retracted", verdict="ALTERED")
    factchecks.publish_fact_check(demo, retracted)
    factchecks.retract_fact_check(demo, retracted, reason="wrong quote")
    factchecks.create_fact_check(demo, quote=old, claim_reviewed="a draft", verdict="ALTERED")

    documents = export_claim_reviews(demo)
    assert [d["claimReviewed"] for d in documents if d["claimReviewed"] in ("retracted", "a draft")] == []
    assert len(documents) == 7  # the demo's six, and the 2018 one
    for document in documents:
        assert (document["@context"], document["@type"]) == ("https://schema.org", "ClaimReview")
        assert document["claimReviewed"] and document["url"].startswith("https://")
        assert document["reviewRating"]["alternateName"]
        assert document["author"]["@type"] == "Organization" and document["author"]["name"]
        PartialDate.parse(document["datePublished"])
        claim = document["itemReviewed"]
        assert claim["@type"] == "Claim"
        assert claim["author"]["@type"] == "Person" and claim["author"]["name"] == "Elena Várga"
        assert claim["author"]["sameAs"] == "https://www.wikidata.org/wiki/Q99999999"
        PartialDate.parse(claim["datePublished"])
        if document["url"] != f"{SITE}/2018":
            assert claim["firstAppearance"]["url"].startswith("https://")
            assert claim["firstAppearance"] == claim["appearance"][0]

    reviews = _by_url(documents)
    assert (
        reviews[f"{SITE}/2018"]["itemReviewed"]["author"]["jobTitle"] == "Councillor, Marrowick Town Council"
    )
    assert "appearance" not in reviews[f"{SITE}/2018"]["itemReviewed"]  # printed nowhere we know of
    bridge = reviews["https://factdesk.example.net/checks/2024/varga-bridge-autumn-storms"]
    claim = bridge["itemReviewed"]
    assert claim["author"]["jobTitle"] == "Mayor, Town of Marrowick"
    assert claim["datePublished"] == "2024-03-14"
    assert (
        claim["text"]
        == "The bridge will be open to traffic before the autumn storms, and I will put my name to that"
    )
    assert bridge["reviewRating"] == {
        "@type": "Rating",
        "ratingValue": 5,
        "bestRating": 5,
        "worstRating": 1,
        "alternateName": "Accurate",
    }
    # first where it first appeared, then its other appearances, then where their provenance chains lead
    assert claim["firstAppearance"]["url"] == "https://harbourradio.example.org/news/2024-03-14-1800-bulletin"
    assert [work["url"] for work in claim["appearance"]] == [
        "https://harbourradio.example.org/news/2024-03-14-1800-bulletin",
        "https://courier.example.com/news/2024/03/15/varga-bridge-autumn-storms",
        "https://coastlinewire.example.net/briefs/2024-03-15-marrowick-bridge",
        "https://harbourradio.example.org/morning-tide/2024-03-14-varga-transcript",
    ]
    # only reviews dated on or after `since` (a month counts from its first day)
    assert [d["datePublished"] for d in export_claim_reviews(demo, since="2024-03-20")] == [
        "2024-03-20",
        "2024-03-20",
        "2024-03-20",
        "2024-03-21",
    ]
    assert len(export_claim_reviews(demo, since="2024-03")) == 6
    with pytest.raises(ValidationError, match="since"):
        export_claim_reviews(demo, since="March")


def test_a_chain_through_another_quotes_appearance_is_followed(demo: Session) -> None:
    """La Vigie's French quote was taken from the Courier's English appearance, itself from the transcript."""
    french = demo.scalars(select(Quote).where(Quote.text.startswith("Le pont sera ouvert"))).one()
    check = factchecks.create_fact_check(
        demo, quote=french, claim_reviewed="La maire a dit ...", verdict="VERBATIM"
    )
    factchecks.publish_fact_check(demo, check)
    claim = claim_reviews_by_id(demo, [check.id])[check.id]["itemReviewed"]
    assert [work["headline"][:24] for work in claim["appearance"]] == [
        "Pont du port : la maire ",
        "Transcript: Morning Tide",
        "Mayor Várga on Harbour R",
    ]
    assert claim["firstAppearance"]["headline"].startswith("Pont du port")


def test_roles_held_on_the_day_give_every_job_title(session: Session) -> None:
    hollis = speakers.create_speaker(
        session,
        name="Bram Hollis",
        roles=[
            speakers.RoleInput("Councillor", "Marrowick Town Council", "2019"),
            speakers.RoleInput("Chair, Harbour Committee", None, "2020-01", "2024-03-15"),
            speakers.RoleInput("Deputy Mayor", "Town of Marrowick", "2024-03-15"),
        ],
    )
    quote = quotes.create_quote(session, speaker=hollis, text="We will keep the ferry.", said_on="2024-03-15")
    check = factchecks.create_fact_check(
        session, quote=quote, claim_reviewed="Hollis said so", verdict="VERBATIM"
    )
    author = claim_reviews_by_id(session, [check.id])[check.id]["itemReviewed"]["author"]
    assert author["jobTitle"] == [
        "Councillor, Marrowick Town Council",
        "Chair, Harbour Committee",
        "Deputy Mayor, Town of Marrowick",
    ]
    assert "sameAs" not in author


def test_building_many_reviews_costs_the_same_statements_as_building_two(demo: Session) -> None:
    varga = speakers.resolve_speaker(demo, "Elena Várga")
    courier = demo.scalars(
        select(Appearance)
        .join(Appearance.source)
        .where(Appearance.text.startswith("The bridge will be open"), Source.title.startswith("Mayor Várga"))
    ).one()
    paper = sources.create_source(
        demo, kind="ARTICLE", title="Harbour Gazette", url="https://gazette.example.com/"
    )
    for n in range(20):
        # each printed by the Gazette, copied from the Courier's appearance of another quote (one chain step)
        quote = quotes.create_quote(demo, speaker=varga, text=f"Line {n}", said_on="2024-03-14")
        appearances.create_appearance(
            demo,
            quote=quote,
            source=paper,
            text=f"Line {n}",
            relation="VERBATIM",
            taken_from_appearance=courier,
        )
        factchecks.create_fact_check(demo, quote=quote, claim_reviewed=f"Line {n}?", verdict="VERBATIM")
    ids = list(demo.scalars(select(FactCheck.id).order_by(FactCheck.id)))[-20:]
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append(statement)

    connection = demo.connection()
    event.listen(connection, "before_cursor_execute", record)
    try:
        counted = {}
        for size in (2, 20):
            seen.clear()
            demo.expire_all()
            documents = claim_reviews_by_id(demo, ids[:size])
            counted[size] = len(seen)
            assert len(documents) == size
            for document in documents.values():
                works = [work["headline"][:24] for work in document["itemReviewed"]["appearance"]]
                assert works == ["Harbour Gazette", "Transcript: Morning Tide", "Mayor Várga on Harbour R"]
    finally:
        event.remove(connection, "before_cursor_execute", record)
    # the fact-checks with all that hangs off them; the quotes' appearances; one step of a chain leaving them
    assert counted == {2: 3, 20: 3}


def test_export_then_import_into_an_empty_database_gives_the_same_fact_checks(
    demo: Session, scratch_engine: Engine
) -> None:
    exported = export_claim_reviews(demo)
    with session_scope(scratch_engine, write=True) as empty:
        report = import_claim_reviews(empty, json.dumps(exported))
        assert (report.added, report.updated, report.rejected, report.warnings) == (6, 0, [], [])
    with session_scope(scratch_engine) as copy:
        again = export_claim_reviews(copy)

        def summary(session: Session) -> list[tuple[Any, ...]]:
            rows = session.scalars(select(FactCheck).where(FactCheck.status == FactCheckStatus.PUBLISHED))
            return sorted(
                (
                    check.url,
                    check.publisher,
                    check.alternate_name,
                    (check.rating_value, check.best_rating, check.worst_rating),
                    check.claim_reviewed,
                    check.quote.speaker.name if check.quote else None,
                    check.quote.text if check.quote else None,
                    check.reviewed_on,
                    check.reviewer,
                )
                for check in rows
            )

        assert summary(copy) == summary(demo)
    # and so the same JSON-LD: labels, ratings, claimant, appearance URLs, job titles and all
    assert again == exported


# --- over HTTP ----------------------------------------------------------------------------------------------------
def test_get_claimreview_jsonld_serves_the_export_and_the_api_the_same(api: GraphQLClient) -> None:
    response = api.request("GET", "/claimreview.jsonld")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/ld+json"
    documents = json.loads(response.content)
    assert len(documents) == 6
    assert {d["itemReviewed"]["author"]["jobTitle"] for d in documents} == {"Mayor, Town of Marrowick"}
    nodes = api.query("{ factChecks(first: 50) { edges { node { claimReview } } } }")["factChecks"]["edges"]
    served = sorted((edge["node"]["claimReview"] for edge in nodes), key=lambda d: d["url"])
    assert served == sorted(documents, key=lambda d: d["url"])

    recent = api.request("GET", "/claimreview.jsonld", params={"since": "2024-03-21"})
    assert [d["datePublished"] for d in recent.json()] == ["2024-03-21"]
    bad = api.request("GET", "/claimreview.jsonld", params={"since": "yesterday"})
    assert bad.status_code == 400
    assert "since" in bad.json()["error"] and "YYYY-MM-DD" in bad.json()["error"]


# --- the command line ---------------------------------------------------------------------------------------------
def test_the_cli_imports_and_exports(scratch_engine: Engine, scratch_url: str, tmp_path: Path) -> None:
    feed = tmp_path / "reviews.jsonl"
    feed.write_text(
        "\n".join(
            [
                json.dumps(review("c1")),
                "{broken",
                json.dumps(review("c3", claimReviewed=None)),
                json.dumps(review("c4")),
            ]
        ),
        encoding="utf-8",
    )
    imported = run("import", "claimreview", str(feed), url=scratch_url)
    assert imported.returncode == 0, imported.stderr
    assert f"{feed}: read 4, added 2, updated 0, rejected 2" in imported.stdout
    assert "rejected line 2: is not JSON" in imported.stdout
    assert "rejected line 3: claimReviewed is missing" in imported.stdout

    out = tmp_path / "out.jsonld"
    exported = run("export", "claimreview", "--out", str(out), url=scratch_url)
    assert exported.returncode == 0, exported.stderr
    assert f"wrote 2 ClaimReviews to {out}" in exported.stdout
    documents = json.loads(out.read_text(encoding="utf-8"))
    assert [d["url"] for d in documents] == [f"{SITE}/c1", f"{SITE}/c4"]
    assert documents[0]["itemReviewed"]["author"] == {"@type": "Person", "name": "Ada Okafor"}

    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([review("x", claimReviewed=None)]), encoding="utf-8")
    refused = run("import", "claimreview", str(bad), url=scratch_url)
    assert refused.returncode == 2
    assert "rejected [0]: claimReviewed is missing" in refused.stdout
    assert refused.stderr.startswith("error: nothing was imported") and "Traceback" not in refused.stderr
    with session_scope(scratch_engine) as db:
        assert count(db, FactCheck) == 2

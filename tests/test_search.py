"""Full-text search on both engines: the query language, ranking, the index kept current, the API's `search`
argument with snippets and cursors, and migration 0005 (backfill, round trip, nothing left for autogenerate)."""

from __future__ import annotations

from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, event, inspect, select, text
from sqlalchemy.orm import Session

from quotecheck import migrate
from quotecheck.enums import SourceKind
from quotecheck.errors import ValidationError
from quotecheck.models import Base, Quote, Speaker, include_search_object
from quotecheck.partial_date import PartialDate
from quotecheck.services import quotes, search, sources, speakers
from quotecheck.services.quotes import QuoteFilter
from quotecheck.services.speakers import SpeakerFilter, speaker_conditions
from tests.conftest import GraphQLClient, backend, seeding

FILLER = [
    "The committee met on Tuesday to discuss the budget",
    "Nobody expected the vote to pass so quickly",
    "We are proud of what the team achieved this year",
    "Our ministers will travel to the summit next week",
    "The report was published late in the evening",
    "Farmers asked for help after the long drought",
    "The court will rule on the appeal in March",
    "Ticket prices rose again for the third time",
]


def found(session: Session, query: str, **given: Any) -> list[str]:
    return [quote.text for quote, _ in search.search_quotes(session, query, filter=QuoteFilter(**given))]


@pytest.fixture
def ann(session: Session) -> Speaker:
    speaker = speakers.create_speaker(session, name="Ann Ledger", aliases=["Annie Ledger"])
    for line in FILLER:
        quotes.create_quote(session, speaker=speaker, text=line, language="en")
    return speaker


def test_parse_quotes_every_term_for_each_engine() -> None:
    query = search.parse_search('  harvest "grain  prices" -drought -"bad year" covid-19 or  ')
    assert [(term.text, term.excluded) for term in query.terms] == [
        ("harvest", False),
        ("grain prices", False),
        ("drought", True),
        ("bad year", True),
        ("covid-19", False),
        ("or", False),
    ]
    assert (
        query.fts5() == '("harvest" AND "grain prices" AND "covid-19" AND "or") NOT "drought" NOT "bad year"'
    )
    assert query.websearch() == '"harvest" "grain prices" -"drought" -"bad year" "covid-19" "or"'
    assert search.parse_search("say \"it's; DROP TABLE quote").fts5() == '"say" AND "it\'s; DROP TABLE quote"'


@pytest.mark.parametrize(
    ("given", "says"),
    [
        ("", "no words"),
        ("  ", "no words"),
        ('"" - ;;', "no words"),
        ("-drought", "only excludes"),
        ('-drought -"bad year"', "only excludes"),
        ("x" * 201, "at most 200"),
    ],
)
def test_bad_searches_are_clear_errors(given: str, says: str) -> None:
    with pytest.raises(ValidationError, match=says) as raised:
        search.parse_search(given)
    assert raised.value.field == "search"


def test_more_occurrences_rank_higher(session: Session, ann: Speaker) -> None:
    quotes.create_quote(
        session, speaker=ann, text="The harvest was good and we thank the farmers", language="en"
    )
    quotes.create_quote(
        session, speaker=ann, text="Harvest after harvest, the harvest was good", language="en"
    )
    hits = search.search_quotes(session, "harvest")
    assert [quote.text for quote, _ in hits] == [
        "Harvest after harvest, the harvest was good",
        "The harvest was good and we thank the farmers",
    ]
    assert hits[0][1] > hits[1][1] > 0


def test_phrase_and_exclusion(session: Session, ann: Speaker) -> None:
    quotes.create_quote(session, speaker=ann, text="Grain prices fell sharply", language="en")
    quotes.create_quote(session, speaker=ann, text="Prices of grain fell", language="en")
    quotes.create_quote(session, speaker=ann, text="Grain prices rose after the drought", language="en")
    assert sorted(found(session, '"grain prices"')) == [
        "Grain prices fell sharply",
        "Grain prices rose after the drought",
    ]
    assert found(session, '"grain prices" -drought') == ["Grain prices fell sharply"]
    assert found(session, 'grain -"grain prices"') == ["Prices of grain fell"]
    assert sorted(found(session, "grain prices")) == [
        "Grain prices fell sharply",
        "Grain prices rose after the drought",
        "Prices of grain fell",
    ]


def test_case_and_accents_are_folded(session: Session, ann: Speaker) -> None:
    quotes.create_quote(session, speaker=ann, text="L'ÉCONOMIE française se porte bien", language="fr")
    quotes.create_quote(session, speaker=ann, text="Die Bürger von Köln", language="de")
    assert found(session, "economie") == ["L'ÉCONOMIE française se porte bien"]
    assert found(session, "Économie FRANCAISE") == ["L'ÉCONOMIE française se porte bien"]
    assert found(session, "koln") == ["Die Bürger von Köln"]


def test_what_each_engine_promises_about_stemming(session: Session, ann: Speaker) -> None:
    quotes.create_quote(session, speaker=ann, text="We are reopening the schools on Monday", language="en")
    quotes.create_quote(session, speaker=ann, text="Reopening plans are not ready", language=None)
    assert sorted(found(session, "reopening")) == [
        "Reopening plans are not ready",
        "We are reopening the schools on Monday",
    ]
    if backend() == "postgresql":
        # English quotes are stemmed: "reopen" finds "reopening"; a quote of no known language is not stemmed.
        assert found(session, "reopen") == ["We are reopening the schools on Monday"]
        assert found(session, "school") == ["We are reopening the schools on Monday"]
    else:
        # SQLite's unicode61 tokenizer has no stemmer: a word matches only itself.
        assert found(session, "reopen") == []
        assert found(session, "schools") == ["We are reopening the schools on Monday"]


def test_combined_with_speaker_and_date_filters_in_one_statement(
    session: Session, ann: Speaker, engine: Engine
) -> None:
    bob = speakers.create_speaker(session, name="Bob Tally")
    quotes.create_quote(session, speaker=ann, text="Tariffs will hurt us", said_on="2019-05")
    quotes.create_quote(session, speaker=ann, text="Tariffs are here to stay", said_on="2021-02-03")
    quotes.create_quote(session, speaker=bob, text="Tariffs were a mistake", said_on="2021-06")
    session.flush()
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    connection = session.connection()
    event.listen(connection, "before_cursor_execute", count)
    try:
        hits = found(
            session,
            "tariffs",
            speaker_id=ann.id,
            said_from=PartialDate.parse("2020"),
            said_to=PartialDate.parse("2021"),
        )
    finally:
        event.remove(connection, "before_cursor_execute", count)
    assert hits == ["Tariffs are here to stay"]
    assert len(statements) == 1
    assert found(session, "tariffs", speaker_name="bob tally") == ["Tariffs were a mistake"]


def test_the_index_follows_create_update_and_delete(session: Session, ann: Speaker) -> None:
    quote = quotes.create_quote(session, speaker=ann, text="The lighthouse keeper retired", language="en")
    assert found(session, "lighthouse") == ["The lighthouse keeper retired"]
    quotes.update_quote(
        session, quote.id, version=quote.version, changes={"text": "The ferry captain retired"}
    )
    session.flush()
    assert found(session, "lighthouse") == []
    assert found(session, "ferry") == ["The ferry captain retired"]
    quotes.update_quote(
        session, quote.id, version=quote.version, changes={"note": "checked"}
    )  # words unchanged
    session.flush()
    assert found(session, "ferry") == ["The ferry captain retired"]
    quotes.delete_quote(session, quote.id, version=quote.version)
    session.flush()
    assert found(session, "ferry") == []
    assert found(session, "retired") == []


def test_ranking_looks_only_at_the_newest_candidates(
    session: Session, ann: Speaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = [quotes.create_quote(session, speaker=ann, text=f"Budget line number {n}") for n in range(5)]
    made.append(quotes.create_quote(session, speaker=ann, text="Budget budget budget budget"))
    monkeypatch.setattr(search, "CANDIDATES", 3)
    assert found(session, "budget")[0] == "Budget budget budget budget"
    assert {quote.text for quote, _ in search.search_quotes(session, "budget", limit=10)} == {
        made[-1].text,
        made[-2].text,
        made[-3].text,
    }
    # A narrower search brings older quotes back into the set.
    assert found(session, "budget 0") == ["Budget line number 0"]


def test_speaker_name_search_still_works(session: Session) -> None:
    speakers.create_speaker(session, name="Sergey Lavrov", aliases=["Sergei Lavrov"])
    speakers.create_speaker(session, name="Ségolène Royal")
    session.flush()

    def named(name: str) -> list[str]:
        where = speaker_conditions(SpeakerFilter(name=name))
        return list(session.scalars(select(Speaker.name).where(*where).order_by(Speaker.name)))

    assert named("serg lav") == ["Sergey Lavrov"]
    assert named("sergei") == ["Sergey Lavrov"]
    assert named("SEGO") == ["Ségolène Royal"]
    assert named("royal") == ["Ségolène Royal"]
    assert named("avrov") == []  # word prefixes, not substrings


def test_language_map_matches_the_migration(session: Session) -> None:
    if backend() != "postgresql":
        pytest.skip("the map only exists as SQL on PostgreSQL")
    for code, name in [*search.LANGUAGES.items(), ("en-GB", "english"), ("xx", "simple"), (None, "simple")]:
        config = session.scalar(text("SELECT quotecheck_search_config(:code)::text"), {"code": code})
        assert config == f"quotecheck_{name}", code


# --- the API -------------------------------------------------------------------------------------------------------
QUOTES = """
query($search: String, $first: Int, $after: String, $filter: QuoteFilter, $order: QuoteOrder) {
  quotes(search: $search, first: $first, after: $after, filter: $filter, orderBy: $order) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { text snippet } }
  }
}
"""


@pytest.fixture
def seeded(scratch_engine: Engine) -> None:
    with seeding(scratch_engine) as db:
        ann = speakers.create_speaker(db, name="Ann Ledger")
        bob = speakers.create_speaker(db, name="Bob Tally")
        for line in FILLER:
            quotes.create_quote(db, speaker=ann, text=line, language="en")
        for n in range(7):
            quotes.create_quote(db, speaker=bob, text=f"The harbour plan, part {n}, is late", said_on="2020")
        quotes.create_quote(db, speaker=ann, text="Harbour, harbour: the harbour is ours", said_on="2021")
        long = " ".join(["Words before the match go on and on."] * 8)
        quotes.create_quote(db, speaker=ann, text=f"{long} Then the harbour appears. {long}")
        sources.create_source(db, kind=SourceKind.ARTICLE, title="Harbour news", text="A story about ships")
        sources.create_source(db, kind=SourceKind.ARTICLE, title="Ships", text="The harbour opened")
        sources.create_source(db, kind=SourceKind.ARTICLE, title="Weather", text="Rain again")


def texts(connection: dict[str, Any]) -> list[str]:
    return [edge["node"]["text"] for edge in connection["edges"]]


def test_api_search_ranks_pages_and_highlights(scratch_api: GraphQLClient, seeded: None) -> None:
    first = scratch_api.query(QUOTES, {"search": "HARBOUR", "first": 5})["quotes"]
    assert first["totalCount"] == 9
    assert texts(first)[0] == "Harbour, harbour: the harbour is ours"
    assert first["edges"][0]["node"]["snippet"] == "«Harbour», «harbour»: the «harbour» is ours"
    assert first["pageInfo"]["hasNextPage"] is True
    second = scratch_api.query(
        QUOTES, {"search": "HARBOUR", "first": 5, "after": first["pageInfo"]["endCursor"]}
    )["quotes"]
    assert second["pageInfo"]["hasNextPage"] is False
    seen = texts(first) + texts(second)
    assert len(seen) == len(set(seen)) == 9
    long = next(
        edge["node"]["snippet"]
        for edge in first["edges"] + second["edges"]
        if "appears" in edge["node"]["text"]
    )
    assert "«harbour» appears" in long and len(long.split()) <= 35


def test_api_search_with_filters_and_an_explicit_order(scratch_api: GraphQLClient, seeded: None) -> None:
    speaker_id = scratch_api.query('{ speakers(filter: {name: "bob"}) { edges { node { id } } } }')[
        "speakers"
    ]["edges"][0]["node"]["id"]
    narrowed = scratch_api.query(
        QUOTES,
        {"search": 'harbour -"part 3"', "filter": {"speakerId": speaker_id, "from": "2020", "to": "2020"}},
    )["quotes"]
    assert sorted(texts(narrowed)) == [f"The harbour plan, part {n}, is late" for n in (0, 1, 2, 4, 5, 6)]
    ordered = scratch_api.query(
        QUOTES, {"search": "harbour plan", "order": {"field": "ID", "direction": "DESC"}}
    )["quotes"]
    assert texts(ordered) == [f"The harbour plan, part {n}, is late" for n in range(6, -1, -1)]
    assert ordered["edges"][0]["node"]["snippet"] == "The «harbour» «plan», part 6, is late"
    plain = scratch_api.query(QUOTES, {"first": 1})["quotes"]
    assert plain["edges"][0]["node"]["snippet"] is None


def test_api_sources_search_weighs_titles(scratch_api: GraphQLClient, seeded: None) -> None:
    data = scratch_api.query('{ sources(search: "harbour") { edges { node { title snippet } } } }')
    edges = data["sources"]["edges"]
    assert [edge["node"]["title"] for edge in edges] == ["Harbour news", "Ships"]
    assert "«harbour» opened" in edges[1]["node"]["snippet"]


def test_api_bad_search_is_a_client_error(scratch_api: GraphQLClient, seeded: None) -> None:
    for given in ["-harbour", "", "x" * 201]:
        errors = scratch_api.errors(QUOTES, {"search": given})
        assert errors[0]["extensions"]["code"] == "INVALID", errors


def test_api_index_follows_mutations(
    scratch_api: GraphQLClient, seeded: None, scratch_engine: Engine
) -> None:
    with seeding(scratch_engine) as db:
        ann = db.scalars(select(Speaker).where(Speaker.name == "Ann Ledger")).one()
        quotes.create_quote(db, speaker=ann, text="A brand new lighthouse")
    assert texts(scratch_api.query(QUOTES, {"search": "lighthouse"})["quotes"]) == ["A brand new lighthouse"]
    with seeding(scratch_engine) as db:
        quote = db.scalars(select(Quote).where(Quote.text == "A brand new lighthouse")).one()
        quotes.delete_quote(db, quote.id, version=quote.version)
    assert texts(scratch_api.query(QUOTES, {"search": "lighthouse"})["quotes"]) == []


# --- migration 0005 ---------------------------------------------------------------------------------------------------
def test_round_trip_backfills_and_leaves_nothing_for_autogenerate(
    scratch_engine: Engine, scratch_url: str, seeded: None
) -> None:
    config = migrate.alembic_config(scratch_url)
    migrate.downgrade(config, "0004")
    with scratch_engine.connect() as connection:
        names = set(inspect(connection).get_table_names())
        assert not names & set(include_search_object.__globals__["SEARCH_TABLES"])
        assert "search_vector" not in {column["name"] for column in inspect(connection).get_columns("quote")}
    migrate.upgrade(config, "head")
    with Session(scratch_engine) as session:
        assert len(found(session, "harbour")) == 9  # rows stored before the upgrade are indexed
    migrate.downgrade(config, "0004")
    migrate.upgrade(config, "head")
    with scratch_engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "target_metadata": Base.metadata,
                "include_object": include_search_object,
            },
        )
        assert compare_metadata(context, Base.metadata) == []
    with Session(scratch_engine) as session:
        assert len(found(session, "harbour")) == 9

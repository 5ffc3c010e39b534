"""Relay paging through real HTTP: keyset cursors both ways, the edge cases, stability while rows are inserted,
nested lists, and the number of SQL statements of a deep query (which must not grow with the page size)."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import Engine, event, func, select

from quotecheck.db import make_engine, session_scope
from quotecheck.enums import SourceKind
from quotecheck.models import Quote, Speaker
from quotecheck.services import appearances, factchecks, outlets, quotes, sources, speakers
from quotecheck.settings import database_urls
from tests.conftest import GraphQLClient, seeding

Json = dict[str, Any]

PAGE = """
query($first: Int, $after: String, $last: Int, $before: String, $order: QuoteOrder, $filter: QuoteFilter) {
  quotes(first: $first, after: $after, last: $last, before: $before, orderBy: $order, filter: $filter) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id text } }
  }
}
"""


def page(api: GraphQLClient, **variables: Any) -> Json:
    connection: Json = api.query(PAGE, variables)["quotes"]
    edges = connection["edges"]
    info = connection["pageInfo"]
    assert info["startCursor"] == (edges[0]["cursor"] if edges else None)
    assert info["endCursor"] == (edges[-1]["cursor"] if edges else None)
    return connection


def texts(connection: Json) -> list[str]:
    return [edge["node"]["text"] for edge in connection["edges"]]


def walk_forward(api: GraphQLClient, size: int, **variables: Any) -> tuple[list[str], list[int]]:
    """Every text met walking with `first`/`after` until no next page, and the size of each page."""
    seen: list[str] = []
    sizes: list[int] = []
    after = None
    while True:
        connection = page(api, first=size, after=after, **variables)
        assert connection["pageInfo"]["hasPreviousPage"] is (after is not None)
        seen += texts(connection)
        sizes.append(len(connection["edges"]))
        if not connection["pageInfo"]["hasNextPage"]:
            return seen, sizes
        after = connection["pageInfo"]["endCursor"]


def walk_backward(api: GraphQLClient, size: int, **variables: Any) -> tuple[list[str], list[int]]:
    """The same with `last`/`before` from the end; returned in list order (the last page's rows last)."""
    seen: list[str] = []
    sizes: list[int] = []
    before = None
    while True:
        connection = page(api, last=size, before=before, **variables)
        assert connection["pageInfo"]["hasNextPage"] is (before is not None)
        seen = texts(connection) + seen
        sizes.append(len(connection["edges"]))
        if not connection["pageInfo"]["hasPreviousPage"]:
            return seen, sizes
        before = connection["pageInfo"]["startCursor"]


def cursor(*parts: Any) -> str:
    """A cursor made by hand, as a client could forge one."""
    return base64.urlsafe_b64encode(json.dumps(list(parts)).encode()).decode().rstrip("=")


def error_message(api: GraphQLClient, query: str, variables: Json | None = None) -> str:
    (error,) = api.errors(query, variables)
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    message: str = error["message"]
    return message


@pytest.fixture(scope="module")
def demo_texts(demo_url: str) -> list[str]:
    """Every quote of the demo database, in id order, read with plain SQL."""
    engine = make_engine(database_urls(demo_url))
    with engine.connect() as connection:
        found = list(connection.scalars(select(Quote.text).order_by(Quote.id)))
        assert connection.scalar(select(func.count()).select_from(Quote)) == len(found)
    engine.dispose()
    return found


# --- walking the whole list ----------------------------------------------------------------------------------


def test_walking_seven_at_a_time_meets_every_quote_once(api: GraphQLClient, demo_texts: list[str]) -> None:
    seen, sizes = walk_forward(api, 7)
    assert seen == demo_texts
    assert sizes == [7, 6]
    assert page(api, first=7)["totalCount"] == len(demo_texts) == 13


def test_walking_backwards_seven_at_a_time(api: GraphQLClient, demo_texts: list[str]) -> None:
    seen, sizes = walk_backward(api, 7)
    assert seen == demo_texts
    assert sizes == [7, 6]
    seen, _ = walk_backward(api, 7, order={"field": "ID", "direction": "DESC"})
    assert seen == demo_texts[::-1]


@pytest.mark.parametrize("size", [1, 2, 5, 12, 13, 100])
def test_every_page_size_walks_the_same_list(api: GraphQLClient, demo_texts: list[str], size: int) -> None:
    order = {"field": "SAID_ON", "direction": "DESC"}
    expected = texts(page(api, first=100, order=order))
    assert walk_forward(api, size, order=order)[0] == expected
    assert walk_backward(api, size, order=order)[0] == expected
    assert sorted(expected) == sorted(demo_texts)


def test_speakers_page_by_name_with_text_cursors(api: GraphQLClient) -> None:
    query = (
        "query($after: String, $before: String, $first: Int, $last: Int) { speakers(orderBy: {field: NAME},"
        " first: $first, after: $after, last: $last, before: $before) { pageInfo { hasNextPage hasPreviousPage"
        " startCursor endCursor } edges { node { name } } } }"
    )
    first = api.query(query, {"first": 3})["speakers"]
    second = api.query(query, {"first": 3, "after": first["pageInfo"]["endCursor"]})["speakers"]
    third = api.query(query, {"first": 3, "after": second["pageInfo"]["endCursor"]})["speakers"]
    names = [[edge["node"]["name"] for edge in part["edges"]] for part in (first, second, third)]
    assert names == [
        ["Bram Hollis", "Elena Várga", "Ines Calloway"],
        ["Margaux Duval", "Sergey Lavrov", "Susan Glasser"],
        ["Tomas Reyes"],
    ]
    assert [part["pageInfo"]["hasNextPage"] for part in (first, second, third)] == [True, True, False]
    back = api.query(query, {"last": 2, "before": third["pageInfo"]["startCursor"]})["speakers"]
    assert [edge["node"]["name"] for edge in back["edges"]] == ["Sergey Lavrov", "Susan Glasser"]
    assert (back["pageInfo"]["hasPreviousPage"], back["pageInfo"]["hasNextPage"]) == (True, True)


# --- edge cases ----------------------------------------------------------------------------------------------


def test_an_empty_list(api: GraphQLClient) -> None:
    for arguments in ({"first": 5}, {"last": 5}, {}):
        connection = page(api, filter={"textContains": "no such words"}, **arguments)
        assert connection == {
            "totalCount": 0,
            "pageInfo": {
                "hasNextPage": False,
                "hasPreviousPage": False,
                "startCursor": None,
                "endCursor": None,
            },
            "edges": [],
        }


def test_exactly_one_page_and_the_last_page(api: GraphQLClient, demo_texts: list[str]) -> None:
    whole = page(api, first=13)
    assert texts(whole) == demo_texts
    assert (whole["pageInfo"]["hasNextPage"], whole["pageInfo"]["hasPreviousPage"]) == (False, False)
    assert page(api, first=12)["pageInfo"]["hasNextPage"] is True
    assert page(api)["pageInfo"]["hasNextPage"] is False  # 20 by default
    assert texts(page(api, last=13)) == demo_texts
    assert page(api, last=13)["pageInfo"]["hasPreviousPage"] is False
    assert page(api, last=12)["pageInfo"]["hasPreviousPage"] is True
    # the last page, reached forwards: a short page that says nothing follows
    tenth = page(api, first=10)["pageInfo"]["endCursor"]
    last = page(api, first=10, after=tenth)
    assert texts(last) == demo_texts[10:]
    assert (last["pageInfo"]["hasNextPage"], last["pageInfo"]["hasPreviousPage"]) == (False, True)
    # past the end: an empty page
    end = last["pageInfo"]["endCursor"]
    assert page(api, first=5, after=end)["edges"] == []
    assert page(api, first=5, after=end)["pageInfo"]["hasNextPage"] is False
    # between two cursors
    window = page(api, first=100, after=page(api, first=3)["pageInfo"]["endCursor"], before=end)
    assert texts(window) == demo_texts[3:12]


def test_first_zero_is_an_empty_page_that_knows_more_follow(api: GraphQLClient) -> None:
    connection = page(api, first=0)
    assert connection["edges"] == []
    assert connection["totalCount"] == 13
    assert connection["pageInfo"] == {
        "hasNextPage": True,
        "hasPreviousPage": False,
        "startCursor": None,
        "endCursor": None,
    }


def test_bad_page_arguments_are_clear_errors(api: GraphQLClient) -> None:
    first_page = page(api, first=2)["pageInfo"]["endCursor"]
    by_date = page(api, first=2, order={"field": "SAID_ON"})["pageInfo"]["endCursor"]
    assert error_message(api, PAGE, {"first": 101}) == (
        "`first: 101` is outside 0..100; ask for at most 100 and page on"
    )
    assert error_message(api, PAGE, {"last": 1000}) == (
        "`last: 1000` is outside 0..100; ask for at most 100 and page on"
    )
    assert error_message(api, PAGE, {"first": -1}).startswith("`first: -1` is outside 0..100")
    assert error_message(api, PAGE, {"first": 2, "last": 2}) == "give `first` or `last`, not both"
    assert error_message(api, PAGE, {"after": "garbage"}) == (
        "'garbage' is not a cursor; pass a `cursor` or `pageInfo` value returned by this API"
    )
    assert error_message(api, PAGE, {"before": "W10"}).startswith("'W10' is not a cursor")  # "[]"
    assert error_message(api, PAGE, {"after": first_page, "order": {"field": "SAID_ON"}}) == (
        "this cursor was made for orderBy ID_ASC, not SAID_ON_ASC; page with the same orderBy"
    )
    assert error_message(
        api, PAGE, {"after": by_date, "order": {"field": "SAID_ON", "direction": "DESC"}}
    ) == ("this cursor was made for orderBy SAID_ON_ASC, not SAID_ON_DESC; page with the same orderBy")


@pytest.mark.parametrize(
    "forged",
    [
        cursor("ID_ASC", "1; DROP TABLE quote", 1),
        cursor("ID_ASC", None, 1),
        cursor("ID_ASC", [1], 1),
        cursor("ID_ASC", 1, "1"),
        cursor("ID_ASC", 1, True),
        cursor("ID_ASC", 1),
    ],
)
def test_a_forged_cursor_is_refused(api: GraphQLClient, forged: str) -> None:
    message = error_message(api, PAGE, {"after": forged})
    assert message == f"{forged!r} is not a cursor; pass a `cursor` or `pageInfo` value returned by this API"


def test_nested_page_sizes_are_limited_too(api: GraphQLClient) -> None:
    query = "{ speakers(first: 1) { edges { node { quotes(first: 101) { totalCount } } } } }"
    assert error_message(api, query) == "`first: 101` is outside 0..100; ask for at most 100 and page on"


# --- nested lists --------------------------------------------------------------------------------------------

NESTED = """
query($first: Int, $after: String, $last: Int, $before: String) {
  speakers(first: 10) { edges { node { name
    quotes(first: $first, after: $after, last: $last, before: $before) {
      totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { text } }
    }
  } } }
}
"""


def test_a_speakers_quotes_page_in_both_directions(api: GraphQLClient, demo_texts: list[str]) -> None:
    def varga(**variables: Any) -> Json:
        data = api.query(NESTED, variables)["speakers"]["edges"]
        found: list[Json] = [edge["node"]["quotes"] for edge in data if edge["node"]["name"] == "Elena Várga"]
        (quotes_of_varga,) = found
        return quotes_of_varga

    seen: list[str] = []
    after = None
    for expected_size in (4, 4, 1):
        part = varga(first=4, after=after)
        assert part["totalCount"] == 9
        assert len(part["edges"]) == expected_size
        seen += texts(part)
        after = part["pageInfo"]["endCursor"]
    assert part["pageInfo"] == {**part["pageInfo"], "hasNextPage": False, "hasPreviousPage": True}
    assert seen == demo_texts[4:]
    back: list[str] = []
    before = None
    while True:
        part = varga(last=4, before=before)
        back = texts(part) + back
        if not part["pageInfo"]["hasPreviousPage"]:
            break
        before = part["pageInfo"]["startCursor"]
    assert back == demo_texts[4:]
    # every speaker's list on one page, quoteless ones empty
    everyone = {
        edge["node"]["name"]: edge["node"]["quotes"]
        for edge in api.query(NESTED, {"first": 2})["speakers"]["edges"]
    }
    assert {name: (part["totalCount"], len(part["edges"])) for name, part in everyone.items()} == {
        "Sergey Lavrov": (4, 2),
        "Susan Glasser": (0, 0),
        "Elena Várga": (9, 2),
        "Tomas Reyes": (0, 0),
        "Bram Hollis": (0, 0),
        "Margaux Duval": (0, 0),
        "Ines Calloway": (0, 0),
    }
    assert texts(everyone["Sergey Lavrov"]) == demo_texts[:2]
    assert everyone["Sergey Lavrov"]["pageInfo"]["hasNextPage"] is True
    root_cursor = page(api, first=1)["pageInfo"]["endCursor"]
    assert error_message(api, NESTED, {"after": root_cursor}) == (
        "this cursor was made for orderBy ID_ASC, not ID; page with the same orderBy"
    )


def test_a_quotes_appearances_page(api: GraphQLClient) -> None:
    query = """
    query($after: String) { quotes(filter: {textContains: "put my name to that"}) { edges { node {
      appearances(first: 3, after: $after) { totalCount pageInfo { hasNextPage endCursor }
        edges { node { source { title } } } } } } } }
    """

    def titles(part: Json) -> list[str]:
        return [edge["node"]["source"]["title"] for edge in part["edges"]]

    (quote,) = api.query(query)["quotes"]["edges"]
    first = quote["node"]["appearances"]
    assert (first["totalCount"], first["pageInfo"]["hasNextPage"]) == (4, True)
    assert titles(first) == [
        "Mayor Várga on Harbour Radio: Bridge open before autumn storms",
        "Marrowick mayor sets autumn deadline for harbour bridge",
        "Harbour Radio News at six, 14 March 2024",
    ]
    (quote,) = api.query(query, {"after": first["pageInfo"]["endCursor"]})["quotes"]["edges"]
    rest = quote["node"]["appearances"]
    assert titles(rest) == ["Mayor Várga on Harbour Radio: Bridge open before autumn storms"]
    assert rest["pageInfo"]["hasNextPage"] is False


# --- stability: dates with ties and gaps, rows inserted while paging -----------------------------------------------


SAID = ["2013-03", None, "2013", "2013-03-14", "2012-12", None, "2014", "2013-03", None, "2013-03-14", "2013"]


def _build_dated(engine: Engine) -> None:
    with seeding(engine) as db:
        speaker = speakers.create_speaker(db, name="Ada Okafor")
        for index, date in enumerate(SAID):
            quotes.create_quote(db, speaker=speaker, text=f"{date} #{index:02d}", said_on=date)


@pytest.mark.parametrize("direction", ["ASC", "DESC"])
def test_said_on_pages_stably_with_ties_and_undated_rows(
    scratch_api: GraphQLClient, scratch_engine: Engine, direction: str
) -> None:
    _build_dated(scratch_engine)
    order = {"field": "SAID_ON", "direction": direction}
    everything = texts(page(scratch_api, first=100, order=order))
    expected_ascending = [
        "2012-12 #04",
        "2013 #02",
        "2013 #10",
        "2013-03 #00",
        "2013-03 #07",
        "2013-03-14 #03",
        "2013-03-14 #09",
        "2014 #06",
        "None #01",
        "None #05",
        "None #08",
    ]
    # undated rows come last in both directions (ties by id, in the same direction)
    expected_descending = [*expected_ascending[:-3][::-1], *expected_ascending[-3:][::-1]]
    assert everything == (expected_ascending if direction == "ASC" else expected_descending)
    for size in (1, 2, 3, 4):
        assert walk_forward(scratch_api, size, order=order)[0] == everything
        assert walk_backward(scratch_api, size, order=order)[0] == everything


@pytest.mark.parametrize(
    ("order", "new_seen"),
    [
        ({"field": "ID"}, ["2012-01 new", "2013-06 new", "None new"]),
        ({"field": "SAID_ON"}, ["2013-06 new", "None new"]),
        ({"field": "SAID_ON", "direction": "DESC"}, ["2012-01 new", "None new"]),
    ],
)
def test_rows_inserted_between_pages_cause_no_duplicate_and_no_miss(
    scratch_api: GraphQLClient, scratch_engine: Engine, order: Json, new_seen: list[str]
) -> None:
    _build_dated(scratch_engine)
    before = texts(page(scratch_api, first=100, order=order))
    first = page(scratch_api, first=4, order=order)
    assert texts(first) == before[:4]
    # committed between two requests: rows that sort before the cursor, after it, and undated
    with seeding(scratch_engine) as db:
        speaker = db.scalars(select(Speaker)).one()
        for text, date in (("2012-01 new", "2012-01"), ("2013-06 new", "2013-06"), ("None new", None)):
            quotes.create_quote(db, speaker=speaker, text=text, said_on=date)
    seen = texts(first)
    after = first["pageInfo"]["endCursor"]
    while True:
        connection = page(scratch_api, first=4, after=after, order=order)
        assert connection["totalCount"] == len(SAID) + 3
        seen += texts(connection)
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]
    now = texts(page(scratch_api, first=100, order=order))
    # every row once; every old row; and exactly the new rows that sort after the first page
    assert seen == before[:4] + now[now.index(before[3]) + 1 :]
    assert [text for text in seen if "new" not in text] == before
    assert [text for text in seen if "new" in text] == new_seen


# --- statement counts ----------------------------------------------------------------------------------------

DEEP = """
query($first: Int!) { quotes(first: $first) { totalCount edges { node {
  text saidOn { iso }
  speaker { name aliases { name } }
  appearances { totalCount edges { node { textAsPublished relation source { title outlet { name } } } } }
  factChecks { verdict rating { value } evidence { passage } }
} } } }
"""


def _build_many(engine: Engine, count: int) -> None:
    """`count` quotes of four speakers, each printed in two sources of three outlets, each fact-checked."""
    with seeding(engine) as db:
        people = [
            speakers.create_speaker(db, name=name, aliases=[f"{name[0]}. {name.split()[1]}"])
            for name in ("Ada Okafor", "Ben Carver", "Cleo Marsh", "Dev Anand")
        ]
        papers = [
            outlets.create_outlet(db, name=name, kind="NEWSPAPER")
            for name in ("Port Gazette", "Port Ledger", "Port Wire")
        ]
        documents = [
            sources.create_source(
                db,
                kind=SourceKind.ARTICLE,
                title=f"article {index}",
                outlet=papers[index % 3],
                url=f"https://example.org/{index}",
            )
            for index in range(6)
        ]
        for index in range(count):
            text = f"Statement {index:03d}"
            quote = quotes.create_quote(
                db,
                speaker=people[index % 4],
                text=text,
                said_on=None if index % 5 == 0 else f"20{index % 20:02d}",
            )
            for document in (documents[index % 6], documents[(index + 1) % 6]):
                appearances.create_appearance(
                    db, quote=quote, source=document, text=text, relation="VERBATIM"
                )
            check = factchecks.create_fact_check(
                db,
                quote=quote,
                claim_reviewed=f"{text} was said",
                verdict="VERBATIM",
                rating_value=5,
                best_rating=5,
                worst_rating=1,
                evidence=[factchecks.EvidenceInput(source=documents[index % 6], passage=text)],
            )
            factchecks.publish_fact_check(db, check)


@contextmanager
def statements(api: GraphQLClient) -> Iterator[list[str]]:
    """The SQL statements the API runs meanwhile (transaction control left out: SQLite's BEGIN is explicit)."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK")):
            seen.append(statement)

    target = api.engine.sync_engine
    event.listen(target, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(target, "before_cursor_execute", record)


def test_a_deep_query_costs_the_same_statements_at_any_page_size(
    scratch_api: GraphQLClient, scratch_engine: Engine
) -> None:
    _build_many(scratch_engine, 112)
    counted: dict[int, int] = {}
    for size in (5, 100):
        with statements(scratch_api) as seen:
            data = scratch_api.query(DEEP, {"first": size})["quotes"]
        counted[size] = len(seen)
        assert data["totalCount"] == 112
        assert len(data["edges"]) == size
        for edge in data["edges"]:
            node = edge["node"]
            assert node["appearances"]["totalCount"] == 2
            assert [item["node"]["textAsPublished"] for item in node["appearances"]["edges"]] == [
                node["text"]
            ] * 2
            assert node["factChecks"] == [
                {"verdict": "VERBATIM", "rating": {"value": 5}, "evidence": [{"passage": node["text"]}]}
            ]
        last = data["edges"][-1]["node"]
        first, family = last["speaker"]["name"].split()
        assert last["speaker"]["aliases"] == [{"name": f"{first[0]}. {family}"}]
    # quotes, their count, speakers, aliases, appearances and their counts, sources, outlets, fact-checks, evidence
    assert counted == {5: 10, 100: 10}


NESTED_DEEP = """
query($first: Int!) { speakers { edges { node { name
  quotes(first: $first) { totalCount edges { node {
    text interview { title }
    firstAppearance { source { title } }
    appearances(first: 1) { edges { node { chain { __typename } } } }
    factChecks { claimReview }
  } } }
} } } }
"""


def test_a_nested_list_costs_the_same_statements_at_any_page_size(
    scratch_api: GraphQLClient, scratch_engine: Engine
) -> None:
    _build_many(scratch_engine, 112)
    counted: dict[int, int] = {}
    for size in (5, 100):
        with statements(scratch_api) as seen:
            data = scratch_api.query(NESTED_DEEP, {"first": size})["speakers"]
        counted[size] = len(seen)
        lists = [edge["node"]["quotes"] for edge in data["edges"]]
        assert [part["totalCount"] for part in lists] == [28] * 4
        assert [len(part["edges"]) for part in lists] == [min(size, 28)] * 4
        for edge in lists[-1]["edges"]:
            node = edge["node"]
            (review,) = node["factChecks"]
            assert (
                review["claimReview"]["itemReviewed"]["firstAppearance"]["headline"]
                == (node["firstAppearance"]["source"]["title"])
            )
            assert node["appearances"]["edges"] == [{"node": {"chain": [{"__typename": "Appearance"}]}}]
    # speakers; their quotes and the quotes' count; first appearances; appearances; fact-checks; the first
    # appearances' sources (the ClaimReview's too); and for the ClaimReview, the quotes by id and their speakers
    assert counted == {5: 9, 100: 9}


def test_walking_a_long_list_both_ways(scratch_api: GraphQLClient, scratch_engine: Engine) -> None:
    _build_many(scratch_engine, 112)
    expected = [f"Statement {index:03d}" for index in range(112)]
    seen, sizes = walk_forward(scratch_api, 7)
    assert seen == expected
    assert sizes == [7] * 16
    seen, sizes = walk_backward(scratch_api, 7)
    assert seen == expected
    assert sizes == [7] * 16
    with session_scope(scratch_engine) as db:
        assert db.scalar(select(func.count()).select_from(Quote)) == 112


def test_nodes_are_fetched_in_one_statement_per_type(api: GraphQLClient) -> None:
    listing = api.query("{ quotes(first: 100) { edges { node { id } } } speakers { edges { node { id } } } }")
    ids = [edge["node"]["id"] for edge in listing["quotes"]["edges"] + listing["speakers"]["edges"]]
    query = "query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Quote { speaker { name } } } }"
    with statements(api) as seen:
        data = api.query(query, {"ids": ids})
    assert [node["id"] for node in data["nodes"]] == ids
    # the quotes, the speakers asked for, the quotes' speakers (already loaded: no statement)
    assert len(seen) == 2, seen

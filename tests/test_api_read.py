"""The read API through real HTTP: every root field, filter, ordering and object field, over the demo corpus
(the seed's Lavrov story and the fictional Marrowick one) and over scratch databases built for one question."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine

from quotecheck.api.ids import encode_id
from quotecheck.enums import SourceKind
from quotecheck.services import appearances, factchecks, interviews, outlets, quotes, sources, speakers
from quotecheck.services.interviews import ParticipantInput
from quotecheck.services.sources import TurnInput
from quotecheck.services.speakers import RoleInput
from tests.conftest import GraphQLClient, seeding

Json = dict[str, Any]

# The demo's records in load order (which is id order), each known by the start of its text or title.
QUOTES = {
    "passage-1": "NATO has lost its raison d’être",
    "passage-2": "Russian military doctrine says",
    "passage-3": "The rule of law has been promoted",
    "headline": "NATO Takes Universal Military Posture",
    "bridge-open": "The bridge will be open to traffic",
    "bridge-open-fr": "Le pont sera ouvert",
    "three-designs": "We looked at three designs",
    "ferry-must": "the town must cover the ferry subsidy",
    "library-roads": "the library and the roads",
    "vanity": "a vanity project",
    "living-in-past": "Anyone who still opposes the bridge",
    "never-shut": "I have [...] said",
    "contract-splice": "The ferry contract runs",
}
LAVROV_QUOTES = ["passage-1", "passage-2", "passage-3", "headline"]
VARGA_QUOTES = list(QUOTES)[4:]
SOURCES = {
    "fp-transcript": "'The Law of Politics' According to Sergei Lavrov",
    "brief": "Sergey Lavrov in Foreign Policy Magazine",
    "tr-morning-tide": "Transcript: Morning Tide",
    "tr-ferry-vote": "Transcript: ferry subsidy press conference",
    "courier": "Mayor Várga on Harbour Radio",
    "wire-bridge": "Marrowick mayor sets autumn deadline",
    "vigie": "Pont du port",
    "quayside": "The mayor's bridge",
    "bulletin": "Harbour Radio News at six",
    "social": "Post by @MarrowickWatch",
    "wire-ferry": "Marrowick council approves",
}
INTERVIEWS = {
    "fp-2013": "Sergey Lavrov interviewed by Susan B. Glasser",
    "morning-tide": "Morning Tide: Mayor Elena Várga",
    "ferry-vote": "Press conference after the council vote",
}
SPEAKERS = [
    "Sergey Lavrov",
    "Susan Glasser",
    "Elena Várga",
    "Tomas Reyes",
    "Bram Hollis",
    "Margaux Duval",
    "Ines Calloway",
]
OUTLETS = [
    "Foreign Policy",
    "comiterepubliquecanada.ca",
    "Harbour Radio Marrowick",
    "The Marrowick Courier",
    "Coastline Wire",
    "La Vigie de Marrowick",
    "Quayside Notes",
]
VERDICTS = ["VERBATIM", "VERBATIM_WITH_ELISIONS", "ALTERED", "PARAPHRASED", "MISATTRIBUTED", "NOT_FOUND"]

# root field -> (filter input, order input, the field that names a row)
LISTS = {
    "quotes": ("QuoteFilter", "QuoteOrder", "text"),
    "speakers": ("SpeakerFilter", "SpeakerOrder", "name"),
    "outlets": ("OutletFilter", "OutletOrder", "name"),
    "interviews": ("InterviewFilter", "InterviewOrder", "title"),
    "sources": ("SourceFilter", "SourceOrder", "title"),
    "factChecks": ("FactCheckFilter", "FactCheckOrder", "verdict"),
}
KEYED = {"quotes": QUOTES, "interviews": INTERVIEWS, "sources": SOURCES}


def key_of(root: str, label: str) -> str:
    """The short key of a row from its naming field (text or title); names and verdicts are their own key."""
    if root not in KEYED:
        return label
    (key,) = [key for key, start in KEYED[root].items() if label.startswith(start)]
    return key


def nodes(connection: Json) -> list[Json]:
    return [edge["node"] for edge in connection["edges"]]


def listed(api: GraphQLClient, root: str, filter: Json | None = None, order: Json | None = None) -> list[str]:
    """Keys of every row a root list returns (one page of 100), checked against its totalCount."""
    filter_type, order_type, field = LISTS[root]
    query = (
        f"query($filter: {filter_type}, $order: {order_type}) {{ {root}(filter: $filter, orderBy: $order, "
        f"first: 100) {{ totalCount edges {{ node {{ {field} }} }} }} }}"
    )
    connection = api.query(query, {"filter": filter, "order": order})[root]
    found = [key_of(root, node[field]) for node in nodes(connection)]
    assert connection["totalCount"] == len(found)
    return found


def error_message(api: GraphQLClient, query: str, variables: Json | None = None) -> str:
    (error,) = api.errors(query, variables)
    message: str = error["message"]
    return message


@pytest.fixture(scope="module")
def ids(api: GraphQLClient) -> dict[str, str]:
    """Global IDs of the demo's records by key (speakers and outlets by name)."""
    data = api.query(
        "{ speakers(first: 100) { edges { node { id name } } } outlets(first: 100) { edges { node { id name } } }"
        " interviews(first: 100) { edges { node { id title } } } sources(first: 100) { edges { node { id title } } }"
        " quotes(first: 100) { edges { node { id text } } } factChecks(first: 100) { edges { node { id verdict } } } }"
    )
    found: dict[str, str] = {}
    for root, connection in data.items():
        field = LISTS[root][2]
        for node in nodes(connection):
            found[key_of(root, node[field])] = node["id"]
    return found


# --- root fields ---------------------------------------------------------------------------------------------


def test_every_root_list_holds_the_demo_in_id_order(api: GraphQLClient) -> None:
    assert listed(api, "quotes") == list(QUOTES)
    assert listed(api, "speakers") == SPEAKERS
    assert listed(api, "outlets") == OUTLETS
    assert listed(api, "interviews") == list(INTERVIEWS)
    assert listed(api, "sources") == list(SOURCES)
    assert listed(api, "factChecks") == VERDICTS


def test_quote_and_speaker_by_id(api: GraphQLClient, ids: dict[str, str]) -> None:
    data = api.query(
        "query($q: ID!, $s: ID!) { quote(id: $q) { id text speaker { name } } speaker(id: $s) { id name } }",
        {"q": ids["headline"], "s": ids["Susan Glasser"]},
    )
    assert data == {
        "quote": {
            "id": ids["headline"],
            "text": "NATO Takes Universal Military Posture",
            "speaker": {"name": "Sergey Lavrov"},
        },
        "speaker": {"id": ids["Susan Glasser"], "name": "Susan Glasser"},
    }


def test_a_missing_row_is_null_and_a_wrong_id_an_error(api: GraphQLClient, ids: dict[str, str]) -> None:
    missing = {"q": encode_id("Quote", 999999), "s": encode_id("Speaker", 999999)}
    assert api.query("query($q: ID!, $s: ID!) { quote(id: $q) { id } speaker(id: $s) { id } }", missing) == {
        "quote": None,
        "speaker": None,
    }
    assert api.query("query($id: ID!) { node(id: $id) { id } }", {"id": missing["q"]}) == {"node": None}
    wrong_type = error_message(api, "query($id: ID!) { quote(id: $id) { id } }", {"id": ids["Sergey Lavrov"]})
    assert wrong_type == f"ID {ids['Sergey Lavrov']!r} names a Speaker, not a Quote"
    assert "is not a quotecheck ID" in error_message(api, '{ node(id: "not-an-id!") { id } }')


NODE_TYPES = {
    # type -> (a query listing every object of that type in the demo, the field compared, how many)
    "Speaker": ("{ list: speakers(first: 100) { edges { node { id name } } } }", "name", 7),
    "Outlet": ("{ list: outlets(first: 100) { edges { node { id name } } } }", "name", 7),
    "Interview": ("{ list: interviews(first: 100) { edges { node { id title } } } }", "title", 3),
    "Source": ("{ list: sources(first: 100) { edges { node { id title } } } }", "title", 11),
    "Quote": ("{ list: quotes(first: 100) { edges { node { id text } } } }", "text", 13),
    "Appearance": (
        "{ list: quotes(first: 100) { edges { node { appearances { edges { node { id textAsPublished } } } } } } }",
        "textAsPublished",
        16,
    ),
    "FactCheck": (
        "{ list: factChecks(first: 100) { edges { node { id claimReviewed } } } }",
        "claimReviewed",
        6,
    ),
}


@pytest.mark.parametrize("type_name", list(NODE_TYPES))
def test_node_round_trip(api: GraphQLClient, type_name: str) -> None:
    listing, field, count = NODE_TYPES[type_name]
    found = nodes(api.query(listing)["list"])
    if type_name == "Appearance":
        found = [item for quote in found for item in nodes(quote["appearances"])]
    assert len(found) == count
    fragment = f"__typename ... on {type_name} {{ id {field} }}"
    for item in (found[0], found[-1]):
        data = api.query(f"query($id: ID!) {{ node(id: $id) {{ {fragment} }} }}", {"id": item["id"]})
        assert data["node"] == {"__typename": type_name, **item}
    missing = encode_id(type_name, 999999)
    data = api.query(
        f"query($ids: [ID!]!) {{ nodes(ids: $ids) {{ {fragment} }} }}",
        {"ids": [item["id"] for item in reversed(found)] + [missing]},
    )
    assert data["nodes"] == [{"__typename": type_name, **item} for item in reversed(found)] + [None]


def test_nodes_mixes_types_in_the_order_asked(api: GraphQLClient, ids: dict[str, str]) -> None:
    data = api.query(
        "query($ids: [ID!]!) { nodes(ids: $ids) { __typename id"
        " ... on Outlet { name } ... on Speaker { name } ... on Quote { text } } }",
        {"ids": [ids["Quayside Notes"], ids["headline"], ids["Bram Hollis"]]},
    )
    assert data["nodes"] == [
        {"__typename": "Outlet", "id": ids["Quayside Notes"], "name": "Quayside Notes"},
        {"__typename": "Quote", "id": ids["headline"], "text": "NATO Takes Universal Military Posture"},
        {"__typename": "Speaker", "id": ids["Bram Hollis"], "name": "Bram Hollis"},
    ]
    too_many = error_message(
        api, "query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": [ids["headline"]] * 101}
    )
    assert too_many == "101 ids asked; ask for at most 100 at a time"


# --- quote filters -------------------------------------------------------------------------------------------


def test_quotes_by_speaker_id_and_name(api: GraphQLClient, ids: dict[str, str]) -> None:
    assert listed(api, "quotes", {"speakerId": ids["Sergey Lavrov"]}) == LAVROV_QUOTES
    assert listed(api, "quotes", {"speakerId": ids["Susan Glasser"]}) == []
    # a name or an alias, any case, any accents; the whole name, not a part of it
    for name in ("sergei lavrov", "Sergey Lavrov", "LAVROV", "Sergei Viktorovich Lavrov"):
        assert listed(api, "quotes", {"speakerName": name}) == LAVROV_QUOTES, name
    for name in ("ELENA VARGA", "elena várga", "Mayor Várga", "Mayor  Varga!"):
        assert listed(api, "quotes", {"speakerName": name}) == VARGA_QUOTES, name
    assert listed(api, "quotes", {"speakerName": "Sergey"}) == []
    assert listed(api, "quotes", {"speakerName": "Susan B. Glasser"}) == []


def test_quotes_by_outlet_interview_and_source(api: GraphQLClient, ids: dict[str, str]) -> None:
    # an outlet: appeared in one of its sources, or said in one of its interviews
    assert listed(api, "quotes", {"outletId": ids["Foreign Policy"]}) == LAVROV_QUOTES
    assert listed(api, "quotes", {"outletId": ids["comiterepubliquecanada.ca"]}) == LAVROV_QUOTES
    assert listed(api, "quotes", {"outletId": ids["Harbour Radio Marrowick"]}) == VARGA_QUOTES
    assert listed(api, "quotes", {"outletId": ids["Coastline Wire"]}) == [
        "bridge-open",
        "ferry-must",
        "contract-splice",
    ]
    assert listed(api, "quotes", {"outletId": ids["The Marrowick Courier"]}) == [
        "bridge-open",
        "three-designs",
    ]
    assert listed(api, "quotes", {"interviewId": ids["morning-tide"]}) == VARGA_QUOTES[:-1]
    assert listed(api, "quotes", {"interviewId": ids["ferry-vote"]}) == ["contract-splice"]
    assert listed(api, "quotes", {"sourceId": ids["brief"]}) == LAVROV_QUOTES
    assert listed(api, "quotes", {"sourceId": ids["quayside"]}) == ["library-roads", "vanity", "never-shut"]
    assert listed(api, "quotes", {"sourceId": ids["tr-morning-tide"]}) == []
    assert listed(api, "quotes", {"sourceId": ids["brief"], "outletId": ids["Coastline Wire"]}) == []
    message = error_message(
        api, "query($f: QuoteFilter) { quotes(filter: $f) { totalCount } }", {"f": {"outletId": ids["brief"]}}
    )
    assert message.startswith(f"ID {ids['brief']!r} names a Source, not a")
    assert message.endswith("Outlet")


def test_quotes_by_topic_language_and_text(api: GraphQLClient) -> None:
    assert listed(api, "quotes", {"topic": "ferry"}) == ["ferry-must", "never-shut", "contract-splice"]
    assert listed(api, "quotes", {"topic": "NATO"}) == ["passage-1", "passage-2", "headline"]
    assert listed(api, "quotes", {"topic": "Missile Defence"}) == ["passage-1"]
    assert listed(api, "quotes", {"topic": "nato-expansion"}) == ["passage-1", "passage-2"]
    assert listed(api, "quotes", {"topic": "weather"}) == []
    assert listed(api, "quotes", {"language": "fr"}) == ["bridge-open-fr"]
    assert listed(api, "quotes", {"language": "EN"}) == [key for key in QUOTES if key != "bridge-open-fr"]
    assert listed(api, "quotes", {"textContains": "FERRY"}) == ["ferry-must", "never-shut", "contract-splice"]
    assert listed(api, "quotes", {"textContains": "raison d’être"}) == ["passage-1"]
    assert listed(api, "quotes", {"textContains": "[...]"}) == ["never-shut"]
    assert listed(api, "quotes", {"textContains": "can't afford"}) == ["vanity"]
    assert listed(api, "quotes", {"textContains": "%"}) == []  # LIKE wildcards are escaped
    assert listed(api, "quotes", {"textContains": "_"}) == []


def test_quotes_by_said_date(api: GraphQLClient) -> None:
    assert listed(api, "quotes", {"from": "2024"}) == VARGA_QUOTES
    assert listed(api, "quotes", {"to": "2013"}) == LAVROV_QUOTES
    assert listed(api, "quotes", {"from": "2013-03", "to": "2013-03"}) == LAVROV_QUOTES
    assert listed(api, "quotes", {"from": "2013-03-01", "to": "2013-03-31"}) == []  # "2013-03" may be any day
    assert listed(api, "quotes", {"from": "2024-03-15"}) == ["contract-splice"]
    assert listed(api, "quotes", {"from": "2024-03-14", "to": "2024-03-14"}) == VARGA_QUOTES[:-1]
    assert listed(api, "quotes", {"from": "2014", "to": "2023"}) == []
    query = "query($f: QuoteFilter) { quotes(filter: $f) { totalCount } }"
    bad = error_message(api, query, {"f": {"from": "March 2013"}})
    assert bad.startswith("from: 'March 2013' is not a date; write YYYY, YYYY-MM or YYYY-MM-DD")
    assert error_message(api, query, {"f": {"to": "2013-02-30"}}).startswith("to: day 30 in '2013-02-30'")
    swapped = error_message(api, query, {"f": {"from": "2014", "to": "2013"}})
    assert swapped == "from: starts 2014 after it ends 2013; swap or correct them"


def test_quotes_by_fact_check(api: GraphQLClient) -> None:
    checked = ["bridge-open", "three-designs", "ferry-must", "library-roads", "vanity", "living-in-past"]
    assert listed(api, "quotes", {"hasFactCheck": True}) == checked
    assert listed(api, "quotes", {"hasFactCheck": False}) == [key for key in QUOTES if key not in checked]
    for key, verdict in zip(checked, VERDICTS, strict=True):
        assert listed(api, "quotes", {"verdict": verdict}) == [key]
    assert listed(api, "quotes", {"verdict": "ALTERED", "speakerName": "lavrov"}) == []
    assert listed(api, "quotes", {"hasFactCheck": True, "textContains": "the bridge", "language": "en"}) == [
        "bridge-open",
        "ferry-must",
        "library-roads",
        "living-in-past",
    ]
    assert listed(api, "quotes", {"hasFactCheck": False, "textContains": "the bridge"}) == [
        "never-shut",
        "contract-splice",
    ]


# --- other filters -------------------------------------------------------------------------------------------


def test_speakers_by_name_words(api: GraphQLClient) -> None:
    for name in ("lavrov", "serg lav", "Sergei Lavrov", "SERGEY", "lav serg", "viktorovich", "sergei v l"):
        assert listed(api, "speakers", {"name": name}) == ["Sergey Lavrov"], name
    assert listed(api, "speakers", {"name": "avrov"}) == []  # a word must start a word
    assert listed(api, "speakers", {"name": "sergey viktorovich"}) == []  # all words in one name
    assert listed(api, "speakers", {"name": "varga"}) == ["Elena Várga"]
    assert listed(api, "speakers", {"name": "ÉLÉNA"}) == ["Elena Várga"]
    assert listed(api, "speakers", {"name": "mayor"}) == ["Elena Várga", "Bram Hollis"]  # aliases
    assert listed(api, "speakers", {"name": "susan b"}) == ["Susan Glasser"]
    assert listed(api, "speakers", {"name": "s"}) == ["Sergey Lavrov", "Susan Glasser"]
    assert listed(api, "speakers", {"name": "  ...  "}) == SPEAKERS  # no words: no condition


def test_speakers_by_role_and_kind(api: GraphQLClient) -> None:
    assert listed(api, "speakers", {"role": "minister"}) == ["Sergey Lavrov"]
    assert listed(api, "speakers", {"role": "foreign aff"}) == ["Sergey Lavrov"]
    assert listed(api, "speakers", {"role": "mayor"}) == ["Elena Várga", "Bram Hollis"]
    assert listed(api, "speakers", {"role": "councillor"}) == ["Elena Várga", "Bram Hollis"]
    assert listed(api, "speakers", {"role": "editor"}) == ["Susan Glasser", "Margaux Duval"]
    assert listed(api, "speakers", {"role": "chair harb"}) == ["Bram Hollis"]
    assert listed(api, "speakers", {"role": "presenter", "name": "reyes"}) == ["Tomas Reyes"]
    assert listed(api, "speakers", {"kind": "PERSON"}) == SPEAKERS
    assert listed(api, "speakers", {"kind": "ORGANIZATION"}) == []
    assert listed(api, "speakers", {"wikidataId": "Q1"}) == []


def test_outlets_by_name_kind_and_country(api: GraphQLClient) -> None:
    marrowick = ["Harbour Radio Marrowick", "The Marrowick Courier", "La Vigie de Marrowick"]
    assert listed(api, "outlets", {"name": "marrowick"}) == marrowick
    assert listed(api, "outlets", {"name": "harb rad"}) == ["Harbour Radio Marrowick"]
    assert listed(api, "outlets", {"name": "comiterepubliquecanada"}) == ["comiterepubliquecanada.ca"]
    assert listed(api, "outlets", {"name": "arrowick"}) == []
    assert listed(api, "outlets", {"kind": "NEWSPAPER"}) == ["The Marrowick Courier", "La Vigie de Marrowick"]
    assert listed(api, "outlets", {"kind": "NEWS_AGENCY"}) == []
    assert listed(api, "outlets", {"country": "ca"}) == ["comiterepubliquecanada.ca"]
    assert listed(api, "outlets", {"country": "ZZ", "kind": "WEBSITE"}) == ["Quayside Notes"]


def test_interviews_by_speaker_outlet_kind_and_date(api: GraphQLClient, ids: dict[str, str]) -> None:
    assert listed(api, "interviews", {"speakerId": ids["Elena Várga"]}) == ["morning-tide", "ferry-vote"]
    assert listed(api, "interviews", {"speakerId": ids["Margaux Duval"]}) == ["ferry-vote"]
    assert listed(api, "interviews", {"speakerName": "susan b glasser"}) == ["fp-2013"]
    assert listed(api, "interviews", {"speakerName": "REYES"}) == ["morning-tide"]
    assert listed(api, "interviews", {"speakerName": "Glasser"}) == []
    assert listed(api, "interviews", {"outletId": ids["Harbour Radio Marrowick"]}) == [
        "morning-tide",
        "ferry-vote",
    ]
    assert listed(api, "interviews", {"outletId": ids["Quayside Notes"]}) == []
    assert listed(api, "interviews", {"kind": "PRESS_CONFERENCE"}) == ["ferry-vote"]
    assert listed(api, "interviews", {"from": "2013", "to": "2013"}) == ["fp-2013"]
    assert listed(api, "interviews", {"from": "2024-03-15"}) == ["ferry-vote"]
    assert listed(api, "interviews", {"to": "2024-03"}) == list(INTERVIEWS)
    assert listed(api, "interviews", {"to": "2024-03-17", "kind": "INTERVIEW"}) == ["fp-2013", "morning-tide"]


def test_sources_by_kind_outlet_interview_language_and_date(api: GraphQLClient, ids: dict[str, str]) -> None:
    assert listed(api, "sources", {"kind": "TRANSCRIPT"}) == [
        "fp-transcript",
        "tr-morning-tide",
        "tr-ferry-vote",
    ]
    assert listed(api, "sources", {"kind": "BRIEF"}) == ["brief", "wire-bridge", "wire-ferry"]
    assert listed(api, "sources", {"outletId": ids["Coastline Wire"]}) == ["wire-bridge", "wire-ferry"]
    assert listed(api, "sources", {"interviewId": ids["morning-tide"]}) == ["tr-morning-tide"]
    assert listed(api, "sources", {"language": "fr"}) == ["vigie"]
    assert listed(api, "sources", {"from": "2024-03-16"}) == [
        "tr-ferry-vote",
        "vigie",
        "quayside",
        "wire-ferry",
    ]
    assert listed(api, "sources", {"to": "2013"}) == ["fp-transcript"]
    assert listed(api, "sources", {"from": "2024-03-14", "to": "2024-03-14"}) == [
        "tr-morning-tide",
        "bulletin",
        "social",
    ]
    # the brief is undated: no range holds it
    assert "brief" not in listed(api, "sources", {"from": "1000", "to": "9999"})


def test_fact_checks_by_verdict_reviewer_publisher_and_date(api: GraphQLClient, ids: dict[str, str]) -> None:
    assert listed(api, "factChecks", {"verdict": "ALTERED"}) == ["ALTERED"]
    assert listed(api, "factChecks", {"reviewer": "oona petrakis"}) == ["VERBATIM", "PARAPHRASED"]
    assert listed(api, "factChecks", {"reviewer": "Oona"}) == []  # the whole name
    assert listed(api, "factChecks", {"publisher": " MARROWICK FACT DESK (FICTIONAL) "}) == VERDICTS
    assert listed(api, "factChecks", {"publisher": "Marrowick"}) == []
    assert listed(api, "factChecks", {"from": "2024-03-20"}) == VERDICTS[2:]
    assert listed(api, "factChecks", {"to": "2024-03-19"}) == VERDICTS[:2]
    assert listed(api, "factChecks", {"from": "2024-03-20", "to": "2024-03-20"}) == VERDICTS[2:5]
    assert listed(api, "factChecks", {"from": "2024-03", "to": "2024-03"}) == VERDICTS
    assert listed(api, "factChecks", {"quoteId": ids["vanity"]}) == ["MISATTRIBUTED"]
    assert listed(api, "factChecks", {"status": "RETRACTED"}) == []


# --- orderings -----------------------------------------------------------------------------------------------


def test_orderings_by_id_name_and_date(api: GraphQLClient) -> None:
    assert listed(api, "quotes", order={"field": "ID", "direction": "DESC"}) == list(reversed(QUOTES))
    assert listed(api, "quotes", order={"field": "SAID_ON"}) == list(QUOTES)
    assert listed(api, "quotes", order={"field": "SAID_ON", "direction": "DESC"}) == [
        "contract-splice",
        *reversed(VARGA_QUOTES[:-1]),
        *reversed(LAVROV_QUOTES),
    ]
    by_name = [
        "Bram Hollis",
        "Elena Várga",
        "Ines Calloway",
        "Margaux Duval",
        "Sergey Lavrov",
        "Susan Glasser",
    ]
    assert listed(api, "speakers", order={"field": "NAME"}) == [*by_name, "Tomas Reyes"]
    assert listed(api, "speakers", order={"field": "NAME", "direction": "DESC"}) == [
        "Tomas Reyes",
        *by_name[::-1],
    ]
    outlets_by_name = [
        "Coastline Wire",
        "comiterepubliquecanada.ca",  # case folded: c-o-m after c-o-a
        "Foreign Policy",
        "Harbour Radio Marrowick",
        "La Vigie de Marrowick",
        "Quayside Notes",
        "The Marrowick Courier",
    ]
    assert listed(api, "outlets", order={"field": "NAME"}) == outlets_by_name
    assert listed(api, "outlets", order={"field": "NAME", "direction": "DESC"}) == outlets_by_name[::-1]
    assert listed(api, "outlets", order={"field": "ID", "direction": "DESC"}) == OUTLETS[::-1]
    assert (
        listed(api, "interviews", order={"field": "HELD_ON", "direction": "DESC"}) == list(INTERVIEWS)[::-1]
    )
    by_date = [
        "fp-transcript",  # 2013-04-29
        "tr-morning-tide",  # 2024-03-14, then by id
        "bulletin",
        "social",
        "courier",  # 2024-03-15
        "wire-bridge",
        "vigie",  # 2024-03-16
        "quayside",  # 2024-03-17
        "tr-ferry-vote",  # 2024-03-18
        "wire-ferry",
        "brief",  # undated: after every date
    ]
    assert listed(api, "sources", order={"field": "PUBLISHED_ON"}) == by_date
    # descending, undated rows still come last
    assert listed(api, "sources", order={"field": "PUBLISHED_ON", "direction": "DESC"}) == [
        *by_date[:-1][::-1],
        "brief",
    ]
    assert listed(api, "factChecks", order={"field": "REVIEWED_ON", "direction": "DESC"}) == VERDICTS[::-1]
    assert listed(api, "sources", {"kind": "TRANSCRIPT"}, {"field": "PUBLISHED_ON", "direction": "DESC"}) == [
        "tr-ferry-vote",
        "tr-morning-tide",
        "fp-transcript",
    ]


# --- object fields -------------------------------------------------------------------------------------------


def _texts(api: GraphQLClient, keys: list[str]) -> list[str]:
    texts = {
        key_of("quotes", node["text"]): node["text"]
        for node in nodes(api.query("{ quotes { edges { node { text } } } }")["quotes"])
    }
    return [texts[key] for key in keys]


def test_speaker_fields(api: GraphQLClient, ids: dict[str, str]) -> None:
    data = api.query(
        "query($id: ID!) { speaker(id: $id) { name kind wikidataId description aliases { name kind language }"
        " roles { title organization from { iso precision } to { iso } note }"
        " interviews { title } quotes { totalCount edges { node { text } } } } }",
        {"id": ids["Sergey Lavrov"]},
    )
    assert data["speaker"] == {
        "name": "Sergey Lavrov",
        "kind": "PERSON",
        "wikidataId": None,
        "description": "Minister of Foreign Affairs of the Russian Federation.",
        "aliases": [
            {"name": "Sergei Lavrov", "kind": "SPELLING", "language": None},
            {"name": "Lavrov", "kind": "SHORT_FORM", "language": None},
            {"name": "Sergei Viktorovich Lavrov", "kind": "FULL_FORM", "language": None},
        ],
        "roles": [
            {
                "title": "Minister of Foreign Affairs",
                "organization": "Russian Federation",
                "from": {"iso": "2004-03-09", "precision": "DAY"},
                "to": None,
                "note": None,
            }
        ],
        "interviews": [{"title": "Sergey Lavrov interviewed by Susan B. Glasser for Foreign Policy"}],
        "quotes": {"totalCount": 4, "edges": [{"node": {"text": q}} for q in _texts(api, LAVROV_QUOTES)]},
    }
    varga = api.query(
        "query($id: ID!) { speaker(id: $id) { aliases { name } interviews { title } } }",
        {"id": ids["Elena Várga"]},
    )["speaker"]
    # "Elena Varga" and "Mayor Várga" fold to names she already has, so they are not stored twice
    assert [alias["name"] for alias in varga["aliases"]] == ["VARGA", "Mayor Varga"]
    assert [key_of("interviews", item["title"]) for item in varga["interviews"]] == [
        "morning-tide",
        "ferry-vote",
    ]


@pytest.mark.parametrize(
    ("speaker", "date", "titles"),
    [
        ("Sergey Lavrov", "2013-03", ["Minister of Foreign Affairs"]),
        ("Sergey Lavrov", "2004", ["Minister of Foreign Affairs"]),  # began in March 2004: may have held it
        ("Sergey Lavrov", "2003", []),
        ("Susan Glasser", "2013-03", ["Editor in Chief"]),
        ("Susan Glasser", "2014-01-01", []),
        ("Elena Várga", "2021", ["Councillor", "Mayor"]),
        ("Elena Várga", "2021-05", ["Councillor", "Mayor"]),
        ("Elena Várga", "2021-06", ["Mayor"]),
        ("Elena Várga", "2014-12-31", []),
        ("Bram Hollis", "2024-03-15", ["Councillor", "Chair, Harbour Committee", "Deputy Mayor"]),
        ("Bram Hollis", "2024-03-16", ["Councillor", "Deputy Mayor"]),
        ("Bram Hollis", "2019-12", ["Councillor"]),
    ],
)
def test_roles_on_a_date(
    api: GraphQLClient, ids: dict[str, str], speaker: str, date: str, titles: list[str]
) -> None:
    data = api.query(
        "query($id: ID!, $date: String!) { speaker(id: $id) { rolesOn(date: $date) { title } } }",
        {"id": ids[speaker], "date": date},
    )
    assert [role["title"] for role in data["speaker"]["rolesOn"]] == titles


def test_roles_on_a_bad_date_is_an_error(api: GraphQLClient, ids: dict[str, str]) -> None:
    message = error_message(
        api,
        'query($id: ID!) { speaker(id: $id) { rolesOn(date: "in 2013") { title } } }',
        {"id": ids["Bram Hollis"]},
    )
    assert message.startswith("date: 'in 2013' is not a date")


def test_interview_fields(api: GraphQLClient, ids: dict[str, str]) -> None:
    data = api.query(
        "query($id: ID!) { node(id: $id) { ... on Interview { kind title outlet { name } place medium language"
        " description heldOn { year month day iso precision }"
        " participants { speaker { name } role titleAsWritten }"
        " transcript { title kind isPrimary text publishedOn { iso } } } } }",
        {"id": ids["fp-2013"]},
    )["node"]
    assert data == {
        "kind": "INTERVIEW",
        "title": "Sergey Lavrov interviewed by Susan B. Glasser for Foreign Policy",
        "outlet": {"name": "Foreign Policy"},
        "place": "Moscow",
        "medium": "PRINT",
        "language": None,
        "description": "A wide-ranging interview in Moscow in March 2013; the year is inferred from the May/June 2013 issue that printed it.",
        "heldOn": {"year": 2013, "month": 3, "day": None, "iso": "2013-03", "precision": "MONTH"},
        "participants": [
            {
                "speaker": {"name": "Susan Glasser"},
                "role": "INTERVIEWER",
                "titleAsWritten": "Foreign Policy Editor in Chief",
            },
            {
                "speaker": {"name": "Sergey Lavrov"},
                "role": "INTERVIEWEE",
                "titleAsWritten": "Russian Foreign Minister",
            },
        ],
        "transcript": {
            "title": "'The Law of Politics' According to Sergei Lavrov",
            "kind": "TRANSCRIPT",
            "isPrimary": True,
            "text": None,
            "publishedOn": {"iso": "2013-04-29"},
        },
    }
    vote = api.query(
        "query($id: ID!) { node(id: $id) { ... on Interview { kind medium heldOn { year month day iso precision }"
        " participants { speaker { name } role } transcript { title } } } }",
        {"id": ids["ferry-vote"]},
    )["node"]
    assert vote == {
        "kind": "PRESS_CONFERENCE",
        "medium": "LIVE",
        "heldOn": {"year": 2024, "month": 3, "day": 18, "iso": "2024-03-18", "precision": "DAY"},
        "participants": [
            {"speaker": {"name": "Ines Calloway"}, "role": "MODERATOR"},
            {"speaker": {"name": "Bram Hollis"}, "role": "INTERVIEWEE"},
            {"speaker": {"name": "Elena Várga"}, "role": "INTERVIEWEE"},
            {"speaker": {"name": "Margaux Duval"}, "role": "INTERVIEWER"},
        ],
        "transcript": {
            "title": "Transcript: ferry subsidy press conference, 18 March 2024 (live on Harbour Radio)"
        },
    }


def test_partial_dates_of_every_precision(api: GraphQLClient, ids: dict[str, str]) -> None:
    data = api.query(
        "query($id: ID!) { speaker(id: $id) { roles { from { year month day iso precision } to { iso } } } }",
        {"id": ids["Susan Glasser"]},
    )
    assert data["speaker"]["roles"] == [
        {
            "from": {"year": 2013, "month": None, "day": None, "iso": "2013", "precision": "YEAR"},
            "to": {"iso": "2013"},
        }
    ]


def test_source_turns_are_slices_of_its_text(api: GraphQLClient, ids: dict[str, str]) -> None:
    query = (
        "query($id: ID!) { node(id: $id) { ... on Source { kind isPrimary text contentHash outlet { name }"
        " interview { title } turns { position label start end text speaker { name } } } } }"
    )
    source = api.query(query, {"id": ids["tr-morning-tide"]})["node"]
    text = source["text"]
    turns = source["turns"]
    assert (source["kind"], source["isPrimary"], source["outlet"]) == (
        "TRANSCRIPT",
        True,
        {"name": "Harbour Radio Marrowick"},
    )
    assert key_of("interviews", source["interview"]["title"]) == "morning-tide"
    assert len(source["contentHash"]) == 64
    assert [turn["position"] for turn in turns] == list(range(15))
    assert [turn["speaker"]["name"] for turn in turns] == ["Tomas Reyes", "Elena Várga"] * 7 + ["Tomas Reyes"]
    assert [turn["label"] for turn in turns] == ["REYES", "VARGA"] * 7 + ["REYES"]
    for turn in turns:
        assert turn["text"] == text[turn["start"] : turn["end"]]
        assert text[: turn["start"]].endswith(f"{turn['label']}: ")
    assert turns[0]["start"] == len("REYES: ")
    assert turns[0]["text"].startswith("Good morning, and welcome back to Morning Tide.")
    assert turns[-1]["end"] == len(text)
    vote = api.query(query, {"id": ids["tr-ferry-vote"]})["node"]
    assert [turn["label"] for turn in vote["turns"]] == [
        "CALLOWAY",
        "DEPUTY MAYOR HOLLIS",
        "MAYOR VARGA",
        "CALLOWAY",
        "DUVAL",
        "MAYOR VARGA",
        "CALLOWAY",
    ]
    assert all(turn["text"] == vote["text"][turn["start"] : turn["end"]] for turn in vote["turns"])
    # a transcript recorded without its text has no turns; other kinds have none either
    for key in ("fp-transcript", "brief"):
        assert api.query(query, {"id": ids[key]})["node"]["turns"] == []


def test_source_appearances_in_reading_order(api: GraphQLClient, ids: dict[str, str]) -> None:
    data = api.query(
        "query($id: ID!) { node(id: $id) { ... on Source { text publishedOn { iso } outlet { name kind country }"
        " appearances { start end textAsPublished relation quote { text } } } } }",
        {"id": ids["brief"]},
    )["node"]
    assert data["publishedOn"] is None
    assert data["outlet"] == {"name": "comiterepubliquecanada.ca", "kind": "WEBSITE", "country": "CA"}
    found = data["appearances"]
    assert [key_of("quotes", item["quote"]["text"]) for item in found] == [
        "headline",
        "passage-1",
        "passage-2",
        "passage-3",
    ]
    assert [item["relation"] for item in found] == ["HEADLINE", "EXCERPT", "EXCERPT", "EXCERPT"]
    assert [item["start"] for item in found] == sorted(item["start"] for item in found)
    for item in found:
        assert data["text"][item["start"] : item["end"]] == item["textAsPublished"]
    social = api.query(
        "query($id: ID!) { node(id: $id) { ... on Source { kind outlet { name } appearances { relation } } } }",
        {"id": ids["social"]},
    )["node"]
    assert social == {"kind": "SOCIAL_POST", "outlet": None, "appearances": [{"relation": "VERBATIM"}]}


QUOTE_FIELDS = """
query($id: ID!) { quote(id: $id) {
  text language note saidOn { iso precision } speaker { name } interview { title }
  topics { name slug }
  appearances { totalCount pageInfo { hasNextPage } edges { node {
    source { title } relation attributionAsWritten citedAs
    takenFrom { __typename ... on Source { title } ... on Appearance { source { title } } } } } }
  firstAppearance { source { title publishedOn { iso } } }
  primarySource { title kind isPrimary }
  factChecks { verdict status }
} }
"""


def test_quote_fields(api: GraphQLClient, ids: dict[str, str]) -> None:
    quote = api.query(QUOTE_FIELDS, {"id": ids["bridge-open"]})["quote"]
    transcript = "Transcript: Morning Tide, 14 March 2024, with Mayor Elena Várga"
    courier = "Mayor Várga on Harbour Radio: Bridge open before autumn storms"
    assert (
        quote["text"]
        == "The bridge will be open to traffic before the autumn storms, and I will put my name to that"
    )
    assert (quote["language"], quote["saidOn"]) == ("en", {"iso": "2024-03-14", "precision": "DAY"})
    assert quote["note"].startswith("VERBATIM: identical to a span")
    assert quote["speaker"] == {"name": "Elena Várga"}
    assert key_of("interviews", quote["interview"]["title"]) == "morning-tide"
    assert quote["topics"] == [{"name": "harbour bridge", "slug": "harbour-bridge"}]
    assert quote["appearances"]["totalCount"] == 4
    assert quote["appearances"]["pageInfo"] == {"hasNextPage": False}
    assert nodes(quote["appearances"]) == [
        {
            "source": {"title": courier},
            "relation": "VERBATIM",
            "attributionAsWritten": "Várga",
            "citedAs": "told presenter Tomas Reyes",
            "takenFrom": {"__typename": "Source", "title": transcript},
        },
        {
            "source": {"title": "Marrowick mayor sets autumn deadline for harbour bridge"},
            "relation": "VERBATIM",
            "attributionAsWritten": "Mayor Elena Varga",
            "citedAs": "told Harbour Radio, according to the Courier",
            "takenFrom": {"__typename": "Appearance", "source": {"title": courier}},
        },
        {
            "source": {"title": "Harbour Radio News at six, 14 March 2024"},
            "relation": "VERBATIM",
            "attributionAsWritten": "Elena Várga",
            "citedAs": "told our presenter Tomas Reyes",
            "takenFrom": {"__typename": "Source", "title": transcript},
        },
        {
            "source": {"title": courier},
            "relation": "HEADLINE",
            "attributionAsWritten": "Mayor Várga",
            "citedAs": "on Harbour Radio",
            "takenFrom": {"__typename": "Appearance", "source": {"title": courier}},
        },
    ]
    # the earliest-published source: the bulletin of the 14th, before the papers of the 15th
    assert quote["firstAppearance"] == {
        "source": {"title": "Harbour Radio News at six, 14 March 2024", "publishedOn": {"iso": "2024-03-14"}}
    }
    assert quote["primarySource"] == {"title": transcript, "kind": "TRANSCRIPT", "isPrimary": True}
    assert quote["factChecks"] == [{"verdict": "VERBATIM", "status": "PUBLISHED"}]

    lavrov = api.query(QUOTE_FIELDS, {"id": ids["passage-1"]})["quote"]
    assert lavrov["topics"] == [
        {"name": "missile defence", "slug": "missile-defence"},
        {"name": "NATO", "slug": "nato"},
        {"name": "NATO expansion", "slug": "nato-expansion"},
    ]
    assert lavrov["firstAppearance"] == {
        "source": {
            "title": "Sergey Lavrov in Foreign Policy Magazine: NATO Takes Universal Military Posture",
            "publishedOn": None,
        }
    }
    assert lavrov["primarySource"] == {
        "title": "'The Law of Politics' According to Sergei Lavrov",
        "kind": "TRANSCRIPT",
        "isPrimary": True,
    }
    assert lavrov["factChecks"] == []
    assert lavrov["appearances"]["totalCount"] == 1


def test_appearance_fields_and_the_seed_provenance(api: GraphQLClient, ids: dict[str, str]) -> None:
    data = api.query(
        """query($id: ID!) { quote(id: $id) { appearances { edges { node {
          id textAsPublished relation attributionAsWritten citedAs start end
          quote { text } source { title kind outlet { name } }
          takenFrom { __typename ... on Appearance { id relation } }
          chain { __typename
            ... on Appearance { id relation source { title } }
            ... on Source { title kind isPrimary text url publishedOn { iso } outlet { name }
                            interview { heldOn { iso } place } } }
        } } } } }""",
        {"id": ids["headline"]},
    )
    (headline,) = nodes(data["quote"]["appearances"])
    passage = api.query(
        "query($id: ID!) { quote(id: $id) { appearances { edges { node { id } } } } }",
        {"id": ids["passage-2"]},
    )
    (passage_2,) = nodes(passage["quote"]["appearances"])
    brief = "Sergey Lavrov in Foreign Policy Magazine: NATO Takes Universal Military Posture"
    assert headline["textAsPublished"] == "NATO Takes Universal Military Posture"
    assert headline["relation"] == "HEADLINE"
    assert headline["attributionAsWritten"] == "Sergey Lavrov in Foreign Policy Magazine"
    assert headline["citedAs"] == "in Foreign Policy Magazine"
    assert (headline["start"], headline["end"]) == (119, 156)
    assert headline["quote"] == {"text": "NATO Takes Universal Military Posture"}
    assert headline["source"] == {
        "title": brief,
        "kind": "BRIEF",
        "outlet": {"name": "comiterepubliquecanada.ca"},
    }
    assert headline["takenFrom"] == {"__typename": "Appearance", "id": passage_2["id"], "relation": "EXCERPT"}
    assert headline["chain"] == [
        {
            "__typename": "Appearance",
            "id": headline["id"],
            "relation": "HEADLINE",
            "source": {"title": brief},
        },
        {
            "__typename": "Appearance",
            "id": passage_2["id"],
            "relation": "EXCERPT",
            "source": {"title": brief},
        },
        {
            "__typename": "Source",
            "title": "'The Law of Politics' According to Sergei Lavrov",
            "kind": "TRANSCRIPT",
            "isPrimary": True,
            "text": None,
            "url": "http://www.foreignpolicy.com/articles/2013/04/29/the_law_of_politics_according_to_sergei_lavrov_russia",
            "publishedOn": {"iso": "2013-04-29"},
            "outlet": {"name": "Foreign Policy"},
            "interview": {"heldOn": {"iso": "2013-03"}, "place": "Moscow"},
        },
    ]


def test_fact_check_fields_and_claim_review(api: GraphQLClient, ids: dict[str, str]) -> None:
    data = api.query(
        """query($id: ID!) { node(id: $id) { ... on FactCheck {
          claimReviewed verdict status summary reviewer publisher url originalLabel retractedAt retractionReason
          reviewedOn { iso } publishedAt quote { text }
          rating { value best worst alternateName }
          evidence { passage start end note url appearance { id } source { title text } }
          claimReview } } }""",
        {"id": ids["MISATTRIBUTED"]},
    )["node"]
    claim = 'Mayor Várga conceded that the bridge is "a vanity project the town can\'t afford".'
    assert data["claimReviewed"] == claim
    assert (data["verdict"], data["status"], data["originalLabel"]) == ("MISATTRIBUTED", "PUBLISHED", None)
    assert (data["retractedAt"], data["retractionReason"]) == (None, None)
    assert data["publishedAt"] is not None
    assert (data["reviewer"], data["publisher"]) == ("Jonah Whitlow", "Marrowick Fact Desk (fictional)")
    assert data["reviewedOn"] == {"iso": "2024-03-20"}
    assert data["quote"] == {"text": "a vanity project the town can't afford"}
    assert data["rating"] == {"value": 1, "best": 5, "worst": 1, "alternateName": "Misattributed"}
    evidence = data["evidence"]
    assert [item["passage"] for item in evidence] == [
        "Isn't the honest answer that the bridge is a vanity project the town can't afford?",
        "No, and I'd push back on the word vanity.",
    ]
    assert [item["note"] for item in evidence] == [
        "Said by the interviewer, Tomas Reyes.",
        "The mayor's immediate reply.",
    ]
    for item in evidence:
        assert (item["url"], item["appearance"]) == (None, None)
        assert item["source"]["title"] == "Transcript: Morning Tide, 14 March 2024, with Mayor Elena Várga"
        assert item["source"]["text"][item["start"] : item["end"]] == item["passage"]
    quayside = {
        "@type": "CreativeWork",
        "headline": "The mayor's bridge: what she actually admitted on the radio",
        "url": "https://quayside.example.com/2024/03/17/what-the-mayor-admitted",
        "datePublished": "2024-03-17",
    }
    assert data["claimReview"] == {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "claimReviewed": claim,
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": 1,
            "bestRating": 5,
            "worstRating": 1,
            "alternateName": "Misattributed",
        },
        "url": "https://factdesk.example.net/checks/2024/varga-vanity-project",
        "datePublished": "2024-03-20",
        "author": {"@type": "Organization", "name": "Marrowick Fact Desk (fictional)"},
        "creator": {"@type": "Person", "name": "Jonah Whitlow"},
        "itemReviewed": {
            "@type": "Claim",
            # the role she held on the day she is said to have said it
            "author": {"@type": "Person", "name": "Elena Várga", "jobTitle": "Mayor, Town of Marrowick"},
            "text": "a vanity project the town can't afford",
            "datePublished": "2024-03-14",
            "firstAppearance": quayside,
            # then where its provenance chain leads: the transcript Quayside took the words from
            "appearance": [
                quayside,
                {
                    "@type": "CreativeWork",
                    "headline": "Transcript: Morning Tide, 14 March 2024, with Mayor Elena Várga",
                    "url": "https://harbourradio.example.org/morning-tide/2024-03-14-varga-transcript",
                    "datePublished": "2024-03-14",
                },
            ],
        },
    }
    reviews = api.query("{ factChecks { edges { node { claimReview } } } }")["factChecks"]
    first = [node["claimReview"]["itemReviewed"]["firstAppearance"]["headline"] for node in nodes(reviews)]
    # the bridge quote: Harbour Radio's bulletin of the 14th came before the papers of the 15th
    assert first == [
        "Harbour Radio News at six, 14 March 2024",
        "Mayor Várga on Harbour Radio: Bridge open before autumn storms",
        "Marrowick mayor sets autumn deadline for harbour bridge",
        quayside["headline"],
        quayside["headline"],
        "Post by @MarrowickWatch",
    ]


# --- scratch databases: provenance chains, partial dates, drafts ---------------------------------------------------

TRANSCRIPT_LINE = "We will not raise the harbour fee this year."


def _build_chains(engine: Engine) -> None:
    """A transcript; a paper that printed its line; a wire that copied the paper; a post that cites nothing."""
    with seeding(engine) as db:
        mayor = speakers.create_speaker(db, name="Ada Okafor")
        radio = outlets.create_outlet(db, name="Port Radio", kind="BROADCASTER")
        paper = outlets.create_outlet(db, name="Port Gazette", kind="NEWSPAPER")
        transcript = sources.create_transcript(
            db,
            title="Port Radio transcript",
            outlet=radio,
            published_on="2020-05-01",
            turns=[TurnInput(mayor, TRANSCRIPT_LINE, "OKAFOR")],
        )
        article = sources.create_source(
            db,
            kind=SourceKind.ARTICLE,
            title="Gazette article",
            outlet=paper,
            published_on="2020-05-02",
            text=f"The mayor said: \u201c{TRANSCRIPT_LINE}\u201d",
        )
        wire = sources.create_source(
            db,
            kind=SourceKind.BRIEF,
            title="Wire copy",
            published_on="2020-05-03",
            text=f'PORT (Wire) -- "{TRANSCRIPT_LINE}", the mayor told the Gazette.',
        )
        post = sources.create_source(
            db,
            kind=SourceKind.SOCIAL_POST,
            title="A post",
            published_on="2020-05-01",
            text=f"Okafor: {TRANSCRIPT_LINE}",
        )
        quote = quotes.create_quote(db, speaker=mayor, text=TRANSCRIPT_LINE, said_on="2020-05")
        in_post = appearances.create_appearance(
            db, quote=quote, source=post, text=TRANSCRIPT_LINE, relation="VERBATIM"
        )
        in_paper = appearances.create_appearance(
            db,
            quote=quote,
            source=article,
            text=TRANSCRIPT_LINE,
            relation="VERBATIM",
            taken_from_source=transcript,
        )
        appearances.create_appearance(
            db,
            quote=quote,
            source=wire,
            text=TRANSCRIPT_LINE,
            relation="VERBATIM",
            taken_from_appearance=in_paper,
        )
        assert in_post.taken_from_appearance_id is None and in_post.taken_from_source_id is None


def test_provenance_chains_of_length_one_two_and_three(
    scratch_api: GraphQLClient, scratch_engine: Engine
) -> None:
    _build_chains(scratch_engine)
    data = scratch_api.query(
        """{ quotes { edges { node { firstAppearance { source { title } } appearances { edges { node {
          id source { title }
          takenFrom { __typename ... on Appearance { id } ... on Source { title } }
          chain { __typename ... on Appearance { id source { title } } ... on Source { title isPrimary } }
        } } } } } } }"""
    )
    (quote,) = nodes(data["quotes"])
    post, paper, wire = nodes(quote["appearances"])
    transcript = {"__typename": "Source", "title": "Port Radio transcript", "isPrimary": True}

    def step(appearance: Json) -> Json:
        return {"__typename": "Appearance", "id": appearance["id"], "source": appearance["source"]}

    assert post["takenFrom"] is None
    assert post["chain"] == [step(post)]
    assert paper["takenFrom"] == {"__typename": "Source", "title": "Port Radio transcript"}
    assert paper["chain"] == [step(paper), transcript]
    assert wire["takenFrom"] == {"__typename": "Appearance", "id": paper["id"]}
    assert wire["chain"] == [step(wire), step(paper), transcript]
    # the first appearance is the earliest published: the post of the 1st of May, before the paper of the 2nd
    assert quote["firstAppearance"] == {"source": {"title": "A post"}}


def _build_calendar(engine: Engine) -> int:
    """Rows dated to the year, the month, the day or not at all, inserted out of date order."""
    said = ["2013-03", None, "2013", "2013-03-14", "2012-12", "2014", None, "2013-06-30"]
    with seeding(engine) as db:
        okafor = speakers.create_speaker(
            db,
            name="Ada Okafor",
            wikidata_id="Q100",
            aliases=["Ada N. Okafor"],
            roles=[RoleInput("Finance Minister", "Republic of Ports", "2010", "2014-06")],
        )
        authority = speakers.create_speaker(
            db, name="Harbour Authority", kind="ORGANIZATION", wikidata_id="Q200"
        )
        outlet = outlets.create_outlet(db, name="Daily Ledger", kind="NEWSPAPER", country="gb")
        for index, date in enumerate(said):
            quote = quotes.create_quote(
                db, speaker=okafor if index % 2 else authority, text=f"said {date} #{index}", said_on=date
            )
            sources.create_source(
                db,
                kind=SourceKind.ARTICLE,
                title=f"published {date} #{index}",
                outlet=outlet,
                published_on=date,
            )
            interviews.create_interview(
                db,
                title=f"held {date} #{index}",
                held_on=date,
                # two parts in one interview (she translated her own answers): it is still one interview
                participants=[
                    ParticipantInput(okafor, "INTERVIEWEE"),
                    ParticipantInput(okafor, "TRANSLATOR"),
                ],
            )
            check = factchecks.create_fact_check(
                db,
                quote=quote,
                claim_reviewed=f"reviewed {date} #{index}",
                verdict="VERBATIM",
                reviewed_on=date,
                reviewer="R. Checker",
                publisher="Ledger Checks",
            )
            factchecks.publish_fact_check(db, check)
        draft_of = quotes.create_quote(db, speaker=okafor, text="a draft's quote", said_on="2013-03")
        draft = factchecks.create_fact_check(
            db, quote=draft_of, claim_reviewed="a draft", verdict="ALTERED", reviewed_on="2013"
        )
        retracted_of = quotes.create_quote(db, speaker=okafor, text="a retracted quote", said_on="2013-03")
        retracted = factchecks.create_fact_check(
            db, quote=retracted_of, claim_reviewed="a retracted review", verdict="ALTERED", reviewed_on="2013"
        )
        factchecks.publish_fact_check(db, retracted)
        factchecks.retract_fact_check(db, retracted, reason="wrong transcript")
        return draft.id


def _labels(
    api: GraphQLClient, root: str, field: str, filter: Json | None = None, order: Json | None = None
) -> list[str]:
    filter_type, order_type, _ = LISTS[root]
    query = (
        f"query($filter: {filter_type}, $order: {order_type}) {{ {root}(filter: $filter, orderBy: $order, "
        f"first: 100) {{ totalCount edges {{ node {{ {field} }} }} }} }}"
    )
    connection = api.query(query, {"filter": filter, "order": order})[root]
    found = [node[field].split(" ", 1)[1] for node in nodes(connection)]
    assert connection["totalCount"] == len(found)
    return found


CALENDAR = [
    "2013-03 #0",
    "None #1",
    "2013 #2",
    "2013-03-14 #3",
    "2012-12 #4",
    "2014 #5",
    "None #6",
    "2013-06-30 #7",
]
BY_DATE = [
    "2012-12 #4",
    "2013 #2",
    "2013-03 #0",
    "2013-03-14 #3",
    "2013-06-30 #7",
    "2014 #5",
    "None #1",
    "None #6",
]


_DATE_FIELD = {
    "quotes": "SAID_ON",
    "sources": "PUBLISHED_ON",
    "interviews": "HELD_ON",
    "factChecks": "REVIEWED_ON",
}
# the calendar's own rows: not the draft's and the retracted review's quotes, not the reviews without a reviewer
_CALENDAR_ONLY: dict[str, Json] = {"quotes": {"textContains": "#"}, "factChecks": {"reviewer": "r. checker"}}


@pytest.mark.parametrize(
    ("root", "field"),
    [("quotes", "text"), ("sources", "title"), ("interviews", "title"), ("factChecks", "claimReviewed")],
)
def test_partial_date_ranges_and_orders(
    scratch_api: GraphQLClient, scratch_engine: Engine, root: str, field: str
) -> None:
    _build_calendar(scratch_engine)
    only = _CALENDAR_ONLY.get(root, {})

    def within(start: str | None, end: str | None) -> list[str]:
        return _labels(scratch_api, root, field, {**only, "from": start, "to": end})

    # "2013" contains "2013-03"; but "2013" is not within 2013-01..2013-06: it may mean December
    assert within("2013", "2013") == ["2013-03 #0", "2013 #2", "2013-03-14 #3", "2013-06-30 #7"]
    assert within("2013-01", "2013-06") == ["2013-03 #0", "2013-03-14 #3", "2013-06-30 #7"]
    assert within("2013-01", "2013-06-29") == ["2013-03 #0", "2013-03-14 #3"]
    assert within("2013-03", None) == ["2013-03 #0", "2013-03-14 #3", "2014 #5", "2013-06-30 #7"]
    assert within(None, "2013-03") == ["2013-03 #0", "2013-03-14 #3", "2012-12 #4"]
    assert within("2013-03-14", "2013-03-14") == ["2013-03-14 #3"]
    assert within("2012", "2014") == [label for label in CALENDAR if "None" not in label]
    # by date both ways, ties by id: undated rows come last in both directions
    date = _DATE_FIELD[root]
    assert _labels(scratch_api, root, field, only, {"field": date}) == BY_DATE
    assert _labels(scratch_api, root, field, only, {"field": date, "direction": "DESC"}) == [
        "2014 #5",
        "2013-06-30 #7",
        "2013-03-14 #3",
        "2013-03 #0",
        "2013 #2",
        "2012-12 #4",
        "None #6",
        "None #1",
    ]


def test_speakers_by_wikidata_id_and_kind(scratch_api: GraphQLClient, scratch_engine: Engine) -> None:
    _build_calendar(scratch_engine)
    assert listed(scratch_api, "speakers", {"wikidataId": "Q100"}) == ["Ada Okafor"]
    assert listed(scratch_api, "speakers", {"wikidataId": " q200 "}) == ["Harbour Authority"]
    assert listed(scratch_api, "speakers", {"wikidataId": "Q300"}) == []
    assert listed(scratch_api, "speakers", {"kind": "ORGANIZATION"}) == ["Harbour Authority"]
    assert listed(scratch_api, "speakers", {"kind": "PERSON", "name": "ada n okafor"}) == ["Ada Okafor"]
    assert listed(scratch_api, "speakers", {"role": "finance"}) == ["Ada Okafor"]
    assert listed(scratch_api, "outlets", {"country": "GB"}) == ["Daily Ledger"]
    data = scratch_api.query(
        "{ speakers(filter: {kind: ORGANIZATION}) { edges { node { wikidataId kind interviews { title } } } } }"
    )
    assert nodes(data["speakers"]) == [{"wikidataId": "Q200", "kind": "ORGANIZATION", "interviews": []}]
    okafor = scratch_api.query(
        '{ speakers(filter: {name: "okafor"}) { edges { node { interviews { title } } } } }'
    )
    (found,) = nodes(okafor["speakers"])
    # each interview once, by date, undated ones last (as in every list ordered by date)
    assert [item["title"].split(" ", 1)[1] for item in found["interviews"]] == BY_DATE


def test_drafts_are_hidden_and_retractions_shown(scratch_api: GraphQLClient, scratch_engine: Engine) -> None:
    draft = _build_calendar(scratch_engine)
    assert _labels(scratch_api, "factChecks", "claimReviewed", {"verdict": "ALTERED"}) == ["retracted review"]
    retracted = scratch_api.query(
        "{ factChecks(filter: {status: RETRACTED}) { edges { node { id status retractionReason retractedAt quote { text } } } } }"
    )
    (row,) = nodes(retracted["factChecks"])
    assert (row["status"], row["retractionReason"], row["quote"]) == (
        "RETRACTED",
        "wrong transcript",
        {"text": "a retracted quote"},
    )
    assert row["retractedAt"] is not None
    # the draft's quote has no fact-check a reader can see; the retracted one still shows, as retracted
    checked = scratch_api.query(
        '{ quotes(filter: {textContains: "a dr"}) { edges { node { factChecks { id } } } } '
        ' retracted: quotes(filter: {textContains: "a retracted"}) { edges { node { factChecks { status } } } } }'
    )
    assert nodes(checked["quotes"]) == [{"factChecks": []}]
    assert nodes(checked["retracted"]) == [{"factChecks": [{"status": "RETRACTED"}]}]
    assert "a draft's quote" in _labels_text(scratch_api, {"hasFactCheck": False})
    assert "a retracted quote" in _labels_text(scratch_api, {"hasFactCheck": True})
    # a verdict filter counts published reviews only, not retracted ones
    assert _labels_text(scratch_api, {"verdict": "ALTERED"}) == []
    hidden = {"id": encode_id("FactCheck", draft)}
    assert scratch_api.query("query($id: ID!) { node(id: $id) { id } }", hidden) == {"node": None}
    assert scratch_api.query("{ factChecks { totalCount } }") == {"factChecks": {"totalCount": 9}}


def _labels_text(api: GraphQLClient, filter: Json) -> list[str]:
    data = api.query(
        "query($f: QuoteFilter) { quotes(filter: $f, first: 100) { edges { node { text } } } }", {"f": filter}
    )
    return [node["text"] for node in nodes(data["quotes"])]

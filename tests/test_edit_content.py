"""Editing sources, quotes and appearances through the API: create, update, delete, the refusals, the audit
trail, the search index kept current, and who may do what."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import Engine, delete, select

from quotecheck.db import session_scope
from quotecheck.global_ids import encode_id
from quotecheck.models import Appearance, AuditEvent, Quote, Shingle, Source
from quotecheck.services import appearances, audit, factchecks, interviews, outlets, quotes, sources, speakers
from quotecheck.services.appearances import appearance_hash
from quotecheck.services.index import term_hashes
from quotecheck.services.quotes import quote_hash
from quotecheck.services.sources import TurnInput, content_hash
from tests.conftest import GraphQLClient
from tests.counts import table_counts

SAID = "The harbour will reopen in June, and not before."
ARTICLE = f'Mayor Ama Osei said: "{SAID}" The council met on Tuesday to discuss the harbour works.'
BRIEF = "Harbour brief: the harbour will reopen in June. Osei repeated that the works are on time."


@dataclass(frozen=True)
class World:
    """What the scratch database holds before a test, by global ID."""

    osei: str
    mensah: str
    outlet: str
    interview: str
    transcript: str  # a TRANSCRIPT with turns
    article: str  # an ARTICLE quoting the transcript
    quote: str  # Osei's words
    appearance: str  # the quote in the article, taken from the transcript (so indexed)


@pytest.fixture
def world(scratch_engine: Engine, tokens: dict[str, str]) -> World:
    """Seeded after the tokens, so that every event after the seed is a test's."""
    with session_scope(scratch_engine, write=True) as s:
        osei = speakers.create_speaker(s, name="Ama Osei")
        mensah = speakers.create_speaker(s, name="Kofi Mensah")
        host = speakers.create_speaker(s, name="Host")
        outlet = outlets.create_outlet(s, name="Harbour Courier", url="https://courier.example.org")
        interview = interviews.create_interview(s, title="Harbour talk", held_on="2024-05-02")
        transcript = sources.create_transcript(
            s,
            title="Harbour talk transcript",
            interview=interview,
            turns=[TurnInput(host, "Will the harbour reopen?", "HOST"), TurnInput(osei, SAID, "OSEI")],
        )
        article = sources.create_source(
            s, kind="ARTICLE", title="Harbour to reopen", url="https://courier.example.org/h", text=ARTICLE
        )
        quote = quotes.create_quote(s, speaker=osei, text=SAID, topics=["Harbour"])
        appearance = appearances.create_appearance(
            s, quote=quote, source=article, text=SAID, relation="VERBATIM", taken_from_source=transcript
        )
        audit.record(s, "seed")
        return World(
            osei=encode_id("Speaker", osei.id),
            mensah=encode_id("Speaker", mensah.id),
            outlet=encode_id("Outlet", outlet.id),
            interview=encode_id("Interview", interview.id),
            transcript=encode_id("Source", transcript.id),
            article=encode_id("Source", article.id),
            quote=encode_id("Quote", quote.id),
            appearance=encode_id("Appearance", appearance.id),
        )


def key(global_id: str) -> int:
    from quotecheck.api.ids import decode_id

    return decode_id(global_id)[1]


def version(engine: Engine, model: Any, global_id: str) -> int:
    with session_scope(engine) as s:
        row = s.get(model, key(global_id))
        assert row is not None
        return int(row.version)


def counts(engine: Engine) -> dict[str, int]:
    with session_scope(engine) as s:
        return table_counts(s.connection())


def events(engine: Engine) -> list[AuditEvent]:
    """The events written after the seed, oldest first."""
    with session_scope(engine) as s:
        rows = list(s.scalars(select(AuditEvent).order_by(AuditEvent.id)))
        s.expunge_all()
    seed = max(i for i, row in enumerate(rows) if row.operation == "seed")
    return rows[seed + 1 :]


def shingles(engine: Engine, global_id: str) -> set[tuple[int, int]]:
    with session_scope(engine) as s:
        found = s.execute(
            select(Shingle.hash, Shingle.position).where(Shingle.source_id == key(global_id))
        ).all()
    return {(hashed, position) for hashed, position in found}


def payload(client: GraphQLClient, mutation: str, name: str, value: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = client.query(mutation, {"input": value})[name]
    return found


SOURCE_FIELDS = "id kind title url text contentHash publishedOn { iso } outlet { name } interview { title }"
CREATE_SOURCE = (
    "mutation($input: CreateSourceInput!) { createSource(input: $input) { source { "
    + SOURCE_FIELDS
    + " } userErrors { field message code currentVersion } } }"
)
UPDATE_SOURCE = (
    "mutation($input: UpdateSourceInput!) { updateSource(input: $input) { source { "
    + SOURCE_FIELDS
    + " } userErrors { field message code currentVersion } } }"
)
DELETE_SOURCE = "mutation($input: DeleteInput!) { deleteSource(input: $input) { deletedId userErrors { field message code } } }"
QUOTE_FIELDS = "id text language saidOn { iso } speaker { name } interview { title } note topics { slug }"
CREATE_QUOTE = (
    "mutation($input: CreateQuoteInput!) { createQuote(input: $input) { quote { "
    + QUOTE_FIELDS
    + " } userErrors { field message code currentVersion } } }"
)
UPDATE_QUOTE = (
    "mutation($input: UpdateQuoteInput!) { updateQuote(input: $input) { quote { "
    + QUOTE_FIELDS
    + " } userErrors { field message code currentVersion } } }"
)
DELETE_QUOTE = "mutation($input: DeleteInput!) { deleteQuote(input: $input) { deletedId userErrors { field message code } } }"
APPEARANCE_FIELDS = (
    "id textAsPublished start end relation attributionAsWritten citedAs note quote { id } source { id } "
    "takenFrom { __typename ... on Appearance { id } ... on Source { id } }"
)
CREATE_APPEARANCE = (
    "mutation($input: CreateAppearanceInput!) { createAppearance(input: $input) { appearance { "
    + APPEARANCE_FIELDS
    + " } userErrors { field message code currentVersion } } }"
)
UPDATE_APPEARANCE = (
    "mutation($input: UpdateAppearanceInput!) { updateAppearance(input: $input) { appearance { "
    + APPEARANCE_FIELDS
    + " } userErrors { field message code currentVersion } } }"
)
DELETE_APPEARANCE = (
    "mutation($input: DeleteInput!) { deleteAppearance(input: $input) { deletedId "
    "userErrors { field message code } } }"
)
HISTORY = """
query($id: ID!) { node(id: $id) { ... on Node { history { edges { node {
  operation actor before after objectVersion } } } } } }
"""


def history(client: GraphQLClient, global_id: str) -> list[dict[str, Any]]:
    found = client.query(HISTORY, {"id": global_id})["node"]["history"]["edges"]
    return [edge["node"] for edge in found]


# --- sources -------------------------------------------------------------------------------------------------
def test_a_source_is_created_changed_and_deleted_with_one_event_each(
    world: World,
    editor_api: GraphQLClient,
    admin_api: GraphQLClient,
    scratch_api: GraphQLClient,
    tokens: dict[str, str],
    scratch_engine: Engine,
) -> None:
    made = payload(
        editor_api,
        CREATE_SOURCE,
        "createSource",
        {
            "kind": "BRIEF",
            "title": "Harbour brief",
            "url": "https://council.example.org/brief",
            "outletId": world.outlet,
            "interviewId": world.interview,
            "publishedOn": "2024-05",
            "language": "EN",
            "text": BRIEF,
            "note": " internal ",
        },
    )
    assert made["userErrors"] == []
    source = made["source"]
    assert (source["kind"], source["title"], source["publishedOn"]) == (
        "BRIEF",
        "Harbour brief",
        {"iso": "2024-05"},
    )
    assert (source["outlet"], source["interview"]) == ({"name": "Harbour Courier"}, {"title": "Harbour talk"})
    assert source["contentHash"] == content_hash(BRIEF)
    assert shingles(scratch_engine, source["id"]) == set()  # a brief is not anyone's words until quoted

    new_text = BRIEF + " Dredging starts in July."
    changed = payload(
        editor_api,
        UPDATE_SOURCE,
        "updateSource",
        {"id": source["id"], "version": 1, "title": "Council brief", "text": new_text, "outletId": None},
    )
    assert changed["userErrors"] == []
    assert changed["source"]["title"] == "Council brief"
    assert changed["source"]["outlet"] is None
    assert changed["source"]["url"] == "https://council.example.org/brief"  # absent: unchanged
    assert changed["source"]["contentHash"] == content_hash(new_text)
    assert version(scratch_engine, Source, source["id"]) == 2

    reader = scratch_api.with_token(tokens["READER"])
    trail = history(reader, source["id"])
    assert [(e["operation"], e["actor"], e["objectVersion"]) for e in trail] == [
        ("createSource", "editor-token", 1),
        ("updateSource", "editor-token", 2),
    ]
    assert trail[0]["before"] is None
    assert trail[0]["after"]["textLength"] == len(BRIEF)
    assert trail[1]["before"]["title"] == "Harbour brief"
    assert trail[1]["before"]["outlet"] == world.outlet
    assert trail[1]["after"]["title"] == "Council brief"
    assert trail[1]["after"]["outlet"] is None
    assert trail[1]["after"]["contentHash"] == content_hash(new_text)

    gone = payload(admin_api, DELETE_SOURCE, "deleteSource", {"id": source["id"], "version": 2})
    assert gone == {"deletedId": source["id"], "userErrors": []}
    assert [(e.operation, e.object_id, e.after) for e in events(scratch_engine)][-1] == (
        "deleteSource",
        key(source["id"]),
        None,
    )
    assert [e.operation for e in events(scratch_engine)] == ["createSource", "updateSource", "deleteSource"]
    assert admin_api.query("query($id: ID!) { node(id: $id) { id } }", {"id": source["id"]})["node"] is None


def test_a_transcript_text_is_indexed_and_indexed_again_when_it_changes(
    world: World, editor_api: GraphQLClient, admin_api: GraphQLClient, scratch_engine: Engine
) -> None:
    first = "OSEI: The ferry will run every hour from the northern pier."
    made = payload(
        editor_api, CREATE_SOURCE, "createSource", {"kind": "TRANSCRIPT", "title": "Pier talk", "text": first}
    )["source"]
    assert shingles(scratch_engine, made["id"]) == set(term_hashes(first))
    second = "OSEI: Buses replace the ferry until the bridge is mended."
    payload(editor_api, UPDATE_SOURCE, "updateSource", {"id": made["id"], "version": 1, "text": second})
    assert shingles(scratch_engine, made["id"]) == set(term_hashes(second))  # none of the old text's rows
    payload(editor_api, UPDATE_SOURCE, "updateSource", {"id": made["id"], "version": 2, "kind": "ARTICLE"})
    assert shingles(scratch_engine, made["id"]) == set()  # a report is indexed only where it quotes
    payload(editor_api, UPDATE_SOURCE, "updateSource", {"id": made["id"], "version": 3, "kind": "TRANSCRIPT"})
    assert shingles(scratch_engine, made["id"]) == set(term_hashes(second))
    payload(editor_api, UPDATE_SOURCE, "updateSource", {"id": made["id"], "version": 4, "text": None})
    assert shingles(scratch_engine, made["id"]) == set()
    with session_scope(scratch_engine) as s:
        row = s.get(Source, key(made["id"]))
        assert row is not None and (row.text, row.content_hash) == (None, None)
    payload(admin_api, DELETE_SOURCE, "deleteSource", {"id": made["id"], "version": 5})
    # the transcript with turns: its turns and index rows go with it
    assert shingles(scratch_engine, world.transcript)
    with session_scope(scratch_engine, write=True) as s:
        s.execute(delete(Appearance))
        audit.record(s, "seed")
    found = payload(
        admin_api,
        DELETE_SOURCE,
        "deleteSource",
        {"id": world.transcript, "version": version(scratch_engine, Source, world.transcript)},
    )
    assert found["userErrors"] == []
    assert shingles(scratch_engine, world.transcript) == set()
    assert counts(scratch_engine)["turn"] == 0


# (mutation, its name, input, the field at fault, code, part of the message)
SOURCE_MISTAKES: list[tuple[str, str, dict[str, Any], str, str, str]] = [
    (
        CREATE_SOURCE,
        "createSource",
        {"kind": "ARTICLE", "title": "  "},
        "title",
        "INVALID",
        "title is empty",
    ),
    (
        CREATE_SOURCE,
        "createSource",
        {"kind": "ARTICLE", "title": "T", "url": "ftp://x"},
        "url",
        "INVALID",
        "url 'ftp://x' is not an http(s) URL",
    ),
    (
        CREATE_SOURCE,
        "createSource",
        {"kind": "ARTICLE", "title": "T", "publishedOn": "2024-13"},
        "publishedOn",
        "INVALID",
        "publishedOn: month 13",
    ),
    (
        CREATE_SOURCE,
        "createSource",
        {"kind": "ARTICLE", "title": "T", "text": " "},
        "text",
        "INVALID",
        "text is blank",
    ),
    (
        CREATE_SOURCE,
        "createSource",
        {"kind": "ARTICLE", "title": "T", "outletId": encode_id("Outlet", 99)},
        "outletId",
        "NOT_FOUND",
        "no outlet has the ID",
    ),
    (
        CREATE_SOURCE,
        "createSource",
        {"kind": "ARTICLE", "title": "T", "interviewId": "nonsense"},
        "interviewId",
        "BAD_USER_INPUT",
        "'nonsense' is not a quotecheck ID",
    ),
    (
        CREATE_SOURCE,
        "createSource",
        {"kind": "ARTICLE", "title": "Again", "url": "https://courier.example.org/h", "text": ARTICLE},
        "url",
        "CONFLICT",
        "a source with URL https://courier.example.org/h and the same text is stored",
    ),
    (UPDATE_SOURCE, "updateSource", {"title": ""}, "title", "INVALID", "title is empty"),
    (
        UPDATE_SOURCE,
        "updateSource",
        {"language": "English!"},
        "language",
        "INVALID",
        "language 'English!'",
    ),
    (UPDATE_SOURCE, "updateSource", {"kind": "ARTICLE"}, "kind", "INVALID", "has speaker turns"),
    (
        UPDATE_SOURCE,
        "updateSource",
        {"text": "HOST: new words"},
        "text",
        "INVALID",
        "re-import the transcript (importTranscript)",
    ),
    (
        UPDATE_SOURCE,
        "updateSource",
        {"interviewId": encode_id("Interview", 99)},
        "interviewId",
        "NOT_FOUND",
        "no interview has the ID",
    ),
    (
        UPDATE_SOURCE,
        "updateSource",
        {"outletId": encode_id("Speaker", 1)},
        "outletId",
        "BAD_USER_INPUT",
        "names a Speaker, not an Outlet",
    ),
]


def test_bad_source_input_is_a_user_error_that_writes_nothing(
    world: World, editor_api: GraphQLClient, scratch_engine: Engine
) -> None:
    before = counts(scratch_engine)
    for mutation, name, given, field, code, message in SOURCE_MISTAKES:
        if name == "updateSource":
            given = {"id": world.transcript, "version": 1, **given}
        found = payload(editor_api, mutation, name, given)
        (error,) = found["userErrors"]
        assert (error["field"], error["code"]) == (field, code), given
        assert message in error["message"]
        if name == "createSource":
            assert found["source"] is None
        else:
            assert found["source"]["id"] == world.transcript  # as it stands
    assert counts(scratch_engine) == before
    assert events(scratch_engine) == []


def test_a_text_with_appearances_at_offsets_is_not_replaced(
    world: World, editor_api: GraphQLClient, scratch_engine: Engine
) -> None:
    indexed = shingles(scratch_engine, world.article)
    assert indexed
    found = payload(
        editor_api,
        UPDATE_SOURCE,
        "updateSource",
        {"id": world.article, "version": 1, "text": "Something else entirely.", "title": "New"},
    )
    (error,) = found["userErrors"]
    assert (error["field"], error["code"]) == ("text", "INVALID")
    assert world.appearance in error["message"]
    assert found["source"]["title"] == "Harbour to reopen"
    assert shingles(scratch_engine, world.article) == indexed
    # the same text again is no change: the title changes alone
    same = payload(
        editor_api,
        UPDATE_SOURCE,
        "updateSource",
        {"id": world.article, "version": 1, "text": ARTICLE, "title": "New"},
    )
    assert same["userErrors"] == []
    assert same["source"]["title"] == "New"


def test_a_stale_version_is_a_conflict_that_shows_the_current_object(
    world: World, editor_api: GraphQLClient, scratch_engine: Engine
) -> None:
    payload(editor_api, UPDATE_SOURCE, "updateSource", {"id": world.article, "version": 1, "title": "Fresh"})
    cases = [
        (UPDATE_SOURCE, "updateSource", "source", world.article, {"title": "Stale"}, 2),
        (UPDATE_QUOTE, "updateQuote", "quote", world.quote, {"note": "stale"}, 1),
        (UPDATE_APPEARANCE, "updateAppearance", "appearance", world.appearance, {"note": "stale"}, 1),
    ]
    for mutation, name, field, global_id, given, current in cases:
        before = counts(scratch_engine)
        found = payload(editor_api, mutation, name, {"id": global_id, "version": 7, **given})
        (error,) = found["userErrors"]
        assert (error["field"], error["code"], error["currentVersion"]) == ("version", "CONFLICT", current)
        assert found[field]["id"] == global_id
        assert counts(scratch_engine) == before
    assert [e.operation for e in events(scratch_engine)] == ["updateSource"]
    assert (
        payload(editor_api, UPDATE_SOURCE, "updateSource", {"id": world.article, "version": 2, "title": "x"})[
            "userErrors"
        ]
        == []
    )


def test_a_source_in_use_is_not_deleted(
    world: World, admin_api: GraphQLClient, scratch_engine: Engine
) -> None:
    with session_scope(scratch_engine, write=True) as s:
        article = s.get(Source, key(world.article))
        factchecks.create_fact_check(
            s,
            claim_reviewed="The harbour reopens in June",
            verdict="VERBATIM",
            evidence=[factchecks.EvidenceInput(source=article, passage="The council met")],
        )
        audit.record(s, "seed")
    before = counts(scratch_engine)
    for global_id, reason in [
        (world.article, "1 appearances in it, 1 fact-check evidence items refer to it"),
        (world.transcript, "1 appearances taken from it refer to it"),
    ]:
        found = payload(admin_api, DELETE_SOURCE, "deleteSource", {"id": global_id, "version": 1})
        (error,) = found["userErrors"]
        assert found["deletedId"] is None
        assert (error["field"], error["code"]) == ("id", "CONFLICT")
        assert reason in error["message"]
    assert counts(scratch_engine) == before
    assert events(scratch_engine) == []


# --- quotes --------------------------------------------------------------------------------------------------
def test_a_quote_is_created_and_changed_with_its_hash_and_topics(
    world: World, editor_api: GraphQLClient, admin_api: GraphQLClient, scratch_engine: Engine
) -> None:
    made = payload(
        editor_api,
        CREATE_QUOTE,
        "createQuote",
        {
            "text": " Dredging starts in July. ",
            "speakerId": world.mensah,
            "saidOn": "2024-05-02",
            "interviewId": world.interview,
            "language": "en",
            "topics": ["Harbour", "Dredging", "harbour"],
        },
    )
    assert made["userErrors"] == []
    quote = made["quote"]
    assert (quote["text"], quote["speaker"], quote["saidOn"]) == (
        "Dredging starts in July.",
        {"name": "Kofi Mensah"},
        {"iso": "2024-05-02"},
    )
    assert [t["slug"] for t in quote["topics"]] == ["dredging", "harbour"]

    changed = payload(
        editor_api,
        UPDATE_QUOTE,
        "updateQuote",
        {
            "id": quote["id"],
            "version": 1,
            "text": "Dredging starts in August.",
            "speakerId": world.osei,
            "topics": ["Works"],
            "interviewId": None,
        },
    )
    assert changed["userErrors"] == []
    assert changed["quote"]["speaker"] == {"name": "Ama Osei"}
    assert changed["quote"]["interview"] is None
    assert changed["quote"]["saidOn"] == {"iso": "2024-05-02"}  # absent: unchanged
    assert [t["slug"] for t in changed["quote"]["topics"]] == ["works"]
    with session_scope(scratch_engine) as s:
        row = s.get(Quote, key(quote["id"]))
        assert row is not None
        assert row.content_hash == quote_hash(row.speaker_id, "Dredging starts in August.")
        assert row.version == 2
    cleared = payload(
        editor_api, UPDATE_QUOTE, "updateQuote", {"id": quote["id"], "version": 2, "topics": None}
    )
    assert cleared["quote"]["topics"] == []  # only the topics changed, and still the version moved
    assert version(scratch_engine, Quote, quote["id"]) == 3

    trail = events(scratch_engine)
    assert [e.operation for e in trail] == ["createQuote", "updateQuote", "updateQuote"]
    assert trail[1].before is not None and trail[1].after is not None
    assert (trail[1].before["speaker"], trail[1].after["speaker"]) == (world.mensah, world.osei)
    assert (trail[1].before["topics"], trail[1].after["topics"]) == (["dredging", "harbour"], ["works"])
    assert trail[2].before is not None and trail[2].after is not None
    assert (trail[2].before["topics"], trail[2].after["topics"], trail[2].object_version) == (
        ["works"],
        [],
        3,
    )

    gone = payload(admin_api, DELETE_QUOTE, "deleteQuote", {"id": quote["id"], "version": 3})
    assert gone == {"deletedId": quote["id"], "userErrors": []}
    assert events(scratch_engine)[-1].operation == "deleteQuote"


def test_the_same_words_of_the_same_speaker_are_a_conflict_naming_the_quote(
    world: World, editor_api: GraphQLClient, scratch_engine: Engine
) -> None:
    other = payload(editor_api, CREATE_QUOTE, "createQuote", {"text": SAID, "speakerId": world.mensah})[
        "quote"
    ]
    before = counts(scratch_engine)
    clashes: list[tuple[dict[str, Any], str]] = [
        ({"speakerId": world.osei}, "speakerId"),
        ({"text": f"  {SAID} ", "speakerId": world.osei}, "text"),
    ]
    for given, field in clashes:
        found = payload(editor_api, UPDATE_QUOTE, "updateQuote", {"id": other["id"], "version": 1, **given})
        (error,) = found["userErrors"]
        assert (error["field"], error["code"]) == (field, "CONFLICT")
        assert world.quote in error["message"]
        assert found["quote"]["speaker"] == {"name": "Kofi Mensah"}
    mistakes: list[tuple[dict[str, Any], str, str]] = [
        ({"text": "  "}, "text", "INVALID"),
        ({"speakerId": None}, "speakerId", "INVALID"),
        ({"speakerId": encode_id("Speaker", 99)}, "speakerId", "NOT_FOUND"),
        ({"saidOn": "2024-02-30"}, "saidOn", "INVALID"),
        ({"topics": ["!!"]}, "topics", "INVALID"),
    ]
    for given, field, code in mistakes:
        found = payload(editor_api, UPDATE_QUOTE, "updateQuote", {"id": other["id"], "version": 1, **given})
        assert [(e["field"], e["code"]) for e in found["userErrors"]] == [(field, code)], given
    created = payload(editor_api, CREATE_QUOTE, "createQuote", {"text": SAID, "speakerId": world.osei})
    assert [(e["field"], e["code"]) for e in created["userErrors"]] == [("text", "CONFLICT")]
    assert world.quote in created["userErrors"][0]["message"]
    assert counts(scratch_engine) == before
    assert [e.operation for e in events(scratch_engine)] == ["createQuote"]


def test_a_quote_goes_with_its_appearances_only_when_nothing_else_refers_to_them(
    world: World, editor_api: GraphQLClient, admin_api: GraphQLClient, scratch_engine: Engine
) -> None:
    # a second quote quoted in a brief, its headline taken from the body (both of the same quote)
    with session_scope(scratch_engine, write=True) as s:
        brief = sources.create_source(s, kind="BRIEF", title="Brief", text=BRIEF)
        first = s.get(Quote, key(world.quote))
        assert first is not None
        quote = quotes.create_quote(s, speaker=first.speaker, text="the works are on time")
        body = appearances.create_appearance(
            s,
            quote=quote,
            source=brief,
            text="the works are on time",
            relation="VERBATIM",
            taken_from_source=s.get(Source, key(world.transcript)),
        )
        appearances.create_appearance(
            s,
            quote=quote,
            source=brief,
            text="the harbour will reopen in June",
            relation="HEADLINE",
            taken_from_appearance=body,
        )
        audit.record(s, "seed")
        quote_id, brief_id, body_id = encode_id("Quote", quote.id), encode_id("Source", brief.id), body.id
    assert shingles(scratch_engine, brief_id)

    # Refused: a fact-check judges the first quote ...
    with session_scope(scratch_engine, write=True) as s:
        factchecks.create_fact_check(
            s, claim_reviewed="June", verdict="VERBATIM", quote=s.get(Quote, key(world.quote))
        )
        audit.record(s, "seed")
    before = counts(scratch_engine)
    found = payload(admin_api, DELETE_QUOTE, "deleteQuote", {"id": world.quote, "version": 1})
    (error,) = found["userErrors"]
    assert (error["field"], error["code"], found["deletedId"]) == ("id", "CONFLICT", None)
    assert "1 fact-checks judge it" in error["message"]
    # ... and an appearance of another quote was copied from the second quote's body
    copy = payload(
        editor_api,
        CREATE_APPEARANCE,
        "createAppearance",
        {
            "quoteId": world.quote,
            "sourceId": world.article,
            "textAsPublished": "The harbour",
            "relation": "EXCERPT",
            "takenFromAppearanceId": encode_id("Appearance", body_id),
        },
    )["appearance"]
    before = counts(scratch_engine)
    found = payload(admin_api, DELETE_QUOTE, "deleteQuote", {"id": quote_id, "version": 1})
    (error,) = found["userErrors"]
    assert error["code"] == "CONFLICT"
    assert (
        f"its appearance {encode_id('Appearance', body_id)} is the origin of 1 appearances"
        in error["message"]
    )
    assert counts(scratch_engine) == before

    # Once the copy names another origin, the quote goes, with both its appearances
    payload(
        editor_api,
        UPDATE_APPEARANCE,
        "updateAppearance",
        {
            "id": copy["id"],
            "version": 1,
            "takenFromAppearanceId": None,
            "takenFromSourceId": world.transcript,
        },
    )
    found = payload(admin_api, DELETE_QUOTE, "deleteQuote", {"id": quote_id, "version": 1})
    assert found == {"deletedId": quote_id, "userErrors": []}
    after = counts(scratch_engine)
    assert (after["quote"], after["appearance"]) == (before["quote"] - 1, before["appearance"] - 2)
    assert shingles(scratch_engine, brief_id) == set()  # the brief quotes no one now
    last = events(scratch_engine)[-1]
    assert (last.operation, last.before is not None, last.after) == ("deleteQuote", True, None)
    assert last.detail is not None
    assert [a["before"]["relation"] for a in last.detail["appearances"]] == ["VERBATIM", "HEADLINE"]


# --- appearances ---------------------------------------------------------------------------------------------
def test_an_appearance_is_created_changed_and_deleted_with_the_index_kept_current(
    world: World, editor_api: GraphQLClient, admin_api: GraphQLClient, scratch_engine: Engine
) -> None:
    made = payload(
        editor_api,
        CREATE_APPEARANCE,
        "createAppearance",
        {
            "quoteId": world.quote,
            "sourceId": world.article,
            "textAsPublished": "The council met on Tuesday",
            "relation": "EXCERPT",
            "attributionAsWritten": " the council ",
            "takenFromAppearanceId": world.appearance,
            "citedAs": "minutes",
        },
    )
    assert made["userErrors"] == []
    found = made["appearance"]
    start = ARTICLE.index("The council met")
    assert (found["start"], found["end"]) == (start, start + len("The council met on Tuesday"))
    assert (found["attributionAsWritten"], found["citedAs"]) == ("the council", "minutes")
    assert found["takenFrom"] == {"__typename": "Appearance", "id": world.appearance}
    said = set(term_hashes(SAID, ARTICLE.index(SAID)))  # the seeded appearance's span
    assert shingles(scratch_engine, world.article) == said | set(
        term_hashes(ARTICLE[start : found["end"]], start)
    )

    # new words: placed again, hashed again
    words = "discuss the harbour works"
    changed = payload(
        editor_api,
        UPDATE_APPEARANCE,
        "updateAppearance",
        {"id": found["id"], "version": 1, "textAsPublished": words, "note": "moved"},
    )
    assert changed["userErrors"] == []
    assert changed["appearance"]["start"] == ARTICLE.index(words)
    assert changed["appearance"]["relation"] == "EXCERPT"  # absent: unchanged
    with session_scope(scratch_engine) as s:
        row = s.get(Appearance, key(found["id"]))
        assert row is not None
        assert row.content_hash == appearance_hash(row.quote_id, row.source_id, row.char_start, words)
    placed = ARTICLE.index(words)
    assert shingles(scratch_engine, world.article) == said | set(term_hashes(words, placed))
    # a paraphrase is no one's words: its span leaves the index
    payload(
        editor_api,
        UPDATE_APPEARANCE,
        "updateAppearance",
        {"id": found["id"], "version": 2, "relation": "PARAPHRASE"},
    )
    assert shingles(scratch_engine, world.article) == said
    # offsets given explicitly must hold the text
    bad = payload(
        editor_api,
        UPDATE_APPEARANCE,
        "updateAppearance",
        {"id": found["id"], "version": 3, "start": placed + 1, "end": placed + 1 + len(words)},
    )
    assert [(e["field"], e["code"]) for e in bad["userErrors"]] == [("textAsPublished", "INVALID")]

    trail = events(scratch_engine)
    assert [e.operation for e in trail] == ["createAppearance", "updateAppearance", "updateAppearance"]
    assert trail[1].before is not None and trail[1].after is not None
    assert (trail[1].before["textAsPublished"], trail[1].after["textAsPublished"]) == (
        "The council met on Tuesday",
        words,
    )
    assert (trail[1].before["note"], trail[1].after["note"]) == (None, "moved")

    gone = payload(admin_api, DELETE_APPEARANCE, "deleteAppearance", {"id": found["id"], "version": 3})
    assert gone == {"deletedId": found["id"], "userErrors": []}
    assert events(scratch_engine)[-1].operation == "deleteAppearance"
    refused = payload(
        admin_api, DELETE_APPEARANCE, "deleteAppearance", {"id": world.appearance, "version": 1}
    )
    assert refused == {
        "deletedId": world.appearance,
        "userErrors": [],
    }  # its copy is gone: nothing rests on it
    assert shingles(scratch_engine, world.article) == set()


def test_an_appearance_cannot_be_its_own_origin(
    world: World, editor_api: GraphQLClient, scratch_engine: Engine
) -> None:
    second = payload(
        editor_api,
        CREATE_APPEARANCE,
        "createAppearance",
        {
            "quoteId": world.quote,
            "sourceId": world.article,
            "textAsPublished": "The harbour",
            "start": 22,
            "end": 33,
            "relation": "EXCERPT",
            "takenFromAppearanceId": world.appearance,
        },
    )["appearance"]
    third = payload(
        editor_api,
        CREATE_APPEARANCE,
        "createAppearance",
        {
            "quoteId": world.quote,
            "sourceId": world.article,
            "textAsPublished": "reopen in June",
            "relation": "HEADLINE",
            "takenFromAppearanceId": second["id"],
        },
    )["appearance"]
    before = counts(scratch_engine)
    for target, origin in [(world.appearance, third["id"]), (world.appearance, world.appearance)]:
        found = payload(
            editor_api,
            UPDATE_APPEARANCE,
            "updateAppearance",
            {"id": target, "version": 1, "takenFromSourceId": None, "takenFromAppearanceId": origin},
        )
        (error,) = found["userErrors"]
        assert (error["field"], error["code"]) == ("takenFromAppearanceId", "INVALID")
        assert "leads back to this appearance" in error["message"]
        assert found["appearance"]["takenFrom"] == {"__typename": "Source", "id": world.transcript}
    assert counts(scratch_engine) == before
    assert [e.operation for e in events(scratch_engine)] == ["createAppearance", "createAppearance"]


# (input changed from a good one, the field at fault, code, part of the message); "APPEARANCE", "TRANSCRIPT"
# and "ARTICLE" stand for the seeded objects' IDs
APPEARANCE_MISTAKES: list[tuple[dict[str, Any], str, str, str]] = [
    (
        {"takenFromAppearanceId": "APPEARANCE", "takenFromSourceId": "TRANSCRIPT"},
        "takenFromSourceId",
        "INVALID",
        "not both",
    ),
    ({"takenFromSourceId": "ARTICLE"}, "takenFromSourceId", "INVALID", "its own source"),
    (
        {"textAsPublished": "Words never printed"},
        "textAsPublished",
        "INVALID",
        "the text is not in source",
    ),
    ({"textAsPublished": "  "}, "textAsPublished", "INVALID", "text is empty"),
    ({"start": 0, "end": 9999}, "start", "INVALID", "are outside source"),
    ({"start": 0}, "start", "INVALID", "are outside source"),
    ({"quoteId": encode_id("Quote", 99)}, "quoteId", "NOT_FOUND", "no quote has the ID"),
    ({"sourceId": encode_id("Quote", 1)}, "sourceId", "BAD_USER_INPUT", "names a Quote, not a Source"),
    (
        {"takenFromAppearanceId": encode_id("Appearance", 99)},
        "takenFromAppearanceId",
        "NOT_FOUND",
        "no appearance has the ID",
    ),
    ({"textAsPublished": SAID}, "textAsPublished", "CONFLICT", "already records this quote"),
]


def test_bad_appearance_input_is_a_user_error_that_writes_nothing(
    world: World, editor_api: GraphQLClient, scratch_engine: Engine
) -> None:
    named = {"APPEARANCE": world.appearance, "TRANSCRIPT": world.transcript, "ARTICLE": world.article}
    good = {
        "quoteId": world.quote,
        "sourceId": world.article,
        "textAsPublished": "June",
        "relation": "EXCERPT",
    }
    before = counts(scratch_engine)
    for mistake, field, code, message in APPEARANCE_MISTAKES:
        given = {
            name: named.get(value, value) if isinstance(value, str) else value
            for name, value in mistake.items()
        }
        found = payload(editor_api, CREATE_APPEARANCE, "createAppearance", {**good, **given})
        (error,) = found["userErrors"]
        assert (error["field"], error["code"]) == (field, code), mistake
        assert message in error["message"]
        assert found["appearance"] is None
        if code == "INVALID" and "textAsPublished" in given:
            # the same words as a change of the stored appearance fail the same way
            changed = payload(
                editor_api,
                UPDATE_APPEARANCE,
                "updateAppearance",
                {"id": world.appearance, "version": 1, **given},
            )
            assert [e["field"] for e in changed["userErrors"]] == [field]
    # not a relation at all: refused by GraphQL before anything runs
    (error,) = editor_api.errors(CREATE_APPEARANCE, {"input": {**good, "relation": "QUOTED"}})
    assert "QUOTED" in error["message"]
    assert counts(scratch_engine) == before
    assert events(scratch_engine) == []


def test_an_appearance_others_rest_on_is_not_deleted(
    world: World, editor_api: GraphQLClient, admin_api: GraphQLClient, scratch_engine: Engine
) -> None:
    payload(
        editor_api,
        CREATE_APPEARANCE,
        "createAppearance",
        {
            "quoteId": world.quote,
            "sourceId": world.article,
            "textAsPublished": "The harbour",
            "start": 22,
            "end": 33,
            "relation": "EXCERPT",
            "takenFromAppearanceId": world.appearance,
        },
    )
    with session_scope(scratch_engine, write=True) as s:
        factchecks.create_fact_check(
            s,
            claim_reviewed="June",
            verdict="VERBATIM",
            evidence=[factchecks.EvidenceInput(appearance=s.get(Appearance, key(world.appearance)))],
        )
        audit.record(s, "seed")
    before = counts(scratch_engine)
    found = payload(admin_api, DELETE_APPEARANCE, "deleteAppearance", {"id": world.appearance, "version": 1})
    (error,) = found["userErrors"]
    assert (error["field"], error["code"], found["deletedId"]) == ("id", "CONFLICT", None)
    assert "1 appearances taken from it, 1 fact-check evidence items refer to it" in error["message"]
    stale = payload(admin_api, DELETE_APPEARANCE, "deleteAppearance", {"id": world.appearance, "version": 5})
    assert [(e["field"], e["code"]) for e in stale["userErrors"]] == [("version", "CONFLICT")]
    assert counts(scratch_engine) == before
    assert events(scratch_engine) == []


# --- who may -------------------------------------------------------------------------------------------------
def test_only_editors_write_and_only_admins_delete(
    world: World, scratch_api: GraphQLClient, tokens: dict[str, str], scratch_engine: Engine
) -> None:
    writes: list[tuple[str, dict[str, Any]]] = [
        (CREATE_SOURCE, {"kind": "ARTICLE", "title": "T"}),
        (UPDATE_SOURCE, {"id": world.article, "version": 1, "title": "T"}),
        (CREATE_QUOTE, {"text": "Hello", "speakerId": world.osei}),
        (UPDATE_QUOTE, {"id": world.quote, "version": 1, "note": "n"}),
        (
            CREATE_APPEARANCE,
            {
                "quoteId": world.quote,
                "sourceId": world.article,
                "textAsPublished": "June",
                "relation": "EXCERPT",
            },
        ),
        (UPDATE_APPEARANCE, {"id": world.appearance, "version": 1, "note": "n"}),
    ]
    deletes: list[tuple[str, dict[str, Any]]] = [
        (DELETE_SOURCE, {"id": world.article, "version": 1}),
        (DELETE_QUOTE, {"id": world.quote, "version": 1}),
        (DELETE_APPEARANCE, {"id": world.appearance, "version": 1}),
    ]
    before = counts(scratch_engine)
    cases: list[tuple[str, dict[str, Any], str | None, str]] = [
        (m, v, None, "UNAUTHENTICATED") for m, v in writes + deletes
    ]
    cases += [(m, v, "REVOKED", "UNAUTHENTICATED") for m, v in writes[:1]]
    cases += [(m, v, "READER", "FORBIDDEN") for m, v in writes + deletes]
    cases += [(m, v, "EDITOR", "FORBIDDEN") for m, v in deletes]
    for mutation, value, role, code in cases:
        client = scratch_api.with_token(None if role is None else tokens[role])
        errors = client.errors(mutation, {"input": value})
        assert [error["extensions"]["code"] for error in errors] == [code], (mutation, role)
    assert counts(scratch_engine) == before
    assert events(scratch_engine) == []

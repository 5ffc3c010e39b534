"""Text coming in: `quotecheck.clean` itself, and every row of issue 19's table through the real API and CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from graphql import GraphQLInputObjectType
from sqlalchemy import Engine

from quotecheck import clean
from quotecheck.api.cleaning import kind_of
from quotecheck.api.schema import schema
from quotecheck.errors import ValidationError
from tests.conftest import GraphQLClient
from tests.counts import table_counts

NUL = "nato\u0000x"
NFD = unicodedata.normalize("NFD", "Zoë Ménard-Aguirre")
NFC = unicodedata.normalize("NFC", NFD)


# --- the module --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "kind", "where"),
    [
        ("ab\u0000c", clean.NAME, "character 3 is U+0000"),
        ("ab\u0085", clean.NAME, "character 3 is U+0085"),
        ("\u009bx", clean.QUOTE, "character 1 is U+009B"),
        ("Ann\u202eeeB", clean.NAME, "character 4 is U+202E (RIGHT-TO-LEFT OVERRIDE)"),
        ("Ann\u2067x", clean.TITLE, "character 4 is U+2067"),
        ("two\nlines", clean.NAME, "character 4 is U+000A"),
        ("a\tb", clean.TITLE, "character 2 is U+0009"),
        ("x\ud800y", clean.QUOTE, "character 2 is U+D800, an unpaired surrogate"),
        ("first\nsecond \u0007", clean.DOCUMENT, "line 2, column 8 is U+0007"),
        ("\u007f", clean.LINE, "character 1 is U+007F"),
    ],
)
def test_refused_characters_are_named_with_their_position(value: str, kind: clean.Kind, where: str) -> None:
    with pytest.raises(ValidationError) as refused:
        clean.clean(value, "name", kind)
    assert refused.value.message.startswith(f"name: {where}"), refused.value.message
    assert "remove it" in refused.value.message or "fix the encoding" in refused.value.message
    assert refused.value.field == "name"


@pytest.mark.parametrize(
    "value",
    [
        "Sergey Lavrov",
        "line one\nline two\ttabbed\r\n",
        "\u202bعربي\u202c",  # an embedding inside a quote is the writer's business
        "\u05e9\u05dc\u05d5\u05dd",
        "x" * clean.QUOTE.max_length,
    ],
)
def test_text_a_quote_may_hold_is_kept(value: str) -> None:
    assert clean.clean(value, "text", clean.QUOTE) == value
    assert clean.is_clean(value, clean.QUOTE)


def test_kept_text_is_nfc_and_lengths_are_counted_as_stored() -> None:
    assert NFD != NFC
    assert clean.clean(NFD, "name", clean.NAME) == NFC
    assert not clean.is_clean(NFD, clean.NAME)
    # 300 letters with a combining mark each are 300 characters once composed
    assert clean.clean("e\u0301" * 300, "name", clean.NAME) == "\u00e9" * 300
    with pytest.raises(ValidationError, match=r"name is 301 characters long; a name holds at most 300"):
        clean.clean("x" * 301, "name", clean.NAME)


def test_check_tree_finds_what_json_escapes_hid() -> None:
    clean.check_tree({"turns": [{"speaker": "A", "text": "fine"}]}, "doc", {"speaker": clean.NAME})
    with pytest.raises(ValidationError, match=r"^doc\.turns\[2\]\.speaker: character 2 is U\+202E"):
        clean.check_tree(
            {"turns": [{"speaker": "A", "text": "x"}, {"speaker": "B\u202e", "text": "y"}]},
            "doc",
            {"speaker": clean.NAME},
        )


def test_every_text_input_of_the_schema_states_its_rule() -> None:
    sdl = schema.as_str()
    for kind in (clean.NAME, clean.TITLE, clean.QUOTE, clean.DOCUMENT):
        assert kind.rule in sdl
    assert kind_of("CreateSpeakerInput", "name") is clean.NAME
    assert kind_of("CreateSourceInput", "text") is clean.DOCUMENT
    assert kind_of("CreateQuoteInput", "text") is clean.QUOTE
    assert kind_of("ImportArticleInput", "document") is clean.DOCUMENT
    graphql = schema._schema
    speaker_input = graphql.type_map["CreateSpeakerInput"]
    assert isinstance(speaker_input, GraphQLInputObjectType)
    assert clean.NAME.rule in (speaker_input.fields["name"].description or "")
    # every field taking text is guarded, these two among them
    assert graphql.query_type is not None and graphql.mutation_type is not None
    assert getattr(graphql.query_type.fields["quotes"].resolve, "_cleans_text", False)
    assert getattr(graphql.mutation_type.fields["createSpeaker"].resolve, "_cleans_text", False)


def send(api: GraphQLClient, document: str, variables: dict[str, object]) -> dict[str, Any]:
    """GET, with the variables as JSON escapes: a POST body cannot hold an unpaired surrogate at all."""
    params = {"query": document, "variables": json.dumps(variables)}  # ensure_ascii: every escape
    response = api.request("GET", "/graphql", params=params, headers={"Accept": "application/json"})
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    assert "errors" not in answer, answer
    return answer


def test_a_body_with_an_unpaired_surrogate_is_refused_saying_so(api: GraphQLClient) -> None:
    body = json.dumps({"query": "{ quotes(search: $s) { totalCount } }", "variables": {"s": "a\ud800"}})
    response = api.request(
        "POST", "/graphql", content=body.encode(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    message = response.json()["errors"][0]["message"]
    assert message.startswith("the request body is not valid JSON (") and "surrogate" in message, message


# --- the API: searches and filters answer an empty page ---------------------------------------------------------
@pytest.mark.parametrize(
    "document",
    [
        "query($s: String) { quotes(search: $s) { totalCount edges { node { id } } pageInfo { hasNextPage } } }",
        "query($s: String) { sources(search: $s) { totalCount edges { node { id } } pageInfo { hasNextPage } } }",
        "query($s: String) { quotes(filter: {textContains: $s}) { totalCount edges { node { id } } "
        "pageInfo { hasNextPage } } }",
        "query($s: String) { speakers(filter: {name: $s}) { totalCount edges { node { id } } "
        "pageInfo { hasNextPage } } }",
        "query($s: String) { outlets(filter: {name: $s}) { totalCount edges { node { id } } "
        "pageInfo { hasNextPage } } }",
    ],
)
@pytest.mark.parametrize("value", [NUL, "nato\u0085", "nato\ud800", "nato\u001b[31m"])
def test_a_search_for_what_cannot_be_stored_is_an_empty_page(
    api: GraphQLClient, document: str, value: str
) -> None:
    data = send(api, document, {"s": value})["data"]
    (listing,) = data.values()
    assert listing == {"totalCount": 0, "edges": [], "pageInfo": {"hasNextPage": False}}


def test_the_same_search_twice_stays_empty_when_compiled(api: GraphQLClient) -> None:
    document = "query($s: String) { quotes(first: 5, search: $s) { edges { node { id text } } } }"
    assert api.query(document, {"s": "harbour"})["quotes"]["edges"]  # learned by the compiled reads
    for _ in range(2):
        assert api.query(document, {"s": NUL})["quotes"]["edges"] == []
    literal = '{ quotes(first: 5, search: "nato\\u0000x") { edges { node { id } } } }'
    for _ in range(2):
        assert api.query(literal)["quotes"]["edges"] == []


def test_searches_differing_only_in_normalisation_find_the_same(api: GraphQLClient) -> None:
    document = "query($s: String) { quotes(search: $s) { totalCount } }"
    composed = api.query(document, {"s": "Tōru"})["quotes"]["totalCount"]
    decomposed = api.query(document, {"s": unicodedata.normalize("NFD", "Tōru")})["quotes"]["totalCount"]
    assert composed == decomposed


def test_a_search_too_long_is_bad_user_input(api: GraphQLClient) -> None:
    errors = api.errors(
        "query($s: String) { quotes(filter: {textContains: $s}) { totalCount } }", {"s": "x" * 201}
    )
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "filter.textContains is 201 characters long" in errors[0]["message"]


def test_other_arguments_are_bad_user_input_naming_the_field(api: GraphQLClient) -> None:
    errors = api.errors(
        'query($t: String!) { checkQuote(input: {text: $t, speakerName: "Lavrov"}) { verdict } }',
        {"t": "We \u0000 said"},
    )
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert errors[0]["message"].startswith("input.text: character 4 is U+0000")


# --- the API: mutations answer userErrors and write nothing ------------------------------------------------------
CREATE = """
mutation($name: String!, $aliases: [AliasInput!]! = []) {
  createSpeaker(input: {name: $name, aliases: $aliases}) {
    speaker { name aliases { name } }
    userErrors { field message code }
  }
}
"""


@pytest.mark.parametrize(
    ("name", "where"),
    [
        (NUL, "character 5 is U+0000"),
        ("Ann \u202eLavrov", "character 5 is U+202E (RIGHT-TO-LEFT OVERRIDE)"),
        ("Ann \u0085Lavrov", "character 5 is U+0085"),
        ("Ann \u009bLavrov", "character 5 is U+009B"),
        ("x" * 20_000, "is 20,000 characters long; a name holds at most 300"),
    ],
)
def test_a_speaker_name_that_could_mislead_is_refused_and_nothing_written(
    editor_api: GraphQLClient, scratch_engine: Engine, name: str, where: str
) -> None:
    with scratch_engine.connect() as connection:
        before = table_counts(connection)
    payload = editor_api.query(CREATE, {"name": name})["createSpeaker"]
    assert payload["speaker"] is None
    (error,) = payload["userErrors"]
    assert error["field"] == "name"
    assert error["code"] == "INVALID"
    assert where in error["message"]
    with scratch_engine.connect() as connection:
        assert table_counts(connection) == before


@pytest.mark.parametrize("role", [None, "READER"])
def test_without_an_editor_token_the_token_is_the_answer(
    scratch_api: GraphQLClient, tokens: dict[str, str], role: str | None
) -> None:
    client = scratch_api.with_token(None if role is None else tokens[role])
    response = client.post(CREATE, {"name": NUL})
    assert response.json()["errors"][0]["extensions"]["code"] == (
        "UNAUTHENTICATED" if role is None else "FORBIDDEN"
    )


def test_a_nested_input_field_is_named_too(editor_api: GraphQLClient) -> None:
    payload = editor_api.query(CREATE, {"name": "Ann Lee", "aliases": [{"name": "A"}, {"name": "A\u2066"}]})
    assert payload["createSpeaker"]["userErrors"][0]["field"] == "aliases[2].name"


def test_a_stored_name_is_nfc_and_either_form_finds_it(
    editor_api: GraphQLClient, scratch_engine: Engine
) -> None:
    made = editor_api.query(CREATE, {"name": NFD, "aliases": [{"name": "Zoe " + NFD.split()[1]}]})
    assert made["createSpeaker"]["userErrors"] == []
    assert made["createSpeaker"]["speaker"]["name"] == NFC
    with scratch_engine.connect() as connection:
        stored = connection.exec_driver_sql("SELECT name FROM speaker").scalar_one()
    assert stored == NFC and unicodedata.is_normalized("NFC", stored)
    find = "query($n: String) { speakers(filter: {name: $n}) { edges { node { name } } } }"
    for form in (NFC, NFD):
        assert editor_api.query(find, {"n": form})["speakers"]["edges"] == [{"node": {"name": NFC}}]
    # and the same name again, in the other form, is the same speaker (a duplicate)
    again = editor_api.query(CREATE, {"name": NFC})["createSpeaker"]
    assert again["speaker"] is None or again["speaker"]["name"] == NFC
    with scratch_engine.connect() as connection:
        keys = connection.exec_driver_sql("SELECT name_key FROM speaker").scalars().all()
    assert len(set(keys)) == 1


# --- the CLI -----------------------------------------------------------------------------------------------------
def cli(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QUOTECHECK_DATABASE_URL=url)
    return subprocess.run(
        [sys.executable, "-m", "quotecheck", *args], env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    ("command", "content", "where"),
    [
        ("transcript", "HOST: Welcome.\nOSEI: The harbour\u0000 reopens.\n", "line 2, column 18 is U+0000"),
        ("transcript", '{"turns": [{"speaker": "HOST", "text": "a\\u0000b"}]}', "is U+0000"),
        ("transcript", "HOST: Welcome.\nOS\u202eEI: Hello.\n", "is U+202E"),
        ("article", "Headline\n\nThe mayor said \u201cwe\u0000 will\u201d.\n", "line 3, column 19 is U+0000"),
    ],
)
def test_a_file_with_a_refused_character_is_one_error_line_with_its_place(
    scratch_url: str, scratch_engine: Engine, tmp_path: Path, command: str, content: str, where: str
) -> None:
    suffix = ".json" if content.startswith("{") else ".txt"
    file = tmp_path / f"doc{suffix}"
    file.write_text(content, encoding="utf-8")
    with scratch_engine.connect() as connection:
        before = table_counts(connection)
    result = cli(scratch_url, "import", command, str(file), "--title", "Harbour talk")
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert where in lines[0] and str(file) in lines[0], lines[0]
    assert "cannot connect" not in result.stderr and "Traceback" not in result.stderr
    with scratch_engine.connect() as connection:
        assert table_counts(connection) == before


def test_a_cli_option_is_checked_too(scratch_url: str, tmp_path: Path) -> None:
    file = tmp_path / "talk.txt"
    file.write_text("HOST: Welcome.\n", encoding="utf-8")
    result = cli(scratch_url, "import", "transcript", str(file), "--title", "Harbour\u0085talk")
    assert result.returncode == 2
    assert result.stderr == (
        "error: --title: character 8 is U+0085 (NEXT LINE), a control character; remove it\n"
    )


def test_a_feed_line_names_the_line(scratch_url: str, scratch_engine: Engine, tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        '{"quotation": "fine words", "speaker": "Ann Lee"}\n'
        '{"quotation": "bad \\u0000 words", "speaker": "Ann Lee"}\n'
        '{"quotation": "worse words", "speaker": "Ann \\u202eLee"}\n'
        '{"quotation": "c1 \\u0085 words", "speaker": "Ann Lee"}\n',
        encoding="utf-8",
    )
    result = cli(scratch_url, "import", "quotes", str(feed))
    assert result.returncode == 0, result.stderr
    assert "line 2: quotation: character 5 is U+0000" in result.stdout
    assert "line 3: speaker: character 5 is U+202E" in result.stdout
    assert "line 4: quotation: character 4 is U+0085" in result.stdout
    assert "added: 1 quotes" in result.stdout


def test_the_search_kind_is_the_search_limit() -> None:
    from quotecheck.services.search import MAX_SEARCH

    assert clean.SEARCH.max_length == MAX_SEARCH


TRANSCRIPT_JSON = """
mutation($d: String!) {
  importTranscript(input: {document: $d, title: "Harbour talk"}) { created userErrors { field message code } }
}
"""
ARTICLE_HTML = """
mutation($d: String!) {
  importArticle(input: {document: $d, format: HTML}) { created userErrors { field message code } }
}
"""


@pytest.mark.parametrize(
    ("document", "variables", "where"),
    [
        (TRANSCRIPT_JSON, {"d": '{"turns": [{"speaker": "HOST", "text": "a\\u0000b"}]}'}, "U+0000"),
        (TRANSCRIPT_JSON, {"d": '{"turns": [{"speaker": "HO\\u202eST", "text": "ab"}]}'}, "U+202E"),
        (ARTICLE_HTML, {"d": "<html><title>AB</title><p>The mayor\u0000 said words.</p></html>"}, "U+0000"),
    ],
)
def test_what_a_document_hides_in_escapes_is_refused_too(
    editor_api: GraphQLClient, scratch_engine: Engine, document: str, variables: dict[str, str], where: str
) -> None:
    with scratch_engine.connect() as connection:
        before = table_counts(connection)
    (payload,) = editor_api.query(document, variables).values()
    assert payload["created"] is False
    (error,) = payload["userErrors"]
    assert where in error["message"] and error["message"].startswith("document"), error
    assert error["field"] == "document"
    with scratch_engine.connect() as connection:
        assert table_counts(connection) == before

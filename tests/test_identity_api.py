"""Who is speaking, through the API and the CLI (issue 14): resolveSpeaker, speakers(filter: {name:}),
possibleDuplicates and mergeSpeakers, checkQuote's candidates, `quotecheck speakers duplicates`."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from quotecheck.services.speakers import RoleInput, create_speaker
from quotecheck.services.transcripts import import_transcript, parse_transcript
from tests.conftest import GraphQLClient, seeding
from tests.test_transcripts import run

RESOLVE = """query ($name: String!, $on: String) {
  resolveSpeaker(name: $name, on: $on) { speaker { name anonymous } score reason }
}"""
FILTER = "query ($name: String!) { speakers(filter: {name: $name}) { edges { node { name } } } }"


def _seed(engine: Engine) -> None:
    with seeding(engine) as session:
        create_speaker(session, name="Elizabeth Warren")
        create_speaker(session, name="Rick Warren", description="a pastor")
        create_speaker(
            session,
            name="Sergey Lavrov",
            roles=[RoleInput("Minister of Foreign Affairs", "Russian Federation", "2004-03-09")],
        )
        import_transcript(
            session,
            parse_transcript("1\tSenator Warren\tI have a plan for that.\n2\tQuestion\tWhich plan?\n"),
            title="Rally",
        )


def _names(data: dict[str, object], field: str = "resolveSpeaker") -> list[str]:
    return [c["speaker"]["name"] for c in data[field]]  # type: ignore[attr-defined]


def test_resolve_speaker(scratch_api: GraphQLClient, scratch_engine: Engine) -> None:
    _seed(scratch_engine)
    found = scratch_api.query(RESOLVE, {"name": "E. Warren"})["resolveSpeaker"]
    assert [(c["speaker"]["name"], c["score"]) for c in found] == [
        ("Elizabeth Warren", 0.9),
        ("Senator Warren", 0.6),
    ]
    assert found[0]["reason"] == "initials compatible with the given names"
    assert _names(scratch_api.query(RESOLVE, {"name": "the Russian Foreign Minister", "on": "2013-03"})) == [
        "Sergey Lavrov"
    ]
    assert scratch_api.query(RESOLVE, {"name": "Question"})["resolveSpeaker"] == []
    [error] = scratch_api.errors(RESOLVE, {"name": "the Foreign Minister", "on": "March 2013"})
    assert "on" in error["message"] and "2013-03" in error["message"]


def test_the_name_filter_finds_one_person_under_every_form(
    scratch_api: GraphQLClient, scratch_engine: Engine
) -> None:
    _seed(scratch_engine)

    def named(name: str) -> list[str]:
        return sorted(
            e["node"]["name"] for e in scratch_api.query(FILTER, {"name": name})["speakers"]["edges"]
        )

    assert named("Elizabeth Warren") == ["Elizabeth Warren", "Senator Warren"]
    assert named("Senator Warren") == ["Elizabeth Warren", "Rick Warren", "Senator Warren"]
    assert named("E. Warren") == ["Elizabeth Warren", "Senator Warren"]
    assert named("Rick Warren") == ["Rick Warren", "Senator Warren"]
    assert named("serg lav") == ["Sergey Lavrov"]  # words that start words, as before
    assert named("Question") == ["Question"]  # the filter still lists anonymous participants by their label


def test_possible_duplicates_are_listed_and_merged(
    scratch_api: GraphQLClient, scratch_engine: Engine, tokens: dict[str, str]
) -> None:
    _seed(scratch_engine)
    listed = scratch_api.query(
        "{ possibleDuplicates { speaker { id name } candidate { id name } score reason label source { title } } }"
    )["possibleDuplicates"]
    assert [(d["speaker"]["name"], d["candidate"]["name"], d["label"]) for d in listed] == [
        ("Senator Warren", "Elizabeth Warren", "Senator Warren"),
        ("Senator Warren", "Rick Warren", "Senator Warren"),
    ]
    assert listed[0]["source"] == {"title": "Rally"} and "surname" in listed[0]["reason"]
    admin = scratch_api.with_token(tokens["ADMIN"])
    merged = admin.query(
        "mutation ($s: ID!, $m: ID!) { mergeSpeakers(input: {survivorId: $s, mergedId: $m}) "
        "{ speaker { name aliases { name kind } } userErrors { message } } }",
        {"s": listed[0]["candidate"]["id"], "m": listed[0]["speaker"]["id"]},
    )["mergeSpeakers"]
    assert merged["userErrors"] == []
    assert {"name": "Senator Warren", "kind": "MERGED"} in merged["speaker"]["aliases"]
    assert scratch_api.query("{ possibleDuplicates { label } }")["possibleDuplicates"] == []
    # merged, the senator's words are Elizabeth Warren's under any form of her name
    check = """query ($n: String!) { checkQuote(input: {text: "I have a plan for that", speakerName: $n})
      { verdict speaker { name } speakerCandidates { speaker { name } } } }"""
    for name in ("Elizabeth Warren", "Senator Warren", "E. Warren", "Sen. Elizabeth Warren"):
        result = scratch_api.query(check, {"n": name})["checkQuote"]
        assert (result["verdict"], result["speaker"]) == ("VERBATIM", {"name": "Elizabeth Warren"}), name


def test_an_ambiguous_name_in_the_check_lists_its_candidates(
    scratch_api: GraphQLClient, scratch_engine: Engine
) -> None:
    with seeding(scratch_engine) as session:
        create_speaker(session, name="Rick Warren", description="a pastor")
        import_transcript(
            session, parse_transcript("1\tElizabeth Warren\tI have a plan for that.\n"), title="Rally"
        )
    check = """query ($n: String!) { checkQuote(input: {text: "I have a plan for that", speakerName: $n})
      { verdict explanation speaker { name } speakerCandidates { speaker { name } score reason } } }"""
    result = scratch_api.query(check, {"n": "Warren"})["checkQuote"]
    assert result["verdict"] == "VERBATIM"
    assert result["speaker"] == {"name": "Elizabeth Warren"}
    assert [(c["speaker"]["name"], c["score"]) for c in result["speakerCandidates"]] == [
        ("Rick Warren", 0.6),
        ("Elizabeth Warren", 0.6),
    ]
    assert "The name 'Warren' may mean 2 recorded speakers; checked against each" in result["explanation"]
    # a sure name lists none
    sure = scratch_api.query(check, {"n": "E. Warren"})["checkQuote"]
    assert (sure["verdict"], sure["speakerCandidates"]) == ("VERBATIM", [])
    # under the other Warren's full name, the words are hers: MISATTRIBUTED, naming her
    other = scratch_api.query(check, {"n": "Rick Warren"})["checkQuote"]
    assert (
        other["verdict"] == "MISATTRIBUTED"
        and "said by Elizabeth Warren, not by Rick Warren" in (other["explanation"])
    )


def test_the_speakers_commands(scratch_engine: Engine, scratch_url: str, tmp_path: Path) -> None:
    assert run(scratch_url, "speakers", "duplicates").stdout == "no possible duplicates to review\n"
    _seed(scratch_engine)
    listed = run(scratch_url, "speakers", "duplicates")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.splitlines() == [
        "Senator Warren (id 4)\tmay be Elizabeth Warren (id 1)\t0.60\tsame surname, no given name to compare"
        "\tas written: 'Senator Warren'",
        "Senator Warren (id 4)\tmay be Rick Warren (id 2)\t0.60\tsame surname, no given name to compare"
        "\tas written: 'Senator Warren'",
    ]
    resolved = run(scratch_url, "speakers", "resolve", "E. Warren")
    assert resolved.stdout.splitlines() == [
        "0.90\tElizabeth Warren (id 1)\tinitials compatible with the given names",
        "0.60\tSenator Warren (id 4)\tsame surname, no given name to compare",
        "sure: Elizabeth Warren",
    ]
    # a surname alone is a surname, whatever title it came with: three Warrens may be meant
    warren = run(scratch_url, "speakers", "resolve", "Warren").stdout.splitlines()
    assert len(warren) == 4 and warren[-1] == "not sure: a person has to choose (or give the id)"
    assert (
        run(scratch_url, "speakers", "resolve", "Speaker 1").stdout
        == "no recorded speaker may be 'Speaker 1'\n"
    )
    bad = run(scratch_url, "speakers", "resolve", "the Foreign Minister", "--on", "March")
    assert bad.returncode == 2 and bad.stdout == "" and "2013-03" in bad.stderr
    # the import command says who was anonymous and what may be a duplicate
    path = tmp_path / "panel.tsv"
    path.write_text(
        "1\tSpeaker 1\tHello.\n2\tRick Warren\tGrace.\n3\tMoses Warren\tAmen.\n", encoding="utf-8"
    )
    imported = run(scratch_url, "import", "transcript", str(path), "--title", "Panel")
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.splitlines()[-3:] == [
        "  new speakers: Moses Warren",
        "  anonymous participants of this transcript: Speaker 1",
        "  possible duplicate: Moses Warren may be Senator Warren (same surname, no given name to compare); "
        "review with `quotecheck speakers duplicates`",
    ]
    # the check by a title and surname finds the words the senator said
    shown = run(scratch_url, "check", "I have a plan for that", "--speaker", "Sen. Warren")
    assert shown.stdout.startswith("VERBATIM (confidence")


def test_the_import_mutation_reports_anonymous_participants_and_possible_duplicates(
    scratch_api: GraphQLClient, scratch_engine: Engine, tokens: dict[str, str]
) -> None:
    _seed(scratch_engine)
    mutation = """mutation ($d: String!) { importTranscript(input: {document: $d, title: "Panel"}) {
      created newSpeakers { name } anonymousParticipants { name anonymous }
      possibleDuplicates { speaker { name } candidate { name } score reason label }
      source { turns { label speaker { name anonymous } } } userErrors { message } } }"""
    document = "1\tModerator 2\tWelcome.\n2\tWarren \tA plan.\n3\tE. Warren\tAnother plan.\n"
    done = scratch_api.with_token(tokens["EDITOR"]).query(mutation, {"d": document})["importTranscript"]
    assert done["userErrors"] == [] and done["created"] is True
    assert done["anonymousParticipants"] == [{"name": "Moderator 2", "anonymous": True}]
    # "Warren" alone may be any of three: a new speaker, and three possible duplicates to review
    assert done["newSpeakers"] == [{"name": "Warren"}]
    assert [(t["label"], t["speaker"]["name"]) for t in done["source"]["turns"]] == [
        ("Moderator 2", "Moderator 2"),
        ("Warren ", "Warren"),
        ("E. Warren", "Elizabeth Warren"),  # an initial that fits one given name beats a surname on the stage
    ]
    assert [
        (d["speaker"]["name"], d["candidate"]["name"], d["label"]) for d in done["possibleDuplicates"]
    ] == [
        ("Warren", "Elizabeth Warren", "Warren"),
        ("Warren", "Rick Warren", "Warren"),
        ("Warren", "Senator Warren", "Warren"),
    ]
    assert all(d["score"] == 0.6 and "surname" in d["reason"] for d in done["possibleDuplicates"])


def test_quotes_by_any_form_of_the_speakers_name(api: GraphQLClient) -> None:
    query = """query ($n: String!) { quotes(filter: {speakerName: $n}, first: 100) {
      totalCount edges { node { speaker { name } } } } }"""
    plain = api.query(query, {"n": "Elena Várga"})["quotes"]
    assert plain["totalCount"] > 0
    for form in ("Mayor Elena Várga", "E. Varga", "Mayor E. Várga"):
        assert api.query(query, {"n": form})["quotes"] == plain, form
    assert api.query(query, {"n": "Rick Várga"})["quotes"]["totalCount"] == 0

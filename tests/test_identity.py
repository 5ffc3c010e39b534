"""Who is speaking (issue 14): one person under every name they are given, in resolution and in the check."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from quotecheck.demo import load_demo
from quotecheck.enums import Verdict
from quotecheck.errors import ValidationError
from quotecheck.services.checks import CheckRequest, check_quote, result_document
from quotecheck.services.speakers import (
    RoleInput,
    create_speaker,
    find_speakers,
    list_possible_duplicates,
    merge_speakers,
    resolve_name,
    unambiguous,
)
from quotecheck.services.transcripts import import_transcript, parse_transcript
from tests.counts import table_counts

FERRY = "the town will cover the ferry subsidy out of reserves until the bridge opens"
NATO = "NATO has lost its raison d’être after the disappearance of the Soviet Union"


def _evidence(session: Session, text: str, speaker: str) -> dict[str, object]:
    document = result_document(check_quote(session, CheckRequest(text=text, speaker_name=speaker)))
    return {key: document[key] for key in ("verdict", "confidence", "speaker", "matches")}


@pytest.mark.parametrize(
    ("text", "plain", "forms"),
    [
        (
            FERRY,
            "Elena Várga",
            ["Mayor Elena Várga", "E. Várga", "Elena Varga", "MAYOR ELENA VÁRGA", "Várga"],
        ),
        (
            NATO,
            "Sergey Lavrov",
            [
                "Russian Foreign Minister Sergey Lavrov",
                "Minister Lavrov",
                "Lavrov",
                "Foreign Minister Lavrov",
            ],
        ),
    ],
)
def test_the_demo_gives_one_verdict_under_every_form_of_the_name(
    session: Session, text: str, plain: str, forms: list[str]
) -> None:
    load_demo(session)
    expected = _evidence(session, text, plain)
    assert expected["verdict"] != Verdict.MISATTRIBUTED.value and expected["matches"]
    for form in forms:
        assert _evidence(session, text, form) == expected, form


def test_a_misattribution_names_the_person_who_said_it(session: Session) -> None:
    load_demo(session)
    result = check_quote(session, CheckRequest(text=FERRY, speaker_name="Minister Lavrov"))
    assert result.outcome.verdict is Verdict.MISATTRIBUTED
    assert (
        "Elena Várga" in result.outcome.explanation and "not by Sergey Lavrov" in result.outcome.explanation
    )


def test_two_warrens_stay_two(session: Session) -> None:
    elizabeth = create_speaker(session, name="Elizabeth Warren")
    rick = create_speaker(session, name="Rick Warren", description="a pastor")
    assert [c.speaker.id for c in resolve_name(session, "Elizabeth Warren")] == [elizabeth.id]
    assert [c.speaker.id for c in resolve_name(session, "E. Warren")] == [elizabeth.id]
    assert [c.speaker.id for c in resolve_name(session, "Pastor Rick Warren")] == [rick.id]
    both = resolve_name(session, "Senator Warren")
    assert {c.speaker.id for c in both} == {elizabeth.id, rick.id}
    assert unambiguous(both) is None
    assert all("surname" in c.reason for c in both)


def test_a_surname_alone_is_the_one_person_of_that_surname_on_the_stage(session: Session) -> None:
    # one article quotes two Smiths: "Smith" alone is ambiguous, unless the context holds only one of them
    anna = create_speaker(session, name="Anna Smith")
    ben = create_speaker(session, name="Ben Smith")
    assert unambiguous(resolve_name(session, "Ms. Smith")) is None
    sure = unambiguous(resolve_name(session, "Smith", among={ben.id}))
    assert sure is not None and sure.speaker.id == ben.id and "same stage" in sure.reason
    assert unambiguous(resolve_name(session, "Smith", among={anna.id, ben.id})) is None
    # a full name outside the stage still wins over a surname on it
    sure = unambiguous(resolve_name(session, "Anna Smith", among={ben.id}))
    assert sure is not None and sure.speaker.id == anna.id


def test_a_role_is_whoever_held_it_on_the_date(session: Session) -> None:
    old = create_speaker(
        session,
        name="Igor Ivanov",
        roles=[RoleInput("Minister of Foreign Affairs", "Russian Federation", "1998-09-11", "2004-03-09")],
    )
    new = create_speaker(
        session,
        name="Sergey Lavrov",
        roles=[RoleInput("Minister of Foreign Affairs", "Russian Federation", "2004-03-09")],
    )
    in_2013 = resolve_name(session, "the Russian Foreign Minister", on="2013-03")
    assert [c.speaker.id for c in in_2013] == [new.id] and "2013-03" in in_2013[0].reason
    in_2001 = resolve_name(session, "the Foreign Minister", on="2001")
    assert [c.speaker.id for c in in_2001] == [old.id]
    undated = resolve_name(session, "the Foreign Minister")
    assert {c.speaker.id for c in undated} == {old.id, new.id} and unambiguous(undated) is None
    # a name with its role: the role held on the date adds to the name's own score
    named = resolve_name(session, "Foreign Minister Lavrov", on="2013")
    assert [c.speaker.id for c in named] == [new.id] and "held Minister of Foreign Affairs" in named[0].reason


def test_french_roles_and_gender(session: Session) -> None:
    helene = create_speaker(
        session,
        name="Hélène Dufresne-Arcan",
        aliases=["Mme Dufresne-Arcan"],
        roles=[RoleInput("présidente du conseil régional", None, "2021")],
    )
    sure = unambiguous(resolve_name(session, "la présidente du conseil régional", on="2024-05"))
    assert sure is not None and sure.speaker.id == helene.id
    found = resolve_name(session, "la présidente du conseil régional, Hélène Dufresne-Arcan", on="2024")
    assert [c.speaker.id for c in found] == [helene.id]
    assert [c.speaker.id for c in resolve_name(session, "Mme Dufresne-Arcan")] == [helene.id]
    assert resolve_name(session, "M. Dufresne-Arcan", language="fr") == []


def test_generic_labels_resolve_to_nobody(session: Session) -> None:
    create_speaker(session, name="Question Time Host")
    for label in ("Question", "Speaker 1", "Moderator 2", "Unidentified Female"):
        assert resolve_name(session, label) == []


# --- transcripts -----------------------------------------------------------------------------------------------
DEBATE = (
    "1\tAnna Moderna\tWelcome to the harbour debate.\n"
    "2\tAnna Moderna\tOur first question goes to the senator.\n"
    "3\tSenator Lindqvist\tThe bridge will be paid for by the state.\n"
    "4\tPaul Okafor \tThe bridge will be late, as always.\n"
    "5\tA. Moderna\tThank you both.\n"
    "6\tQuestion\tWhat about the ferry?\n"
    "7\tSpeaker 1\tAnd the fares?\n"
    "8\tPaul Okafor\tThe fares stay as they are.\n"
)
TOWN_HALL = (
    "1\tNote\tThis transcript was checked by hand.\n2\tQuestion\tWill the ferry run?\n3\tB. Lindqvist\tYes.\n"
)


def test_a_tab_separated_transcript_resolves_every_form_of_a_name(session: Session) -> None:
    report = import_transcript(session, parse_transcript(DEBATE), title="Harbour debate")
    turns = report.source.turns
    assert [t.label for t in turns] == [
        "Anna Moderna",
        "Senator Lindqvist",
        "Paul Okafor ",  # the label as written, stray space and all
        "A. Moderna",
        "Question",
        "Speaker 1",
        "Paul Okafor",
    ]
    assert report.source.text is not None and "Welcome to the harbour debate. Our first question" in (
        report.source.text
    )
    named = {t.label: t.speaker for t in turns}
    assert named["A. Moderna"].id == named["Anna Moderna"].id
    assert named["Paul Okafor "].id == named["Paul Okafor"].id
    assert named["Senator Lindqvist"].name == "Senator Lindqvist"
    assert sorted(s.name for s in report.new_speakers) == ["Anna Moderna", "Paul Okafor", "Senator Lindqvist"]
    # generic labels: anonymous participants of this transcript, never found by name
    assert sorted(s.name for s in report.anonymous) == ["Question", "Speaker 1"]
    assert all(s.anonymous and "Harbour debate" in (s.description or "") for s in report.anonymous)
    assert resolve_name(session, "Question") == [] and find_speakers(session, "Question") == []

    # another transcript: its "Question" is another anonymous participant; "B. Lindqvist" is the senator
    other = import_transcript(session, parse_transcript(TOWN_HALL), title="Town hall")
    asked = {t.label: t.speaker for t in other.source.turns}
    assert asked["Question"].id != named["Question"].id and asked["Question"].anonymous
    # "B. Lindqvist" may be the senator, whose given name is not recorded: a new speaker, a possible duplicate
    [lindqvist] = other.new_speakers
    assert lindqvist.name == "B. Lindqvist"
    [duplicate] = other.possible_duplicates
    assert (duplicate.speaker_id, duplicate.candidate_id) == (lindqvist.id, named["Senator Lindqvist"].id)
    # and the senator's words checked under that name are not called someone else's
    said = "The bridge will be paid for by the state"
    result = check_quote(session, CheckRequest(text=said, speaker_name="B. Lindqvist"))
    assert result.outcome.verdict is Verdict.VERBATIM, result.outcome.explanation
    assert "'B. Lindqvist' was read as Senator Lindqvist" in result.outcome.explanation
    # importing it again changes nothing and makes no new anonymous participant
    session.flush()
    before = table_counts(session.connection())
    again = import_transcript(session, parse_transcript(TOWN_HALL), title="Town hall")
    assert not again.created and again.anonymous == []
    assert table_counts(session.connection()) == before


def test_a_full_name_that_only_shares_a_recorded_surname_is_a_possible_duplicate(session: Session) -> None:
    warren = create_speaker(session, name="Senator Warren")
    report = import_transcript(
        session, parse_transcript("1\tElizabeth Warren\tI have a plan for that.\n"), title="Rally"
    )
    [new] = report.new_speakers
    assert new.name == "Elizabeth Warren" and new.id != warren.id
    [duplicate] = report.possible_duplicates
    assert (duplicate.speaker_id, duplicate.candidate_id, duplicate.label) == (
        new.id,
        warren.id,
        "Elizabeth Warren",
    )
    assert duplicate.source_id == report.source.id and "surname" in duplicate.reason
    assert [d.id for d in list_possible_duplicates(session)] == [duplicate.id]
    # the check under either name finds her words hers, not someone else's
    result = check_quote(session, CheckRequest(text="I have a plan for that", speaker_name="Senator Warren"))
    assert result.outcome.verdict is Verdict.VERBATIM, result.outcome.explanation
    # merged by an editor, the duplicate record goes with the merged speaker
    merge_speakers(session, survivor_id=new.id, merged_id=warren.id)
    session.flush()
    assert list_possible_duplicates(session) == []


def test_an_ambiguous_surname_in_a_transcript_is_a_new_speaker_with_both_candidates(session: Session) -> None:
    elizabeth = create_speaker(session, name="Elizabeth Warren")
    rick = create_speaker(session, name="Rick Warren")
    report = import_transcript(session, parse_transcript("1\tWarren\tA plan.\n"), title="Panel")
    [new] = report.new_speakers
    assert {d.candidate_id for d in report.possible_duplicates} == {elizabeth.id, rick.id}
    assert all(d.speaker_id == new.id for d in report.possible_duplicates)
    # a given name that conflicts is no duplicate at all: Mary Warren may only be the Warren without one
    other = import_transcript(session, parse_transcript("1\tMary Warren\tAnother plan.\n"), title="Panel 2")
    assert [d.candidate_id for d in other.possible_duplicates] == [new.id]


def test_a_tab_separated_file_with_a_bad_line_says_which() -> None:
    with pytest.raises(ValidationError) as raised:
        parse_transcript("1\tAnna\tHello.\n2 Anna Hello again.\n", name="t.tsv")
    assert raised.value.message.startswith("t.tsv, line 2: not `number<TAB>speaker<TAB>text`")

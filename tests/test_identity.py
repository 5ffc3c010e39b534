"""Who is speaking (issue 14): one person under every name they are given, in resolution and in the check."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from quotecheck.demo import load_demo
from quotecheck.enums import Verdict
from quotecheck.services.checks import CheckRequest, check_quote, result_document
from quotecheck.services.speakers import (
    RoleInput,
    create_speaker,
    resolve_name,
    unambiguous,
)

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

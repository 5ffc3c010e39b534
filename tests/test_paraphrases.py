"""The paraphrase path of the check against the database: the lemma index, aliases, no window of latest text."""

from __future__ import annotations

import random

from sqlalchemy.orm import Session

from quotecheck.enums import SpeakerKind, Verdict
from quotecheck.matching import DifferenceKind
from quotecheck.services.checks import CheckRequest, CheckResult, check_quote, result_document
from quotecheck.services.paraphrases import candidates
from quotecheck.services.speakers import create_speaker
from quotecheck.services.transcripts import import_transcript, parse_transcript

OLD_SHOW = """\
HOST: What is happening at the shipyard?
QUILL: Prices went up again. So Bellmoor is leaving. You see it, their northern yard leaving.
HOST: And the fishing fleet?
QUILL: He started his boat with $14 million, borrowed from his uncle, and he never paid it back.
"""


def filler(rng: random.Random, words: int) -> str:
    """Invented talk that shares no content word with the claims below."""
    vocabulary = [
        "weather",
        "garden",
        "concert",
        "bicycle",
        "library",
        "pastry",
        "violin",
        "meadow",
        "lantern",
    ]
    return " ".join(rng.choice(vocabulary) for _ in range(words)) + "."


def shows(session: Session, *, prolific: bool = False) -> None:
    create_speaker(
        session, name="Bellmoor Shipping Company", kind=SpeakerKind.ORGANIZATION, aliases=["Bellmoor"]
    )
    create_speaker(session, name="Tomas Reyne", aliases=["Reyne"])
    import_transcript(
        session,
        parse_transcript(OLD_SHOW),
        title="Harbour Radio, spring",
        language="en",
        interviewees=["Marta Quill"],
    )
    # A prolific speaker: well over 80,000 characters of her later turns, none of them on the subject.
    rng = random.Random(3)
    for week in range(4 if prolific else 0):
        later = "\n".join(f"{'QUILL' if n % 2 else 'HOST'}: {filler(rng, 60)}" for n in range(120))
        import_transcript(
            session, parse_transcript(later), title=f"Harbour Radio, week {week}", language="en"
        )


def check(session: Session, text: str, speaker: str = "Marta Quill") -> CheckResult:
    return check_quote(session, CheckRequest(text=text, speaker_name=speaker))


def test_an_old_statement_of_a_prolific_speaker_is_found(session: Session) -> None:
    shows(session, prolific=True)
    result = check(session, "Bellmoor Shipping Company is moving its northern yard out of the country")
    outcome = result.outcome
    assert outcome.verdict is Verdict.PARAPHRASED
    best = outcome.matches[0]
    assert best.document.title == "Harbour Radio, spring"
    assert best.passage == "Bellmoor is leaving. You see it, their northern yard"
    assert "“bellmoor shipping company”" in outcome.explanation  # the alias matched the company's full name
    document = result_document(result)
    assert document["matches"][0]["speaker"] == "Marta Quill"
    assert 0 < document["matches"][0]["score"] <= 1


def test_aliases_come_from_the_database(session: Session) -> None:
    shows(session)
    found = candidates(session, "Bellmoor Shipping Company is leaving", None, "en")
    company = found.aliases[("bellmoor", "shipping", "company")]
    assert found.aliases[("bellmoor",)] == company
    assert company in found.weights
    assert ("tomas", "reyne") not in found.aliases  # not named in the claim


def test_amounts_and_a_pronoun_for_a_name(session: Session) -> None:
    shows(session)
    create_speaker(session, name="Ivo Brandt")
    outcome = check(
        session, "Ivo Brandt borrowed fourteen million dollars from his uncle for the boat"
    ).outcome
    assert outcome.verdict is Verdict.PARAPHRASED
    assert outcome.matches[0].passage == "He started his boat with $14 million, borrowed from his uncle"
    assert "“fourteen million”" in outcome.explanation


def test_a_name_for_a_pronoun_is_editorial_not_a_substitution(session: Session) -> None:
    shows(session)
    outcome = check(session, "Ivo Brandt started his boat with $14 million, borrowed from his uncle").outcome
    assert outcome.verdict is Verdict.PARAPHRASED
    kinds = [(d.kind, d.claimed, d.original) for d in outcome.matches[0].differences]
    assert kinds == [(DifferenceKind.EDITORIAL, "Ivo Brandt", "He")]
    assert "“Ivo Brandt” for “He” (a name for a pronoun, unmarked)" in outcome.explanation


def test_a_dropped_negation_is_flagged(session: Session) -> None:
    shows(session)
    outcome = check(session, "Marta Quill says the boat money was paid back to the uncle").outcome
    assert outcome.verdict is Verdict.PARAPHRASED
    assert any(
        d.kind is DifferenceKind.CONTEXT_RISK and d.original == "never"
        for d in outcome.matches[0].differences
    )


def test_unrelated_words_are_not_found(session: Session) -> None:
    shows(session)
    outcome = check(session, "The lighthouse keeper painted seven blue boats before the winter fair").outcome
    assert outcome.verdict is Verdict.NOT_FOUND

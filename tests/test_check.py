"""The quote check through the database (`quotecheck.services.checks`): candidates found through the index."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from quotecheck.demo import load_demo
from quotecheck.enums import AppearanceRelation, SourceKind, Verdict
from quotecheck.errors import ValidationError
from quotecheck.models import Appearance, Shingle, Source, Speaker
from quotecheck.services.appearances import create_appearance
from quotecheck.services.checks import MAX_MATCHES, CheckRequest, CheckResult, check_quote, result_document
from quotecheck.services.index import index_size, rebuild_index
from quotecheck.services.quotes import create_quote, find_quote
from quotecheck.services.sources import create_source
from quotecheck.services.speakers import create_speaker
from quotecheck.services.transcripts import import_transcript, parse_transcript

TRANSCRIPT = """\
GLASSER: Minister, do you think the alliance is still looking for a reason to exist after the Cold War?
LAVROV: NATO has lost its raison d'être after the disappearance of the Soviet Union. NATO is clearly in
search of a reason to exist, and it is now proclaiming its right to act militarily anywhere on Earth.

We would never accept that kind of posture; it is not what was promised.
GLASSER: So the missile defense question is really about trust between Moscow and Washington?
LAVROV: Missile defense is certainly considered by Russia as creating problems for our security.
"""
TITLE = "Lavrov interviewed by Foreign Policy"
QUESTION = "do you think the alliance is still looking for a reason to exist after the Cold War"
SENTENCE = "NATO is clearly in search of a reason to exist"


@dataclass
class Corpus:
    lavrov: Speaker
    glasser: Speaker
    transcript: Source


@pytest.fixture
def corpus(session: Session) -> Corpus:
    lavrov = create_speaker(session, name="Sergey Lavrov", aliases=["Sergei Lavrov"])
    glasser = create_speaker(session, name="Susan Glasser")
    report = import_transcript(
        session,
        parse_transcript(TRANSCRIPT),
        title=TITLE,
        language="en",
        interviewees=["Sergey Lavrov"],
        interviewers=["Susan Glasser"],
    )
    assert report.new_speakers == []
    return Corpus(lavrov, glasser, report.source)


def check(
    session: Session,
    text: str,
    speaker: str = "Sergey Lavrov",
    *,
    language: str | None = None,
    said_on: str | None = None,
) -> CheckResult:
    request = CheckRequest(text=text, speaker_name=speaker, language=language, said_on=said_on)
    return check_quote(session, request)


# --- each verdict ------------------------------------------------------------------------------------------------
def test_verbatim(session: Session, corpus: Corpus) -> None:
    result = check(session, f"“{SENTENCE}”")
    assert result.speaker is corpus.lavrov
    assert result.speaker_name == "Sergey Lavrov"
    outcome = result.outcome
    assert outcome.verdict is Verdict.VERBATIM
    assert outcome.explanation == f"Word for word as said in “{TITLE}”."
    [match] = outcome.matches
    # the transcript's continuation line is kept as it was, and is no difference
    assert match.passage == "NATO is clearly in\nsearch of a reason to exist"
    assert match.primary
    answer = corpus.transcript.turns[1]
    assert match.spans[0].turn_id == answer.id
    [found] = result_document(result)["matches"]
    assert corpus.transcript.text is not None
    assert corpus.transcript.text[found["start"] : found["end"]] == match.passage
    assert answer.char_start <= found["start"] < found["end"] <= answer.char_end


def test_the_document_is_stable(session: Session, corpus: Corpus) -> None:
    result = check(session, SENTENCE)
    document = result_document(result)
    assert corpus.transcript.text is not None
    start = corpus.transcript.text.index("NATO is clearly in\nsearch")
    assert document == {
        "verdict": "VERBATIM",
        "confidence": 0.97,
        "explanation": f"Word for word as said in “{TITLE}”.",
        "speaker": "Sergey Lavrov",
        "matches": [
            {
                "source": {"title": TITLE, "primary": True},
                "turn": corpus.transcript.turns[1].id,
                "speaker": "Sergey Lavrov",
                "passage": "NATO is clearly in\nsearch of a reason to exist",
                "start": start,
                "end": start + len("NATO is clearly in\nsearch of a reason to exist"),
                "score": 1.0,
                "primary": True,
                "differences": [],
            }
        ],
    }


def test_verbatim_with_elisions(session: Session, corpus: Corpus) -> None:
    outcome = check(session, "NATO has lost its raison d’être … it is now proclaiming its right").outcome
    assert outcome.verdict is Verdict.VERBATIM_WITH_ELISIONS
    assert outcome.explanation == f"Every kept word is as said in “{TITLE}”; 1 marked cut(s)."
    [difference] = outcome.matches[0].differences
    assert (difference.kind.value, difference.note) == ("ELISION", "18 words cut")


def test_altered(session: Session, corpus: Corpus) -> None:
    outcome = check(session, "We would never accept that kind of posture; it is not what was agreed").outcome
    assert outcome.verdict is Verdict.ALTERED
    assert outcome.explanation == f"Close to “{TITLE}”, but the words differ: “agreed” instead of “promised”."
    assert [(d.kind.value, d.claimed, d.original) for d in outcome.matches[0].differences] == [
        ("SUBSTITUTION", "agreed", "promised")
    ]


def test_misattributed_names_the_interviewer(session: Session, corpus: Corpus) -> None:
    outcome = check(session, QUESTION).outcome
    assert outcome.verdict is Verdict.MISATTRIBUTED
    assert (
        outcome.explanation == f"These words are in “{TITLE}”, said by Susan Glasser, not by Sergey Lavrov."
    )
    assert outcome.matches[0].spans[0].turn_id == corpus.transcript.turns[0].id
    assert result_document(check(session, QUESTION))["matches"][0]["speaker"] == "Susan Glasser"
    assert check(session, QUESTION, "Susan Glasser").outcome.verdict is Verdict.VERBATIM


def test_paraphrased(session: Session, corpus: Corpus) -> None:
    outcome = check(session, "Missile defense creates security problems, Russia considers").outcome
    assert outcome.verdict is Verdict.PARAPHRASED
    assert outcome.explanation.startswith(
        "No passage holds these words, but a primary source carries the sense: 100% of the quote's content "
        "words appear together in “Missile defense is certainly considered by Russia as creating problems for "
        "our security”."
    )
    assert outcome.matches[0].passage == (
        "Missile defense is certainly considered by Russia as creating problems for our security"
    )


def test_not_found(session: Session, corpus: Corpus) -> None:
    outcome = check(
        session, "The weather in Paris is lovely this time of year and the cafes are full"
    ).outcome
    assert outcome.verdict is Verdict.NOT_FOUND
    assert outcome.matches == []
    assert "This is not a finding that the quote was fabricated" in outcome.explanation


# --- the demo's seed ---------------------------------------------------------------------------------------------
def test_the_seed_headline_is_a_paraphrase_of_the_briefs_second_excerpt(session: Session) -> None:
    load_demo(session)
    result = check(session, "NATO Takes Universal Military Posture")
    outcome = result.outcome
    assert outcome.verdict is Verdict.PARAPHRASED
    assert outcome.explanation.startswith(
        "No passage holds these words, but a secondary source (no primary source holds it) carries the sense: "
        "80% of the quote's content words appear together in “"
    )
    best = outcome.matches[0]
    assert best.primary is False
    assert (
        best.document.title
        == "Sergey Lavrov in Foreign Policy Magazine: NATO Takes Universal Military Posture"
    )
    excerpt = session.scalars(
        select(Appearance).where(
            Appearance.source_id == best.document.source_id,
            Appearance.relation == AppearanceRelation.EXCERPT,
            Appearance.text.startswith("Russian military doctrine"),
        )
    ).one()
    assert "military posture universal" in best.passage
    assert [span.appearance_id for span in best.spans] == [excerpt.id]
    found = result_document(result)["matches"][0]
    assert (found["primary"], found["speaker"], found["turn"]) == (False, "Sergey Lavrov", None)
    assert found["source"] == {"title": best.document.title, "primary": False}
    assert excerpt.char_start is not None and excerpt.char_end is not None
    assert excerpt.char_start <= found["start"] < found["end"] <= excerpt.char_end
    assert excerpt.source.text is not None
    assert excerpt.source.text[found["start"] : found["end"]] == best.passage


# --- primary and secondary sources -------------------------------------------------------------------------------
def _article(
    session: Session, corpus: Corpus, text: str, quoted: str, *, taken_from: Source | None = None
) -> Appearance:
    article = create_source(
        session, kind=SourceKind.ARTICLE, title="A news article", text=text, language="en"
    )
    # one attribution, however many articles print it
    quote = find_quote(session, speaker=corpus.lavrov, text=quoted) or create_quote(
        session, speaker=corpus.lavrov, text=quoted
    )
    return create_appearance(
        session,
        quote=quote,
        source=article,
        text=quoted,
        relation=AppearanceRelation.EXCERPT,
        taken_from_source=taken_from,
    )


def test_a_quote_found_in_two_sources_ranks_the_primary_first(session: Session, corpus: Corpus) -> None:
    _article(
        session,
        corpus,
        f"Lavrov was blunt. “{SENTENCE},” he told the magazine.",
        SENTENCE,
        taken_from=corpus.transcript,
    )
    result = check(session, SENTENCE)
    assert result.outcome.verdict is Verdict.VERBATIM
    assert result.outcome.confidence == 0.97
    assert [(m.document.title, m.primary) for m in result.outcome.matches] == [
        (TITLE, True),
        ("A news article", False),
    ]
    assert [(m["source"], m["primary"]) for m in result_document(result)["matches"]] == [
        ({"title": TITLE, "primary": True}, True),
        ({"title": "A news article", "primary": False}, False),
    ]


def test_a_secondary_source_alone_lowers_the_confidence(session: Session) -> None:
    lavrov = create_speaker(session, name="Sergey Lavrov")
    origin = create_source(session, kind=SourceKind.TRANSCRIPT, title="The interview (text not held)")
    corpus = Corpus(lavrov, lavrov, origin)
    _article(session, corpus, f"He said: {SENTENCE}.", SENTENCE, taken_from=origin)
    outcome = check(session, SENTENCE).outcome
    assert outcome.verdict is Verdict.VERBATIM
    assert outcome.confidence == 0.73
    assert outcome.explanation == (
        "Word for word as said in “A news article” (a secondary source: no primary source in this database "
        "holds the words)."
    )


def test_a_secondary_appearance_with_no_origin_is_not_evidence(session: Session) -> None:
    lavrov = create_speaker(session, name="Sergey Lavrov")
    corpus = Corpus(lavrov, lavrov, create_source(session, kind=SourceKind.TRANSCRIPT, title="Unused"))
    appearance = _article(session, corpus, f"He said: {SENTENCE}.", SENTENCE)
    indexed = select(func.count()).select_from(Shingle).where(Shingle.source_id == appearance.source_id)
    assert session.scalar(indexed) == 0
    assert check(session, SENTENCE).outcome.verdict is Verdict.NOT_FOUND


# --- speakers ----------------------------------------------------------------------------------------------------
def test_the_speaker_name_is_resolved_through_aliases(session: Session, corpus: Corpus) -> None:
    result = check(session, SENTENCE, "sergei LAVROV")
    assert result.speaker is corpus.lavrov
    assert result.speaker_name == "Sergey Lavrov"
    assert result.outcome.verdict is Verdict.VERBATIM
    by_id = check_quote(session, CheckRequest(text=SENTENCE, speaker_id=corpus.lavrov.id))
    assert result_document(by_id) == result_document(result)


def test_an_unknown_speaker_name_is_still_checked(session: Session, corpus: Corpus) -> None:
    result = check(session, SENTENCE, "Jane Roe")
    assert result.speaker is None
    assert result.speaker_name == "Jane Roe"
    assert result.outcome.verdict is Verdict.MISATTRIBUTED
    assert result.outcome.explanation == (
        f"These words are in “{TITLE}”, said by Sergey Lavrov, not by Jane Roe. "
        "(No speaker called 'Jane Roe' is recorded here.)"
    )
    absent = check(session, "The weather in Paris is lovely this time of year", "Jane Roe").outcome
    assert absent.verdict is Verdict.NOT_FOUND
    assert absent.explanation.endswith("(No speaker called 'Jane Roe' is recorded here.)")


# --- the index ---------------------------------------------------------------------------------------------------
def test_an_imported_transcript_is_found_at_once(session: Session) -> None:
    said = "Our harbour will stay open to every fishing boat of the northern coast"
    assert check(session, said, "Marta Quill").outcome.verdict is Verdict.NOT_FOUND
    before = index_size(session)
    report = import_transcript(
        session,
        parse_transcript(f"HOST: Will the harbour close?\nQUILL: {said}, whatever happens."),
        title="Harbour Radio",
        interviewees=["Marta Quill"],
    )
    assert index_size(session) > before
    result = check(session, said, "Marta Quill")
    assert result.speaker is not None and result.speaker.id == report.source.turns[1].speaker_id
    assert result.outcome.verdict is Verdict.VERBATIM
    assert result.outcome.matches[0].document.source_id == report.source.id


def test_rebuild_restores_an_emptied_index(session: Session, corpus: Corpus) -> None:
    terms = index_size(session)
    assert terms > 0
    session.execute(delete(Shingle))
    assert index_size(session) == 0
    # With no index, only the claimed speaker's own turns are read (the fallback for paraphrases) ...
    assert check(session, SENTENCE).outcome.verdict is Verdict.VERBATIM
    # ... so words of anyone else are out of reach until the index is rebuilt
    assert check(session, SENTENCE, "Jane Roe").outcome.verdict is Verdict.NOT_FOUND
    assert check(session, QUESTION).outcome.verdict is Verdict.NOT_FOUND
    sources = session.scalar(select(func.count()).select_from(Source).where(Source.text.is_not(None)))
    assert rebuild_index(session) == (sources, terms)
    assert index_size(session) == terms
    assert check(session, SENTENCE, "Jane Roe").outcome.verdict is Verdict.MISATTRIBUTED
    assert check(session, QUESTION).outcome.verdict is Verdict.MISATTRIBUTED


def test_the_language_filter(session: Session, corpus: Corpus) -> None:
    assert check(session, QUESTION, language="EN").outcome.verdict is Verdict.MISATTRIBUTED
    assert check(session, QUESTION, language="fr").outcome.verdict is Verdict.NOT_FOUND
    # ... also where the claimed speaker's own turns are read
    assert check(session, SENTENCE, language="fr").outcome.verdict is Verdict.NOT_FOUND
    session.execute(delete(Shingle))
    assert check(session, SENTENCE, language="en").outcome.verdict is Verdict.VERBATIM
    assert check(session, SENTENCE, language="fr").outcome.verdict is Verdict.NOT_FOUND


# --- input errors ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("request_", "message", "field"),
    [
        (CheckRequest(text="  ", speaker_name="Sergey Lavrov"), "text is empty; give it a value", "text"),
        (
            CheckRequest(text="x" * 5001, speaker_name="Sergey Lavrov"),
            "the quote is 5001 characters; check at most 5000 at a time",
            "text",
        ),
        (
            CheckRequest(text=SENTENCE, speaker_name=" "),
            "speakerName is empty; give it a value",
            "speakerName",
        ),
        (CheckRequest(text=SENTENCE), "speakerName is empty; give it a value", "speakerName"),
        (
            CheckRequest(text=SENTENCE, speaker_name="Sergey Lavrov", language="English!"),
            "language 'English!' is not a language tag; use one like en, fr or pt-BR",
            "language",
        ),
    ],
)
def test_input_errors(session: Session, request_: CheckRequest, message: str, field: str) -> None:
    with pytest.raises(ValidationError) as raised:
        check_quote(session, request_)
    assert raised.value.message == message
    assert raised.value.field == field


def test_a_bad_said_on_date(session: Session) -> None:
    with pytest.raises(ValidationError) as raised:
        check(session, SENTENCE, said_on="2013-13")
    assert raised.value.field == "saidOn"
    assert raised.value.message == (
        "saidOn: month 13 in '2013-13' is not 1-12; write YYYY, YYYY-MM or YYYY-MM-DD "
        "(for example 2013, 2013-03 or 2013-03-15)"
    )


def test_the_longest_quote_accepted(session: Session, corpus: Corpus) -> None:
    text = ("zebras graze quietly " * 300)[:5000]
    assert len(text) == 5000
    assert check(session, text).outcome.verdict is Verdict.NOT_FOUND


def test_an_ambiguous_speaker_name(session: Session) -> None:
    # Issue 14: an ambiguous name is no longer refused; the result names the candidates it was checked against.
    first = create_speaker(session, name="John Smith")
    second = create_speaker(session, name="John Smith", description="the other one")
    result = check(session, SENTENCE, "john smith")
    assert result.speaker is None
    assert [c.speaker.id for c in result.candidates] == [first.id, second.id]
    assert "The name 'john smith' may mean 2 recorded speakers; checked against each" in (
        result.outcome.explanation
    )
    assert [c["speaker"] for c in result_document(result)["speakerCandidates"]] == [
        "John Smith",
        "John Smith",
    ]


def test_at_most_max_matches_are_reported(session: Session, corpus: Corpus) -> None:
    for n in range(MAX_MATCHES + 1):
        _article(session, corpus, f"Report {n}: “{SENTENCE}.”", SENTENCE, taken_from=corpus.transcript)
    result = check(session, SENTENCE)
    assert len(result.outcome.matches) == MAX_MATCHES + 2
    assert len(result_document(result)["matches"]) == MAX_MATCHES


def test_a_cyrillic_quote_through_the_index(session: Session) -> None:
    report = import_transcript(
        session,
        parse_transcript("ЛАВРОВ: Мы не собираемся воевать с НАТО, но мы будем защищать свою безопасность."),
        title="Интервью",
        language="ru",
        interviewees=["Сергей Лавров"],
    )
    outcome = check(session, "«Мы не собираемся воевать с НАТО»", "Сергей Лавров").outcome
    assert outcome.verdict is Verdict.VERBATIM
    assert outcome.matches[0].document.source_id == report.source.id
    cut = check(session, "Мы … собираемся воевать с НАТО", "Сергей Лавров").outcome
    assert cut.verdict is Verdict.VERBATIM_WITH_ELISIONS
    assert cut.explanation.endswith("Context risk: the cut drops a negation (не).")

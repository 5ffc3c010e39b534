"""The quote check's text logic (`quotecheck.matching`) on documents written here: no database."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quotecheck.enums import Verdict
from quotecheck.matching import FAR_APART, Document, Match, Outcome, Span, check, words

modest = settings(max_examples=40, deadline=None)

LAVROV = (1, "Sergey Lavrov")
GLASSER = (2, "Susan Glasser")
NOBODY = 99  # a speaker id no passage has

Turn = tuple[tuple[int, str], str]


def transcript(*turns: Turn, source_id: int = 1, title: str = "Interview", primary: bool = True) -> Document:
    """A document laid out as `quotecheck.services.sources.transcript_text` does: "NAME: words" paragraphs."""
    text = ""
    spans = []
    for index, ((speaker_id, name), said) in enumerate(turns):
        if text:
            text += "\n\n"
        text += f"{name}: "
        spans.append(
            Span(len(text), len(text) + len(said), speaker_id, name, turn_id=100 * source_id + index)
        )
        text += said
    return Document(source_id, title, text, primary, spans)


def article(text: str, quoted: str, *, source_id: int = 7, title: str = "Brief") -> Document:
    """A secondary source quoting Lavrov: its one quoted span is the evidence."""
    start = text.index(quoted)
    span = Span(start, start + len(quoted), LAVROV[0], LAVROV[1], appearance_id=70 + source_id)
    return Document(source_id, title, text, False, [span])


QUESTION = "Minister, do you think the alliance is still looking for a reason to exist after the Cold War?"
ANSWER = (
    "NATO has lost its raison d'être after the disappearance of the Soviet Union. NATO is clearly in search "
    "of a reason to exist, and it is now proclaiming its right to act militarily anywhere on Earth. "
    "We would never accept that kind of posture; it is not what was promised. "
    'We don\'t accept a "global" NATO -- not now, not ever -- and we say so openly.'
)
FOLLOW_UP = "So the missile defense question is really about trust between Moscow and Washington?"
SECOND_ANSWER = (
    "Missile defense is certainly considered by Russia as creating problems for our security.\n\n"
    "That is why we come back to this question again and again with our partners."
)
INTERVIEW = transcript((GLASSER, QUESTION), (LAVROV, ANSWER), (GLASSER, FOLLOW_UP), (LAVROV, SECOND_ANSWER))


def lavrov(claim: str, *documents: Document) -> Outcome:
    return check(claim, LAVROV[0], LAVROV[1], documents or [INTERVIEW])


def differences(match: Match) -> list[tuple[str, str, str, str]]:
    return [(d.kind.value, d.claimed, d.original, d.note) for d in match.differences]


def speakers(match: Match) -> list[str | None]:
    return [span.speaker_name for span in match.spans]


# --- VERBATIM: typography, case, spacing and Unicode forms are never differences ---------------------------------
def test_verbatim_sentence() -> None:
    outcome = lavrov("NATO is clearly in search of a reason to exist")
    assert outcome.verdict is Verdict.VERBATIM
    assert outcome.confidence == 0.97
    assert outcome.explanation == "Word for word as said in “Interview”."
    [match] = outcome.matches
    assert match.passage == "NATO is clearly in search of a reason to exist"
    assert match.differences == []
    assert (match.primary, match.score, speakers(match)) == (True, 1.0, ["Sergey Lavrov"])
    assert match.spans[0].turn_id == 101


def test_curly_quotes_and_em_dashes_against_straight_quotes_and_double_hyphens() -> None:
    claim = "“We don’t accept a ‘global’ NATO — not now, not ever — and we say so openly.”"
    outcome = lavrov(claim)
    assert outcome.verdict is Verdict.VERBATIM
    assert (
        outcome.matches[0].passage
        == 'We don\'t accept a "global" NATO -- not now, not ever -- and we say so openly'
    )
    assert outcome.matches[0].differences == []


@pytest.mark.parametrize(
    "claim",
    [
        "WE DON'T ACCEPT A GLOBAL NATO, NOT NOW, NOT EVER, AND WE SAY SO OPENLY",  # case
        "We  don't accept a\n“global”   NATO–not now,not ever–and we say so openly!",  # spacing, en dashes
        "we don`t accept a «global» NATO - not now - not ever - and we say so openly",  # other marks
    ],
)
def test_case_spacing_and_punctuation_are_never_differences(claim: str) -> None:
    outcome = lavrov(claim)
    assert outcome.verdict is Verdict.VERBATIM
    assert outcome.matches[0].differences == []


def test_unicode_forms_fold_but_diacritics_count() -> None:
    decomposed = unicodedata.normalize("NFD", "NATO has lost its raison d’être after the disappearance")
    assert decomposed != unicodedata.normalize("NFC", decomposed)
    assert lavrov(decomposed).verdict is Verdict.VERBATIM
    stripped = lavrov("NATO has lost its raison d'etre after the disappearance")
    assert stripped.verdict is Verdict.ALTERED
    assert differences(stripped.matches[0]) == [("SUBSTITUTION", "d'etre", "d'être", "")]


def test_a_quote_split_across_two_paragraphs_of_one_turn() -> None:
    outcome = lavrov("creating problems for our security. That is why we come back to this question again")
    assert outcome.verdict is Verdict.VERBATIM
    [match] = outcome.matches
    assert match.passage == (
        "creating problems for our security.\n\nThat is why we come back to this question again"
    )
    assert [span.turn_id for span in match.spans] == [103]


# --- elisions ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("marker", "claim"),
    [
        ("...", "NATO has lost its raison d'être ... it is now proclaiming its right"),
        ("....", "NATO has lost its raison d'être.... it is now proclaiming its right"),
        ("…", "NATO has lost its raison d'être…it is now proclaiming its right"),
        ("[...]", "NATO has lost its raison d'être [...] it is now proclaiming its right"),
        ("(...)", "NATO has lost its raison d'être (...) it is now proclaiming its right"),
        ("[…]", "NATO has lost its raison d'être […] it is now proclaiming its right"),
    ],
)
def test_each_elision_marker(marker: str, claim: str) -> None:
    assert marker in claim
    outcome = lavrov(claim)
    assert outcome.verdict is Verdict.VERBATIM_WITH_ELISIONS
    assert outcome.confidence == 0.93
    assert outcome.explanation == "Every kept word is as said in “Interview”; 1 marked cut(s)."
    [match] = outcome.matches
    assert match.passage.startswith("NATO has lost its raison d'être after the disappearance")
    assert match.passage.endswith("and it is now proclaiming its right")
    assert differences(match) == [
        (
            "ELISION",
            "…",
            "after the disappearance of the Soviet Union. NATO is clearly in search of a reason to exist, and",
            "18 words cut",
        )
    ]


def test_two_cuts_are_counted_and_kept_in_order() -> None:
    outcome = lavrov("NATO has lost its raison d'être ... NATO is clearly in search ... of a reason to exist")
    assert outcome.verdict is Verdict.VERBATIM_WITH_ELISIONS
    assert outcome.explanation == "Every kept word is as said in “Interview”; 1 marked cut(s)."
    # the second marker cut nothing: it stands for a pause
    assert differences(outcome.matches[0]) == [
        ("ELISION", "…", "after the disappearance of the Soviet Union", "7 words cut")
    ]
    both = lavrov("NATO has lost its raison d'être ... NATO is clearly ... a reason to exist")
    assert both.explanation == "Every kept word is as said in “Interview”; 2 marked cut(s)."
    assert [(d.original, d.note) for d in both.matches[0].differences] == [
        ("after the disappearance of the Soviet Union", "7 words cut"),
        ("in search of", "3 words cut"),
    ]


def test_segments_out_of_order_are_not_an_elision() -> None:
    outcome = lavrov("it is now proclaiming its right to act militarily ... NATO has lost its raison d'être")
    assert outcome.verdict is not Verdict.VERBATIM_WITH_ELISIONS


@pytest.mark.parametrize("marker", ["...", "....", "…", "[...]", "(...)", "[…]"])
def test_a_marker_for_a_pause_cuts_nothing_and_stays_verbatim(marker: str) -> None:
    document = transcript((LAVROV, "Well... I think that we are ready, and we are waiting for an answer."))
    for claim in (
        f"Well {marker} I think that we are ready",
        f"I think that we are ready, {marker} and we are waiting for an answer",
    ):
        outcome = lavrov(claim, document)
        assert outcome.verdict is Verdict.VERBATIM, claim
        assert outcome.matches[0].differences == []
        assert outcome.explanation == "Word for word as said in “Interview”."


@pytest.mark.parametrize(
    ("claim", "cut", "negation"),
    [
        ("We would ... accept that kind of posture", "never", "never"),
        ("posture; it is ... what was promised", "not", "not"),
        ("promised. We ... accept a “global” NATO", "don't", "don't"),
    ],
)
def test_a_cut_that_drops_a_negation_is_a_context_risk(claim: str, cut: str, negation: str) -> None:
    outcome = lavrov(claim)
    assert outcome.verdict is Verdict.VERBATIM_WITH_ELISIONS
    assert outcome.confidence == 0.85
    note = f"the cut drops a negation ({negation})"
    assert outcome.explanation == (
        f"Every kept word is as said in “Interview”; 1 marked cut(s). Context risk: {note}."
    )
    assert differences(outcome.matches[0]) == [
        ("ELISION", "…", cut, "1 word cut"),
        ("CONTEXT_RISK", "…", cut, note),
    ]


def test_an_unmarked_negation_cut_is_altered_and_a_context_risk() -> None:
    outcome = lavrov("We would accept that kind of posture")
    assert outcome.verdict is Verdict.ALTERED
    assert differences(outcome.matches[0]) == [
        ("OMISSION", "", "never", "words cut without a marker"),
        ("CONTEXT_RISK", "", "never", "an unmarked cut drops a negation"),
    ]
    assert outcome.explanation == (
        "Close to “Interview”, but the words differ: “never” dropped without a marker. "
        "Context risk: an unmarked cut drops a negation."
    )


def test_a_cut_across_turns_names_the_other_speaker() -> None:
    outcome = lavrov("and we say so openly ... Missile defense is certainly considered by Russia")
    assert outcome.verdict is Verdict.VERBATIM_WITH_ELISIONS
    assert outcome.confidence == 0.85
    note = "the cut crosses into another speaker's turn (Susan Glasser)"
    assert (
        outcome.explanation
        == f"Every kept word is as said in “Interview”; 1 marked cut(s). Context risk: {note}."
    )
    [match] = outcome.matches
    assert speakers(match) == ["Sergey Lavrov", "Susan Glasser", "Sergey Lavrov"]
    cut = FOLLOW_UP.rstrip("?")
    assert differences(match) == [("ELISION", "…", cut, "13 words cut"), ("CONTEXT_RISK", "…", cut, note)]


def test_a_cut_across_turns_also_dropping_a_negation() -> None:
    outcome = lavrov("it is not what was promised ... Missile defense is certainly considered by Russia")
    [match] = outcome.matches
    elision, negation, turns = match.differences
    assert (elision.kind.value, elision.note) == ("ELISION", "28 words cut")
    assert elision.original.startswith("We don't accept") and elision.original.endswith(
        "Moscow and Washington"
    )
    assert (negation.kind.value, negation.note) == ("CONTEXT_RISK", "the cut drops a negation (don't, not)")
    assert (turns.kind.value, turns.note) == (
        "CONTEXT_RISK",
        "the cut crosses into another speaker's turn (Susan Glasser)",
    )


def test_a_cut_from_a_question_into_the_answer_names_the_interviewer() -> None:
    outcome = lavrov("do you think the alliance ... NATO has lost its raison d'être")
    assert outcome.verdict is Verdict.VERBATIM_WITH_ELISIONS
    assert outcome.explanation.endswith(
        "Context risk: the cut crosses into another speaker's turn (Susan Glasser)."
    )


def _long_turn(filler_words: int) -> Document:
    filler = " ".join(f"detail{i}" for i in range(filler_words))
    said = (
        f"At the beginning we said that cooperation was possible. {filler} In the end we were disappointed."
    )
    return transcript((LAVROV, said))


def test_a_cut_joining_passages_far_apart_is_a_context_risk() -> None:
    claim = "At the beginning we said that cooperation was possible ... In the end we were disappointed."
    far = lavrov(claim, _long_turn(FAR_APART + 1))
    assert far.verdict is Verdict.VERBATIM_WITH_ELISIONS
    kinds = [(d.kind.value, d.note) for d in far.matches[0].differences]
    assert kinds == [
        ("ELISION", f"{FAR_APART + 1} words cut"),
        ("CONTEXT_RISK", f"the cut joins passages {FAR_APART + 1} words apart"),
    ]
    assert far.matches[0].differences[0].original.startswith("detail0 detail1")
    assert " … " in far.matches[0].differences[0].original  # a long cut is shown shortened
    # The threshold is FAR_APART words: a cut of exactly that many is no risk.
    near = lavrov(claim, _long_turn(FAR_APART))
    assert near.verdict is Verdict.VERBATIM_WITH_ELISIONS
    assert [d.kind.value for d in near.matches[0].differences] == ["ELISION"]
    assert near.confidence == 0.93


# --- ALTERED: every difference listed ----------------------------------------------------------------------------
def test_substitution() -> None:
    outcome = lavrov("NATO has lost its raison d'être after the collapse of the Soviet Union")
    assert outcome.verdict is Verdict.ALTERED
    assert differences(outcome.matches[0]) == [("SUBSTITUTION", "collapse", "disappearance", "")]
    assert (
        outcome.explanation
        == "Close to “Interview”, but the words differ: “collapse” instead of “disappearance”."
    )
    assert (
        outcome.matches[0].passage
        == "NATO has lost its raison d'être after the disappearance of the Soviet Union"
    )
    assert outcome.confidence == round(0.5 + 0.45 * outcome.matches[0].score, 2)


def test_insertion() -> None:
    outcome = lavrov("NATO is clearly in search of a new reason to exist")
    assert outcome.verdict is Verdict.ALTERED
    assert differences(outcome.matches[0]) == [("INSERTION", "new", "", "")]
    assert outcome.explanation == "Close to “Interview”, but the words differ: “new” added."
    assert outcome.matches[0].score == pytest.approx(2 * 10 / (11 + 10))


def test_omission_is_an_unmarked_cut() -> None:
    outcome = lavrov("NATO is in search of a reason to exist, and it is now proclaiming its right")
    assert outcome.verdict is Verdict.ALTERED
    assert differences(outcome.matches[0]) == [("OMISSION", "", "clearly", "words cut without a marker")]
    assert (
        outcome.explanation
        == "Close to “Interview”, but the words differ: “clearly” dropped without a marker."
    )


def test_every_difference_is_listed() -> None:
    claim = "NATO has lost its reason for existing after the collapse of the Soviet Union. NATO is in search of a new reason"
    outcome = lavrov(claim)
    # Four changes, one of them three words for two: rewritten, not a close wording with a changed word (issue 17).
    assert outcome.verdict is Verdict.PARAPHRASED
    assert differences(outcome.matches[0]) == [
        ("SUBSTITUTION", "reason for existing", "raison d'être", ""),
        ("SUBSTITUTION", "collapse", "disappearance", ""),
        ("OMISSION", "", "clearly", "words cut without a marker"),
        ("INSERTION", "new", "", ""),
    ]
    assert outcome.explanation == (
        "The sense of “Interview”, rewritten: “reason for existing” instead of “raison d'être”; "
        "“collapse” instead of “disappearance”; “clearly” dropped without a marker; “new” added. "
        "Presented as a quote, it is a paraphrase."
    )


def test_a_contraction_is_a_word_change() -> None:
    outcome = lavrov("We would never accept that kind of posture; it isn't what was promised")
    assert outcome.verdict is Verdict.ALTERED
    assert differences(outcome.matches[0]) == [("SUBSTITUTION", "isn't", "is not", "")]


# --- EDITORIAL brackets ------------------------------------------------------------------------------------------
def test_a_bracketed_insertion_is_editorial() -> None:
    outcome = lavrov("and it [the alliance] is now proclaiming its right to act militarily anywhere on Earth")
    assert outcome.verdict is Verdict.VERBATIM
    assert differences(outcome.matches[0]) == [
        ("EDITORIAL", "[the alliance]", "", "an editor's clarification")
    ]
    assert (
        outcome.matches[0].passage
        == "and it is now proclaiming its right to act militarily anywhere on Earth"
    )


def test_a_bracket_standing_in_for_the_words_said_is_editorial_not_an_omission() -> None:
    outcome = lavrov("and [the alliance] is now proclaiming its right to act militarily anywhere on Earth")
    assert outcome.verdict is Verdict.VERBATIM
    assert differences(outcome.matches[0]) == [
        ("EDITORIAL", "[the alliance]", "it", "an editor's clarification in place of the words said")
    ]


def test_brackets_with_elisions_and_edits() -> None:
    claim = "[NATO] is clearly in search of a new reason to exist ... [it] is now proclaiming its right"
    outcome = lavrov(claim)
    assert outcome.verdict is Verdict.ALTERED
    assert differences(outcome.matches[0]) == [
        # a bracket opening a segment stands after the marker's cut: the word it replaced is cut
        ("ELISION", "…", "and it", "2 words cut"),
        ("INSERTION", "new", "", ""),
        ("EDITORIAL", "[NATO]", "", "an editor's clarification"),
        ("EDITORIAL", "[it]", "", "an editor's clarification"),
    ]


# --- MISATTRIBUTED -----------------------------------------------------------------------------------------------
def test_the_interviewers_question_attributed_to_the_interviewee() -> None:
    outcome = lavrov("do you think the alliance is still looking for a reason to exist after the Cold War?")
    assert outcome.verdict is Verdict.MISATTRIBUTED
    assert outcome.confidence == 0.9
    assert (
        outcome.explanation == "These words are in “Interview”, said by Susan Glasser, not by Sergey Lavrov."
    )
    [match] = outcome.matches
    assert speakers(match) == ["Susan Glasser"]
    assert match.spans[0].turn_id == 100
    # The same words checked against the interviewer herself
    own = check(match.passage, GLASSER[0], GLASSER[1], [INTERVIEW])
    assert own.verdict is Verdict.VERBATIM


def test_words_found_for_a_speaker_nobody_recorded() -> None:
    outcome = check("NATO is clearly in search of a reason to exist", NOBODY, "Jane Roe", [INTERVIEW])
    assert outcome.verdict is Verdict.MISATTRIBUTED
    assert outcome.explanation == "These words are in “Interview”, said by Sergey Lavrov, not by Jane Roe."


def test_when_the_claimed_speaker_also_said_the_words_that_wins() -> None:
    question = "Is the alliance looking for a reason to exist after the Cold War?"
    document = transcript((GLASSER, question), (LAVROV, f"{question} Yes, I believe it is."))
    outcome = lavrov(question, document)
    assert outcome.verdict is Verdict.VERBATIM
    assert [speakers(m) for m in outcome.matches] == [["Sergey Lavrov"], ["Susan Glasser"]]
    assert [m.spans[0].turn_id for m in outcome.matches] == [101, 100]
    # ... also when the claimed speaker said them in another document
    asked = transcript((GLASSER, question), source_id=2, title="Asked")
    answered = transcript((LAVROV, f"{question} Yes."), source_id=3, title="Answered")
    across = lavrov(question, asked, answered)
    assert across.verdict is Verdict.VERBATIM
    assert across.explanation == "Word for word as said in “Answered”."
    assert [m.document.title for m in across.matches] == ["Answered", "Asked"]


def test_a_passage_of_unknown_speaker_does_not_contradict_the_attribution() -> None:
    text = "NATO is clearly in search of a reason to exist."
    document = Document(5, "Untitled transcript", text, True, [Span(0, len(text), None, None)])
    assert lavrov(text, document).verdict is Verdict.VERBATIM


# --- PARAPHRASED -------------------------------------------------------------------------------------------------
HEADLINE = "NATO Takes Universal Military Posture"
DOCTRINE = transcript(
    (
        LAVROV,
        "Russian military doctrine says that we see a danger not in NATO as such, but in NATO trying to play "
        "a global role with global military reach, NATO making its military posture universal.",
    ),
    title="Doctrine",
)


def test_a_headline_that_keeps_the_sense_is_a_paraphrase() -> None:
    outcome = lavrov(HEADLINE, DOCTRINE)
    assert outcome.verdict is Verdict.PARAPHRASED
    [match] = outcome.matches
    assert match.passage == "NATO making its military posture universal"
    assert match.paraphrase
    assert match.differences == []
    assert match.score == 0.8  # 4 of the 5 content words: "takes" is not there
    assert outcome.confidence == round(0.35 + 0.4 * 0.8, 2)
    assert outcome.explanation == (
        "No passage holds these words, but a primary source carries the sense: 80% of the quote's content "
        "words appear together in “NATO making its military posture universal”. "
        "Presented as a quote, it is a paraphrase."
    )


def test_a_paraphrase_of_someone_else_says_who() -> None:
    outcome = check(HEADLINE, GLASSER[0], GLASSER[1], [DOCTRINE])
    assert outcome.verdict is Verdict.PARAPHRASED
    assert "carries the sense, said by Sergey Lavrov:" in outcome.explanation


def test_a_paraphrase_found_only_in_a_secondary_source() -> None:
    quoted = "NATO making its military posture universal."
    brief = article(f"The minister spoke of {quoted} Nothing else was said.", quoted)
    outcome = lavrov(HEADLINE, brief)
    assert outcome.verdict is Verdict.PARAPHRASED
    assert outcome.explanation.startswith(
        "No passage holds these words, but a secondary source (no primary source holds it) carries the sense:"
    )
    assert outcome.confidence == round(0.35 + 0.4 * 0.8 * 0.8, 2)
    assert outcome.matches[0].primary is False


# --- NOT_FOUND ---------------------------------------------------------------------------------------------------
def test_not_found_is_not_a_finding_of_fabrication() -> None:
    outcome = lavrov("The weather in Paris is lovely this time of year and the cafes are full")
    assert outcome.verdict is Verdict.NOT_FOUND
    assert outcome.matches == []
    assert outcome.confidence == 0.5
    assert outcome.explanation == (
        "No source in this database holds these words or their sense for Sergey Lavrov or anyone else. "
        "This is not a finding that the quote was fabricated: the source may simply not be stored here."
    )
    empty = check("The weather in Paris is lovely this time of year", 1, "Sergey Lavrov", [])
    assert (empty.verdict, empty.confidence) == (Verdict.NOT_FOUND, 0.3)
    assert "not a finding that the quote was fabricated" in empty.explanation


def test_a_quote_too_short_to_check() -> None:
    outcome = lavrov("NATO, yes.")
    assert outcome.verdict is Verdict.NOT_FOUND
    assert outcome.confidence == 0.2
    assert outcome.explanation.startswith("The quote is too short to check reliably")
    assert lavrov("...").verdict is Verdict.NOT_FOUND


# --- primary and secondary sources -------------------------------------------------------------------------------
BRIEF_QUOTE = "NATO is clearly in search of a reason to exist"
BRIEF = article(f'Lavrov told the magazine: "{BRIEF_QUOTE}." Critics disagreed.', BRIEF_QUOTE)


def test_the_same_words_in_a_primary_and_a_secondary_source() -> None:
    for documents in ([BRIEF, INTERVIEW], [INTERVIEW, BRIEF]):
        outcome = lavrov(BRIEF_QUOTE, *documents)
        assert outcome.verdict is Verdict.VERBATIM
        assert outcome.confidence == 0.97
        assert outcome.explanation == "Word for word as said in “Interview”."
        assert [(m.document.title, m.primary) for m in outcome.matches] == [
            ("Interview", True),
            ("Brief", False),
        ]
        assert outcome.matches[1].spans[0].appearance_id == 77


def test_only_a_secondary_source_lowers_the_confidence_and_says_so() -> None:
    outcome = lavrov(BRIEF_QUOTE, BRIEF)
    assert outcome.verdict is Verdict.VERBATIM
    assert outcome.confidence == round(0.97 * 0.75, 2)
    assert outcome.explanation == (
        "Word for word as said in “Brief” (a secondary source: no primary source in this database holds the "
        "words)."
    )
    misattributed = check(BRIEF_QUOTE, NOBODY, "Jane Roe", [BRIEF])
    assert misattributed.verdict is Verdict.MISATTRIBUTED
    assert misattributed.confidence == 0.7
    assert misattributed.explanation.endswith("not by Jane Roe. (Only secondary sources hold them.)")


def test_the_primary_source_decides_and_is_ranked_first() -> None:
    misquoted = "NATO is clearly in search of a new reason to exist"
    brief = article(f"Lavrov said: {misquoted}.", misquoted, source_id=8, title="Misquoting brief")
    outcome = lavrov(misquoted, brief, INTERVIEW)
    assert outcome.verdict is Verdict.ALTERED  # the brief holds the claim exactly, the transcript does not
    assert outcome.explanation == "Close to “Interview”, but the words differ: “new” added."
    assert [(m.document.title, m.exact) for m in outcome.matches] == [
        ("Interview", False),
        ("Misquoting brief", True),
    ]


# --- other scripts -----------------------------------------------------------------------------------------------
RUSSIAN = transcript(
    (LAVROV, "Мы не собираемся воевать с НАТО, но мы будем защищать свою безопасность всеми средствами."),
    title="Интервью",
)


def test_a_cyrillic_quote() -> None:
    outcome = lavrov("«Мы не собираемся воевать с НАТО, но мы будем защищать свою безопасность»", RUSSIAN)
    assert outcome.verdict is Verdict.VERBATIM
    assert (
        outcome.matches[0].passage
        == "Мы не собираемся воевать с НАТО, но мы будем защищать свою безопасность"
    )
    upper = lavrov("МЫ НЕ СОБИРАЕМСЯ ВОЕВАТЬ С НАТО", RUSSIAN)
    assert upper.verdict is Verdict.VERBATIM


def test_a_cyrillic_negation_cut_and_substitution() -> None:
    cut = lavrov("Мы … собираемся воевать с НАТО", RUSSIAN)
    assert cut.verdict is Verdict.VERBATIM_WITH_ELISIONS
    assert differences(cut.matches[0]) == [
        ("ELISION", "…", "не", "1 word cut"),
        ("CONTEXT_RISK", "…", "не", "the cut drops a negation (не)"),
    ]
    changed = lavrov("Мы не собираемся воевать с НАТО, но мы будем защищать нашу безопасность", RUSSIAN)
    assert changed.verdict is Verdict.ALTERED
    assert differences(changed.matches[0]) == [("SUBSTITUTION", "нашу", "свою", "")]


def test_a_greek_quote() -> None:
    document = transcript((LAVROV, "Η Ελλάδα δεν θα δεχτεί ποτέ τέτοιες απειλές από κανέναν γείτονα."))
    assert lavrov("«Η Ελλάδα δεν θα δεχτεί ποτέ τέτοιες απειλές»", document).verdict is Verdict.VERBATIM
    cut = lavrov("Η Ελλάδα ... θα δεχτεί ποτέ τέτοιες απειλές", document)
    assert cut.verdict is Verdict.VERBATIM_WITH_ELISIONS
    assert [d.note for d in cut.matches[0].differences] == ["1 word cut", "the cut drops a negation (δεν)"]


def test_an_arabic_quote() -> None:
    document = transcript((LAVROV, "نحن لن نقبل أبدا هذه التهديدات من أي دولة في المنطقة مهما كانت الظروف"))
    outcome = lavrov("«نحن لن نقبل أبدا هذه التهديدات من أي دولة في المنطقة»", document)
    assert outcome.verdict is Verdict.VERBATIM
    assert outcome.matches[0].passage == "نحن لن نقبل أبدا هذه التهديدات من أي دولة في المنطقة"
    cut = lavrov("نحن ... نقبل أبدا هذه التهديدات من أي دولة", document)
    assert cut.verdict is Verdict.VERBATIM_WITH_ELISIONS
    assert differences(cut.matches[0])[1] == ("CONTEXT_RISK", "…", "لن", "the cut drops a negation (لن)")


def test_words_keep_combining_marks_and_offsets() -> None:
    decomposed = unicodedata.normalize("NFD", "L’État")
    [word] = words(decomposed, 10)
    assert (word.key, word.start, word.end) == ("l'état", 10, 10 + len(decomposed))
    vowelled = "نَحْنُ لَنْ نَقْبَلَ هَذَا"
    assert [vowelled[w.start : w.end] for w in words(vowelled)] == vowelled.split()
    document = transcript((LAVROV, vowelled + " أبدا"))
    assert lavrov(vowelled, document).verdict is Verdict.VERBATIM


# --- properties --------------------------------------------------------------------------------------------------
def _turns_of(speaker_id: int) -> list[tuple[Span, str]]:
    return [
        (span, INTERVIEW.text[span.start : span.end])
        for span in INTERVIEW.spans
        if span.speaker_id == speaker_id
    ]


VOCABULARY = {w.key for w in words(INTERVIEW.text)}


@st.composite
def runs(draw: st.DrawFn, speaker_id: int = LAVROV[0]) -> tuple[str, list[str]]:
    """A contiguous run of 6 to 20 words of one of the speaker's turns: its text and its words as written."""
    span, said = draw(st.sampled_from(_turns_of(speaker_id)))
    found = words(said, span.start)
    length = draw(st.integers(6, min(20, len(found))))
    first = draw(st.integers(0, len(found) - length))
    chosen = found[first : first + length]
    return INTERVIEW.text[chosen[0].start : chosen[-1].end], [INTERVIEW.text[w.start : w.end] for w in chosen]


@modest
@given(runs())
def test_any_run_of_a_turn_checked_against_its_speaker_is_verbatim(run: tuple[str, list[str]]) -> None:
    text, _ = run
    outcome = lavrov(text)
    assert outcome.verdict is Verdict.VERBATIM
    assert outcome.matches[0].passage == text
    assert outcome.matches[0].differences == []


@modest
@given(runs(), st.data(), st.text(alphabet="bcdfghjkmpqvwxz", min_size=5, max_size=9))
def test_one_word_replaced_is_altered_and_listed(
    run: tuple[str, list[str]], data: st.DataObject, new: str
) -> None:
    _, said = run
    assert new not in VOCABULARY
    index = data.draw(st.integers(0, len(said) - 1))
    claim = " ".join([*said[:index], new, *said[index + 1 :]])
    outcome = lavrov(claim)
    assert outcome.verdict is Verdict.ALTERED
    assert differences(outcome.matches[0]) == [("SUBSTITUTION", new, said[index], "")]
    assert f"“{new}” instead of “{said[index]}”" in outcome.explanation


@modest
@given(runs(GLASSER[0]))
def test_any_run_of_the_interviewers_turns_given_to_the_interviewee_is_misattributed(
    run: tuple[str, list[str]],
) -> None:
    text, _ = run
    outcome = lavrov(text)
    assert outcome.verdict is Verdict.MISATTRIBUTED
    assert (
        outcome.explanation == "These words are in “Interview”, said by Susan Glasser, not by Sergey Lavrov."
    )
    assert outcome.matches[0].passage == text


def test_secondary_evidence_is_compared_with_one_quotation_not_the_running_text() -> None:
    """A sentence holding two quotations: the reporter's words between them are not the speaker's, and a claim
    is aligned against one quotation, never run on from the first into the second."""
    text = (
        'Mayor Elena Grant opened the bridge on Monday. "The work is finished," Grant said, before adding: '
        '"I would build it again tomorrow." Residents cheered.'
    )
    first, second = "The work is finished", "I would build it again tomorrow."
    spans = [
        Span(text.index(quoted), text.index(quoted) + len(quoted), 5, "Elena Grant", appearance_id=n)
        for n, quoted in enumerate((first, second), 1)
    ]
    report = Document(9, "Bridge opens", text, False, spans)
    second_only = check("I would build it again tomorrow", 5, "Elena Grant", [report])
    assert second_only.verdict is Verdict.VERBATIM
    assert second_only.matches[0].passage == "I would build it again tomorrow"
    # "The work" is claimed before the second quotation: it is not lined up with "is finished" in the first
    changed = check("The work would build it again tomorrow", 5, "Elena Grant", [report])
    assert changed.verdict is Verdict.ALTERED
    (match,) = changed.matches
    assert match.passage == "I would build it again tomorrow"
    assert all("finished" not in d.original and "Grant said" not in d.original for d in match.differences)
    # two quotations run together as one are not "word for word as said"
    fused = check("The work is finished, I would build it again tomorrow", 5, "Elena Grant", [report])
    assert fused.verdict is not Verdict.VERBATIM


# --- a transcriber's own brackets ---------------------------------------------------------------------------------
def _one_turn(text: str) -> Document:
    return Document(1, "Harbour debate", text, True, [Span(0, len(text), 7, "Ines Moll", 1)])


def test_a_bracket_the_transcript_prints_is_no_editors_clarification() -> None:
    said = "We will open the harbour, [applause 00:12:04] and we will keep it open all winter."
    outcome = check(said, 7, "Ines Moll", [_one_turn(said)])
    assert outcome.verdict is Verdict.VERBATIM
    assert outcome.matches[0].differences == []


def test_a_pause_and_a_note_as_the_transcript_prints_them_are_no_cut() -> None:
    said = "The ferry stays … [crosstalk 00:31:10] The ferry stays, I said."
    outcome = check(said, 7, "Ines Moll", [_one_turn(said)])
    assert outcome.verdict is Verdict.VERBATIM
    assert outcome.matches[0].differences == []


def test_an_editors_bracket_the_transcript_does_not_print_is_still_listed() -> None:
    said = "We will open it, [applause] and we will keep it open all winter."
    claimed = "We will open [the harbour], and we will keep it open all winter."
    outcome = check(claimed, 7, "Ines Moll", [_one_turn(said)])
    assert [d.kind.value for d in outcome.matches[0].differences] == ["EDITORIAL"]
    cut = check("The ferry stays … I said.", 7, "Ines Moll", [_one_turn("The ferry stays, [noise] I said.")])
    assert cut.verdict is Verdict.VERBATIM_WITH_ELISIONS

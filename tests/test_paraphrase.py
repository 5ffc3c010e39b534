"""quotecheck.paraphrase: the pure parts of finding what was said behind a paraphrase (invented text)."""

from __future__ import annotations

from quotecheck import paraphrase
from quotecheck.enums import Verdict
from quotecheck.matching import DifferenceKind, Document, Span
from quotecheck.paraphrase import amount, index_terms, lemma, rank, tokens

QUILL = 7
HOST = 8


def keys(text: str, aliases: paraphrase.Aliases | None = None) -> list[str]:
    return [t.key for t in tokens(text, "en", aliases) if t.content]


def turns(*said: tuple[int, str]) -> Document:
    """A transcript of turns (speaker id, words), one per paragraph."""
    text, spans = "", []
    for speaker, words in said:
        start = len(text) + (2 if text else 0)
        text += ("\n\n" if text else "") + words
        spans.append(
            Span(start, len(text), speaker, "Marta Quill" if speaker == QUILL else "Host", turn_id=start)
        )
    return Document(1, "Harbour Radio", text, True, spans)


# --- lemmas ------------------------------------------------------------------------------------------------------
def test_lemmas_not_spellings() -> None:
    assert lemma("leaving") == lemma("leaves") == "leave"
    assert keys("The ferries were leaving the harbours") == keys("the ferry leaves a harbour")
    # function words carry no sense of their own; a negation is a signal, not a content word
    assert keys("they would not have been there") == []


def test_lemmas_in_another_language_and_an_unknown_one() -> None:
    assert [t.key for t in tokens("les bateaux partent", "fr") if t.content] == ["bateau", "partir"]
    assert [t.key for t in tokens("harbour", "xx")] == ["harbour"]  # a language simplemma lacks: English


# --- numbers and amounts -----------------------------------------------------------------------------------------
def test_amounts_written_three_ways_are_one_term() -> None:
    assert keys("$14 million") == keys("14 million dollars") == keys("fourteen million") == ["#14000000"]
    assert keys("4,000 sailors") == keys("4000 sailors") == ["#4000", "sailor"]
    assert keys("3.5 million jobs") == ["#3500000", "job"]
    assert keys("a million ferries") == ["#1000000", "ferry"]
    assert amount("2,200") == "#2200"


def test_a_changed_number_is_a_difference() -> None:
    doc = turns((QUILL, "We moved fourteen million tonnes through the harbour last winter."))
    [best] = rank("Quill says the harbour moved 40 million tonnes last winter", [doc], QUILL)
    [changed] = [d for d in best.differences if d.kind is DifferenceKind.SUBSTITUTION]
    assert (changed.claimed, changed.original, changed.note) == (
        "40 million",
        "fourteen million",
        "a number differs",
    )


# --- aliases -----------------------------------------------------------------------------------------------------
def test_any_name_of_someone_is_the_same_term() -> None:
    aliases = {("bellmoor", "shipping", "company"): "@3", ("bellmoor",): "@3"}
    assert keys("Bellmoor Shipping Company is leaving", aliases) == ["@3", "leave"]
    assert keys("So Bellmoor is leaving", aliases) == ["@3", "leave"]
    # a first name or title before a known name is part of it
    assert keys("Captain Bellmoor's yard", aliases) == ["@3", "yard"]


def test_an_alias_finds_the_passage() -> None:
    doc = turns(
        (HOST, "What about the shipyards?"),
        (QUILL, "Prices went up again. So Bellmoor is closing. You see it, their northern yard closing."),
    )
    claim = "Bellmoor Shipping Company is closing its northern yard"
    aliases = {("bellmoor", "shipping", "company"): "@3", ("bellmoor",): "@3"}
    best = rank(claim, [doc], QUILL, aliases=aliases)[0]
    assert best.passage == "Bellmoor is closing. You see it, their northern yard closing"
    assert (
        best.score > rank(claim, [doc], QUILL)[0].score
    )  # without the alias, "Bellmoor Shipping Company" is three words


# --- negation and qualifiers -------------------------------------------------------------------------------------
def test_a_dropped_negation_is_a_context_risk() -> None:
    doc = turns((QUILL, "The night ferry will never leave before the storm passes."))
    outcome = paraphrase.verdict("The night ferry leaves before the storm passes, says Quill", QUILL, [doc])
    assert outcome is not None and outcome.verdict is Verdict.PARAPHRASED
    [risk] = [d for d in outcome.matches[0].differences if d.kind is DifferenceKind.CONTEXT_RISK]
    assert (risk.original, risk.note) == ("never", "the paraphrase drops a negation of the source")
    assert "context risk: the paraphrase drops a negation" in outcome.explanation


def test_a_kept_negation_ranks_first() -> None:
    doc = turns(
        (QUILL, "The council will close the harbour road in May."),
        (QUILL, "The council will not close the harbour road in May."),
    )
    [first, second] = rank("The council is not going to close the harbour road in May", [doc], QUILL)
    assert first.passage == "council will not close the harbour road in May"
    assert first.score > second.score
    assert not [d for d in first.differences if d.kind is DifferenceKind.CONTEXT_RISK]


def test_a_dropped_qualifier_is_a_context_risk() -> None:
    doc = turns((QUILL, "Almost four thousand sailors lost their jobs at the harbour."))
    [best] = rank("Four thousand sailors lost their jobs at the harbour", [doc], QUILL)
    assert [(d.kind, d.original) for d in best.differences] == [(DifferenceKind.CONTEXT_RISK, "almost")]


# --- sentence-level evidence -------------------------------------------------------------------------------------
def test_the_evidence_is_a_sentence_not_the_turn() -> None:
    doc = turns(
        (
            QUILL,
            "Good morning to everyone listening. The weather was grim all week. "
            "Our harbour lost two hundred fishing licences to the new quota. "
            "That is all I wanted to say before the news.",
        )
    )
    [best] = rank("Quill: the quota cost the harbour 200 fishing licences", [doc], QUILL)
    assert best.passage == "harbour lost two hundred fishing licences to the new quota"
    assert best.spans == doc.spans


def test_two_sentences_of_one_speaker_across_turns() -> None:
    doc = turns(
        (QUILL, "So the ferry company is leaving."),
        (QUILL, "You saw it, their northern depot leaving."),
        (HOST, "Thank you. Next, the weather."),
    )
    [best, *_] = rank("The ferry company is moving its northern depot out of the town", [doc], QUILL)
    assert best.passage == "ferry company is leaving.\n\nYou saw it, their northern depot"
    assert [s.speaker_id for s in best.spans] == [QUILL, QUILL]


def test_the_claimed_speakers_own_words_come_first_and_top_three_have_scores() -> None:
    doc = turns(
        (HOST, "The harbour fees doubled in March, the port authority says."),
        (QUILL, "Our harbour fees went up in March."),
        (HOST, "Harbour fees are the talk of the town."),
        (HOST, "In March, many things doubled."),
    )
    top = rank("Marta Quill said harbour fees doubled in March", [doc], QUILL)
    assert top[0].passage == "harbour fees went up in March"
    assert len(top) == 3 and all(0 < t.score <= 1 for t in top)


def test_i_in_the_speakers_turn_is_the_speaker() -> None:
    doc = turns((QUILL, "I was against the bridge toll from the start."), (HOST, "Quill is against it."))
    aliases = {("marta", "quill"): f"@{QUILL}", ("quill",): f"@{QUILL}"}
    [best, *_] = rank("Marta Quill was against the bridge toll", [doc], QUILL, aliases=aliases)
    assert best.passage == "I was against the bridge toll"
    assert "“marta quill”" in paraphrase.explain(best)


def test_nothing_shared_is_no_candidate() -> None:
    doc = turns((QUILL, "The lighthouse was painted white in spring."))
    assert rank("Seven blue boats sailed to the winter fair", [doc], QUILL) == []
    assert paraphrase.verdict("Seven blue boats sailed to the winter fair", QUILL, [doc]) is None


def test_index_terms_are_content_lemmas_and_amounts() -> None:
    assert index_terms("They were not leaving with $14 million.", "en", 100) == [
        ("=leave", 114),
        ("=#14000000", 128),
    ]

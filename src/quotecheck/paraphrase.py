"""Finding what was really said behind a paraphrase: pure text work, no database.

`quotecheck.services.paraphrases` fetches candidate passages through the search index; this module scores them.

1. Terms. A text is cut into words, and each word is reduced to what it means rather than how it is spelled:
   its lemma (simplemma's dictionaries: "leaving" ~ "left" ~ "leave"), an amount for a number
   ("$14 million", "14 million dollars" and "fourteen million" are all `#14000000`), and one key per known
   person or organisation for any of their names ("Ford Motor Company" ~ "Ford", given as aliases).
   Function words are not content; negations ("not", "never", "n't") and qualifiers ("almost", "maybe")
   are kept as signals.
2. Units. The passages scored are sentences, and pairs of neighbouring sentences of the same speaker: the
   evidence returned is the sentence or two that carry the claim, not a whole turn.
3. Score (0 to 1, explainable): the weighted share of the claim's content terms the unit holds (rare terms
   weigh more: the weights come from the index), times a small bonus for the unit's own precision and for
   pairs of terms in the claim's order. A unit with too little of the claim is not a candidate.
4. Differences: which terms matched and which did not; a number changed; a negation or qualifier of the
   source dropped by the claim (CONTEXT_RISK); a pronoun of the source replaced by the name of the person it
   stands for (EDITORIAL, the usual clarification, not a substitution).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from typing import NamedTuple

import simplemma
from rapidfuzz.distance import Indel
from simplemma.strategies.dictionaries.dictionary_factory import SUPPORTED_LANGUAGES

from quotecheck.enums import Verdict
from quotecheck.matching import (
    NEGATIONS,
    PRONOUNS,
    Difference,
    DifferenceKind,
    Document,
    Match,
    Outcome,
    Span,
)
from quotecheck.text import name_key

__all__ = [
    "MIN_SHARE",
    "Aliases",
    "Scored",
    "Token",
    "amount",
    "as_match",
    "explain",
    "index_terms",
    "lemma",
    "rank",
    "tokens",
    "verdict",
    "weight",
]

# Without weights from the index every word counts the same, common ones too: the bar is higher.
MIN_SHARE_UNWEIGHTED = 0.4
MIN_SHARE = 0.3  # the score (about the weighted share of the claim's content) a paraphrase reaches
MIN_TERMS = 2  # and at least this many content terms in common
OWN_FIRST = 0.5  # the claimed speaker's own passage comes first when it scores this share of the best one
DEFAULT_WEIGHT = 2.0  # a term's weight when the index did not say how rare it is

# Aliases: a name folded to its words (quotecheck.text.name_key, split) -> the key of whoever bears it.
Aliases = Mapping[tuple[str, ...], str]

# English function words: the rest of a sentence carries its sense. (Other languages: words of 4+ letters.)
STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "all",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "done",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "get",
        "got",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "let",
        "me",
        "might",
        "more",
        "most",
        "must",
        "my",
        "myself",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "ought",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "say",
        "said",
        "says",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "well",
        "also",
        "really",
        "oh",
        "okay",
        "ok",
        "yes",
        "going",
        "gonna",
        "want",
        "wanted",
        "thing",
        "things",
        "lot",
        "know",
        "think",
        "just",
        "even",
        "still",
        "like",
        "way",
        "actually",
        "tell",
        "told",
        "look",
        "see",
        "saw",
        "go",
        "went",
        "come",
        "came",
        "make",
        "dollar",
        "dollars",
        "percent",
        "per",
        "cent",
    ]
)
QUALIFIERS = frozenset(
    [
        "almost",
        "nearly",
        "about",
        "approximately",
        "around",
        "roughly",
        "maybe",
        "perhaps",
        "probably",
        "possibly",
        "might",
        "may",
        "could",
        "some",
        "partly",
        "partially",
        "only",
        "mostly",
    ]
)
FIRST_PERSON = frozenset({"i", "me", "my", "mine", "myself"})

_NUMBER_WORDS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 10**9, "trillion": 10**12}
_SCALE = "|".join(_SCALES)
_TOKEN = re.compile(
    rf"(?P<num>\d+(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)(?:\s*(?P<scale>{_SCALE})\b)?"
    r"|(?P<word>[^\W\d_][^\W_]*(?:['’][^\W_]+)*)",
    re.IGNORECASE,
)


class Token(NamedTuple):
    key: str  # lemma, "#amount", or an alias key
    start: int
    end: int
    folded: str  # the word(s) as written, folded
    content: bool
    negation: bool = False
    qualifier: bool = False
    pronoun: bool = False
    capital: bool = False  # written with a capital letter


@lru_cache(maxsize=100_000)
def lemma(word: str, language: str = "en") -> str:
    """The dictionary form of a folded word in `language` (the word itself when simplemma has no entry)."""
    try:
        return str(simplemma.lemmatize(word, lang=language)).casefold()
    except ValueError:  # a language simplemma does not know
        return word


def amount(digits: str, scale: str | None = None) -> str:
    """`#value` for a number as written: "4,000" and "4000" agree, "3.5 million" is #3500000."""
    value = float(digits.replace(",", "")) * (_SCALES[scale.casefold()] if scale else 1)
    return f"#{value:.6g}" if value != int(value) else f"#{int(value)}"


def _language(language: str | None) -> str:
    code = (language or "en").split("-")[0].casefold()
    return code if code in SUPPORTED_LANGUAGES else "en"


def _is_content(word: str, language: str) -> bool:
    if language == "en":
        return word not in STOPWORDS and len(word) > 1
    return len(word) >= 4


def tokens(
    text: str, language: str | None = None, aliases: Aliases | None = None, offset: int = 0
) -> list[Token]:
    """The terms of a text with their character offsets (plus `offset`): see the module's docstring."""
    lang = _language(language)
    raw: list[Token] = []
    for m in _TOKEN.finditer(text):
        start, end = m.start() + offset, m.end() + offset
        if m.group("num"):
            raw.append(
                Token(amount(m.group("num"), m.group("scale")), start, end, m.group().casefold(), True)
            )
            continue
        word = m.group("word")
        capital = word[:1].isupper()
        key, content, negation, qualifier, pronoun, folded = _word(word.casefold(), lang, capital)
        raw.append(Token(key, start, end, folded, content, negation, qualifier, pronoun, capital))
    return _spelled_numbers(_named(raw, aliases or {}))


@lru_cache(maxsize=200_000)
def _word(lowered: str, lang: str, capital: bool) -> tuple[str, bool, bool, bool, bool, str]:
    """(key, content, negation, qualifier, pronoun, folded) of a word: computed once per spelling."""
    folded = lowered.replace("’", "'")
    negation = folded in NEGATIONS or folded.endswith("n't")
    base = _base(folded)
    # "May" with a capital is the month, not a qualifier
    qualifier = base in QUALIFIERS and not (base == "may" and capital)
    content = _is_content(base, lang) and not negation and not qualifier
    return lemma(base, lang), content, negation, qualifier, base in PRONOUNS, folded


def _base(folded: str) -> str:
    """The word without a clitic: "trump's" -> "trump", "we've" -> "we"."""
    return folded.split("'")[0] if folded.endswith(("'s", "'re", "'ve", "'ll", "'d", "'m")) else folded


@lru_cache(maxsize=100_000)
def _name_word(folded: str) -> str:
    return name_key(_base(folded))


def _named(found: list[Token], aliases: Aliases) -> list[Token]:
    """Known names (the longest first) become one term, the key of whoever bears them."""
    if not aliases:
        return found
    longest = max(len(name) for name in aliases)
    firsts = {name[0] for name in aliases if name}
    result: list[Token] = []
    i = 0
    while i < len(found):
        if _name_word(found[i].folded) not in firsts:
            result.append(found[i])
            i += 1
            continue
        for size in range(min(longest, len(found) - i), 0, -1):
            words = tuple(_name_word(t.folded) for t in found[i : i + size])
            key = aliases.get(words)
            if key is not None:
                begin = found[i].start
                if (
                    result
                    and result[-1].capital
                    and result[-1].content
                    and not result[-1].key.startswith("@")
                ):
                    begin = result.pop().start  # a first name or title before the name: "Donald Trump"
                folded = " ".join(t.folded for t in found[i : i + size])
                result.append(Token(key, begin, found[i + size - 1].end, folded, True, capital=True))
                i += size
                break
        else:
            result.append(found[i])
            i += 1
    return result


def _spelled_numbers(found: list[Token]) -> list[Token]:
    """ "fourteen million" -> #14000000 ("a million" too); single small number words stay words."""
    result: list[Token] = []
    i = 0
    while i < len(found):
        j, total, current = i, 0, 0
        while j < len(found):
            word = found[j].folded
            if word in _NUMBER_WORDS:
                current += _NUMBER_WORDS[word]
            elif word in _SCALES and (j > i or word != "hundred"):
                current = max(current, 1) * _SCALES[word]
                if _SCALES[word] >= 1000:
                    total, current = total + current, 0
            elif word == "a" and j == i and j + 1 < len(found) and found[j + 1].folded in _SCALES:
                current = 1
            else:
                break
            j += 1
        spelled = found[i:j]
        if len(spelled) >= 2 or (spelled and spelled[0].folded in _SCALES):
            value = total + current
            result.append(
                Token(
                    f"#{value}", spelled[0].start, spelled[-1].end, " ".join(t.folded for t in spelled), True
                )
            )
            i = j
            continue
        result.append(found[i])
        i += 1
    return result


def index_terms(text: str, language: str | None = None, offset: int = 0) -> list[tuple[str, int]]:
    """(term, character position) of each content term, for the search index: "=lemma" or "=#amount"."""
    return [(f"={t.key}", t.start) for t in tokens(text, language, None, offset) if t.content]


# --- scoring -----------------------------------------------------------------------------------------------------
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”’)]*\s+")


@dataclass(slots=True)
class Scored:
    """A unit (a sentence or two) of a document, scored against the claim."""

    document: Document
    start: int
    end: int
    spans: list[Span]
    score: float
    shared: list[str]  # the claim's terms found, as the claim writes them
    missing: list[str]  # the claim's content terms not found
    differences: list[Difference]

    @property
    def passage(self) -> str:
        return self.document.text[self.start : self.end]


def _sentences(doc: Document) -> list[tuple[int, int, int]]:
    """(start, end, span index) of each sentence of the document's spans (turns or quoted spans)."""
    sentences: list[tuple[int, int, int]] = []
    for index, span in enumerate(doc.spans):
        at = span.start
        text = doc.text[span.start : span.end]
        for piece in [*_SENTENCE_END.finditer(text), None]:
            stop = span.start + (piece.start() if piece is not None else len(text))
            said = doc.text[at:stop]
            if said.strip():
                sentences.append((at + len(said) - len(said.lstrip()), stop, index))
            if piece is not None:
                at = span.start + piece.end()
    return sentences


def _document_tokens(
    doc: Document,
    sentences: list[tuple[int, int, int]],
    language: str | None,
    aliases: Aliases,
    me: str | None,
) -> list[list[Token]]:
    """Each sentence's terms; in the claimed speaker's own turns, "I", "me" and "my" are the speaker (`me`)."""
    found = []
    for start, end, index in sentences:
        terms = tokens(doc.text[start:end], language, aliases, start)
        if (
            me is not None
            and doc.spans[index].speaker_id is not None
            and f"@{doc.spans[index].speaker_id}" == me
        ):
            terms = [
                Token(me, t.start, t.end, t.folded, True, capital=t.capital)
                if t.folded in FIRST_PERSON
                else t
                for t in terms
            ]
        found.append(terms)
    return found


def rank(
    claim_text: str,
    documents: Sequence[Document],
    speaker_id: int | None,
    *,
    language: str | None = None,
    aliases: Aliases | None = None,
    weights: Mapping[str, float] | None = None,
    limit: int = 3,
) -> list[Scored]:
    """The passages that best carry the claim's content, best first (the claimed speaker's own first when
    they carry it about as well): at most `limit`, each a sentence or two."""
    known = weights or {}
    claim = tokens(claim_text, language, aliases)
    wanted: dict[str, float] = {}
    for t in claim:
        if t.content:
            wanted[t.key] = known.get(t.key, DEFAULT_WEIGHT)
    if len(wanted) < MIN_TERMS:
        return []
    total = sum(wanted.values())
    denied = any(t.negation for t in claim)
    wanted_numbers = {k for k in wanted if k.startswith("#")}
    names = {t.key for t in claim if t.content and t.capital}
    claim_pairs = {(a.key, b.key) for a, b in pairwise([t for t in claim if t.content])}
    me = f"@{speaker_id}" if speaker_id is not None else None
    found: list[tuple[int, Scored]] = []
    for doc in documents:
        sentences = _sentences(doc)
        terms = _document_tokens(doc, sentences, language, aliases or {}, me)
        units = [([k], terms[k]) for k in range(len(sentences))]
        units += [
            ([k, k + 1], terms[k] + terms[k + 1])
            for k in range(len(sentences) - 1)
            if doc.spans[sentences[k][2]].speaker_id == doc.spans[sentences[k + 1][2]].speaker_id
        ]
        for members, unit in units:
            keys = {t.key for t in unit if t.content}
            shared = [k for k in wanted if k in keys]
            # A name the claim gives, where the passage has a pronoun for someone: half the name's weight.
            standing = any(t.pronoun and t.folded not in FIRST_PERSON for t in unit)
            half = [k for k in wanted if k.startswith("@") and k not in keys and standing]
            if len(shared) + len(half) < MIN_TERMS:
                continue
            held = sum(wanted[k] for k in shared) + 0.5 * sum(wanted[k] for k in half)
            recall = held / total
            if recall < (MIN_SHARE if weights else MIN_SHARE_UNWEIGHTED):
                continue
            extra = sum(known.get(k, DEFAULT_WEIGHT) for k in keys if k not in wanted)
            precision = held / (held + extra)
            unit_pairs = {(a.key, b.key) for a, b in pairwise([t for t in unit if t.content])}
            order = len(claim_pairs & unit_pairs) / max(1, len(claim_pairs))
            negated = any(t.negation for t in unit)
            agreement = 1.0 if negated == denied else 0.9  # a negation kept (or not) is a signal
            # Numbers that disagree, or only names in common (no word of what was said about them), say less.
            numbers = {k for k in keys if k.startswith("#")}
            if numbers and wanted_numbers and not numbers & wanted_numbers:
                agreement *= 0.85
            if all(k in names for k in shared):
                agreement *= 0.6
            score = min(1.0, recall * (0.65 + 0.25 * precision + 0.1 * order) * agreement)
            # The passage: from the first of the claim's terms in the unit (or a pronoun standing for a name
            # before it) to the last, so that the evidence is the words that carry the claim.
            carrying = [t for t in unit if t.key in wanted]
            if not carrying:
                continue  # names held only through pronouns: too little
            standing_in = [t for t in unit if half and t.pronoun and t.folded not in FIRST_PERSON]
            start = min(t.start for t in carrying + standing_in[:1])
            end = carrying[-1].end
            spans = [doc.spans[i] for i in sorted({sentences[k][2] for k in members})]
            own = int(speaker_id is not None and any(s.speaker_id == speaker_id for s in spans))
            scored = Scored(
                doc,
                start,
                end,
                spans,
                score,
                [t.folded for t in claim if t.content and t.key in keys],
                [t.folded for t in claim if t.content and t.key not in keys],
                _differences(claim_text, claim, unit, doc.text),
            )
            found.append((own, scored))
    best = max((scored.score for _, scored in found), default=0.0)
    found.sort(key=lambda item: (item[1].score >= OWN_FIRST * best, item[0], item[1].score), reverse=True)
    result: list[Scored] = []
    for _, scored in found:
        if any(_overlaps(scored, kept) for kept in result):
            continue
        result.append(scored)
        if len(result) == limit:
            break
    return result


def _overlaps(a: Scored, b: Scored) -> bool:
    return a.document is b.document and a.start < b.end and b.start < a.end


def _differences(claim_text: str, claim: list[Token], unit: list[Token], text: str) -> list[Difference]:
    """Numbers changed, negations and qualifiers dropped, pronouns replaced by the names they stand for."""
    differences: list[Difference] = []
    claim_numbers = {t.key for t in claim if t.key.startswith("#")}
    unit_numbers = [t for t in unit if t.key.startswith("#")]
    if claim_numbers and unit_numbers and not claim_numbers & {t.key for t in unit_numbers}:
        claimed = ", ".join(claim_text[t.start : t.end] for t in claim if t.key.startswith("#"))
        said = ", ".join(text[t.start : t.end] for t in unit_numbers)
        differences.append(Difference(DifferenceKind.SUBSTITUTION, claimed, said, "a number differs"))
    if any(t.negation for t in unit) and not any(t.negation for t in claim):
        said = ", ".join(text[t.start : t.end] for t in unit if t.negation)
        differences.append(
            Difference(DifferenceKind.CONTEXT_RISK, "", said, "the paraphrase drops a negation of the source")
        )
    dropped = {t.folded for t in unit if t.qualifier} - {t.folded for t in claim if t.qualifier}
    if dropped:
        differences.append(
            Difference(
                DifferenceKind.CONTEXT_RISK,
                "",
                ", ".join(sorted(dropped)),
                "the paraphrase drops a qualifier of the source",
            )
        )
    differences += _pronouns(claim_text, claim, unit, text)
    return differences


def _pronouns(claim_text: str, claim: list[Token], unit: list[Token], text: str) -> list[Difference]:
    """Where the claim names someone (capitalised words) in the place of the source's pronoun."""
    result = []
    ops = Indel.opcodes([t.key for t in claim], [t.key for t in unit])
    steps = list(ops)
    for k, op in enumerate(steps):
        if op.tag != "delete" or k + 1 >= len(steps) or steps[k + 1].tag != "insert":
            continue
        nxt = steps[k + 1]
        named = claim[op.src_start : op.src_end]
        said = unit[nxt.dest_start : nxt.dest_end]
        if (
            said
            and all(t.pronoun for t in said)
            and named
            and all(_capitalised(claim_text, t) for t in named)
        ):
            result.append(
                Difference(
                    DifferenceKind.EDITORIAL,
                    claim_text[named[0].start : named[-1].end],
                    text[said[0].start : said[-1].end],
                    "a pronoun replaced by the person it stands for (an editor's clarification)",
                )
            )
    return result


def _capitalised(text: str, token: Token) -> bool:
    return text[token.start : token.start + 1].isupper() and not token.pronoun


def as_match(scored: Scored) -> Match:
    """A scored unit as the check's evidence."""
    return Match(
        document=scored.document,
        start=scored.start,
        end=scored.end,
        score=scored.score,
        differences=scored.differences,
        spans=scored.spans,
        exact=False,
        elided=False,
        paraphrase=True,
    )


def weight(frequency: int, total: int) -> float:
    """An inverse document frequency: a term found in few places says more."""
    return math.log(1 + total / (1 + frequency))


def explain(best: Scored) -> str:
    """Which of the claim's terms the passage holds, which it does not, and what differs."""
    parts = [f"{round(best.score * 100)}% match: shares {_listed(best.shared)}"]
    if best.missing:
        parts.append(f"not in the passage: {_listed(best.missing)}")
    for d in best.differences:
        if d.kind is DifferenceKind.SUBSTITUTION:
            parts.append(f"{d.note}: “{d.claimed}” where the source says “{d.original}”")
        elif d.kind is DifferenceKind.EDITORIAL:
            parts.append(f"“{d.claimed}” stands for “{d.original}” (editorial)")
        else:
            parts.append(f"context risk: {d.note} (“{d.original}”)")
    return "; ".join(parts)


def _listed(words: Iterable[str]) -> str:
    unique = list(dict.fromkeys(words))
    shown = ", ".join(f"“{w}”" for w in unique[:12])
    return shown + (f" and {len(unique) - 12} more" if len(unique) > 12 else "")


def verdict(
    claim_text: str,
    speaker_id: int | None,
    documents: Sequence[Document],
    *,
    language: str | None = None,
    aliases: Aliases | None = None,
    weights: Mapping[str, float] | None = None,
) -> Outcome | None:
    """PARAPHRASED with the top three passages and why, or None when no passage carries the claim."""
    top = rank(claim_text, documents, speaker_id, language=language, aliases=aliases, weights=weights)
    if not top:
        return None
    best = top[0]
    where = "a primary source" if best.document.primary else "a secondary source (no primary source holds it)"
    said = speaker_id is None or any(s.speaker_id in (speaker_id, None) for s in best.spans)
    who = (
        ""
        if said
        else ", said by " + ", ".join(sorted({s.speaker_name or "an unnamed speaker" for s in best.spans}))
    )
    risks = [d for d in best.differences if d.kind is DifferenceKind.CONTEXT_RISK]
    share = len(set(best.shared)) / max(1, len(set(best.shared)) + len(set(best.missing)))
    return Outcome(
        Verdict.PARAPHRASED,
        round(
            (0.35 + 0.4 * best.score) * (1.0 if best.document.primary else 0.8) * (0.85 if risks else 1.0), 2
        ),
        f"No passage holds these words, but {where} carries the sense{who}: {round(share * 100)}% of the quote's "
        f"content words appear together in “{_clip(best.passage)}”. Presented as a quote, it is a paraphrase "
        f"({explain(best)}).",
        [as_match(s) for s in top],
    )


def _clip(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"

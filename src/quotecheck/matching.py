"""The quote check's text logic: does a claimed quote match what a source records, and how does it differ?

Pure functions over text, no database: `quotecheck.services.checks` finds the candidate documents and calls
`check`. The steps:

1. Words. Both sides are cut into words with their character offsets and folded (Unicode NFKC, case, curly
   and straight apostrophes): quote marks, dashes, hyphens, spacing and punctuation at word edges are never
   differences. Diacritics are kept: "Várga" and "Varga" are different spellings.
2. Segments. The claim is split at elision markers ("...", "....", "…", "[...]", "(...)", "[…]"); a
   bracketed clarification ("[the alliance]") is an editorial insertion, not words claimed as said.
3. Alignment. Each segment is placed in a document's passages (a transcript's speaker turns, or the quoted
   spans of a secondary source) along the diagonal most of its words vote for, then aligned word by word
   (rapidfuzz's Indel alignment) in a window around it; segments must follow each other in order.
4. Differences and verdict: unmarked cuts (OMISSION), substitutions, insertions, editorial brackets, marked
   elisions, and context risks (a cut that drops a negation, crosses into another speaker's turn, or joins
   passages far apart). Words found with the claimed speaker, with someone else, only in secondary sources,
   only in sense (shared content words), or nowhere give the verdicts of DESIGN.md.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from itertools import pairwise

from rapidfuzz.distance import Indel

from quotecheck.enums import Verdict

__all__ = [
    "UNMARKED_NAME",
    "Difference",
    "DifferenceKind",
    "Document",
    "Match",
    "Outcome",
    "Span",
    "Word",
    "check",
    "content_key",
    "content_words",
    "shingles",
    "words",
]


def _combining_marks() -> str:
    """A character class of the combining marks (BMP and SMP): `\\w` leaves them out, so a decomposed "ê" or
    a vowelled Arabic word would otherwise fall apart into pieces."""
    ranges: list[list[int]] = []
    for code in range(0x20000):
        if unicodedata.category(chr(code)).startswith("M"):
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1][1] = code
            else:
                ranges.append([code, code])
    return "".join(re.escape(chr(a)) + ("" if a == b else "-" + re.escape(chr(b))) for a, b in ranges)


_LETTER = rf"(?:[^\W_]|[{_combining_marks()}])"
_WORD = re.compile(rf"[^\W_]{_LETTER}*(?:['’ʼ`´][^\W_]{_LETTER}*)*")
_ELISION = re.compile(r"\[\s*(?:\.{3,}|…)\s*\]|\(\s*(?:\.{3,}|…)\s*\)|\.{3,}|…")
_EDITORIAL = re.compile(r"\[[^\]]*\]")
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "`": "'", "´": "'"})

# Words whose loss flips a sentence's meaning, in the languages the corpora hold; "n't" is caught by suffix.
NEGATIONS = frozenset(
    [
        "not",
        "no",
        "never",
        "nor",
        "neither",
        "none",
        "nobody",
        "nothing",
        "nowhere",
        "cannot",
        "ne",
        "pas",
        "jamais",
        "non",
        "aucun",
        "aucune",
        "rien",
        "personne",
        "ni",
        "nicht",
        "kein",
        "keine",
        "keinen",
        "nie",
        "niemals",
        "no",
        "nunca",
        "jamás",
        "ningún",
        "ninguna",
        "nada",
        "nadie",
        "не",
        "ни",
        "нет",
        "никогда",
        "ничего",
        "никто",
        "δεν",
        "μη",
        "μην",
        "όχι",
        "ποτέ",
        "لا",
        "لم",
        "لن",
        "ليس",
        "ما",
    ]
)

# Pronouns an editor may replace by the name of whoever they stand for ("He started" -> "Donald Trump started").
PRONOUNS = frozenset(
    [
        "he",
        "him",
        "his",
        "she",
        "her",
        "hers",
        "they",
        "them",
        "their",
        "theirs",
        "i",
        "me",
        "my",
        "mine",
        "we",
        "us",
        "our",
        "ours",
        "you",
        "your",
        "yours",
        "it",
        "its",
        "himself",
        "herself",
        "themselves",
        "myself",
        "ourselves",
        "yourself",
    ]
)
MAX_NAME = 4  # words of a name standing in for a pronoun
UNMARKED_NAME = "a pronoun replaced by the name of whoever it stands for (unmarked)"
# A close wording with a changed word: at most this many word edits, of at most this many words a side.
MAX_EDITS = 2
MAX_EDIT_WORDS = 2

FAR_APART = 150  # words: a cut longer than this joins passages far apart
MIN_SCORE_ALTERED = 0.75  # word similarity (Dice, in order) for ALTERED rather than PARAPHRASED
MIN_PARAPHRASE = 0.6  # share of the claim's content words (stemmed) found near each other


class DifferenceKind(Enum):
    ELISION = "ELISION"
    SUBSTITUTION = "SUBSTITUTION"
    INSERTION = "INSERTION"
    OMISSION = "OMISSION"
    EDITORIAL = "EDITORIAL"
    CONTEXT_RISK = "CONTEXT_RISK"


@dataclass(frozen=True, slots=True)
class Word:
    key: str  # folded form, compared
    start: int  # offsets in the text it came from
    end: int


def _fold(word: str) -> str:
    return unicodedata.normalize("NFKC", word).casefold().translate(_APOSTROPHES)


def words(text: str, offset: int = 0) -> list[Word]:
    """The words of a text, folded, with their character offsets (plus `offset`)."""
    if text.isascii():
        # ASCII needs no Unicode normalisation, and lower-casing keeps every offset: fold it in one go.
        folded = text.lower().replace("`", "'")
        return [
            Word(folded[m.start() : m.end()], m.start() + offset, m.end() + offset)
            for m in _WORD.finditer(text)
        ]
    return [Word(_fold(m.group()), m.start() + offset, m.end() + offset) for m in _WORD.finditer(text)]


def content_key(word: str) -> str:
    """A crude, language-blind stem for content words: the first five letters."""
    return word[:5]


def _sense_key(word: str) -> str:
    """A looser stem for the sense of a passage: the first four letters ("roads" and "road" agree)."""
    return word[:4]


def _is_content(word: str) -> bool:
    return len(word) >= 4 or any(ch.isdigit() for ch in word)


def content_words(folded: Sequence[str]) -> list[str]:
    return [content_key(w) for w in folded if _is_content(w)]


def shingles(folded: Sequence[str]) -> list[tuple[int, str]]:
    """(index of its first word, "stem stem") for each pair of consecutive content words: the search index's
    terms. Pairs of content words survive a changed function word, and shared pairs find paraphrases."""
    content = [(i, content_key(w)) for i, w in enumerate(folded) if _is_content(w)]
    return [(content[k][0], f"{content[k][1]} {content[k + 1][1]}") for k in range(len(content) - 1)]


def _negation(word: str) -> bool:
    return word in NEGATIONS or word.endswith("n't")


# --- documents ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of a document that records someone's words: a transcript turn, or a quoted appearance."""

    start: int
    end: int
    speaker_id: int | None
    speaker_name: str | None
    turn_id: int | None = None
    appearance_id: int | None = None
    # Where the document's text was cut from a longer source text: source offset = document offset + shift.
    shift: int = 0


@dataclass(slots=True)
class Document:
    source_id: int
    title: str
    text: str
    primary: bool
    spans: list[Span]
    _words: list[Word] = field(default_factory=list)
    _owner: list[int] = field(default_factory=list)  # for each word, the index of its span

    def prepare(self) -> None:
        if self._words or not self.spans:
            return
        for index, span in enumerate(self.spans):
            found = words(self.text[span.start : span.end], span.start)
            self._words.extend(found)
            self._owner.extend([index] * len(found))


# --- results -----------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Difference:
    kind: DifferenceKind
    claimed: str
    original: str
    note: str = ""


@dataclass(slots=True)
class Match:
    document: Document
    start: int  # character span of the matched passage in the document's text
    end: int
    score: float  # share of the claimed words found, in order
    differences: list[Difference]
    spans: list[Span]  # the turns or quoted spans the passage lies in
    exact: bool  # every kept word as said (cuts, if any, are marked)
    elided: bool
    paraphrase: bool = False

    @property
    def passage(self) -> str:
        return self.document.text[self.start : self.end]

    @property
    def source_start(self) -> int:
        """`start` in the whole source's text (a document may hold only windows of it)."""
        return self.start + (self.spans[0].shift if self.spans else 0)

    @property
    def source_end(self) -> int:
        return self.end + (self.spans[-1].shift if self.spans else 0)

    @property
    def speaker_ids(self) -> set[int | None]:
        return {span.speaker_id for span in self.spans}

    @property
    def primary(self) -> bool:
        return self.document.primary


@dataclass(slots=True)
class Outcome:
    verdict: Verdict
    confidence: float
    explanation: str
    matches: list[Match]


# --- the claim ---------------------------------------------------------------------------------------------------
@dataclass(slots=True)
class _Claim:
    segments: list[list[Word]]  # words said, between elision markers
    editorial: list[str]  # bracketed clarifications
    markers: int
    # per segment: the index of the word each of its brackets stands before -> the bracket
    brackets: list[dict[int, str]] = field(default_factory=list)


def _claim(text: str) -> _Claim:
    segments: list[list[Word]] = []
    editorial: list[str] = []
    brackets: list[dict[int, str]] = []
    position = 0
    markers = 0
    for marker in [*_ELISION.finditer(text), None]:
        end = marker.start() if marker is not None else len(text)
        piece = text[position:end]
        kept: list[Word] = []
        placed: dict[int, str] = {}
        last = 0
        for bracket in _EDITORIAL.finditer(piece):
            kept += words(piece[last : bracket.start()], position + last)
            editorial.append(bracket.group())
            placed[len(kept)] = bracket.group()
            last = bracket.end()
        kept += words(piece[last:], position + last)
        if kept:
            segments.append(kept)
            brackets.append(placed)
        if marker is not None:
            markers += 1
            position = marker.end()
    return _Claim(segments, editorial, markers, brackets)


# --- alignment ---------------------------------------------------------------------------------------------------
@dataclass(slots=True)
class _Placed:
    first: int  # index of the first and last document word matched
    last: int
    matched: int  # claimed words found as said
    differences: list[Difference]
    bracketed: set[int] = field(default_factory=set)  # brackets that stand in for words said

    @property
    def span_words(self) -> int:
        return self.last - self.first + 1


def _place(
    segment: list[Word],
    doc: Document,
    begin: int,
    claim_text: str,
    brackets: dict[int, str],
    only: int | None = None,
) -> _Placed | None:
    """Align one segment in the document's words from index `begin` on (placed only in the turns of speaker
    `only`, when given); None when too little of it is there."""
    keys = [w.key for w in segment]
    positions: dict[str, list[int]] = {}
    for i, word in enumerate(doc._words[begin:], begin):
        if only is None or doc.spans[doc._owner[i]].speaker_id == only:
            positions.setdefault(word.key, []).append(i)
    votes: Counter[int] = Counter()
    anchors: dict[int, int] = {}  # per diagonal, the first document word that voted for it
    for i, key in enumerate(keys):
        for p in positions.get(key, ()):
            votes[p - i] += 1
            anchors.setdefault(p - i, p)
    if not votes:
        return None
    diagonal, _ = votes.most_common(1)[0]
    slack = len(keys) // 4 + 3
    lo = max(begin, diagonal - slack)
    hi = min(len(doc._words), diagonal + len(keys) + slack)
    if not doc.primary:
        # A secondary source's spans are separate quotations, with the reporter's words between them (which
        # are not in doc._words): a segment is compared with one quotation, never run on into the next.
        owner = doc._owner[anchors[diagonal]]
        lo = max(lo, doc._owner.index(owner))
        hi = min(hi, len(doc._owner) - doc._owner[::-1].index(owner))
    # A first (last) word found where the diagonal puts it anchors that end: nothing before (after) it is
    # claimed, and an earlier copy of a common word ("the") cannot stretch the passage with a false cut.
    if lo <= diagonal < hi and doc._words[diagonal].key == keys[0]:
        lo = diagonal
    if lo < diagonal + len(keys) <= hi and doc._words[diagonal + len(keys) - 1].key == keys[-1]:
        hi = diagonal + len(keys)
    window = doc._words[lo:hi]
    found = [op for op in Indel.opcodes(keys, [w.key for w in window]) if op.tag == "equal"]
    if not found:
        return None
    # Claimed words before the first word found (after the last) stand for as many source words at most:
    # align again in that narrower window, so that a changed first or last word is a substitution.
    start = max(0, found[0].dest_start - found[0].src_start)
    stop = min(len(window), found[-1].dest_end + len(keys) - found[-1].src_end)
    lo, window = lo + start, window[start:stop]
    ops = list(Indel.opcodes(keys, [w.key for w in window]))
    # Source words outside the claimed stretch are not cut from it: trim them off both ends, but for those
    # next to claimed words not said (a changed first or last word), which pair with them as a substitution.
    while ops and ops[0].tag == "insert" and not (len(ops) > 1 and ops[1].tag == "delete"):
        ops.pop(0)
    while ops and ops[-1].tag == "insert" and not (len(ops) > 1 and ops[-2].tag == "delete"):
        ops.pop()
    if not ops or not any(op.tag == "equal" for op in ops):
        return None
    first = lo + ops[0].dest_start
    last = lo + ops[-1].dest_end - 1
    matched = sum(op.src_end - op.src_start for op in ops if op.tag == "equal")
    differences: list[Difference] = []
    bracketed: set[int] = set()
    k = 0
    while k < len(ops):
        op = ops[k]
        if op.tag == "equal":
            k += 1
            continue
        if op.tag == "insert" and op.src_start in brackets:
            # "[the alliance] is" for "it is": the editor's bracket marks the words it replaces.
            original = _slice(doc.text, window[op.dest_start : op.dest_end])
            bracketed.add(op.src_start)
            k += 1
            if _printed_bracket(doc.text, window[op.dest_start : op.dest_end], brackets[op.src_start]):
                continue  # the source prints the same bracket (a transcriber's "[crosstalk]"): no difference
            differences.append(
                Difference(
                    DifferenceKind.EDITORIAL,
                    brackets[op.src_start],
                    original,
                    "an editor's clarification in place of the words said",
                )
            )
            continue
        claimed_words = segment[op.src_start : op.src_end] if op.tag == "delete" else []
        source_words = window[op.dest_start : op.dest_end] if op.tag == "insert" else []
        if k + 1 < len(ops) and ops[k + 1].tag not in ("equal", op.tag):
            nxt = ops[k + 1]
            if nxt.tag == "delete":
                claimed_words = segment[nxt.src_start : nxt.src_end]
            else:
                source_words = window[nxt.dest_start : nxt.dest_end]
            k += 1
        k += 1
        claimed = _slice(claim_text, claimed_words)
        original = _slice(doc.text, source_words)
        named = _named_pronoun(claim_text, claimed_words, source_words)
        if named:
            # "Donald Trump started" for "He started": the editor's clarification, unmarked.
            said = source_words[-named:]
            differences.append(
                Difference(
                    DifferenceKind.EDITORIAL,
                    claimed,
                    _slice(doc.text, said),
                    UNMARKED_NAME,
                )
            )
            unclaimed = source_words[:-named]
            if unclaimed and doc._words[first].start == unclaimed[0].start:
                first += len(unclaimed)  # words before the passage (another sentence): not cut from it
            elif unclaimed:
                differences.append(
                    Difference(
                        DifferenceKind.OMISSION, "", _slice(doc.text, unclaimed), "words cut without a marker"
                    )
                )
            continue
        if claimed_words and source_words:
            differences.append(Difference(DifferenceKind.SUBSTITUTION, claimed, original))
        elif claimed_words:
            differences.append(Difference(DifferenceKind.INSERTION, claimed, ""))
        else:
            differences.append(
                Difference(DifferenceKind.OMISSION, "", original, "words cut without a marker")
            )
            if any(_negation(w.key) for w in source_words):
                differences.append(
                    Difference(DifferenceKind.CONTEXT_RISK, "", original, "an unmarked cut drops a negation")
                )
    return _Placed(first, last, matched, differences, bracketed)


def _named_pronoun(claim_text: str, claimed: Sequence[Word], said: Sequence[Word]) -> int:
    """How many of the source's last words are pronouns the claimed words name (0 when they do not): the
    claimed words are a name (capitalised, at most MAX_NAME words) in the place of he, she, it, I, ..."""
    if not claimed or not said or len(claimed) > MAX_NAME:
        return 0
    if not all(claim_text[w.start].isupper() and w.key not in PRONOUNS for w in claimed):
        return 0
    count = 0
    for word in reversed(said):
        if word.key.split("'")[0] not in PRONOUNS:
            break
        count += 1
    return count


def _slice(text: str, found: Sequence[Word]) -> str:
    return text[found[0].start : found[-1].end] if found else ""


def _align(
    claim: _Claim, claim_text: str, doc: Document, speaker_id: int | None, *, own: bool = False
) -> Match | None:
    """The claim placed in the document (only in the claimed speaker's turns, when `own`)."""
    doc.prepare()
    if not doc._words or not claim.segments:
        return None
    placed: list[_Placed] = []
    begin = 0
    for segment, brackets in zip(claim.segments, claim.brackets, strict=True):
        spot = _place(segment, doc, begin, claim_text, brackets, speaker_id if own else None)
        if spot is None:
            return None
        placed.append(spot)
        begin = spot.last + 1
    # Similarity counts both sides: words claimed but not said, and words said but silently dropped.
    claimed_total = sum(len(segment) for segment in claim.segments)
    source_total = sum(spot.span_words for spot in placed)
    score = 2 * sum(spot.matched for spot in placed) / (claimed_total + source_total)
    differences: list[Difference] = []
    elided = False
    printed: list[str] = []  # claimed brackets that the source prints where the claim has them
    for k, (before, after) in enumerate(pairwise(placed)):
        cut = doc._words[before.last + 1 : after.first]
        if not cut:
            continue  # the marker stood for a pause, not a cut
        beside = (claim.brackets[k].get(len(claim.segments[k])), claim.brackets[k + 1].get(0))
        bracket = next((b for b in beside if b is not None and _printed_bracket(doc.text, cut, b)), None)
        if bracket is not None:
            printed.append(bracket)  # "… [crosstalk]" as the transcript prints it: a pause, and its note
            continue
        elided = True
        original = doc.text[cut[0].start : cut[-1].end]
        shown = original if len(original) <= 160 else original[:80] + " … " + original[-60:]
        differences.append(
            Difference(
                DifferenceKind.ELISION, "…", shown, f"{len(cut)} word{'s' if len(cut) > 1 else ''} cut"
            )
        )
        if any(_negation(w.key) for w in cut):
            dropped = ", ".join(sorted({w.key for w in cut if _negation(w.key)}))
            differences.append(
                Difference(DifferenceKind.CONTEXT_RISK, "…", shown, f"the cut drops a negation ({dropped})")
            )
        speakers = {doc.spans[i].speaker_id for i in doc._owner[before.last : after.first + 1]}
        if len(speakers) > 1:
            # the others: whoever speaks from the kept words before the cut to those after it, bar the claimed one
            names = sorted(
                {
                    doc.spans[i].speaker_name or "another speaker"
                    for i in doc._owner[before.last : after.first + 1]
                    if doc.spans[i].speaker_id != speaker_id
                }
            )
            differences.append(
                Difference(
                    DifferenceKind.CONTEXT_RISK,
                    "…",
                    shown,
                    f"the cut crosses into another speaker's turn ({', '.join(names)})",
                )
            )
        elif len(cut) > FAR_APART:
            differences.append(
                Difference(
                    DifferenceKind.CONTEXT_RISK, "…", shown, f"the cut joins passages {len(cut)} words apart"
                )
            )
    for spot in placed:
        differences.extend(spot.differences)
    standing_in = [
        brackets[index]
        for spot, brackets in zip(placed, claim.brackets, strict=True)
        for index in spot.bracketed
    ]
    for bracket in claim.editorial:
        if bracket in standing_in:
            standing_in.remove(bracket)
            continue
        if bracket in printed:
            printed.remove(bracket)
            continue
        differences.append(Difference(DifferenceKind.EDITORIAL, bracket, "", "an editor's clarification"))
    first, last = placed[0].first, placed[-1].last
    owners = sorted(set(doc._owner[first : last + 1]))
    word_edits = [d for d in differences if d.kind in _WORD_EDITS]
    return Match(
        document=doc,
        start=doc._words[first].start,
        end=doc._words[last].end,
        score=score,
        differences=differences,
        spans=[doc.spans[i] for i in owners],
        exact=not word_edits,
        elided=elided,
    )


_WORD_EDITS = (DifferenceKind.SUBSTITUTION, DifferenceKind.INSERTION, DifferenceKind.OMISSION)


def _paraphrase(claim_words: list[Word], doc: Document) -> Match | None:
    """The window of the document sharing the most of the claim's content words, if it shares enough."""
    doc.prepare()
    wanted = {_sense_key(w.key) for w in claim_words if _is_content(w.key)}
    if len(wanted) < 2 or not doc._words:
        return None
    width = max(10, 2 * len(claim_words) + 4)
    stems = [_sense_key(w.key) if _is_content(w.key) else "" for w in doc._words]
    best: tuple[int, int] = (0, 0)
    for i, stem in enumerate(stems):
        if stem not in wanted:
            continue
        found = {s for s in stems[i : i + width] if s in wanted}
        if len(found) > best[0]:
            best = (len(found), i)
    shared, at = best
    if shared < 2 or shared / len(wanted) < MIN_PARAPHRASE:
        return None
    hits = [k for k in range(at, min(len(stems), at + width)) if stems[k] in wanted]
    first, last = _tightest(hits, stems, shared)
    owners = sorted(set(doc._owner[first : last + 1]))
    return Match(
        document=doc,
        start=doc._words[first].start,
        end=doc._words[last].end,
        score=shared / len(wanted),
        differences=[],
        spans=[doc.spans[i] for i in owners],
        exact=False,
        elided=False,
        paraphrase=True,
    )


def _alignments(claim: _Claim, claim_text: str, doc: Document, speaker_id: int | None) -> list[Match]:
    """The document's best alignment, and also the best in the claimed speaker's own turns when the words
    are placed elsewhere (an interviewee repeating the question): if the claimed speaker said them, that wins."""
    found = _align(claim, claim_text, doc, speaker_id)
    if found is not None and _said_by(found, speaker_id):
        return [found]
    own = None
    if speaker_id is not None and any(span.speaker_id == speaker_id for span in doc.spans):
        own = _align(claim, claim_text, doc, speaker_id, own=True)
    return [m for m in (found, own) if m is not None]


def _said_by(match: Match, speaker_id: int | None) -> bool:
    # A passage whose speaker is unknown (None) cannot contradict the attribution.
    return speaker_id in match.speaker_ids or None in match.speaker_ids


def _tightest(hits: list[int], stems: list[str], shared: int) -> tuple[int, int]:
    """The shortest run of `hits` that still holds `shared` different stems: the nearest passage."""
    best = (hits[0], hits[-1])
    for i, start in enumerate(hits):
        found: set[str] = set()
        for end in hits[i:]:
            found.add(stems[end])
            if len(found) == shared:
                if end - start < best[1] - best[0]:
                    best = (start, end)
                break
    return best


# --- the verdict -------------------------------------------------------------------------------------------------
def _rank(match: Match, speaker_id: int | None) -> tuple[int, int, int, float]:
    quality = 0 if match.paraphrase else (2 if match.exact else 1)
    return (quality, int(match.primary), int(_said_by(match, speaker_id)), match.score)


def _names(match: Match) -> str:
    return ", ".join(sorted({span.speaker_name or "an unnamed speaker" for span in match.spans}))


def check(
    claim_text: str, speaker_id: int | None, speaker_name: str, documents: Sequence[Document]
) -> Outcome:
    """The verdict on `claim_text` attributed to a speaker, with the evidence in `documents`, best first."""
    claim = _claim(claim_text)
    claim_words = [w for segment in claim.segments for w in segment]
    if len(content_words([w.key for w in claim_words])) < 2 and len(claim_words) < 4:
        return Outcome(
            Verdict.NOT_FOUND,
            0.2,
            "The quote is too short to check reliably (fewer than four words, or two content words).",
            [],
        )
    aligned = [m for doc in documents for m in _alignments(claim, claim_text, doc, speaker_id)]
    word_matches = [m for m in aligned if m.score >= MIN_SCORE_ALTERED]
    if word_matches:
        word_matches.sort(key=lambda m: _rank(m, speaker_id), reverse=True)
        return _verdict_from_words(word_matches, speaker_id, speaker_name)
    near = [m for m in (_paraphrase(claim_words, doc) for doc in documents) if m is not None]
    if near:
        near.sort(
            key=lambda m: (int(_said_by(m, speaker_id)), int(m.primary), m.score),
            reverse=True,
        )
        best = near[0]
        where = "a primary source" if best.primary else "a secondary source (no primary source holds it)"
        who = "" if _said_by(best, speaker_id) else f", said by {_names(best)}"
        return Outcome(
            Verdict.PARAPHRASED,
            round(0.35 + 0.4 * best.score * (1.0 if best.primary else 0.8), 2),
            f"No passage holds these words, but {where} carries the sense{who}: "
            f"{round(best.score * 100)}% of the quote's content words appear together in “{_clip(best.passage)}”. "
            "Presented as a quote, it is a paraphrase.",
            near,
        )
    return Outcome(
        Verdict.NOT_FOUND,
        0.5 if documents else 0.3,
        f"No source in this database holds these words or their sense for {speaker_name} or anyone else. "
        "This is not a finding that the quote was fabricated: the source may simply not be stored here.",
        [],
    )


def _clip(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _verdict_from_words(matches: list[Match], speaker_id: int | None, speaker_name: str) -> Outcome:
    # Primary sources decide when they hold the words; secondary ones only when no primary source does.
    pool = [m for m in matches if m.primary] or matches
    said = [m for m in pool if _said_by(m, speaker_id)]
    if not said:
        other = pool[0]
        matches = _leading(other, matches)
        return Outcome(
            Verdict.MISATTRIBUTED,
            round((0.9 if other.primary else 0.7) * other.score, 2),
            f"These words are in “{other.document.title}”, said by {_names(other)}, not by {speaker_name}."
            + ("" if other.primary else " (Only secondary sources hold them.)"),
            matches,
        )
    best = said[0]
    matches = _leading(best, matches)
    weight = 1.0 if best.primary else 0.75
    where = f"“{best.document.title}”" + (
        "" if best.primary else " (a secondary source: no primary source in this database holds the words)"
    )
    risks = [d for d in best.differences if d.kind is DifferenceKind.CONTEXT_RISK]
    risk_note = f" Context risk: {'; '.join(d.note for d in risks)}." if risks else ""
    edits = [d for d in best.differences if d.kind in _WORD_EDITS]
    unmarked = [d for d in best.differences if d.note == UNMARKED_NAME]
    if (unmarked and not edits) or (edits and not _close(edits)):
        # Not the words as said, with a word changed: the sense, rewritten (names for pronouns, words moved).
        listed = "; ".join(_describe(d) for d in [*unmarked, *edits])
        return Outcome(
            Verdict.PARAPHRASED,
            round((0.45 + 0.4 * best.score) * weight, 2),
            f"The sense of {where}, rewritten: {listed}. Presented as a quote, it is a paraphrase.{risk_note}",
            matches,
        )
    if best.exact and not best.elided:
        return Outcome(
            Verdict.VERBATIM,
            round(0.97 * weight, 2),
            f"Word for word as said in {where}.{risk_note}",
            matches,
        )
    if best.exact:
        cuts = sum(1 for d in best.differences if d.kind is DifferenceKind.ELISION)
        return Outcome(
            Verdict.VERBATIM_WITH_ELISIONS,
            round((0.85 if risks else 0.93) * weight, 2),
            f"Every kept word is as said in {where}; {cuts} marked cut(s).{risk_note}",
            matches,
        )
    listed = "; ".join(_describe(d) for d in [*edits, *unmarked])
    return Outcome(
        Verdict.ALTERED,
        round(min(0.95, 0.5 + 0.45 * best.score) * weight, 2),
        f"Close to {where}, but the words differ: {listed}.{risk_note}",
        matches,
    )


def _close(edits: list[Difference]) -> bool:
    """A close wording with a changed word: few edits, each of a word or two (else the quote is rewritten)."""
    return len(edits) <= MAX_EDITS and all(
        len(words(d.claimed)) <= MAX_EDIT_WORDS and len(words(d.original)) <= MAX_EDIT_WORDS for d in edits
    )


def _printed_bracket(text: str, said: list[Word], bracket: str) -> bool:
    """The source itself prints `bracket` where these words stand ("[crosstalk]" in a transcript)."""
    if not said:
        return False
    printed = text[max(0, said[0].start - 1) : said[-1].end + 1]
    return " ".join(printed.casefold().split()) == " ".join(bracket.casefold().split())


def _leading(decisive: Match, matches: list[Match]) -> list[Match]:
    """The matches with the one the verdict rests on first: the evidence shown first is the evidence used."""
    return [decisive, *(m for m in matches if m is not decisive)]


def _describe(difference: Difference) -> str:
    if difference.kind is DifferenceKind.SUBSTITUTION:
        return f"“{difference.claimed}” instead of “{difference.original}”"
    if difference.kind is DifferenceKind.INSERTION:
        return f"“{difference.claimed}” added"
    if difference.kind is DifferenceKind.EDITORIAL:
        return f"“{difference.claimed}” for “{difference.original}” (a name for a pronoun, unmarked)"
    return f"“{difference.original}” dropped without a marker"

"""The quote check against the database: find candidate passages through the index, then let
`quotecheck.matching` decide. Shared by `quotecheck check` and the GraphQL `checkQuote` query.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from quotecheck import paraphrase
from quotecheck.enums import Verdict
from quotecheck.errors import ValidationError
from quotecheck.matching import Document, Outcome, Span, check, words
from quotecheck.matching import shingles as terms_of
from quotecheck.models import Shingle, Source, Speaker, Turn
from quotecheck.partial_date import PartialDate
from quotecheck.services import _validate as v
from quotecheck.services.index import shingle_hash
from quotecheck.services.paraphrases import candidates
from quotecheck.services.passages import window_documents
from quotecheck.services.speakers import Candidate, get_speaker, resolve_name, unambiguous

__all__ = [
    "MAX_MATCHES",
    "CheckRequest",
    "CheckResult",
    "Prepared",
    "check_quote",
    "decide",
    "needs_speaker_documents",
    "prepare",
    "result_document",
    "with_speaker_documents",
]

MAX_MATCHES = 5
MAX_CANDIDATES = 10  # speakers a name may mean, listed in a result

MAX_QUOTE = 5000  # characters
CANDIDATE_SOURCES = 12
WEAK_SHARE = 0.34  # a candidate source must share at least this part of the best one's index terms
CLUSTER_GAP = 2500  # characters between index hits of one passage
MARGIN = 1500  # characters of context around a cluster, so that cuts and neighbouring turns are seen
NO_ONE = -1  # the claimed speaker's id when no such speaker is recorded


@dataclass(frozen=True, slots=True)
class CheckRequest:
    text: str
    speaker_id: int | None = None
    speaker_name: str | None = None
    said_on: PartialDate | str | None = None
    language: str | None = None


@dataclass(slots=True)
class CheckResult:
    outcome: Outcome
    speaker: Speaker | None  # the claimed speaker, when recorded
    speaker_name: str
    candidates: list[Candidate] = field(default_factory=list)  # whom the name may mean
    ambiguous: bool = False  # the name may mean several of them: the quote was checked against each


def _speaker(session: Session, request: CheckRequest) -> tuple[Speaker | None, str, list[Candidate]]:
    """The claimed speaker as `resolve_name` reads the name: sure (one speaker), or the candidates."""
    if request.speaker_id is not None:
        speaker = get_speaker(session, request.speaker_id)
        return speaker, speaker.name, []
    name = v.required_text(request.speaker_name, "speakerName")
    candidates = resolve_name(session, name, on=request.said_on, language=request.language)
    sure = unambiguous(candidates)
    if sure is not None:
        return sure.speaker, sure.speaker.name, candidates
    return None, name, candidates


def _clusters(hits: list[tuple[int, int]]) -> list[tuple[int, int, int]]:
    """(start, end, distinct terms) of groups of nearby hits, given (position, hash) pairs of one source."""
    hits.sort()
    groups: list[tuple[int, int, set[int]]] = []
    for position, hashed in hits:
        if groups and position - groups[-1][1] <= CLUSTER_GAP:
            start, _, terms = groups[-1]
            terms.add(hashed)
            groups[-1] = (start, position, terms)
        else:
            groups.append((position, position, {hashed}))
    return [(start, end, len(terms)) for start, end, terms in groups]


def _documents(
    session: Session,
    claim: str,
    language: str | None,
) -> list[Document]:
    """Candidate passages for a claim: the sources sharing the most index terms with it, each cut down to
    the windows around its hits (so a long source costs only the text near the words)."""
    found = words(claim)
    terms = {term for _, term in terms_of([w.key for w in found])}
    hashes = list({shingle_hash(term) for term in terms})
    if not hashes:
        return []
    ranked = (
        select(Shingle.source_id, func.count(func.distinct(Shingle.hash)).label("terms"))
        .where(Shingle.hash.in_(hashes))
        .group_by(Shingle.source_id)
        .order_by(func.count(func.distinct(Shingle.hash)).desc(), Shingle.source_id)
        .limit(CANDIDATE_SOURCES)
    )
    counted = session.execute(ranked).all()
    if not counted:
        return []
    # Sources that share only a common pair or two with the quote are noise next to the best one.
    floor = max(1, round(WEAK_SHARE * counted[0].terms))
    source_ids = [row.source_id for row in counted if row.terms >= floor]
    by_source: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for source_id, position, hashed in session.execute(
        select(Shingle.source_id, Shingle.position, Shingle.hash).where(
            Shingle.hash.in_(hashes), Shingle.source_id.in_(source_ids)
        )
    ):
        by_source[source_id].append((position, hashed))
    query = select(Source.id, Source.title, Source.kind).where(
        Source.id.in_(source_ids), Source.text.is_not(None)
    )
    if language:
        query = query.where((Source.language == language) | Source.language.is_(None))
    sources = {row.id: row for row in session.execute(query)}
    windows: list[tuple[int, int, int]] = []  # (source id, start, end)
    reach = MARGIN + len(claim)
    for source_id in source_ids:
        if source_id not in sources:
            continue
        best = sorted(_clusters(by_source[source_id]), key=lambda c: c[2], reverse=True)[:2]
        spots = sorted((max(0, start - reach), end + reach) for start, end, _ in best)
        if len(spots) == 2 and spots[1][0] <= spots[0][1] + reach:  # close enough: one window
            spots = [(spots[0][0], max(spots[0][1], spots[1][1]))]
        windows += [(source_id, lo, hi) for lo, hi in spots]
    return window_documents(session, sources, windows)


SPEAKER_TEXT = 80_000  # characters of a speaker's own (latest) turns read when looking for a paraphrase


def _speaker_documents(
    session: Session, speaker_id: int, skip: set[int], language: str | None = None
) -> list[Document]:
    """The claimed speaker's own turns, newest transcripts first: where a paraphrase of them would be found
    when no indexed pair of words is shared. Reached through the turn.speaker_id index, never a scan, and
    only the turns' own text is read."""
    query = (
        select(Turn.source_id, Turn.id, Turn.char_start, Turn.char_end)
        .join(Source, Source.id == Turn.source_id)
        .where(Turn.speaker_id == speaker_id)
    )
    if skip:
        query = query.where(Turn.source_id.not_in(skip))
    if language:
        query = query.where((Source.language == language) | Source.language.is_(None))
    rows = session.execute(query.order_by(Turn.source_id.desc(), Turn.position).limit(2000)).all()
    name = session.scalar(select(Speaker.name).where(Speaker.id == speaker_id))
    offsets: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    budget = SPEAKER_TEXT
    for source_id, turn_id, start, end in rows:
        if budget <= 0:
            break
        budget -= end - start
        offsets[source_id].append((turn_id, start, end))
    if not offsets:
        return []
    # Whole texts, once per source, cut here: PostgreSQL would decompress a long text once per turn.
    full = dict(session.execute(select(Source.id, Source.text).where(Source.id.in_(offsets))).all())
    pieces = {
        source_id: [(turn_id, start, (full.get(source_id) or "")[start:end]) for turn_id, start, end in turns]
        for source_id, turns in offsets.items()
    }
    titles: dict[int, str] = dict(
        session.execute(select(Source.id, Source.title).where(Source.id.in_(pieces))).all()
    )
    documents = []
    for source_id, turns in pieces.items():
        text, spans, at = "", [], 0
        for turn_id, start, words_said in turns:
            text += ("\n\n" if text else "") + words_said
            at = len(text) - len(words_said)
            spans.append(Span(at, len(text), speaker_id, name, turn_id=turn_id, shift=start - at))
        documents.append(Document(source_id, titles[source_id], text, True, spans))
    return documents


@dataclass(slots=True)
class Prepared:
    """What the database contributes to a check; `decide` does the rest without it."""

    text: str
    speaker: Speaker | None
    speaker_name: str
    documents: list[Document]
    language: str | None = None  # only sources in this language (or of no recorded language)
    candidates: list[Candidate] = field(default_factory=list)
    written: str | None = None  # the speaker's name as the request wrote it
    # The search for a paraphrase (with_speaker_documents): the words' answer before it, names, weights.
    words_result: CheckResult | None = None
    aliases: dict[tuple[str, ...], str] = field(default_factory=dict)
    weights: dict[str, float] = field(default_factory=dict)
    unindexed: bool = False  # the index held none of the quote's lemmas: the speaker's latest turns were read


def prepare(session: Session, request: CheckRequest) -> Prepared:
    """Validate the request, resolve the speaker and fetch the candidate passages (database work only)."""
    text = v.required_text(request.text, "text")
    if len(text) > MAX_QUOTE:
        raise ValidationError(
            f"the quote is {len(text)} characters; check at most {MAX_QUOTE} at a time", field="text"
        )
    v.partial_date(request.said_on, "saidOn")
    language = v.language(request.language)
    speaker, name, candidates = _speaker(session, request)
    written = None if request.speaker_id is not None else " ".join((request.speaker_name or "").split())
    return Prepared(text, speaker, name, _documents(session, text, language), language, candidates, written)


def _outcome(prepared: Prepared, speaker_id: int, speaker_name: str) -> Outcome | None:
    """The answer for one claimed speaker: by the words on the first pass; on the second (once the words found
    nothing, `words_result`), by the sense. None when the sense finds nothing better than the words did."""
    if prepared.words_result is None:
        return check(prepared.text, speaker_id, speaker_name, prepared.documents)
    found = paraphrase.verdict(
        prepared.text,
        speaker_id,
        prepared.documents,
        language=prepared.language,
        aliases=prepared.aliases,
        weights=prepared.weights,
    )
    if found is None and not prepared.unindexed:
        return None
    # The passages found by sense may hold the words themselves, reordered pairs aside ("le port restera
    # ouvert" for "garderons le port ouvert"): the word check on their documents decides first.
    held = [m.document for m in found.matches] if found is not None else prepared.documents
    unique = list({id(doc): doc for doc in held}.values())
    said = check(prepared.text, speaker_id, speaker_name, unique)
    if said.verdict is not Verdict.NOT_FOUND and (said.matches and not said.matches[0].paraphrase):
        return said
    return found


def decide(prepared: Prepared) -> CheckResult:
    """The text work: align, compare, and give the verdict (no database; safe to run in a worker thread).

    Words said by another speaker the name may also mean (a possible duplicate, or one of several people the
    name fits) are that speaker's, not MISATTRIBUTED: how a name is written never makes a misattribution."""
    speaker = prepared.speaker
    outcome = _outcome(prepared, speaker.id if speaker else NO_ONE, prepared.speaker_name)
    if outcome is None:  # the search by sense found nothing better: the words' answer stands, complete
        assert prepared.words_result is not None
        return prepared.words_result
    others = [c for c in prepared.candidates if speaker is None or c.speaker.id != speaker.id]
    if outcome.verdict is Verdict.MISATTRIBUTED and others:
        said = {span.speaker_id for match in outcome.matches for span in match.spans}
        for other in others:
            if other.speaker.id not in said:
                continue
            retry = _outcome(prepared, other.speaker.id, other.speaker.name)
            if retry is not None and retry.verdict not in (Verdict.MISATTRIBUTED, Verdict.NOT_FOUND):
                outcome, speaker = retry, other.speaker
                outcome.explanation += (
                    f" ({prepared.written or prepared.speaker_name!r} was read as {other.speaker.name}: "
                    f"{other.reason}.)"
                )
                break
    if prepared.speaker is None and len(prepared.candidates) > 1:
        listed = "; ".join(f"{c.speaker.name} ({c.reason})" for c in prepared.candidates[:MAX_CANDIDATES])
        outcome.explanation += (
            f" The name {prepared.speaker_name!r} may mean {len(prepared.candidates)} recorded speakers; "
            f"checked against each: {listed}. Give speakerId to check one."
        )
    elif speaker is None:
        outcome.explanation += f" (No speaker called {prepared.speaker_name!r} is recorded here.)"
    return CheckResult(
        outcome,
        speaker,
        prepared.speaker_name if speaker is None else speaker.name,
        prepared.candidates,
        ambiguous=prepared.speaker is None and len(prepared.candidates) > 1,
    )


def needs_speaker_documents(prepared: Prepared, result: CheckResult) -> bool:
    """No passage holds the quote's words: look for its sense (a paraphrase) through the lemma index."""
    outcome = result.outcome
    if prepared.words_result is not None:
        return False
    prepared.words_result = result  # kept for with_speaker_documents (nothing better found: this stands)
    return outcome.verdict is Verdict.NOT_FOUND or (
        outcome.verdict is Verdict.PARAPHRASED and all(m.paraphrase for m in outcome.matches)
    )


def with_speaker_documents(session: Session, prepared: Prepared) -> Prepared:
    """Widen the search for a paraphrase: the passages sharing the most of the quote's lemmas, amounts and
    names through the index (see quotecheck.services.paraphrases), the claimed speaker's own first."""
    speaker_id = prepared.speaker.id if prepared.speaker is not None else None
    found = candidates(session, prepared.text, speaker_id, prepared.language)
    if found.unindexed and prepared.speaker is not None:
        # The index holds none of the quote's lemmas (built before they were indexed, or emptied): the
        # claimed speaker's own latest turns are all that can be read without it.
        seen = {doc.source_id for doc in prepared.documents}
        found.documents = _speaker_documents(session, prepared.speaker.id, seen, prepared.language)
    words_result = prepared.words_result or decide(prepared)
    return Prepared(
        prepared.text,
        prepared.speaker,
        prepared.speaker_name,
        found.documents,
        prepared.language,
        prepared.candidates,
        prepared.written,
        words_result,
        found.aliases,
        found.weights,
        found.unindexed,
    )


def check_quote(session: Session, request: CheckRequest) -> CheckResult:
    """Check a quote as published against the stored sources: a verdict, a confidence, the evidence."""
    prepared = prepare(session, request)
    result = decide(prepared)
    if needs_speaker_documents(prepared, result):
        result = decide(with_speaker_documents(session, prepared))
    return result


def result_document(result: CheckResult) -> dict[str, Any]:
    """The check as a plain, stable JSON document (`quotecheck check --json`); field names as in GraphQL."""
    outcome = result.outcome
    document = {
        "verdict": outcome.verdict.value,
        "confidence": outcome.confidence,
        "explanation": outcome.explanation,
        "speaker": result.speaker_name,
        "matches": [
            {
                "source": {"title": m.document.title, "primary": m.primary},
                "turn": m.spans[0].turn_id,
                "speaker": m.spans[0].speaker_name,
                "passage": m.passage,
                "start": m.source_start,
                "end": m.source_end,
                "score": round(m.score, 3),
                "primary": m.primary,
                "differences": [
                    {"kind": d.kind.value, "claimed": d.claimed, "original": d.original, "note": d.note}
                    for d in m.differences
                ],
            }
            for m in outcome.matches[:MAX_MATCHES]
        ],
    }
    if result.ambiguous:  # the name may mean several people: say whom it was checked against
        document["speakerCandidates"] = [
            {"speaker": c.speaker.name, "score": c.score, "reason": c.reason}
            for c in result.candidates[:MAX_CANDIDATES]
        ]
    return document

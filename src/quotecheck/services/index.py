"""The quote check's search index: kept current when sources, turns and quoted appearances are written.

What is indexed is what records someone's words: a transcript's turns (or its whole text, when it has no
turns), and in any other source the spans of its VERBATIM, EXCERPT and TRANSLATION appearances whose origin
the database links (`takenFrom` an appearance or a source, even one whose text is not held). A headline or a
paraphrase is not anyone's words, and a quote whose origin is only asserted ("on Harbour Radio this morning",
unlinked) is a claim, not evidence: checking a post against itself would prove nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

from sqlalchemy import ColumnElement, delete, func, insert, or_, select
from sqlalchemy.orm import Session

from quotecheck.enums import AppearanceRelation
from quotecheck.matching import shingles, words
from quotecheck.models import Appearance, Shingle, Source, Turn
from quotecheck.paraphrase import index_terms
from quotecheck.services import audit

__all__ = [
    "QUOTED",
    "evidence_conditions",
    "index_size",
    "index_source",
    "indexed_spans",
    "rebuild_index",
    "shingle_hash",
    "term_hashes",
]

QUOTED = (AppearanceRelation.VERBATIM, AppearanceRelation.EXCERPT, AppearanceRelation.TRANSLATION)
_BATCH = 5000


def shingle_hash(term: str) -> int:
    """A signed 64-bit hash of an index term (fits BIGINT on both engines)."""
    return int.from_bytes(hashlib.blake2b(term.encode("utf-8"), digest_size=8).digest(), "big", signed=True)


def term_hashes(text: str, offset: int = 0, language: str | None = None) -> list[tuple[int, int]]:
    """(hash, character position) of every index term of a text: each pair of content words (the exact
    check's terms), and each content word's lemma or amount (a paraphrase's, see quotecheck.paraphrase)."""
    found = words(text, offset)
    pairs = [(shingle_hash(term), found[i].start) for i, term in shingles([w.key for w in found])]
    return pairs + [(shingle_hash(term), position) for term, position in index_terms(text, language, offset)]


def indexed_spans(session: Session, source: Source) -> list[tuple[int, int]]:
    """The character spans of a source that record someone's words."""
    if source.text is None:
        return []
    if source.is_primary:
        turns = session.execute(
            select(Turn.char_start, Turn.char_end).where(Turn.source_id == source.id).order_by(Turn.position)
        ).all()
        return [(start, end) for start, end in turns] or [(0, len(source.text))]
    quoted = session.execute(
        select(Appearance.char_start, Appearance.char_end).where(
            Appearance.source_id == source.id, *evidence_conditions()
        )
    ).all()
    return [(start, end) for start, end in quoted if start is not None and end is not None]


def evidence_conditions() -> list[ColumnElement[bool]]:
    """The appearances that count as evidence of words said (see the module's docstring)."""
    return [
        Appearance.relation.in_(QUOTED),
        Appearance.char_start.is_not(None),
        or_(Appearance.taken_from_appearance_id.is_not(None), Appearance.taken_from_source_id.is_not(None)),
    ]


def _rows(source: Source, spans: Iterable[tuple[int, int]]) -> list[dict[str, int]]:
    assert source.text is not None
    seen: set[tuple[int, int]] = set()
    rows = []
    for start, end in spans:
        for hashed, position in term_hashes(source.text[start:end], start, source.language):
            if (hashed, position) not in seen:
                seen.add((hashed, position))
                rows.append({"hash": hashed, "source_id": source.id, "position": position})
    return rows


def index_source(session: Session, source: Source) -> int:
    """(Re)index one source; returns how many terms it now has."""
    session.flush()
    session.execute(delete(Shingle).where(Shingle.source_id == source.id))
    rows = _rows(source, indexed_spans(session, source))
    for start in range(0, len(rows), _BATCH):
        session.execute(insert(Shingle), rows[start : start + _BATCH])
    return len(rows)


def rebuild_index(session: Session, *, source_ids: Sequence[int] | None = None) -> tuple[int, int]:
    """Rebuild the index of every source (or of those given); returns (sources, terms)."""
    query = select(Source).where(Source.text.is_not(None)).order_by(Source.id)
    if source_ids is not None:
        query = query.where(Source.id.in_(source_ids))
    else:
        session.execute(delete(Shingle))
    sources = terms = 0
    for source in session.scalars(query):
        terms += index_source(session, source)
        sources += 1
    detail = {"sources": sources, "terms": terms, "whole": source_ids is None}
    audit.record(session, "rebuildIndex", detail=detail)
    return sources, terms


def index_size(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Shingle)) or 0)

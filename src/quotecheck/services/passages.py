"""Passages of stored sources cut to windows around the index's hits, with the turns (or quoted appearances)
that own their words: what both the check by the words (services.checks) and by the sense
(services.paraphrases) read, so only the characters near the hits leave the database."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import and_, func, literal, or_, select, union_all
from sqlalchemy.orm import Session

from quotecheck.matching import Document, Span
from quotecheck.models import Appearance, Quote, Source, Speaker, Turn
from quotecheck.services.index import evidence_conditions

__all__ = ["window_documents"]

Window = tuple[int, int, int]  # (source id, start, end) in the source's text


def window_documents(session: Session, sources: dict[int, Any], windows: list[Window]) -> list[Document]:
    """One document per window that holds someone's words; every window's text in one statement."""
    spans = _spans(session, sources, windows)
    wanted = [(sid, lo, hi) for sid, lo, hi in windows if spans.get((sid, lo))]
    if not wanted:
        return []
    cuts = union_all(
        *(
            select(literal(n).label("n"), func.substr(Source.text, lo + 1, hi - lo).label("cut")).where(
                Source.id == sid
            )
            for n, (sid, lo, hi) in enumerate(wanted)
        )
    )
    texts = {n: cut or "" for n, cut in session.execute(select(cuts.subquery()))}
    return [
        Document(sid, sources[sid].title, texts.get(n, ""), sources[sid].kind.is_primary, spans[(sid, lo)])
        for n, (sid, lo, _hi) in enumerate(wanted)
    ]


def _spans(
    session: Session, sources: dict[int, Any], windows: list[Window]
) -> dict[tuple[int, int], list[Span]]:
    """Per window, the turns (or quoted appearances) overlapping it, clipped to it, in window coordinates."""
    result: dict[tuple[int, int], list[Span]] = defaultdict(list)

    def overlapping(source: Any, start: Any, end: Any) -> Any:
        return or_(*(and_(source == sid, end > lo, start < hi) for sid, lo, hi in windows))

    def place(source_id: int, start: int, end: int, **fields: Any) -> None:
        for sid, lo, hi in windows:
            if sid == source_id and end > lo and start < hi:
                result[(sid, lo)].append(Span(max(start, lo) - lo, min(end, hi) - lo, shift=lo, **fields))

    primary = [w for w in windows if sources[w[0]].kind.is_primary]
    secondary = [w for w in windows if not sources[w[0]].kind.is_primary]
    if primary:
        turns = session.execute(
            select(Turn.source_id, Turn.id, Turn.char_start, Turn.char_end, Turn.speaker_id, Speaker.name)
            .join(Speaker, Speaker.id == Turn.speaker_id)
            .where(overlapping(Turn.source_id, Turn.char_start, Turn.char_end))
            .order_by(Turn.source_id, Turn.position)
        ).all()
        with_turns = set()
        for row in turns:
            with_turns.add(row.source_id)
            place(
                row.source_id,
                row.char_start,
                row.char_end,
                speaker_id=row.speaker_id,
                speaker_name=row.name,
                turn_id=row.id,
            )
        for sid, lo, hi in primary:
            if sid not in with_turns and not session.scalar(
                select(func.count()).select_from(Turn).where(Turn.source_id == sid)
            ):
                result[(sid, lo)].append(Span(0, hi - lo, None, None, shift=lo))  # a transcript without turns
    if secondary:
        quoted = session.execute(
            select(
                Appearance.source_id,
                Appearance.id,
                Appearance.char_start,
                Appearance.char_end,
                Quote.speaker_id,
                Speaker.name,
            )
            .join(Quote, Quote.id == Appearance.quote_id)
            .join(Speaker, Speaker.id == Quote.speaker_id)
            .where(
                overlapping(Appearance.source_id, Appearance.char_start, Appearance.char_end),
                *evidence_conditions(),
            )
            .order_by(Appearance.source_id, Appearance.char_start)
        ).all()
        for cited in quoted:
            if cited.char_start is not None and cited.char_end is not None:
                place(
                    cited.source_id,
                    cited.char_start,
                    cited.char_end,
                    speaker_id=cited.speaker_id,
                    speaker_name=cited.name,
                    appearance_id=cited.id,
                )
    for key in result:
        result[key].sort(key=lambda span: span.start)
    return result

"""Sources: documents with their full text, and transcripts stored once with their turns as offsets."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session, selectinload

from quotecheck.enums import SourceKind
from quotecheck.errors import Conflict, NotFound, ValidationError
from quotecheck.models import Interview, Outlet, Source, Speaker, Turn
from quotecheck.partial_date import PartialDate
from quotecheck.services import _validate as v
from quotecheck.services._paging import page
from quotecheck.services._sql import date_within
from quotecheck.services.index import index_source

__all__ = [
    "SourceFilter",
    "TurnInput",
    "content_hash",
    "create_source",
    "create_transcript",
    "find_source",
    "get_source",
    "list_sources",
    "source_conditions",
    "transcript_text",
]


@dataclass(frozen=True, slots=True)
class SourceFilter:
    kind: SourceKind | None = None
    outlet_id: int | None = None
    interview_id: int | None = None
    language: str | None = None
    published_from: PartialDate | None = None
    published_to: PartialDate | None = None


def source_conditions(f: SourceFilter) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if f.kind is not None:
        where.append(Source.kind == f.kind)
    if f.outlet_id is not None:
        where.append(Source.outlet_id == f.outlet_id)
    if f.interview_id is not None:
        where.append(Source.interview_id == f.interview_id)
    if f.language is not None:
        where.append(Source.language == v.language(f.language))
    if f.published_from is not None or f.published_to is not None:
        v.date_order(f.published_from, f.published_to, "from")
        where.append(date_within(Source.published_on, f.published_from, f.published_to))
    return where


@dataclass(frozen=True, slots=True)
class TurnInput:
    speaker: Speaker
    text: str
    label: str | None = None  # the name as printed; defaults to the speaker's name


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def find_source(session: Session, *, url: str | None, text: str | None) -> Source | None:
    """The stored source with this URL and this exact text (or, with no text, this URL and no text).

    A source with neither URL nor text cannot be recognised again, so it never counts as a duplicate.
    """
    if url is None and text is None:
        return None
    digest = content_hash(text) if text is not None else None
    query = select(Source).where(
        Source.url.is_(None) if url is None else Source.url == url,
        Source.content_hash.is_(None) if digest is None else Source.content_hash == digest,
    )
    return session.scalars(query.order_by(Source.id)).first()


def create_source(
    session: Session,
    *,
    kind: SourceKind | str,
    title: str,
    url: str | None = None,
    outlet: Outlet | None = None,
    interview: Interview | None = None,
    published_on: PartialDate | str | None = None,
    language: str | None = None,
    text: str | None = None,
    retrieved_at: dt.datetime | None = None,
    note: str | None = None,
) -> Source:
    address = v.url(url)
    if text is not None and not text.strip():
        raise ValidationError(
            "text is blank; give the source's text, or none if it is not held", field="text"
        )
    if find_source(session, url=address, text=text) is not None:
        raise Conflict(
            f"a source with URL {address} and the same text is stored already; re-use it", field="url"
        )
    source = Source(
        kind=v.enum_value(SourceKind, kind, "kind"),
        title=v.required_text(title, "title"),
        url=address,
        outlet=outlet,
        interview=interview,
        published_on=v.partial_date(published_on, "publishedOn"),
        language=v.language(language),
        text=text,
        content_hash=content_hash(text) if text is not None else None,
        retrieved_at=retrieved_at,
        note=v.optional_text(note),
    )
    session.add(source)
    session.flush()
    return source


def transcript_text(turns: Sequence[TurnInput]) -> tuple[str, list[tuple[int, int]]]:
    """Lay turns out as "LABEL: words" paragraphs; return the text and each turn's span of words in it."""
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    offset = 0
    for index, turn in enumerate(turns):
        words = turn.text.strip()
        if not words:
            raise ValidationError(f"turn {index + 1} has no words; drop it or give its text", field="turns")
        prefix = f"{(turn.label or turn.speaker.name).strip()}: "
        if parts:
            parts.append("\n\n")
            offset += 2
        parts.append(prefix + words)
        spans.append((offset + len(prefix), offset + len(prefix) + len(words)))
        offset += len(prefix) + len(words)
    return "".join(parts), spans


def create_transcript(
    session: Session,
    *,
    title: str,
    turns: Sequence[TurnInput],
    interview: Interview | None = None,
    outlet: Outlet | None = None,
    url: str | None = None,
    published_on: PartialDate | str | None = None,
    language: str | None = None,
    retrieved_at: dt.datetime | None = None,
    note: str | None = None,
) -> Source:
    """A TRANSCRIPT source whose text is stored once, each turn an offset span into it."""
    if not turns:
        raise ValidationError("a transcript needs at least one turn", field="turns")
    text, spans = transcript_text(turns)
    source = create_source(
        session,
        kind=SourceKind.TRANSCRIPT,
        title=title,
        url=url,
        outlet=outlet,
        interview=interview,
        published_on=published_on,
        language=language,
        text=text,
        retrieved_at=retrieved_at,
        note=note,
    )
    for position, (turn, (start, end)) in enumerate(zip(turns, spans, strict=True)):
        source.turns.append(
            Turn(
                position=position,
                speaker=turn.speaker,
                label=(turn.label or turn.speaker.name).strip(),
                char_start=start,
                char_end=end,
            )
        )
    session.flush()
    index_source(session, source)
    return source


def get_source(session: Session, source_id: int) -> Source:
    source = session.get(Source, source_id)
    if source is None:
        raise NotFound(f"no source has id {source_id}")
    return source


def list_sources(session: Session, *, limit: int = 100, after_id: int | None = None) -> list[Source]:
    return page(session, Source, limit=limit, after_id=after_id, options=(selectinload(Source.outlet),))

"""Quotes: statements attributed to a speaker, with their topics."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from quotecheck.errors import NotFound
from quotecheck.models import Interview, Quote, Speaker
from quotecheck.partial_date import PartialDate
from quotecheck.services import _validate as v
from quotecheck.services._paging import page
from quotecheck.services.topics import ensure_topic

__all__ = ["create_quote", "find_quote", "get_quote", "list_quotes"]


def create_quote(
    session: Session,
    *,
    speaker: Speaker,
    text: str,
    language: str | None = None,
    said_on: PartialDate | str | None = None,
    interview: Interview | None = None,
    topics: Sequence[str] = (),
    note: str | None = None,
) -> Quote:
    quote = Quote(
        speaker=speaker,
        text=v.required_text(text, "text"),
        language=v.language(language),
        said_on=v.partial_date(said_on, "saidOn"),
        interview=interview,
        note=v.optional_text(note),
    )
    session.add(quote)
    for name in topics:
        topic = ensure_topic(session, name)
        if topic not in quote.topics:
            quote.topics.append(topic)
    session.flush()
    return quote


def find_quote(session: Session, *, speaker: Speaker, text: str) -> Quote | None:
    """The quote attributing exactly this text to this speaker, if stored."""
    query = select(Quote).where(Quote.speaker_id == speaker.id, Quote.text == text.strip()).order_by(Quote.id)
    return session.scalars(query).first()


def get_quote(session: Session, quote_id: int) -> Quote:
    quote = session.get(
        Quote, quote_id, options=[selectinload(Quote.topics), selectinload(Quote.appearances)]
    )
    if quote is None:
        raise NotFound(f"no quote has id {quote_id}")
    return quote


def list_quotes(session: Session, *, limit: int = 100, after_id: int | None = None) -> list[Quote]:
    return page(session, Quote, limit=limit, after_id=after_id, options=(selectinload(Quote.topics),))

"""Appearances: where a quote was printed, and the chain back to where it came from."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import Integer, func, select, type_coerce
from sqlalchemy.orm import Session, selectinload

from quotecheck.enums import AppearanceRelation
from quotecheck.errors import NotFound, ValidationError
from quotecheck.models import Appearance, Quote, Source
from quotecheck.services import _validate as v
from quotecheck.services._paging import page
from quotecheck.services.index import QUOTED, index_source

__all__ = [
    "Provenance",
    "appearance_hash",
    "create_appearance",
    "first_appearance",
    "get_appearance",
    "list_appearances",
    "provenance",
]


def _span(source: Source, text: str, start: int | None, end: int | None) -> tuple[int | None, int | None]:
    """Where `text` sits in the source: checked when given, found when not, none when the text is not held."""
    if source.text is None:
        if start is not None or end is not None:
            raise ValidationError(
                f"source {source.id} holds no text, so offsets cannot be checked; leave them out",
                field="charStart",
            )
        return None, None
    if start is None and end is None:
        found = source.text.find(text)
        if found < 0:
            raise ValidationError(
                f"the text is not in source {source.id} as given; copy it exactly as published "
                "(typography included) or give its offsets",
                field="text",
            )
        return found, found + len(text)
    if start is None or end is None or not 0 <= start <= end <= len(source.text):
        raise ValidationError(
            f"offsets {start}..{end} are outside source {source.id} (0..{len(source.text)})",
            field="charStart",
        )
    if source.text[start:end] != text:
        raise ValidationError(
            f"source {source.id} has {source.text[start:end][:60]!r} at {start}..{end}, not the given text",
            field="text",
        )
    return start, end


def appearance_hash(quote_id: int, source_id: int, char_start: int | None, text: str) -> str:
    """Identifies an appearance: which quote, in which source, where, in what words. Frozen in migration 0003."""
    parts = ("appearance", quote_id, source_id, char_start, " ".join(text.split()))
    return hashlib.sha256("\x1f".join("" if p is None else str(p) for p in parts).encode("utf-8")).hexdigest()


def create_appearance(
    session: Session,
    *,
    quote: Quote,
    source: Source,
    text: str,
    relation: AppearanceRelation | str,
    attribution: str | None = None,
    char_start: int | None = None,
    char_end: int | None = None,
    taken_from_appearance: Appearance | None = None,
    taken_from_source: Source | None = None,
    cited_as: str | None = None,
    note: str | None = None,
) -> Appearance:
    if not text.strip():
        raise ValidationError("text is empty; give the words exactly as published", field="text")
    if taken_from_appearance is not None and taken_from_source is not None:
        raise ValidationError(
            "give what the appearance was taken from as an appearance or a source, not both",
            field="takenFrom",
        )
    if taken_from_source is source:
        # (an appearance taken from another appearance in the same source is fine: a headline and its article)
        raise ValidationError("an appearance cannot be taken from its own source", field="takenFrom")
    start, end = _span(source, text, char_start, char_end)
    session.flush()  # ids name the appearance
    appearance = Appearance(
        content_hash=appearance_hash(quote.id, source.id, start, text),
        quote=quote,
        source=source,
        text=text,
        char_start=start,
        char_end=end,
        attribution=v.optional_text(attribution),
        relation=v.enum_value(AppearanceRelation, relation, "relation"),
        taken_from_appearance=taken_from_appearance,
        taken_from_source=taken_from_source,
        cited_as=v.optional_text(cited_as),
        note=v.optional_text(note),
    )
    session.add(appearance)
    session.flush()
    if appearance.relation in QUOTED and start is not None:
        index_source(session, source)
    return appearance


def get_appearance(session: Session, appearance_id: int) -> Appearance:
    appearance = session.get(Appearance, appearance_id)
    if appearance is None:
        raise NotFound(f"no appearance has id {appearance_id}")
    return appearance


def list_appearances(session: Session, *, limit: int = 100, after_id: int | None = None) -> list[Appearance]:
    return page(
        session, Appearance, limit=limit, after_id=after_id, options=(selectinload(Appearance.source),)
    )


@dataclass(frozen=True, slots=True)
class Provenance:
    """From an appearance back to its origin: the appearances it was copied through, then the source."""

    chain: list[Appearance]  # starts with the appearance asked about
    origin: Source  # where the chain ends: a source named as origin, else the last appearance's own source

    @property
    def reaches_primary(self) -> bool:
        return self.origin.is_primary


def provenance(session: Session, appearance: Appearance) -> Provenance:
    chain = [appearance]
    seen = {appearance.id}
    current = appearance
    while current.taken_from_appearance is not None:
        current = current.taken_from_appearance
        if current.id in seen:  # a loop written by hand in SQL; stop rather than spin
            break
        seen.add(current.id)
        chain.append(current)
    # The chain ends in a source it names, or else in the source of its last appearance.
    return Provenance(chain=chain, origin=current.taken_from_source or current.source)


def first_appearance(session: Session, quote: Quote) -> Appearance | None:
    """The earliest-published appearance of a quote (undated ones last, then by id)."""
    published = type_coerce(Source.published_on, Integer)
    query = (
        select(Appearance)
        .join(Appearance.source)
        .where(Appearance.quote_id == quote.id)
        .order_by(func.coalesce(published, 99999999), Appearance.id)
        .limit(1)
    )
    return session.scalar(query)

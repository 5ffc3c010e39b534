"""Appearances: where a quote was printed, and the chain back to where it came from."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, func, select, type_coerce
from sqlalchemy.orm import Session, selectinload

from quotecheck.enums import AppearanceRelation
from quotecheck.errors import Conflict, NotFound, ValidationError
from quotecheck.global_ids import encode_id
from quotecheck.models import Appearance, Evidence, Quote, Source
from quotecheck.services import _validate as v
from quotecheck.services import audit
from quotecheck.services._paging import page
from quotecheck.services.index import QUOTED, index_source
from quotecheck.services.sources import referenced

__all__ = [
    "APPEARANCE_FIELDS",
    "Provenance",
    "add_appearance",
    "appearance_hash",
    "counts_as_evidence",
    "create_appearance",
    "delete_appearance",
    "first_appearance",
    "get_appearance",
    "list_appearances",
    "provenance",
    "reindex",
    "update_appearance",
]


@dataclass(frozen=True, slots=True)
class _Names:
    """The input field each check blames: the building block's own names, or the API's (see `add_appearance`)."""

    text: str
    start: str
    origin: str


_BLOCK = _Names(text="text", start="charStart", origin="takenFrom")
_API = _Names(text="text_as_published", start="start", origin="taken_from_source_id")


def _span(
    source: Source, text: str, start: int | None, end: int | None, names: _Names = _BLOCK
) -> tuple[int | None, int | None]:
    """Where `text` sits in the source: checked when given, found when not, none when the text is not held."""
    if source.text is None:
        if start is not None or end is not None:
            raise ValidationError(
                f"source {source.id} holds no text, so offsets cannot be checked; leave them out",
                field=names.start,
            )
        return None, None
    if start is None and end is None:
        found = source.text.find(text)
        if found < 0:
            raise ValidationError(
                f"the text is not in source {source.id} as given; copy it exactly as published "
                "(typography included) or give its offsets",
                field=names.text,
            )
        return found, found + len(text)
    if start is None or end is None or not 0 <= start <= end <= len(source.text):
        raise ValidationError(
            f"offsets {start}..{end} are outside source {source.id} (0..{len(source.text)})",
            field=names.start,
        )
    if source.text[start:end] != text:
        raise ValidationError(
            f"source {source.id} has {source.text[start:end][:60]!r} at {start}..{end}, not the given text",
            field=names.text,
        )
    return start, end


def _origin(
    source: Source, taken_from_appearance: Appearance | None, taken_from_source: Source | None, names: _Names
) -> None:
    if taken_from_appearance is not None and taken_from_source is not None:
        raise ValidationError(
            "give what the appearance was taken from as an appearance or a source, not both",
            field=names.origin,
        )
    if taken_from_source is source:
        # (an appearance taken from another appearance in the same source is fine: a headline and its article)
        raise ValidationError("an appearance cannot be taken from its own source", field=names.origin)


def _unique(session: Session, digest: str, names: _Names, *, exclude: int | None = None) -> None:
    same = session.scalar(select(Appearance.id).where(Appearance.content_hash == digest))
    if same is not None and same != exclude:
        raise Conflict(
            f"appearance {encode_id('Appearance', same)} already records this quote in these words at this "
            "place of that source; change that one instead",
            field=names.text,
        )


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
    return _create(
        session,
        quote=quote,
        source=source,
        text=text,
        relation=relation,
        attribution=attribution,
        char_start=char_start,
        char_end=char_end,
        taken_from_appearance=taken_from_appearance,
        taken_from_source=taken_from_source,
        cited_as=cited_as,
        note=note,
        names=_BLOCK,
    )


def add_appearance(
    session: Session,
    *,
    quote_id: int,
    source_id: int,
    text_as_published: str,
    relation: AppearanceRelation | str,
    start: int | None = None,
    end: int | None = None,
    attribution_as_written: str | None = None,
    taken_from_appearance_id: int | None = None,
    taken_from_source_id: int | None = None,
    cited_as: str | None = None,
    note: str | None = None,
) -> Appearance:
    """`create_appearance` as the API asks for it: rows named by id, problems named by the API's fields."""
    quote = referenced(session, Quote, quote_id, "quote_id")
    source = referenced(session, Source, source_id, "source_id")
    assert quote is not None and source is not None
    return _create(
        session,
        quote=quote,
        source=source,
        text=text_as_published,
        relation=relation,
        attribution=attribution_as_written,
        char_start=start,
        char_end=end,
        taken_from_appearance=referenced(
            session, Appearance, taken_from_appearance_id, "taken_from_appearance_id"
        ),
        taken_from_source=referenced(session, Source, taken_from_source_id, "taken_from_source_id"),
        cited_as=cited_as,
        note=note,
        names=_API,
    )


def _create(
    session: Session,
    *,
    quote: Quote,
    source: Source,
    text: str,
    relation: AppearanceRelation | str,
    attribution: str | None,
    char_start: int | None,
    char_end: int | None,
    taken_from_appearance: Appearance | None,
    taken_from_source: Source | None,
    cited_as: str | None,
    note: str | None,
    names: _Names,
) -> Appearance:
    if not text.strip():
        raise ValidationError("text is empty; give the words exactly as published", field=names.text)
    _origin(source, taken_from_appearance, taken_from_source, names)
    start, end = _span(source, text, char_start, char_end, names)
    session.flush()  # ids name the appearance
    digest = appearance_hash(quote.id, source.id, start, text)
    _unique(session, digest, names)
    appearance = Appearance(
        content_hash=digest,
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


def counts_as_evidence(appearance: Appearance) -> bool:
    """Whether the search index holds this appearance's span (`evidence_conditions`, for a loaded row)."""
    return (
        appearance.relation in QUOTED
        and appearance.char_start is not None
        and (appearance.taken_from_appearance_id is not None or appearance.taken_from_source_id is not None)
    )


def reindex(session: Session, sources: Iterable[Source]) -> None:
    """Index again the reporting sources whose indexed appearances changed (a transcript's index does not
    depend on its appearances)."""
    done: set[int] = set()
    for source in sources:
        if source.id not in done and not source.is_primary and source.text is not None:
            done.add(source.id)
            index_source(session, source)


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


# The fields an update may change (the API's update input, in snake case): one list for both layers.
APPEARANCE_FIELDS = (
    "quote_id",
    "source_id",
    "text_as_published",
    "start",
    "end",
    "attribution_as_written",
    "relation",
    "taken_from_appearance_id",
    "taken_from_source_id",
    "cited_as",
    "note",
)


def _no_cycle(appearance: Appearance, origin: Appearance | None) -> None:
    """Following `taken_from_appearance` from the new origin must never lead back to the appearance."""
    if origin is None:
        return
    seen: set[int] = set()
    current: Appearance | None = origin
    while current is not None and current.id not in seen:
        if current.id == appearance.id:
            raise ValidationError(
                "an appearance cannot be copied from itself: following takenFromAppearance from "
                f"{encode_id('Appearance', origin.id)} leads back to this appearance; "
                "name the appearance it was really copied from",
                field="taken_from_appearance_id",
            )
        seen.add(current.id)
        current = current.taken_from_appearance


def update_appearance(
    session: Session, appearance_id: int, *, version: int, changes: Mapping[str, Any]
) -> Appearance:
    """Change the given fields (absent keys stay as they are). A new source or text is placed again: at the
    `start`/`end` given, else where the text is found."""
    v.unknown_fields(changes, APPEARANCE_FIELDS, "an appearance")
    appearance = get_appearance(session, appearance_id)
    v.expect_version(appearance, version, f"appearance {appearance.text[:40]!r}")
    before = audit.snapshot(appearance)
    was_indexed = counts_as_evidence(appearance)
    old_source = appearance.source
    with session.no_autoflush:  # one UPDATE at the end: the version moves by one
        if "quote_id" in changes:
            quote = referenced(session, Quote, changes["quote_id"], "quote_id")
            if quote is None:
                raise ValidationError("quote_id is empty; every appearance is of a quote", field="quote_id")
            appearance.quote = quote
        source = appearance.source
        if "source_id" in changes:
            found = referenced(session, Source, changes["source_id"], "source_id")
            if found is None:
                raise ValidationError(
                    "source_id is empty; every appearance is in a source", field="source_id"
                )
            source = found
        text = appearance.text
        if "text_as_published" in changes:
            text = changes["text_as_published"] or ""
            if not text.strip():
                raise ValidationError(
                    "text is empty; give the words exactly as published", field="text_as_published"
                )
        if "relation" in changes:
            appearance.relation = v.enum_value(AppearanceRelation, changes["relation"], "relation")
        if "attribution_as_written" in changes:
            appearance.attribution = v.optional_text(changes["attribution_as_written"])
        if "cited_as" in changes:
            appearance.cited_as = v.optional_text(changes["cited_as"])
        if "note" in changes:
            appearance.note = v.optional_text(changes["note"])
        origin = appearance.taken_from_appearance
        if "taken_from_appearance_id" in changes:
            origin = referenced(
                session, Appearance, changes["taken_from_appearance_id"], "taken_from_appearance_id"
            )
            _no_cycle(appearance, origin)
        origin_source = appearance.taken_from_source
        if "taken_from_source_id" in changes:
            origin_source = referenced(
                session, Source, changes["taken_from_source_id"], "taken_from_source_id"
            )
        _origin(source, origin, origin_source, _API)
        appearance.taken_from_appearance, appearance.taken_from_source = origin, origin_source
        placed = {"source_id", "text_as_published", "start", "end"} & set(changes)
        if placed:
            if "start" in changes or "end" in changes:
                start, end = (
                    changes.get("start", appearance.char_start),
                    changes.get("end", appearance.char_end),
                )
            else:
                start = end = None  # found again in the (new) source or text
            appearance.char_start, appearance.char_end = _span(source, text, start, end, _API)
            appearance.source, appearance.text = source, text
        if placed or "quote_id" in changes:
            digest = appearance_hash(appearance.quote.id, source.id, appearance.char_start, text)
            _unique(session, digest, _API, exclude=appearance.id)
            appearance.content_hash = digest
    v.touch(appearance)
    session.flush()
    if was_indexed or counts_as_evidence(appearance):
        reindex(session, [old_source, appearance.source])
    audit.record(session, "updateAppearance", appearance, before=before)
    return appearance


def delete_appearance(session: Session, appearance_id: int, *, version: int) -> None:
    """Delete an appearance nothing refers to; one that others were copied from, or evidence cites, is refused."""
    appearance = get_appearance(session, appearance_id)
    v.expect_version(appearance, version, f"appearance {appearance.text[:40]!r}")
    uses = {
        "appearances taken from it": select(func.count())
        .select_from(Appearance)
        .where(Appearance.taken_from_appearance_id == appearance_id),
        "fact-check evidence items": select(func.count())
        .select_from(Evidence)
        .where(Evidence.appearance_id == appearance_id),
    }
    held = {what: session.scalar(query) or 0 for what, query in uses.items()}
    if any(held.values()):
        listed = ", ".join(f"{count} {what}" for what, count in held.items() if count)
        raise Conflict(
            f"appearance {appearance.text[:40]!r} cannot be deleted: {listed} refer to it; "
            "re-point those to another origin or remove them first",
            field="id",
        )
    before = audit.snapshot(appearance)
    indexed = counts_as_evidence(appearance)
    source = appearance.source
    session.delete(appearance)
    session.flush()
    if indexed:
        reindex(session, [source])
    audit.record(session, "deleteAppearance", appearance, before=before, deleted=True)

"""Sources: documents with their full text, and transcripts stored once with their turns as offsets."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.orm import Session, selectinload

from quotecheck.enums import SourceKind
from quotecheck.errors import Conflict, NotFound, ValidationError
from quotecheck.global_ids import encode_id
from quotecheck.models import Appearance, Evidence, Interview, Outlet, Shingle, Source, Speaker, Turn
from quotecheck.partial_date import PartialDate
from quotecheck.services import _validate as v
from quotecheck.services import audit
from quotecheck.services._paging import page
from quotecheck.services._sql import date_within
from quotecheck.services.index import index_source

__all__ = [
    "SOURCE_FIELDS",
    "SourceFilter",
    "TurnInput",
    "content_hash",
    "create_source",
    "create_transcript",
    "delete_source",
    "find_source",
    "get_source",
    "list_sources",
    "named_ids",
    "referenced",
    "source_conditions",
    "transcript_text",
    "update_source",
]

M = TypeVar("M")


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
    """A source; one that records words as said (a transcript without turns) is searched whole at once."""
    source = _new_source(
        session,
        kind=kind,
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
    if source.is_primary and source.text is not None:
        index_source(session, source)
    return source


def _text(text: str | None) -> str | None:
    if text is not None and not text.strip():
        raise ValidationError(
            "text is blank; give the source's text, or none if it is not held", field="text"
        )
    return text


def _unique(session: Session, url: str | None, text: str | None, *, exclude: int | None = None) -> None:
    same = find_source(session, url=url, text=text)
    if same is not None and same.id != exclude:
        where = "no URL" if url is None else f"URL {url}"
        raise Conflict(f"a source with {where} and the same text is stored already; re-use it", field="url")


def _new_source(
    session: Session,
    *,
    kind: SourceKind | str,
    title: str,
    url: str | None,
    outlet: Outlet | None,
    interview: Interview | None,
    published_on: PartialDate | str | None,
    language: str | None,
    text: str | None,
    retrieved_at: dt.datetime | None,
    note: str | None,
) -> Source:
    address = v.url(url)
    _unique(session, address, _text(text))
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
    source = _new_source(
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
                label=turn.label if turn.label and turn.label.strip() else turn.speaker.name,  # as written
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


def referenced(session: Session, model: type[M], key: int | None, field: str) -> M | None:
    """The row an input refers to by id (None for None); a missing one is NOT_FOUND on that field."""
    if key is None:
        return None
    row = session.get(model, key)
    if row is None:
        name = audit.TYPE_NAMES[model]
        raise NotFound(
            f"no {name.lower()} has the ID {encode_id(name, key)}; check the ID, or create the {name.lower()} first",
            field=field,
        )
    return row


def named_ids(type_name: str, keys: Sequence[int], *, shown: int = 5) -> str:
    """A few global IDs for a message ("A, B, C and 4 more")."""
    named = ", ".join(encode_id(type_name, key) for key in keys[:shown])
    return named if len(keys) <= shown else f"{named} and {len(keys) - shown} more"


# The fields an update may change (the API's update input, in snake case): one list for both layers.
SOURCE_FIELDS = (
    "kind",
    "title",
    "url",
    "outlet_id",
    "interview_id",
    "published_on",
    "language",
    "text",
    "note",
)


def _turns(session: Session, source: Source) -> int:
    return session.scalar(select(func.count()).select_from(Turn).where(Turn.source_id == source.id)) or 0


def _offsets_in(session: Session, source: Source) -> None:
    """Refuse to replace a text that turns, appearances or evidence point into by character offsets."""
    turns = _turns(session, source)
    if turns:
        raise ValidationError(
            f"source {source.title!r} is a transcript laid out from its {turns} turns; its text cannot be "
            "replaced on its own: re-import the transcript (importTranscript) instead",
            field="text",
        )
    placed = list(
        session.scalars(
            select(Appearance.id)
            .where(Appearance.source_id == source.id, Appearance.char_start.is_not(None))
            .order_by(Appearance.id)
        )
    )
    if placed:
        raise ValidationError(
            f"{len(placed)} appearances sit at character offsets in the text of source {source.title!r} "
            f"({named_ids('Appearance', placed)}); delete them or move them to another source first",
            field="text",
        )
    cited = list(
        session.scalars(
            select(Evidence.fact_check_id)
            .where(Evidence.source_id == source.id, Evidence.char_start.is_not(None))
            .distinct()
            .order_by(Evidence.fact_check_id)
        )
    )
    if cited:
        raise ValidationError(
            f"fact-checks cite passages at character offsets in the text of source {source.title!r} "
            f"({named_ids('FactCheck', cited)}); change their evidence first",
            field="text",
        )


def update_source(session: Session, source_id: int, *, version: int, changes: Mapping[str, Any]) -> Source:
    """Change the given fields (absent keys stay as they are); a new text is hashed and searched anew."""
    v.unknown_fields(changes, SOURCE_FIELDS, "a source")
    source = get_source(session, source_id)
    v.expect_version(source, version, f"source {source.title!r}")
    before = audit.snapshot(source)
    was_primary = source.is_primary
    with session.no_autoflush:  # one UPDATE at the end: the version moves by one
        if "kind" in changes:
            kind = v.enum_value(SourceKind, changes["kind"], "kind")
            if kind is not SourceKind.TRANSCRIPT and _turns(session, source):
                raise ValidationError(
                    f"source {source.title!r} has speaker turns, so it is a TRANSCRIPT; keep that kind",
                    field="kind",
                )
            source.kind = kind
        if "title" in changes:
            source.title = v.required_text(changes["title"], "title")
        if "outlet_id" in changes:
            source.outlet = referenced(session, Outlet, changes["outlet_id"], "outlet_id")
        if "interview_id" in changes:
            source.interview = referenced(session, Interview, changes["interview_id"], "interview_id")
        if "published_on" in changes:
            source.published_on = v.partial_date(changes["published_on"], "published_on")
        if "language" in changes:
            source.language = v.language(changes["language"])
        if "note" in changes:
            source.note = v.optional_text(changes["note"])
        new_text = "text" in changes and changes["text"] != source.text
        if new_text:
            _offsets_in(session, source)
        url = v.url(changes["url"]) if "url" in changes else source.url
        text = _text(changes["text"]) if new_text else source.text
        if url != source.url or new_text:
            _unique(session, url, text, exclude=source.id)
        source.url = url
        if new_text:
            source.text = text
            source.content_hash = None if text is None else content_hash(text)
    v.touch(source)
    if source.text is not None and (new_text or was_primary != source.is_primary):
        index_source(session, source)  # deletes the old text's rows first
    elif new_text:
        session.execute(delete(Shingle).where(Shingle.source_id == source.id))
    audit.record(session, "updateSource", source, before=before)
    return source


def delete_source(session: Session, source_id: int, *, version: int) -> None:
    """Delete a source nothing refers to; its turns and its search index rows go with it."""
    source = get_source(session, source_id)
    v.expect_version(source, version, f"source {source.title!r}")
    uses = {
        "appearances in it": select(func.count())
        .select_from(Appearance)
        .where(Appearance.source_id == source_id),
        "appearances taken from it": select(func.count())
        .select_from(Appearance)
        .where(Appearance.taken_from_source_id == source_id),
        "fact-check evidence items": select(func.count())
        .select_from(Evidence)
        .where(Evidence.source_id == source_id),
    }
    held = {what: session.scalar(query) or 0 for what, query in uses.items()}
    if any(held.values()):
        listed = ", ".join(f"{count} {what}" for what, count in held.items() if count)
        raise Conflict(
            f"source {source.title!r} cannot be deleted: {listed} refer to it; "
            "delete or re-point those first",
            field="id",
        )
    before = audit.snapshot(source)
    session.execute(delete(Shingle).where(Shingle.source_id == source_id))
    session.delete(source)
    session.flush()
    audit.record(session, "deleteSource", source, before=before, deleted=True)

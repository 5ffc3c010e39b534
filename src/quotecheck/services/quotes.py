"""Quotes: statements attributed to a speaker, with their topics."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session, selectinload

from quotecheck.enums import FactCheckStatus, Verdict
from quotecheck.errors import Conflict, NotFound, ValidationError
from quotecheck.global_ids import encode_id
from quotecheck.models import Appearance, Evidence, FactCheck, Interview, Quote, Source, Speaker, Topic
from quotecheck.names import is_generic_label
from quotecheck.partial_date import PartialDate
from quotecheck.services import _validate as v
from quotecheck.services import audit
from quotecheck.services._paging import page
from quotecheck.services._sql import date_within
from quotecheck.services.appearances import counts_as_evidence, reindex
from quotecheck.services.factchecks import VISIBLE_STATUSES
from quotecheck.services.sources import named_ids, referenced
from quotecheck.services.speakers import speaker_ids_named
from quotecheck.services.topics import ensure_topic, slugify

__all__ = [
    "QUOTE_FIELDS",
    "QuoteFilter",
    "create_quote",
    "delete_quote",
    "find_quote",
    "get_quote",
    "list_quotes",
    "quote_conditions",
    "quote_hash",
    "update_quote",
]


@dataclass(frozen=True, slots=True)
class QuoteFilter:
    """What the quote list can be narrowed by; every field given must hold."""

    speaker_id: int | None = None
    speaker_name: str | None = None  # a name or alias as `find_speakers` matches it, or the same person
    outlet_id: int | None = None  # appeared in a source of this outlet, or said in its interview
    interview_id: int | None = None
    source_id: int | None = None  # appeared in this source
    topic: str | None = None  # a topic's name or slug
    language: str | None = None
    said_from: PartialDate | None = None
    said_to: PartialDate | None = None
    text_contains: str | None = None
    has_fact_check: bool | None = None  # a published (or retracted) fact-check exists
    verdict: Verdict | None = None  # a published fact-check with this verdict exists


def quote_conditions(f: QuoteFilter) -> list[ColumnElement[bool]]:
    """SQL conditions on `Quote` for a filter: one statement, no extra round trips."""
    where: list[ColumnElement[bool]] = []
    if f.speaker_id is not None:
        where.append(Quote.speaker_id == f.speaker_id)
    if f.speaker_name is not None:
        where.append(Quote.speaker_id.in_(speaker_ids_named(f.speaker_name, same_person=True)))
    if f.interview_id is not None:
        where.append(Quote.interview_id == f.interview_id)
    if f.source_id is not None:
        where.append(Quote.appearances.any(Appearance.source_id == f.source_id))
    if f.outlet_id is not None:
        where.append(
            or_(
                Quote.appearances.any(Appearance.source.has(Source.outlet_id == f.outlet_id)),
                Quote.interview.has(Interview.outlet_id == f.outlet_id),
            )
        )
    if f.topic is not None:
        where.append(Quote.topics.any(Topic.slug == slugify(f.topic)))
    if f.language is not None:
        where.append(Quote.language == v.language(f.language))
    if f.said_from is not None or f.said_to is not None:
        v.date_order(f.said_from, f.said_to, "from")
        where.append(date_within(Quote.said_on, f.said_from, f.said_to))
    if f.text_contains:
        where.append(Quote.text.icontains(f.text_contains.strip(), autoescape=True))
    if f.has_fact_check is not None:
        exists = Quote.fact_checks.any(FactCheck.status.in_(VISIBLE_STATUSES))
        where.append(exists if f.has_fact_check else ~exists)
    if f.verdict is not None:
        where.append(
            Quote.fact_checks.any(
                and_(FactCheck.status == FactCheckStatus.PUBLISHED, FactCheck.verdict == f.verdict)
            )
        )
    return where


def quote_hash(speaker_id: int, text: str) -> str:
    """Identifies an attribution: the speaker and the words (spacing aside). Frozen in migration 0003."""
    return _digest("quote", speaker_id, " ".join(text.split()))


def _digest(*parts: object) -> str:
    return hashlib.sha256("\x1f".join("" if p is None else str(p) for p in parts).encode("utf-8")).hexdigest()


def _attributable(speaker: Speaker, field: str) -> None:
    """A quote is attributed to someone, never to a transcript's "Question" or "Speaker 1". A source an article
    describes without naming ("said a harbour official", an anonymous speaker of that article) is how the
    article attributes the words, so a quote may carry it; a generic label names nobody and says nothing."""
    if speaker.anonymous and is_generic_label(speaker.name):
        raise ValidationError(
            f"{speaker.name!r} is an unidentified participant of one transcript, not a person a quote can be "
            "attributed to; identify them first (rename the speaker, or merge it into the right one)",
            field=field,
        )


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
    words = v.required_text(text, "text")
    _attributable(speaker, "speakerId")
    session.flush()  # the speaker's id names the attribution
    digest = quote_hash(speaker.id, words)
    same = session.scalar(select(Quote).where(Quote.content_hash == digest))
    if same is not None:
        raise Conflict(
            f"{speaker.name} is already recorded as saying these words (quote {encode_id('Quote', same.id)}); "
            "add an appearance to it",
            field="text",
        )
    quote = Quote(
        speaker=speaker,
        text=words,
        content_hash=digest,
        language=v.language(language),
        said_on=v.partial_date(said_on, "saidOn"),
        interview=interview,
        note=v.optional_text(note),
    )
    session.add(quote)
    _file(session, quote, topics)
    session.flush()
    return quote


def _file(session: Session, quote: Quote, topics: Sequence[str]) -> None:
    """File the quote under each topic named (made when missing; a name given twice counts once)."""
    for name in topics:
        topic = ensure_topic(session, name)
        if topic not in quote.topics:
            quote.topics.append(topic)


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


# The fields an update may change (the API's update input, in snake case): one list for both layers.
QUOTE_FIELDS = ("text", "speaker_id", "language", "said_on", "interview_id", "note", "topics")


def update_quote(session: Session, quote_id: int, *, version: int, changes: Mapping[str, Any]) -> Quote:
    """Change the given fields (absent keys stay as they are; `topics` replaces the whole list)."""
    v.unknown_fields(changes, QUOTE_FIELDS, "a quote")
    quote = get_quote(session, quote_id)
    v.expect_version(quote, version, f"quote {quote.text[:40]!r}")
    before = audit.snapshot(quote)
    # Topics first: making one flushes, and the quote's own row must be written once (its version moves by one).
    topics: list[Topic] | None = None
    if "topics" in changes:
        topics = []
        for name in changes["topics"] or ():
            topic = ensure_topic(session, name)
            if topic not in topics:
                topics.append(topic)
    with session.no_autoflush:
        if "text" in changes:
            quote.text = v.required_text(changes["text"], "text")
        if "speaker_id" in changes:
            if changes["speaker_id"] is None:
                raise ValidationError("speaker_id is empty; every quote has a speaker", field="speaker_id")
            speaker = referenced(session, Speaker, changes["speaker_id"], "speaker_id")
            assert speaker is not None
            _attributable(speaker, "speaker_id")
            quote.speaker = speaker
        if "text" in changes or "speaker_id" in changes:
            digest = quote_hash(quote.speaker.id, quote.text)
            same = session.scalar(select(Quote.id).where(Quote.content_hash == digest, Quote.id != quote.id))
            if same is not None:
                raise Conflict(
                    f"{quote.speaker.name} is already recorded as saying these words (quote "
                    f"{encode_id('Quote', same)}); add your appearances to that quote instead",
                    field="text" if "text" in changes else "speaker_id",
                )
            quote.content_hash = digest
        if "language" in changes:
            quote.language = v.language(changes["language"])
        if "said_on" in changes:
            quote.said_on = v.partial_date(changes["said_on"], "said_on")
        if "interview_id" in changes:
            quote.interview = referenced(session, Interview, changes["interview_id"], "interview_id")
        if "note" in changes:
            quote.note = v.optional_text(changes["note"])
        if topics is not None:
            quote.topics = topics
    v.touch(quote)
    audit.record(session, "updateQuote", quote, before=before)
    return quote


def delete_quote(session: Session, quote_id: int, *, version: int) -> None:
    """Delete a quote no fact-check judges; its appearances go with it unless something outside refers to one."""
    quote = get_quote(session, quote_id)
    v.expect_version(quote, version, f"quote {quote.text[:40]!r}")
    judged = list(
        session.scalars(select(FactCheck.id).where(FactCheck.quote_id == quote_id).order_by(FactCheck.id))
    )
    if judged:
        raise Conflict(
            f"quote {quote.text[:40]!r} cannot be deleted: {len(judged)} fact-checks judge it "
            f"({named_ids('FactCheck', judged)}); retract or re-point them first",
            field="id",
        )
    own = [appearance.id for appearance in quote.appearances]
    reasons = []
    if own:
        copied = session.execute(
            select(Appearance.taken_from_appearance_id, func.count())
            .where(Appearance.taken_from_appearance_id.in_(own), Appearance.quote_id != quote_id)
            .group_by(Appearance.taken_from_appearance_id)
            .order_by(Appearance.taken_from_appearance_id)
        ).all()
        cited = session.execute(
            select(Evidence.appearance_id, func.count())
            .where(Evidence.appearance_id.in_(own))
            .group_by(Evidence.appearance_id)
            .order_by(Evidence.appearance_id)
        ).all()
        reasons += [
            f"its appearance {encode_id('Appearance', key)} is the origin of {n} appearances of other quotes"
            for key, n in copied
            if key is not None
        ]
        reasons += [
            f"its appearance {encode_id('Appearance', key)} is cited by {n} fact-check evidence items"
            for key, n in cited
            if key is not None
        ]
    if reasons:
        raise Conflict(
            f"quote {quote.text[:40]!r} cannot be deleted: {'; '.join(reasons)}; re-point or delete those "
            "first (its appearances go with it only when nothing else refers to them)",
            field="id",
        )
    before = audit.snapshot(quote)
    gone = [
        {"id": encode_id("Appearance", appearance.id), "before": audit.snapshot(appearance)}
        for appearance in quote.appearances
    ]
    indexed = [appearance.source for appearance in quote.appearances if counts_as_evidence(appearance)]
    for appearance in quote.appearances:
        if appearance.taken_from_appearance_id in own:
            appearance.taken_from_appearance = None  # copied within the quote: both go, the copy first
    session.flush()
    session.delete(quote)
    session.flush()
    reindex(session, indexed)
    audit.record(session, "deleteQuote", quote, before=before, deleted=True, detail={"appearances": gone})

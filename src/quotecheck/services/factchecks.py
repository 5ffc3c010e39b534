"""Fact-checks: drafts with evidence, published and retracted (a retraction keeps the record)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func
from sqlalchemy.orm import Session, selectinload

from quotecheck.enums import FactCheckStatus, SpeakerKind, Verdict
from quotecheck.errors import Conflict, NotFound, ValidationError
from quotecheck.models import Appearance, Evidence, FactCheck, Quote, Source, Speaker, SpeakerRole
from quotecheck.models.base import utcnow
from quotecheck.partial_date import PartialDate
from quotecheck.services import _validate as v
from quotecheck.services._paging import page
from quotecheck.services._sql import date_within

__all__ = [
    "VISIBLE_STATUSES",
    "EvidenceInput",
    "FactCheckFilter",
    "claim_review",
    "create_fact_check",
    "fact_check_conditions",
    "get_fact_check",
    "job_title",
    "list_fact_checks",
    "publish_fact_check",
    "retract_fact_check",
]


# What readers may see; drafts stay with their editors.
VISIBLE_STATUSES = (FactCheckStatus.PUBLISHED, FactCheckStatus.RETRACTED)


@dataclass(frozen=True, slots=True)
class FactCheckFilter:
    verdict: Verdict | None = None
    reviewer: str | None = None  # exact, ignoring case
    publisher: str | None = None  # exact, ignoring case
    reviewed_from: PartialDate | None = None
    reviewed_to: PartialDate | None = None
    quote_id: int | None = None
    status: FactCheckStatus | None = None


def fact_check_conditions(f: FactCheckFilter, *, include_drafts: bool = False) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if not include_drafts:
        where.append(FactCheck.status.in_(VISIBLE_STATUSES))
    if f.status is not None:
        where.append(FactCheck.status == f.status)
    if f.verdict is not None:
        where.append(FactCheck.verdict == f.verdict)
    if f.reviewer is not None:
        where.append(func.lower(FactCheck.reviewer) == f.reviewer.strip().lower())
    if f.publisher is not None:
        where.append(func.lower(FactCheck.publisher) == f.publisher.strip().lower())
    if f.reviewed_from is not None or f.reviewed_to is not None:
        v.date_order(f.reviewed_from, f.reviewed_to, "from")
        where.append(date_within(FactCheck.reviewed_on, f.reviewed_from, f.reviewed_to))
    if f.quote_id is not None:
        where.append(FactCheck.quote_id == f.quote_id)
    return where


@dataclass(frozen=True, slots=True)
class EvidenceInput:
    source: Source | None = None
    appearance: Appearance | None = None
    url: str | None = None
    passage: str | None = None
    note: str | None = None


def _evidence(position: int, item: EvidenceInput) -> Evidence:
    if item.source is None and item.appearance is None and not item.url:
        raise ValidationError("evidence must point at a source, an appearance or a URL", field="evidence")
    start = end = None
    if item.passage and item.source is not None and item.source.text is not None:
        found = item.source.text.find(item.passage)
        if found < 0:
            raise ValidationError(
                f"the evidence passage is not in source {item.source.id}; quote it exactly", field="evidence"
            )
        start, end = found, found + len(item.passage)
    return Evidence(
        position=position,
        source=item.source,
        appearance=item.appearance,
        url=v.url(item.url),
        passage=item.passage,
        char_start=start,
        char_end=end,
        note=v.optional_text(item.note),
    )


def create_fact_check(
    session: Session,
    *,
    claim_reviewed: str,
    quote: Quote | None = None,
    verdict: Verdict | str | None = None,
    original_label: str | None = None,
    summary: str | None = None,
    reviewer: str | None = None,
    publisher: str | None = None,
    url: str | None = None,
    reviewed_on: PartialDate | str | None = None,
    rating_value: int | None = None,
    best_rating: int | None = None,
    worst_rating: int | None = None,
    alternate_name: str | None = None,
    evidence: Sequence[EvidenceInput] = (),
) -> FactCheck:
    """A DRAFT fact-check; `publish_fact_check` makes it public."""
    judged = None if verdict is None else v.enum_value(Verdict, verdict, "verdict")
    label = v.optional_text(original_label)
    if judged is None and label is None:
        raise ValidationError(
            "a fact-check needs a verdict (or, when imported, its original label)", field="verdict"
        )
    if rating_value is not None:
        if best_rating is None or worst_rating is None:
            raise ValidationError("a rating value needs bestRating and worstRating", field="ratingValue")
        low, high = sorted((best_rating, worst_rating))
        if not low <= rating_value <= high:
            raise ValidationError(
                f"rating {rating_value} is outside the scale {worst_rating}..{best_rating}",
                field="ratingValue",
            )
    if best_rating is not None and best_rating == worst_rating:
        raise ValidationError("bestRating and worstRating must differ", field="bestRating")
    fact_check = FactCheck(
        quote=quote,
        claim_reviewed=v.required_text(claim_reviewed, "claimReviewed"),
        verdict=judged,
        original_label=label,
        summary=v.optional_text(summary),
        reviewer=v.optional_text(reviewer),
        publisher=v.optional_text(publisher),
        url=v.url(url),
        reviewed_on=v.partial_date(reviewed_on, "reviewedOn"),
        rating_value=rating_value,
        best_rating=best_rating,
        worst_rating=worst_rating,
        alternate_name=v.optional_text(alternate_name),
        status=FactCheckStatus.DRAFT,
    )
    fact_check.evidence.extend(_evidence(position, item) for position, item in enumerate(evidence))
    session.add(fact_check)
    session.flush()
    return fact_check


def publish_fact_check(session: Session, fact_check: FactCheck) -> FactCheck:
    if fact_check.status is FactCheckStatus.RETRACTED:
        raise Conflict("a retracted fact-check cannot be published again; write a new one")
    if fact_check.status is FactCheckStatus.DRAFT:
        fact_check.status = FactCheckStatus.PUBLISHED
        fact_check.published_at = utcnow()
        session.flush()
    return fact_check


def retract_fact_check(session: Session, fact_check: FactCheck, *, reason: str) -> FactCheck:
    """Retract a published fact-check; it stays on record, visibly retracted, with the reason."""
    if fact_check.status is not FactCheckStatus.PUBLISHED:
        raise Conflict(f"only a published fact-check can be retracted; this one is {fact_check.status.name}")
    fact_check.status = FactCheckStatus.RETRACTED
    fact_check.retracted_at = utcnow()
    fact_check.retraction_reason = v.required_text(reason, "reason")
    session.flush()
    return fact_check


_VERDICT_WORDS = {
    Verdict.VERBATIM: "Verbatim",
    Verdict.VERBATIM_WITH_ELISIONS: "Verbatim, with marked cuts",
    Verdict.ALTERED: "Altered",
    Verdict.PARAPHRASED: "Paraphrased, not a quote",
    Verdict.MISATTRIBUTED: "Misattributed",
    Verdict.NOT_FOUND: "Not found in the sources",
}


def _creative_work(source: Source) -> dict[str, Any]:
    work: dict[str, Any] = {"@type": "CreativeWork", "headline": source.title}
    if source.url:
        work["url"] = source.url
    if source.published_on is not None:
        work["datePublished"] = source.published_on.isoformat()
    return work


def job_title(role: SpeakerRole) -> str:
    """A role as schema.org `jobTitle` text: "Mayor, Town of Marrowick"."""
    return f"{role.title}, {role.organization}" if role.organization else role.title


def claim_review(
    fact_check: FactCheck,
    *,
    quote: Quote | None = None,
    speaker: Speaker | None = None,
    first_source: Source | None = None,
    appearances: Sequence[Source] = (),
    roles: Sequence[SpeakerRole] = (),
) -> dict[str, Any]:
    """The fact-check as schema.org ClaimReview JSON-LD, following Google's ClaimReview profile.

    `first_source` is where the quote first appeared; `appearances` every source it appeared in, its
    provenance chain included (default: the first source alone); `roles` those the speaker held on the day the
    quote was said (see `speakers.roles_on`). `services.claimreview.claim_reviews_by_id` gathers them all.
    """
    rating: dict[str, Any] = {"@type": "Rating"}
    if fact_check.rating_value is not None:
        rating |= {
            "ratingValue": fact_check.rating_value,
            "bestRating": fact_check.best_rating,
            "worstRating": fact_check.worst_rating,
        }
    label = fact_check.alternate_name or fact_check.original_label
    if label is None and fact_check.verdict is not None:
        label = _VERDICT_WORDS[fact_check.verdict]
    if label is not None:
        rating["alternateName"] = label
    review: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "claimReviewed": fact_check.claim_reviewed,
        "reviewRating": rating,
    }
    if fact_check.url:
        review["url"] = fact_check.url
    if fact_check.reviewed_on is not None:
        review["datePublished"] = fact_check.reviewed_on.isoformat()
    elif fact_check.published_at is not None:  # undated by its reviewer: the day it was published here
        review["datePublished"] = fact_check.published_at.date().isoformat()
    if fact_check.publisher:
        review["author"] = {"@type": "Organization", "name": fact_check.publisher}
    if fact_check.reviewer:
        review["creator"] = {"@type": "Person", "name": fact_check.reviewer}
    claim: dict[str, Any] = {"@type": "Claim"}
    if speaker is not None:
        author: dict[str, Any] = {
            "@type": "Organization" if speaker.kind is SpeakerKind.ORGANIZATION else "Person",
            "name": speaker.name,
        }
        if speaker.wikidata_id:
            author["sameAs"] = f"https://www.wikidata.org/wiki/{speaker.wikidata_id}"
        titles = list(dict.fromkeys(job_title(role) for role in roles))
        if titles and speaker.kind is SpeakerKind.PERSON:
            author["jobTitle"] = titles[0] if len(titles) == 1 else titles
        claim["author"] = author
    if quote is not None:
        claim["text"] = quote.text  # the attributed words, as schema.org CreativeWork.text
        if quote.said_on is not None:
            claim["datePublished"] = quote.said_on.isoformat()
    if first_source is not None:
        claim["firstAppearance"] = _creative_work(first_source)
    works = list(appearances) or ([first_source] if first_source is not None else [])
    if works:
        claim["appearance"] = [_creative_work(source) for source in works]
    review["itemReviewed"] = claim
    return review


def get_fact_check(session: Session, fact_check_id: int) -> FactCheck:
    fact_check = session.get(FactCheck, fact_check_id, options=[selectinload(FactCheck.evidence)])
    if fact_check is None:
        raise NotFound(f"no fact-check has id {fact_check_id}")
    return fact_check


def list_fact_checks(session: Session, *, limit: int = 100, after_id: int | None = None) -> list[FactCheck]:
    return page(
        session, FactCheck, limit=limit, after_id=after_id, options=(selectinload(FactCheck.evidence),)
    )

"""Fact-checks: drafts with evidence, published and retracted (a retraction keeps the record).

`create_fact_check`, `publish_fact_check` and `retract_fact_check` are building blocks shared with the
importers and record no audit event; `update_fact_check`, `publish`, `retract` and `delete_fact_check` are a
user's operations by id: each checks the version read and records one event.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, selectinload

from quotecheck.enums import FactCheckStatus, SpeakerKind, Verdict
from quotecheck.errors import Conflict, NotFound, ValidationError
from quotecheck.models import Appearance, Evidence, FactCheck, Quote, Source, Speaker, SpeakerRole
from quotecheck.models.base import utcnow
from quotecheck.partial_date import PartialDate
from quotecheck.services import _validate as v
from quotecheck.services import audit
from quotecheck.services._paging import page
from quotecheck.services._sql import date_within

__all__ = [
    "FACT_CHECK_FIELDS",
    "VISIBLE_STATUSES",
    "EvidenceInput",
    "FactCheckFilter",
    "RatingInput",
    "check_rating",
    "claim_review",
    "create_fact_check",
    "delete_fact_check",
    "evidence_input",
    "fact_check_conditions",
    "get_fact_check",
    "job_title",
    "list_fact_checks",
    "publish",
    "publish_fact_check",
    "quote_for",
    "retract",
    "retract_fact_check",
    "update_fact_check",
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
    # Where the passage is in the source's text; found by searching (first occurrence) when left out.
    start: int | None = None
    end: int | None = None


@dataclass(frozen=True, slots=True)
class RatingInput:
    """A rating on the reviewer's own scale (schema.org Rating); `best` may be below `worst`."""

    value: int | None = None
    best: int | None = None
    worst: int | None = None
    alternate_name: str | None = None


def _evidence_error(what: str, message: str) -> ValidationError:
    return ValidationError(f"{what}: {message}", field="evidence")


def _evidence(position: int, item: EvidenceInput) -> Evidence:
    what = f"evidence {position + 1}"
    try:
        address = v.url(item.url)
    except ValidationError as error:
        raise _evidence_error(what, error.message) from None
    source, appearance = item.source, item.appearance
    if source is None and appearance is None and address is None:
        raise _evidence_error(what, "it must point at a source, an appearance or a URL; give one of them")
    if source is not None and appearance is not None and appearance.source_id != source.id:
        raise _evidence_error(
            what, "the appearance is in another source than the one given; give its own source, or just one"
        )
    passage = item.passage if item.passage and item.passage.strip() else None
    start, end = item.start, item.end
    if start is not None or end is not None:
        if start is None or end is None:
            raise _evidence_error(what, "give both start and end, or neither (the passage is then searched)")
        if source is None:
            raise _evidence_error(what, "start and end count characters of a source's text; give the source")
        if source.text is None:
            raise _evidence_error(what, "the source holds no text to point into; give the passage alone")
        if not 0 <= start <= end <= len(source.text):
            raise _evidence_error(
                what, f"offsets {start}..{end} are outside the source's text (0..{len(source.text)})"
            )
        found = source.text[start:end]
        if passage is not None and found != passage:
            raise _evidence_error(
                what,
                f"the source reads {found!r} at {start}..{end}, not the passage; correct the offsets or leave "
                "them out",
            )
        passage = found
    elif passage is not None and source is not None and source.text is not None:
        at = source.text.find(passage)
        if at < 0:
            raise _evidence_error(what, "the passage is not in the source's text; quote it exactly")
        start, end = at, at + len(passage)
    return Evidence(
        position=position,
        source=source,
        appearance=appearance,
        url=address,
        passage=passage,
        char_start=start,
        char_end=end,
        note=v.optional_text(item.note),
    )


def evidence_input(
    session: Session,
    *,
    source_id: int | None = None,
    appearance_id: int | None = None,
    url: str | None = None,
    passage: str | None = None,
    start: int | None = None,
    end: int | None = None,
    note: str | None = None,
) -> EvidenceInput:
    """An `EvidenceInput` from the ids a client sends; an unknown id is a NotFound naming its field."""
    source = appearance = None
    if source_id is not None:
        source = session.get(Source, source_id)
        if source is None:
            raise NotFound("sourceId names no stored source; use the id of a source", field="source_id")
    if appearance_id is not None:
        appearance = session.get(Appearance, appearance_id)
        if appearance is None:
            raise NotFound(
                "appearanceId names no stored appearance; use the id of an appearance", field="appearance_id"
            )
    return EvidenceInput(
        source=source, appearance=appearance, url=url, passage=passage, note=note, start=start, end=end
    )


def quote_for(session: Session, quote_id: int | None) -> Quote | None:
    """The quote a fact-check judges (None for none); an unknown id is a NotFound on `quoteId`."""
    if quote_id is None:
        return None
    quote = session.get(Quote, quote_id)
    if quote is None:
        raise NotFound("quoteId names no stored quote; use the id of a quote", field="quote_id")
    return quote


def _judgement(verdict: Verdict | str | None, label: str | None) -> Verdict | None:
    judged = None if verdict is None else v.enum_value(Verdict, verdict, "verdict")
    if judged is None and label is None:
        raise ValidationError(
            "a fact-check needs a verdict (or, when imported, its original label)", field="verdict"
        )
    return judged


def _check_scale(
    value: int | None, best: int | None, worst: int | None, *, fields: tuple[str, str], names: tuple[str, str]
) -> None:
    value_field, scale_field = fields
    best_name, worst_name = names
    if value is not None:
        if best is None or worst is None:
            raise ValidationError(f"a rating value needs {best_name} and {worst_name}", field=value_field)
        low, high = sorted((best, worst))
        if not low <= value <= high:
            raise ValidationError(f"rating {value} is outside the scale {worst}..{best}", field=value_field)
    if best is not None and best == worst:
        raise ValidationError(f"{best_name} and {worst_name} must differ", field=scale_field)


def check_rating(rating: RatingInput | None) -> None:
    """A rating as the API takes it (one `rating` object): its errors name the field `rating`."""
    if rating is not None:
        _check_scale(
            rating.value,
            rating.best,
            rating.worst,
            fields=("rating", "rating"),
            names=("rating.best", "rating.worst"),
        )


def _unique_url(session: Session, url: str | None, *, exclude: int | None = None) -> str | None:
    if url is None:
        return None
    holder = session.scalar(select(FactCheck.id).where(FactCheck.url == url))
    if holder is not None and holder != exclude:
        raise Conflict(
            f"url {url} already names fact-check {audit.encode_id('FactCheck', holder)}; one address names "
            "one review: update that fact-check instead",
            field="url",
        )
    return url


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
    label = v.optional_text(original_label)
    judged = _judgement(verdict, label)
    _check_scale(
        rating_value,
        best_rating,
        worst_rating,
        fields=("ratingValue", "bestRating"),
        names=("bestRating", "worstRating"),
    )
    fact_check = FactCheck(
        quote=quote,
        claim_reviewed=v.required_text(claim_reviewed, "claimReviewed"),
        verdict=judged,
        original_label=label,
        summary=v.optional_text(summary),
        reviewer=v.optional_text(reviewer),
        publisher=v.optional_text(publisher),
        url=_unique_url(session, v.url(url)),
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
        raise NotFound(
            f"no fact-check has id {audit.encode_id('FactCheck', fact_check_id)}; it may have been deleted",
            field="id",
        )
    return fact_check


def list_fact_checks(session: Session, *, limit: int = 100, after_id: int | None = None) -> list[FactCheck]:
    return page(
        session, FactCheck, limit=limit, after_id=after_id, options=(selectinload(FactCheck.evidence),)
    )


# --- a user's operations by id: each checks the version read and records one audit event -------------------

# The fields an update may change (the API's update input, in snake case): one list for both layers.
FACT_CHECK_FIELDS = (
    "quote_id",
    "claim_reviewed",
    "verdict",
    "summary",
    "reviewer",
    "publisher",
    "url",
    "reviewed_on",
    "rating",
    "original_label",
    "evidence",
)


def _what(fact_check: FactCheck) -> str:
    return f"fact-check {audit.encode_id('FactCheck', fact_check.id)}"


def update_fact_check(
    session: Session, fact_check_id: int, *, version: int, changes: Mapping[str, Any]
) -> FactCheck:
    """Change the given fields (absent keys stay as they are; `rating` and `evidence` replace the whole rating
    and list). A published fact-check may be corrected (the change is audited); a retracted one is kept as
    it was retracted."""
    v.unknown_fields(changes, FACT_CHECK_FIELDS, "a fact-check")
    fact_check = get_fact_check(session, fact_check_id)
    v.expect_version(fact_check, version, _what(fact_check))
    if fact_check.status is FactCheckStatus.RETRACTED:
        raise Conflict("retracted fact-checks keep their record; create a new one", field="id")
    before = audit.snapshot(fact_check)
    # One UPDATE at the end (no autoflush from the look-ups in between), so the version moves by one.
    with session.no_autoflush:
        if "quote_id" in changes:
            fact_check.quote = quote_for(session, changes["quote_id"])
        if "claim_reviewed" in changes:
            fact_check.claim_reviewed = v.required_text(changes["claim_reviewed"], "claimReviewed")
        if "verdict" in changes or "original_label" in changes:
            label = (
                v.optional_text(changes["original_label"])
                if "original_label" in changes
                else fact_check.original_label
            )
            verdict = changes.get("verdict", fact_check.verdict)
            fact_check.verdict, fact_check.original_label = _judgement(verdict, label), label
        for name in ("summary", "reviewer", "publisher"):
            if name in changes:
                setattr(fact_check, name, v.optional_text(changes[name]))
        if "url" in changes:
            fact_check.url = _unique_url(session, v.url(changes["url"]), exclude=fact_check.id)
        if "reviewed_on" in changes:
            fact_check.reviewed_on = v.partial_date(changes["reviewed_on"], "reviewedOn")
        if "rating" in changes:
            rating: RatingInput = changes["rating"] or RatingInput()
            check_rating(rating)
            fact_check.rating_value, fact_check.best_rating, fact_check.worst_rating = (
                rating.value,
                rating.best,
                rating.worst,
            )
            fact_check.alternate_name = v.optional_text(rating.alternate_name)
        if "evidence" in changes:
            fresh = [_evidence(position, item) for position, item in enumerate(changes["evidence"] or ())]
            fact_check.evidence[:] = fresh
    v.touch(fact_check)
    audit.record(session, "updateFactCheck", fact_check, before=before)
    return fact_check


def publish(session: Session, fact_check_id: int, *, version: int) -> FactCheck:
    """Make a draft public (it then appears to every reader and in the ClaimReview export)."""
    fact_check = get_fact_check(session, fact_check_id)
    v.expect_version(fact_check, version, _what(fact_check))
    if fact_check.status is FactCheckStatus.PUBLISHED:
        assert fact_check.published_at is not None
        raise Conflict(
            f"{_what(fact_check)} is already published (since {fact_check.published_at:%Y-%m-%d}); "
            "nothing to do",
            field="id",
        )
    if fact_check.status is FactCheckStatus.RETRACTED:
        raise Conflict("a retracted fact-check cannot be published again; create a new one", field="id")
    before = audit.snapshot(fact_check)
    publish_fact_check(session, fact_check)
    audit.record(session, "publishFactCheck", fact_check, before=before)
    return fact_check


def retract(session: Session, fact_check_id: int, *, version: int, reason: str) -> FactCheck:
    """Withdraw a published fact-check: it stays on record, visibly retracted, with the reason."""
    reason = v.required_text(reason, "reason")
    fact_check = get_fact_check(session, fact_check_id)
    v.expect_version(fact_check, version, _what(fact_check))
    if fact_check.status is FactCheckStatus.DRAFT:
        raise Conflict(
            f"{_what(fact_check)} is a draft, which nobody else has seen: delete the draft instead",
            field="id",
        )
    if fact_check.status is FactCheckStatus.RETRACTED:
        raise Conflict(f"{_what(fact_check)} is already retracted; nothing to do", field="id")
    before = audit.snapshot(fact_check)
    retract_fact_check(session, fact_check, reason=reason)
    audit.record(session, "retractFactCheck", fact_check, before=before)
    return fact_check


def delete_fact_check(session: Session, fact_check_id: int, *, version: int) -> None:
    """Delete a draft; a published or retracted fact-check stays on record (retract a published one)."""
    fact_check = get_fact_check(session, fact_check_id)
    v.expect_version(fact_check, version, _what(fact_check))
    if fact_check.status is FactCheckStatus.PUBLISHED:
        raise Conflict(
            f"{_what(fact_check)} is published and stays on record; retract it with retractFactCheck instead",
            field="id",
        )
    if fact_check.status is FactCheckStatus.RETRACTED:
        raise Conflict(
            f"{_what(fact_check)} is retracted and stays on record as retracted; it cannot be deleted",
            field="id",
        )
    before = audit.snapshot(fact_check)
    session.delete(fact_check)
    session.flush()
    audit.record(session, "deleteFactCheck", fact_check, before=before, deleted=True)

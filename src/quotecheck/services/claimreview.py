"""ClaimReview in and out: schema.org's fact-check markup, as Google's Fact Check tools read and write it.

In: `import_claim_reviews` takes a ClaimReview JSON-LD object, an array, an `@graph`, JSON Lines, or a Google
Fact Check Tools `claims:search` response. Each valid review becomes a published fact-check by its own
publisher with its own label kept; its claimant is found (Wikidata ID first, then name) or made as a speaker,
and the claim becomes one of their quotes. Where the review says the claim appeared becomes sources, kept as
the fact-check's evidence under `APPEARANCE_NOTE` / `FIRST_APPEARANCE_NOTE` so that export gives them back.
A review whose URL is stored already updates that fact-check. Each record lands or is rejected on its own.

Out: `claim_reviews_by_id` builds the documents in a fixed number of statements however many are asked for
(the API's `FactCheck.claimReview` uses it too); `export_claim_reviews` gives every published fact-check.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Integer, and_, or_, select, type_coerce
from sqlalchemy.orm import Session, aliased, raiseload, selectinload

from quotecheck import clean
from quotecheck.enums import FactCheckStatus, SpeakerKind, Verdict
from quotecheck.errors import Conflict, QuotecheckError, ValidationError
from quotecheck.models import Appearance, Evidence, FactCheck, Quote, Source, Speaker, SpeakerRole
from quotecheck.models.base import partial_date_last_key
from quotecheck.partial_date import PartialDate
from quotecheck.services import _validate as v
from quotecheck.services import audit
from quotecheck.services.factchecks import EvidenceInput, claim_review, create_fact_check, publish_fact_check
from quotecheck.services.quotes import create_quote, find_quote, quote_hash
from quotecheck.services.sources import create_source
from quotecheck.services.speakers import (
    RoleInput,
    add_role,
    create_speaker,
    find_speakers,
    role_held_between,
    roles_on,
)
from quotecheck.text import name_key

__all__ = [
    "APPEARANCE_NOTE",
    "FIRST_APPEARANCE_NOTE",
    "ImportReport",
    "Problem",
    "claim_reviews_by_id",
    "export_claim_reviews",
    "import_claim_reviews",
]

Json = dict[str, Any]

# Evidence notes that mark a link an imported review gave for where its claim appeared.
APPEARANCE_NOTE = "ClaimReview itemReviewed.appearance"
FIRST_APPEARANCE_NOTE = "ClaimReview itemReviewed.firstAppearance"
_LINK_NOTES = (FIRST_APPEARANCE_NOTE, APPEARANCE_NOTE)

# Labels that can only mean one of quotecheck's attribution verdicts, folded by `name_key`. Most labels judge
# whether a claim is true ("False", "Misleading", "Pants on Fire") and map to none. "Altered" is left out on
# purpose: fact-checkers use it for doctored pictures; "Correct attribution" says who, not how exactly.
_VERDICT_LABELS = {
    "verbatim": Verdict.VERBATIM,
    "verbatim with elisions": Verdict.VERBATIM_WITH_ELISIONS,
    "verbatim with marked cuts": Verdict.VERBATIM_WITH_ELISIONS,  # quotecheck's own wording
    "paraphrased": Verdict.PARAPHRASED,
    "paraphrased not a quote": Verdict.PARAPHRASED,
    "misattributed": Verdict.MISATTRIBUTED,
    "misattribution": Verdict.MISATTRIBUTED,
    "not found in the sources": Verdict.NOT_FOUND,
}

_WIKIDATA_URL = re.compile(r"^https?://(?:www\.|m\.)?wikidata\.org/(?:wiki|entity)/(Q[1-9][0-9]{0,14})/?$")
_DATE = re.compile(r"^\s*(\d{4}(?:-\d{1,2}(?:-\d{1,2})?)?)(?:[T ]\S*)?\s*$")
_SCHEMA_DEFAULT_BEST, _SCHEMA_DEFAULT_WORST = 5.0, 1.0  # schema.org Rating: assumed when left out
_NO_DATE = 99_999_999  # sorts undated sources last


# --- the report --------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Problem:
    """A record rejected, or landed without something: where it is in the input, and why."""

    position: str  # "document", "[3]", "@graph[1]", "claims[0].claimReview[1]", "line 7", "line 7: [0]"
    reason: str

    def __str__(self) -> str:
        return f"{self.position}: {self.reason}"


@dataclass(slots=True)
class ImportReport:
    read: int = 0  # records found in the input, readable or not: added + updated + rejected
    added: int = 0
    updated: int = 0
    rejected: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)  # landed, but something could not be kept
    fact_checks: list[FactCheck] = field(default_factory=list)  # what landed, in input order

    @property
    def landed(self) -> int:
        return self.added + self.updated


# --- reading the input -------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Record:
    position: str
    review: Any
    claim: Json | None = None  # claims:search: the claim the review hangs under (text, claimant, claimDate)
    graph: Mapping[str, Json] = field(default_factory=dict)  # the nodes of its @graph, by @id


def _types(node: Json) -> set[str]:
    """The node's @type names, prefixes dropped ("schema:ClaimReview", "http://schema.org/ClaimReview")."""
    raw = node.get("@type")
    names = raw if isinstance(raw, list) else [raw]
    return {re.split(r"[/:#]", name)[-1] for name in names if isinstance(name, str)}


def _position(line: str | None, path: str) -> str:
    if line and path:
        return f"{line}: {path}"
    return line or path or "document"


def _expand(value: Any, line: str | None, path: str = "") -> Iterator[_Record | Problem]:
    if isinstance(value, list):
        for index, item in enumerate(value):
            yield from _expand(item, line, f"{path}[{index}]")
        return
    if isinstance(value, dict) and isinstance(value.get("@graph"), list):
        graph = value["@graph"]
        nodes = {n["@id"]: n for n in graph if isinstance(n, dict) and isinstance(n.get("@id"), str)}
        for index, node in enumerate(graph):
            # A graph also holds the page, the site's organisation ...: only its ClaimReviews are records.
            if isinstance(node, dict) and "ClaimReview" in _types(node):
                yield _Record(_position(line, f"{path}@graph[{index}]"), node, graph=nodes)
        return
    if isinstance(value, dict) and "@type" not in value and isinstance(value.get("claims"), list):
        for index, claim in enumerate(value["claims"]):
            where = _position(line, f"{path}claims[{index}]")
            reviews = claim.get("claimReview") if isinstance(claim, dict) else None
            if not isinstance(claim, dict):
                yield Problem(where, "is not an object; each claim of a claims:search response must be one")
            elif not isinstance(reviews, list) or not reviews:
                yield Problem(
                    where, "has no claimReview list; a claims:search claim carries its reviews there"
                )
            else:
                for number, review in enumerate(reviews):
                    yield _Record(f"{where}.claimReview[{number}]", review, claim=claim)
        return
    yield _Record(_position(line, path), value)


def _looks_like_json_lines(lines: Sequence[str]) -> bool:
    """More than one line, and some line a JSON object or array on its own."""
    filled = [line for line in lines if line.strip()]
    if len(filled) < 2:
        return False
    for line in filled:
        try:
            if isinstance(json.loads(line), dict | list):
                return True
        except json.JSONDecodeError:
            continue
    return False


def _records(data: Any) -> Iterator[_Record | Problem]:
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ValidationError(
                f"the input is not UTF-8 text (byte {error.start}); save it as UTF-8 JSON or JSON Lines"
            ) from None
    if not isinstance(data, str):
        yield from _expand(data, None)
        return
    if not data.strip():
        raise ValidationError("the input is empty; give ClaimReview JSON-LD or JSON Lines")
    try:
        document = json.loads(data)
    except json.JSONDecodeError as error:
        lines = data.splitlines()
        if not _looks_like_json_lines(lines):
            raise ValidationError(
                f"the input is not JSON ({error.msg} at line {error.lineno}, column {error.colno}); give a "
                "ClaimReview object, an array, an @graph, a claims:search response, or JSON Lines"
            ) from None
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as bad:
                yield Problem(f"line {number}", f"is not JSON ({bad.msg} at column {bad.colno})")
                continue
            yield from _expand(value, f"line {number}")
        return
    yield from _expand(document, None)


# --- one record, read ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Link:
    url: str
    title: str | None
    published_on: PartialDate | None


@dataclass(frozen=True, slots=True)
class _Claimant:
    name: str | None
    kind: SpeakerKind
    wikidata_id: str | None
    job_titles: tuple[str, ...] = ()


@dataclass(slots=True)
class _Review:
    url: str
    claim_reviewed: str
    label: str
    publisher: str | None
    reviewer: str | None
    reviewed_on: PartialDate | None
    rating: tuple[int | None, int | None, int | None]  # value, best, worst
    claimant: _Claimant | None
    words: str  # the quote: the claim's own text when the review gives it, else claimReviewed
    said_on: PartialDate | None
    links: list[tuple[_Link, bool]]  # (where the claim appeared, whether it first appeared there)
    warnings: list[str]


def _text(value: Any) -> str | None:
    """A JSON-LD text value: a string, a {"@value": ...} object, or the first of a list of them."""
    if isinstance(value, list):
        return next((t for t in map(_text, value) if t is not None), None)
    if isinstance(value, dict):
        return _text(value.get("@value"))
    if isinstance(value, str):
        return value.strip() or None
    return None


def _nodes(value: Any, graph: Mapping[str, Json]) -> list[Json]:
    """The objects a property holds, references to other nodes of the @graph followed."""
    found: list[Json] = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, dict):
            reference = item.get("@id")
            if set(item) == {"@id"} and isinstance(reference, str) and reference in graph:
                item = graph[reference]
            found.append(item)
    return found


def _node(value: Any, graph: Mapping[str, Json]) -> Json | None:
    found = _nodes(value, graph)
    return found[0] if found else None


def _date(value: Any, field_name: str) -> PartialDate | None:
    text = _text(value)
    if text is None:
        return None
    match = _DATE.match(text)
    if match is None:
        raise ValidationError(
            f"{field_name} {text!r} is not a date; write it as YYYY-MM-DD (a time may follow)"
        )
    try:
        return PartialDate.parse(match.group(1))
    except ValidationError as error:
        raise ValidationError(f"{field_name}: {error.message}") from None


def _number(value: Any, field_name: str) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            pass
    raise ValidationError(f"reviewRating.{field_name} {value!r} is not a number")


def _rating(node: Json | None, warnings: list[str]) -> tuple[int | None, int | None, int | None]:
    """ratingValue, bestRating, worstRating: checked against each other; schema.org's 5 and 1 when left out."""
    if node is None:
        return None, None, None
    value, best, worst = (
        _number(node.get(name), name) for name in ("ratingValue", "bestRating", "worstRating")
    )
    if value is not None:
        best = _SCHEMA_DEFAULT_BEST if best is None else best
        worst = _SCHEMA_DEFAULT_WORST if worst is None else worst
    if best is not None and best == worst:
        raise ValidationError(f"bestRating and worstRating are both {best:g}; a rating scale needs two ends")
    if value is not None and best is not None and worst is not None:
        low, high = sorted((worst, best))
        if not low <= value <= high:
            raise ValidationError(
                f"ratingValue {value:g} is outside the scale {worst:g}..{best:g} (worstRating..bestRating)"
            )
    numbers = (value, best, worst)
    if any(n is not None and not n.is_integer() for n in numbers):
        shown = ", ".join(f"{n:g}" for n in numbers if n is not None)
        warnings.append(
            f"the numeric rating ({shown}) is left out: quotecheck keeps whole-number scales only"
        )
        return None, None, None
    value_i, best_i, worst_i = (None if n is None else int(n) for n in numbers)
    return value_i, best_i, worst_i


def _name_or_site(node: Json) -> str | None:
    name = _text(node.get("name"))
    if name is None and (address := _text(node.get("url")) or _text(node.get("site"))):
        name = v.domain_of(address if "//" in address else f"https://{address}") or None
    return name


def _claimant(value: Any, graph: Mapping[str, Json]) -> _Claimant | None:
    if isinstance(value, str):
        return _Claimant(value.strip(), SpeakerKind.PERSON, None) if value.strip() else None
    node = _node(value, graph)
    if node is None:
        return None
    same_as = node.get("sameAs")
    links = [t for t in (same_as if isinstance(same_as, list) else [same_as]) if isinstance(t, str)]
    qid = next((m.group(1) for m in (_WIKIDATA_URL.match(link.strip()) for link in links) if m), None)
    name = _text(node.get("name"))
    if name is None and qid is None:
        return None
    kind = SpeakerKind.ORGANIZATION if "Organization" in _types(node) else SpeakerKind.PERSON
    raw = node.get("jobTitle")
    titles = tuple(t for t in map(_text, raw if isinstance(raw, list) else [raw]) if t is not None)
    return _Claimant(name, kind, qid, titles)


def _links(item: Json, graph: Mapping[str, Json], warnings: list[str]) -> list[tuple[_Link, bool]]:
    found: dict[str, tuple[_Link, bool]] = {}
    for key in ("firstAppearance", "appearance"):
        raw = item.get(key)
        for entry in raw if isinstance(raw, list) else [raw]:
            if entry is None:
                continue
            node = _node(entry, graph)
            address = _text(entry) if node is None else _text(node.get("url")) or _text(node.get("@id"))
            if address is None:
                warnings.append(f"an itemReviewed.{key} without a URL is left out: sources are found by URL")
                continue
            try:
                address = v.url(address, f"itemReviewed.{key}") or address
                published = None if node is None else _date(node.get("datePublished"), f"{key}.datePublished")
            except ValidationError as error:
                warnings.append(f"an itemReviewed.{key} is left out: {error.message}")
                continue
            title = None if node is None else _text(node.get("headline")) or _text(node.get("name"))
            if address not in found:
                found[address] = (_Link(address, title, published), key == "firstAppearance")
    return list(found.values())


def _read(record: _Record) -> _Review:
    review, graph = record.review, record.graph
    if not isinstance(review, dict):
        raise ValidationError("is not an object; each ClaimReview must be a JSON object {...}")
    types = _types(review)
    if types and "ClaimReview" not in types:
        raise ValidationError(f"has @type {'/'.join(sorted(types))}: only ClaimReviews are imported")
    warnings: list[str] = []
    claim = record.claim
    item = _node(review.get("itemReviewed"), graph) or {}
    if claim is not None:  # claims:search: the claim carries the text, the claimant and the date
        claim_reviewed = _text(claim.get("text"))
        claimant = _claimant(claim.get("claimant"), graph)
        said_on = _date(claim.get("claimDate"), "claimDate")
        words = claim_reviewed
        reviewed_on = _date(review.get("reviewDate"), "reviewDate")
    else:
        claim_reviewed = _text(review.get("claimReviewed"))
        claimant = _claimant(item.get("author"), graph)
        said_on = _date(item.get("datePublished"), "itemReviewed.datePublished")
        words = _text(item.get("text")) or claim_reviewed
        reviewed_on = _date(review.get("datePublished"), "datePublished")
    if claim_reviewed is None or words is None:
        missing = "claimReviewed is missing" if claim is None else "the claim's text is missing"
        raise ValidationError(f"{missing}; a review must say which claim it reviews")
    url = _text(review.get("url"))
    if url is None:
        raise ValidationError(
            "url is missing; a ClaimReview needs its page's address, which names it on re-import"
        )
    url = v.url(url) or url
    rating_node = _node(review.get("reviewRating"), graph)
    rating_words = {} if rating_node is None else rating_node
    label = (
        _text(rating_words.get("alternateName"))
        or _text(review.get("textualRating"))
        or _text(rating_words.get("textualRating"))
    )
    if label is None:
        raise ValidationError(
            "reviewRating has no alternateName (nor textualRating): the rating in words is required, "
            "and quotecheck keeps each publisher's own label"
        )
    rating = _rating(rating_node, warnings)

    publisher = reviewer = None
    for node in _nodes(review.get("author"), graph):
        if "Person" in _types(node):
            reviewer = reviewer or _text(node.get("name"))
        else:
            publisher = publisher or _name_or_site(node)
    if isinstance(review.get("author"), str):
        publisher = _text(review["author"])
    publisher_node = _node(review.get("publisher"), graph)
    if publisher is None and publisher_node is not None:
        publisher = _name_or_site(publisher_node)
    creator = _node(review.get("creator"), graph)
    if reviewer is None and creator is not None:
        reviewer = _text(creator.get("name"))
    publisher = publisher or v.domain_of(url)
    return _Review(
        url=url,
        claim_reviewed=claim_reviewed,
        label=label,
        publisher=publisher,
        reviewer=reviewer,
        reviewed_on=reviewed_on,
        rating=rating,
        claimant=claimant,
        words=words,
        said_on=said_on,
        links=_links(item, graph, warnings),
        warnings=warnings,
    )


# --- one record, landed -------------------------------------------------------------------------------------------
def _speaker(session: Session, claimant: _Claimant) -> Speaker | None:
    """By Wikidata ID, then by name or alias, else a new speaker; None when there is only an unknown ID."""
    qid = claimant.wikidata_id
    if qid is not None:
        found = session.scalars(select(Speaker).where(Speaker.wikidata_id == qid)).first()
        if found is not None:
            return found
    if claimant.name is None:
        return None
    named = find_speakers(session, claimant.name)
    if qid is not None:
        named = [speaker for speaker in named if speaker.wikidata_id is None]  # the others are someone else
    if len(named) > 1:
        listed = "; ".join(f"{speaker.name} (id {speaker.id})" for speaker in named)
        fix = (
            f"none has Wikidata ID {qid}: set it on the right one (or merge them) and import again"
            if qid
            else "give the claimant's Wikidata URL in itemReviewed.author.sameAs, or merge the speakers"
        )
        raise Conflict(f"{len(named)} speakers are called {claimant.name!r} ({listed}); {fix}")
    if named:
        speaker = named[0]
        if qid is not None:
            speaker.wikidata_id = qid  # the review says who this is; no other speaker holds the ID
        return speaker
    return create_speaker(session, name=claimant.name, kind=claimant.kind, wikidata_id=qid)


def _attest_roles(session: Session, speaker: Speaker, review: _Review) -> None:
    """A `jobTitle` the review gives for the day of the claim, recorded as a role attested on that day only,
    unless the speaker is known to hold some role then (a title is not matched against differently worded ones)."""
    assert review.claimant is not None
    day = review.said_on
    if day is None or not review.claimant.job_titles or roles_on(session, speaker.id, day):
        return
    note = f"Attested for {day} by the ClaimReview {review.url}; the role's span is not known."
    for title in review.claimant.job_titles:
        add_role(session, speaker, RoleInput(title=title, started=day, ended=day, note=note))
    session.flush()


def _quote(session: Session, review: _Review) -> Quote | None:
    if review.claimant is None:
        return None
    speaker = _speaker(session, review.claimant)
    if speaker is None:
        return None
    if speaker.kind is SpeakerKind.PERSON:
        _attest_roles(session, speaker, review)
    quote = (
        find_quote(session, speaker=speaker, text=review.words)
        or session.scalars(
            select(Quote).where(Quote.content_hash == quote_hash(speaker.id, review.words))
        ).first()
    )
    if quote is None:
        return create_quote(session, speaker=speaker, text=review.words, said_on=review.said_on)
    if quote.said_on is None and review.said_on is not None:
        quote.said_on = review.said_on
    return quote


def _source(session: Session, link: _Link) -> Source:
    found = session.scalars(select(Source).where(Source.url == link.url).order_by(Source.id)).first()
    if found is not None:
        return found
    return create_source(
        session, kind="ARTICLE", title=link.title or link.url, url=link.url, published_on=link.published_on
    )


def _land(session: Session, review: _Review) -> tuple[FactCheck, bool]:
    """The fact-check the review becomes, and whether it is new (else: the stored one with its URL, updated)."""
    quote = _quote(session, review)
    links = [
        (_source(session, link), FIRST_APPEARANCE_NOTE if first else APPEARANCE_NOTE)
        for link, first in review.links
    ]
    links.sort(key=lambda pair: pair[1] != FIRST_APPEARANCE_NOTE)  # the first appearance first
    stored = session.scalars(
        select(FactCheck).where(FactCheck.url == review.url).options(selectinload(FactCheck.evidence))
    ).first()
    if stored is not None and stored.original_label is None:
        # (what this record made so far goes with its savepoint)
        raise Conflict(
            f"fact-check {stored.id} already has the URL {review.url} and was written here, not imported; "
            "an import never overwrites it: leave this review out, or correct one of the URLs"
        )
    verdict = _VERDICT_LABELS.get(name_key(review.label))
    value, best, worst = review.rating
    if stored is None:
        fact_check = create_fact_check(
            session,
            claim_reviewed=review.claim_reviewed,
            quote=quote,
            verdict=verdict,
            original_label=review.label,
            alternate_name=review.label,
            publisher=review.publisher,
            reviewer=review.reviewer,
            url=review.url,
            reviewed_on=review.reviewed_on,
            rating_value=value,
            best_rating=best,
            worst_rating=worst,
            evidence=[EvidenceInput(source=source, note=note) for source, note in links],
        )
        return publish_fact_check(session, fact_check), True
    stored.claim_reviewed = review.claim_reviewed
    stored.quote = quote
    stored.verdict = verdict
    stored.original_label = stored.alternate_name = review.label
    stored.publisher, stored.reviewer, stored.reviewed_on = (
        review.publisher,
        review.reviewer,
        review.reviewed_on,
    )
    stored.rating_value, stored.best_rating, stored.worst_rating = value, best, worst
    marked = [e for e in stored.evidence if e.note in _LINK_NOTES]
    if [(e.source_id, e.note) for e in marked] != [(source.id, note) for source, note in links]:
        kept = [e for e in stored.evidence if e.note not in _LINK_NOTES]
        start = max((e.position for e in kept), default=-1) + 1
        stored.evidence[:] = kept + [
            Evidence(position=start + n, source=source, note=note) for n, (source, note) in enumerate(links)
        ]
    session.flush()
    if stored.status is FactCheckStatus.DRAFT:
        publish_fact_check(session, stored)
    return stored, False


_RECORD_KINDS = {
    "claimReviewed": clean.QUOTE,
    "text": clean.QUOTE,
    "name": clean.NAME,
    "headline": clean.TITLE,
}


def _clean_record(record: _Record) -> None:
    """Refuse a record holding text `quotecheck.clean` refuses (JSON escapes hide it from a check of the file)."""
    clean.check_tree(record.review, "claimReview", _RECORD_KINDS, default=clean.PROSE)
    clean.check_tree(record.claim, "claim", _RECORD_KINDS, default=clean.PROSE)
    clean.check_tree(dict(record.graph), "@graph", _RECORD_KINDS, default=clean.PROSE)


def import_claim_reviews(session: Session, data: str | bytes | Json | list[Any]) -> ImportReport:
    """Import ClaimReviews (text, or JSON already parsed); each lands or is rejected alone, in a savepoint.

    Only an unreadable input as a whole (not JSON, nothing in it) raises a `ValidationError`.
    """
    report = ImportReport()
    for record in _records(data):
        report.read += 1
        if isinstance(record, Problem):
            report.rejected.append(record)
            continue
        try:
            _clean_record(record)
            review = _read(record)
            with session.begin_nested():
                fact_check, new = _land(session, review)
        except QuotecheckError as error:
            report.rejected.append(Problem(record.position, error.message))
            continue
        report.fact_checks.append(fact_check)
        report.warnings.extend(Problem(record.position, warning) for warning in review.warnings)
        if new:
            report.added += 1
        else:
            report.updated += 1
    if report.read == 0:
        raise ValidationError(
            "no ClaimReview found in the input; give a ClaimReview object, an array, an @graph holding "
            "ClaimReviews, a claims:search response, or JSON Lines"
        )
    detail = {
        "read": report.read,
        "added": report.added,
        "updated": report.updated,
        "rejected": len(report.rejected),
        "factChecks": [audit.ref("FactCheck", fact_check.id) for fact_check in report.fact_checks],
    }
    audit.record(session, "importClaimReview", detail=detail)
    return report


# --- out ---------------------------------------------------------------------------------------------------------
def _published_key(source: Source) -> int:
    return _NO_DATE if source.published_on is None else source.published_on.key


def claim_reviews_by_id(session: Session, ids: Collection[int]) -> dict[int, Json]:
    """ClaimReview JSON-LD of these fact-checks (whatever their status), by id.

    Two statements whatever the number: the fact-checks with their quotes, speakers, roles held on the day
    and imported appearance links; then the quotes' appearances with their sources. A provenance chain that
    leaves a quote's own appearances costs one more per step.
    """
    if not ids:
        return {}
    link_source = aliased(Source)
    said = type_coerce(Quote.said_on, Integer)
    # Rows multiply only across a speaker's roles held on one day and a review's few appearance links.
    rows = session.execute(
        select(FactCheck, Quote, Speaker, SpeakerRole, Evidence, link_source)
        .outerjoin(Quote, Quote.id == FactCheck.quote_id)
        .outerjoin(Speaker, Speaker.id == Quote.speaker_id)
        .outerjoin(
            SpeakerRole,
            and_(
                SpeakerRole.speaker_id == Speaker.id,
                Quote.said_on.is_not(None),
                role_held_between(said, partial_date_last_key(Quote.said_on)),
            ),
        )
        .outerjoin(Evidence, and_(Evidence.fact_check_id == FactCheck.id, Evidence.note.in_(_LINK_NOTES)))
        .outerjoin(link_source, link_source.id == Evidence.source_id)
        .where(FactCheck.id.in_(list(ids)))
        .order_by(
            FactCheck.id,
            SpeakerRole.started.asc().nulls_first(),
            SpeakerRole.id,
            Evidence.position,
            Evidence.id,
        )
        .options(raiseload("*"))
    ).all()
    checks: dict[int, tuple[FactCheck, Quote | None, Speaker | None]] = {}
    roles: dict[int, dict[int, SpeakerRole]] = {}
    linked: dict[int, dict[int, tuple[Source, str | None]]] = {}
    for fact_check, quote, speaker, role, evidence, source in rows:
        checks[fact_check.id] = (fact_check, quote, speaker)
        if role is not None:
            roles.setdefault(fact_check.id, {})[role.id] = role
        if evidence is not None and source is not None:
            linked.setdefault(fact_check.id, {}).setdefault(source.id, (source, evidence.note))

    # The quotes' appearances, then any appearance a chain passes through that is not one of them.
    origin = aliased(Source)
    base = select(Appearance, Source, origin).join(Source, Source.id == Appearance.source_id)
    base = base.outerjoin(origin, origin.id == Appearance.taken_from_source_id).options(raiseload("*"))
    quote_ids = {quote.id for _, quote, _ in checks.values() if quote is not None}
    found: dict[int, tuple[Appearance, Source, Source | None]] = {}
    wanted = base.where(Appearance.quote_id.in_(quote_ids)) if quote_ids else None
    while wanted is not None:
        for appearance, source, taken_from in session.execute(wanted).all():
            found[appearance.id] = (appearance, source, taken_from)
        missing = {
            a.taken_from_appearance_id
            for a, _, _ in found.values()
            if a.taken_from_appearance_id is not None and a.taken_from_appearance_id not in found
        }
        wanted = base.where(Appearance.id.in_(missing)) if missing else None
    by_quote: dict[int, list[Appearance]] = {}
    for appearance, _, _ in sorted(found.values(), key=lambda row: row[0].id):
        by_quote.setdefault(appearance.quote_id, []).append(appearance)

    def chain_sources(appearance: Appearance) -> Iterator[Source]:
        """Its source, the sources of the appearances it was taken from, and the origin the chain names."""
        seen: set[int] = set()
        current: Appearance | None = appearance
        while current is not None and current.id not in seen:
            seen.add(current.id)
            _, source, taken_from = found[current.id]
            yield source
            if taken_from is not None:
                yield taken_from
            step = current.taken_from_appearance_id
            current = found[step][0] if step is not None and step in found else None

    documents: dict[int, Json] = {}
    for fact_check_id, (fact_check, claimed, claimant) in checks.items():
        own = by_quote.get(claimed.id, []) if claimed is not None else []
        # The first appearance is the quote's (as `Quote.firstAppearance`): where the attribution as worded
        # was first printed. Then its other appearances, then what their provenance chains lead back to.
        by_date = sorted(own, key=lambda a: (_published_key(found[a.id][1]), a.id))
        first_source = found[by_date[0].id][1] if by_date else None
        works = {found[a.id][1].id: found[a.id][1] for a in by_date}
        chained = {s.id: s for a in by_date for s in chain_sources(a) if s.id not in works}
        ordered = [*works.values(), *sorted(chained.values(), key=lambda s: (_published_key(s), s.id))]
        works |= chained
        for source, note in linked.get(fact_check_id, {}).values():
            if source.id not in works:
                works[source.id] = source
                ordered.append(source)
            if first_source is None and note == FIRST_APPEARANCE_NOTE:
                first_source = source
        documents[fact_check_id] = claim_review(
            fact_check,
            quote=claimed,
            speaker=claimant,
            first_source=first_source,
            appearances=ordered,
            roles=list(roles.get(fact_check_id, {}).values()),
        )
    return documents


def export_claim_reviews(session: Session, since: PartialDate | str | None = None) -> list[Json]:
    """Every published fact-check as ClaimReview JSON-LD, oldest first; retracted ones are left out.

    `since`: only reviews whose datePublished may fall on or after that date (a review dated "2024" is kept
    for since=2024-03); an undated review counts from the day it was published here.
    """
    day = v.partial_date(since, "since")
    where = [FactCheck.status == FactCheckStatus.PUBLISHED]
    if day is not None:
        start = dt.datetime.combine(day.first_day, dt.time(), dt.UTC)
        where.append(
            or_(
                and_(
                    FactCheck.reviewed_on.is_not(None),
                    partial_date_last_key(FactCheck.reviewed_on) >= day.key,
                ),
                and_(FactCheck.reviewed_on.is_(None), FactCheck.published_at >= start),
            )
        )
    ids = list(session.scalars(select(FactCheck.id).where(*where).order_by(FactCheck.id)))
    documents: list[Json] = []
    for offset in range(0, len(ids), 500):
        chunk = ids[offset : offset + 500]
        built = claim_reviews_by_id(session, chunk)
        documents.extend(built[key] for key in chunk)
    return documents

"""The import mutations (editor tokens): a document as a string in, what was recorded out; one audit event
per import (see quotecheck.api.mutations.common for the shared rules)."""

from __future__ import annotations

from enum import Enum

import strawberry
from sqlalchemy.orm import Session

from quotecheck import clean
from quotecheck.api.mutations.common import UserError, attempt
from quotecheck.api.types import (
    Appearance,
    AppearanceRelation,
    Ctx,
    FactCheck,
    PossibleDuplicate,
    Source,
    Speaker,
    SpeakerKind,
    Verdict,
    _need,
)
from quotecheck.enums import TokenRole
from quotecheck.models import PossibleDuplicate as PossibleDuplicateRow
from quotecheck.services.articles import ArticleReport, ArticleText, import_article, parse_html
from quotecheck.services.claimreview import ImportReport, import_claim_reviews
from quotecheck.services.speakers import list_possible_duplicates
from quotecheck.services.transcripts import import_transcript, parse_transcript

__all__ = [
    "ImportArticleInput",
    "ImportArticlePayload",
    "ImportMutations",
    "ImportTranscriptInput",
    "ImportTranscriptPayload",
]


@strawberry.input(description="A transcript as `NAME: words` text or its JSON form (see the README).")
class ImportTranscriptInput:
    document: str
    title: str | None = None
    outlet: str | None = None
    date: str | None = None
    url: str | None = None
    language: str | None = None
    kind: str = "INTERVIEW"
    interview_of: list[str] = strawberry.field(default_factory=list)
    interviewers: list[str] = strawberry.field(default_factory=list)


@strawberry.type
class ImportTranscriptPayload:
    source: Source | None = strawberry.field(
        description="The transcript as stored (the earlier copy if known)."
    )
    created: bool = strawberry.field(description="False when the same transcript was already stored.")
    turns: int
    new_speakers: list[Speaker]
    user_errors: list[UserError]
    anonymous_participants: list[Speaker] = strawberry.field(
        default_factory=list,
        description='Generic labels ("Question", "Speaker 1"): participants of this transcript only.',
    )
    possible_duplicates: list[PossibleDuplicate] = strawberry.field(
        default_factory=list,
        description="New speakers that may be recorded ones: review them (possibleDuplicates, mergeSpeakers).",
    )


@strawberry.enum
class ArticleFormat(Enum):
    TEXT = "TEXT"
    HTML = "HTML"


@strawberry.input(description="A news article as plain text or HTML (page chrome is removed).")
class ImportArticleInput:
    document: str
    format: ArticleFormat = ArticleFormat.TEXT
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: str | None = None
    language: str | None = None
    kind: str = "ARTICLE"
    dry_run: bool = strawberry.field(
        default=False, description="Report what would be recorded; write nothing."
    )


@strawberry.type(description="A quotation the article prints, as recorded (or as it would be, in a dry run).")
class FoundQuotation:
    text: str
    relation: AppearanceRelation  # type: ignore[valid-type]
    speaker_name: str
    speaker_kind: SpeakerKind = strawberry.field(  # type: ignore[valid-type]
        description="PERSON, or ORGANIZATION for a body that speaks (“The Gazette reports”)."
    )
    attribution_as_written: str | None
    cited_as: str | None
    check_verdict: Verdict | None  # type: ignore[valid-type]
    check_confidence: float | None
    check_explanation: str | None
    appearance: Appearance | None


@strawberry.type
class ImportArticlePayload:
    source: Source | None
    created: bool
    dry_run: bool
    quotations: list[FoundQuotation]
    new_speakers: list[str]
    user_errors: list[UserError]


@strawberry.type(description="A ClaimReview record that could not be imported, or landed with a loss.")
class RecordProblem:
    position: str
    message: str


@strawberry.type
class ImportClaimReviewPayload:
    read: int
    added: int
    updated: int
    fact_checks: list[FactCheck]
    rejected: list[RecordProblem]
    warnings: list[RecordProblem]
    user_errors: list[UserError]


@strawberry.type
class ImportMutations:
    @strawberry.mutation(description="Import a transcript; importing the same one again changes nothing.")
    async def import_transcript(self, info: Ctx, input: ImportTranscriptInput) -> ImportTranscriptPayload:
        info.context.require(TokenRole.EDITOR, "importTranscript")

        def work(session: Session) -> tuple[int, bool, int, list[int], list[int], list[PossibleDuplicateRow]]:
            parsed = parse_transcript(input.document, name="the document")
            clean.check_tree(
                parsed, "document", clean.PARSED
            )  # what JSON escapes hid from the argument's check
            report = import_transcript(
                session,
                parsed,
                title=input.title,
                outlet=input.outlet,
                date=input.date,
                url=input.url,
                language=input.language,
                kind=input.kind,
                interviewees=list(input.interview_of),
                interviewers=list(input.interviewers),
            )
            return (
                report.source.id,
                report.created,
                len(parsed.turns),
                [s.id for s in report.new_speakers],
                [s.id for s in report.anonymous],
                list_possible_duplicates(session, ids=[d.id for d in report.possible_duplicates]),
            )

        done, errors = await attempt(info, work)
        if done is None:
            return ImportTranscriptPayload(
                source=None, created=False, turns=0, new_speakers=[], user_errors=errors
            )
        source_id, created, turns, new_ids, anonymous_ids, duplicates = done
        loaders = info.context.loaders
        source = Source(row=_need(await loaders.source.load(source_id)))
        speakers = [Speaker(row=_need(await loaders.speaker.load(i))) for i in new_ids]
        return ImportTranscriptPayload(
            source=source,
            created=created,
            turns=turns,
            new_speakers=speakers,
            user_errors=[],
            anonymous_participants=[Speaker(row=_need(await loaders.speaker.load(i))) for i in anonymous_ids],
            possible_duplicates=[PossibleDuplicate(row=row) for row in duplicates],
        )

    @strawberry.mutation(
        description="Import ClaimReview JSON-LD (an object, an array, an @graph, JSON Lines or a claims:search "
        "response); valid records land, invalid ones are reported; a review's URL is updated, never duplicated."
    )
    async def import_claim_review(self, info: Ctx, document: str) -> ImportClaimReviewPayload:
        info.context.require(TokenRole.EDITOR, "importClaimReview")

        def work(session: Session) -> tuple[ImportReport, list[int]]:
            report = import_claim_reviews(session, document)
            session.flush()
            return report, [fact_check.id for fact_check in report.fact_checks]

        done, errors = await attempt(info, work)
        if done is None:
            return ImportClaimReviewPayload(
                read=0, added=0, updated=0, fact_checks=[], rejected=[], warnings=[], user_errors=errors
            )
        report, ids = done
        loaders = info.context.loaders
        landed = [await loaders.fact_check.load(i) for i in ids]
        return ImportClaimReviewPayload(
            read=report.read,
            added=report.added,
            updated=report.updated,
            fact_checks=[FactCheck(row=row) for row in landed if row is not None],
            rejected=[RecordProblem(position=p.position, message=p.reason) for p in report.rejected],
            warnings=[RecordProblem(position=p.position, message=p.reason) for p in report.warnings],
            user_errors=[],
        )

    @strawberry.mutation(description="Import a news article and the quotations it prints, each checked.")
    async def import_article(self, info: Ctx, input: ImportArticleInput) -> ImportArticlePayload:
        info.context.require(TokenRole.EDITOR, "importArticle")

        def work(session: Session) -> ArticleReport:
            article = (
                parse_html(input.document, name="the document")
                if input.format is ArticleFormat.HTML
                else ArticleText(text=input.document)
            )
            clean.check_tree(article, "document", clean.PARSED, default=clean.LINE)  # what entities hid
            return import_article(
                session,
                article,
                title=input.title,
                url=input.url,
                outlet=input.outlet,
                published=input.published,
                language=input.language,
                kind=input.kind,
                dry_run=input.dry_run,
            )

        report, errors = await attempt(info, work)
        if report is None:
            return ImportArticlePayload(
                source=None,
                created=False,
                dry_run=input.dry_run,
                quotations=[],
                new_speakers=[],
                user_errors=errors,
            )
        loaders = info.context.loaders
        source = None
        if report.source_id is not None and not report.dry_run:
            source = Source(row=_need(await loaders.source.load(report.source_id)))
        quotations = []
        for found in report.quotes:
            row = None
            if found.appearance_id is not None and not report.dry_run:
                row = await loaders.appearance.load(found.appearance_id)
            quotations.append(
                FoundQuotation(
                    text=found.text,
                    relation=found.relation,
                    speaker_name=found.speaker,
                    speaker_kind=found.speaker_kind,
                    attribution_as_written=found.attribution,
                    cited_as=found.cited_as,
                    check_verdict=found.verdict,
                    check_confidence=found.confidence,
                    check_explanation=found.explanation,
                    appearance=None if row is None else Appearance(row=row),
                )
            )
        return ImportArticlePayload(
            source=source,
            created=report.created,
            dry_run=report.dry_run,
            quotations=quotations,
            new_speakers=list(report.new_speakers),
            user_errors=[],
        )

"""The import mutations: a document as a string in, what was recorded out.

Each mutation runs its service in a transaction of its own (committed when the service returns). Problems
with the input come back as data, in `userErrors { field message code }`, so a front end can show them next
to the field; nothing is written then. (Authentication arrives with the write-API issue.)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import strawberry
from sqlalchemy.orm import Session

from quotecheck.api.types import Ctx, Source, Speaker, _need
from quotecheck.errors import QuotecheckError
from quotecheck.services.transcripts import import_transcript, parse_transcript

__all__ = ["ImportTranscriptInput", "ImportTranscriptPayload", "Mutation", "UserError"]

T = TypeVar("T")


@strawberry.type(description="A problem with the input, shown next to its field; nothing was written.")
class UserError:
    field: str | None
    message: str
    code: str


async def _attempt(info: Ctx, work: Callable[[Session], T]) -> tuple[T | None, list[UserError]]:
    try:
        return await info.context.write(work), []
    except QuotecheckError as error:
        return None, [UserError(field=error.field, message=error.message, code=error.code)]


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


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Import a transcript; importing the same one again changes nothing.")
    async def import_transcript(self, info: Ctx, input: ImportTranscriptInput) -> ImportTranscriptPayload:
        def work(session: Session) -> tuple[int, bool, int, list[int]]:
            parsed = parse_transcript(input.document, name="the document")
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
            return report.source.id, report.created, len(parsed.turns), [s.id for s in report.new_speakers]

        done, errors = await _attempt(info, work)
        if done is None:
            return ImportTranscriptPayload(
                source=None, created=False, turns=0, new_speakers=[], user_errors=errors
            )
        source_id, created, turns, new_ids = done
        loaders = info.context.loaders
        source = Source(row=_need(await loaders.source.load(source_id)))
        speakers = [Speaker(row=_need(await loaders.speaker.load(i))) for i in new_ids]
        return ImportTranscriptPayload(
            source=source, created=created, turns=turns, new_speakers=speakers, user_errors=[]
        )

"""`checkQuote`: the quote check over GraphQL, the same service as `quotecheck check`.

The database part runs on the operation's session (through `run_sync`, so the event loop never waits on it);
the text work, which is CPU only, runs in a worker thread so that other requests keep being served.
"""

from __future__ import annotations

import asyncio

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from quotecheck import matching
from quotecheck.api.ids import decode_id
from quotecheck.api.types import Ctx, Source, Speaker, SpeakerCandidate, Turn, Verdict, _need
from quotecheck.services.checks import (
    MAX_CANDIDATES,
    MAX_MATCHES,
    CheckRequest,
    CheckResult,
    Prepared,
    decide,
    needs_speaker_documents,
    prepare,
    with_speaker_documents,
)

__all__ = ["CheckQuoteInput", "QuoteCheck", "QuoteMatch", "TextDifference", "check_quote"]

DifferenceKind = strawberry.enum(matching.DifferenceKind, description="How a quote differs from its source.")


@strawberry.input(
    description="A quote as published, and who it is attributed to (give speakerId or speakerName)."
)
class CheckQuoteInput:
    text: str
    speaker_id: strawberry.ID | None = None
    speaker_name: str | None = None
    said_on: str | None = strawberry.field(
        default=None, description="When it was said, if known (partial date)."
    )
    language: str | None = strawberry.field(default=None, description="Only sources in this language.")


@strawberry.type
class TextDifference:
    kind: DifferenceKind  # type: ignore[valid-type]
    claimed: str = strawberry.field(description="The words as the quote has them (empty for a cut).")
    original: str = strawberry.field(description="The words as the source has them (empty for an addition).")
    note: str


@strawberry.type(description="A passage that bears on the quote, with how the quote differs from it.")
class QuoteMatch:
    match: strawberry.Private[matching.Match]

    @strawberry.field
    async def source(self, info: Ctx) -> Source:
        return Source(row=_need(await info.context.loaders.source.load(self.match.document.source_id)))

    @strawberry.field(description="The transcript turn the passage starts in (null in a secondary source).")
    async def turn(self, info: Ctx) -> Turn | None:
        turn_id = self.match.spans[0].turn_id if self.match.spans else None
        if turn_id is None:
            return None
        row = _need(await info.context.loaders.turn.load(turn_id))
        source = _need(await info.context.loaders.source.load(row.source_id))
        return Turn(row=row, text_of_source=source.text or "")

    @strawberry.field(description="Who said the passage, when the source records it.")
    async def speaker(self, info: Ctx) -> Speaker | None:
        speaker_id = self.match.spans[0].speaker_id if self.match.spans else None
        if speaker_id is None:
            return None
        return Speaker(row=_need(await info.context.loaders.speaker.load(speaker_id)))

    @strawberry.field
    def passage(self) -> str:
        return self.match.passage

    @strawberry.field(description="Offset of the passage in the source's text.")
    def start(self) -> int:
        return self.match.source_start

    @strawberry.field
    def end(self) -> int:
        return self.match.source_end

    @strawberry.field(
        description="Word similarity, 0 to 1 (for a paraphrase, about the weighted share of the quote's terms found)."
    )
    def score(self) -> float:
        return round(self.match.score, 3)

    @strawberry.field(
        description="True when the source is primary (a transcript), false when it reports words."
    )
    def primary(self) -> bool:
        return self.match.primary

    @strawberry.field
    def differences(self) -> list[TextDifference]:
        return [
            TextDifference(kind=d.kind, claimed=d.claimed, original=d.original, note=d.note)
            for d in self.match.differences
        ]


@strawberry.type(description="The automatic check: evidence for a fact-checker, not a verdict by itself.")
class QuoteCheck:
    result: strawberry.Private[CheckResult]

    @strawberry.field
    def verdict(self) -> Verdict:  # type: ignore[valid-type]
        return self.result.outcome.verdict

    @strawberry.field(description="0 to 1.")
    def confidence(self) -> float:
        return self.result.outcome.confidence

    @strawberry.field
    def explanation(self) -> str:
        return self.result.outcome.explanation

    @strawberry.field(description="The speaker the quote is attributed to, when recorded.")
    def speaker(self) -> Speaker | None:
        return None if self.result.speaker is None else Speaker(row=self.result.speaker)

    @strawberry.field(
        description="The recorded speakers `speakerName` may mean, best first, when it may mean more than one: "
        "the quote was checked against each (see the explanation). Empty when the name was sure."
    )
    def speaker_candidates(self) -> list[SpeakerCandidate]:
        if not self.result.ambiguous:
            return []
        return [
            SpeakerCandidate(speaker=Speaker(row=c.speaker), score=c.score, reason=c.reason)
            for c in self.result.candidates[:MAX_CANDIDATES]
        ]

    @strawberry.field(description=f"Best first, at most {MAX_MATCHES}.")
    def matches(self) -> list[QuoteMatch]:
        return [QuoteMatch(match=m) for m in self.result.outcome.matches[:MAX_MATCHES]]


async def check_quote(info: Ctx, input: CheckQuoteInput) -> QuoteCheck:
    request = CheckRequest(
        text=input.text,
        speaker_id=None if input.speaker_id is None else decode_id(str(input.speaker_id), "Speaker")[1],
        speaker_name=input.speaker_name,
        said_on=input.said_on,
        language=input.language,
    )
    ctx = info.context

    async def on_session(work: object) -> Prepared:
        async def run(session: AsyncSession) -> Prepared:
            return await session.run_sync(work)  # type: ignore[arg-type]

        return await ctx.run(run)

    prepared = await on_session(lambda session: prepare(session, request))
    result = await asyncio.to_thread(decide, prepared)
    if needs_speaker_documents(prepared, result):
        wider = await on_session(lambda session: with_speaker_documents(session, prepared))
        result = await asyncio.to_thread(decide, wider)
    return QuoteCheck(result=result)

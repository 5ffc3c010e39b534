"""Quote mutations: create and update (editors), delete (admins)."""

from __future__ import annotations

from collections.abc import Callable

import strawberry
from sqlalchemy.orm import Session

from quotecheck.api.mutations.common import (
    DeleteInput,
    DeletePayload,
    UserError,
    changes_of,
    delete_node,
    key_of,
    optional_key,
    parse_key,
    saved,
)
from quotecheck.api.types import Ctx, Quote
from quotecheck.enums import TokenRole
from quotecheck.models import Interview, Speaker
from quotecheck.services import audit, quotes
from quotecheck.services.sources import referenced

__all__ = ["QuoteMutations"]


@strawberry.input(description='Words attributed to a speaker; `saidOn` is a partial date ("2013-03").')
class CreateQuoteInput:
    text: str
    speaker_id: strawberry.ID
    language: str | None = None
    said_on: str | None = None
    interview_id: strawberry.ID | None = None
    note: str | None = None
    topics: list[str] | None = strawberry.field(
        default=None, description="Topic names; a topic not yet known is made."
    )


@strawberry.input(
    description="The fields to change; a field left out stays as it is. `topics` replaces the old list."
)
class UpdateQuoteInput:
    id: strawberry.ID
    version: int
    text: str | None = strawberry.UNSET
    speaker_id: strawberry.ID | None = strawberry.UNSET
    language: str | None = strawberry.UNSET
    said_on: str | None = strawberry.UNSET
    interview_id: strawberry.ID | None = strawberry.UNSET
    note: str | None = strawberry.UNSET
    topics: list[str] | None = strawberry.UNSET


@strawberry.type
class QuotePayload:
    quote: Quote | None = strawberry.field(
        description="The quote as saved; after a CONFLICT, as it stands now."
    )
    user_errors: list[UserError]


async def _payload(info: Ctx, work: Callable[[Session], int], current: int | None = None) -> QuotePayload:
    quote, errors = await saved(info, work, Quote, current=current)
    return QuotePayload(quote=quote, user_errors=errors)


@strawberry.type
class QuoteMutations:
    @strawberry.mutation(
        description="Create a quote (editor); the same words of the same speaker are a CONFLICT."
    )
    async def create_quote(self, info: Ctx, input: CreateQuoteInput) -> QuotePayload:
        info.context.require(TokenRole.EDITOR, "createQuote")

        def work(session: Session) -> int:
            speaker = referenced(
                session, Speaker, key_of(input.speaker_id, "Speaker", "speakerId"), "speaker_id"
            )
            interview = optional_key(input.interview_id, "Interview", "interviewId")
            assert speaker is not None
            row = quotes.create_quote(
                session,
                speaker=speaker,
                text=input.text,
                language=input.language,
                said_on=input.said_on,
                interview=referenced(session, Interview, interview, "interview_id"),
                topics=input.topics or (),
                note=input.note,
            )
            audit.record(session, "createQuote", row)
            return row.id

        return await _payload(info, work)

    @strawberry.mutation(description="Change a quote (editor); `version` must be the one read.")
    async def update_quote(self, info: Ctx, input: UpdateQuoteInput) -> QuotePayload:
        info.context.require(TokenRole.EDITOR, "updateQuote")
        key, errors = parse_key(input.id, "Quote", "id")
        if key is None:
            return QuotePayload(quote=None, user_errors=errors)

        def work(session: Session) -> int:
            assert key is not None
            changes = changes_of(input, quotes.QUOTE_FIELDS)
            if "speaker_id" in changes:
                changes["speaker_id"] = optional_key(changes["speaker_id"], "Speaker", "speakerId")
            if "interview_id" in changes:
                changes["interview_id"] = optional_key(changes["interview_id"], "Interview", "interviewId")
            return quotes.update_quote(session, key, version=input.version, changes=changes).id

        return await _payload(info, work, current=key)

    @strawberry.mutation(
        description="Delete a quote no fact-check judges (admin); its appearances go with it when nothing "
        "else refers to them."
    )
    async def delete_quote(self, info: Ctx, input: DeleteInput) -> DeletePayload:
        return await delete_node(info, input, "Quote", quotes.delete_quote)

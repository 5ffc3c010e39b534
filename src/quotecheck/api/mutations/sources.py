"""Source mutations: create and update documents (editors), delete (admins). Transcripts with speaker turns
come in through `importTranscript`."""

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
    optional_key,
    parse_key,
    saved,
)
from quotecheck.api.types import Ctx, Source, SourceKind
from quotecheck.enums import TokenRole
from quotecheck.models import Interview, Outlet
from quotecheck.services import audit, sources

__all__ = ["SourceMutations"]


@strawberry.input(
    description='A document; `publishedOn` is a partial date ("2013", "2013-03", "2013-03-14").'
)
class CreateSourceInput:
    kind: SourceKind  # type: ignore[valid-type]
    title: str
    url: str | None = None
    outlet_id: strawberry.ID | None = None
    interview_id: strawberry.ID | None = None
    published_on: str | None = None
    language: str | None = None
    text: str | None = strawberry.field(
        default=None, description="The full text, when held (a transcript's is searched at once)."
    )
    note: str | None = None


@strawberry.input(
    description="The fields to change; a field left out stays as it is. A new `text` is refused while turns, "
    "appearances or evidence point into the old one by offsets."
)
class UpdateSourceInput:
    id: strawberry.ID
    version: int
    kind: SourceKind | None = strawberry.UNSET  # type: ignore[valid-type]
    title: str | None = strawberry.UNSET
    url: str | None = strawberry.UNSET
    outlet_id: strawberry.ID | None = strawberry.UNSET
    interview_id: strawberry.ID | None = strawberry.UNSET
    published_on: str | None = strawberry.UNSET
    language: str | None = strawberry.UNSET
    text: str | None = strawberry.UNSET
    note: str | None = strawberry.UNSET


@strawberry.type
class SourcePayload:
    source: Source | None = strawberry.field(
        description="The source as saved; after a CONFLICT, as it stands now."
    )
    user_errors: list[UserError]


async def _payload(info: Ctx, work: Callable[[Session], int], current: int | None = None) -> SourcePayload:
    source, errors = await saved(info, work, Source, current=current)
    return SourcePayload(source=source, user_errors=errors)


@strawberry.type
class SourceMutations:
    @strawberry.mutation(description="Create a source (editor).")
    async def create_source(self, info: Ctx, input: CreateSourceInput) -> SourcePayload:
        info.context.require(TokenRole.EDITOR, "createSource")

        def work(session: Session) -> int:
            outlet = optional_key(input.outlet_id, "Outlet", "outletId")
            interview = optional_key(input.interview_id, "Interview", "interviewId")
            row = sources.create_source(
                session,
                kind=input.kind,
                title=input.title,
                url=input.url,
                outlet=sources.referenced(session, Outlet, outlet, "outlet_id"),
                interview=sources.referenced(session, Interview, interview, "interview_id"),
                published_on=input.published_on,
                language=input.language,
                text=input.text,
                note=input.note,
            )
            audit.record(session, "createSource", row)
            return row.id

        return await _payload(info, work)

    @strawberry.mutation(description="Change a source (editor); `version` must be the one read.")
    async def update_source(self, info: Ctx, input: UpdateSourceInput) -> SourcePayload:
        info.context.require(TokenRole.EDITOR, "updateSource")
        key, errors = parse_key(input.id, "Source", "id")
        if key is None:
            return SourcePayload(source=None, user_errors=errors)

        def work(session: Session) -> int:
            assert key is not None
            changes = changes_of(input, sources.SOURCE_FIELDS)
            if "outlet_id" in changes:
                changes["outlet_id"] = optional_key(changes["outlet_id"], "Outlet", "outletId")
            if "interview_id" in changes:
                changes["interview_id"] = optional_key(changes["interview_id"], "Interview", "interviewId")
            return sources.update_source(session, key, version=input.version, changes=changes).id

        return await _payload(info, work, current=key)

    @strawberry.mutation(
        description="Delete a source nothing refers to (admin); its turns and search index rows go with it."
    )
    async def delete_source(self, info: Ctx, input: DeleteInput) -> DeletePayload:
        return await delete_node(info, input, "Source", sources.delete_source)

"""Appearance mutations: create and update (editors), delete (admins). Fields are named as on the
`Appearance` type (`textAsPublished`, `start`, `end` ...)."""

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
from quotecheck.api.types import Appearance, AppearanceRelation, Ctx
from quotecheck.enums import TokenRole
from quotecheck.services import appearances, audit

__all__ = ["AppearanceMutations"]


@strawberry.input(
    description="A quote as printed in a source. Without `start`/`end` the text is looked for in the source's "
    "text; at most one of `takenFromAppearanceId` and `takenFromSourceId`."
)
class CreateAppearanceInput:
    quote_id: strawberry.ID
    source_id: strawberry.ID
    text_as_published: str
    relation: AppearanceRelation  # type: ignore[valid-type]
    start: int | None = None
    end: int | None = None
    attribution_as_written: str | None = None
    taken_from_appearance_id: strawberry.ID | None = None
    taken_from_source_id: strawberry.ID | None = None
    cited_as: str | None = None
    note: str | None = None


@strawberry.input(
    description="The fields to change; a field left out stays as it is. A new source or text is placed again: "
    "at the `start`/`end` given, else where the text is found."
)
class UpdateAppearanceInput:
    id: strawberry.ID
    version: int
    quote_id: strawberry.ID | None = strawberry.UNSET
    source_id: strawberry.ID | None = strawberry.UNSET
    text_as_published: str | None = strawberry.UNSET
    start: int | None = strawberry.UNSET
    end: int | None = strawberry.UNSET
    attribution_as_written: str | None = strawberry.UNSET
    relation: AppearanceRelation | None = strawberry.UNSET  # type: ignore[valid-type]
    taken_from_appearance_id: strawberry.ID | None = strawberry.UNSET
    taken_from_source_id: strawberry.ID | None = strawberry.UNSET
    cited_as: str | None = strawberry.UNSET
    note: str | None = strawberry.UNSET


@strawberry.type
class AppearancePayload:
    appearance: Appearance | None = strawberry.field(
        description="The appearance as saved; after a CONFLICT, as it stands now."
    )
    user_errors: list[UserError]


async def _payload(
    info: Ctx, work: Callable[[Session], int], current: int | None = None
) -> AppearancePayload:
    appearance, errors = await saved(info, work, Appearance, current=current)
    return AppearancePayload(appearance=appearance, user_errors=errors)


_REFERENCES = {
    "quote_id": ("Quote", "quoteId"),
    "source_id": ("Source", "sourceId"),
    "taken_from_appearance_id": ("Appearance", "takenFromAppearanceId"),
    "taken_from_source_id": ("Source", "takenFromSourceId"),
}


@strawberry.type
class AppearanceMutations:
    @strawberry.mutation(description="Record where a quote was printed (editor).")
    async def create_appearance(self, info: Ctx, input: CreateAppearanceInput) -> AppearancePayload:
        info.context.require(TokenRole.EDITOR, "createAppearance")

        def work(session: Session) -> int:
            row = appearances.add_appearance(
                session,
                quote_id=key_of(input.quote_id, "Quote", "quoteId"),
                source_id=key_of(input.source_id, "Source", "sourceId"),
                text_as_published=input.text_as_published,
                relation=input.relation,
                start=input.start,
                end=input.end,
                attribution_as_written=input.attribution_as_written,
                taken_from_appearance_id=optional_key(
                    input.taken_from_appearance_id, "Appearance", "takenFromAppearanceId"
                ),
                taken_from_source_id=optional_key(input.taken_from_source_id, "Source", "takenFromSourceId"),
                cited_as=input.cited_as,
                note=input.note,
            )
            audit.record(session, "createAppearance", row)
            return row.id

        return await _payload(info, work)

    @strawberry.mutation(description="Change an appearance (editor); `version` must be the one read.")
    async def update_appearance(self, info: Ctx, input: UpdateAppearanceInput) -> AppearancePayload:
        info.context.require(TokenRole.EDITOR, "updateAppearance")
        key, errors = parse_key(input.id, "Appearance", "id")
        if key is None:
            return AppearancePayload(appearance=None, user_errors=errors)

        def work(session: Session) -> int:
            assert key is not None
            changes = changes_of(input, appearances.APPEARANCE_FIELDS)
            for name, (type_name, field) in _REFERENCES.items():
                if name in changes:
                    changes[name] = optional_key(changes[name], type_name, field)
            return appearances.update_appearance(session, key, version=input.version, changes=changes).id

        return await _payload(info, work, current=key)

    @strawberry.mutation(
        description="Delete an appearance (admin); refused while others were copied from it or evidence cites it."
    )
    async def delete_appearance(self, info: Ctx, input: DeleteInput) -> DeletePayload:
        return await delete_node(info, input, "Appearance", appearances.delete_appearance)

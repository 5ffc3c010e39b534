"""Outlet mutations: create and update (editors), delete (admins)."""

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
    parse_key,
    saved,
)
from quotecheck.api.types import Ctx, Outlet, OutletKind
from quotecheck.enums import TokenRole
from quotecheck.services import audit, outlets

__all__ = ["OutletMutations"]


@strawberry.input(description="A new outlet; `domain` defaults to the host of `url`.")
class CreateOutletInput:
    name: str
    kind: OutletKind = OutletKind.OTHER  # type: ignore[valid-type]
    url: str | None = None
    domain: str | None = None
    country: str | None = strawberry.field(default=None, description="ISO 3166-1 alpha-2 (US, FR ...).")
    languages: list[str] = strawberry.field(default_factory=list, description="BCP 47 tags (en, pt-BR ...).")
    description: str | None = None


@strawberry.input(
    description="The fields to change; a field left out stays as it is. `languages` replaces the old list. "
    "A domain that followed the old `url` follows the new one."
)
class UpdateOutletInput:
    id: strawberry.ID
    version: int
    name: str | None = strawberry.UNSET
    kind: OutletKind | None = strawberry.UNSET  # type: ignore[valid-type]
    url: str | None = strawberry.UNSET
    domain: str | None = strawberry.UNSET
    country: str | None = strawberry.UNSET
    languages: list[str] | None = strawberry.UNSET
    description: str | None = strawberry.UNSET


@strawberry.type
class OutletPayload:
    outlet: Outlet | None = strawberry.field(
        description="The outlet as saved; after a CONFLICT, as it stands now."
    )
    user_errors: list[UserError]


async def _payload(info: Ctx, work: Callable[[Session], int], current: int | None = None) -> OutletPayload:
    outlet, errors = await saved(info, work, Outlet, current=current)
    return OutletPayload(outlet=outlet, user_errors=errors)


@strawberry.type
class OutletMutations:
    @strawberry.mutation(description="Create an outlet (editor).")
    async def create_outlet(self, info: Ctx, input: CreateOutletInput) -> OutletPayload:
        info.context.require(TokenRole.EDITOR, "createOutlet")

        def work(session: Session) -> int:
            row = outlets.create_outlet(
                session,
                name=input.name,
                kind=input.kind,
                url=input.url,
                domain=input.domain,
                country=input.country,
                languages=input.languages,
                description=input.description,
            )
            audit.record(session, "createOutlet", row)
            return row.id

        return await _payload(info, work)

    @strawberry.mutation(description="Change an outlet (editor); `version` must be the one read.")
    async def update_outlet(self, info: Ctx, input: UpdateOutletInput) -> OutletPayload:
        info.context.require(TokenRole.EDITOR, "updateOutlet")
        key, errors = parse_key(input.id, "Outlet", "id")
        if key is None:
            return OutletPayload(outlet=None, user_errors=errors)

        def work(session: Session) -> int:
            assert key is not None
            changes = changes_of(input, outlets.OUTLET_FIELDS)
            return outlets.update_outlet(session, key, version=input.version, changes=changes).id

        return await _payload(info, work, current=key)

    @strawberry.mutation(
        description="Delete an outlet no source or interview refers to (admin); else move those first."
    )
    async def delete_outlet(self, info: Ctx, input: DeleteInput) -> DeletePayload:
        return await delete_node(info, input, "Outlet", outlets.delete_outlet)

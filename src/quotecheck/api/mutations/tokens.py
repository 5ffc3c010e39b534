"""Token mutations (admin): create one (its secret is in the payload, once) and revoke one."""

from __future__ import annotations

import strawberry
from sqlalchemy.orm import Session

from quotecheck.api.mutations.common import UserError, attempt
from quotecheck.api.types import ApiToken, Ctx, TokenRole
from quotecheck.enums import TokenRole as Role
from quotecheck.services import tokens

__all__ = ["TokenMutations"]


@strawberry.input
class CreateTokenInput:
    name: str
    role: TokenRole  # type: ignore[valid-type]


@strawberry.type
class CreateTokenPayload:
    token: ApiToken | None
    secret: str | None = strawberry.field(
        description="The token to send as `Authorization: Bearer <secret>`: shown here once, never again."
    )
    user_errors: list[UserError]


@strawberry.input
class RevokeTokenInput:
    name: str


@strawberry.type
class TokenPayload:
    token: ApiToken | None
    user_errors: list[UserError]


@strawberry.type
class TokenMutations:
    @strawberry.mutation(description="Create an API token (admin); the payload holds its secret, once.")
    async def create_token(self, info: Ctx, input: CreateTokenInput) -> CreateTokenPayload:
        info.context.require(Role.ADMIN, "createToken")

        def work(session: Session) -> tokens.NewToken:
            return tokens.create_token(session, name=input.name, role=input.role)

        made, errors = await attempt(info, work)
        if made is None:
            return CreateTokenPayload(token=None, secret=None, user_errors=errors)
        return CreateTokenPayload(token=ApiToken(row=made.row), secret=made.secret, user_errors=[])

    @strawberry.mutation(
        description="Revoke an API token by name (admin); it is refused from the next request."
    )
    async def revoke_token(self, info: Ctx, input: RevokeTokenInput) -> TokenPayload:
        info.context.require(Role.ADMIN, "revokeToken")

        def work(session: Session) -> ApiToken:
            return ApiToken(row=tokens.revoke_token(session, input.name))

        token, errors = await attempt(info, work)
        return TokenPayload(token=token, user_errors=errors)

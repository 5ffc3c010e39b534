"""What every mutation shares: the role check, errors as data (`userErrors`), global IDs in inputs, the
"absent means unchanged" rule of update inputs, and the payload shapes.

A mutation runs its service in a write transaction of its own (`Context.write`): the change and its audit event
commit together, or nothing is written. Problems with the input come back in `userErrors` with the input
field's name (camelCase), so a front end can show them next to the field. A missing or insufficient token is a
GraphQL error (`UNAUTHENTICATED` / `FORBIDDEN`) raised before anything is read or written.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import strawberry
from sqlalchemy.orm import Session

from quotecheck.api.ids import decode_id
from quotecheck.api.types import Ctx, Node
from quotecheck.enums import TokenRole
from quotecheck.errors import Conflict, QuotecheckError

__all__ = [
    "DeleteInput",
    "DeletePayload",
    "UserError",
    "attempt",
    "changes_of",
    "delete_node",
    "key_of",
    "optional_key",
    "parse_key",
    "saved",
]

T = TypeVar("T")
N = TypeVar("N", bound=Node)

_CAMEL = re.compile(r"_([a-z0-9])")
_SNAKE = re.compile(r"([A-Z])")


def camel(name: str | None) -> str | None:
    return None if name is None else _CAMEL.sub(lambda m: m[1].upper(), name)


@strawberry.type(description="A problem with the input, shown next to its field; nothing was written.")
class UserError:
    field: str | None = strawberry.field(description="The input field at fault (camelCase), if one is.")
    message: str
    code: str = strawberry.field(
        description="INVALID, NOT_FOUND, CONFLICT (a stale `version`, a duplicate, a record in use), "
        "BAD_USER_INPUT (a malformed ID)."
    )
    current_version: int | None = strawberry.field(
        default=None, description="With a CONFLICT over `version`: the version stored now."
    )


def user_error(error: QuotecheckError) -> UserError:
    current = error.current_version if isinstance(error, Conflict) else None
    return UserError(
        field=camel(error.field), message=error.message, code=error.code, current_version=current
    )


async def attempt(info: Ctx, work: Callable[[Session], T]) -> tuple[T | None, list[UserError]]:
    """Run `work` in a write transaction; a QuotecheckError rolls it back and becomes a user error."""
    try:
        return await info.context.write(work), []
    except QuotecheckError as error:
        return None, [user_error(error)]


def key_of(value: strawberry.ID | str, type_name: str | tuple[str, ...], field: str) -> int:
    """The row id of a global ID given in an input field (a user error naming the field when it is not)."""
    try:
        return decode_id(str(value), type_name)[1]
    except QuotecheckError as error:
        raise type(error)(error.message, field=field) from None


def parse_key(value: strawberry.ID | str, type_name: str, field: str) -> tuple[int | None, list[UserError]]:
    """`key_of` outside a transaction: the row id, or the user error to answer with."""
    try:
        return key_of(value, type_name, field), []
    except QuotecheckError as error:
        return None, [user_error(error)]


def optional_key(value: Any, type_name: str, field: str) -> int | None:
    return None if value is None else key_of(value, type_name, field)


def changes_of(given: Any, fields: Iterable[str]) -> dict[str, Any]:
    """The fields a client sent in an update input (UNSET ones are left out: absent means unchanged)."""
    return {name: getattr(given, name) for name in fields if getattr(given, name) is not strawberry.UNSET}


async def saved(
    info: Ctx, work: Callable[[Session], int], node: type[N], *, current: int | None = None
) -> tuple[N | None, list[UserError]]:
    """Run `work` (which returns the changed row's id), then load the object as committed, as a `node`.
    After a failure, `current` (the id the client named) loads the object as it stands, so a CONFLICT shows
    the fresh version."""
    key, errors = await attempt(info, work)
    if key is None:
        key = current
    if key is None:
        return None, errors
    loader = getattr(info.context.loaders, _SNAKE.sub(r"_\1", node.type_name).lower().lstrip("_"))
    row = await loader.load(key)
    return (None if row is None else node(row=row)), errors


@strawberry.input(description="Which object to delete, and the version read (a stale one is a CONFLICT).")
class DeleteInput:
    id: strawberry.ID
    version: int


@strawberry.type(description="The ID of the deleted object (null when nothing was deleted).")
class DeletePayload:
    deleted_id: strawberry.ID | None
    user_errors: list[UserError]


async def delete_node(
    info: Ctx, input: DeleteInput, type_name: str, delete: Callable[..., None]
) -> DeletePayload:
    """The whole of every `deleteX` (admin): `delete(session, key, version=...)` refuses what is in use."""
    info.context.require(TokenRole.ADMIN, f"delete{type_name}")

    def work(session: Session) -> strawberry.ID:
        delete(session, key_of(input.id, type_name, "id"), version=input.version)
        return input.id

    deleted, errors = await attempt(info, work)
    return DeletePayload(deleted_id=deleted, user_errors=errors)

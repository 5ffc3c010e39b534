"""Who is asking: an `Actor` is attached to every session that writes (see quotecheck.services.audit) and to
every API request; roles are ordered (reader < editor < admin) and `require` says what a refusal means."""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass

from quotecheck.enums import ActorKind, TokenRole
from quotecheck.errors import Forbidden, Unauthenticated

__all__ = ["ANONYMOUS", "Actor", "cli_actor"]

_WHAT = {
    TokenRole.READER: "a token (any role)",
    TokenRole.EDITOR: "an editor or admin token",
    TokenRole.ADMIN: "an admin token",
}


@dataclass(frozen=True, slots=True)
class Actor:
    """`role` None is an anonymous client: it reads published data and changes nothing."""

    name: str
    kind: ActorKind | None
    role: TokenRole | None
    token_id: int | None = None

    @property
    def sees_drafts(self) -> bool:
        """Draft fact-checks and the audit trail are for token holders only."""
        return self.role is not None

    def may(self, needed: TokenRole) -> bool:
        return self.role is not None and self.role.rank >= needed.rank

    def require(self, needed: TokenRole, doing: str) -> None:
        """Refuse `doing` unless this actor's role reaches `needed`: UNAUTHENTICATED without a token,
        FORBIDDEN with a token whose role is too low."""
        if self.role is None:
            raise Unauthenticated(
                f"{doing} needs {_WHAT[needed]}; send it as `Authorization: Bearer <token>` "
                "(an administrator creates one with `quotecheck token create`)"
            )
        if not self.may(needed):
            raise Forbidden(
                f"{doing} needs {_WHAT[needed]}; the token {self.name!r} is a {self.role.value.lower()} token"
            )


ANONYMOUS = Actor(name="anonymous", kind=None, role=None)


def cli_actor() -> Actor:
    """The user running a command on this machine: an administrator (they hold the database itself)."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (some containers)
        user = os.environ.get("USER") or f"uid {os.getuid()}"
    return Actor(name=f"cli:{user}", kind=ActorKind.CLI, role=TokenRole.ADMIN)

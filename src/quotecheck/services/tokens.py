"""API tokens: create (the secret is returned once), list, revoke, and look one up from a request.

A token is `qc_` and 43 URL-safe characters (256 random bits). Only its SHA-256 is stored: equal hashes are
found by an index lookup and confirmed with `hmac.compare_digest`, and the secret itself is never stored,
logged or echoed in an error message.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from quotecheck.auth import Actor
from quotecheck.db import actor_of
from quotecheck.enums import ActorKind, TokenRole
from quotecheck.errors import Conflict, NotFound, ValidationError
from quotecheck.models import ApiToken
from quotecheck.models.base import utcnow
from quotecheck.services import _validate as v
from quotecheck.services import audit

__all__ = [
    "NewToken",
    "actor_for",
    "create_token",
    "list_tokens",
    "revoke_token",
    "token_hash",
    "well_formed",
]

PREFIX = "qc_"
_SHAPE = re.compile(r"^qc_[A-Za-z0-9_-]{43}$")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._@-]{0,63}$")


@dataclass(frozen=True, slots=True)
class NewToken:
    row: ApiToken
    secret: str  # shown once; not stored


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def well_formed(secret: str) -> bool:
    return bool(_SHAPE.match(secret))


def create_token(session: Session, *, name: str, role: TokenRole | str) -> NewToken:
    name = v.required_text(name, "name")
    if not _NAME.match(name):
        raise ValidationError(
            f"token name {name!r} is not usable; use up to 64 letters, digits, spaces and . _ @ -",
            field="name",
        )
    if session.scalar(select(ApiToken.id).where(ApiToken.name == name)) is not None:
        raise Conflict(
            f"a token is already called {name!r}; pick another name or revoke that one", field="name"
        )
    secret = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        name=name,
        role=v.enum_value(TokenRole, role, "role"),
        token_hash=token_hash(secret),
        prefix=secret[:7],
        created_by=actor_of(session).name,
    )
    session.add(row)
    audit.record(session, "createToken", row)
    return NewToken(row=row, secret=secret)


def list_tokens(session: Session, *, include_revoked: bool = True) -> list[ApiToken]:
    query = select(ApiToken).order_by(ApiToken.id)
    if not include_revoked:
        query = query.where(ApiToken.revoked_at.is_(None))
    return list(session.scalars(query))


def revoke_token(session: Session, name: str) -> ApiToken:
    """Revoke a token by name; it stops working at once. Revoking a revoked token is an error that says so."""
    row = session.scalar(select(ApiToken).where(ApiToken.name == v.required_text(name, "name")))
    if row is None:
        raise NotFound(f"no token is called {name!r}; `quotecheck token list` shows them")
    if row.revoked_at is not None:
        raise Conflict(f"the token {name!r} was already revoked on {row.revoked_at:%Y-%m-%d %H:%M} UTC")
    before = audit.snapshot(row)
    row.revoked_at = utcnow()
    audit.record(session, "revokeToken", row, before=before)
    return row


def actor_for(session: Session, secret: str) -> Actor | None:
    """The actor a presented token stands for, or None when it is unknown or revoked."""
    digest = token_hash(secret)
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == digest))
    if row is None or row.revoked_at is not None or not hmac.compare_digest(row.token_hash, digest):
        return None
    return Actor(name=row.name, kind=ActorKind.TOKEN, role=row.role, token_id=row.id)

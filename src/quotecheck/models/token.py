"""API tokens: a name and a role; the secret itself is shown once and only its SHA-256 is kept."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from quotecheck.enums import TokenRole
from quotecheck.models.base import Base, Timestamped, enum_column, intpk

__all__ = ["ApiToken"]


class ApiToken(Timestamped, Base):
    __tablename__ = "api_token"
    __table_args__ = (CheckConstraint("length(name) > 0", name="name_not_blank"),)

    id: Mapped[intpk]
    name: Mapped[str] = mapped_column(unique=True)
    role: Mapped[TokenRole] = mapped_column(enum_column(TokenRole, "token_role"))
    # SHA-256 hex of the whole token: tokens are 256 random bits, so a fast hash is enough (no brute force).
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The token's first characters, to tell tokens apart in `token list` without revealing them.
    prefix: Mapped[str]
    created_by: Mapped[str]
    revoked_at: Mapped[dt.datetime | None]

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} {self.name!r} {self.role.name}>"

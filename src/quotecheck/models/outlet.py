"""Outlets: who publishes (a magazine, a broadcaster, a wire, a government site)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import JSON, CheckConstraint, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quotecheck.enums import OutletKind
from quotecheck.models.base import Base, Timestamped, Versioned, enum_column, intpk

if TYPE_CHECKING:
    from quotecheck.models.source import Source

__all__ = ["Outlet"]


class Outlet(Versioned, Timestamped, Base):
    __tablename__ = "outlet"
    __table_args__ = (
        CheckConstraint("length(name_key) > 0", name="name_not_blank"),
        CheckConstraint("country IS NULL OR length(country) = 2", name="country_iso2"),
    )

    id: Mapped[intpk]
    name: Mapped[str]
    name_key: Mapped[str] = mapped_column(unique=True)
    kind: Mapped[OutletKind] = mapped_column(enum_column(OutletKind, "outlet_kind"), default=OutletKind.OTHER)
    url: Mapped[str | None]
    # The registrable host ("foreignpolicy.com"), so a cited URL finds its outlet.
    domain: Mapped[str | None] = mapped_column(unique=True)
    country: Mapped[str | None]  # ISO 3166-1 alpha-2
    languages: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")  # BCP 47 tags
    description: Mapped[str | None] = mapped_column(Text)

    sources: Mapped[list[Source]] = relationship(back_populates="outlet")

    def __repr__(self) -> str:
        return f"<Outlet {self.id} {self.name!r}>"

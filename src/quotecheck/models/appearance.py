"""Appearances: a quote as printed in one source, and what that source took it from (provenance)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quotecheck.enums import AppearanceRelation, Verdict
from quotecheck.models.base import Base, Timestamped, Versioned, enum_column, intpk

if TYPE_CHECKING:
    from quotecheck.models.quote import Quote
    from quotecheck.models.source import Source

__all__ = ["Appearance"]


class Appearance(Versioned, Timestamped, Base):
    __tablename__ = "appearance"
    __table_args__ = (
        CheckConstraint(
            "(char_start IS NULL AND char_end IS NULL) OR "
            "(char_start IS NOT NULL AND char_end IS NOT NULL AND char_start >= 0 AND char_start <= char_end)",
            name="span_ordered",
        ),
        CheckConstraint(
            "taken_from_appearance_id IS NULL OR taken_from_source_id IS NULL", name="one_origin"
        ),
        Index("ix_appearance_source_id_char_start", "source_id", "char_start"),
    )

    id: Mapped[intpk]
    quote_id: Mapped[int] = mapped_column(ForeignKey("quote.id", ondelete="CASCADE"), index=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id", ondelete="RESTRICT"))
    text: Mapped[str] = mapped_column(Text)  # exactly as published, typography and all
    # Where `text` sits in the source's text, when we hold that text.
    char_start: Mapped[int | None]
    char_end: Mapped[int | None]
    attribution: Mapped[str | None]  # as written: "Russian Foreign Minister Sergey Lavrov"
    relation: Mapped[AppearanceRelation] = mapped_column(
        enum_column(AppearanceRelation, "appearance_relation"), index=True
    )
    # What this appearance was taken from: an earlier appearance, or a source (often the primary one).
    taken_from_appearance_id: Mapped[int | None] = mapped_column(
        ForeignKey("appearance.id", ondelete="RESTRICT"), index=True
    )
    taken_from_source_id: Mapped[int | None] = mapped_column(
        ForeignKey("source.id", ondelete="RESTRICT"), index=True
    )
    cited_as: Mapped[str | None]  # how the source names its origin: "in Foreign Policy Magazine"
    note: Mapped[str | None] = mapped_column(Text)
    # Identifies the appearance across imports (see services.appearances.appearance_hash): feeds re-run safely.
    content_hash: Mapped[str | None] = mapped_column(unique=True, index=True)
    # The automatic quote check of this appearance, when one was run (at import): evidence, not a verdict.
    check_verdict: Mapped[Verdict | None] = mapped_column(enum_column(Verdict, "check_verdict"))
    check_confidence: Mapped[float | None]
    check_explanation: Mapped[str | None] = mapped_column(Text)
    checked_at: Mapped[dt.datetime | None]

    quote: Mapped[Quote] = relationship(back_populates="appearances")
    source: Mapped[Source] = relationship(back_populates="appearances", foreign_keys=[source_id])
    taken_from_appearance: Mapped[Appearance | None] = relationship(
        remote_side="Appearance.id", foreign_keys=[taken_from_appearance_id]
    )
    taken_from_source: Mapped[Source | None] = relationship(foreign_keys=[taken_from_source_id])

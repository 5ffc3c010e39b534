"""Fact-checks: published judgements about a quote's attribution, and their evidence (ClaimReview)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quotecheck.enums import FactCheckStatus, Verdict
from quotecheck.models.base import Base, Timestamped, Versioned, enum_column, intpk, partial_date_check
from quotecheck.partial_date import PartialDate

if TYPE_CHECKING:
    from quotecheck.models.appearance import Appearance
    from quotecheck.models.quote import Quote
    from quotecheck.models.source import Source

__all__ = ["Evidence", "FactCheck"]


class FactCheck(Versioned, Timestamped, Base):
    """One review, mapping one-to-one to schema.org ClaimReview."""

    __tablename__ = "fact_check"
    __table_args__ = (
        partial_date_check("reviewed_on"),
        CheckConstraint(
            "worst_rating IS NULL OR best_rating IS NULL OR worst_rating <> best_rating", name="rating_scale"
        ),
        CheckConstraint(
            "rating_value IS NULL OR (worst_rating IS NOT NULL AND best_rating IS NOT NULL AND "
            "rating_value BETWEEN worst_rating AND best_rating) OR "
            "(worst_rating IS NOT NULL AND best_rating IS NOT NULL AND "
            "rating_value BETWEEN best_rating AND worst_rating)",
            name="rating_in_scale",
        ),
        CheckConstraint("verdict IS NOT NULL OR original_label IS NOT NULL", name="has_judgement"),
        Index("ix_fact_check_status_reviewed_on", "status", "reviewed_on"),
    )

    id: Mapped[intpk]
    # The quote judged; fact-checks imported about claims we hold no quote for have none.
    quote_id: Mapped[int | None] = mapped_column(ForeignKey("quote.id", ondelete="RESTRICT"), index=True)
    claim_reviewed: Mapped[str] = mapped_column(Text)
    # quotecheck's verdict; an imported review whose label maps to none keeps only `original_label`.
    verdict: Mapped[Verdict | None] = mapped_column(enum_column(Verdict, "verdict"), index=True)
    status: Mapped[FactCheckStatus] = mapped_column(
        enum_column(FactCheckStatus, "fact_check_status"), default=FactCheckStatus.DRAFT
    )
    summary: Mapped[str | None] = mapped_column(Text)
    reviewer: Mapped[str | None] = mapped_column(index=True)  # the author of the review
    publisher: Mapped[str | None] = mapped_column(index=True)  # the fact-checking organisation
    url: Mapped[str | None] = mapped_column(unique=True, index=True)  # a review's address names one review
    reviewed_on: Mapped[PartialDate | None] = mapped_column(index=True)
    rating_value: Mapped[int | None]
    best_rating: Mapped[int | None]
    worst_rating: Mapped[int | None]
    alternate_name: Mapped[str | None]  # the rating as words ("Altered", "Mostly false")
    original_label: Mapped[str | None]  # an imported review's own verdict label, kept as it was
    published_at: Mapped[dt.datetime | None]
    retracted_at: Mapped[dt.datetime | None]
    retraction_reason: Mapped[str | None] = mapped_column(Text)

    quote: Mapped[Quote | None] = relationship(back_populates="fact_checks")
    evidence: Mapped[list[Evidence]] = relationship(
        back_populates="fact_check", cascade="all, delete-orphan", order_by="Evidence.position"
    )


class Evidence(Timestamped, Base):
    """A passage (of a source, or an appearance) that a fact-check rests on."""

    __tablename__ = "evidence"
    __table_args__ = (
        CheckConstraint(
            "(char_start IS NULL AND char_end IS NULL) OR "
            "(char_start IS NOT NULL AND char_end IS NOT NULL AND char_start >= 0 AND char_start <= char_end)",
            name="span_ordered",
        ),
        CheckConstraint(
            "source_id IS NOT NULL OR appearance_id IS NOT NULL OR url IS NOT NULL", name="points"
        ),
    )

    id: Mapped[intpk]
    fact_check_id: Mapped[int] = mapped_column(ForeignKey("fact_check.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("source.id", ondelete="RESTRICT"), index=True)
    appearance_id: Mapped[int | None] = mapped_column(
        ForeignKey("appearance.id", ondelete="RESTRICT"), index=True
    )
    url: Mapped[str | None]
    passage: Mapped[str | None] = mapped_column(Text)
    char_start: Mapped[int | None]
    char_end: Mapped[int | None]
    note: Mapped[str | None] = mapped_column(Text)

    fact_check: Mapped[FactCheck] = relationship(back_populates="evidence")
    source: Mapped[Source | None] = relationship()
    appearance: Mapped[Appearance | None] = relationship()

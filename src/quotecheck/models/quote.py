"""Quotes: statements attributed to a speaker."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quotecheck.models.base import Base, Timestamped, Versioned, intpk, partial_date_check
from quotecheck.models.topic import Topic, quote_topic
from quotecheck.partial_date import PartialDate

if TYPE_CHECKING:
    from quotecheck.models.appearance import Appearance
    from quotecheck.models.factcheck import FactCheck
    from quotecheck.models.interview import Interview
    from quotecheck.models.speaker import Speaker

__all__ = ["Quote"]


class Quote(Versioned, Timestamped, Base):
    """What a speaker is said to have said: one attribution, however many places it appeared in."""

    __tablename__ = "quote"
    __table_args__ = (
        partial_date_check("said_on"),
        CheckConstraint("length(text) > 0", name="text_not_blank"),
        Index("ix_quote_speaker_id_said_on", "speaker_id", "said_on"),
    )

    id: Mapped[intpk]
    speaker_id: Mapped[int] = mapped_column(ForeignKey("speaker.id", ondelete="RESTRICT"))
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(index=True)
    said_on: Mapped[PartialDate | None] = mapped_column(index=True)
    interview_id: Mapped[int | None] = mapped_column(
        ForeignKey("interview.id", ondelete="RESTRICT"), index=True
    )
    note: Mapped[str | None] = mapped_column(Text)
    # Identifies the attribution (speaker and words, see services.quotes.quote_hash): feeds re-run safely.
    content_hash: Mapped[str | None] = mapped_column(unique=True, index=True)

    speaker: Mapped[Speaker] = relationship(back_populates="quotes")
    interview: Mapped[Interview | None] = relationship(back_populates="quotes")
    topics: Mapped[list[Topic]] = relationship(secondary=quote_topic, order_by=Topic.slug)
    appearances: Mapped[list[Appearance]] = relationship(
        back_populates="quote", cascade="all, delete-orphan", order_by="Appearance.id"
    )
    fact_checks: Mapped[list[FactCheck]] = relationship(back_populates="quote", order_by="FactCheck.id")

    def __repr__(self) -> str:
        return f"<Quote {self.id} {self.text[:40]!r}>"

"""Sources: documents that hold words (transcripts, articles, briefs), and transcripts' speaker turns."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, Text, UniqueConstraint
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quotecheck.enums import SourceKind
from quotecheck.models.base import Base, Timestamped, Versioned, enum_column, intpk, partial_date_check
from quotecheck.partial_date import PartialDate

if TYPE_CHECKING:
    from quotecheck.models.appearance import Appearance
    from quotecheck.models.interview import Interview
    from quotecheck.models.outlet import Outlet
    from quotecheck.models.speaker import Speaker

__all__ = ["Source", "Turn"]


class Source(Versioned, Timestamped, Base):
    __tablename__ = "source"
    __table_args__ = (
        UniqueConstraint("url", "content_hash"),
        partial_date_check("published_on"),
        CheckConstraint(
            "(text IS NULL AND content_hash IS NULL) OR (text IS NOT NULL AND content_hash IS NOT NULL)",
            name="hash_with_text",
        ),
        Index("ix_source_kind_published_on", "kind", "published_on"),
        # A source known only by its URL (no text held) is recorded once; NULLs would slip past the constraint.
        Index(
            "uq_source_url_without_text",
            "url",
            unique=True,
            sqlite_where=sql_text("content_hash IS NULL"),
            postgresql_where=sql_text("content_hash IS NULL"),
        ),
    )

    id: Mapped[intpk]
    kind: Mapped[SourceKind] = mapped_column(enum_column(SourceKind, "source_kind"))
    title: Mapped[str]
    url: Mapped[str | None] = mapped_column(index=True)
    outlet_id: Mapped[int | None] = mapped_column(ForeignKey("outlet.id", ondelete="RESTRICT"), index=True)
    # The interview this source is a transcript (or a recording) of.
    interview_id: Mapped[int | None] = mapped_column(
        ForeignKey("interview.id", ondelete="RESTRICT"), index=True
    )
    published_on: Mapped[PartialDate | None] = mapped_column(index=True)
    language: Mapped[str | None] = mapped_column(index=True)
    # The full text when we hold it; a source known only by reference (a paywalled transcript) has none.
    text: Mapped[str | None] = mapped_column(Text)
    content_hash: Mapped[str | None]  # SHA-256 hex of `text`
    retrieved_at: Mapped[dt.datetime | None]
    note: Mapped[str | None] = mapped_column(Text)

    outlet: Mapped[Outlet | None] = relationship(back_populates="sources")
    interview: Mapped[Interview | None] = relationship(back_populates="transcripts")
    turns: Mapped[list[Turn]] = relationship(
        back_populates="source", cascade="all, delete-orphan", order_by="Turn.position"
    )
    appearances: Mapped[list[Appearance]] = relationship(
        back_populates="source", foreign_keys="Appearance.source_id"
    )

    @property
    def is_primary(self) -> bool:
        return self.kind.is_primary

    def __repr__(self) -> str:
        return f"<Source {self.id} {self.kind.name} {self.title!r}>"


class Turn(Timestamped, Base):
    """One speaker's turn in a transcript: who spoke `source.text[char_start:char_end]`."""

    __tablename__ = "turn"
    __table_args__ = (
        UniqueConstraint("source_id", "position"),
        CheckConstraint("position >= 0", name="position_not_negative"),
        CheckConstraint("char_start >= 0 AND char_start <= char_end", name="span_ordered"),
    )

    id: Mapped[intpk]
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id", ondelete="CASCADE"))
    position: Mapped[int]
    speaker_id: Mapped[int] = mapped_column(ForeignKey("speaker.id", ondelete="RESTRICT"), index=True)
    label: Mapped[str | None]  # the name as the transcript prints it ("LAVROV", "FP")
    char_start: Mapped[int]
    char_end: Mapped[int]

    source: Mapped[Source] = relationship(back_populates="turns")
    speaker: Mapped[Speaker] = relationship()

    @property
    def text(self) -> str:
        return (self.source.text or "")[self.char_start : self.char_end]

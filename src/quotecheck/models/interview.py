"""Interviews: events where speakers were questioned (speeches, debates and press conferences too)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quotecheck.enums import InterviewKind, Medium, ParticipantRole
from quotecheck.models.base import Base, Timestamped, Versioned, enum_column, intpk, partial_date_check
from quotecheck.partial_date import PartialDate

if TYPE_CHECKING:
    from quotecheck.models.outlet import Outlet
    from quotecheck.models.quote import Quote
    from quotecheck.models.source import Source
    from quotecheck.models.speaker import Speaker

__all__ = ["Interview", "Participant"]


class Interview(Versioned, Timestamped, Base):
    __tablename__ = "interview"
    __table_args__ = (partial_date_check("held_on"),)

    id: Mapped[intpk]
    kind: Mapped[InterviewKind] = mapped_column(
        enum_column(InterviewKind, "interview_kind"), default=InterviewKind.INTERVIEW
    )
    title: Mapped[str]
    outlet_id: Mapped[int | None] = mapped_column(ForeignKey("outlet.id", ondelete="RESTRICT"), index=True)
    held_on: Mapped[PartialDate | None] = mapped_column(index=True)
    place: Mapped[str | None]
    medium: Mapped[Medium | None] = mapped_column(enum_column(Medium, "medium"))
    language: Mapped[str | None]
    description: Mapped[str | None] = mapped_column(Text)

    outlet: Mapped[Outlet | None] = relationship()
    participants: Mapped[list[Participant]] = relationship(
        back_populates="interview", cascade="all, delete-orphan", order_by="Participant.id"
    )
    transcripts: Mapped[list[Source]] = relationship(back_populates="interview", order_by="Source.id")
    quotes: Mapped[list[Quote]] = relationship(back_populates="interview")

    def __repr__(self) -> str:
        return f"<Interview {self.id} {self.title!r}>"


class Participant(Timestamped, Base):
    """A speaker's part in an interview, with the title they were given there."""

    __tablename__ = "participant"
    __table_args__ = (UniqueConstraint("interview_id", "speaker_id", "role"),)

    id: Mapped[intpk]
    interview_id: Mapped[int] = mapped_column(ForeignKey("interview.id", ondelete="CASCADE"), index=True)
    speaker_id: Mapped[int] = mapped_column(ForeignKey("speaker.id", ondelete="RESTRICT"), index=True)
    role: Mapped[ParticipantRole] = mapped_column(enum_column(ParticipantRole, "participant_role"))
    title_as_written: Mapped[str | None]  # "Foreign Policy Editor in Chief"

    interview: Mapped[Interview] = relationship(back_populates="participants")
    speaker: Mapped[Speaker] = relationship(back_populates="participations")

"""Speakers: people and organisations that can be quoted, their other names and the roles they held."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quotecheck.enums import AliasKind, SpeakerKind
from quotecheck.models.base import Base, Timestamped, Versioned, enum_column, intpk, partial_date_check
from quotecheck.partial_date import PartialDate

if TYPE_CHECKING:
    from quotecheck.models.interview import Participant
    from quotecheck.models.quote import Quote

__all__ = ["PossibleDuplicate", "Speaker", "SpeakerAlias", "SpeakerRole"]


class Speaker(Versioned, Timestamped, Base):
    __tablename__ = "speaker"
    __table_args__ = (
        CheckConstraint(
            # Q and digits, no leading zero: written without regular expressions, which SQLite lacks
            "wikidata_id IS NULL OR (substr(wikidata_id, 1, 1) = 'Q' AND length(wikidata_id) BETWEEN 2 AND 16 "
            "AND substr(wikidata_id, 2, 1) <> '0' AND ltrim(substr(wikidata_id, 2), '0123456789') = '')",
            name="wikidata_id_format",
        ),
        CheckConstraint("length(name_key) > 0", name="name_not_blank"),
    )

    id: Mapped[intpk]
    name: Mapped[str]
    # `name` folded by quotecheck.text.name_key, for lookups that ignore case, accents and punctuation.
    name_key: Mapped[str] = mapped_column(index=True)
    # The surname of `name` as quotecheck.names reads it, folded: "Senator Warren" is found under "E. Warren".
    surname_key: Mapped[str] = mapped_column(default="", server_default="", index=True)
    # An unidentified participant of one transcript ("Question", "Speaker 1"): never resolved from a name.
    anonymous: Mapped[bool] = mapped_column(default=False, server_default=false())
    kind: Mapped[SpeakerKind] = mapped_column(
        enum_column(SpeakerKind, "speaker_kind"), default=SpeakerKind.PERSON
    )
    wikidata_id: Mapped[str | None] = mapped_column(unique=True)
    description: Mapped[str | None] = mapped_column(Text)

    aliases: Mapped[list[SpeakerAlias]] = relationship(
        back_populates="speaker", cascade="all, delete-orphan", order_by="SpeakerAlias.id"
    )
    roles: Mapped[list[SpeakerRole]] = relationship(
        back_populates="speaker",
        cascade="all, delete-orphan",
        order_by="(SpeakerRole.started.asc().nulls_first(), SpeakerRole.id)",
    )
    quotes: Mapped[list[Quote]] = relationship(back_populates="speaker")
    participations: Mapped[list[Participant]] = relationship(back_populates="speaker")

    def __repr__(self) -> str:
        return f"<Speaker {self.id} {self.name!r}>"


class SpeakerAlias(Timestamped, Base):
    """Another name of a speaker: a spelling, a transliteration, a short form used by a transcript."""

    __tablename__ = "speaker_alias"
    __table_args__ = (
        UniqueConstraint("speaker_id", "name_key"),
        CheckConstraint("length(name_key) > 0", name="name_not_blank"),
    )

    id: Mapped[intpk]
    speaker_id: Mapped[int] = mapped_column(ForeignKey("speaker.id", ondelete="CASCADE"), index=True)
    name: Mapped[str]
    name_key: Mapped[str] = mapped_column(index=True)
    surname_key: Mapped[str] = mapped_column(default="", server_default="", index=True)
    kind: Mapped[AliasKind] = mapped_column(enum_column(AliasKind, "alias_kind"), default=AliasKind.SPELLING)
    language: Mapped[str | None]

    speaker: Mapped[Speaker] = relationship(back_populates="aliases")


class SpeakerRole(Timestamped, Base):
    """A title a speaker held, for a time ("Minister of Foreign Affairs", Russia, 2004-03-09 to today)."""

    __tablename__ = "speaker_role"
    __table_args__ = (
        partial_date_check("started"),
        partial_date_check("ended"),
        CheckConstraint(
            # compares the first day `started` may mean with the last day `ended` may mean
            "started IS NULL OR ended IS NULL OR started <= ended + "
            "(CASE WHEN ended % 10000 = 0 THEN 1299 WHEN ended % 100 = 0 THEN 99 ELSE 0 END)",
            name="started_before_ended",
        ),
        Index("ix_speaker_role_title_key", "title_key"),
    )

    id: Mapped[intpk]
    speaker_id: Mapped[int] = mapped_column(ForeignKey("speaker.id", ondelete="CASCADE"), index=True)
    title: Mapped[str]
    title_key: Mapped[str]
    organization: Mapped[str | None]
    # Unknown bounds are open: no start means "since before we know", no end means "still, or unknown".
    started: Mapped[PartialDate | None]
    ended: Mapped[PartialDate | None]
    note: Mapped[str | None] = mapped_column(Text)

    speaker: Mapped[Speaker] = relationship(back_populates="roles")


class PossibleDuplicate(Timestamped, Base):
    """A speaker recorded when a name might have been an existing one, kept for an editor to merge or not."""

    __tablename__ = "possible_duplicate"
    __table_args__ = (
        UniqueConstraint("speaker_id", "candidate_id"),
        CheckConstraint("speaker_id <> candidate_id", name="two_speakers"),
    )

    id: Mapped[intpk]
    speaker_id: Mapped[int] = mapped_column(ForeignKey("speaker.id", ondelete="CASCADE"), index=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("speaker.id", ondelete="CASCADE"), index=True)
    score: Mapped[float]
    reason: Mapped[str]
    label: Mapped[str | None]  # the name as written where it was met ("Senator Warren")
    source_id: Mapped[int | None] = mapped_column(ForeignKey("source.id", ondelete="SET NULL"), index=True)

    speaker: Mapped[Speaker] = relationship(foreign_keys=[speaker_id])
    candidate: Mapped[Speaker] = relationship(foreign_keys=[candidate_id])

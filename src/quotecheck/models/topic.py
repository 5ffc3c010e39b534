"""Topics quotes are filed under ("NATO", "missile defence")."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Column, ForeignKey, Table, func
from sqlalchemy.orm import Mapped, mapped_column

from quotecheck.models.base import Base, Timestamped, UTCDateTime, intpk, utcnow

__all__ = ["Topic", "quote_topic"]


class Topic(Timestamped, Base):
    __tablename__ = "topic"
    __table_args__ = (CheckConstraint("length(slug) > 0", name="slug_not_blank"),)

    id: Mapped[intpk]
    name: Mapped[str]
    slug: Mapped[str] = mapped_column(unique=True)


quote_topic = Table(
    "quote_topic",
    Base.metadata,
    Column("quote_id", ForeignKey("quote.id", ondelete="CASCADE"), primary_key=True),
    Column("topic_id", ForeignKey("topic.id", ondelete="CASCADE"), primary_key=True, index=True),
    Column("created_at", UTCDateTime(), nullable=False, default=utcnow, server_default=func.now()),
)

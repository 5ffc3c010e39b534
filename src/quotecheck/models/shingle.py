"""The quote check's search index: hashed pairs of consecutive content words, where they occur.

Derived data, rebuilt at will (`quotecheck index rebuild`), so its rows carry no timestamps: at a million
turns there are tens of millions of them, and a row is three integers.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from quotecheck.models.base import Base

__all__ = ["Shingle"]


class Shingle(Base):
    __tablename__ = "shingle"
    __table_args__ = (
        Index("ix_shingle_source_id", "source_id"),
        {"sqlite_with_rowid": False},
    )

    # A signed 64-bit hash of "stem stem" (see quotecheck.matching.shingles); lookups go by it first.
    hash: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id", ondelete="CASCADE"), primary_key=True)
    # Character offset of the pair's first word in the source's text.
    position: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)

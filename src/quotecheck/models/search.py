"""The full-text search objects migration 0005 makes outside the ORM metadata, named for autogenerate to skip.

They differ by engine (FTS5 tables on SQLite; generated `search_vector` columns and GIN indexes on PostgreSQL),
which one MetaData cannot say, so the models leave them out and `include_object` hides them from comparisons.
The FTS5 tables are declared here, on a MetaData of their own, only so that queries can name them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, Integer, MetaData, Table, Text

__all__ = ["SEARCH_COLUMNS", "SEARCH_INDEXES", "SEARCH_TABLES", "include_object", "quote_fts", "source_fts"]

_fts = MetaData()

# FTS5 tables (SQLite) whose rowid is the quote's or source's id; each brings shadow tables of its own.
quote_fts = Table("quote_fts", _fts, Column("rowid", Integer), Column("text", Text))
source_fts = Table("source_fts", _fts, Column("rowid", Integer), Column("title", Text), Column("text", Text))

SEARCH_TABLES = frozenset(
    f"{fts}{suffix}"
    for fts in ("quote_fts", "source_fts")
    for suffix in ("", "_data", "_idx", "_docsize", "_config", "_content")
)
SEARCH_COLUMNS = frozenset({("quote", "search_vector"), ("source", "search_vector")})  # PostgreSQL
SEARCH_INDEXES = frozenset(
    {
        "ix_quote_search_vector",
        "ix_source_search_vector",
        "ix_speaker_name_key_trgm",
        "ix_speaker_alias_name_key_trgm",
    }
)


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Alembic's `include_object` hook: False for the search objects found in the database."""
    if not reflected or compare_to is not None:
        return True
    if type_ == "table":
        return name not in SEARCH_TABLES
    if type_ == "column":
        return (obj.table.name, name) not in SEARCH_COLUMNS
    if type_ == "index":
        return name not in SEARCH_INDEXES
    return True

"""SQL pieces shared by the services' filters."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Integer, and_, or_, true, type_coerce

from quotecheck.models.base import partial_date_last_key
from quotecheck.partial_date import PartialDate
from quotecheck.text import name_key

__all__ = ["date_within", "words_prefix"]


def date_within(column: Any, start: PartialDate | None, end: PartialDate | None) -> ColumnElement[bool]:
    """The stored partial date lies wholly inside [start, end] ("2013-03" is within 2013; "2013" is not
    within 2013-01..2013-06, since it may mean December). Unknown dates never match a range."""
    key = type_coerce(column, Integer)
    conditions: list[ColumnElement[bool]] = []
    if start is not None:
        conditions.append(key >= start.key)
    if end is not None:
        conditions.append(key <= end.end_key)  # lets an index narrow the range
        conditions.append(partial_date_last_key(column) <= end.end_key)
    return and_(true(), *conditions)


def words_prefix(column: Any, query: str) -> ColumnElement[bool]:
    """Every word of `query` starts a word of the folded text in `column` (a `name_key` column)."""
    words = name_key(query).split()
    return and_(true(), *(or_(column.startswith(word), column.contains(" " + word)) for word in words))

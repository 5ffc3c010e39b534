"""Relay connections over keyset cursors: stable pages while rows are inserted, for root and nested lists.

A page is ordered by (sort key, id); a cursor holds the ordering's name, the sort key and the id of its row, so
the next page starts strictly after it whatever was inserted meanwhile. Nested lists (a speaker's quotes, a
quote's appearances) are fetched for every parent on the page in one statement, with a window function.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import aliased, raiseload

from quotecheck.api.errors import BadInput
from quotecheck.api.ids import decode_cursor, encode_cursor

__all__ = ["DEFAULT_PAGE", "MAX_PAGE", "Order", "Page", "PageArgs"]

M = TypeVar("M")

MAX_PAGE = 100
DEFAULT_PAGE = 20


@dataclass(frozen=True, slots=True)
class Order:
    """An ordering: its public name, a non-null SQL sort key, the id column, and the direction."""

    name: str
    key: Any  # a column or SQL expression
    id: Any  # the model's id column
    descending: bool = False

    def condition(self, value: Any, key: int, *, after: bool) -> ColumnElement[bool]:
        """Rows strictly after (or before) the cursor's row in this ordering."""
        forward = after != self.descending
        if forward:
            return or_(self.key > value, and_(self.key == value, self.id > key))
        return or_(self.key < value, and_(self.key == value, self.id < key))

    def clauses(self, *, reverse: bool) -> tuple[ColumnElement[Any], ColumnElement[Any]]:
        down = self.descending != reverse
        return (self.key.desc(), self.id.desc()) if down else (self.key.asc(), self.id.asc())


@dataclass(frozen=True, slots=True)
class PageArgs:
    """first/after/last/before, checked: at most one direction, page sizes 0..100."""

    first: int | None = None
    after: str | None = None
    last: int | None = None
    before: str | None = None

    def __post_init__(self) -> None:
        if self.first is not None and self.last is not None:
            raise BadInput("give `first` or `last`, not both")
        for name in ("first", "last"):
            size = getattr(self, name)
            if size is not None and not 0 <= size <= MAX_PAGE:
                raise BadInput(
                    f"`{name}: {size}` is outside 0..{MAX_PAGE}; ask for at most {MAX_PAGE} and page on"
                )

    @property
    def backward(self) -> bool:
        return self.last is not None

    @property
    def size(self) -> int:
        if self.last is not None:
            return self.last
        return DEFAULT_PAGE if self.first is None else self.first


@dataclass(slots=True)
class Page(Generic[M]):
    rows: list[M]
    cursors: list[str]
    has_next: bool
    has_previous: bool


def _key_type(order: Order) -> type | None:
    try:
        kind: type = order.key.type.python_type
    except (AttributeError, NotImplementedError):
        return None
    return kind


def _keyset(order: Order, args: PageArgs) -> list[ColumnElement[bool]]:
    where = []
    kind = _key_type(order)
    if args.after is not None:
        value, key = decode_cursor(args.after, order.name, kind)
        where.append(order.condition(value, key, after=True))
    if args.before is not None:
        value, key = decode_cursor(args.before, order.name, kind)
        where.append(order.condition(value, key, after=False))
    return where


def _page(found: Sequence[tuple[M, Any]], order: Order, args: PageArgs) -> Page[M]:
    more = len(found) > args.size
    found = list(found[: args.size])
    if args.backward:
        found.reverse()
    rows = [row for row, _ in found]
    cursors = [encode_cursor(order.name, value, row.id) for row, value in found]  # type: ignore[attr-defined]
    if args.backward:
        return Page(rows, cursors, has_next=args.before is not None, has_previous=more)
    return Page(rows, cursors, has_next=more, has_previous=args.after is not None)


def page_statement(
    model: type[M], where: Sequence[ColumnElement[bool]], order: Order, args: PageArgs
) -> Select[Any]:
    """One page of a root list: rows with their sort keys, one more than asked to learn if more follow."""
    return (
        select(model, order.key)
        .where(*where, *_keyset(order, args))
        .order_by(*order.clauses(reverse=args.backward))
        .limit(args.size + 1)
        .options(raiseload("*"))
    )


def page_from(found: Sequence[Any], order: Order, args: PageArgs) -> Page[M]:
    return _page([(row[0], row[1]) for row in found], order, args)


def count_statement(model: type[Any], where: Sequence[ColumnElement[bool]]) -> Select[Any]:
    return select(func.count()).select_from(model).where(*where)


def nested_statement(
    model: type[M],
    parent: Any,
    parent_ids: Sequence[int],
    where: Sequence[ColumnElement[bool]],
    order: Order,
    args: PageArgs,
) -> Select[Any]:
    """Pages of a nested list for many parents in one statement: (row, sort key, parent id) per row."""
    number = func.row_number().over(partition_by=parent, order_by=order.clauses(reverse=args.backward))
    inner = (
        select(model, order.key.label("sort_key"), parent.label("parent_id"), number.label("n"))
        .where(parent.in_(parent_ids), *where, *_keyset(order, args))
        .subquery()
    )
    row = aliased(model, inner)
    return (
        select(row, inner.c.sort_key, inner.c.parent_id)
        .where(inner.c.n <= args.size + 1)
        .order_by(inner.c.parent_id, inner.c.n)
        .options(raiseload("*"))
    )


def nested_pages(
    found: Sequence[Any], parent_ids: Sequence[int], order: Order, args: PageArgs
) -> list[Page[M]]:
    grouped: dict[int, list[tuple[M, Any]]] = {key: [] for key in parent_ids}
    for row, value, parent_id in found:
        grouped[parent_id].append((row, value))
    return [_page(grouped[key], order, args) for key in parent_ids]


def nested_count_statement(
    model: type[Any],
    parent: Any,
    parent_ids: Sequence[int],
    where: Sequence[ColumnElement[bool]],
) -> Select[Any]:
    return (
        select(parent, func.count()).select_from(model).where(parent.in_(parent_ids), *where).group_by(parent)
    )

"""Keyset paging by id, shared by the `list_*` services."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.interfaces import LoaderOption

from quotecheck.errors import ValidationError

T = TypeVar("T")

MAX_PAGE = 1000


def page(
    session: Session,
    model: type[T],
    *,
    limit: int,
    after_id: int | None,
    options: tuple[LoaderOption, ...] = (),
) -> list[T]:
    """Rows of `model` in id order after `after_id`: a row inserted meanwhile never shifts a page."""
    if not 1 <= limit <= MAX_PAGE:
        raise ValidationError(
            f"limit {limit} is outside 1-{MAX_PAGE}; ask for fewer rows per page", field="limit"
        )
    key: Any = model.id  # type: ignore[attr-defined]
    query = select(model).order_by(key).limit(limit).options(*options)
    if after_id is not None:
        query = query.where(key > after_id)
    return list(session.scalars(query))

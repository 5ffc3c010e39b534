"""The declarative base, the column types and the column shapes every model shares."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Annotated, Any, ClassVar

from sqlalchemy import (
    CheckConstraint,
    ColumnElement,
    DateTime,
    Integer,
    MetaData,
    String,
    TypeDecorator,
    case,
    func,
    type_coerce,
)
from sqlalchemy import Enum as SAEnum
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

from quotecheck.partial_date import MAX_KEY, MIN_KEY, PartialDate

__all__ = [
    "NAMING_CONVENTION",
    "Base",
    "PartialDateType",
    "Timestamped",
    "UTCDateTime",
    "Versioned",
    "enum_column",
    "intpk",
    "partial_date_check",
    "partial_date_last_key",
    "utcnow",
]

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timezone-aware UTC timestamp on both engines (SQLite keeps no zone, so it is added back on load)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC column; pass an aware datetime")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class PartialDateType(TypeDecorator[PartialDate]):
    """A `PartialDate` stored as its sortable integer key (see quotecheck.partial_date)."""

    impl = Integer
    cache_ok = True

    def process_bind_param(self, value: PartialDate | int | None, dialect: Dialect) -> int | None:
        if value is None:
            return None
        if isinstance(value, int):  # a bound in a range filter
            return value
        return value.key

    def process_result_value(self, value: int | None, dialect: Dialect) -> PartialDate | None:
        return None if value is None else PartialDate.from_key(value)


def partial_date_check(column: str) -> CheckConstraint:
    """A stored partial date has a year 1-9999, a month 0-12, a day 0 or one that exists in its month
    (29 February only in leap years), and no day without a month."""
    year = f"({column} / 10000)"
    month = f"(({column} / 100) % 100)"
    day = f"({column} % 100)"
    leap = f"({year} % 4 = 0 AND ({year} % 100 <> 0 OR {year} % 400 = 0))"
    days_in_month = (
        f"CASE WHEN {month} = 2 THEN (CASE WHEN {leap} THEN 29 ELSE 28 END) "
        f"WHEN {month} IN (4, 6, 9, 11) THEN 30 ELSE 31 END"
    )
    return CheckConstraint(
        f"{column} IS NULL OR ({column} BETWEEN {MIN_KEY} AND {MAX_KEY} AND {month} BETWEEN 0 AND 12 "
        f"AND ({day} = 0 OR ({month} > 0 AND {day} <= {days_in_month})))",
        name=f"{column}_parts",
    )


def partial_date_last_key(column: Any) -> ColumnElement[int]:
    """SQL for the last day a stored partial date may mean (see `PartialDate.end_key`)."""
    key = type_coerce(column, Integer)
    return key + case((key % 10000 == 0, 1299), (key % 100 == 0, 99), else_=0)


def enum_column(enum: type[Enum], name: str) -> SAEnum:
    """An enum stored as its member name in a VARCHAR, with a CHECK constraint named after it."""
    return SAEnum(
        enum,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(member.name) for member in enum),
        validate_strings=True,
    )


intpk = Annotated[int, mapped_column(primary_key=True)]


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dt.datetime: UTCDateTime(),
        PartialDate: PartialDateType(),
        str: String(),
    }


class Versioned:
    """An optimistic-lock counter: an update built on a stale read fails instead of overwriting."""

    version: Mapped[int] = mapped_column(default=1, server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:  # noqa: N805
        return {"version_id_col": cls.version}


class Timestamped:
    """Created and updated timestamps, set by Python and by the database for rows written in plain SQL."""

    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, server_default=func.now())
    updated_at: Mapped[dt.datetime] = mapped_column(
        default=utcnow, onupdate=utcnow, server_default=func.now()
    )

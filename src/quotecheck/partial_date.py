"""Dates known to the year, the month or the day ("2013", "2013-03", "2013-03-15").

One representation everywhere: `PartialDate` in Python, and in the database a single integer
`YYYYMMDD` with `00` for an unknown month or day (2013 -> 20130000, March 2013 -> 20130300).
That integer sorts the way people expect ("2013" < "2013-02-15" < "2013-03"), is indexable, and makes
range filters plain comparisons: a partial date covers the days `key .. end_key`.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from enum import Enum
from typing import Self

from quotecheck.errors import ValidationError

__all__ = ["MAX_KEY", "MIN_KEY", "DatePrecision", "PartialDate"]

MIN_KEY = 1_00_00  # year 1
MAX_KEY = 9999_12_31

_FORMAT = re.compile(r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?\s*$")
_HOW = "write YYYY, YYYY-MM or YYYY-MM-DD (for example 2013, 2013-03 or 2013-03-15)"


class DatePrecision(Enum):
    YEAR = "YEAR"
    MONTH = "MONTH"
    DAY = "DAY"


@dataclass(frozen=True, slots=True, order=False)
class PartialDate:
    """A calendar date of which only the year, or the year and month, may be known."""

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        text = self._text()
        if not 1 <= self.year <= 9999:
            raise ValidationError(f"year {self.year} in {text!r} is out of range 1-9999; {_HOW}")
        if self.month is None:
            if self.day is not None:
                raise ValidationError(f"a day needs a month in {text!r}; {_HOW}")
            return
        if not 1 <= self.month <= 12:
            raise ValidationError(f"month {self.month} in {text!r} is not 1-12; {_HOW}")
        if self.day is not None:
            last = calendar.monthrange(self.year, self.month)[1]
            if not 1 <= self.day <= last:
                raise ValidationError(
                    f"day {self.day} in {text!r} does not exist (that month has {last} days); {_HOW}"
                )

    def _text(self) -> str:
        parts = [f"{self.year:04d}"]
        if self.month is not None:
            parts.append(f"{self.month:02d}")
        elif self.day is not None:
            parts.append("??")
        if self.day is not None:
            parts.append(f"{self.day:02d}")
        return "-".join(parts)

    # --- construction -------------------------------------------------------------------------------------
    @classmethod
    def parse(cls, text: str) -> Self:
        """Read "2013", "2013-03" or "2013-03-15"; anything else is a `ValidationError` saying what to write."""
        match = _FORMAT.match(text)
        if match is None:
            raise ValidationError(f"{text!r} is not a date; {_HOW}")
        year, month, day = match.groups()
        return cls(int(year), int(month) if month else None, int(day) if day else None)

    @classmethod
    def from_date(cls, value: dt.date) -> Self:
        return cls(value.year, value.month, value.day)

    @classmethod
    def from_key(cls, key: int) -> Self:
        """Inverse of `key`: the stored integer back to a date."""
        year, rest = divmod(key, 10000)
        month, day = divmod(rest, 100)
        return cls(year, month or None, day or None)

    @classmethod
    def coerce(cls, value: PartialDate | dt.date | str | None) -> PartialDate | None:
        """Accept what callers naturally have: a PartialDate, a date, a string, or nothing."""
        if value is None or isinstance(value, PartialDate):
            return value
        if isinstance(value, dt.date):
            return cls.from_date(value)
        return cls.parse(value)

    # --- views ----------------------------------------------------------------------------------------------
    @property
    def precision(self) -> DatePrecision:
        if self.month is None:
            return DatePrecision.YEAR
        if self.day is None:
            return DatePrecision.MONTH
        return DatePrecision.DAY

    @property
    def key(self) -> int:
        """The stored integer, also the sort key: the first day covered, unknown parts as 00."""
        return self.year * 10000 + (self.month or 0) * 100 + (self.day or 0)

    @property
    def end_key(self) -> int:
        """The largest key of any date inside this one (2013 -> 20131299, 2013-03 -> 20130399)."""
        if self.month is None:
            return self.year * 10000 + 1299
        if self.day is None:
            return self.key + 99
        return self.key

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    @property
    def last_day(self) -> dt.date:
        month = self.month or 12
        return dt.date(self.year, month, self.day or calendar.monthrange(self.year, month)[1])

    def contains(self, other: PartialDate) -> bool:
        """True when every day `other` may mean lies inside this date ("2013" contains "2013-03")."""
        return self.key <= other.key and other.end_key <= self.end_key

    def overlaps(self, other: PartialDate) -> bool:
        """True when the two dates may mean the same day."""
        return self.key <= other.end_key and other.key <= self.end_key

    def isoformat(self) -> str:
        return self._text()

    def __str__(self) -> str:
        return self._text()

    def __lt__(self, other: PartialDate) -> bool:
        return (self.key, self.end_key) < (other.key, other.end_key)

    def __le__(self, other: PartialDate) -> bool:
        return (self.key, self.end_key) <= (other.key, other.end_key)

    def __gt__(self, other: PartialDate) -> bool:
        return other < self

    def __ge__(self, other: PartialDate) -> bool:
        return other <= self

"""PartialDate: parsing, the errors people see, the stored integer key, ordering, containment."""

from __future__ import annotations

import calendar
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quotecheck.errors import ValidationError
from quotecheck.partial_date import MAX_KEY, MIN_KEY, DatePrecision, PartialDate

HOW = "write YYYY, YYYY-MM or YYYY-MM-DD (for example 2013, 2013-03 or 2013-03-15)"

modest = settings(max_examples=200, deadline=None)


@st.composite
def partial_dates(draw: st.DrawFn) -> PartialDate:
    """Any valid partial date, of any precision, from year 1 to 9999."""
    year = draw(st.integers(1, 9999))
    precision = draw(st.sampled_from(DatePrecision))
    if precision is DatePrecision.YEAR:
        return PartialDate(year)
    month = draw(st.integers(1, 12))
    if precision is DatePrecision.MONTH:
        return PartialDate(year, month)
    return PartialDate(year, month, draw(st.integers(1, calendar.monthrange(year, month)[1])))


def days_of(date: PartialDate) -> tuple[dt.date, dt.date]:
    return date.first_day, date.last_day


# --- parsing ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "parts", "precision", "key"),
    [
        ("2013", (2013, None, None), DatePrecision.YEAR, 2013_00_00),
        ("2013-03", (2013, 3, None), DatePrecision.MONTH, 2013_03_00),
        ("2013-03-15", (2013, 3, 15), DatePrecision.DAY, 2013_03_15),
        (" 2013-3-5 ", (2013, 3, 5), DatePrecision.DAY, 2013_03_05),
        ("0476", (476, None, None), DatePrecision.YEAR, 476_00_00),
    ],
)
def test_parse(
    text: str, parts: tuple[int, int | None, int | None], precision: DatePrecision, key: int
) -> None:
    date = PartialDate.parse(text)
    assert (date.year, date.month, date.day) == parts
    assert date.precision is precision
    assert date.key == key


def test_str_and_isoformat_pad_every_part() -> None:
    assert str(PartialDate(2013)) == "2013"
    assert str(PartialDate(2013, 3)) == "2013-03"
    assert PartialDate(476, 3, 5).isoformat() == "0476-03-05"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2013-13", f"month 13 in '2013-13' is not 1-12; {HOW}"),
        ("2013-00", f"month 0 in '2013-00' is not 1-12; {HOW}"),
        ("2013-02-30", f"day 30 in '2013-02-30' does not exist (that month has 28 days); {HOW}"),
        ("2012-02-30", f"day 30 in '2012-02-30' does not exist (that month has 29 days); {HOW}"),
        ("2013-02-29", f"day 29 in '2013-02-29' does not exist (that month has 28 days); {HOW}"),
        ("1900-02-29", f"day 29 in '1900-02-29' does not exist (that month has 28 days); {HOW}"),
        ("2013-04-31", f"day 31 in '2013-04-31' does not exist (that month has 30 days); {HOW}"),
        ("2013-03-00", f"day 0 in '2013-03-00' does not exist (that month has 31 days); {HOW}"),
        ("0000", f"year 0 in '0000' is out of range 1-9999; {HOW}"),
        ("March 2013", f"'March 2013' is not a date; {HOW}"),
        ("15/03/2013", f"'15/03/2013' is not a date; {HOW}"),
        ("2013-03-15T10:00", f"'2013-03-15T10:00' is not a date; {HOW}"),
        ("13", f"'13' is not a date; {HOW}"),
        ("", f"'' is not a date; {HOW}"),
    ],
)
def test_parse_refuses_with_a_message_that_says_what_to_write(text: str, message: str) -> None:
    with pytest.raises(ValidationError) as info:
        PartialDate.parse(text)
    assert info.value.message == message
    assert str(info.value) == message


def test_leap_days() -> None:
    assert PartialDate.parse("2012-02-29").last_day == dt.date(2012, 2, 29)
    assert PartialDate.parse("2000-02-29").key == 2000_02_29
    assert PartialDate(2012, 2).last_day == dt.date(2012, 2, 29)
    assert PartialDate(2013, 2).last_day == dt.date(2013, 2, 28)


def test_a_day_without_a_month_is_refused() -> None:
    with pytest.raises(ValidationError, match=r"^a day needs a month in '2013-\?\?-15'; write YYYY"):
        PartialDate(2013, None, 15)
    with pytest.raises(ValidationError, match=r"^a day needs a month"):
        PartialDate.from_key(2013_00_15)


@pytest.mark.parametrize("year", [0, 10000, -1])
def test_year_out_of_range(year: int) -> None:
    with pytest.raises(ValidationError, match=rf"^year {year} in .* is out of range 1-9999"):
        PartialDate(year)


# --- conversions ------------------------------------------------------------------------------------------


def test_coerce_accepts_what_callers_have() -> None:
    assert PartialDate.coerce(None) is None
    march = PartialDate(2013, 3)
    assert PartialDate.coerce(march) is march
    assert PartialDate.coerce("2013-03") == march
    assert PartialDate.coerce(dt.date(2013, 4, 29)) == PartialDate(2013, 4, 29)
    assert PartialDate.coerce(dt.datetime(2013, 4, 29, 23, 59, tzinfo=dt.UTC)) == PartialDate(2013, 4, 29)


def test_keys_and_day_ranges() -> None:
    year, month, day = PartialDate(2013), PartialDate(2013, 2), PartialDate(2013, 2, 15)
    assert (year.key, year.end_key) == (2013_00_00, 2013_12_99)
    assert (month.key, month.end_key) == (2013_02_00, 2013_02_99)
    assert (day.key, day.end_key) == (2013_02_15, 2013_02_15)
    assert days_of(year) == (dt.date(2013, 1, 1), dt.date(2013, 12, 31))
    assert days_of(month) == (dt.date(2013, 2, 1), dt.date(2013, 2, 28))
    assert days_of(day) == (dt.date(2013, 2, 15), dt.date(2013, 2, 15))
    assert PartialDate.from_key(MIN_KEY) == PartialDate(1)
    assert PartialDate.from_key(MAX_KEY) == PartialDate(9999, 12, 31)


@pytest.mark.parametrize("key", [2013_13_00, 2013_00_15, 2013_02_30, 0, 10000_00_00])
def test_from_key_refuses_what_no_date_stores(key: int) -> None:
    with pytest.raises(ValidationError):
        PartialDate.from_key(key)


# --- order and containment --------------------------------------------------------------------------------


def test_order_is_by_first_day_then_by_precision() -> None:
    texts = ["2014", "2013-03-15", "2013-03", "2013", "2013-02-15", "2012-12-31"]
    ordered = sorted(PartialDate.parse(text) for text in texts)
    assert [str(date) for date in ordered] == [
        "2012-12-31",
        "2013",
        "2013-02-15",
        "2013-03",
        "2013-03-15",
        "2014",
    ]
    assert PartialDate(2013) < PartialDate(2013, 1) < PartialDate(2013, 1, 1)
    assert PartialDate(2013, 3) <= PartialDate(2013, 3)
    assert PartialDate(2013, 3) >= PartialDate(2013, 3)
    assert PartialDate(2013, 3, 15) > PartialDate(2013, 3)
    assert not PartialDate(2013, 3) < PartialDate(2013, 3)


def test_contains() -> None:
    year, march, ides = PartialDate(2013), PartialDate(2013, 3), PartialDate(2013, 3, 15)
    assert year.contains(march)
    assert year.contains(ides)
    assert march.contains(ides)
    assert march.contains(march)
    assert not march.contains(year)
    assert not ides.contains(march)
    assert not year.contains(PartialDate(2014, 1))
    assert not march.contains(PartialDate(2013, 4, 1))


def test_overlaps() -> None:
    year, march, ides = PartialDate(2013), PartialDate(2013, 3), PartialDate(2013, 3, 15)
    assert year.overlaps(ides)
    assert ides.overlaps(year)
    assert march.overlaps(ides)
    assert march.overlaps(year)
    assert not march.overlaps(PartialDate(2013, 4))
    assert not march.overlaps(PartialDate(2013, 2, 28))
    assert not PartialDate(2013, 12, 31).overlaps(PartialDate(2014))
    assert not ides.overlaps(PartialDate(2013, 3, 16))


# --- properties -------------------------------------------------------------------------------------------


@modest
@given(partial_dates())
def test_key_and_text_round_trip(date: PartialDate) -> None:
    assert PartialDate.from_key(date.key) == date
    assert PartialDate.parse(str(date)) == date
    assert MIN_KEY <= date.key <= MAX_KEY
    assert date.key <= date.end_key
    assert date.first_day <= date.last_day


@modest
@given(partial_dates(), partial_dates())
def test_order_by_key_agrees_with_days(a: PartialDate, b: PartialDate) -> None:
    assert (a < b) == (a.key < b.key)
    assert (a == b) == (a.key == b.key)
    if a.first_day != b.first_day:
        assert (a.key < b.key) == (a.first_day < b.first_day)
    else:  # the same first day: the wider date sorts first ("2013" < "2013-01" < "2013-01-01")
        assert (a.key < b.key) == (a.last_day > b.last_day)


@modest
@given(partial_dates(), partial_dates())
def test_contains_and_overlaps_agree_with_days(a: PartialDate, b: PartialDate) -> None:
    assert a.contains(b) == (a.first_day <= b.first_day and b.last_day <= a.last_day)
    assert a.overlaps(b) == (a.first_day <= b.last_day and b.first_day <= a.last_day)
    assert a.overlaps(b) == b.overlaps(a)
    if a.contains(b):
        assert a.overlaps(b)
        assert a <= b


@modest
@given(st.text(max_size=20))
def test_parse_returns_a_date_or_a_validation_error(text: str) -> None:
    date: PartialDate | None = None
    message = ""
    try:
        date = PartialDate.parse(text)
    except ValidationError as error:
        message = error.message
    if date is None:
        assert message.endswith(HOW)
    else:
        assert PartialDate.parse(str(date)) == date


@modest
@given(st.integers(MIN_KEY, MAX_KEY))
def test_from_key_accepts_exactly_the_keys_of_dates(key: int) -> None:
    try:
        date = PartialDate.from_key(key)
    except ValidationError:
        year, rest = divmod(key, 10000)
        month, day = divmod(rest, 100)
        assert month > 12 or (day > 0 and (month == 0 or day > calendar.monthrange(year, month)[1]))
    else:
        assert date.key == key

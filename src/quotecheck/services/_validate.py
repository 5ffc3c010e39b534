"""Input rules shared by the services: each failure is a `ValidationError` naming the field and the fix."""

from __future__ import annotations

import datetime as dt
import re
from enum import Enum
from typing import TypeVar
from urllib.parse import urlsplit

from quotecheck.errors import ValidationError
from quotecheck.partial_date import PartialDate

E = TypeVar("E", bound=Enum)

_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def required_text(value: str | None, field: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError(f"{field} is empty; give it a value", field=field)
    return text


def optional_text(value: str | None) -> str | None:
    text = (value or "").strip()
    return text or None


def enum_value(enum: type[E], value: E | str, field: str) -> E:
    if isinstance(value, enum):
        return value
    try:
        return enum[str(value).strip().upper()]
    except KeyError:
        allowed = ", ".join(member.name for member in enum)
        raise ValidationError(f"{field} {value!r} is not one of {allowed}", field=field) from None


def partial_date(value: PartialDate | dt.date | str | None, field: str) -> PartialDate | None:
    try:
        return PartialDate.coerce(value)
    except ValidationError as error:
        raise ValidationError(f"{field}: {error.message}", field=field) from None


def language(value: str | None, field: str = "language") -> str | None:
    tag = optional_text(value)
    if tag is None:
        return None
    if not _LANGUAGE.match(tag):
        raise ValidationError(
            f"{field} {tag!r} is not a language tag; use one like en, fr or pt-BR", field=field
        )
    return tag.lower() if "-" not in tag else tag.split("-")[0].lower() + "-" + "-".join(tag.split("-")[1:])


def url(value: str | None, field: str = "url") -> str | None:
    text = optional_text(value)
    if text is None:
        return None
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValidationError(f"{field} {text!r} is not an http(s) URL; give a full address", field=field)
    return text


def domain_of(address: str) -> str:
    host = (urlsplit(address).hostname or "").lower()
    return host.removeprefix("www.")


def date_order(start: PartialDate | None, end: PartialDate | None, field: str) -> None:
    if start is not None and end is not None and start.key > end.end_key:
        raise ValidationError(
            f"{field}: starts {start} after it ends {end}; swap or correct them", field=field
        )

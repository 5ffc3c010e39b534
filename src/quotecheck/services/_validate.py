"""Input rules shared by the services: each failure is a `ValidationError` naming the field and the fix."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from enum import Enum
from typing import Any, TypeVar
from urllib.parse import urlsplit

from quotecheck import clean
from quotecheck.errors import Conflict, ValidationError
from quotecheck.models.base import utcnow
from quotecheck.partial_date import PartialDate

E = TypeVar("E", bound=Enum)

_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def required_text(value: str | None, field: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError(f"{field} is empty; give it a value", field=field)
    return text


def name_text(value: str | None, field: str) -> str:
    """A person's or organisation's name as stored: NFC, one line, no control or bidi formatting characters
    (`quotecheck.clean`), whichever way it came in (the API, a transcript's labels, an article, a review)."""
    return clean.clean(required_text(value, field), field, clean.NAME)


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


def expect_version(row: Any, version: int | None, what: str) -> None:
    """An update names the version it read; a stale one is a CONFLICT carrying the current version."""
    if version is None:
        raise ValidationError(f"{what}: version is missing; send the `version` you read", field="version")
    if row.version != version:
        raise Conflict(
            f"{what} was changed since you read it: you sent version {version}, it is now at version "
            f"{row.version}; reload it, apply your change again and send version {row.version}",
            field="version",
            current_version=row.version,
        )


def touch(row: Any) -> None:
    """Mark a row changed when only its children changed, so its version still moves on."""
    row.updated_at = utcnow()


def unknown_fields(changes: Mapping[str, Any], allowed: Iterable[str], what: str) -> None:
    extra = sorted(set(changes) - set(allowed))
    if extra:
        raise ValidationError(f"{what} has no field {', '.join(extra)}; fields: {', '.join(sorted(allowed))}")

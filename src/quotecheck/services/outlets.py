"""Outlets: create, get, find by name or web domain, list."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from quotecheck.enums import OutletKind
from quotecheck.errors import Conflict, NotFound, ValidationError
from quotecheck.models import Outlet
from quotecheck.services import _validate as v
from quotecheck.services._paging import page
from quotecheck.services._sql import words_prefix
from quotecheck.text import name_key

__all__ = [
    "OutletFilter",
    "create_outlet",
    "find_outlet",
    "get_outlet",
    "list_outlets",
    "outlet_conditions",
]

_COUNTRY = re.compile(r"^[A-Za-z]{2}$")


@dataclass(frozen=True, slots=True)
class OutletFilter:
    name: str | None = None  # every word starts a word of the name
    kind: OutletKind | None = None
    country: str | None = None


def outlet_conditions(f: OutletFilter) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if f.name is not None and name_key(f.name):
        where.append(words_prefix(Outlet.name_key, f.name))
    if f.kind is not None:
        where.append(Outlet.kind == f.kind)
    if f.country is not None:
        where.append(Outlet.country == f.country.strip().upper())
    return where


def create_outlet(
    session: Session,
    *,
    name: str,
    kind: OutletKind | str = OutletKind.OTHER,
    url: str | None = None,
    domain: str | None = None,
    country: str | None = None,
    languages: Sequence[str] = (),
    description: str | None = None,
) -> Outlet:
    name = v.required_text(name, "name")
    key = name_key(name)
    existing = session.scalar(select(Outlet).where(Outlet.name_key == key))
    if existing is not None:
        raise Conflict(f"an outlet called {existing.name!r} exists already (id {existing.id})", field="name")
    home = v.url(url)
    host = (v.optional_text(domain) or (v.domain_of(home) if home else "")).lower().removeprefix(
        "www."
    ) or None
    if host is not None:
        holder = session.scalar(select(Outlet).where(Outlet.domain == host))
        if holder is not None:
            raise Conflict(
                f"the domain {host} belongs to outlet {holder.name!r} (id {holder.id})", field="domain"
            )
    code = v.optional_text(country)
    if code is not None and not _COUNTRY.match(code):
        raise ValidationError(
            f"country {code!r} is not a two-letter ISO 3166 code; use one like US, CA or FR", field="country"
        )
    tags = [tag for tag in (v.language(item, "languages") for item in languages) if tag]
    outlet = Outlet(
        name=name,
        name_key=key,
        kind=v.enum_value(OutletKind, kind, "kind"),
        url=home,
        domain=host,
        country=code.upper() if code else None,
        languages=tags,
        description=v.optional_text(description),
    )
    session.add(outlet)
    session.flush()
    return outlet


def get_outlet(session: Session, outlet_id: int) -> Outlet:
    outlet = session.get(Outlet, outlet_id)
    if outlet is None:
        raise NotFound(f"no outlet has id {outlet_id}")
    return outlet


def find_outlet(session: Session, name_or_domain: str) -> Outlet | None:
    """The outlet with this name (ignoring case and accents) or this web domain, if any."""
    text = name_or_domain.strip()
    host = v.domain_of(text) if "://" in text else text.lower().removeprefix("www.")
    return session.scalar(select(Outlet).where(or_(Outlet.name_key == name_key(text), Outlet.domain == host)))


def list_outlets(session: Session, *, limit: int = 100, after_id: int | None = None) -> list[Outlet]:
    return page(session, Outlet, limit=limit, after_id=after_id)

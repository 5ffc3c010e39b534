"""Outlets: create, change, delete, get, find by name or web domain, list."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from quotecheck.enums import OutletKind
from quotecheck.errors import Conflict, NotFound, ValidationError
from quotecheck.models import Interview, Outlet, Source
from quotecheck.services import _validate as v
from quotecheck.services import audit
from quotecheck.services._paging import page
from quotecheck.services._sql import words_prefix
from quotecheck.text import name_key

__all__ = [
    "OUTLET_FIELDS",
    "OutletFilter",
    "create_outlet",
    "delete_outlet",
    "find_outlet",
    "get_outlet",
    "list_outlets",
    "outlet_conditions",
    "update_outlet",
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


def _name(session: Session, value: str | None, *, exclude: int | None = None) -> tuple[str, str]:
    """The outlet's name and its folded key, unique among outlets (`exclude`: the outlet being changed)."""
    name = v.required_text(value, "name")
    key = name_key(name)
    if not key:
        raise ValidationError(f"name {name!r} has no letters or digits; give the outlet's name", field="name")
    existing = session.scalar(select(Outlet).where(Outlet.name_key == key))
    if existing is not None and existing.id != exclude:
        raise Conflict(f"an outlet called {existing.name!r} exists already (id {existing.id})", field="name")
    return name, key


def _domain(
    session: Session, domain: str | None, home: str | None, *, exclude: int | None = None
) -> str | None:
    """The given web domain, else the home URL's host; one domain belongs to one outlet."""
    host = (v.optional_text(domain) or (v.domain_of(home) if home else "")).lower().removeprefix(
        "www."
    ) or None
    if host is not None:
        holder = session.scalar(select(Outlet).where(Outlet.domain == host))
        if holder is not None and holder.id != exclude:
            raise Conflict(
                f"the domain {host} belongs to outlet {holder.name!r} (id {holder.id})", field="domain"
            )
    return host


def _host(home: str | None) -> str | None:
    return (v.domain_of(home) or None) if home else None


def _country(value: str | None) -> str | None:
    code = v.optional_text(value)
    if code is not None and not _COUNTRY.match(code):
        raise ValidationError(
            f"country {code!r} is not a two-letter ISO 3166 code; use one like US, CA or FR", field="country"
        )
    return code.upper() if code else None


def _languages(values: Sequence[str] | None) -> list[str]:
    return [tag for tag in (v.language(item, "languages") for item in values or ()) if tag]


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
    name, key = _name(session, name)
    home = v.url(url)
    outlet = Outlet(
        name=name,
        name_key=key,
        kind=v.enum_value(OutletKind, kind, "kind"),
        url=home,
        domain=_domain(session, domain, home),
        country=_country(country),
        languages=_languages(languages),
        description=v.optional_text(description),
    )
    session.add(outlet)
    session.flush()
    return outlet


def get_outlet(session: Session, outlet_id: int) -> Outlet:
    outlet = session.get(Outlet, outlet_id)
    if outlet is None:
        raise NotFound(f"no outlet has id {outlet_id}; find it with the `outlets` query")
    return outlet


def find_outlet(session: Session, name_or_domain: str) -> Outlet | None:
    """The outlet with this name (ignoring case and accents) or this web domain, if any."""
    text = name_or_domain.strip()
    host = v.domain_of(text) if "://" in text else text.lower().removeprefix("www.")
    return session.scalar(select(Outlet).where(or_(Outlet.name_key == name_key(text), Outlet.domain == host)))


def list_outlets(session: Session, *, limit: int = 100, after_id: int | None = None) -> list[Outlet]:
    return page(session, Outlet, limit=limit, after_id=after_id)


# The fields an update may change (the API's update input, in snake case): one list for both layers.
OUTLET_FIELDS = ("name", "kind", "url", "domain", "country", "languages", "description")


def update_outlet(session: Session, outlet_id: int, *, version: int, changes: Mapping[str, Any]) -> Outlet:
    """Change the given fields (absent keys stay as they are; `languages` replaces the whole list).

    The domain follows a new `url` unless it was set apart from the old one; an empty `domain` is the URL's
    host.
    """
    v.unknown_fields(changes, OUTLET_FIELDS, "an outlet")
    outlet = get_outlet(session, outlet_id)
    v.expect_version(outlet, version, f"outlet {outlet.name!r}")
    before = audit.snapshot(outlet)
    with session.no_autoflush:  # one UPDATE (one version step), however many fields change
        if "name" in changes:
            outlet.name, outlet.name_key = _name(session, changes["name"], exclude=outlet.id)
        if "kind" in changes:
            outlet.kind = v.enum_value(OutletKind, changes["kind"], "kind")
        if "url" in changes or "domain" in changes:
            home = v.url(changes["url"]) if "url" in changes else outlet.url
            if "domain" in changes:
                domain = changes["domain"]
            elif outlet.domain is None or outlet.domain == _host(outlet.url):
                domain = None  # it followed the old URL: it follows the new one
            else:
                domain = outlet.domain
            outlet.url, outlet.domain = home, _domain(session, domain, home, exclude=outlet.id)
        if "country" in changes:
            outlet.country = _country(changes["country"])
        if "languages" in changes:
            outlet.languages = _languages(changes["languages"])
        if "description" in changes:
            outlet.description = v.optional_text(changes["description"])
    v.touch(outlet)
    audit.record(session, "updateOutlet", outlet, before=before)
    return outlet


def delete_outlet(session: Session, outlet_id: int, *, version: int) -> None:
    """Delete an outlet nothing refers to; one that published sources or held interviews is refused."""
    outlet = get_outlet(session, outlet_id)
    v.expect_version(outlet, version, f"outlet {outlet.name!r}")
    uses = {
        "sources": select(func.count()).select_from(Source).where(Source.outlet_id == outlet_id),
        "interviews": select(func.count()).select_from(Interview).where(Interview.outlet_id == outlet_id),
    }
    held = {what: session.scalar(query) or 0 for what, query in uses.items()}
    if any(held.values()):
        listed = ", ".join(f"{count} {what}" for what, count in held.items() if count)
        raise Conflict(
            f"outlet {outlet.name!r} cannot be deleted: {listed} refer to it; "
            "point them at another outlet (updateSource, updateInterview) first, or keep the outlet",
            field="id",
        )
    before = audit.snapshot(outlet)
    session.delete(outlet)
    session.flush()
    audit.record(session, "deleteOutlet", outlet, before=before, deleted=True)

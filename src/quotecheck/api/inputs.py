"""Filter inputs and orderings of the root lists, turned into the services' filters."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Any

import strawberry
from sqlalchemy import Integer, func, type_coerce

from quotecheck import models
from quotecheck.api.errors import BadInput
from quotecheck.api.ids import decode_id
from quotecheck.api.pagination import Order
from quotecheck.api.types import (
    FactCheckStatus,
    InterviewKind,
    OutletKind,
    SourceKind,
    SpeakerKind,
    Verdict,
)
from quotecheck.errors import ValidationError
from quotecheck.partial_date import PartialDate
from quotecheck.services.audit import AuditFilter
from quotecheck.services.factchecks import FactCheckFilter as FactCheckQuery
from quotecheck.services.interviews import InterviewFilter as InterviewQuery
from quotecheck.services.outlets import OutletFilter as OutletQuery
from quotecheck.services.quotes import QuoteFilter as QuoteQuery
from quotecheck.services.sources import SourceFilter as SourceQuery
from quotecheck.services.speakers import SpeakerFilter as SpeakerQuery

__all__ = [
    "FactCheckFilter",
    "FactCheckOrder",
    "InterviewFilter",
    "InterviewOrder",
    "OrderDirection",
    "OutletFilter",
    "OutletOrder",
    "QuoteFilter",
    "QuoteOrder",
    "SourceFilter",
    "SourceOrder",
    "SpeakerFilter",
    "SpeakerOrder",
    "parse_date",
]

# Undated rows come last in either direction: after every date ascending, before none descending.
UNDATED_LAST_ASC = 99999999
UNDATED_LAST_DESC = 0


def parse_date(value: str | None, field: str) -> PartialDate | None:
    if value is None:
        return None
    try:
        return PartialDate.parse(value)
    except ValidationError as error:
        raise BadInput(f"{field}: {error.message}") from None


def _row_id(value: strawberry.ID | None, type_name: str) -> int | None:
    return None if value is None else decode_id(str(value), type_name)[1]


@strawberry.enum
class OrderDirection(Enum):
    ASC = "ASC"
    DESC = "DESC"


def _order(name: str, key: Any, id_column: Any, direction: OrderDirection) -> Order:
    return Order(f"{name}_{direction.value}", key, id_column, descending=direction is OrderDirection.DESC)


def _dated(column: Any, direction: OrderDirection) -> Any:
    undated = UNDATED_LAST_DESC if direction is OrderDirection.DESC else UNDATED_LAST_ASC
    return func.coalesce(type_coerce(column, Integer), undated)


# --- quotes ------------------------------------------------------------------------------------------------------
@strawberry.input(description="Every field given must hold.")
class QuoteFilter:
    speaker_id: strawberry.ID | None = None
    speaker_name: str | None = strawberry.field(
        default=None,
        description='A name or alias, any case or accents; titles and initials are read ("Mayor E. Várga").',
    )
    outlet_id: strawberry.ID | None = strawberry.field(
        default=None, description="Appeared in a source of this outlet, or said in one of its interviews."
    )
    interview_id: strawberry.ID | None = None
    source_id: strawberry.ID | None = strawberry.field(default=None, description="Appeared in this source.")
    topic: str | None = strawberry.field(default=None, description="A topic's name or slug.")
    language: str | None = None
    from_: str | None = strawberry.field(
        default=None, name="from", description="Said on or after (partial date)."
    )
    to: str | None = strawberry.field(default=None, description="Said on or before (partial date).")
    text_contains: str | None = strawberry.field(default=None, description="Case-insensitive substring.")
    has_fact_check: bool | None = None
    verdict: Verdict | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Has a published fact-check with this verdict."
    )

    def query(self) -> QuoteQuery:
        return QuoteQuery(
            speaker_id=_row_id(self.speaker_id, "Speaker"),
            speaker_name=self.speaker_name,
            outlet_id=_row_id(self.outlet_id, "Outlet"),
            interview_id=_row_id(self.interview_id, "Interview"),
            source_id=_row_id(self.source_id, "Source"),
            topic=self.topic,
            language=self.language,
            said_from=parse_date(self.from_, "from"),
            said_to=parse_date(self.to, "to"),
            text_contains=self.text_contains,
            has_fact_check=self.has_fact_check,
            verdict=self.verdict,
        )


@strawberry.enum
class QuoteOrderField(Enum):
    ID = "ID"
    SAID_ON = "SAID_ON"


@strawberry.input
class QuoteOrder:
    field: QuoteOrderField = QuoteOrderField.ID
    direction: OrderDirection = OrderDirection.ASC

    def order(self) -> Order:
        key = (
            models.Quote.id
            if self.field is QuoteOrderField.ID
            else _dated(models.Quote.said_on, self.direction)
        )
        return _order(self.field.value, key, models.Quote.id, self.direction)


# --- speakers ----------------------------------------------------------------------------------------------------
@strawberry.input
class SpeakerFilter:
    name: str | None = strawberry.field(
        default=None,
        description='Every word starts a word of the name or of one alias ("serg lav" finds Sergey Lavrov).',
    )
    wikidata_id: str | None = None
    role: str | None = strawberry.field(
        default=None, description="Every word starts a word of a role title held."
    )
    kind: SpeakerKind | None = None  # type: ignore[valid-type]

    def query(self) -> SpeakerQuery:
        return SpeakerQuery(name=self.name, wikidata_id=self.wikidata_id, role=self.role, kind=self.kind)


@strawberry.enum
class SpeakerOrderField(Enum):
    ID = "ID"
    NAME = "NAME"


@strawberry.input
class SpeakerOrder:
    field: SpeakerOrderField = SpeakerOrderField.ID
    direction: OrderDirection = OrderDirection.ASC

    def order(self) -> Order:
        key = models.Speaker.id if self.field is SpeakerOrderField.ID else models.Speaker.name_key
        return _order(self.field.value, key, models.Speaker.id, self.direction)


# --- outlets -----------------------------------------------------------------------------------------------------
@strawberry.input
class OutletFilter:
    name: str | None = strawberry.field(default=None, description="Every word starts a word of the name.")
    kind: OutletKind | None = None  # type: ignore[valid-type]
    country: str | None = None

    def query(self) -> OutletQuery:
        return OutletQuery(name=self.name, kind=self.kind, country=self.country)


@strawberry.enum
class OutletOrderField(Enum):
    ID = "ID"
    NAME = "NAME"


@strawberry.input
class OutletOrder:
    field: OutletOrderField = OutletOrderField.ID
    direction: OrderDirection = OrderDirection.ASC

    def order(self) -> Order:
        key = models.Outlet.id if self.field is OutletOrderField.ID else models.Outlet.name_key
        return _order(self.field.value, key, models.Outlet.id, self.direction)


# --- interviews --------------------------------------------------------------------------------------------------
@strawberry.input
class InterviewFilter:
    speaker_id: strawberry.ID | None = strawberry.field(default=None, description="Took part, in any role.")
    speaker_name: str | None = None
    outlet_id: strawberry.ID | None = None
    kind: InterviewKind | None = None  # type: ignore[valid-type]
    from_: str | None = strawberry.field(default=None, name="from")
    to: str | None = None

    def query(self) -> InterviewQuery:
        return InterviewQuery(
            speaker_id=_row_id(self.speaker_id, "Speaker"),
            speaker_name=self.speaker_name,
            outlet_id=_row_id(self.outlet_id, "Outlet"),
            kind=self.kind,
            held_from=parse_date(self.from_, "from"),
            held_to=parse_date(self.to, "to"),
        )


@strawberry.enum
class InterviewOrderField(Enum):
    ID = "ID"
    HELD_ON = "HELD_ON"


@strawberry.input
class InterviewOrder:
    field: InterviewOrderField = InterviewOrderField.ID
    direction: OrderDirection = OrderDirection.ASC

    def order(self) -> Order:
        key = (
            models.Interview.id
            if self.field is InterviewOrderField.ID
            else _dated(models.Interview.held_on, self.direction)
        )
        return _order(self.field.value, key, models.Interview.id, self.direction)


# --- sources -----------------------------------------------------------------------------------------------------
@strawberry.input
class SourceFilter:
    kind: SourceKind | None = None  # type: ignore[valid-type]
    outlet_id: strawberry.ID | None = None
    interview_id: strawberry.ID | None = None
    language: str | None = None
    from_: str | None = strawberry.field(default=None, name="from", description="Published on or after.")
    to: str | None = strawberry.field(default=None, description="Published on or before.")

    def query(self) -> SourceQuery:
        return SourceQuery(
            kind=self.kind,
            outlet_id=_row_id(self.outlet_id, "Outlet"),
            interview_id=_row_id(self.interview_id, "Interview"),
            language=self.language,
            published_from=parse_date(self.from_, "from"),
            published_to=parse_date(self.to, "to"),
        )


@strawberry.enum
class SourceOrderField(Enum):
    ID = "ID"
    PUBLISHED_ON = "PUBLISHED_ON"


@strawberry.input
class SourceOrder:
    field: SourceOrderField = SourceOrderField.ID
    direction: OrderDirection = OrderDirection.ASC

    def order(self) -> Order:
        key = (
            models.Source.id
            if self.field is SourceOrderField.ID
            else _dated(models.Source.published_on, self.direction)
        )
        return _order(self.field.value, key, models.Source.id, self.direction)


# --- fact-checks -------------------------------------------------------------------------------------------------
@strawberry.input
class FactCheckFilter:
    verdict: Verdict | None = None  # type: ignore[valid-type]
    reviewer: str | None = None
    publisher: str | None = None
    status: FactCheckStatus | None = None  # type: ignore[valid-type]
    quote_id: strawberry.ID | None = None
    from_: str | None = strawberry.field(default=None, name="from", description="Reviewed on or after.")
    to: str | None = strawberry.field(default=None, description="Reviewed on or before.")

    def query(self) -> FactCheckQuery:
        return FactCheckQuery(
            verdict=self.verdict,
            reviewer=self.reviewer,
            publisher=self.publisher,
            status=self.status,
            quote_id=_row_id(self.quote_id, "Quote"),
            reviewed_from=parse_date(self.from_, "from"),
            reviewed_to=parse_date(self.to, "to"),
        )


@strawberry.enum
class FactCheckOrderField(Enum):
    ID = "ID"
    REVIEWED_ON = "REVIEWED_ON"


@strawberry.input
class FactCheckOrder:
    field: FactCheckOrderField = FactCheckOrderField.ID
    direction: OrderDirection = OrderDirection.ASC

    def order(self) -> Order:
        key = (
            models.FactCheck.id
            if self.field is FactCheckOrderField.ID
            else _dated(models.FactCheck.reviewed_on, self.direction)
        )
        return _order(self.field.value, key, models.FactCheck.id, self.direction)


# --- the audit trail ---------------------------------------------------------------------------------------------
@strawberry.input(description="Narrow the audit trail; every field given must hold.")
class AuditEventFilter:
    object_id: strawberry.ID | None = strawberry.field(
        default=None, description="Changes of this object (any type, deleted ones too)."
    )
    object_type: str | None = strawberry.field(default=None, description='"Speaker", "FactCheck", ...')
    actor: str | None = strawberry.field(default=None, description='A token\'s name, or "cli:<user>".')
    operation: str | None = strawberry.field(
        default=None, description='"updateSpeaker", "importArticle", ...'
    )
    since: dt.datetime | None = strawberry.field(default=None, description="At or after this instant.")
    until: dt.datetime | None = strawberry.field(default=None, description="Before this instant.")

    def query(self) -> AuditFilter:
        object_type, object_id = self.object_type, None
        if self.object_id is not None:
            object_type, object_id = decode_id(str(self.object_id))
            if self.object_type is not None and self.object_type != object_type:
                raise BadInput(f"objectId names a {object_type}, but objectType says {self.object_type}")
        return AuditFilter(
            object_type=object_type,
            object_id=object_id,
            actor=self.actor,
            operation=self.operation,
            since=_aware(self.since, "since"),
            until=_aware(self.until, "until"),
        )


def _aware(value: dt.datetime | None, field: str) -> dt.datetime | None:
    if value is not None and value.tzinfo is None:
        raise BadInput(f"{field} has no time zone; give one, as in 2026-11-29T14:00:00Z")
    return value

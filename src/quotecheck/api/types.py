"""The GraphQL object types, written by hand: each exposes chosen fields of a row it keeps private.

They live in one module because they form one graph (a speaker's quotes, a quote's speaker ...); every relation
goes through the operation's DataLoaders, so a list never costs a query per item.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, ClassVar, Generic, TypeVar, cast

import strawberry
from strawberry.dataloader import DataLoader
from strawberry.scalars import JSON
from strawberry.types import Info

from quotecheck import enums, models
from quotecheck.api.context import Context
from quotecheck.api.ids import encode_id
from quotecheck.api.pagination import Order, Page, PageArgs
from quotecheck.partial_date import DatePrecision
from quotecheck.partial_date import PartialDate as PartialDateValue

__all__ = [
    "Alias",
    "ApiToken",
    "Appearance",
    "AuditEvent",
    "Connection",
    "Edge",
    "Evidence",
    "FactCheck",
    "Interview",
    "Node",
    "Outlet",
    "PageInfo",
    "PartialDate",
    "Participant",
    "PossibleDuplicate",
    "Quote",
    "Rating",
    "Role",
    "Source",
    "Speaker",
    "SpeakerCandidate",
    "Topic",
    "Turn",
    "connection_from",
]

SpeakerKind = strawberry.enum(enums.SpeakerKind, description="A person or an organisation.")
AliasKind = strawberry.enum(enums.AliasKind, description="Why a speaker has another name.")
OutletKind = strawberry.enum(enums.OutletKind)
InterviewKind = strawberry.enum(enums.InterviewKind)
Medium = strawberry.enum(enums.Medium)
ParticipantRole = strawberry.enum(enums.ParticipantRole)
SourceKind = strawberry.enum(enums.SourceKind)
AppearanceRelation = strawberry.enum(
    enums.AppearanceRelation, description="How an appearance relates to what was said."
)
Verdict = strawberry.enum(enums.Verdict, description="Attribution verdicts (see the README).")
FactCheckStatus = strawberry.enum(enums.FactCheckStatus)
DatePrecisionEnum = strawberry.enum(DatePrecision, name="DatePrecision")

T = TypeVar("T")
Ctx = Info[Context, None]

NESTED_PAGE = 20  # default size of nested lists


# --- shared shapes ---------------------------------------------------------------------------------------------
@strawberry.type(description="A date known to the year, the month or the day.")
class PartialDate:
    year: int
    month: int | None
    day: int | None
    precision: DatePrecisionEnum  # type: ignore[valid-type]
    iso: str = strawberry.field(description='"2013", "2013-03" or "2013-03-14".')

    @classmethod
    def of(cls, value: PartialDateValue | None) -> PartialDate | None:
        if value is None:
            return None
        return cls(
            year=value.year,
            month=value.month,
            day=value.day,
            precision=value.precision,
            iso=value.isoformat(),
        )


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    count: strawberry.Private[Any]

    @strawberry.field(description="How many items the whole list holds, across all pages.")
    async def total_count(self) -> int:
        return int(await self.count())


def connection_from(page: Page[Any], wrap: Any, count: Any) -> Connection[Any]:
    edges = [Edge(cursor=cursor, node=wrap(row)) for row, cursor in zip(page.rows, page.cursors, strict=True)]
    info = PageInfo(
        has_next_page=page.has_next,
        has_previous_page=page.has_previous,
        start_cursor=page.cursors[0] if page.cursors else None,
        end_cursor=page.cursors[-1] if page.cursors else None,
    )
    return Connection(edges=edges, page_info=info, count=count)


@strawberry.interface(description="An object with a global ID, fetchable with `node(id:)`.")
class Node:
    row: strawberry.Private[Any]
    type_name: ClassVar[str] = ""

    @strawberry.field(description="The object's global ID.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(encode_id(self.type_name, self.row.id))

    @strawberry.field(
        description="Moves on with every change; an update sends the version it read, and a stale one is "
        "refused with a CONFLICT instead of overwriting someone else's change."
    )
    def version(self) -> int:
        return int(self.row.version)

    @strawberry.field(
        description="Every recorded change of this object, oldest first (`last: n` for the latest); "
        "needs a token."
    )
    async def history(
        self,
        info: Ctx,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[AuditEvent]:
        info.context.require(enums.TokenRole.READER, "reading the history")
        args = _nested_args(first, after, last, before)
        where = (models.AuditEvent.object_type == self.type_name,)
        model = models.AuditEvent
        loaders = info.context.loaders
        name = f"audit_event.{self.type_name}"
        order = Order("ID", model.id, model.id)
        page = await loaders.connection(model, model.object_id, where, order, args, name).load(self.row.id)
        counter = loaders.count(model, model.object_id, where, name)
        return connection_from(page, AuditEvent.wrap, lambda: counter.load(self.row.id))

    @classmethod
    def wrap(cls, row: Any) -> Any:
        return cls(row=row)


ActorKind = strawberry.enum(enums.ActorKind)
TokenRole = strawberry.enum(enums.TokenRole)


@strawberry.type(
    description="An API token as an administrator sees it; the secret itself is never shown again."
)
class ApiToken:
    row: strawberry.Private[models.ApiToken]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(encode_id("ApiToken", self.row.id))

    @strawberry.field
    def name(self) -> str:
        return self.row.name

    @strawberry.field
    def role(self) -> TokenRole:  # type: ignore[valid-type]
        return self.row.role

    @strawberry.field(description="The token's first characters, to tell tokens apart.")
    def prefix(self) -> str:
        return self.row.prefix

    @strawberry.field
    def created_at(self) -> dt.datetime:
        return self.row.created_at

    @strawberry.field
    def created_by(self) -> str:
        return self.row.created_by

    @strawberry.field
    def revoked_at(self) -> dt.datetime | None:
        return self.row.revoked_at


@strawberry.type(description="One field of an object as it was before a change and after it.")
class FieldChange:
    field: str
    before: JSON | None
    after: JSON | None


@strawberry.type(
    description="One change, as recorded in the same transaction: who, when, which operation, which object, "
    "and its fields before and after (named as in this API; other objects by their IDs). Never editable."
)
class AuditEvent:
    row: strawberry.Private[models.AuditEvent]

    @classmethod
    def wrap(cls, row: models.AuditEvent) -> AuditEvent:
        return cls(row=row)

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(encode_id("AuditEvent", self.row.id))

    @strawberry.field
    def occurred_at(self) -> dt.datetime:
        return self.row.occurred_at

    @strawberry.field(description='A token\'s name, or "cli:<user>" for a command run on the server.')
    def actor(self) -> str:
        return self.row.actor

    @strawberry.field
    def actor_kind(self) -> ActorKind:  # type: ignore[valid-type]
        return self.row.actor_kind

    @strawberry.field(description='The mutation or command: "updateSpeaker", "importTranscript", "loadDemo".')
    def operation(self) -> str:
        return self.row.operation

    @strawberry.field(description="The changed object's type; null for a change of many objects.")
    def object_type(self) -> str | None:
        return self.row.object_type

    @strawberry.field(description="The changed object's ID (it may since have been deleted or merged).")
    def object_id(self) -> strawberry.ID | None:
        row = self.row
        if row.object_type is None or row.object_id is None:
            return None
        return strawberry.ID(encode_id(row.object_type, row.object_id))

    @strawberry.field(description="The object's version after the change.")
    def object_version(self) -> int | None:
        return self.row.object_version

    @strawberry.field(description="The object's fields before the change; null when it was created.")
    def before(self) -> JSON | None:
        return cast(JSON | None, self.row.before)

    @strawberry.field(description="The object's fields after the change; null when it was deleted.")
    def after(self) -> JSON | None:
        return cast(JSON | None, self.row.after)

    @strawberry.field(description="What else the change did (a merge's moved quotes, an import's counts).")
    def detail(self) -> JSON | None:
        return cast(JSON | None, self.row.detail)

    @strawberry.field(description="The fields whose value differs between `before` and `after`.")
    def changes(self) -> list[FieldChange]:
        before, after = self.row.before or {}, self.row.after or {}
        fields = [*before, *(key for key in after if key not in before)]
        return [
            FieldChange(field=key, before=before.get(key), after=after.get(key))
            for key in fields
            if before.get(key) != after.get(key)
        ]

    @strawberry.field(description="The X-Request-ID of the API request that made the change.")
    def request_id(self) -> str | None:
        return self.row.request_id


def _nested_args(first: int | None, after: str | None, last: int | None, before: str | None) -> PageArgs:
    """Nested lists default to pages of NESTED_PAGE."""
    return PageArgs(
        first=first if first is not None or last is not None else NESTED_PAGE,
        after=after,
        last=last,
        before=before,
    )


async def _nested(
    info: Ctx, model: Any, parent: Any, parent_id: int, args: PageArgs, wrap: Any
) -> Connection[Any]:
    """A page of a parent's children in id order; every parent of the operation shares one statement."""
    order = Order("ID", model.id, model.id)
    loaders = info.context.loaders
    name = f"{model.__tablename__}.{parent.key}"
    page = await loaders.connection(model, parent, (), order, args, name).load(parent_id)
    counter = loaders.count(model, parent, (), name)
    return connection_from(page, _from(wrap), lambda: counter.load(parent_id))


def _need(row: T | None) -> T:
    """A row a foreign key guarantees; a missing one means the database broke its own constraints."""
    if row is None:
        raise LookupError("a referenced row is missing")
    return row


def _from(cls: type[T]) -> Any:
    return lambda row: None if row is None else cls(row=row)  # type: ignore[call-arg]


# --- speakers ------------------------------------------------------------------------------------------------
@strawberry.type
class Alias:
    name: str
    kind: AliasKind  # type: ignore[valid-type]
    language: str | None


@strawberry.type(description="A title a speaker held for a time.")
class Role:
    row: strawberry.Private[models.SpeakerRole]

    @strawberry.field
    def title(self) -> str:
        return self.row.title

    @strawberry.field
    def organization(self) -> str | None:
        return self.row.organization

    @strawberry.field(name="from", description="When the role began, if known.")
    def started(self) -> PartialDate | None:
        return PartialDate.of(self.row.started)

    @strawberry.field(name="to", description="When it ended; null while held or unknown.")
    def ended(self) -> PartialDate | None:
        return PartialDate.of(self.row.ended)

    @strawberry.field
    def note(self) -> str | None:
        return self.row.note


def _held_on(role: models.SpeakerRole, day: PartialDateValue) -> bool:
    starts = role.started is None or role.started.key <= day.end_key
    ends = role.ended is None or role.ended.end_key >= day.key
    return starts and ends


@strawberry.type(description="A person or organisation that can be quoted.")
class Speaker(Node):
    row: strawberry.Private[models.Speaker]
    type_name: ClassVar[str] = "Speaker"

    @strawberry.field
    def name(self) -> str:
        return self.row.name

    @strawberry.field
    def kind(self) -> SpeakerKind:  # type: ignore[valid-type]
        return self.row.kind

    @strawberry.field(description="The Wikidata item, as Q and digits.")
    def wikidata_id(self) -> str | None:
        return self.row.wikidata_id

    @strawberry.field
    def description(self) -> str | None:
        return self.row.description

    @strawberry.field(
        description='An unidentified participant of one transcript ("Question", "Speaker 1"): never found '
        "by a name, never merged across transcripts."
    )
    def anonymous(self) -> bool:
        return self.row.anonymous

    @strawberry.field(description="Other names: spellings, transliterations, short forms, merged duplicates.")
    async def aliases(self, info: Ctx) -> list[Alias]:
        rows = await info.context.loaders.aliases.load(self.row.id)
        return [Alias(name=row.name, kind=row.kind, language=row.language) for row in rows]

    @strawberry.field(description="Every role recorded, earliest first (unknown starts first).")
    async def roles(self, info: Ctx) -> list[Role]:
        return [Role(row=row) for row in await info.context.loaders.roles.load(self.row.id)]

    @strawberry.field(
        description='Roles the speaker may have held on a date ("2013", "2013-03", "2013-03-14").'
    )
    async def roles_on(self, info: Ctx, date: str) -> list[Role]:
        from quotecheck.api.inputs import parse_date

        day = parse_date(date, "date")
        assert day is not None
        rows = await info.context.loaders.roles.load(self.row.id)
        return [Role(row=row) for row in rows if _held_on(row, day)]

    @strawberry.field(description="Quotes attributed to this speaker, in the order they were recorded.")
    async def quotes(
        self,
        info: Ctx,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Quote]:
        args = _nested_args(first, after, last, before)
        return await _nested(info, models.Quote, models.Quote.speaker_id, self.row.id, args, Quote)

    @strawberry.field(description="Interviews (and debates, speeches ...) the speaker took part in.")
    async def interviews(self, info: Ctx) -> list[Interview]:
        return [Interview(row=row) for row in await info.context.loaders.speaker_interviews.load(self.row.id)]


@strawberry.type(description="A speaker a written name may mean, how sure (0 to 1) and why.")
class SpeakerCandidate:
    speaker: Speaker
    score: float
    reason: str


@strawberry.type(
    description="A speaker recorded when a name might have been an existing one: merge the two with "
    "mergeSpeakers, or leave them apart."
)
class PossibleDuplicate:
    row: strawberry.Private[models.PossibleDuplicate]

    @strawberry.field(description="The speaker recorded under the new name.")
    async def speaker(self, info: Ctx) -> Speaker:
        return Speaker(row=_need(await info.context.loaders.speaker.load(self.row.speaker_id)))

    @strawberry.field(description="The recorded speaker it may be.")
    async def candidate(self, info: Ctx) -> Speaker:
        return Speaker(row=_need(await info.context.loaders.speaker.load(self.row.candidate_id)))

    @strawberry.field
    def score(self) -> float:
        return self.row.score

    @strawberry.field
    def reason(self) -> str:
        return self.row.reason

    @strawberry.field(description="The name as written where it was met.")
    def label(self) -> str | None:
        return self.row.label

    @strawberry.field(description="The transcript it was met in.")
    async def source(self, info: Ctx) -> Source | None:
        if self.row.source_id is None:
            return None
        row = await info.context.loaders.source.load(self.row.source_id)
        return None if row is None else Source(row=row)

    @strawberry.field
    def recorded_at(self) -> dt.datetime:
        return self.row.created_at


# --- outlets -------------------------------------------------------------------------------------------------
@strawberry.type(description="Who publishes: a magazine, a broadcaster, a wire, a website ...")
class Outlet(Node):
    row: strawberry.Private[models.Outlet]
    type_name: ClassVar[str] = "Outlet"

    @strawberry.field
    def name(self) -> str:
        return self.row.name

    @strawberry.field
    def kind(self) -> OutletKind:  # type: ignore[valid-type]
        return self.row.kind

    @strawberry.field
    def url(self) -> str | None:
        return self.row.url

    @strawberry.field
    def domain(self) -> str | None:
        return self.row.domain

    @strawberry.field(description="ISO 3166-1 alpha-2.")
    def country(self) -> str | None:
        return self.row.country

    @strawberry.field
    def languages(self) -> list[str]:
        return list(self.row.languages)

    @strawberry.field
    def description(self) -> str | None:
        return self.row.description


# --- interviews ------------------------------------------------------------------------------------------------
@strawberry.type(description="A speaker's part in an interview.")
class Participant:
    row: strawberry.Private[models.Participant]

    @strawberry.field
    async def speaker(self, info: Ctx) -> Speaker:
        return Speaker(row=_need(await info.context.loaders.speaker.load(self.row.speaker_id)))

    @strawberry.field
    def role(self) -> ParticipantRole:  # type: ignore[valid-type]
        return self.row.role

    @strawberry.field(description='The title the speaker was given there ("Foreign Policy Editor in Chief").')
    def title_as_written(self) -> str | None:
        return self.row.title_as_written


@strawberry.type(
    description="An event where speakers were questioned; speeches and debates have the same shape."
)
class Interview(Node):
    row: strawberry.Private[models.Interview]
    type_name: ClassVar[str] = "Interview"

    @strawberry.field
    def kind(self) -> InterviewKind:  # type: ignore[valid-type]
        return self.row.kind

    @strawberry.field
    def title(self) -> str:
        return self.row.title

    @strawberry.field
    async def outlet(self, info: Ctx) -> Outlet | None:
        if self.row.outlet_id is None:
            return None
        return _from(Outlet)(await info.context.loaders.outlet.load(self.row.outlet_id))  # type: ignore[no-any-return]

    @strawberry.field
    def held_on(self) -> PartialDate | None:
        return PartialDate.of(self.row.held_on)

    @strawberry.field
    def place(self) -> str | None:
        return self.row.place

    @strawberry.field
    def medium(self) -> Medium | None:  # type: ignore[valid-type]
        return self.row.medium

    @strawberry.field
    def language(self) -> str | None:
        return self.row.language

    @strawberry.field
    def description(self) -> str | None:
        return self.row.description

    @strawberry.field
    async def participants(self, info: Ctx) -> list[Participant]:
        return [Participant(row=row) for row in await info.context.loaders.participants.load(self.row.id)]

    @strawberry.field(
        description="The transcript of the interview, when one is recorded (the first, if several)."
    )
    async def transcript(self, info: Ctx) -> Source | None:
        rows = await info.context.loaders.transcripts.load(self.row.id)
        return Source(row=rows[0]) if rows else None


# --- sources ---------------------------------------------------------------------------------------------------
@strawberry.type(description="One speaker's turn in a transcript.")
class Turn:
    row: strawberry.Private[models.Turn]
    text_of_source: strawberry.Private[str]

    @strawberry.field
    def position(self) -> int:
        return self.row.position

    @strawberry.field
    async def speaker(self, info: Ctx) -> Speaker:
        return Speaker(row=_need(await info.context.loaders.speaker.load(self.row.speaker_id)))

    @strawberry.field(description='The name as the transcript prints it ("LAVROV").')
    def label(self) -> str | None:
        return self.row.label

    @strawberry.field
    def text(self) -> str:
        return self.text_of_source[self.row.char_start : self.row.char_end]

    @strawberry.field(description="Offset of the turn's first character in the source's text.")
    def start(self) -> int:
        return self.row.char_start

    @strawberry.field(description="Offset just past the turn's last character.")
    def end(self) -> int:
        return self.row.char_end


@strawberry.type(description="A document that holds words: a transcript, an article, a brief ...")
class Source(Node):
    row: strawberry.Private[models.Source]
    type_name: ClassVar[str] = "Source"

    snippets: strawberry.Private[DataLoader[int, str | None] | None] = None  # set when the list was searched

    @strawberry.field(
        description="When the list was searched: about 30 words around the matched words, each between « and » "
        "(nothing else is escaped). Null in an unsearched list."
    )
    async def snippet(self) -> str | None:
        return None if self.snippets is None else await self.snippets.load(self.row.id)

    @strawberry.field
    def kind(self) -> SourceKind:  # type: ignore[valid-type]
        return self.row.kind

    @strawberry.field(description="A transcript records the words as said; every other kind reports them.")
    def is_primary(self) -> bool:
        return self.row.is_primary

    @strawberry.field
    def title(self) -> str:
        return self.row.title

    @strawberry.field
    def url(self) -> str | None:
        return self.row.url

    @strawberry.field
    async def outlet(self, info: Ctx) -> Outlet | None:
        if self.row.outlet_id is None:
            return None
        return _from(Outlet)(await info.context.loaders.outlet.load(self.row.outlet_id))  # type: ignore[no-any-return]

    @strawberry.field(description="The interview this source is a transcript of.")
    async def interview(self, info: Ctx) -> Interview | None:
        if self.row.interview_id is None:
            return None
        return _from(Interview)(await info.context.loaders.interview.load(self.row.interview_id))  # type: ignore[no-any-return]

    @strawberry.field
    def published_on(self) -> PartialDate | None:
        return PartialDate.of(self.row.published_on)

    @strawberry.field
    def language(self) -> str | None:
        return self.row.language

    @strawberry.field(description="The full text; null when the source is recorded but its text is not held.")
    def text(self) -> str | None:
        return self.row.text

    @strawberry.field(description="SHA-256 of the text, hex.")
    def content_hash(self) -> str | None:
        return self.row.content_hash

    @strawberry.field
    def retrieved_at(self) -> dt.datetime | None:
        return self.row.retrieved_at

    @strawberry.field
    def note(self) -> str | None:
        return self.row.note

    @strawberry.field(description="Speaker turns, in order (transcripts only).")
    async def turns(self, info: Ctx) -> list[Turn]:
        rows = await info.context.loaders.turns.load(self.row.id)
        return [Turn(row=row, text_of_source=self.row.text or "") for row in rows]

    @strawberry.field(description="Quotes as they appear in this source, in reading order.")
    async def appearances(self, info: Ctx) -> list[Appearance]:
        return [
            Appearance(row=row) for row in await info.context.loaders.source_appearances.load(self.row.id)
        ]


# --- quotes ----------------------------------------------------------------------------------------------------
@strawberry.type
class Topic:
    name: str
    slug: str


@strawberry.type(description="A statement attributed to a speaker, however many places it appeared in.")
class Quote(Node):
    row: strawberry.Private[models.Quote]
    type_name: ClassVar[str] = "Quote"

    snippets: strawberry.Private[DataLoader[int, str | None] | None] = None  # set when the list was searched

    @strawberry.field(
        description="When the list was searched: about 30 words around the matched words, each between « and » "
        "(nothing else is escaped). Null in an unsearched list."
    )
    async def snippet(self) -> str | None:
        return None if self.snippets is None else await self.snippets.load(self.row.id)

    @strawberry.field(description="The attributed words.")
    def text(self) -> str:
        return self.row.text

    @strawberry.field
    def language(self) -> str | None:
        return self.row.language

    @strawberry.field(description="The speaker the quote is attributed to.")
    async def speaker(self, info: Ctx) -> Speaker:
        return Speaker(row=_need(await info.context.loaders.speaker.load(self.row.speaker_id)))

    @strawberry.field
    def said_on(self) -> PartialDate | None:
        return PartialDate.of(self.row.said_on)

    @strawberry.field(description="The interview (or speech, debate ...) where it was said.")
    async def interview(self, info: Ctx) -> Interview | None:
        if self.row.interview_id is None:
            return None
        return _from(Interview)(await info.context.loaders.interview.load(self.row.interview_id))  # type: ignore[no-any-return]

    @strawberry.field
    def note(self) -> str | None:
        return self.row.note

    @strawberry.field
    async def topics(self, info: Ctx) -> list[Topic]:
        return [
            Topic(name=row.name, slug=row.slug) for row in await info.context.loaders.topics.load(self.row.id)
        ]

    @strawberry.field(description="Where the quote appeared, in the order recorded.")
    async def appearances(
        self,
        info: Ctx,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Appearance]:
        args = _nested_args(first, after, last, before)
        return await _nested(
            info, models.Appearance, models.Appearance.quote_id, self.row.id, args, Appearance
        )

    @strawberry.field(description="The appearance in the earliest-published source.")
    async def first_appearance(self, info: Ctx) -> Appearance | None:
        return _from(Appearance)(await info.context.loaders.first_appearance.load(self.row.id))  # type: ignore[no-any-return]

    @strawberry.field(description="The transcript of the interview where the quote was said, when recorded.")
    async def primary_source(self, info: Ctx) -> Source | None:
        if self.row.interview_id is None:
            return None
        rows = await info.context.loaders.transcripts.load(self.row.interview_id)
        return Source(row=rows[0]) if rows else None

    @strawberry.field(description="Published (and retracted) fact-checks of this quote.")
    async def fact_checks(self, info: Ctx) -> list[FactCheck]:
        return [FactCheck(row=row) for row in await info.context.loaders.fact_checks.load(self.row.id)]


# --- appearances -----------------------------------------------------------------------------------------------
@strawberry.type(description="A quote as printed in one source, and what that source took it from.")
class Appearance(Node):
    row: strawberry.Private[models.Appearance]
    type_name: ClassVar[str] = "Appearance"

    @strawberry.field
    async def quote(self, info: Ctx) -> Quote:
        return Quote(row=_need(await info.context.loaders.quote.load(self.row.quote_id)))

    @strawberry.field
    async def source(self, info: Ctx) -> Source:
        return Source(row=_need(await info.context.loaders.source.load(self.row.source_id)))

    @strawberry.field(description="The words exactly as published, typography included.")
    def text_as_published(self) -> str:
        return self.row.text

    @strawberry.field(description="Offset of the text in the source's text, when the text is held.")
    def start(self) -> int | None:
        return self.row.char_start

    @strawberry.field
    def end(self) -> int | None:
        return self.row.char_end

    @strawberry.field
    def relation(self) -> AppearanceRelation:  # type: ignore[valid-type]
        return self.row.relation

    @strawberry.field(description='The attribution as written ("Russian Foreign Minister Sergey Lavrov").')
    def attribution_as_written(self) -> str | None:
        return self.row.attribution

    @strawberry.field(description='How the source names its origin ("in an interview with Foreign Policy").')
    def cited_as(self) -> str | None:
        return self.row.cited_as

    @strawberry.field(description="The automatic quote check run when the appearance was imported, if any.")
    def check_verdict(self) -> Verdict | None:  # type: ignore[valid-type]
        return self.row.check_verdict

    @strawberry.field
    def check_confidence(self) -> float | None:
        return self.row.check_confidence

    @strawberry.field
    def check_explanation(self) -> str | None:
        return self.row.check_explanation

    @strawberry.field
    def checked_at(self) -> dt.datetime | None:
        return self.row.checked_at

    @strawberry.field
    def note(self) -> str | None:
        return self.row.note

    @strawberry.field(description="What this appearance was copied from: an earlier appearance, or a source.")
    async def taken_from(self, info: Ctx) -> Origin | None:
        loaders = info.context.loaders
        if self.row.taken_from_appearance_id is not None:
            return Appearance(row=_need(await loaders.appearance.load(self.row.taken_from_appearance_id)))
        if self.row.taken_from_source_id is not None:
            return Source(row=_need(await loaders.source.load(self.row.taken_from_source_id)))
        return None

    @strawberry.field(
        description="From this appearance back along `takenFrom`: the appearances passed through, then the "
        "source the chain names as its origin (the primary source when it reaches one). An appearance that "
        "names no origin is a chain of one."
    )
    async def chain(self, info: Ctx) -> list[Origin]:
        loaders = info.context.loaders
        steps: list[Appearance | Source] = [self]
        seen = {self.row.id}
        current = self.row
        while current.taken_from_appearance_id is not None and current.taken_from_appearance_id not in seen:
            current = _need(await loaders.appearance.load(current.taken_from_appearance_id))
            seen.add(current.id)
            steps.append(Appearance(row=current))
        if current.taken_from_source_id is not None:
            steps.append(Source(row=_need(await loaders.source.load(current.taken_from_source_id))))
        return steps


Origin = Annotated[Appearance | Source, strawberry.union("Origin", description="An appearance or a source.")]


# --- fact-checks -----------------------------------------------------------------------------------------------
@strawberry.type(description="schema.org reviewRating.")
class Rating:
    value: int | None
    best: int | None
    worst: int | None
    alternate_name: str | None


@strawberry.type(description="A passage a fact-check rests on.")
class Evidence:
    row: strawberry.Private[models.Evidence]

    @strawberry.field
    async def source(self, info: Ctx) -> Source | None:
        if self.row.source_id is None:
            return None
        return _from(Source)(await info.context.loaders.source.load(self.row.source_id))  # type: ignore[no-any-return]

    @strawberry.field
    async def appearance(self, info: Ctx) -> Appearance | None:
        if self.row.appearance_id is None:
            return None
        return _from(Appearance)(await info.context.loaders.appearance.load(self.row.appearance_id))  # type: ignore[no-any-return]

    @strawberry.field
    def url(self) -> str | None:
        return self.row.url

    @strawberry.field
    def passage(self) -> str | None:
        return self.row.passage

    @strawberry.field
    def start(self) -> int | None:
        return self.row.char_start

    @strawberry.field
    def end(self) -> int | None:
        return self.row.char_end

    @strawberry.field
    def note(self) -> str | None:
        return self.row.note


@strawberry.type(description="A published judgement about a quote's attribution (schema.org ClaimReview).")
class FactCheck(Node):
    row: strawberry.Private[models.FactCheck]
    type_name: ClassVar[str] = "FactCheck"

    @strawberry.field
    async def quote(self, info: Ctx) -> Quote | None:
        if self.row.quote_id is None:
            return None
        return _from(Quote)(await info.context.loaders.quote.load(self.row.quote_id))  # type: ignore[no-any-return]

    @strawberry.field
    def claim_reviewed(self) -> str:
        return self.row.claim_reviewed

    @strawberry.field
    def verdict(self) -> Verdict | None:  # type: ignore[valid-type]
        return self.row.verdict

    @strawberry.field
    def status(self) -> FactCheckStatus:  # type: ignore[valid-type]
        return self.row.status

    @strawberry.field
    def summary(self) -> str | None:
        return self.row.summary

    @strawberry.field
    def reviewer(self) -> str | None:
        return self.row.reviewer

    @strawberry.field
    def publisher(self) -> str | None:
        return self.row.publisher

    @strawberry.field
    def url(self) -> str | None:
        return self.row.url

    @strawberry.field
    def reviewed_on(self) -> PartialDate | None:
        return PartialDate.of(self.row.reviewed_on)

    @strawberry.field
    def rating(self) -> Rating:
        row = self.row
        return Rating(
            value=row.rating_value,
            best=row.best_rating,
            worst=row.worst_rating,
            alternate_name=row.alternate_name,
        )

    @strawberry.field(description="An imported review's own verdict label, kept as it was.")
    def original_label(self) -> str | None:
        return self.row.original_label

    @strawberry.field
    def published_at(self) -> dt.datetime | None:
        return self.row.published_at

    @strawberry.field
    def retracted_at(self) -> dt.datetime | None:
        return self.row.retracted_at

    @strawberry.field
    def retraction_reason(self) -> str | None:
        return self.row.retraction_reason

    @strawberry.field
    async def evidence(self, info: Ctx) -> list[Evidence]:
        return [Evidence(row=row) for row in await info.context.loaders.evidence.load(self.row.id)]

    @strawberry.field(description="The fact-check as schema.org ClaimReview JSON-LD.")
    async def claim_review(self, info: Ctx) -> JSON:
        return cast(JSON, await info.context.loaders.claim_review.load(self.row.id))

"""The GraphQL schema: the root fields, their limits, and the exported SDL."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Sequence
from typing import Annotated, Any, TypeVar

import strawberry
from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader
from strawberry.extensions import MaxTokensLimiter, ParserCache
from strawberry.schema.config import StrawberryConfig

from quotecheck import models
from quotecheck.api.check import CheckQuoteInput, QuoteCheck
from quotecheck.api.check import check_quote as run_check
from quotecheck.api.cleaning import guard_schema
from quotecheck.api.cost import CostLimit
from quotecheck.api.errors import BadInput
from quotecheck.api.ids import decode_id
from quotecheck.api.inputs import (
    AuditEventFilter,
    FactCheckFilter,
    FactCheckOrder,
    InterviewFilter,
    InterviewOrder,
    OutletFilter,
    OutletOrder,
    QuoteFilter,
    QuoteOrder,
    SourceFilter,
    SourceOrder,
    SpeakerFilter,
    SpeakerOrder,
)
from quotecheck.api.limits import LimitedValidation, Limits
from quotecheck.api.mutations import Mutation
from quotecheck.api.pagination import (
    MAX_PAGE,
    Order,
    Page,
    PageArgs,
    count_statement,
    page_from,
    page_statement,
)
from quotecheck.api.types import (
    ApiToken,
    Appearance,
    AuditEvent,
    Connection,
    Ctx,
    FactCheck,
    Interview,
    Node,
    Outlet,
    PossibleDuplicate,
    Quote,
    Source,
    Speaker,
    SpeakerCandidate,
    connection_from,
)
from quotecheck.enums import TokenRole
from quotecheck.services import speakers as resolution
from quotecheck.services.audit import AuditFilter, audit_conditions
from quotecheck.services.factchecks import fact_check_conditions
from quotecheck.services.interviews import interview_conditions
from quotecheck.services.outlets import outlet_conditions
from quotecheck.services.quotes import quote_conditions
from quotecheck.services.search import (
    CANDIDATES,
    MAX_SEARCH,
    Ranked,
    SearchQuery,
    match_quotes,
    match_sources,
    parse_search,
    rank_quotes,
    rank_sources,
    snippets,
)
from quotecheck.services.sources import source_conditions
from quotecheck.services.speakers import speaker_conditions

__all__ = ["LIMITS", "build_schema", "schema", "schema_changes", "schema_for", "schema_sdl"]

M = TypeVar("M")

LIMITS = Limits()  # the defaults; a deployment sets its own through QUOTECHECK_MAX_* (see schema_for)
MAX_NAME = 300  # characters of a name to resolve

_NODES: dict[str, tuple[type[Node], str]] = {
    "Speaker": (Speaker, "speaker"),
    "Outlet": (Outlet, "outlet"),
    "Interview": (Interview, "interview"),
    "Source": (Source, "source"),
    "Quote": (Quote, "quote"),
    "Appearance": (Appearance, "appearance"),
    "FactCheck": (FactCheck, "fact_check"),
}


async def _node(info: Ctx, global_id: strawberry.ID) -> Node | None:
    type_name, row_id = decode_id(str(global_id), tuple(_NODES))
    cls, loader = _NODES[type_name]
    row = await getattr(info.context.loaders, loader).load(row_id)
    return None if row is None else cls(row=row)


async def _connection(
    info: Ctx,
    model: type[M],
    wrap: Callable[[M], Any],
    where: Sequence[ColumnElement[bool]],
    order: Order,
    args: PageArgs,
) -> Connection[Any]:
    ctx = info.context
    page: Page[M] = page_from(await ctx.all(page_statement(model, where, order, args)), order, args)
    return connection_from(page, wrap, lambda: ctx.scalar(count_statement(model, where)))


def _args(first: int | None, after: str | None, last: int | None, before: str | None) -> PageArgs:
    return PageArgs(first=first, after=after, last=last, before=before)


_SEARCH = strawberry.argument(
    description=f'Words that must all match, "a phrase", -word to exclude (at most {MAX_SEARCH} characters; '
    "case and accents ignored; PostgreSQL also stems in the row's language). Without `orderBy` the list is "
    f"ranked by relevance among the newest {CANDIDATES} matches (`totalCount` counts those) and cursors page "
    "through that ranking; with `orderBy` the search only filters. Fills each item's `snippet`."
)


async def _dialect(info: Ctx) -> str:
    async def name(session: AsyncSession) -> str:
        return session.get_bind().dialect.name

    return await info.context.run(name)


def _snippets(info: Ctx, dialect: str, model: Any, query: SearchQuery) -> DataLoader[int, str | None]:
    """The snippets of one page, fetched in one statement when the first is asked for."""

    async def load(ids: list[int]) -> list[str | None]:
        found = dict(await info.context.all(snippets(dialect, model, query, ids)))
        return [found.get(key) for key in ids]

    return DataLoader(load)


async def _searched(
    info: Ctx,
    model: Any,
    text: str,
    where: list[ColumnElement[bool]],
    order: Order | None,
    rank: Callable[[str, SearchQuery, list[ColumnElement[bool]]], Ranked],
    match: Callable[[str, SearchQuery], ColumnElement[bool]],
) -> tuple[list[ColumnElement[bool]], Order, DataLoader[int, str | None]]:
    """A list's conditions and order once searched: ranked unless the client chose an order."""
    query = parse_search(text)
    dialect = await _dialect(info)
    loader = _snippets(info, dialect, model, query)
    if order is not None:
        return [*where, match(dialect, query)], order, loader
    ranked = rank(dialect, query, where)
    return [ranked.where], Order("RELEVANCE", ranked.score, model.id, descending=True), loader


@strawberry.type
class Query:
    @strawberry.field(description="Any object by its global ID; null when it does not exist.")
    async def node(self, info: Ctx, id: strawberry.ID) -> Node | None:
        return await _node(info, id)

    @strawberry.field(description=f"Several objects by global ID, in the order asked (at most {MAX_PAGE}).")
    async def nodes(self, info: Ctx, ids: list[strawberry.ID]) -> list[Node | None]:
        if len(ids) > MAX_PAGE:
            raise BadInput(f"{len(ids)} ids asked; ask for at most {MAX_PAGE} at a time")
        # Concurrently, so that each type's DataLoader fetches all its ids in one statement.
        return list(await asyncio.gather(*(_node(info, each) for each in ids)))

    @strawberry.field
    async def quote(self, info: Ctx, id: strawberry.ID) -> Quote | None:
        row = await info.context.loaders.quote.load(decode_id(str(id), "Quote")[1])
        return None if row is None else Quote(row=row)

    @strawberry.field
    async def speaker(self, info: Ctx, id: strawberry.ID) -> Speaker | None:
        row = await info.context.loaders.speaker.load(decode_id(str(id), "Speaker")[1])
        return None if row is None else Speaker(row=row)

    @strawberry.field(description="Quotes, filtered and ordered; pages of at most 100.")
    async def quotes(
        self,
        info: Ctx,
        filter: QuoteFilter | None = None,
        order_by: QuoteOrder | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        search: Annotated[str | None, _SEARCH] = None,
    ) -> Connection[Quote]:
        given = (filter or QuoteFilter()).query()
        where = quote_conditions(given)
        if search is None:
            order = (order_by or QuoteOrder()).order()
            return await _connection(
                info, models.Quote, Quote.wrap, where, order, _args(first, after, last, before)
            )
        where, order, loader = await _searched(
            info,
            models.Quote,
            search,
            where,
            None if order_by is None else order_by.order(),
            lambda dialect, query, conditions: rank_quotes(
                dialect, query, conditions, language=given.language
            ),
            match_quotes,
        )
        return await _connection(
            info,
            models.Quote,
            lambda row: Quote(row=row, snippets=loader),
            where,
            order,
            _args(first, after, last, before),
        )

    @strawberry.field
    async def speakers(
        self,
        info: Ctx,
        filter: SpeakerFilter | None = None,
        order_by: SpeakerOrder | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Speaker]:
        where = speaker_conditions((filter or SpeakerFilter()).query())
        order = (order_by or SpeakerOrder()).order()
        return await _connection(
            info, models.Speaker, Speaker.wrap, where, order, _args(first, after, last, before)
        )

    @strawberry.field
    async def outlets(
        self,
        info: Ctx,
        filter: OutletFilter | None = None,
        order_by: OutletOrder | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Outlet]:
        where = outlet_conditions((filter or OutletFilter()).query())
        order = (order_by or OutletOrder()).order()
        return await _connection(
            info, models.Outlet, Outlet.wrap, where, order, _args(first, after, last, before)
        )

    @strawberry.field
    async def interviews(
        self,
        info: Ctx,
        filter: InterviewFilter | None = None,
        order_by: InterviewOrder | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Interview]:
        where = interview_conditions((filter or InterviewFilter()).query())
        order = (order_by or InterviewOrder()).order()
        return await _connection(
            info, models.Interview, Interview.wrap, where, order, _args(first, after, last, before)
        )

    @strawberry.field
    async def sources(
        self,
        info: Ctx,
        filter: SourceFilter | None = None,
        order_by: SourceOrder | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        search: Annotated[str | None, _SEARCH] = None,
    ) -> Connection[Source]:
        given = (filter or SourceFilter()).query()
        where = source_conditions(given)
        if search is None:
            order = (order_by or SourceOrder()).order()
            return await _connection(
                info, models.Source, Source.wrap, where, order, _args(first, after, last, before)
            )
        where, order, loader = await _searched(
            info,
            models.Source,
            search,
            where,
            None if order_by is None else order_by.order(),
            lambda dialect, query, conditions: rank_sources(
                dialect, query, conditions, language=given.language
            ),
            match_sources,
        )
        return await _connection(
            info,
            models.Source,
            lambda row: Source(row=row, snippets=loader),
            where,
            order,
            _args(first, after, last, before),
        )

    @strawberry.field(
        description="Published and retracted fact-checks; drafts too for clients that send a token."
    )
    async def fact_checks(
        self,
        info: Ctx,
        filter: FactCheckFilter | None = None,
        order_by: FactCheckOrder | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[FactCheck]:
        where = fact_check_conditions(
            (filter or FactCheckFilter()).query(), include_drafts=info.context.viewer.sees_drafts
        )
        order = (order_by or FactCheckOrder()).order()
        return await _connection(
            info, models.FactCheck, FactCheck.wrap, where, order, _args(first, after, last, before)
        )

    @strawberry.field(
        description="The audit trail, oldest first (`last: n` for the latest); needs a token. Events are "
        "written with the changes they record and can never be edited."
    )
    async def audit_events(
        self,
        info: Ctx,
        filter: AuditEventFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[AuditEvent]:
        info.context.require(TokenRole.READER, "reading the audit trail")
        where = audit_conditions(filter.query() if filter is not None else AuditFilter())
        order = Order("ID", models.AuditEvent.id, models.AuditEvent.id)
        return await _connection(
            info, models.AuditEvent, AuditEvent.wrap, where, order, _args(first, after, last, before)
        )

    @strawberry.field(description="The API tokens (admin only); revoked ones too, marked.")
    async def api_tokens(self, info: Ctx) -> list[ApiToken]:
        info.context.require(TokenRole.ADMIN, "listing tokens")
        rows = await info.context.scalars(select(models.ApiToken).order_by(models.ApiToken.id))
        return [ApiToken(row=row) for row in rows]

    @strawberry.field(
        description="The speakers a written name may mean, best first, with a score and a reason: the same "
        'name once titles are set aside ("Mayor Elena Várga"), an initial ("E. Warren"), a surname alone, or '
        'a role held on the date `on` ("the Foreign Minister"). Empty for labels that name nobody ("Question").'
    )
    async def resolve_speaker(self, info: Ctx, name: str, on: str | None = None) -> list[SpeakerCandidate]:
        if len(name) > MAX_NAME:
            raise BadInput(f"name is {len(name)} characters; give at most {MAX_NAME}", field="name")

        async def run(session: AsyncSession) -> list[resolution.Candidate]:
            return await session.run_sync(lambda sync: resolution.resolve_name(sync, name, on=on))

        found = await info.context.run(run)
        return [
            SpeakerCandidate(speaker=Speaker(row=c.speaker), score=c.score, reason=c.reason) for c in found
        ]

    @strawberry.field(
        description="Speakers recorded when a name might have been an existing one, oldest first, for an "
        "editor to merge (mergeSpeakers) or leave; one that was merged is gone from the list."
    )
    async def possible_duplicates(self, info: Ctx, first: int = MAX_PAGE) -> list[PossibleDuplicate]:
        if not 0 < first <= MAX_PAGE:
            raise BadInput(f"first must be 1 to {MAX_PAGE}", field="first")

        async def run(session: AsyncSession) -> list[models.PossibleDuplicate]:
            return await session.run_sync(lambda sync: resolution.list_possible_duplicates(sync, limit=first))

        return [PossibleDuplicate(row=row) for row in await info.context.run(run)]

    @strawberry.field(
        description="Check a quote as published against the stored sources: verdict, confidence, evidence."
    )
    async def check_quote(self, info: Ctx, input: CheckQuoteInput) -> QuoteCheck:
        return await run_check(info, input)


class _QuietSchema(strawberry.Schema):
    """Errors are logged once, by the HTTP layer, with the request ID; not again here."""

    def process_errors(self, errors: Any, execution_context: Any = None) -> None:
        return None


def build_schema(*, development: bool = False, limits: Limits = LIMITS) -> strawberry.Schema:
    built = _QuietSchema(
        query=Query,
        mutation=Mutation,
        types=[Speaker, Outlet, Interview, Source, Quote, Appearance, FactCheck],
        config=StrawberryConfig(disable_field_suggestions=not development),
        # Factories: Strawberry makes the extensions per request. The limit rules are made once per Limits:
        # the validation cache is keyed by the rule classes, and new classes per request would defeat it.
        extensions=[
            lambda: ParserCache(maxsize=256),
            lambda: MaxTokensLimiter(max_token_count=limits.tokens),
            lambda: LimitedValidation(limits),
            lambda: CostLimit(limits.cost),
        ],
    )
    guard_schema(built._schema)  # every text argument checked by quotecheck.clean before its resolver
    return built


schema = build_schema()


@functools.lru_cache(maxsize=8)
def schema_for(limits: Limits) -> strawberry.Schema:
    """The schema under a deployment's limits; the default limits share the module's schema."""
    return schema if limits == LIMITS else build_schema(limits=limits)


def schema_sdl() -> str:
    return schema.as_str() + "\n"


def schema_changes(committed_sdl: str) -> tuple[list[str], list[str], bool]:
    """Breaking and dangerous changes from a committed schema to the code's, and whether the text differs."""
    from graphql import build_schema as parse_sdl
    from graphql import find_breaking_changes, find_dangerous_changes

    old = parse_sdl(committed_sdl)
    new = schema._schema
    breaking = [f"{change.type.name}: {change.description}" for change in find_breaking_changes(old, new)]
    dangerous = [f"{change.type.name}: {change.description}" for change in find_dangerous_changes(old, new)]
    return breaking, dangerous, committed_sdl != schema_sdl()

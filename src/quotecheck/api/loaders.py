"""DataLoaders, made per operation: every relation the API follows is one batched statement per level.

`raiseload("*")` on every statement makes a forgotten relation fail loudly instead of quietly costing a query.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import ColumnElement, Integer, func, select, type_coerce
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute, raiseload
from strawberry.dataloader import DataLoader

from quotecheck.api.pagination import (
    Order,
    Page,
    PageArgs,
    nested_count_statement,
    nested_pages,
    nested_statement,
)
from quotecheck.enums import SourceKind
from quotecheck.models import (
    Appearance,
    Evidence,
    FactCheck,
    Interview,
    Outlet,
    Participant,
    Quote,
    Source,
    Speaker,
    SpeakerAlias,
    SpeakerRole,
    Topic,
    Turn,
    quote_topic,
)
from quotecheck.services.claimreview import claim_reviews_by_id
from quotecheck.services.factchecks import VISIBLE_STATUSES

if TYPE_CHECKING:
    from quotecheck.api.context import Context

__all__ = ["Loaders"]

M = TypeVar("M")


class Loaders:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.speaker = self._by_id(Speaker)
        self.outlet = self._by_id(Outlet)
        self.interview = self._by_id(Interview)
        self.source = self._by_id(Source)
        self.quote = self._by_id(Quote)
        self.appearance = self._by_id(Appearance)
        # Drafts are for token holders only, on every path: by id (node, nodes) and under a quote.
        drafts = () if ctx.viewer.sees_drafts else (FactCheck.status.in_(VISIBLE_STATUSES),)
        self.fact_check = self._by_id(FactCheck, *drafts)
        self.turn = self._by_id(Turn)
        self.aliases = self._children(SpeakerAlias, SpeakerAlias.speaker_id, order=(SpeakerAlias.id,))
        self.roles = self._children(
            SpeakerRole,
            SpeakerRole.speaker_id,
            order=(SpeakerRole.started.asc().nulls_first(), SpeakerRole.id),
        )
        self.participants = self._children(Participant, Participant.interview_id, order=(Participant.id,))
        self.transcripts = self._children(
            Source, Source.interview_id, Source.kind == SourceKind.TRANSCRIPT, order=(Source.id,)
        )
        self.turns = self._children(Turn, Turn.source_id, order=(Turn.position,))
        self.source_appearances = self._children(
            Appearance, Appearance.source_id, order=(Appearance.char_start, Appearance.id)
        )
        self.fact_checks = self._children(FactCheck, FactCheck.quote_id, *drafts, order=(FactCheck.id,))
        self.evidence = self._children(
            Evidence, Evidence.fact_check_id, order=(Evidence.position, Evidence.id)
        )
        self.topics: DataLoader[int, list[Topic]] = DataLoader(self._topics)
        self.speaker_interviews: DataLoader[int, list[Interview]] = DataLoader(self._speaker_interviews)
        self.first_appearance: DataLoader[int, Appearance | None] = DataLoader(self._first_appearances)
        self.claim_review: DataLoader[int, dict[str, Any]] = DataLoader(self._claim_reviews)
        self._connections: dict[Hashable, DataLoader[int, Any]] = {}

    # --- shapes ---------------------------------------------------------------------------------------------
    def _by_id(self, model: type[M], *where: ColumnElement[bool]) -> DataLoader[int, M | None]:
        column: Any = model.id  # type: ignore[attr-defined]

        async def load(ids: list[int]) -> list[M | None]:
            rows = await self.ctx.scalars(
                select(model).where(column.in_(ids), *where).options(raiseload("*"))
            )
            found = {row.id: row for row in rows}
            return [found.get(key) for key in ids]

        return DataLoader(load)

    def _children(
        self,
        model: type[M],
        parent: InstrumentedAttribute[int] | InstrumentedAttribute[int | None],
        *where: ColumnElement[bool],
        order: Sequence[Any],
    ) -> DataLoader[int, list[M]]:
        async def load(ids: list[int]) -> list[list[M]]:
            rows = await self.ctx.scalars(
                select(model).where(parent.in_(ids), *where).order_by(*order).options(raiseload("*"))
            )
            grouped: dict[int, list[M]] = defaultdict(list)
            for row in rows:
                grouped[getattr(row, parent.key)].append(row)
            return [grouped[key] for key in ids]

        return DataLoader(load)

    # --- special relations ------------------------------------------------------------------------------------
    async def _topics(self, ids: list[int]) -> list[list[Topic]]:
        statement = (
            select(quote_topic.c.quote_id, Topic)
            .join(Topic, Topic.id == quote_topic.c.topic_id)
            .where(quote_topic.c.quote_id.in_(ids))
            .order_by(Topic.slug)
        )
        grouped: dict[int, list[Topic]] = defaultdict(list)
        for quote_id, topic in await self.ctx.all(statement):
            grouped[quote_id].append(topic)
        return [grouped[key] for key in ids]

    async def _speaker_interviews(self, ids: list[int]) -> list[list[Interview]]:
        statement = (
            select(Participant.speaker_id, Interview)
            .join(Interview, Interview.id == Participant.interview_id)
            .where(Participant.speaker_id.in_(ids))
            .order_by(Interview.held_on.asc().nulls_last(), Interview.id)  # undated last, on every engine
            .distinct()
            .options(raiseload("*"))
        )
        grouped: dict[int, list[Interview]] = defaultdict(list)
        for speaker_id, interview in await self.ctx.all(statement):
            grouped[speaker_id].append(interview)
        return [grouped[key] for key in ids]

    async def _first_appearances(self, ids: list[int]) -> list[Appearance | None]:
        """Per quote, the appearance in the earliest-published source (undated sources last, then by id)."""
        published = func.coalesce(type_coerce(Source.published_on, Integer), 99999999)
        number = func.row_number().over(partition_by=Appearance.quote_id, order_by=(published, Appearance.id))
        inner = (
            select(Appearance.id.label("appearance_id"), number.label("n"))
            .join(Source, Source.id == Appearance.source_id)
            .where(Appearance.quote_id.in_(ids))
            .subquery()
        )
        rows = await self.ctx.scalars(
            select(Appearance)
            .join(inner, inner.c.appearance_id == Appearance.id)
            .where(inner.c.n == 1)
            .options(raiseload("*"))
        )
        found = {row.quote_id: row for row in rows}
        return [found.get(key) for key in ids]

    async def _claim_reviews(self, ids: list[int]) -> list[dict[str, Any]]:
        """Per fact-check, its ClaimReview JSON-LD: the export's own code, on the operation's session."""

        async def build(session: AsyncSession) -> dict[int, dict[str, Any]]:
            return await session.run_sync(claim_reviews_by_id, ids)

        found = await self.ctx.run(build)
        return [found[key] for key in ids]

    # --- nested connections -------------------------------------------------------------------------------------
    def connection(
        self,
        model: type[M],
        parent: Any,
        where: Sequence[ColumnElement[bool]],
        order: Order,
        args: PageArgs,
        name: str,
    ) -> DataLoader[int, Page[M]]:
        """One loader per (list, arguments): all parents asking for the same page shape share one statement."""
        key = ("page", name, order.name, order.descending, args)
        if key not in self._connections:

            async def load(ids: list[int]) -> list[Page[M]]:
                found = await self.ctx.all(nested_statement(model, parent, ids, where, order, args))
                return nested_pages(found, ids, order, args)

            self._connections[key] = DataLoader(load)
        return self._connections[key]

    def count(
        self, model: type[Any], parent: Any, where: Sequence[ColumnElement[bool]], name: str
    ) -> DataLoader[int, int]:
        key = ("count", name)
        if key not in self._connections:

            async def load(ids: list[int]) -> list[int]:
                found = dict(await self.ctx.all(nested_count_statement(model, parent, ids, where)))
                return [int(found.get(key, 0)) for key in ids]

            self._connections[key] = DataLoader(load)
        return self._connections[key]

"""FactCheck mutations: create, correct, publish and retract (editors); delete a draft (admins)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import strawberry
from sqlalchemy.orm import Session

from quotecheck.api.mutations.common import (
    DeleteInput,
    DeletePayload,
    UserError,
    changes_of,
    delete_node,
    optional_key,
    parse_key,
    saved,
)
from quotecheck.api.types import Ctx, FactCheck, Verdict
from quotecheck.enums import TokenRole
from quotecheck.services import audit, factchecks

__all__ = ["FactCheckMutations"]


@strawberry.input(description="A rating on the reviewer's own scale (schema.org Rating).")
class RatingInput:
    value: int | None = None
    best: int | None = None
    worst: int | None = None
    alternate_name: str | None = strawberry.field(
        default=None, description='The rating in words ("Altered", "Mostly false").'
    )

    def value_of(self) -> factchecks.RatingInput:
        return factchecks.RatingInput(
            value=self.value, best=self.best, worst=self.worst, alternate_name=self.alternate_name
        )


@strawberry.input(
    description="A passage a fact-check rests on: a source, an appearance or a URL. With a source whose text "
    "is held, the passage must be in it: give `start`/`end` to pick one occurrence (else the first is taken), "
    "or the offsets alone to take the passage from the text."
)
class EvidenceInput:
    source_id: strawberry.ID | None = None
    appearance_id: strawberry.ID | None = None
    url: str | None = None
    passage: str | None = None
    start: int | None = None
    end: int | None = None
    note: str | None = None

    def value(self, session: Session) -> factchecks.EvidenceInput:
        return factchecks.evidence_input(
            session,
            source_id=optional_key(self.source_id, "Source", "sourceId"),
            appearance_id=optional_key(self.appearance_id, "Appearance", "appearanceId"),
            url=self.url,
            passage=self.passage,
            start=self.start,
            end=self.end,
            note=self.note,
        )


@strawberry.input(description='A new fact-check, saved as a DRAFT; dates are partial ("2024", "2024-05-20").')
class CreateFactCheckInput:
    quote_id: strawberry.ID | None = None
    claim_reviewed: str
    verdict: Verdict | None = None  # type: ignore[valid-type]
    summary: str | None = None
    reviewer: str | None = None
    publisher: str | None = None
    url: str | None = None
    reviewed_on: str | None = None
    rating: RatingInput | None = None
    original_label: str | None = None
    evidence: list[EvidenceInput] = strawberry.field(default_factory=list)


@strawberry.input(
    description="The fields to change; a field left out stays as it is. `rating` and `evidence` replace the "
    "old rating and list."
)
class UpdateFactCheckInput:
    id: strawberry.ID
    version: int
    quote_id: strawberry.ID | None = strawberry.UNSET
    claim_reviewed: str | None = strawberry.UNSET
    verdict: Verdict | None = strawberry.UNSET  # type: ignore[valid-type]
    summary: str | None = strawberry.UNSET
    reviewer: str | None = strawberry.UNSET
    publisher: str | None = strawberry.UNSET
    url: str | None = strawberry.UNSET
    reviewed_on: str | None = strawberry.UNSET
    rating: RatingInput | None = strawberry.UNSET
    original_label: str | None = strawberry.UNSET
    evidence: list[EvidenceInput] | None = strawberry.UNSET


@strawberry.input(description="Which draft to publish, and the version read.")
class PublishFactCheckInput:
    id: strawberry.ID
    version: int


@strawberry.input(description="Which published fact-check to retract, the version read, and why.")
class RetractFactCheckInput:
    id: strawberry.ID
    version: int
    reason: str


@strawberry.type
class FactCheckPayload:
    fact_check: FactCheck | None = strawberry.field(
        description="The fact-check as saved; after a CONFLICT, as it stands now."
    )
    user_errors: list[UserError]


async def _payload(info: Ctx, work: Callable[[Session], int], current: int | None = None) -> FactCheckPayload:
    fact_check, errors = await saved(info, work, FactCheck, current=current)
    return FactCheckPayload(fact_check=fact_check, user_errors=errors)


def _changes(session: Session, given: UpdateFactCheckInput) -> dict[str, Any]:
    changes = changes_of(given, factchecks.FACT_CHECK_FIELDS)
    if "quote_id" in changes:
        changes["quote_id"] = optional_key(changes["quote_id"], "Quote", "quoteId")
    if changes.get("rating") is not None:
        changes["rating"] = changes["rating"].value_of()
    if "evidence" in changes:
        changes["evidence"] = [item.value(session) for item in changes["evidence"] or ()]
    return changes


@strawberry.type
class FactCheckMutations:
    @strawberry.mutation(
        description="Create a fact-check as a DRAFT (editor); publish it with publishFactCheck."
    )
    async def create_fact_check(self, info: Ctx, input: CreateFactCheckInput) -> FactCheckPayload:
        info.context.require(TokenRole.EDITOR, "createFactCheck")

        def work(session: Session) -> int:
            rating = None if input.rating is None else input.rating.value_of()
            factchecks.check_rating(rating)
            row = factchecks.create_fact_check(
                session,
                quote=factchecks.quote_for(session, optional_key(input.quote_id, "Quote", "quoteId")),
                claim_reviewed=input.claim_reviewed,
                verdict=input.verdict,
                original_label=input.original_label,
                summary=input.summary,
                reviewer=input.reviewer,
                publisher=input.publisher,
                url=input.url,
                reviewed_on=input.reviewed_on,
                rating_value=None if rating is None else rating.value,
                best_rating=None if rating is None else rating.best,
                worst_rating=None if rating is None else rating.worst,
                alternate_name=None if rating is None else rating.alternate_name,
                evidence=[item.value(session) for item in input.evidence],
            )
            audit.record(session, "createFactCheck", row)
            return row.id

        return await _payload(info, work)

    @strawberry.mutation(
        description="Change a fact-check (editor); a published one may be corrected, a retracted one not. "
        "`version` must be the one read."
    )
    async def update_fact_check(self, info: Ctx, input: UpdateFactCheckInput) -> FactCheckPayload:
        info.context.require(TokenRole.EDITOR, "updateFactCheck")
        key, errors = parse_key(input.id, "FactCheck", "id")
        if key is None:
            return FactCheckPayload(fact_check=None, user_errors=errors)

        def work(session: Session) -> int:
            assert key is not None
            changes = _changes(session, input)
            return factchecks.update_fact_check(session, key, version=input.version, changes=changes).id

        return await _payload(info, work, current=key)

    @strawberry.mutation(description="Publish a draft fact-check (editor): every reader then sees it.")
    async def publish_fact_check(self, info: Ctx, input: PublishFactCheckInput) -> FactCheckPayload:
        info.context.require(TokenRole.EDITOR, "publishFactCheck")
        key, errors = parse_key(input.id, "FactCheck", "id")
        if key is None:
            return FactCheckPayload(fact_check=None, user_errors=errors)

        def work(session: Session) -> int:
            assert key is not None
            return factchecks.publish(session, key, version=input.version).id

        return await _payload(info, work, current=key)

    @strawberry.mutation(
        description="Retract a published fact-check (editor): it stays on record, visibly retracted, "
        "with the reason."
    )
    async def retract_fact_check(self, info: Ctx, input: RetractFactCheckInput) -> FactCheckPayload:
        info.context.require(TokenRole.EDITOR, "retractFactCheck")
        key, errors = parse_key(input.id, "FactCheck", "id")
        if key is None:
            return FactCheckPayload(fact_check=None, user_errors=errors)

        def work(session: Session) -> int:
            assert key is not None
            return factchecks.retract(session, key, version=input.version, reason=input.reason).id

        return await _payload(info, work, current=key)

    @strawberry.mutation(
        description="Delete a draft fact-check (admin); a published one is retracted instead, never deleted."
    )
    async def delete_fact_check(self, info: Ctx, input: DeleteInput) -> DeletePayload:
        return await delete_node(info, input, "FactCheck", factchecks.delete_fact_check)

"""Speaker mutations: create and update (editors), delete and merge (admins)."""

from __future__ import annotations

from collections.abc import Callable

import strawberry
from sqlalchemy.orm import Session

from quotecheck.api.mutations.common import (
    DeleteInput,
    DeletePayload,
    UserError,
    changes_of,
    delete_node,
    key_of,
    parse_key,
    saved,
)
from quotecheck.api.types import AliasKind, Ctx, Speaker, SpeakerKind
from quotecheck.enums import TokenRole
from quotecheck.services import audit, speakers

__all__ = ["SpeakerMutations"]


@strawberry.input(description="Another name of a speaker.")
class AliasInput:
    name: str
    kind: AliasKind = AliasKind.SPELLING  # type: ignore[valid-type]
    language: str | None = None

    def value(self) -> speakers.AliasInput:
        return speakers.AliasInput(name=self.name, kind=self.kind, language=self.language)


@strawberry.input(description='A role held for a time; dates are partial ("2004", "2004-03", "2004-03-09").')
class RoleInput:
    title: str
    organization: str | None = None
    from_: str | None = strawberry.field(default=None, name="from", description="When it began, if known.")
    to: str | None = strawberry.field(default=None, description="When it ended; leave out while held.")
    note: str | None = None

    def value(self) -> speakers.RoleInput:
        return speakers.RoleInput(
            title=self.title,
            organization=self.organization,
            started=self.from_,
            ended=self.to,
            note=self.note,
        )


@strawberry.input
class CreateSpeakerInput:
    name: str
    kind: SpeakerKind = SpeakerKind.PERSON  # type: ignore[valid-type]
    wikidata_id: str | None = None
    description: str | None = None
    aliases: list[AliasInput] = strawberry.field(default_factory=list)
    roles: list[RoleInput] = strawberry.field(default_factory=list)


@strawberry.input(
    description="The fields to change; a field left out stays as it is. Lists replace the old list."
)
class UpdateSpeakerInput:
    id: strawberry.ID
    version: int
    name: str | None = strawberry.UNSET
    kind: SpeakerKind | None = strawberry.UNSET  # type: ignore[valid-type]
    wikidata_id: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    aliases: list[AliasInput] | None = strawberry.UNSET
    roles: list[RoleInput] | None = strawberry.UNSET


@strawberry.input(
    description="Fold `mergedId` into `survivorId`: names, roles, quotes, turns and parts move."
)
class MergeSpeakersInput:
    survivor_id: strawberry.ID
    merged_id: strawberry.ID


@strawberry.type
class SpeakerPayload:
    speaker: Speaker | None = strawberry.field(
        description="The speaker as saved; after a CONFLICT, as it stands now."
    )
    user_errors: list[UserError]


async def _payload(info: Ctx, work: Callable[[Session], int], current: int | None = None) -> SpeakerPayload:
    speaker, errors = await saved(info, work, Speaker, current=current)
    return SpeakerPayload(speaker=speaker, user_errors=errors)


@strawberry.type
class SpeakerMutations:
    @strawberry.mutation(description="Create a speaker (editor).")
    async def create_speaker(self, info: Ctx, input: CreateSpeakerInput) -> SpeakerPayload:
        info.context.require(TokenRole.EDITOR, "createSpeaker")

        def work(session: Session) -> int:
            row = speakers.create_speaker(
                session,
                name=input.name,
                kind=input.kind,
                wikidata_id=input.wikidata_id,
                description=input.description,
                aliases=(),
                roles=[role.value() for role in input.roles],
            )
            for alias in input.aliases:
                speakers.add_alias(session, row, alias.name, kind=alias.kind, language=alias.language)
            audit.record(session, "createSpeaker", row)
            return row.id

        return await _payload(info, work)

    @strawberry.mutation(description="Change a speaker (editor); `version` must be the one read.")
    async def update_speaker(self, info: Ctx, input: UpdateSpeakerInput) -> SpeakerPayload:
        info.context.require(TokenRole.EDITOR, "updateSpeaker")
        key, errors = parse_key(input.id, "Speaker", "id")
        if key is None:
            return SpeakerPayload(speaker=None, user_errors=errors)

        def work(session: Session) -> int:
            assert key is not None
            changes = changes_of(input, speakers.SPEAKER_FIELDS)
            if changes.get("aliases") is not None:
                changes["aliases"] = [alias.value() for alias in changes["aliases"]]
            if changes.get("roles") is not None:
                changes["roles"] = [role.value() for role in changes["roles"]]
            for name in ("aliases", "roles"):
                if name in changes and changes[name] is None:
                    changes[name] = []
            return speakers.update_speaker(session, key, version=input.version, changes=changes).id

        return await _payload(info, work, current=key)

    @strawberry.mutation(description="Delete a speaker nothing refers to (admin); else merge it instead.")
    async def delete_speaker(self, info: Ctx, input: DeleteInput) -> DeletePayload:
        return await delete_node(info, input, "Speaker", speakers.delete_speaker)

    @strawberry.mutation(description="Merge a duplicate speaker into another (admin); the merge is audited.")
    async def merge_speakers(self, info: Ctx, input: MergeSpeakersInput) -> SpeakerPayload:
        info.context.require(TokenRole.ADMIN, "mergeSpeakers")

        def work(session: Session) -> int:
            survivor = key_of(input.survivor_id, "Speaker", "survivorId")
            merged = key_of(input.merged_id, "Speaker", "mergedId")
            return speakers.merge_speakers(session, survivor_id=survivor, merged_id=merged).id

        return await _payload(info, work)

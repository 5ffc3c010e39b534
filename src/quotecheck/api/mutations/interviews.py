"""Interview mutations: create and update (editors), delete (admins)."""

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
    key_of,
    optional_key,
    parse_key,
    saved,
)
from quotecheck.api.types import Ctx, Interview, InterviewKind, Medium, ParticipantRole
from quotecheck.enums import TokenRole
from quotecheck.services import audit, interviews

__all__ = ["InterviewMutations"]


@strawberry.input(description="A speaker's part in an interview; a speaker has each role once.")
class ParticipantInput:
    speaker_id: strawberry.ID
    role: ParticipantRole  # type: ignore[valid-type]
    title_as_written: str | None = strawberry.field(
        default=None, description='The title given there ("Foreign Policy Editor in Chief").'
    )

    def value(self) -> interviews.ParticipantRef:
        return interviews.ParticipantRef(
            speaker_id=key_of(self.speaker_id, "Speaker", "participants"),
            role=self.role,
            title_as_written=self.title_as_written,
        )


@strawberry.input(description='A new interview (or speech, debate ...); `heldOn` is partial ("2013-03").')
class CreateInterviewInput:
    title: str
    kind: InterviewKind = InterviewKind.INTERVIEW  # type: ignore[valid-type]
    outlet_id: strawberry.ID | None = None
    held_on: str | None = None
    place: str | None = None
    medium: Medium | None = None  # type: ignore[valid-type]
    language: str | None = None
    description: str | None = None
    participants: list[ParticipantInput] = strawberry.field(default_factory=list)


@strawberry.input(
    description="The fields to change; a field left out stays as it is. `participants` replaces the old list."
)
class UpdateInterviewInput:
    id: strawberry.ID
    version: int
    title: str | None = strawberry.UNSET
    kind: InterviewKind | None = strawberry.UNSET  # type: ignore[valid-type]
    outlet_id: strawberry.ID | None = strawberry.UNSET
    held_on: str | None = strawberry.UNSET
    place: str | None = strawberry.UNSET
    medium: Medium | None = strawberry.UNSET  # type: ignore[valid-type]
    language: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    participants: list[ParticipantInput] | None = strawberry.UNSET


@strawberry.type
class InterviewPayload:
    interview: Interview | None = strawberry.field(
        description="The interview as saved; after a CONFLICT, as it stands now."
    )
    user_errors: list[UserError]


async def _payload(info: Ctx, work: Callable[[Session], int], current: int | None = None) -> InterviewPayload:
    interview, errors = await saved(info, work, Interview, current=current)
    return InterviewPayload(interview=interview, user_errors=errors)


@strawberry.type
class InterviewMutations:
    @strawberry.mutation(description="Create an interview with its participants (editor).")
    async def create_interview(self, info: Ctx, input: CreateInterviewInput) -> InterviewPayload:
        info.context.require(TokenRole.EDITOR, "createInterview")

        def work(session: Session) -> int:
            outlet = interviews.outlet_of(session, optional_key(input.outlet_id, "Outlet", "outletId"))
            parts = [part.value() for part in input.participants]
            row = interviews.create_interview(
                session,
                title=input.title,
                kind=input.kind,
                outlet=outlet,
                held_on=input.held_on,
                place=input.place,
                medium=input.medium,
                language=input.language,
                description=input.description,
                participants=interviews.participant_inputs(session, parts),
            )
            audit.record(session, "createInterview", row)
            return row.id

        return await _payload(info, work)

    @strawberry.mutation(description="Change an interview (editor); `version` must be the one read.")
    async def update_interview(self, info: Ctx, input: UpdateInterviewInput) -> InterviewPayload:
        info.context.require(TokenRole.EDITOR, "updateInterview")
        key, errors = parse_key(input.id, "Interview", "id")
        if key is None:
            return InterviewPayload(interview=None, user_errors=errors)

        def work(session: Session) -> int:
            assert key is not None
            changes: dict[str, Any] = changes_of(input, interviews.INTERVIEW_FIELDS)
            if "outlet_id" in changes:
                changes["outlet_id"] = optional_key(changes["outlet_id"], "Outlet", "outletId")
            if "participants" in changes:
                changes["participants"] = [part.value() for part in changes["participants"] or ()]
            return interviews.update_interview(session, key, version=input.version, changes=changes).id

        return await _payload(info, work, current=key)

    @strawberry.mutation(
        description="Delete an interview no source or quote refers to (admin); its participants go with it."
    )
    async def delete_interview(self, info: Ctx, input: DeleteInput) -> DeletePayload:
        return await delete_node(info, input, "Interview", interviews.delete_interview)

"""Interviews (and speeches, debates, press conferences): create with participants, change, delete, list."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, selectinload

from quotecheck.enums import InterviewKind, Medium, ParticipantRole
from quotecheck.errors import Conflict, NotFound, ValidationError
from quotecheck.models import Interview, Outlet, Participant, Quote, Source, Speaker
from quotecheck.partial_date import PartialDate
from quotecheck.services import _validate as v
from quotecheck.services import audit
from quotecheck.services._paging import page
from quotecheck.services._sql import date_within
from quotecheck.services.speakers import speaker_ids_named

__all__ = [
    "INTERVIEW_FIELDS",
    "InterviewFilter",
    "ParticipantInput",
    "ParticipantRef",
    "add_participant",
    "create_interview",
    "delete_interview",
    "get_interview",
    "interview_conditions",
    "list_interviews",
    "outlet_of",
    "participant_inputs",
    "update_interview",
]


@dataclass(frozen=True, slots=True)
class InterviewFilter:
    speaker_id: int | None = None  # took part, in any role
    speaker_name: str | None = None
    outlet_id: int | None = None
    kind: InterviewKind | None = None
    held_from: PartialDate | None = None
    held_to: PartialDate | None = None


def interview_conditions(f: InterviewFilter) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if f.speaker_id is not None:
        where.append(Interview.participants.any(Participant.speaker_id == f.speaker_id))
    if f.speaker_name is not None:
        where.append(
            Interview.participants.any(
                Participant.speaker_id.in_(speaker_ids_named(f.speaker_name, same_person=True))
            )
        )
    if f.outlet_id is not None:
        where.append(Interview.outlet_id == f.outlet_id)
    if f.kind is not None:
        where.append(Interview.kind == f.kind)
    if f.held_from is not None or f.held_to is not None:
        v.date_order(f.held_from, f.held_to, "from")
        where.append(date_within(Interview.held_on, f.held_from, f.held_to))
    return where


@dataclass(frozen=True, slots=True)
class ParticipantInput:
    speaker: Speaker
    role: ParticipantRole | str
    title_as_written: str | None = None


def create_interview(
    session: Session,
    *,
    title: str,
    kind: InterviewKind | str = InterviewKind.INTERVIEW,
    outlet: Outlet | None = None,
    held_on: PartialDate | str | None = None,
    place: str | None = None,
    medium: Medium | str | None = None,
    language: str | None = None,
    description: str | None = None,
    participants: Sequence[ParticipantInput] = (),
) -> Interview:
    interview = Interview(
        title=v.required_text(title, "title"),
        kind=v.enum_value(InterviewKind, kind, "kind"),
        outlet=outlet,
        held_on=v.partial_date(held_on, "held_on"),
        place=v.optional_text(place),
        medium=None if medium is None else v.enum_value(Medium, medium, "medium"),
        language=v.language(language),
        description=v.optional_text(description),
    )
    session.add(interview)
    for participant in participants:
        add_participant(session, interview, participant)
    session.flush()
    return interview


def add_participant(session: Session, interview: Interview, participant: ParticipantInput) -> Participant:
    """Add a speaker's part; the same speaker in the same role is recorded once."""
    role = v.enum_value(ParticipantRole, participant.role, "role")
    for existing in interview.participants:
        if existing.speaker is participant.speaker and existing.role is role:
            return existing
    row = Participant(
        speaker=participant.speaker, role=role, title_as_written=v.optional_text(participant.title_as_written)
    )
    interview.participants.append(row)
    return row


def get_interview(session: Session, interview_id: int) -> Interview:
    interview = session.get(Interview, interview_id, options=[selectinload(Interview.participants)])
    if interview is None:
        raise NotFound(f"no interview has id {interview_id}; find it with the `interviews` query")
    return interview


def list_interviews(session: Session, *, limit: int = 100, after_id: int | None = None) -> list[Interview]:
    return page(
        session, Interview, limit=limit, after_id=after_id, options=(selectinload(Interview.participants),)
    )


@dataclass(frozen=True, slots=True)
class ParticipantRef:
    """A part as a client names it: the speaker by id."""

    speaker_id: int
    role: ParticipantRole | str
    title_as_written: str | None = None


def outlet_of(session: Session, outlet_id: int | None, field: str = "outlet_id") -> Outlet | None:
    """The outlet an interview names (None for none); an unknown id is an error on `field`."""
    if outlet_id is None:
        return None
    outlet = session.get(Outlet, outlet_id)
    if outlet is None:
        raise NotFound(f"no outlet has id {outlet_id}; find it with the `outlets` query", field=field)
    return outlet


def participant_inputs(session: Session, parts: Sequence[ParticipantRef]) -> list[ParticipantInput]:
    """A client's list of parts, checked: every speaker exists, and no speaker has the same role twice."""
    ids = {part.speaker_id for part in parts}
    found = (
        {row.id: row for row in session.scalars(select(Speaker).where(Speaker.id.in_(ids)))} if ids else {}
    )
    seen: set[tuple[int, ParticipantRole]] = set()
    checked = []
    for position, part in enumerate(parts, start=1):
        speaker = found.get(part.speaker_id)
        if speaker is None:
            raise NotFound(
                f"participant {position}: no speaker has id {part.speaker_id}; create the speaker first",
                field="participants",
            )
        role = v.enum_value(ParticipantRole, part.role, "participants")
        if (speaker.id, role) in seen:
            raise ValidationError(
                f"participant {position}: {speaker.name!r} is listed twice as {role.name}; "
                "list each speaker once per role",
                field="participants",
            )
        seen.add((speaker.id, role))
        checked.append(ParticipantInput(speaker=speaker, role=role, title_as_written=part.title_as_written))
    return checked


# The fields an update may change (the API's update input, in snake case): one list for both layers.
INTERVIEW_FIELDS = (
    "title",
    "kind",
    "outlet_id",
    "held_on",
    "place",
    "medium",
    "language",
    "description",
    "participants",
)


def update_interview(
    session: Session, interview_id: int, *, version: int, changes: Mapping[str, Any]
) -> Interview:
    """Change the given fields (absent keys stay as they are; `participants`, a list of `ParticipantRef`,
    replaces the whole list)."""
    v.unknown_fields(changes, INTERVIEW_FIELDS, "an interview")
    interview = get_interview(session, interview_id)
    v.expect_version(interview, version, f"interview {interview.title!r}")
    before = audit.snapshot(interview)
    with session.no_autoflush:  # one UPDATE of the interview (one version step), however many fields change
        if "participants" in changes:
            parts = participant_inputs(session, changes["participants"] or ())
            interview.participants.clear()
            session.flush()  # the old parts go before the new ones arrive (one speaker, one role, one row)
            for part in parts:
                add_participant(session, interview, part)
        if "title" in changes:
            interview.title = v.required_text(changes["title"], "title")
        if "kind" in changes:
            interview.kind = v.enum_value(InterviewKind, changes["kind"], "kind")
        if "outlet_id" in changes:
            interview.outlet = outlet_of(session, changes["outlet_id"])
        if "held_on" in changes:
            interview.held_on = v.partial_date(changes["held_on"], "held_on")
        if "place" in changes:
            interview.place = v.optional_text(changes["place"])
        if "medium" in changes:
            medium = changes["medium"]
            interview.medium = None if medium is None else v.enum_value(Medium, medium, "medium")
        if "language" in changes:
            interview.language = v.language(changes["language"])
        if "description" in changes:
            interview.description = v.optional_text(changes["description"])
    v.touch(interview)
    audit.record(session, "updateInterview", interview, before=before)
    return interview


def delete_interview(session: Session, interview_id: int, *, version: int) -> None:
    """Delete an interview no source or quote refers to; its participants go with it."""
    interview = get_interview(session, interview_id)
    v.expect_version(interview, version, f"interview {interview.title!r}")
    uses = {
        "sources (transcripts)": select(func.count())
        .select_from(Source)
        .where(Source.interview_id == interview_id),
        "quotes": select(func.count()).select_from(Quote).where(Quote.interview_id == interview_id),
    }
    held = {what: session.scalar(query) or 0 for what, query in uses.items()}
    if any(held.values()):
        listed = ", ".join(f"{count} {what}" for what, count in held.items() if count)
        raise Conflict(
            f"interview {interview.title!r} cannot be deleted: {listed} refer to it; "
            "point them at another interview (updateSource, updateQuote) or delete them first",
            field="id",
        )
    before = audit.snapshot(interview)
    session.delete(interview)
    session.flush()
    audit.record(session, "deleteInterview", interview, before=before, deleted=True)

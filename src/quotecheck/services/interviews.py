"""Interviews (and speeches, debates, press conferences): create with participants, get, list."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session, selectinload

from quotecheck.enums import InterviewKind, Medium, ParticipantRole
from quotecheck.errors import NotFound
from quotecheck.models import Interview, Outlet, Participant, Speaker
from quotecheck.partial_date import PartialDate
from quotecheck.services import _validate as v
from quotecheck.services._paging import page
from quotecheck.services._sql import date_within
from quotecheck.services.speakers import speaker_ids_named

__all__ = [
    "InterviewFilter",
    "ParticipantInput",
    "add_participant",
    "create_interview",
    "get_interview",
    "interview_conditions",
    "list_interviews",
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
            Interview.participants.any(Participant.speaker_id.in_(speaker_ids_named(f.speaker_name)))
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
        held_on=v.partial_date(held_on, "heldOn"),
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
        raise NotFound(f"no interview has id {interview_id}")
    return interview


def list_interviews(session: Session, *, limit: int = 100, after_id: int | None = None) -> list[Interview]:
    return page(
        session, Interview, limit=limit, after_id=after_id, options=(selectinload(Interview.participants),)
    )

"""The audit trail: who changed what, when, with the object's fields before and after.

Every session that writes carries an `Actor` (`quotecheck.db.bind`, done by `session_scope(write=True)` and the
API's write sessions); every change calls `record` in the same transaction, so the event commits or rolls
back with the change. A bound session refuses to commit writes that recorded no event (a programming error
caught by tests, not a user error).

Operations that exist only as a user's action (`update_*`, `delete_*`, `merge_speakers`, `publish`/`retract`
by id, tokens) record their own event. Building blocks shared with the importers (`create_*`,
`publish_fact_check`) do not: their caller records one event for the whole operation (a create mutation, an
import), so one user action is one event.

Snapshots name fields as the GraphQL API does (camelCase) and other objects by their global IDs, so a client
can read `before`/`after` next to the object itself. A source's text is recorded by its hash and length, not
copied (a transcript can be megabytes); everything else is recorded in full.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Connection, insert, select
from sqlalchemy.orm import Session

from quotecheck.auth import Actor
from quotecheck.db import actor_of, mark_audited, request_id_of
from quotecheck.enums import ActorKind
from quotecheck.errors import ValidationError
from quotecheck.global_ids import encode_id
from quotecheck.models import (
    ApiToken,
    Appearance,
    AuditEvent,
    FactCheck,
    Interview,
    Outlet,
    Quote,
    Source,
    Speaker,
)
from quotecheck.partial_date import PartialDate

__all__ = [
    "TYPE_NAMES",
    "AuditFilter",
    "audit_conditions",
    "encode_id",
    "list_events",
    "record",
    "record_rows",
    "ref",
    "snapshot",
]


def _date(value: PartialDate | None) -> str | None:
    return None if value is None else value.isoformat()


def _instant(value: dt.datetime | None) -> str | None:
    return None if value is None else value.astimezone(dt.UTC).isoformat()


def ref(type_name: str, key: int | None) -> str | None:
    """An object's global ID as the API writes it (None for None)."""
    return None if key is None else encode_id(type_name, key)


def _name(value: Any) -> Any:
    return None if value is None else value.name


def _speaker(row: Speaker) -> dict[str, Any]:
    return {
        "name": row.name,
        "kind": row.kind.name,
        "wikidataId": row.wikidata_id,
        "description": row.description,
        "aliases": [{"name": a.name, "kind": a.kind.name, "language": a.language} for a in row.aliases],
        "roles": [
            {
                "title": r.title,
                "organization": r.organization,
                "from": _date(r.started),
                "to": _date(r.ended),
                "note": r.note,
            }
            for r in row.roles
        ],
    }


def _outlet(row: Outlet) -> dict[str, Any]:
    return {
        "name": row.name,
        "kind": row.kind.name,
        "url": row.url,
        "domain": row.domain,
        "country": row.country,
        "languages": list(row.languages or []),
        "description": row.description,
    }


def _interview(row: Interview) -> dict[str, Any]:
    return {
        "kind": row.kind.name,
        "title": row.title,
        "outlet": ref("Outlet", row.outlet_id),
        "heldOn": _date(row.held_on),
        "place": row.place,
        "medium": _name(row.medium),
        "language": row.language,
        "description": row.description,
        "participants": [
            {
                "speaker": ref("Speaker", p.speaker_id),
                "role": p.role.name,
                "titleAsWritten": p.title_as_written,
            }
            for p in row.participants
        ],
    }


def _source(row: Source) -> dict[str, Any]:
    return {
        "kind": row.kind.name,
        "title": row.title,
        "url": row.url,
        "outlet": ref("Outlet", row.outlet_id),
        "interview": ref("Interview", row.interview_id),
        "publishedOn": _date(row.published_on),
        "language": row.language,
        "contentHash": row.content_hash,
        "textLength": None if row.text is None else len(row.text),
        "retrievedAt": _instant(row.retrieved_at),
        "note": row.note,
    }


def _quote(row: Quote) -> dict[str, Any]:
    return {
        "text": row.text,
        "speaker": ref("Speaker", row.speaker_id),
        "language": row.language,
        "saidOn": _date(row.said_on),
        "interview": ref("Interview", row.interview_id),
        "note": row.note,
        "topics": [topic.slug for topic in row.topics],
    }


def _appearance(row: Appearance) -> dict[str, Any]:
    return {
        "quote": ref("Quote", row.quote_id),
        "source": ref("Source", row.source_id),
        "textAsPublished": row.text,
        "start": row.char_start,
        "end": row.char_end,
        "attributionAsWritten": row.attribution,
        "relation": row.relation.name,
        "takenFromAppearance": ref("Appearance", row.taken_from_appearance_id),
        "takenFromSource": ref("Source", row.taken_from_source_id),
        "citedAs": row.cited_as,
        "note": row.note,
    }


def _fact_check(row: FactCheck) -> dict[str, Any]:
    return {
        "quote": ref("Quote", row.quote_id),
        "claimReviewed": row.claim_reviewed,
        "verdict": _name(row.verdict),
        "status": row.status.name,
        "summary": row.summary,
        "reviewer": row.reviewer,
        "publisher": row.publisher,
        "url": row.url,
        "reviewedOn": _date(row.reviewed_on),
        "rating": {
            "value": row.rating_value,
            "best": row.best_rating,
            "worst": row.worst_rating,
            "alternateName": row.alternate_name,
        },
        "originalLabel": row.original_label,
        "publishedAt": _instant(row.published_at),
        "retractedAt": _instant(row.retracted_at),
        "retractionReason": row.retraction_reason,
        "evidence": [
            {
                "source": ref("Source", e.source_id),
                "appearance": ref("Appearance", e.appearance_id),
                "url": e.url,
                "passage": e.passage,
                "start": e.char_start,
                "end": e.char_end,
                "note": e.note,
            }
            for e in row.evidence
        ],
    }


def _token(row: ApiToken) -> dict[str, Any]:
    # Never the token or its hash: the trail is readable by every token holder.
    return {
        "name": row.name,
        "role": row.role.name,
        "prefix": row.prefix,
        "revokedAt": _instant(row.revoked_at),
    }


_SNAPSHOTS: dict[type[Any], tuple[str, Callable[[Any], dict[str, Any]]]] = {
    Speaker: ("Speaker", _speaker),
    Outlet: ("Outlet", _outlet),
    Interview: ("Interview", _interview),
    Source: ("Source", _source),
    Quote: ("Quote", _quote),
    Appearance: ("Appearance", _appearance),
    FactCheck: ("FactCheck", _fact_check),
    ApiToken: ("ApiToken", _token),
}
TYPE_NAMES = {model: name for model, (name, _) in _SNAPSHOTS.items()}


def snapshot(row: Any) -> dict[str, Any]:
    """The object's recorded fields (loads its collections if needed: call it inside the session)."""
    return _SNAPSHOTS[type(row)][1](row)


def record(
    session: Session,
    operation: str,
    row: Any = None,
    *,
    before: dict[str, Any] | None = None,
    deleted: bool = False,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Write the event for one change: `row` is the object changed (its `after` is read now, after a flush);
    `before` its snapshot taken before the change (None for a creation); `deleted` when it is gone."""
    actor = actor_of(session)
    assert actor.kind is not None  # `bind` refuses anonymous actors
    session.flush()
    object_type = object_id = version = None
    after = None
    if row is not None:
        object_type = TYPE_NAMES[type(row)]
        object_id = row.id
        if not deleted:
            after = snapshot(row)
            version = getattr(row, "version", None)
    audit_event = AuditEvent(
        actor=actor.name,
        actor_kind=actor.kind,
        operation=operation,
        object_type=object_type,
        object_id=object_id,
        object_version=version,
        before=before,
        after=after,
        detail=detail,
        request_id=request_id_of(session),
    )
    session.add(audit_event)
    session.flush()
    mark_audited(session)
    return audit_event


def record_rows(
    connection: Connection, actor: Actor, operation: str, *, detail: dict[str, Any] | None = None
) -> None:
    """The event for a change written with Core on a bare connection (a feed's batch), in its transaction."""
    assert actor.kind is not None
    connection.execute(
        insert(AuditEvent).values(
            occurred_at=dt.datetime.now(dt.UTC),
            actor=actor.name,
            actor_kind=actor.kind,
            operation=operation,
            detail=detail,
        )
    )


# --- reading the trail ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AuditFilter:
    object_type: str | None = None
    object_id: int | None = None
    actor: str | None = None
    operation: str | None = None
    since: dt.datetime | None = None  # inclusive
    until: dt.datetime | None = None  # exclusive
    actor_kind: ActorKind | None = None


def audit_conditions(f: AuditFilter) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if f.object_type is not None:
        where.append(AuditEvent.object_type == f.object_type)
    if f.object_id is not None:
        where.append(AuditEvent.object_id == f.object_id)
    if f.actor is not None:
        where.append(AuditEvent.actor == f.actor)
    if f.operation is not None:
        where.append(AuditEvent.operation == f.operation)
    if f.since is not None:
        where.append(AuditEvent.occurred_at >= f.since)
    if f.until is not None:
        where.append(AuditEvent.occurred_at < f.until)
    if f.actor_kind is not None:
        where.append(AuditEvent.actor_kind == f.actor_kind)
    if f.since is not None and f.until is not None and f.since >= f.until:
        raise ValidationError("since is not before until; give a range that holds some time", field="since")
    return where


def list_events(session: Session, f: AuditFilter, *, limit: int = 100) -> Sequence[AuditEvent]:
    """The matching events, oldest first."""
    query = select(AuditEvent).where(*audit_conditions(f)).order_by(AuditEvent.id).limit(limit)
    return list(session.scalars(query))

"""The audit trail: one event per change (API mutation, CLI command), written in the change's transaction.

Events are never updated or deleted: migration 0004 installs triggers that refuse both on SQLite and
PostgreSQL, so not even a bug in this code can rewrite history.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Index
from sqlalchemy.orm import Mapped, mapped_column

from quotecheck.enums import ActorKind
from quotecheck.models.base import Base, enum_column, intpk, utcnow

__all__ = ["AuditEvent"]


class AuditEvent(Base):
    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_object", "object_type", "object_id", "id"),
        Index("ix_audit_event_occurred_at", "occurred_at"),
    )

    id: Mapped[intpk]
    occurred_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    actor: Mapped[str]  # a token's name, or "cli:<user>"
    actor_kind: Mapped[ActorKind] = mapped_column(enum_column(ActorKind, "actor_kind"))
    operation: Mapped[str]  # the mutation or command: "updateSpeaker", "import transcript"
    # The object changed (a model's GraphQL type name and row id); none for a change of many (a bulk import).
    object_type: Mapped[str | None]
    object_id: Mapped[int | None]
    object_version: Mapped[int | None]  # its version after the change
    # The object's fields before and after (None: it did not exist before / no longer exists after).
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # what else happened (moved rows, counts)
    request_id: Mapped[str | None]

    def __repr__(self) -> str:
        return f"<AuditEvent {self.id} {self.operation} {self.object_type}:{self.object_id}>"

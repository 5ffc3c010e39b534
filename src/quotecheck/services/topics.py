"""Topics: found or made by name."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from quotecheck.errors import ValidationError
from quotecheck.models import Topic
from quotecheck.services import _validate as v
from quotecheck.text import name_key

__all__ = ["ensure_topic", "list_topics", "slugify"]


def slugify(name: str) -> str:
    return name_key(name).replace(" ", "-")


def ensure_topic(session: Session, name: str) -> Topic:
    """The topic with this name's slug, made if missing ("Missile defence" and "missile-defence" are one)."""
    name = v.required_text(name, "topic")
    slug = slugify(name)
    if not slug:
        raise ValidationError(f"topic {name!r} has no letters or digits", field="topics")
    topic = session.scalar(select(Topic).where(Topic.slug == slug))
    if topic is None:
        topic = Topic(name=name, slug=slug)
        session.add(topic)
        session.flush()
    return topic


def list_topics(session: Session) -> list[Topic]:
    return list(session.scalars(select(Topic).order_by(Topic.slug)))

"""The demo corpus: the seed's real story (Lavrov in Foreign Policy, re-printed by a news brief) and a
clearly fictional one (Marrowick) that walks through every relation and verdict.

Both stories are JSON files in this folder, loaded through the services. Loading is idempotent: each record
is looked up by its natural key (an outlet's name, a speaker's name, a source's URL and text, a quote's
speaker and words ...) and only what is missing is created, so a second run changes nothing.
"""

from __future__ import annotations

import json
from collections import Counter
from importlib import resources
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from quotecheck.enums import AliasKind, SourceKind
from quotecheck.models import Appearance, FactCheck, Interview, Outlet, Quote, Source, Speaker
from quotecheck.partial_date import PartialDate
from quotecheck.services import appearances, audit, factchecks, interviews, outlets, quotes, sources, speakers
from quotecheck.text import name_key

__all__ = ["STORIES", "load_demo", "load_story"]

STORIES = ("seed.json", "fictional.json")

Json = dict[str, Any]


class _Loader:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.created: Counter[str] = Counter()
        self.outlets: dict[str, Outlet] = {}
        self.speakers: dict[str, Speaker] = {}
        self.interviews: dict[str, Interview] = {}
        self.sources: dict[str, Source] = {}
        self.quotes: dict[str, Quote] = {}
        self.appearances: dict[str, Appearance] = {}

    def outlet(self, item: Json) -> Outlet:
        found = outlets.find_outlet(self.session, item["name"])
        if found is not None:
            return found
        self.created["outlets"] += 1
        return outlets.create_outlet(
            self.session,
            name=item["name"],
            kind=item.get("kind", "OTHER"),
            url=item.get("url"),
            country=item.get("country"),
            languages=item.get("languages", ()),
            description=item.get("description"),
        )

    def speaker(self, item: Json) -> Speaker:
        key = name_key(item["name"])
        speaker = self.session.scalars(
            select(Speaker).where(Speaker.name_key == key).order_by(Speaker.id)
        ).first()
        if speaker is None:
            self.created["speakers"] += 1
            speaker = speakers.create_speaker(
                self.session,
                name=item["name"],
                kind=item.get("kind", "PERSON"),
                wikidata_id=item.get("wikidata_id"),
                description=item.get("description"),
            )
        for alias in item.get("aliases", ()):
            name, kind = (
                (alias, AliasKind.SPELLING) if isinstance(alias, str) else (alias["name"], alias["kind"])
            )
            if speakers.add_alias(self.session, speaker, name, kind=kind) is not None:
                self.created["aliases"] += 1
        for role in item.get("roles", ()):
            started = PartialDate.coerce(role.get("start"))
            held = any(r.title_key == name_key(role["title"]) and r.started == started for r in speaker.roles)
            if not held:
                self.created["roles"] += 1
                speakers.add_role(
                    self.session,
                    speaker,
                    speakers.RoleInput(
                        title=role["title"],
                        organization=role.get("organization"),
                        started=started,
                        ended=role.get("end"),
                        note=role.get("note"),
                    ),
                )
        self.session.flush()
        return speaker

    def interview(self, item: Json) -> Interview:
        outlet = self.outlets[item["outlet"]] if item.get("outlet") else None
        held_on = PartialDate.coerce(item.get("date"))
        interview = self.session.scalars(
            select(Interview)
            .where(Interview.title == item["title"], Interview.held_on == held_on)
            .order_by(Interview.id)
        ).first()
        if interview is None:
            self.created["interviews"] += 1
            interview = interviews.create_interview(
                self.session,
                title=item["title"],
                kind=item.get("kind", "INTERVIEW"),
                outlet=outlet,
                held_on=held_on,
                place=item.get("place"),
                medium=item.get("medium"),
                language=item.get("language"),
                description=item.get("description"),
            )
        for part in item.get("participants", ()):
            interviews.add_participant(
                self.session,
                interview,
                interviews.ParticipantInput(
                    speaker=self.speakers[part["speaker"]],
                    role=part["role"],
                    title_as_written=part.get("title_as_written"),
                ),
            )
        transcript = item.get("transcript")
        if transcript:
            self.sources[transcript["key"]] = self.transcript(transcript, interview, outlet)
        self.session.flush()
        return interview

    def transcript(self, item: Json, interview: Interview, outlet: Outlet | None) -> Source:
        turns = [
            sources.TurnInput(
                speaker=self.speakers[turn["speaker"]], text=turn["text"], label=turn.get("label")
            )
            for turn in item.get("turns") or ()
        ]
        text = sources.transcript_text(turns)[0] if turns else None
        found = sources.find_source(self.session, url=item.get("url"), text=text)
        if found is not None:
            return found
        self.created["sources"] += 1
        common: Json = {
            "title": item["title"],
            "interview": interview,
            "outlet": outlet,
            "url": item.get("url"),
            "published_on": item.get("published"),
            "language": item.get("language"),
            "note": item.get("note"),
        }
        if turns:
            return sources.create_transcript(self.session, turns=turns, **common)
        return sources.create_source(self.session, kind=SourceKind.TRANSCRIPT, **common)

    def source(self, item: Json) -> Source:
        text = item.get("text")
        if item.get("text_file"):
            text = resources.files(__package__).joinpath(item["text_file"]).read_text(encoding="utf-8")
        found = sources.find_source(self.session, url=item.get("url"), text=text)
        if found is not None:
            return found
        self.created["sources"] += 1
        return sources.create_source(
            self.session,
            kind=item["kind"],
            title=item["title"],
            url=item.get("url"),
            outlet=self.outlets[item["outlet"]] if item.get("outlet") else None,
            published_on=item.get("published"),
            language=item.get("language"),
            text=text,
            note=item.get("note"),
        )

    def quote(self, item: Json) -> Quote:
        speaker = self.speakers[item["speaker"]]
        quote = quotes.find_quote(self.session, speaker=speaker, text=item["text"])
        if quote is None:
            self.created["quotes"] += 1
            quote = quotes.create_quote(
                self.session,
                speaker=speaker,
                text=item["text"],
                language=item.get("language"),
                said_on=item.get("said_on"),
                interview=self.interviews[item["interview"]] if item.get("interview") else None,
                topics=item.get("topics", ()),
                note=item.get("note"),
            )
        for entry in item.get("appearances", ()):
            self.appearances[entry["key"]] = self.appearance(quote, entry)
        return quote

    def appearance(self, quote: Quote, item: Json) -> Appearance:
        source = self.sources[item["source"]]
        found = self.session.scalars(
            select(Appearance)
            .where(
                Appearance.quote_id == quote.id,
                Appearance.source_id == source.id,
                Appearance.text == item["text"],
            )
            .order_by(Appearance.id)
        ).first()
        if found is not None:
            return found
        origin = item.get("taken_from") or {}
        self.created["appearances"] += 1
        return appearances.create_appearance(
            self.session,
            quote=quote,
            source=source,
            text=item["text"],
            relation=item["relation"],
            attribution=item.get("attribution"),
            taken_from_appearance=self.appearances[origin["appearance"]] if "appearance" in origin else None,
            taken_from_source=self.sources[origin["source"]] if "source" in origin else None,
            cited_as=item.get("cited_as"),
            note=item.get("note"),
        )

    def fact_check(self, item: Json) -> FactCheck:
        quote = self.quotes[item["quote"]]
        found = self.session.scalars(
            select(FactCheck)
            .where(
                FactCheck.quote_id == quote.id,
                FactCheck.claim_reviewed == item["claim_reviewed"],
                FactCheck.publisher == item.get("publisher"),
            )
            .order_by(FactCheck.id)
        ).first()
        if found is not None:
            return found
        self.created["fact_checks"] += 1
        fact_check = factchecks.create_fact_check(
            self.session,
            quote=quote,
            claim_reviewed=item["claim_reviewed"],
            verdict=item.get("verdict"),
            summary=item.get("summary"),
            reviewer=item.get("reviewer"),
            publisher=item.get("publisher"),
            url=item.get("url"),
            reviewed_on=item.get("reviewed_on"),
            rating_value=item.get("rating_value"),
            best_rating=item.get("best_rating"),
            worst_rating=item.get("worst_rating"),
            alternate_name=item.get("alternate_name"),
            evidence=[
                factchecks.EvidenceInput(
                    source=self.sources[e["source"]] if e.get("source") else None,
                    passage=e.get("passage"),
                    note=e.get("note"),
                )
                for e in item.get("evidence", ())
            ],
        )
        return factchecks.publish_fact_check(self.session, fact_check)

    def story(self, data: Json) -> None:
        for item in data.get("outlets", ()):
            self.outlets[item["key"]] = self.outlet(item)
        for item in data.get("speakers", ()):
            self.speakers[item["key"]] = self.speaker(item)
        for item in data.get("interviews", ()):
            self.interviews[item["key"]] = self.interview(item)
        for item in data.get("sources", ()):
            self.sources[item["key"]] = self.source(item)
        for item in data.get("quotes", ()):
            self.quotes[item["key"]] = self.quote(item)
        for item in data.get("fact_checks", ()):
            self.fact_check(item)
        self.session.flush()


def load_story(session: Session, data: Json) -> Counter[str]:
    """Load one story; returns how many records of each kind were created (none on a second run)."""
    loader = _Loader(session)
    loader.story(data)
    return loader.created


def load_demo(session: Session) -> Counter[str]:
    """Load every demo story; one audit event says what it created (none on a second run)."""
    created: Counter[str] = Counter()
    for name in STORIES:
        text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
        created.update(load_story(session, json.loads(text)))
    if created:
        audit.record(session, "loadDemo", detail={"created": dict(sorted(created.items()))})
    return created

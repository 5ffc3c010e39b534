"""Speakers: create, find by any of their names, the roles they held on a date, and merging duplicates."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, CompoundSelect, Integer, and_, func, or_, select, type_coerce, update
from sqlalchemy.orm import Session, joinedload, selectinload

from quotecheck.enums import AliasKind, SpeakerKind
from quotecheck.errors import Conflict, NotFound, ValidationError
from quotecheck.models import Participant, PossibleDuplicate, Quote, Speaker, SpeakerAlias, SpeakerRole, Turn
from quotecheck.models.base import partial_date_last_key
from quotecheck.names import (
    ROLE_QUALIFIERS,
    ROLE_WORDS,
    NameReading,
    name_match,
    read_name,
    reading_of,
    surname_key,
)
from quotecheck.partial_date import PartialDate
from quotecheck.services import _validate as v
from quotecheck.services import audit
from quotecheck.services._paging import page
from quotecheck.services._sql import words_prefix
from quotecheck.text import name_key

__all__ = [
    "SPEAKER_FIELDS",
    "AliasInput",
    "Candidate",
    "RoleInput",
    "SpeakerFilter",
    "add_alias",
    "add_role",
    "create_speaker",
    "delete_speaker",
    "find_speakers",
    "get_speaker",
    "list_possible_duplicates",
    "list_speakers",
    "merge_speakers",
    "record_possible_duplicate",
    "resolve_name",
    "resolve_speaker",
    "role_held_between",
    "roles_on",
    "speaker_conditions",
    "speaker_ids_named",
    "unambiguous",
    "update_speaker",
]

_WIKIDATA = re.compile(r"^Q[1-9][0-9]*$")


@dataclass(frozen=True, slots=True)
class RoleInput:
    title: str
    organization: str | None = None
    started: PartialDate | str | None = None
    ended: PartialDate | str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class AliasInput:
    name: str
    kind: AliasKind | str = AliasKind.SPELLING
    language: str | None = None


def _wikidata_id(session: Session, value: str | None, *, exclude: int | None = None) -> str | None:
    qid = v.optional_text(value)
    if qid is None:
        return None
    qid = qid.upper()
    if not _WIKIDATA.match(qid):
        raise ValidationError(
            f"wikidata_id {value!r} is not a Wikidata item ID; use the form Q150851", field="wikidata_id"
        )
    holder = session.scalar(select(Speaker).where(Speaker.wikidata_id == qid))
    if holder is not None and holder.id != exclude:
        raise Conflict(
            f"Wikidata ID {qid} already names speaker {holder.name!r} (id {holder.id}); "
            "one Wikidata ID names one speaker: merge the two speakers instead",
            field="wikidata_id",
        )
    return qid


def create_speaker(
    session: Session,
    *,
    name: str,
    kind: SpeakerKind | str = SpeakerKind.PERSON,
    wikidata_id: str | None = None,
    description: str | None = None,
    aliases: Sequence[str] = (),
    roles: Sequence[RoleInput] = (),
    anonymous: bool = False,
) -> Speaker:
    name = v.required_text(name, "name")
    key = name_key(name)
    if not key:
        raise ValidationError(
            f"name {name!r} has no letters or digits; give the speaker's name", field="name"
        )
    speaker = Speaker(
        name=name,
        name_key=key,
        surname_key="" if anonymous else surname_key(name),
        anonymous=anonymous,
        kind=v.enum_value(SpeakerKind, kind, "kind"),
        wikidata_id=_wikidata_id(session, wikidata_id),
        description=v.optional_text(description),
    )
    session.add(speaker)
    for alias in aliases:
        add_alias(session, speaker, alias)
    for role in roles:
        add_role(session, speaker, role)
    session.flush()
    return speaker


def add_alias(
    session: Session,
    speaker: Speaker,
    name: str,
    *,
    kind: AliasKind | str = AliasKind.SPELLING,
    language: str | None = None,
) -> SpeakerAlias | None:
    """Record another name; a name the speaker already answers to is not added twice (returns None)."""
    name = v.required_text(name, "alias")
    key = name_key(name)
    if not key:
        raise ValidationError(f"alias {name!r} has no letters or digits", field="alias")
    if key == speaker.name_key or any(alias.name_key == key for alias in speaker.aliases):
        return None
    alias = SpeakerAlias(
        name=name,
        name_key=key,
        surname_key=surname_key(name),
        kind=v.enum_value(AliasKind, kind, "kind"),
        language=v.language(language),
    )
    speaker.aliases.append(alias)
    return alias


def add_role(session: Session, speaker: Speaker, role: RoleInput) -> SpeakerRole:
    started = v.partial_date(role.started, "started")
    ended = v.partial_date(role.ended, "ended")
    v.date_order(started, ended, "role")
    title = v.required_text(role.title, "title")
    row = SpeakerRole(
        title=title,
        title_key=name_key(title),
        organization=v.optional_text(role.organization),
        started=started,
        ended=ended,
        note=v.optional_text(role.note),
    )
    speaker.roles.append(row)
    return row


def get_speaker(session: Session, speaker_id: int) -> Speaker:
    speaker = session.get(Speaker, speaker_id)
    if speaker is None:
        raise NotFound(f"no speaker has id {speaker_id}; list speakers with `quotecheck` or the API")
    return speaker


def list_speakers(session: Session, *, limit: int = 100, after_id: int | None = None) -> list[Speaker]:
    """Speakers in id order, one page at a time (keyset: pass the last id seen as `after_id`)."""
    return page(session, Speaker, limit=limit, after_id=after_id, options=(selectinload(Speaker.aliases),))


def speaker_ids_named(name: str) -> CompoundSelect[Any]:
    """SQL for the ids of speakers whose name or an alias equals `name` once folded (see `name_key`)."""
    key = name_key(name)
    return (
        select(Speaker.id)
        .where(Speaker.name_key == key)
        .union(select(SpeakerAlias.speaker_id).where(SpeakerAlias.name_key == key))
    )


@dataclass(frozen=True, slots=True)
class SpeakerFilter:
    name: str | None = None  # every word starts a word of the name or of one alias
    wikidata_id: str | None = None
    role: str | None = None  # every word starts a word of a role title held (at any time)
    kind: SpeakerKind | None = None


def speaker_conditions(f: SpeakerFilter) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if f.name is not None and name_key(f.name):
        where.append(
            or_(
                words_prefix(Speaker.name_key, f.name),
                Speaker.aliases.any(words_prefix(SpeakerAlias.name_key, f.name)),
            )
        )
    if f.wikidata_id is not None:
        where.append(Speaker.wikidata_id == f.wikidata_id.strip().upper())
    if f.role is not None and name_key(f.role):
        where.append(Speaker.roles.any(words_prefix(SpeakerRole.title_key, f.role)))
    if f.kind is not None:
        where.append(Speaker.kind == f.kind)
    return where


def find_speakers(session: Session, name: str) -> list[Speaker]:
    """Speakers whose name or an alias equals `name`, ignoring case, diacritics and punctuation."""
    if not name_key(name):
        return []
    query = (
        select(Speaker)
        .where(Speaker.id.in_(speaker_ids_named(name)), Speaker.anonymous.is_(False))
        .order_by(Speaker.id)
        .options(selectinload(Speaker.aliases))
    )
    return list(session.scalars(query))


def resolve_speaker(session: Session, name: str) -> Speaker:
    """The one speaker called `name` (or, failing that, the one `resolve_name` is sure of); none or several is
    an error that says what to do."""
    found = find_speakers(session, name)
    if not found:
        candidates = resolve_name(session, name)
        sure = unambiguous(candidates)
        if sure is not None:
            return sure.speaker
        if candidates:
            listed = "; ".join(f"{c.speaker.name} (id {c.speaker.id}: {c.reason})" for c in candidates)
            raise Conflict(f"{name!r} may be any of {len(candidates)} speakers: {listed}; use the id instead")
    if not found:
        raise NotFound(f"no speaker is called {name!r}; check the spelling, or create the speaker first")
    if len(found) > 1:
        listed = "; ".join(f"{speaker.name} (id {speaker.id})" for speaker in found)
        raise Conflict(f"{len(found)} speakers are called {name!r}: {listed}; use the id instead")
    return found[0]


@dataclass(frozen=True, slots=True)
class Candidate:
    """A speaker a written name may mean, how sure (0..1) and why."""

    speaker: Speaker
    score: float
    reason: str


MAX_CANDIDATES = 200  # speakers read for one name: a surname shared by more is not narrowed further here
_ROLE_NOISE = frozenset({"the", "a", "an", "la", "le", "les", "l", "el", "los", "las", "der", "die", "das"})
_ROLE_NOISE |= {
    "former",
    "ex",
    "then",
    "current",
    "acting",
    "of",
    "de",
    "du",
    "des",
    "d",
    "for",
    "del",
    "und",
}


def _like(a: str, b: str) -> bool:
    """Two words of role titles that are one ("président"/"présidente", "minister"/"ministre")."""
    return a == b or (len(a) >= 5 and len(b) >= 5 and a[:5] == b[:5])


def _role_fits(reading: NameReading, role: SpeakerRole) -> bool:
    """Every word of the written role ("Russian Foreign Minister") is in the title or organization held."""
    words = [w for w in reading.role_key.split() if w not in _ROLE_NOISE]
    held = [*role.title_key.split(), *name_key(role.organization or "").split()]
    if not any(w in ROLE_WORDS for w in words):
        return False
    return all(any(_like(w, h) for h in held) for w in words if w in ROLE_WORDS or w not in ROLE_QUALIFIERS)


def _role_heads(reading: NameReading) -> list[str]:
    return [w for w in reading.role_key.split() if w in ROLE_WORDS and w not in ROLE_QUALIFIERS][:3]


def resolve_name(
    session: Session,
    name: str,
    *,
    on: PartialDate | str | None = None,
    among: Collection[int] = (),
    language: str | None = None,
) -> list[Candidate]:
    """The speakers a written name may mean, best first, each with a score and a reason; never a guess.

    The same name once titles and roles are set aside, an initial compatible with a given name, a surname alone
    (`among`: the speakers of the same transcript or article, preferred when one of them fits), or a role
    held on the date `on` ("the Foreign Minister"). Anonymous participants are never candidates. Index lookups
    only: the folded name and the stored surname keys.
    """
    reading = read_name(name, language=language) if language else reading_of(name)
    if reading.generic:
        return []
    day = v.partial_date(on, "on") if on is not None else None
    found: dict[int, Candidate] = {}
    if reading.key:
        keys = list({reading.key, name_key(name)})
        ids = (
            select(Speaker.id)
            .where(or_(Speaker.name_key.in_(keys), Speaker.surname_key == reading.surname_key))
            .union(
                select(SpeakerAlias.speaker_id).where(
                    or_(SpeakerAlias.name_key.in_(keys), SpeakerAlias.surname_key == reading.surname_key)
                )
            )
        )
        speakers = session.scalars(
            select(Speaker)
            .where(Speaker.id.in_(ids), Speaker.anonymous.is_(False))
            .order_by(Speaker.id)
            .limit(MAX_CANDIDATES)
            .options(selectinload(Speaker.aliases))
        )
        for speaker in speakers:
            best = None
            names = (speaker.name, *(alias.name for alias in speaker.aliases))
            if reading.gender and any(reading_of(n).gender not in (None, reading.gender) for n in names):
                continue  # "M. Dufresne-Arcan" is not the speaker also called "Mme Dufresne-Arcan"
            for written in names:
                match = name_match(reading, reading_of(written))
                if match is not None and (best is None or match.score > best[0].score):
                    best = (match, written)
            if best is not None:
                match, written = best
                via = f" (as {written!r})" if written != speaker.name else ""
                found[speaker.id] = Candidate(speaker, match.score, match.reason + via)
    if not reading.key and name_key(name):  # a role alone ("HOST"): a speaker recorded under these words
        for speaker in find_speakers(session, name):
            found[speaker.id] = Candidate(speaker, 1.0, "same name as written")
    heads = _role_heads(reading) if reading.role else []
    if heads and ((reading.key and found) or not reading.key):
        query = (
            select(SpeakerRole)
            .join(Speaker, Speaker.id == SpeakerRole.speaker_id)
            .where(Speaker.anonymous.is_(False), or_(*(SpeakerRole.title_key.contains(h[:5]) for h in heads)))
            .options(joinedload(SpeakerRole.speaker).selectinload(Speaker.aliases))
        )
        if day is not None:
            query = query.where(role_held_between(day.key, day.end_key))
        if reading.key:
            query = query.where(SpeakerRole.speaker_id.in_(list(found)))
        when = f" on {day}" if day is not None else ""
        for role in session.scalars(query.order_by(SpeakerRole.id).limit(MAX_CANDIDATES)).unique():
            if not _role_fits(reading, role):
                continue
            held = f"held {role.title}" + (f", {role.organization}" if role.organization else "") + when
            known = found.get(role.speaker_id)
            if known is not None:
                if "held " not in known.reason:
                    found[role.speaker_id] = Candidate(
                        known.speaker, min(1.0, known.score + 0.05), f"{known.reason}; {held}"
                    )
            elif not reading.key and role.speaker_id not in found:
                found[role.speaker_id] = Candidate(role.speaker, 0.7 if day else 0.5, f"the role: {held}")
    candidates = list(found.values())
    context = set(among)
    if context and len(candidates) > 1:
        inside = [c for c in candidates if c.speaker.id in context]
        if inside:
            top = max(c.score for c in inside)
            candidates = [Candidate(c.speaker, c.score, f"{c.reason}; on the same stage") for c in inside] + [
                c for c in candidates if c.speaker.id not in context and c.score > top
            ]
    candidates.sort(key=lambda c: (-c.score, c.speaker.id))
    return candidates


def unambiguous(candidates: Sequence[Candidate]) -> Candidate | None:
    """The one candidate a name surely means: the only one, or one far surer than the rest (same name, or an
    initial that fits, against surnames alone); None when a person would have to choose."""
    if not candidates:
        return None
    top = candidates[0]
    if len(candidates) == 1 or (top.score >= 0.85 and candidates[1].score <= top.score - 0.2):
        return top
    return None


def record_possible_duplicate(
    session: Session,
    speaker: Speaker,
    candidate: Speaker,
    *,
    score: float,
    reason: str,
    label: str | None = None,
    source_id: int | None = None,
) -> PossibleDuplicate | None:
    """Note that `speaker` may be `candidate`, for an editor to merge (mergeSpeakers) or leave; once per pair."""
    if speaker.id == candidate.id:
        return None
    session.flush()
    pair = sorted((speaker.id, candidate.id))
    held = session.scalar(
        select(PossibleDuplicate).where(
            or_(
                and_(PossibleDuplicate.speaker_id == pair[0], PossibleDuplicate.candidate_id == pair[1]),
                and_(PossibleDuplicate.speaker_id == pair[1], PossibleDuplicate.candidate_id == pair[0]),
            )
        )
    )
    if held is not None:
        return None
    row = PossibleDuplicate(
        speaker_id=speaker.id,
        candidate_id=candidate.id,
        score=round(score, 3),
        reason=reason,
        label=label,
        source_id=source_id,
    )
    session.add(row)
    session.flush()
    return row


def list_possible_duplicates(
    session: Session, *, limit: int = 100, after_id: int | None = None
) -> list[PossibleDuplicate]:
    """Possible duplicates still open (both speakers exist), oldest first, one page at a time."""
    query = (
        select(PossibleDuplicate)
        .options(
            joinedload(PossibleDuplicate.speaker).selectinload(Speaker.aliases),
            joinedload(PossibleDuplicate.candidate).selectinload(Speaker.aliases),
        )
        .order_by(PossibleDuplicate.id)
        .limit(limit)
    )
    if after_id is not None:
        query = query.where(PossibleDuplicate.id > after_id)
    return list(session.scalars(query).unique())


def role_held_between(first_key: Any, last_key: Any) -> ColumnElement[bool]:
    """SQL: the role's span overlaps the days `first_key..last_key` (date keys: numbers, or SQL expressions
    such as a stored partial date's); unknown bounds are open. The one rule behind `roles_on`."""
    started = type_coerce(SpeakerRole.started, Integer)
    return and_(
        or_(SpeakerRole.started.is_(None), started <= last_key),
        or_(SpeakerRole.ended.is_(None), partial_date_last_key(SpeakerRole.ended) >= first_key),
    )


def roles_on(session: Session, speaker_id: int, on: PartialDate | str) -> list[SpeakerRole]:
    """Roles the speaker may have held on `on`: those whose span overlaps it (unknown bounds are open)."""
    day = v.partial_date(on, "on")
    assert day is not None
    query = (
        select(SpeakerRole)
        .where(SpeakerRole.speaker_id == speaker_id, role_held_between(day.key, day.end_key))
        .order_by(SpeakerRole.started.asc().nulls_first(), SpeakerRole.id)
    )
    return list(session.scalars(query))


def merge_speakers(session: Session, *, survivor_id: int, merged_id: int) -> Speaker:
    """Fold a duplicate into the survivor: every name, role, quote, turn and participation moves; nothing is lost.

    The merged speaker's name (and aliases) stay findable as aliases of the survivor. Two different Wikidata
    IDs mean two different entities, so that merge is refused.
    """
    if survivor_id == merged_id:
        raise ValidationError(
            "a speaker cannot be merged into itself; give two different ids", field="mergedId"
        )
    survivor = get_speaker(session, survivor_id)
    merged = get_speaker(session, merged_id)
    before = audit.snapshot(survivor)
    merged_before = audit.snapshot(merged)
    moved_quotes = list(
        session.scalars(select(Quote.id).where(Quote.speaker_id == merged.id).order_by(Quote.id))
    )
    moved_turns = session.scalar(select(func.count()).select_from(Turn).where(Turn.speaker_id == merged.id))
    if survivor.wikidata_id and merged.wikidata_id and survivor.wikidata_id != merged.wikidata_id:
        raise Conflict(
            f"{survivor.name!r} is {survivor.wikidata_id} and {merged.name!r} is {merged.wikidata_id} on "
            "Wikidata: they are different entities; correct a Wikidata ID first if one is wrong"
        )

    # Names: the merged speaker's own name and every alias it had.
    add_alias(session, survivor, merged.name, kind=AliasKind.MERGED)
    for alias in list(merged.aliases):
        add_alias(session, survivor, alias.name, kind=alias.kind, language=alias.language)
    # Roles, unless the survivor already records the same one.
    held = {(r.title_key, r.organization, r.started, r.ended): r for r in survivor.roles}
    for role in list(merged.roles):
        same = held.get((role.title_key, role.organization, role.started, role.ended))
        if same is not None:
            same.note = same.note or role.note
        else:
            survivor.roles.append(
                SpeakerRole(
                    title=role.title,
                    title_key=role.title_key,
                    organization=role.organization,
                    started=role.started,
                    ended=role.ended,
                    note=role.note,
                )
            )
    # Participations: a part the survivor already had in the same interview is not duplicated.
    parts = {(p.interview_id, p.role): p for p in survivor.participations}
    for part in list(merged.participations):
        kept = parts.get((part.interview_id, part.role))
        if kept is not None:
            kept.title_as_written = kept.title_as_written or part.title_as_written
            session.delete(part)
        else:
            part.speaker = survivor
    session.flush()
    session.execute(
        update(Quote)
        .where(Quote.speaker_id == merged.id)
        .values(speaker_id=survivor.id, version=Quote.version + 1)
    )
    session.execute(update(Turn).where(Turn.speaker_id == merged.id).values(speaker_id=survivor.id))
    session.expire(merged, ["quotes", "participations"])
    if not survivor.description and merged.description:
        survivor.description = merged.description
    wikidata = merged.wikidata_id
    session.delete(merged)
    session.flush()
    if wikidata and not survivor.wikidata_id:
        survivor.wikidata_id = wikidata
    session.flush()
    session.expire(survivor, ["quotes", "participations"])
    v.touch(survivor)
    audit.record(
        session,
        "mergeSpeakers",
        survivor,
        before=before,
        detail={
            "merged": {"id": audit.encode_id("Speaker", merged_id), "before": merged_before},
            "movedQuotes": [audit.encode_id("Quote", key) for key in moved_quotes],
            "movedTurns": moved_turns,
        },
    )
    return survivor


# The fields an update may change (the API's update input, in snake case): one list for both layers.
SPEAKER_FIELDS = ("name", "kind", "wikidata_id", "description", "aliases", "roles")


def update_speaker(session: Session, speaker_id: int, *, version: int, changes: Mapping[str, Any]) -> Speaker:
    """Change the given fields (absent keys stay as they are; `aliases` and `roles` replace the whole list)."""
    v.unknown_fields(changes, SPEAKER_FIELDS, "a speaker")
    speaker = get_speaker(session, speaker_id)
    v.expect_version(speaker, version, f"speaker {speaker.name!r}")
    before = audit.snapshot(speaker)
    # Lists first: their flush must not write the speaker's row, which moves its version once, at the end.
    if "aliases" in changes:
        speaker.aliases.clear()
        session.flush()  # the old names go before the new ones arrive (one name, one row)
        for alias in changes["aliases"]:
            add_alias(session, speaker, alias.name, kind=alias.kind, language=alias.language)
    if "roles" in changes:
        speaker.roles.clear()
        for role in changes["roles"]:
            add_role(session, speaker, role)
    with session.no_autoflush:  # a lookup must not flush half the change: the version moves once
        if "name" in changes:
            name = v.required_text(changes["name"], "name")
            key = name_key(name)
            if not key:
                raise ValidationError(
                    f"name {name!r} has no letters or digits; give the speaker's name", field="name"
                )
            speaker.name, speaker.name_key, speaker.surname_key = name, key, surname_key(name)
        if "kind" in changes:
            speaker.kind = v.enum_value(SpeakerKind, changes["kind"], "kind")
        if "wikidata_id" in changes:
            speaker.wikidata_id = _wikidata_id(session, changes["wikidata_id"], exclude=speaker.id)
        if "description" in changes:
            speaker.description = v.optional_text(changes["description"])
    v.touch(speaker)
    audit.record(session, "updateSpeaker", speaker, before=before)
    return speaker


def delete_speaker(session: Session, speaker_id: int, *, version: int) -> None:
    """Delete a speaker nothing refers to; one with quotes, turns or interviews is refused (merge it instead)."""
    speaker = get_speaker(session, speaker_id)
    v.expect_version(speaker, version, f"speaker {speaker.name!r}")
    uses = {
        "quotes": select(func.count()).select_from(Quote).where(Quote.speaker_id == speaker_id),
        "transcript turns": select(func.count()).select_from(Turn).where(Turn.speaker_id == speaker_id),
        "interview parts": select(func.count())
        .select_from(Participant)
        .where(Participant.speaker_id == speaker_id),
    }
    held = {what: session.scalar(query) or 0 for what, query in uses.items()}
    if any(held.values()):
        listed = ", ".join(f"{count} {what}" for what, count in held.items() if count)
        raise Conflict(
            f"speaker {speaker.name!r} cannot be deleted: {listed} refer to it; "
            "merge it into the right speaker with mergeSpeakers instead",
            field="id",
        )
    before = audit.snapshot(speaker)
    session.delete(speaker)
    session.flush()
    audit.record(session, "deleteSpeaker", speaker, before=before, deleted=True)

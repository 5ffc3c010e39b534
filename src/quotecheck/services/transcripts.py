"""Transcripts in: parse `NAME: text` files or their JSON form, resolve the names to speakers, store once.

Plain text: a turn starts with `NAME: words` on its own line; following lines continue the turn; a blank
line ends a paragraph, not a turn. JSON: `{"title": ..., "turns": [{"speaker": ..., "text": ...}]}`, with
optional "outlet", "date", "url", "language". Parsing reads everything before anything is written, and any
problem is a `ValidationError` naming the line (or turn) and what to do.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from quotecheck.enums import AliasKind, InterviewKind, ParticipantRole
from quotecheck.errors import ValidationError
from quotecheck.models import Interview, Source, Speaker, SpeakerAlias
from quotecheck.services import _validate as v
from quotecheck.services import audit
from quotecheck.services.interviews import ParticipantInput, add_participant, create_interview
from quotecheck.services.outlets import create_outlet, find_outlet
from quotecheck.services.sources import TurnInput, create_transcript, find_source, transcript_text
from quotecheck.services.speakers import add_alias, create_speaker, find_speakers
from quotecheck.text import name_key

__all__ = ["ImportReport", "ParsedTranscript", "import_transcript", "parse_transcript", "read_transcript"]

# A speaker label: up to 80 characters starting with a letter, no sentence punctuation, then ": ".
_LABEL = re.compile(r"^(?P<label>[^\W\d_][^:?!\n]{0,79}?)\s*:(?:\s+(?P<text>\S.*))?$")
_MAX_LABEL_WORDS = 8


@dataclass(slots=True)
class ParsedTurn:
    label: str
    text: str
    line: int  # where the turn starts in the file (1-based), or its index in a JSON list


@dataclass(slots=True)
class ParsedTranscript:
    turns: list[ParsedTurn]
    title: str | None = None
    outlet: str | None = None
    date: str | None = None
    url: str | None = None
    language: str | None = None


def _label(line: str) -> re.Match[str] | None:
    match = _LABEL.match(line)
    if match is None or len(match["label"].split()) > _MAX_LABEL_WORDS:
        return None
    # A name alone on its line ("LAVROV:", words on the next lines) only in capitals: "Three things:" is
    # a sentence that goes on below, not a speaker.
    if match["text"] is None and not match["label"].isupper():
        return None
    return match


def parse_transcript(text: str, *, name: str = "the transcript") -> ParsedTranscript:
    """Parse the plain-text form; JSON (a text starting with "{") is recognised and parsed too."""
    if text.lstrip().startswith("{"):
        return _parse_json(text, name)
    turns: list[ParsedTurn] = []
    paragraph_break = False
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            paragraph_break = bool(turns)
            continue
        if line.startswith(":"):
            raise ValidationError(f"{name}, line {number}: a turn without a name; write it as `NAME: words`")
        match = _label(line)
        if match is not None:
            turns.append(ParsedTurn(match["label"].strip(), (match["text"] or "").strip(), number))
        elif not turns:
            raise ValidationError(
                f"{name}, line {number}: text before the first turn; every turn starts with `NAME: words` "
                f"(found {line[:40]!r})"
            )
        else:
            gap = ("\n\n" if paragraph_break else "\n") if turns[-1].text else ""
            turns[-1].text += gap + line
        paragraph_break = False
    if not turns:
        raise ValidationError(f"{name} holds no turns; each turn starts a line with `NAME: words`")
    for turn in turns:
        if not turn.text:
            raise ValidationError(
                f"{name}, line {turn.line}: {turn.label} has no words; write the turn as `NAME: words`"
            )
    return ParsedTranscript(turns)


def _parse_json(text: str, name: str) -> ParsedTranscript:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValidationError(f"{name}, line {error.lineno}: not valid JSON ({error.msg})") from None
    if not isinstance(data, dict) or not isinstance(data.get("turns"), list):
        raise ValidationError(
            f'{name}: the JSON form is {{"title": ..., "turns": [{{"speaker": ..., "text": ...}}]}}'
        )
    turns = []
    for index, item in enumerate(data["turns"], 1):
        if not isinstance(item, dict):
            raise ValidationError(f"{name}, turn {index}: each turn is an object with speaker and text")
        speaker, words = item.get("speaker"), item.get("text")
        if not isinstance(speaker, str) or not speaker.strip():
            raise ValidationError(f'{name}, turn {index}: a turn without a speaker; give its "speaker"')
        if not isinstance(words, str) or not words.strip():
            raise ValidationError(f'{name}, turn {index} ({speaker}): a turn without text; give its "text"')
        turns.append(ParsedTurn(speaker.strip(), words.strip(), index))
    if not turns:
        raise ValidationError(f"{name} holds no turns")

    def optional(key: str) -> str | None:
        value = data.get(key)
        return value if isinstance(value, str) and value.strip() else None

    return ParsedTranscript(
        turns,
        title=optional("title"),
        outlet=optional("outlet"),
        date=optional("date"),
        url=optional("url"),
        language=optional("language"),
    )


def read_transcript(path: Path) -> ParsedTranscript:
    """Read and parse a transcript file; unreadable files are a `ValidationError` too."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ValidationError(f"{path}: no such file") from None
    except UnicodeDecodeError as error:
        raise ValidationError(f"{path}: not UTF-8 text (byte {error.start}); save it as UTF-8") from None
    except OSError as error:
        raise ValidationError(f"{path}: cannot be read ({error.strerror})") from None
    return parse_transcript(text, name=str(path))


@dataclass(slots=True)
class ImportReport:
    source: Source
    created: bool  # False when the same transcript was already stored
    new_speakers: list[Speaker] = field(default_factory=list)
    resolved: dict[str, str] = field(default_factory=dict)  # label -> speaker name


class _Names:
    """Resolves the labels a transcript prints to speakers, creating the ones nobody answers to."""

    def __init__(self, session: Session, known: list[Speaker]) -> None:
        self.session = session
        self.known = known  # the interview's participants, matched on their surname too
        self.cache: dict[str, Speaker] = {}
        self.new: list[Speaker] = []

    def __call__(self, label: str) -> Speaker:
        key = name_key(label)
        if key in self.cache:
            return self.cache[key]
        # "Susan Glasser, Foreign Policy editor in chief": a name, then the role it is printed with.
        name, _, role = label.partition(",")
        name = name.strip() if role.strip() and name_key(name) else label
        speaker = self._find(label, key)
        if speaker is None and name != label:
            speaker = self._find(name, name_key(name))
        if speaker is None:
            shown = name.title() if name.isupper() else name
            speaker = create_speaker(self.session, name=shown)
            if shown != name:
                add_alias(self.session, speaker, name, kind=AliasKind.SHORT_FORM)
            self.new.append(speaker)
        self.cache[key] = speaker
        return speaker

    def _find(self, label: str, key: str) -> Speaker | None:
        found = find_speakers(self.session, label)
        if len(found) == 1:
            return found[0]
        # A short form ("LAVROV", "Glasser"): the one participant, or else the one recorded speaker, whose
        # name or alias ends with it.
        pools = [self.known, list(self._ending_with(key))]
        for pool in pools:
            matches = {s.id: s for s in pool if any(n == key or n.endswith(" " + key) for n in self._keys(s))}
            if len(matches) == 1:
                speaker = next(iter(matches.values()))
                add_alias(self.session, speaker, label, kind=AliasKind.SHORT_FORM)
                return speaker
        return None

    def _ending_with(self, key: str) -> list[Speaker]:
        pattern = f"% {key}"
        query = select(Speaker).where(
            or_(Speaker.name_key.like(pattern), Speaker.aliases.any(SpeakerAlias.name_key.like(pattern)))
        )
        return list(self.session.scalars(query.order_by(Speaker.id).limit(5)))

    @staticmethod
    def _keys(speaker: Speaker) -> list[str]:
        return [speaker.name_key, *(alias.name_key for alias in speaker.aliases)]


def import_transcript(
    session: Session,
    parsed: ParsedTranscript,
    *,
    title: str | None = None,
    outlet: str | None = None,
    date: str | None = None,
    url: str | None = None,
    language: str | None = None,
    kind: InterviewKind | str = InterviewKind.INTERVIEW,
    interviewees: list[str] | None = None,
    interviewers: list[str] | None = None,
) -> ImportReport:
    """Store a parsed transcript as an interview with its TRANSCRIPT source and turns; importing the same
    transcript again changes nothing."""
    title = v.required_text(title or parsed.title, "title")
    date = date or parsed.date
    url = v.url(url or parsed.url)
    language = v.language(language or parsed.language)
    outlet_name = outlet or parsed.outlet
    # Every option is checked before anything is written.
    v.partial_date(date, "date")
    kind = v.enum_value(InterviewKind, kind, "kind")
    participants: list[tuple[str, ParticipantRole]] = [
        *((n, ParticipantRole.INTERVIEWEE) for n in interviewees or ()),
        *((n, ParticipantRole.INTERVIEWER) for n in interviewers or ()),
    ]
    names = _Names(session, [])
    people = [(names(n), role) for n, role in participants]
    names.known = [speaker for speaker, _ in people]
    turns = [TurnInput(speaker=names(turn.label), text=turn.text, label=turn.label) for turn in parsed.turns]
    existing = find_source(session, url=url, text=transcript_text(turns)[0])
    resolved = {
        turn.label: speaker.name
        for turn, speaker in zip(parsed.turns, (t.speaker for t in turns), strict=True)
    }
    if existing is not None:
        if names.new:  # speakers met for the first time were recorded even so
            _record(session, existing, created=False, turns=len(turns), new=names.new)
        return ImportReport(existing, created=False, new_speakers=names.new, resolved=resolved)
    home = None
    if outlet_name:
        home = find_outlet(session, outlet_name) or create_outlet(session, name=outlet_name)
    interview: Interview = create_interview(
        session, title=title, kind=kind, outlet=home, held_on=date, language=language
    )
    for speaker, role in people:
        add_participant(session, interview, ParticipantInput(speaker=speaker, role=role))
    source = create_transcript(
        session,
        title=title,
        turns=turns,
        interview=interview,
        outlet=home,
        url=url,
        published_on=date,
        language=language,
    )
    _record(session, source, created=True, turns=len(turns), new=names.new)
    return ImportReport(source, created=True, new_speakers=names.new, resolved=resolved)


def _record(session: Session, source: Source, *, created: bool, turns: int, new: list[Speaker]) -> None:
    session.flush()
    detail = {
        "created": created,
        "turns": turns,
        "interview": audit.ref("Interview", source.interview_id),
        "newSpeakers": [audit.ref("Speaker", speaker.id) for speaker in new],
    }
    audit.record(session, "importTranscript", source if created else None, detail=detail)

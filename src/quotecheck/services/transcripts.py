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

from sqlalchemy import select
from sqlalchemy.orm import Session

from quotecheck.enums import AliasKind, InterviewKind, ParticipantRole
from quotecheck.errors import ValidationError
from quotecheck.models import Interview, PossibleDuplicate, Source, Speaker, Turn
from quotecheck.names import is_generic_label, read_name
from quotecheck.services import _validate as v
from quotecheck.services import audit
from quotecheck.services.interviews import ParticipantInput, add_participant, create_interview
from quotecheck.services.outlets import create_outlet, find_outlet
from quotecheck.services.sources import TurnInput, create_transcript, find_source, transcript_text
from quotecheck.services.speakers import (
    add_alias,
    create_speaker,
    record_possible_duplicate,
    resolve_name,
    unambiguous,
)
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
    """Parse the plain-text form; JSON (a text starting with "{") and the tab-separated form (`number<TAB>
    label<TAB>sentence` a line) are recognised and parsed too."""
    if text.lstrip().startswith("{"):
        return _parse_json(text, name)
    if _TSV_LINE.match(text.lstrip("\ufeff\n")):
        return _parse_tsv(text, name)
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


_TSV_LINE = re.compile(r"^\d+\t[^\t\n]*\t")


def _parse_tsv(text: str, name: str) -> ParsedTranscript:
    """One sentence a line, as CLEF CheckThat! publishes transcripts; consecutive lines of one label are one
    turn, and the label is kept exactly as written (a stray space too)."""
    turns: list[ParsedTurn] = []
    for number, raw in enumerate(text.lstrip("\ufeff").splitlines(), 1):
        if not raw.strip():
            continue
        fields = raw.split("\t")
        if len(fields) < 3 or not fields[0].strip().isdigit():
            raise ValidationError(
                f"{name}, line {number}: not `number<TAB>speaker<TAB>text`; every line of the tab-separated "
                "form has these three fields"
            )
        label, words = fields[1], "\t".join(fields[2:]).strip()
        if not label.strip():
            raise ValidationError(f"{name}, line {number}: a line without a speaker; give its label")
        if not words:
            continue
        if turns and turns[-1].label == label:
            turns[-1].text += " " + words
        else:
            turns.append(ParsedTurn(label, words, number))
    if not turns:
        raise ValidationError(f"{name} holds no lines of `number<TAB>speaker<TAB>text`")
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
    anonymous: list[Speaker] = field(default_factory=list)  # generic labels: participants of this one only
    possible_duplicates: list[PossibleDuplicate] = field(default_factory=list)


class _Names:
    """Resolves the labels a transcript prints to speakers: a person when `resolve_name` is sure, else a new
    speaker (with a possible duplicate when the label may be someone recorded); a generic label ("Question",
    "Speaker 1") is an anonymous participant of this transcript only."""

    def __init__(self, session: Session, title: str) -> None:
        self.session = session
        self.title = title
        self.stage: dict[
            int, Speaker
        ] = {}  # speakers of this transcript so far: a surname alone fits them first
        self.cache: dict[str, Speaker] = {}
        self.new: list[Speaker] = []
        self.anonymous: list[Speaker] = []
        self.duplicates: list[PossibleDuplicate] = []
        self.existing: Source | None = None  # the same transcript, already stored

    def __call__(self, label: str) -> Speaker:
        written = " ".join(label.split())
        if written in self.cache:
            return self.cache[written]
        if is_generic_label(written):
            speaker = self._anonymous(written)
        else:
            speaker = self._person(written)
            self.stage[speaker.id] = speaker
        self.cache[written] = speaker
        return speaker

    def _anonymous(self, written: str) -> Speaker:
        if self.existing is not None:  # the stored transcript's own participant under this label
            held = self.session.scalar(
                select(Speaker)
                .join(Turn, Turn.speaker_id == Speaker.id)
                .where(Turn.source_id == self.existing.id, Speaker.anonymous.is_(True), Turn.label == written)
                .limit(1)
            )
            if held is not None:
                return held
        speaker = create_speaker(
            self.session,
            name=written,
            description=f"an unidentified participant of the transcript {self.title!r}, labelled {written!r}",
            anonymous=True,
        )
        self.anonymous.append(speaker)
        return speaker

    def _person(self, written: str) -> Speaker:
        reading = read_name(written)
        candidates = resolve_name(self.session, written, among=self.stage)
        sure = unambiguous(candidates)
        # A surname alone may be a recorded person; a full name that only shares a recorded surname (the
        # record has no given name to compare) may be someone else: a new speaker, and a possible duplicate.
        if sure is not None and (sure.score >= 0.85 or sure.speaker.id in self.stage or not reading.given):
            if name_key(written) not in {sure.speaker.name_key, *(a.name_key for a in sure.speaker.aliases)}:
                add_alias(self.session, sure.speaker, written, kind=AliasKind.SHORT_FORM)
            return sure.speaker
        base = reading.name if reading.name and (reading.given or not reading.titles) else written
        shown = base.title() if base.isupper() else base
        speaker = create_speaker(self.session, name=shown)
        if name_key(shown) != name_key(written):
            add_alias(self.session, speaker, written, kind=AliasKind.SHORT_FORM)
        self.new.append(speaker)
        for candidate in candidates[:5]:
            row = record_possible_duplicate(
                self.session,
                speaker,
                candidate.speaker,
                score=candidate.score,
                reason=candidate.reason,
                label=written,
            )
            if row is not None:
                self.duplicates.append(row)
        return speaker


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
    names = _Names(session, title)
    # Is it stored already? The text is laid out from the labels alone, before anyone is resolved.
    layout = [TurnInput(speaker=None, text=turn.text, label=turn.label) for turn in parsed.turns]  # type: ignore[arg-type]
    existing = find_source(session, url=url, text=transcript_text(layout)[0])
    names.existing = existing
    people = [(names(n), role) for n, role in participants]
    turns = [TurnInput(speaker=names(turn.label), text=turn.text, label=turn.label) for turn in parsed.turns]
    resolved = {
        turn.label: speaker.name
        for turn, speaker in zip(parsed.turns, (t.speaker for t in turns), strict=True)
    }

    def report(source: Source) -> ImportReport:
        return ImportReport(
            source,
            created=source is not existing,
            new_speakers=names.new,
            resolved=resolved,
            anonymous=names.anonymous,
            possible_duplicates=names.duplicates,
        )

    if existing is not None:
        if names.new:  # speakers met for the first time were recorded even so
            _record(session, existing, created=False, turns=len(turns), new=names.new)
        return report(existing)
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
    for row in names.duplicates:
        row.source_id = source.id
    _record(session, source, created=True, turns=len(turns), new=names.new)
    return report(source)


def _record(session: Session, source: Source, *, created: bool, turns: int, new: list[Speaker]) -> None:
    session.flush()
    detail = {
        "created": created,
        "turns": turns,
        "interview": audit.ref("Interview", source.interview_id),
        "newSpeakers": [audit.ref("Speaker", speaker.id) for speaker in new],
    }
    audit.record(session, "importTranscript", source if created else None, detail=detail)

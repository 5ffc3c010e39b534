"""Transcripts in (`quotecheck.services.transcripts` and `quotecheck import transcript`): parsing, names,
storage, and every bad input with its line number and nothing written."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from quotecheck.enums import AliasKind, InterviewKind, ParticipantRole, SourceKind
from quotecheck.errors import ValidationError
from quotecheck.models import Interview
from quotecheck.services.checks import CheckRequest, check_quote, result_document
from quotecheck.services.index import index_size
from quotecheck.services.speakers import create_speaker, find_speakers
from quotecheck.services.transcripts import ImportReport, import_transcript, parse_transcript, read_transcript
from quotecheck.settings import database_urls
from tests.conftest import seeding
from tests.counts import table_counts

INTERVIEW = """\
Susan Glasser, Foreign Policy editor in chief: Minister, thank you for
joining us. Is NATO still looking for a reason to exist?
LAVROV: NATO has lost its raison d'être after the disappearance of the Soviet Union.
NATO is clearly in search of a reason to exist.

And it is now proclaiming its right to act militarily anywhere on Earth.
GLASSER: So the missile defense question is really about trust?
Sergei Lavrov: Missile defense is certainly considered by Russia as creating problems for our security.
"""


# --- parsing -----------------------------------------------------------------------------------------------------
def test_turns_with_continuation_lines_and_paragraphs() -> None:
    parsed = parse_transcript(INTERVIEW)
    assert [(turn.label, turn.line) for turn in parsed.turns] == [
        ("Susan Glasser, Foreign Policy editor in chief", 1),
        ("LAVROV", 3),
        ("GLASSER", 7),
        ("Sergei Lavrov", 8),
    ]
    assert (
        parsed.turns[0].text
        == "Minister, thank you for\njoining us. Is NATO still looking for a reason to exist?"
    )
    assert parsed.turns[1].text == (
        "NATO has lost its raison d'être after the disappearance of the Soviet Union.\n"
        "NATO is clearly in search of a reason to exist.\n\n"
        "And it is now proclaiming its right to act militarily anywhere on Earth."
    )
    assert parsed.title is None


def test_spacing_around_turns_and_paragraphs() -> None:
    parsed = parse_transcript("\n\n  HOST:   Welcome back.  \n\n\n\n   It is Monday.\r\nGUEST: Thanks.\n\n")
    assert [(turn.label, turn.text, turn.line) for turn in parsed.turns] == [
        ("HOST", "Welcome back.\n\nIt is Monday.", 3),
        ("GUEST", "Thanks.", 8),
    ]


def test_a_sentence_with_a_colon_and_a_question_is_not_a_label() -> None:
    parsed = parse_transcript("HOST: Tell me.\nWhy now? Because: it was time.\nhttp://example.org: a link\n")
    assert len(parsed.turns) == 1
    assert parsed.turns[0].text == "Tell me.\nWhy now? Because: it was time.\nhttp://example.org: a link"


def test_a_name_alone_on_its_line_in_capitals_starts_a_turn() -> None:
    parsed = parse_transcript(
        "GLASSER: What about NATO?\nLAVROV:\n\nLet me say two things:\nit is looking for a reason to exist.\n"
    )
    assert [(turn.label, turn.text, turn.line) for turn in parsed.turns] == [
        ("GLASSER", "What about NATO?", 1),
        ("LAVROV", "Let me say two things:\nit is looking for a reason to exist.", 2),
    ]


def test_the_json_form() -> None:
    data = {
        "title": "Harbour Radio, morning show",
        "outlet": "Harbour Radio",
        "date": "2024-05",
        "url": "https://harbour.example/show",
        "language": "en",
        "turns": [
            {"speaker": " HOST ", "text": " Will the harbour close? "},
            {"speaker": "QUILL", "text": "No."},
        ],
    }
    parsed = parse_transcript("  " + json.dumps(data))
    assert [(turn.label, turn.text, turn.line) for turn in parsed.turns] == [
        ("HOST", "Will the harbour close?", 1),
        ("QUILL", "No.", 2),
    ]
    assert (parsed.title, parsed.outlet, parsed.date, parsed.url, parsed.language) == (
        "Harbour Radio, morning show",
        "Harbour Radio",
        "2024-05",
        "https://harbour.example/show",
        "en",
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the transcript holds no turns; each turn starts a line with `NAME: words`"),
        ("\n  \n\n", "the transcript holds no turns; each turn starts a line with `NAME: words`"),
        (
            "HOST: Welcome.\n\n: words without a name\n",
            "the transcript, line 3: a turn without a name; write it as `NAME: words`",
        ),
        (
            "HOST: Welcome.\nGUEST:\nHOST: Anyone?\n",
            "the transcript, line 2: GUEST has no words; write the turn as `NAME: words`",
        ),
        ("HOST:", "the transcript, line 1: HOST has no words; write the turn as `NAME: words`"),
        (
            "Recorded on Monday.\nHOST: Welcome.\n",
            "the transcript, line 1: text before the first turn; every turn starts with `NAME: words` "
            "(found 'Recorded on Monday.')",
        ),
        (
            '{"title": "T",\n "turns": [\n {"speaker": "A" "text": "x"}\n ]\n}',
            "the transcript, line 3: not valid JSON (Expecting ',' delimiter)",
        ),
        (
            '{"turns": [{"speaker": "A", "text": "x"}, {"text": "y"}]}',
            'the transcript, turn 2: a turn without a speaker; give its "speaker"',
        ),
        (
            '{"turns": [{"speaker": "A", "text": "  "}]}',
            'the transcript, turn 1 (A): a turn without text; give its "text"',
        ),
        ('{"turns": []}', "the transcript holds no turns"),
        ('{"turns": ["A: x"]}', "the transcript, turn 1: each turn is an object with speaker and text"),
        (
            '{"title": "T"}',
            'the transcript: the JSON form is {"title": ..., "turns": [{"speaker": ..., "text": ...}]}',
        ),
    ],
)
def test_bad_input(text: str, message: str) -> None:
    with pytest.raises(ValidationError) as raised:
        parse_transcript(text)
    assert raised.value.message == message


def test_unreadable_files(tmp_path: Path) -> None:
    missing = tmp_path / "missing.txt"
    with pytest.raises(ValidationError) as raised:
        read_transcript(missing)
    assert raised.value.message == f"{missing}: no such file"
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("HOST: Café au lait.\n".encode("latin-1"))
    with pytest.raises(ValidationError) as raised:
        read_transcript(latin1)
    assert raised.value.message == f"{latin1}: not UTF-8 text (byte 9); save it as UTF-8"
    directory = tmp_path / "a-folder"
    directory.mkdir()
    with pytest.raises(ValidationError) as raised:
        read_transcript(directory)
    assert raised.value.message.startswith(f"{directory}: cannot be read (")


def test_a_file_names_itself_in_errors(tmp_path: Path) -> None:
    path = tmp_path / "interview.txt"
    path.write_text("HOST: Welcome.\n: no name\n", encoding="utf-8")
    with pytest.raises(ValidationError) as raised:
        read_transcript(path)
    assert raised.value.message == f"{path}, line 2: a turn without a name; write it as `NAME: words`"
    path.write_text(INTERVIEW, encoding="utf-8")
    assert len(read_transcript(path).turns) == 4


# --- import ------------------------------------------------------------------------------------------------------
def test_import_resolves_names_and_stores_the_text_once(session: Session) -> None:
    lavrov = create_speaker(session, name="Sergey Lavrov", aliases=["Sergei Lavrov"])
    report = import_transcript(
        session,
        parse_transcript(INTERVIEW),
        title="'The Law of Politics' According to Sergei Lavrov",
        outlet="Foreign Policy",
        date="2013-03",
        language="en",
        interviewees=["Sergey Lavrov"],
        interviewers=["Susan Glasser"],
    )
    assert report.created
    [glasser] = report.new_speakers
    assert glasser.name == "Susan Glasser"
    assert report.resolved == {
        "Susan Glasser, Foreign Policy editor in chief": "Susan Glasser",
        "LAVROV": "Sergey Lavrov",
        "GLASSER": "Susan Glasser",
        "Sergei Lavrov": "Sergey Lavrov",
    }
    source = report.source
    assert source.kind is SourceKind.TRANSCRIPT
    assert (source.title, source.language, str(source.published_on)) == (
        "'The Law of Politics' According to Sergei Lavrov",
        "en",
        "2013-03",
    )
    assert source.outlet is not None and source.outlet.name == "Foreign Policy"
    assert source.text is not None
    assert source.text.startswith(
        "Susan Glasser, Foreign Policy editor in chief: Minister, thank you for\njoining us."
    )
    parsed = parse_transcript(INTERVIEW)
    assert [(t.position, t.label, t.speaker_id) for t in source.turns] == [
        (0, "Susan Glasser, Foreign Policy editor in chief", glasser.id),
        (1, "LAVROV", lavrov.id),
        (2, "GLASSER", glasser.id),
        (3, "Sergei Lavrov", lavrov.id),
    ]
    assert [source.text[t.char_start : t.char_end] for t in source.turns] == [t.text for t in parsed.turns]
    assert (
        source.text[source.turns[1].char_start - len("LAVROV: ") : source.turns[1].char_start] == "LAVROV: "
    )
    interview = session.scalars(select(Interview).where(Interview.id == source.interview_id)).one()
    assert interview.kind is InterviewKind.INTERVIEW
    assert sorted((p.speaker.name, p.role) for p in interview.participants) == [
        ("Sergey Lavrov", ParticipantRole.INTERVIEWEE),
        ("Susan Glasser", ParticipantRole.INTERVIEWER),
    ]
    # the surname in capitals is now an alias of the interviewee
    assert ("LAVROV", AliasKind.SHORT_FORM) in [(a.name, a.kind) for a in lavrov.aliases]
    assert [s.id for s in find_speakers(session, "Lavrov")] == [lavrov.id]


def test_a_surname_in_capitals_resolves_to_a_new_interviewee(session: Session) -> None:
    report = import_transcript(
        session,
        parse_transcript("HOST: Will the harbour close?\nQUILL: No, it will stay open.\nHOST: Thank you."),
        title="Harbour Radio",
        interviewees=["Marta Quill"],
    )
    assert [s.name for s in report.new_speakers] == ["Marta Quill", "Host"]
    assert report.resolved == {"HOST": "Host", "QUILL": "Marta Quill"}
    assert [t.speaker.name for t in report.source.turns] == ["Host", "Marta Quill", "Host"]
    host = report.new_speakers[1]
    assert [(a.name, a.kind) for a in host.aliases] == []  # "HOST" folds to the same key as "Host"


def test_a_surname_matches_a_recorded_speaker_only_when_one_does(session: Session) -> None:
    create_speaker(session, name="Anna Varga")
    create_speaker(session, name="Peter Varga")
    create_speaker(session, name="Oskar Lind")
    report = import_transcript(
        session,
        parse_transcript("LIND: One.\nVARGA: Two.\n"),
        title="Two Vargas",
    )
    assert report.resolved == {"LIND": "Oskar Lind", "VARGA": "Varga"}
    assert [s.name for s in report.new_speakers] == ["Varga"]


def test_a_label_equal_to_an_alias(session: Session) -> None:
    speaker = create_speaker(session, name="Marta Quill", aliases=["Mayor Quill"])
    report = import_transcript(session, parse_transcript("mayor quill: Hello."), title="Greeting")
    assert report.new_speakers == []
    assert report.source.turns[0].speaker_id == speaker.id
    assert report.source.turns[0].label == "mayor quill"


def _harbour(session: Session) -> ImportReport:
    return import_transcript(
        session,
        parse_transcript(INTERVIEW),
        title="Harbour Radio",
        interviewees=["Marta Quill"],
        interviewers=["Tom Reed"],
    )


def test_reimport_changes_nothing(session: Session) -> None:
    first = _harbour(session)
    assert first.created
    session.flush()
    before = table_counts(session.connection())
    again = _harbour(session)
    session.flush()
    assert not again.created
    assert again.source.id == first.source.id
    assert again.new_speakers == []
    assert again.resolved == first.resolved
    assert table_counts(session.connection()) == before


def test_the_same_text_at_another_url_is_another_source(session: Session) -> None:
    first = import_transcript(session, parse_transcript("HOST: Hello."), title="Hello")
    second = import_transcript(
        session, parse_transcript("HOST: Hello."), title="Hello", url="https://example.org/"
    )
    assert second.created
    assert second.source.id != first.source.id


def test_import_indexes_the_transcript(session: Session) -> None:
    before = index_size(session)
    report = import_transcript(session, parse_transcript(INTERVIEW), title="Indexed")
    assert index_size(session) > before
    result = check_quote(
        session, CheckRequest(text="NATO is clearly in search of a reason to exist", speaker_name="LAVROV")
    )
    assert result.outcome.verdict.value == "VERBATIM"
    assert result.outcome.matches[0].document.source_id == report.source.id


def test_the_json_form_carries_its_own_details(session: Session) -> None:
    text = json.dumps(
        {
            "title": "Harbour Radio, morning show",
            "date": "2024-05-02",
            "url": "https://harbour.example/show",
            "language": "en",
            "turns": [
                {"speaker": "HOST", "text": "Will the harbour close?"},
                {"speaker": "QUILL", "text": "No."},
            ],
        }
    )
    report = import_transcript(session, parse_transcript(text), interviewees=["Marta Quill"])
    source = report.source
    assert (source.title, source.url, source.language, str(source.published_on)) == (
        "Harbour Radio, morning show",
        "https://harbour.example/show",
        "en",
        "2024-05-02",
    )
    assert source.text == "HOST: Will the harbour close?\n\nQUILL: No."
    assert report.resolved == {"HOST": "Host", "QUILL": "Marta Quill"}
    # options given to the command win over the file's
    other = import_transcript(session, parse_transcript(text), title="Retitled", url="https://other.example/")
    assert other.source.title == "Retitled"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({}, "title is empty; give it a value"),
        ({"title": "T", "date": "2013-14"}, "date: "),
        (
            {"title": "T", "url": "ftp://x.org/t"},
            "url 'ftp://x.org/t' is not an http(s) URL; give a full address",
        ),
        ({"title": "T", "language": "English!"}, "language 'English!' is not a language tag"),
        ({"title": "T", "kind": "CHAT"}, "kind 'CHAT' is not one of INTERVIEW, "),
    ],
)
def test_bad_options_write_nothing(session: Session, options: dict[str, str], message: str) -> None:
    session.flush()
    before = table_counts(session.connection())
    with pytest.raises(ValidationError) as raised:
        import_transcript(
            session,
            parse_transcript("NEWCOMER: Hello there."),
            title=options.get("title"),
            date=options.get("date"),
            url=options.get("url"),
            language=options.get("language"),
            kind=options.get("kind", "INTERVIEW"),
            interviewees=["Somebody New"],
            interviewers=["Another Newcomer"],
        )
    assert raised.value.message.startswith(message)
    session.flush()
    assert table_counts(session.connection()) == before


# --- the command -------------------------------------------------------------------------------------------------
def run(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUOTECHECK_")}
    env["QUOTECHECK_DATABASE_URL"] = url
    return subprocess.run(
        [sys.executable, "-m", "quotecheck", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_import_command(scratch_engine: Engine, scratch_url: str, tmp_path: Path) -> None:
    path = tmp_path / "lavrov.txt"
    path.write_text(INTERVIEW, encoding="utf-8")
    command = (
        "import",
        "transcript",
        str(path),
        "--title",
        "FP interview",
        "--interview-of",
        "Sergey Lavrov",
    )
    first = run(scratch_url, *command, "--interviewer", "Susan Glasser")
    assert first.returncode == 0, first.stderr
    assert first.stdout == (
        f"{path}: imported as source 1, 4 turns\n"
        "  GLASSER -> Susan Glasser\n"
        "  LAVROV -> Sergey Lavrov\n"
        "  Sergei Lavrov -> Sergey Lavrov\n"  # issue 14: another spelling of the interviewee's given name
        "  Susan Glasser, Foreign Policy editor in chief -> Susan Glasser\n"
        "  new speakers: Sergey Lavrov, Susan Glasser\n"
    )
    with scratch_engine.connect() as connection:
        after_first = table_counts(connection)
    again = run(scratch_url, *command, "--interviewer", "Susan Glasser")
    assert again.returncode == 0, again.stderr
    assert again.stdout == f"{path}: already imported as source 1; nothing changed\n"
    bad = tmp_path / "bad.txt"
    bad.write_text("HOST: Welcome.\nStill the host.\n\n: no name here\n", encoding="utf-8")
    refused = run(scratch_url, "import", "transcript", str(bad), "--title", "Bad")
    assert refused.returncode == 2
    assert refused.stdout == ""
    assert refused.stderr == f"error: {bad}, line 4: a turn without a name; write it as `NAME: words`\n"
    with scratch_engine.connect() as connection:
        assert table_counts(connection) == after_first


def test_check_and_index_commands(scratch_engine: Engine, scratch_url: str) -> None:
    with seeding(scratch_engine) as session:
        create_speaker(session, name="Sergey Lavrov", aliases=["Sergei Lavrov"])
        import_transcript(
            session,
            parse_transcript(INTERVIEW),
            title="FP interview",
            interviewees=["Sergey Lavrov"],
            interviewers=["Susan Glasser"],
        )
    claim = "NATO has lost its raison d’être … it is now proclaiming its right to act militarily"
    shown = run(scratch_url, "check", claim, "--speaker", "Sergei Lavrov", "--json")
    assert shown.returncode == 0, shown.stderr
    printed = json.loads(shown.stdout)
    with Session(scratch_engine) as session:
        expected = result_document(
            check_quote(session, CheckRequest(text=claim, speaker_name="Sergei Lavrov"))
        )
        terms = index_size(session)
    assert printed == expected
    assert printed["verdict"] == "VERBATIM_WITH_ELISIONS"
    assert printed["speaker"] == "Sergey Lavrov"
    [match] = printed["matches"]
    assert match["passage"].startswith("NATO has lost its raison d'être after the disappearance")
    assert [d["kind"] for d in match["differences"]] == ["ELISION"]
    rebuilt = run(scratch_url, "index", "rebuild")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert rebuilt.stdout == f"indexed 1 sources ({terms} terms) in {database_urls(scratch_url).display()}\n"
    with Session(scratch_engine) as session:
        assert index_size(session) == terms

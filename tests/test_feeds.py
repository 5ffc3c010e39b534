"""Quote feeds in (`quotecheck.services.feeds` and `quotecheck import quotes`): what a line becomes, idempotence,
batches that survive an interruption, every malformed line with its number, speakers by qids, sources and
outlets; and the command as run in a shell, in a pipe and on a terminal. Every test commits, on a scratch
database of the engine under test."""

from __future__ import annotations

import bz2
import gc
import gzip
import json
import lzma
import os
import select as select_fd
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, delete, event, func, select
from sqlalchemy.exc import IntegrityError

from quotecheck.db import session_scope
from quotecheck.enums import AppearanceRelation, OutletKind, SourceKind
from quotecheck.models import Appearance, Outlet, Quote, Source, Speaker, SpeakerAlias
from quotecheck.partial_date import PartialDate
from quotecheck.services.appearances import appearance_hash
from quotecheck.services.feeds import FeedFile, FeedSummary, import_feed
from quotecheck.services.index import evidence_conditions, index_size
from quotecheck.services.outlets import create_outlet
from quotecheck.services.quotes import quote_hash
from quotecheck.services.sources import create_source
from quotecheck.services.speakers import create_speaker
from tests.conftest import seeding
from tests.counts import table_counts

Json = dict[str, Any]

LAVROV = "Q150851"
LINES: list[Json] = [
    {
        "quotation": "NATO is clearly in search of a reason to exist.",
        "speaker": "Sergey Lavrov",
        "qids": [LAVROV],
        "date": "2013-04-29 10:15:00",
        "urls": ["https://foreignpolicy.com/2013/04/29/lavrov", "https://www.news.example/brief"],
        "outlet": "Foreign Policy",
        "language": "en",
    },
    {
        "quotation": "Missile defense is certainly considered by Russia as creating problems.",
        "speaker": "Sergey Lavrov",
        "qids": [LAVROV],
        "date": "2013-03",
        "source": "https://foreignpolicy.com/2013/04/29/lavrov",
    },
    {"quotation": "We will see.", "speaker": "Susan Glasser", "date": "2013", "language": "EN"},
]


def feed(*records: Json | str) -> list[str]:
    return [record if isinstance(record, str) else json.dumps(record) for record in records]


def count(engine: Engine, model: Any) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(model)).scalar_one())


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return table_counts(connection)


# --- what a line becomes -----------------------------------------------------------------------------------------
def test_each_line_becomes_a_quote_with_one_verbatim_appearance_per_url(scratch_engine: Engine) -> None:
    summary = import_feed(scratch_engine, feed(*LINES))
    assert (summary.read, summary.quotes, summary.appearances, summary.already, summary.rejected) == (
        3,
        3,
        3,
        0,
        [],
    )
    assert (summary.speakers, summary.sources, summary.outlets) == (2, 2, 1)

    with session_scope(scratch_engine) as db:
        lavrov, glasser = db.scalars(select(Speaker).order_by(Speaker.id)).all()
        assert (lavrov.name, lavrov.wikidata_id, glasser.name, glasser.wikidata_id) == (
            "Sergey Lavrov",
            LAVROV,
            "Susan Glasser",
            None,
        )
        quotes = db.scalars(select(Quote).order_by(Quote.id)).all()
        assert [(q.speaker_id, q.text, q.said_on, q.language) for q in quotes] == [
            (lavrov.id, LINES[0]["quotation"], PartialDate(2013, 4, 29), "en"),
            (lavrov.id, LINES[1]["quotation"], PartialDate(2013, 3), None),
            (glasser.id, "We will see.", PartialDate(2013), "en"),
        ]
        assert [q.content_hash for q in quotes] == [quote_hash(q.speaker_id, q.text) for q in quotes]

        fp, brief = db.scalars(select(Source).order_by(Source.id)).all()
        assert (fp.kind, fp.title, fp.url, fp.text, fp.outlet.name if fp.outlet else None) == (
            SourceKind.ARTICLE,
            "https://foreignpolicy.com/2013/04/29/lavrov",
            "https://foreignpolicy.com/2013/04/29/lavrov",
            None,
            "Foreign Policy",
        )
        assert brief.outlet_id == fp.outlet_id  # the line's outlet publishes each new source it cites

        appearances = db.scalars(select(Appearance).order_by(Appearance.id)).all()
        assert [(a.quote_id, a.source_id) for a in appearances] == [
            (quotes[0].id, fp.id),
            (quotes[0].id, brief.id),
            (quotes[1].id, fp.id),
        ]
        for appearance in appearances:
            assert appearance.relation is AppearanceRelation.VERBATIM
            assert appearance.text == appearance.quote.text
            assert (appearance.char_start, appearance.char_end) == (None, None)
            assert appearance.taken_from_appearance_id is None and appearance.taken_from_source_id is None
            assert appearance.content_hash == appearance_hash(
                appearance.quote_id, appearance.source_id, None, appearance.text
            )
            assert appearance.created_at is not None and appearance.version == 1


def test_importing_the_same_feed_again_adds_nothing(scratch_engine: Engine) -> None:
    lines = feed(*LINES, {"quotation": "", "speaker": "Nobody"})
    first = import_feed(scratch_engine, lines)
    before = counts(scratch_engine)
    again = import_feed(scratch_engine, lines, batch_size=2)
    assert counts(scratch_engine) == before
    assert (again.read, again.quotes, again.appearances, again.speakers, again.sources, again.outlets) == (
        4,
        0,
        0,
        0,
        0,
        0,
    )
    assert again.already == 3
    assert again.rejected == first.rejected == [(4, "quotation is missing or empty; give the quoted words")]


def test_a_repeated_quote_adds_only_its_new_appearances(scratch_engine: Engine) -> None:
    same = dict(LINES[0], urls=["https://www.news.example/brief", "https://other.example/copy"])
    summary = import_feed(scratch_engine, feed(LINES[0], same, LINES[0]))
    assert (summary.quotes, summary.appearances, summary.already) == (1, 3, 1)
    assert count(scratch_engine, Quote) == 1


# --- batches: what Ctrl-C or a crash leaves, and the re-run that completes it ---------------------------------------
def numbered(n: int) -> list[str]:
    """n distinct quotes by five speakers, each in two sources shared by neighbouring lines."""
    return feed(
        *(
            {
                "quotation": f"Statement number {i}, on the record.",
                "speaker": f"Speaker {i % 5}",
                "urls": [f"https://example.org/a/{i // 3}", f"https://example.org/b/{i // 4}"],
            }
            for i in range(n)
        )
    )


def interrupted_after(lines: list[str], n: int) -> Iterator[str]:
    """The feed as a reader that is interrupted (Ctrl-C) after handing over n lines."""
    for number, line in enumerate(lines, 1):
        if number > n:
            raise KeyboardInterrupt
        yield line


def test_an_interrupted_import_keeps_its_committed_batches_and_a_rerun_completes_it(
    scratch_engine: Engine,
) -> None:
    lines = numbered(50)
    seen: list[FeedSummary] = []
    with pytest.raises(KeyboardInterrupt):
        import_feed(scratch_engine, interrupted_after(lines, 25), batch_size=10, on_commit=seen.append)
    assert gc.isenabled()  # paused by the import, and back on

    # Two batches committed (lines 1-20); the one in flight (21-25) left nothing behind.
    committed = seen[-1]
    assert (len(seen), committed.read, committed.quotes) == (2, 20, 20)
    assert count(scratch_engine, Quote) == 20 and count(scratch_engine, Appearance) == 40
    with session_scope(scratch_engine) as db:
        texts = set(db.scalars(select(Quote.text)))
    assert texts == {f"Statement number {i}, on the record." for i in range(20)}

    rerun = import_feed(scratch_engine, lines, batch_size=10)
    assert (rerun.read, rerun.already, rerun.quotes, rerun.appearances) == (50, 20, 30, 60)
    assert (count(scratch_engine, Quote), count(scratch_engine, Appearance)) == (50, 100)
    assert count(scratch_engine, Speaker) == 5
    assert count(scratch_engine, Source) == len({url for line in lines for url in json.loads(line)["urls"]})
    with scratch_engine.connect() as connection:
        for model in (Quote, Appearance):
            distinct = select(func.count(func.distinct(model.content_hash)))
            assert connection.execute(distinct).scalar_one() == count(scratch_engine, model)


def test_a_batch_that_fails_in_the_database_is_rolled_back_whole(scratch_engine: Engine) -> None:
    lines = numbered(15)
    seen: list[FeedSummary] = []

    def sabotaged() -> Iterator[str]:
        yield from lines[:10]
        # The first batch is committed when the 11th line is asked for. Remove a speaker it recorded (and what
        # hangs from it): the importer still knows its id, so the second batch breaks a foreign key.
        with seeding(scratch_engine) as db:
            db.execute(delete(Appearance))
            db.execute(delete(Quote))
            db.execute(delete(Speaker).where(Speaker.name == "Speaker 1"))
        yield from lines[10:]

    with pytest.raises(IntegrityError):
        import_feed(scratch_engine, sabotaged(), batch_size=10, on_commit=seen.append)
    assert [summary.read for summary in seen] == [10]
    assert count(scratch_engine, Quote) == 0  # nothing of the second batch, though most of it was fine
    assert count(scratch_engine, Speaker) == 4
    assert count(scratch_engine, Source) == len(
        {url for line in lines[:10] for url in json.loads(line)["urls"]}
    )


# --- malformed lines ---------------------------------------------------------------------------------------------
def test_malformed_lines_are_reported_with_their_line_numbers_and_skipped(scratch_engine: Engine) -> None:
    good = {"quotation": "Fine words.", "speaker": "Ann Example"}
    lines = [
        "{not json",  # 1
        "[1, 2]",  # 2
        json.dumps({"speaker": "Ann Example"}),  # 3
        json.dumps({"quotation": "   ", "speaker": "Ann Example"}),  # 4
        "",  # 5: blank, skipped without a word
        json.dumps({"quotation": "Said by nobody."}),  # 6
        json.dumps({"quotation": "Said by nobody.", "speaker": "None"}),  # 7: Quotebank's unattributed
        json.dumps(dict(good, date="2013-13-01")),  # 8
        json.dumps(dict(good, date="March 2013")),  # 9
        json.dumps(dict(good, qids=["X5"])),  # 10
        json.dumps(dict(good, urls=["ftp://example.org/a"])),  # 11
        json.dumps(dict(good, urls=42)),  # 12
        json.dumps(dict(good, quotation="nul \u0000 inside")),  # 13
        json.dumps(dict(good, language="english!")),  # 14
        json.dumps(dict(good, speaker="!!!")),  # 15
        json.dumps(dict(good, quotation=5)),  # 16
        json.dumps(good),  # 17: lands
        "   ",  # 18: blank
        json.dumps(dict(good, quotation="lone \ud800 surrogate")),  # 19
        json.dumps(dict(good, outlet="...")),  # 20
        json.dumps(dict(good, quotation="Paired \U0001f600 escapes are fine.")),  # 21: lands
    ]
    summary = import_feed(scratch_engine, lines, batch_size=4)
    reasons = dict(summary.rejected)
    assert sorted(reasons) == [1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 19, 20]
    assert [line for line, _ in summary.rejected] == sorted(reasons)
    expected = {
        1: "not JSON",
        2: "not a JSON object",
        3: "quotation is missing",
        4: "quotation is missing",
        6: "speaker is missing",
        7: "speaker is missing",
        8: "date: month 13",
        9: "date: 'March 2013' is not a date",
        10: "'X5' is not a Wikidata item id",
        11: "is not an http(s) URL",
        12: "urls must be a list of strings",
        13: "NUL",
        14: "not a language tag",
        15: "has no letters or digits",
        16: "quotation must be a string",
        19: "surrogate",
        20: "outlet '...' has no letters or digits",
    }
    for line, words in expected.items():
        assert words in reasons[line], (line, reasons[line])
    assert (summary.read, summary.quotes, summary.already) == (19, 2, 0)
    assert count(scratch_engine, Quote) == 2


def test_a_date_keeps_its_precision_and_drops_a_time_of_day(scratch_engine: Engine) -> None:
    dates = ["2015-08-31 02:10:00", "2015-08-31T02:10:00Z", "2013-3-5", "2013-03", "2013", None]
    lines = feed(
        *({"quotation": f"Words {n}.", "speaker": "Ann Example", "date": d} for n, d in enumerate(dates))
    )
    assert import_feed(scratch_engine, lines).rejected == []
    with session_scope(scratch_engine) as db:
        said = db.scalars(select(Quote.said_on).order_by(Quote.id)).all()
    assert said == [
        PartialDate(2015, 8, 31),
        PartialDate(2015, 8, 31),
        PartialDate(2013, 3, 5),
        PartialDate(2013, 3),
        PartialDate(2013),
        None,
    ]


# --- speakers ----------------------------------------------------------------------------------------------------
def test_the_first_qid_that_names_a_recorded_speaker_wins(scratch_engine: Engine) -> None:
    with seeding(scratch_engine) as db:
        recorded = create_speaker(db, name="Sergey Lavrov", wikidata_id=LAVROV).id
    lines = feed(
        # a candidate list (Quotebank's qids): the unrecorded Q999 is passed over; a new spelling becomes an alias
        {"quotation": "One.", "speaker": "Sergei Lavrov", "qids": ["Q999", LAVROV]},
        # no qid recorded: a new speaker gets the first one, even though the name is taken
        {"quotation": "Two.", "speaker": "Sergey Lavrov", "qids": ["q77", "Q78"]},
        # within the same batch, the new speaker's qid is recognised (Q78 is still nobody's)
        {"quotation": "Three.", "speaker": "S. Lavrov", "qids": ["Q78", "Q77"]},
        {"quotation": "Four.", "speaker": "Sergei Lavrov", "qids": [LAVROV]},  # the alias is not added twice
    )
    summary = import_feed(scratch_engine, lines, batch_size=3)
    assert (summary.speakers, summary.rejected) == (1, [])
    with session_scope(scratch_engine) as db:
        new = db.scalar(select(Speaker).where(Speaker.wikidata_id == "Q77"))
        assert new is not None and new.name == "Sergey Lavrov" and new.id != recorded
        said = dict(db.execute(select(Quote.text, Quote.speaker_id)).all())
        assert said == {"One.": recorded, "Two.": new.id, "Three.": new.id, "Four.": recorded}
        aliases = db.execute(
            select(SpeakerAlias.speaker_id, SpeakerAlias.name).order_by(SpeakerAlias.id)
        ).all()
        assert [tuple(row) for row in aliases] == [(recorded, "Sergei Lavrov"), (new.id, "S. Lavrov")]

    # A second run recognises all of it, the qids now coming from the database.
    assert import_feed(scratch_engine, lines).already == 4
    assert count(scratch_engine, SpeakerAlias) == 2


def test_without_qids_a_name_or_alias_finds_the_one_speaker_it_names(scratch_engine: Engine) -> None:
    with seeding(scratch_engine) as db:
        glasser = create_speaker(db, name="Susan B. Glasser", aliases=["Susan Glasser"]).id
        create_speaker(db, name="John Smith", wikidata_id="Q1")
        create_speaker(db, name="John Smith", wikidata_id="Q2")
    summary = import_feed(
        scratch_engine,
        feed(
            {"quotation": "One.", "speaker": "SUSAN GLASSER"},
            {"quotation": "Two.", "speaker": "John Smith"},
            {"quotation": "Three.", "speaker": "John Smith", "qids": ["Q2"]},
            {"quotation": "Four.", "speaker": "Ann Newcomer"},
            {"quotation": "Five.", "speaker": "ann  newcomer"},
        ),
    )
    assert summary.rejected == [
        (2, "2 speakers are called 'John Smith'; give the Wikidata id of the one meant in qids")
    ]
    with session_scope(scratch_engine) as db:
        said = dict(db.execute(select(Quote.text, Quote.speaker_id)).all())
        second = db.scalar(select(Speaker.id).where(Speaker.wikidata_id == "Q2"))
        newcomer = db.scalar(select(Speaker.id).where(Speaker.name == "Ann Newcomer"))
    assert said == {"One.": glasser, "Three.": second, "Four.": newcomer, "Five.": newcomer}
    assert summary.speakers == 1


# --- sources and outlets -----------------------------------------------------------------------------------------
def test_urls_source_and_outlets(scratch_engine: Engine) -> None:
    with seeding(scratch_engine) as db:
        fp = create_outlet(db, name="Foreign Policy", kind=OutletKind.MAGAZINE, domain="foreignpolicy.com").id
        create_source(db, kind=SourceKind.ARTICLE, title="Known", url="https://known.example/a")
    lines = feed(
        # urls and source together, one URL twice: two appearances; the outlet matched by name, any case
        {
            "quotation": "One.",
            "speaker": "Ann Example",
            "urls": ["https://a.example/1", "https://a.example/1"],
            "source": "https://a.example/2",
            "outlet": "FOREIGN POLICY",
        },
        # no outlet given: the recorded outlet of the URL's domain (a subdomain of it) publishes the new source
        {"quotation": "Two.", "speaker": "Ann Example", "source": "https://edition.foreignpolicy.com/x"},
        # an outlet named by its domain
        {
            "quotation": "Three.",
            "speaker": "Ann Example",
            "source": "https://c.example/3",
            "outlet": "www.ForeignPolicy.com",
        },
        # a new outlet, made for the new source it publishes ...
        {
            "quotation": "Four.",
            "speaker": "Ann Example",
            "source": "https://d.example/4",
            "outlet": "Daily Example",
        },
        # ... but not for a source that is already recorded
        {
            "quotation": "Five.",
            "speaker": "Ann Example",
            "source": "https://known.example/a",
            "outlet": "Never Made",
        },
        # no URL at all: a quote without appearances
        {"quotation": "Six.", "speaker": "Ann Example", "outlet": "Never Made Either"},
        # an unknown domain and no outlet: a source without a publisher
        {"quotation": "Seven.", "speaker": "Ann Example", "urls": ["https://nobody.example/7"]},
    )
    summary = import_feed(scratch_engine, lines)
    assert (summary.quotes, summary.appearances, summary.sources, summary.outlets) == (7, 7, 6, 1)
    with session_scope(scratch_engine) as db:
        daily = db.scalar(select(Outlet.id).where(Outlet.name == "Daily Example"))
        published = dict(db.execute(select(Source.url, Source.outlet_id)).all())
        outlets = set(db.scalars(select(Outlet.name)))
        appearances = db.execute(
            select(Quote.text, Source.url)
            .join(Appearance.quote)
            .join(Appearance.source)
            .order_by(Appearance.id)
        ).all()
    assert published == {
        "https://known.example/a": None,
        "https://a.example/1": fp,
        "https://a.example/2": fp,
        "https://edition.foreignpolicy.com/x": fp,
        "https://c.example/3": fp,
        "https://d.example/4": daily,
        "https://nobody.example/7": None,
    }
    assert outlets == {"Foreign Policy", "Daily Example"}
    assert [tuple(row) for row in appearances] == [
        ("One.", "https://a.example/1"),
        ("One.", "https://a.example/2"),
        ("Two.", "https://edition.foreignpolicy.com/x"),
        ("Three.", "https://c.example/3"),
        ("Four.", "https://d.example/4"),
        ("Five.", "https://known.example/a"),
        ("Seven.", "https://nobody.example/7"),
    ]


def test_a_recorded_article_holding_the_words_gets_the_appearance_at_their_offsets(
    scratch_engine: Engine,
) -> None:
    url = "https://brief.example/lavrov"
    text = 'Lavrov said: "NATO is clearly in search of a reason to exist." And more.'
    with seeding(scratch_engine) as db:
        article = create_source(db, kind=SourceKind.BRIEF, title="Brief", url=url, text=text).id
    lines = feed(
        {
            "quotation": "NATO is clearly in search of a reason to exist.",
            "speaker": "Sergey Lavrov",
            "source": url,
        },
        {"quotation": "Words the article does not hold.", "speaker": "Sergey Lavrov", "source": url},
    )
    summary = import_feed(scratch_engine, lines)
    assert (summary.appearances, summary.sources) == (2, 1)
    with session_scope(scratch_engine) as db:
        held, bare = db.scalars(select(Appearance).order_by(Appearance.id)).all()
        assert (held.source_id, held.char_start, held.char_end) == (article, 14, 61)
        assert text[held.char_start : held.char_end] == held.text
        assert held.content_hash == appearance_hash(held.quote_id, article, 14, held.text)
        assert bare.source_id != article and bare.source.url == url and bare.source.text is None
        assert bare.char_start is None
    assert import_feed(scratch_engine, lines).already == 2


def test_a_batch_is_a_fixed_handful_of_statements_and_never_touches_the_search_index(
    scratch_engine: Engine,
) -> None:
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    def one_batch(lines: list[str]) -> list[str]:
        statements.clear()
        event.listen(scratch_engine, "before_cursor_execute", record)
        try:
            assert import_feed(scratch_engine, lines, batch_size=len(lines)).rejected == []
        finally:
            event.remove(scratch_engine, "before_cursor_execute", record)
        return list(statements)

    def lines(n: int, tag: str) -> list[str]:
        return feed(
            *(
                {
                    "quotation": f"{tag} words {i}.",
                    "speaker": f"{tag} speaker {i}",
                    "qids": [f"Q{i + 1}{len(tag)}{n}"] if i % 2 else [],
                    "urls": [f"https://{tag}.example/{i}", f"https://{tag}.example/{i + 1}"],
                    "outlet": f"{tag} outlet {i % 3}",
                }
                for i in range(n)
            )
        )

    small, large = one_batch(lines(10, "small")), one_batch(lines(300, "large"))
    assert len(small) == len(large), "statements must not grow with the lines of a batch"
    assert len(small) <= 20
    assert not [s for s in small + large if "shingle" in s.lower()]
    with scratch_engine.connect() as connection:
        assert (
            connection.execute(
                select(func.count()).select_from(Appearance).where(*evidence_conditions())
            ).scalar_one()
            == 0
        )
    with session_scope(scratch_engine) as db:
        assert index_size(db) == 0


# --- reading files -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("suffix", "opener"), [(".jsonl", open), (".gz", gzip.open), (".bz2", bz2.open), (".xz", lzma.open)]
)
def test_feed_files_plain_or_compressed(
    tmp_path: Path, scratch_engine: Engine, suffix: str, opener: Any
) -> None:
    path = tmp_path / f"feed{suffix}"
    with opener(path, "wt", encoding="utf-8") as out:
        out.write("\n".join(numbered(30)) + "\n")
    with FeedFile(path) as lines:
        summary = import_feed(scratch_engine, lines, batch_size=7)
        assert lines.position() == lines.size == path.stat().st_size
    assert (summary.read, summary.quotes) == (30, 30)


def test_a_missing_feed_file_says_what_to_give(tmp_path: Path) -> None:
    with pytest.raises(Exception, match="is not a file; give the path of a JSON Lines quote feed"):
        FeedFile(tmp_path / "nope.jsonl")
    with pytest.raises(Exception, match="is not a file"):
        FeedFile(tmp_path)


# --- the command -------------------------------------------------------------------------------------------------
def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "quotecheck", *args]


def environment(url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUOTECHECK_")}
    env.update(QUOTECHECK_DATABASE_URL=url, **extra)
    return env


def test_the_command_in_a_pipe_prints_no_progress_bar_and_ends_with_the_summary(
    tmp_path: Path, scratch_engine: Engine, scratch_url: str
) -> None:
    path = tmp_path / "quotes.jsonl"
    path.write_text(
        "\n".join([*feed(*LINES), "{broken", json.dumps({"quotation": "x"})]) + "\n", encoding="utf-8"
    )

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            command("import", "quotes", *args),
            env=environment(scratch_url),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    first = run(str(path), "--batch-size", "2")
    assert first.returncode == 0, first.stderr
    assert first.stderr == ""  # not a terminal: no progress bar
    assert first.stdout.splitlines()[1:] == [
        "  added: 3 quotes, 3 appearances, 2 speakers, 2 sources, 1 outlets",
        "  already there: 0 lines",
        "  rejected: 2 lines",
        "    line 4: not JSON (Expecting property name enclosed in double quotes at column 2); write one JSON object a line",
        "    line 5: speaker is missing; give who is quoted (unattributed quotes cannot be imported)",
    ]
    assert first.stdout.startswith(f"{path}: read 5 lines into ")
    second = run(str(path))
    assert "  added: 0 quotes, 0 appearances, 0 speakers, 0 sources, 0 outlets" in second.stdout
    assert "  already there: 3 lines" in second.stdout
    assert count(scratch_engine, Quote) == 3

    missing = run(str(tmp_path / "nope.jsonl"))
    assert missing.returncode == 2 and missing.stdout == ""
    assert missing.stderr.startswith("error: ") and "is not a file" in missing.stderr
    rejected = tmp_path / "bad.jsonl"
    rejected.write_text("{broken\n", encoding="utf-8")
    refused = run(str(rejected))
    assert refused.returncode == 2 and "every line was rejected" in refused.stderr


def test_ctrl_c_says_what_was_committed_and_a_rerun_completes_it(
    tmp_path: Path, scratch_engine: Engine, scratch_url: str
) -> None:
    """The feed comes through a pipe, so the command waits for more after its first batch: then Ctrl-C."""
    lines = numbered(25)
    pipe = tmp_path / "feed.pipe"
    os.mkfifo(pipe)
    process = subprocess.Popen(
        command("import", "quotes", str(pipe), "--batch-size", "10"),
        env=environment(scratch_url),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # Ctrl-C as a terminal delivers it, even when the test runner itself ignores SIGINT
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        with pipe.open("w", encoding="utf-8") as writer:
            writer.write("\n".join(lines[:15]) + "\n")
            writer.flush()
            deadline = time.monotonic() + 60
            while count(scratch_engine, Quote) < 10:
                assert process.poll() is None, process.communicate()
                assert time.monotonic() < deadline, "the first batch was not committed in 60 s"
                time.sleep(0.05)
            process.send_signal(signal.SIGINT)
            out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 130, err
    assert "interrupted: 10 lines committed (10 quotes, 20 appearances added)" in err
    assert "run the same command again to complete the rest" in err and "Traceback" not in err
    assert out == ""
    assert count(scratch_engine, Quote) == 10

    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rerun = subprocess.run(
        command("import", "quotes", str(path)),
        env=environment(scratch_url),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert rerun.returncode == 0, rerun.stderr
    assert "  already there: 10 lines" in rerun.stdout and "added: 15 quotes, 30 appearances" in rerun.stdout
    assert (count(scratch_engine, Quote), count(scratch_engine, Appearance)) == (25, 50)


def test_on_a_terminal_the_command_shows_a_progress_bar_with_rate_and_eta(
    tmp_path: Path, scratch_engine: Engine, scratch_url: str
) -> None:
    import pty

    path = tmp_path / "quotes.jsonl"
    path.write_text("\n".join(numbered(40)) + "\n", encoding="utf-8")
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        command("import", "quotes", str(path), "--batch-size", "10"),
        env=environment(scratch_url, TERM="xterm-256color", COLUMNS="120"),
        stdout=subprocess.PIPE,
        stderr=follower,
        stdin=subprocess.DEVNULL,
    )
    os.close(follower)
    shown = bytearray()

    def drain() -> None:  # read the terminal as it is written, so that the child never blocks on it
        while True:
            ready, _, _ = select_fd.select([leader], [], [], 0.1)
            if ready:
                try:
                    chunk = os.read(leader, 4096)
                except OSError:  # the child closed the terminal
                    return
                if not chunk:
                    return
                shown.extend(chunk)
            elif process.poll() is not None:
                return

    reader = threading.Thread(target=drain)
    reader.start()
    out, _ = process.communicate(timeout=120)
    reader.join(timeout=10)
    os.close(leader)
    assert process.returncode == 0, shown.decode(errors="replace")
    screen = shown.decode("utf-8", errors="replace")
    assert "40 lines" in screen and "lines/s" in screen and "100%" in screen
    assert "read 40 lines" in out.decode()  # the summary still goes to standard output

"""Who is speaking (issue 14), on real transcripts: import both CLEF CheckThat! 2022 dev transcripts
(../shared/data/ct2022_dev: labels exactly as the transcribers wrote them) into a fresh SQLite file, list the
speakers with their labels as written, check lines drawn at random under their speaker's name (must be
VERBATIM) and under another speaker of the same stage (must be MISATTRIBUTED, naming the right person), and
measure what resolving a written name adds to a check.

    .venv/bin/python benchmarks/identity_bench.py [--data ../shared/data/ct2022_dev] [--lines 30] [--seed 14]

Prints figures; it is not a test. Research data is read where it is, never copied.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select

from quotecheck import migrate
from quotecheck.db import make_engine, session_scope
from quotecheck.enums import InterviewKind, Verdict
from quotecheck.models import Source, Speaker, Turn
from quotecheck.services.checks import CheckRequest, check_quote
from quotecheck.services.speakers import resolve_name
from quotecheck.services.transcripts import import_transcript, read_transcript
from quotecheck.settings import database_urls

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
DATA = SHARED / "data" / "ct2022_dev"
# The people the transcripts name only by title and surname, by their full names (public facts, not read from
# the data): the check is "the line under the speaker's full name", as a fact-checker would write it.
FULL_NAMES = {"Senator Warren": "Elizabeth Warren", "Senator Booker": "Cory Booker"}
MONTHS = {
    m: n
    for n, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}


def _date(path: Path) -> str | None:
    """ "2019_oct_16_..." -> "2019-10-16"."""
    parts = path.name.split("_")
    try:
        return f"{int(parts[0]):04d}-{MONTHS[parts[1]]:02d}-{int(parts[2]):02d}"
    except (IndexError, KeyError, ValueError):
        return None


def _lines(path: Path) -> list[tuple[str, str]]:
    """(label as written, sentence) of every line."""
    out = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        fields = raw.split("\t")
        if len(fields) >= 3 and fields[2].strip():
            out.append((fields[1], "\t".join(fields[2:]).strip()))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA, help="folder of the .tsv transcripts")
    parser.add_argument("--lines", type=int, default=30, help="lines drawn at random")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--repeat", type=int, default=5, help="timed rounds for the p50 figures")
    args = parser.parse_args()
    files = sorted(args.data.glob("*.tsv"))
    if not files:
        raise SystemExit(f"no .tsv transcripts in {args.data}; give --data")

    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite:///{directory}/identity.db"
        migrate.upgrade(migrate.alembic_config(url), "head")
        engine = make_engine(database_urls(url))
        try:
            run(engine, files, args)
        finally:
            engine.dispose()


def run(engine: object, files: list[Path], args: argparse.Namespace) -> None:
    # --- import ---------------------------------------------------------------------------------------------
    started = time.perf_counter()
    with session_scope(engine, write=True) as session:  # type: ignore[arg-type]
        for path in files:
            parsed = read_transcript(path)
            import_transcript(
                session,
                parsed,
                title=path.stem,
                date=_date(path),
                language="en",
                kind=InterviewKind.DEBATE if "debate" in path.name else InterviewKind.OTHER,
            )
    took = time.perf_counter() - started
    print(f"import: {len(files)} transcripts in {took:.2f} s on SQLite (required: under 10 s)")

    with session_scope(engine) as session:  # type: ignore[arg-type]
        rows = session.execute(
            select(Source.title, Speaker.id, Speaker.name, Speaker.anonymous, Turn.label)
            .join(Turn, Turn.source_id == Source.id)
            .join(Speaker, Speaker.id == Turn.speaker_id)
            .order_by(Speaker.id)
        ).all()
        labels: dict[int, set[str]] = defaultdict(set)
        names: dict[int, str] = {}
        stage: dict[str, set[int]] = defaultdict(set)
        anonymous: dict[int, str] = {}
        for title, speaker_id, name, is_anonymous, label in rows:
            labels[speaker_id].add(label)
            names[speaker_id] = name
            if is_anonymous:
                anonymous[speaker_id] = title
            else:
                stage[title].add(speaker_id)
        print(f"\nspeakers: {len(names) - len(anonymous)} people, {len(anonymous)} anonymous participants")
        for speaker_id, name in names.items():
            written = ", ".join(repr(label) for label in sorted(labels[speaker_id]))
            where = f"  [anonymous, {anonymous[speaker_id][:40]}]" if speaker_id in anonymous else ""
            print(f"  {name}: {written}{where}")

        # --- lines at random ----------------------------------------------------------------------------------
        rng = random.Random(args.seed)
        by_text: dict[str, int] = defaultdict(int)
        pool: list[tuple[str, str, str]] = []  # (transcript title, label, sentence)
        for path in files:
            lines = _lines(path)
            for _, sentence in lines:
                by_text[" ".join(sentence.split()).casefold()] += 1
            pool += [(path.stem, label, sentence) for label, sentence in lines]
        label_speaker = {(title, label): speaker_id for title, speaker_id, _, _, label in rows}
        eligible = [
            (title, label, sentence)
            for title, label, sentence in pool
            if label_speaker[(title, label)] not in anonymous
            and len(sentence.split()) >= 8
            and by_text[" ".join(sentence.split()).casefold()] == 1
        ]
        drawn = rng.sample(eligible, min(args.lines, len(eligible)))
        verbatim = misattributed = 0
        print(
            f"\n{len(drawn)} lines drawn (seed {args.seed}) of {len(eligible)} eligible (>= 8 words, said once):"
        )
        for title, label, sentence in drawn:
            speaker_id = label_speaker[(title, label)]
            own = names[speaker_id]
            other_id = rng.choice(sorted(stage[title] - {speaker_id}))
            other = names[other_id]
            full = FULL_NAMES.get(own, own)
            mine = check_quote(session, CheckRequest(text=sentence, speaker_name=full))
            theirs = check_quote(session, CheckRequest(text=sentence, speaker_name=other))
            ok_mine = mine.outcome.verdict is Verdict.VERBATIM
            ok_theirs = theirs.outcome.verdict is Verdict.MISATTRIBUTED and (
                f"said by {own}" in theirs.outcome.explanation
            )
            verbatim += ok_mine
            misattributed += ok_theirs
            flag = "ok " if ok_mine and ok_theirs else "BAD"
            print(
                f"  {flag} [{label!r} -> {own}] under {full}: {mine.outcome.verdict.value}; under {other}: "
                f"{theirs.outcome.verdict.value} | {sentence[:60]}"
            )
            if not ok_theirs:
                print(f"       {theirs.outcome.explanation[:200]}")
        print(
            f"\nunder the speaker's name: {verbatim}/{len(drawn)} VERBATIM; under another on the same stage: "
            f"{misattributed}/{len(drawn)} MISATTRIBUTED naming the right person"
        )

        # --- the cost of resolution ---------------------------------------------------------------------------
        # Wall time and CPU time (SQLite works in this process, so CPU time is the work itself, and stays
        # honest when other processes share the machine).
        ids = {label: label_speaker[(title, label)] for title, label, _ in drawn}
        clocks = {"wall": time.perf_counter, "cpu": time.process_time}
        timed: dict[str, dict[str, list[float]]] = {
            clock: {"resolve": [], "by name": [], "by id": []} for clock in clocks
        }

        def timing(what: str, work: Callable[[], object]) -> None:
            wall, cpu = time.perf_counter(), time.process_time()
            work()
            timed["wall"][what].append(time.perf_counter() - wall)
            timed["cpu"][what].append(time.process_time() - cpu)

        for _ in range(args.repeat):
            for _, label, sentence in drawn:
                timing("resolve", lambda label=label: resolve_name(session, label))
                timing(
                    "by name",
                    lambda label=label, sentence=sentence: check_quote(
                        session, CheckRequest(text=sentence, speaker_name=label)
                    ),
                )
                timing(
                    "by id",
                    lambda label=label, sentence=sentence: check_quote(
                        session, CheckRequest(text=sentence, speaker_id=ids[label])
                    ),
                )
        ms = 1000
        print(f"\n{args.repeat} rounds of the {len(drawn)} lines, labels as written:")
        for clock, figures in timed.items():
            p50 = {what: statistics.median(values) * ms for what, values in figures.items()}
            print(
                f"  {clock}: resolve_name p50 {p50['resolve']:.2f} ms; check p50 by written name "
                f"{p50['by name']:.2f} ms, by speaker id {p50['by id']:.2f} ms: resolution adds "
                f"{p50['by name'] - p50['by id']:.2f} ms (required: under 2 ms)"
            )


if __name__ == "__main__":
    main()

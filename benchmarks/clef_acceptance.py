"""The quote check on real transcripts: the three 2016 US debates of ../shared/data/clef2018_checkthat.

Not a test (the data is research data kept outside the project): it converts each debate to the `NAME: words`
form (one turn per line of the data set, several thousand in all), imports them with `quotecheck import
transcript`'s service, and runs the issue's acceptance checks, printing each verdict.

    .venv/bin/python benchmarks/clef_acceptance.py [--database-url URL] [--data DIR]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select

from quotecheck import migrate
from quotecheck.db import make_engine, session_scope
from quotecheck.enums import Verdict
from quotecheck.models import Turn
from quotecheck.services.checks import CheckRequest, check_quote
from quotecheck.services.transcripts import import_transcript, parse_transcript
from quotecheck.settings import database_urls

DEBATES = {
    "Task1-English-1st-Presidential": ("First presidential debate, Hofstra University", "2016-09-26"),
    "Task1-English-2nd-Presidential": ("Second presidential debate, Washington University", "2016-10-09"),
    "Task1-English-Vice-Presidential": ("Vice-presidential debate, Longwood University", "2016-10-04"),
}
MODERATORS = {"HOLT", "RADDATZ", "COOPER", "QUIJANO"}
CANDIDATES = {"CLINTON", "TRUMP", "KAINE", "PENCE"}


def debate_lines(path: Path) -> list[tuple[str, str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) >= 3 and parts[1].strip() and parts[2].strip():
            rows.append((parts[1].strip().upper(), parts[2].strip()))
    return rows


def as_transcript(rows: list[tuple[str, str]]) -> str:
    return "\n".join(f"{speaker}: {text}" for speaker, text in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    parser.add_argument(
        "--data", type=Path, default=Path(__file__).resolve().parents[2] / "shared/data/clef2018_checkthat"
    )
    parser.add_argument("--seed", type=int, default=2016)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    with tempfile.TemporaryDirectory() as directory:
        url = args.database_url or f"sqlite:///{Path(directory) / 'clef.db'}"
        migrate.upgrade(migrate.alembic_config(url), "head")
        engine = make_engine(database_urls(url))
        all_rows: list[tuple[str, str]] = []
        started = time.perf_counter()
        with session_scope(engine, write=True) as session:
            for stem, (title, date) in DEBATES.items():
                path = args.data / f"data__task1__English__{stem}.txt"
                rows = debate_lines(path)
                all_rows += rows
                import_transcript(
                    session,
                    parse_transcript(as_transcript(rows), name=path.name),
                    title=title,
                    date=date,
                    language="en",
                    kind="DEBATE",
                )
            turns = session.scalar(select(func.count()).select_from(Turn))
        print(f"imported 3 debates, {turns} turns, in {time.perf_counter() - started:.1f} s")

        counts: dict[str, int] = {}
        for _, text in all_rows:
            counts[text] = counts.get(text, 0) + 1
        long_unique = [(s, t) for s, t in all_rows if counts[t] == 1 and 14 <= len(t.split()) <= 40]
        candidate = rng.choice([(s, t) for s, t in long_unique if s in CANDIDATES])
        moderator = rng.choice([(s, t) for s, t in long_unique if s in MODERATORS])
        words = candidate[1].split()
        middle = len(words) // 2
        cut = " ".join(words[: middle - 2]) + " ... " + " ".join(words[middle + 2 :])
        swap = 5
        altered_words = list(words)
        altered_words[swap] = "bananas"
        other = next(c for c in sorted(CANDIDATES) if c != moderator[0])
        cases = [
            ("verbatim", candidate[1], candidate[0], Verdict.VERBATIM),
            ("middle cut", cut, candidate[0], Verdict.VERBATIM_WITH_ELISIONS),
            ("one word changed", " ".join(altered_words), candidate[0], Verdict.ALTERED),
            ("moderator's words given to a candidate", moderator[1], other, Verdict.MISATTRIBUTED),
            (
                "unrelated",
                "The lighthouse keeper painted seven blue boats before the winter fair opened.",
                candidate[0],
                Verdict.NOT_FOUND,
            ),
        ]
        failures = 0
        with session_scope(engine) as session:
            for label, text, speaker, expected in cases:
                started = time.perf_counter()
                result = check_quote(session, CheckRequest(text=text, speaker_name=speaker))
                took = (time.perf_counter() - started) * 1000
                outcome = result.outcome
                ok = outcome.verdict is expected
                failures += not ok
                print(
                    f"\n[{'ok' if ok else 'FAIL'}] {label}: {outcome.verdict.name} ({took:.0f} ms), expected {expected.name}"
                )
                print(f"  claim ({speaker}): {text}")
                print(f"  {outcome.explanation}")
                if outcome.matches:
                    best = outcome.matches[0]
                    for difference in best.differences:
                        print(f"  - {difference.kind.name}: {difference.claimed!r} / {difference.original!r}")
        engine.dispose()
        print(f"\n{len(cases) - failures} of {len(cases)} acceptance checks as expected")


if __name__ == "__main__":
    main()

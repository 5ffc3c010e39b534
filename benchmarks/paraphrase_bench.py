"""The quote check behind a paraphrase: the fact-checked claims of the three 2016 US debates (CLEF 2018, task 2).

Not a test (the data is research data kept outside the project). It imports the three debates as
`clef_acceptance.py` does (one turn per line of the data set), then checks every task-2 claim (the fact-checkers'
rewriting of one or more lines) attributed to the speaker of its lines, and prints:

- top-1 / top-3: how often one of the claim's own lines is in the first passage returned / in the first three;
- the verdicts (PARAPHRASED is the expected one: the claims are rewritten, never quoted);
- latency (p50, p99, max) of `check_quote`, as `quotecheck check` runs it.

    .venv/bin/python benchmarks/paraphrase_bench.py [--database-url URL] [--data DIR] [-v]

For the same check at a million generated turns, see `check_bench.py` (its "paraphrased" kind).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from quotecheck import migrate
from quotecheck.db import make_engine, session_scope
from quotecheck.models import Turn
from quotecheck.services.checks import CheckRequest, check_quote
from quotecheck.services.transcripts import import_transcript, parse_transcript
from quotecheck.settings import database_urls

DEBATES = {
    "Task2-English-1st-Presidential": ("First presidential debate, Hofstra University", "2016-09-26"),
    "Task2-English-2nd-Presidential": ("Second presidential debate, Washington University", "2016-10-09"),
    "Task2-English-Vice-Presidential": ("Vice-presidential debate, Longwood University", "2016-10-04"),
}


@dataclass
class Claim:
    debate: str
    number: str
    text: str
    speaker: str
    lines: list[int] = field(default_factory=list)  # indexes of its lines among the debate's turns


def read_debate(path: Path, debate: str) -> tuple[list[tuple[str, str]], list[Claim]]:
    """The debate's turns (speaker, words) and its claims, each with the turns it was made from."""
    rows: list[tuple[str, str]] = []
    claims: dict[str, Claim] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) < 3 or not parts[1].strip() or not parts[2].strip():
            continue
        speaker, text = parts[1].strip().upper(), parts[2].strip()
        if len(parts) >= 5 and parts[3].strip() not in ("", "N/A") and parts[4].strip() not in ("", "-"):
            claim = claims.setdefault(
                parts[3].strip(), Claim(debate, parts[3].strip(), parts[4].strip(), speaker)
            )
            claim.lines.append(len(rows))
        rows.append((speaker, text))
    return rows, list(claims.values())


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: a temporary SQLite file (a PostgreSQL one is wiped)")
    parser.add_argument(
        "--data", type=Path, default=Path(__file__).resolve().parents[2] / "shared/data/clef2018_checkthat"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="print every claim that misses")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as directory:
        url = args.database_url or f"sqlite:///{Path(directory) / 'clef.db'}"
        if url.startswith("postgresql"):
            migrate.downgrade(migrate.alembic_config(url), "base")
        migrate.upgrade(migrate.alembic_config(url), "head")
        engine = make_engine(database_urls(url))
        claims: list[Claim] = []
        # (debate, turn index) -> (source id, char start, char end)
        places: dict[tuple[str, int], tuple[int, int, int]] = {}
        texts: dict[tuple[str, int], str] = {}
        with session_scope(engine, write=True) as session:
            for stem, (title, date) in DEBATES.items():
                path = args.data / f"data__task2__English__{stem}.txt"
                rows, found = read_debate(path, stem)
                claims += found
                texts.update({(stem, n): text for n, (_, text) in enumerate(rows)})
                report = import_transcript(
                    session,
                    parse_transcript("\n".join(f"{s}: {t}" for s, t in rows), name=path.name),
                    title=title,
                    date=date,
                    language="en",
                    kind="DEBATE",
                )
                session.flush()
                source_id = report.source.id
                for position, start, end in session.execute(
                    select(Turn.position, Turn.char_start, Turn.char_end).where(Turn.source_id == source_id)
                ):
                    places[(stem, position)] = (source_id, start, end)

        def located(match_source: int, start: int, end: int, claim: Claim) -> bool:
            for line in claim.lines:
                source_id, lo, hi = places[(claim.debate, line)]
                if source_id == match_source and start < hi and end > lo:
                    return True
            return False

        verdicts: Counter[str] = Counter()
        top1 = top3 = 0
        took: list[float] = []
        with session_scope(engine) as session:
            for claim in claims:
                started = time.perf_counter()
                result = check_quote(session, CheckRequest(text=claim.text, speaker_name=claim.speaker))
                took.append((time.perf_counter() - started) * 1000)
                outcome = result.outcome
                verdicts[outcome.verdict.name] += 1
                hits = [
                    located(m.document.source_id, m.source_start, m.source_end, claim)
                    for m in outcome.matches[:3]
                ]
                top1 += bool(hits[:1] and hits[0])
                top3 += any(hits)
                if args.verbose and not (hits[:1] and hits[0] and outcome.verdict.name == "PARAPHRASED"):
                    print(f"\n[{claim.debate} #{claim.number}] {claim.speaker}: {claim.text}")
                    for line in claim.lines:
                        print(f"  line: {texts[(claim.debate, line)]}")
                    print(f"  {outcome.verdict.name}: {outcome.explanation[:300]}")
                    for m in outcome.matches[:3]:
                        print(f"  - {m.score:.3f} {m.passage[:160]!r}")
        engine.dispose()
    n = len(claims)
    print(f"{n} claims from {len(DEBATES)} debates ({url.split(':', 1)[0]})")
    print(f"own line is the top passage: {top1}/{n} = {100 * top1 / n:.1f}%")
    print(f"own line among the top three: {top3}/{n} = {100 * top3 / n:.1f}%")
    for verdict, count in verdicts.most_common():
        print(f"verdict {verdict}: {count}/{n} = {100 * count / n:.1f}%")
    print(
        f"latency ms: p50 {statistics.median(took):.1f}, p99 {percentile(took, 0.99):.1f}, max {max(took):.1f}"
    )


if __name__ == "__main__":
    main()

"""Quote-check latency and accuracy on a generated corpus of transcripts, at 10k, 100k or 1M turns.

Not a test: it prints figures. It writes a reproducible corpus (speakers, interviews, transcripts as turns,
and the search index) with bulk inserts, then checks a mix of verbatim, elided, altered, misattributed,
paraphrased and absent quotes of 10 to 80 words through `check_quote`, as `quotecheck check` does.

    .venv/bin/python benchmarks/check_bench.py --turns 10000
    .venv/bin/python benchmarks/check_bench.py --turns 100000 --database-url postgresql://postgres@127.0.0.1/bench

A PostgreSQL database given is wiped first.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import insert, text

from quotecheck import migrate
from quotecheck.db import make_engine, session_scope
from quotecheck.enums import Verdict
from quotecheck.models import Interview, Shingle, Source, Speaker, Turn
from quotecheck.services.checks import CheckRequest, check_quote
from quotecheck.services.index import term_hashes
from quotecheck.services.sources import content_hash
from quotecheck.settings import database_urls

TURNS_PER_TRANSCRIPT = 200
SPEAKERS_PER_TRANSCRIPT = 3
FUNCTION_WORDS = [
    "the",
    "a",
    "of",
    "to",
    "and",
    "in",
    "that",
    "is",
    "it",
    "for",
    "on",
    "with",
    "as",
    "we",
    "our",
    "they",
    "be",
    "have",
    "this",
    "not",
    "but",
    "are",
    "was",
    "at",
    "by",
]


def vocabulary(rng: random.Random, size: int = 20000) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    words = set()
    while len(words) < size:
        words.add("".join(rng.choice(letters) for _ in range(rng.randint(4, 10))))
    return sorted(words)


class Writer:
    """Zipf-ish prose: content words from a large vocabulary, glued with function words."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.words = vocabulary(rng)
        self.weights = [1 / (rank + 10) for rank in range(len(self.words))]

    def sentence(self, length: int) -> str:
        content = self.rng.choices(self.words, weights=self.weights, k=length)
        out = []
        for word in content:
            out.append(word)
            if self.rng.random() < 0.45:
                out.append(self.rng.choice(FUNCTION_WORDS))
        return " ".join(out[:length]).capitalize() + "."

    def turn(self) -> str:
        return " ".join(self.sentence(self.rng.randint(8, 22)) for _ in range(self.rng.randint(2, 5)))


def generate(url: str, turns: int, seed: int) -> tuple[Writer, list[tuple[int, int, str]], int]:
    """Write the corpus; returns the writer, a sample of (speaker id, source id, turn text), and #speakers."""
    rng = random.Random(seed)
    writer = Writer(rng)
    urls = database_urls(url)
    if urls.backend == "postgresql":
        engine = make_engine(urls)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()
    migrate.upgrade(migrate.alembic_config(url), "head")
    engine = make_engine(urls)
    transcripts = max(1, turns // TURNS_PER_TRANSCRIPT)
    speakers = max(10, transcripts // 2)
    sample: list[tuple[int, int, str]] = []
    with engine.begin() as connection:
        connection.execute(
            insert(Speaker),
            [
                {"id": i, "name": f"Speaker {i}", "name_key": f"speaker {i}", "kind": "PERSON"}
                for i in range(1, speakers + 1)
            ],
        )
        turn_id = 0
        for t in range(1, transcripts + 1):
            cast = rng.sample(range(1, speakers + 1), SPEAKERS_PER_TRANSCRIPT)
            parts, turn_rows, shingle_rows = [], [], []
            offset = 0
            for position in range(TURNS_PER_TRANSCRIPT):
                speaker = cast[position % SPEAKERS_PER_TRANSCRIPT]
                words = writer.turn()
                label = f"Speaker {speaker}: "
                if parts:
                    offset += 2
                start = offset + len(label)
                parts.append(label + words)
                offset += len(label) + len(words)
                turn_id += 1
                turn_rows.append(
                    {
                        "id": turn_id,
                        "source_id": t,
                        "position": position,
                        "speaker_id": speaker,
                        "label": f"Speaker {speaker}",
                        "char_start": start,
                        "char_end": start + len(words),
                    }
                )
                seen = set()
                for hashed, at in term_hashes(words, start):
                    if (hashed, at) not in seen:
                        seen.add((hashed, at))
                        shingle_rows.append({"hash": hashed, "source_id": t, "position": at})
                if rng.random() < 400 / turns:
                    sample.append((speaker, t, words))
            body = "\n\n".join(parts)
            connection.execute(insert(Interview), [{"id": t, "title": f"Interview {t}", "kind": "INTERVIEW"}])
            connection.execute(
                insert(Source),
                [
                    {
                        "id": t,
                        "kind": "TRANSCRIPT",
                        "title": f"Transcript {t}",
                        "interview_id": t,
                        "text": body,
                        "content_hash": content_hash(body),
                        "language": "en",
                    }
                ],
            )
            connection.execute(insert(Turn), turn_rows)
            connection.execute(insert(Shingle), shingle_rows)
        if urls.backend == "postgresql":
            for table in ("speaker", "interview", "source", "turn"):
                connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
                    )
                )
            connection.execute(text("ANALYZE"))
        else:
            connection.execute(text("ANALYZE"))
    engine.dispose()
    return writer, sample, speakers


def sample_existing(url: str, turns: int, seed: int) -> tuple[Writer, list[tuple[int, int, str]], int]:
    """The writer and a sample of turns of a corpus written before with the same seed."""
    rng = random.Random(seed)
    writer = Writer(rng)
    engine = make_engine(database_urls(url))
    with engine.connect() as connection:
        speakers = int(connection.execute(text("SELECT count(*) FROM speaker")).scalar_one())
        step = max(1, turns // 400)
        rows = connection.execute(
            text(
                "SELECT t.speaker_id, t.source_id, substr(s.text, t.char_start + 1, t.char_end - t.char_start) "
                "FROM turn t JOIN source s ON s.id = t.source_id WHERE t.id % :step = 0 ORDER BY t.id"
            ),
            {"step": step},
        ).all()
    engine.dispose()
    return writer, [(int(a), int(b), str(c)) for a, b, c in rows], speakers


def claims(
    writer: Writer, sample: list[tuple[int, int, str]], speakers: int, rng: random.Random
) -> list[tuple[str, str, int, Verdict]]:
    """(kind, text, attributed speaker id, expected verdict)."""
    out = []
    for n, (speaker, _source, words) in enumerate(sample):
        tokens = words.replace(".", "").split()
        length = min(len(tokens), rng.randint(10, 80))
        start = rng.randint(0, len(tokens) - length)
        piece = tokens[start : start + length]
        kind = ("verbatim", "elided", "altered", "misattributed", "paraphrased", "absent")[n % 6]
        if kind == "verbatim":
            out.append((kind, " ".join(piece), speaker, Verdict.VERBATIM))
        elif kind == "elided" and len(piece) >= 12:
            cut = len(piece) // 2
            out.append(
                (
                    kind,
                    " ".join(piece[: cut - 2]) + " ... " + " ".join(piece[cut + 2 :]),
                    speaker,
                    Verdict.VERBATIM_WITH_ELISIONS,
                )
            )
        elif kind == "altered":
            changed = list(piece)
            changed[len(changed) // 2] = "zzyzx"
            out.append((kind, " ".join(changed), speaker, Verdict.ALTERED))
        elif kind == "misattributed":
            other = speaker % speakers + 1
            out.append((kind, " ".join(piece), other, Verdict.MISATTRIBUTED))
        elif kind == "paraphrased":
            content = [w for w in piece if w not in FUNCTION_WORDS][:8]
            rng.shuffle(content)
            out.append((kind, " so ".join(content), speaker, Verdict.PARAPHRASED))
        elif kind == "absent":
            out.append(
                (kind, writer.sentence(rng.randint(10, 30)).replace("a", "y"), speaker, Verdict.NOT_FOUND)
            )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=10000)
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--checks", type=int, default=300)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="check against a corpus this script wrote before at --database-url",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        url = args.database_url or f"sqlite:///{Path(directory) / 'check-bench.db'}"
        started = time.perf_counter()
        if args.reuse:
            if not args.database_url:
                parser.error("--reuse needs the --database-url of a corpus written before")
            writer, sample, speakers = sample_existing(url, args.turns, args.seed)
            print(f"corpus: {args.turns} turns already in {database_urls(url).display()}")
        else:
            writer, sample, speakers = generate(url, args.turns, args.seed)
            print(
                f"corpus: {args.turns} turns in {database_urls(url).display()}, "
                f"written in {time.perf_counter() - started:.0f} s"
            )
        rng = random.Random(args.seed + 1)
        todo = claims(writer, sample, speakers, rng)[: args.checks]
        engine = make_engine(database_urls(url))
        latencies: dict[str, list[float]] = {}
        right: Counter[str] = Counter()
        total: Counter[str] = Counter()
        with session_scope(engine) as session:
            for _kind, claim, speaker, _expected in todo[:20]:  # warm-up: caches and connections
                check_quote(session, CheckRequest(text=claim, speaker_id=speaker))
            for kind, claim, speaker, expected in todo:
                began = time.perf_counter()
                outcome = check_quote(session, CheckRequest(text=claim, speaker_id=speaker)).outcome
                latencies.setdefault(kind, []).append((time.perf_counter() - began) * 1000)
                total[kind] += 1
                right[kind] += outcome.verdict is expected
        engine.dispose()
        every = sorted(x for values in latencies.values() for x in values)
        print(f"{'kind':<14} {'checks':>6} {'accuracy':>9} {'p50 ms':>8} {'p99 ms':>8}")
        for kind in ("verbatim", "elided", "altered", "misattributed", "paraphrased", "absent"):
            values = sorted(latencies.get(kind, [0.0]))
            p99 = values[min(len(values) - 1, int(len(values) * 0.99))]
            print(
                f"{kind:<14} {total[kind]:>6} {right[kind] / max(1, total[kind]):>9.0%} {statistics.median(values):>8.1f} {p99:>8.1f}"
            )
        p99 = every[min(len(every) - 1, int(len(every) * 0.99))]
        print(
            f"{'all':<14} {len(every):>6} {sum(right.values()) / max(1, len(every)):>9.0%} {statistics.median(every):>8.1f} {p99:>8.1f}"
        )


if __name__ == "__main__":
    main()

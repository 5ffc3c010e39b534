"""Bulk quote import rate (`quotecheck import quotes`) on a generated feed of 100,000 quotes (or --quotes N).

Not a test: it prints figures. The feed has the shape of a news-quote corpus: a few thousand speakers (most with
Wikidata ids, some with several candidate ids, some spelled two ways), outlets with web domains, articles
quoting several people, one to three URLs a quote, dates with and without a time of day, a few quotes repeated
with another URL, and a few malformed lines. It is imported into a fresh database at the migration head
(timed), then imported again (timed: everything is recognised, nothing added).

    .venv/bin/python benchmarks/feed_bench.py
    .venv/bin/python benchmarks/feed_bench.py --database-url postgresql://postgres@127.0.0.1/qc_feedbench

A PostgreSQL database given is wiped first.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text

from quotecheck import migrate
from quotecheck.db import make_engine
from quotecheck.models import Appearance, Outlet, Quote, Source, Speaker, SpeakerAlias
from quotecheck.services.feeds import DEFAULT_BATCH_SIZE, FeedFile, FeedSummary, import_feed
from quotecheck.settings import database_urls

SYLLABLES = ["ka", "lo", "mi", "ra", "ten", "vis", "dor", "an", "el", "sha", "nor", "bel", "qui", "tru"]


def word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 3)))


def generate(path: Path, quotes: int, seed: int) -> int:
    """Write the feed; returns how many lines are malformed on purpose."""
    rng = random.Random(seed)
    vocabulary = sorted({word(rng) for _ in range(8000)})
    names: set[str] = set()
    speakers: list[dict[str, Any]] = []
    next_qid = 1000
    while len(speakers) < max(50, quotes // 25):
        name = f"{word(rng).title()} {word(rng).title()}{rng.choice(['', '', ' Jr.', 'ova', 'son'])}"
        if name in names:
            continue
        names.add(name)
        qids: list[str] = []
        if rng.random() < 0.7:
            count = 1 if rng.random() < 0.75 else rng.randint(2, 3)  # several candidates, as Quotebank gives
            qids = [f"Q{next_qid + i}" for i in range(count)]
            next_qid += count
        first, last = name.split(" ", 1)
        spellings = [name, f"{first[0]}. {last}"] if qids and rng.random() < 0.1 else [name]
        speakers.append({"spellings": spellings, "qids": qids})
    outlets = [
        (
            f"The {word(rng).title()} {rng.choice(['Times', 'Post', 'Herald', 'Review', 'Tribune'])}",
            f"{word(rng)}.com",
        )
        for _ in range(60)
    ]
    articles = [(rng.randrange(len(outlets)), n) for n in range(max(10, quotes // 4))]
    bad_lines = 0
    said: list[dict[str, Any]] = []
    with path.open("w", encoding="utf-8") as feed:
        for n in range(quotes):
            if rng.random() < 0.0005:
                feed.write(
                    rng.choice(['{"quotation": "no speaker"}', "{not json", '{"speaker": "A B"}']) + "\n"
                )
                bad_lines += 1
                continue
            if said and rng.random() < 0.03:  # the same quote again, in another article
                line = dict(rng.choice(said))
            else:
                speaker = speakers[int(len(speakers) * rng.random() ** 2)]  # a few speak often
                line = {
                    "quoteID": f"{n:09d}",
                    "quotation": " ".join(rng.choices(vocabulary, k=rng.randint(8, 40))).capitalize() + ".",
                    "speaker": rng.choice(speaker["spellings"]),
                    "qids": speaker["qids"],
                }
                said.append(line)
            chosen = rng.sample(articles, k=rng.choice([1, 1, 1, 2, 2, 3]))
            line["urls"] = [f"https://www.{outlets[o][1]}/news/{a}" for o, a in chosen]
            if len(chosen) == 1 and rng.random() < 0.8:  # a line's outlet publishes all its URLs
                line["outlet"] = outlets[chosen[0][0]][0]
            roll = rng.random()
            year, month, day = rng.randint(2008, 2020), rng.randint(1, 12), rng.randint(1, 28)
            if roll < 0.5:
                line["date"] = (
                    f"{year}-{month:02d}-{day:02d} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00"
                )
            elif roll < 0.8:
                line["date"] = f"{year}-{month:02d}-{day:02d}"
            elif roll < 0.9:
                line["date"] = f"{year}-{month:02d}"
            line["language"] = rng.choice(["en"] * 8 + ["fr", None])
            line["numOccurrences"] = len(line["urls"])
            feed.write(json.dumps(line, ensure_ascii=False) + "\n")
    return bad_lines


def fresh_database(url: str | None, directory: Path) -> str:
    if url is None:
        return f"sqlite:///{directory / 'feed-bench.db'}"
    engine = make_engine(database_urls(url))
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    return url


def timed_import(url: str, feed: Path, batch_size: int) -> tuple[FeedSummary, float, float]:
    """The summary, the seconds it took, and the CPU seconds of this process (SQLite's work included)."""
    engine = make_engine(database_urls(url))
    try:
        with FeedFile(feed) as lines:
            started, cpu = time.perf_counter(), time.process_time()
            summary = import_feed(engine, lines, batch_size=batch_size)
            return summary, time.perf_counter() - started, time.process_time() - cpu
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quotes", type=int, default=100_000, help="lines in the feed (default 100,000)")
    parser.add_argument("--database-url", help="default: a temporary SQLite file; a PostgreSQL one is wiped")
    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as directory:
        feed = Path(directory) / "feed.jsonl"
        started = time.perf_counter()
        bad = generate(feed, args.quotes, args.seed)
        print(
            f"feed: {args.quotes:,} lines ({bad} malformed on purpose), {feed.stat().st_size / 1e6:.1f} MB, "
            f"written in {time.perf_counter() - started:.1f} s"
        )
        url = fresh_database(args.database_url, Path(directory))
        migrate.upgrade(migrate.alembic_config(url), "head")
        print(f"database: {database_urls(url).display()}, batch size {args.batch_size:,}")

        first, seconds, cpu = timed_import(url, feed, args.batch_size)
        print(
            f"import:    {seconds:6.2f} s ({cpu:5.2f} s CPU here)  {first.read / seconds:8,.0f} quotes/s "
            f"(lines read; {first.quotes / seconds:,.0f} new quotes/s): {first.quotes:,} quotes, "
            f"{first.appearances:,} appearances, {first.speakers:,} speakers, {first.sources:,} sources, "
            f"{first.outlets} outlets added; {first.already:,} lines already there; {len(first.rejected)} rejected"
        )
        again, seconds, cpu = timed_import(url, feed, args.batch_size)
        print(
            f"re-import: {seconds:6.2f} s ({cpu:5.2f} s CPU here)  {again.read / seconds:8,.0f} quotes/s: "
            f"added {again.quotes} quotes, {again.appearances} appearances; {again.already:,} already there"
        )
        engine = make_engine(database_urls(url))
        with engine.connect() as connection:
            counts = {
                model.__tablename__: connection.execute(select(func.count()).select_from(model)).scalar_one()
                for model in (Speaker, SpeakerAlias, Outlet, Source, Quote, Appearance)
            }
        engine.dispose()
        print("rows: " + ", ".join(f"{table} {count:,}" for table, count in counts.items()))


if __name__ == "__main__":
    main()

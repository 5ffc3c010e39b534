"""Requests/s and latency of the GraphQL API on a generated corpus, for three query shapes.

Not a test: it prints figures. Machines here are noisy; compare shapes and engines within one run.

    .venv/bin/python benchmarks/api_bench.py                          # SQLite, 20k quotes
    .venv/bin/python benchmarks/api_bench.py --database-url postgresql://postgres@127.0.0.1/bench --quotes 100000

It fills the database (wiping the quotecheck tables of a PostgreSQL database it is given), starts
`quotecheck serve` on 127.0.0.1, drives it with an asyncio client at a fixed concurrency for a fixed time,
then stops it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import insert, text

from quotecheck import migrate
from quotecheck.db import make_engine
from quotecheck.models import Appearance, Base, FactCheck, Outlet, Quote, Source, Speaker, SpeakerAlias
from quotecheck.settings import database_urls

WORDS = [
    "bridge",
    "ferry",
    "budget",
    "harbour",
    "council",
    "minister",
    "treaty",
    "alliance",
    "security",
    "defence",
    "election",
    "tax",
    "school",
    "hospital",
    "climate",
    "energy",
    "border",
    "trade",
    "tariff",
    "pledge",
    "reform",
    "court",
    "police",
    "housing",
    "water",
    "rail",
    "port",
]


def generate(url: str, quotes: int, seed: int) -> dict[str, Any]:
    """A reproducible corpus written with bulk inserts; returns ids the shapes need."""
    rng = random.Random(seed)
    urls = database_urls(url)
    if urls.backend == "postgresql":
        engine = make_engine(urls)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()
    migrate.upgrade(migrate.alembic_config(url), "head")
    engine = make_engine(urls)
    speakers = max(50, quotes // 100)
    outlets = 40
    sources = max(100, quotes // 10)
    with engine.begin() as connection:
        connection.execute(
            insert(Outlet),
            [
                {
                    "id": i,
                    "name": f"Outlet {i}",
                    "name_key": f"outlet {i}",
                    "kind": "NEWSPAPER",
                    "languages": ["en"],
                }
                for i in range(1, outlets + 1)
            ],
        )
        connection.execute(
            insert(Speaker),
            [
                {"id": i, "name": f"Speaker {i}", "name_key": f"speaker {i}", "kind": "PERSON"}
                for i in range(1, speakers + 1)
            ],
        )
        connection.execute(
            insert(SpeakerAlias),
            [
                {"speaker_id": i, "name": f"S. {i}", "name_key": f"s {i}", "kind": "SHORT_FORM"}
                for i in range(1, speakers + 1)
            ],
        )
        connection.execute(
            insert(Source),
            [
                {
                    "id": i,
                    "kind": "ARTICLE",
                    "title": f"Article {i}",
                    "url": f"https://news{i % outlets}.example.org/{i}",
                    "outlet_id": 1 + i % outlets,
                    "published_on": 20200000 + (i % 12 + 1) * 100 + (i % 28 + 1),
                    "language": "en",
                }
                for i in range(1, sources + 1)
            ],
        )
        batch = 5000
        for start in range(1, quotes + 1, batch):
            rows = []
            for i in range(start, min(quotes + 1, start + batch)):
                words = " ".join(rng.choice(WORDS) for _ in range(14))
                rows.append(
                    {
                        "id": i,
                        "speaker_id": 1 + i % speakers,
                        "text": f"We will {words} number {i}",
                        "language": "en",
                        "said_on": 20200000 + (i % 12 + 1) * 100,
                    }
                )
            connection.execute(insert(Quote), rows)
            connection.execute(
                insert(Appearance),
                [
                    {
                        "quote_id": row["id"],
                        "source_id": 1 + (row["id"] * k) % sources,
                        "text": row["text"],
                        "relation": "VERBATIM",
                        "attribution": "said",
                    }
                    for row in rows
                    for k in (1, 7)
                ],
            )
            connection.execute(
                insert(FactCheck),
                [
                    {
                        "quote_id": row["id"],
                        "claim_reviewed": row["text"],
                        "verdict": "VERBATIM",
                        "status": "PUBLISHED",
                        "publisher": "Bench Desk",
                    }
                    for row in rows
                    if row["id"] % 10 == 0
                ],
            )
        if urls.backend == "postgresql":
            for table in Base.metadata.tables:
                connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT coalesce(max(id), 1) FROM {table}))"
                    )
                    if "id" in Base.metadata.tables[table].c
                    else text("SELECT 1")
                )
            connection.execute(text("ANALYZE"))
    engine.dispose()
    return {"speaker": 7, "quote": quotes // 2}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def encode(type_name: str, key: int) -> str:
    from quotecheck.api.ids import encode_id

    return encode_id(type_name, key)


def shapes(ids: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        "one quote by ID with its speaker": {
            "query": "query($id: ID!) { quote(id: $id) { text saidOn { iso } speaker { name aliases { name } } } }",
            "variables": {"id": encode("Quote", ids["quote"])},
        },
        "50 quotes of one speaker, outlets and appearances": {
            "query": "query($s: ID!) { quotes(first: 50, filter: {speakerId: $s}) { edges { node { text "
            "speaker { name } appearances(first: 5) { edges { node { relation source { title "
            "outlet { name } } } } } } } } }",
            "variables": {"s": encode("Speaker", ids["speaker"])},
        },
        "text filter returning 20 quotes": {
            "query": 'query { quotes(first: 20, filter: {textContains: "harbour council"}) { edges { node { text '
            "speaker { name } } } } }",
            "variables": {},
        },
    }


async def drive(base: str, body: dict[str, Any], seconds: float, concurrency: int) -> tuple[list[float], int]:
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:

        async def worker() -> None:
            nonlocal errors
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                response = await client.post("/graphql", json=body)
                latencies.append(time.perf_counter() - started)
                if response.status_code != 200 or "errors" in response.json():
                    errors += 1

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies, errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    parser.add_argument("--quotes", type=int, default=20000)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as directory:
        url = args.database_url or f"sqlite:///{Path(directory) / 'bench.db'}"
        started = time.perf_counter()
        ids = generate(url, args.quotes, args.seed)
        print(
            f"corpus: {args.quotes} quotes in {database_urls(url).display()} ({time.perf_counter() - started:.1f} s)"
        )
        port = free_port()
        env = {**os.environ, "QUOTECHECK_DATABASE_URL": url}
        server = subprocess.Popen(
            [sys.executable, "-m", "quotecheck", "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    if httpx.get(f"{base}/readyz").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                time.sleep(0.2)
            print(f"{'shape':<52} {'requests':>8} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6}")
            for name, body in shapes(ids).items():
                asyncio.run(drive(base, body, 1.0, args.concurrency))  # warm-up
                latencies, errors = asyncio.run(drive(base, body, args.seconds, args.concurrency))
                latencies.sort()
                p50 = statistics.median(latencies) * 1000
                p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000
                rate = len(latencies) / args.seconds
                print(f"{name:<52} {len(latencies):>8} {rate:>8.1f} {p50:>8.1f} {p99:>8.1f} {errors:>6}")
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()

"""Compiled reads against the executor, in one process, on one database: the server's own cost per request.

    QUOTECHECK_DATABASE_URL=postgresql://postgres@127.0.0.1/peer_bench .venv/bin/python benchmarks/compiled_bench.py

The database must hold a corpus (`quotecheck bench generate --quotes 20000`). Requests go through the real ASGI
app over httpx (no network, no load generator competing for the CPU), one at a time; for each of the peer
benchmark's q1-q4 (q3 searching words taken from stored quotes) it times N requests with compiled reads off, then N with them on, alternately twice,
and prints milliseconds per request and the ratio. Figures only; nothing here fails on a time.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent))
from peer_bench import QUOTECHECK

from quotecheck.api.app import create_app
from quotecheck.api.compiled import CompiledReads
from quotecheck.global_ids import encode_id
from quotecheck.settings import Settings, database_urls

CHAINS = (
    "SELECT a.id FROM appearance a JOIN appearance b ON a.taken_from_appearance_id = b.id "
    "JOIN appearance c ON b.taken_from_appearance_id = c.id ORDER BY a.id LIMIT 50"
)


def arguments(url: str) -> dict[str, list[dict[str, Any]]]:
    engine = create_engine(database_urls(url).sync)
    with engine.connect() as connection:

        def ids(sql: str) -> list[int]:
            return [int(v) for v in connection.execute(text(sql)).scalars()]

        quotes = ids("SELECT id FROM quote ORDER BY id LIMIT 200")
        speakers = ids("SELECT speaker_id FROM quote GROUP BY speaker_id HAVING count(*) >= 50 LIMIT 20")
        chains = ids(CHAINS)
        texts = connection.execute(text("SELECT text FROM quote ORDER BY id LIMIT 200")).scalars()
        words = list(dict.fromkeys(w for t in texts for w in t.split() if len(w) >= 6 and w.isalpha()))[:40]
    engine.dispose()
    if not (quotes and speakers and chains):
        raise SystemExit("the database holds no corpus: run `quotecheck bench generate --quotes 20000` first")
    return {
        "q1": [{"id": encode_id("Quote", i)} for i in quotes],
        "q2": [{"s": encode_id("Speaker", i)} for i in speakers],
        "q4": [{"id": encode_id("Appearance", i)} for i in chains],
        "q3": [{"q": w} for w in words],
    }


async def main(url: str, requests: int) -> None:
    app = create_app(Settings(database_url=url))
    endpoint = app.state.graphql
    values = arguments(url)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client,
    ):

        async def timed(query: str, variables: list[dict[str, Any]]) -> float:
            started = time.perf_counter()
            for n in range(requests):
                response = await client.post(
                    "/graphql", json={"query": query, "variables": variables[n % len(variables)]}
                )
                if response.status_code != 200 or "errors" in response.json():
                    raise SystemExit(f"failed: {response.text[:400]}")
            return (time.perf_counter() - started) / requests * 1000

        print(f"{requests} requests per measurement, one at a time; ms per request (median of 2)")
        print("| query | executor ms | compiled ms | executor / compiled | compiled hits |")
        print("| --- | ---: | ---: | ---: | ---: |")
        for name in ("q1", "q2", "q3", "q4"):
            query = QUOTECHECK["q3:search" if name == "q3" else name]
            executor: list[float] = []
            compiled: list[float] = []
            reads = CompiledReads(endpoint.schema._schema)
            for _ in range(2):
                endpoint.compiled = None
                executor.append(await timed(query, values[name]))
                endpoint.compiled = reads
                compiled.append(await timed(query, values[name]))
            slow, fast = statistics.median(executor), statistics.median(compiled)
            print(f"| {name} | {slow:.2f} | {fast:.2f} | {slow / fast:.1f} | {reads.hits} |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--database-url", default=os.environ.get("QUOTECHECK_DATABASE_URL", ""))
    options = parser.parse_args()
    if not options.database_url:
        raise SystemExit("give --database-url or set QUOTECHECK_DATABASE_URL")
    asyncio.run(main(options.database_url, options.requests))

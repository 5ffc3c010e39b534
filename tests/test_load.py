"""Load: a real uvicorn server on the engine under test, 32 concurrent clients of mixed reads and writes for
20 s (`QUOTECHECK_LOAD_SECONDS=60` for the full run by hand; `pytest -s` prints the figures): no server error,
no error at all, and every write the server acknowledged is in the database afterwards. On SQLite, the same
with writers only: concurrent writers queue on the busy timeout, and "database is locked" never reaches a
client."""

from __future__ import annotations

import asyncio

import httpx
from sqlalchemy import Engine, select

from quotecheck.db import session_scope
from quotecheck.demo import load_demo
from quotecheck.models import Speaker
from tests.conftest import backend
from tests.loadgen import LOAD_PREFIX, LoadResult, load_seconds, run_load, server


def check(result: LoadResult, engine: Engine, base: str) -> None:
    print(f"\n[{backend()}] {result.summary()}")
    assert result.requests > 0 and result.acknowledged > 0
    assert not result.transport_errors, result.transport_errors
    assert dict(result.statuses) == {200: result.requests}, (result.statuses, result.messages[:5])
    assert not result.codes, (result.codes, result.messages[:5])
    assert not any("locked" in message for message in result.messages)

    with engine.connect() as connection:
        names = set(connection.scalars(select(Speaker.name).where(Speaker.name.like(f"{LOAD_PREFIX} %"))))
    print(
        f"[{backend()}] writes acknowledged {result.acknowledged}; speakers created: acknowledged "
        f"{len(result.created)}, found {len(names)}"
    )
    assert names == result.created  # every acknowledged create, and nothing else

    ids = sorted(result.described)
    query = "query($ids: [ID!]!) { nodes(ids: $ids) { ... on Speaker { id description } } }"
    descriptions: dict[str, str] = {}
    for start in range(0, len(ids), 50):  # a page at a time: nodes(ids:) takes at most 100
        variables = {"ids": ids[start : start + 50]}
        found = httpx.post(f"{base}/graphql", json={"query": query, "variables": variables}, timeout=30)
        descriptions |= {node["id"]: node["description"] for node in found.json()["data"]["nodes"]}
    print(
        f"[{backend()}] speakers updated {len(ids)}: last acknowledged update found in "
        f"{sum(descriptions[i] == result.described[i] for i in ids)}"
    )
    assert descriptions == result.described  # the last acknowledged update of each speaker


def test_mixed_reads_and_writes_under_load(
    scratch_engine: Engine, scratch_url: str, tokens: dict[str, str]
) -> None:
    with session_scope(scratch_engine, write=True) as session:
        load_demo(session)
    with server(scratch_url, QUOTECHECK_RATE_LIMIT="0") as base:
        result = asyncio.run(run_load(base, tokens["EDITOR"], seconds=load_seconds(20), concurrency=32))
        check(result, scratch_engine, base)


def test_concurrent_writers_queue_instead_of_failing(
    scratch_engine: Engine, scratch_url: str, tokens: dict[str, str]
) -> None:
    with server(scratch_url, QUOTECHECK_RATE_LIMIT="0") as base:
        result = asyncio.run(
            run_load(base, tokens["EDITOR"], seconds=load_seconds(20) / 4, concurrency=32, write_share=1.0)
        )
        check(result, scratch_engine, base)

"""Recovery from a PostgreSQL restart under load, on a private throwaway cluster (never the machine's shared
server): while the database is down, requests get a clear `503 DATABASE_UNAVAILABLE` and `/readyz` says
unavailable; once it is back, the same server process answers again by itself (stale pooled connections are
found by pre-ping and replaced), and every acknowledged write is in the database.

Needs the Debian PostgreSQL server binaries (initdb, pg_ctl) and root (to run them as the postgres user);
skipped with the reason otherwise. Runs whatever the engine under test, in about 20 s.

Also: which driver errors count as an outage (a 503 to retry) rather than a bug, and SQLite's version of an
outage, a writer locked out past the busy timeout: a 503, never "database is locked".
"""

from __future__ import annotations

import asyncio
import socket
import time
from pathlib import Path

import anyio.from_thread
import httpx
import pytest
from sqlalchemy import Engine, select
from sqlalchemy.exc import OperationalError

from quotecheck import migrate
from quotecheck.api.app import create_app
from quotecheck.db import connection_lost, make_engine, session_scope, writing
from quotecheck.enums import TokenRole
from quotecheck.models import Speaker
from quotecheck.services.tokens import create_token
from quotecheck.settings import Settings, database_urls
from tests.conftest import backend
from tests.loadgen import LOAD_PREFIX, LoadResult, run_load, server
from tests.pgcluster import Cluster, needs_cluster
from tests.pgcluster import cluster as cluster  # the fixture


@needs_cluster
def test_postgresql_restart_under_load(cluster: Cluster) -> None:
    migrate.upgrade(migrate.alembic_config(cluster.url), "head")
    engine = make_engine(database_urls(cluster.url))
    with session_scope(engine, write=True) as session:
        token = create_token(session, name="load", role=TokenRole.EDITOR).secret
    engine.dispose()

    with server(cluster.url, QUOTECHECK_RATE_LIMIT="0") as base:
        probes: list[tuple[float, int, str]] = []  # (time, /readyz status, status field)
        marks: dict[str, float] = {}
        during: list[httpx.Response] = []

        async def restart(started: float) -> None:
            async with httpx.AsyncClient(base_url=base, timeout=10) as http:

                async def probe() -> None:
                    response = await http.get("/readyz")
                    probes.append(
                        (time.monotonic() - started, response.status_code, response.json()["status"])
                    )

                await asyncio.sleep(2.5)
                await probe()
                marks["stopping"] = time.monotonic() - started
                await asyncio.to_thread(cluster.stop)
                marks["down"] = time.monotonic() - started
                for _ in range(5):
                    await probe()
                    await asyncio.sleep(0.2)
                # one of each kind of request, by hand: a query, an authenticated query, a mutation
                query = {"query": "{ speakers(first: 1) { totalCount } }"}
                mutation = {
                    "query": 'mutation { createSpeaker(input: {name: "During the outage"}) { speaker { id } } }'
                }
                auth = {"Authorization": f"Bearer {token}"}
                during.append(await http.post("/graphql", json=query))
                during.append(await http.post("/graphql", json=query, headers=auth))
                during.append(await http.post("/graphql", json=mutation, headers=auth))
                await asyncio.to_thread(cluster.start)
                marks["up"] = time.monotonic() - started
                while True:
                    await probe()
                    if probes[-1][1] == 200:
                        marks["ready"] = time.monotonic() - started
                        break
                    await asyncio.sleep(0.1)

        async def scenario() -> LoadResult:
            started = time.monotonic()
            load, _ = await asyncio.gather(run_load(base, token, seconds=10, concurrency=8), restart(started))
            return load

        result = asyncio.run(scenario())

    print(f"\n[private PostgreSQL restart] {result.summary()}")
    print(f"[private PostgreSQL restart] marks (s since start): {marks}; /readyz: {probes}")
    # while down: a clear 503 the client can retry, for every kind of request
    for response in during:
        assert response.status_code == 503, response.text
        assert response.headers["Retry-After"] == "5"
        (error,) = response.json()["errors"]
        assert error["extensions"]["code"] == "DATABASE_UNAVAILABLE"
        assert error["message"] == "the database cannot be reached; try again shortly"
    # /readyz: ready, unavailable during the outage, ready again by itself
    assert probes[0][1:] == (200, "ready")
    assert all(
        status == 503 and state == "unavailable"
        for t, status, state in probes
        if marks["down"] < t < marks["up"]
    )
    assert any(status == 503 for _, status, _ in probes)
    assert probes[-1][1:] == (200, "ready")

    # the load: only 200s and 503 DATABASE_UNAVAILABLE, the 503s only around the outage, all 200 afterwards
    assert not result.transport_errors, result.transport_errors
    assert set(result.statuses) <= {200, 503}, (result.statuses, result.messages[:5])
    # an update committed just before its answer was cut off leaves the client's version stale: a CONFLICT
    assert set(result.codes) <= {"DATABASE_UNAVAILABLE", "user:CONFLICT"}, (result.codes, result.messages[:5])
    assert result.codes["user:CONFLICT"] <= result.statuses[503]
    assert result.statuses[503] > 0
    grace = 1.0
    for sent, answered, status, code in result.timeline:
        if status != 200 or code:
            # a request in flight during the outage (sent before it, queued under load) may fail with it
            assert marks["stopping"] - grace <= answered and sent <= marks["ready"] + grace, (
                sent,
                answered,
                status,
                code,
                marks,
            )
    after = [(status, code) for sent, _, status, code in result.timeline if sent > marks["ready"] + grace]
    assert after and all(entry == (200, "") for entry in after), after[:10]
    print(f"[private PostgreSQL restart] after recovery: {len(after)} requests, all 200")

    engine = make_engine(database_urls(cluster.url))
    with engine.connect() as connection:
        names = set(connection.scalars(select(Speaker.name).where(Speaker.name.like(f"{LOAD_PREFIX} %"))))
    engine.dispose()
    unacknowledged = names - result.created
    print(
        f"[private PostgreSQL restart] creates acknowledged {len(result.created)}, found {len(names)} "
        f"({len(unacknowledged)} committed but not acknowledged: cut off while answering)"
    )
    assert result.created <= names  # every acknowledged write survived the restart
    assert len(unacknowledged) <= result.statuses[503]


# --- what counts as "the database is unavailable" -------------------------------------------------------------
def test_connection_lost_tells_outages_from_bugs(tmp_path: Path) -> None:
    path = tmp_path / "locked.db"
    urls = database_urls(f"sqlite:///{path}")
    holder = make_engine(urls)
    waiter = make_engine(urls, settings=Settings(sqlite_busy_timeout_ms=50))
    with holder.connect() as connection:
        connection.exec_driver_sql("CREATE TABLE t (x INTEGER)")
        connection.commit()
    with holder.connect() as locking:
        locking.exec_driver_sql("INSERT INTO t VALUES (1)")  # holds the write lock until rolled back
        with pytest.raises(OperationalError) as busy, writing(waiter).connect() as blocked:
            blocked.exec_driver_sql("INSERT INTO t VALUES (2)")
        locking.rollback()
    assert connection_lost(busy.value), busy.value  # locked past the busy timeout: retry later

    with pytest.raises(OperationalError) as wrong, holder.connect() as connection:
        connection.exec_driver_sql("SELECT nothing FROM nowhere")
    assert not connection_lost(wrong.value)  # a bug, not an outage

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    refused = make_engine(database_urls(f"postgresql://postgres@127.0.0.1:{port}/nothing"))
    with pytest.raises(OperationalError) as down, refused.connect():
        pass
    assert connection_lost(down.value)
    assert not connection_lost(ValueError("not a database error")) and not connection_lost(None)
    for engine in (holder, waiter, refused):
        engine.dispose()


@pytest.mark.skipif(backend() != "sqlite", reason="SQLite's write lock; PostgreSQL's outage is tested above")
def test_a_writer_locked_out_past_the_busy_timeout_gets_503(
    scratch_engine: Engine, scratch_url: str, tokens: dict[str, str]
) -> None:
    app = create_app(Settings(database_url=scratch_url, sqlite_busy_timeout_ms=200))
    mutation = {"query": 'mutation { createSpeaker(input: {name: "Locked Out"}) { speaker { id } } }'}

    async def send() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://quotecheck.test") as http:
            auth = {"Authorization": f"Bearer {tokens['EDITOR']}"}
            return await http.post("/graphql", json=mutation, headers=auth)

    with anyio.from_thread.start_blocking_portal() as portal:
        try:
            with writing(scratch_engine).connect() as locking:
                locking.exec_driver_sql("UPDATE api_token SET name = name")  # the write lock, held
                response = portal.call(send)
                locking.rollback()
            assert response.status_code == 503, response.text
            assert response.headers["Retry-After"] == "5"
            (error,) = response.json()["errors"]
            assert error["extensions"]["code"] == "DATABASE_UNAVAILABLE"
            assert "locked" not in response.text
            again = portal.call(send)  # and once the lock is gone, the same app writes
            assert again.status_code == 200 and again.json()["data"]["createSpeaker"]["speaker"]["id"]
        finally:
            portal.call(app.state.engine.dispose)

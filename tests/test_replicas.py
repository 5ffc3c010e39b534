"""Read replicas, on a private primary and a streaming replica made from it with `pg_basebackup -R` (never the
machine's shared server): reads are served by the replica, writes by the primary, a client that has just
written reads its write, a replica that lags beyond QUOTECHECK_REPLICA_MAX_LAG or is stopped is skipped while
the API goes on answering, and /readyz reports each replica's lag.

Which server ran a read is read from each server's own pg_stat_statements (loaded on both for the test): the
number of SELECTs on the speaker table each has executed. Takes about 30 s; PostgreSQL only (SQLite has no
replicas), and skipped with the reason when the PostgreSQL server binaries or root are missing.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from typing import Any, cast

import httpx
import pytest
from sqlalchemy import select, text

from quotecheck import migrate
from quotecheck.api.replicas import Replicas, format_lsn, parse_lsn
from quotecheck.db import make_engine, session_scope
from quotecheck.enums import TokenRole
from quotecheck.errors import ConfigError
from quotecheck.models import Speaker
from quotecheck.services.speakers import create_speaker
from quotecheck.services.tokens import create_token
from quotecheck.settings import Settings, database_urls
from tests.conftest import backend
from tests.loadgen import server
from tests.pgcluster import Cluster, needs_cluster
from tests.pgcluster import cluster as cluster  # the fixture: the primary

postgresql_only = pytest.mark.skipif(
    backend() == "sqlite", reason="read replicas are PostgreSQL's; this runs in the PostgreSQL pass"
)

MAX_LAG_S = 6
SPEAKERS = '{ speakers(first: 5, filter: {name: "replicated"}) { edges { node { name } } } }'
CREATE = """mutation($name: String!) {
  createSpeaker(input: {name: $name}) { speaker { id name } userErrors { code message } } }"""


def _sql(url: str, statement: str) -> Any:
    engine = make_engine(database_urls(url))
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            result = connection.execute(text(statement))
            return result.scalar() if result.returns_rows else None
    finally:
        engine.dispose()


def _speaker_reads(url: str) -> int:
    """SELECTs on the speaker table this server has run (its own pg_stat_statements)."""
    return int(
        _sql(
            url,
            "SELECT coalesce(sum(calls), 0) FROM pg_stat_statements "
            "WHERE query ILIKE 'SELECT%FROM speaker %' OR query ILIKE 'SELECT%FROM speaker\n%'",
        )
    )


def _wait(what: str, check: Callable[[], Any], seconds: float = 20) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {seconds} s")
        time.sleep(0.2)


def _names(response: httpx.Response) -> set[str]:
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return {edge["node"]["name"] for edge in body["data"]["speakers"]["edges"]}


def test_wal_positions_read_as_postgresql_writes_them() -> None:
    assert parse_lsn("16/B374D848") == (0x16 << 32) | 0xB374D848
    assert format_lsn(parse_lsn("0/3180640") or 0) == "0/3180640"
    for bad in (None, "", "3180640", "0/", "/1", "0/xyz", "123456789/0", "0/3180640; drop"):
        assert parse_lsn(bad) is None, bad  # a client's header: anything else is ignored, never an error


def test_replicas_are_postgresql_behind_a_postgresql_primary() -> None:
    with pytest.raises(
        ConfigError, match=r"QUOTECHECK_READ_DATABASE_URLS: 'sqlite:///r\.db' is a SQLite file"
    ):
        Settings.from_env({"QUOTECHECK_READ_DATABASE_URLS": "sqlite:///r.db"})
    with pytest.raises(ConfigError, match="replicas need a PostgreSQL primary"):
        Settings.from_env({"QUOTECHECK_READ_DATABASE_URLS": "postgresql://u@replica/db"})
    with pytest.raises(ConfigError, match=r"QUOTECHECK_REPLICA_MAX_LAG='soon' is not a number of seconds"):
        Settings.from_env({"QUOTECHECK_REPLICA_MAX_LAG": "soon"})
    settings = Settings.from_env(
        {
            "QUOTECHECK_DATABASE_URL": "postgresql://u@primary/db",
            "QUOTECHECK_READ_DATABASE_URLS": " postgresql://u:secret@r1/db , postgresql://u@r2/db ,",
            "QUOTECHECK_REPLICA_MAX_LAG": "2.5",
        }
    )
    assert [urls.display() for urls in settings.read_urls] == [
        "postgresql://u:***@r1/db",
        "postgresql://u@r2/db",
    ]
    assert settings.replica_max_lag_s == 2.5


def test_lag_is_how_long_ago_the_primary_wrote_what_the_replica_lacks() -> None:
    replicas = Replicas(cast(Any, None), [], max_lag_s=5)
    assert replicas._lag(100, 10.0) == (None, None)  # nothing seen of the primary yet: unknown
    replicas._history.extend([(10.0, 100), (11.0, 100), (12.0, 250), (13.0, 300)])
    assert replicas._lag(300, 14.0) == (0.0, 0)  # replayed everything: no lag
    assert replicas._lag(100, 14.0) == (3.0, 200)  # the primary wrote past 100 after 11.0
    assert replicas._lag(50, 14.0) == (None, 250)  # behind all it has seen: for how long is unknown


@pytest.fixture
def replica(cluster: Cluster) -> Iterator[Cluster]:
    """A streaming replica of `cluster`, both with pg_stat_statements loaded."""
    _sql(cluster.url, "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'")
    cluster.stop()
    cluster.start()
    _sql(cluster.url, "CREATE EXTENSION pg_stat_statements")
    root = cluster.root / "replica"
    root.mkdir()
    shutil.chown(root, "postgres", "postgres")
    made = Cluster(root)
    made.replica_of(cluster)  # postgresql.auto.conf comes along: pg_stat_statements there too
    made.start()
    try:
        yield made
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):
            made.stop("immediate")


def _replayed(primary: Cluster, replica: Cluster) -> None:
    """Wait until the replica has replayed everything the primary has written so far."""
    target = _sql(primary.url, "SELECT pg_current_wal_lsn()::text")
    _wait(
        "the replica replays the primary's writes",
        lambda: _sql(replica.url, f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn"),
    )


def _replica_state(base: str) -> dict[str, Any]:
    response = httpx.get(f"{base}/readyz", timeout=10)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "ready"
    (state,) = body["replicas"]
    assert isinstance(state, dict)
    return state


@needs_cluster
@postgresql_only
def test_reads_on_the_replica_writes_on_the_primary(cluster: Cluster, replica: Cluster) -> None:
    primary = cluster
    migrate.upgrade(migrate.alembic_config(primary.url), "head")
    engine = make_engine(database_urls(primary.url))
    with session_scope(engine, write=True) as session:
        token = create_token(session, name="replica test", role=TokenRole.EDITOR).secret
        create_speaker(session, name="Replicated Before")
    _replayed(primary, replica)

    settings = {
        "QUOTECHECK_READ_DATABASE_URLS": replica.url,
        "QUOTECHECK_REPLICA_MAX_LAG": str(MAX_LAG_S),
        "QUOTECHECK_RATE_LIMIT": "0",
    }
    with (
        server(primary.url, **settings) as base,
        httpx.Client(base_url=base, timeout=10, headers={"Authorization": f"Bearer {token}"}) as writer,
        httpx.Client(base_url=base, timeout=10) as reader,
    ):
        state = _wait(
            "/readyz finds the replica usable",
            lambda: _replica_state(base)["state"] == "ok" and _replica_state(base),
        )
        assert 0 <= state["lagSeconds"] <= MAX_LAG_S and state["lagBytes"] >= 0, state

        # a read: served by the replica, not the primary
        on_primary, on_replica = _speaker_reads(primary.url), _speaker_reads(replica.url)
        assert _names(reader.post("/graphql", json={"query": SPEAKERS})) == {"Replicated Before"}
        assert _speaker_reads(replica.url) > on_replica
        assert _speaker_reads(primary.url) == on_primary

        # the replica stops replaying: it falls behind the primary from the next write on
        _sql(replica.url, "SELECT pg_wal_replay_pause()")
        created = writer.post("/graphql", json={"query": CREATE, "variables": {"name": "Replicated After"}})
        assert created.status_code == 200, created.text
        assert created.json()["data"]["createSpeaker"]["userErrors"] == []
        lsn = created.headers["X-Quotecheck-LSN"]
        assert writer.cookies["quotecheck_lsn"].strip('"') == lsn  # quoted: a cookie value holding "/"
        # the write is on the primary (the replica, read-only and paused, has not got it)
        assert _sql(primary.url, "SELECT count(*) FROM speaker WHERE name = 'Replicated After'") == 1
        assert _sql(replica.url, "SELECT count(*) FROM speaker WHERE name = 'Replicated After'") == 0

        # read-your-writes: the writer (its cookie) and any client sending the header see the write at once,
        # read from the primary; a client without either still reads the replica, within the lag allowed
        on_primary = _speaker_reads(primary.url)
        assert _names(writer.post("/graphql", json={"query": SPEAKERS})) == {
            "Replicated Before",
            "Replicated After",
        }
        assert _speaker_reads(primary.url) > on_primary
        assert _names(
            reader.post("/graphql", json={"query": SPEAKERS}, headers={"X-Quotecheck-LSN": lsn})
        ) == {"Replicated Before", "Replicated After"}
        on_replica = _speaker_reads(replica.url)
        assert _names(reader.post("/graphql", json={"query": SPEAKERS})) == {"Replicated Before"}
        assert _speaker_reads(replica.url) > on_replica

        # /readyz reports the lag; beyond the bound the replica is skipped and everyone reads the primary
        state = _replica_state(base)
        assert state["lagBytes"] > 0 and state["lagSeconds"] > 0, state
        state = _wait(
            "the replica is reported lagging", lambda: (s := _replica_state(base))["state"] == "lagging" and s
        )
        assert state["lagSeconds"] > MAX_LAG_S, state
        assert _names(reader.post("/graphql", json={"query": SPEAKERS})) == {
            "Replicated Before",
            "Replicated After",
        }

        # replaying again, it catches up and serves reads again, the writer's too
        _sql(replica.url, "SELECT pg_wal_replay_resume()")
        _wait("the replica is usable again", lambda: _replica_state(base)["state"] == "ok")
        on_replica = _speaker_reads(replica.url)
        assert _names(writer.post("/graphql", json={"query": SPEAKERS})) == {
            "Replicated Before",
            "Replicated After",
        }
        assert _speaker_reads(replica.url) > on_replica

        # the replica stops: the API goes on answering from the primary, at once, and /readyz says so
        replica.stop()
        for _ in range(3):
            assert _names(reader.post("/graphql", json={"query": SPEAKERS})) == {
                "Replicated Before",
                "Replicated After",
            }
        state = _replica_state(base)
        assert state["state"] == "down" and "error" in state, state

    with session_scope(engine) as session:
        assert set(session.scalars(select(Speaker.name))) == {"Replicated Before", "Replicated After"}
    engine.dispose()

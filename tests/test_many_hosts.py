"""Many hosts on one Redis: two `quotecheck serve` processes (as two hosts behind a proxy would run) share
persisted queries and rate limits through a real Redis at 127.0.0.1:6379, under a key prefix of the test's own;
a third server without Redis keeps its own. Skipped without a Redis there."""

from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
import redis

from tests.test_ratelimit import REDIS_URL, needs_redis

pytestmark = needs_redis

DOCUMENT = '{ speakers(filter: {name: "lavrov"}) { totalCount } }'
DIGEST = hashlib.sha256(DOCUMENT.encode()).hexdigest()
PERSISTED = {"persistedQuery": {"version": 1, "sha256Hash": DIGEST}}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve(database_url: str, **settings: str) -> Iterator[httpx.Client]:
    """`quotecheck serve` in a process of its own on a free port; a client of it once /readyz says ready."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUOTECHECK_")}
    env |= {"QUOTECHECK_DATABASE_URL": database_url, **settings}
    process = subprocess.Popen(
        [sys.executable, "-m", "quotecheck", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if client.get("/readyz").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert process.poll() is None, process.communicate()[1]
                assert time.monotonic() < deadline, "the server did not come up in 60 s"
                time.sleep(0.2)
            yield client
    finally:
        process.terminate()
        _, errors = process.communicate(timeout=30)
    assert "Traceback" not in errors, errors


def _code(response: httpx.Response) -> str | None:
    body: dict[str, Any] = response.json()
    errors = body.get("errors") or [{}]
    code = errors[0].get("extensions", {}).get("code")
    return code if isinstance(code, str) else None


@pytest.fixture
def prefix() -> Iterator[str]:
    """A Redis key prefix of this test's own, whose keys are deleted afterwards (others share this Redis)."""
    name = f"quotecheck-test-{uuid.uuid4().hex}"
    yield name
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(f"{name}*"))
    if keys:
        client.delete(*keys)
    client.close()


def test_two_servers_share_persisted_queries_and_rate_limits(demo_url: str, prefix: str) -> None:
    shared = {"QUOTECHECK_REDIS_URL": REDIS_URL, "QUOTECHECK_REDIS_PREFIX": prefix}
    with (
        serve(demo_url, QUOTECHECK_RATE_LIMIT="8/minute", **shared) as first,
        serve(demo_url, QUOTECHECK_RATE_LIMIT="8/minute", **shared) as second,
        serve(demo_url, QUOTECHECK_RATE_LIMIT="0") as alone,
    ):
        # unknown everywhere at first
        assert _code(first.post("/graphql", json={"extensions": PERSISTED})) == "PERSISTED_QUERY_NOT_FOUND"
        # registered through the first server ...
        registered = first.post("/graphql", json={"query": DOCUMENT, "extensions": PERSISTED})
        assert registered.json()["data"] == {"speakers": {"totalCount": 1}}
        # ... the second knows it by its hash alone (POST and GET), a server without Redis does not
        by_hash = second.post("/graphql", json={"extensions": PERSISTED})
        assert by_hash.status_code == 200 and by_hash.json()["data"] == {"speakers": {"totalCount": 1}}
        got = second.get("/graphql", params={"extensions": json.dumps(PERSISTED)})
        assert got.json()["data"] == {"speakers": {"totalCount": 1}}, got.text
        assert _code(alone.post("/graphql", json={"extensions": PERSISTED})) == "PERSISTED_QUERY_NOT_FOUND"
        stored = redis.Redis.from_url(REDIS_URL).get(f"{prefix}:pq:{DIGEST}")
        assert stored == DOCUMENT.encode()

        # one count of 8 a minute for this address across both servers: 4 requests made above, 4 more pass
        for client in (first, second, first, second):
            assert client.post("/graphql", json={"query": DOCUMENT}).status_code == 200
        for client in (first, second):
            refused = client.post("/graphql", json={"query": DOCUMENT})
            assert refused.status_code == 429 and _code(refused) == "RATE_LIMITED", refused.text
        assert alone.post("/graphql", json={"query": DOCUMENT}).status_code == 200

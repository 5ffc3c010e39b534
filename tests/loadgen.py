"""A real API server in a subprocess and a mixed read/write load against it, for the load and fault tests.

The server is `uvicorn` on a socket the test binds to a free port of 127.0.0.1 and hands over: no fixed
port, no race for one. The load is `concurrency` clients for `seconds`, each a loop of reads (quote and
speaker lists) and writes with an editor token (createSpeaker, then updateSpeaker of a speaker it made); every
write the server acknowledged is remembered, so that the test can count them in the database afterwards.
"""

from __future__ import annotations

import asyncio
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO, Any

import httpx

READS = (
    "{ quotes(first: 10) { totalCount edges { node { id text speaker { name } } } } }",
    '{ speakers(first: 5, filter: {name: "lav"}) { edges { node { id name roles { title } } } } }',
    "{ speakers(first: 20) { totalCount edges { node { id name version } } } }",
)
CREATE = """mutation($input: CreateSpeakerInput!) {
  createSpeaker(input: $input) { speaker { id version name } userErrors { code message } } }"""
UPDATE = """mutation($input: UpdateSpeakerInput!) {
  updateSpeaker(input: $input) { speaker { id version description } userErrors { code message } } }"""
LOAD_PREFIX = "Load Speaker"


@dataclass
class LoadResult:
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    codes: Counter[str] = field(default_factory=Counter)  # extensions.code of every error returned
    transport_errors: Counter[str] = field(default_factory=Counter)
    messages: list[str] = field(default_factory=list)  # error messages (the first 50)
    # (sent, answered: seconds since the start; status; first error code)
    timeline: list[tuple[float, float, int, str]] = field(default_factory=list)
    created: set[str] = field(default_factory=set)  # names of speakers whose creation was acknowledged
    described: dict[str, str] = field(default_factory=dict)  # speaker ID -> last acknowledged description
    attempted_writes: int = 0
    acknowledged_updates: int = 0  # every acknowledged update (`described` keeps the last of each speaker)

    @property
    def requests(self) -> int:
        return len(self.latencies)

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * p))] if ordered else 0.0

    @property
    def acknowledged(self) -> int:
        return len(self.created) + self.acknowledged_updates

    def summary(self) -> str:
        errors = sum(n for status, n in self.statuses.items() if status != 200) + sum(
            self.transport_errors.values()
        )
        return (
            f"{self.requests} requests in {self.seconds:.1f} s ({self.requests / max(self.seconds, 1e-9):.0f}/s), "
            f"errors {errors} (statuses {dict(self.statuses)}, codes {dict(self.codes)}, transport "
            f"{dict(self.transport_errors)}), p50 {self.percentile(0.5) * 1000:.0f} ms, "
            f"p99 {self.percentile(0.99) * 1000:.0f} ms, writes attempted {self.attempted_writes}, "
            f"acknowledged {self.acknowledged} ({len(self.created)} creates, {self.acknowledged_updates} updates of "
            f"{len(self.described)} speakers)"
        )


# uvicorn's own `--fd` takes any socket for a Unix one, so TCP_NODELAY is never set and Nagle's algorithm
# adds 40 ms to many responses; a socket object made from the descriptor knows its family.
_SERVE = """
import socket, sys, uvicorn
config = uvicorn.Config(
    "quotecheck.api.app:create_app", factory=True, log_level="warning", access_log=False
)
uvicorn.Server(config).run(sockets=[socket.socket(fileno=int(sys.argv[1]))])
"""


def _read(log_file: IO[bytes]) -> str:
    log_file.seek(0)
    return log_file.read().decode(errors="replace")


def _bound_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.set_inheritable(True)
    return sock


@contextmanager
def server(database_url: str, **settings: str) -> Iterator[str]:
    """`uvicorn` serving the app on a free port of 127.0.0.1; yields its base URL once /healthz answers."""
    sock = _bound_socket()
    port = sock.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUOTECHECK_")}
    env |= {"QUOTECHECK_DATABASE_URL": database_url, **settings}
    command = [sys.executable, "-c", _SERVE, str(sock.fileno())]
    # the log goes to a file: a pipe nobody reads until the end fills up and stops the server mid-write
    with tempfile.TemporaryFile() as log_file:
        process = subprocess.Popen(
            command, env=env, pass_fds=(sock.fileno(),), stdout=subprocess.DEVNULL, stderr=log_file
        )
        sock.close()  # the server holds its own copy
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"the server did not start: {_read(log_file)[-2000:]}")
                time.sleep(0.05)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log = _read(log_file)
    at = log.find("Traceback")
    assert at < 0, log[max(0, at - 500) : at + 6000]


async def _client(
    worker: int,
    http: httpx.AsyncClient,
    token: str,
    until: float,
    started: float,
    result: LoadResult,
    write_share: float,
) -> None:
    rng = random.Random(worker)
    auth = {"Authorization": f"Bearer {token}"}
    mine: dict[str, int] = {}  # speaker ID -> version, of speakers this client made
    made = 0
    while time.monotonic() < until:
        body: dict[str, Any]
        headers: dict[str, str] = {}
        write: tuple[str, str] | None = None
        if rng.random() >= write_share:
            body = {"query": rng.choice(READS)}
        elif mine and rng.random() < 0.4:
            speaker, version = rng.choice(sorted(mine.items()))
            description = f"revision {rng.randrange(10**9)}"
            body = {
                "query": UPDATE,
                "variables": {"input": {"id": speaker, "version": version, "description": description}},
            }
            headers, write = auth, ("update", description)
        else:
            made += 1
            name = f"{LOAD_PREFIX} {worker}-{made}"
            body = {"query": CREATE, "variables": {"input": {"name": name}}}
            headers, write = auth, ("create", name)
        sent = time.monotonic()
        if write is not None:
            result.attempted_writes += 1
        try:
            response = await http.post("/graphql", json=body, headers=headers)
        except httpx.TransportError as error:
            result.transport_errors[type(error).__name__] += 1
            result.timeline.append((sent - started, time.monotonic() - started, 0, type(error).__name__))
            continue
        result.latencies.append(time.monotonic() - sent)
        result.statuses[response.status_code] += 1
        try:
            payload = response.json()
        except ValueError:
            payload = {"errors": [{"message": response.text[:200], "extensions": {"code": "NOT_JSON"}}]}
        codes = [str((e.get("extensions") or {}).get("code")) for e in payload.get("errors") or ()]
        for code, failure in zip(codes, payload.get("errors") or (), strict=True):
            result.codes[code] += 1
            if len(result.messages) < 50:
                result.messages.append(str(failure.get("message")))
        answered = time.monotonic() - started
        result.timeline.append((sent - started, answered, response.status_code, codes[0] if codes else ""))
        if write is None or response.status_code != 200 or codes:
            continue
        kind, value = write
        data = payload["data"]["createSpeaker" if kind == "create" else "updateSpeaker"]
        if data["userErrors"]:
            for user_error in data["userErrors"]:
                result.codes["user:" + user_error["code"]] += 1
            continue
        speaker = data["speaker"]
        mine[speaker["id"]] = speaker["version"]
        if kind == "create":
            result.created.add(value)
        else:
            result.described[speaker["id"]] = value
            result.acknowledged_updates += 1


async def run_load(
    base_url: str, token: str, *, seconds: float, concurrency: int = 32, write_share: float = 0.3
) -> LoadResult:
    result = LoadResult()
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    transport = httpx.AsyncHTTPTransport(
        limits=limits, socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]
    )
    async with httpx.AsyncClient(base_url=base_url, timeout=60, transport=transport) as http:
        started = time.monotonic()
        until = started + seconds
        await asyncio.gather(
            *(_client(n, http, token, until, started, result, write_share) for n in range(concurrency))
        )
        result.seconds = time.monotonic() - started
    return result


def load_seconds(default: float) -> float:
    """`QUOTECHECK_LOAD_SECONDS` overrides a test's default duration (e.g. 60 for the full run by hand)."""
    value = os.environ.get("QUOTECHECK_LOAD_SECONDS", "").strip()
    return float(value) if value else default

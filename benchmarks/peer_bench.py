"""quotecheck side by side with PostGraphile: the same four queries on the same PostgreSQL database, one run.

Not a test: it prints figures. Machines here are noisy; compare the ratios of one run, not runs of different days.

    .venv/bin/python benchmarks/peer_bench.py --database-url postgresql://postgres@127.0.0.1/peer_bench \\
        --quotes 20000 --seconds 5

It creates the database if missing and fills it with `quotecheck bench generate` (`--no-fill` reuses what is
there), installs PostGraphile v4 from the npm registry into a
temporary folder (benchmarks/postgraphile/package.json pins it), starts `quotecheck serve` (one worker) and
PostGraphile (one Node process, read-only: no mutations) on 127.0.0.1, loads both alternately with the same
logical queries at each concurrency, prints requests/s, p50, p99 and the ratio quotecheck/PostGraphile as a
Markdown table, writes them to a JSON file, and stops both servers. Each server's resident memory (VmRSS of
its process tree) is sampled throughout. The only object it adds to the database is the schema `bench_peer`
(a search function for PostGraphile), dropped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Connection, create_engine, text
from sqlalchemy.engine import make_url

from quotecheck import migrate
from quotecheck.global_ids import encode_id
from quotecheck.settings import database_urls

HERE = Path(__file__).resolve().parent
PEER_PACKAGE = HERE / "postgraphile"
PEER_SCHEMA = "bench_peer"
SERVERS = ("quotecheck", "postgraphile")
QUERIES = {
    "q1": "one quote by ID with its speaker's name",
    "q2": "first 50 quotes of a speaker, outlet names and appearance counts",
    "q3": "search returning 20 quotes with speakers",
    "q4": "provenance chain of depth 3",
}
POOL = 200  # distinct argument values per query, sent in the same order to both servers


# --- the database --------------------------------------------------------------------------------------------


def ensure_database(url: str) -> bool:
    """Create the database when it does not exist; True when it was created."""
    target = make_url(url)
    if target.get_backend_name() not in ("postgresql", "postgres"):
        sys.exit(
            f"--database-url must be a PostgreSQL URL (PostGraphile runs on PostgreSQL only), not {url!r}"
        )
    if target.host not in (None, "127.0.0.1", "localhost"):
        sys.exit(f"the benchmark only talks to 127.0.0.1; {target.host!r} is not it")
    maintenance = create_engine(
        target.set(drivername="postgresql+psycopg", database="postgres"), isolation_level="AUTOCOMMIT"
    )
    try:
        with maintenance.connect() as connection:
            exists = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database}
            ).scalar()
            if not exists:
                connection.execute(text(f'CREATE DATABASE "{target.database}"'))
    finally:
        maintenance.dispose()
    return not exists


def drop_database(url: str) -> None:
    target = make_url(url)
    maintenance = create_engine(
        target.set(drivername="postgresql+psycopg", database="postgres"), isolation_level="AUTOCOMMIT"
    )
    try:
        with maintenance.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
    finally:
        maintenance.dispose()


def engine_for(url: str) -> Any:
    return create_engine(database_urls(url).sync)


def reset_schema(url: str) -> None:
    """An empty database at the migrations' head."""
    engine = engine_for(url)
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {PEER_SCHEMA} CASCADE"))
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    migrate.upgrade(migrate.alembic_config(url), "head")


def quotecheck_command() -> list[str]:
    script = Path(sys.executable).with_name("quotecheck")
    return [str(script)] if script.exists() else [sys.executable, "-m", "quotecheck"]


def fill(url: str, quotes: int, seed: int) -> str:
    """Reset the database and fill it with `quotecheck bench generate` (without the quote check's index: no
    query here reads it); returns how."""
    reset_schema(url)
    subprocess.run(
        [
            *quotecheck_command(),
            "bench",
            "generate",
            "--quotes",
            str(quotes),
            "--seed",
            str(seed),
            "--no-index",
        ],
        env={**os.environ, "QUOTECHECK_DATABASE_URL": url},
        check=True,
        timeout=3 * 3600,
    )
    how = "quotecheck bench generate"
    engine = engine_for(url)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))
    engine.dispose()
    return how


@dataclass
class Arguments:
    """The argument values of each query: drawn once from the database, sent in the same order to both servers."""

    quotes: list[int]
    speakers: list[int]
    words: list[str]
    chains: list[int]
    search: str  # how quotecheck searches: "search" (full-text argument) or "textContains"


def pick_arguments(url: str, seed: int, search: str) -> Arguments:
    rng = random.Random(seed)
    engine = engine_for(url)
    with engine.connect() as connection:
        low, high = connection.execute(text("SELECT min(id), max(id) FROM quote")).one()
        if low is None:
            sys.exit("the database holds no quotes: run without --no-fill")
        candidates = [rng.randint(low, high) for _ in range(POOL * 2)]
        found = set(
            connection.execute(
                text("SELECT id FROM quote WHERE id = ANY(:ids)"), {"ids": candidates}
            ).scalars()
        )
        quote_ids = [i for i in candidates if i in found][:POOL]
        counts = connection.execute(
            text(
                "SELECT speaker_id, count(*) FROM quote GROUP BY speaker_id ORDER BY count(*) DESC, speaker_id"
            )
        ).all()
        speakers = [s for s, n in counts if n >= 50] or [s for s, _ in counts[:10]]
        chains = list(
            connection.execute(
                text(
                    "SELECT a3.id FROM appearance a3 "
                    "JOIN appearance a2 ON a2.id = a3.taken_from_appearance_id "
                    "JOIN appearance a1 ON a1.id = a2.taken_from_appearance_id "
                    "ORDER BY a3.id LIMIT 5000"
                )
            ).scalars()
        )
        if not chains:
            sys.exit("no appearance chain of depth 3 in this corpus: q4 has nothing to follow")
        sample = list(
            connection.execute(
                text("SELECT text FROM quote WHERE id = ANY(:ids)"),
                {"ids": [rng.randint(low, high) for _ in range(3000)]},
            ).scalars()
        )
    engine.dispose()
    words = search_words(sample, rng)
    return Arguments(
        quotes=quote_ids,
        speakers=[rng.choice(speakers) for _ in range(POOL)],
        words=words,
        chains=[rng.choice(chains) for _ in range(POOL)],
        search=search,
    )


def search_words(texts: list[str], rng: random.Random) -> list[str]:
    """Words of middling frequency (in 0.5-5% of quotes): enough matches for 20, and every match is ranked."""
    frequency: Counter[str] = Counter()
    for quote in texts:
        frequency.update(set(re.findall(r"[a-z]{5,}", quote.lower())))
    middling = sorted(w for w, n in frequency.items() if 0.005 <= n / max(1, len(texts)) <= 0.05)
    if not middling:  # a tiny corpus: take the most frequent instead
        middling = [w for w, _ in frequency.most_common(10)]
    chosen = rng.sample(middling, min(10, len(middling)))
    return [chosen[i % len(chosen)] for i in range(POOL)]


def search_mode() -> str:
    """quotecheck's full-text `search` argument when its schema has one, else the substring filter."""
    from graphql import build_schema

    from quotecheck.api.schema import schema_sdl

    query_type = build_schema(schema_sdl()).query_type
    assert query_type is not None
    return "search" if "search" in query_type.fields["quotes"].args else "textContains"


CANDIDATES = 1000  # as quotecheck.services.search: only the newest matches are ranked


def peer_search_body(connection: Connection) -> tuple[str, str] | None:
    """The body of `search_quotes(q)` doing what quotecheck's `search` does over the migrations' objects:
    a match in any language's reading (what the GIN index answers) and in the row's own, the newest
    CANDIDATES matches, ranked by ts_rank in the row's language; None when the database has no such objects."""
    configs = sorted(
        connection.execute(
            text("SELECT cfgname FROM pg_ts_config WHERE cfgname LIKE 'quotecheck\\_%'")
        ).scalars()
    )
    has_vector = connection.execute(
        text(
            "SELECT 1 FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'quote' "
            "AND column_name = 'search_vector' AND data_type = 'tsvector'"
        )
    ).scalar()
    if not configs or not has_vector or "quotecheck_simple" not in configs:
        return None
    any_reading = " || ".join(f"websearch_to_tsquery('{c}', q)" for c in configs)
    own = (
        "CASE quotecheck_search_config(language) "
        + " ".join(
            f"WHEN '{c}'::regconfig THEN websearch_to_tsquery('{c}', q)"
            for c in configs
            if c != "quotecheck_simple"
        )
        + " ELSE websearch_to_tsquery('quotecheck_simple', q) END"
    )
    body = (
        "SELECT quote.* FROM (SELECT id, language, search_vector FROM public.quote "
        f"WHERE search_vector @@ ({any_reading}) AND search_vector @@ ({own}) "
        f"ORDER BY id DESC LIMIT {CANDIDATES}) AS hit JOIN public.quote USING (id) "
        f"ORDER BY ts_rank(hit.search_vector, {own.replace('(language)', '(hit.language)')}) DESC, quote.id DESC"
    )
    return body, f"full text over search_vector, the newest {CANDIDATES} matches ranked by ts_rank"


def create_peer_search(url: str, mode: str) -> str:
    """PostGraphile's q3: a SQL function in its own schema doing what quotecheck's search does; returns which."""
    engine = engine_for(url)
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {PEER_SCHEMA} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {PEER_SCHEMA}"))
        found = peer_search_body(connection) if mode == "search" else None
        if found:
            body, how = found
        else:
            body = "SELECT quote.* FROM public.quote WHERE lower(quote.text) LIKE '%' || lower(q) || '%' ORDER BY quote.id"
            how = "substring: lower(text) LIKE '%q%', by ID"
        connection.execute(
            text(
                f"CREATE FUNCTION {PEER_SCHEMA}.search_quotes(q text) RETURNS SETOF public.quote "
                f"LANGUAGE sql STABLE AS $$ {body} $$"
            )
        )
    engine.dispose()
    return how


def drop_peer_schema(url: str) -> None:
    engine = engine_for(url)
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {PEER_SCHEMA} CASCADE"))
    engine.dispose()


# --- the queries, written once per server's schema -----------------------------------------------------------

QUOTECHECK = {
    "q1": "query($id: ID!) { quote(id: $id) { id text speaker { name } } }",
    "q2": "query($s: ID!) { quotes(first: 50, filter: {speakerId: $s}) { edges { node { id text "
    "appearances(first: 10) { totalCount edges { node { source { outlet { name } } } } } } } } }",
    "q3:search": "query($q: String!) { quotes(first: 20, search: $q) { edges { node { id text speaker { name } } } } }",
    "q3:textContains": "query($q: String!) { quotes(first: 20, filter: {textContains: $q}) { edges { node { id text "
    "speaker { name } } } } }",
    "q4": "query($id: ID!) { node(id: $id) { ... on Appearance { textAsPublished source { title } "
    "takenFrom { ... on Appearance { textAsPublished source { title } "
    "takenFrom { ... on Appearance { textAsPublished source { title } } ... on Source { title } } } "
    "... on Source { title } } } } }",
}
POSTGRAPHILE = {
    "q1": "query($id: Int!) { quoteById(id: $id) { id text speakerBySpeakerId { name } } }",
    "q2": "query($s: Int!) { allQuotesList(condition: {speakerId: $s}, orderBy: ID_ASC, first: 50) { id text "
    "appearancesByQuoteId(first: 10, orderBy: ID_ASC) { totalCount nodes { sourceBySourceId { outletByOutletId "
    "{ name } } } } } }",
    "q3": "query($q: String!) { searchQuotesList(q: $q, first: 20) { id text speakerBySpeakerId { name } } }",
    "q4": "query($id: Int!) { appearanceById(id: $id) { text sourceBySourceId { title } "
    "appearanceByTakenFromAppearanceId { text sourceBySourceId { title } "
    "appearanceByTakenFromAppearanceId { text sourceBySourceId { title } } } } }",
}


def bodies(server: str, query: str, args: Arguments) -> list[bytes]:
    """The request bodies of one query, in the order sent."""
    if server == "quotecheck":
        document = QUOTECHECK[f"q3:{args.search}" if query == "q3" else query]
        by_query: dict[str, list[dict[str, Any]]] = {
            "q1": [{"id": encode_id("Quote", i)} for i in args.quotes],
            "q2": [{"s": encode_id("Speaker", i)} for i in args.speakers],
            "q3": [{"q": w} for w in args.words],
            "q4": [{"id": encode_id("Appearance", i)} for i in args.chains],
        }
    else:
        document = POSTGRAPHILE[query]
        by_query = {
            "q1": [{"id": i} for i in args.quotes],
            "q2": [{"s": i} for i in args.speakers],
            "q3": [{"q": w} for w in args.words],
            "q4": [{"id": i} for i in args.chains],
        }
    return [json.dumps({"query": document, "variables": v}).encode() for v in by_query[query]]


def shape(server: str, query: str, data: dict[str, Any]) -> tuple[int, ...]:
    """What one answer holds, comparable across servers: the check that both answer the same question."""
    if server == "quotecheck":
        if query == "q1":
            return (int(bool(data["quote"]["speaker"]["name"])),)
        if query == "q2":
            nodes = [e["node"] for e in data["quotes"]["edges"]]
            return (len(nodes), sum(n["appearances"]["totalCount"] for n in nodes))
        if query == "q3":
            return (len(data["quotes"]["edges"]),)
        depth, node = 0, data["node"]
        while node is not None and "textAsPublished" in node:
            depth, node = depth + 1, node.get("takenFrom")
        return (depth,)
    if query == "q1":
        return (int(bool(data["quoteById"]["speakerBySpeakerId"]["name"])),)
    if query == "q2":
        rows = data["allQuotesList"]
        return (len(rows), sum(r["appearancesByQuoteId"]["totalCount"] for r in rows))
    if query == "q3":
        return (len(data["searchQuotesList"]),)
    depth, node = 0, data["appearanceById"]
    while node is not None:
        depth, node = depth + 1, node.get("appearanceByTakenFromAppearanceId")
    return (depth,)


# --- the servers ---------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    base: str
    endpoint: str
    log: Path
    rss_max_kb: int = 0
    rss_samples: list[int] = field(default_factory=list)

    def wait_ready(self, probe: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            with contextlib.suppress(httpx.TransportError):
                if probe == "graphql":
                    response = httpx.post(self.endpoint, json={"query": "{ __typename }"}, timeout=5)
                else:
                    response = httpx.get(self.base + probe, timeout=5)
                if response.status_code == 200:
                    return
            time.sleep(0.25)
        tail = self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""
        raise SystemExit(f"{self.name} did not become ready within {timeout:.0f} s; its log ends:\n{tail}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)


def tree(pid: int) -> list[int]:
    """A process and its descendants, from /proc (psutil is not a dependency)."""
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        if current in found:
            continue
        found.append(current)
        with contextlib.suppress(OSError):
            for task in Path(f"/proc/{current}/task").iterdir():
                with contextlib.suppress(OSError):
                    pending.extend(int(c) for c in (task / "children").read_text().split())
    return found


def tree_rss_kb(pid: int) -> int:
    """VmRSS of a process tree, in kB."""
    total = 0
    for current in tree(pid):
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
                    break
    return total


TICKS = os.sysconf("SC_CLK_TCK")


def tree_cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process tree so far (PostgreSQL's own backends not included)."""
    total = 0
    for current in tree(pid):
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICKS


@contextlib.contextmanager
def sampling(servers: list[Server], every: float = 0.2) -> Iterator[None]:
    stop = threading.Event()

    def run() -> None:
        while not stop.is_set():
            for server in servers:
                rss = tree_rss_kb(server.process.pid)
                server.rss_max_kb = max(server.rss_max_kb, rss)
            stop.wait(every)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def install_postgraphile(folder: Path) -> tuple[Path, str]:
    """PostGraphile from the npm registry into `folder`, as pinned by benchmarks/postgraphile; (cli.js, version)."""
    npm = shutil.which("npm")
    node = shutil.which("node")
    if not npm or not node:
        sys.exit("PostGraphile needs Node.js and npm (apt-get install nodejs npm)")
    for name in ("package.json", "package-lock.json"):
        if (PEER_PACKAGE / name).exists():
            shutil.copy(PEER_PACKAGE / name, folder / name)
    command = "ci" if (folder / "package-lock.json").exists() else "install"
    subprocess.run(
        [npm, command, "--prefix", str(folder), "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=folder,
        check=True,
        timeout=600,
        stdout=subprocess.DEVNULL,
    )
    package = folder / "node_modules" / "postgraphile"
    version = json.loads((package / "package.json").read_text())["version"]
    return package / "cli.js", version


def start_quotecheck(url: str, folder: Path) -> Server:
    port = free_port()
    log = folder / "quotecheck.log"
    process = subprocess.Popen(
        [*quotecheck_command(), "serve", "--host", "127.0.0.1", "--port", str(port)],
        env={**os.environ, "QUOTECHECK_DATABASE_URL": url},
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    return Server("quotecheck", process, base, base + "/graphql", log)


def start_postgraphile(cli: Path, url: str, folder: Path) -> Server:
    port = free_port()
    log = folder / "postgraphile.log"
    process = subprocess.Popen(
        [
            shutil.which("node") or "node",
            str(cli),
            "--connection",
            url,
            "--schema",
            f"public,{PEER_SCHEMA}",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--disable-graphiql",
            "--disable-default-mutations",  # read-only over the same tables
            "--dynamic-json",
            "--simple-collections",
            "both",
            "--no-setof-functions-contain-nulls",
        ],
        env={**os.environ, "NODE_ENV": "production"},
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    return Server("postgraphile", process, base, base + "/graphql", log)


# --- the load ------------------------------------------------------------------------------------------------


@dataclass
class Figures:
    requests: int
    errors: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    server_cpu_ms: float = 0.0  # the server process's CPU time per request: less noisy than requests/s
    client_cpu_share: float = 0.0  # the load generator's CPU time over wall time (1.0 = one core busy)


def measure(server: Server, payloads: list[bytes], seconds: float, concurrency: int) -> Figures:
    cpu, client = tree_cpu_seconds(server.process.pid), time.process_time()
    figures = asyncio.run(drive(server.endpoint, payloads, seconds, concurrency))
    figures.server_cpu_ms = round(
        (tree_cpu_seconds(server.process.pid) - cpu) * 1000 / max(1, figures.requests), 3
    )
    figures.client_cpu_share = round((time.process_time() - client) / figures.seconds, 2)
    return figures


async def drive(endpoint: str, payloads: list[bytes], seconds: float, concurrency: int) -> Figures:
    """`concurrency` clients, each sending its next request as soon as the last one answers, for `seconds`.

    Each client has its own one-connection pool: httpx's shared pool costs the load generator several times
    more CPU per request at 32 connections than at 8, which would cap the faster server."""
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    headers = {"content-type": "application/json"}
    clients = [httpx.AsyncClient(timeout=30, limits=limits) for _ in range(concurrency)]
    for client in clients:  # connect before the clock starts
        await client.post(endpoint, content=payloads[0], headers=headers)
    started, client_cpu = time.perf_counter(), time.process_time()
    deadline = started + seconds

    async def worker(offset: int, client: httpx.AsyncClient) -> None:
        nonlocal errors
        i = offset
        while time.perf_counter() < deadline:
            body = payloads[i % len(payloads)]
            i += concurrency
            sent = time.perf_counter()
            response = await client.post(endpoint, content=body, headers=headers)
            latencies.append(time.perf_counter() - sent)
            if response.status_code != 200 or b'"errors"' in response.content:
                errors += 1

    try:
        await asyncio.gather(*(worker(n, client) for n, client in enumerate(clients)))
        elapsed, client_cpu = time.perf_counter() - started, time.process_time() - client_cpu
    finally:
        for client in clients:
            await client.aclose()
    latencies.sort()
    return Figures(
        requests=len(latencies),
        errors=errors,
        seconds=round(elapsed, 3),
        rps=round(len(latencies) / elapsed, 1),
        p50_ms=round(statistics.median(latencies) * 1000, 2),
        p99_ms=round(latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000, 2),
        client_cpu_share=round(client_cpu / elapsed, 2),
    )


def check_answers(servers: dict[str, Server], args: Arguments) -> dict[str, Any]:
    """Each query once per server on the same arguments: no errors, and both answers hold the same."""
    report: dict[str, Any] = {}
    for query in QUERIES:
        shapes = {}
        for name, server in servers.items():
            body = bodies(name, query, args)[0]
            response = httpx.post(
                server.endpoint, content=body, headers={"content-type": "application/json"}, timeout=60
            )
            payload = response.json()
            if response.status_code != 200 or payload.get("errors"):
                raise SystemExit(f"{name} failed {query}: {response.status_code} {json.dumps(payload)[:800]}")
            shapes[name] = shape(name, query, payload["data"])
        report[query] = {name: list(s) for name, s in shapes.items()}
        same = "same" if len(set(shapes.values())) == 1 else "DIFFERENT"
        print(f"  {query}: {same} answer shape {shapes}")
    return report


def ratio(a: float, b: float) -> float | None:
    return round(a / b, 2) if b else None


def table(results: list[dict[str, Any]]) -> str:
    lines = [
        "| query | conc. | quotecheck req/s | PostGraphile req/s | ratio req/s | quotecheck p50 ms | "
        "PostGraphile p50 ms | quotecheck p99 ms | PostGraphile p99 ms | ratio p99 | server CPU ms/req "
        "(quotecheck / PostGraphile) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in results:
        qc, pg = row["quotecheck"], row["postgraphile"]
        lines.append(
            f"| {row['query']} | {row['concurrency']} | {qc['rps']:.0f} | {pg['rps']:.0f} | {row['ratio_rps']} | "
            f"{qc['p50_ms']:.1f} | {pg['p50_ms']:.1f} | {qc['p99_ms']:.1f} | {pg['p99_ms']:.1f} | {row['ratio_p99']} | "
            f"{qc['server_cpu_ms']:.2f} / {pg['server_cpu_ms']:.2f} |"
        )
    return "\n".join(lines)


def run(opts: argparse.Namespace, folder: Path) -> dict[str, Any]:
    url = opts.database_url
    meta: dict[str, Any] = {
        "quotes": opts.quotes,
        "seconds": opts.seconds,
        "concurrency": opts.concurrency,
        "seed": opts.seed,
        "database": database_urls(url).display(),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
    }
    created = ensure_database(url)
    if opts.no_fill and not created:
        print("corpus: reusing what the database holds (--no-fill)")
        meta["corpus"] = "reused"
    else:
        started = time.perf_counter()
        meta["corpus"] = fill(url, opts.quotes, opts.seed)
        meta["fill_seconds"] = round(time.perf_counter() - started, 1)
        print(f"corpus: {opts.quotes} quotes by the {meta['corpus']} in {meta['fill_seconds']} s")
    engine = engine_for(url)
    with engine.connect() as connection:
        meta["rows"] = {
            table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar()
            for table in ("speaker", "outlet", "source", "quote", "appearance")
        }
    engine.dispose()
    mode = search_mode()
    args = pick_arguments(url, opts.seed, mode)
    meta["quotecheck_search"] = mode
    meta["postgraphile_search"] = create_peer_search(url, mode)
    print(f"rows: {meta['rows']}")
    print(f"q3: quotecheck uses `{mode}`; PostGraphile's search_quotes does {meta['postgraphile_search']}")

    started = time.perf_counter()
    cli, version = install_postgraphile(folder)
    meta["postgraphile"] = version
    meta["node"] = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    print(
        f"PostGraphile {version} installed from npm in {time.perf_counter() - started:.1f} s (node {meta['node']})"
    )

    servers: dict[str, Server] = {}
    try:
        servers["quotecheck"] = start_quotecheck(url, folder)
        servers["postgraphile"] = start_postgraphile(cli, url, folder)
        servers["quotecheck"].wait_ready("/readyz", 90)
        servers["postgraphile"].wait_ready("graphql", 90)
        print("both servers ready; checking that they answer the same questions:")
        meta["answers"] = check_answers(servers, args)
        payloads = {(s, q): bodies(s, q, args) for s in SERVERS for q in QUERIES}
        results: list[dict[str, Any]] = []
        rss_after_warmup: dict[str, int] = {}
        with sampling(list(servers.values())):
            warm = min(2.0, opts.seconds)
            for query in QUERIES:
                for name in SERVERS:
                    asyncio.run(drive(servers[name].endpoint, payloads[name, query], warm, 8))
            for name, server in servers.items():
                rss_after_warmup[name] = tree_rss_kb(server.process.pid) // 1024
            turn = 0
            for concurrency in opts.concurrency:
                for query in QUERIES:
                    order = SERVERS if turn % 2 == 0 else SERVERS[::-1]  # alternate who goes first
                    turn += 1
                    figures: dict[str, Figures] = {}
                    for name in order:
                        figures[name] = measure(
                            servers[name], payloads[name, query], opts.seconds, concurrency
                        )
                    qc, pg = figures["quotecheck"], figures["postgraphile"]
                    row = {
                        "query": query,
                        "description": QUERIES[query],
                        "concurrency": concurrency,
                        "quotecheck": asdict(qc),
                        "postgraphile": asdict(pg),
                        "ratio_rps": ratio(qc.rps, pg.rps),
                        "ratio_p99": ratio(qc.p99_ms, pg.p99_ms),
                        "ratio_cpu": ratio(qc.server_cpu_ms, pg.server_cpu_ms),
                    }
                    results.append(row)
                    print(
                        f"  {query} c={concurrency:<3} quotecheck {qc.rps:>7.1f} req/s p50 {qc.p50_ms:>7.1f} "
                        f"p99 {qc.p99_ms:>7.1f} ms err {qc.errors} | PostGraphile {pg.rps:>7.1f} req/s "
                        f"p50 {pg.p50_ms:>7.1f} p99 {pg.p99_ms:>7.1f} ms err {pg.errors} | ratio {row['ratio_rps']} "
                        f"| CPU ms/request {qc.server_cpu_ms} vs {pg.server_cpu_ms} | client CPU "
                        f"{qc.client_cpu_share}/{pg.client_cpu_share}"
                    )
        rss = {
            name: {
                "max_mb": round(server.rss_max_kb / 1024, 1),
                "after_warmup_mb": rss_after_warmup[name],
                "at_end_mb": round(tree_rss_kb(server.process.pid) / 1024, 1),
            }
            for name, server in servers.items()
        }
    finally:
        for server in servers.values():
            server.stop()
        if not opts.keep_peer_schema:
            drop_peer_schema(url)
    if created and opts.drop_database:
        drop_database(url)
    return {"meta": meta, "results": results, "rss": rss}


def concurrency_list(value: str) -> list[int]:
    try:
        levels = [int(v) for v in value.split(",") if v.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r}: give numbers separated by commas, like 1,8,32"
        ) from None
    if not levels or min(levels) < 1:
        raise argparse.ArgumentTypeError(f"{value!r}: give positive numbers separated by commas, like 1,8,32")
    return levels


def main(argv: list[str] | None = None, *, out: Callable[[str], None] = print) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--database-url", required=True, help="postgresql://postgres@127.0.0.1/<db> (made if missing)"
    )
    parser.add_argument("--quotes", type=int, default=20000, help="corpus size (default 20000)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--seconds", type=float, default=10.0, help="load time per query, concurrency and server"
    )
    parser.add_argument("--concurrency", type=concurrency_list, default=[1, 8, 32], help="default 1,8,32")
    parser.add_argument(
        "--out", type=Path, default=Path("peer-bench-results.json"), help="the JSON results file"
    )
    parser.add_argument("--no-fill", action="store_true", help="reuse the corpus the database holds")
    parser.add_argument(
        "--keep-peer-schema", action="store_true", help=f"leave the {PEER_SCHEMA} schema in place"
    )
    parser.add_argument(
        "--drop-database", action="store_true", help="drop the database at the end if this run made it"
    )
    opts = parser.parse_args(argv)

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="peer-bench-") as directory:
        report = run(opts, Path(directory))
    report["meta"]["total_seconds"] = round(time.perf_counter() - started, 1)
    opts.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    out("")
    out(table(report["results"]))
    out("")
    for name, figures in report["rss"].items():
        out(
            f"RSS {name}: max {figures['max_mb']} MB (after warm-up {figures['after_warmup_mb']} MB, "
            f"at the end {figures['at_end_mb']} MB)"
        )
    out(f"results written to {opts.out} ({report['meta']['total_seconds']} s in all)")


if __name__ == "__main__":
    main()

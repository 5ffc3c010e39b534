"""Quotation finding and attribution on PolNeAR's training split, scored by ../shared/tools/attribution_score.py.

Not a test: it prints the scorer's three figures (found, attributed right, precise). By default it does what
the scorer expects, end to end: a fresh SQLite database in a temporary folder, `quotecheck db upgrade`, an
editor token, `quotecheck serve` on a free port, then every article through `importArticle(dryRun: true)`.
`--direct` skips the server and calls `extract_article` in this process (the same quotations, the speaker as
the text names them, before the importer matches speakers): a quick loop while reading misses.

    .venv/bin/python benchmarks/attribution_bench.py                      # all 840 articles, through the API
    .venv/bin/python benchmarks/attribution_bench.py --direct --limit 200 --show 40
    .venv/bin/python benchmarks/attribution_bench.py --speed     # the longest article, dry run, timed

The data is read where it lies (../shared/data/polnear_train beside the repository, or --data); nothing of
it is copied.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from types import ModuleType
from typing import Any

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
QUOTECHECK = Path(sys.executable).with_name("quotecheck")


def _scorer(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("attribution_score", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load the scorer at {path}; pass --scorer")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _direct_post(_url: str, _token: str, document: str) -> dict[str, Any]:
    """What `importArticle(dryRun: true)` would answer, from the extraction alone."""
    from quotecheck.services.articles import extract_article

    extraction = extract_article(document)
    quotations = [{"text": q.text, "speakerName": q.speaker or ""} for q in extraction.quotes]
    return {"data": {"importArticle": {"quotations": quotations, "userErrors": []}}}


def _serve(folder: Path) -> tuple[subprocess.Popen[bytes], str, str]:
    env = {**os.environ, "QUOTECHECK_DATABASE_URL": f"sqlite:///{folder / 'bench.db'}"}
    env.pop("QUOTECHECK_RATE_LIMIT", None)
    subprocess.run([str(QUOTECHECK), "db", "upgrade"], env=env, check=True, capture_output=True)
    made = subprocess.run(
        [str(QUOTECHECK), "token", "create", "--name", "attribution-bench", "--role", "editor"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    token = made.stdout.strip().split()[-1]
    port = _free_port()
    server = subprocess.Popen(
        [str(QUOTECHECK), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            with urllib.request.urlopen(url + "/readyz", timeout=2):
                return server, url, token
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise SystemExit("quotecheck serve did not become ready in 20 s")


def _speed(data: Path, runs: int = 5) -> None:
    """Wall-clock and CPU time of a dry-run import of the longest article, in this process on a fresh SQLite
    database at the migrations' head (the first run warms up and is not counted)."""
    from sqlalchemy.orm import Session

    from quotecheck import migrate
    from quotecheck.db import make_engine
    from quotecheck.services.articles import ArticleText, import_article
    from quotecheck.settings import database_urls

    longest = max((data / "text").glob("*.txt"), key=lambda path: path.stat().st_size)
    text = longest.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'speed.db'}"
        os.environ["QUOTECHECK_DATABASE_URL"] = url
        migrate.upgrade(migrate.alembic_config())
        engine = make_engine(database_urls(url))
        walls: list[float] = []
        cpus: list[float] = []
        with Session(engine) as session:
            for _ in range(runs + 1):
                wall, cpu = time.perf_counter(), time.process_time()
                report = import_article(session, ArticleText(text=text), dry_run=True)
                walls.append(time.perf_counter() - wall)
                cpus.append(time.process_time() - cpu)
        engine.dispose()
    walls, cpus = sorted(walls[1:]), sorted(cpus[1:])
    print(
        f"{longest.name}: {len(text.split())} words, {len(report.quotes)} quotations; dry-run import "
        f"wall {walls[0]:.2f} s best, {walls[len(walls) // 2]:.2f} s median; CPU {cpus[0]:.2f} s best "
        f"(of {runs} runs; load average {os.getloadavg()[0]:.1f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=SHARED / "data" / "polnear_train")
    parser.add_argument("--scorer", type=Path, default=SHARED / "tools" / "attribution_score.py")
    parser.add_argument("--limit", type=int, help="the first N articles only (for iteration)")
    parser.add_argument("--show", type=int, default=0, help="misses to print")
    parser.add_argument("--direct", action="store_true", help="call extract_article, no server")
    parser.add_argument("--speed", action="store_true", help="time a dry-run import of the longest article")
    args = parser.parse_args()
    if not (args.data / "text").is_dir():
        raise SystemExit(f"no articles under {args.data}/text; pass --data")
    if args.speed:
        _speed(args.data)
        return
    scorer = _scorer(args.scorer)
    began = time.perf_counter()
    if args.direct:
        scorer.post = _direct_post
        figures = scorer.score("direct", "", args.data, args.limit, args.show)
    else:
        with tempfile.TemporaryDirectory() as folder:
            server, url, token = _serve(Path(folder))
            try:
                figures = scorer.score(url, token, args.data, args.limit, args.show)
            finally:
                server.terminate()
                server.wait(timeout=10)
    elapsed = time.perf_counter() - began
    print(json.dumps(figures, indent=1))
    print(
        f"found {figures['found']:.1%} of {figures['gold_quotes']} quotations; attributed right "
        f"{figures['attributed_right_of_named']:.1%} of {figures['named_quotes']} with a named source; precise "
        f"{figures['precise']:.1%} of {figures['extracted']} extracted; {figures['articles']} articles in "
        f"{elapsed:.1f} s ({'direct' if args.direct else 'through the API'})"
    )


if __name__ == "__main__":
    main()

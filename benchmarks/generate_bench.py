"""How fast `quotecheck bench generate` writes, at the sizes given: rows by table, seconds, rows/s.

Not a test: it prints figures. Each size goes into a fresh database: a temporary SQLite file, or a scratch
PostgreSQL database made on the server given (and dropped afterwards).

    .venv/bin/python benchmarks/generate_bench.py 10000 200000
    .venv/bin/python benchmarks/generate_bench.py 200000 --postgres postgresql://postgres@127.0.0.1/postgres
"""

from __future__ import annotations

import argparse
import tempfile
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text

from quotecheck import migrate
from quotecheck.db import make_engine
from quotecheck.services.corpus import generate_corpus
from quotecheck.settings import database_urls


def run(url: str, quotes: int, seed: int, index: bool) -> None:
    migrate.upgrade(migrate.alembic_config(url), "head")
    engine = make_engine(database_urls(url))
    try:
        summary = generate_corpus(engine, quotes=quotes, seed=seed, index=index)
    finally:
        engine.dispose()
    shown = ", ".join(f"{table} {count:,}" for table, count in summary.counts.items())
    print(f"{database_urls(url).backend} {quotes:,} quotes: {shown}")
    print(f"  {summary.rows:,} rows in {summary.seconds:.1f} s: {summary.rate:,.0f} rows/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", type=int, nargs="+", help="numbers of quotes")
    parser.add_argument("--postgres", help="a PostgreSQL server URL (any database on it); default SQLite")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-index", action="store_true", help="leave the quote check's index empty")
    args = parser.parse_args()
    for quotes in args.sizes:
        if args.postgres is None:
            with tempfile.TemporaryDirectory() as directory:
                run(f"sqlite:///{Path(directory) / 'corpus.db'}", quotes, args.seed, not args.no_index)
            continue
        admin = create_engine(database_urls(args.postgres).sync, isolation_level="AUTOCOMMIT")
        name = f"quotecheck_generate_{uuid.uuid4().hex[:8]}"
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            url = database_urls(args.postgres).sync.set(database=name, drivername="postgresql")
            run(url.render_as_string(hide_password=False), quotes, args.seed, not args.no_index)
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    main()

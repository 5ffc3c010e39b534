"""The README's example queries: each ```graphql block is followed by the ```json answer it must get.

`python -m tests.readme` rewrites the answers from a fresh demo database (then review the diff).
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

README = Path(__file__).resolve().parent.parent / "README.md"
_PAIR = re.compile(r"```graphql\n(?P<query>.*?)```\n\n```json\n(?P<answer>.*?)```", re.S)


def examples(text: str) -> list[tuple[str, str]]:
    """(query, expected answer as written) for every example in the README."""
    return [(m["query"], m["answer"]) for m in _PAIR.finditer(text)]


def rewrite(text: str, run: Callable[[str], Any]) -> str:
    def answer(match: re.Match[str]) -> str:
        body = json.dumps(run(match["query"]), ensure_ascii=False, indent=2)
        return f"```graphql\n{match['query']}```\n\n```json\n{body}\n```"

    return _PAIR.sub(answer, text)


def main() -> None:  # pragma: no cover - a maintenance tool
    import anyio
    import httpx

    from quotecheck import migrate
    from quotecheck.api.app import create_app
    from quotecheck.db import make_engine, session_scope
    from quotecheck.demo import load_demo
    from quotecheck.settings import Settings, database_urls

    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite:///{directory}/readme.db"
        migrate.upgrade(migrate.alembic_config(url), "head")
        engine = make_engine(database_urls(url))
        with session_scope(engine, write=True) as session:
            load_demo(session)
        engine.dispose()
        app = create_app(Settings(database_url=url))

        async def collect() -> str:
            answers: dict[str, Any] = {}
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://readme") as client:
                for query, _ in examples(README.read_text(encoding="utf-8")):
                    answers[query] = (await client.post("/graphql", json={"query": query})).json()
                    answers[query].pop("extensions", None)  # the cost report: the README shows the data
            await app.state.engine.dispose()
            return rewrite(README.read_text(encoding="utf-8"), answers.__getitem__)

        README.write_text(anyio.run(collect), encoding="utf-8")
    sys.stdout.write(f"rewrote the answers in {README}\n")


if __name__ == "__main__":
    main()

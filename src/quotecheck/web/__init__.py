"""The fact-checker's web page at `/` and the GraphiQL page of `/graphql`, both from files shipped in the package.

Nothing is fetched from a CDN, so both work on a machine with no internet access; a Content-Security-Policy
that allows only this server says so to the browser too. The page is a client of the public GraphQL API and
nothing else: it has no routes of its own besides its files.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

__all__ = ["GRAPHIQL_VERSION", "PAGE_HEADERS", "STATIC", "graphiql_html", "routes"]

STATIC = Path(__file__).parent / "static"
GRAPHIQL_VERSION = "3.9.0"
VENDOR = f"vendor/graphiql-{GRAPHIQL_VERSION}"

# Files under a versioned vendor folder never change; the app's own files revalidate (ETag) on each load, so a
# new release is seen at once.
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"

# Only this server: scripts, styles, API calls. GraphiQL inlines its fonts (data:) and sets inline styles.
PAGE_HEADERS = {
    "Cache-Control": REVALIDATE,
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


class _StaticFiles(StaticFiles):
    """StaticFiles with cache headers: long-lived for vendored files, revalidated for the app's own."""

    def file_response(
        self,
        full_path: str | os.PathLike[str],
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        vendored = Path(full_path).resolve().is_relative_to((STATIC / "vendor").resolve())
        response.headers["Cache-Control"] = IMMUTABLE if vendored else REVALIDATE
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response


@functools.cache
def _read(name: str) -> str:
    return (STATIC / name).read_text(encoding="utf-8")


def graphiql_html() -> str:
    """The GraphiQL page, its scripts and styles served from /static (see static/vendor/.../README.md)."""
    return _read("graphiql.html").replace("{{vendor}}", f"/static/{VENDOR}")


async def _index(_: Request) -> HTMLResponse:
    return HTMLResponse(_read("index.html"), headers=PAGE_HEADERS)


def routes() -> list[BaseRoute]:
    """`/` (the page) and `/static/...` (its files and GraphiQL's), compressed for clients that accept gzip."""
    files = GZipMiddleware(_StaticFiles(directory=STATIC), minimum_size=1024)
    return [Route("/", _index, methods=["GET", "HEAD"]), Mount("/static", app=files, name="static")]

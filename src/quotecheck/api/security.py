"""What every response carries for browsers, and what a failure outside GraphQL looks like.

CORS is Starlette's CORSMiddleware, given the allow-list of QUOTECHECK_CORS_ORIGINS (none: no CORS headers at
all, so browsers keep other sites' pages out). Every response gets the security headers below unless it set
its own (the web pages set a Content-Security-Policy of their own). Starlette's 404, 405 and 500 answers
become short JSON that says what to do; a 500 never carries a traceback (the app runs with debug off, and the
exception is logged with the request's ID instead).
"""

from __future__ import annotations

import logging
from typing import Any

from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from quotecheck.api.http import request_id
from quotecheck.settings import Settings

__all__ = ["SECURITY_HEADERS", "SecurityHeaders", "exception_handlers", "middleware"]

log = logging.getLogger("quotecheck.api")

# Only this server may supply scripts, styles and API calls, and no other site may frame a page.
SECURITY_HEADERS: dict[str, str] = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "Cross-Origin-Opener-Policy": "same-origin",
}
_ENCODED = [
    (name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in SECURITY_HEADERS.items()
]


class SecurityHeaders:
    """Adds SECURITY_HEADERS to every HTTP response that did not set them itself."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers.extend((name, value) for name, value in _ENCODED if name not in present)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def middleware(settings: Settings) -> list[Middleware]:
    """The outermost middleware: security headers on everything, then CORS when origins are allowed."""
    stack = [Middleware(SecurityHeaders)]
    if settings.cors_origins:
        stack.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(settings.cors_origins),
                allow_methods=["GET", "POST"],
                allow_headers=["Authorization", "Content-Type", "Accept", "X-Request-ID"],
                expose_headers=["X-Request-ID", "Retry-After"],
                max_age=600,
            )
        )
    return stack


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    if error.status_code == 404:
        message = f"nothing at {request.url.path}; the API is POST or GET /graphql (and /healthz, /readyz)"
    elif error.status_code == 405:
        allow = (error.headers or {}).get("Allow", "GET or POST")
        message = f"{request.method} is not allowed on {request.url.path}; use {allow}"
    else:
        message = str(error.detail)
    return JSONResponse({"error": message}, error.status_code, headers=error.headers)


async def _server_error(request: Request, error: Exception) -> Response:
    """An exception nothing else caught: logged in full, answered with no detail."""
    rid = request_id(request)
    log.error("unhandled error in request %s on %s", rid, request.url.path, exc_info=error)
    message = f"internal error; the administrators can trace it with request ID {rid}"
    # Starlette answers this outside every middleware: the security headers are added here
    headers = {**SECURITY_HEADERS, "X-Request-ID": rid}
    return JSONResponse({"error": message, "code": "INTERNAL"}, 500, headers=headers)


def exception_handlers() -> dict[Any, Any]:
    return {HTTPException: _http_error, Exception: _server_error}

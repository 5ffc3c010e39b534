"""The ASGI application: /graphql, /healthz and /readyz, on an asyncio engine opened for the app's life."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

from sqlalchemy.exc import DBAPIError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from quotecheck import migrate
from quotecheck.api.http import GraphQLEndpoint
from quotecheck.api.schema import schema
from quotecheck.db import async_session_factory, async_writing, make_async_engine
from quotecheck.settings import Settings

__all__ = ["create_app"]

log = logging.getLogger("quotecheck.api")


def create_app(settings: Settings | None = None) -> Starlette:
    """The app; `uvicorn --factory quotecheck.api.app:create_app` reads its settings from the environment."""
    settings = settings or Settings.from_env()
    urls = settings.urls
    engine = make_async_engine(urls, settings=settings)
    sessions = async_session_factory(engine)
    head = migrate.head_revision(migrate.alembic_config())

    async def healthz(_: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    async def readyz(_: Request) -> JSONResponse:
        try:
            async with engine.connect() as connection:
                # Alembic's own reading: None for an empty database, one never upgraded (no version table).
                current = await connection.run_sync(migrate.current_revision)
        except DBAPIError as error:
            log.warning("not ready: %s", error)
            reason = "the database cannot be reached; check QUOTECHECK_DATABASE_URL and that the server is up"
            return JSONResponse({"status": "unavailable", "reason": reason}, 503)
        if current != head:
            reason = f"the database is at {current or 'no revision'}, not {head}; run `quotecheck db upgrade`"
            return JSONResponse({"status": "unavailable", "reason": reason}, 503)
        return JSONResponse({"status": "ready", "revision": current})

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        yield
        await engine.dispose()

    graphql = GraphQLEndpoint(schema, sessions, write_sessions=async_session_factory(async_writing(engine)))
    app = Starlette(
        routes=[
            Route("/graphql", graphql.handle, methods=["GET", "POST"]),
            Route("/healthz", healthz, methods=["GET"]),
            Route("/readyz", readyz, methods=["GET"]),
        ],
        lifespan=lifespan,
    )
    app.state.engine = engine  # for /readyz, and for tests that count statements
    return app

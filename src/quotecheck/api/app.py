"""The ASGI application: /graphql, /healthz, /readyz, /claimreview.jsonld, and the web page at / (with its
files under /static), on an asyncio engine opened for the app's life."""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import anyio.to_thread
from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from quotecheck import migrate, web
from quotecheck.api import security
from quotecheck.api.http import GraphQLEndpoint
from quotecheck.api.limits import Limits
from quotecheck.api.ratelimit import RateLimiter, RateLimitMiddleware
from quotecheck.api.replicas import Replica, Replicas
from quotecheck.api.schema import schema_for, schema_sdl
from quotecheck.db import async_reading, async_session_factory, async_writing, make_async_engine
from quotecheck.errors import ValidationError
from quotecheck.partial_date import PartialDate
from quotecheck.services.claimreview import export_claim_reviews
from quotecheck.settings import Settings

__all__ = ["create_app"]

log = logging.getLogger("quotecheck.api")


def _export_claim_reviews(connection: Connection, since: PartialDate | None) -> list[dict[str, Any]]:
    """Run by `AsyncConnection.run_sync`: a plain Session on the borrowed connection, whose I/O still awaits."""
    with Session(bind=connection) as session:
        return export_claim_reviews(session, since=since)


def _json_bytes(documents: list[dict[str, Any]]) -> bytes:
    return json.dumps(documents, ensure_ascii=False, indent=1).encode("utf-8")


def create_app(settings: Settings | None = None) -> Starlette:
    """The app; `uvicorn --factory quotecheck.api.app:create_app` reads its settings from the environment."""
    settings = settings or Settings.from_env()
    urls = settings.urls
    engine = make_async_engine(urls, settings=settings)
    sessions = async_session_factory(async_reading(engine))
    head = migrate.head_revision(migrate.alembic_config())
    replicas: Replicas | None = None
    if settings.read_urls:
        members = []
        for replica_urls in settings.read_urls:
            replica_engine = make_async_engine(replica_urls, settings=settings, connect_timeout_s=2)
            members.append(
                Replica(
                    replica_urls.display(),
                    replica_engine,
                    async_session_factory(async_reading(replica_engine)),
                )
            )
        replicas = Replicas(engine, members, max_lag_s=settings.replica_max_lag_s)

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
        if replicas is None:
            return JSONResponse({"status": "ready", "revision": current})
        # the primary serves when no replica can: a replica down or lagging does not make this host unready
        return JSONResponse({"status": "ready", "revision": current, "replicas": await replicas.report()})

    async def claimreview_jsonld(request: Request) -> Response:
        """The published fact-checks as ClaimReview JSON-LD (`?since=DATE` narrows them), as the CLI exports."""
        try:
            since = PartialDate.coerce(request.query_params.get("since") or None)
        except ValidationError as error:
            return JSONResponse({"error": f"since: {error.message}"}, 400)
        try:
            async with engine.connect() as connection:
                documents = await connection.run_sync(_export_claim_reviews, since)
        except DBAPIError as error:
            log.warning("claimreview export failed: %s", error)
            reason = "the database cannot be reached; check QUOTECHECK_DATABASE_URL and that the server is up"
            return JSONResponse({"error": reason}, 503)
        body = await anyio.to_thread.run_sync(_json_bytes, documents)  # a large export is slow to serialise
        return Response(body, media_type="application/ld+json")

    sdl = schema_sdl().encode()

    async def schema_graphql(_: Request) -> Response:
        """The schema as SDL, the same text as the committed schema.graphql, for clients' code generators."""
        return Response(sdl, media_type="text/plain; charset=utf-8")

    limiter = RateLimiter.from_settings(settings)

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        yield
        await engine.dispose()
        if replicas is not None:
            await replicas.close()
        if limiter is not None:
            await limiter.close()
        await graphql.persisted.close()

    limits = Limits.from_settings(settings)
    graphql = GraphQLEndpoint(
        schema_for(limits),
        sessions,
        write_sessions=async_session_factory(async_writing(engine)),
        graphiql=settings.graphiql,
        limits=limits,
        persisted_queries=settings.persisted_queries,
        timeout_s=settings.request_timeout_s,
        replicas=replicas,
        redis_url=settings.redis_url,
        redis_prefix=settings.redis_prefix,
    )
    app = Starlette(
        routes=[
            Route("/graphql", graphql.handle, methods=["GET", "POST"]),
            Route("/healthz", healthz, methods=["GET"]),
            Route("/readyz", readyz, methods=["GET"]),
            Route("/claimreview.jsonld", claimreview_jsonld, methods=["GET"]),
            Route("/schema.graphql", schema_graphql, methods=["GET"]),
            *web.routes(),  # the fact-checker's page at / and its files under /static
        ],
        lifespan=lifespan,
        middleware=[
            *security.middleware(settings),  # outermost: headers and CORS on every answer, 429s included
            *([] if limiter is None else [Middleware(RateLimitMiddleware, limiter=limiter)]),
        ],
        exception_handlers=security.exception_handlers(),
    )
    app.state.engine = engine  # for /readyz, and for tests that count statements
    app.state.graphql = graphql  # tests read its compiled-reads cache
    app.state.limiter = limiter  # for tests, which run the app without its lifespan
    app.state.replicas = replicas
    return app

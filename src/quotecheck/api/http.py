"""GraphQL over HTTP (the GraphQL-over-HTTP specification): GET for queries, POST with JSON, content
negotiation between `application/graphql-response+json` and `application/json`, and the status codes the
specification gives for each kind of failure. Internal errors are masked and logged with the request ID.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import re
import uuid
from typing import Any

import orjson
import strawberry
from graphql import GraphQLError, GraphQLSyntaxError, OperationDefinitionNode, parse
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from strawberry.exceptions import MissingQueryError
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types.graphql import OperationType

from quotecheck import web
from quotecheck.api.compiled import CompiledReads
from quotecheck.api.context import Context
from quotecheck.api.cost import cost_report, text_cost
from quotecheck.api.errors import client_error
from quotecheck.api.limits import BodyTooLarge, Limits, read_body, statement_timed_out
from quotecheck.api.persisted import PersistedQueries, PersistedQueryError
from quotecheck.api.replicas import LSN_COOKIE, LSN_HEADER, Replica, Replicas, format_lsn, parse_lsn
from quotecheck.auth import ANONYMOUS, Actor
from quotecheck.db import connection_lost
from quotecheck.errors import QuotecheckError
from quotecheck.services import tokens

__all__ = ["GRAPHQL_RESPONSE", "GraphQLEndpoint", "request_id"]

log = logging.getLogger("quotecheck.api")

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON_MEDIA = "application/json"
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_SUGGESTION = re.compile(r" ?Did you mean [^?]*\?")


def request_id(request: Request) -> str:
    given = request.headers.get("x-request-id", "")
    return given if _REQUEST_ID.match(given) else uuid.uuid4().hex


def _accepted(accept: str) -> str | None:
    """The response media type for an Accept header, or None when we can produce nothing it accepts.

    The most preferred range (highest q, then first listed) that we can serve wins; wildcards get
    application/json, which every client understands.
    """
    if not accept.strip():
        return GRAPHQL_RESPONSE  # the specification's default since 2025
    ranges: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept.split(",")):
        media, *params = (piece.strip().lower() for piece in part.split(";"))
        weight = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if weight > 0:
            ranges.append((-weight, position, media))
    for _, _, media in sorted(ranges):
        if media == GRAPHQL_RESPONSE:
            return GRAPHQL_RESPONSE
        if media in (JSON_MEDIA, "application/*", "*/*"):
            return JSON_MEDIA
    return None


@functools.lru_cache(maxsize=256)
def _may_write(query: str, operation: str | None) -> bool:
    """Whether the operation to run may be a mutation (then all of it runs on the primary)."""
    try:
        document = parse(query)
    except GraphQLError:
        return False
    return any(
        isinstance(definition, OperationDefinitionNode)
        and definition.operation.value == "mutation"
        and (operation is None or (definition.name is not None and definition.name.value == operation))
        for definition in document.definitions
    )


@functools.lru_cache(maxsize=256)
def _operations(query: str) -> int:
    """How many operations a document defines (0 when it does not parse: execution reports that)."""
    try:
        document = parse(query)
    except GraphQLError:
        return 0
    return sum(isinstance(d, OperationDefinitionNode) for d in document.definitions)


def _error_body(message: str, code: str = "BAD_REQUEST") -> dict[str, Any]:
    return {"errors": [{"message": message, "extensions": {"code": code}}]}


UNAVAILABLE = "the database cannot be reached; try again shortly"


class GraphQLEndpoint:
    """An ASGI endpoint for /graphql; one Context (one session, one transaction) per operation."""

    def __init__(
        self,
        schema: strawberry.Schema,
        sessions: async_sessionmaker[AsyncSession],
        *,
        write_sessions: async_sessionmaker[AsyncSession] | None = None,
        graphiql: bool = True,
        compiled: bool = True,
        limits: Limits | None = None,
        persisted_queries: int = 1000,
        timeout_s: float = 30.0,
        replicas: Replicas | None = None,
        redis_url: str = "",
        redis_prefix: str = "quotecheck",
    ) -> None:
        self.schema = schema
        self.limits = limits or Limits()
        self.persisted = PersistedQueries(
            persisted_queries, redis_url=redis_url, prefix=redis_prefix, max_bytes=self.limits.query_bytes
        )
        self.replicas = replicas
        self.timeout_s = timeout_s
        self.sessions = sessions
        self.write_sessions = write_sessions
        self.graphiql = graphiql
        # the hot read shapes, answered without the executor once it has answered them once (api/compiled.py)
        self.compiled = CompiledReads(schema._schema) if compiled else None

    async def handle(self, request: Request) -> Response:
        rid = request_id(request)
        try:
            # The deadline cancels the operation's awaits, its database work included (QUOTECHECK_REQUEST_TIMEOUT_S).
            async with asyncio.timeout(self.timeout_s or None):
                response = await self._handle(request, rid)
        except TimeoutError:
            log.warning("request %s stopped after %s s", rid, self.timeout_s)
            message = (
                f"the request took longer than {self.timeout_s:g} s and was stopped; ask for less at once "
                "(smaller pages, fewer nested fields) or try again later"
            )
            media = _accepted(request.headers.get("accept", "")) or JSON_MEDIA
            response = self._reply(media, _error_body(message, "TIMEOUT"), 504)
        response.headers["X-Request-ID"] = rid
        return response

    def _reply(self, media: str, body: dict[str, Any], status: int = 200, **headers: str) -> Response:
        return Response(orjson.dumps(body), status_code=status, media_type=media, headers=headers or None)

    async def _handle(self, request: Request, rid: str) -> Response:
        accept = request.headers.get("accept", "")
        if request.method == "GET" and "query" not in request.query_params and "text/html" in accept.lower():
            if not self.graphiql:
                return Response(
                    "GraphiQL is turned off here; POST GraphQL requests to /graphql", status_code=404
                )
            return HTMLResponse(web.graphiql_html(), headers=web.PAGE_HEADERS)
        media = _accepted(accept)
        if media is None:
            message = f"cannot answer with any type in Accept: {accept!r}; accept {GRAPHQL_RESPONSE} or {JSON_MEDIA}"
            # the client accepts neither type: plain JSON, labelled, is the most useful answer left
            return self._reply(JSON_MEDIA, _error_body(message, "NOT_ACCEPTABLE"), 406)
        # A malformed request is a 400 whatever the media type (GraphQL-over-HTTP, "Request errors").
        query: Any
        variables: Any
        operation: Any
        extensions: Any = None
        if request.method == "GET":
            params = request.query_params
            query = params.get("query")
            variables_text = params.get("variables")
            operation = params.get("operationName")
            try:
                variables = json.loads(variables_text) if variables_text else None
            except json.JSONDecodeError:
                return self._reply(media, _error_body("`variables` is not valid JSON"), 400)
            try:
                extensions = json.loads(params["extensions"]) if params.get("extensions") else None
            except json.JSONDecodeError:
                return self._reply(media, _error_body("`extensions` is not valid JSON"), 400)
        elif request.method == "POST":
            content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
            if content_type != JSON_MEDIA:
                return self._reply(
                    media,
                    _error_body(
                        f"send the request as {JSON_MEDIA} (got {content_type or 'no Content-Type'})"
                    ),
                    415,
                )
            try:
                raw = await read_body(request, self.limits.body_bytes)
            except BodyTooLarge:
                message = (
                    f"the request body is over {self.limits.body_bytes} bytes; send a smaller document, with "
                    "long values in `variables`, or a persisted query"
                )
                return self._reply(media, _error_body(message), 413)
            try:
                body = orjson.loads(raw)
            except orjson.JSONDecodeError as error:
                message = "the request body is not valid JSON"
                if "surrogate in string" in error.msg:  # an unpaired \ud800 escape: say so
                    message += f" ({error.msg}): remove the unpaired \\ud800-\\udfff escape"
                return self._reply(media, _error_body(message), 400)
            if not isinstance(body, dict):
                return self._reply(
                    media,
                    _error_body("the body must be a JSON object with `query` (batches are not supported)"),
                    400,
                )
            query = body.get("query")
            variables = body.get("variables")
            operation = body.get("operationName")
            extensions = body.get("extensions")
        else:
            return Response("use GET or POST", status_code=405, headers={"Allow": "GET, POST"})

        if isinstance(extensions, dict) and "persistedQuery" in extensions:
            try:
                query = await self.persisted.resolve(query, extensions["persistedQuery"])
            except PersistedQueryError as error:
                return self._request_error(media, _error_body(error.message, error.code)["errors"])
        if not isinstance(query, str) or not query.strip():
            return self._reply(media, _error_body("the request has no `query` string"), 400)
        if len(query) > self.limits.query_bytes or len(query.encode("utf-8")) > self.limits.query_bytes:
            message = (
                f"the document is over {self.limits.query_bytes} bytes; ask for less at once, or move long "
                "values into `variables`"
            )
            return self._request_error(media, _error_body(message, "QUERY_TOO_LARGE")["errors"])
        if variables is not None and not isinstance(variables, dict):
            return self._reply(media, _error_body("`variables` must be a JSON object"), 400)
        if operation is not None and not isinstance(operation, str):
            return self._reply(media, _error_body("`operationName` must be a string"), 400)
        if extensions is not None and not isinstance(extensions, dict):
            return self._reply(media, _error_body("`extensions` must be a JSON object"), 400)

        if operation is None and _operations(query) > 1:
            message = f"the document holds {_operations(query)} operations; give the operation name of the one to run in `operationName`"
            return self._request_error(media, _error_body(message)["errors"])
        allowed = (
            {OperationType.QUERY}
            if request.method == "GET"
            else {OperationType.QUERY, OperationType.MUTATION}
        )
        replica = self._replica_for(request, query, operation)
        response = await self._run(request, media, rid, query, variables, operation, allowed, replica)
        if replica is not None and self.replicas is not None and response.status_code == 503:
            # the replica went away since the last poll: skip it, and read this operation from the primary
            self.replicas.mark_down(replica, "a read lost its connection")
            response = await self._run(request, media, rid, query, variables, operation, allowed, None)
        return response

    def _replica_for(self, request: Request, query: str, operation: str | None) -> Replica | None:
        """The replica this operation reads from; None for the primary (no replicas, a mutation, or a client
        whose last write no usable replica has replayed yet)."""
        if self.replicas is None or (request.method == "POST" and _may_write(query, operation)):
            return None
        after = parse_lsn(request.headers.get(LSN_HEADER.lower()) or request.cookies.get(LSN_COOKIE))
        return self.replicas.choose(after)

    async def _run(
        self,
        request: Request,
        media: str,
        rid: str,
        query: str,
        variables: Any,
        operation: str | None,
        allowed: set[OperationType],
        replica: Replica | None,
    ) -> Response:
        """Run the operation, reading from `replica` (or the primary when None)."""
        sessions = self.sessions if replica is None else replica.sessions
        context = Context(sessions, rid, self.write_sessions, primary_sessions=self.sessions)
        response = await self._execute(request, media, rid, query, variables, operation, allowed, context)
        if context.committed and self.replicas is not None:
            # read-your-writes: the client's next reads wait for a replica that has replayed this commit
            lsn = await self.replicas.primary_lsn()
            if lsn is not None:
                response.headers[LSN_HEADER] = format_lsn(lsn)
                response.set_cookie(
                    LSN_COOKIE, format_lsn(lsn), max_age=3600, path="/graphql", httponly=True, samesite="lax"
                )
        return response

    async def _execute(
        self,
        request: Request,
        media: str,
        rid: str,
        query: str,
        variables: Any,
        operation: str | None,
        allowed: set[OperationType],
        context: Context,
    ) -> Response:
        try:
            viewer = await self._viewer(request, media, context)
            if isinstance(viewer, Response):
                return viewer
            context.act_as(viewer)
            compiled = await self._compiled(context, query, operation, variables)
            if compiled is not None:
                return self._reply(media, compiled)
            result = await self.schema.execute(
                query,
                variable_values=variables,
                context_value=context,
                operation_name=operation,
                allowed_operation_types=allowed,
            )
        except InvalidOperationTypeError:
            return self._reply(
                media,
                _error_body("only queries may be sent with GET; send mutations with POST"),
                405,
                Allow="POST",
            )
        except CannotGetOperationTypeError as error:
            message = (
                "the document holds no operation; send a query"
                if error.operation_name is None
                else f"the document has no operation named {error.operation_name!r}; "
                "set `operationName` to the name of one of its operations"
            )
            return self._request_error(media, _error_body(message, "GRAPHQL_VALIDATION_FAILED")["errors"])
        except MissingQueryError:
            return self._reply(media, _error_body("the request has no `query` string"), 400)
        except DBAPIError as error:
            if not connection_lost(error):
                raise
            return self._unavailable(media, rid, error, _error_body(UNAVAILABLE, "DATABASE_UNAVAILABLE"))
        finally:
            await context.close()

        lost = next(
            (e.original_error for e in result.errors or () if connection_lost(e.original_error)), None
        )
        if lost is not None:
            # The database went away (a restart, an outage): a 503 the client may retry, not a masked 500.
            # Fields a mutation committed before it happened are still reported.
            reply: dict[str, Any] = {"errors": [self._format(error, rid) for error in result.errors or ()]}
            if result.data and any(value is not None for value in result.data.values()):
                reply["data"] = result.data
            return self._unavailable(media, rid, lost, reply)

        if self.compiled is not None and not result.errors:
            self.compiled.learn(query, operation)  # compiles a document once; a known one is left as it is
        errors = [self._format(error, rid) for error in result.errors or ()]
        # Field errors always carry a path; errors without one (parse, validation, variable coercion) mean
        # the operation never ran: the response then has no `data` entry at all (GraphQL spec, "Response").
        executed = result.data is not None or any(error.path is not None for error in result.errors or ())
        if not executed:
            return self._request_error(media, errors, result.extensions)
        payload: dict[str, Any] = {"errors": errors} if errors else {}
        payload["data"] = result.data
        if result.extensions:
            payload["extensions"] = result.extensions
        return self._reply(media, payload, 200)

    async def _compiled(
        self, context: Context, query: str, operation: str | None, variables: dict[str, Any] | None
    ) -> dict[str, Any] | None:
        """The response body (`data` and the cost) from a compiled plan of this document, or None for the
        executor to answer."""
        compiled = self.compiled
        plan = None if compiled is None else compiled.plan(query, operation)
        if compiled is None or plan is None:
            return None
        cost = text_cost(self.schema._schema, query, operation, variables)
        if cost > self.limits.cost:
            return None  # the executor refuses it, with the cost in its message
        data = await context.run(lambda session: compiled.run(plan, session, variables))
        if data is None:
            return None
        compiled.hits += 1
        return {"data": data, "extensions": cost_report(cost, self.limits.cost)}

    async def _viewer(self, request: Request, media: str, context: Context) -> Actor | Response:
        """Who sends this request: anonymous without an Authorization header, else the token's holder. A
        header that names no valid token is refused outright (401), not downgraded to anonymous, so a client
        with a revoked token learns it at once. The token is never logged or echoed."""
        header = request.headers.get("authorization")
        if header is None:
            return ANONYMOUS
        scheme, _, secret = header.strip().partition(" ")
        secret = secret.strip()
        if scheme.lower() != "bearer" or not secret:
            message = "the Authorization header must be `Bearer <token>`; send the token `quotecheck token create` printed"
        elif not tokens.well_formed(secret):
            message = (
                f"the bearer token starts with {tokens.PREFIX} but is not the shape of a quotecheck token "
                f"({tokens.PREFIX} and 43 letters, digits, - or _); check it was copied whole"
                if secret.startswith(tokens.PREFIX)
                else "the bearer token is not a quotecheck token (they start with qc_); check it was copied whole"
            )
        else:
            try:
                # on the operation's own read session: no second connection for the lookup
                actor = await context.run(lambda session: session.run_sync(tokens.actor_for, secret))
            except DBAPIError as error:
                log.warning("token lookup failed: %s", error.orig)
                body = _error_body(
                    "the database cannot be reached; try again shortly", "DATABASE_UNAVAILABLE"
                )
                return self._reply(media, body, 503, **{"Retry-After": "5"})
            if actor is not None:
                return actor
            message = "the token is unknown or revoked; ask an administrator for a new one"
        challenge = 'Bearer realm="quotecheck", error="invalid_token"'
        return self._reply(
            media, _error_body(message, "UNAUTHENTICATED"), 401, **{"WWW-Authenticate": challenge}
        )

    def _request_error(
        self, media: str, errors: list[dict[str, Any]], extensions: dict[str, Any] | None = None
    ) -> Response:
        """A GraphQL request error: a 400 for clients that speak graphql-response+json, a 200 for legacy
        application/json clients (GraphQL-over-HTTP, "Status Codes")."""
        body: dict[str, Any] = (
            {"errors": errors, "extensions": extensions} if extensions else {"errors": errors}
        )
        return self._reply(media, body, 400 if media == GRAPHQL_RESPONSE else 200)

    def _unavailable(self, media: str, rid: str, error: BaseException, body: dict[str, Any]) -> Response:
        log.warning("request %s: database unavailable: %s", rid, getattr(error, "orig", error))
        return self._reply(media, body, 503, **{"Retry-After": "5"})

    def _format(self, error: GraphQLError, rid: str) -> dict[str, Any]:
        original = error.original_error
        if connection_lost(original):
            lost = GraphQLError(
                UNAVAILABLE, nodes=error.nodes, path=error.path, extensions={"code": "DATABASE_UNAVAILABLE"}
            )
            return dict(lost.formatted)
        if statement_timed_out(original):
            log.warning("statement timeout in request %s at %s", rid, error.path)
            message = (
                "the database stopped a query that ran too long; ask for less at once or try again later"
            )
            timed_out = GraphQLError(
                message, nodes=error.nodes, path=error.path, extensions={"code": "TIMEOUT"}
            )
            return dict(timed_out.formatted)
        if not client_error(original):
            log.error("internal error in request %s at %s", rid, error.path, exc_info=original)
            masked = GraphQLError(
                f"internal error; the administrators can trace it with request ID {rid}",
                nodes=error.nodes,
                path=error.path,
                extensions={"code": "INTERNAL", "requestId": rid},
            )
            return dict(masked.formatted)
        formatted = error.formatted
        code = original.code if isinstance(original, QuotecheckError) else "GRAPHQL_VALIDATION_FAILED"
        if isinstance(error, GraphQLSyntaxError):
            code = "GRAPHQL_PARSE_FAILED"
        if error.path is not None and not isinstance(original, QuotecheckError):
            code = "BAD_USER_INPUT"
        result: dict[str, Any] = dict(formatted)
        if self.schema.config.disable_field_suggestions and not isinstance(original, QuotecheckError):
            # Strawberry turns off suggestions of fields only; arguments, input fields, enum values and type
            # names would still be suggested by graphql-core.
            result["message"] = _SUGGESTION.sub("", result["message"])
        result["extensions"] = {"code": code, **dict(formatted.get("extensions") or {})}
        return result

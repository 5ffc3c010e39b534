"""Test databases: a real SQLite file, or the PostgreSQL named by QUOTECHECK_TEST_DATABASE_URL.

The session-wide database is built by the real migrations once; each test then runs inside a transaction
that is rolled back (the ORM session joins it through savepoints), so tests never see each other's rows.
Tests that must commit (migrations, the CLI, concurrency) get a scratch database of their own: a new SQLite
file, or a new PostgreSQL database on the same server, dropped afterwards.

Warning: the database named by QUOTECHECK_TEST_DATABASE_URL is wiped at the start of a run.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session

from quotecheck import migrate
from quotecheck.auth import Actor
from quotecheck.db import bind, make_engine
from quotecheck.enums import ActorKind, TokenRole
from quotecheck.settings import database_urls

TEST_DATABASE_URL = os.environ.get("QUOTECHECK_TEST_DATABASE_URL", "").strip()


def backend() -> str:
    return database_urls(TEST_DATABASE_URL).backend if TEST_DATABASE_URL else "sqlite"


def pytest_report_header() -> str:
    shown = database_urls(TEST_DATABASE_URL).display() if TEST_DATABASE_URL else "a temporary SQLite file"
    return f"quotecheck test database: {shown}"


def _admin_engine() -> Engine:
    """An autocommit connection to the PostgreSQL server, for CREATE/DROP DATABASE."""
    urls = database_urls(TEST_DATABASE_URL)
    return create_engine(urls.sync, isolation_level="AUTOCOMMIT")


def _reset_postgres(url: str) -> None:
    engine = create_engine(database_urls(url).sync, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    if TEST_DATABASE_URL:
        if backend() == "postgresql":
            _reset_postgres(TEST_DATABASE_URL)
        return TEST_DATABASE_URL
    path = tmp_path_factory.mktemp("db") / "quotecheck-test.db"
    return f"sqlite:///{path}"


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    migrate.upgrade(migrate.alembic_config(database_url), "head")
    built = make_engine(database_urls(database_url))
    yield built
    built.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session whose every change is rolled back when the test ends, commits included."""
    with engine.connect() as connection:
        outer = connection.begin()
        with Session(bind=connection, join_transaction_mode="create_savepoint") as db:
            bind(
                db, TEST_ACTOR, guard=False
            )  # services record audit events as this actor; tests seed rows freely
            yield db
        outer.rollback()


TEST_ACTOR = Actor(name="cli:tests", kind=ActorKind.CLI, role=TokenRole.ADMIN)


def _scratch_sqlite(directory: Path) -> str:
    return f"sqlite:///{directory / f'scratch-{uuid.uuid4().hex[:8]}.db'}"


@pytest.fixture
def scratch_url(tmp_path: Path) -> Iterator[str]:
    """An empty database of the engine under test, for tests that commit; dropped afterwards."""
    if backend() != "postgresql":
        yield _scratch_sqlite(tmp_path)
        return
    name = f"quotecheck_scratch_{uuid.uuid4().hex[:12]}"
    admin = _admin_engine()
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield (
            database_urls(TEST_DATABASE_URL)
            .sync.set(database=name)
            .set(drivername="postgresql")
            .render_as_string(hide_password=False)
        )
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def scratch_engine(scratch_url: str) -> Iterator[Engine]:
    """A scratch database at the migration head."""
    migrate.upgrade(migrate.alembic_config(scratch_url), "head")
    built = make_engine(database_urls(scratch_url))
    yield built
    built.dispose()


# --- the API -----------------------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database of its own at the head, holding the demo corpus (committed), for read-only API tests."""
    from quotecheck.db import session_scope
    from quotecheck.demo import load_demo

    if backend() == "postgresql":
        name = f"quotecheck_demo_{uuid.uuid4().hex[:12]}"
        admin = _admin_engine()
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = database_urls(TEST_DATABASE_URL).sync.set(database=name, drivername="postgresql")
        url_text = url.render_as_string(hide_password=False)
    else:
        url_text = _scratch_sqlite(tmp_path_factory.mktemp("demo"))
    migrate.upgrade(migrate.alembic_config(url_text), "head")
    built = make_engine(database_urls(url_text))
    with session_scope(built, write=True) as db:
        load_demo(db)
    built.dispose()
    yield url_text
    if backend() == "postgresql":
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def seeding(engine: Engine) -> Iterator[Session]:
    """A committed write session for a test's fixture rows, recorded as one "seed" audit event."""
    from quotecheck.db import session_scope
    from quotecheck.services import audit

    with session_scope(engine, write=True, actor=TEST_ACTOR) as db:
        yield db
        audit.record(db, "seed")


class GraphQLClient:
    """Real HTTP requests through the ASGI app (httpx over ASGI), made from sync tests.

    The app runs on one event loop in a background thread for the client's whole life, as under uvicorn: the
    async engine's pooled connections belong to that loop.
    """

    def __init__(
        self, portal: Any, http: Any, engine: Any, token: str | None = None, app: Any = None
    ) -> None:
        self.portal = portal
        self.http = http
        self.engine = engine  # the app's AsyncEngine
        self.token = token  # sent as `Authorization: Bearer <token>` when set
        self.app = app  # the Starlette app (app.state.graphql is the /graphql endpoint)

    def with_token(self, token: str | None) -> GraphQLClient:
        """The same client (same app, same loop) acting with another token (None: anonymous)."""
        return GraphQLClient(self.portal, self.http, self.engine, token, self.app)

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        if self.token is not None:
            kwargs["headers"] = {"Authorization": f"Bearer {self.token}", **kwargs.get("headers", {})}
        return self.portal.call(lambda: self.http.request(method, path, **kwargs))

    def post(self, query: str, variables: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        return self.request("POST", "/graphql", json={"query": query, "variables": variables}, **kwargs)

    def query(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """Data of a query that must succeed (no errors)."""
        response = self.post(query, variables)
        body = response.json()
        assert response.status_code == 200, body
        assert "errors" not in body, body["errors"]
        data: dict[str, Any] = body["data"]
        return data

    def errors(self, query: str, variables: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Errors of a query that must fail with a GraphQL error (and never a 500)."""
        response = self.post(query, variables)
        assert response.status_code < 500, response.text
        body = response.json()
        assert body.get("errors"), body
        errors: list[dict[str, Any]] = body["errors"]
        return errors


def client_for(url: str) -> Iterator[GraphQLClient]:
    import anyio.from_thread
    import httpx

    from quotecheck.api.app import create_app
    from quotecheck.settings import Settings

    app = create_app(Settings(database_url=url))
    with anyio.from_thread.start_blocking_portal() as portal:
        http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://quotecheck.test")
        try:
            yield GraphQLClient(portal, http, app.state.engine, app=app)
        finally:
            portal.call(http.aclose)
            portal.call(app.state.engine.dispose)


@pytest.fixture(scope="session")
def api(demo_url: str) -> Iterator[GraphQLClient]:
    """A client of the API over the demo database (read-only tests)."""
    yield from client_for(demo_url)


@pytest.fixture
def scratch_api(scratch_engine: Engine, scratch_url: str) -> Iterator[GraphQLClient]:
    """A client of the API over an empty scratch database at the head; write rows with `scratch_engine`.

    Anonymous; `scratch_api.with_token(tokens["EDITOR"])` acts with a token (see `tokens`)."""
    yield from client_for(scratch_url)


@pytest.fixture
def tokens(scratch_engine: Engine) -> dict[str, str]:
    """One token of each role in the scratch database, by role name ("READER", "EDITOR", "ADMIN"), plus a
    revoked editor token under "REVOKED"."""
    from quotecheck.db import session_scope
    from quotecheck.services.tokens import create_token, revoke_token

    made: dict[str, str] = {}
    with session_scope(scratch_engine, write=True) as db:
        for role in TokenRole:
            made[role.name] = create_token(db, name=f"{role.name.lower()}-token", role=role).secret
        made["REVOKED"] = create_token(db, name="revoked-token", role=TokenRole.EDITOR).secret
        revoke_token(db, "revoked-token")
    return made


@pytest.fixture
def editor_api(scratch_api: GraphQLClient, tokens: dict[str, str]) -> GraphQLClient:
    """`scratch_api` acting with an editor token."""
    return scratch_api.with_token(tokens["EDITOR"])


@pytest.fixture
def admin_api(scratch_api: GraphQLClient, tokens: dict[str, str]) -> GraphQLClient:
    """`scratch_api` acting with an admin token."""
    return scratch_api.with_token(tokens["ADMIN"])

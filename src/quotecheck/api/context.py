"""The per-operation context: one database session (one transaction), its DataLoaders, the request ID.

Strawberry resolves sibling fields concurrently; an AsyncSession must never be used by two of them at once, so
every use goes through `run`, which holds a lock. Batching comes from the DataLoaders, not from concurrency.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy import Executable
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from quotecheck.api.loaders import Loaders
from quotecheck.auth import ANONYMOUS, Actor
from quotecheck.db import bind, connection_lost
from quotecheck.enums import TokenRole
from quotecheck.errors import Conflict

__all__ = ["Context"]

T = TypeVar("T")
log = logging.getLogger("quotecheck.api")


class Context:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        request_id: str,
        write_sessions: async_sessionmaker[AsyncSession] | None = None,
        viewer: Actor = ANONYMOUS,
        primary_sessions: async_sessionmaker[AsyncSession] | None = None,
    ) -> None:
        self.viewer = viewer
        self._sessions = sessions
        self._write_sessions = write_sessions
        # where reads go once this operation has written (a replica may not have the write yet)
        self._primary_sessions = primary_sessions or sessions
        self.committed = (
            False  # a write of this operation committed (the API then hands out the WAL position)
        )
        self._session: AsyncSession | None = None
        self._lock = asyncio.Lock()
        self._ended = False
        self.request_id = request_id
        self._loaders: Loaders | None = None

    @property
    def loaders(self) -> Loaders:
        """The operation's DataLoaders, made on first use (a compiled read needs none; making them costs
        about 0.2 ms)."""
        if self._loaders is None:
            self._loaders = Loaders(self)
        return self._loaders

    async def run(self, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
        async with self._lock:
            if self._ended:
                # a sibling resolver that graphql-core left running after a non-null field failed
                raise RuntimeError("the operation has ended; its session is closed")
            if self._session is None:
                self._session = self._sessions()
            return await work(self._session)

    async def all(self, statement: Executable) -> list[Any]:
        """Every row of a statement (tuples for multi-column selects)."""

        async def fetch(session: AsyncSession) -> list[Any]:
            return list((await session.execute(statement)).all())

        return await self.run(fetch)

    async def scalars(self, statement: Executable) -> list[Any]:
        async def fetch(session: AsyncSession) -> list[Any]:
            return list((await session.scalars(statement)).all())

        return await self.run(fetch)

    async def scalar(self, statement: Executable) -> Any:
        async def fetch(session: AsyncSession) -> Any:
            return await session.scalar(statement)

        return await self.run(fetch)

    def act_as(self, viewer: Actor) -> None:
        """Set who is asking, before the operation runs (the loaders depend on it: drafts)."""
        self.viewer = viewer
        self._loaders = None

    def require(self, role: TokenRole, doing: str) -> None:
        self.viewer.require(role, doing)

    async def write(self, work: Callable[[Session], T]) -> T:
        """Run a service that writes, in a transaction of its own that commits when it returns and rolls back
        when it raises (SQLite: taking the write lock up front, so concurrent writers queue). The session acts
        for the viewer, and every change in it records an audit event (quotecheck.services.audit).

        A concurrent change that lands between our read and our write (PostgreSQL: the UPDATE's version
        predicate matches no row; a unique key taken at the same moment) is a CONFLICT, not a crash."""
        if self._write_sessions is None:
            raise RuntimeError("this context cannot write")
        # Give the read session's connection back first: an operation holding one pooled connection while it
        # waits for a second deadlocks the pool once as many writes run at once as it has connections.
        await self._fresh_reads()
        try:
            async with self._write_sessions() as session:
                bind(session.sync_session, self.viewer, request_id=self.request_id)
                async with session.begin():
                    done = await session.run_sync(work)
                self.committed = True
                return done
        except StaleDataError:
            raise Conflict(
                "someone else changed this object at the same moment; reload it and apply your change again",
                field="version",
            ) from None
        except IntegrityError as error:
            log.info("integrity error in request %s: %s", self.request_id, error.orig)
            raise Conflict(
                "the change clashes with data written at the same moment (a name or key already taken, or a "
                "record now in use); reload and try again"
            ) from None
        finally:
            # What the operation reads next must see the database as it is now, committed or not (after a
            # CONFLICT, the payload shows the current object): a fresh read transaction and fresh loaders.
            # The mutations of one operation run one after another, so nothing else is using them.
            # Reads after a write come from the primary: a replica may not have replayed it yet.
            self._sessions = self._primary_sessions
            await self._fresh_reads()

    async def _fresh_reads(self) -> None:
        async with self._lock:
            await self._close_session()
        self._loaders = None

    async def close(self) -> None:
        """End the operation's transaction (read-only: rolled back) and return the connection.

        graphql-core does not cancel sibling resolvers when a non-null field fails: one may still be using the
        session, so closing waits for the lock, and later uses are refused (found by tests/test_fuzz.py)."""
        async with self._lock:
            self._ended = True
            await self._close_session()

    async def _close_session(self) -> None:
        session, self._session = self._session, None
        if session is None:
            return
        try:
            await session.close()
        except DBAPIError as error:
            # The rollback of a read on a connection the database dropped (a restart): nothing to undo, and
            # the pool discards the connection; the operation's own error already says what happened.
            if not connection_lost(error):
                raise
            await session.invalidate()  # hand the broken connection back to the pool, to be discarded
            log.info(
                "request %s: the read transaction's connection was lost: %s", self.request_id, error.orig
            )

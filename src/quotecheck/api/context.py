"""The per-operation context: one database session (one transaction), its DataLoaders, the request ID.

Strawberry resolves sibling fields concurrently; an AsyncSession must never be used by two of them at once, so
every use goes through `run`, which holds a lock. Batching comes from the DataLoaders, not from concurrency.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy import Executable
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

from quotecheck.api.loaders import Loaders

__all__ = ["Context"]

T = TypeVar("T")


class Context:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        request_id: str,
        write_sessions: async_sessionmaker[AsyncSession] | None = None,
    ) -> None:
        self._sessions = sessions
        self._write_sessions = write_sessions
        self._session: AsyncSession | None = None
        self._lock = asyncio.Lock()
        self.request_id = request_id
        self.loaders = Loaders(self)

    async def run(self, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
        async with self._lock:
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

    async def write(self, work: Callable[[Session], T]) -> T:
        """Run a service that writes, in a transaction of its own that commits when it returns and rolls back
        when it raises (SQLite: taking the write lock up front, so concurrent writers queue)."""
        if self._write_sessions is None:
            raise RuntimeError("this context cannot write")
        async with self._write_sessions() as session, session.begin():
            return await session.run_sync(work)

    async def close(self) -> None:
        """End the operation's transaction (read-only: rolled back) and return the connection."""
        if self._session is not None:
            await self._session.close()
            self._session = None

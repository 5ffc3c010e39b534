"""Automatic persisted queries, as Apollo's clients send them: the SHA-256 of a document instead of the document.

A client sends `extensions: {persistedQuery: {version: 1, sha256Hash}}` without `query`; when the server knows
the hash it runs the document, else it answers PERSISTED_QUERY_NOT_FOUND and the client sends the hash with the
document, which is checked against the hash and remembered.

Each worker keeps the documents in memory, bounded (least recently used go first). With `QUOTECHECK_REDIS_URL`
they are also kept in Redis (`<prefix>:pq:<sha256>`, expiring 30 days after their last use), so that a document
registered through one host is known to every worker of every host behind the same proxy: without it a client
whose requests are spread over N hosts could get PERSISTED_QUERY_NOT_FOUND up to N times for one document. If
Redis cannot be reached, the worker's memory still answers, a warning is logged at most every 30 s and Redis is
left alone for 5 s (as the rate limiter does): a Redis outage costs clients a round trip, never an error.

What needs no sharing: the compiled read plans (api/compiled.py) are derived from the document alone, on each
worker, the first time its executor answers it; two hosts compile the same plan from the same document, so a
host that has not seen a document yet answers it through the executor once, with the same answer.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from collections import OrderedDict
from typing import Any

from redis.exceptions import RedisError

__all__ = ["PersistedQueries", "PersistedQueryError"]

log = logging.getLogger("quotecheck.api")

_REDIS_TIMEOUT = 0.5  # seconds: a slow Redis must not hold requests up for long
_RETRY_AFTER = 5.0  # seconds without Redis after it failed, before it is tried again
_WARN_EVERY = 30.0
_TTL_S = 30 * 24 * 3600  # a document unused this long leaves Redis


class PersistedQueryError(Exception):
    """A persisted-query request that cannot be answered; `code` is what Apollo's clients look for."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class PersistedQueries:
    def __init__(
        self, size: int, *, redis_url: str = "", prefix: str = "quotecheck", max_bytes: int = 100_000
    ) -> None:
        self.size = size
        self.max_bytes = max_bytes  # longer documents are refused anyway: not worth remembering
        self._documents: OrderedDict[str, str] = OrderedDict()
        self._prefix = f"{prefix}:pq:"
        self._redis: Any = None
        if redis_url and size > 0:
            import redis.asyncio

            self._redis = redis.asyncio.Redis.from_url(
                redis_url, socket_timeout=_REDIS_TIMEOUT, socket_connect_timeout=_REDIS_TIMEOUT
            )
        self._resume_at = -math.inf
        self._warned = -math.inf

    @property
    def shared(self) -> bool:
        return self._redis is not None

    def __len__(self) -> int:
        return len(self._documents)

    async def resolve(self, query: Any, persisted: Any) -> Any:
        """The document to run for a request's `query` and `extensions.persistedQuery`."""
        if self.size == 0:
            raise PersistedQueryError(
                "persisted queries are turned off on this server; send the document in `query`",
                "PERSISTED_QUERY_NOT_SUPPORTED",
            )
        if not isinstance(persisted, dict):
            raise PersistedQueryError(
                "`extensions.persistedQuery` must be an object with `version: 1` and `sha256Hash`",
                "BAD_REQUEST",
            )
        if persisted.get("version") != 1:
            raise PersistedQueryError(
                f"persisted query version {persisted.get('version')!r} is not supported; send `version: 1`",
                "BAD_REQUEST",
            )
        digest = persisted.get("sha256Hash")
        if not isinstance(digest, str) or len(digest) != 64:
            raise PersistedQueryError(
                "`extensions.persistedQuery.sha256Hash` must be the 64 hex digits of the document's SHA-256",
                "BAD_REQUEST",
            )
        digest = digest.lower()
        if query is None:
            document = self._documents.get(digest)
            if document is None:
                document = await self._fetch(digest)
                if document is not None:
                    self._remember(digest, document)
            if document is None:
                raise PersistedQueryError(
                    "PersistedQueryNotFound: this server does not know the document of this hash; send the "
                    "hash again with the document in `query`",
                    "PERSISTED_QUERY_NOT_FOUND",
                )
            self._documents.move_to_end(digest)
            return document
        if not isinstance(query, str):
            return query  # the caller reports a query that is not a string
        if hashlib.sha256(query.encode("utf-8")).hexdigest() != digest:
            raise PersistedQueryError(
                "the sha256Hash does not match the document in `query`; hash the document's UTF-8 bytes exactly "
                "as sent",
                "PERSISTED_QUERY_HASH_MISMATCH",
            )
        if len(query.encode("utf-8")) <= self.max_bytes:
            if digest not in self._documents:
                await self._store(digest, query)
            self._remember(digest, query)
        return query

    def _remember(self, digest: str, document: str) -> None:
        self._documents[digest] = document
        self._documents.move_to_end(digest)
        while len(self._documents) > self.size:
            self._documents.popitem(last=False)

    async def _fetch(self, digest: str) -> str | None:
        if self._redis is None or time.monotonic() < self._resume_at:
            return None
        try:
            value = await self._redis.getex(self._prefix + digest, ex=_TTL_S)
        except (RedisError, OSError) as error:  # the worker's memory answers
            self._failed(error)
            return None
        if value is None:
            return None
        document = value.decode("utf-8")
        # the key is the document's hash: a value that does not match it was not written by quotecheck
        return document if hashlib.sha256(value).hexdigest() == digest else None

    async def _store(self, digest: str, document: str) -> None:
        if self._redis is None or time.monotonic() < self._resume_at:
            return
        try:
            await self._redis.set(self._prefix + digest, document.encode("utf-8"), ex=_TTL_S)
        except (RedisError, OSError) as error:
            self._failed(error)

    def _failed(self, error: Exception) -> None:
        now = time.monotonic()
        self._resume_at = now + _RETRY_AFTER
        if now - self._warned >= _WARN_EVERY:
            self._warned = now
            log.warning(
                "persisted queries are kept in this worker only while Redis cannot be reached: %s", error
            )

    async def close(self) -> None:
        if self._redis is not None:
            await self._redis.aclose()

"""Automatic persisted queries, as Apollo's clients send them: the SHA-256 of a document instead of the document.

A client sends `extensions: {persistedQuery: {version: 1, sha256Hash}}` without `query`; when this worker knows
the hash it runs the document, else it answers PERSISTED_QUERY_NOT_FOUND and the client sends the hash with the
document, which is checked against the hash and remembered. The store is in memory, per worker, and bounded
(least recently used documents go first), so a restart or another worker only costs one round trip more.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from typing import Any

__all__ = ["PersistedQueries", "PersistedQueryError"]


class PersistedQueryError(Exception):
    """A persisted-query request that cannot be answered; `code` is what Apollo's clients look for."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class PersistedQueries:
    def __init__(self, size: int) -> None:
        self.size = size
        self._documents: OrderedDict[str, str] = OrderedDict()

    def __len__(self) -> int:
        return len(self._documents)

    def resolve(self, query: Any, persisted: Any) -> Any:
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
        self._documents[digest] = query
        self._documents.move_to_end(digest)
        while len(self._documents) > self.size:
            self._documents.popitem(last=False)
        return query

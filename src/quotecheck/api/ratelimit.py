"""Rate limits per client: a request with a bearer token counts against that token, any other against the
client's address. A client over its limit gets a `429` with `Retry-After` and a GraphQL-shaped error
(`RATE_LIMITED`), before any database work. `/healthz` and `/readyz` are never limited (probes must not fail
because a client is noisy).

The counting is the `limits` package's moving window (a sliding log of hit times: no burst at a window's
edge), kept in this worker's memory, or in Redis when `QUOTECHECK_REDIS_URL` is set, so that every worker of
every server shares one count (the check and the hit are one Lua script: atomic). If Redis cannot be reached
the request is let through and a warning logged (at most every 30 s), and Redis is left alone for 5 s: a
rate limiter must not turn a Redis outage into an API outage, nor a slow Redis into a slow API.

Tokens that fail to authenticate (a `401`) also count against the address, in a bucket of their own: a client
cannot dodge the address limit by sending a fresh made-up token each time.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from collections.abc import Sequence
from typing import Any

import orjson
from limits import RateLimitItem, parse_many
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import StorageError
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from quotecheck.errors import ConfigError
from quotecheck.settings import Settings

__all__ = ["RateLimitMiddleware", "RateLimiter", "parse_limits"]

log = logging.getLogger("quotecheck.api")

EXEMPT_PATHS = frozenset({"/healthz", "/readyz"})
_WARN_EVERY = 30.0  # seconds between two warnings about an unreachable Redis
_REDIS_TIMEOUT = 0.5  # seconds: a slow Redis must not hold requests up for long
_RETRY_STORE_AFTER = 5.0  # seconds without limits after Redis failed, before it is tried again


def parse_limits(value: str, variable: str) -> tuple[RateLimitItem, ...]:
    """`120/minute`, `10/second;300/minute` (all must hold); empty or `0` turns limiting off."""
    text = value.strip()
    if text in ("", "0"):
        return ()
    try:
        return tuple(parse_many(text))
    except ValueError:
        raise ConfigError(
            f"{variable}={text!r} is not a rate limit; write e.g. 120/minute or 10/second;300/minute "
            "(empty or 0 turns it off)"
        ) from None


class RateLimiter:
    """The limits and where hits are counted; `hit` says how long a client must wait (None: go ahead)."""

    def __init__(
        self,
        address_limits: Sequence[RateLimitItem],
        token_limits: Sequence[RateLimitItem],
        *,
        redis_url: str = "",
        prefix: str = "quotecheck",
    ) -> None:
        self.address_limits = tuple(address_limits)
        self.token_limits = tuple(token_limits)
        self._pool: Any = None
        storage: Storage
        if redis_url:
            import redis.asyncio

            self._pool = redis.asyncio.ConnectionPool.from_url(
                redis_url, socket_timeout=_REDIS_TIMEOUT, socket_connect_timeout=_REDIS_TIMEOUT
            )
            storage = RedisStorage(
                "async+redis://",
                implementation="redispy",
                wrap_exceptions=True,
                key_prefix=f"{prefix}:ratelimit",
                connection_pool=self._pool,
            )
        else:
            storage = MemoryStorage(wrap_exceptions=True)
        self.shared = bool(redis_url)
        self._window = MovingWindowRateLimiter(storage)
        self._warned = -math.inf
        self._resume_at = -math.inf

    @classmethod
    def from_settings(cls, settings: Settings) -> RateLimiter | None:
        """The app's limiter, or None when both limits are off."""
        address = parse_limits(settings.rate_limit, "QUOTECHECK_RATE_LIMIT")
        token = (
            address
            if settings.token_rate_limit is None
            else parse_limits(settings.token_rate_limit, "QUOTECHECK_TOKEN_RATE_LIMIT")
        )
        if not address and not token:
            return None
        return cls(address, token, redis_url=settings.redis_url, prefix=settings.redis_prefix)

    async def hit(self, limits: Sequence[RateLimitItem], key: str) -> int | None:
        """Count one request for `key`; the seconds to wait when one of `limits` is exceeded."""
        if time.monotonic() < self._resume_at:
            return None  # the store failed a moment ago: do not make every request wait to find out again
        try:
            for item in limits:
                if not await self._window.hit(item, key):
                    return await self._retry_after(item, key)
        except StorageError as error:
            self._warn(error)
        return None

    async def exhausted(self, limits: Sequence[RateLimitItem], key: str) -> int | None:
        """Like `hit`, but only looks: the seconds to wait when `key` has used up one of `limits`."""
        if time.monotonic() < self._resume_at:
            return None
        try:
            for item in limits:
                if not await self._window.test(item, key):
                    return await self._retry_after(item, key)
        except StorageError as error:
            self._warn(error)
        return None

    async def _retry_after(self, item: RateLimitItem, key: str) -> int:
        stats = await self._window.get_window_stats(item, key)
        return max(1, math.ceil(stats.reset_time - time.time()))

    def _warn(self, error: StorageError) -> None:
        now = time.monotonic()
        self._resume_at = now + _RETRY_STORE_AFTER
        if now - self._warned >= _WARN_EVERY:
            self._warned = now
            log.warning(
                "rate limiting is off while Redis cannot be reached (requests pass unlimited): %s",
                error.storage_error,
            )

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.aclose()


def _token_key(authorization: str) -> str | None:
    """A bucket name for the bearer token in the header (its hash: secrets never reach the store)."""
    scheme, _, secret = authorization.strip().partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret:
        return None
    return "token:" + hashlib.sha256(secret.encode("utf-8", "surrogateescape")).hexdigest()[:32]


class RateLimitMiddleware:
    """ASGI middleware applying a `RateLimiter` to every HTTP request but the health probes."""

    def __init__(self, app: ASGIApp, limiter: RateLimiter) -> None:
        self.app = app
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in EXEMPT_PATHS:
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        address = "addr:" + (client[0] if client else "unknown")
        authorization = Headers(scope=scope).get("authorization")
        token = _token_key(authorization) if authorization is not None else None
        if token is not None:
            wait = await self.limiter.exhausted(self.limiter.address_limits, "authfail:" + address)
            who = "this address with tokens that failed to authenticate"
            if wait is None:
                wait = await self.limiter.hit(self.limiter.token_limits, token)
                who = "this token"
        else:
            wait = await self.limiter.hit(self.limiter.address_limits, address)
            who = "this address"
        if wait is not None:
            await self._refuse(send, wait, who)
            return
        if token is None:
            await self.app(scope, receive, send)
            return

        async def counting_send(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 401:
                await self.limiter.hit(self.limiter.address_limits, "authfail:" + address)
            await send(message)

        await self.app(scope, receive, counting_send)

    async def _refuse(self, send: Send, wait: int, who: str) -> None:
        body = orjson.dumps(
            {
                "errors": [
                    {
                        "message": f"too many requests from {who}; retry after {wait} s",
                        "extensions": {"code": "RATE_LIMITED", "retryAfter": wait},
                    }
                ]
            }
        )
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"retry-after", str(wait).encode()),
        ]
        await send({"type": "http.response.start", "status": 429, "headers": headers})
        await send({"type": "http.response.body", "body": body})

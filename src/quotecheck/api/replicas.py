"""Read replicas: which database answers an operation.

Reads go to a PostgreSQL streaming replica (`QUOTECHECK_READ_DATABASE_URLS`), writes to the primary. Each
worker polls the primary's WAL position (`pg_current_wal_lsn()`) and each replica's replayed one
(`pg_last_wal_replay_lsn()`) about once a second, in the background, started by the requests themselves: no
request waits for a poll. A replica's lag is how long ago the primary had written what the replica has not
replayed yet (the poller's own clock, so the servers' clocks need not agree, and an idle primary is no lag).
A replica that cannot be reached, is not in recovery (not a replica), or lags beyond
`QUOTECHECK_REPLICA_MAX_LAG` is skipped until a poll finds it well again; with none usable, the primary reads.

Read-your-writes: an operation that committed a write answers with the primary's WAL position after the commit,
in the `X-Quotecheck-LSN` header and the `quotecheck_lsn` cookie; a request that carries either is read from a
replica only once that replica has replayed past it (the poller's last reading, which can only be behind the
truth, so never too early), and from the primary until then.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

__all__ = ["LSN_COOKIE", "LSN_HEADER", "Replica", "Replicas", "format_lsn", "parse_lsn"]

log = logging.getLogger("quotecheck.api")

LSN_HEADER = "X-Quotecheck-LSN"
LSN_COOKIE = "quotecheck_lsn"
POLL_INTERVAL_S = 1.0
_POLL_TIMEOUT_S = 2.0
_PRIMARY_LSN = text("SELECT pg_current_wal_lsn()::text")
_REPLICA_STATE = text(
    "SELECT pg_is_in_recovery(), "
    "CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END::text"
)


def parse_lsn(value: str | None) -> int | None:
    """PostgreSQL's `16/B374D848` as a number, or None for anything else (a client's header is untrusted)."""
    if not value:
        return None
    high, sep, low = value.strip().partition("/")
    if not sep or not 0 < len(high) <= 8 or not 0 < len(low) <= 8:
        return None
    try:
        return (int(high, 16) << 32) | int(low, 16)
    except ValueError:
        return None


def format_lsn(lsn: int) -> str:
    return f"{lsn >> 32:X}/{lsn & 0xFFFFFFFF:X}"


@dataclass
class Replica:
    """One replica, its engine and sessions, and what the last poll found."""

    name: str  # its URL without a password, for /readyz and logs
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    replayed: int | None = None  # the WAL position it had replayed at the last poll
    lag_s: float | None = None
    lag_bytes: int | None = None
    error: str | None = None  # why the last poll failed; None when it succeeded
    polled: bool = False

    def usable(self, max_lag_s: float) -> bool:
        return self.polled and self.error is None and self.lag_s is not None and self.lag_s <= max_lag_s

    def report(self, max_lag_s: float) -> dict[str, Any]:
        if not self.polled:
            state = "unknown"
        elif self.error is not None:
            state = "down"
        else:
            state = "ok" if self.usable(max_lag_s) else "lagging"
        return {
            "replica": self.name,
            "state": state,
            "lagSeconds": None if self.lag_s is None else round(self.lag_s, 3),
            "lagBytes": self.lag_bytes,
            "replayedLsn": None if self.replayed is None else format_lsn(self.replayed),
            **({"error": self.error} if self.error is not None else {}),
        }


class Replicas:
    """The primary and its replicas, as one worker sees them; `choose` picks where an operation reads."""

    def __init__(self, primary: AsyncEngine, replicas: list[Replica], *, max_lag_s: float) -> None:
        self.primary = primary
        self.replicas = replicas
        self.max_lag_s = max_lag_s
        self._history: deque[tuple[float, int]] = deque()  # (monotonic time, primary LSN), oldest first
        self._polled_at = -float("inf")
        self._poll: asyncio.Task[None] | None = None
        self._next = 0  # round robin among usable replicas

    def _keep_s(self) -> float:
        return max(60.0, 4 * self.max_lag_s)

    def choose(self, after_lsn: int | None) -> Replica | None:
        """The replica to read from, or None for the primary. Starts a poll when the last is over a second old."""
        self._maybe_poll()
        usable = [
            r
            for r in self.replicas
            if r.usable(self.max_lag_s)
            and (after_lsn is None or (r.replayed is not None and r.replayed >= after_lsn))
        ]
        if not usable:
            return None
        self._next = (self._next + 1) % len(usable)
        return usable[self._next]

    def mark_down(self, replica: Replica, reason: str) -> None:
        """A read on it just failed for want of a database: skip it until the next poll finds it back."""
        replica.error = reason
        log.warning("replica %s is skipped until it answers again: %s", replica.name, reason)

    async def primary_lsn(self) -> int | None:
        """The primary's WAL position now (after a commit: at or past it); None when it cannot be read."""
        try:
            async with self.primary.connect() as connection:
                value = await connection.scalar(_PRIMARY_LSN)
        except DBAPIError as error:
            log.warning("cannot read the primary's WAL position: %s", error.orig)
            return None
        return parse_lsn(value)

    def _maybe_poll(self) -> None:
        if self._poll is not None and not self._poll.done():
            return
        if time.monotonic() - self._polled_at < POLL_INTERVAL_S:
            return
        self._polled_at = time.monotonic()
        self._poll = asyncio.get_running_loop().create_task(self._poll_in_background())

    async def _poll_in_background(self) -> None:
        try:
            await self.poll()
        except Exception:  # nobody awaits this task: say what broke, and poll again next time
            log.exception("polling the replicas failed")

    async def poll(self) -> None:
        """Read the primary's WAL position and each replica's, and work out every replica's lag."""
        now = time.monotonic()
        try:
            async with asyncio.timeout(_POLL_TIMEOUT_S):
                primary = await self.primary_lsn()
        except TimeoutError:
            log.warning("the primary did not say its WAL position within %s s", _POLL_TIMEOUT_S)
            primary = None
        if primary is not None:
            self._history.append((now, primary))
        while self._history and self._history[0][0] < now - self._keep_s():
            self._history.popleft()
        await asyncio.gather(*(self._poll_replica(replica, now) for replica in self.replicas))
        self._polled_at = time.monotonic()

    async def _poll_replica(self, replica: Replica, now: float) -> None:
        try:
            async with asyncio.timeout(_POLL_TIMEOUT_S), replica.engine.connect() as connection:
                in_recovery, lsn_text = (await connection.execute(_REPLICA_STATE)).one()
        except (DBAPIError, TimeoutError, OSError) as error:
            detail = getattr(error, "orig", None) or error or "no answer in time"
            replica.error = (
                str(detail).strip().splitlines()[0] if str(detail).strip() else "no answer in time"
            )
            replica.polled = True
            replica.lag_s = replica.lag_bytes = None
            return
        replica.polled = True
        if not in_recovery:
            replica.error = "not a replica (pg_is_in_recovery() is false); list only streaming replicas"
            replica.lag_s = replica.lag_bytes = None
            return
        replayed = parse_lsn(lsn_text)
        replica.replayed = replayed
        replica.error = None if replayed is not None else "it has replayed no WAL yet"
        replica.lag_s, replica.lag_bytes = self._lag(replayed, now)

    def _lag(self, replayed: int | None, now: float) -> tuple[float | None, int | None]:
        """Seconds since the primary first wrote past `replayed` (0: it has written nothing more), rounded up
        to the poll before: the write happened between the last poll that found the primary at or before
        `replayed` and the first that found it past (at most a poll interval earlier)."""
        if replayed is None or not self._history:
            return None, None
        lag_bytes = max(0, self._history[-1][1] - replayed)
        if self._history[0][1] > replayed:
            # behind everything this worker has seen the primary write: for how long is unknown, so unusable
            return None, lag_bytes
        before = self._history[0][0]
        for at, lsn in self._history:
            if lsn > replayed:
                return now - max(before, at - POLL_INTERVAL_S), lag_bytes
            before = at
        return 0.0, lag_bytes

    async def report(self) -> list[dict[str, Any]]:
        """Each replica's state after a fresh poll, for /readyz."""
        if self._poll is not None and not self._poll.done():
            await asyncio.wait([self._poll])
        await self.poll()
        return [replica.report(self.max_lag_s) for replica in self.replicas]

    async def close(self) -> None:
        if self._poll is not None:
            self._poll.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._poll
        for replica in self.replicas:
            await replica.engine.dispose()

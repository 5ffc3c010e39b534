"""Rate limits through the real app: per address, per token, made-up tokens, the probes left alone, and one
count shared through a real Redis by two app instances (skipped without a Redis at 127.0.0.1:6379)."""

from __future__ import annotations

import logging
import secrets
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import anyio.from_thread
import httpx
import pytest

from quotecheck.api.app import create_app
from quotecheck.errors import ConfigError
from quotecheck.settings import Settings

QUERY = {"query": "{ speakers(first: 1) { totalCount } }"}
REDIS_URL = "redis://127.0.0.1:6379/0"


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


needs_redis = pytest.mark.skipif(not _redis_up(), reason="no Redis server answers at 127.0.0.1:6379")


class App:
    """One app instance on its own event loop; `client(address)` sends requests from that address."""

    def __init__(self, portal: Any, app: Any) -> None:
        self.portal = portal
        self.app = app

    def post(
        self, address: str = "127.0.0.1", token: str | None = None, path: str = "/graphql"
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}

        async def send() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app, client=(address, 40000))
            async with httpx.AsyncClient(transport=transport, base_url="http://quotecheck.test") as http:
                if path == "/graphql":
                    return await http.post(path, json=QUERY, headers=headers)
                return await http.get(path, headers=headers)

        response: httpx.Response = self.portal.call(send)
        return response


@contextmanager
def running(url: str, **limits: Any) -> Iterator[App]:
    app = create_app(Settings(database_url=url, **limits))
    with anyio.from_thread.start_blocking_portal() as portal:
        try:
            yield App(portal, app)
        finally:
            if app.state.limiter is not None:
                portal.call(app.state.limiter.close)
            portal.call(app.state.engine.dispose)


def assert_limited(response: httpx.Response, who: str) -> int:
    assert response.status_code == 429, response.text
    wait = int(response.headers["Retry-After"])
    assert 1 <= wait <= 60
    body = response.json()
    assert body == {
        "errors": [
            {
                "message": f"too many requests from {who}; retry after {wait} s",
                "extensions": {"code": "RATE_LIMITED", "retryAfter": wait},
            }
        ]
    }
    return wait


def test_an_address_over_its_limit_gets_429_with_retry_after(demo_url: str) -> None:
    with running(demo_url, rate_limit="3/minute") as app:
        for _ in range(3):
            assert app.post().status_code == 200
        assert_limited(app.post(), "this address")
        assert app.post(address="10.0.0.2").status_code == 200  # another address has its own count
        for _ in range(5):  # probes are never limited
            assert app.post(path="/healthz").status_code == 200
            assert app.post(path="/readyz").status_code == 200


def test_no_limit_by_default(demo_url: str) -> None:
    with running(demo_url) as app:
        assert app.app.state.limiter is None
        assert all(app.post().status_code == 200 for _ in range(20))


def test_a_token_has_its_own_count(scratch_url: str, tokens: dict[str, str]) -> None:
    with running(scratch_url, rate_limit="2/minute", token_rate_limit="4/minute") as app:
        for _ in range(2):
            assert app.post().status_code == 200
        assert_limited(app.post(), "this address")
        # the same address with a token: counted against the token, with the token's (higher) limit
        for _ in range(4):
            assert app.post(token=tokens["READER"]).status_code == 200
        assert_limited(app.post(token=tokens["READER"]), "this token")
        assert app.post(token=tokens["EDITOR"]).status_code == 200


def test_made_up_tokens_count_against_the_address(scratch_url: str, tokens: dict[str, str]) -> None:
    with running(scratch_url, rate_limit="3/minute", token_rate_limit="100/minute") as app:
        for _ in range(3):
            forged = "qc_" + secrets.token_urlsafe(32)
            assert app.post(token=forged).status_code == 401
        forged = "qc_" + secrets.token_urlsafe(32)
        assert_limited(app.post(token=forged), "this address with tokens that failed to authenticate")
        # a good token from that address is refused too until the failures age out; another address is not
        assert app.post(token=tokens["READER"]).status_code == 429
        assert app.post(address="10.0.0.3", token=tokens["READER"]).status_code == 200


def test_a_bad_setting_says_how_to_write_one() -> None:
    with pytest.raises(ConfigError, match=r"QUOTECHECK_RATE_LIMIT='lots' is not a rate limit; write e\.g\."):
        Settings.from_env({"QUOTECHECK_RATE_LIMIT": "lots"})
    assert Settings.from_env({"QUOTECHECK_RATE_LIMIT": "0"}).rate_limit == "0"
    assert Settings.from_env({"QUOTECHECK_TOKEN_RATE_LIMIT": "10/second;600/minute"}).token_rate_limit
    with pytest.raises(ConfigError, match="QUOTECHECK_TOKEN_RATE_LIMIT"):
        create_app(Settings(token_rate_limit="5 a minute"))


@needs_redis
def test_two_app_instances_share_one_count_through_redis(demo_url: str) -> None:
    prefix = f"quotecheck-test-{uuid.uuid4().hex}"  # other test runs share this Redis
    settings = {"rate_limit": "5/minute", "redis_url": REDIS_URL, "redis_prefix": prefix}
    with running(demo_url, **settings) as first, running(demo_url, **settings) as second:
        assert first.app.state.limiter.shared
        for app in (first, second, first, second, first):
            assert app.post().status_code == 200
        assert_limited(second.post(), "this address")
        assert_limited(first.post(), "this address")
        assert second.post(address="10.0.0.4").status_code == 200
    # and a third instance with another prefix (another deployment) counts on its own
    with running(demo_url, **{**settings, "redis_prefix": prefix + "-other"}) as other:
        assert other.post().status_code == 200


def test_a_redis_outage_lets_requests_through_with_a_warning(
    demo_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        dead = sock.getsockname()[1]  # nothing listens here once the socket closes
    with running(demo_url, rate_limit="1/minute", redis_url=f"redis://127.0.0.1:{dead}/0") as app:
        with caplog.at_level(logging.WARNING, logger="quotecheck.api"):
            assert [app.post().status_code for _ in range(3)] == [200, 200, 200]
        warnings = [r.getMessage() for r in caplog.records if "Redis cannot be reached" in r.getMessage()]
        assert len(warnings) == 1, warnings  # once, not once a request

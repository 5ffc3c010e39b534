"""Engines and sessions: SQLite set up right, concurrent readers and writers, and the asyncio side."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from quotecheck.db import async_session_factory, make_async_engine, session_scope
from quotecheck.models import Speaker, Topic
from quotecheck.services import speakers
from quotecheck.settings import database_urls
from tests.conftest import backend, seeding

sqlite_only = pytest.mark.skipif(backend() != "sqlite", reason="SQLite connection settings")


@sqlite_only
def test_sqlite_connections_enforce_foreign_keys_and_use_wal(engine: Engine) -> None:
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 15000


def test_a_failed_block_commits_nothing(scratch_engine: Engine) -> None:
    with pytest.raises(RuntimeError), session_scope(scratch_engine, write=True) as session:  # noqa: PT012
        speakers.create_speaker(session, name="Half Written")
        raise RuntimeError("stop before the end of the command")
    with session_scope(scratch_engine) as session:
        assert session.scalar(select(func.count()).select_from(Speaker)) == 0


def test_readers_and_writers_at_once_never_fail(scratch_engine: Engine) -> None:
    """Two writers and three readers hammer one database; no 'database is locked', no lost row."""
    writes_each = 25
    errors: list[BaseException] = []
    done = threading.Event()

    def writer(index: int) -> None:
        try:
            for n in range(writes_each):
                with seeding(scratch_engine) as session:
                    # read, then write, in one transaction: the pattern that fails without BEGIN IMMEDIATE
                    session.scalar(select(func.count()).select_from(Topic))
                    session.add(Topic(name=f"w{index}-{n}", slug=f"w{index}-{n}"))
        except BaseException as error:  # reported below
            errors.append(error)

    def reader() -> None:
        try:
            while not done.is_set():
                with session_scope(scratch_engine) as session:
                    session.scalar(select(func.count()).select_from(Topic))
                    session.execute(text("SELECT 1")).scalar_one()
        except BaseException as error:
            errors.append(error)

    readers = [threading.Thread(target=reader) for _ in range(3)]
    writers = [threading.Thread(target=writer, args=(i,)) for i in range(2)]
    started = time.monotonic()
    for thread in readers + writers:
        thread.start()
    for thread in writers:
        thread.join(timeout=60)
    done.set()
    for thread in readers:
        thread.join(timeout=10)
    assert time.monotonic() - started < 60
    assert errors == []
    with session_scope(scratch_engine) as session:
        assert session.scalar(select(func.count()).select_from(Topic)) == 2 * writes_each


def test_async_engine_shares_the_services(scratch_engine: Engine, scratch_url: str) -> None:
    """The API's path: an AsyncSession runs the same (sync) services through run_sync, off the event loop."""

    async def scenario() -> tuple[int, list[str]]:
        engine = make_async_engine(database_urls(scratch_url))
        factory = async_session_factory(engine)
        try:
            async with factory() as session, session.begin():
                await session.run_sync(
                    lambda sync: speakers.create_speaker(sync, name="Async Speaker", aliases=["A. Speaker"])
                )
            async with factory() as session:
                found = await session.run_sync(lambda sync: speakers.find_speakers(sync, "a speaker"))
                if engine.dialect.name == "sqlite":
                    fk = (await session.execute(text("PRAGMA foreign_keys"))).scalar_one()
                else:
                    fk = 1
                return int(fk), [speaker.name for speaker in found]
        finally:
            await engine.dispose()

    foreign_keys, names = asyncio.run(scenario())
    assert foreign_keys == 1
    assert names == ["Async Speaker"]


def test_the_test_session_rolls_back_even_a_commit(session: Session, engine: Engine) -> None:
    """The fixture every test uses: a commit inside a test is a savepoint, invisible outside and undone after."""
    speakers.create_speaker(session, name="Committed Inside A Test")
    session.commit()
    assert speakers.find_speakers(session, "committed inside a test") != []
    with engine.connect() as other:
        seen = other.scalar(
            select(func.count()).select_from(Speaker).where(Speaker.name_key == "committed inside a test")
        )
    assert seen == 0

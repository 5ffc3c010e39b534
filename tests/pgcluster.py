"""A private PostgreSQL cluster for the fault and replica tests: its own data directory under a temporary
directory, a free port of 127.0.0.1, run as the postgres user (never the machine's shared server).

Needs the Debian PostgreSQL server binaries (initdb, pg_ctl, pg_basebackup) and root (to run them as the
postgres user through runuser); `skip_reason` says what is missing.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

__all__ = ["Cluster", "bin_dir", "cluster", "needs_cluster", "skip_reason"]


def bin_dir() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: p.parent.parent.name)
    return found[-1].parent if found else None


def skip_reason() -> str | None:
    if bin_dir() is None:
        return "the PostgreSQL server binaries (/usr/lib/postgresql/*/bin/initdb) are not installed"
    if os.geteuid() != 0:
        return "root is needed to run a private PostgreSQL cluster as the postgres user"
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        return "there is no postgres user to run a private PostgreSQL cluster as"
    if shutil.which("runuser") is None:
        return "runuser (util-linux) is needed to run a private PostgreSQL cluster as the postgres user"
    return None


needs_cluster = pytest.mark.skipif(skip_reason() is not None, reason=skip_reason() or "")


class Cluster:
    """A PostgreSQL cluster of its own in a temporary directory, on a free port of 127.0.0.1."""

    def __init__(self, root: Path) -> None:
        found = bin_dir()
        assert found is not None
        self.bin = found
        self.data = root / "data"
        self.root = root
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _as_postgres(self, *command: str) -> None:
        subprocess.run(
            ["runuser", "-u", "postgres", "--", *command],
            check=True,
            capture_output=True,
            timeout=60,
            cwd=self.root,
        )

    def init(self) -> None:
        self._as_postgres(
            str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync"
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = str(self.root / "postgres.log")
        self._as_postgres(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", log, "-w", "start"
        )

    def replica_of(self, primary: Cluster) -> None:
        """Make this cluster a streaming replica of `primary` (a base backup with standby.signal and
        primary_conninfo written by `-R`); start it afterwards."""
        self._as_postgres(
            str(self.bin / "pg_basebackup"),
            "-D",
            str(self.data),
            "-h",
            "127.0.0.1",
            "-p",
            str(primary.port),
            "-U",
            "postgres",
            "-R",
            "-X",
            "stream",
            "--no-sync",
        )

    def stop(self, mode: str = "fast") -> None:
        self._as_postgres(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    reason = skip_reason()
    if reason is not None:
        pytest.skip(reason)
    root = Path(tempfile.mkdtemp(prefix="quotecheck-pg-"))
    shutil.chown(root, "postgres", "postgres")
    made = Cluster(root)
    try:
        made.init()
        made.start()
        yield made
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):  # not running
            made.stop("immediate")
        shutil.rmtree(root, ignore_errors=True)

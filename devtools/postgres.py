"""A throwaway PostgreSQL cluster in a temp dir, for tests and benchmarks on a real server."""

from __future__ import annotations

import contextlib
import glob
import logging
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

logger = logging.getLogger(__name__)

PG_URL_ENV = "DISPATCH_TEST_PG_URL"


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server binaries are installed on this machine."""


def find_bindir() -> Path:
    """The directory holding initdb/pg_ctl/postgres of the newest installed PostgreSQL."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
    for path in reversed(candidates):
        if (Path(path) / "initdb").exists():
            return Path(path)
    for name in ("pg_ctl", "initdb"):
        found = shutil.which(name)
        if found:
            return Path(found).resolve().parent
    raise PostgresUnavailable(
        "PostgreSQL server binaries (initdb, pg_ctl) are not installed: "
        "run `make bootstrap` (installs Debian's postgresql) or set " + PG_URL_ENV
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class ThrowawayPostgres:
    """A private cluster on a loopback port, removed on stop(); runs as `postgres` under root."""

    bindir: Path = field(default_factory=find_bindir)
    port: int = field(default_factory=_free_port)
    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="dispatch-pg-")))
    durable: bool = False
    # More server settings ("max_connections=300"): benchmarks with many clients need them.
    settings: tuple[str, ...] = ()

    def _as_owner(self, argv: list[str]) -> list[str]:
        if os.geteuid() != 0:
            return argv
        # initdb refuses to run as root: run the server as the postgres system user.
        return ["runuser", "-u", "postgres", "--", *argv]

    def start(self) -> str:
        """Create and start the cluster; returns an admin URL (database `postgres`)."""
        datadir = self.root / "data"
        if os.geteuid() == 0:
            pw = pwd.getpwnam("postgres")
            os.chown(self.root, pw.pw_uid, pw.pw_gid)
        subprocess.run(
            self._as_owner(
                [
                    str(self.bindir / "initdb"),
                    "-D",
                    str(datadir),
                    "-U",
                    "postgres",
                    "-A",
                    "trust",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                    "--no-sync",
                ]
            ),
            check=True,
            capture_output=True,
            text=True,
        )
        self._pg_ctl_start()
        return self.url("postgres")

    def _pg_ctl_start(self) -> None:
        datadir = self.root / "data"
        opts = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1"
        if not self.durable:
            # Test data is thrown away: skip the fsyncs that make a test run slow.
            opts += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        opts += "".join(f" -c {setting}" for setting in self.settings)
        subprocess.run(
            self._as_owner(
                [
                    str(self.bindir / "pg_ctl"),
                    "-D",
                    str(datadir),
                    "-o",
                    opts,
                    "-l",
                    str(self.root / "server.log"),
                    "-w",
                    "-t",
                    "60",
                    "start",
                ]
            ),
            check=True,
            capture_output=True,
            text=True,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                with psycopg.connect(self.dsn("postgres"), connect_timeout=2):
                    break
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def pause(self) -> None:
        """Stop the server but keep the cluster (a database restart, as clients see it)."""
        subprocess.run(
            self._as_owner(
                [
                    str(self.bindir / "pg_ctl"),
                    "-D",
                    str(self.root / "data"),
                    "-m",
                    "fast",
                    "-w",
                    "stop",
                ]
            ),
            check=True,
            capture_output=True,
            timeout=60,
        )

    def resume(self) -> None:
        """Start a paused server again on the same port and data."""
        self._pg_ctl_start()

    def dsn(self, database: str) -> str:
        """A libpq connection string to a database of this cluster."""
        return f"host=127.0.0.1 port={self.port} user=postgres dbname={database}"

    def url(self, database: str) -> str:
        """An SQLAlchemy URL to a database of this cluster."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """Create (or recreate) a database; returns its SQLAlchemy URL."""
        with psycopg.connect(self.dsn("postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        """Stop the server and delete the cluster."""
        datadir = self.root / "data"
        if datadir.exists():
            with contextlib.suppress(subprocess.SubprocessError, OSError):
                subprocess.run(
                    self._as_owner(
                        [
                            str(self.bindir / "pg_ctl"),
                            "-D",
                            str(datadir),
                            "-m",
                            "immediate",
                            "-w",
                            "stop",
                        ]
                    ),
                    capture_output=True,
                    timeout=60,
                )
        shutil.rmtree(self.root, ignore_errors=True)

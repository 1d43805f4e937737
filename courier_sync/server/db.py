"""The service's own database: engines for SQLite (WAL) and PostgreSQL, and write transactions."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url

from courier_sync.server.config import default_db_url
from storage.private_files import make_private
from storage.urls import database_url

SQLITE_BUSY_TIMEOUT_MS = 15_000


def normalize_url(url: str | None) -> str:
    """The SQLAlchemy URL for a --db value: a URL, a bare file path, or the default."""
    return database_url(url, "" if url else default_db_url())


def _on_sqlite_connect(dbapi_conn: Any, _record: Any) -> None:
    # Take transaction control from pysqlite so that BEGIN / BEGIN IMMEDIATE are ours.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    # WAL lets readers go on while one writer commits; FULL makes a confirmed upsert durable,
    # which matters because the relay forgets a message once the service confirmed it.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cur.close()


def _on_sqlite_begin(conn: Connection) -> None:
    # Writers take the write lock up front: a deferred transaction that read first and then
    # tries to write fails with SQLITE_BUSY at once instead of waiting for the lock.
    immediate = conn.get_execution_options().get("sqlite_immediate", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(url: str | None = None, **kwargs: Any) -> Engine:
    """An engine for the service's database with the settings the service relies on."""
    full = normalize_url(url)
    parsed = make_url(full)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
            # Before SQLite creates it: the database holds clients' data and token hashes.
            # SQLite gives its -wal and -shm files the database file's mode.
            make_private(database)
        kwargs.setdefault("pool_size", 20)
        kwargs.setdefault("max_overflow", 40)
        engine = create_engine(
            full,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
            **kwargs,
        )
        event.listen(engine, "connect", _on_sqlite_connect)
        event.listen(engine, "begin", _on_sqlite_begin)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 30)
    return create_engine(full, **kwargs)


def is_sqlite(engine: Engine) -> bool:
    """True for the embedded SQLite backend."""
    return engine.dialect.name == "sqlite"


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A write transaction: committed when the block ends, rolled back on any error."""
    with engine.connect().execution_options(sqlite_immediate=True) as conn, conn.begin():
        yield conn


@contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    """Reads: a snapshot transaction on SQLite, autocommit statements on PostgreSQL.

    Readers never need more than statement consistency here (a task list reads the
    revision before the rows, so the rows are never older than the revision), and on
    PostgreSQL autocommit saves the BEGIN/COMMIT round trips of every request.
    """
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            yield conn
        return
    with engine.connect() as conn, conn.begin():
        yield conn

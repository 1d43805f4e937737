"""Engines and units of work for the embedded SQLite file and for PostgreSQL."""

from __future__ import annotations

import logging
import select
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

# Imported for its after-flush hook: every session made here keeps the search word index.
from dispatcher import search_index  # noqa: F401
from dispatcher.config import default_db_url
from dispatcher.errors import ConcurrentEditError
from storage.urls import database_url

logger = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 10_000


def normalize_url(url: str | None) -> str:
    """The SQLAlchemy URL for a user's --db value: a URL, a bare file path, or the default."""
    return database_url(url, "" if url else default_db_url())


def _on_sqlite_connect(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    # WAL + synchronous=FULL: an acknowledged commit survives a power cut.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cur.close()


def make_engine(url: str | None = None, **kwargs: Any) -> Engine:
    """An engine for the URL with the pragmas and pool settings this project relies on."""
    full = normalize_url(url)
    parsed = make_url(full)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            full, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **kwargs
        )
        event.listen(engine, "connect", _on_sqlite_connect)
        return engine
    # No pre-ping (a round trip before every unit of work, a quarter of a lookup's time):
    # a connection the server has closed is found at checkout without asking the server.
    # psycopg's own preparing forgets everything, the lookup's PREPAREd statement included,
    # at the first ROLLBACK after it prepared anything: the lookup prepares its own instead.
    connect_args = {"prepare_threshold": None, **kwargs.pop("connect_args", {})}
    engine = create_engine(full, connect_args=connect_args, **kwargs)
    event.listen(engine, "checkout", _refuse_closed_connection)
    return engine


def _refuse_closed_connection(dbapi_conn: Any, _record: Any, _proxy: Any) -> None:
    """Make the pool reconnect when the server has closed this idle connection.

    An idle connection has nothing to read unless the server said goodbye (a terminated
    backend's FATAL message, a restart's end of stream): a poll of the socket that returns
    at once tells, without a round trip. A dead network that never said so is caught by the
    lookup's reconnect-and-retry (`dispatcher.lookup_remote`) or by the failing statement.
    """
    if not hasattr(dbapi_conn, "pgconn"):
        return  # not psycopg: nothing to look at
    if dbapi_conn.closed or dbapi_conn.broken:
        raise DisconnectionError("connection closed")
    try:
        readable, _, _ = select.select([dbapi_conn.pgconn.socket], [], [], 0)
    except (OSError, ValueError) as exc:
        raise DisconnectionError("connection closed") from exc
    if readable:
        logger.info("Reconnecting: the database server closed an idle connection")
        raise DisconnectionError("the server closed the connection")


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit (results go to views)."""
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def unit_of_work(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One user action: commit when the block ends cleanly, roll everything back otherwise."""
    session = factory()
    try:
        yield session
        session.commit()
    except StaleDataError as exc:
        session.rollback()
        raise ConcurrentEditError.of(
            "Someone else changed this order a moment ago. Reload it and try again."
        ) from exc
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()

"""Live changes: a cheap stamp that goes up with every write to orders and tasks, and the
watchers that tell a board or a client card "something changed, read again".

The triggers of migration 0007 bump it in the writer's own transaction, whoever the writer
is (a desk, `dispatch`, the relay applying a courier's event): on SQLite a one-row counter
(`change_stamp`) that a `StampPoller` reads a few times a second — one primary-key read, no
table is polled; on PostgreSQL a sequence and ``NOTIFY dispatch_changes`` at commit, heard by
a `ChangeListener` on its own connection, which reconnects after a server restart and then
reports one change (whatever happened while it was away is read again once).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Protocol

import psycopg
from sqlalchemy import select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from dispatcher.models import Order

logger = logging.getLogger(__name__)

CHANNEL = "dispatch_changes"
POLL_INTERVAL_S = 0.25
RECONNECT_INTERVAL_S = 0.5

OnChange = Callable[[int], object]


def change_stamp(session: Session) -> int:
    """The current change stamp: different from an earlier read when an order or task changed."""
    if session.get_bind().dialect.name == "postgresql":
        # Not transactional (a sequence): good enough for "has anything changed since?".
        return int(
            session.execute(
                text(
                    "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM dispatch_change_seq"
                )
            ).scalar_one()
        )
    return int(session.execute(text("SELECT value FROM change_stamp WHERE id = 1")).scalar_one())


def client_orders_stamp(session: Session, client_id: int) -> tuple[tuple[int, int], ...]:
    """(order id, version) of a client's orders, newest first: an open client card shows them
    again only when this moved (one index range read, not the whole card)."""
    rows = session.execute(
        select(Order.id, Order.version)
        .where(Order.client_id == client_id)
        .order_by(Order.id.desc())
        .limit(50)
    )
    return tuple((int(oid), int(version)) for oid, version in rows)


class ChangeWatch(Protocol):
    """What the desk's watcher drives: a thread that calls back on each change."""

    def start(self) -> None:
        """Start watching (returns at once)."""

    def stop(self) -> None:
        """Stop and wait for the thread to end."""


def libpq_conninfo(url: str) -> str:
    """The libpq connection string for an SQLAlchemy PostgreSQL URL (psycopg's own form)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


class ChangeListener:
    """LISTENs on ``dispatch_changes`` on its own connection; calls ``on_change(stamp)`` per
    notification from a thread of its own. After losing the server it reconnects every
    RECONNECT_INTERVAL_S and, once back, calls ``on_change(-1)`` once: the board reads again."""

    def __init__(self, url: str, on_change: OnChange, *, timeout_s: float = 0.2) -> None:
        """A listener for the PostgreSQL database at the SQLAlchemy ``url``."""
        self.conninfo = libpq_conninfo(url)
        self.on_change = on_change
        self.timeout_s = timeout_s
        self.connected = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Listen in a daemon thread; returns once the first LISTEN is on (or 5 s passed)."""
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="change-listener", daemon=True)
        self._thread.start()
        self.connected.wait(5)

    def stop(self) -> None:
        """Stop listening and close the connection."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None

    def _connect(self) -> psycopg.Connection:
        conn = psycopg.connect(self.conninfo, autocommit=True, connect_timeout=3)
        conn.execute(f"LISTEN {CHANNEL}")
        return conn

    def _run(self) -> None:
        lost = False
        while not self._stop.is_set():
            try:
                conn = self._connect()
            except psycopg.Error as exc:
                if not lost:
                    logger.info("change listener cannot connect: %s", exc)
                lost = True
                self._stop.wait(RECONNECT_INTERVAL_S)
                continue
            self.connected.set()
            if lost:
                logger.info("change listener reconnected")
                # Changes made while it was away were not heard: one refresh covers them all.
                self._notify(-1)
                lost = False
            try:
                with conn:
                    while not self._stop.is_set():
                        for note in conn.notifies(timeout=self.timeout_s):
                            self._notify(int(note.payload) if note.payload.isdigit() else -1)
            except psycopg.Error as exc:
                logger.info("change listener lost the server: %s", exc)
                self.connected.clear()
                lost = True
                self._stop.wait(RECONNECT_INTERVAL_S)

    def _notify(self, stamp: int) -> None:
        try:
            self.on_change(stamp)
        except Exception:  # a broken callback must not end the listening
            logger.exception("change callback failed")


class StampPoller:
    """Reads the change stamp every ``interval_s`` in a thread; ``on_change(stamp)`` when it
    moved. A database it cannot read is tried again at the next tick, quietly."""

    def __init__(
        self,
        sessions: Callable[[], Session],
        on_change: OnChange,
        *,
        interval_s: float = POLL_INTERVAL_S,
    ) -> None:
        """A poller over sessions from ``sessions`` (one short session per read)."""
        self.sessions = sessions
        self.on_change = on_change
        self.interval_s = interval_s
        self.last: int | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Read the stamp once (the baseline) and poll in a daemon thread."""
        self._stop.clear()
        self.last = self._read()
        self._thread = threading.Thread(target=self._run, name="stamp-poller", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop polling."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None

    def _read(self) -> int | None:
        try:
            with self.sessions() as session:
                return change_stamp(session)
        except Exception as exc:  # the database may be away for a moment (a file being swapped)
            logger.debug("change stamp not read: %s", exc)
            return None

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            stamp = self._read()
            if stamp is None or stamp == self.last:
                continue
            self.last = stamp
            try:
                self.on_change(stamp)
            except Exception:
                logger.exception("change callback failed")


def watch_changes(
    url: str, sessions: Callable[[], Session], on_change: OnChange
) -> ChangeListener | StampPoller:
    """The right watcher for the database: LISTEN on PostgreSQL, polling the stamp on SQLite."""
    if make_url(url).get_backend_name() == "postgresql":
        return ChangeListener(url, on_change)
    return StampPoller(sessions, on_change)

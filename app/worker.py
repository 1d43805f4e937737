"""DbWorker: runs database work off the GUI thread and hands results back on it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QRunnable, QThreadPool
from sqlalchemy.orm import Session, sessionmaker

from app.domain_text import translate_error
from app.gui_thread import GuiThreadRelay
from dispatcher.db import unit_of_work
from dispatcher.errors import DomainError

logger = logging.getLogger(__name__)

T = TypeVar("T")

Done = Callable[[Any], None]
Failed = Callable[[str], None]

UNEXPECTED = "Something went wrong with the database; nothing was saved. Details are in the log."


class _Job(QRunnable):
    def __init__(
        self,
        factory: sessionmaker[Session],
        fn: Callable[[Session], Any],
        relay: GuiThreadRelay,
        on_done: Done | None,
        on_error: Failed | None,
    ) -> None:
        super().__init__()
        self._factory = factory
        self._fn = fn
        self._relay = relay
        self._on_done = on_done
        self._on_error = on_error

    def run(self) -> None:
        try:
            with unit_of_work(self._factory) as session:
                value = self._fn(session)
        except DomainError as exc:
            # An operator's mistake or a concurrent edit: the message is written for them, in
            # their language (QCoreApplication.translate is thread-safe); the log keeps English.
            logger.info("Database job %r refused: %s", getattr(self._fn, "__name__", self._fn), exc)
            self._relay.deliver(self._on_error, translate_error(exc))
        except Exception:
            logger.exception("Database job %r failed", getattr(self._fn, "__name__", self._fn))
            self._relay.deliver(self._on_error, UNEXPECTED)
        else:
            self._relay.deliver(self._on_done, value)


class DbWorker:
    """Runs ``fn(session)`` in its own unit of work on a pool thread.

    ``on_done(result)`` or ``on_error(message)`` is then called on the GUI thread. The
    function must return plain data (dataclasses, ids), never ORM rows: the session is
    closed by the time the callback runs.
    """

    def __init__(self, factory: sessionmaker[Session], threads: int = 2) -> None:
        """A worker over ``factory`` with its own pool of ``threads`` threads."""
        self.factory = factory
        self._pool = QThreadPool()
        self._pool.setMaxThreadCount(threads)
        # One thread, first in first out: writes that must land in the order they were made
        # (a call answered, then ended) never overtake each other.
        self._lane = QThreadPool()
        self._lane.setMaxThreadCount(1)
        self._relay = GuiThreadRelay()

    def submit(
        self,
        fn: Callable[[Session], T],
        on_done: Callable[[T], None] | None = None,
        on_error: Failed | None = None,
        *,
        ordered: bool = False,
    ) -> None:
        """Queue ``fn``; its result or error message arrives later on the GUI thread.

        ``ordered`` jobs run one at a time in submission order, apart from the other jobs
        (a lookup never waits behind them).
        """
        pool = self._lane if ordered else self._pool
        pool.start(_Job(self.factory, fn, self._relay, on_done, on_error))

    def run_now(self, fn: Callable[[Session], T]) -> T:
        """Run ``fn`` synchronously (start-up and tests only; never from a key handler)."""
        with unit_of_work(self.factory) as session:
            return fn(session)

    def wait_idle(self, timeout_ms: int = 10_000) -> bool:
        """Block until queued jobs finished (shutdown and tests); callbacks still need events."""
        return self._lane.waitForDone(timeout_ms) and self._pool.waitForDone(timeout_ms)

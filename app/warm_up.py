"""Warm start: the first screen pop after start is as fast as the rest.

Right after the window is shown, in the background, the workspace does once what the first
call would otherwise pay for (measured by `bench pop_to_screen`'s ``first_call_ms``):

- on the database worker (never the GUI thread): the caller lookup's statements, run for a
  few real numbers spread over the phone index and for one number nobody has, which reads
  the index's upper pages and the pages of the tables a pop reads, and loads
  phonenumbers' metadata for the region;
- then on the GUI thread, in one short step: a caller panel built, filled with one of those
  results and laid out hidden (never on screen), so the widgets' styles, fonts and glyphs
  are ready.

Beside these, on a thread of its own, the pages of the lookup's indexes and tables are read
into memory (`dispatcher.prewarm`: the embedded file's b-trees in key order, or PostgreSQL's
`pg_prewarm`), so the first minute after a reboot is not slow; `pages_warmed` says when.

The window is shown before any of this starts; a call that rings during the warm-up is
served as usual (the lookup runs on the worker's other thread).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.worker import DbWorker
from dispatcher.lookup import LookupResult, LookupStatus
from dispatcher.operations.calls import look_up_caller
from dispatcher.prewarm import Prewarmed, prewarm_database

logger = logging.getLogger(__name__)

NOBODY = "+7 900 000-00-00"  # a valid number that nobody has: the "unknown caller" path
SAMPLES = 3  # numbers from the start, the middle and the end of the phones table


@dataclass(frozen=True, slots=True)
class DatabaseWarmed:
    """What the database part did: how long it took and a result to lay the panel out with."""

    ms: float
    lookups: int
    sample: LookupResult | None


def warm_database(session: Session, region: str = "RU") -> DatabaseWarmed:
    """Run the lookup for a few numbers spread over the phone index and for an unknown one."""
    started = time.perf_counter()
    last = session.execute(text("SELECT max(id) FROM phones")).scalar()
    numbers: list[str] = []
    if last:
        for at in (1, max(1, last // 2), last):
            number = session.execute(
                text("SELECT e164 FROM phones WHERE id >= :at ORDER BY id LIMIT 1"), {"at": at}
            ).scalar()
            if number:
                numbers.append(number)
    sample = None
    for number in [*numbers[:SAMPLES], NOBODY]:
        result = look_up_caller(session, number, region)
        if sample is None and result is not None and result.status is LookupStatus.FOUND:
            sample = result
    return DatabaseWarmed((time.perf_counter() - started) * 1e3, len(numbers) + 1, sample)


class WarmUp(QObject):
    """Warms the pop's path in the background once the window is up.

    Signals:
        finished(dict): what was warmed and how long each part took (also logged).
        pages_warmed(Prewarmed): the lookup's pages are in memory (emitted from its thread).
    """

    finished = Signal(object)
    pages_warmed = Signal(object)

    def __init__(self, worker: DbWorker, intake: Any, region: str) -> None:
        """Warm-up of ``worker``'s database and of a panel fed by ``intake``."""
        super().__init__()
        self.worker = worker
        self.intake = intake
        self.region = region
        self.report: dict[str, Any] | None = None
        self.pages: Prewarmed | None = None
        self._started = 0.0
        self._stop = threading.Event()

    def start(self) -> None:
        """Start reading the lookup's pages and queue the database part; returns at once."""
        self._started = time.perf_counter()
        engine = self.worker.factory.kw.get("bind")
        if engine is not None:
            threading.Thread(
                target=self._warm_pages, args=(engine,), name="warm-pages", daemon=True
            ).start()
        region = self.region
        self.worker.submit(
            lambda session: warm_database(session, region), self._on_database_warmed, self._failed
        )

    def stop(self) -> None:
        """Ask the page reading to stop after the index or table it is reading."""
        self._stop.set()

    def _warm_pages(self, engine: Any) -> None:
        # Its own connection and thread: the worker's threads stay free for calls.
        self.pages = prewarm_database(engine, stop=self._stop, background=True)
        self.pages_warmed.emit(self.pages)

    def _on_database_warmed(self, warmed: DatabaseWarmed) -> None:
        panel_ms = self._lay_out_panel(warmed.sample)
        self.report = {
            "database_ms": round(warmed.ms, 1),
            "lookups": warmed.lookups,
            "panel_ms": round(panel_ms, 1),
            "total_ms": round((time.perf_counter() - self._started) * 1e3, 1),
        }
        logger.info("Warm-up done", extra={"warm_up": self.report})
        self.finished.emit(self.report)

    def _lay_out_panel(self, sample: LookupResult | None) -> float:
        from app.widgets.caller_panel import CallerPanel

        started = time.perf_counter()
        panel = CallerPanel(self.intake)
        # Laid out and painted off screen: no window appears, not even for a frame.
        panel.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
        panel.resize(900, 600)
        if sample is not None:
            panel.show_lookup(sample)
        panel.show()
        panel.grab()
        panel.close()
        panel.deleteLater()
        return (time.perf_counter() - started) * 1e3

    def _failed(self, message: str) -> None:
        # Only speed is lost: the first call does the work itself.
        logger.info("Warm-up skipped: %s", message)
        self.report = {"failed": message}
        self.finished.emit(self.report)

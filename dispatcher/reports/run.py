"""Run a report by name: the one operation the Reports window and `dispatch report` call."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

# Each module by its full name: the package re-exports `run_report`, so importing the
# modules through it would make an import circle.
import dispatcher.reports.bottles as bottles
import dispatcher.reports.cash as cash
import dispatcher.reports.complaints as complaints
import dispatcher.reports.delivered as delivered
import dispatcher.reports.lost_clients as lost_clients
import dispatcher.reports.orders as orders
import dispatcher.reports.sales as sales
from dispatcher.errors import DomainError, ValidationError
from dispatcher.models import UserRole
from dispatcher.reports.common import check_params
from dispatcher.reports.model import Cursor, Report, ReportParams
from dispatcher.reports.paging import PAGE_SIZE, STREAM_CHUNK, Head, Pager, Row, pages, whole
from dispatcher.users import Actor, require_role

logger = logging.getLogger(__name__)

SQLITE_CACHE_KIB = 256 * 1024

BUILDERS: dict[str, Callable[[Session, ReportParams], Report]] = {
    delivered.NAME: delivered.build,
    sales.NAME: sales.build,
    orders.NAME: orders.build,
    cash.NAME: cash.build,
    complaints.NAME: complaints.build,
}
# The long reports: their first page with the totals, then a page at a time (paging.py).
PAGED: dict[str, tuple[Head, Pager]] = {
    lost_clients.NAME: (lost_clients.head, lost_clients.page),
    bottles.NAME: (bottles.head, bottles.page),
}
# In the order the seed lists them, then the two the day needs.
REPORT_NAMES: tuple[str, ...] = (
    delivered.NAME,
    sales.NAME,
    orders.NAME,
    lost_clients.NAME,
    cash.NAME,
    bottles.NAME,
    complaints.NAME,
)


class ReportCancelled(DomainError):
    """The report was cancelled while it ran (its statement interrupted)."""


class CancelToken:
    """Cancels a running report from another thread: the statement running is interrupted.

    `run_report` registers how to interrupt its connection (SQLite's `interrupt()`,
    PostgreSQL's cancel request); both are safe to call from another thread.
    """

    def __init__(self) -> None:
        """A token not cancelled yet."""
        self._lock = threading.Lock()
        self._cancelled = False
        self._interrupt: Callable[[], None] | None = None

    @property
    def cancelled(self) -> bool:
        """Whether `cancel` was called."""
        return self._cancelled

    def cancel(self) -> None:
        """Stop the report: the statement running now fails, and none other starts."""
        with self._lock:
            self._cancelled = True
            interrupt = self._interrupt
        if interrupt is not None:
            interrupt()

    def check(self) -> None:
        """Raise `ReportCancelled` if the report was cancelled."""
        if self._cancelled:
            raise ReportCancelled.of("The report was cancelled.")

    def attach(self, interrupt: Callable[[], None] | None) -> None:
        """Interrupt with ``interrupt`` from now on (None: the run ended)."""
        with self._lock:
            self._interrupt = interrupt


# Called with the number of statements the report has run so far (the steps of its work).
Progress = Callable[[int], None]


def run_report(
    session: Session,
    name: str,
    params: ReportParams,
    *,
    actor: Actor,
    progress: Progress | None = None,
    cancel: CancelToken | None = None,
) -> Report:
    """The report ``name`` for ``params`` with all of its rows; leads and admins only.

    ``progress`` hears of each statement as it starts; ``cancel`` stops the run from another
    thread (the report then raises `ReportCancelled`). A long report's rows are better read
    with `open_report` and `report_page`, or streamed with `report_rows`.
    """
    report = open_report(session, name, params, actor=actor, progress=progress, cancel=cancel)
    if report.cursor is None:
        return report
    with _watched(session, progress, cancel):
        return whole(session, report, PAGED[name][1])


def open_report(
    session: Session,
    name: str,
    params: ReportParams,
    *,
    actor: Actor,
    progress: Progress | None = None,
    cancel: CancelToken | None = None,
    page_size: int = PAGE_SIZE,
) -> Report:
    """The report ``name``: a long one with its first page, its totals, count and chart.

    What the Reports window shows first; the rest comes through `report_page`.
    """
    require_role(actor, UserRole.LEAD, action="see reports")
    if name not in BUILDERS and name not in PAGED:
        raise ValidationError.of(
            "There is no report {name!r}; the reports are {names}.",
            name=name,
            names=", ".join(REPORT_NAMES),
        )
    check_params(params)
    if session.get_bind().dialect.name == "sqlite":
        # A report reads a large part of the file once: a bigger page cache than the default
        # 2 MB and sorting in memory save most of its time (the connection keeps them).
        session.execute(text(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}"))
        session.execute(text("PRAGMA temp_store=MEMORY"))
    started = time.perf_counter()
    with _watched(session, progress, cancel):
        if name in PAGED:
            report = PAGED[name][0](session, params, page_size)
        else:
            report = BUILDERS[name](session, params)
    logger.info(
        "report %s built",
        name,
        extra={"rows": report.total_rows, "seconds": round(time.perf_counter() - started, 3)},
    )
    return report


def report_page(
    session: Session, cursor: Cursor, *, actor: Actor, limit: int = PAGE_SIZE
) -> tuple[tuple[Row, ...], Cursor | None]:
    """The rows of a long report after ``cursor``, and the cursor after them (None: the end)."""
    require_role(actor, UserRole.LEAD, action="see reports")
    rows, after = PAGED[cursor.name][1](session, cursor, limit)
    return tuple(rows), after


def report_rows(
    session: Session, report: Report, *, actor: Actor, chunk: int = STREAM_CHUNK
) -> Iterator[Row]:
    """Every row of ``report`` (as `open_report` gave it), read ``chunk`` rows at a time."""
    require_role(actor, UserRole.LEAD, action="see reports")
    if report.cursor is None:
        return iter(report.rows)
    return pages(session, report, PAGED[report.name][1], chunk)


@contextmanager
def _watched(
    session: Session, progress: Progress | None, cancel: CancelToken | None
) -> Iterator[None]:
    """Count the statements for ``progress``; let ``cancel`` interrupt the connection."""
    if progress is None and cancel is None:
        yield
        return
    conn = session.connection()
    steps = 0

    def before(*_args: Any) -> None:
        nonlocal steps
        if cancel is not None:
            cancel.check()
        steps += 1
        if progress is not None:
            progress(steps)

    driver = conn.connection.driver_connection
    interrupt = getattr(driver, "interrupt", None) or getattr(driver, "cancel", None)
    event.listen(conn, "before_cursor_execute", before)
    if cancel is not None:
        cancel.attach(interrupt)
        cancel.check()
    try:
        yield
    except DBAPIError as exc:
        if cancel is not None and cancel.cancelled:
            raise ReportCancelled.of("The report was cancelled.") from exc
        raise
    finally:
        if cancel is not None:
            cancel.attach(None)
        event.remove(conn, "before_cursor_execute", before)

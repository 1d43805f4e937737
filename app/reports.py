"""The Reports window's state: which report, the period and filters, the running job, the result.

A report runs through `DbWorker` with the signed-in actor, never on the GUI thread. Each run
carries a number and a cancel token: cancelling, or starting another run, moves the number
on and interrupts the run's statement (so the pool thread and the database are free again);
whatever a cancelled or superseded run still delivers is dropped. The run reports each
statement it starts (`steps`), shown as the progress of the run. Exports write the shown
report on their own thread. For lost clients the window opens a client or calls them back
through hooks the workspace gives (the caller panel's `show_client`, intake's `place_call`).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, Signal
from sqlalchemy.orm import Session

from app.gui_thread import GuiThreadRelay
from app.identity import Identity
from app.reports_presenter import period_error, summary_text, title_text
from app.worker import DbWorker
from dispatcher.db import unit_of_work
from dispatcher.moscow import moscow_today
from dispatcher.operations.couriers import list_couriers
from dispatcher.reports import (
    REPORT_NAMES,
    CancelToken,
    Cursor,
    Report,
    ReportParams,
    open_report,
    report_page,
    report_rows,
)
from dispatcher.reports.export import write_csv, write_xlsx
from dispatcher.reports.paging import PAGE_SIZE
from dispatcher.users import Actor

logger = logging.getLogger(__name__)

# (session, report name, params, actor, progress=, cancel=) -> the report (tests give
# hand-made ones); a long report comes with its first page and a cursor for the next.
Runner = Callable[..., Report]
# (report, path, translate, rows=) -> None
Writer = Callable[..., None]
WRITERS: dict[str, Writer] = {"xlsx": write_xlsx, "csv": write_csv}


def params_of(
    date_from: dt.date,
    date_to: dt.date,
    *,
    months: int = 3,
    courier_id: int | None = None,
    client_kind: str | None = None,
) -> ReportParams:
    """The period and filters as the queries take them (the window builds no domain objects)."""
    return ReportParams(
        date_from, date_to, months=months, courier_id=courier_id, client_kind=client_kind
    )


def run_checked(
    session: Session,
    name: str,
    params: ReportParams,
    actor: Actor,
    *,
    progress: Callable[[int], None] | None = None,
    cancel: CancelToken | None = None,
    page_size: int = PAGE_SIZE,
) -> Report:
    """The report as the operation builds it (a long one: its first page and totals); it
    refuses anyone below a shift lead."""
    return open_report(
        session, name, params, actor=actor, progress=progress, cancel=cancel, page_size=page_size
    )


class _ExportJob(QRunnable):
    def __init__(self, fn: Callable[[], None], relay: GuiThreadRelay, done: Callable[[Any], None]):
        super().__init__()
        self._fn, self._relay, self._done = fn, relay, done

    def run(self) -> None:
        try:
            self._fn()
            value: Any = None
        except Exception as exc:
            value = _os_error(exc)
            if value is not None:  # a full disk, a folder without rights, a file open in Excel
                logger.info("report export failed: %s", value)
            else:
                logger.exception("report export failed")
                value = exc
        self._relay.deliver(self._done, value)


def _os_error(exc: BaseException) -> OSError | None:
    """The OSError behind ``exc``: writers wrap it (XlsxWriter's FileCreateError)."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, OSError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


class ReportsViewModel(QObject):
    """The chosen report and filters, the run in progress, the last report and message.

    Signals:
        changed(): the report, the running state or the message changed.
        exported(str): a file was written (its path).
        rows_arriving(int, int), rows_arrived(): a further page of a long report is added to
            `rows` between the two (a table model inserts its rows).
    """

    changed = Signal()
    exported = Signal(str)
    rows_arriving = Signal(int, int)  # the first and last index of the rows about to be added
    rows_arrived = Signal()

    def __init__(
        self,
        worker: DbWorker,
        identity: Identity,
        *,
        run: Runner = run_checked,
        show_client: Callable[[int], None] | None = None,
        call_back: Callable[[str], None] | None = None,
        today: Callable[[], dt.date] = moscow_today,
        parent: QObject | None = None,
    ) -> None:
        """A view model running reports through ``worker`` as ``identity``."""
        super().__init__(parent)
        self.worker = worker
        self.identity = identity
        self.names = REPORT_NAMES
        self.today = today
        self.report: Report | None = None
        # The rows shown so far: a long report's pages are added as the table asks for them.
        self.rows: list[dict[str, Any]] = []
        self._cursor: Cursor | None = None  # where the next page starts (None: all are here)
        self._fetching = False
        self.page_size = PAGE_SIZE
        self.message = ""
        self.message_ok = True
        self.couriers: tuple[tuple[int, str], ...] = ()
        self._run = run
        self._show_client = show_client
        self._call_back = call_back
        self._ticket = 0  # the number of the run whose result is wanted
        self._started: float | None = None  # monotonic start of the run in progress
        self._token: CancelToken | None = None  # interrupts the run in progress
        self.steps = 0  # statements the running report has run (its progress)
        self._exports = QThreadPool()
        self._exports.setMaxThreadCount(1)
        self._relay = GuiThreadRelay(self)

    # ---- state -----------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        """Whether a report is being computed."""
        return self._started is not None

    def elapsed(self) -> float:
        """Seconds since the running report started (0 when idle)."""
        return 0.0 if self._started is None else time.monotonic() - self._started

    def _say(self, text: str, ok: bool) -> None:
        self.message, self.message_ok = text, ok
        self.changed.emit()

    # ---- the couriers of the filter --------------------------------------------------------

    def load_couriers(self) -> None:
        """Fill the courier filter (every courier: a past period may name an inactive one)."""

        def load(session: Session) -> tuple[tuple[int, str], ...]:
            return tuple((c.id, c.name) for c in list_couriers(session))

        self.worker.submit(load, self._on_couriers, lambda text: self._say(text, False))

    def _on_couriers(self, couriers: tuple[tuple[int, str], ...]) -> None:
        self.couriers = couriers
        self.changed.emit()

    # ---- running ---------------------------------------------------------------------------

    def start(self, name: str, params: ReportParams) -> bool:
        """Run report ``name``; a run in progress is superseded. False if the fields are wrong."""
        problem = period_error(params.date_from, params.date_to, params.months)
        if problem is not None:
            self._say(problem, False)
            return False
        actor = self.identity.require()
        self._ticket += 1
        ticket = self._ticket
        self._started = time.monotonic()
        self.steps = 0
        if self._token is not None:
            self._token.cancel()  # the superseded run stops using the database
        token = self._token = CancelToken()
        self.message, self.message_ok = (
            QCoreApplication.translate("Reports", "Running the report…"),
            True,
        )
        self.changed.emit()
        run, page_size = self._run, self.page_size

        def progress(steps: int) -> None:  # on the worker's thread
            self._relay.deliver(lambda n: self._on_progress(ticket, n), steps)

        self.worker.submit(
            lambda session: run(
                session, name, params, actor, progress=progress, cancel=token, page_size=page_size
            ),
            lambda report: self._on_done(ticket, report),
            lambda text: self._on_failed(ticket, text),
        )
        return True

    def cancel(self) -> bool:
        """Stop waiting for the running report: its result will be dropped. False if idle."""
        if not self.running:
            return False
        self._ticket += 1
        self._started = None
        if self._token is not None:
            self._token.cancel()  # the query stops too, not only the waiting for it
            self._token = None
        self._say(
            QCoreApplication.translate("Reports", "Cancelled: the report was not shown."), True
        )
        return True

    def _on_progress(self, ticket: int, steps: int) -> None:
        if ticket == self._ticket and self.running:
            self.steps = steps
            self.changed.emit()

    def _on_done(self, ticket: int, report: Report) -> None:
        if ticket != self._ticket:
            logger.info("report %s arrived after it was cancelled or superseded", report.name)
            return
        self._started = None
        self._token = None
        self.report = report
        self.rows = list(report.rows)
        self._cursor = report.cursor
        self._fetching = False
        self._say(summary_text(report), True)

    # ---- the pages of a long report ---------------------------------------------------------

    @property
    def fetching(self) -> bool:
        """Whether a page of the shown report is on its way."""
        return self._fetching

    def can_fetch_more(self) -> bool:
        """Whether the shown report has rows not fetched yet (and none is on its way)."""
        return self._cursor is not None and not self._fetching

    def fetch_more(self) -> None:
        """Fetch the next page of the shown report through the worker (the table scrolled)."""
        cursor = self._cursor
        if cursor is None or self._fetching:
            return
        self._fetching = True
        actor, ticket, limit = self.identity.require(), self._ticket, self.page_size
        self.worker.submit(
            lambda session: report_page(session, cursor, actor=actor, limit=limit),
            lambda page: self._on_page(ticket, page),
            lambda text: self._on_page_failed(ticket, text),
        )

    def _on_page(self, ticket: int, page: tuple[tuple[dict[str, Any], ...], Cursor | None]) -> None:
        if ticket != self._ticket:
            return  # another report was started meanwhile
        rows, self._cursor = page
        self._fetching = False
        if rows:
            first = len(self.rows)
            self.rows_arriving.emit(first, first + len(rows) - 1)
            self.rows.extend(rows)
            self.rows_arrived.emit()

    def _on_page_failed(self, ticket: int, text: str) -> None:
        if ticket == self._ticket:
            self._fetching = False
            self._say(text, False)

    def _on_failed(self, ticket: int, text: str) -> None:
        if ticket != self._ticket:
            return
        self._started = None
        self._token = None
        self._say(text, False)

    # ---- exports ---------------------------------------------------------------------------

    def export(self, path: str | Path, fmt: str) -> None:
        """Write the shown report to ``path`` as ``fmt`` ("xlsx" or "csv"), off the GUI thread."""
        report = self.report
        if report is None:
            self._say(
                QCoreApplication.translate(
                    "Reports", "Run a report first: there is nothing to export."
                ),
                False,
            )
            return
        target = Path(path)
        if target.suffix.lower() != f".{fmt}":
            target = target.with_name(target.name + f".{fmt}")
        writer, factory, actor = WRITERS[fmt], self.worker.factory, self.identity.require()

        def write() -> None:  # on the export thread: a long report's pages are read here
            with unit_of_work(factory) as session:
                rows = report_rows(session, report, actor=actor)
                writer(report, target, title_text, rows=rows)

        self._exports.start(
            _ExportJob(
                write,
                self._relay,
                lambda value: self._on_exported(target, value),
            )
        )

    def _on_exported(self, target: Path, value: Any) -> None:
        if isinstance(value, OSError):
            self._say(
                QCoreApplication.translate("Reports", "Could not write {0}: {1}").format(
                    target, value.strerror or value
                ),
                False,
            )
        elif isinstance(value, Exception):
            self._say(
                QCoreApplication.translate(
                    "Reports", "Could not write {0}; details are in the log."
                ).format(target),
                False,
            )
        else:
            self._say(QCoreApplication.translate("Reports", "Saved to {0}.").format(target), True)
            self.exported.emit(str(target))

    def wait_idle(self, timeout_ms: int = 15_000) -> bool:
        """Block until exports are written (shutdown and tests)."""
        return self._exports.waitForDone(timeout_ms)

    # ---- lost clients ----------------------------------------------------------------------

    def row(self, index: int) -> dict[str, Any] | None:
        """The row ``index`` of the shown report."""
        if self.report is None or not 0 <= index < len(self.rows):
            return None
        return self.rows[index]

    def can_reach(self) -> bool:
        """Whether rows are clients the operator can open and call (the lost clients)."""
        return self.report is not None and self.report.name == "lost-clients"

    def open_client(self, index: int) -> None:
        """Show the row's client in the caller panel, as a search result would."""
        row = self.row(index)
        if self.can_reach() and row and row.get("client_id") and self._show_client:
            self._show_client(int(row["client_id"]))

    def call_back(self, index: int) -> None:
        """Call the row's client back from this desk."""
        row = self.row(index)
        if not (self.can_reach() and row and self._call_back):
            return
        phone = str(row.get("phone") or "")
        if not phone:
            self._say(
                QCoreApplication.translate("Reports", "This client has no phone number to call."),
                False,
            )
            return
        self._call_back(phone)
        self._say(QCoreApplication.translate("Reports", "Calling {0}…").format(phone), True)

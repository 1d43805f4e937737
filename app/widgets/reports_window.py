"""The Reports window (Shift → Reports): a report, its period and filters, a table, a chart.

Keys: F5, Ctrl+Return or Return in a field runs the report, Esc cancels a running one (else
closes), Ctrl+S exports XLSX, Ctrl+Shift+S exports CSV. In the lost clients, Return opens the
client in the workspace and C calls them back.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtGui import QFont, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.reports import ReportsViewModel, params_of
from app.reports_presenter import (
    cell_text,
    chart_data,
    client_kinds,
    column_title,
    filters_for,
    is_number,
    progress_text,
    quick_period,
    quick_picks,
    report_choices,
    totals_cells,
)
from app.widgets.charts import ChartView
from app.widgets.form_parts import ERROR_STYLE, STATUS_STYLE, buddy

logger = logging.getLogger(__name__)

Index = QModelIndex | QPersistentModelIndex
TICK_MS = 200  # the elapsed time of a running report is redrawn this often


class ReportTableModel(QAbstractTableModel):
    """A report's rows, formatted when Qt asks (a long list stays cheap), and its totals row.

    A long report's rows arrive a page at a time: when the view scrolls to the end Qt asks
    `canFetchMore`/`fetchMore`, the view model fetches the next page through its worker and
    the rows are inserted before the totals row when they come.
    """

    def __init__(self, vm: ReportsViewModel, parent: QWidget | None = None) -> None:
        """An empty table over ``vm``'s rows."""
        super().__init__(parent)
        self.vm = vm
        self.report: Any = None
        self.totals: tuple[str, ...] | None = None
        vm.rows_arriving.connect(self._on_rows_arriving)
        vm.rows_arrived.connect(self.endInsertRows)

    def _on_rows_arriving(self, first: int, last: int) -> None:
        self.beginInsertRows(QModelIndex(), first, last)

    def set_report(self, report: Any) -> None:
        """Show ``report`` (a dispatcher.reports.Report, its rows in the view model), or nothing."""
        self.beginResetModel()
        self.report = report
        self.totals = totals_cells(report) if report is not None else None
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """Rows fetched so far plus the totals row (Qt override)."""
        if parent.isValid() or self.report is None:
            return 0
        return len(self.vm.rows) + (1 if self.totals else 0)

    def canFetchMore(self, parent: Index) -> bool:
        """Whether the report has rows not fetched yet (Qt override)."""
        return not parent.isValid() and self.report is not None and self.vm.can_fetch_more()

    def fetchMore(self, parent: Index) -> None:
        """Ask for the next page; its rows are inserted when they arrive (Qt override)."""
        if not parent.isValid():
            self.vm.fetch_more()

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """The report's columns (Qt override)."""
        return 0 if parent.isValid() or self.report is None else len(self.report.columns)

    def is_totals(self, row: int) -> bool:
        """Whether ``row`` is the totals row."""
        return self.totals is not None and row == len(self.vm.rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """A cell's text, alignment and the totals row's bold font (Qt override)."""
        if not index.isValid() or self.report is None:
            return None
        column = self.report.columns[index.column()]
        totals = self.is_totals(index.row())
        if role == Qt.ItemDataRole.DisplayRole:
            if totals:
                return self.totals[index.column()]
            return cell_text(column, self.vm.rows[index.row()].get(column.key))
        if role == Qt.ItemDataRole.TextAlignmentRole and is_number(column):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and totals:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Translated column titles (Qt override)."""
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and self.report is not None
        ):
            return column_title(self.report.columns[section])
        return None


class ReportsWindow(QDialog):
    """Reports for a shift lead or an admin; an operator sees the refusal."""

    def __init__(self, vm: ReportsViewModel, parent: QWidget | None = None) -> None:
        """Lay out the window over ``vm`` and load the couriers of the filter."""
        super().__init__(parent)
        self.vm = vm
        self.setWindowTitle(self.tr("Reports"))
        self.resize(1100, 640)

        self.report = QComboBox()
        for name, label in report_choices():
            self.report.addItem(label, name)
        self.date_from = self._date_edit()
        self.date_to = self._date_edit()
        start, end = quick_period("this_month", vm.today())
        self.set_period(start, end)
        self.quick = [QPushButton(label) for _key, label in quick_picks()]
        self.courier = QComboBox()
        self.client_kind = QComboBox()
        for value, label in client_kinds():
            self.client_kind.addItem(label, value)
        self.months = QSpinBox()
        self.months.setRange(1, 36)
        self.months.setValue(3)
        self.months.setSuffix(self.tr(" mo."))
        self.run_button = QPushButton(self.tr("Run (F5)"))
        self.cancel_button = QPushButton(self.tr("Cancel (Esc)"))
        self.xlsx_button = QPushButton(self.tr("Export XLSX… (Ctrl+S)"))
        self.csv_button = QPushButton(self.tr("Export CSV…"))

        period = QHBoxLayout()
        period.addWidget(buddy(self.tr("&Report"), self.report))
        period.addWidget(self.report, 1)
        period.addWidget(buddy(self.tr("&From"), self.date_from))
        period.addWidget(self.date_from)
        period.addWidget(buddy(self.tr("&To"), self.date_to))
        period.addWidget(self.date_to)
        for button in self.quick:
            period.addWidget(button)
        filters = QHBoxLayout()
        filters.addWidget(buddy(self.tr("C&ourier"), self.courier))
        filters.addWidget(self.courier, 1)
        filters.addWidget(buddy(self.tr("C&lients"), self.client_kind))
        filters.addWidget(self.client_kind)
        filters.addWidget(buddy(self.tr("Not ordered for"), self.months))
        filters.addWidget(self.months)
        for button in (self.run_button, self.cancel_button, self.xlsx_button, self.csv_button):
            filters.addWidget(button)
        for button in (*self.quick, self.cancel_button, self.xlsx_button, self.csv_button):
            button.setAutoDefault(False)  # Return in a field runs the report, nothing else
        self.run_button.setDefault(True)

        self.model = ReportTableModel(vm, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.installEventFilter(self)
        self.chart = ChartView()
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(self.chart)
        splitter.setSizes([640, 420])

        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # the number of statements is not known beforehand
        self.progress.setMaximumHeight(14)
        self.progress.setVisible(False)
        self.message = QLabel()
        self.message.setObjectName("reportsMessage")
        self.message.setWordWrap(True)
        self.hint = QLabel(self.tr("Return opens the client, C calls them back."))

        layout = QVBoxLayout(self)
        layout.addLayout(period)
        layout.addLayout(filters)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.hint)
        layout.addWidget(self.progress)
        layout.addWidget(self.message)

        self.ticker = QTimer(self)
        self.ticker.setInterval(TICK_MS)
        self._connect()
        self.vm.load_couriers()
        self._on_report_changed()
        self._refresh()
        self.report.setFocus()

    def _date_edit(self) -> QDateEdit:
        edit = QDateEdit()
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("dd.MM.yyyy")
        return edit

    def _connect(self) -> None:
        self.vm.changed.connect(self._refresh)
        self.ticker.timeout.connect(self._on_ticker_timeout)
        self.report.currentIndexChanged.connect(self._on_report_changed)
        for (key, _label), button in zip(quick_picks(), self.quick, strict=True):
            button.clicked.connect(lambda _=False, k=key: self.pick_period(k))
        self.run_button.clicked.connect(self.run)
        self.cancel_button.clicked.connect(self.vm.cancel)
        self.xlsx_button.clicked.connect(lambda: self.export("xlsx"))
        self.csv_button.clicked.connect(lambda: self.export("csv"))
        for keys, slot in (
            ("F5", self.run),
            ("Ctrl+Return", self.run),
            ("Ctrl+S", lambda: self.export("xlsx")),
            ("Ctrl+Shift+S", lambda: self.export("csv")),
        ):
            QShortcut(QKeySequence(keys), self, slot)

    # ---- actions -----------------------------------------------------------------------

    def name(self) -> str:
        """The picked report's name."""
        return str(self.report.currentData())

    def set_period(self, start: dt.date, end: dt.date) -> None:
        """Put ``start``–``end`` in the date fields."""
        self.date_from.setDate(QDate(start.year, start.month, start.day))
        self.date_to.setDate(QDate(end.year, end.month, end.day))

    def pick_period(self, key: str) -> None:
        """A quick pick: this month, last month, this year."""
        self.set_period(*quick_period(key, self.vm.today()))

    def params(self) -> Any:
        """The period and the filters that apply to the picked report."""
        applies = filters_for(self.name())
        return params_of(
            self.date_from.date().toPython(),
            self.date_to.date().toPython(),
            months=self.months.value(),
            courier_id=self.courier.currentData() if "courier" in applies else None,
            client_kind=self.client_kind.currentData() if "client_kind" in applies else None,
        )

    def run(self) -> None:
        """F5: run the picked report for the period (a running one is superseded)."""
        self.vm.start(self.name(), self.params())

    def export(self, fmt: str, path: str | None = None) -> None:
        """Ctrl+S / Ctrl+Shift+S: ask where, then write the shown report as XLSX or CSV."""
        if path is None:
            what = self.tr("Excel workbook (*.xlsx)") if fmt == "xlsx" else self.tr("CSV (*.csv)")
            path, _ = QFileDialog.getSaveFileName(
                self, self.tr("Export the report"), f"{self.name()}.{fmt}", what
            )
            if not path:
                return
        self.vm.export(path, fmt)

    def current_row(self) -> int:
        """The selected row of the table (-1: none)."""
        return self.table.currentIndex().row()

    def eventFilter(self, watched: Any, event: Any) -> bool:
        """Return opens a lost client, C calls them back (keys of the table)."""
        if (
            watched is self.table
            and isinstance(event, QKeyEvent)
            and event.type() == QKeyEvent.Type.KeyPress
            and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            and self.vm.can_reach()
        ):
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.vm.open_client(self.current_row())
                return True
            if event.key() == Qt.Key.Key_C:
                self.vm.call_back(self.current_row())
                return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Esc cancels a running report; otherwise it closes the window."""
        if event.key() == Qt.Key.Key_Escape and self.vm.cancel():
            return
        super().keyPressEvent(event)

    # ---- what is shown -----------------------------------------------------------------

    def _on_report_changed(self) -> None:
        applies = filters_for(self.name())
        self.courier.setEnabled("courier" in applies)
        self.client_kind.setEnabled("client_kind" in applies)
        self.months.setEnabled("months" in applies)

    def _on_ticker_timeout(self) -> None:
        self.message.setText(progress_text(self.vm.elapsed(), self.vm.steps))

    def _refresh(self) -> None:
        vm = self.vm
        if self.courier.count() != len(vm.couriers) + 1:
            current = self.courier.currentData()
            self.courier.clear()
            self.courier.addItem(self.tr("All couriers"), None)
            for courier_id, name in vm.couriers:
                self.courier.addItem(name, courier_id)
            self.courier.setCurrentIndex(max(0, self.courier.findData(current)))
        running = vm.running
        if running and not self.ticker.isActive():
            self.ticker.start()
        elif not running:
            self.ticker.stop()
        self.cancel_button.setEnabled(running)
        self.progress.setVisible(running)
        self.xlsx_button.setEnabled(vm.report is not None)
        self.csv_button.setEnabled(vm.report is not None)
        if self.model.report is not vm.report:
            self.model.set_report(vm.report)
            self.table.resizeColumnsToContents()
            self.chart.set_data(
                chart_data(vm.report) if vm.report else None,
                self.tr("No chart for this report.") if vm.report else "",
            )
        self.hint.setVisible(vm.can_reach())
        self.message.setText(progress_text(vm.elapsed(), vm.steps) if running else vm.message)
        self.message.setStyleSheet(STATUS_STYLE if vm.message_ok else ERROR_STYLE)

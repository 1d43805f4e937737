"""The bottom of the window: today's calls and the callback list, as two tabs."""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QTabWidget, QWidget

from app.calls_model import CallLog, CallRecordsModel
from app.calls_presenter import CallRow, callbacks_title
from app.shortcuts import Key, sequence

logger = logging.getLogger(__name__)


def _table(model: CallRecordsModel) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().setVisible(False)
    # Fixed widths from sample texts: ResizeToContents would read every row on each refresh,
    # which freezes the window for tens of ms once an operator has taken a few hundred calls.
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    metrics = view.fontMetrics()
    for column, sample in enumerate(_COLUMN_SAMPLES):
        view.setColumnWidth(column, metrics.horizontalAdvance(sample) + 16)
    return view


# The widest text each column usually holds (the last column stretches).
_COLUMN_SAMPLES = ("00:00:00", "Dir.", "+7 999 999-99-99", "W" * 22, "order rejected", "№000000")


class CallsList(QTabWidget):
    """Tabs: "Today's calls" · "Call back (N)"; Ctrl+D calls the selected number back."""

    def __init__(self, log: CallLog, parent: QWidget | None = None) -> None:
        """Tabs over ``log``'s two models."""
        super().__init__(parent)
        self.log = log
        self.today_view = _table(log.today)
        self.today_view.setObjectName("todaysCalls")
        self.callbacks_view = _table(log.callbacks)
        self.callbacks_view.setObjectName("callbackList")
        self.addTab(self.today_view, self.tr("Today's calls"))
        self.addTab(self.callbacks_view, "")
        self.setTabToolTip(
            1, self.tr("Missed calls to return; %1 calls back").replace("%1", sequence(Key.DIAL))
        )
        log.refreshed.connect(self._retitle)
        self._retitle()

    def _retitle(self) -> None:
        count = self.log.callbacks.rowCount()
        self.setTabText(1, callbacks_title(count))
        if count and self.callbacks_view.currentIndex().row() < 0:
            self.callbacks_view.selectRow(0)

    def show_callbacks(self) -> None:
        """Ctrl+L: bring the callback list forward with the first number selected."""
        self.setCurrentIndex(1)
        self.callbacks_view.setFocus()
        if self.log.callbacks.rowCount() and self.callbacks_view.currentIndex().row() < 0:
            self.callbacks_view.selectRow(0)

    def selected_call(self) -> CallRow | None:
        """The call selected in the visible tab."""
        view = self.callbacks_view if self.currentIndex() == 1 else self.today_view
        model = self.log.callbacks if self.currentIndex() == 1 else self.log.today
        return model.call(view.currentIndex().row())

    def call_back(self) -> None:
        """Ctrl+D: dial the selected call's number (it leaves the callback list)."""
        call = self.selected_call()
        if call is not None:
            self.log.call_back(call)

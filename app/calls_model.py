"""Today's calls and the callback list: Qt table models over dispatcher.interactions.

`CallLog` owns both models, refreshes them in one DbWorker job after each call, and runs
"call back" (dial the number, then take it off the callback list).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor
from sqlalchemy.orm import Session

from app.bridge import PhoneLine
from app.formatting import to_moscow
from app.worker import DbWorker
from dispatcher import interactions
from dispatcher.interactions import CallRecord, CallResult
from dispatcher.models import Direction

logger = logging.getLogger(__name__)

# Marked for lupdate here, translated where shown (the "CallsModel" context).
_RESULT_TEXT = {
    CallResult.ANSWERED: QT_TRANSLATE_NOOP("CallsModel", "answered"),
    CallResult.MISSED: QT_TRANSLATE_NOOP("CallsModel", "missed"),
    CallResult.REJECTED: QT_TRANSLATE_NOOP("CallsModel", "rejected"),
    CallResult.ORDER_TAKEN: QT_TRANSLATE_NOOP("CallsModel", "order taken"),
    CallResult.ORDER_REJECTED: QT_TRANSLATE_NOOP("CallsModel", "order rejected"),
    CallResult.NO_ORDER: QT_TRANSLATE_NOOP("CallsModel", "no order"),
}

MISSED_COLOUR = QColor("#b3261e")

Index = QModelIndex | QPersistentModelIndex


def _tr(text: str) -> str:
    return QCoreApplication.translate("CallsModel", text)


def _time(record: CallRecord) -> str:
    # Moscow time, as every time in the workspace, whatever the PC's own zone.
    return to_moscow(record.started_at).strftime("%H:%M:%S")


def _duration(record: CallRecord) -> str:
    if record.answered_at is None or record.ended_at is None:
        return ""
    seconds = int((record.ended_at - record.answered_at).total_seconds())
    return f"{seconds // 60}:{seconds % 60:02d}"


class CallRecordsModel(QAbstractTableModel):
    """Rows of CallRecord: time, direction, number, client, result, order, duration."""

    HEADERS = (
        QT_TRANSLATE_NOOP("CallsModel", "Time"),
        QT_TRANSLATE_NOOP("CallsModel", "Dir."),
        QT_TRANSLATE_NOOP("CallsModel", "Number"),
        QT_TRANSLATE_NOOP("CallsModel", "Client"),
        QT_TRANSLATE_NOOP("CallsModel", "Result"),
        QT_TRANSLATE_NOOP("CallsModel", "Order"),
        QT_TRANSLATE_NOOP("CallsModel", "Talk"),
    )

    def __init__(self, parent: QObject | None = None) -> None:
        """An empty model."""
        super().__init__(parent)
        self.records: list[CallRecord] = []

    def set_records(self, records: list[CallRecord]) -> None:
        """Replace the rows."""
        self.beginResetModel()
        self.records = list(records)
        self.endResetModel()

    def record(self, row: int) -> CallRecord | None:
        """The record shown in ``row``."""
        return self.records[row] if 0 <= row < len(self.records) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """Number of calls (Qt override)."""
        return 0 if parent.isValid() else len(self.records)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """Number of columns (Qt override)."""
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column titles (Qt override)."""
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return _tr(self.HEADERS[section])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Cell text and the missed-call colour (Qt override)."""
        record = self.record(index.row())
        if record is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(record, index.column())
        if role == Qt.ItemDataRole.ForegroundRole and record.result is CallResult.MISSED:
            return QBrush(MISSED_COLOUR)
        if role == Qt.ItemDataRole.UserRole:
            return record.id
        return None

    @staticmethod
    def _text(record: CallRecord, column: int) -> str:
        if column == 0:
            return _time(record)
        if column == 1:
            return "←" if record.direction is Direction.IN else "→"
        if column == 2:
            return record.number or _tr("Withheld")
        if column == 3:
            return record.client_name or ""
        if column == 4:
            return _tr(_RESULT_TEXT[record.result]) if record.result else _tr("in progress")
        if column == 5:
            return f"№{record.order_id}" if record.order_id else ""
        return _duration(record)


@dataclass(frozen=True, slots=True)
class _Both:
    today: list[CallRecord]
    callbacks: list[CallRecord]


class CallLog(QObject):
    """Today's calls of the operator and the callback list, kept fresh after each call.

    Signals:
        refreshed(): both models hold the newest rows.
        error(str): a message for the operator.
    """

    refreshed = Signal()
    error = Signal(str)

    def __init__(
        self,
        worker: DbWorker,
        phone: PhoneLine,
        *,
        operator: str,
        dial: Callable[[str], None] | None = None,
        parent: QObject | None = None,
    ) -> None:
        """Models over ``worker``'s database; call-backs go to ``dial`` (default: ``phone``).

        Pass the intake's ``place_call`` so that the call-back is logged like every call.
        """
        super().__init__(parent)
        self.worker = worker
        self.phone = phone
        self.dial = dial or phone.dial
        self.operator = operator
        self.today = CallRecordsModel(self)
        self.callbacks = CallRecordsModel(self)

    def refresh(self) -> None:
        """Reload both lists off the GUI thread."""
        operator = self.operator

        def load(session: Session) -> _Both:
            return _Both(
                interactions.todays_calls(session, operator=operator),
                interactions.callback_list(session),
            )

        self.worker.submit(load, self._on_loaded, self.error.emit)

    def _on_loaded(self, both: _Both) -> None:
        self.today.set_records(both.today)
        self.callbacks.set_records(both.callbacks)
        self.refreshed.emit()

    def call_back(self, record: CallRecord) -> None:
        """Dial the record's number and take it off the callback list."""
        if not record.number:
            self.error.emit(_tr("This caller withheld the number: there is nothing to dial."))
            return
        self.dial(record.number)
        operator, interaction_id = self.operator, record.id

        def mark(session: Session) -> int:
            interactions.mark_called_back(session, interaction_id, operator=operator)
            return interaction_id

        self.worker.submit(mark, lambda _id: self.refresh(), self.error.emit)

"""Today's calls and the callback list: Qt table models over `app.calls_presenter` rows.

`CallLog` owns both models, refreshes them in one DbWorker job after each call, and runs
"call back" (dial the number, then take it off the callback list).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor
from sqlalchemy.orm import Session

from app.bridge import PhoneLine
from app.calls_presenter import HEADERS, CallRow, header, present_calls, withheld_message
from app.identity import Identity
from app.worker import DbWorker
from dispatcher import interactions
from dispatcher.interactions import CallRecord

logger = logging.getLogger(__name__)

MISSED_COLOUR = QColor("#b3261e")

Index = QModelIndex | QPersistentModelIndex


class CallRecordsModel(QAbstractTableModel):
    """Rows of CallRow (app.calls_presenter): time, direction, number, client, result, order…"""

    def __init__(self, parent: QObject | None = None) -> None:
        """An empty model."""
        super().__init__(parent)
        self.rows: list[CallRow] = []

    def set_records(self, records: list[CallRecord]) -> None:
        """Replace the rows."""
        self.beginResetModel()
        self.rows = present_calls(records)
        self.endResetModel()

    def call(self, row: int) -> CallRow | None:
        """The call shown in ``row``."""
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """Number of calls (Qt override)."""
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """Number of columns (Qt override)."""
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column titles (Qt override)."""
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return header(section)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Cell text and the missed-call colour (Qt override)."""
        call = self.call(index.row())
        if call is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return call.cells[index.column()]
        if role == Qt.ItemDataRole.ForegroundRole and call.missed:
            return QBrush(MISSED_COLOUR)
        if role == Qt.ItemDataRole.UserRole:
            return call.interaction_id
        return None


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
        identity: Identity,
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
        self.identity = identity
        self.today = CallRecordsModel(self)
        self.callbacks = CallRecordsModel(self)

    @property
    def operator(self) -> str:
        """The login written on calls: whoever is signed in now ('' between two operators)."""
        actor = self.identity.actor
        return actor.login if actor is not None else ""

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

    def call_back(self, call: CallRow) -> None:
        """Dial the call's number and take it off the callback list."""
        if not call.number:
            self.error.emit(withheld_message())
            return
        self.dial(call.number)
        operator, interaction_id = self.operator, call.interaction_id

        def mark(session: Session) -> int:
            interactions.mark_called_back(session, interaction_id, operator=operator)
            return interaction_id

        self.worker.submit(mark, lambda _id: self.refresh(), self.error.emit)

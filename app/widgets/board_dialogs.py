"""The board's two small dialogs: a new date and window (R), another courier (A).

Both confirm with Return and close with Esc; a mistyped window is said under the field and
the dialog stays open with what was typed.
"""

from __future__ import annotations

import datetime as dt
import logging

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.board_presenter import parse_window
from app.widgets.form_parts import ERROR_STYLE, buddy

logger = logging.getLogger(__name__)

Window = tuple[dt.time | None, dt.time | None]


class RescheduleDialog(QDialog):
    """Date and window for a delivery; Return confirms, the date field has the focus."""

    def __init__(
        self, title: str, day: dt.date, windows: list[str], parent: QWidget | None = None
    ) -> None:
        """Start at ``day`` with ``windows`` offered (the first one chosen)."""
        super().__init__(parent)
        self.setWindowTitle(title)
        self.date = QDateEdit(QDate(day.year, day.month, day.day))
        self.date.setDisplayFormat("dd.MM.yyyy")
        self.date.setCalendarPopup(True)
        self.window = QComboBox()
        self.window.setEditable(True)
        self.window.addItems(windows)
        self.window.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.error = QLabel("")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.chosen: tuple[dt.date, Window] | None = None

        form = QFormLayout()
        form.addRow(buddy(self.tr("&Date:"), self.date), self.date)
        form.addRow(buddy(self.tr("&Window:"), self.window), self.window)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.date.setFocus()
        # Up/Down change the day, not the month: the cursor starts on the day section.
        self.date.setCurrentSection(QDateEdit.Section.DaySection)

    def accept(self) -> None:
        """Check the window; a mistake is said here and nothing closes."""
        window, message = parse_window(self.window.currentText())
        if window is None:
            self.error.setText(message)
            self.window.setFocus()
            return
        self.chosen = (self.date.date().toPython(), window)
        super().accept()


class ReassignDialog(QDialog):
    """Pick the courier: arrows move, Return confirms."""

    def __init__(
        self,
        title: str,
        couriers: list[tuple[int, str]],
        current: int | None,
        parent: QWidget | None = None,
    ) -> None:
        """List ``couriers``; the first one other than ``current`` is selected."""
        super().__init__(parent)
        self.setWindowTitle(title)
        self.list = QListWidget()
        for courier_id, name in couriers:
            item = QListWidgetItem(name)
            item.setData(Qt.ItemDataRole.UserRole, courier_id)
            self.list.addItem(item)
        others = [row for row, (cid, _n) in enumerate(couriers) if cid != current]
        self.list.setCurrentRow(others[0] if others else 0)
        # Return reaches the dialog's default button; a double click picks too.
        self.list.itemDoubleClicked.connect(lambda _item: self.accept())
        self.chosen: int | None = None
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        layout.addWidget(buttons)
        self.list.setFocus()

    def accept(self) -> None:
        """The selected courier is the answer."""
        item = self.list.currentItem()
        if item is None:
            return
        self.chosen = int(item.data(Qt.ItemDataRole.UserRole))
        super().accept()

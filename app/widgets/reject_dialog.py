"""The reject dialog: why the client did not order (Return accepts the highlighted reason)."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.order_entry import Choice

logger = logging.getLogger(__name__)


class RejectDialog(QDialog):
    """Pick why the interest was lost (Return accepts the highlighted reason)."""

    def __init__(self, reasons: list[Choice], parent: QWidget | None = None) -> None:
        """A dialog listing ``reasons``; the first one is highlighted."""
        super().__init__(parent)
        self.setWindowTitle(self.tr("Reject the interest"))
        self.reasons = QListWidget()
        for reason in reasons:
            item = QListWidgetItem(reason.label)
            item.setData(Qt.ItemDataRole.UserRole, reason.id)
            self.reasons.addItem(item)
        self.reasons.setCurrentRow(0)
        self.reasons.itemActivated.connect(lambda _item: self.accept())
        self.why = QLineEdit()
        self.why.setPlaceholderText(self.tr("Details (optional)"))
        self.why.returnPressed.connect(self.accept)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Why did the client not order?")))
        layout.addWidget(self.reasons)
        layout.addWidget(self.why)
        layout.addWidget(buttons)
        self.reasons.setFocus()

    def reason_id(self) -> int | None:
        """The highlighted reason's id."""
        item = self.reasons.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

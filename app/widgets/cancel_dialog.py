"""The cancel dialog: why an order is called off (Return accepts; an empty reason is refused)."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.widgets.form_parts import ERROR_STYLE

logger = logging.getLogger(__name__)


class CancelDialog(QDialog):
    """Ask why the order is cancelled; the usual reason is typed in and selected."""

    def __init__(self, order_id: int | None, parent: QWidget | None = None) -> None:
        """A dialog for order ``order_id``, its reason pre-filled with the client's request."""
        super().__init__(parent)
        self.setWindowTitle(self.tr("Cancel order #{0}").format(order_id or ""))
        self.reason = QLineEdit(self.tr("At the client's request"))
        self.reason.selectAll()  # typing replaces the usual reason; Return keeps it
        self.reason.returnPressed.connect(self.accept)
        self.message = QLabel()
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(self.tr("Why is the order cancelled? The courier's phone shows the reason."))
        )
        layout.addWidget(self.reason)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.reason.setFocus()

    def accept(self) -> None:
        """Close with the reason; an empty one keeps the dialog open with a message."""
        if not self.reason_text():
            self.message.setText(self.tr("Say why the order is cancelled."))
            self.message.show()
            return
        super().accept()

    def reason_text(self) -> str:
        """The reason as typed, trimmed."""
        return self.reason.text().strip()

"""Answering a client's portal message: their words above, the answer below.

Ctrl+Return sends; a refusal is shown under the answer, which stays as typed; Esc closes.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.widgets.form_parts import ERROR_STYLE


class PortalReplyDialog(QDialog):
    """The client's message and the answer being written.

    Signals:
        reply_requested(str): the answer as typed.
    """

    reply_requested = Signal(str)

    def __init__(self, heading: str, question: str, parent: QWidget | None = None) -> None:
        """``heading`` names the client and the deadline; ``question`` is their message."""
        super().__init__(parent)
        self.setObjectName("portalReply")
        self.setWindowTitle(self.tr("Reply on the portal"))
        self.resize(560, 360)
        self.heading = QLabel(heading)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.heading.setStyleSheet("font-weight: bold")
        self.question = QPlainTextEdit(question)  # plain text: the portal's words as typed
        self.question.setReadOnly(True)
        self.question.setMaximumHeight(110)
        self.question.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.answer = QPlainTextEdit()
        self.answer.setPlaceholderText(self.tr("Your answer (Ctrl+Return sends)"))
        self.send_button = QPushButton(self.tr("Send (Ctrl+Return)"))
        self.send_button.setAutoDefault(False)
        self.message = QLabel("")
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setWordWrap(True)
        self.message.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.send_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.question)
        layout.addWidget(self.answer, 1)
        layout.addLayout(buttons)
        self.send_button.clicked.connect(self.send)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self.send)
        self.answer.setFocus()

    def send(self) -> None:
        """Ctrl+Return: ask to send the answer."""
        self.message.hide()
        self.reply_requested.emit(self.answer.toPlainText())

    def show_message(self, text: str) -> None:
        """A refusal; the answer stays as typed."""
        self.message.setText(text)
        self.message.setVisible(bool(text))

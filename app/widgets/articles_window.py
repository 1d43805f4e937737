"""The knowledge base's articles window (References → Knowledge base articles…).

Keys: type in the search line (Down goes to the list), Return on an article edits it,
Ctrl+N starts a new one, Ctrl+S saves the form, Esc closes. A refused save (an operator,
an empty answer) shows its message and keeps the form as typed.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.widgets.form_parts import ERROR_STYLE, buddy

logger = logging.getLogger(__name__)


class _SearchLine(QLineEdit):
    """A search line whose Down key moves to the results."""

    down_pressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Down: to the list (Qt override)."""
        if event.key() == Qt.Key.Key_Down:
            self.down_pressed.emit()
            return
        super().keyPressEvent(event)


class ArticlesWindow(QDialog):
    """Search on the left, the article's form on the right.

    Signals:
        search_changed(str): the search text.
        edit_requested(int): the row of the article to put in the form.
        new_requested(): an empty form.
        save_requested(str, str, str): question, answer, keywords.
    """

    search_changed = Signal(str)
    edit_requested = Signal(int)
    new_requested = Signal()
    save_requested = Signal(str, str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        """An empty window; `set_articles` and `set_form` fill it."""
        super().__init__(parent)
        self.setObjectName("articlesWindow")
        self.setWindowTitle(self.tr("Knowledge base articles"))
        self.search = _SearchLine()
        self.search.setPlaceholderText(self.tr("Words of the question (ё/е and word forms alike)"))
        self.list = QListWidget()
        self.list.setObjectName("articlesList")
        self.mode = QLabel()
        self.question = QLineEdit()
        self.answer = QPlainTextEdit()
        self.answer.setTabChangesFocus(True)
        self.keywords = QLineEdit()
        self.message = QLabel()
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setWordWrap(True)
        self.message.hide()
        self.new_button = QPushButton(self.tr("New (Ctrl+N)"))
        self.save_button = QPushButton(self.tr("Save (Ctrl+S)"))
        left = QVBoxLayout()
        left.addWidget(buddy(self.tr("&Search"), self.search))
        left.addWidget(self.search)
        left.addWidget(self.list, 1)
        form = QFormLayout()
        form.addRow(buddy(self.tr("&Question"), self.question), self.question)
        form.addRow(buddy(self.tr("&Answer"), self.answer), self.answer)
        form.addRow(buddy(self.tr("&Keywords"), self.keywords), self.keywords)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        right = QVBoxLayout()
        right.addWidget(self.mode)
        right.addLayout(form, 1)
        right.addWidget(self.message)
        right.addLayout(buttons)
        columns = QHBoxLayout(self)
        columns.addLayout(left, 2)
        columns.addLayout(right, 3)
        for button in (self.new_button, self.save_button):
            button.setAutoDefault(False)
        self.search.textEdited.connect(self.search_changed)
        self.search.down_pressed.connect(self._to_list)
        self.list.itemActivated.connect(lambda _i: self.edit_requested.emit(self.list.currentRow()))
        self.new_button.clicked.connect(self.new_requested)
        self.save_button.clicked.connect(self._on_save)
        for keys, slot in (("Ctrl+N", self.new_requested.emit), ("Ctrl+S", self._on_save)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(slot)
        self.resize(900, 520)

    def set_articles(self, titles: list[str]) -> None:
        """List the articles found (their questions)."""
        row = self.list.currentRow()
        self.list.clear()
        self.list.addItems(titles)
        if titles:
            self.list.setCurrentRow(min(max(row, 0), len(titles) - 1))

    def set_form(self, mode: str, question: str, answer: str, keywords: str) -> None:
        """Put an article (or nothing, for a new one) in the form and focus the question."""
        self.mode.setText(mode)
        self.question.setText(question)
        self.answer.setPlainText(answer)
        self.keywords.setText(keywords)
        self.question.setFocus()

    def show_message(self, text: str) -> None:
        """Say what went wrong ('' hides it)."""
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _to_list(self) -> None:
        self.list.setFocus()
        if self.list.currentRow() < 0 and self.list.count():
            self.list.setCurrentRow(0)

    def _on_save(self) -> None:
        self.save_requested.emit(
            self.question.text(), self.answer.toPlainText(), self.keywords.text()
        )

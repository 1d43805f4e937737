"""The planned-call dialog, the reminder window and the knowledge-base panel."""

from __future__ import annotations

import datetime as dt
import logging

from PySide6.QtCore import QDateTime, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QDockWidget,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.widgets.form_parts import ERROR_STYLE

logger = logging.getLogger(__name__)


class PlanDialog(QDialog):
    """Plan a call back: when, what about, who calls (Return plans it).

    Signals:
        submitted(object, str, str): the moment (aware datetime), the subject, the login.
    """

    submitted = Signal(object, str, str)

    def __init__(
        self,
        client_label: str,
        when: dt.datetime,
        people: list[tuple[str, str]],
        login: str,
        parent: QWidget | None = None,
        *,
        from_call: str = "",
    ) -> None:
        """A dialog for the client named ``client_label``, the moment pre-set to ``when``.

        ``people`` are (label, login) of the active users; ``login`` is chosen first.
        ``from_call`` names the call the plan follows from ("" when there is none).
        """
        super().__init__(parent)
        self.setWindowTitle(self.tr("Plan a call back"))
        self.when = QDateTimeEdit(QDateTime(when.replace(tzinfo=None)))
        self.when.setDisplayFormat("dd.MM.yyyy HH:mm")
        self.when.setCalendarPopup(True)
        self.subject = QLineEdit()
        self.subject.setPlaceholderText(self.tr("e.g. about the cooler"))
        self.responsible = QComboBox()
        for label, person in people:
            self.responsible.addItem(label, person)
        self.responsible.setCurrentIndex(max(0, self.responsible.findData(login)))
        self.message = QLabel()
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setWordWrap(True)
        self.message.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._on_ok)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.tr("Client:"), QLabel(client_label))
        if from_call:
            form.addRow(self.tr("After the call:"), QLabel(from_call))
        form.addRow(self.tr("When (Moscow):"), self.when)
        form.addRow(self.tr("About:"), self.subject)
        form.addRow(self.tr("Who calls:"), self.responsible)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.subject.setFocus()

    def moment(self) -> dt.datetime:
        """The typed moment as a naive datetime (the caller gives it the Moscow zone)."""
        return self.when.dateTime().toPython()  # type: ignore[no-any-return]

    def show_error(self, text: str) -> None:
        """Say what is wrong; everything typed stays."""
        self.message.setText(text)
        self.message.show()

    def _on_ok(self) -> None:
        login = self.responsible.currentData()
        self.submitted.emit(self.moment(), self.subject.text(), login or "")


class ReminderDialog(QDialog):
    """Planned calls that fell due: Return calls the selected one, Esc leaves them for later.

    Signals:
        call_requested(int): the row of the plan to call now.
    """

    call_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        """An empty reminder; `set_lines` fills it."""
        super().__init__(parent)
        self.setObjectName("reminderDialog")
        self.setWindowModality(Qt.WindowModality.NonModal)
        self.heading = QLabel()
        self.heading.setStyleSheet("font-weight: bold; font-size: 14px")
        self.list = QListWidget()
        self.list.itemActivated.connect(lambda _item: self._on_call())
        buttons = QDialogButtonBox()
        self.call_button = buttons.addButton(
            self.tr("Call now"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        buttons.addButton(self.tr("Later"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self._on_call)
        buttons.rejected.connect(self.reject)
        self.call_button.setDefault(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.list)
        layout.addWidget(buttons)
        self.resize(460, 220)

    def set_lines(self, title: str, lines: list[str]) -> None:
        """Show these due plans, the first one selected."""
        self.setWindowTitle(title)
        self.heading.setText(title)
        self.list.clear()
        self.list.addItems(lines)
        self.list.setCurrentRow(0)
        self.list.setFocus()

    def _on_call(self) -> None:
        row = self.list.currentRow()
        if row >= 0:
            self.call_requested.emit(row)
            self.accept()


class KnowledgeDock(QDockWidget):
    """Articles suggested for the call; Return (or Ctrl+I) shows the first one in full.

    Signals:
        open_requested(int): the row of the article to show.
    """

    open_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        """An empty panel."""
        super().__init__(self.tr("Knowledge base"), parent)
        self.setObjectName("knowledgeDock")
        body = QWidget()
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.list = QListWidget()
        self.list.setObjectName("knowledgeSuggestions")
        self.list.itemActivated.connect(lambda _i: self.open_requested.emit(self.list.currentRow()))
        self.answer = QTextBrowser()
        self.answer.setObjectName("knowledgeAnswer")
        layout = QVBoxLayout(body)
        layout.addWidget(self.hint)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.answer, 2)
        self.setWidget(body)

    def set_rows(self, hint: str, rows: list[tuple[str, str]]) -> None:
        """Show the suggestions (title, preview), best first."""
        self.hint.setText(hint)
        self.list.clear()
        for title, preview in rows:
            item = QListWidgetItem(f"{title}\n    {preview}" if preview else title)
            self.list.addItem(item)
        if rows:
            self.list.setCurrentRow(0)
        else:
            self.answer.clear()

    def show_article(self, html: str) -> None:
        """Show an article in full below the list."""
        self.show()
        self.answer.setHtml(html)

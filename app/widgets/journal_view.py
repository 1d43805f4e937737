"""The interactions journal: a list, a note typed by hand, the review flags; its windows.

`JournalView` is embedded in the client card (a client's journal) and in
`OperatorJournalDialog` (an operator's, with a choice of operator for leads). Keys: in the
list, Ctrl+R marks the selected entry reviewed and Ctrl+D puts its review off to the day in
the date box, Return on a client's portal message opens the reply (Ctrl+Return sends it);
Return in the note's text adds the note.
"""

from __future__ import annotations

import datetime as dt
import logging

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.journal import JournalViewModel
from app.journal_presenter import journal_rows, journal_title, may_reply, note_kinds, reply_heading
from app.widgets.form_parts import ERROR_STYLE, buddy
from app.widgets.portal_reply_dialog import PortalReplyDialog

logger = logging.getLogger(__name__)

ROLE_ID = Qt.ItemDataRole.UserRole
ATTENTION = QColor("#b35c00")


class JournalView(QWidget):
    """The journal's lines, the note line (client journals) and the review buttons.

    Signals:
        note_requested(object, str): the kind chosen (its item data) and the note's text.
        review_after_requested(int, object): the entry id and the day (a `datetime.date`).
        reviewed_requested(int): the entry id.
    """

    note_requested = Signal(object, str)
    review_after_requested = Signal(int, object)
    reviewed_requested = Signal(int)

    def __init__(self, vm: JournalViewModel, *, notes: bool, parent: QWidget | None = None) -> None:
        """A view of ``vm``'s journal; ``notes`` False hides the note line (operator journals)."""
        super().__init__(parent)
        self.vm = vm
        self.heading = QLabel()
        self.heading.setStyleSheet("font-weight: bold")
        self.list = QListWidget()
        self.list.setObjectName("journalList")
        self.list.setWordWrap(True)
        self.review_day = QDateEdit(QDate.currentDate().addDays(7))
        self.review_day.setDisplayFormat("dd.MM.yyyy")
        self.review_day.setCalendarPopup(True)
        self.review_after_button = QPushButton(self.tr("Review after (Ctrl+D)"))
        self.reviewed_button = QPushButton(self.tr("Reviewed (Ctrl+R)"))
        self.reply_button = QPushButton(self.tr("Reply on the portal (Return)"))
        self.reply_dialog: PortalReplyDialog | None = None
        self.kind = QComboBox()
        for label, data in note_kinds():
            self.kind.addItem(label, data)
        self.note = QLineEdit()
        self.note.setPlaceholderText(self.tr("SMS, e-mail or meeting: what was said (Return adds)"))
        self.message = QLabel()
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setWordWrap(True)
        self.message.hide()
        review = QHBoxLayout()
        review.addWidget(self.review_day)
        review.addWidget(self.review_after_button)
        review.addWidget(self.reviewed_button)
        review.addWidget(self.reply_button)
        review.addStretch(1)
        note = QHBoxLayout()
        note.addWidget(buddy(self.tr("N&ote"), self.note))
        note.addWidget(self.kind)
        note.addWidget(self.note, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.list, 1)
        layout.addLayout(review)
        if notes:
            layout.addLayout(note)
        else:
            self.kind.hide()
            self.note.hide()
        layout.addWidget(self.message)
        for button in (self.review_after_button, self.reviewed_button, self.reply_button):
            button.setAutoDefault(False)
        self.reply_button.clicked.connect(self.ask_reply)
        self.list.currentRowChanged.connect(lambda _row: self._enable_reply())
        self.note.returnPressed.connect(self._on_note)
        self.review_after_button.clicked.connect(self._on_review_after)
        self.reviewed_button.clicked.connect(self._on_reviewed)
        for keys, slot in (
            ("Ctrl+D", self._on_review_after),
            ("Ctrl+R", self._on_reviewed),
            ("Return", self.ask_reply),
        ):
            shortcut = QShortcut(QKeySequence(keys), self.list)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(slot)
        self.note_requested.connect(vm.add_note)
        self.review_after_requested.connect(vm.review_after)
        self.reviewed_requested.connect(vm.mark_reviewed)
        vm.changed.connect(self._on_vm_changed)
        vm.noted.connect(self.note.clear)  # cleared only once written
        vm.replied.connect(self._on_vm_replied)
        self._on_vm_changed()

    def _on_vm_changed(self) -> None:
        vm = self.vm
        rows = journal_rows(vm.entries, with_client=vm.operator is not None)
        heading = journal_title(vm.entries[0].client_name if vm.entries else "", vm.operator)
        self.set_rows(heading, [(r.id, r.text, r.attention) for r in rows])
        self.show_message(vm.message)
        if self.reply_dialog is not None:
            self.reply_dialog.show_message(vm.message)  # refused: the answer stays typed
        self._enable_reply()

    def _enable_reply(self) -> None:
        self.reply_button.setEnabled(may_reply(self.vm.entry(self.selected_id())))

    def ask_reply(self) -> None:
        """Return on a client's portal message: the reply dialog."""
        entry = self.vm.entry(self.selected_id())
        if entry is None or not may_reply(entry):
            return
        dialog = PortalReplyDialog(
            reply_heading(entry.client_name, entry.reply_due), entry.notes, self
        )
        message_id = entry.id
        dialog.reply_requested.connect(lambda text: self.vm.reply(message_id, text))
        dialog.finished.connect(lambda _code: setattr(self, "reply_dialog", None))
        self.reply_dialog = dialog
        dialog.open()

    def _on_vm_replied(self) -> None:
        if self.reply_dialog is not None:
            self.reply_dialog.accept()

    def set_rows(self, heading: str, rows: list[tuple[int, str, bool]]) -> None:
        """Show (id, text, needs attention) rows; the selection stays on the same entry."""
        current = self.selected_id()
        self.heading.setText(heading)
        self.list.clear()
        for entry_id, text, attention in rows:
            item = QListWidgetItem(text)
            item.setData(ROLE_ID, entry_id)
            if attention:
                item.setForeground(QBrush(ATTENTION))
            self.list.addItem(item)
            if entry_id == current:
                self.list.setCurrentItem(item)
        if self.list.currentRow() < 0 and rows:
            self.list.setCurrentRow(0)

    def show_message(self, text: str) -> None:
        """Say what went wrong ('' hides it); what was typed stays."""
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def selected_id(self) -> int | None:
        """The selected entry's id."""
        item = self.list.currentItem()
        return int(item.data(ROLE_ID)) if item is not None else None

    def _on_note(self) -> None:
        self.note_requested.emit(self.kind.currentData(), self.note.text())

    def _on_review_after(self) -> None:
        entry_id = self.selected_id()
        if entry_id is not None:
            day: dt.date = self.review_day.date().toPython()  # type: ignore[assignment]
            self.review_after_requested.emit(entry_id, day)

    def _on_reviewed(self) -> None:
        entry_id = self.selected_id()
        if entry_id is not None:
            self.reviewed_requested.emit(entry_id)


class OperatorJournalDialog(QDialog):
    """An operator's journal; a lead picks the operator (the combo is off for operators).

    Signals:
        operator_chosen(str): the login whose journal to show.
    """

    operator_chosen = Signal(str)

    def __init__(self, view: JournalView, *, may_choose: bool, parent: QWidget | None = None):
        """A window around ``view``; ``may_choose`` enables the choice of operator."""
        super().__init__(parent)
        self.setObjectName("operatorJournal")
        self.setWindowTitle(self.tr("Interactions journal"))
        self.view = view
        self.operator = QComboBox()
        self.operator.setEnabled(may_choose)
        self.operator.activated.connect(
            lambda i: self.operator_chosen.emit(self.operator.itemData(i))
        )
        top = QHBoxLayout()
        top.addWidget(buddy(self.tr("O&perator"), self.operator))
        top.addWidget(self.operator, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(view, 1)
        self.resize(760, 480)

    def set_people(self, people: list[tuple[str, str]], login: str) -> None:
        """Offer these (label, login), ``login`` selected."""
        self.operator.clear()
        for label, person in people:
            self.operator.addItem(label, person)
        self.operator.setCurrentIndex(max(0, self.operator.findData(login)))

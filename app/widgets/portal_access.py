"""The client card's portal part: the people with their access, Invite and Revoke; the dialog
that shows a new invitation's link and code once, with Copy.

Keys: Alt+V invites the selected person, Alt+K revokes their access (after a confirmation,
Return or Y confirms, Esc keeps it); in the invitation dialog Ctrl+C copies, Esc closes.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import portal_access_presenter as present
from app.portal_access import PortalAccessViewModel
from app.widgets.form_parts import ERROR_STYLE

ROLE_INDEX = Qt.ItemDataRole.UserRole


class InvitationDialog(QDialog):
    """A new invitation: what to tell the person, the link and the code, Copy."""

    def __init__(self, invitation: object, parent: QWidget | None = None) -> None:
        """Shows ``invitation`` (an `Invitation`)."""
        super().__init__(parent)
        self.setObjectName("portalInvitation")
        self.setWindowTitle(self.tr("Portal invitation"))
        self.resize(620, 220)
        self.clip = present.copy_text(invitation)  # type: ignore[arg-type]
        self.about = QLabel(present.invitation_text(invitation))  # type: ignore[arg-type]
        self.about.setTextFormat(Qt.TextFormat.PlainText)
        self.about.setWordWrap(True)
        self.link = QLineEdit(invitation.link)  # type: ignore[attr-defined]
        self.code = QLineEdit(invitation.code)  # type: ignore[attr-defined]
        for edit in (self.link, self.code):
            edit.setReadOnly(True)
        self.copy_button = QPushButton(self.tr("&Copy link and code (Ctrl+C)"))
        self.copy_button.setDefault(True)
        self.copied = QLabel("")
        self.close_button = QPushButton(self.tr("Close (Esc)"))
        self.close_button.setAutoDefault(False)
        rows = QVBoxLayout(self)
        rows.addWidget(self.about)
        rows.addWidget(QLabel(self.tr("Link")))
        rows.addWidget(self.link)
        rows.addWidget(QLabel(self.tr("Code")))
        rows.addWidget(self.code)
        buttons = QHBoxLayout()
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.copied, 1)
        buttons.addWidget(self.close_button)
        rows.addLayout(buttons)
        self.copy_button.clicked.connect(self.copy)
        self.close_button.clicked.connect(self.accept)
        QShortcut(QKeySequence.StandardKey.Copy, self, self.copy)
        self.copy_button.setFocus()

    def copy(self) -> None:
        """Put the link and the code on the clipboard."""
        QGuiApplication.clipboard().setText(self.clip)
        self.copied.setText(self.tr("Copied."))


class PortalAccessBox(QGroupBox):
    """The people of the card's client and their portal access, with Invite and Revoke."""

    def __init__(self, vm: PortalAccessViewModel, parent: QWidget | None = None) -> None:
        """A box over ``vm``."""
        super().__init__(self.tr("Client portal"), parent)
        self.vm = vm
        self.people = QListWidget()
        self.people.setObjectName("portalPeople")
        self.invite_button = QPushButton(self.tr("In&vite to portal"))
        self.revoke_button = QPushButton(self.tr("Revo&ke portal access"))
        for button in (self.invite_button, self.revoke_button):
            button.setAutoDefault(False)
        self.message = QLabel("")
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setWordWrap(True)
        self.message.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(self.invite_button)
        buttons.addWidget(self.revoke_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.people)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        self.people.setMaximumHeight(90)
        self.invite_button.clicked.connect(self.invite)
        self.revoke_button.clicked.connect(self.ask_revoke)
        self.people.currentRowChanged.connect(lambda _row: self._enable())
        vm.changed.connect(self._on_vm_changed)
        vm.invited.connect(self._on_vm_invited)
        self.dialog: QDialog | None = None
        self._on_vm_changed()

    def _on_vm_changed(self) -> None:
        keep = self.people.currentRow()
        self.people.clear()
        for index, person in enumerate(self.vm.people):
            item = QListWidgetItem(present.person_text(person))
            item.setData(ROLE_INDEX, index)
            self.people.addItem(item)
        if self.people.count():
            self.people.setCurrentRow(min(max(keep, 0), self.people.count() - 1))
        self.message.setText(self.vm.message)
        self.message.setVisible(bool(self.vm.message))
        self._enable()

    def _enable(self) -> None:
        person = self.selected()
        self.invite_button.setEnabled(person is not None and not self.vm.busy)
        self.revoke_button.setEnabled(present.may_revoke(person) and not self.vm.busy)

    def selected(self) -> object | None:
        """The selected person (a `PortalPerson`), if any."""
        item = self.people.currentItem()
        return self.vm.people[int(item.data(ROLE_INDEX))] if item is not None else None

    def invite(self) -> None:
        """Alt+V: invite the selected person."""
        person = self.selected()
        if person is not None:
            self.vm.invite(person.contact_id)  # type: ignore[attr-defined]

    def ask_revoke(self) -> None:
        """Alt+K: ask, then end the selected person's access."""
        person = self.selected()
        if not present.may_revoke(person):  # type: ignore[arg-type]
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Revoke portal access"),
            present.revoke_question(person),  # type: ignore[arg-type]
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        box.setObjectName("portalRevokeQuestion")
        box.setDefaultButton(QMessageBox.StandardButton.Yes)
        contact_id = person.contact_id  # type: ignore[union-attr]
        yes = box.button(QMessageBox.StandardButton.Yes)
        box.buttonClicked.connect(lambda button: button is yes and self.vm.revoke(contact_id))
        self.dialog = box
        box.open()

    def _on_vm_invited(self, invitation: object) -> None:
        self.dialog = InvitationDialog(invitation, self)
        self.dialog.open()

"""The sign-in dialog: login, password, Sign in, and why the last attempt was refused.

Lays out and binds a SignInViewModel; the view model checks the password and decides what
is shown. Keyboard first: the remembered login is filled in and the cursor waits in the
password field; Return in the login moves on, Return in the password signs in.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.sign_in import SignInViewModel

logger = logging.getLogger(__name__)

MESSAGE_STYLE = "color: #b00020; font-weight: bold;"


class SignInDialog(QDialog):
    """Asks who works at this desk; accepted once the view model signed someone in."""

    def __init__(self, vm: SignInViewModel, parent: QWidget | None = None) -> None:
        """Lay out the dialog and bind it to ``vm``."""
        super().__init__(parent)
        self.setObjectName("signInDialog")
        self.setMinimumWidth(380)  # room for a long login and the message under the fields
        self.vm = vm
        self.title = QLabel(self)
        self.login = QLineEdit(self)
        self.login.setObjectName("login")
        self.login.setMaxLength(64)
        self.password = QLineEdit(self)
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.login_label = QLabel(self)
        self.login_label.setBuddy(self.login)
        self.password_label = QLabel(self)
        self.password_label.setBuddy(self.password)
        self.message = QLabel(self)
        self.message.setObjectName("message")
        self.message.setStyleSheet(MESSAGE_STYLE)
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.sign_in_button = QPushButton(self)
        self.cancel_button = QPushButton(self)
        # Return is handled per field below; a default button would fire a second time.
        for button in (self.sign_in_button, self.cancel_button):
            button.setAutoDefault(False)
            button.setDefault(False)

        form = QFormLayout()
        form.addRow(self.login_label, self.login)
        form.addRow(self.password_label, self.password)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.sign_in_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        QWidget.setTabOrder(self.login, self.password)
        QWidget.setTabOrder(self.password, self.sign_in_button)
        QWidget.setTabOrder(self.sign_in_button, self.cancel_button)

        self._bind()
        self.retranslate()
        self._refresh()

    def _bind(self) -> None:
        vm = self.vm
        vm.changed.connect(self._refresh)
        vm.signed_in.connect(self._on_vm_signed_in)
        vm.error.connect(self._on_vm_error)
        self.login.textEdited.connect(vm.set_login)
        self.password.textEdited.connect(vm.set_password)
        self.login.returnPressed.connect(self._on_login_return)
        self.password.returnPressed.connect(vm.sign_in)
        self.sign_in_button.clicked.connect(vm.sign_in)
        self.cancel_button.clicked.connect(self.reject)

    def retranslate(self) -> None:
        """Set every text in the current interface language."""
        self.setWindowTitle(self.tr("Sign in - Dispatch Desk"))
        self.title.setText(self.tr("Who works at this desk?"))
        self.login_label.setText(self.tr("&Login"))
        self.password_label.setText(self.tr("&Password"))
        self.sign_in_button.setText(self.tr("&Sign in"))
        self.cancel_button.setText(self.tr("Cancel"))

    def changeEvent(self, event: QEvent) -> None:
        """Follow a language switch made in Settings."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def showEvent(self, event: QShowEvent) -> None:
        """Put the cursor where typing starts: the password when the login is remembered."""
        super().showEvent(event)
        self._refresh()
        self._focus_first()

    # ---- reacting to the operator ------------------------------------------------------

    def _focus_first(self) -> None:
        field = self.password if self.vm.password_first else self.login
        field.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_login_return(self) -> None:
        if self.vm.password:
            self.vm.sign_in()
        else:
            self.password.setFocus(Qt.FocusReason.TabFocusReason)

    # ---- showing the view model --------------------------------------------------------

    def _on_vm_signed_in(self, _actor: object) -> None:
        self.accept()

    def _on_vm_error(self, _message: str) -> None:
        # The login stays as typed; the next try starts in the (now empty) password field,
        # unless the login itself is what is missing.
        field = self.password if self.vm.login.strip() else self.login
        field.setFocus(Qt.FocusReason.OtherFocusReason)

    def _refresh(self) -> None:
        vm = self.vm
        self._set_text(self.login, vm.login)
        self._set_text(self.password, vm.password)
        self.message.setText(vm.message)
        self.message.setVisible(bool(vm.message))
        self.sign_in_button.setEnabled(not vm.busy)

    @staticmethod
    def _set_text(field: QLineEdit, text: str) -> None:
        # Only when it differs: resetting the text would move the operator's cursor.
        if field.text() != text:
            field.setText(text)

"""Who works at this desk: the sign-in at start, switching operator, the demo's own sign-in.

Owns the desk's one `Identity` (handed to every view model) and the sign-in form
(`SignInViewModel` + `SignInDialog`). The workspace asks `ask()` before its window exists
and `switch()` from File → Switch operator; the window stays while the dialog is up.

Signals:
    signed_in(object): a person signed in (at start or after a switch); the Actor.
    cancelled(): the sign-in dialog was closed without signing in.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QWidget

from app.identity import Identity
from app.sign_in import LoginMemory, SignInViewModel
from app.widgets.sign_in_dialog import SignInDialog
from app.worker import DbWorker
from dispatcher.users import Actor

logger = logging.getLogger(__name__)


class DeskSession(QObject):
    """The desk's identity and the dialog that sets it."""

    signed_in = Signal(object)
    cancelled = Signal()

    def __init__(
        self, worker: DbWorker, memory: LoginMemory, parent: QObject | None = None
    ) -> None:
        """Sign-ins checked through ``worker``; the last login kept in ``memory``."""
        super().__init__(parent)
        self.identity = Identity(parent=self)
        self.sign_in_vm = SignInViewModel(worker, memory, parent=self)
        self.sign_in_vm.signed_in.connect(self._on_sign_in_vm_signed_in)
        self.dialog: SignInDialog | None = None

    def sign_in_as(self, actor: Actor) -> None:
        """Sign ``actor`` in without a dialog (the demo's own shift lead)."""
        self.identity.set_actor(actor)
        self.signed_in.emit(actor)

    def ask(self, parent: QWidget | None = None) -> SignInDialog:
        """Show a fresh sign-in dialog (modal over ``parent``, or on its own at start)."""
        self.sign_in_vm.start()
        dialog = SignInDialog(self.sign_in_vm, parent)
        dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        dialog.rejected.connect(self.cancelled)
        dialog.finished.connect(dialog.deleteLater)
        dialog.finished.connect(lambda _result: self._forget(dialog))
        self.dialog = dialog
        dialog.open()
        return dialog

    def switch(self, parent: QWidget | None) -> SignInDialog:
        """Sign the current person out and ask who works at the desk now."""
        self.identity.set_actor(None)
        self.sign_in_vm.sign_out()
        return self.ask(parent)

    def status_text(self) -> str:
        """Who is signed in, for the status bar: "Иванова Мария (старший смены)"."""
        return self.sign_in_vm.actor_text(self.identity.actor)

    def _forget(self, dialog: SignInDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None

    def _on_sign_in_vm_signed_in(self, actor: Actor) -> None:
        self.identity.set_actor(actor)
        self.signed_in.emit(actor)

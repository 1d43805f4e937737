"""The complaint form: reason, what happened, what the client asks for (Ctrl+Return registers)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.complaints import ComplaintFormViewModel, ComplaintInput, ComplaintPrefill
from app.complaints_presenter import form_title, priority_choices, remedy_choices


class ComplaintForm(QDialog):
    """Register a client's complaint: the reason list has focus, then the description."""

    def __init__(
        self, vm: ComplaintFormViewModel, prefill: ComplaintPrefill, parent: QWidget | None = None
    ) -> None:
        """A form for ``prefill``'s client over ``vm`` (its reasons are loaded)."""
        super().__init__(parent)
        self.vm = vm
        self.prefill = prefill
        self.setWindowTitle(self.tr("Register a complaint"))
        self.resize(560, 420)
        self.heading = QLabel(form_title(prefill.client_name, prefill.order_id))
        self.heading.setObjectName("complaintHeading")
        self.heading.setStyleSheet("font-weight: bold;")
        self.reason = QComboBox()
        for reason in vm.reasons:
            self.reason.addItem(reason.name, reason.id)
        self.description = QPlainTextEdit()
        self.description.setPlaceholderText(self.tr("What happened, in the client's words"))
        self.description.setTabChangesFocus(True)
        self.remedy = QComboBox()
        for value, label in remedy_choices():
            self.remedy.addItem(label, value)
        self.priority = QComboBox()
        for value, label in priority_choices():
            self.priority.addItem(label, value)
        self.department = QLineEdit()
        self.department.setPlaceholderText(self.tr("e.g. Logistics (optional)"))
        self.problem = QLabel("")
        self.problem.setObjectName("complaintProblem")
        self.problem.setStyleSheet("color: #b00020;")
        self.problem.setWordWrap(True)
        self.problem.hide()

        form = QFormLayout()
        form.addRow(self.tr("&Reason"), self.reason)
        form.addRow(self.tr("&Description"), self.description)
        form.addRow(self.tr("Client &asks for"), self.remedy)
        form.addRow(self.tr("&Priority"), self.priority)
        form.addRow(self.tr("&Guilty department"), self.department)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(self.tr("Register (Ctrl+Return)"))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.submit)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        vm.registered.connect(self._on_vm_registered)
        vm.error.connect(self._on_vm_error)
        self.reason.setFocus(Qt.FocusReason.OtherFocusReason)

    def submit(self) -> None:
        """Send what is typed; the form stays open until the complaint is registered."""
        if self.reason.currentData() is None:
            return
        self.buttons.setEnabled(False)
        self.vm.submit(
            self.prefill,
            ComplaintInput(
                reason_id=int(self.reason.currentData()),
                description=self.description.toPlainText(),
                remedy=str(self.remedy.currentData()),
                priority=str(self.priority.currentData()),
                guilty_department=self.department.text(),
            ),
        )

    def _on_vm_registered(self, _row: object) -> None:
        self.accept()

    def _on_vm_error(self, message: str) -> None:
        # Nothing typed is lost: the form stays as it was, with the reason shown.
        self.buttons.setEnabled(True)
        self.problem.setText(message)
        self.problem.show()
        self.description.setFocus()

    def done(self, result: int) -> None:
        """Disconnect from the shared view model when closing (Qt override)."""
        self.vm.registered.disconnect(self._on_vm_registered)
        self.vm.error.disconnect(self._on_vm_error)
        super().done(result)

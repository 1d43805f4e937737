"""The Complaints window (open complaints, overdue first) and the main window's complaints part."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSystemTrayIcon,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.complaint_details import ComplaintDetailsViewModel, ComplaintReasonsViewModel
from app.complaint_details_presenter import waiting_rows
from app.complaints import (
    ComplaintFormViewModel,
    ComplaintPrefill,
    ComplaintsViewModel,
    call_prefill,
)
from app.complaints_presenter import (
    badge_text,
    cells,
    escalation_message,
    headers,
    message_rows,
)
from app.journal_presenter import reply_heading
from app.widgets.complaint_details import ComplaintDetailsWindow, ComplaintReasonsWindow
from app.widgets.complaint_form import ComplaintForm
from app.widgets.portal_reply_dialog import PortalReplyDialog

MESSAGE_ROLE = Qt.ItemDataRole.UserRole + 1  # a portal message's id (not a complaint's)
WARNING_FOREGROUND = QColor("#b3261e")  # as the caller panel marks what must be read first


class ComplaintsWindow(QWidget):
    """A list to work through: type to search, Ctrl+Return resolves the selected one."""

    def __init__(
        self,
        vm: ComplaintsViewModel,
        parent: QWidget | None = None,
        open_details: Callable[[int], None] | None = None,
    ) -> None:
        """The window over ``vm``; it lists the open complaints at once.

        ``open_details(complaint_id)`` opens one complaint (Return on a row of either list).
        """
        super().__init__(parent, Qt.WindowType.Window)
        self.vm = vm
        self.open_details = open_details
        self.reply_dialog: PortalReplyDialog | None = None
        self.setWindowTitle(self.tr("Complaints"))
        self.resize(1000, 520)
        self.badge = QLabel("")
        self.badge.setObjectName("complaintsBadge")
        self.badge.setStyleSheet(f"color: {WARNING_FOREGROUND.name()}; font-weight: bold;")
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search: client, words of the text, reason"))
        self.search.returnPressed.connect(lambda: vm.refresh(self.search.text()))
        self.table = QTableWidget(0, len(headers()))
        self.table.setHorizontalHeaderLabels(list(headers()))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.badge)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 2)
        # Overdue departments' threads and "not satisfied" results waiting for the lead.
        self.waiting = QListWidget()
        self.waiting.setObjectName("complaintsWaiting")
        layout.addWidget(
            QLabel(
                self.tr(
                    "Waiting for the lead: threads past their date, reviews, portal messages"
                    " (Return answers one)"
                )
            )
        )
        layout.addWidget(self.waiting, 1)
        layout.addWidget(
            QLabel(self.tr("Return: open the complaint · Ctrl+Return: resolve the selected one"))
        )
        QShortcut(QKeySequence("Ctrl+Return"), self, self.resolve_selected)
        for view, opened in ((self.table, self._table_id), (self.waiting, self._waiting_id)):
            shortcut = QShortcut(QKeySequence(Qt.Key.Key_Return), view)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(lambda opened=opened: self._open(opened()))
        vm.listed.connect(self._on_vm_listed)
        vm.escalation_changed.connect(self._on_vm_escalation_changed)
        self._on_vm_escalation_changed(vm.escalation)
        vm.refresh()

    def _on_vm_listed(self, rows: list) -> None:
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, text in enumerate(cells(row)):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, row.id)
                if row.overdue:
                    item.setForeground(WARNING_FOREGROUND)
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        if rows:
            self.table.selectRow(0)

    def _on_vm_escalation_changed(self, escalation: object) -> None:
        text = badge_text(escalation)  # type: ignore[arg-type]
        self.badge.setText(text)
        self.badge.setVisible(bool(text))
        self.waiting.clear()
        for complaint_id, line in waiting_rows(escalation):  # type: ignore[arg-type]
            item = QListWidgetItem(line)
            item.setData(Qt.ItemDataRole.UserRole, complaint_id)
            item.setForeground(WARNING_FOREGROUND)
            self.waiting.addItem(item)
        for message_id, line in message_rows(escalation):  # type: ignore[arg-type]
            item = QListWidgetItem(line)
            item.setData(MESSAGE_ROLE, message_id)
            item.setForeground(WARNING_FOREGROUND)
            self.waiting.addItem(item)

    def _table_id(self) -> int | None:
        item = self.table.item(self.table.currentRow(), 0)
        return int(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None

    def _waiting_id(self) -> int | None:
        item = self.waiting.currentItem()
        if item is not None and item.data(MESSAGE_ROLE) is not None:
            self.ask_reply(int(item.data(MESSAGE_ROLE)))  # a portal message: answer it
            return None
        return int(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None

    def ask_reply(self, message_id: int) -> None:
        """Return on an overdue portal message: the reply dialog."""
        alert = next((m for m in self.vm.escalation.messages if m.id == message_id), None)
        if alert is None:
            return
        dialog = PortalReplyDialog(reply_heading(alert.client_name, alert.due), alert.text, self)
        dialog.reply_requested.connect(lambda text: self.vm.reply(message_id, text))
        self.vm.replied.connect(dialog.accept)
        self.vm.error.connect(dialog.show_message)
        dialog.finished.connect(lambda _code: self._drop_reply(dialog))
        self.reply_dialog = dialog
        dialog.open()

    def _drop_reply(self, dialog: PortalReplyDialog) -> None:
        self.vm.replied.disconnect(dialog.accept)
        self.vm.error.disconnect(dialog.show_message)
        self.reply_dialog = None

    def _open(self, complaint_id: int | None) -> None:
        if complaint_id is not None and self.open_details is not None:
            self.open_details(complaint_id)

    def resolve_selected(self) -> None:
        """Ask for the result and whether the client is satisfied, then resolve."""
        item = self.table.item(self.table.currentRow(), 0)
        if item is None:
            return
        result, ok = QInputDialog.getText(self, self.tr("Resolve"), self.tr("Result:"))
        if not ok:
            return
        satisfied = QMessageBox.question(
            self, self.tr("Resolve"), self.tr("Is the client satisfied?")
        )
        self.vm.resolve(
            int(item.data(Qt.ItemDataRole.UserRole)),
            result,
            satisfied == QMessageBox.StandardButton.Yes,
        )


class ComplaintsDesk(QObject):
    """The complaints' part of the main window: the form on Ctrl+K, the list, the lead's badge.

    The badge (a status-bar button) shows how many complaints and threads are overdue; a
    newly overdue one also gives a tray message where the desktop has a tray.
    """

    def __init__(
        self, window: Any, form_vm: ComplaintFormViewModel, vm: ComplaintsViewModel
    ) -> None:
        """Wire ``window`` (the MainWindow, which imports this module) to the view models."""
        super().__init__(window)
        self.window, self.form_vm, self.vm = window, form_vm, vm
        self.form: ComplaintForm | None = None
        self.list_window: ComplaintsWindow | None = None
        self.details: ComplaintDetailsWindow | None = None
        self.reasons: ComplaintReasonsWindow | None = None
        self.badge = QPushButton("")
        self.badge.setObjectName("complaintsBadge")
        self.badge.setFlat(True)
        self.badge.setStyleSheet(f"color: {WARNING_FOREGROUND.name()}; font-weight: bold;")
        self.badge.clicked.connect(self.open_list)
        self.badge.hide()
        window.statusBar().addPermanentWidget(self.badge)
        form_vm.form_requested.connect(self._on_form_vm_form_requested)
        form_vm.registered.connect(self._on_form_vm_registered)
        vm.escalation_changed.connect(self._on_vm_escalation_changed)
        vm.escalated.connect(self._on_vm_escalated)
        vm.error.connect(window.show_error)
        # A call to the complaint line opens the form for the caller at the answer.
        window.intake.complaint_form_requested.connect(self._on_intake_complaint_form_requested)

    def open_form(self) -> None:
        """The form for the client (and order) of the order panel or the call."""
        w = self.window
        order_vm = w.order_vm
        selected = w.caller_panel.selected_ids()
        prefill = call_prefill(
            w.intake.focused,
            selected[0] if selected else None,
            order_vm.client_id if order_vm is not None else None,
            order_vm.client_name if order_vm is not None else "",
            order_vm.order_id if order_vm is not None else None,
        )
        if prefill is None:
            w.statusBar().showMessage(
                self.tr("Pick the client first: the complaint is theirs."), 5000
            )
            return
        self.form_vm.open_for(prefill)

    def _on_intake_complaint_form_requested(self, _call: object) -> None:
        if self.form is None:  # one form at a time: what is typed in an open one stays
            self.open_form()

    def _on_form_vm_form_requested(self, prefill: ComplaintPrefill) -> None:
        self.form = ComplaintForm(self.form_vm, prefill, self.window)
        self.form.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.form.destroyed.connect(lambda: setattr(self, "form", None))
        self.form.open()

    def _on_form_vm_registered(self, row: object) -> None:
        number = str(getattr(row, "id", ""))
        self.window.statusBar().showMessage(
            self.tr("Complaint №%1 registered.").replace("%1", number), 5000
        )
        # Back to the call: the order panel has the keys again (F4 hangs up at once).
        self.window.activateWindow()
        self.window.focus_order_panel()
        client_id = getattr(row, "client_id", None)
        if client_id is not None:  # the caller panel flags the open complaint at once
            self.window.intake.refresh_caller(int(client_id))

    def open_list(self) -> None:
        """The Complaints window, listed anew."""
        if self.list_window is None:
            self.list_window = ComplaintsWindow(self.vm, self.window, self.open_details)
        else:
            self.vm.refresh()
        self.list_window.show()
        self.list_window.raise_()
        self.list_window.activateWindow()

    def _on_vm_escalation_changed(self, escalation: object) -> None:
        text = badge_text(escalation)  # type: ignore[arg-type]
        self.badge.setText(text)
        self.badge.setVisible(bool(text))

    def open_details(self, complaint_id: int) -> None:
        """One complaint's window: its departments' threads, reopen and review."""
        vm = ComplaintDetailsViewModel(self.vm.worker, self.vm.identity, complaint_id)
        vm.changed.connect(lambda: (self.vm.refresh(), self.vm.check()))
        parent = self.list_window if self.list_window is not None else self.window
        self.details = ComplaintDetailsWindow(vm, parent)
        self.details.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.details.destroyed.connect(lambda: setattr(self, "details", None))
        self.details.open()

    def open_reasons(self) -> None:
        """References → Complaint reasons (the lead's list)."""
        vm = ComplaintReasonsViewModel(self.vm.worker, self.vm.identity)
        self.reasons = ComplaintReasonsWindow(vm, self.window)
        self.reasons.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.reasons.destroyed.connect(lambda: setattr(self, "reasons", None))
        self.reasons.open()

    def _on_vm_escalated(self, escalation: object) -> None:
        tray = self.window.tray
        if tray is not None:
            tray.showMessage(
                self.tr("Complaints overdue"),
                escalation_message(escalation),  # type: ignore[arg-type]
                QSystemTrayIcon.MessageIcon.Warning,
                10000,
            )

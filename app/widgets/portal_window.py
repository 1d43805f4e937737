"""The portal queue window: orders from the client portal, Enter confirms, Ctrl+D calls."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.portal_presenter import badge_text, cells, confirmed_text, headers
from app.portal_queue import PortalQueueViewModel
from app.shortcuts import Key, sequence


class PortalQueueWindow(QWidget):
    """Portal orders waiting for a desk, oldest first; the title carries their count."""

    def __init__(self, vm: PortalQueueViewModel, parent: QWidget | None = None) -> None:
        """The window over ``vm``."""
        super().__init__(parent, Qt.WindowType.Window)
        self.vm = vm
        self.setObjectName("portalQueue")
        self.resize(1000, 420)
        self.table = QTableWidget(0, len(headers()), self)
        self.table.setHorizontalHeaderLabels(headers())
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.hint = QLabel(
            self.tr("Enter: confirm the selected order · Ctrl+D: call the client"), self
        )
        self.status = QLabel("", self)
        self.status.setObjectName("portalStatus")
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(self.status)
        layout.addWidget(self.hint)
        for key, slot in ((Key.PORTAL_CONFIRM, self.confirm), (Key.PORTAL_CALL, self.call)):
            shortcut = QShortcut(QKeySequence(sequence(key)), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        QShortcut(QKeySequence("Enter"), self, self.confirm)  # the keypad's Enter too
        vm.listed.connect(self._on_vm_listed)
        vm.confirmed.connect(lambda result: self.status.setText(confirmed_text(result)))
        vm.error.connect(self.status.setText)
        self.setWindowTitle(badge_text(0))

    def open(self) -> None:
        """Show the window in front, the list read again."""
        self.vm.refresh()
        self.show()
        self.raise_()
        self.activateWindow()
        self.table.setFocus()

    def selected_order(self) -> int | None:
        """The order number of the selected row, if any."""
        row = self.table.currentRow()
        item = self.table.item(row, 0) if row >= 0 else None
        return int(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None

    def confirm(self) -> None:
        """Enter: confirm the selected order."""
        order_id = self.selected_order()
        if order_id is not None:
            self.vm.confirm(order_id)

    def call(self) -> None:
        """Ctrl+D: call the selected order's client."""
        order_id = self.selected_order()
        if order_id is not None:
            self.vm.call(order_id)

    def _on_vm_listed(self, rows: list) -> None:  # type: ignore[type-arg]
        keep = self.selected_order()
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, text in enumerate(cells(row)):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, row.order_id)
                self.table.setItem(r, c, item)
        chosen = next((r for r, row in enumerate(rows) if row.order_id == keep), 0)
        if rows:
            self.table.setCurrentCell(chosen, 0)
        self.setWindowTitle(badge_text(len(rows)))

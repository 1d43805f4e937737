"""The Couriers window (References → Couriers): the list, the form, the phone sign-in.

Keys: Up/Down pick a courier (the form follows), Ctrl+N a new courier, Return or Ctrl+S
saves, Ctrl+D deactivates or activates, Ctrl+P issues a phone sign-in, Esc closes.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.couriers import CourierForm, CouriersViewModel
from app.couriers_presenter import (
    code_text,
    day_labels,
    expiry_text,
    rows,
    toggle_label,
)
from app.widgets.form_parts import ERROR_STYLE, STATUS_STYLE, buddy

logger = logging.getLogger(__name__)

ALL_DAYS = 0b1111111


class CouriersWindow(QDialog):
    """Couriers for a shift lead: add, edit, deactivate; a sign-in for the courier's phone."""

    def __init__(self, vm: CouriersViewModel, parent: QWidget | None = None) -> None:
        """Lay out the window over ``vm`` and load the list."""
        super().__init__(parent)
        self.vm = vm
        self.setWindowTitle(self.tr("Couriers"))
        self.resize(1100, 700)  # the table's six columns, the form and a whole QR code
        self._editing: int | None = None  # the courier in the form; None: a new one
        self._first_load = True

        self.table = QTableWidget(0, 6)
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Name"),
                self.tr("State"),
                self.tr("Bottles"),
                self.tr("Days"),
                self.tr("Hours"),
                self.tr("Phone"),
            ]
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)

        self.name = QLineEdit()
        self.phone = QLineEdit()
        self.capacity = QLineEdit()
        self.capacity.setPlaceholderText(self.tr("bottles per trip"))
        self.days = [QCheckBox(label) for label in day_labels()]
        days_row = QHBoxLayout()
        for box in self.days:
            days_row.addWidget(box)
        self.hours = QLineEdit()
        self.hours.setPlaceholderText(self.tr("09:00-18:00; empty: any time"))
        self.new_button = QPushButton(self.tr("New courier (Ctrl+N)"))
        self.save_button = QPushButton(self.tr("Save (Ctrl+S)"))
        self.toggle_button = QPushButton(self.tr("Deactivate"))
        form = QFormLayout()
        form.addRow(buddy(self.tr("&Name"), self.name), self.name)
        form.addRow(buddy(self.tr("P&hone"), self.phone), self.phone)
        form.addRow(buddy(self.tr("&Capacity"), self.capacity), self.capacity)
        form.addRow(self.tr("Working days"), days_row)
        form.addRow(buddy(self.tr("Working ho&urs"), self.hours), self.hours)
        buttons = QHBoxLayout()
        for button in (self.new_button, self.save_button, self.toggle_button):
            # Return saves (the fields' returnPressed), never "presses" a dialog button.
            button.setAutoDefault(False)
            buttons.addWidget(button)
        form.addRow(buttons)
        form_box = QGroupBox(self.tr("Courier"))
        form_box.setLayout(form)

        self.issue_button = QPushButton(self.tr("Issue phone sign-in (Ctrl+P)"))
        self.revoke_button = QPushButton(self.tr("Revoke sign-in"))
        self.code_label = QLabel()
        self.code_label.setTextFormat(Qt.TextFormat.PlainText)
        self.code_label.setObjectName("pairingCode")
        self.code_label.setStyleSheet("font-size: 24pt; font-weight: bold;")
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.expiry_label = QLabel()
        self.expiry_label.setTextFormat(Qt.TextFormat.PlainText)
        self.qr_label = QLabel()
        self.qr_label.setMinimumSize(240, 240)
        self.qr_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.issue_button.setAutoDefault(False)
        self.revoke_button.setAutoDefault(False)
        device_buttons = QHBoxLayout()
        device_buttons.addWidget(self.issue_button)
        device_buttons.addWidget(self.revoke_button)
        device = QVBoxLayout()
        device.addLayout(device_buttons)
        device.addWidget(self.code_label)
        device.addWidget(self.expiry_label)
        device.addWidget(self.qr_label)
        device_box = QGroupBox(self.tr("Courier's phone"))
        device_box.setLayout(device)

        self.message = QLabel()
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        self.message.setObjectName("couriersMessage")

        right = QVBoxLayout()
        right.addWidget(form_box)
        right.addWidget(device_box, 1)
        top = QHBoxLayout()
        top.addWidget(self.table, 3)
        top.addLayout(right, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top, 1)
        layout.addWidget(self.message)

        self._connect()
        self.vm.refresh()
        self._refresh()
        self.table.setFocus()

    def _connect(self) -> None:
        self.vm.changed.connect(self._refresh)
        self.vm.saved.connect(self._on_vm_saved)
        self.table.itemSelectionChanged.connect(self._on_table_selection_changed)
        self.new_button.clicked.connect(self.start_new)
        self.save_button.clicked.connect(self.save)
        self.toggle_button.clicked.connect(self.toggle_active)
        self.issue_button.clicked.connect(self.issue_sign_in)
        self.revoke_button.clicked.connect(self.revoke_sign_in)
        for line in (self.name, self.phone, self.capacity, self.hours):
            line.returnPressed.connect(self.save)
        for keys, slot in (
            ("Ctrl+N", self.start_new),
            ("Ctrl+S", self.save),
            ("Ctrl+D", self.toggle_active),
            ("Ctrl+P", self.issue_sign_in),
        ):
            QShortcut(QKeySequence(keys), self, slot)

    # ---- actions ----------------------------------------------------------------------

    def selected_id(self) -> int | None:
        """The courier of the selected row."""
        item = self.table.item(self.table.currentRow(), 0)
        return None if item is None else int(item.data(Qt.ItemDataRole.UserRole))

    def start_new(self) -> None:
        """Ctrl+N: an empty form for a new courier, every day, any time."""
        self._editing = None
        self.table.clearSelection()
        for line in (self.name, self.phone, self.hours):
            line.clear()
        self.capacity.setText("40")
        self._set_days(ALL_DAYS)
        self.name.setFocus()

    def save(self) -> None:
        """Ctrl+S / Return: add or change the courier in the form."""
        mask = sum(1 << i for i, box in enumerate(self.days) if box.isChecked())
        self.vm.save(
            CourierForm(
                self._editing,
                self.name.text(),
                self.phone.text(),
                self.capacity.text(),
                mask,
                self.hours.text(),
            )
        )

    def toggle_active(self) -> None:
        """Ctrl+D: deactivate the selected courier, or activate a deactivated one."""
        courier = self.vm.courier(self.selected_id())
        if courier is not None:
            self.vm.set_active(courier.id, not courier.active)

    def issue_sign_in(self) -> None:
        """Ctrl+P: a one-time code and QR code for the selected courier's phone."""
        courier_id = self.selected_id()
        if courier_id is not None:
            self.vm.issue_sign_in(courier_id)

    def revoke_sign_in(self) -> None:
        """The selected courier's phone is lost: its sign-in stops working."""
        courier_id = self.selected_id()
        if courier_id is not None:
            self.vm.revoke_sign_in(courier_id)

    # ---- showing the view model ---------------------------------------------------------

    def _refresh(self) -> None:
        vm = self.vm
        chosen = self.selected_id()
        shown = rows(vm.couriers)
        self.table.blockSignals(True)
        self.table.setRowCount(len(shown))
        for r, row in enumerate(shown):
            cells = (row.name, row.active, row.capacity, row.days, row.hours, row.phone)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, row.id)
                if row.inactive:
                    item.setForeground(QColor("#777777"))
                self.table.setItem(r, column, item)
            if row.id == chosen:
                self.table.selectRow(r)
        self.table.blockSignals(False)
        if self._first_load and shown:
            # The list arrives: the first courier is selected, so the form shows someone.
            self._first_load = False
            self.table.selectRow(0)
        self.toggle_button.setText(toggle_label(vm.courier(self.selected_id())) + " (Ctrl+D)")
        self.message.setText(vm.message)
        self.message.setStyleSheet(STATUS_STYLE if vm.message_ok else ERROR_STYLE)
        for button in (self.save_button, self.toggle_button, self.issue_button):
            button.setEnabled(not vm.busy)
        sign_in = vm.sign_in
        if sign_in is None:
            self.code_label.clear()
            self.expiry_label.clear()
            self.qr_label.clear()
        else:
            self.code_label.setText(code_text(sign_in.code))
            self.expiry_label.setText(expiry_text(sign_in.code))
            pixmap = QPixmap()
            pixmap.loadFromData(sign_in.qr_png, "PNG")
            # Never clipped (a cut QR code does not scan): the window grows to show all of it.
            self.qr_label.setMinimumSize(pixmap.size().expandedTo(self.qr_label.minimumSize()))
            self.qr_label.setPixmap(pixmap)

    def _on_table_selection_changed(self) -> None:
        courier = self.vm.courier(self.selected_id())
        if courier is None:
            return
        self._editing = courier.id
        self.name.setText(courier.name)
        self.phone.setText(courier.phone)
        self.capacity.setText(str(courier.capacity))
        self._set_days(courier.work_days)
        self.hours.setText(courier.hours)
        self.toggle_button.setText(toggle_label(courier) + " (Ctrl+D)")

    def _on_vm_saved(self, courier_id: int) -> None:
        self._editing = courier_id
        for r in range(self.table.rowCount()):
            item = self.table.item(r, 0)
            if item is not None and item.data(Qt.ItemDataRole.UserRole) == courier_id:
                self.table.selectRow(r)

    def _set_days(self, mask: int) -> None:
        for i, box in enumerate(self.days):
            box.setChecked(bool(mask & (1 << i)))

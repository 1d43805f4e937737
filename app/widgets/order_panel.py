# Long (over 500 lines): one screen's layout, bindings and in-field keys.
"""The order panel: where the operator captures an order and hands it to a courier.

From top to bottom: a banner when an unsaved order was restored (with Discard), the client
and what the panel is doing (new order, re-send, reassign), the delivery address, the
product search with its matches, the order lines with the total, the courier with the
suggestion, date and window, the slot confirm button, the comment, and the buttons
Repeat last / Reject / Send to delivery. Below: the client's deliveries and a
field to open an order by number. Under each field a small red line says what is wrong with
it; a failed send says so above the buttons and keeps everything typed. Everything is
reachable from the keyboard (see ``app.shortcuts``); the logic lives in
``OrderEntryViewModel``, and the texts and enabled states it implies in ``app.order_presenter``.

Keystrokes of a repeat order: Ctrl+R (lines, address, courier and slot filled in; focus on
the slot button) · Return (slot confirmed; focus on Send) · Ctrl+Return (sent).
"""

from __future__ import annotations

import itertools
import logging

from PySide6.QtCore import QDate, QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.order_entry import OrderEntryViewModel, order_label, window_label
from app.order_presenter import (
    OrderPanelView,
    courier_items,
    date_choice,
    field_messages,
    match_text,
    present_order,
)
from app.shortcuts import Key, sequence
from app.widgets.cancel_dialog import CancelDialog
from app.widgets.form_parts import (
    BANNER_STYLE,
    ERROR_STYLE,
    STATUS_STYLE,
    FieldMessage,
    buddy,
    fill_combo,
    is_key,
    with_key,
)
from app.widgets.reject_dialog import RejectDialog

logger = logging.getLogger(__name__)

_PLUS_KEYS = (Qt.Key.Key_Plus, Qt.Key.Key_Equal)
_MINUS_KEYS = (Qt.Key.Key_Minus, Qt.Key.Key_Underscore)


class OrderPanel(QWidget):
    """The order form over an OrderEntryViewModel."""

    def __init__(self, vm: OrderEntryViewModel, parent: QWidget | None = None) -> None:
        """Lay out the form and bind it to ``vm``."""
        super().__init__(parent)
        self.vm = vm
        self._refreshing = False
        self.reject_dialog: RejectDialog | None = None
        self.cancel_dialog: CancelDialog | None = None

        # -- an order whose send failed before a restart, back on screen
        self.restored_banner = QLabel()
        self.restored_banner.setTextFormat(Qt.TextFormat.PlainText)
        self.restored_banner.setStyleSheet(BANNER_STYLE)
        self.restored_banner.setWordWrap(True)
        self.discard_button = QPushButton(self.tr("Discard it"))

        # -- who and what
        self.client_label = QLabel()
        self.client_label.setTextFormat(Qt.TextFormat.PlainText)
        self.client_label.setStyleSheet("font-size: 14pt; font-weight: bold;")
        self.mode_banner = QLabel()
        self.mode_banner.setTextFormat(Qt.TextFormat.PlainText)
        self.mode_banner.setStyleSheet(BANNER_STYLE)
        self.mode_banner.setWordWrap(True)
        self.last_order_label = QLabel()
        self.last_order_label.setTextFormat(Qt.TextFormat.PlainText)
        self.last_order_label.setWordWrap(True)

        # -- where
        self.address = QComboBox()
        self.address_message = FieldMessage(self.address)
        self.payment = QComboBox()  # an order in delivery only (else the client's terms apply)
        self.payment_label = buddy(self.tr("Pa&yment"), self.payment)

        # -- what: product search, its matches, the lines and the total
        self.search = QLineEdit()
        self.search.setPlaceholderText(
            with_key(self.tr("Product: name or code, Return adds, +/− quantity"), Key.ADD_PRODUCT)
        )
        self.product_matches = QListWidget()
        self.product_matches.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.product_matches.setMaximumHeight(120)
        self.product_matches.hide()
        self.lines_table = QTableWidget(0, 4)
        self.lines_table.setHorizontalHeaderLabels(
            [self.tr("Product"), self.tr("Qty"), self.tr("Price"), self.tr("Amount")]
        )
        self.lines_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.lines_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.lines_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.lines_table.setTabKeyNavigation(False)
        self.lines_table.verticalHeader().hide()
        self.lines_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.total_label = QLabel()
        self.total_label.setTextFormat(Qt.TextFormat.PlainText)
        self.total_label.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.total_label.setStyleSheet("font-weight: bold;")
        self.lines_message = FieldMessage(self.lines_table)

        # -- who delivers and when
        self.courier = QComboBox()
        self.suggestion_label = QLabel()
        self.suggestion_label.setTextFormat(Qt.TextFormat.PlainText)
        self.suggestion_label.setWordWrap(True)
        self.date = QDateEdit()
        self.date.setDisplayFormat("dd.MM.yyyy")
        self.date.setCalendarPopup(True)
        self.window = QComboBox()
        self.courier_message = FieldMessage(self.courier)
        self.date_message = FieldMessage(self.date)
        self.window_message = FieldMessage(self.window)
        self.slot_button = QPushButton()
        self.slot_button.setToolTip(self.tr("Return: the client agrees to this courier and slot"))
        self.comment = QLineEdit()
        self.comment.setPlaceholderText(with_key(self.tr("Comment for the courier"), Key.COMMENT))
        self.comment_message = FieldMessage(self.comment)

        # -- what can be done
        self.repeat_button = QPushButton(with_key(self.tr("Repeat last"), Key.REPEAT_LAST))
        self.reject_button = QPushButton(with_key(self.tr("Reject…"), Key.REJECT_ORDER))
        self.cancel_button = QPushButton(with_key(self.tr("Cancel order…"), Key.CANCEL_ORDER))
        self.send_button = QPushButton(with_key(self.tr("Send to delivery"), Key.SEND_TO_DELIVERY))
        self.missing_label = QLabel()
        self.missing_label.setTextFormat(Qt.TextFormat.PlainText)
        self.missing_label.setWordWrap(True)
        self.error_label = QLabel()
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setWordWrap(True)
        self.status_label = QLabel()
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        self.status_label.setStyleSheet(STATUS_STYLE)
        self.status_label.setWordWrap(True)

        # -- the client's deliveries, and any order by number
        self.deliveries = QListWidget()
        self.deliveries.setMaximumHeight(90)
        self.order_number = QLineEdit()
        self.order_number.setPlaceholderText(self.tr("Order number: change or cancel it"))

        self._lay_out()
        self._set_tab_order()
        self._bind()
        self._refresh()

    # ---- layout -----------------------------------------------------------------------

    def _lay_out(self) -> None:
        restored = QHBoxLayout()
        restored.addWidget(self.restored_banner, 1)
        restored.addWidget(self.discard_button)

        form = QFormLayout()
        form.addRow(buddy(self.tr("&Address"), self.address), self.address)
        form.addRow("", self.address_message)
        form.addRow(self.payment_label, self.payment)
        form.addRow(buddy(self.tr("&Product"), self.search), self.search)
        form.addRow("", self.product_matches)

        slot_row = QHBoxLayout()
        slot_row.addWidget(self.courier, 2)
        slot_row.addWidget(self.date, 1)
        slot_row.addWidget(self.window, 1)
        slot_messages = QHBoxLayout()  # each message under its own field
        slot_messages.addWidget(self.courier_message, 2)
        slot_messages.addWidget(self.date_message, 1)
        slot_messages.addWidget(self.window_message, 1)

        buttons = QHBoxLayout()
        buttons.addWidget(self.repeat_button)
        buttons.addWidget(self.reject_button)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        buttons.addWidget(self.send_button)

        orders_row = QHBoxLayout()
        orders_row.addWidget(QLabel(self.tr("Open order №")))
        orders_row.addWidget(self.order_number)

        layout = QVBoxLayout(self)
        layout.addLayout(restored)
        layout.addWidget(self.client_label)
        layout.addWidget(self.mode_banner)
        layout.addWidget(self.last_order_label)
        layout.addLayout(form)
        layout.addWidget(self.lines_table, 1)
        layout.addWidget(self.lines_message)
        layout.addWidget(self.total_label)
        layout.addWidget(QLabel(self.tr("Courier, date and time window")))
        layout.addLayout(slot_row)
        layout.addLayout(slot_messages)
        layout.addWidget(self.suggestion_label)
        layout.addWidget(self.slot_button)
        layout.addWidget(self.comment)
        layout.addWidget(self.comment_message)
        layout.addWidget(self.missing_label)
        layout.addWidget(self.error_label)
        layout.addWidget(self.status_label)
        layout.addLayout(buttons)
        layout.addWidget(QLabel(self.tr("Deliveries of the client (Return opens)")))
        layout.addWidget(self.deliveries)
        layout.addLayout(orders_row)

    def _set_tab_order(self) -> None:
        chain = [
            self.address,
            self.payment,
            self.search,
            self.lines_table,
            self.courier,
            self.date,
            self.window,
            self.slot_button,
            self.comment,
            self.send_button,
            self.repeat_button,
            self.reject_button,
            self.cancel_button,
            self.deliveries,
            self.order_number,
        ]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _bind(self) -> None:
        vm = self.vm
        vm.changed.connect(self._refresh)
        vm.error.connect(self._on_vm_error)
        vm.sent.connect(self._on_vm_done)
        vm.rejected.connect(self._on_vm_done)
        vm.cancelled.connect(self._on_vm_done)
        self.payment.currentIndexChanged.connect(self._on_payment_chosen)
        self.cancel_button.clicked.connect(self.ask_cancel_reason)

        self.address.currentIndexChanged.connect(self._on_address_chosen)
        self.search.textChanged.connect(self._show_matches)
        self.courier.currentIndexChanged.connect(self._on_courier_chosen)
        self.date.dateChanged.connect(self._on_date_chosen)
        self.window.currentIndexChanged.connect(self._on_window_chosen)
        self.comment.textEdited.connect(vm.set_comment)
        self.slot_button.clicked.connect(self._confirm_slot)
        self.repeat_button.clicked.connect(self.repeat_last)
        self.reject_button.clicked.connect(self.ask_reject_reason)
        self.send_button.clicked.connect(vm.send_to_delivery)
        self.deliveries.itemActivated.connect(self._on_delivery_activated)
        self.order_number.returnPressed.connect(self._on_order_number)
        self.discard_button.clicked.connect(vm.discard_draft)
        self.comment.returnPressed.connect(self.send_button.setFocus)

        for watched in (
            self.search,
            self.lines_table,
            self.courier,
            self.date,
            self.window,
            self.slot_button,
            self.send_button,
            self.repeat_button,
            self.reject_button,
            self.cancel_button,
        ):
            watched.installEventFilter(self)

        self._shortcut(Key.REPEAT_LAST, self.repeat_last)
        self._shortcut(Key.ADD_PRODUCT, self._focus_search)
        self._shortcut(Key.COURIER, self.courier.setFocus)
        self._shortcut(Key.DATE, self.date.setFocus)
        self._shortcut(Key.WINDOW, self.window.setFocus)
        self._shortcut(Key.COMMENT, self.comment.setFocus)
        self._shortcut(Key.SEND_TO_DELIVERY, vm.send_to_delivery)
        self._shortcut(Key.REJECT_ORDER, self.ask_reject_reason)
        self._shortcut(Key.CANCEL_ORDER, self.ask_cancel_reason)

    def _shortcut(self, key: Key, slot: object) -> QShortcut:
        shortcut = QShortcut(QKeySequence(sequence(key)), self)
        # Only while the panel has focus: the new-client form uses Ctrl+Return too.
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(slot)
        return shortcut

    # ---- public -----------------------------------------------------------------------

    def focus_first(self) -> None:
        """Focus where the operator starts: the product search, or the courier when reassigning."""
        if present_order(self.vm).starts_at_courier:
            self.courier.setFocus()
        else:
            self._focus_search()

    def repeat_last(self) -> None:
        """Repeat the client's last order and move to the slot confirm button."""
        if self.vm.repeat_last():
            self.slot_button.setFocus()

    def ask_order_number(self) -> None:
        """Focus the field that opens an order by number (for the window's Ctrl+O)."""
        self.order_number.setFocus()
        self.order_number.selectAll()

    def ask_reject_reason(self) -> None:
        """Open the reject dialog; choosing a reason rejects the interest."""
        dialog = RejectDialog(self.vm.reject_reasons(), self)
        dialog.accepted.connect(lambda: self._reject(dialog.reason_id(), dialog.why.text().strip()))
        dialog.finished.connect(lambda _code: self._forget_dialog(dialog))
        self.reject_dialog = dialog
        dialog.open()

    def ask_cancel_reason(self) -> None:
        """Open the cancel dialog for the saved order on screen; its reason cancels the order."""
        if not present_order(self.vm).cancel_enabled:
            self.vm.error.emit(self.tr("Open the order to cancel first."))
            return
        dialog = CancelDialog(self.vm.order_id, self)
        dialog.accepted.connect(lambda: self.vm.cancel_order(dialog.reason_text()))
        dialog.finished.connect(lambda _code: self._forget_cancel_dialog(dialog))
        self.cancel_dialog = dialog
        dialog.open()

    def _forget_cancel_dialog(self, dialog: CancelDialog) -> None:
        if self.cancel_dialog is dialog:
            self.cancel_dialog = None
        dialog.deleteLater()

    def _on_payment_chosen(self, index: int) -> None:
        if not self._refreshing and index >= 0:
            self.vm.set_payment(self.payment.itemData(index))

    # ---- reacting to the operator ------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Keys with a meaning inside one widget: +/−, Delete, Return, Up/Down."""
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return super().eventFilter(watched, event)
        if watched is self.search:
            return self._search_key(event)
        if watched is self.lines_table:
            return self._lines_key(event)
        if not is_key(event, Key.CONFIRM):
            return False
        if watched in (self.courier, self.date, self.window, self.slot_button):
            self._confirm_slot()
            return True
        if isinstance(watched, QPushButton):
            watched.click()
            return True
        return False

    def _search_key(self, event: QKeyEvent) -> bool:
        key = event.key()
        matches = self.product_matches
        if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and matches.count():
            step = 1 if key == Qt.Key.Key_Down else -1
            matches.setCurrentRow(max(0, min(matches.count() - 1, matches.currentRow() + step)))
            return True
        if is_key(event, Key.CONFIRM):
            item = matches.currentItem()
            if item is not None:
                self._add_product(item.data(Qt.ItemDataRole.UserRole))
            elif self.search.text().strip():
                self.vm.error.emit(
                    self.tr("No product matches {0!r}.").format(self.search.text().strip())
                )
            else:
                # Nothing typed: the products are done, go on to the slot.
                self.slot_button.setFocus()
            return True
        if key == Qt.Key.Key_Escape and self.search.text():
            self.search.clear()
            return True
        if not self.search.text() and (key in _PLUS_KEYS or key in _MINUS_KEYS):
            # With nothing typed, +/− change the line that was added last (or is selected).
            self._change_current_qty(1 if key in _PLUS_KEYS else -1)
            return True
        return False

    def _lines_key(self, event: QKeyEvent) -> bool:
        key = event.key()
        row = self.lines_table.currentRow()
        if key in _PLUS_KEYS or key in _MINUS_KEYS:
            self._change_current_qty(1 if key in _PLUS_KEYS else -1)
            return True
        if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and row >= 0:
            self.vm.remove_line(row)
            return True
        if is_key(event, Key.CONFIRM):
            self.slot_button.setFocus()
            return True
        return False

    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _show_matches(self, text: str) -> None:
        self.product_matches.clear()
        for item in self.vm.matches(text):
            row = QListWidgetItem(
                match_text(item.code, item.name, item.price_kop, getattr(item, "contract", False))
            )
            row.setData(Qt.ItemDataRole.UserRole, item.product_id)
            self.product_matches.addItem(row)
        if self.product_matches.count():
            self.product_matches.setCurrentRow(0)
        self.product_matches.setVisible(bool(self.product_matches.count()))

    def _add_product(self, product_id: int) -> None:
        index = self.vm.add_line(product_id)
        if index is not None:
            self.search.clear()
            self.lines_table.selectRow(index)

    def _change_current_qty(self, delta: int) -> None:
        row = self.lines_table.currentRow()
        if row < 0:
            row = self.lines_table.rowCount() - 1
        if row >= 0:
            self.vm.change_qty(row, delta)
            self.lines_table.selectRow(row)

    def _confirm_slot(self) -> None:
        self.vm.confirm_slot()
        self.send_button.setFocus()

    def _reject(self, reason_id: int | None, why: str) -> None:
        if reason_id is None:
            self.vm.error.emit(self.tr("Choose why the interest was rejected."))
            return
        self.vm.reject(reason_id, why)

    def _forget_dialog(self, dialog: RejectDialog) -> None:
        if self.reject_dialog is dialog:
            self.reject_dialog = None
        dialog.deleteLater()

    def _on_address_chosen(self, index: int) -> None:
        if not self._refreshing and index >= 0:
            self.vm.set_address(self.address.itemData(index))

    def _on_courier_chosen(self, index: int) -> None:
        if not self._refreshing and index >= 0:
            self.vm.set_courier(self.courier.itemData(index))

    def _on_date_chosen(self, day: QDate) -> None:
        if not self._refreshing:
            self.vm.set_date(day.toPython())

    def _on_window_chosen(self, index: int) -> None:
        if not self._refreshing and index >= 0:
            start, end = self.window.itemData(index) or (None, None)
            self.vm.set_window(start, end)

    def _on_delivery_activated(self, item: QListWidgetItem) -> None:
        self.vm.open_order(item.data(Qt.ItemDataRole.UserRole))

    def _on_order_number(self) -> None:
        text = self.order_number.text().strip().lstrip("#№ ")
        if not text.isdigit():
            self.vm.error.emit(self.tr("Type the order number, e.g. 1024."))
            return
        self.order_number.clear()
        self.vm.open_order(int(text))
        self.courier.setFocus()

    def _on_vm_error(self, message: str) -> None:
        self.error_label.setText(message)

    def _on_vm_done(self, _order_id: int) -> None:
        self.error_label.clear()
        self._focus_search()

    # ---- showing the view model --------------------------------------------------------

    def _refresh(self) -> None:
        self._refreshing = True
        try:
            view = present_order(self.vm)
            self._show_header(view)
            self._show_field_messages()
            self._show_addresses()
            self._show_lines()
            self._show_slot(view)
            self._show_actions(view)
            self._show_deliveries()
        finally:
            self._refreshing = False

    def _show_header(self, view: OrderPanelView) -> None:
        vm = self.vm
        self.client_label.setText(view.client)
        self.mode_banner.setText(view.mode_banner)
        self.mode_banner.setVisible(bool(view.mode_banner))
        self.last_order_label.setText(vm.last_order_text)
        self.last_order_label.setVisible(bool(vm.last_order_text))

    def _show_field_messages(self) -> None:
        vm = self.vm
        self.restored_banner.setText(vm.restored_text)
        self.restored_banner.setVisible(bool(vm.restored_text))
        self.discard_button.setVisible(bool(vm.restored_text))
        messages = field_messages(vm)
        self.address_message.show_message(messages.address)
        self.lines_message.show_message(messages.lines)
        self.courier_message.show_message(messages.courier)
        self.date_message.show_message(messages.date)
        self.window_message.show_message(messages.window)
        self.comment_message.show_message(messages.comment)

    def _show_addresses(self) -> None:
        fill_combo(self.address, [(a.label, a.id) for a in self.vm.addresses], self.vm.address_id)
        self.address.setEnabled(self.vm.address_editable)
        methods = [(self.tr("Cash to the courier"), "cash"), (self.tr("By invoice"), "invoice")]
        fill_combo(self.payment, methods, self.vm.payment or "cash")

    def _show_lines(self) -> None:
        vm = self.vm
        table = self.lines_table
        current = table.currentRow()
        table.setRowCount(len(vm.lines))
        for row, line in enumerate(vm.lines):
            cells = (f"{line.code} · {line.name}", str(line.qty), line.price_text, line.amount_text)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                table.setItem(row, column, item)
        if vm.lines:
            table.selectRow(min(max(current, 0), len(vm.lines) - 1))
        self.total_label.setText(self.tr("Total: {0}").format(vm.total_text))
        self.search.setEnabled(vm.lines_editable)
        self.repeat_button.setEnabled(vm.can_repeat)

    def _show_slot(self, view: OrderPanelView) -> None:
        vm = self.vm
        couriers = [(self.tr("— choose a courier —"), None)]
        couriers += courier_items(vm)
        fill_combo(self.courier, couriers, vm.courier_id)
        day = date_choice(vm.date)
        self.date.setMinimumDate(QDate(day.earliest.year, day.earliest.month, day.earliest.day))
        self.date.setDate(QDate(day.shown.year, day.shown.month, day.shown.day))
        windows: list[tuple[str, object]] = [(window_label(s, e), (s, e)) for s, e in vm.windows]
        chosen = vm.window if vm.window != (None, None) else None
        if chosen is not None and chosen not in vm.windows:
            # A saved order's own window (e.g. 09:00–18:00) is shown as it is, not as the first.
            windows.append((window_label(*chosen), chosen))
        windows.append((window_label(None, None), None))
        fill_combo(self.window, windows, chosen)
        self.suggestion_label.setText(vm.suggestion_text)
        self.suggestion_label.setVisible(bool(vm.suggestion_text))
        self.slot_button.setText(with_key(view.slot_label, Key.CONFIRM))
        self.comment.setEnabled(view.comment_enabled)
        if self.comment.text() != vm.comment:
            self.comment.setText(vm.comment)

    def _show_actions(self, view: OrderPanelView) -> None:
        self.send_button.setText(with_key(view.send_label, Key.SEND_TO_DELIVERY))
        self.send_button.setEnabled(view.send_enabled)
        self.reject_button.setEnabled(view.reject_enabled)
        self.cancel_button.setEnabled(view.cancel_enabled)
        self.payment.setVisible(view.payment_visible)
        self.payment_label.setVisible(view.payment_visible)
        self.missing_label.setText(view.missing)
        self.status_label.setText(view.status)

    def _show_deliveries(self) -> None:
        self.deliveries.clear()
        for order in self.vm.active_deliveries:
            item = QListWidgetItem(order_label(order))
            item.setData(Qt.ItemDataRole.UserRole, order.id)
            self.deliveries.addItem(item)

"""The new-client form: a caller who is not in the database yet.

Top to bottom: a banner when an unsaved client was restored (with Discard), private person
or company, the name, the INN (companies), the phones (the caller's number is already
there), the delivery address with entrance, floor, flat and a note for the courier (more
addresses with "Another address"), the list of existing clients that look the same, and
Save. Under each field a small red line says what is wrong with it; a failed save says so
above Save and keeps the input. Tab walks the fields in that order; Return saves once a name
and an address are there (before that it moves on to the next field), Ctrl+Return saves.
Choosing a warning (Return or a click) means "this is that client": ``use_existing`` is
emitted with its id. The logic lives in ``NewClientViewModel``.

Signals:
    use_existing(int): the operator picked an existing client instead of creating one.
"""

from __future__ import annotations

import itertools
import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.new_client import ClientField, NewClientViewModel, address_field
from app.new_client_presenter import kind_choices, present_new_client, warning_rows
from app.shortcuts import Key, sequence
from app.widgets.form_parts import BANNER_STYLE, ERROR_STYLE, FieldMessage, buddy

logger = logging.getLogger(__name__)

WARNING_STYLE = (
    "QListWidget { background: #fdecea; color: #8a1c1c; border: 1px solid #e0a0a0; }"
    " QListWidget::item:selected { background: #f5c2c0; color: #5c0f0f; }"
)


class AddressFields(QGroupBox):
    """One delivery point: address, entrance, floor, flat, note for the courier."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        """Empty fields under ``title``."""
        super().__init__(title, parent)
        self.text = QLineEdit()
        self.text.setPlaceholderText(self.tr("Street, house, building"))
        self.entrance = QLineEdit()
        self.floor = QLineEdit()
        self.flat = QLineEdit()
        for short in (self.entrance, self.floor, self.flat):
            short.setMaximumWidth(80)
        self.notes = QLineEdit()
        self.notes.setPlaceholderText(self.tr("Note for the courier (optional)"))
        details = QHBoxLayout()
        for label, field in (
            (self.tr("Entrance"), self.entrance),
            (self.tr("Floor"), self.floor),
            (self.tr("Flat / office"), self.flat),
        ):
            details.addWidget(QLabel(label))
            details.addWidget(field)
        details.addStretch(1)
        self.message = FieldMessage(self.text)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addLayout(details)
        layout.addWidget(self.notes)
        layout.addWidget(self.message)

    def fields(self) -> list[QLineEdit]:
        """The fields in Tab order."""
        return [self.text, self.entrance, self.floor, self.flat, self.notes]


class NewClientForm(QWidget):
    """The new-client form over a NewClientViewModel."""

    use_existing = Signal(int)

    def __init__(self, vm: NewClientViewModel, parent: QWidget | None = None) -> None:
        """Lay out the form and bind it to ``vm``."""
        super().__init__(parent)
        self.vm = vm

        self.restored_banner = QLabel()
        self.restored_banner.setTextFormat(Qt.TextFormat.PlainText)
        self.restored_banner.setStyleSheet(BANNER_STYLE)
        self.restored_banner.setWordWrap(True)
        self.discard_button = QPushButton(self.tr("Discard it"))
        self.kind = QComboBox()
        for choice in kind_choices():
            self.kind.addItem(choice.label, choice.value)
        self.name = QLineEdit()
        self.name.setPlaceholderText(self.tr("Surname, name, patronymic — or the company's name"))
        self.inn = QLineEdit()
        self.inn.setPlaceholderText(self.tr("10 or 12 digits"))
        self.inn_label = QLabel(self.tr("&INN"))
        self.inn_label.setTextFormat(Qt.TextFormat.PlainText)
        self.inn_label.setBuddy(self.inn)
        self.phones = QLineEdit()
        self.phones.setPlaceholderText(self.tr("Any form; several numbers separated by ; or ,"))
        self.name_message = FieldMessage(self.name)
        self.inn_message = FieldMessage(self.inn)
        self.phones_message = FieldMessage(self.phones)
        self.address_boxes: list[AddressFields] = []
        self.address_area = QVBoxLayout()
        self.more_addresses = QPushButton(self.tr("Another address"))

        self.warnings_title = QLabel(self.tr("Looks like an existing client (Return to use it):"))
        self.warnings_title.setTextFormat(Qt.TextFormat.PlainText)
        self.warnings_title.setStyleSheet("color: #8a1c1c; font-weight: bold;")
        self.warnings = QListWidget()
        self.warnings.setStyleSheet(WARNING_STYLE)
        self.warnings.setMaximumHeight(110)
        self.missing_label = QLabel()
        self.missing_label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label = QLabel()
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setWordWrap(True)
        save_key = QKeySequence(sequence(Key.SEND_TO_DELIVERY)).toString(
            QKeySequence.SequenceFormat.NativeText
        )
        self.save_button = QPushButton(self.tr("Save client ({0})").format(save_key))

        restored = QHBoxLayout()
        restored.addWidget(self.restored_banner, 1)
        restored.addWidget(self.discard_button)
        form = QFormLayout()
        form.addRow(buddy(self.tr("&Kind"), self.kind), self.kind)
        form.addRow(buddy(self.tr("&Name"), self.name), self.name)
        form.addRow("", self.name_message)
        form.addRow(self.inn_label, self.inn)
        form.addRow("", self.inn_message)
        form.addRow(buddy(self.tr("&Phones"), self.phones), self.phones)
        form.addRow("", self.phones_message)
        layout = QVBoxLayout(self)
        layout.addLayout(restored)
        layout.addLayout(form)
        layout.addLayout(self.address_area)
        layout.addWidget(self.more_addresses, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.warnings_title)
        layout.addWidget(self.warnings)
        layout.addWidget(self.missing_label)
        layout.addWidget(self.error_label)
        layout.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignRight)
        layout.addStretch(1)

        self._add_address_box()
        self._bind()
        self._refresh()
        self._show_warnings(vm.warnings)

    def _bind(self) -> None:
        vm = self.vm
        vm.changed.connect(self._refresh)
        vm.warnings_changed.connect(self._show_warnings)
        vm.error.connect(self.error_label.setText)
        vm.created.connect(lambda _client_id: self.error_label.clear())
        self.kind.currentIndexChanged.connect(lambda index: vm.set_kind(self.kind.itemData(index)))
        self.name.textEdited.connect(vm.set_name)
        self.inn.textEdited.connect(vm.set_inn)
        self.phones.textEdited.connect(lambda text: vm.set_phones([text]))
        self.more_addresses.clicked.connect(self._on_more_addresses)
        self.discard_button.clicked.connect(vm.discard_draft)
        self.save_button.clicked.connect(vm.save)
        self.warnings.itemActivated.connect(self._on_warning_chosen)
        self.warnings.itemClicked.connect(self._on_warning_chosen)
        for field in (self.name, self.inn, self.phones):
            field.returnPressed.connect(self._on_return)
        shortcut = QShortcut(QKeySequence(sequence(Key.SEND_TO_DELIVERY)), self)
        # Only inside the form: the order panel binds the same keys to "send".
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(vm.save)

    def _add_address_box(self) -> AddressFields:
        index = len(self.address_boxes)
        title = self.tr("Address {0}").format(index + 1) if index else self.tr("Delivery address")
        box = AddressFields(title)
        self.address_boxes.append(box)
        self.address_area.addWidget(box)
        for name, field in zip(
            ("text", "entrance", "floor", "flat", "courier_notes"), box.fields(), strict=True
        ):
            field.textEdited.connect(
                lambda text, i=index, n=name: self.vm.set_address(i, **{n: text})
            )
            field.returnPressed.connect(self._on_return)
        self._set_tab_order()
        return box

    def _set_tab_order(self) -> None:
        chain: list[QWidget] = [self.kind, self.name, self.inn, self.phones]
        for box in self.address_boxes:
            chain.extend(box.fields())
        chain += [self.save_button, self.more_addresses, self.warnings]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    # ---- public -----------------------------------------------------------------------

    def focus_first(self) -> None:
        """Focus the name (a private person is the usual caller; the kind is Shift+Tab away)."""
        self.name.setFocus()

    # ---- reacting to the operator ------------------------------------------------------

    def _on_return(self) -> None:
        if self.vm.can_save:
            self.vm.save()
        else:
            self.focusNextChild()

    def _on_more_addresses(self) -> None:
        self.vm.add_address()
        box = self._add_address_box()
        box.text.setFocus()

    def _on_warning_chosen(self, item: QListWidgetItem) -> None:
        self.use_existing.emit(item.data(Qt.ItemDataRole.UserRole))

    # ---- showing the view model --------------------------------------------------------

    def _refresh(self) -> None:
        vm = self.vm
        view = present_new_client(vm)
        index = self.kind.findData(view.kind)
        if index != self.kind.currentIndex():
            self.kind.blockSignals(True)
            self.kind.setCurrentIndex(index)
            self.kind.blockSignals(False)
        company = view.shows_inn
        self.inn.setVisible(company)
        self.inn_label.setVisible(company)
        self._set_text(self.name, vm.name)
        self._set_text(self.inn, vm.inn)
        self._set_text(self.phones, "; ".join(p for p in vm.phones if p))
        while len(self.address_boxes) < len(vm.addresses):
            self._add_address_box()
        for box, address in zip(self.address_boxes, vm.addresses, strict=False):
            self._set_text(box.text, address.text)
            self._set_text(box.entrance, address.entrance)
            self._set_text(box.floor, address.floor)
            self._set_text(box.flat, address.flat)
            self._set_text(box.notes, address.courier_notes)
        messages = vm.field_messages
        self.name_message.show_message(messages.get(ClientField.NAME, ""))
        self.inn_message.show_message(messages.get(ClientField.INN, "") if company else "")
        self.phones_message.show_message(messages.get(ClientField.PHONES, ""))
        for index, box in enumerate(self.address_boxes):
            box.message.show_message(messages.get(address_field(index), ""))
        self.missing_label.setText(view.missing)
        self.restored_banner.setText(vm.restored_text)
        self.restored_banner.setVisible(bool(vm.restored_text))
        self.discard_button.setVisible(bool(vm.restored_text))
        self.save_button.setEnabled(view.save_enabled)

    def _show_warnings(self, warnings: list) -> None:
        self.warnings.clear()
        for row in warning_rows(warnings):
            item = QListWidgetItem(row.text)
            item.setData(Qt.ItemDataRole.UserRole, row.client_id)
            self.warnings.addItem(item)
        if warnings:
            self.warnings.setCurrentRow(0)
        self.warnings.setVisible(bool(warnings))
        self.warnings_title.setVisible(bool(warnings))

    @staticmethod
    def _set_text(field: QLineEdit, text: str) -> None:
        # Only when it differs: resetting the text would move the operator's cursor.
        if field.text() != text:
            field.setText(text)

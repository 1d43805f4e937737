"""The client card editor, opened from the caller panel (Ctrl+E), and the attach dialog.

Keyboard first: every field has an Alt mnemonic, Return in a section's fields saves that
section, Delete on a phone removes it and on an address retires it, Esc closes. A refused
edit shows its message under its section and leaves what was typed in place.

`AttachCallerDialog`: an unknown caller is a known client. Type to search, Return goes to
the results, Return picks, Return again attaches (Esc goes back to the list).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGridLayout,
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

from app import client_card_presenter as present
from app.client_card import AttachCallerViewModel, CardSection, ClientCardViewModel
from app.widgets.form_parts import BANNER_STYLE, FieldMessage, buddy
from app.widgets.journal_view import JournalView
from app.widgets.portal_access import PortalAccessBox

logger = logging.getLogger(__name__)

RETIRED_COLOUR = QColor("#888888")
ROLE_ID = Qt.ItemDataRole.UserRole


class _KeyList(QListWidget):
    """A list that reports Delete and Return on its current row."""

    delete_pressed = Signal()
    return_pressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Delete / Return act on the current row (Qt override)."""
        if event.key() == Qt.Key.Key_Delete:
            self.delete_pressed.emit()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.return_pressed.emit()
            return
        super().keyPressEvent(event)


def _fill(widget: QListWidget, rows: list[present.Row]) -> None:
    current = widget.currentItem().data(ROLE_ID) if widget.currentItem() else None
    widget.clear()
    for row in rows:
        item = QListWidgetItem(row.text)
        item.setData(ROLE_ID, row.id)
        if row.retired:
            item.setForeground(QBrush(RETIRED_COLOUR))
        widget.addItem(item)
        if row.id == current:
            widget.setCurrentItem(item)


class ClientCardDialog(QDialog):
    """Phones, delivery points, contacts, notes, payment terms, INN and the change history."""

    def __init__(self, vm: ClientCardViewModel, parent: QWidget | None = None) -> None:
        """A dialog over ``vm`` (open the card with ``vm.open(client_id)``)."""
        super().__init__(parent)
        self.vm = vm
        self.setWindowTitle(self.tr("Client card"))
        # Two columns: phones and addresses (long lines) left, contacts and history right.
        self.resize(1080, 720)
        self.editing_address_id: int | None = None

        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setObjectName("cardTitle")
        self.notice = QLabel()
        self.notice.setTextFormat(Qt.TextFormat.PlainText)
        self.notice.setStyleSheet(BANNER_STYLE)
        self.notice.setWordWrap(True)

        # Phones
        self.phones = _KeyList()
        self.new_phone = QLineEdit()
        self.new_phone.setPlaceholderText(self.tr("+7 916 123-45-67, 8 916…, 916…"))
        self.phone_owner = QComboBox()
        self.add_phone_button = QPushButton(self.tr("Add phone"))
        self.phone_message = FieldMessage(self.new_phone)
        phones = QGroupBox(self.tr("Phones (Delete removes the selected one)"))
        grid = QGridLayout(phones)
        grid.addWidget(self.phones, 0, 0, 1, 4)
        grid.addWidget(buddy(self.tr("New &phone"), self.new_phone), 1, 0)
        grid.addWidget(self.new_phone, 1, 1)
        grid.addWidget(self.phone_owner, 1, 2)
        grid.addWidget(self.add_phone_button, 1, 3)
        grid.addWidget(self.phone_message, 2, 0, 1, 4)

        # Addresses
        self.addresses = _KeyList()
        self.address_text = QLineEdit()
        self.address_text.setPlaceholderText(self.tr("Street, house, building"))
        self.entrance, self.floor, self.flat, self.intercom = (QLineEdit() for _ in range(4))
        self.courier_notes = QLineEdit()
        self.address_mode = QLabel()
        self.address_mode.setTextFormat(Qt.TextFormat.PlainText)
        self.new_address_button = QPushButton(self.tr("&New address"))
        self.save_address_button = QPushButton(self.tr("Save address"))
        self.address_message = FieldMessage(self.address_text)
        addresses = QGroupBox(
            self.tr("Delivery addresses (Return edits the selected one, Delete retires it)")
        )
        box = QVBoxLayout(addresses)
        box.addWidget(self.addresses)
        box.addWidget(self.address_mode)
        form = QFormLayout()
        form.addRow(buddy(self.tr("&Address"), self.address_text), self.address_text)
        details = QHBoxLayout()
        for text, edit in (
            (self.tr("Entrance"), self.entrance),
            (self.tr("Floor"), self.floor),
            (self.tr("Flat"), self.flat),
            (self.tr("Intercom"), self.intercom),
        ):
            details.addWidget(QLabel(text))
            details.addWidget(edit)
        form.addRow("", details)
        form.addRow(buddy(self.tr("Courier n&otes"), self.courier_notes), self.courier_notes)
        box.addLayout(form)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_address_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_address_button)
        box.addLayout(buttons)
        box.addWidget(self.address_message)

        # Contacts
        self.contacts = _KeyList()
        self.contact_name, self.contact_role = QLineEdit(), QLineEdit()
        self.contact_phone, self.contact_address = QLineEdit(), QLineEdit()
        self.add_contact_button = QPushButton(self.tr("Add contact"))
        self.contact_message = FieldMessage(self.contact_name)
        self.contacts_box = QGroupBox(self.tr("Contact persons"))
        cbox = QVBoxLayout(self.contacts_box)
        cbox.addWidget(self.contacts)
        cform = QFormLayout()
        cform.addRow(buddy(self.tr("Contact na&me"), self.contact_name), self.contact_name)
        cform.addRow(self.tr("Role"), self.contact_role)
        cform.addRow(self.tr("Own phone"), self.contact_phone)
        cform.addRow(self.tr("Own delivery point"), self.contact_address)
        cbox.addLayout(cform)
        cbox.addWidget(self.add_contact_button)
        cbox.addWidget(self.contact_message)

        # Notes, terms, INN
        self.notes = QLineEdit()
        self.notes.setPlaceholderText(self.tr("e.g. не звонить после 21:00"))
        self.notes_message = FieldMessage(self.notes)
        self.terms = QComboBox()
        for text, terms in present.terms_choices():
            self.terms.addItem(text, terms)
        self.inn = QLineEdit()
        self.inn_label = buddy(self.tr("&INN"), self.inn)
        self.inn_message = FieldMessage(self.inn)
        other = QFormLayout()
        other.addRow(buddy(self.tr("No&tes (Return saves)"), self.notes), self.notes)
        other.addRow("", self.notes_message)
        other.addRow(buddy(self.tr("Pa&yment"), self.terms), self.terms)
        other.addRow(self.inn_label, self.inn)
        other.addRow("", self.inn_message)

        self.history = QListWidget()
        self.history.setObjectName("cardHistory")
        self.history.setWordWrap(True)  # "who: what: detail" lines are long
        self.complaints = QListWidget()
        self.complaints.setObjectName("cardComplaints")
        self.complaints.setWordWrap(True)
        self.close_button = QPushButton(self.tr("Close (Esc)"))
        self.close_button.setAutoDefault(False)

        left = QVBoxLayout()
        left.addWidget(phones)
        left.addWidget(addresses)
        left.addLayout(other)
        right = QVBoxLayout()
        right.addWidget(self.contacts_box)
        self.portal = PortalAccessBox(vm.portal)  # who may sign in; invite, revoke
        right.addWidget(self.portal)
        right.addWidget(buddy(self.tr("&History"), self.history))
        right.addWidget(self.history)
        right.addWidget(buddy(self.tr("Co&mplaints"), self.complaints))
        right.addWidget(self.complaints)
        self.journal = JournalView(vm.journal, notes=True)  # calls, plans, notes by hand
        right.addWidget(self.journal, 2)
        columns = QHBoxLayout()
        columns.addLayout(left, 3)
        columns.addLayout(right, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.notice)
        layout.addLayout(columns)
        layout.addWidget(self.close_button)
        for button in (
            self.add_phone_button,
            self.new_address_button,
            self.save_address_button,
            self.add_contact_button,
        ):
            button.setAutoDefault(False)  # Return belongs to the fields, not to a button

        self.new_phone.returnPressed.connect(self.add_phone)
        self.add_phone_button.clicked.connect(self.add_phone)
        self.phones.delete_pressed.connect(self.remove_phone)
        for edit in (
            self.address_text,
            self.entrance,
            self.floor,
            self.flat,
            self.intercom,
            self.courier_notes,
        ):
            edit.returnPressed.connect(self.save_address)
        self.save_address_button.clicked.connect(self.save_address)
        self.new_address_button.clicked.connect(self.new_address)
        self.addresses.return_pressed.connect(self.edit_selected_address)
        self.addresses.itemDoubleClicked.connect(lambda *_: self.edit_selected_address())
        self.addresses.delete_pressed.connect(self.retire_address)
        for edit in (
            self.contact_name,
            self.contact_role,
            self.contact_phone,
            self.contact_address,
        ):
            edit.returnPressed.connect(self.add_contact)
        self.add_contact_button.clicked.connect(self.add_contact)
        self.notes.returnPressed.connect(lambda: vm.set_notes(self.notes.text()))
        self.terms.activated.connect(lambda i: vm.set_payment_terms(self.terms.itemData(i)))
        self.inn.returnPressed.connect(lambda: vm.set_inn(self.inn.text()))
        self.close_button.clicked.connect(self.accept)
        vm.changed.connect(self._show)
        vm.saved.connect(self._on_vm_saved)
        self._loaded_id: int | None = None
        self._show()

    # --- showing -----------------------------------------------------------------------------

    def _show(self) -> None:
        vm, card = self.vm, self.vm.card
        self.title.setText(present.title(card))
        self.notice.setText(vm.notice)
        self.notice.setVisible(bool(vm.notice))
        _fill(self.phones, present.phone_rows(card))
        _fill(self.addresses, present.address_rows(card))
        _fill(self.contacts, present.contact_rows(card))
        self.history.clear()
        self.history.addItems(present.history_rows(card))
        self.complaints.clear()
        self.complaints.addItems(present.complaint_rows(card))
        owners = [(self.tr("the client"), None)]
        if card is not None:
            owners += [(c.name, c.id) for c in card.contacts]
        if [self.phone_owner.itemData(i) for i in range(self.phone_owner.count())] != [
            o[1] for o in owners
        ]:
            self.phone_owner.clear()
            for text, data in owners:
                self.phone_owner.addItem(text, data)
        company = present.is_company(card)
        self.contacts_box.setVisible(company)
        self.inn.setVisible(company)
        self.inn_label.setVisible(company)
        if card is not None and card.id != self._loaded_id:
            # A freshly opened card: its values go into the fields once.
            self._loaded_id = card.id
            self.notes.setText(card.notes)
            self.inn.setText(card.inn or "")
            self.new_address()
        if card is not None:
            self.terms.setCurrentIndex(max(0, self.terms.findData(card.payment_terms)))
        messages = vm.messages
        self.phone_message.show_message(messages.get(CardSection.PHONE, ""))
        self.address_message.show_message(messages.get(CardSection.ADDRESS, ""))
        self.contact_message.show_message(messages.get(CardSection.CONTACT, ""))
        self.notes_message.show_message(
            messages.get(CardSection.NOTES, "") or messages.get(CardSection.PAYMENT, "")
        )
        self.inn_message.show_message(
            messages.get(CardSection.INN, "") or messages.get(CardSection.CARD, "")
        )
        self.address_mode.setText(
            self.tr("Editing the selected address")
            if self.editing_address_id is not None
            else self.tr("New address")
        )

    def _on_vm_saved(self, section: str) -> None:
        # Only what was written is cleared; a refused input stays for correcting.
        if section == CardSection.PHONE:
            self.new_phone.clear()
        elif section == CardSection.ADDRESS:
            self.new_address()
        elif section == CardSection.CONTACT:
            for edit in (
                self.contact_name,
                self.contact_role,
                self.contact_phone,
                self.contact_address,
            ):
                edit.clear()

    # --- commands ----------------------------------------------------------------------------

    def add_phone(self) -> None:
        """Return in the new phone: add it (to the client or the chosen contact)."""
        self.vm.add_phone(self.new_phone.text(), self.phone_owner.currentData())

    def remove_phone(self) -> None:
        """Delete on a phone: remove it."""
        item = self.phones.currentItem()
        if item is not None:
            self.vm.remove_phone(int(item.data(ROLE_ID)))

    def _address_fields(self) -> dict[str, str]:
        return {
            "entrance": self.entrance.text(),
            "floor": self.floor.text(),
            "flat": self.flat.text(),
            "intercom": self.intercom.text(),
            "courier_notes": self.courier_notes.text(),
        }

    def save_address(self) -> None:
        """Return in the address fields: add a new point, or save the one being edited."""
        if self.editing_address_id is None:
            self.vm.add_address(self.address_text.text(), **self._address_fields())
        else:
            self.vm.edit_address(
                self.editing_address_id, self.address_text.text(), **self._address_fields()
            )

    def new_address(self) -> None:
        """Empty the address fields for a new point."""
        self.editing_address_id = None
        for edit in (
            self.address_text,
            self.entrance,
            self.floor,
            self.flat,
            self.intercom,
            self.courier_notes,
        ):
            edit.clear()
        self.address_mode.setText(self.tr("New address"))

    def edit_selected_address(self) -> None:
        """Return on an address: its fields are filled in for editing."""
        item, card = self.addresses.currentItem(), self.vm.card
        if item is None or card is None:
            return
        address = next((a for a in card.addresses if a.id == item.data(ROLE_ID)), None)
        if address is None:
            return
        self.editing_address_id = address.id
        self.address_text.setText(address.text)
        self.entrance.setText(address.entrance)
        self.floor.setText(address.floor)
        self.flat.setText(address.flat)
        self.intercom.setText(address.intercom)
        self.courier_notes.setText(address.courier_notes)
        self.address_mode.setText(self.tr("Editing the selected address"))
        self.address_text.setFocus()

    def retire_address(self) -> None:
        """Delete on an address: no longer offered for new orders."""
        item = self.addresses.currentItem()
        if item is not None:
            self.vm.retire_address(int(item.data(ROLE_ID)))

    def add_contact(self) -> None:
        """Return in the contact fields: add the person."""
        self.vm.add_contact(
            self.contact_name.text(),
            self.contact_role.text(),
            self.contact_phone.text(),
            self.contact_address.text(),
        )


class _SearchLine(QLineEdit):
    """Down or Return go to the results."""

    to_results = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Down/Return: to the results list (Qt override)."""
        if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.to_results.emit()
            return
        super().keyPressEvent(event)


class AttachCallerDialog(QDialog):
    """«Attach to a client»: the unknown caller's number becomes a known client's."""

    def __init__(
        self, vm: AttachCallerViewModel, number: str, parent: QWidget | None = None
    ) -> None:
        """Search, pick and confirm the client ``number`` belongs to."""
        super().__init__(parent)
        self.vm = vm
        self.number = number
        self.picked: int | None = None
        self.setWindowTitle(self.tr("Attach to a client"))
        self.resize(520, 420)
        self.prompt = QLabel(present.attach_prompt(number))
        self.prompt.setTextFormat(Qt.TextFormat.PlainText)
        self.prompt.setWordWrap(True)
        self.search = _SearchLine()
        self.results = _KeyList()
        self.question = QLabel()
        self.question.setTextFormat(Qt.TextFormat.PlainText)
        self.question.setStyleSheet(BANNER_STYLE)
        self.question.setWordWrap(True)
        self.question.hide()
        self.attach_button = QPushButton(self.tr("Attach"))
        self.attach_button.hide()
        self.message = FieldMessage(self.search)
        layout = QVBoxLayout(self)
        layout.addWidget(self.prompt)
        layout.addWidget(self.search)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.question)
        layout.addWidget(self.attach_button)
        layout.addWidget(self.message)

        self.search.textEdited.connect(vm.search)
        self.search.to_results.connect(self._to_results)
        self.results.return_pressed.connect(self.pick)
        self.results.itemDoubleClicked.connect(lambda *_: self.pick())
        self.attach_button.clicked.connect(self.confirm)
        vm.results_changed.connect(self._show_hits)
        vm.error.connect(self.message.show_message)
        vm.attached.connect(lambda _client_id: self.accept())
        self.search.setFocus()

    def _show_hits(self, hits: list[object]) -> None:
        self.results.clear()
        for hit in hits:
            client = hit.client  # type: ignore[attr-defined]
            item = QListWidgetItem(f"{client.name} — {hit.detail}")  # type: ignore[attr-defined]
            item.setData(ROLE_ID, (client.id, client.name))
            self.results.addItem(item)
        if self.results.count():
            self.results.setCurrentRow(0)

    def _to_results(self) -> None:
        self.vm.flush_search()
        if self.results.count():
            self.results.setFocus()

    def pick(self) -> None:
        """Return on a result: ask to confirm (Return again attaches)."""
        item = self.results.currentItem()
        if item is None:
            return
        self.picked, name = item.data(ROLE_ID)
        self.question.setText(present.attach_question(self.number, name))
        self.question.show()
        self.attach_button.show()
        self.attach_button.setDefault(True)
        self.attach_button.setFocus()

    def confirm(self) -> None:
        """Attach the number to the picked client."""
        if self.picked is not None:
            self.vm.attach(self.picked, self.number)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Esc while confirming goes back to the list instead of closing (Qt override)."""
        if event.key() == Qt.Key.Key_Escape and self.question.isVisible():
            self.question.hide()
            self.attach_button.hide()
            self.picked = None
            self.results.setFocus()
            return
        super().keyPressEvent(event)

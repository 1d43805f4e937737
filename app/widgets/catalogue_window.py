"""The Catalogue window (References → Catalogue): products and prices, contract prices, reasons.

Three tabs, keyboard first: Return in a form's last field does its action, the tables follow
the arrow keys. The message line under the tabs says what was done or why it was refused; a
refusal leaves every field as it was typed.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
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
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.catalogue import CatalogueViewModel
from app.catalogue_presenter import (
    company_label,
    contract_cells,
    contract_title,
    history_cells,
    kind_choices,
    message_style,
    product_cells,
    reason_text,
    toggle_text,
)

logger = logging.getLogger(__name__)

ID_ROLE = Qt.ItemDataRole.UserRole


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _fill(table: QTableWidget, rows: list[tuple[str, ...]], keys: list[object]) -> None:
    table.blockSignals(True)
    table.setRowCount(len(rows))
    for r, (cells, key) in enumerate(zip(rows, keys, strict=True)):
        for c, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setData(ID_ROLE, key)
            table.setItem(r, c, item)
    table.blockSignals(False)


class CatalogueWindow(QWidget):
    """Products with their price history, companies' contract prices, reject reasons."""

    def __init__(self, vm: CatalogueViewModel, parent: QWidget | None = None) -> None:
        """Lay the tabs out over ``vm`` and load the lists."""
        super().__init__(parent, Qt.WindowType.Window)
        self.vm = vm
        self.setWindowTitle(self.tr("Catalogue"))
        self.resize(900, 640)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._products_tab(), self.tr("&Products and prices"))
        self.tabs.addTab(self._contracts_tab(), self.tr("&Contract prices"))
        self.tabs.addTab(self._reasons_tab(), self.tr("&Reject reasons"))
        self.message = QLabel()
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        self.message.setObjectName("catalogueMessage")
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.message)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.close)
        vm.changed.connect(self._on_vm_changed)
        vm.refresh()

    # ---- tabs --------------------------------------------------------------------------

    def _products_tab(self) -> QWidget:
        self.products = _table(
            [self.tr("Code"), self.tr("Name"), self.tr("Kind"), self.tr("Unit"),
             self.tr("Price today"), self.tr("Offered")]
        )  # fmt: skip
        self.products.currentCellChanged.connect(self._on_products_current_changed)
        self.history = _table(
            [self.tr("From"), self.tr("Until"), self.tr("Price"), self.tr("Whose")]
        )
        self.price = QLineEdit()
        self.price.setPlaceholderText(self.tr("roubles, e.g. 350"))
        self.price_from = QLineEdit()
        self.price_from.setPlaceholderText(self.tr("dd.mm.yyyy, empty: today"))
        self.set_price_button = QPushButton(self.tr("Set the price from this day"))
        self.price.returnPressed.connect(self.price_from.setFocus)
        self.price_from.returnPressed.connect(self.set_price)
        self.set_price_button.clicked.connect(self.set_price)
        price_row = QHBoxLayout()
        for w in (QLabel(self.tr("New price:")), self.price, QLabel(self.tr("from:")),
                  self.price_from, self.set_price_button):  # fmt: skip
            price_row.addWidget(w)

        self.code = QLineEdit()
        self.name = QLineEdit()
        self.kind = QComboBox()
        for value, title in kind_choices():
            self.kind.addItem(title, value)
        self.unit = QLineEdit("шт")
        self.new_price = QLineEdit()
        self.new_price.setPlaceholderText(self.tr("price for a new product"))
        self.new_price.returnPressed.connect(self.add_product)
        self.add_button = QPushButton(self.tr("Add a product"))
        self.add_button.clicked.connect(self.add_product)
        self.save_button = QPushButton(self.tr("Save the selected product"))
        self.save_button.clicked.connect(self.save_product)
        self.toggle_button = QPushButton(toggle_text(None))
        self.toggle_button.clicked.connect(self.toggle_product)
        form = QFormLayout()
        form.addRow(self.tr("Code:"), self.code)
        form.addRow(self.tr("Name:"), self.name)
        form.addRow(self.tr("Kind:"), self.kind)
        form.addRow(self.tr("Unit:"), self.unit)
        form.addRow(self.tr("Price:"), self.new_price)
        buttons = QHBoxLayout()
        for b in (self.add_button, self.save_button, self.toggle_button):
            buttons.addWidget(b)

        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(self.products, 3)
        layout.addWidget(QLabel(self.tr("Price history of the selected product:")))
        layout.addWidget(self.history, 2)
        layout.addLayout(price_row)
        layout.addLayout(form)
        layout.addLayout(buttons)
        return tab

    def _contracts_tab(self) -> QWidget:
        self.company_search = QLineEdit()
        self.company_search.setPlaceholderText(self.tr("company name, INN or phone; Return"))
        self.company_search.returnPressed.connect(
            lambda: self.vm.find_companies(self.company_search.text())
        )
        self.companies = QListWidget()
        self.companies.currentItemChanged.connect(self._on_companies_current_changed)
        self.contract_title = QLabel(contract_title(None))
        self.contract_title.setTextFormat(Qt.TextFormat.PlainText)
        self.contract_prices = _table(
            [self.tr("Product"), self.tr("Contract price"), self.tr("From"), self.tr("Until")]
        )
        self.contract_code = QLineEdit()
        self.contract_code.setPlaceholderText(self.tr("product code"))
        self.contract_price = QLineEdit()
        self.contract_price.setPlaceholderText(self.tr("roubles"))
        self.contract_from = QLineEdit()
        self.contract_from.setPlaceholderText(self.tr("from, empty: today"))
        self.contract_to = QLineEdit()
        self.contract_to.setPlaceholderText(self.tr("contract until (optional)"))
        self.contract_button = QPushButton(self.tr("Set the contract price"))
        self.contract_button.clicked.connect(self.set_contract_price)
        for field, nxt in (
            (self.contract_code, self.contract_price),
            (self.contract_price, self.contract_from),
            (self.contract_from, self.contract_to),
        ):
            field.returnPressed.connect(nxt.setFocus)
        self.contract_to.returnPressed.connect(self.set_contract_price)
        row = QHBoxLayout()
        for w in (self.contract_code, self.contract_price, self.contract_from, self.contract_to,
                  self.contract_button):  # fmt: skip
            row.addWidget(w)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(self.company_search)
        layout.addWidget(self.companies, 1)
        layout.addWidget(self.contract_title)
        layout.addWidget(self.contract_prices, 2)
        layout.addLayout(row)
        return tab

    def _reasons_tab(self) -> QWidget:
        self.reasons = QListWidget()
        self.reasons.currentItemChanged.connect(self._on_reasons_current_changed)
        self.reason_name = QLineEdit()
        self.reason_name.setPlaceholderText(self.tr("reason text; Return adds it"))
        self.reason_name.returnPressed.connect(self.add_reason)
        self.add_reason_button = QPushButton(self.tr("Add"))
        self.add_reason_button.clicked.connect(self.add_reason)
        self.rename_reason_button = QPushButton(self.tr("Rename the selected"))
        self.rename_reason_button.clicked.connect(self.rename_reason)
        self.deactivate_reason_button = QPushButton(self.tr("Stop offering the selected"))
        self.deactivate_reason_button.clicked.connect(self.deactivate_reason)
        row = QHBoxLayout()
        for w in (self.reason_name, self.add_reason_button, self.rename_reason_button,
                  self.deactivate_reason_button):  # fmt: skip
            row.addWidget(w)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(self.reasons, 1)
        layout.addLayout(row)
        return tab

    # ---- actions -----------------------------------------------------------------------

    def set_price(self) -> None:
        """Set the selected product's standard price from the typed day."""
        self.vm.set_price(self.vm.selected_code, self.price.text(), self.price_from.text())

    def add_product(self) -> None:
        """Add the product typed in the form."""
        self.vm.add_product(
            self.code.text(), self.name.text(), self.kind.currentData(), self.unit.text(),
            self.new_price.text(),
        )  # fmt: skip

    def save_product(self) -> None:
        """Save the form's name, kind and unit to the selected product."""
        self.vm.edit_product(
            self.vm.selected_code, self.name.text(), self.kind.currentData(), self.unit.text()
        )

    def toggle_product(self) -> None:
        """Disable or enable the selected product."""
        self.vm.toggle_active(self.vm.selected_code)

    def set_contract_price(self) -> None:
        """Set the chosen company's contract price from the typed fields."""
        if self.vm.contract is None:
            return
        self.vm.set_contract_price(
            self.vm.contract.client_id, self.contract_code.text(), self.contract_price.text(),
            self.contract_from.text(), self.contract_to.text(),
        )  # fmt: skip

    def _selected_reason(self) -> int | None:
        item = self.reasons.currentItem()
        return int(item.data(ID_ROLE)) if item is not None else None

    def add_reason(self) -> None:
        """Offer the typed reason."""
        self.vm.add_reason(self.reason_name.text())

    def rename_reason(self) -> None:
        """Give the selected reason the typed text."""
        reason_id = self._selected_reason()
        if reason_id is not None:
            self.vm.rename_reason(reason_id, self.reason_name.text())

    def deactivate_reason(self) -> None:
        """Stop offering the selected reason."""
        reason_id = self._selected_reason()
        if reason_id is not None:
            self.vm.deactivate_reason(reason_id)

    # ---- binding -----------------------------------------------------------------------

    def _on_products_current_changed(self, row: int, *_rest: int) -> None:
        item = self.products.item(row, 0)
        if item is None:
            return
        code = str(item.data(ID_ROLE))
        if code == self.vm.selected_code:
            return
        product = next(p for p in self.vm.products if p.code == code)
        # The form shows the product, ready for a change of name, kind or unit.
        self.code.setText(product.code)
        self.name.setText(product.name)
        self.kind.setCurrentIndex(max(0, self.kind.findData(str(product.kind))))
        self.unit.setText(product.unit)
        self.vm.select_product(code)

    def _on_companies_current_changed(self, item: QListWidgetItem | None, *_rest: object) -> None:
        if item is not None:
            self.vm.open_contract(int(item.data(ID_ROLE)))

    def _on_reasons_current_changed(self, item: QListWidgetItem | None, *_rest: object) -> None:
        if item is not None:
            self.reason_name.setText(item.data(Qt.ItemDataRole.UserRole + 1))

    def _on_vm_changed(self) -> None:
        vm = self.vm
        products = list(vm.products)
        _fill(self.products, [product_cells(p) for p in products], [p.code for p in products])
        codes = [p.code for p in products]
        if vm.selected_code in codes:
            self.products.blockSignals(True)
            self.products.setCurrentCell(codes.index(vm.selected_code), 0)
            self.products.blockSignals(False)
        _fill(self.history, [history_cells(r) for r in vm.history], [None] * len(vm.history))
        self.toggle_button.setText(toggle_text(vm.selected))
        self._fill_companies()
        self.contract_title.setText(contract_title(vm.contract))
        rows = vm.contract.prices if vm.contract is not None else ()
        _fill(self.contract_prices, [contract_cells(r) for r in rows], [None] * len(rows))
        self._fill_reasons()
        self.message.setText(vm.message)
        self.message.setStyleSheet(message_style(vm.message_ok))

    def _fill_companies(self) -> None:
        ids = [int(self.companies.item(i).data(ID_ROLE)) for i in range(self.companies.count())]
        if ids == [c.id for c in self.vm.companies]:
            return
        self.companies.blockSignals(True)
        self.companies.clear()
        for company in self.vm.companies:
            item = QListWidgetItem(company_label(company))
            item.setData(ID_ROLE, company.id)
            self.companies.addItem(item)
        self.companies.blockSignals(False)
        if self.companies.count():
            self.companies.setCurrentRow(0)
            self.companies.setFocus()

    def _fill_reasons(self) -> None:
        selected = self._selected_reason()
        self.reasons.blockSignals(True)
        self.reasons.clear()
        for reason in self.vm.reasons:
            item = QListWidgetItem(reason_text(reason))
            item.setData(ID_ROLE, reason.id)
            item.setData(Qt.ItemDataRole.UserRole + 1, reason.name)
            self.reasons.addItem(item)
            if reason.id == selected:
                self.reasons.setCurrentItem(item)
        self.reasons.blockSignals(False)


def open_catalogue(vm: CatalogueViewModel, parent: QWidget | None = None) -> CatalogueWindow:
    """Show a Catalogue window over ``vm`` (it is deleted when closed)."""
    window = CatalogueWindow(vm, parent)
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    window.show()
    window.activateWindow()
    return window

"""The caller panel: who is calling, their duplicates, addresses, live deliveries, last order.

Top to bottom: what the lookup found (or why not), a search line for withheld callers and
anyone else, the matches (client, contact, kind, a duplicate badge with its reason), then
for the selected match its delivery addresses, its active deliveries (orders waiting for a
new slot after a failed delivery in the warning colour, with the reason) and its last order.
Return on a match confirms the client; a shift lead can merge duplicates into it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain_text import translate_domain
from app.intake import IntakeViewModel
from app.shortcuts import Key, sequence
from dispatcher.lookup import (
    DuplicateReason,
    LookupResult,
    LookupStatus,
    Match,
    OrderSummary,
)
from dispatcher.models import ClientKind, OrderState
from dispatcher.search import SearchHit

logger = logging.getLogger(__name__)

DUPLICATE_BACKGROUND = QColor("#ffe0b2")  # orange: look twice before choosing
WARNING_BACKGROUND = QColor("#fde2e1")
WARNING_FOREGROUND = QColor("#b3261e")
ROLE_IDS = Qt.ItemDataRole.UserRole


def slot_text(order: OrderSummary) -> str:
    """dd.MM.yyyy HH:MM–HH:MM (or as much of it as is known)."""
    if order.delivery_date is None:
        return ""
    text = order.delivery_date.strftime("%d.%m.%Y")
    if order.window_start is not None and order.window_end is not None:
        text += f" {order.window_start:%H:%M}–{order.window_end:%H:%M}"
    return text


class _MatchList(QTreeWidget):
    """The matches; Return confirms the selected one."""

    confirmed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Return/Enter confirms; other keys move the selection as usual (Qt override)."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers():
            self.confirmed.emit()
            return
        super().keyPressEvent(event)


class _SearchLine(QLineEdit):
    """The search line; Down/Return move to the results."""

    to_results = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Down or Return go to the results list (Qt override)."""
        keys = (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if event.key() in keys and not event.modifiers():
            self.to_results.emit()
            return
        super().keyPressEvent(event)


class CallerPanel(QWidget):
    """Matches, duplicates, addresses, active deliveries and last order of the caller."""

    def __init__(
        self, intake: IntakeViewModel, *, lead: bool = False, parent: QWidget | None = None
    ) -> None:
        """A panel fed by ``intake``; ``lead`` enables merging duplicates."""
        super().__init__(parent)
        self.intake = intake
        self.lead = lead
        self.result: LookupResult | None = None
        self.hits: list[SearchHit] = []
        self._duplicates: dict[int, list[DuplicateReason]] = {}
        self._groups: list[tuple[DuplicateReason, list[int]]] = []

        self.status_label = QLabel(self.tr("Waiting for a call"))
        self.status_label.setObjectName("lookupStatus")
        self.status_label.setWordWrap(True)

        self.search_edit = _SearchLine()
        self.search_edit.setObjectName("clientSearch")
        self.search_edit.setPlaceholderText(
            self.tr("Search: name, address, phone, INN or #order (%1)").replace(
                "%1", sequence(Key.SEARCH)
            )
        )
        self.search_edit.setClearButtonEnabled(True)

        self.matches = _MatchList()
        self.matches.setObjectName("matches")
        self.matches.setRootIsDecorated(False)
        self.matches.setHeaderLabels(
            [self.tr("Client"), self.tr("Contact"), self.tr("Kind"), self.tr("Duplicate")]
        )
        self.matches.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # The duplicate badge must be read whole; a long name may be elided (tooltip has it).
        header = self.matches.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)

        self.addresses = QListWidget()
        self.addresses.setObjectName("addresses")
        self.addresses.setFocusPolicy(Qt.FocusPolicy.NoFocus)

        self.deliveries = QTableWidget(0, 4)
        self.deliveries.setObjectName("activeDeliveries")
        self.deliveries.setHorizontalHeaderLabels(
            [self.tr("Order №"), self.tr("Courier"), self.tr("Slot"), self.tr("State")]
        )
        self.deliveries.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.deliveries.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.deliveries.verticalHeader().setVisible(False)
        self.deliveries.horizontalHeader().setStretchLastSection(True)

        self.last_order_label = QLabel("")
        self.last_order_label.setObjectName("lastOrder")
        self.last_order_label.setWordWrap(True)

        self.merge_button = QPushButton(
            self.tr("Merge duplicates (%1)").replace("%1", sequence(Key.MERGE))
        )
        self.merge_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.merge_button.setVisible(lead)

        layout = QVBoxLayout(self)
        layout.addWidget(self.status_label)
        layout.addWidget(self.search_edit)
        layout.addWidget(self.matches, 3)
        layout.addWidget(QLabel(self.tr("Delivery addresses")))
        layout.addWidget(self.addresses, 2)
        layout.addWidget(QLabel(self.tr("Active deliveries")))
        layout.addWidget(self.deliveries, 2)
        layout.addWidget(self.last_order_label)
        layout.addWidget(self.merge_button)

        self.search_edit.textEdited.connect(intake.search)
        self.search_edit.to_results.connect(self._go_to_results)
        self.matches.confirmed.connect(self.confirm_selected)
        self.matches.itemDoubleClicked.connect(lambda *_: self.confirm_selected())
        self.matches.currentItemChanged.connect(lambda *_: self._show_selected())
        self.merge_button.clicked.connect(lambda: self.merge_selected())
        intake.lookup_ready.connect(self.show_lookup)
        intake.search_results.connect(self.show_hits)
        intake.search_requested.connect(self.start_search)

    # --- filling -----------------------------------------------------------------------------

    def show_lookup(self, result: LookupResult) -> None:
        """Show what the lookup found; the first match is selected, ready for Return."""
        self.result = result
        self.hits = []
        self._groups = [
            (group.reason, [client.id for client in group.clients])
            for group in result.duplicate_groups
        ]
        self._duplicates = {}
        for reason, ids in self._groups:
            for client_id in ids:
                self._duplicates.setdefault(client_id, []).append(reason)
        self.status_label.setText(self._status_text(result))
        self.matches.clear()
        listed: set[int] = set()
        for match in result.matches:
            listed.add(match.client.id)
            self._add_row(
                match.client.id,
                match.contact.id if match.contact else None,
                match.client.name,
                match.contact.name if match.contact else "",
                match.client.kind,
            )
        for group in result.duplicate_groups:
            for client in group.clients:
                if client.id not in listed:  # a duplicate found by name or address only
                    listed.add(client.id)
                    self._add_row(client.id, None, client.name, "", client.kind)
        self._select_first()

    def _status_text(self, result: LookupResult) -> str:
        found = len({match.client.id for match in result.matches})
        if result.status is LookupStatus.FOUND:
            text = self.tr("%1: %2 client(s)").replace("%1", result.display)
            text = text.replace("%2", str(found))
            if self._groups:
                text += " — " + self.tr("possible duplicates, pick the right one")
            return text
        if result.status is LookupStatus.UNKNOWN:
            return self.tr("%1: unknown number — new client").replace("%1", result.display)
        return translate_domain(result.message)  # the phone parser's English, as a template

    def _add_row(
        self, client_id: int, contact_id: int | None, name: str, contact: str, kind: ClientKind
    ) -> None:
        reasons = self._duplicates.get(client_id, [])
        kind_text = self.tr("company") if kind is ClientKind.COMPANY else self.tr("person")
        badge = ""
        if reasons:
            badge = "⚠ " + self.tr("DUPLICATE") + ": " + ", ".join(self._reason(r) for r in reasons)
        item = QTreeWidgetItem([name, contact, kind_text, badge])
        item.setData(0, ROLE_IDS, (client_id, contact_id))
        item.setToolTip(0, name)
        if reasons:
            for column in range(4):
                item.setBackground(column, QBrush(DUPLICATE_BACKGROUND))
            item.setToolTip(3, self.tr("Probably the same client: choose one, or merge them"))
        self.matches.addTopLevelItem(item)

    def _reason(self, reason: DuplicateReason) -> str:
        return {
            DuplicateReason.SAME_PHONE: self.tr("same phone"),
            DuplicateReason.SIMILAR_NAME: self.tr("similar name"),
            DuplicateReason.SAME_INN: self.tr("same INN"),
        }.get(reason, str(reason))

    def show_hits(self, hits: list[SearchHit]) -> None:
        """Show search results in the matches list."""
        self.hits = list(hits)
        self.result = None
        self._duplicates = {}
        self._groups = []
        self.matches.clear()
        for hit in hits:
            item = QTreeWidgetItem(
                [
                    hit.client.name,
                    hit.detail,
                    self.tr("company") if hit.client.kind is ClientKind.COMPANY else "",
                    "",
                ]
            )
            item.setData(0, ROLE_IDS, (hit.client.id, None))
            self.matches.addTopLevelItem(item)
        self.status_label.setText(
            self.tr("%1 client(s) found").replace("%1", str(len(hits)))
            if hits
            else self.tr("Nothing found yet: type a name, address or phone")
        )
        self._select_first(focus=False)

    def start_search(self, label: str) -> None:
        """Withheld or unusable number: empty the panel and put the cursor in the search line."""
        self.result = None
        self.hits = []
        self.matches.clear()
        self._clear_details()
        self.status_label.setText(
            self.tr("%1 — search the client by name, address or phone").replace("%1", label)
        )
        self.search_edit.clear()
        self.search_edit.setFocus()

    def _select_first(self, focus: bool = True) -> None:
        # Columns nobody filled (no contact person, no duplicate) give their room to names.
        items = [self.matches.topLevelItem(i) for i in range(self.matches.topLevelItemCount())]
        for column in (1, 3):
            self.matches.setColumnHidden(column, not any(item.text(column) for item in items))
        if self.matches.topLevelItemCount():
            self.matches.setCurrentItem(self.matches.topLevelItem(0))
            if focus:
                self.matches.setFocus()
        else:
            self._clear_details()

    def _go_to_results(self) -> None:
        self.intake.flush_search()
        if self.matches.topLevelItemCount():
            self.matches.setFocus()
            if self.matches.currentItem() is None:
                self.matches.setCurrentItem(self.matches.topLevelItem(0))

    # --- the selected match -------------------------------------------------------------------

    def selected_ids(self) -> tuple[int, int | None] | None:
        """(client id, contact id or None) of the selected row."""
        item = self.matches.currentItem()
        if item is None:
            return None
        ids = item.data(0, ROLE_IDS)
        return (int(ids[0]), ids[1]) if ids else None

    def selected_match(self) -> Match | None:
        """The lookup match of the selected row (None for search hits and extra duplicates)."""
        ids = self.selected_ids()
        if ids is None or self.result is None:
            return None
        for match in self.result.matches:
            contact_id = match.contact.id if match.contact else None
            if match.client.id == ids[0] and contact_id == ids[1]:
                return match
        return None

    def _clear_details(self) -> None:
        self.addresses.clear()
        self.deliveries.setRowCount(0)
        self.last_order_label.setText("")
        self.merge_button.setEnabled(False)

    def _show_selected(self) -> None:
        self._clear_details()
        ids = self.selected_ids()
        if ids is None:
            return
        self.merge_button.setEnabled(self.lead and bool(self._group_of(ids[0])))
        match = self.selected_match()
        if match is None:
            return
        for address in match.addresses:
            parts = [address.text]
            if address.flat:
                parts.append(self.tr("flat %1").replace("%1", address.flat))
            if address.courier_notes:
                parts.append(f"({address.courier_notes})")
            self.addresses.addItem(", ".join(parts))
        orders = [*match.to_reschedule, *match.active_deliveries]
        self.deliveries.setRowCount(len(orders))
        for row, order in enumerate(orders):
            self._delivery_row(row, order)
        last = match.last_order
        if last is not None:
            lines = ", ".join(f"{line.product_name} × {line.qty}" for line in last.lines)
            self.last_order_label.setText(
                self.tr("Last order №%1 of %2: %3")
                .replace("%1", str(last.id))
                .replace("%2", last.created_at.strftime("%d.%m.%Y"))
                .replace("%3", lines)
            )
        else:
            self.last_order_label.setText(self.tr("No orders yet"))

    def _delivery_row(self, row: int, order: OrderSummary) -> None:
        flagged = order.needs_reschedule and order.state is not OrderState.DELIVERY
        if flagged:
            state = "⚠ " + self.tr("TO RESCHEDULE: %1").replace("%1", order.fail_reason or "—")
        else:
            state = self._state(order.state)
        cells = [f"№{order.id}", order.courier_name or "", slot_text(order), state]
        for column, text in enumerate(cells):
            item = QTableWidgetItem(text)
            if flagged:
                item.setBackground(QBrush(WARNING_BACKGROUND))
                item.setForeground(QBrush(WARNING_FOREGROUND))
                item.setToolTip(self.tr("The delivery failed: %1").replace("%1", order.fail_reason))
            self.deliveries.setItem(row, column, item)

    def _state(self, state: OrderState) -> str:
        return {
            OrderState.INTEREST: self.tr("interest"),
            OrderState.DELIVERY: self.tr("in delivery"),
            OrderState.CLOSED: self.tr("closed"),
            OrderState.REJECTED: self.tr("rejected"),
        }.get(state, str(state))

    def flagged_rows(self) -> list[int]:
        """Rows of the deliveries table shown as "to reschedule" (tests and screen readers)."""
        return [
            row
            for row in range(self.deliveries.rowCount())
            if (item := self.deliveries.item(row, 3)) is not None and item.text().startswith("⚠")
        ]

    # --- commands ------------------------------------------------------------------------------

    def confirm_selected(self) -> None:
        """Return: the selected client is the caller."""
        ids = self.selected_ids()
        if ids is not None:
            self.intake.confirm_client(ids[0], ids[1])

    def focus_search(self) -> None:
        """Ctrl+F: type to search."""
        self.search_edit.setFocus()
        self.search_edit.selectAll()

    def _group_of(self, client_id: int) -> list[int]:
        others: list[int] = []
        for _reason, ids in self._groups:
            if client_id in ids:
                others.extend(i for i in ids if i != client_id and i not in others)
        return others

    def merge_selected(self, ask: Callable[[str], bool] | None = None) -> None:
        """Shift lead: merge the selected client's duplicates into it, after a confirmation."""
        ids = self.selected_ids()
        if not self.lead or ids is None or self.result is None:
            return
        others = self._group_of(ids[0])
        if not others:
            return
        question = self.tr(
            "Merge %1 duplicate(s) into the selected client? Their phones, addresses, orders "
            "and calls move to it. This cannot be undone."
        ).replace("%1", str(len(others)))
        confirm = ask or self._ask
        if confirm(question):
            self.intake.merge(ids[0], others, self.result.e164 or self.result.query)

    def _ask(self, question: str) -> bool:
        # No is the default: a merge cannot be undone, a stray Return must not do it.
        answer = QMessageBox.question(
            self,
            self.tr("Merge duplicates"),
            question,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

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
from PySide6.QtGui import QAction, QBrush, QColor, QKeyEvent, QKeySequence
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

from app.caller_presenter import (
    CallerView,
    LookupResult,
    MatchDetails,
    MatchRow,
    SearchHit,
    merge_question,
    present_hits,
    present_lookup,
    present_search_prompt,
    waiting_view,
)
from app.client_card import AttachCallerViewModel, ClientCardViewModel
from app.intake import IntakeViewModel
from app.shortcuts import Key, sequence
from app.widgets.client_card_dialog import AttachCallerDialog, ClientCardDialog
from app.widgets.plain_text import plain_tooltip

logger = logging.getLogger(__name__)

DUPLICATE_BACKGROUND = QColor("#ffe0b2")  # orange: look twice before choosing
WARNING_BACKGROUND = QColor("#fde2e1")
WARNING_FOREGROUND = QColor("#b3261e")
ROLE_IDS = Qt.ItemDataRole.UserRole


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
        self.view = waiting_view()
        self.details = MatchDetails()

        self.status_label = QLabel(self.view.status)
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        self.status_label.setObjectName("lookupStatus")
        self.status_label.setWordWrap(True)
        self.notes_label = QLabel("")
        self.notes_label.setTextFormat(Qt.TextFormat.PlainText)
        self.notes_label.setObjectName("clientNotes")
        self.notes_label.setWordWrap(True)
        self.notes_label.setStyleSheet(f"color: {WARNING_FOREGROUND.name()}; font-weight: bold;")
        self.notes_label.hide()

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
        self.last_order_label.setTextFormat(Qt.TextFormat.PlainText)
        self.last_order_label.setObjectName("lastOrder")
        self.last_order_label.setWordWrap(True)

        self.merge_button = QPushButton(
            self.tr("Merge duplicates (%1)").replace("%1", sequence(Key.MERGE))
        )
        self.merge_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.merge_button.setVisible(lead)
        self.card_vm: ClientCardViewModel | None = None
        self.attach_vm: AttachCallerViewModel | None = None
        self.card_dialog: ClientCardDialog | None = None
        self.attach_dialog: AttachCallerDialog | None = None
        self.edit_button = QPushButton(
            self.tr("Edit client card (%1)").replace("%1", sequence(Key.EDIT_CLIENT))
        )
        self.attach_button = QPushButton(
            self.tr("Attach to a client (%1)").replace("%1", sequence(Key.ATTACH_CALLER))
        )
        for button in (self.edit_button, self.attach_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.hide()  # until set_card_editor() gives the panel its editors
        self.edit_button.clicked.connect(lambda: self.edit_selected())
        self.attach_button.clicked.connect(lambda: self.attach_caller())
        for key, slot in (
            (Key.EDIT_CLIENT, self.edit_selected),
            (Key.ATTACH_CALLER, self.attach_caller),
        ):
            action = QAction(self)
            action.setShortcut(QKeySequence(sequence(key)))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(lambda _checked=False, slot=slot: slot())
            self.addAction(action)

        layout = QVBoxLayout(self)
        layout.addWidget(self.status_label)
        layout.addWidget(self.notes_label)
        layout.addWidget(self.search_edit)
        layout.addWidget(self.matches, 3)
        layout.addWidget(QLabel(self.tr("Delivery addresses")))
        layout.addWidget(self.addresses, 2)
        layout.addWidget(QLabel(self.tr("Active deliveries")))
        layout.addWidget(self.deliveries, 2)
        layout.addWidget(self.last_order_label)
        layout.addWidget(self.merge_button)
        layout.addWidget(self.edit_button)
        layout.addWidget(self.attach_button)

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
        self.show_view(present_lookup(result))
        self._select_first()

    def show_hits(self, hits: list[SearchHit]) -> None:
        """Show search results in the matches list."""
        self.show_view(present_hits(hits))
        self._select_first(focus=False)

    def start_search(self, label: str) -> None:
        """Withheld or unusable number: empty the panel and put the cursor in the search line."""
        self.show_view(present_search_prompt(label))
        self.search_edit.clear()
        self.search_edit.setFocus()

    def show_view(self, view: CallerView) -> None:
        """Lay out ``view``: status line and matches (nothing selected yet)."""
        self.view = view
        self.status_label.setText(view.status)
        self.matches.clear()
        for row in view.rows:
            self._add_row(row)
        # Columns nobody filled (no contact person, no duplicate) give their room to names.
        self.matches.setColumnHidden(1, not view.show_contact_column)
        self.matches.setColumnHidden(3, not view.show_badge_column)
        self._show_details(MatchDetails())
        self.attach_button.setEnabled(view.can_attach)

    def _add_row(self, row: MatchRow) -> None:
        item = QTreeWidgetItem(list(row.cells))
        item.setData(0, ROLE_IDS, (row.client_id, row.contact_id))
        item.setToolTip(0, plain_tooltip(row.name))
        if row.duplicate:
            for column in range(4):
                item.setBackground(column, QBrush(DUPLICATE_BACKGROUND))
            item.setToolTip(3, plain_tooltip(row.badge_tooltip))
        self.matches.addTopLevelItem(item)

    def _select_first(self, focus: bool = True) -> None:
        if self.matches.topLevelItemCount():
            self.matches.setCurrentItem(self.matches.topLevelItem(0))
            if focus:
                self.matches.setFocus()

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

    def _show_selected(self) -> None:
        ids = self.selected_ids()
        details = self.view.details(*ids) if ids is not None else MatchDetails()
        self._show_details(details)

    def _show_details(self, details: MatchDetails) -> None:
        self.details = details
        ids = self.selected_ids()
        self.merge_button.setEnabled(self.view.can_merge(ids[0] if ids else None, lead=self.lead))
        self.addresses.clear()
        self.addresses.addItems(list(details.addresses))
        self.deliveries.setRowCount(len(details.deliveries))
        for row, delivery in enumerate(details.deliveries):
            for column, text in enumerate(delivery.cells):
                item = QTableWidgetItem(text)
                if delivery.flagged:
                    item.setBackground(QBrush(WARNING_BACKGROUND))
                    item.setForeground(QBrush(WARNING_FOREGROUND))
                    item.setToolTip(plain_tooltip(delivery.tooltip))
                self.deliveries.setItem(row, column, item)
        self.last_order_label.setText(details.last_order)
        self.notes_label.setText(details.notes)
        self.notes_label.setVisible(bool(details.notes))
        self.edit_button.setEnabled(ids is not None)

    def flagged_rows(self) -> list[int]:
        """Rows of the deliveries table shown as "to reschedule" (tests and screen readers)."""
        return [row for row, delivery in enumerate(self.details.deliveries) if delivery.flagged]

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

    def set_lead(self, lead: bool) -> None:
        """Offer the merge button to a shift lead (whoever signed in now)."""
        self.lead = lead
        self.merge_button.setVisible(lead)
        self._show_selected()

    def merge_selected(self, ask: Callable[[str], bool] | None = None) -> None:
        """Merge the selected client's duplicates into it, after a confirmation.

        Offered (button) to shift leads; the key works for anyone and the operation itself
        refuses an operator with a message, so nothing depends on a hidden button.
        """
        ids = self.selected_ids()
        if ids is None or not self.view.can_merge(ids[0], lead=True):
            return
        others = self.view.duplicates_of(ids[0])
        confirm = ask or self._ask
        if confirm(merge_question(len(others))):
            self.intake.merge(ids[0], others, self.view.merge_number)

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

    # --- the client card ---------------------------------------------------------------------

    def set_card_editor(
        self, card_vm: ClientCardViewModel, attach_vm: AttachCallerViewModel
    ) -> None:
        """Offer the card editor (Ctrl+E) and attaching an unknown caller (Ctrl+Shift+A)."""
        self.card_vm, self.attach_vm = card_vm, attach_vm
        self.edit_button.show()
        self.attach_button.show()
        self.attach_button.setEnabled(self.view.can_attach)

    def edit_selected(self) -> None:
        """Ctrl+E: open the selected client's card for editing."""
        ids = self.selected_ids()
        if self.card_vm is None or ids is None:
            return
        client_id = ids[0]
        self.card_vm.open(client_id)
        dialog = self.card_dialog = ClientCardDialog(self.card_vm, self.window())
        dialog.finished.connect(lambda _result: self._on_card_dialog_finished(client_id))
        dialog.open()
        dialog.new_phone.setFocus()

    def _on_card_dialog_finished(self, client_id: int) -> None:
        if self.card_vm is not None and self.card_vm.dirty:
            # New phones, addresses or notes: the panel shows the card as it is now.
            self.intake.refresh_caller(client_id)
        if self.card_dialog is not None:
            self.card_dialog.deleteLater()
            self.card_dialog = None
        self._back_to_panel()

    def _back_to_panel(self) -> None:
        # The keyboard returns to the matches, in the window the dialog was opened from.
        self.window().activateWindow()
        self.matches.setFocus()

    def attach_caller(self) -> None:
        """Ctrl+Shift+A: the unknown caller is a known client; pick her, the number is hers."""
        number = self.view.attach_number
        if self.attach_vm is None or not number:
            return
        dialog = self.attach_dialog = AttachCallerDialog(self.attach_vm, number, self.window())
        dialog.accepted.connect(lambda: self._on_attached(dialog.picked))
        dialog.finished.connect(lambda _result: (dialog.deleteLater(), self._back_to_panel()))
        dialog.open()
        dialog.search.setFocus()

    def _on_attached(self, client_id: int | None) -> None:
        self.attach_dialog = None
        if client_id is not None:
            self.intake.caller_attached(client_id)

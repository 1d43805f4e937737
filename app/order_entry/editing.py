"""OrderEditing: the operator's edits of the order on the panel, and how loads and drafts fill it.

No database and no signals here: what the view model must do about an edit goes through
hooks it overrides — ``_changed()`` (redraw), ``_complain(text)`` (the error line),
``_request_suggestion()`` (ask for a courier for the new address or day) and
``_suggested(text)`` (a suggestion is on the sheet). Texts are translated in the view
model's context (``OrderEntryViewModel``).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QCoreApplication

from app.domain_text import translate_domain
from app.order_entry.draft import MAX_QTY, DraftLine, OrderDraft, OrderField, OrderMode
from app.order_entry.sheet import OrderSheet
from app.shortcuts import Key, sequence
from dispatcher.models import OrderState
from dispatcher.operations.order_form import OrderForm

logger = logging.getLogger(__name__)


class OrderEditing(OrderSheet):
    """The sheet's edits: lines, address, courier, date, window, comment; loads and drafts."""

    # ---- hooks (the view model turns them into signals and jobs) -----------------------

    def _changed(self) -> None:
        """Something on screen changed."""

    def _complain(self, message: str) -> None:
        """Tell the operator why an edit was not taken."""

    def _request_suggestion(self) -> None:
        """The address or the day changed: a courier may be suggested for them."""

    def _suggested(self, text: str) -> None:
        """A courier suggestion (or the lack of one) was put on the sheet, as ``text``."""

    # ---- edits ------------------------------------------------------------------------

    def repeat_last(self) -> bool:
        """Copy the last order's lines (at today's prices) and address; suggest courier and slot."""
        if not self._require_editable():
            return False
        last = self._card.last_order
        if last is None:
            self._complain(
                QCoreApplication.translate(
                    "OrderEntryViewModel", "{0} has no earlier order to repeat."
                ).format(self.client_name)
            )
            return False
        self._lines = self._priced(
            [(line.product_code, line.product_name, line.qty) for line in last.lines]
        )
        self._repeat_source = last
        if last.address_id is not None and any(a.id == last.address_id for a in self.addresses):
            address_changed = last.address_id != self._address_id
            self._address_id = last.address_id
        else:
            address_changed = False
        self._slot_confirmed = False
        if not self._courier_by_operator and self._courier_id is None and last.courier_id:
            # Nobody is suggested for the area yet: the courier who delivered last time is.
            self._courier_id = self._active_courier(last.courier_id)
        self._changed()
        if address_changed:
            self._request_suggestion()
        return True

    def _priced(self, wanted: list[tuple[str, str, int]]) -> list[DraftLine]:
        """(code, name, qty) at today's prices; what left the price list is named and skipped."""
        lines = []
        for code, name, qty in wanted:
            item = next((p for p in self.products if p.code == code), None)
            if item is None:
                self._complain(
                    QCoreApplication.translate(
                        "OrderEntryViewModel", "{0} is not in this client's price list any more."
                    ).format(name)
                )
                continue
            lines.append(DraftLine(item.product_id, item.code, item.name, item.price_kop, qty))
        return lines

    def add_line(self, product: int | str, qty: int = 1) -> int | None:
        """Add a product (by id or code) or raise its quantity; returns the line's index."""
        if not self._require_editable():
            return None
        if isinstance(product, str):
            code = product.strip().casefold()
            item = next((p for p in self.products if p.code.casefold() == code), None)
        else:
            item = next((p for p in self.products if p.product_id == product), None)
        if item is None:
            self._refuse(
                OrderField.LINES,
                QCoreApplication.translate(
                    "OrderEntryViewModel", "{0} is not in this client's price list."
                ).format(product),
            )
            return None
        for index, line in enumerate(self._lines):
            if line.product_id == item.product_id:
                return index if self.change_qty(index, qty) else None
        if not 1 <= qty <= MAX_QTY:
            self._refuse(
                OrderField.QUANTITY,
                QCoreApplication.translate(
                    "OrderEntryViewModel", "Quantity must be between 1 and 10 000."
                ),
            )
            return None
        self._lines.append(DraftLine(item.product_id, item.code, item.name, item.price_kop, qty))
        self._accept(OrderField.LINES, OrderField.QUANTITY)
        self._changed()
        return len(self._lines) - 1

    def change_qty(self, index: int, delta: int) -> bool:
        """Raise or lower a line's quantity; it never drops below one (Delete removes)."""
        return self.set_qty(index, self._lines[index].qty + delta) if self._has(index) else False

    def set_qty(self, index: int, qty: int) -> bool:
        """Set a line's quantity (1 to 10 000)."""
        if not self._require_editable() or not self._has(index):
            return False
        qty = max(1, qty)
        if qty > MAX_QTY:
            self._refuse(
                OrderField.QUANTITY,
                QCoreApplication.translate(
                    "OrderEntryViewModel", "Quantity must be between 1 and 10 000."
                ),
            )
            return False
        self._accept(OrderField.QUANTITY)
        if qty != self._lines[index].qty:
            self._lines[index] = replace(self._lines[index], qty=qty)
        self._changed()
        return True

    def remove_line(self, index: int) -> bool:
        """Remove a line from the draft."""
        if not self._require_editable() or not self._has(index):
            return False
        del self._lines[index]
        self._changed()
        return True

    def set_address(self, address_id: int | None) -> None:
        """Choose the delivery point; the courier suggestion follows it (not when reassigning)."""
        if address_id == self._address_id:
            return
        if address_id is not None and all(a.id != address_id for a in self.addresses):
            self._refuse(
                OrderField.ADDRESS,
                QCoreApplication.translate(
                    "OrderEntryViewModel", "This address is not a delivery point of the client."
                ),
            )
            return
        self._accept(OrderField.ADDRESS)
        self._address_id = address_id
        self._slot_confirmed = False
        self._changed()
        self._request_suggestion()

    def set_courier(self, courier_id: int | None) -> None:
        """Choose the courier; suggestions no longer override the operator's choice."""
        if courier_id == self._courier_id:
            return
        self._courier_id = courier_id
        self._courier_by_operator = courier_id is not None
        self._slot_confirmed = False
        self._changed()

    def set_date(self, day: dt.date) -> None:
        """Choose the delivery date; the courier suggestion follows it."""
        if day == self._day:
            return
        self._day = day
        self._slot_confirmed = False
        self._changed()
        self._request_suggestion()

    def set_window(self, start: dt.time | None, end: dt.time | None) -> None:
        """Choose the delivery window, or (None, None) for any time of the day."""
        if (start is None) != (end is None) or (start and end and start >= end):
            self._refuse(
                OrderField.WINDOW,
                QCoreApplication.translate(
                    "OrderEntryViewModel", "A time window needs a start before its end."
                ),
            )
            return
        if self._refused.pop(OrderField.WINDOW, None) is not None:
            self._changed()
        if (start, end) == self._window:
            return
        self._window = (start, end)
        self._slot_confirmed = False
        self._changed()

    def set_comment(self, text: str) -> None:
        """The comment the courier sees."""
        if text != self._comment:
            self._comment = text
            self._changed()

    def set_payment(self, method: str) -> None:
        """Cash or invoice, for an order in delivery (the courier collects cash only)."""
        if self.payment_editable and method in ("cash", "invoice") and method != self._payment:
            self._payment = method
            self._changed()

    def _take_terms(self, terms: Any) -> None:
        """The saved order's comment and payment method, put on the sheet to edit."""
        if terms is None or self._order is None or terms.order_id != self._order.id:
            return
        self._saved_terms = terms
        self._comment = terms.comment
        self._payment = str(terms.payment_method)

    def confirm_slot(self) -> None:
        """The client agreed to the courier, date and window on screen."""
        if not self._slot_confirmed:
            self._slot_confirmed = True
            self._changed()

    def _has(self, index: int) -> bool:
        return 0 <= index < len(self._lines)

    def _refuse(self, where: OrderField, message: str) -> None:
        """The edit was not taken: say why next to the field and in the error line."""
        self._refused[where] = message
        self._changed()
        self._complain(message)

    def _accept(self, *fields: OrderField) -> None:
        for where in fields:
            self._refused.pop(where, None)

    def _require_editable(self) -> bool:
        if self._card is None:
            self._complain(
                QCoreApplication.translate("OrderEntryViewModel", "Choose the client first.")
            )
            return False
        if self._mode not in (OrderMode.NEW, OrderMode.REASSIGN):
            self._complain(
                QCoreApplication.translate(
                    "OrderEntryViewModel",
                    "The products of saved order #{0} cannot be changed here.",
                ).format(self.order_id)
            )
            return False
        return True

    def _active_courier(self, courier_id: int | None) -> int | None:
        return courier_id if any(c.id == courier_id for c in self._couriers) else None

    # ---- filling the sheet ----------------------------------------------------------------

    def _fill(self, form: OrderForm, interaction_id: int | None) -> None:
        """Put a loaded client (and saved order, if any) on the sheet."""
        self._card = form.card
        self._client_id = form.card.client.id
        self._contact_id = form.contact_id
        if interaction_id is not None:  # else keep a call attached while the card loaded
            self._interaction_id = interaction_id
        self._couriers = form.couriers
        self._reasons = form.reasons
        self._windows = form.windows
        self._reset_draft()
        self._day = form.day
        self._window = form.window
        self._address_id = form.address_id
        order = form.order
        if order is None:
            self._mode = OrderMode.NEW
            self._apply_suggestion(form.suggestion)
            return
        self._order = order
        # Saved orders keep the price they were sold at; a repeat is priced anew.
        products = {p.code: p.product_id for p in self.products}
        self._lines = [
            DraftLine(
                products.get(x.product_code, 0), x.product_code, x.product_name, x.price_kop, x.qty
            )
            for x in order.lines
        ]
        if order.address_id is not None:
            self._address_id = order.address_id
        if order.state is OrderState.DELIVERY:
            self._mode = OrderMode.REASSIGN
            self._courier_id = order.courier_id
            self._courier_by_operator = True
            self._day = order.delivery_date
            self._window = (order.window_start, order.window_end)
            self._suggestion_text = ""
        else:
            self._mode = OrderMode.RESEND
            self._apply_suggestion(form.suggestion)
            if self._courier_id is None:
                self._courier_id = order.courier_id

    def _apply_suggestion(self, found: Any) -> str:
        """Take the suggested courier unless the operator chose one; the text shown."""
        if found is not None and self._active_courier(found.courier_id) is not None:
            if not self._courier_by_operator:
                self._courier_id = found.courier_id
            reason = (
                translate_domain(found.reason_template, found.reason_params)
                if found.reason_template
                else found.reason
            )
            text = QCoreApplication.translate("OrderEntryViewModel", "Suggested: {0} — {1}").format(
                found.name, reason
            )
        else:
            text = QCoreApplication.translate(
                "OrderEntryViewModel", "No courier serves this address yet: choose one ({0})."
            ).format(sequence(Key.COURIER))
        self._suggestion_text = text
        self._suggested(text)
        return text

    def _apply_draft(self, draft: OrderDraft) -> None:
        """Put a restored draft over the freshly loaded card (today's prices and couriers)."""
        if draft.idempotency_key:
            # The send that failed may have been written after all: its retry keeps the key.
            self._idempotency_key = draft.idempotency_key
        if self._mode in (OrderMode.NEW, OrderMode.REASSIGN):
            wanted = [
                (
                    line.get("code"),
                    line.get("name") or line.get("code"),
                    min(max(1, int(line.get("qty", 1))), MAX_QTY),
                )
                for line in draft.lines
            ]
            self._lines = self._priced(wanted)  # type: ignore[arg-type]
            self._comment = draft.comment
        if self.address_editable and any(a.id == draft.address_id for a in self.addresses):
            self._address_id = draft.address_id
        courier = self._active_courier(draft.courier_id)
        if courier is not None:
            self._courier_id = courier
            self._courier_by_operator = True
        if draft.day is not None:
            self._day = draft.day  # a day now in the past is kept and pointed at, not changed
        start, end = draft.window
        if start is None or end is None or start < end:
            self._window = (start, end)

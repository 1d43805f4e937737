"""OrderSheet: the order on the panel and everything it shows, without Qt signals or a database.

The view model inherits it and adds the database jobs and signals; tests can drive a sheet
alone. Texts are translated in the view model's context (``OrderEntryViewModel``).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from functools import partial
from typing import Any

from PySide6.QtCore import QCoreApplication
from sqlalchemy.orm import Session

import app.order_entry.rules as rules
from app.order_entry.draft import (
    Choice,
    DraftLine,
    OrderDraft,
    OrderField,
    OrderMode,
    address_label,
    match_products,
    window_label,
)
from dispatcher import orders, planning
from dispatcher.catalog import format_money
from dispatcher.lookup import OrderSummary
from dispatcher.models import new_uid
from dispatcher.operations import orders as order_ops
from dispatcher.operations.orders import NewOrder, OrderResult, OrderTerms
from dispatcher.users import Actor

logger = logging.getLogger(__name__)


class OrderSheet:
    """The client, the draft and the pick lists on screen, and what follows from them."""

    def __init__(self) -> None:
        """An empty sheet: no client yet."""
        self._couriers: tuple[Choice, ...] = ()
        self._reasons: tuple[Choice, ...] = ()
        self._windows: tuple[tuple[dt.time, dt.time], ...] = tuple(planning.DELIVERY_WINDOWS)
        self._status = ""
        self._saving = False
        self._reset_client()

    def _reset_client(self) -> None:
        self._card: Any = None
        self._client_id: int | None = None
        self._contact_id: int | None = None
        self._interaction_id: int | None = None
        self._reset_draft()

    def _reset_draft(self) -> None:
        self._mode = OrderMode.NEW if self._card is not None else OrderMode.EMPTY
        self._order: OrderSummary | None = None
        self._repeat_source: OrderSummary | None = None
        self._lines: list[DraftLine] = []
        self._address_id: int | None = None
        self._courier_id: int | None = None
        self._courier_by_operator = False
        self._suggestion_text = ""
        self._day: dt.date | None = None
        self._window: tuple[dt.time | None, dt.time | None] = (None, None)
        self._comment = ""
        # A new draft, a new key: every attempt to send THIS draft carries it (exactly once).
        self._idempotency_key = new_uid()
        # An order in delivery: its payment method on screen, and what was saved, to compare.
        self._payment = ""
        self._saved_terms: OrderTerms | None = None
        self._slot_confirmed = False
        # Edits the panel refused, by field; cleared when that field is changed successfully.
        self._refused: dict[OrderField, str] = {}
        # Empty required fields are pointed at only after Send was pressed, not while typing.
        self._send_pressed = False

    # ---- what is on screen --------------------------------------------------------------

    @property
    def mode(self) -> OrderMode:
        """New interest, re-send of a saved interest, reassignment, or no client yet."""
        return self._mode

    @property
    def client_id(self) -> int | None:
        """The client the order is for."""
        return self._client_id

    @property
    def client_name(self) -> str:
        """The client's display name, or '' before a client is loaded."""
        return self._card.client.name if self._card is not None else ""

    @property
    def order_id(self) -> int | None:
        """The number of the saved order on screen (resend / reassign), else None."""
        return self._order.id if self._order is not None else None

    @property
    def lines(self) -> tuple[DraftLine, ...]:
        """The order's lines with names and the client's prices."""
        return tuple(self._lines)

    @property
    def total_kop(self) -> int:
        """The order's amount in kopecks."""
        return sum(line.amount_kop for line in self._lines)

    @property
    def total_text(self) -> str:
        """The order's amount as the operator reads it."""
        return format_money(self.total_kop)

    @property
    def lines_editable(self) -> bool:
        """Lines change while capturing an interest and while a delivery is under way."""
        return self._mode in (OrderMode.NEW, OrderMode.REASSIGN)

    @property
    def address_editable(self) -> bool:
        """The address changes on any order on the panel (a delivery keeps its task)."""
        return self._mode in (OrderMode.NEW, OrderMode.RESEND, OrderMode.REASSIGN)

    @property
    def payment_editable(self) -> bool:
        """The payment method is chosen here only for an order in delivery (else the client's)."""
        return self._mode is OrderMode.REASSIGN and self._saved_terms is not None

    @property
    def payment(self) -> str:
        """'cash' or 'invoice' for an order in delivery; '' otherwise."""
        return self._payment

    def content_changed(self) -> bool:
        """Reassign mode: the products, address, comment or payment differ from the saved order."""
        return bool(self._content_edit())

    def _content_edit(self) -> dict[str, Any]:
        """The edit_order arguments for what differs from the saved order ({} when nothing)."""
        saved, terms = self._order, self._saved_terms
        if self._mode is not OrderMode.REASSIGN or saved is None:
            return {}
        edit: dict[str, Any] = {}
        on_screen = [(line.code, line.qty) for line in self._lines]
        if on_screen != [(line.product_code, line.qty) for line in saved.lines]:
            edit["lines"] = [orders.LineInput(code, qty) for code, qty in on_screen]
        if self._address_id is not None and self._address_id != saved.address_id:
            edit["address_id"] = self._address_id
        if terms is not None and self._comment.strip() != terms.comment:
            edit["comment"] = self._comment
        if terms is not None and self._payment and self._payment != str(terms.payment_method):
            edit["payment_method"] = self._payment
        return edit

    @property
    def products(self) -> tuple[Any, ...]:
        """The client's price list: PriceItem(product_id, code, name, kind, price_kop)."""
        return tuple(self._card.products) if self._card is not None else ()

    @property
    def addresses(self) -> tuple[Choice, ...]:
        """The client's delivery points (a contact's own point first when one is chosen)."""
        if self._card is None:
            return ()
        items = sorted(
            self._card.addresses,
            key=lambda a: (self._contact_id is None or a.contact_id != self._contact_id, a.id),
        )
        return tuple(Choice(a.id, address_label(a)) for a in items)

    @property
    def address_id(self) -> int | None:
        """The chosen delivery point."""
        return self._address_id

    @property
    def courier_id(self) -> int | None:
        """The chosen (or suggested) courier."""
        return self._courier_id

    @property
    def courier_name(self) -> str:
        """The chosen courier's name, or ''."""
        return next((c.label for c in self._couriers if c.id == self._courier_id), "")

    @property
    def suggestion_text(self) -> str:
        """Why the courier was suggested, or what to do when nobody could be."""
        return self._suggestion_text

    @property
    def windows(self) -> tuple[tuple[dt.time, dt.time], ...]:
        """The delivery windows a client can choose from."""
        return self._windows

    @property
    def date(self) -> dt.date | None:
        """The delivery date (Moscow)."""
        return self._day

    @property
    def window(self) -> tuple[dt.time | None, dt.time | None]:
        """The delivery window (start, end), or (None, None) for any time of the day."""
        return self._window

    @property
    def slot_text(self) -> str:
        """Courier, date and window in one line, e.g. 'Петров Пётр, 12.05.2025, 10:00–14:00'."""
        if self._day is None:
            return ""
        courier = self.courier_name or QCoreApplication.translate(
            "OrderEntryViewModel", "no courier"
        )
        return f"{courier}, {self._day:%d.%m.%Y}, {window_label(*self._window)}"

    @property
    def slot_confirmed(self) -> bool:
        """Whether the operator confirmed the suggested slot with the client."""
        return self._slot_confirmed

    @property
    def comment(self) -> str:
        """The comment for the courier."""
        return self._comment

    @property
    def saving(self) -> bool:
        """A send, reassignment or rejection is being written."""
        return self._saving

    @property
    def status_text(self) -> str:
        """What happened last (e.g. 'Order #12 sent to delivery: …'), or ''."""
        return self._status

    @property
    def can_repeat(self) -> bool:
        """The client has a last order and the panel is capturing a new one."""
        return (
            self._mode is OrderMode.NEW
            and self._card is not None
            and self._card.last_order is not None
        )

    @property
    def last_order_text(self) -> str:
        """The client's last order as one line, or ''."""
        last = self._card.last_order if self._card is not None else None
        if last is None:
            return ""
        items = ", ".join(f"{line.product_name} × {line.qty}" for line in last.lines)
        return QCoreApplication.translate(
            "OrderEntryViewModel", "Last order #{0} of {1}: {2} — {3}"
        ).format(
            last.id,
            f"{last.created_at.astimezone(orders.MOSCOW):%d.%m.%Y}",
            items,
            format_money(last.total_kop),
        )

    @property
    def active_deliveries(self) -> tuple[OrderSummary, ...]:
        """The client's orders in delivery and failed ones waiting for a new slot."""
        if self._card is None:
            return ()
        return tuple(self._card.active_deliveries) + tuple(self._card.to_reschedule)

    def couriers(self) -> list[Choice]:
        """The active couriers, by name."""
        return list(self._couriers)

    def reject_reasons(self) -> list[Choice]:
        """The reasons an interest can be rejected with."""
        return list(self._reasons)

    def matches(self, text: str, limit: int = 8) -> list[Any]:
        """Price-list items for what the operator typed: exact code, code prefix, name words."""
        return match_products(self.products, text, limit)

    # ---- the rules --------------------------------------------------------------------

    def facts(self) -> rules.DraftFacts:
        """The draft as the rules read it."""
        return rules.DraftFacts(
            has_client=self._card is not None,
            mode=self._mode,
            today=orders.moscow_today(),
            order=self._order,
            address_id=self._address_id,
            has_lines=bool(self._lines),
            courier_id=self._courier_id,
            day=self._day,
            window=self._window,
            comment=self._comment,
            content_changed=self.content_changed(),
            send_pressed=self._send_pressed,
            refused=dict(self._refused),
        )

    @property
    def missing(self) -> list[str]:
        """What still stops the order from being sent, as readable phrases."""
        return rules.missing(self.facts())

    @property
    def field_messages(self) -> dict[OrderField, str]:
        """Each field's problem to show next to it."""
        return rules.field_messages(self.facts())

    @property
    def can_send(self) -> bool:
        """Everything is filled in and nothing is being written."""
        facts = self.facts()
        return not self._saving and not rules.missing(facts) and not rules.malformed(facts)

    def draft(self) -> OrderDraft | None:
        """The order on screen as a draft, or None without a client."""
        if self._card is None or self._client_id is None:
            return None
        start, end = self._window
        return OrderDraft(
            client_id=self._client_id,
            contact_id=self._contact_id,
            interaction_id=self._interaction_id,
            order_id=self.order_id,
            lines=[{"code": x.code, "name": x.name, "qty": x.qty} for x in self._lines],
            address_id=self._address_id,
            courier_id=self._courier_id,
            date=self._day.isoformat() if self._day else None,
            window_start=start.isoformat("minutes") if start else None,
            window_end=end.isoformat("minutes") if end else None,
            comment=self._comment,
            idempotency_key=self._idempotency_key,
        )

    def _new_order(self) -> NewOrder:
        """The lines on screen as a new order (even after a repeat: the operator may have
        changed them, and the domain prices them from today's price list)."""
        assert self._client_id is not None
        return NewOrder(
            self._client_id,
            [orders.LineInput(line.code, line.qty) for line in self._lines],
            address_id=self._address_id,
            contact_id=self._contact_id,
            comment=self._comment,
            interaction_id=self._interaction_id,
            idempotency_key=self._idempotency_key,
        )

    def _slot(self) -> orders.Slot:
        assert self._courier_id is not None and self._day is not None
        return orders.Slot(self._courier_id, self._day, *self._window)

    def _send_operation(self, actor: Actor) -> Callable[[Session], OrderResult]:
        """The one operation that writes the slot on screen: take, re-send or reassign."""
        slot, saved = self._slot(), self._order
        if saved is None:
            return partial(order_ops.take_order, new=self._new_order(), slot=slot, actor=actor)
        if self._mode is OrderMode.REASSIGN:
            edit = self._content_edit()
            moved = rules.slot_differs(self.facts(), saved)
            return partial(
                change_delivery, order_id=saved.id, edit=edit, slot=slot if moved else None,
                actor=actor, expected_version=saved.version,
            )  # fmt: skip
        return partial(
            order_ops.deliver,
            order_id=saved.id,
            slot=slot,
            actor=actor,
            expected_version=saved.version,
            address_id=self._address_id,
            interaction_id=self._interaction_id,
        )

    def _reject_operation(
        self, reason_id: int, why: str, actor: Actor
    ) -> Callable[[Session], OrderResult]:
        """The one operation that rejects the order on screen (a new one is saved first)."""
        saved = self._order
        return partial(
            order_ops.reject,
            order=self._new_order() if saved is None else saved.id,
            reason=reason_id,
            actor=actor,
            why=why,
            expected_version=saved.version if saved is not None else None,
            interaction_id=self._interaction_id,
        )


def change_delivery(
    session: Session,
    *,
    order_id: int,
    edit: dict[str, Any],
    slot: orders.Slot | None,
    actor: Actor,
    expected_version: int,
) -> OrderResult:
    """Save an order in delivery as edited on the panel, in one unit of work.

    What and where (``edit``) update the same courier task; who and when (``slot``) then
    move it to a new task, as the domain's rule says. Either may be absent, not both.
    """
    result: OrderResult | None = None
    if edit:
        result = order_ops.edit_order(
            session, order_id, actor=actor, expected_version=expected_version, **edit
        )
    if slot is not None:
        result = order_ops.reassign(
            session,
            order_id,
            actor=actor,
            courier_id=slot.courier_id,
            date=slot.date,
            window=(slot.window_start, slot.window_end),
            # Checked by the edit already when there was one (its own save moved the version).
            expected_version=None if edit else expected_version,
        )
    assert result is not None, "the panel saves only when something changed"
    return result

"""What the order panel shows that the order view model does not say in so many words.

`app.widgets.order_panel` lays these out. The view model (`app.order_entry`) decides what
may be sent (`can_send`), what is missing and what each field lacks; this module only
turns its public state into the panel's texts and enabled states (Send uses `can_send`,
nothing else), the date picker's range around "today", and when the window may start a
fresh order. Tests drive it with any object carrying the same properties.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from PySide6.QtCore import QCoreApplication

from app.domain_text import translate_text
from app.order_entry import OrderField, OrderMode
from dispatcher.catalog import format_money
from dispatcher.orders import moscow_today

logger = logging.getLogger(__name__)


class OrderState(Protocol):
    """The public properties of OrderEntryViewModel this module reads."""

    @property
    def mode(self) -> OrderMode: ...
    @property
    def order_id(self) -> int | None: ...
    @property
    def client_name(self) -> str: ...
    @property
    def can_send(self) -> bool: ...
    @property
    def missing(self) -> list[str]: ...
    @property
    def field_messages(self) -> Mapping[OrderField, str]: ...
    @property
    def status_text(self) -> str: ...
    @property
    def busy(self) -> bool: ...
    @property
    def saving(self) -> bool: ...
    @property
    def date(self) -> dt.date | None: ...
    @property
    def slot_text(self) -> str: ...
    @property
    def slot_confirmed(self) -> bool: ...
    @property
    def lines(self) -> tuple[Any, ...]: ...
    @property
    def lines_editable(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class OrderPanelView:
    """The panel's texts and enabled states for one state of the view model."""

    client: str
    mode_banner: str  # "" hides it
    send_label: str  # without its key, which the panel appends
    send_enabled: bool
    reject_enabled: bool
    cancel_enabled: bool  # a saved order (in delivery, or waiting for a slot) can be cancelled
    payment_visible: bool  # the payment method is chosen on an order in delivery only
    comment_enabled: bool
    missing: str  # "Still needed: …", or ""
    status: str
    slot_label: str  # "✓ Slot: …" once confirmed; without its key
    starts_at_courier: bool  # reassigning: the keyboard starts at the courier


@dataclass(frozen=True, slots=True)
class FieldMessages:
    """The red line under each part of the panel ("" hides it)."""

    address: str = ""
    lines: str = ""
    courier: str = ""
    date: str = ""
    window: str = ""
    comment: str = ""


@dataclass(frozen=True, slots=True)
class DateChoice:
    """The delivery date picker: the earliest day it offers and the day it shows."""

    earliest: dt.date
    shown: dt.date


def present_order(vm: OrderState) -> OrderPanelView:
    """The panel's header, buttons and status for ``vm``'s current state."""
    mode = vm.mode
    if mode is OrderMode.REASSIGN:
        banner = QCoreApplication.translate(
            "OrderPanel",
            "Order #{0} is out for delivery: change its products, address, comment, payment, "
            "courier or slot; the courier's phone shows what changed.",
        )
        send = QCoreApplication.translate("OrderPanel", "Save changes")
    else:
        banner = (
            QCoreApplication.translate("OrderPanel", "Order #{0} needs a new delivery slot.")
            if mode is OrderMode.RESEND
            else ""
        )
        send = QCoreApplication.translate("OrderPanel", "Send to delivery")
    missing = vm.missing if mode is not OrderMode.EMPTY else []
    slot = vm.slot_text or QCoreApplication.translate("OrderPanel", "no slot yet")
    slot_label = QCoreApplication.translate("OrderPanel", "Slot: {0}").format(slot)
    return OrderPanelView(
        client=vm.client_name or QCoreApplication.translate("OrderPanel", "No client chosen"),
        mode_banner=banner.format(vm.order_id) if banner else "",
        send_label=send,
        send_enabled=vm.can_send,
        reject_enabled=mode in (OrderMode.NEW, OrderMode.RESEND),
        cancel_enabled=mode in (OrderMode.REASSIGN, OrderMode.RESEND) and not vm.saving,
        payment_visible=mode is OrderMode.REASSIGN,
        comment_enabled=mode in (OrderMode.NEW, OrderMode.REASSIGN),
        missing=(
            QCoreApplication.translate("OrderPanel", "Still needed: {0}").format(", ".join(missing))
            if missing
            else ""
        ),
        status=QCoreApplication.translate("OrderPanel", "Working…") if vm.busy else vm.status_text,
        slot_label=("✓ " if vm.slot_confirmed else "") + slot_label,
        starts_at_courier=mode is OrderMode.REASSIGN,
    )


def field_messages(vm: OrderState) -> FieldMessages:
    """Each part's message; the lines show the lines' and the quantity's together."""
    messages = vm.field_messages
    lines = [messages[f] for f in (OrderField.LINES, OrderField.QUANTITY) if f in messages]
    return FieldMessages(
        address=messages.get(OrderField.ADDRESS, ""),
        lines=" ".join(lines),
        courier=messages.get(OrderField.COURIER, "") or courier_warning(vm),
        date=messages.get(OrderField.DATE, ""),
        window=messages.get(OrderField.WINDOW, ""),
        comment=messages.get(OrderField.COMMENT, ""),
    )


def _chosen_courier(vm: Any) -> Any:
    return next((c for c in vm.couriers() if c.id == vm.courier_id), None)


def courier_warning(vm: Any) -> str:
    """A warning (never a refusal) when the chosen courier is off that day or outside hours."""
    courier = _chosen_courier(vm)
    check = getattr(courier, "check", None)
    if check is None or vm.date is None:
        return ""
    found = check(vm.date, vm.window)
    if found.ok or found.reason is None:
        return ""
    return "⚠ " + translate_text(found.reason)


def courier_items(vm: Any) -> list[tuple[str, int]]:
    """The courier pick list: active couriers, those off on the chosen day marked so."""
    items = []
    for courier in vm.couriers():
        check = getattr(courier, "check", None)
        off = vm.date is not None and check is not None and check(vm.date, (None, None)).refused
        label = (
            QCoreApplication.translate("OrderPanel", "{0} — day off").format(courier.label)
            if off
            else courier.label
        )
        items.append((label, courier.id))
    return items


def date_choice(day: dt.date | None, today: dt.date | None = None) -> DateChoice:
    """The picker shows ``day`` (today when unset); a restored day now past stays choosable."""
    today = today or moscow_today()
    shown = day or today
    # Not moved to today: the date's own message says it is past, the operator decides.
    return DateChoice(earliest=min(today, shown), shown=shown)


def match_text(code: str, name: str, price_kop: int, contract: bool = False) -> str:
    """A product search match: 'W19 · Вода 19 л · 250,00 ₽', a company's contract price marked."""
    text = f"{code} · {name} · {format_money(price_kop)}"
    if contract:
        text += " · " + QCoreApplication.translate("OrderPanel", "by contract")
    return text


def keeps_work(vm: OrderState) -> bool:
    """An order being saved, or typed lines not yet sent: a new call must not wipe them."""
    return vm.saving or (bool(vm.lines) and vm.mode is OrderMode.NEW)


def ready_for_keys(vm: OrderState) -> bool:
    """The client's card is in and its fields take input: focus may move into the panel."""
    return vm.mode is not None and not vm.busy and vm.lines_editable

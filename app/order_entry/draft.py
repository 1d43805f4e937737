"""The order draft and its labels: what the order panel holds and how it reads (no QObject).

Texts are translated in the context of the view model (``OrderEntryViewModel``), where the
operator meets them.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from PySide6.QtCore import QCoreApplication

from dispatcher import task_limits
from dispatcher.catalog import format_money
from dispatcher.lookup import AddressSummary, OrderSummary
from dispatcher.models import OrderState
from dispatcher.operations.order_form import Choice

logger = logging.getLogger(__name__)

__all__ = ["Choice"]  # the pick-list item is the domain's (dispatcher.operations.order_form)

# What the courier's phone takes, stated once in the domain (dispatcher.task_limits).
COMMENT_LIMIT = task_limits.COMMENT_MAX
MAX_QTY = task_limits.QTY_MAX


class OrderField(StrEnum):
    """The parts of the order panel that carry their own message."""

    ADDRESS = "address"
    LINES = "lines"
    QUANTITY = "quantity"
    COURIER = "courier"
    DATE = "date"
    WINDOW = "window"
    COMMENT = "comment"


class OrderMode(StrEnum):
    """What the panel is doing with the order on screen."""

    EMPTY = "empty"  # no client loaded
    NEW = "new"  # capturing a new interest
    RESEND = "resend"  # an interest already saved (a failed delivery) waiting for a slot
    REASSIGN = "reassign"  # an order in delivery: change what, where, who or when


@dataclass(frozen=True, slots=True)
class DraftLine:
    """One product of the draft at the client's price."""

    product_id: int
    code: str
    name: str
    price_kop: int
    qty: int

    @property
    def amount_kop(self) -> int:
        """Price times quantity, in kopecks."""
        return self.price_kop * self.qty

    @property
    def price_text(self) -> str:
        """The price as the operator reads it."""
        return format_money(self.price_kop)

    @property
    def amount_text(self) -> str:
        """The line's amount as the operator reads it."""
        return format_money(self.amount_kop)


@dataclass(frozen=True, slots=True)
class OrderDraft:
    """The panel's input as it is written to the DraftStore (ids, codes and ISO texts)."""

    client_id: int
    contact_id: int | None = None
    interaction_id: int | None = None
    order_id: int | None = None  # a saved order being re-sent or reassigned
    lines: list[dict[str, Any]] = field(default_factory=list)  # code, name, qty
    address_id: int | None = None
    courier_id: int | None = None
    date: str | None = None
    window_start: str | None = None
    window_end: str | None = None
    comment: str = ""
    # Made when the draft starts; a send retried with it never takes the order twice.
    idempotency_key: str | None = None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> OrderDraft:
        """The draft from its JSON form; raises KeyError/TypeError/ValueError when malformed."""
        known = set(cls.__dataclass_fields__)
        draft = cls(**{k: v for k, v in data.items() if k in known})
        _ = draft.day, draft.window  # malformed dates fail here, not later in the panel
        return draft

    @property
    def day(self) -> dt.date | None:
        """The delivery date."""
        return dt.date.fromisoformat(self.date) if self.date else None

    @property
    def window(self) -> tuple[dt.time | None, dt.time | None]:
        """The delivery window, or (None, None)."""
        if not (self.window_start and self.window_end):
            return (None, None)
        return dt.time.fromisoformat(self.window_start), dt.time.fromisoformat(self.window_end)


def address_label(address: AddressSummary) -> str:
    """One line for an address: text, flat, entrance, floor."""
    parts = [address.text]
    if address.flat:
        parts.append(
            QCoreApplication.translate("OrderEntryViewModel", "flat {0}").format(address.flat)
        )
    if address.entrance:
        parts.append(
            QCoreApplication.translate("OrderEntryViewModel", "entrance {0}").format(
                address.entrance
            )
        )
    if address.floor:
        parts.append(
            QCoreApplication.translate("OrderEntryViewModel", "floor {0}").format(address.floor)
        )
    return ", ".join(parts)


def window_label(start: dt.time | None, end: dt.time | None) -> str:
    """'10:00–14:00', or 'any time' without a window."""
    if start is None or end is None:
        return QCoreApplication.translate("OrderEntryViewModel", "any time")
    return f"{start:%H:%M}–{end:%H:%M}"


def order_label(order: OrderSummary) -> str:
    """An order as one line: number, date, window, courier, amount."""
    when = order.delivery_date.strftime("%d.%m.%Y") if order.delivery_date else "—"
    return QCoreApplication.translate("OrderEntryViewModel", "#{0} · {1} {2} · {3} · {4}").format(
        order.id,
        when,
        window_label(order.window_start, order.window_end),
        order.courier_name or QCoreApplication.translate("OrderEntryViewModel", "no courier"),
        format_money(order.total_kop),
    )


def state_name(state: OrderState) -> str:
    """An order's state as a sentence needs it ('Order #3 is closed')."""
    names = {
        OrderState.CLOSED: QCoreApplication.translate("OrderEntryViewModel", "closed"),
        OrderState.REJECTED: QCoreApplication.translate("OrderEntryViewModel", "rejected"),
        OrderState.DELIVERY: QCoreApplication.translate("OrderEntryViewModel", "out for delivery"),
        OrderState.INTEREST: QCoreApplication.translate("OrderEntryViewModel", "an interest"),
    }
    return names[state]


def _matches_query(item: Any, words: Sequence[str]) -> bool:
    haystack = f"{item.code} {item.name}".casefold().replace("ё", "е")
    return all(word in haystack for word in words)


def match_products(items: Sequence[Any], text: str, limit: int = 8) -> list[Any]:
    """Price-list items for what the operator typed: exact code, code prefix, name words."""
    query = text.strip().casefold().replace("ё", "е")
    if not query:
        return []
    exact = [i for i in items if i.code.casefold() == query]
    prefix = [i for i in items if i.code.casefold().startswith(query) and i not in exact]
    words = query.split()
    rest = [i for i in items if i not in exact and i not in prefix and _matches_query(i, words)]
    return (exact + prefix + rest)[:limit]

"""What stops an order from being sent, and each field's message: pure functions of the draft.

The view model passes a ``DraftFacts`` snapshot; nothing here needs a QObject or a database.
Texts are translated in the view model's context (``OrderEntryViewModel``).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field

from PySide6.QtCore import QCoreApplication

from app.order_entry.draft import COMMENT_LIMIT, OrderField, OrderMode
from dispatcher.lookup import OrderSummary

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class DraftFacts:
    """The draft state the rules read: what is on screen and whether Send was pressed."""

    has_client: bool
    mode: OrderMode
    today: dt.date
    order: OrderSummary | None = None  # the saved order on screen (resend / reassign)
    address_id: int | None = None
    has_lines: bool = False
    courier_id: int | None = None
    day: dt.date | None = None
    window: tuple[dt.time | None, dt.time | None] = (None, None)
    comment: str = ""
    # Reassign mode: products, address, comment or payment differ from the saved order's.
    content_changed: bool = False
    send_pressed: bool = False  # empty required fields are pointed at only after Send
    refused: Mapping[OrderField, str] = field(default_factory=dict)  # edits not taken


def slot_differs(facts: DraftFacts, order: OrderSummary) -> bool:
    """Whether courier, date or window on screen differ from the saved order's."""
    return (
        order.courier_id != facts.courier_id
        or order.delivery_date != facts.day
        or (order.window_start, order.window_end) != facts.window
    )


def slot_missing(facts: DraftFacts) -> list[str]:
    """What the slot still lacks: a courier, a date (from today on)."""
    out = []
    if facts.courier_id is None:
        out.append(QCoreApplication.translate("OrderEntryViewModel", "a courier"))
    if facts.day is None:
        out.append(QCoreApplication.translate("OrderEntryViewModel", "a delivery date"))
    elif facts.day < facts.today:
        out.append(
            QCoreApplication.translate("OrderEntryViewModel", "a delivery date from today on")
        )
    return out


def missing(facts: DraftFacts) -> list[str]:
    """What still stops the order from being sent, as readable phrases."""
    if not facts.has_client:
        return [QCoreApplication.translate("OrderEntryViewModel", "a client")]
    if facts.mode is OrderMode.REASSIGN:
        out = slot_missing(facts)
        if not facts.has_lines:
            out.append(QCoreApplication.translate("OrderEntryViewModel", "at least one product"))
        if (
            not out
            and facts.order is not None
            and not slot_differs(facts, facts.order)
            and not facts.content_changed
        ):
            out.append(
                QCoreApplication.translate(
                    "OrderEntryViewModel",
                    "a change: products, address, comment, payment, courier or slot",
                )
            )
        return out
    out = []
    if facts.address_id is None:
        out.append(QCoreApplication.translate("OrderEntryViewModel", "a delivery address"))
    if not facts.has_lines:
        out.append(QCoreApplication.translate("OrderEntryViewModel", "at least one product"))
    return out + slot_missing(facts)


def field_messages(facts: DraftFacts) -> dict[OrderField, str]:
    """Each field's problem: malformed values at once, empty required ones after Send."""
    if not facts.has_client:
        return {}
    out: dict[OrderField, str] = {}
    required = facts.send_pressed
    if facts.mode is not OrderMode.REASSIGN and required:
        if facts.address_id is None:
            out[OrderField.ADDRESS] = QCoreApplication.translate(
                "OrderEntryViewModel", "Choose the delivery address."
            )
        if not facts.has_lines:
            out[OrderField.LINES] = QCoreApplication.translate(
                "OrderEntryViewModel", "Add at least one product."
            )
    if facts.courier_id is None and required:
        out[OrderField.COURIER] = QCoreApplication.translate(
            "OrderEntryViewModel", "Choose a courier."
        )
    if facts.day is None:
        if required:
            out[OrderField.DATE] = QCoreApplication.translate(
                "OrderEntryViewModel", "Choose the delivery date."
            )
    elif facts.day < facts.today:
        out[OrderField.DATE] = QCoreApplication.translate(
            "OrderEntryViewModel", "{0:%d.%m.%Y} is in the past: choose today or a later day."
        ).format(facts.day)
    start, end = facts.window
    if start is not None and end is not None and start >= end:
        out[OrderField.WINDOW] = QCoreApplication.translate(
            "OrderEntryViewModel", "The window must end after it starts."
        )
    if len(facts.comment) > COMMENT_LIMIT:
        out[OrderField.COMMENT] = QCoreApplication.translate(
            "OrderEntryViewModel",
            "The comment is {0} characters long; the courier's phone takes {1}.",
        ).format(len(facts.comment), COMMENT_LIMIT)
    if (
        facts.mode is OrderMode.REASSIGN
        and required
        and facts.order is not None
        and not slot_missing(facts)
        and not slot_differs(facts, facts.order)
        and not facts.content_changed
    ):
        out[OrderField.COURIER] = QCoreApplication.translate(
            "OrderEntryViewModel",
            "Nothing changed yet: change the products, address, comment, payment, courier, "
            "date or window.",
        )
    out.update(facts.refused)
    return out


def malformed(facts: DraftFacts) -> list[str]:
    """Messages of values that are wrong (not merely missing) and stop a send."""
    out = []
    if len(facts.comment) > COMMENT_LIMIT and facts.mode in (OrderMode.NEW, OrderMode.REASSIGN):
        out.append(field_messages(facts)[OrderField.COMMENT])
    return out

"""What the order panel needs to open a client, or a saved order, read in one unit of work."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field, replace

from sqlalchemy.orm import Session

from dispatcher import orders, planning
from dispatcher.couriers import Schedule, SlotCheck, active_couriers, check_slot
from dispatcher.lookup import OrderSummary

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Choice:
    """An item of a pick list: a courier, a reject reason, an address."""

    id: int
    label: str


@dataclass(frozen=True, slots=True)
class CourierChoice(Choice):
    """A courier offered on the order form, with the schedule its slot is checked against."""

    schedule: Schedule = field(default_factory=lambda: Schedule(""))

    def check(self, day: dt.date, window: tuple[dt.time | None, dt.time | None]) -> SlotCheck:
        """Whether this courier can take ``window`` on ``day`` (off that day, outside hours)."""
        return check_slot(self.schedule, day, window)


@dataclass(frozen=True, slots=True)
class OrderForm:
    """The client card plus the pick lists and defaults of a new (or saved) order."""

    card: planning.ClientCard
    couriers: tuple[CourierChoice, ...]
    reasons: tuple[Choice, ...]
    windows: tuple[tuple[dt.time, dt.time], ...]
    day: dt.date
    window: tuple[dt.time | None, dt.time | None]
    address_id: int | None
    suggestion: planning.CourierSuggestion | None
    order: OrderSummary | None = None  # the saved order opened, if any
    contact_id: int | None = None


def default_address(card: planning.ClientCard, contact_id: int | None) -> int | None:
    """The contact's own point, the only point, the last order's point, or the first one."""
    addresses = list(card.addresses)
    if not addresses:
        return None
    if contact_id is not None:
        own = [a for a in addresses if a.contact_id == contact_id]
        if own:
            return own[0].id
    last = card.last_order
    if last is not None and any(a.id == last.address_id for a in addresses):
        return last.address_id
    return addresses[0].id


def load_order_form(
    session: Session,
    client_id: int,
    contact_id: int | None = None,
    keep_address_id: int | None = None,
) -> OrderForm:
    """Open a client for a new order: card, couriers, reasons, the next slot and a courier.

    Retired delivery points are not offered; ``keep_address_id`` (a saved order's) still is.
    """
    card = planning.client_card(session, client_id, keep_address_id)
    address_id = default_address(card, contact_id)
    day, start, end = planning.default_slot()
    suggestion = planning.suggest_courier(session, address_id, day) if address_id else None
    return OrderForm(
        card=card,
        # Active couriers only; the panel marks those off on the day chosen (CourierChoice).
        couriers=tuple(
            CourierChoice(c.id, c.name, Schedule.of(c)) for c in active_couriers(session)
        ),
        reasons=tuple(Choice(r.id, r.name) for r in orders.reject_reasons(session)),
        windows=tuple(planning.DELIVERY_WINDOWS),
        day=day,
        window=(start, end),
        address_id=address_id,
        suggestion=suggestion,
        contact_id=contact_id,
    )


def open_order_form(session: Session, order_id: int) -> OrderForm:
    """Open a saved order (to reassign it, or to send a failed delivery again)."""
    order = orders.get_order(session, order_id)
    form = load_order_form(session, order.client_id, order.contact_id, order.address_id)
    return replace(form, order=planning.order_summary(session, order_id))

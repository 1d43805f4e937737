"""The shift lead's board: reading a day, moving a delivery, rescheduling a failed one.

Moves go through ``dispatcher.orders`` (via ``dispatcher.operations.orders``): the old task
is cancelled on the old courier's phone and a new one created on the new courier's, with an
audit row naming the lead and the reason. Each move names the order version the board showed;
a move that crosses another desk's change is refused with the optimistic-lock message.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy.orm import Session

from dispatcher import orders
from dispatcher.board import BoardDay, board_day
from dispatcher.errors import IllegalTransitionError, ValidationError
from dispatcher.models import Order, OrderEvent, OrderState, UserRole
from dispatcher.operations import orders as order_ops
from dispatcher.orders import Slot
from dispatcher.users import Actor, require_role

logger = logging.getLogger(__name__)

Window = tuple[dt.time | None, dt.time | None]
RESCHEDULE = "reschedule"


@dataclass(frozen=True, slots=True)
class MoveResult:
    """Where a delivery is after a move: courier, day, window, its new task and version."""

    order_id: int
    version: int
    state: OrderState
    courier_id: int | None
    day: dt.date | None
    window_start: dt.time | None
    window_end: dt.time | None
    task_uid: str | None


def open_board(
    session: Session, day: dt.date, *, actor: Actor, now: dt.datetime | None = None
) -> BoardDay:
    """The board of a day (anyone signed in may look; moves are for shift leads)."""
    return board_day(session, day, now)


def _moved(session: Session, order_id: int, task_uid: str | None) -> MoveResult:
    order = orders.get_order(session, order_id)
    return MoveResult(
        order.id,
        order.version,
        order.state,
        order.courier_id,
        order.delivery_date,
        order.window_start,
        order.window_end,
        task_uid,
    )


def move_delivery(
    session: Session,
    order_id: int,
    *,
    courier_id: int | None = None,
    day: dt.date | None = None,
    window: Window | None = None,
    actor: Actor,
    expected_version: int,
    why: str = "",
) -> MoveResult:
    """Give a delivery another courier, day or window (what is not given stays).

    A failed delivery waiting for a new slot is sent again instead (`reschedule_failed`).
    """
    require_role(actor, UserRole.LEAD, action="move deliveries")
    order = orders.get_order(session, order_id, expected_version)
    if order.state is OrderState.INTEREST and order.needs_reschedule:
        return reschedule_failed(
            session,
            order_id,
            courier_id=courier_id,
            day=day,
            window=window,
            actor=actor,
            expected_version=expected_version,
            why=why,
        )
    result = order_ops.reassign(
        session,
        order_id,
        actor=actor,
        courier_id=courier_id,
        date=day,
        window=window,
        why=why.strip() or "moved on the board",
        expected_version=expected_version,
    )
    logger.info("delivery moved on the board", extra={"order_id": order_id})
    return _moved(session, result.id, result.task_uid)


def reschedule_failed(
    session: Session,
    order_id: int,
    *,
    day: dt.date | None = None,
    window: Window | None = None,
    courier_id: int | None = None,
    actor: Actor,
    expected_version: int,
    why: str = "",
) -> MoveResult:
    """Send a failed delivery out again on a new day/window, to the same or another courier."""
    require_role(actor, UserRole.LEAD, action="reschedule deliveries")
    order = orders.get_order(session, order_id, expected_version)
    if not (order.state is OrderState.INTEREST and order.needs_reschedule):
        raise IllegalTransitionError.of(
            "Order #{order_id} is not a failed delivery waiting for a new slot.",
            order_id=order_id,
        )
    slot = _slot(order, courier_id, day, window)
    result = order_ops.deliver(
        session, order_id, slot, actor=actor, expected_version=expected_version
    )
    session.add(
        OrderEvent(
            order_id=order_id,
            actor=actor.login,
            action=RESCHEDULE,
            from_state=OrderState.INTEREST,
            to_state=OrderState.DELIVERY,
            why=why.strip() or order.fail_reason,
        )
    )
    session.flush()
    logger.info("failed delivery rescheduled", extra={"order_id": order_id})
    return _moved(session, result.id, result.task_uid)


def _slot(order: Order, courier_id: int | None, day: dt.date | None, window: Window | None) -> Slot:
    courier = courier_id if courier_id is not None else order.courier_id
    if courier is None:
        raise ValidationError.of("Choose a courier for order #{order_id}.", order_id=order.id)
    start, end = window if window is not None else (order.window_start, order.window_end)
    return Slot(courier, day or order.delivery_date or orders.moscow_today(), start, end)

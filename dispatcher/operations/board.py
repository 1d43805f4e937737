"""Stand-in, replaced by branch boarddata: the board's moves, over the existing order operations.

Drop this file at merge in favour of branch boarddata's dispatcher/operations/board.py.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from dispatcher.models import UserRole
from dispatcher.operations import orders as order_ops
from dispatcher.operations.orders import OrderResult
from dispatcher.orders import Slot, get_order
from dispatcher.users import Actor, require_role

Window = tuple[dt.time | None, dt.time | None]


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
) -> OrderResult:
    """Stand-in: another courier, day or window for a delivery (the lead's drag)."""
    require_role(actor, UserRole.LEAD, action="move deliveries")
    return order_ops.reassign(
        session,
        order_id,
        actor=actor,
        courier_id=courier_id,
        date=day,
        window=window,
        why=why,
        expected_version=expected_version,
    )


def reschedule_failed(
    session: Session,
    order_id: int,
    *,
    courier_id: int | None = None,
    day: dt.date,
    window: Window,
    actor: Actor,
    expected_version: int,
    why: str = "",
) -> OrderResult:
    """Stand-in: a failed delivery goes out again on a new day and window."""
    require_role(actor, UserRole.LEAD, action="reschedule deliveries")
    order = get_order(session, order_id, expected_version)
    courier = courier_id if courier_id is not None else order.courier_id or 0
    slot = Slot(courier, day, window[0], window[1])
    return order_ops.deliver(
        session, order_id, slot, actor=actor, expected_version=expected_version
    )

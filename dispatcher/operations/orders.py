"""Order operations: what an operator or a shift lead does to an order, one function each.

Every state change goes through ``dispatcher.orders`` (the rules); the call an order was
taken or rejected on is linked here, in ``_link_call``, inside the same transaction.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatcher import orders
from dispatcher.errors import ValidationError
from dispatcher.interactions import link_call
from dispatcher.models import Order, OrderState, PaymentTerms, RejectReason, UserRole
from dispatcher.orders import LineInput, Slot
from dispatcher.records import order_record
from dispatcher.users import Actor, require_role

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class NewOrder:
    """An order as the operator entered it, not saved yet."""

    client_id: int
    lines: Sequence[LineInput]
    address_id: int | None = None
    contact_id: int | None = None
    comment: str = ""
    interaction_id: int | None = None  # the call it is taken on
    # The desk's key for the draft (made when the draft starts): a retry with the same key
    # returns the order an earlier attempt wrote instead of writing a second one.
    idempotency_key: str | None = None


@dataclass(frozen=True, slots=True)
class OrderResult:
    """An order after an operation: its number, version, state and courier task."""

    id: int
    client_id: int
    version: int
    state: OrderState
    courier_id: int | None
    task_uid: str | None


@dataclass(frozen=True, slots=True)
class ReasonInfo:
    """A reject reason as the list shows it."""

    id: int
    name: str
    active: bool


def _result(session: Session, order: Order) -> OrderResult:
    session.flush()  # the version counter moves on flush
    task = orders.active_task(session, order)
    return OrderResult(
        id=order.id,
        client_id=order.client_id,
        version=order.version,
        state=order.state,
        courier_id=order.courier_id,
        task_uid=task.uid if task is not None else None,
    )


def _link_call(session: Session, interaction_id: int | None, order: Order) -> None:
    """Attach the order to the call it was taken on: the only place calls meet orders."""
    if interaction_id is not None:
        link_call(session, interaction_id, client_id=order.client_id, order_id=order.id)


IDEMPOTENCY_KEY_MAX = 64  # the column's width


def _taken_before(session: Session, new: NewOrder) -> Order | None:
    """The order an earlier attempt with this draft's key committed, if any.

    Its reply may have been lost (a connection cut after COMMIT): the order is there even
    though the desk saw an error, and a retry must find it rather than take it again.
    """
    key = new.idempotency_key
    if key is None:
        return None
    if not key or len(key) > IDEMPOTENCY_KEY_MAX or not key.isprintable():
        raise ValidationError.of(
            "An idempotency key is 1 to {limit} printable characters.", limit=IDEMPOTENCY_KEY_MAX
        )
    order = session.scalar(select(Order).where(Order.idempotency_key == key))
    if order is None:
        return None
    if order.client_id != new.client_id:
        raise ValidationError.of(
            "The idempotency key {key!r} was already used for order #{order_id} of another "
            "client: a new order needs a new key.",
            key=key,
            order_id=order.id,
        )
    logger.info("order already taken with this key", extra={"order_id": order.id})
    return order


def _create(session: Session, new: NewOrder, actor: Actor) -> Order:
    return orders.create_order(
        session,
        new.client_id,
        list(new.lines),
        actor=actor.login,
        address_id=new.address_id,
        contact_id=new.contact_id,
        comment=new.comment,
        source_interaction_id=new.interaction_id,
        idempotency_key=new.idempotency_key,
    )


def save_interest(session: Session, new: NewOrder, *, actor: Actor) -> OrderResult:
    """Capture an interest without sending it to delivery (once per idempotency key)."""
    earlier = _taken_before(session, new)
    return _result(session, earlier or _create(session, new, actor))


def take_order(session: Session, new: NewOrder, slot: Slot, *, actor: Actor) -> OrderResult:
    """Create the order and send it to the courier in one step, linked to its call.

    With an idempotency key already used, the order written then is returned as it is: no
    second order, no second courier task.
    """
    earlier = _taken_before(session, new)
    if earlier is not None:
        return _result(session, earlier)
    order = _create(session, new, actor)
    orders.send_to_delivery(session, order.id, slot, actor=actor.login)
    _link_call(session, new.interaction_id, order)
    return _result(session, order)


def deliver(
    session: Session,
    order_id: int,
    slot: Slot,
    *,
    actor: Actor,
    expected_version: int | None = None,
    address_id: int | None = None,
    interaction_id: int | None = None,
) -> OrderResult:
    """Send a saved interest (e.g. a failed delivery) to a courier, linked to the call if any."""
    order = orders.send_to_delivery(
        session,
        order_id,
        slot,
        actor=actor.login,
        expected_version=expected_version,
        address_id=address_id,
    )
    _link_call(session, interaction_id, order)
    return _result(session, order)


def reassign(
    session: Session,
    order_id: int,
    *,
    actor: Actor,
    courier_id: int | None = None,
    date: dt.date | None = None,
    window: tuple[dt.time | None, dt.time | None] | None = None,
    why: str = "",
    expected_version: int | None = None,
) -> OrderResult:
    """Give a delivery another courier or slot; what is not given stays as it is."""
    current = orders.get_order(session, order_id, expected_version)
    start, end = window if window is not None else (current.window_start, current.window_end)
    slot = Slot(
        courier_id if courier_id is not None else current.courier_id or 0,
        date or current.delivery_date or orders.moscow_today(),
        start,
        end,
    )
    order = orders.reassign(
        session, order_id, slot, actor=actor.login, why=why, expected_version=expected_version
    )
    return _result(session, order)


def reject(
    session: Session,
    order: NewOrder | int,
    *,
    reason: int | str | None,
    actor: Actor,
    why: str = "",
    expected_version: int | None = None,
    interaction_id: int | None = None,
) -> OrderResult:
    """Close an interest as lost; a new order is saved first (reports count why callers left)."""
    reason_id = reject_reason_id(session, reason)  # a reason not in the list is named first
    if isinstance(order, NewOrder):
        earlier = _taken_before(session, order)
        if earlier is not None:
            return _result(session, earlier)
        row = _create(session, order, actor)
        interaction_id = order.interaction_id
        expected_version = None
    else:
        row = orders.get_order(session, order)
    rejected = orders.reject(
        session,
        row.id,
        reason_id=reason_id,
        actor=actor.login,
        why=why,
        expected_version=expected_version,
    )
    _link_call(session, interaction_id, rejected)
    return _result(session, rejected)


def fail(
    session: Session,
    order_id: int,
    *,
    reason: str,
    actor: Actor,
    expected_version: int | None = None,
) -> OrderResult:
    """A delivery did not happen: back to interest, flagged for a new slot."""
    order = orders.fail(
        session, order_id, reason=reason, actor=actor.login, expected_version=expected_version
    )
    return _result(session, order)


def close(
    session: Session,
    order_id: int,
    *,
    actor: Actor,
    collected_kop: int | None = None,
    bottles_returned: int | None = None,
    expected_version: int | None = None,
) -> OrderResult:
    """Close a delivered order with what the courier collected."""
    order = orders.close(
        session,
        order_id,
        actor=actor.login,
        collected_kop=collected_kop,
        bottles_returned=bottles_returned,
        expected_version=expected_version,
    )
    return _result(session, order)


@dataclass(frozen=True, slots=True)
class OrderTerms:
    """What an edit may change besides lines and address: the comment and the payment."""

    order_id: int
    comment: str
    payment_method: PaymentTerms


def order_terms(session: Session, order_id: int) -> OrderTerms:
    """The comment and payment method of a saved order, for the edit form."""
    order = orders.get_order(session, order_id)
    return OrderTerms(order.id, order.comment, order.payment_method)


def edit_order(
    session: Session,
    order_id: int,
    *,
    lines: Sequence[LineInput] | None = None,
    address_id: int | None = None,
    comment: str | None = None,
    payment_method: PaymentTerms | str | None = None,
    actor: Actor,
    expected_version: int | None = None,
) -> OrderResult:
    """Change the lines, address, comment or payment of an interest or a delivery.

    ``lines`` is the whole new list. A delivery keeps its courier task: the same task, one
    version on, reaches the phone with a notice of what changed.
    """
    try:
        payment = PaymentTerms(payment_method) if payment_method is not None else None
    except ValueError:
        raise ValidationError.of(
            "Payment method {value!r} is not cash or invoice.", value=payment_method
        ) from None
    order = orders.edit_order(
        session,
        order_id,
        actor=actor.login,
        lines=list(lines) if lines is not None else None,
        address_id=address_id,
        comment=comment,
        payment_method=payment,
        expected_version=expected_version,
    )
    return _result(session, order)


def cancel_order(
    session: Session,
    order_id: int,
    *,
    reason: str,
    actor: Actor,
    expected_version: int | None = None,
) -> OrderResult:
    """Cancel an interest or a delivery at the client's request; the task leaves the phone."""
    order = orders.cancel(
        session, order_id, reason=reason, actor=actor.login, expected_version=expected_version
    )
    return _result(session, order)


def order_details(session: Session, order_id: int) -> dict[str, Any]:
    """The order with its lines, tasks and audit trail, as `dispatch order` prints it."""
    return order_record(orders.get_order(session, order_id))


def _reason_info(reason: RejectReason) -> ReasonInfo:
    return ReasonInfo(reason.id, reason.name, reason.active)


def reject_reason_id(session: Session, reason: int | str | None) -> int | None:
    """A reason's id from its id (as a number or digits) or its exact text, any case."""
    if reason is None or isinstance(reason, int):
        return reason
    if reason.isdigit():
        return int(reason)
    listed = orders.reject_reasons(session)
    for row in listed:
        if row.name.casefold() == reason.strip().casefold():
            return row.id
    names = ", ".join(r.name for r in listed)
    raise ValidationError(f"{reason!r} is not in the list of reject reasons ({names}).")


def list_reject_reasons(session: Session) -> list[ReasonInfo]:
    """The reasons offered to operators."""
    return [_reason_info(r) for r in orders.reject_reasons(session)]


def add_reject_reason(session: Session, name: str, *, actor: Actor) -> ReasonInfo:
    """Offer one more reason (or offer an old one again); shift leads and admins."""
    require_role(actor, UserRole.LEAD, action="edit the reject reasons")
    reason = orders.add_reject_reason(session, name)
    session.flush()
    return _reason_info(reason)


def remove_reject_reason(session: Session, reason_id: int, *, actor: Actor) -> ReasonInfo:
    """Stop offering a reason; orders rejected with it keep it (shift leads and admins)."""
    require_role(actor, UserRole.LEAD, action="edit the reject reasons")
    return _reason_info(orders.deactivate_reject_reason(session, reason_id))

# Long (over 500 lines): every transition and its side effects stay in one place (DESIGN.md),
# and so do the edits of a sent order, which must follow the same rule for the task.
"""The order state machine: the one place that changes an order's state, with its side effects.

INTEREST → DELIVERY → CLOSED; INTEREST → REJECTED (reason required);
DELIVERY → INTEREST when a delivery fails (flagged for reschedule);
DELIVERY → DELIVERY when the courier or slot changes (old task cancelled, new one created);
INTEREST or DELIVERY → CANCELLED at the client's request (reason required; the task is
taken off the courier's phone).

One rule for changing an order that was sent: a change of WHAT or WHERE (lines, address,
comment, payment method; `edit_order`) updates the SAME courier task — its version goes up by
one and one outbox upsert carries the new task with a note of what changed, so the phone
shows the changed task with a notice. A change of WHO or WHEN (courier, date, window;
`reassign`) moves the task: the old one is cancelled on the old courier's phone and a new one
is created. An edit of an interest touches no task. A change or cancel that would reach a
task the courier already marked done or failed is refused with a message that says so.

Each change writes an audit row, and the courier task and outbox message of a change are
added to the same session, so they commit together or not at all.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatcher import outbox, task_limits
from dispatcher.catalog import price_for, product_by_code
from dispatcher.clients import get_client
from dispatcher.couriers import get_courier
from dispatcher.errors import (
    ConcurrentEditError,
    DomainText,
    IllegalTransitionError,
    NotFoundError,
    ValidationError,
    translatable,
)
from dispatcher.models import (
    ACTIVE_TASK_STATUSES,
    Address,
    Contact,
    CourierTask,
    Order,
    OrderEvent,
    OrderLine,
    OrderState,
    PaymentTerms,
    RejectReason,
    TaskStatus,
    new_uid,
    utcnow,
)
from dispatcher.moscow import MOSCOW as MOSCOW  # re-exported: callers import it from here
from dispatcher.moscow import moscow_today

logger = logging.getLogger(__name__)

STATE_NAMES = {
    OrderState.INTEREST: translatable("an interest"),
    OrderState.DELIVERY: translatable("out for delivery"),
    OrderState.CLOSED: translatable("closed"),
    OrderState.REJECTED: translatable("rejected"),
    OrderState.CANCELLED: translatable("cancelled"),
}


class Action(StrEnum):
    """What can be done to an order."""

    DELIVER = "deliver"
    CLOSE = "close"
    REJECT = "reject"
    FAIL = "fail"
    REASSIGN = "reassign"
    CANCEL = "cancel"


# An edit is no transition (the state stays), so it is not an Action; its audit rows say this.
EDIT = "edit"


# One sentence per action rather than an action name put into a sentence: a translation
# needs different words for the same English one ("closed": закрыт as a state, закрыть as
# an action).
REFUSALS = {
    Action.DELIVER: translatable("Order #{order_id} is {state}: it cannot be sent to delivery."),
    Action.CLOSE: translatable("Order #{order_id} is {state}: it cannot be closed."),
    Action.REJECT: translatable("Order #{order_id} is {state}: it cannot be rejected."),
    Action.FAIL: translatable(
        "Order #{order_id} is {state}: it cannot be marked as a failed delivery."
    ),
    Action.REASSIGN: translatable(
        "Order #{order_id} is {state}: it cannot be given another courier or slot."
    ),
    Action.CANCEL: translatable("Order #{order_id} is {state}: it cannot be cancelled."),
}

# action -> (states it may start from, state it leads to)
TRANSITIONS: dict[Action, tuple[frozenset[OrderState], OrderState]] = {
    Action.DELIVER: (frozenset({OrderState.INTEREST}), OrderState.DELIVERY),
    Action.CLOSE: (frozenset({OrderState.DELIVERY}), OrderState.CLOSED),
    Action.REJECT: (frozenset({OrderState.INTEREST}), OrderState.REJECTED),
    Action.FAIL: (frozenset({OrderState.DELIVERY}), OrderState.INTEREST),
    Action.REASSIGN: (frozenset({OrderState.DELIVERY}), OrderState.DELIVERY),
    Action.CANCEL: (
        frozenset({OrderState.INTEREST, OrderState.DELIVERY}),
        OrderState.CANCELLED,
    ),
}
# An edit keeps the state: these are the states whose lines, address, comment and payment
# may still change.
EDITABLE = frozenset({OrderState.INTEREST, OrderState.DELIVERY})
_EDIT_REFUSAL = translatable("Order #{order_id} is {state}: it cannot be changed any more.")


@dataclass(frozen=True, slots=True)
class LineInput:
    """An order line as entered: a product code and a quantity."""

    product_code: str
    qty: int


@dataclass(frozen=True, slots=True)
class Slot:
    """Who delivers and when: courier, date and an optional time window."""

    courier_id: int
    date: dt.date
    window_start: dt.time | None = None
    window_end: dt.time | None = None

    @classmethod
    def parse_window(cls, text: str) -> tuple[dt.time, dt.time]:
        """A window from 'HH:MM-HH:MM', with a readable error for anything else."""
        try:
            start_s, end_s = (part.strip() for part in text.replace("–", "-").split("-"))
            start = dt.datetime.strptime(start_s, "%H:%M").time()
            end = dt.datetime.strptime(end_s, "%H:%M").time()
        except ValueError:
            raise ValidationError.of(
                "Time window {text!r} is not in the form HH:MM-HH:MM, e.g. 10:00-14:00.", text=text
            ) from None
        return start, end


def _check(order: Order, action: Action) -> OrderState:
    allowed, target = TRANSITIONS[action]
    if order.state not in allowed:
        raise IllegalTransitionError.of(
            REFUSALS[action], order_id=order.id, state=DomainText(STATE_NAMES[order.state])
        )
    return target


def _audit(
    session: Session,
    order: Order,
    action: str,
    from_state: OrderState | None,
    to_state: OrderState,
    actor: str,
    why: str = "",
) -> None:
    session.add(
        OrderEvent(
            order=order,
            actor=actor or "system",
            action=action,
            from_state=from_state,
            to_state=to_state,
            why=why,
        )
    )


def get_order(session: Session, order_id: int, expected_version: int | None = None) -> Order:
    """The order, checked against the version the caller saw (optimistic locking)."""
    order = session.get(Order, order_id)
    if order is None:
        raise NotFoundError.of("Order #{order_id} does not exist.", order_id=order_id)
    if expected_version is not None and order.version != expected_version:
        raise ConcurrentEditError.of(
            "Order #{order_id} was changed by someone else since you opened it "
            "(version {expected}, now {current}). Reload it and try again.",
            order_id=order_id,
            expected=expected_version,
            current=order.version,
        )
    return order


def _lines(session: Session, order: Order, lines: Sequence[LineInput]) -> None:
    count = len(order.lines) + len(lines)
    if count > task_limits.LINES_MAX:
        raise ValidationError.of(
            "The order has {count} lines; the courier's phone takes {limit}.",
            count=count,
            limit=task_limits.LINES_MAX,
        )
    for line in lines:
        task_limits.check_quantity(line.product_code, line.qty)
        product = product_by_code(session, line.product_code)
        if not product.active:
            raise ValidationError.of("{product} is no longer sold.", product=product.name)
        order.lines.append(
            OrderLine(
                product=product, qty=line.qty, price_kop=price_for(session, order.client, product)
            )
        )


def create_order(
    session: Session,
    client_id: int,
    lines: Sequence[LineInput],
    *,
    actor: str,
    address_id: int | None = None,
    contact_id: int | None = None,
    comment: str = "",
    source_interaction_id: int | None = None,
    idempotency_key: str | None = None,
) -> Order:
    """Capture an interest for a client, priced from the client's price list."""
    client = get_client(session, client_id)
    if client.merged_into_id is not None:
        raise ValidationError.of(
            "Client #{client_id} was merged into #{target_id}: use that one.",
            client_id=client.id,
            target_id=client.merged_into_id,
        )
    comment = comment.strip()
    # The comment is for the courier: an interest that could never reach the phone is refused
    # while the operator is still on the line, not when it is sent.
    task_limits.check_comment(comment)
    order = Order(
        client=client,
        state=OrderState.INTEREST,
        payment_method=client.payment_terms,
        comment=comment,
        source_interaction_id=source_interaction_id,
        idempotency_key=idempotency_key,
    )
    if contact_id is not None:
        contact = session.get(Contact, contact_id)
        if contact is None or contact.client_id != client.id:
            raise ValidationError.of(
                "Contact #{contact_id} is not a contact of {client}.",
                contact_id=contact_id,
                client=client.name,
            )
        order.contact = contact
    if address_id is not None:
        order.address = _client_address(session, client.id, address_id)
    elif len(client.addresses) == 1:
        order.address = client.addresses[0]
    _lines(session, order, lines)
    session.add(order)
    _audit(session, order, "create", None, OrderState.INTEREST, actor)
    session.flush()
    return order


def _client_address(session: Session, client_id: int, address_id: int) -> Address:
    address = session.get(Address, address_id)
    if address is None or address.client_id != client_id:
        raise ValidationError.of(
            "Address #{address_id} is not a delivery point of this client.", address_id=address_id
        )
    return address


def repeat_order(session: Session, order_id: int, *, actor: str, **kwargs: object) -> Order:
    """A new interest with the lines and address of an earlier order, at today's prices."""
    source = get_order(session, order_id)
    lines = [LineInput(line.product.code, line.qty) for line in source.lines]
    return create_order(
        session,
        source.client_id,
        lines,
        actor=actor,
        address_id=source.address_id,
        contact_id=source.contact_id,
        **kwargs,  # type: ignore[arg-type]
    )


def _validate_slot(session: Session, slot: Slot, today: dt.date | None) -> None:
    courier = get_courier(session, slot.courier_id)
    if not courier.active:
        raise ValidationError.of("Courier {courier} is not working any more.", courier=courier.name)
    if slot.date < (today or moscow_today()):
        raise ValidationError.of("Delivery date {date:%d.%m.%Y} is in the past.", date=slot.date)
    if (slot.window_start is None) != (slot.window_end is None):
        raise ValidationError.of("A time window needs both a start and an end.")
    # The phone gets the window in whole minutes (HH:MM): 10:00:30-10:00:50 is no window.
    if (
        slot.window_start
        and slot.window_end
        and _minutes(slot.window_start) >= _minutes(slot.window_end)
    ):
        raise ValidationError.of(
            "The time window {start:%H:%M}-{end:%H:%M} ends before it starts.",
            start=slot.window_start,
            end=slot.window_end,
        )


def _minutes(moment: dt.time) -> dt.time:
    return moment.replace(second=0, microsecond=0)


def _new_task(session: Session, order: Order, slot: Slot) -> CourierTask:
    address = order.address
    assert address is not None
    payment = order.payment_method
    task = CourierTask(
        order=order,
        courier_id=slot.courier_id,
        delivery_date=slot.date,
        window_start=slot.window_start,
        window_end=slot.window_end,
        address_snapshot=_snapshot(address),
        items=_items(order),
        amount_kop=order.total_kop if payment is PaymentTerms.CASH else 0,
        payment_method=payment,
        status=TaskStatus.NEW,
        # Set here rather than at flush: the payload is built and checked before any insert,
        # so a total too large for the amount column is refused with a message, not a DataError.
        uid=new_uid(),
        version=1,
    )
    # Checked against the sync contract here, in the transaction: a refusal rolls back the
    # whole change, so no order is ever in delivery with a task its courier cannot receive.
    # The task is already in the session (through order.tasks): no flush until it passed.
    with session.no_autoflush:
        outbox.enqueue_task(session, task, order)
    session.add(task)
    session.flush()
    return task


def active_task(session: Session, order: Order) -> CourierTask | None:
    """The order's task that is still on a courier's phone, if any."""
    return session.scalars(
        select(CourierTask).where(
            CourierTask.order_id == order.id, CourierTask.status.in_(ACTIVE_TASK_STATUSES)
        )
    ).first()


def _end_task(
    session: Session, task: CourierTask, status: TaskStatus, reason: str, notify: bool
) -> None:
    task.status = status
    task.failure_reason = reason
    task.version += 1
    if notify:
        outbox.enqueue_cancel(session, task, reason)


def send_to_delivery(
    session: Session,
    order_id: int,
    slot: Slot,
    *,
    actor: str,
    expected_version: int | None = None,
    address_id: int | None = None,
    today: dt.date | None = None,
) -> Order:
    """Move an interest to delivery: one courier task and one outbox message, atomically."""
    order = get_order(session, order_id, expected_version)
    target = _check(order, Action.DELIVER)
    if address_id is not None:
        order.address = _client_address(session, order.client_id, address_id)
    # Whole sentences per case rather than a joined list: a translation needs the grammar.
    if order.address is None and not order.lines:
        raise ValidationError.of(
            "Order #{order_id} cannot go to delivery without a delivery address and at least "
            "one product.",
            order_id=order.id,
        )
    if order.address is None:
        raise ValidationError.of(
            "Order #{order_id} cannot go to delivery without a delivery address.",
            order_id=order.id,
        )
    if not order.lines:
        raise ValidationError.of(
            "Order #{order_id} cannot go to delivery without at least one product.",
            order_id=order.id,
        )
    _validate_slot(session, slot, today)
    if active_task(session, order) is not None:
        raise IllegalTransitionError.of(
            "Order #{order_id} already has a task on a courier's phone.", order_id=order.id
        )
    before = order.state
    order.state = target
    order.courier_id = slot.courier_id
    order.delivery_date = slot.date
    order.window_start, order.window_end = slot.window_start, slot.window_end
    order.needs_reschedule = False
    _new_task(session, order, slot)
    _audit(session, order, Action.DELIVER, before, target, actor, _slot_text(session, slot))
    session.flush()
    logger.info("order sent to delivery", extra={"order_id": order.id})
    return order


def _slot_text(session: Session, slot: Slot) -> str:
    courier = get_courier(session, slot.courier_id)
    window = (
        f" {slot.window_start:%H:%M}-{slot.window_end:%H:%M}"
        if slot.window_start and slot.window_end
        else ""
    )
    return f"{courier.name}, {slot.date:%d.%m.%Y}{window}"


# What the courier's phone says about a task whose order was closed on the desk.
CLOSED_ON_DESK = "closed by the dispatcher"


def close(
    session: Session,
    order_id: int,
    *,
    actor: str,
    collected_kop: int | None = None,
    bottles_returned: int | None = None,
    expected_version: int | None = None,
    why: str = "",
    notify_courier: bool = True,
) -> Order:
    """Close a delivered order, recording what the courier collected.

    Closed on the desk (the courier phoned it in, or the lead settles it), the task ends on
    the courier's phone too; closed by the courier's own Done, the phone already knows.
    """
    order = get_order(session, order_id, expected_version)
    target = _check(order, Action.CLOSE)
    if collected_kop is not None and collected_kop < 0:
        raise ValidationError.of("The collected amount cannot be negative.")
    if bottles_returned is not None and bottles_returned < 0:
        raise ValidationError.of("The number of returned bottles cannot be negative.")
    task = active_task(session, order)
    if task is not None:
        _end_task(session, task, TaskStatus.DONE, "", notify=False)
        if notify_courier:  # done here, but on the phone it is withdrawn, with why
            outbox.enqueue_cancel(session, task, CLOSED_ON_DESK)
    before = order.state
    order.state = target
    order.collected_kop = collected_kop
    order.bottles_returned = bottles_returned
    _audit(session, order, Action.CLOSE, before, target, actor, why)
    session.flush()
    return order


def reject(
    session: Session,
    order_id: int,
    *,
    reason_id: int | None,
    actor: str,
    why: str = "",
    expected_version: int | None = None,
) -> Order:
    """Close an interest as lost, with a reason from the list of reject reasons."""
    order = get_order(session, order_id, expected_version)
    target = _check(order, Action.REJECT)
    if reason_id is None:
        raise ValidationError.of("Choose why the interest was rejected.")
    reason = session.get(RejectReason, reason_id)
    if reason is None or not reason.active:
        raise ValidationError.of(
            "Reject reason #{reason_id} is not in the list of reasons.", reason_id=reason_id
        )
    before = order.state
    order.state = target
    order.reject_reason = reason
    _audit(session, order, Action.REJECT, before, target, actor, why or reason.name)
    session.flush()
    return order


def fail(
    session: Session,
    order_id: int,
    *,
    reason: str,
    actor: str,
    expected_version: int | None = None,
    notify_courier: bool = True,
) -> Order:
    """A delivery did not happen: back to interest, flagged for reschedule, reason kept."""
    order = get_order(session, order_id, expected_version)
    target = _check(order, Action.FAIL)
    reason = reason.strip()
    if not reason:
        raise ValidationError.of("Say why the delivery failed.")
    task = active_task(session, order)
    if task is not None:
        _end_task(session, task, TaskStatus.FAILED, reason, notify=notify_courier)
    before = order.state
    order.state = target
    order.fail_reason = reason
    order.needs_reschedule = True
    _audit(session, order, Action.FAIL, before, target, actor, reason)
    session.flush()
    return order


def reassign(
    session: Session,
    order_id: int,
    slot: Slot,
    *,
    actor: str,
    why: str = "",
    expected_version: int | None = None,
    today: dt.date | None = None,
) -> Order:
    """Give a delivery another courier or slot: the old task is cancelled, a new one created."""
    order = get_order(session, order_id, expected_version)
    target = _check(order, Action.REASSIGN)
    _validate_slot(session, slot, today)
    same = (
        order.courier_id == slot.courier_id
        and order.delivery_date == slot.date
        and order.window_start == slot.window_start
        and order.window_end == slot.window_end
    )
    if same:
        raise ValidationError.of(
            "Order #{order_id} already has this courier and slot.", order_id=order.id
        )
    old = active_task(session, order)
    if old is not None:
        _end_task(session, old, TaskStatus.CANCELLED, why or "reassigned", notify=True)
        session.flush()  # the old task must stop being active before the new one is inserted
    order.courier_id = slot.courier_id
    order.delivery_date = slot.date
    order.window_start, order.window_end = slot.window_start, slot.window_end
    _new_task(session, order, slot)
    text = _slot_text(session, slot)
    _audit(
        session,
        order,
        Action.REASSIGN,
        order.state,
        target,
        actor,
        f"{why}: {text}" if why else text,
    )
    session.flush()
    return order


# Refusals of a change that comes after the courier finished the task: said per action,
# because "changed" and "cancelled" need their own sentences in a translation.
_DONE_REFUSALS: dict[str, str] = {
    EDIT: translatable(
        "Order #{order_id} was already delivered: the courier marked the task done, "
        "so it cannot be changed."
    ),
    Action.CANCEL: translatable(
        "Order #{order_id} was already delivered: the courier marked the task done, "
        "so it cannot be cancelled."
    ),
}
_FAILED_REFUSALS: dict[str, str] = {
    EDIT: translatable(
        "The courier marked order #{order_id} as not delivered ({reason}) before your change "
        "arrived: nothing was sent. The order is back among interests; reload it."
    ),
    Action.CANCEL: translatable(
        "The courier marked order #{order_id} as not delivered ({reason}) before your "
        "cancellation arrived: nothing was sent. The order is back among interests; reload it."
    ),
}


def _last_task(session: Session, order: Order) -> CourierTask | None:
    return session.scalars(
        select(CourierTask).where(CourierTask.order_id == order.id).order_by(CourierTask.id.desc())
    ).first()


def _refuse_finished(
    session: Session, order: Order, action: str, expected_version: int | None
) -> None:
    """Refuse a change that would reach a task the courier already marked done or failed.

    Checked before the version: a desk holding an old version learns what the courier did,
    not only that "someone" changed the order.
    """
    stale = expected_version is not None and expected_version != order.version
    if order.state is OrderState.DELIVERY and not stale:
        return
    last = _last_task(session, order)
    if last is None:
        return
    if last.status is TaskStatus.DONE and order.state is OrderState.CLOSED:
        raise IllegalTransitionError.of(_DONE_REFUSALS[action], order_id=order.id)
    if last.status is TaskStatus.FAILED and order.state is OrderState.INTEREST and stale:
        raise IllegalTransitionError.of(
            _FAILED_REFUSALS[action], order_id=order.id, reason=last.failure_reason
        )


def _replace_lines(session: Session, order: Order, lines: Sequence[LineInput]) -> None:
    """Set the order's lines to `lines` (quantities of one product added up).

    A product already on the order keeps the price it was taken at, whatever its quantity
    now; a product added by the edit is priced as of today (the client's price list).
    """
    wanted: dict[str, int] = {}
    for line in lines:
        task_limits.check_quantity(line.product_code, line.qty)
        wanted[line.product_code] = wanted.get(line.product_code, 0) + line.qty
    if len(wanted) > task_limits.LINES_MAX:
        raise ValidationError.of(
            "The order has {count} lines; the courier's phone takes {limit}.",
            count=len(wanted),
            limit=task_limits.LINES_MAX,
        )
    kept: set[str] = set()
    for existing in list(order.lines):
        code = existing.product.code
        if code in wanted and code not in kept:
            kept.add(code)
            task_limits.check_quantity(code, wanted[code])
            existing.qty = wanted[code]
        else:
            order.lines.remove(existing)
    for code, qty in wanted.items():
        if code in kept:
            continue
        product = product_by_code(session, code)
        if not product.active:
            raise ValidationError.of("{product} is no longer sold.", product=product.name)
        price = price_for(session, order.client, product)
        order.lines.append(OrderLine(product=product, qty=qty, price_kop=price))


def _snapshot(address: Address) -> dict[str, object]:
    return {
        "text": address.text,
        "entrance": address.entrance,
        "floor": address.floor,
        "flat": address.flat,
        "notes": address.courier_notes,
        "lat": address.lat,
        "lon": address.lon,
    }


def _items(order: Order) -> list[dict[str, object]]:
    return [
        {
            "code": line.product.code,
            "name": line.product.name,
            "qty": line.qty,
            "price_kop": line.price_kop,
        }
        for line in order.lines
    ]


def _what(order: Order) -> tuple[object, ...]:
    """What an edit may change, to tell a real change from a save of the same values."""
    # Read through the relationships: the id columns move only at flush, and this runs without.
    lines = tuple((line.product.code, line.qty, line.price_kop) for line in order.lines)
    address = order.address.id if order.address is not None else None
    return lines, address, order.comment, order.payment_method


def _edit_text(changes: dict[str, object] | None, order: Order) -> str:
    """The audit row's why: which lines went from what to what, and which parts changed."""
    if not changes:
        return ""
    parts = [
        f"{item['name']}: {item['was']} → {item['now']}"  # type: ignore[index]
        for item in changes["items"]  # type: ignore[attr-defined]
    ]
    if changes["address"]:
        parts.append(f"address: {order.address.text if order.address else ''}")
    if changes["comment"]:
        parts.append("comment")
    if changes["payment"]:
        parts.append(f"payment: {order.payment_method}")
    return "; ".join(parts)


def edit_order(
    session: Session,
    order_id: int,
    *,
    actor: str,
    lines: Sequence[LineInput] | None = None,
    address_id: int | None = None,
    comment: str | None = None,
    payment_method: PaymentTerms | None = None,
    expected_version: int | None = None,
) -> Order:
    """Change what or where of an interest or a delivery; a delivery's task is updated in place.

    ``lines`` is the whole new list (None: unchanged). Lines already on the order keep the
    price they were taken at; products added now get today's price. In delivery the same
    courier task gets version + 1 and one outbox upsert with a note of what changed.
    """
    order = get_order(session, order_id)
    _refuse_finished(session, order, EDIT, expected_version)
    order = get_order(session, order_id, expected_version)
    if order.state not in EDITABLE:
        raise IllegalTransitionError.of(
            _EDIT_REFUSAL, order_id=order.id, state=DomainText(STATE_NAMES[order.state])
        )
    task = active_task(session, order) if order.state is OrderState.DELIVERY else None
    before_payload = outbox.task_payload(task, order) if task is not None else None
    before = _what(order)
    with session.no_autoflush:
        if lines is not None:
            _replace_lines(session, order, lines)
        if address_id is not None and address_id != order.address_id:
            address = _client_address(session, order.client_id, address_id)
            if address.retired:
                raise ValidationError.of(
                    "Address #{address_id} is no longer a delivery point of this client.",
                    address_id=address_id,
                )
            order.address = address
        if comment is not None:
            comment = comment.strip()
            task_limits.check_comment(comment)
            order.comment = comment
        if payment_method is not None:
            order.payment_method = PaymentTerms(payment_method)
        if _what(order) == before:
            raise ValidationError.of(
                "Order #{order_id} already has these products, address, comment and payment "
                "method: there is nothing to change.",
                order_id=order.id,
            )
        if order.state is OrderState.DELIVERY and not order.lines:
            raise ValidationError.of(
                "Order #{order_id} is out for delivery and needs at least one product; "
                "to call the delivery off, cancel the order.",
                order_id=order.id,
            )
        changes = None
        if task is not None and before_payload is not None:
            assert order.address is not None  # an order in delivery always has one
            task.address_snapshot = _snapshot(order.address)
            task.items = _items(order)
            task.payment_method = order.payment_method
            task.amount_kop = order.total_kop if order.payment_method is PaymentTerms.CASH else 0
            task.version += 1
            changes = outbox.task_changes(before_payload, outbox.task_payload(task, order))
            # Checked against the contract before anything is written: a refusal rolls back.
            outbox.enqueue_task(session, task, order, changes)
        order.updated_at = utcnow()  # the version moves on even when only the lines changed
    _audit(session, order, EDIT, order.state, order.state, actor, _edit_text(changes, order))
    session.flush()
    logger.info("order edited", extra={"order_id": order.id})
    return order


def cancel(
    session: Session,
    order_id: int,
    *,
    reason: str,
    actor: str,
    expected_version: int | None = None,
) -> Order:
    """Cancel an interest or a delivery (the client's request); the task leaves the phone."""
    order = get_order(session, order_id)
    _refuse_finished(session, order, Action.CANCEL, expected_version)
    order = get_order(session, order_id, expected_version)
    target = _check(order, Action.CANCEL)
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError.of("Say why the order is cancelled, e.g. the client's request.")
    task_limits.check_cancel({"reason": reason})
    task = active_task(session, order)
    if task is not None:
        _end_task(session, task, TaskStatus.CANCELLED, reason, notify=True)
    before = order.state
    order.state = target
    order.needs_reschedule = False
    _audit(session, order, Action.CANCEL, before, target, actor, reason)
    session.flush()
    logger.info("order cancelled", extra={"order_id": order.id})
    return order


def reject_reasons(session: Session, include_inactive: bool = False) -> list[RejectReason]:
    """The editable list of reasons an interest can be rejected with."""
    stmt = select(RejectReason).order_by(RejectReason.id)
    if not include_inactive:
        stmt = stmt.where(RejectReason.active)
    return list(session.scalars(stmt))


def add_reject_reason(session: Session, name: str) -> RejectReason:
    """Add a reason to the list (or re-activate it)."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError.of("A reject reason needs a text.")
    existing = session.scalars(select(RejectReason).where(RejectReason.name == name)).first()
    if existing is not None:
        existing.active = True
        return existing
    reason = RejectReason(name=name)
    session.add(reason)
    session.flush()
    return reason


def deactivate_reject_reason(session: Session, reason_id: int) -> RejectReason:
    """Remove a reason from the list offered to operators; old orders keep it."""
    reason = session.get(RejectReason, reason_id)
    if reason is None:
        raise NotFoundError.of("Reject reason #{reason_id} does not exist.", reason_id=reason_id)
    reason.active = False
    return reason

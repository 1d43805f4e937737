"""Courier events from the sync service, applied to orders through `dispatcher.orders`, once each.

Each event is recorded in `courier_events` by its event_id, in the same transaction as its
effect and as the new feed position (`relay_state`), so a crash between reading the feed
and committing simply reads the same events again, and a repeated event changes nothing.

An event for a task that is no longer its order's live task (the order was reassigned,
cancelled or already finished) is recorded as `stale` and leaves the order alone.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatcher import orders
from dispatcher.errors import DomainError
from dispatcher.models import (
    Courier,
    CourierEvent,
    CourierTask,
    Order,
    OrderEvent,
    OrderState,
    RelayState,
    TaskStatus,
    UserRole,
    utcnow,
)
from dispatcher.operations import complaints
from dispatcher.users import Actor

logger = logging.getLogger(__name__)

FEED_CURSOR = "courier_feed_cursor"

APPLIED = "applied"
STALE = "stale"
UNKNOWN_TASK = "unknown_task"
REFUSED = "refused"
DUPLICATE = "duplicate"


@dataclass(frozen=True, slots=True)
class IncomingEvent:
    """A courier's event as read from the feed (the relay builds it from the contract)."""

    cursor: int
    courier_id: int
    event_id: str
    task_uid: str
    kind: str  # accepted / done / failed
    at: dt.datetime
    collected_kop: int | None = None
    bottles_returned: int | None = None
    reason: str | None = None
    proposed_time: str | None = None
    complaint: str | None = None  # what the client complained of to the courier (failed only)
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What applying one event did."""

    event_id: str
    outcome: str
    order_id: int | None = None
    detail: str = ""


def actor(courier_id: int) -> str:
    """The audit actor of a courier's own action."""
    return f"courier:{courier_id}"


def feed_cursor(session: Session) -> int:
    """The feed position up to which events were applied (0 before the first)."""
    row = session.get(RelayState, FEED_CURSOR)
    return int(row.value) if row is not None else 0


def save_feed_cursor(session: Session, cursor: int) -> None:
    """Remember the feed position; commit it with the events it covers."""
    row = session.get(RelayState, FEED_CURSOR)
    if row is None:
        session.add(RelayState(name=FEED_CURSOR, value=str(cursor)))
    elif int(row.value) < cursor:
        row.value = str(cursor)


def _courier_actor(session: Session, task: CourierTask) -> Actor:
    """The courier as the registrar of a complaint: "courier:<name>"."""
    courier = session.get(Courier, task.courier_id)
    name = courier.name if courier is not None else f"#{task.courier_id}"
    return Actor(f"courier:{name}"[:64], name, UserRole.OPERATOR)


def failure_text(reason: str | None, proposed_time: str | None) -> str:
    """The failure reason as the shift lead reads it, with the courier's proposed new time."""
    text = (reason or "").strip() or "no reason given"
    proposed = (proposed_time or "").strip()
    return f"{text} (courier proposes: {proposed})" if proposed else text


def split_failure_text(text: str | None) -> tuple[str, str]:
    """(the courier's reason, the time proposed) back from a `failure_text` ("" if none)."""
    reason, marker, proposed = (text or "").partition(" (courier proposes: ")
    if not marker or not proposed.endswith(")"):
        return text or "", ""
    return reason, proposed[:-1]


def _live(session: Session, task: CourierTask) -> Order | None:
    order = task.order
    if order.state is not OrderState.DELIVERY:
        return None
    current = orders.active_task(session, order)
    return order if current is not None and current.id == task.id else None


def _apply(session: Session, event: IncomingEvent, task: CourierTask) -> tuple[str, str]:
    order = _live(session, task)
    if order is None:
        return STALE, f"task is {task.status}; the order is {task.order.state}"
    who = actor(event.courier_id)
    if event.kind == "accepted":
        if task.status is TaskStatus.ACCEPTED:
            return STALE, "already accepted"
        task.status = TaskStatus.ACCEPTED
        order.courier_accepted_at = event.at
        session.add(
            OrderEvent(
                order=order,
                actor=who,
                action="courier_accepted",
                from_state=order.state,
                to_state=order.state,
                why=f"accepted at {event.at:%d.%m.%Y %H:%M} UTC",
            )
        )
    elif event.kind == "done":
        orders.close(
            session,
            order.id,
            actor=who,
            collected_kop=event.collected_kop,
            bottles_returned=event.bottles_returned,
            why="delivered (courier's phone)",
            notify_courier=False,
        )
    elif event.kind == "failed":
        note = (event.complaint or "").strip()
        reason_id = complaints.courier_complaint_reason(session) if note else None
        failure = failure_text(event.reason, event.proposed_time)
        if note and reason_id is None:  # no reason to file it under: keep the words at least
            logger.warning("courier complaint on order %d: no active complaint reason", order.id)
            failure += f"; client complains: {note}"
        orders.fail(session, order.id, reason=failure, actor=who, notify_courier=False)
        if reason_id is not None:
            # The same transaction as the failure: both are applied, or neither.
            courier = _courier_actor(session, task)
            complaints.register_courier_complaint(
                session, order.id, note, reason_id, actor=courier, now=event.at
            )
    else:
        return REFUSED, f"unknown event kind {event.kind!r}"
    return APPLIED, ""


def apply_event(session: Session, event: IncomingEvent) -> Outcome:
    """Apply one event unless its event_id was seen before; records it either way."""
    seen = session.scalar(select(CourierEvent.id).where(CourierEvent.event_id == event.event_id))
    if seen is not None:
        return Outcome(event.event_id, DUPLICATE)
    task = session.scalar(select(CourierTask).where(CourierTask.uid == event.task_uid))
    order_id = task.order_id if task is not None else None
    if task is None:
        outcome, detail = UNKNOWN_TASK, "no such task here"
    elif task.courier_id != event.courier_id:
        outcome, detail = REFUSED, f"the task belongs to courier #{task.courier_id}"
    else:
        # No savepoint (pysqlite's SAVEPOINT would commit early): `close` and `fail` check
        # every rule before they change anything, so a refusal leaves the session clean.
        try:
            outcome, detail = _apply(session, event, task)
        except DomainError as exc:
            outcome, detail = REFUSED, str(exc)
    session.add(
        CourierEvent(
            event_id=event.event_id,
            cursor=event.cursor,
            task_uid=event.task_uid,
            courier_id=event.courier_id,
            order_id=order_id,
            kind=event.kind,
            at=event.at,
            payload=event.payload,
            outcome=outcome,
            detail=detail,
            received_at=utcnow(),
        )
    )
    session.flush()
    if outcome != APPLIED:
        logger.info("courier event %s: %s (%s)", event.event_id, outcome, detail)
    return Outcome(event.event_id, outcome, order_id, detail)


def apply_events(session: Session, events: Iterable[IncomingEvent]) -> list[Outcome]:
    """Apply a page of the feed in cursor order and move the saved cursor past it."""
    results = []
    last = None
    for event in sorted(events, key=lambda e: e.cursor):
        results.append(apply_event(session, event))
        last = event.cursor
    if last is not None:
        save_feed_cursor(session, last)
    return results


def events_of_order(session: Session, order_id: int) -> list[CourierEvent]:
    """The courier events recorded for an order, oldest first (for the order's history)."""
    return list(
        session.scalars(
            select(CourierEvent)
            .where(CourierEvent.order_id == order_id)
            .order_by(CourierEvent.cursor, CourierEvent.id)
        )
    )

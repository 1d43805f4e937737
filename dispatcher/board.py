"""The shift lead's board: one day per courier, and the queues of problems, as plain data.

This module is the contract between the board's queries (filled in here) and the board window
(app/board.py and app/widgets/board_window.py): frozen dataclasses, no ORM rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session  # stand-in imports, replaced by branch boarddata


class ProblemKind(StrEnum):
    """Why an order is in a queue above the columns."""

    FAILED = "failed"  # the courier could not deliver: reschedule it
    NOT_SENT = "not_sent"  # an interest taken but not sent to delivery
    NOT_ACCEPTED = "not_accepted"  # today's delivery not accepted an hour before its window
    COURIER_UNAVAILABLE = "courier_unavailable"  # its courier is deactivated or off that day


@dataclass(frozen=True, slots=True)
class BoardTask:
    """One delivery on a courier's column, as the phone last reported it."""

    order_id: int
    version: int  # the order's version: a move names it (optimistic lock)
    client_id: int
    client_name: str
    client_phone: str  # E.164, for "call the client"; "" when the client has none
    address: str
    items: str  # "Вода 19 л × 2, Помпа × 1"
    bottles: int  # 19 l bottles planned, against the courier's capacity
    amount_kop: int  # to collect
    window_start: dt.time | None
    window_end: dt.time | None
    status: str  # new / sent / accepted / done / failed / cancelled (TaskStatus values)
    failure_reason: str
    collected_kop: int | None
    last_event_at: dt.datetime | None  # the phone's last word on this task
    outside_hours: bool  # the slot is outside the courier's working hours


@dataclass(frozen=True, slots=True)
class CourierColumn:
    """A courier working that day (or holding deliveries that day) and their deliveries."""

    courier_id: int
    name: str
    phone: str  # E.164: the operator may forward a call to the courier
    active: bool
    works_that_day: bool
    capacity: int  # bottles per trip
    tasks: tuple[BoardTask, ...]  # in slot order
    bottles_planned: int
    over_capacity: bool
    per_window: tuple[tuple[str, int], ...]  # ("09:00–12:00", 4), in window order
    done: int
    failed: int
    left: int
    collected_kop: int
    to_collect_kop: int
    last_action_at: dt.datetime | None  # the phone's last event of the day


@dataclass(frozen=True, slots=True)
class Problem:
    """An order in one of the queues above the columns, with what the lead needs to act."""

    kind: ProblemKind
    order_id: int
    version: int
    client_id: int
    client_name: str
    client_phone: str
    courier_id: int | None
    courier_name: str
    day: dt.date | None
    window_start: dt.time | None
    window_end: dt.time | None
    reason: str  # the courier's failure reason, or why the courier is unavailable
    proposed: str  # the time the client proposed (from the courier's note), "" if none
    since: dt.datetime | None  # when it became a problem


@dataclass(frozen=True, slots=True)
class BoardDay:
    """The board of one day: the problems first, then one column per courier."""

    day: dt.date
    problems: tuple[Problem, ...]
    columns: tuple[CourierColumn, ...]
    stamp: int  # the change stamp it was read at (dispatcher.changes)


# ---- stand-in, replaced by branch boarddata --------------------------------------------------
# A plain ORM read so the board window can run before the real query (one round trip,
# notifications, courier progress from the phone's events) lands. Drop this block at merge.


def board_day(session: Session, day: dt.date, now: dt.datetime | None = None) -> BoardDay:
    """Stand-in, replaced by branch boarddata: the board of ``day`` read row by row."""
    from dispatcher.couriers import works_on
    from dispatcher.models import Courier, CourierTask, Order, OrderState, TaskStatus

    now = now or dt.datetime.now(dt.UTC)
    tasks = [
        t
        for t in session.scalars(
            select(CourierTask).where(CourierTask.delivery_date == day).order_by(CourierTask.id)
        )
        if t.status is not TaskStatus.CANCELLED or t.order.state is OrderState.CLOSED
    ]
    by_courier: dict[int, list[BoardTask]] = {}
    problems: list[Problem] = []
    for t in tasks:
        o = t.order
        phones = o.client.phones
        line = BoardTask(
            order_id=o.id,
            version=o.version,
            client_id=o.client_id,
            client_name=o.client.name,
            client_phone=phones[0].e164 if phones else "",
            address=str(t.address_snapshot.get("text", "")),
            items=", ".join(f"{i.get('name', '')} × {i.get('qty', 0)}" for i in t.items),
            bottles=sum(int(i.get("qty", 0)) for i in t.items if i.get("code") == "W19"),
            amount_kop=t.amount_kop,
            window_start=t.window_start,
            window_end=t.window_end,
            status=t.status.value,
            failure_reason=t.failure_reason,
            collected_kop=o.collected_kop,
            last_event_at=t.updated_at if t.status is not TaskStatus.NEW else None,
            outside_hours=bool(
                t.courier.work_start
                and t.window_start
                and (t.window_start < t.courier.work_start or t.window_end > t.courier.work_end)
            ),
        )
        by_courier.setdefault(t.courier_id, []).append(line)
    couriers = {c.id: c for c in session.scalars(select(Courier).order_by(Courier.name))}
    columns = []
    for c in couriers.values():
        mine = sorted(
            by_courier.get(c.id, []),
            key=lambda b: (b.window_start or dt.time(0), b.order_id),
        )
        works = c.active and works_on(c.work_days, day)
        if not works and not mine:
            continue
        windows: dict[str, int] = {}
        for b in mine:
            if b.window_start and b.window_end:
                key = f"{b.window_start:%H:%M}–{b.window_end:%H:%M}"
                windows[key] = windows.get(key, 0) + 1
        live = [b for b in mine if b.status != "cancelled"]
        planned = sum(b.bottles for b in live if b.status != "failed")
        columns.append(
            CourierColumn(
                courier_id=c.id,
                name=c.name,
                phone=c.phone,
                active=c.active,
                works_that_day=works,
                capacity=c.capacity,
                tasks=tuple(mine),
                bottles_planned=planned,
                over_capacity=planned > c.capacity,
                per_window=tuple(sorted(windows.items())),
                done=sum(b.status == "done" for b in live),
                failed=sum(b.status == "failed" for b in live),
                left=sum(b.status in ("new", "sent", "accepted") for b in live),
                collected_kop=sum(b.collected_kop or 0 for b in live),
                to_collect_kop=sum(b.amount_kop for b in live),
                last_action_at=max(
                    (b.last_event_at for b in mine if b.last_event_at), default=None
                ),
            )
        )
        if not works:
            for b in mine:
                if b.status in ("new", "sent", "accepted"):
                    problems.append(_problem(ProblemKind.COURIER_UNAVAILABLE, b, c, day))
    interests = session.scalars(
        select(Order).where(Order.state == OrderState.INTEREST).order_by(Order.id)
    )
    for o in interests:
        phones = o.client.phones
        courier = couriers.get(o.courier_id) if o.courier_id else None
        problems.append(
            Problem(
                kind=ProblemKind.FAILED if o.needs_reschedule else ProblemKind.NOT_SENT,
                order_id=o.id,
                version=o.version,
                client_id=o.client_id,
                client_name=o.client.name,
                client_phone=phones[0].e164 if phones else "",
                courier_id=o.courier_id,
                courier_name=courier.name if courier else "",
                day=o.delivery_date,
                window_start=o.window_start,
                window_end=o.window_end,
                reason=o.fail_reason,
                proposed="",
                since=o.updated_at,
            )
        )
    order = list(ProblemKind)
    problems.sort(key=lambda p: (order.index(p.kind), p.order_id))
    return BoardDay(day, tuple(problems), tuple(columns), 0)


def _problem(kind: ProblemKind, b: BoardTask, courier: Any, day: dt.date) -> Problem:
    reason = "deactivated" if not courier.active else "off that day"
    return Problem(
        kind, b.order_id, b.version, b.client_id, b.client_name, b.client_phone, courier.id,
        courier.name, day, b.window_start, b.window_end, reason, "", None,
    )  # fmt: skip

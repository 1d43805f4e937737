"""The shift lead's board: one day per courier, and the queues of problems, as plain data.

This module is the contract between the board's queries (filled in here) and the board window
(app/board.py and app/widgets/board_window.py): frozen dataclasses, no ORM rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


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

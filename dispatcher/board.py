# Long (over 500 lines): the board contract and the six whole-day queries that fill it.
"""The shift lead's board: one day per courier, and the queues of problems, as plain data.

This module is the contract between the board's queries (filled in here) and the board window
(app/board.py and app/widgets/board_window.py): frozen dataclasses, no ORM rows.

`board_day` reads a whole day in six queries whatever the number of couriers and tasks: the
couriers, the day's tasks (with client, phone and the phone's last event, by index lookups),
the bottle products, the failed deliveries waiting for a new slot, the interests taken
that day, and the portal orders waiting for a desk's confirmation. A column shows each
order's latest task of that day: a delivery moved to another courier or day leaves the old
column (its cancelled task is history), one the client called off stays as cancelled.

What counts as a 19 l bottle (the load against a courier's capacity): a GOODS product whose
unit is a bottle ("бут") or whose name says 19 l ("19 л", "19л", "19 l"). Deposits (the bottle
pledge) and services load nothing. Quantities come from the task's items, i.e. what the
courier's phone was given.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Any

from sqlalchemy import Text, and_, cast, func, select
from sqlalchemy.orm import Session, aliased

from dispatcher.changes import change_stamp
from dispatcher.couriers import Availability, Schedule, check_slot, works_on
from dispatcher.errors import DomainText
from dispatcher.models import (
    ACTIVE_TASK_STATUSES,
    Client,
    Courier,
    CourierEvent,
    CourierTask,
    Order,
    OrderEvent,
    OrderState,
    Phone,
    PortalRequest,
    Product,
    ProductKind,
    TaskStatus,
)
from dispatcher.moscow import MOSCOW

logger = logging.getLogger(__name__)

# A delivery not accepted this long before its window starts is a problem.
ACCEPT_LEAD = dt.timedelta(hours=1)
NO_WINDOW = "—"
_BOTTLE_NAME = re.compile(r"19\s*(л|l)\b", re.IGNORECASE)
_BOTTLE_UNITS = frozenset({"бут", "бут.", "bottle"})
# The suffix dispatcher.courier_events.failure_text puts after the courier's reason.
_PROPOSED = re.compile(r"^(?P<reason>.*) \(courier proposes: (?P<proposed>.*)\)$", re.DOTALL)
_KIND_ORDER = ("failed", "not_accepted", "courier_unavailable", "not_sent", "portal")
# Task statuses as plain strings: 6,000 rows compare them, enum lookups cost ~10 % of a read.
_STATUS_VALUES = {s.value: s.value for s in TaskStatus} | {s: s.value for s in TaskStatus}
_ACTIVE = frozenset(s.value for s in ACTIVE_TASK_STATUSES)
_DONE, _FAILED = TaskStatus.DONE.value, TaskStatus.FAILED.value
_CANCELLED, _ACCEPTED = TaskStatus.CANCELLED.value, TaskStatus.ACCEPTED.value


class ProblemKind(StrEnum):
    """Why an order is in a queue above the columns."""

    FAILED = "failed"  # the courier could not deliver: reschedule it
    NOT_SENT = "not_sent"  # an interest taken but not sent to delivery
    NOT_ACCEPTED = "not_accepted"  # today's delivery not accepted an hour before its window
    COURIER_UNAVAILABLE = "courier_unavailable"  # its courier is deactivated or off that day
    PORTAL = "portal"  # a client's order from the portal, waiting for a desk to confirm it


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
    reason: str | DomainText  # the courier's failure reason, or why the courier is unavailable
    proposed: str  # the time the client proposed (from the courier's note), "" if none
    since: dt.datetime | None  # when it became a problem


@dataclass(frozen=True, slots=True)
class BoardDay:
    """The board of one day: the problems first, then one column per courier."""

    day: dt.date
    problems: tuple[Problem, ...]
    columns: tuple[CourierColumn, ...]
    stamp: int  # the change stamp it was read at (dispatcher.changes)


# ---- the queries ----------------------------------------------------------------------------


def is_bottle(kind: ProductKind | str, name: str, unit: str) -> bool:
    """Whether a product is a 19 l bottle of water (see the module's note)."""
    if ProductKind(kind) is not ProductKind.GOODS:
        return False
    return unit.strip().casefold() in _BOTTLE_UNITS or bool(_BOTTLE_NAME.search(name))


def bottle_codes(session: Session) -> frozenset[str]:
    """The codes of the products that are 19 l bottles."""
    rows = session.execute(select(Product.code, Product.kind, Product.name, Product.unit))
    return frozenset(code for code, kind, name, unit in rows if is_bottle(kind, name, unit))


def _client_phone() -> Any:
    # The client's own number first (a contact's phone is someone else's), the oldest first.
    # Two probes of the client_id index walked in id order, rather than one probe sorted per row
    # ("ORDER BY contact_id IS NOT NULL, id" costs a temporary sort for each of 6,000 rows); the
    # second runs only for a client without a number of their own.
    own = aliased(Phone)
    any_ = aliased(Phone)
    return func.coalesce(
        select(own.e164)
        .where(own.client_id == Order.client_id, own.contact_id.is_(None))
        .order_by(own.id)
        .limit(1)
        .scalar_subquery(),
        select(any_.e164)
        .where(any_.client_id == Order.client_id)
        .order_by(any_.id)
        .limit(1)
        .scalar_subquery(),
    )


def _split_reason(text: str) -> tuple[str, str]:
    """(the courier's reason, the time the client proposed) from an order's fail_reason."""
    found = _PROPOSED.match(text or "")
    if found is None:
        return text or "", ""
    return found["reason"], found["proposed"]


@lru_cache(maxsize=8192)
def _items(raw: str | None, bottles: frozenset[str]) -> tuple[str, int]:
    """(items as text, 19 l bottles) of a task's items JSON; most days repeat a few carts."""
    items: list[dict[str, Any]] = json.loads(raw) if raw else []
    text = ", ".join(f"{i.get('name') or i.get('code')} × {i.get('qty', 0)}" for i in items)
    return text, sum(int(i.get("qty", 0)) for i in items if i.get("code") in bottles)


def _address_text(text: str | None, flat: str | None) -> str:
    return f"{text or ''}, кв. {flat}" if flat else text or ""


@lru_cache(maxsize=256)
def _window_label(start: dt.time | None, end: dt.time | None) -> str:
    return f"{start:%H:%M}–{end:%H:%M}" if start is not None and end is not None else NO_WINDOW


def _moscow_day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time(0), MOSCOW)
    return start, start + dt.timedelta(days=1)


def _accept_deadline(day: dt.date, start: dt.time | None, schedule: Schedule) -> dt.datetime:
    """When a task must be accepted: an hour before its window (or the courier's day) starts."""
    begins = start or schedule.work_start or dt.time(0)
    return dt.datetime.combine(day, begins, MOSCOW) - ACCEPT_LEAD


def _day_tasks(
    session: Session, day: dt.date, courier_ids: Sequence[int], order_ids: Sequence[int] | None
) -> list[Any]:
    """Each order's latest task of the day on these couriers (of ``order_ids`` when given)."""
    later = aliased(CourierTask)
    last_event = (
        select(func.max(CourierEvent.at))
        .where(CourierEvent.task_uid == CourierTask.uid)
        .scalar_subquery()
    )
    newer = select(later.id).where(
        later.order_id == CourierTask.order_id, later.id > CourierTask.id
    )
    query = (
        select(
            CourierTask.courier_id,
            CourierTask.order_id,
            CourierTask.window_start,
            CourierTask.window_end,
            # The address parts and the raw items text: JSON decoding of 6,000 snapshots per
            # opening costs more than the whole query; identical carts are parsed once.
            CourierTask.address_snapshot["text"].as_string(),
            CourierTask.address_snapshot["flat"].as_string(),
            cast(CourierTask.items, Text),
            CourierTask.amount_kop,
            CourierTask.status,
            CourierTask.failure_reason,
            Order.version,
            Order.client_id,
            Order.collected_kop,
            Client.name,
            _client_phone().label("phone"),
            last_event.label("last_event_at"),
        )
        .join(Order, Order.id == CourierTask.order_id)
        .join(Client, Client.id == Order.client_id)
        # courier_id IN (...) + date: the (courier_id, delivery_date) index, one probe each.
        .where(CourierTask.courier_id.in_(courier_ids), CourierTask.delivery_date == day)
        .where(~newer.exists())
    )
    if order_ids is not None:
        query = query.where(CourierTask.order_id.in_(order_ids))
    # Core rows, not ORM ones: the ORM's per-row loading doubles the time of 6,000 rows; and
    # all() fetches them in one call (iterating a result fetches row by row, ~25 % slower).
    return session.connection().execute(query).all()


def failed_problems(session: Session, order_ids: Sequence[int] | None = None) -> list[Problem]:
    """Failed deliveries waiting for a new slot, whatever day they failed on."""
    query = (
        select(
            Order.id,
            Order.version,
            Order.client_id,
            Client.name,
            _client_phone(),
            Order.courier_id,
            Courier.name,
            Order.delivery_date,
            Order.window_start,
            Order.window_end,
            Order.fail_reason,
            Order.updated_at,
        )
        .join(Client, Client.id == Order.client_id)
        .outerjoin(Courier, Courier.id == Order.courier_id)
        .where(Order.state == OrderState.INTEREST, Order.needs_reschedule)
    )
    if order_ids is not None:
        query = query.where(Order.id.in_(order_ids))
    rows = list(session.execute(query))
    failed_at = (
        dict(
            session.execute(
                select(OrderEvent.order_id, func.max(OrderEvent.at))
                .where(OrderEvent.order_id.in_([r[0] for r in rows]), OrderEvent.action == "fail")
                .group_by(OrderEvent.order_id)
            ).all()
        )
        if rows
        else {}
    )
    problems = []
    for oid, version, cid, cname, phone, courier_id, courier_name, day, ws, we, why, upd in rows:
        reason, proposed = _split_reason(why)
        problems.append(
            Problem(
                ProblemKind.FAILED,
                oid,
                version,
                cid,
                cname,
                phone or "",
                courier_id,
                courier_name or "",
                day,
                ws,
                we,
                reason,
                proposed,
                failed_at.get(oid, upd),
            )
        )
    return problems


def not_sent_problems(
    session: Session, day: dt.date, order_ids: Sequence[int] | None = None
) -> list[Problem]:
    """Interests taken that day (Moscow) and not sent to delivery yet."""
    start, end = _moscow_day_bounds(day)
    query = (
        select(
            Order.id, Order.version, Order.client_id, Client.name, _client_phone(), Order.created_at
        )
        .join(Client, Client.id == Order.client_id)
        .where(
            Order.state == OrderState.INTEREST,
            ~Order.needs_reschedule,
            and_(Order.created_at >= start, Order.created_at < end),
            # A portal order nobody confirmed yet stands in the portal queue, not here.
            ~Order.id.in_(_waiting_portal_orders()),
        )
    )
    if order_ids is not None:
        query = query.where(Order.id.in_(order_ids))
    rows = session.execute(query)
    return [
        Problem(
            ProblemKind.NOT_SENT,
            oid,
            version,
            cid,
            cname,
            phone or "",
            None,
            "",
            None,
            None,
            None,
            "",
            "",
            created,
        )
        for oid, version, cid, cname, phone, created in rows
    ]


def _waiting_portal_orders() -> Any:
    return select(PortalRequest.order_id).where(
        PortalRequest.confirmed_at.is_(None), PortalRequest.rejected == ""
    )


def portal_problems(session: Session, order_ids: Sequence[int] | None = None) -> list[Problem]:
    """Portal orders waiting for a desk's confirmation, whatever day they were placed."""
    query = (
        select(
            Order.id,
            Order.version,
            Order.client_id,
            Client.name,
            _client_phone(),
            PortalRequest.wanted_date,
            PortalRequest.window_start,
            PortalRequest.window_end,
            Order.comment,
            PortalRequest.received_at,
        )
        .join(PortalRequest, PortalRequest.order_id == Order.id)
        .join(Client, Client.id == Order.client_id)
        .where(
            Order.state == OrderState.INTEREST,
            PortalRequest.confirmed_at.is_(None),
            PortalRequest.rejected == "",
        )
    )
    if order_ids is not None:
        query = query.where(Order.id.in_(order_ids))
    return [
        Problem(
            ProblemKind.PORTAL,
            oid,
            version,
            cid,
            cname,
            phone or "",
            None,
            "",
            day,
            ws,
            we,
            comment or "",
            "",
            received,
        )
        for oid, version, cid, cname, phone, day, ws, we, comment, received in session.execute(
            query
        )
    ]


@dataclass(frozen=True, slots=True)
class DayContext:
    """What every read of a day needs besides the orders: the couriers and the bottle codes."""

    day: dt.date
    couriers: dict[int, Courier]
    schedules: dict[int, Schedule]
    bottles: frozenset[str]

    @classmethod
    def read(cls, session: Session, day: dt.date) -> DayContext:
        """The couriers (all of them: a deactivated one may still hold deliveries) and bottles."""
        couriers = {c.id: c for c in session.scalars(select(Courier))}
        schedules = {cid: Schedule.of(c) for cid, c in couriers.items()}
        return cls(day, couriers, schedules, bottle_codes(session))

    def signature(self) -> tuple[Any, ...]:
        """What the columns depend on besides the orders: a change means a whole re-read."""
        return (
            self.bottles,
            tuple((self.schedules[cid], c.phone, c.capacity) for cid, c in self.couriers.items()),
        )


@dataclass(frozen=True, slots=True)
class TaskEntry:
    """An order's card on the day, with what decides its queue lines (built once per read)."""

    courier_id: int
    task: BoardTask
    unavailable: Problem | None  # its courier is off or deactivated that day
    not_accepted: Problem | None  # a line once ``now`` passes its ``since`` (the deadline)


def read_entries(
    session: Session, ctx: DayContext, order_ids: Sequence[int] | None = None
) -> dict[int, TaskEntry]:
    """The day's cards by order id (only of ``order_ids`` when given)."""
    day = ctx.day
    couriers, schedules = ctx.couriers, ctx.schedules
    rows = _day_tasks(session, day, list(couriers), order_ids) if couriers else []
    entries: dict[int, TaskEntry] = {}
    # Per (courier, window): (outside hours, refused, the refusal in words); a day has a few
    # windows per courier, so the slot check runs ~1,000 times, not 6,000.
    checks: dict[tuple[int, dt.time | None, dt.time | None], tuple[bool, bool, str]] = {}
    deadlines: dict[tuple[int, dt.time | None], dt.datetime] = {}
    for (
        courier_id,
        order_id,
        ws,
        we,
        address,
        flat,
        items,
        amount,
        status,
        failure,
        version,
        client_id,
        collected,
        client_name,
        phone,
        last_at,
    ) in rows:
        key = (courier_id, ws, we)
        check = checks.get(key)
        if check is None:
            found = check_slot(schedules[courier_id], day, (ws, we))
            check = checks[key] = (
                found.status is Availability.OUTSIDE_HOURS,
                found.refused,
                # Kept as DomainText: the desk says it in the lead's language.
                (found.reason or "") if found.refused else "",
            )
        status = _STATUS_VALUES[status]  # the plain value: no enum lookups per row
        items_text, bottle_count = _items(items, ctx.bottles)
        phone = phone or ""
        task = BoardTask(
            order_id,
            version,
            client_id,
            client_name,
            phone,
            _address_text(address, flat),
            items_text,
            bottle_count,
            amount,
            ws,
            we,
            status,
            failure or "",
            collected if status == _DONE else None,
            last_at,
            check[0],
        )
        unavailable = not_accepted = None
        if status in _ACTIVE:
            name = couriers[courier_id].name
            common = (order_id, version, client_id, client_name, phone, courier_id, name)
            if check[1]:
                unavailable = Problem(
                    ProblemKind.COURIER_UNAVAILABLE, *common, day, ws, we, check[2], "", None
                )
            if status != _ACCEPTED:
                deadline = deadlines.get((courier_id, ws))
                if deadline is None:
                    deadline = deadlines[(courier_id, ws)] = _accept_deadline(
                        day, ws, schedules[courier_id]
                    )
                not_accepted = Problem(
                    ProblemKind.NOT_ACCEPTED, *common, day, ws, we, "", "", deadline
                )
        entries[order_id] = TaskEntry(courier_id, task, unavailable, not_accepted)
    return entries


def column_of(ctx: DayContext, courier_id: int, tasks: list[BoardTask]) -> CourierColumn | None:
    """A courier's column, or None when they neither work that day nor hold a delivery."""
    courier = ctx.couriers[courier_id]
    if not tasks and not (courier.active and works_on(courier.work_days, ctx.day)):
        return None
    return _column(courier, ctx.day, tasks)


def assemble(
    ctx: DayContext,
    stamp: int,
    entries: dict[int, TaskEntry],
    columns: dict[int, CourierColumn],
    queued: Sequence[Problem],
    now: dt.datetime,
) -> BoardDay:
    """The board from the day's cards, their couriers' columns and the failed / not-sent lines."""
    problems = list(queued)
    for entry in entries.values():
        if entry.unavailable is not None:
            problems.append(entry.unavailable)
        late = entry.not_accepted
        if late is not None and now >= late.since:  # type: ignore[operator]
            problems.append(late)
    ordered = sorted(columns.values(), key=lambda c: (c.name.casefold(), c.courier_id))
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    problems.sort(key=lambda p: (_KIND_ORDER.index(p.kind.value), p.since or far, p.order_id))
    return BoardDay(day=ctx.day, problems=tuple(problems), columns=tuple(ordered), stamp=stamp)


def by_courier(entries: dict[int, TaskEntry]) -> dict[int, list[BoardTask]]:
    """The cards of each courier."""
    found: dict[int, list[BoardTask]] = defaultdict(list)
    for entry in entries.values():
        found[entry.courier_id].append(entry.task)
    return found


def board_day(session: Session, day: dt.date, now: dt.datetime | None = None) -> BoardDay:
    """The board of ``day``: problems first, then a column per courier working or holding tasks.

    ``now`` (aware; default: the current moment) decides which deliveries are late to be
    accepted. (dispatcher.board_live keeps a board between reads and re-reads only changes.)
    """
    now = now or dt.datetime.now(dt.UTC)
    stamp = change_stamp(session)  # first: a change after this read shows at the next refresh
    ctx = DayContext.read(session, day)
    entries = read_entries(session, ctx)
    tasks = by_courier(entries)
    columns = {}
    for courier_id in ctx.couriers:
        column = column_of(ctx, courier_id, tasks.get(courier_id, []))
        if column is not None:
            columns[courier_id] = column
    queued = [
        *failed_problems(session),
        *not_sent_problems(session, day),
        *portal_problems(session),
    ]
    return assemble(ctx, stamp, entries, columns, queued, now)


def _slot_key(task: BoardTask) -> tuple[dt.time, dt.time, int]:
    # Deliveries without a window go last: they fit wherever the courier has room.
    return (task.window_start or dt.time.max, task.window_end or dt.time.max, task.order_id)


def _column(courier: Courier, day: dt.date, tasks: list[BoardTask]) -> CourierColumn:
    """A courier's column: tasks in slot order, load, progress and money."""
    tasks.sort(key=_slot_key)
    per_window: dict[str, int] = {}
    planned = done = failed = left = collected = to_collect = 0
    last: dt.datetime | None = None
    for t in tasks:
        status = t.status
        if t.last_event_at is not None and (last is None or t.last_event_at > last):
            last = t.last_event_at
        if status == _CANCELLED:
            continue
        label = _window_label(t.window_start, t.window_end)
        per_window[label] = per_window.get(label, 0) + 1
        if status == _FAILED:
            failed += 1  # a failed delivery no longer loads the van
            continue
        planned += t.bottles
        to_collect += t.amount_kop
        if status == _DONE:
            done += 1
            collected += t.collected_kop or 0
        elif status in _ACTIVE:
            left += 1
    return CourierColumn(
        courier_id=courier.id,
        name=courier.name,
        phone=courier.phone or "",
        active=courier.active,
        works_that_day=works_on(courier.work_days, day),
        capacity=courier.capacity,
        tasks=tuple(tasks),
        bottles_planned=planned,
        over_capacity=planned > courier.capacity,
        per_window=tuple(per_window.items()),
        done=done,
        failed=failed,
        left=left,
        collected_kop=collected,
        to_collect_kop=to_collect,
        last_action_at=last,
    )

"""Processed orders: per operator, the orders taken in the period and how they ended; calls.

An order belongs to the operator who took it (the actor of its `create` audit row) and to
the period it was taken in. Its outcome is where it is now: delivered, rejected (per reason),
cancelled, or still open; the four add up to the orders taken, and each has its share.
"Failed and rescheduled" counts the orders that had at least one failed delivery, whatever
came of them after. Calls are the operator's calls started in the period: answered, missed
(inbound, nobody picked up) and called back (an outbound call to a number whose inbound call
was missed before).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, case, exists, func, select
from sqlalchemy.orm import Session, aliased

from dispatcher.errors import translatable
from dispatcher.models import (
    Direction,
    Interaction,
    InteractionKind,
    Order,
    OrderEvent,
    OrderState,
    RejectReason,
)
from dispatcher.orders import Action
from dispatcher.reports.common import period_bounds
from dispatcher.reports.model import Chart, Column, ColumnKind, Report, ReportParams

NAME = "orders"

_HEAD = (
    Column("operator", translatable("Operator")),
    Column("taken", translatable("Orders taken"), ColumnKind.QTY),
    Column("delivered", translatable("Delivered"), ColumnKind.QTY),
    Column("delivered_pct", translatable("Delivered, %"), ColumnKind.PERCENT),
    Column("rejected", translatable("Rejected"), ColumnKind.QTY),
    Column("rejected_pct", translatable("Rejected, %"), ColumnKind.PERCENT),
)
_TAIL = (
    Column("cancelled", translatable("Cancelled"), ColumnKind.QTY),
    Column("cancelled_pct", translatable("Cancelled, %"), ColumnKind.PERCENT),
    Column("open", translatable("Still open"), ColumnKind.QTY),
    Column("open_pct", translatable("Still open, %"), ColumnKind.PERCENT),
    Column("failed", translatable("Failed and rescheduled"), ColumnKind.QTY),
    Column("failed_pct", translatable("Failed and rescheduled, %"), ColumnKind.PERCENT),
    Column("calls_answered", translatable("Calls answered"), ColumnKind.QTY),
    Column("calls_missed", translatable("Calls missed"), ColumnKind.QTY),
    Column("called_back", translatable("Called back"), ColumnKind.QTY),
)
CHART = Chart("bar", "operator", ("delivered", "rejected", "cancelled", "failed"))
_OUTCOME = {
    OrderState.CLOSED: "delivered",
    OrderState.REJECTED: "rejected",
    OrderState.CANCELLED: "cancelled",
    OrderState.INTEREST: "open",
    OrderState.DELIVERY: "open",
}
_COUNTS = ("taken", "delivered", "rejected", "cancelled", "open", "failed")
_CALLS = ("calls_answered", "calls_missed", "called_back")


def reason_key(reason_id: int | None) -> str:
    """The row key of the orders rejected with one reason."""
    return f"rejected_{reason_id or 0}"


def build(session: Session, params: ReportParams) -> Report:
    """The processed-orders report of the period."""
    start, end = period_bounds(params)
    created = aliased(OrderEvent)
    taken = (
        select(created.actor, created.order_id)
        .where(created.action == "create", created.at >= start, created.at < end)
        .subquery()
    )
    outcomes = select(taken.c.actor, Order.state, Order.reject_reason_id, func.count()).join(
        Order, Order.id == taken.c.order_id
    )
    failed_once = exists().where(
        OrderEvent.order_id == taken.c.order_id, OrderEvent.action == Action.FAIL.value
    )
    failures = select(taken.c.actor, func.count()).where(failed_once)
    calls = _calls(start, end)
    if params.operator is not None:
        outcomes = outcomes.where(taken.c.actor == params.operator)
        failures = failures.where(taken.c.actor == params.operator)
        calls = calls.where(Interaction.operator == params.operator)

    rows: dict[str, dict[str, Any]] = {}

    def row(operator: str) -> dict[str, Any]:
        return rows.setdefault(
            operator, {"operator": operator, **dict.fromkeys((*_COUNTS, *_CALLS), 0)}
        )

    reasons_seen: set[int | None] = set()
    grouped = outcomes.group_by(taken.c.actor, Order.state, Order.reject_reason_id)
    for actor, state, reason_id, count in session.execute(grouped):
        r = row(actor)
        r["taken"] += count
        r[_OUTCOME[OrderState(state)]] += count
        if OrderState(state) is OrderState.REJECTED:
            reasons_seen.add(reason_id)
            r[reason_key(reason_id)] = r.get(reason_key(reason_id), 0) + count
    for actor, count in session.execute(failures.group_by(taken.c.actor)):
        row(actor)["failed"] = count
    for operator, answered, missed, called_back in session.execute(calls):
        r = row(operator)
        r["calls_answered"], r["calls_missed"] = int(answered or 0), int(missed or 0)
        r["called_back"] = int(called_back or 0)

    names = dict(session.execute(select(RejectReason.id, RejectReason.name)).all())
    reason_ids = sorted(reasons_seen, key=lambda i: (i is None, i or 0))
    reason_columns = tuple(
        # The reason's own name (data, as the lead typed it) is the column title.
        Column(reason_key(i), names.get(i, "—") if i is not None else "—", ColumnKind.QTY)
        for i in reason_ids
    )
    totals: dict[str, Any] = dict.fromkeys((*_COUNTS, *_CALLS, *(c.key for c in reason_columns)), 0)
    for r in rows.values():
        for c in reason_columns:
            r.setdefault(c.key, 0)
        for key in totals:
            totals[key] += r[key]
    for r in [*rows.values(), totals]:
        for outcome in ("delivered", "rejected", "cancelled", "open", "failed"):
            r[f"{outcome}_pct"] = share(r[outcome], r["taken"])
    ordered = sorted(rows.values(), key=lambda r: r["operator"])
    columns = (*_HEAD, *reason_columns, *_TAIL)
    return Report(NAME, params, columns, tuple(ordered), totals, CHART)


def share(part: int, whole: int) -> float:
    """``part`` as a percentage of ``whole``, one decimal; 0 of nothing is 0."""
    return round(100.0 * part / whole, 1) if whole else 0.0


def _calls(start: Any, end: Any) -> Any:
    earlier = aliased(Interaction)
    missed_before = exists().where(
        earlier.kind == InteractionKind.CALL,
        earlier.direction == Direction.IN,
        earlier.answered_at.is_(None),
        earlier.number == Interaction.number,
        earlier.started_at < Interaction.started_at,
    )
    answered = func.sum(case((Interaction.answered_at.is_not(None), 1), else_=0))
    missed = func.sum(
        case(
            (and_(Interaction.direction == Direction.IN, Interaction.answered_at.is_(None)), 1),
            else_=0,
        )
    )
    called_back = func.sum(
        case(
            (
                and_(
                    Interaction.direction == Direction.OUT,
                    Interaction.number != "",
                    missed_before,
                ),
                1,
            ),
            else_=0,
        )
    )
    return (
        select(Interaction.operator, answered, missed, called_back)
        .where(
            Interaction.kind == InteractionKind.CALL,
            Interaction.planned.is_(False),
            Interaction.started_at >= start,
            Interaction.started_at < end,
        )
        .group_by(Interaction.operator)
    )

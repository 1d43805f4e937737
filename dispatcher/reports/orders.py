"""Processed orders: per operator, the orders taken in the period and how they ended; calls.

An order belongs to the operator who took it (the actor of its `create` audit row) and to
the period it was taken in. Its outcome is where it is now: delivered, rejected (per reason),
cancelled, or still open; the four add up to the orders taken, and each has its share.
"Failed and rescheduled" counts the orders that had at least one failed delivery, whatever
came of them after. Calls are the operator's calls started in the period: answered, missed
(inbound, nobody picked up) and called back (an outbound call to a number whose inbound call
was missed before). Read from the desk roll-ups (dispatcher.reports.desk_rollups), but for
the calls called back.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session, aliased

from dispatcher.errors import translatable
from dispatcher.models import (
    Direction,
    Interaction,
    InteractionKind,
    OrderState,
    RejectReason,
    ReportDayCalls,
    ReportDayTaken,
)
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
    """The processed-orders report of the period, from the desk roll-ups (whole days)."""
    t, c = ReportDayTaken, ReportDayCalls
    outcomes = (
        select(t.operator, t.state, t.reason_id, t.failed, func.sum(t.orders))
        .where(t.day.between(params.date_from, params.date_to))
        .group_by(t.operator, t.state, t.reason_id, t.failed)
    )
    calls = (
        select(c.operator, func.sum(c.calls), func.sum(c.answered), func.sum(c.missed))
        .where(c.day.between(params.date_from, params.date_to))
        .group_by(c.operator)
    )
    called_back = _called_back(*period_bounds(params))
    if params.operator is not None:
        outcomes = outcomes.where(t.operator == params.operator)
        calls = calls.where(c.operator == params.operator)
        called_back = called_back.where(Interaction.operator == params.operator)

    rows: dict[str, dict[str, Any]] = {}

    def row(operator: str) -> dict[str, Any]:
        return rows.setdefault(
            operator, {"operator": operator, **dict.fromkeys((*_COUNTS, *_CALLS), 0)}
        )

    reasons_seen: set[int | None] = set()
    for actor, state, reason, failed, count in session.execute(outcomes):
        if not count:
            continue  # what the triggers took back leaves rows of zero
        r = row(actor)
        count = int(count)
        r["taken"] += count
        r[_OUTCOME[OrderState(state)]] += count
        if failed:
            r["failed"] += count
        if OrderState(state) is OrderState.REJECTED:
            reason_id = reason or None
            reasons_seen.add(reason_id)
            r[reason_key(reason_id)] = r.get(reason_key(reason_id), 0) + count
    for operator, n, answered, missed in session.execute(calls):
        if n:
            r = row(operator)
            r["calls_answered"], r["calls_missed"] = int(answered or 0), int(missed or 0)
    for operator, n in session.execute(called_back):
        row(operator)["called_back"] = int(n)

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


def _called_back(start: Any, end: Any) -> Any:
    """Per operator, the outbound calls of the period to a number whose inbound call was missed
    before (from the calls: it depends on other calls, which a day's roll-up cannot follow)."""
    earlier = aliased(Interaction)
    missed_before = exists().where(
        earlier.kind == InteractionKind.CALL,
        earlier.direction == Direction.IN,
        earlier.answered_at.is_(None),
        earlier.number == Interaction.number,
        earlier.started_at < Interaction.started_at,
    )
    return (
        select(Interaction.operator, func.count())
        .where(
            Interaction.kind == InteractionKind.CALL,
            Interaction.planned.is_(False),
            Interaction.direction == Direction.OUT,
            Interaction.number != "",
            Interaction.started_at >= start,
            Interaction.started_at < end,
            missed_before,
        )
        .group_by(Interaction.operator)
    )

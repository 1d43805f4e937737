"""Cash to hand in: per courier per Moscow day, what the phone recorded as collected against
what was to collect (the cash orders' amounts), differences marked.

An order counts on the day it was closed as delivered; an invoice order has nothing to
collect. A delivery closed without an amount counts as nothing collected.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dispatcher.errors import translatable
from dispatcher.models import Client, ClientKind, Order, OrderLine, PaymentTerms
from dispatcher.reports.common import (
    as_date,
    courier_names,
    delivered_in,
    moscow_day,
    period_bounds,
)
from dispatcher.reports.model import Chart, Column, ColumnKind, Report, ReportParams

NAME = "cash"

# The mark of a row whose collected amount differs from the amount to collect.
SHORT, OVER = "−", "+"

COLUMNS = (
    Column("day", translatable("Day"), ColumnKind.DATE),
    Column("courier", translatable("Courier")),
    Column("orders", translatable("Deliveries"), ColumnKind.QTY),
    Column("to_collect_kop", translatable("To collect"), ColumnKind.MONEY),
    Column("collected_kop", translatable("Collected"), ColumnKind.MONEY),
    Column("difference_kop", translatable("Difference"), ColumnKind.MONEY),
    Column("mark", translatable("Differs")),
)
CHART = Chart("line", "day", ("to_collect_kop", "collected_kop"))


def build(session: Session, params: ReportParams) -> Report:
    """The cash report of the period."""
    start, end = period_bounds(params)
    closed = delivered_in(start, end).subquery()
    day = moscow_day(session, closed.c.at).label("day")

    def grouped(*figures: Any, lines: bool = False) -> Any:
        stmt = select(Order.courier_id, day, *figures).select_from(closed)
        stmt = stmt.join(Order, Order.id == closed.c.order_id)
        if lines:
            stmt = stmt.join(OrderLine, OrderLine.order_id == Order.id).where(
                Order.payment_method == PaymentTerms.CASH
            )
        if params.courier_id is not None:
            stmt = stmt.where(Order.courier_id == params.courier_id)
        if params.client_kind is not None:
            stmt = stmt.join(Client, Client.id == Order.client_id).where(
                Client.kind == ClientKind(params.client_kind)
            )
        return stmt.group_by(Order.courier_id, day)

    # Two queries: a sum over the lines would count an order's collected amount once a line.
    collected = grouped(func.count(), func.sum(func.coalesce(Order.collected_kop, 0)))
    to_collect = grouped(func.sum(OrderLine.qty * OrderLine.price_kop), lines=True)
    names = courier_names(session)
    rows: dict[tuple[Any, Any], dict[str, Any]] = {}
    for courier_id, when, orders, money in session.execute(collected):
        rows[(courier_id, when)] = {
            "day": as_date(when),
            "courier_id": courier_id,
            "courier": names.get(courier_id, f"#{courier_id}"),
            "orders": orders,
            "to_collect_kop": 0,
            "collected_kop": int(money or 0),
        }
    for courier_id, when, money in session.execute(to_collect):
        rows[(courier_id, when)]["to_collect_kop"] = int(money or 0)
    totals: dict[str, Any] = {"orders": 0, "to_collect_kop": 0, "collected_kop": 0}
    for row in rows.values():
        row["difference_kop"] = row["collected_kop"] - row["to_collect_kop"]
        row["mark"] = _mark(row["difference_kop"])
        for key in totals:
            totals[key] += row[key]
    totals["difference_kop"] = totals["collected_kop"] - totals["to_collect_kop"]
    totals["mark"] = _mark(totals["difference_kop"])
    ordered = sorted(rows.values(), key=lambda r: (r["day"], r["courier"], r["courier_id"] or 0))
    return Report(NAME, params, COLUMNS, tuple(ordered), totals, CHART)


def _mark(difference: int) -> str:
    return SHORT if difference < 0 else OVER if difference > 0 else ""

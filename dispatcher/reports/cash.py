"""Cash to hand in: per courier per Moscow day, what the phone recorded as collected against
what was to collect (the cash orders' amounts), differences marked.

An order counts on the day it was closed as delivered; an invoice order has nothing to
collect. A delivery closed without an amount counts as nothing collected. Read from the
daily roll-ups (dispatcher.reports.rollups).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from dispatcher.errors import translatable
from dispatcher.models import ClientKind, PaymentTerms, ReportDayOrders
from dispatcher.reports.common import as_date, courier_names
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
    day = ReportDayOrders
    cash = day.payment_method == PaymentTerms.CASH.value
    stmt = (
        select(
            day.courier_id,
            day.day,
            func.sum(day.orders),
            func.sum(case((cash, day.due_kop), else_=0)),
            func.sum(day.collected_kop),
        )
        .where(day.day.between(params.date_from, params.date_to))
        .group_by(day.courier_id, day.day)
    )
    if params.courier_id is not None:
        stmt = stmt.where(day.courier_id == params.courier_id)
    if params.client_kind is not None:
        stmt = stmt.where(day.client_kind == ClientKind(params.client_kind).value)
    names = courier_names(session)
    rows: dict[tuple[Any, Any], dict[str, Any]] = {}
    for courier, when, orders, due, money in session.execute(stmt):
        if not orders:
            continue  # every order of the day was moved away (a re-dated close)
        courier_id = courier or None
        rows[(courier_id, when)] = {
            "day": as_date(when),
            "courier_id": courier_id,
            "courier": names.get(courier_id, f"#{courier_id}"),
            "orders": int(orders),
            "to_collect_kop": int(due or 0),
            "collected_kop": int(money or 0),
        }
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

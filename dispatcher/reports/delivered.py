"""Delivered water: per courier, split by client kind (person / company), quantity and sum.

Water here is the goods a courier carries (product kind `goods`: bottled water, pumps);
services and deposits are in the sales report. An order counts on the Moscow day it was
closed as delivered. Read from the daily roll-ups (dispatcher.reports.rollups).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import UnaryExpression
from sqlalchemy.sql.operators import custom_op

from dispatcher.errors import translatable
from dispatcher.models import (
    ClientKind,
    Product,
    ProductKind,
    ReportDayClient,
    ReportDayLine,
    ReportDayOrders,
)
from dispatcher.reports.common import as_date, courier_names
from dispatcher.reports.model import Chart, Column, ColumnKind, Report, ReportParams

NAME = "delivered"

COLUMNS = (
    Column("courier", translatable("Courier")),
    Column("orders", translatable("Orders"), ColumnKind.QTY),
    Column("clients", translatable("Clients"), ColumnKind.QTY),
    Column("person_qty", translatable("Persons, qty"), ColumnKind.QTY),
    Column("person_sum_kop", translatable("Persons, sum"), ColumnKind.MONEY),
    Column("company_qty", translatable("Companies, qty"), ColumnKind.QTY),
    Column("company_sum_kop", translatable("Companies, sum"), ColumnKind.MONEY),
    Column("qty", translatable("Quantity"), ColumnKind.QTY),
    Column("sum_kop", translatable("Sum"), ColumnKind.MONEY),
)
CHART = Chart("bar", "courier", ("person_qty", "company_qty"))
_FIGURES = ("orders", "clients", "person_qty", "person_sum_kop", "company_qty", "company_sum_kop")


def build(session: Session, params: ReportParams) -> Report:
    """The delivered-water report of the period, from the daily roll-ups (whole days)."""
    days = ReportDayLine.day.between(params.date_from, params.date_to)
    lines = (
        select(
            ReportDayLine.courier_id,
            ReportDayLine.client_kind,
            func.sum(ReportDayLine.qty),
            func.sum(ReportDayLine.sum_kop),
        )
        .join(Product, Product.id == ReportDayLine.product_id)
        .where(days, Product.kind == ProductKind.GOODS)
        .group_by(ReportDayLine.courier_id, ReportDayLine.client_kind)
    )
    counted = (
        select(
            ReportDayOrders.courier_id,
            ReportDayOrders.client_kind,
            func.sum(ReportDayOrders.goods_orders),
        )
        .where(ReportDayOrders.day.between(params.date_from, params.date_to))
        .group_by(ReportDayOrders.courier_id, ReportDayOrders.client_kind)
    )
    day = ReportDayClient.day
    if session.get_bind().dialect.name == "sqlite" and _most_of_the_history(session, params):
        # `+day` keeps SQLite off the day index: the rows are read in the key order instead,
        # so each GROUP BY below streams (a client's days are next to each other) rather
        # than putting every client-day of the period through a temporary b-tree, which cost
        # 9 s of CPU for a year of a million clients. A short period still takes the index.
        day = UnaryExpression(day, operator=custom_op("+"), type_=day.type)
    served = select(ReportDayClient.courier_id, ReportDayClient.client_kind).where(
        day.between(params.date_from, params.date_to), ReportDayClient.orders > 0
    )
    lines, counted, served = (
        _filtered(stmt, table, params)
        for stmt, table in (
            (lines, ReportDayLine),
            (counted, ReportDayOrders),
            (served, ReportDayClient),
        )
    )
    # A client served on several days (or by two couriers) is one client: grouped first, in
    # the order of the key (courier, kind, client) and of the (kind, client) index.
    c = ReportDayClient
    per_courier = served.add_columns(c.client_id).group_by(c.courier_id, c.client_kind, c.client_id)
    per_courier = per_courier.subquery()
    clients = select(per_courier.c.courier_id, per_courier.c.client_kind, func.count()).group_by(
        per_courier.c.courier_id, per_courier.c.client_kind
    )
    whole = (
        served.with_only_columns(c.client_kind, c.client_id)
        .group_by(c.client_kind, c.client_id)
        .subquery()
    )
    clients_per_kind = select(whole.c.client_kind, func.count()).group_by(whole.c.client_kind)

    names = courier_names(session)
    rows: dict[Any, dict[str, Any]] = {}
    totals = _empty("")

    def targets(courier: int, kind: str) -> tuple[dict[str, Any], dict[str, Any], str]:
        courier_id = courier or None
        row = rows.setdefault(courier_id, _empty(names.get(courier_id, f"#{courier_id}")))
        row["courier_id"] = courier_id
        return row, totals, ClientKind(kind).value

    for courier, kind, qty, money in session.execute(lines):
        row, tot, prefix = targets(courier, kind)
        for target in (row, tot):
            target[f"{prefix}_qty"] += int(qty or 0)
            target[f"{prefix}_sum_kop"] += int(money or 0)
    for courier, kind, n in session.execute(counted):
        if n:
            row, tot, _prefix = targets(courier, kind)
            row["orders"] += int(n)
            tot["orders"] += int(n)
    for courier, kind, n in session.execute(clients):
        targets(courier, kind)[0]["clients"] += int(n)  # a client is of one kind
    for _kind, n in session.execute(clients_per_kind):
        totals["clients"] += int(n)
    for row in [*rows.values(), totals]:
        row["qty"] = row["person_qty"] + row["company_qty"]
        row["sum_kop"] = row["person_sum_kop"] + row["company_sum_kop"]
    del totals["courier"]
    ordered = sorted(
        (r for r in rows.values() if r["orders"]),
        key=lambda r: (r["courier"], r["courier_id"] or 0),
    )
    return Report(NAME, params, COLUMNS, tuple(ordered), totals, CHART)


def _most_of_the_history(session: Session, params: ReportParams) -> bool:
    """Whether the period spans a third or more of the days the client roll-up holds."""
    first, last = session.execute(
        select(func.min(ReportDayClient.day), func.max(ReportDayClient.day))
    ).one()
    if first is None:
        return False
    held = (as_date(last) - as_date(first)).days + 1
    return (params.date_to - params.date_from).days + 1 >= held / 3


def _filtered(stmt: Any, table: Any, params: ReportParams) -> Any:
    if params.courier_id is not None:
        stmt = stmt.where(table.courier_id == params.courier_id)
    if params.client_kind is not None:
        stmt = stmt.where(table.client_kind == ClientKind(params.client_kind).value)
    return stmt


def _empty(courier: str) -> dict[str, Any]:
    return {"courier": courier, **dict.fromkeys(_FIGURES, 0)}

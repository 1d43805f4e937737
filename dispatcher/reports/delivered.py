"""Delivered water: per courier, split by client kind (person / company), quantity and sum.

Water here is the goods a courier carries (product kind `goods`: bottled water, pumps);
services and deposits are in the sales report. An order counts on the Moscow day it was
closed as delivered.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from dispatcher.errors import translatable
from dispatcher.models import Client, ClientKind, Order, OrderLine, Product, ProductKind
from dispatcher.reports.common import canonical_client, courier_names, delivered_in, period_bounds
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
    """The delivered-water report of the period."""
    start, end = period_bounds(params)
    closed = delivered_in(start, end).subquery()
    conditions = [Product.kind == ProductKind.GOODS]
    if params.courier_id is not None:
        conditions.append(Order.courier_id == params.courier_id)
    if params.client_kind is not None:
        conditions.append(Client.kind == ClientKind(params.client_kind))
    base = (
        select()
        .select_from(closed)
        .join(Order, Order.id == closed.c.order_id)
        .join(OrderLine, OrderLine.order_id == Order.id)
        .join(Product, Product.id == OrderLine.product_id)
        .join(Client, Client.id == Order.client_id)
        .where(*conditions)
    )
    figures = (
        func.count(distinct(Order.id)),
        func.count(distinct(canonical_client())),
        func.sum(OrderLine.qty),
        func.sum(OrderLine.qty * OrderLine.price_kop),
    )
    per_courier = session.execute(
        base.add_columns(Order.courier_id, Client.kind, *figures).group_by(
            Order.courier_id, Client.kind
        )
    ).all()
    # Whole-period distinct counts: a client served by two couriers is one client.
    per_kind = session.execute(base.add_columns(Client.kind, *figures).group_by(Client.kind)).all()

    names = courier_names(session)
    rows: dict[Any, dict[str, Any]] = {}
    for courier_id, kind, orders, clients, qty, money in per_courier:
        row = rows.setdefault(courier_id, _empty(names.get(courier_id, f"#{courier_id}")))
        row["courier_id"] = courier_id
        row["orders"] += orders
        row["clients"] += clients  # a client is of one kind: the kinds never share one
        row[f"{ClientKind(kind).value}_qty"] += int(qty or 0)
        row[f"{ClientKind(kind).value}_sum_kop"] += int(money or 0)
    totals = _empty("")
    for kind, orders, clients, qty, money in per_kind:
        totals["orders"] += orders
        totals["clients"] += clients
        totals[f"{ClientKind(kind).value}_qty"] += int(qty or 0)
        totals[f"{ClientKind(kind).value}_sum_kop"] += int(money or 0)
    for row in [*rows.values(), totals]:
        row["qty"] = row["person_qty"] + row["company_qty"]
        row["sum_kop"] = row["person_sum_kop"] + row["company_sum_kop"]
    del totals["courier"]
    ordered = sorted(rows.values(), key=lambda r: (r["courier"], r["courier_id"] or 0))
    return Report(NAME, params, COLUMNS, tuple(ordered), totals, CHART)


def _empty(courier: str) -> dict[str, Any]:
    return {"courier": courier, **dict.fromkeys(_FIGURES, 0)}

"""Bottles: per client, the returnable bottles delivered and the empties returned in the period,
and the balance the client holds at the period's end (all deliveries minus all returns).

A returnable bottle is a product sold by the bottle (unit "бут", the 19 l water); the courier
records the empties taken back when closing the delivery. Merged duplicates count as the
client they were merged into. The rows are the clients with bottles moving in the period.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from dispatcher.errors import translatable
from dispatcher.models import Client, ClientKind, Order, OrderLine, Product
from dispatcher.reports import Chart, Column, ColumnKind, Report, ReportParams
from dispatcher.reports.common import (
    canonical_client,
    delivered_in,
    first_phones,
    moscow_midnight,
    period_bounds,
)

NAME = "bottles"
BOTTLE_UNIT = "бут"

COLUMNS = (
    Column("client_id", translatable("Client no."), ColumnKind.QTY),
    Column("client", translatable("Client")),
    Column("kind", translatable("Kind")),
    Column("phone", translatable("Phone")),
    Column("delivered", translatable("Bottles delivered"), ColumnKind.QTY),
    Column("returned", translatable("Empties returned"), ColumnKind.QTY),
    Column("qty", translatable("Bottles held"), ColumnKind.QTY),
)
CHART = Chart("bar", "client", ("qty",))
_FIGURES = ("delivered", "returned", "qty")


def build(session: Session, params: ReportParams) -> Report:
    """The bottles report of the period."""
    start, end = period_bounds(params)
    # Everything delivered up to the period's end: the balance needs the whole history.
    history = delivered_in(moscow_midnight(dt.date(2000, 1, 1)), end)
    closed = history.subquery()
    who = canonical_client().label("who")
    in_period = case((closed.c.at >= start, 1), else_=0)

    def scoped(stmt: Any) -> Any:
        stmt = stmt.join(Client, Client.id == Order.client_id)
        if params.courier_id is not None:
            stmt = stmt.where(Order.courier_id == params.courier_id)
        if params.client_kind is not None:
            stmt = stmt.where(Client.kind == ClientKind(params.client_kind))
        return stmt.group_by(who)

    delivered = scoped(
        select(who, func.sum(OrderLine.qty), func.sum(in_period * OrderLine.qty))
        .select_from(closed)
        .join(Order, Order.id == closed.c.order_id)
        .join(OrderLine, OrderLine.order_id == Order.id)
        .join(Product, Product.id == OrderLine.product_id)
        .where(Product.unit == BOTTLE_UNIT)
    )
    returned_qty = func.coalesce(Order.bottles_returned, 0)
    returned = scoped(
        select(who, func.sum(returned_qty), func.sum(in_period * returned_qty))
        .select_from(closed)
        .join(Order, Order.id == closed.c.order_id)
    )
    figures: dict[int, dict[str, int]] = defaultdict(
        lambda: {"all_delivered": 0, "delivered": 0, "all_returned": 0, "returned": 0}
    )
    for client_id, everything, period in session.execute(delivered):
        figures[client_id]["all_delivered"] = int(everything or 0)
        figures[client_id]["delivered"] = int(period or 0)
    for client_id, everything, period in session.execute(returned):
        figures[client_id]["all_returned"] = int(everything or 0)
        figures[client_id]["returned"] = int(period or 0)
    moving = [c for c, f in figures.items() if f["delivered"] or f["returned"]]
    # Names and phones of the clients with bottles moving in the period, by a subquery: a
    # list of ids could be longer than a statement may carry.
    period = delivered_in(start, end).subquery()
    active = (
        select(canonical_client())
        .select_from(period)
        .join(Order, Order.id == period.c.order_id)
        .join(Client, Client.id == Order.client_id)
    ).scalar_subquery()
    clients = {
        cid: (name, kind)
        for cid, name, kind in session.execute(
            select(Client.id, Client.name, Client.kind).where(Client.id.in_(active))
        )
    }
    phones = first_phones(session, active)
    rows = []
    totals: dict[str, Any] = dict.fromkeys(_FIGURES, 0)
    for client_id in moving:
        f = figures[client_id]
        name, kind = clients[client_id]
        row = {
            "client_id": client_id,
            "client": name,
            "kind": ClientKind(kind).value,
            "phone": phones.get(client_id, ""),
            "delivered": f["delivered"],
            "returned": f["returned"],
            "qty": f["all_delivered"] - f["all_returned"],
        }
        rows.append(row)
        for key in _FIGURES:
            totals[key] += row[key]
    rows.sort(key=lambda r: (-r["qty"], r["client"], r["client_id"]))
    return Report(NAME, params, COLUMNS, tuple(rows), totals, CHART)

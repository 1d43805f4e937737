"""Bottles: per client, the returnable bottles delivered and the empties returned in the period,
and the balance the client holds at the period's end (all deliveries minus all returns).

A returnable bottle is a product sold by the bottle (unit "бут", the 19 l water); the courier
records the empties taken back when closing the delivery. Merged duplicates count as the
client they were merged into. The rows are the clients with bottles moving in the period.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from dispatcher.errors import translatable
from dispatcher.models import (
    Client,
    ClientKind,
    Order,
    OrderEvent,
    OrderLine,
    OrderState,
    Product,
)
from dispatcher.orders import Action
from dispatcher.reports.common import (
    canonical_client,
    chunks,
    delivered_in,
    first_phones,
    period_bounds,
    with_duplicates,
)
from dispatcher.reports.model import Chart, Column, ColumnKind, Report, ReportParams

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
    period = delivered_in(start, end).subquery()
    who = canonical_client().label("who")

    def moved(figure: Any, lines: bool) -> Any:
        stmt = select(who, func.sum(figure)).select_from(period)
        stmt = stmt.join(Order, Order.id == period.c.order_id)
        if lines:
            stmt = stmt.join(OrderLine, OrderLine.order_id == Order.id)
            stmt = stmt.join(Product, Product.id == OrderLine.product_id)
            stmt = stmt.where(Product.unit == BOTTLE_UNIT)
        stmt = stmt.join(Client, Client.id == Order.client_id)
        if params.courier_id is not None:
            stmt = stmt.where(Order.courier_id == params.courier_id)
        if params.client_kind is not None:
            stmt = stmt.where(Client.kind == ClientKind(params.client_kind))
        return stmt.group_by(who)

    returned_qty = func.coalesce(Order.bottles_returned, 0)
    figures: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(_FIGURES, 0))
    for client_id, qty in session.execute(moved(OrderLine.qty, lines=True)):
        figures[client_id]["delivered"] = int(qty or 0)
    for client_id, qty in session.execute(moved(returned_qty, lines=False)):
        figures[client_id]["returned"] = int(qty or 0)
    moving = sorted(c for c, f in figures.items() if f["delivered"] or f["returned"])

    # The balance of those clients over their whole history up to the period's end (whoever
    # delivered), in batches of ids: the index on the orders' client finds them directly.
    closed_by_end = exists().where(
        OrderEvent.order_id == Order.id,
        OrderEvent.action == Action.CLOSE.value,
        OrderEvent.at < end,
    )
    clients: dict[int, tuple[str, Any]] = {}
    phones: dict[int, str] = {}
    for chunk in chunks(moving):
        # One plain IN list: an OR with a subquery would make the database read every order.
        theirs = Order.client_id.in_(with_duplicates(session, chunk))
        history = (
            select(who)
            .select_from(Order)
            .join(Client, Client.id == Order.client_id)
            .where(theirs, Order.state == OrderState.CLOSED, closed_by_end)
            .group_by(who)
        )
        bottles = history.add_columns(func.sum(OrderLine.qty))
        bottles = bottles.join(OrderLine, OrderLine.order_id == Order.id)
        bottles = bottles.join(Product, Product.id == OrderLine.product_id)
        for client_id, qty in session.execute(bottles.where(Product.unit == BOTTLE_UNIT)):
            figures[client_id]["qty"] += int(qty or 0)
        for client_id, qty in session.execute(history.add_columns(func.sum(returned_qty))):
            figures[client_id]["qty"] -= int(qty or 0)
        clients.update(
            (cid, (name, kind))
            for cid, name, kind in session.execute(
                select(Client.id, Client.name, Client.kind).where(Client.id.in_(chunk))
            )
        )
        phones.update(first_phones(session, chunk))
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
            "qty": f["qty"],
        }
        rows.append(row)
        for key in _FIGURES:
            totals[key] += row[key]
    rows.sort(key=lambda r: (-r["qty"], r["client"], r["client_id"]))
    return Report(NAME, params, COLUMNS, tuple(rows), totals, CHART)

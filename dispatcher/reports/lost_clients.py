"""Lost clients: the clients who became lost in the period, having not ordered for N months.

A client is lost N calendar months after their last order (not rejected, not cancelled),
when no order followed up to `date_to`; the list holds those lost on a day of the period,
i.e. whose last order was taken between N months before `date_from` and N months before
`date_to` (so a month's report names that month's losses, and clients lost long before
are not listed again and again). Merged duplicates count
as the client they were merged into. Each row has what the client usually took (the product
in most of their orders, and how many per order as a rule) and their phone, so that an
operator can work through the list.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dispatcher.errors import translatable
from dispatcher.models import Client, ClientKind, Order, OrderLine, OrderState, Product
from dispatcher.reports.common import (
    as_date,
    canonical_client,
    chunks,
    first_phones,
    moscow_day,
    moscow_midnight,
    with_duplicates,
)
from dispatcher.reports.model import Column, ColumnKind, Report, ReportParams

NAME = "lost-clients"

COLUMNS = (
    Column("client_id", translatable("Client no."), ColumnKind.QTY),
    Column("client", translatable("Client")),
    Column("kind", translatable("Kind")),
    Column("phone", translatable("Phone")),
    Column("last_order", translatable("Last order"), ColumnKind.DATE),
    Column("orders", translatable("Orders"), ColumnKind.QTY),
    Column("usual_product", translatable("Usually took")),
    Column("usual_qty", translatable("Usual quantity"), ColumnKind.QTY),
    Column("sum_kop", translatable("Sum of orders"), ColumnKind.MONEY),
)
_COUNTED = (OrderState.INTEREST, OrderState.DELIVERY, OrderState.CLOSED)


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months earlier (the month's last day if it is shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def build(session: Session, params: ReportParams) -> Report:
    """The lost-clients list judged on the period's last day."""
    cutoff = months_before(params.date_to, params.months)
    earliest = moscow_midnight(months_before(params.date_from, params.months))
    latest = moscow_midnight(cutoff + dt.timedelta(1))
    end = moscow_midnight(params.date_to + dt.timedelta(1))
    # First per client row (the orders' own column, no join), then per client counted: a
    # merged duplicate's orders (if any were left on it) join those of the one it went into.
    per_row = (
        select(
            Order.client_id,
            func.max(Order.created_at).label("last"),
            func.count().label("n"),
        )
        .where(Order.state.in_(_COUNTED), Order.created_at < end)
        .group_by(Order.client_id)
    ).subquery()
    who = canonical_client().label("who")
    per_client = (
        select(who, func.max(per_row.c.last).label("last"), func.sum(per_row.c.n).label("n"))
        .join(Client, Client.id == per_row.c.client_id)
        .group_by(who)
        .having(func.max(per_row.c.last) >= earliest, func.max(per_row.c.last) < latest)
    ).subquery()
    stmt = select(
        per_client.c.who,
        moscow_day(session, per_client.c.last),
        per_client.c.n,
        Client.name,
        Client.kind,
    ).join(Client, Client.id == per_client.c.who)
    if params.client_kind is not None:
        stmt = stmt.where(Client.kind == ClientKind(params.client_kind))
    found = session.execute(stmt).all()
    if not found:
        return Report(NAME, params, COLUMNS, (), {"clients": 0, "orders": 0, "sum_kop": 0})

    # What each lost client took: per product, in how many orders and how many in all. In
    # batches of ids (set-based, a few thousand clients a statement): the ids are known now,
    # and the index on the orders' client finds theirs without reading anyone else's.
    ids = [row[0] for row in found]
    line_client = canonical_client().label("who")
    took = []
    for chunk in chunks(ids):
        # One plain IN list: an OR with a subquery would make the database read every order.
        their = Order.client_id.in_(with_duplicates(session, chunk))
        took += session.execute(
            select(
                line_client,
                OrderLine.product_id,
                func.count(func.distinct(Order.id)),
                func.sum(OrderLine.qty),
                func.sum(OrderLine.qty * OrderLine.price_kop),
            )
            .join(Order, Order.id == OrderLine.order_id)
            .join(Client, Client.id == Order.client_id)
            .where(their, Order.state.in_(_COUNTED), Order.created_at < end)
            .group_by(line_client, OrderLine.product_id)
        ).all()
    usual: dict[int, tuple[int, int, int]] = {}  # client -> (orders with it, -product, qty)
    spent: dict[int, int] = defaultdict(int)
    for client_id, product_id, n_orders, qty, money in took:
        spent[client_id] += int(money or 0)
        best = usual.get(client_id)
        candidate = (n_orders, -product_id, round(int(qty) / n_orders))
        if best is None or candidate[:2] > best[:2]:
            usual[client_id] = candidate
    product_names = dict(session.execute(select(Product.id, Product.name)).all())
    phones: dict[int, str] = {}
    for chunk in chunks(ids):
        phones.update(first_phones(session, chunk))

    rows = []
    for client_id, last_day, n, name, kind in found:
        pick = usual.get(client_id)
        rows.append(
            {
                "client_id": client_id,
                "client": name,
                "kind": ClientKind(kind).value,
                "phone": phones.get(client_id, ""),
                "last_order": as_date(last_day),
                "orders": n,
                "usual_product": product_names.get(-pick[1], "") if pick else "",
                "usual_qty": pick[2] if pick else 0,
                "sum_kop": spent.get(client_id, 0),
            }
        )
    # The longest lost last: the freshest losses are the easiest to win back.
    rows.sort(key=lambda r: (r["last_order"], r["client_id"]), reverse=True)
    totals: dict[str, Any] = {
        "clients": len(rows),
        "orders": sum(r["orders"] for r in rows),
        "sum_kop": sum(r["sum_kop"] for r in rows),
    }
    return Report(NAME, params, COLUMNS, tuple(rows), totals)

"""Bottles: per client, the returnable bottles delivered and the empties returned in the period,
and the balance the client holds at the period's end (all deliveries minus all returns).

A returnable bottle is a product sold by the bottle (unit "бут", the 19 l water); the courier
records the empties taken back when closing the delivery. Merged duplicates count as the
client they were merged into. The rows are the clients with bottles moving in the period, by
client number, read a page at a time (dispatcher.reports.paging): a year has hundreds of
thousands of them. The totals, the count and the chart (the clients holding most) are summed
by the database. Read from the per-client daily roll-up (dispatcher.reports.rollups).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import Session

from dispatcher.errors import translatable
from dispatcher.models import Client, ClientKind, ReportClientBottles
from dispatcher.reports.common import first_phones
from dispatcher.reports.model import Chart, Column, ColumnKind, Cursor, Report, ReportParams
from dispatcher.reports.paging import Row, cursor_after

NAME = "bottles"

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
CHART_BARS = 20  # the clients holding most bottles are drawn
_FIGURES = ("delivered", "returned", "qty")
_b = ReportClientBottles


def _moved(params: ReportParams, after: int | None = None) -> Select[Any]:
    """Per client with bottles moving in the period: delivered and returned (by client id)."""
    where = [_b.day.between(params.date_from, params.date_to)]
    if params.courier_id is not None:
        where.append(_b.courier_id == params.courier_id)
    if params.client_kind is not None:
        where.append(_b.client_kind == ClientKind(params.client_kind).value)
    if after is not None:
        where.append(_b.client_id > after)
    d, r = func.sum(_b.delivered), func.sum(_b.returned)
    return (
        select(_b.client_id, d.label("d"), r.label("r"))
        .where(*where)
        .group_by(_b.client_id)
        .having(or_(d != 0, r != 0))
    )


def _held(params: ReportParams, clients: Any) -> Select[Any]:
    """Each of ``clients``' balance over their whole history up to the period's end.

    The end sits inside the sum, not in WHERE: there SQLite would take the day index (nearly
    every row is before the end) and read all of it instead of each client's key range.
    """
    qty = func.coalesce(func.sum(case((_b.day <= params.date_to, _b.delivered - _b.returned))), 0)
    return (
        select(_b.client_id, qty.label("qty"))
        .where(_b.client_id.in_(clients))
        .group_by(_b.client_id)
    )


def head(session: Session, params: ReportParams, limit: int) -> Report:
    """The first page, the totals, the row count and the chart of the bottles report."""
    moved = _moved(params).subquery()
    count, delivered, returned = session.execute(
        select(func.count(), func.sum(moved.c.d), func.sum(moved.c.r))
    ).one()
    held = _held(params, select(moved.c.client_id)).subquery()
    totals: dict[str, Any] = {
        "delivered": int(delivered or 0),
        "returned": int(returned or 0),
        "qty": int(session.scalar(select(func.sum(held.c.qty))) or 0),
    }
    most = session.execute(
        select(held.c.client_id, Client.name, held.c.qty)
        .join(Client, Client.id == held.c.client_id)
        .order_by(held.c.qty.desc(), held.c.client_id)
        .limit(CHART_BARS)
    )
    chart_rows = tuple(
        {"client": f"{name} (№{client_id})", "qty": int(qty)} for client_id, name, qty in most
    )
    cursor = Cursor(NAME, params, (0,))
    rows, cursor_next = page(session, cursor, limit)
    return Report(
        NAME, params, COLUMNS, tuple(rows), totals, CHART, int(count), chart_rows, cursor_next
    )


def page(session: Session, cursor: Cursor, limit: int) -> tuple[list[Row], Cursor | None]:
    """Up to ``limit`` clients after the cursor's client number, and the cursor after them."""
    params = cursor.params
    moved = _moved(params, after=int(cursor.after[0])).order_by(_b.client_id).limit(limit)
    figures = {cid: (int(d), int(r)) for cid, d, r in session.execute(moved)}
    if not figures:
        return [], None
    ids = sorted(figures)
    held = {cid: qty for cid, qty in session.execute(_held(params, ids))}
    named = dict(
        (cid, (name, kind))
        for cid, name, kind in session.execute(
            select(Client.id, Client.name, Client.kind).where(Client.id.in_(ids))
        )
    )
    phones = first_phones(session, ids)
    rows: list[Row] = []
    for client_id in ids:
        name, kind = named[client_id]
        delivered, returned = figures[client_id]
        rows.append(
            {
                "client_id": client_id,
                "client": name,
                "kind": ClientKind(kind).value,
                "phone": phones.get(client_id, ""),
                "delivered": delivered,
                "returned": returned,
                "qty": int(held.get(client_id, 0)),
            }
        )
    return rows, cursor_after(cursor, rows, limit, lambda r: (r["client_id"],))

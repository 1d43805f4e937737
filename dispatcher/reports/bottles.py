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

from sqlalchemy import Select, and_, case, func, or_, select
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
SHORT_DAYS = 92  # a period this short finds its clients by its days first (else: all rows)
_FIGURES = ("delivered", "returned", "qty")
_b = ReportClientBottles


def _per_client(params: ReportParams, *, short: bool) -> Select[Any]:
    """Per client with bottles moving in the period: delivered, returned, and held at its end.

    One pass over each client's rows in the key order (client, day): the period's figures
    and the balance over the whole history (whoever delivered) are sums of the same rows, so
    the database streams the grouping instead of sorting the period's rows by client. For a
    ``short`` period only the clients with rows in it are visited (through the day index).
    """
    in_period = [_b.day >= params.date_from, _b.day <= params.date_to]
    if params.courier_id is not None:
        in_period.append(_b.courier_id == params.courier_id)
    if params.client_kind is not None:
        in_period.append(_b.client_kind == ClientKind(params.client_kind).value)
    moving = and_(*in_period)
    d = func.sum(case((moving, _b.delivered), else_=0))
    r = func.sum(case((moving, _b.returned), else_=0))
    qty = func.sum(case((_b.day <= params.date_to, _b.delivered - _b.returned), else_=0))
    stmt = (
        select(_b.client_id, d.label("d"), r.label("r"), qty.label("qty"))
        .group_by(_b.client_id)
        .having(or_(d != 0, r != 0))
    )
    if short:
        stmt = stmt.where(_b.client_id.in_(select(_b.client_id).where(*in_period)))
    return stmt


def _short(params: ReportParams) -> bool:
    """Whether the period is short enough (a quarter or less) to be found by its days first."""
    return (params.date_to - params.date_from).days < SHORT_DAYS


def head(session: Session, params: ReportParams, limit: int) -> Report:
    """The first page, the totals, the row count and the chart of the bottles report.

    One statement: the clients holding most (the chart's bars) with the count and the sums
    over all of them alongside (window sums, computed before the limit).
    """
    per = _per_client(params, short=_short(params)).subquery()
    most = session.execute(
        select(
            per.c.client_id,
            per.c.qty,
            func.count().over(),
            func.sum(per.c.d).over(),
            func.sum(per.c.r).over(),
            func.sum(per.c.qty).over(),
        )
        .order_by(per.c.qty.desc(), per.c.client_id)
        .limit(CHART_BARS)
    ).all()
    count, delivered, returned, held = most[0][2:] if most else (0, 0, 0, 0)
    totals: dict[str, Any] = {
        "delivered": int(delivered or 0),
        "returned": int(returned or 0),
        "qty": int(held or 0),
    }
    names = dict(
        session.execute(
            select(Client.id, Client.name).where(Client.id.in_([m[0] for m in most]))
        ).all()
    )
    chart_rows = tuple(
        {"client": f"{names.get(client_id, '')} (№{client_id})", "qty": int(qty)}
        for client_id, qty, *_whole in most
    )
    rows, cursor = page(session, Cursor(NAME, params, (0,)), limit)
    return Report(NAME, params, COLUMNS, tuple(rows), totals, CHART, int(count), chart_rows, cursor)


def page(session: Session, cursor: Cursor, limit: int) -> tuple[list[Row], Cursor | None]:
    """Up to ``limit`` clients after the cursor's client number, and the cursor after them.

    The clients' rows are read in the key order from the cursor on and the reading stops
    after ``limit`` of them moved bottles: a page costs the same wherever it is.
    """
    per = (
        _per_client(cursor.params, short=False)
        .where(_b.client_id > int(cursor.after[0]))
        .order_by(_b.client_id)
        .limit(limit)
    )
    figures = {cid: (int(d), int(r), int(qty)) for cid, d, r, qty in session.execute(per)}
    if not figures:
        return [], None
    ids = sorted(figures)
    named = {
        cid: (name, kind)
        for cid, name, kind in session.execute(
            select(Client.id, Client.name, Client.kind).where(Client.id.in_(ids))
        )
    }
    phones = first_phones(session, ids)
    rows: list[Row] = []
    for client_id in ids:
        name, kind = named[client_id]
        delivered, returned, qty = figures[client_id]
        rows.append(
            {
                "client_id": client_id,
                "client": name,
                "kind": ClientKind(kind).value,
                "phone": phones.get(client_id, ""),
                "delivered": delivered,
                "returned": returned,
                "qty": qty,
            }
        )
    return rows, cursor_after(cursor, rows, limit, lambda r: (r["client_id"],))

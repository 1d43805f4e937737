"""Bottles: per client, the returnable bottles delivered and the empties returned in the period,
and the balance the client holds at the period's end (all deliveries minus all returns).

A returnable bottle is a product sold by the bottle (unit "бут", the 19 l water); the courier
records the empties taken back when closing the delivery. Merged duplicates count as the
client they were merged into. The rows are the clients with bottles moving in the period.
Read from the per-client daily roll-up (dispatcher.reports.rollups).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from dispatcher.errors import translatable
from dispatcher.models import Client, ClientKind, ReportClientBottles
from dispatcher.reports.common import first_phones
from dispatcher.reports.model import Chart, Column, ColumnKind, Report, ReportParams

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
_FIGURES = ("delivered", "returned", "qty")


def build(session: Session, params: ReportParams) -> Report:
    """The bottles report of the period, from the per-client daily roll-up."""
    b = ReportClientBottles
    in_period = [b.day.between(params.date_from, params.date_to)]
    if params.courier_id is not None:
        in_period.append(b.courier_id == params.courier_id)
    if params.client_kind is not None:
        in_period.append(b.client_kind == ClientKind(params.client_kind).value)
    moved = (
        select(b.client_id, func.sum(b.delivered).label("d"), func.sum(b.returned).label("r"))
        .where(*in_period)
        .group_by(b.client_id)
        .subquery()
    )
    figures: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(_FIGURES, 0))
    clients: dict[int, tuple[str, Any]] = {}
    named = select(moved.c.client_id, moved.c.d, moved.c.r, Client.name, Client.kind).join(
        Client, Client.id == moved.c.client_id
    )
    for client_id, delivered, returned, name, kind in session.execute(named):
        if delivered or returned:
            figures[client_id].update(delivered=int(delivered), returned=int(returned))
            clients[client_id] = (name, kind)
    moving = sorted(figures)

    # The balance of those clients over their whole history up to the period's end (whoever
    # delivered), set-based: the clients of the period are a subquery, each one's history a
    # range of the roll-up's key. The end sits inside the sum, not in WHERE: there SQLite
    # would take the day index (nearly every row is before the end) and read all of it.
    theirs = select(b.client_id).where(*in_period).distinct()
    held = (
        select(b.client_id, func.sum(case((b.day <= params.date_to, b.delivered - b.returned))))
        .where(b.client_id.in_(theirs))
        .group_by(b.client_id)
    )
    for client_id, qty in session.execute(held):
        if client_id in figures:
            figures[client_id]["qty"] = int(qty or 0)
    phones = first_phones(session, theirs) if moving else {}
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

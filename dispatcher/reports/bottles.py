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

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dispatcher.errors import translatable
from dispatcher.models import Client, ClientKind, ReportClientBottles
from dispatcher.reports.common import chunks, first_phones
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
    moved = (
        select(b.client_id, func.sum(b.delivered), func.sum(b.returned))
        .where(b.day.between(params.date_from, params.date_to))
        .group_by(b.client_id)
    )
    if params.courier_id is not None:
        moved = moved.where(b.courier_id == params.courier_id)
    if params.client_kind is not None:
        moved = moved.where(b.client_kind == ClientKind(params.client_kind).value)
    figures: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(_FIGURES, 0))
    for client_id, delivered, returned in session.execute(moved):
        if delivered or returned:
            figures[client_id].update(delivered=int(delivered), returned=int(returned))
    moving = sorted(figures)

    # The balance of those clients over their whole history up to the period's end (whoever
    # delivered), in batches of ids: each client's rows are one range of the roll-up's key.
    clients: dict[int, tuple[str, Any]] = {}
    phones: dict[int, str] = {}
    for chunk in chunks(moving):
        held = (
            select(b.client_id, func.sum(b.delivered) - func.sum(b.returned))
            .where(b.client_id.in_(chunk), b.day <= params.date_to)
            .group_by(b.client_id)
        )
        for client_id, qty in session.execute(held):
            figures[client_id]["qty"] = int(qty or 0)
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

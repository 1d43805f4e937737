"""Goods and services sold: per product (goods / service / deposit), quantity and sum, per kind.

What was delivered in the period counts, at the price each order was taken at;
read from the daily roll-ups (dispatcher.reports.rollups).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dispatcher.errors import translatable
from dispatcher.models import ClientKind, Product, ReportDayLine
from dispatcher.reports.model import Chart, Column, ColumnKind, Report, ReportParams

NAME = "sales"

# The kind of a product as the report shows it; the window translates it like a title.
PRODUCT_KINDS = {
    "goods": translatable("goods"),
    "service": translatable("service"),
    "deposit": translatable("deposit"),
}

COLUMNS = (
    Column("code", translatable("Code")),
    Column("product", translatable("Product")),
    Column("product_kind", translatable("Kind")),
    Column("person_qty", translatable("Persons, qty"), ColumnKind.QTY),
    Column("person_sum_kop", translatable("Persons, sum"), ColumnKind.MONEY),
    Column("company_qty", translatable("Companies, qty"), ColumnKind.QTY),
    Column("company_sum_kop", translatable("Companies, sum"), ColumnKind.MONEY),
    Column("qty", translatable("Quantity"), ColumnKind.QTY),
    Column("sum_kop", translatable("Sum"), ColumnKind.MONEY),
)
CHART = Chart("bar", "product", ("sum_kop",))
_FIGURES = ("person_qty", "person_sum_kop", "company_qty", "company_sum_kop", "qty", "sum_kop")


def build(session: Session, params: ReportParams) -> Report:
    """The sales report of the period."""
    day = ReportDayLine
    stmt = (
        select(day.product_id, day.client_kind, func.sum(day.qty), func.sum(day.sum_kop))
        .where(day.day.between(params.date_from, params.date_to), day.qty != 0)
        .group_by(day.product_id, day.client_kind)
    )
    if params.courier_id is not None:
        stmt = stmt.where(day.courier_id == params.courier_id)
    if params.client_kind is not None:
        stmt = stmt.where(day.client_kind == ClientKind(params.client_kind).value)
    products = {p.id: p for p in session.scalars(select(Product))}
    rows: dict[int, dict[str, Any]] = {}
    totals: dict[str, Any] = dict.fromkeys(_FIGURES, 0)
    for product_id, kind, qty, money in session.execute(stmt):
        if not qty:
            continue
        product = products[product_id]
        row = rows.setdefault(
            product_id,
            {
                "product_id": product_id,
                "code": product.code,
                "product": product.name,
                "product_kind": product.kind.value,
                **dict.fromkeys(_FIGURES, 0),
            },
        )
        prefix = ClientKind(kind).value
        for target in (row, totals):
            target[f"{prefix}_qty"] += int(qty or 0)
            target[f"{prefix}_sum_kop"] += int(money or 0)
            target["qty"] += int(qty or 0)
            target["sum_kop"] += int(money or 0)
    order = {kind: i for i, kind in enumerate(PRODUCT_KINDS)}
    ordered = sorted(rows.values(), key=lambda r: (order[r["product_kind"]], r["code"]))
    return Report(NAME, params, COLUMNS, tuple(ordered), totals, CHART)

"""STAND-IN, replaced by branch reportdata: hand-made reports and simple writers.

The Reports window was built at the same time as the queries (`run_report`, `REPORT_NAMES` in
dispatcher.reports) and the writers (dispatcher/reports/export.py). Until those land, this
module gives the window something of the right shape to show. The lead drops this file when
merging branch reportdata; app/reports.py then imports the real ones.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP
from sqlalchemy.orm import Session

from dispatcher.models import UserRole
from dispatcher.reports import Chart, Column, ColumnKind, Report, ReportParams
from dispatcher.users import Actor, require_role

REPORT_NAMES: tuple[str, ...] = ("delivered", "sales", "orders", "lost-clients", "cash", "bottles")

SEE_REPORTS = QT_TRANSLATE_NOOP("dispatcher", "see reports")  # the real check's action text
_T = {  # titles in the "dispatcher" context, as the real queries mark theirs
    "courier": QT_TRANSLATE_NOOP("dispatcher", "Courier"),
    "client_kind": QT_TRANSLATE_NOOP("dispatcher", "Client kind"),
    "qty": QT_TRANSLATE_NOOP("dispatcher", "Quantity"),
    "sum_kop": QT_TRANSLATE_NOOP("dispatcher", "Sum"),
    "product": QT_TRANSLATE_NOOP("dispatcher", "Product"),
    "operator": QT_TRANSLATE_NOOP("dispatcher", "Operator"),
    "taken": QT_TRANSLATE_NOOP("dispatcher", "Orders taken"),
    "delivered": QT_TRANSLATE_NOOP("dispatcher", "Delivered"),
    "delivered_pct": QT_TRANSLATE_NOOP("dispatcher", "Delivered, %"),
    "rejected": QT_TRANSLATE_NOOP("dispatcher", "Rejected"),
    "client": QT_TRANSLATE_NOOP("dispatcher", "Client"),
    "phone": QT_TRANSLATE_NOOP("dispatcher", "Phone"),
    "last_order": QT_TRANSLATE_NOOP("dispatcher", "Last order"),
    "day": QT_TRANSLATE_NOOP("dispatcher", "Day"),
    "to_collect_kop": QT_TRANSLATE_NOOP("dispatcher", "To collect"),
    "collected_kop": QT_TRANSLATE_NOOP("dispatcher", "Collected"),
    "balance": QT_TRANSLATE_NOOP("dispatcher", "Bottles held"),
    "total": QT_TRANSLATE_NOOP("dispatcher", "Total"),
}

_K = ColumnKind


def _col(key: str, kind: ColumnKind = _K.TEXT) -> Column:
    return Column(key, _T[key], kind)


def _delivered(p: ReportParams) -> Report:
    rows = (
        {"courier": "Петров Пётр", "client_kind": "person", "qty": 124, "sum_kop": 4_340_000},
        {"courier": "Петров Пётр", "client_kind": "company", "qty": 60, "sum_kop": 1_800_000},
        {"courier": "Сидоров Семён", "client_kind": "person", "qty": 98, "sum_kop": 3_430_000},
        {"courier": "Козлов Кирилл", "client_kind": "company", "qty": 140, "sum_kop": 4_200_000},
    )
    cols = (_col("courier"), _col("client_kind"), _col("qty", _K.QTY), _col("sum_kop", _K.MONEY))
    totals = {"qty": 422, "sum_kop": 13_770_000}
    return Report("delivered", p, cols, rows, totals, Chart("bar", "courier", ("qty",)))


def _orders(p: ReportParams) -> Report:
    rows = (
        {"operator": "Иванова Мария", "taken": 212, "delivered": 190, "delivered_pct": 89.6},
        {"operator": "Смирнова Ольга", "taken": 178, "delivered": 151, "delivered_pct": 84.8},
        {"operator": "Кузнецов Олег", "taken": 96, "delivered": 90, "delivered_pct": 93.8},
    )
    cols = (
        _col("operator"),
        _col("taken", _K.QTY),
        _col("delivered", _K.QTY),
        _col("delivered_pct", _K.PERCENT),
    )
    totals = {"taken": 486, "delivered": 431, "delivered_pct": 88.7}
    return Report("orders", p, cols, rows, totals, Chart("bar", "operator", ("taken", "delivered")))


def _lost(p: ReportParams) -> Report:
    rows = (
        {
            "client_id": 1,
            "client": "Соколова Анна",
            "phone": "+79161234567",
            "last_order": p.date_to - dt.timedelta(days=120),
            "qty": 2,
        },
    )
    cols = (_col("client"), _col("phone"), _col("last_order", _K.DATE), _col("qty", _K.QTY))
    return Report("lost-clients", p, cols, rows, {"qty": 2})


def _cash(p: ReportParams) -> Report:
    days = [
        p.date_from + dt.timedelta(days=i)
        for i in range(min(7, (p.date_to - p.date_from).days + 1))
    ]
    rows = tuple(
        {
            "day": day,
            "courier": "Петров Пётр",
            "to_collect_kop": 2_000_000 + 10_000 * i,
            "collected_kop": 2_000_000 + 10_000 * i - (5_000 if i == 2 else 0),
        }
        for i, day in enumerate(days)
    )
    cols = (
        _col("day", _K.DATE),
        _col("courier"),
        _col("to_collect_kop", _K.MONEY),
        _col("collected_kop", _K.MONEY),
    )
    totals = {k: sum(r[k] for r in rows) for k in ("to_collect_kop", "collected_kop")}
    return Report("cash", p, cols, rows, totals, Chart("line", "day", ("collected_kop",)))


def run_report(session: Session, name: str, params: ReportParams, *, actor: Actor) -> Report:
    """STAND-IN: a hand-made report of the right shape (the session is not read)."""
    require_role(actor, UserRole.LEAD, action=SEE_REPORTS)
    if name == "delivered":
        return _delivered(params)
    if name == "orders":
        return _orders(params)
    if name == "lost-clients":
        return _lost(params)
    if name == "cash":
        return _cash(params)
    if name == "sales":
        rows = ({"product": "Вода 19 л", "qty": 422, "sum_kop": 13_770_000},)
        cols = (_col("product"), _col("qty", _K.QTY), _col("sum_kop", _K.MONEY))
        chart = Chart("bar", "product", ("sum_kop",))
        return Report(name, params, cols, rows, {"qty": 422, "sum_kop": 13_770_000}, chart)
    rows = ({"client": "ООО «Ромашка»", "balance": 6},)
    return Report(name, params, (_col("client"), _col("balance", _K.QTY)), rows, {"balance": 6})


def _cell(column: Column, value: Any) -> Any:
    if value is None:
        return None
    if column.kind is ColumnKind.MONEY:
        return value / 100
    return value


def write_csv(report: Report, path: Path, translate: Callable[[str], str]) -> None:
    """STAND-IN: the rows and a totals row as CSV (money in roubles)."""
    with Path(path).open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow([translate(c.title) for c in report.columns])
        for row in report.rows:
            out.writerow([_cell(c, row.get(c.key)) for c in report.columns])
        if report.totals:
            out.writerow(
                [
                    translate("Total") if i == 0 else _cell(c, report.totals.get(c.key))
                    for i, c in enumerate(report.columns)
                ]
            )


def write_xlsx(report: Report, path: Path, translate: Callable[[str], str]) -> None:
    """STAND-IN: the rows and a bold totals row as an XLSX sheet with number formats."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    formats = {
        ColumnKind.MONEY: '#,##0.00 "₽"',
        ColumnKind.QTY: "0",
        ColumnKind.PERCENT: '0.0" %"',
        ColumnKind.DATE: "DD.MM.YYYY",
    }
    book = Workbook()
    sheet = book.active
    sheet.append([translate(c.title) for c in report.columns])
    lines = [[row.get(c.key) for c in report.columns] for row in report.rows]
    if report.totals:
        lines.append([report.totals.get(c.key) for c in report.columns])
        lines[-1][0] = translate("Total")
    for line in lines:
        sheet.append(
            [
                _cell(c, v) if v is not None else None
                for c, v in zip(report.columns, line, strict=True)
            ]
        )
    for i, column in enumerate(report.columns, start=1):
        for (cell,) in sheet.iter_rows(min_row=2, min_col=i, max_col=i):
            cell.number_format = formats.get(column.kind, "General")
    if report.totals:
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
    book.save(path)

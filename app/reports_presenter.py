"""What the Reports window shows: the report names, periods, cells, the totals row, the chart.

Column titles come from dispatcher.reports in English and are translated in the "dispatcher"
context (app.domain_text), like every domain text; money goes through the one formatter
(app.formatting); `app.widgets.reports_window` lays these out, `app.reports` holds the state.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication

from app.domain_text import translate_domain
from app.formatting import format_date, format_money
from dispatcher.reports import Column, ColumnKind, Report

CONTEXT = "Reports"  # written out in each call below: lupdate reads only literals
BAR_LIMIT = 20  # more bars than this cannot be read: the biggest are drawn, the rest summed


def report_choices() -> tuple[tuple[str, str], ...]:
    """The reports of the picker: (name as `dispatch report` knows it, label)."""
    return (
        ("delivered", QCoreApplication.translate("Reports", "Delivered water")),
        ("sales", QCoreApplication.translate("Reports", "Goods and services sold")),
        ("orders", QCoreApplication.translate("Reports", "Processed orders")),
        ("lost-clients", QCoreApplication.translate("Reports", "Lost clients")),
        ("cash", QCoreApplication.translate("Reports", "Cash to hand in")),
        ("bottles", QCoreApplication.translate("Reports", "Bottles (deposit balance)")),
        ("complaints", QCoreApplication.translate("Reports", "Complaints")),
    )


# Which filters mean something for each report; the others are greyed out.
_FILTERS: dict[str, frozenset[str]] = {
    "delivered": frozenset({"courier", "client_kind"}),
    "sales": frozenset({"client_kind"}),
    "orders": frozenset(),
    "lost-clients": frozenset({"client_kind", "months"}),
    "cash": frozenset({"courier"}),
    "bottles": frozenset({"client_kind"}),
    "complaints": frozenset(),
}


def filters_for(name: str) -> frozenset[str]:
    """The filters ("courier", "client_kind", "months") that apply to report ``name``."""
    return _FILTERS.get(name, frozenset())


def client_kinds() -> tuple[tuple[str | None, str], ...]:
    """The client-kind filter: (value for ReportParams, label)."""
    return (
        (None, QCoreApplication.translate("Reports", "All clients")),
        ("person", QCoreApplication.translate("Reports", "People")),
        ("company", QCoreApplication.translate("Reports", "Companies")),
    )


def quick_picks() -> tuple[tuple[str, str], ...]:
    """The period shortcuts: (key, label)."""
    return (
        ("this_month", QCoreApplication.translate("Reports", "This month")),
        ("last_month", QCoreApplication.translate("Reports", "Last month")),
        ("this_year", QCoreApplication.translate("Reports", "This year")),
    )


def quick_period(pick: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """The period of a quick pick, judged on ``today`` (a Moscow date); both days included."""
    if pick == "this_month":
        return today.replace(day=1), today
    if pick == "last_month":
        end = today.replace(day=1) - dt.timedelta(days=1)
        return end.replace(day=1), end
    if pick == "this_year":
        return today.replace(month=1, day=1), today
    raise ValueError(f"unknown period pick {pick!r}")


def period_error(date_from: dt.date, date_to: dt.date, months: int) -> str | None:
    """Why these period fields cannot make a report, or None."""
    if date_from > date_to:
        return QCoreApplication.translate(
            "Reports", "The period starts after it ends: swap the dates."
        )
    if months < 1:
        return QCoreApplication.translate("Reports", "Lost clients: give at least one month.")
    return None


def title_text(text: str) -> str:
    """A report's English title or label in the interface language (the writers use it too)."""
    return translate_domain(text)


def column_title(column: Column) -> str:
    """A column's title in the interface language."""
    return title_text(column.title)


def _value_label(code: str) -> str | None:
    """The label of a code the queries return as text (client and product kinds), or None."""
    labels = {
        "person": QCoreApplication.translate("Reports", "person"),
        "company": QCoreApplication.translate("Reports", "company"),
        "goods": QCoreApplication.translate("Reports", "goods"),
        "service": QCoreApplication.translate("Reports", "service"),
        "deposit": QCoreApplication.translate("Reports", "deposit"),
        "reason": QCoreApplication.translate("Reports", "reason"),
        "department": QCoreApplication.translate("Reports", "department"),
        "guilty": QCoreApplication.translate("Reports", "guilty person"),
    }
    return labels.get(code)


def _number(value: float, digits: int = 0) -> str:
    text = f"{value:,.{digits}f}".replace(",", " ")
    return text.replace(".", ",")


def cell_text(column: Column, value: Any) -> str:
    """One cell as shown: roubles, '1 250' units, '12,5 %', dd.MM.yyyy."""
    if value is None or value == "":
        return ""
    kind = column.kind
    if kind is ColumnKind.MONEY:
        return format_money(int(value))
    if kind is ColumnKind.QTY:
        return _number(value)
    if kind is ColumnKind.PERCENT:
        return f"{_number(float(value), 1)} %"
    if kind is ColumnKind.DATE:
        return format_date(value)
    if isinstance(value, str):
        return _value_label(value) or value
    return str(value)


def is_number(column: Column) -> bool:
    """Whether the column holds figures (aligned right)."""
    return column.kind in (ColumnKind.MONEY, ColumnKind.QTY, ColumnKind.PERCENT)


def totals_cells(report: Report) -> tuple[str, ...] | None:
    """The totals row: 'Total' in the first column, the totals under their columns; None if none."""
    if not report.totals or not report.columns:
        return None
    cells = [cell_text(c, report.totals.get(c.key)) for c in report.columns]
    cells[0] = QCoreApplication.translate("Reports", "Total")
    return tuple(cells)


def summary_text(report: Report) -> str:
    """What the status line says after a run."""
    return QCoreApplication.translate("Reports", "{0} row(s) from {1} to {2}.").format(
        report.total_rows,
        format_date(report.params.date_from),
        format_date(report.params.date_to),
    )


def progress_text(seconds: float, steps: int = 0) -> str:
    """The busy line of a running report: its time and the queries it has started."""
    if not steps:
        return QCoreApplication.translate(
            "Reports", "Running the report… {0} s (Esc cancels)"
        ).format(int(seconds))
    return QCoreApplication.translate(
        "Reports", "Running the report… {0} s, query {1} (Esc cancels)"
    ).format(int(seconds), steps)


@dataclass(frozen=True, slots=True)
class Series:
    """One drawn quantity: its title and a value per category."""

    title: str
    values: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class ChartData:
    """What the chart draws: bars per category or a line over days, money in roubles."""

    kind: str  # "bar" or "line"
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    note: str = ""  # e.g. "the 20 largest of 57"


def _plain(column: Column, value: Any) -> float:
    if value is None:
        return 0.0
    return float(value) / 100 if column.kind is ColumnKind.MONEY else float(value)


def chart_data(report: Report) -> ChartData | None:
    """The chart of ``report``: rows summed per category (a courier over client kinds...).

    A long report brings its chart's rows aggregated (`chart_rows`): its own rows are only
    the first page.
    """
    chart = report.chart
    if chart is None:
        return None
    by_key = {c.key: c for c in report.columns}
    value_columns = [by_key[k] for k in chart.value_keys if k in by_key]
    category = by_key.get(chart.category_key, Column(chart.category_key, ""))
    sums: dict[Any, list[float]] = {}
    for row in report.rows if report.chart_rows is None else report.chart_rows:
        bucket = sums.setdefault(row.get(chart.category_key), [0.0] * len(value_columns))
        for i, column in enumerate(value_columns):
            bucket[i] += _plain(column, row.get(column.key))
    keys = list(sums)
    note = ""
    if chart.kind == "line":
        keys.sort(key=lambda k: (k is None, k))
    elif len(keys) > BAR_LIMIT and value_columns:
        keys.sort(key=lambda k: -sums[k][0])
        note = QCoreApplication.translate("Reports", "the {0} largest of {1}").format(
            BAR_LIMIT, len(keys)
        )
        keys = keys[:BAR_LIMIT]
    if chart.kind == "line":
        labels = tuple(_category_text(category, k, short=True) for k in keys)
    else:
        labels = tuple(_category_text(category, k) for k in keys)
    series = tuple(
        Series(column_title(column), tuple(sums[k][i] for k in keys))
        for i, column in enumerate(value_columns)
    )
    return ChartData(chart.kind, labels, series, note)


def _category_text(column: Column, value: Any, short: bool = False) -> str:
    if isinstance(value, dt.date) and short:
        return value.strftime("%d.%m")
    if isinstance(value, dt.date):
        return format_date(value)
    return cell_text(column, value) if value is not None else "—"


def axis_text(value: float) -> str:
    """A value on the chart's axis: '1 250' or '12,5'."""
    return _number(value, 0 if value == int(value) else 1)

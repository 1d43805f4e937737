"""The plain data of a report: columns, rows, totals, chart (the contract of dispatcher.reports)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class ColumnKind(StrEnum):
    """How a column's values are shown and exported."""

    TEXT = "text"
    MONEY = "money"  # kopecks (int); keys end in `_kop`
    QTY = "qty"  # whole units
    PERCENT = "percent"  # 0..100, float
    DATE = "date"  # dt.date


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a report: its key in the rows, its (translatable) title and kind."""

    key: str
    title: str
    kind: ColumnKind = ColumnKind.TEXT


@dataclass(frozen=True, slots=True)
class Chart:
    """What the window draws: bars per category, or a line over days."""

    kind: str  # "bar" or "line"
    category_key: str  # the row key on the x axis (courier, product, day)
    value_keys: tuple[str, ...]  # the row keys drawn (money is drawn in roubles)


@dataclass(frozen=True, slots=True)
class ReportParams:
    """The period (Moscow dates, both days included) and the filters of a report."""

    date_from: dt.date
    date_to: dt.date
    months: int = 3  # lost clients: not ordered for this many months before date_to
    courier_id: int | None = None
    client_kind: str | None = None  # "person" / "company" / None for both
    operator: str | None = None  # the login of an operator


@dataclass(frozen=True, slots=True)
class Report:
    """A report's result: columns, rows (dicts keyed by column key), totals, its chart."""

    name: str
    params: ReportParams
    columns: tuple[Column, ...]
    rows: tuple[dict[str, Any], ...]
    totals: dict[str, Any] = field(default_factory=dict)
    chart: Chart | None = None
    # A long report (paged) holds only its first page in ``rows``: then these say how many
    # rows there are in all, what the chart draws (aggregated in SQL) and where the next page
    # starts (dispatcher.reports.paging); None for a report that holds all of its rows.
    row_count: int | None = None
    chart_rows: tuple[dict[str, Any], ...] | None = None
    cursor: Cursor | None = None

    @property
    def total_rows(self) -> int:
        """How many rows the report has in all (not only those held)."""
        return len(self.rows) if self.row_count is None else self.row_count


@dataclass(frozen=True, slots=True)
class Cursor:
    """Where the next page of a paged report starts: after the row whose sort key is ``after``.

    ``state`` is what the report computed once for all its pages (the lost clients who came
    back after the period); the cursor is plain data, handed to any thread's session.
    """

    name: str
    params: ReportParams
    after: tuple[Any, ...]
    state: tuple[Any, ...] = ()

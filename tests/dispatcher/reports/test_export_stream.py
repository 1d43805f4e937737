"""The writers stream rows from any iterable and write what they wrote from a whole report."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from dispatcher.reports import Column, ColumnKind, Report, ReportParams
from dispatcher.reports.export import csv_text, stream_csv, to_json, write_json, write_xlsx

COLUMNS = (
    Column("client_id", "Client no.", ColumnKind.QTY),
    Column("client", "Client"),
    Column("last_order", "Last order", ColumnKind.DATE),
    Column("sum_kop", "Sum", ColumnKind.MONEY),
)
MARCH = ReportParams(dt.date(2025, 3, 1), dt.date(2025, 3, 31))


def _rows(n: int) -> list[dict[str, Any]]:
    return [
        {
            "client_id": i,
            "client": f'ООО "Ромашка" {i}',
            "last_order": dt.date(2025, 3, 1 + i % 28),
            "sum_kop": 35_050 * i,
        }
        for i in range(1, n + 1)
    ]


def _report(n: int) -> Report:
    rows = _rows(n)
    totals = {"client_id": n, "sum_kop": sum(r["sum_kop"] for r in rows)}
    return Report("lost-clients", MARCH, COLUMNS, tuple(rows), totals)


def _once(rows: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """A stream that can be read once, as pages from the database are."""
    yield from rows


@pytest.mark.parametrize("n", [0, 1, 3])
def test_streamed_json_is_the_same_text_as_the_whole_report_dumped(n: int) -> None:
    report = _report(n)
    out = io.StringIO()
    write_json(report, out, _once(list(report.rows)))
    assert out.getvalue() == json.dumps(to_json(report), ensure_ascii=False, indent=2)
    assert json.loads(out.getvalue())["rows"][-1:] == to_json(report)["rows"][-1:]


def test_streamed_csv_is_the_same_text_as_the_whole_report() -> None:
    report = _report(3)
    out = io.StringIO()
    stream_csv(report, out, rows=_once(list(report.rows)))
    assert out.getvalue() == csv_text(report)


def test_a_streamed_workbook_has_every_row_and_the_totals_row_after_them(tmp_path: Path) -> None:
    report = _report(7)
    path = tmp_path / "lost.xlsx"
    # The report holds one row (a first page); the stream brings all seven.
    write_xlsx(replace(report, rows=report.rows[:1]), path, rows=_once(_rows(7)))
    sheet = openpyxl.load_workbook(path).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert len(values) == 1 + 7 + 1
    assert values[7][0] == 7 and values[7][3] == pytest.approx(7 * 350.50)
    assert values[8][0] == 7 and values[8][3] == pytest.approx(28 * 350.50)
    assert sheet.auto_filter.ref == "A1:D8"

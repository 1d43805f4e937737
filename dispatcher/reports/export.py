"""A report as JSON (for scripts), CSV and a real XLSX spreadsheet (for people).

XLSX is written with XlsxWriter: it only writes (which is all we do), streams rows in
constant memory (a list of a hundred thousand lost clients stays small), needs nothing else
installed and makes files Excel and LibreOffice open without repair. Money is written as
roubles with two decimals (a number with a number format, not text), quantities as whole
numbers, dates as dates; the header is in the language of the caller's `translate`, and the
totals row is bold.

CSV is UTF-8 with a byte order mark (without one Excel reads UTF-8 as the ANSI code page and
shows mojibake) and `;` between fields: Excel in a Russian locale, where the comma is the
decimal separator, splits a double-clicked file on `;` only. Money is roubles with a decimal
point by default (scripts), or a decimal comma for people (`decimal_comma=True`).

Every writer takes the rows as an iterable (`rows`, default the report's own): a long report
is streamed page by page (dispatcher.reports.report_rows), never held whole in memory.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TextIO

import xlsxwriter

from dispatcher.errors import translatable
from dispatcher.reports.model import Column, ColumnKind, Report

CSV_DELIMITER = ";"
TOTAL = translatable("Total")


def _same(text: str) -> str:
    return text


def plain(value: Any) -> Any:
    """A value as JSON carries it: dates as ISO text, the rest as is."""
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def to_json(report: Report) -> dict[str, Any]:
    """The report as `dispatch report --format json` prints it (money in kopecks, `_kop`)."""
    return {
        "report": report.name,
        "from": report.params.date_from.isoformat(),
        "to": report.params.date_to.isoformat(),
        "rows": [{k: plain(v) for k, v in row.items()} for row in report.rows],
        "totals": {k: plain(v) for k, v in report.totals.items()},
    }


def write_json(report: Report, out: TextIO, rows: Iterable[dict[str, Any]] | None = None) -> None:
    """Stream `to_json`'s text (as ``json.dumps(..., indent=2)`` writes it) row by row."""

    def dumps(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, indent=2)

    head = to_json(report)
    out.write("{\n")
    for key in ("report", "from", "to"):
        out.write(f"  {dumps(key)}: {dumps(head[key])},\n")
    out.write('  "rows": [')
    first = True
    for row in report.rows if rows is None else rows:
        text = dumps({k: plain(v) for k, v in row.items()}).replace("\n", "\n    ")
        out.write(("\n    " if first else ",\n    ") + text)
        first = False
    out.write("]" if first else "\n  ]")
    totals = dumps(head["totals"]).replace("\n", "\n  ")
    out.write(f',\n  "totals": {totals}\n}}')


def roubles(kop: int, decimal_comma: bool = False) -> str:
    """Kopecks as roubles with two decimals: 35000 -> '350.00' (or '350,00')."""
    sign = "-" if kop < 0 else ""
    text = f"{sign}{abs(kop) // 100}.{abs(kop) % 100:02d}"
    return text.replace(".", ",") if decimal_comma else text


def _csv_cell(column: Column, value: Any, decimal_comma: bool) -> str:
    if value is None or value == "":
        return ""
    if column.kind is ColumnKind.MONEY:
        return roubles(int(value), decimal_comma)
    if column.kind is ColumnKind.PERCENT:
        text = f"{float(value):.1f}"
        return text.replace(".", ",") if decimal_comma else text
    if column.kind is ColumnKind.DATE and isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def stream_csv(
    report: Report,
    out: TextIO,
    translate: Callable[[str], str] = _same,
    decimal_comma: bool = False,
    rows: Iterable[dict[str, Any]] | None = None,
) -> None:
    """Write the report as CSV to ``out``, row by row: header, rows, a totals row."""
    writer = csv.writer(out, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    writer.writerow([translate(c.title) for c in report.columns])
    for row in report.rows if rows is None else rows:
        writer.writerow([_csv_cell(c, row.get(c.key), decimal_comma) for c in report.columns])
    if report.totals:
        writer.writerow(_totals(report, translate, lambda c, v: _csv_cell(c, v, decimal_comma)))


def csv_text(
    report: Report, translate: Callable[[str], str] = _same, decimal_comma: bool = False
) -> str:
    """The report as CSV text (without the byte order mark): header, rows, a totals row."""
    buffer = io.StringIO()
    stream_csv(report, buffer, translate, decimal_comma)
    return buffer.getvalue()


def write_csv(
    report: Report,
    path: str | Path,
    translate: Callable[[str], str] = _same,
    decimal_comma: bool = False,
    rows: Iterable[dict[str, Any]] | None = None,
) -> None:
    """Write the report as a UTF-8 CSV file with a byte order mark, for Excel."""
    with Path(path).open("w", encoding="utf-8-sig", newline="") as out:
        stream_csv(report, out, translate, decimal_comma, rows)


def _totals(
    report: Report, translate: Callable[[str], str], cell: Callable[[Column, Any], Any]
) -> list[Any]:
    out: list[Any] = []
    for i, column in enumerate(report.columns):
        if column.key in report.totals and column.kind is not ColumnKind.TEXT:
            out.append(cell(column, report.totals[column.key]))
        elif report.totals.get(column.key):
            out.append(report.totals[column.key])
        else:
            out.append(translate(TOTAL) if i == 0 else "")
    return out


_NUMBER_FORMATS = {
    ColumnKind.MONEY: "#,##0.00",
    ColumnKind.QTY: "#,##0",
    ColumnKind.PERCENT: "0.0",
    ColumnKind.DATE: "dd.mm.yyyy",
}


def write_xlsx(
    report: Report,
    path: str | Path,
    translate: Callable[[str], str] = _same,
    rows: Iterable[dict[str, Any]] | None = None,
) -> None:
    """Write the report as an XLSX workbook: one sheet, a header, the rows, a bold totals row.

    Constant-memory mode: each row goes to the file as it is written, so ``rows`` may be a
    stream of any length.
    """
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    try:
        sheet = workbook.add_worksheet(_sheet_name(translate(report.name)))
        header = workbook.add_format({"bold": True, "bottom": 1, "text_wrap": True})
        plain_formats = {
            k: workbook.add_format({"num_format": f}) for k, f in _NUMBER_FORMATS.items()
        }
        bold_formats = {
            k: workbook.add_format({"num_format": f, "bold": True, "top": 1})
            for k, f in _NUMBER_FORMATS.items()
        }
        bold_text = workbook.add_format({"bold": True, "top": 1})
        columns = report.columns
        for i, column in enumerate(columns):
            sheet.set_column(i, i, _width(column))
            sheet.write_string(0, i, translate(column.title), header)
        sheet.freeze_panes(1, 0)
        written = 0
        for written, row in enumerate(report.rows if rows is None else rows, start=1):
            for i, column in enumerate(columns):
                _write(sheet, written, i, column, row.get(column.key), plain_formats, None)
        if report.totals:
            last = written + 1
            for i, column in enumerate(columns):
                if column.key in report.totals:
                    value = report.totals[column.key]
                    _write(sheet, last, i, column, value, bold_formats, bold_text)
                else:
                    sheet.write_string(last, i, translate(TOTAL) if i == 0 else "", bold_text)
        if written:
            sheet.autofilter(0, 0, written, len(columns) - 1)
    finally:
        workbook.close()


def _write(
    sheet: Any,
    r: int,
    i: int,
    column: Column,
    value: Any,
    formats: dict[ColumnKind, Any],
    text_format: Any,
) -> None:
    if value is None or value == "":
        sheet.write_blank(r, i, None, text_format)
    elif column.kind is ColumnKind.MONEY:
        sheet.write_number(r, i, int(value) / 100, formats[ColumnKind.MONEY])
    elif column.kind in (ColumnKind.QTY, ColumnKind.PERCENT):
        sheet.write_number(r, i, value, formats[column.kind])
    elif column.kind is ColumnKind.DATE and isinstance(value, dt.date):
        moment = dt.datetime.combine(value, dt.time(0))
        sheet.write_datetime(r, i, moment, formats[ColumnKind.DATE])
    else:
        sheet.write_string(r, i, str(value), text_format)


def _width(column: Column) -> int:
    if column.kind is ColumnKind.TEXT:
        return 28
    return 14


def _sheet_name(name: str) -> str:
    # Excel refuses these characters and names longer than 31 characters.
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in name)
    return cleaned[:31] or "report"

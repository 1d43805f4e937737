"""Reports the reference customer asked for, as plain data: the contract between the queries
(dispatcher/reports/*.py), `dispatch report` and the Reports window (app/reports.py).

The dataclasses live in dispatcher/reports/model.py (the report modules import them from
there, so the package imports its modules without a circle); they are re-exported here.
"""

from __future__ import annotations

from dispatcher.reports.model import Chart, Column, ColumnKind, Cursor, Report, ReportParams
from dispatcher.reports.run import (
    REPORT_NAMES,
    CancelToken,
    ReportCancelled,
    open_report,
    report_page,
    report_rows,
    run_report,
)

__all__ = [
    "REPORT_NAMES",
    "CancelToken",
    "Chart",
    "Column",
    "ColumnKind",
    "Cursor",
    "Report",
    "ReportCancelled",
    "ReportParams",
    "open_report",
    "report_page",
    "report_rows",
    "run_report",
]

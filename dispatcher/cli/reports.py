"""`dispatch report NAME --from --to`: a report as JSON, CSV or XLSX, for scripts."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dispatcher.cli.base import Cli, Command, Subparsers, UserError, date_arg
from dispatcher.db import unit_of_work
from dispatcher.models import ClientKind
from dispatcher.reports import REPORT_NAMES, ReportParams, open_report, report_rows
from dispatcher.reports.export import stream_csv, write_csv, write_json, write_xlsx

FORMATS = ("json", "csv", "xlsx")


def _months_arg(text: str) -> int:
    try:
        months = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of months") from None
    if not 1 <= months <= 120:
        raise argparse.ArgumentTypeError(f"{months} months: give 1 to 120")
    return months


def add_report_parser(sub: Subparsers) -> None:
    """Add `report NAME`."""
    p = sub.add_parser(
        "report",
        help="a report for a period (shift leads and admins)",
        description="Reports: " + ", ".join(REPORT_NAMES) + ". Dates are Moscow days, "
        "both included. Money is in kopecks in JSON (keys ending in _kop), roubles in CSV/XLSX.",
    )
    p.add_argument("name", choices=REPORT_NAMES, metavar="NAME", help=" | ".join(REPORT_NAMES))
    p.add_argument("--from", dest="date_from", type=date_arg, required=True, metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="date_to", type=date_arg, required=True, metavar="YYYY-MM-DD")
    p.add_argument("--format", choices=FORMATS, default="json")
    p.add_argument("--out", metavar="FILE", help="write to FILE (required for xlsx)")
    p.add_argument(
        "--months", type=_months_arg, default=3, help="lost-clients: months without orders (3)"
    )
    p.add_argument("--courier", type=int, metavar="ID", help="only this courier's deliveries")
    p.add_argument("--kind", choices=[k.value for k in ClientKind], help="only persons/companies")
    p.add_argument("--operator", metavar="LOGIN", help="orders: only this operator")


def run_report_command(cli: Cli) -> int:
    """`dispatch report NAME …`."""
    a = cli.args
    if a.format == "xlsx" and not a.out:
        raise UserError("--format xlsx writes a file: give it with --out FILE.")
    out = Path(a.out) if a.out else None
    if out is not None and not out.parent.is_dir():
        raise UserError(f"Cannot write {out}: the folder {out.parent} does not exist.")
    params = ReportParams(
        date_from=a.date_from,
        date_to=a.date_to,
        months=a.months,
        courier_id=a.courier,
        client_kind=a.kind,
        operator=a.operator,
    )
    actor = cli.require_actor()
    try:
        # The rows are streamed from the database a chunk at a time while they are written:
        # a year's bottles (three quarters of a million rows) are never all in memory.
        with unit_of_work(cli.sessions) as session:
            report = open_report(session, a.name, params, actor=actor)
            rows = report_rows(session, report, actor=actor)
            if a.format == "xlsx":
                assert out is not None
                write_xlsx(report, out, rows=rows)
            elif a.format == "csv" and out is not None:
                write_csv(report, out, rows=rows)
            elif out is not None:
                with out.open("w", encoding="utf-8") as stream:
                    write_json(report, stream, rows)
                    stream.write("\n")
            else:
                sys.stdout.flush()
                if a.format == "csv":
                    stream_csv(report, sys.stdout, rows=rows)
                else:
                    write_json(report, sys.stdout, rows)
                    sys.stdout.write("\n")
                sys.stdout.flush()
    except OSError as err:
        raise UserError(f"Cannot write {out}: {err.strerror or err}") from None
    if out is not None:
        print(f"{report.name}: {report.total_rows} rows written to {out}", file=sys.stderr)
    return 0


REPORT = Command("report", add_report_parser, run_report_command)

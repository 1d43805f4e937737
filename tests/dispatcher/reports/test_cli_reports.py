"""`dispatch report`: the same figures in JSON, CSV and XLSX; operators are refused."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy.orm import Session, sessionmaker

from dispatcher.db import unit_of_work
from dispatcher.errors import PermissionDenied
from dispatcher.models import UserRole
from dispatcher.reports import ReportParams, run_report
from dispatcher.users import Actor
from tests.dispatcher.reports.worlds import (
    CallSpec,
    OrderSpec,
    WorldSpec,
    make_catalogue,
    write,
)
from tests.dispatcher.test_cli import Runner, add_account

ARGS = ("--from", "2025-03-01", "--to", "2025-03-31")

# Two couriers' deliveries in March (one at 23:30 Moscow on the 31st), one in April, a
# short cash collection, a rejected and a failed order, and a missed call called back.
SPEC = WorldSpec(
    orders=(
        OrderSpec(0, (("W19", 2), ("PUMP", 1)), "closed", 5, 8, 0, 0, "exact", 1),
        OrderSpec(1, (("W19", 3),), "failed_closed", 6, 7, 1, 1, "short", 3),
        OrderSpec(2, (("W19", 5), ("SAN", 1)), "closed", 7, 7, 1, 0, "none", 4),
        OrderSpec(1, (("W19", 1),), "closed", 8, 9, 0, 0, "exact", 0),
        OrderSpec(0, (("BTL", 1),), "rejected", 7, 7, 0, 1, "none", 0),
    ),
    calls=(CallSpec(0, True, False, 0, 6), CallSpec(1, False, True, 0, 7)),
    merge=False,
)


@pytest.fixture
def world(dispatch: Runner, sessions: sessionmaker[Session]) -> None:
    """The fixed world above, written through the domain."""
    write(sessions, make_catalogue(sessions), SPEC)


def _csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_json_and_csv_carry_the_same_figures(dispatch: Runner, world: None) -> None:
    data = dispatch.json("report", "delivered", *ARGS)
    assert isinstance(data, dict)
    assert (data["report"], data["from"], data["to"]) == ("delivered", "2025-03-01", "2025-03-31")
    by_courier = {r["courier"]: r for r in data["rows"]}
    # 2 × 350.00 + 450.50 on the 31st at 23:30 Moscow; 3 × 350.00 + 5 × 350.00 by the other.
    assert by_courier["Петров Пётр"]["sum_kop"] == 2 * 35000 + 45050
    assert by_courier["Сидоров Семён"]["qty"] == 8
    assert data["totals"]["sum_kop"] == 2 * 35000 + 45050 + 8 * 35000
    assert data["totals"]["company_qty"] == 5

    code, out, err = dispatch("report", "delivered", *ARGS, "--format", "csv")
    assert code == 0, err
    table = _csv(out)
    header, *rows, totals = table
    assert header[0] == "Courier" and "Sum" in header
    total_col = header.index("Sum")
    assert {r[0]: r[total_col] for r in rows} == {
        name: f"{row['sum_kop'] // 100}.{row['sum_kop'] % 100:02d}"
        for name, row in by_courier.items()
    }
    assert totals[0] == "Total" and totals[total_col] == "3950.50"


def test_a_csv_file_opens_in_excel(dispatch: Runner, world: None, tmp_path: Path) -> None:
    out = tmp_path / "cash.csv"
    code, _out, err = dispatch("report", "cash", *ARGS, "--format", "csv", "--out", str(out))
    assert code == 0, err
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    header, *rows, _totals = _csv(raw.decode("utf-8-sig"))
    assert header == [
        "Day",
        "Courier",
        "Deliveries",
        "To collect",
        "Collected",
        "Difference",
        "Differs",
    ]
    short = [r for r in rows if r[6]]
    assert short == [["2025-03-15", "Сидоров Семён", "2", "1050.00", "1040.00", "-10.00", "−"]]


def test_xlsx_has_numbers_dates_and_a_bold_totals_row(
    dispatch: Runner, world: None, tmp_path: Path
) -> None:
    out = tmp_path / "cash.xlsx"
    code, _out, err = dispatch("report", "cash", *ARGS, "--format", "xlsx", "--out", str(out))
    assert code == 0, err
    data = dispatch.json("report", "cash", *ARGS)
    assert isinstance(data, dict)
    sheet = openpyxl.load_workbook(out).active
    rows = list(sheet.iter_rows())
    assert [c.value for c in rows[0]][:3] == ["Day", "Courier", "Deliveries"]
    body, totals = rows[1:-1], rows[-1]
    assert len(body) == len(data["rows"])
    for cells, row in zip(body, data["rows"], strict=True):
        assert cells[0].value == dt.datetime.fromisoformat(row["day"])
        assert cells[0].number_format == "dd.mm.yyyy"
        assert cells[2].value == row["orders"]
        assert cells[3].value == pytest.approx(row["to_collect_kop"] / 100)
        assert cells[3].number_format == "#,##0.00"
    assert totals[0].value == "Total" and totals[0].font.b
    assert totals[4].value == pytest.approx(data["totals"]["collected_kop"] / 100)
    assert totals[4].font.b


def test_every_report_runs_from_the_command_line(dispatch: Runner, world: None) -> None:
    for name in ("sales", "orders", "lost-clients", "bottles"):
        data = dispatch.json("report", name, *ARGS, "--months", "3")
        assert isinstance(data, dict) and data["report"] == name
    orders = dispatch.json("report", "orders", *ARGS)
    assert isinstance(orders, dict)
    op_a = next(r for r in orders["rows"] if r["operator"] == "op-a")
    assert (op_a["calls_missed"], op_a["taken"]) == (1, 3)
    op_b = next(r for r in orders["rows"] if r["operator"] == "op-b")
    assert (op_b["called_back"], op_b["failed"], op_b["rejected"]) == (1, 1, 1)
    only = dispatch.json("report", "sales", *ARGS, "--kind", "company")
    assert isinstance(only, dict)
    assert {r["code"] for r in only["rows"]} == {"W19", "SAN"}


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("--format", "xlsx"), "--out FILE"),
        (("--from", "2025-03-31", "--to", "2025-03-01"), "before it starts"),
        (("--from", "2025-03-01", "--to", "31/03"), "is not a date"),
        (("--from", "2025-03-01", "--to", "2025-03-31", "--kind", "cat"), "invalid choice"),
        (("--from", "2025-03-01", "--to", "2025-03-31", "--out", "/nope/x.json"), "does not exist"),
    ],
)
def test_mistakes_exit_2_with_a_message(
    dispatch: Runner, argv: tuple[str, ...], message: str
) -> None:
    full = argv if "--from" in argv else (*ARGS, *argv)
    try:
        code, _out, err = dispatch("report", "delivered", *full)
    except SystemExit as exit_:  # argparse refuses what it cannot read
        code, (_out, err) = exit_.code, dispatch.capsys.readouterr()  # type: ignore[assignment]
    assert code == 2
    assert message in err
    assert "Traceback" not in err


def test_an_operator_is_refused(
    db_url: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    sessions: sessionmaker[Session],
) -> None:
    add_account(db_url, "masha", UserRole.OPERATOR)
    monkeypatch.setenv("DISPATCH_PASSWORD", "correct horse battery")
    code, out, err = Runner(db_url, capsys, user="masha")("report", "delivered", *ARGS)
    assert code == 2 and out == ""
    assert "You may not see reports" in err
    with unit_of_work(sessions) as s, pytest.raises(PermissionDenied):
        params = ReportParams(dt.date(2025, 3, 1), dt.date(2025, 3, 31))
        run_report(s, "cash", params, actor=Actor("masha", "Маша", UserRole.OPERATOR))


def test_a_long_report_is_streamed_with_every_row_once(
    dispatch: Runner, world: None, sessions: sessionmaker[Session]
) -> None:
    data = dispatch.json("report", "bottles", *ARGS)
    assert isinstance(data, dict)
    with unit_of_work(sessions) as s:
        params = ReportParams(dt.date(2025, 3, 1), dt.date(2025, 3, 31))
        whole = run_report(s, "bottles", params, actor=Actor("a", "A", UserRole.ADMIN))
    assert [r["client_id"] for r in data["rows"]] == [r["client_id"] for r in whole.rows]
    assert data["rows"] and data["totals"]["qty"] == sum(r["qty"] for r in data["rows"])

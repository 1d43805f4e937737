"""The Reports view model and presenter: cells, periods, the chart series, runs and refusals.

A long report is a job that waits on an event: cancelling it, or starting another, drops
its result when it finally arrives.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy.orm import Session

from app.identity import Identity
from app.reports import ReportsViewModel, params_of, run_checked
from app.reports_presenter import (
    BAR_LIMIT,
    cell_text,
    chart_data,
    period_error,
    quick_period,
    totals_cells,
)
from dispatcher.models import UserRole
from dispatcher.reports import Chart, Column, ColumnKind, Report, ReportParams
from dispatcher.users import Actor

LEAD = Actor("lead", "Старший смены", UserRole.LEAD)
OPERATOR = Actor("op", "Оператор", UserRole.OPERATOR)
JUNE = ReportParams(dt.date(2025, 6, 1), dt.date(2025, 6, 30))


def delivered(params: ReportParams = JUNE, tag: str = "") -> Report:
    """Water per courier and client kind, as the queries return it."""
    columns = (
        Column("courier", "Courier"),
        Column("client_kind", "Client kind"),
        Column("qty", "Quantity", ColumnKind.QTY),
        Column("sum_kop", "Sum", ColumnKind.MONEY),
    )
    rows = (
        {"courier": f"Петров{tag}", "client_kind": "person", "qty": 10, "sum_kop": 350_000},
        {"courier": f"Петров{tag}", "client_kind": "company", "qty": 1200, "sum_kop": 3_600_050},
        {"courier": f"Сидоров{tag}", "client_kind": "person", "qty": 5, "sum_kop": 175_000},
    )
    totals = {"qty": 1215, "sum_kop": 4_125_050}
    chart = Chart("bar", "courier", ("qty", "sum_kop"))
    return Report("delivered", params, columns, rows, totals, chart)


# ---- presenter -----------------------------------------------------------------------------


def test_cells_show_roubles_units_percents_and_dates() -> None:
    assert cell_text(Column("s", "Sum", ColumnKind.MONEY), 125_000) == "1 250,00 ₽"
    assert cell_text(Column("q", "Qty", ColumnKind.QTY), 12500) == "12 500"
    assert cell_text(Column("p", "Share", ColumnKind.PERCENT), 12.46) == "12,5 %"
    assert cell_text(Column("d", "Day", ColumnKind.DATE), dt.date(2025, 3, 31)) == "31.03.2025"
    assert cell_text(Column("k", "Kind"), "company") == "company"
    assert cell_text(Column("s", "Sum", ColumnKind.MONEY), None) == ""


def test_the_totals_row_says_total_under_the_first_column() -> None:
    assert totals_cells(delivered()) == ("Total", "", "1 215", "41 250,50 ₽")


@pytest.mark.parametrize(
    ("pick", "today", "period"),
    [
        ("this_month", dt.date(2025, 3, 14), (dt.date(2025, 3, 1), dt.date(2025, 3, 14))),
        ("last_month", dt.date(2025, 1, 10), (dt.date(2024, 12, 1), dt.date(2024, 12, 31))),
        ("last_month", dt.date(2024, 3, 31), (dt.date(2024, 2, 1), dt.date(2024, 2, 29))),
        ("this_year", dt.date(2025, 3, 14), (dt.date(2025, 1, 1), dt.date(2025, 3, 14))),
    ],
)
def test_quick_periods(pick: str, today: dt.date, period: tuple[dt.date, dt.date]) -> None:
    assert quick_period(pick, today) == period


def test_a_period_that_ends_before_it_starts_is_refused_with_a_reason() -> None:
    assert "swap" in (period_error(dt.date(2025, 2, 1), dt.date(2025, 1, 1), 3) or "")
    assert period_error(dt.date(2025, 1, 1), dt.date(2025, 1, 1), 3) is None


def test_bars_sum_a_courier_over_client_kinds_and_draw_money_in_roubles() -> None:
    data = chart_data(delivered())
    assert data is not None and data.kind == "bar"
    assert data.categories == ("Петров", "Сидоров")
    qty, money = data.series
    assert (qty.title, qty.values) == ("Quantity", (1210.0, 5.0))
    assert (money.title, money.values) == ("Sum", (39_500.5, 1_750.0))


def test_many_bars_keep_the_largest_and_say_so() -> None:
    columns = (Column("product", "Product"), Column("qty", "Quantity", ColumnKind.QTY))
    rows = tuple({"product": f"p{i}", "qty": i} for i in range(BAR_LIMIT + 7))
    report = Report("sales", JUNE, columns, rows, chart=Chart("bar", "product", ("qty",)))
    data = chart_data(report)
    assert data is not None and len(data.categories) == BAR_LIMIT
    assert data.categories[0] == f"p{BAR_LIMIT + 6}"
    assert str(BAR_LIMIT + 7) in data.note


def test_a_line_runs_over_the_days_in_order() -> None:
    columns = (Column("day", "Day", ColumnKind.DATE), Column("got", "Got", ColumnKind.MONEY))
    rows = ({"day": dt.date(2025, 6, 2), "got": 300}, {"day": dt.date(2025, 6, 1), "got": 100})
    report = Report("cash", JUNE, columns, rows, chart=Chart("line", "day", ("got",)))
    data = chart_data(report)
    assert data is not None
    assert data.categories == ("01.06", "02.06")
    assert data.series[0].values == (1.0, 3.0)


# ---- the view model ------------------------------------------------------------------------


class SlowRunner:
    """Report runs that wait until the test releases them (a long query)."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.started = threading.Event()

    def __call__(
        self, _s: Session, name: str, params: ReportParams, _a: Actor, **_watch: Any
    ) -> Report:
        self.started.set()
        if params.months == 3:  # the slow one; months=4 marks the quick one
            assert self.release.wait(10)
            return delivered(params, tag=" (slow)")
        return delivered(params, tag=" (quick)")


@pytest.fixture
def slow() -> Iterator[SlowRunner]:
    runner = SlowRunner()
    yield runner
    runner.release.set()  # never leave a pool thread waiting


def _vm(worker: Any, runner: Any, actor: Actor = LEAD) -> ReportsViewModel:
    return ReportsViewModel(worker, Identity(actor), run=runner, today=lambda: dt.date(2025, 7, 3))


def _dropped(qtbot: QtBot, caplog: pytest.LogCaptureFixture) -> None:
    """Wait until the late result reached the GUI thread and was dropped."""
    qtbot.waitUntil(lambda: "after it was cancelled or superseded" in caplog.text)


def test_a_cancelled_run_drops_its_result(
    qtbot: QtBot, worker: Any, slow: SlowRunner, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="app.reports")
    vm = _vm(worker, slow)
    assert vm.start("delivered", JUNE)
    assert slow.started.wait(5)
    assert vm.running and "Running" in vm.message
    assert vm.cancel()
    assert not vm.running and "Cancelled" in vm.message
    slow.release.set()
    _dropped(qtbot, caplog)
    assert vm.report is None and "Cancelled" in vm.message


def test_a_new_run_supersedes_a_running_one(
    qtbot: QtBot, worker: Any, slow: SlowRunner, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="app.reports")
    vm = _vm(worker, slow)
    vm.start("delivered", JUNE)
    assert slow.started.wait(5)
    vm.start("delivered", params_of(JUNE.date_from, JUNE.date_to, months=4))
    qtbot.waitUntil(lambda: vm.report is not None)
    assert vm.report is not None and vm.report.rows[0]["courier"] == "Петров (quick)"
    slow.release.set()
    _dropped(qtbot, caplog)
    assert vm.report.rows[0]["courier"] == "Петров (quick)"
    assert not vm.running


def test_an_operator_gets_the_refusal_and_no_report(qtbot: QtBot, worker: Any) -> None:
    vm = _vm(worker, run_checked, OPERATOR)
    vm.start("delivered", JUNE)
    qtbot.waitUntil(lambda: not vm.running)
    assert vm.report is None and not vm.message_ok
    assert "You may not see reports" in vm.message


def test_a_wrong_period_runs_nothing_and_says_why(worker: Any) -> None:
    vm = _vm(worker, SlowRunner())
    assert not vm.start("delivered", ReportParams(dt.date(2025, 6, 2), dt.date(2025, 6, 1)))
    assert not vm.running and not vm.message_ok and "swap" in vm.message

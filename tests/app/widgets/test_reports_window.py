"""The Reports window from the keyboard: a period, the table and chart, XLSX and CSV read back.

The export files are opened again (openpyxl, csv) and must hold the figures on screen and a
totals row; in Russian the XLSX headers are Russian.
"""

from __future__ import annotations

import csv
import datetime as dt
import logging
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.i18n import install_translator
from app.identity import Identity
from app.reports import ReportsViewModel, run_checked
from app.reports_presenter import column_title
from app.widgets.reports_window import ReportsWindow
from dispatcher.reports import Column, ColumnKind, Report, ReportParams
from dispatcher.users import Actor
from tests.app.test_reports import LEAD, OPERATOR, SlowRunner, delivered

TODAY = dt.date(2025, 7, 3)


class Runner:
    """Hand-made reports, remembering what the window asked for."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, ReportParams]] = []

    def __call__(
        self, _s: Any, name: str, params: ReportParams, _a: Actor, **_watch: Any
    ) -> Report:
        self.asked.append((name, params))
        if name == "lost-clients":
            columns = (
                Column("client", "Client"),
                Column("phone", "Phone"),
                Column("last_order", "Last order", ColumnKind.DATE),
            )
            rows = (
                {"client_id": 7, "client": "Анна", "phone": "+79161234567",
                 "last_order": dt.date(2025, 2, 1)},
                {"client_id": 9, "client": "ООО «Ромашка»", "phone": "+74951112233",
                 "last_order": dt.date(2025, 1, 20)},
            )  # fmt: skip
            return Report(name, params, columns, rows)
        return delivered(params)


def _open(qtbot: QtBot, worker: Any, actor: Actor = LEAD, run: Any = None, **hooks: Any) -> Any:
    vm = ReportsViewModel(
        worker, Identity(actor), run=run or Runner(), today=lambda: TODAY, **hooks
    )
    window = ReportsWindow(vm)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.courier.count() == 3)  # all + the world's two couriers
    return window


def _run(qtbot: QtBot, window: ReportsWindow) -> None:
    qtbot.keyClick(window.report, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: not window.vm.running)


def _cells(window: ReportsWindow) -> list[list[str]]:
    model = window.model
    return [
        [model.index(r, c).data() for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def test_a_lead_sees_last_month_as_a_table_and_bars(qtbot: QtBot, worker: Any, world: Any) -> None:
    runner = Runner()
    window = _open(qtbot, worker, run=runner)
    window.quick[1].click()  # Last month
    assert window.date_from.date() == QDate(2025, 6, 1)
    assert window.date_to.date() == QDate(2025, 6, 30)
    window.client_kind.setCurrentIndex(window.client_kind.findData("person"))
    _run(qtbot, window)

    name, params = runner.asked[-1]
    assert (name, params.date_from, params.date_to) == (
        "delivered",
        dt.date(2025, 6, 1),
        dt.date(2025, 6, 30),
    )
    assert params.client_kind == "person" and params.courier_id is None
    assert _cells(window) == [
        ["Петров", "person", "10", "3 500,00 ₽"],
        ["Петров", "company", "1 200", "36 000,50 ₽"],
        ["Сидоров", "person", "5", "1 750,00 ₽"],
        ["Total", "", "1 215", "41 250,50 ₽"],
    ]
    assert window.model.headerData(3, Qt.Orientation.Horizontal) == "Sum"
    chart = window.chart.data
    assert chart is not None and chart.categories == ("Петров", "Сидоров")
    assert chart.series[0].values == (1210.0, 5.0)
    assert "3 row(s) from 01.06.2025 to 30.06.2025" in window.message.text()
    window.grab()  # the chart paints without errors


def test_the_xlsx_export_holds_the_figures_and_a_bold_totals_row(
    qtbot: QtBot, worker: Any, world: Any, tmp_path: Path
) -> None:
    window = _open(qtbot, worker)
    _run(qtbot, window)
    target = tmp_path / "june"  # no extension typed: .xlsx is added
    with qtbot.waitSignal(window.vm.exported, timeout=10_000) as saved:
        window.export("xlsx", str(target))
    assert saved.args == [str(tmp_path / "june.xlsx")]
    assert "Saved to" in window.message.text()

    sheet = load_workbook(tmp_path / "june.xlsx").active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == ["Courier", "Client kind", "Quantity", "Sum"]
    assert rows[1][2:] == [10, 3500]
    assert rows[2][2:] == [1200, 36000.5]
    assert rows[-1][0] == "Total" and not rows[-1][1] and rows[-1][2:] == [1215, 41250.5]
    assert sheet.cell(row=sheet.max_row, column=1).font.bold
    assert "0.00" in sheet.cell(row=2, column=4).number_format  # money as a number, 2 decimals


def test_the_csv_export_holds_the_same_figures(
    qtbot: QtBot, worker: Any, world: Any, tmp_path: Path
) -> None:
    window = _open(qtbot, worker)
    _run(qtbot, window)
    with qtbot.waitSignal(window.vm.exported, timeout=10_000):
        window.export("csv", str(tmp_path / "june.csv"))
    text = (tmp_path / "june.csv").read_text(encoding="utf-8-sig")  # Excel wants the BOM
    rows = list(csv.reader(text.splitlines(), csv.Sniffer().sniff(text.splitlines()[0], ",;")))
    assert rows[0] == ["Courier", "Client kind", "Quantity", "Sum"]
    assert [_figure(x) for x in rows[2][2:]] == [1200, 36000.5]
    assert rows[-1][0] == "Total" and [_figure(x) for x in rows[-1][2:]] == [1215, 41250.5]


def _figure(text: str) -> float:
    """A number as a CSV cell writes it: '36000.50' or, for a Russian Excel, '36000,50'."""
    return float(text.replace("\u00a0", "").replace(" ", "").replace(",", "."))


def test_an_unwritable_place_is_a_message_not_a_traceback(
    qtbot: QtBot, worker: Any, world: Any, tmp_path: Path
) -> None:
    window = _open(qtbot, worker)
    _run(qtbot, window)
    window.export("xlsx", str(tmp_path / "no such folder" / "june.xlsx"))
    qtbot.waitUntil(lambda: "Could not write" in window.message.text())
    assert window.model.rowCount() == 4  # the report stays on screen


@pytest.fixture
def russian(qapp: QApplication) -> Iterator[QApplication]:
    """The Russian catalog installed; English again afterwards."""
    assert install_translator(qapp, "ru") is not None
    yield qapp
    install_translator(qapp, "en")


def test_in_russian_the_xlsx_headers_are_russian(
    qtbot: QtBot, worker: Any, world: Any, tmp_path: Path, russian: QApplication
) -> None:
    window = _open(qtbot, worker, run=run_checked)  # the real report and its real titles
    _run(qtbot, window)
    report = window.vm.report
    assert report is not None
    with qtbot.waitSignal(window.vm.exported, timeout=10_000):
        window.export("xlsx", str(tmp_path / "отчёт.xlsx"))
    headers = [c.value for c in next(load_workbook(tmp_path / "отчёт.xlsx").active.iter_rows())]
    assert headers == [column_title(c) for c in report.columns]
    assert all(re.search("[а-яА-Я]", h) for h in headers), headers
    assert window.model.headerData(0, Qt.Orientation.Horizontal) == headers[0]
    assert window.report.itemText(0) == "Доставленная вода"
    assert window.message.text().startswith("Сохранено в")


def test_lost_clients_open_with_return_and_call_back_with_c(
    qtbot: QtBot, worker: Any, world: Any
) -> None:
    opened: list[int] = []
    called: list[str] = []
    window = _open(qtbot, worker, show_client=opened.append, call_back=called.append)
    window.report.setCurrentIndex(window.report.findData("lost-clients"))
    assert window.months.isEnabled() and not window.courier.isEnabled()
    _run(qtbot, window)
    assert window.hint.isVisible()
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_Down)
    qtbot.keyClick(window.table, Qt.Key.Key_Down)
    assert window.current_row() == 1
    qtbot.keyClick(window.table, Qt.Key.Key_Return)
    assert opened == [9]
    qtbot.keyClick(window.table, Qt.Key.Key_C)
    assert called == ["+74951112233"]
    assert "Calling +74951112233" in window.message.text()


def test_an_operator_sees_the_refusal(qtbot: QtBot, worker: Any, world: Any) -> None:
    window = _open(qtbot, worker, OPERATOR, run=run_checked)
    _run(qtbot, window)
    assert "You may not see reports" in window.message.text()
    assert window.model.rowCount() == 0 and not window.xlsx_button.isEnabled()


def test_esc_cancels_a_long_report_and_keeps_the_window(
    qtbot: QtBot, worker: Any, world: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="app.reports")
    slow = SlowRunner()
    try:
        window = _open(qtbot, worker, run=slow)
        qtbot.keyClick(window.report, Qt.Key.Key_F5)
        assert slow.started.wait(5)
        qtbot.waitUntil(lambda: "Esc cancels" in window.message.text())
        assert window.cancel_button.isEnabled()
        qtbot.keyClick(window.report, Qt.Key.Key_Escape)
        assert window.isVisible() and "Cancelled" in window.message.text()
        assert not window.cancel_button.isEnabled()
    finally:
        slow.release.set()
    qtbot.waitUntil(lambda: "after it was cancelled" in caplog.text)
    assert window.model.rowCount() == 0 and "Cancelled" in window.message.text()


class StoppableRunner:
    """A long report that tells its progress and runs until its cancel token stops it."""

    def __init__(self) -> None:
        self.stopped = threading.Event()

    def __call__(self, _s: Any, _name: str, _p: ReportParams, _a: Actor, **watch: Any) -> Report:
        watch["progress"](1)
        watch["progress"](2)
        token = watch["cancel"]
        interrupted = threading.Event()
        token.attach(interrupted.set)  # as run_report attaches the connection's interrupt
        assert interrupted.wait(10), "the report was never cancelled"
        self.stopped.set()
        token.check()
        raise AssertionError("a cancelled token let the report go on")


def test_progress_shows_and_cancel_stops_the_query_itself(
    qtbot: QtBot, worker: Any, world: Any
) -> None:
    runner = StoppableRunner()
    window = _open(qtbot, worker, run=runner)
    assert not window.progress.isVisible()
    qtbot.keyClick(window.report, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: "query 2" in window.message.text())
    assert window.progress.isVisible()
    qtbot.keyClick(window.report, Qt.Key.Key_Escape)
    assert runner.stopped.wait(5)  # the worker's thread is free again, not still querying
    assert not window.progress.isVisible() and "Cancelled" in window.message.text()


def test_a_long_report_fills_the_table_a_page_at_a_time_and_exports_every_row(
    qtbot: QtBot, worker: Any, sessions: Any, tmp_path: Path
) -> None:
    from tests.dispatcher.reports.test_cli_reports import SPEC
    from tests.dispatcher.reports.worlds import make_catalogue, write

    write(sessions, make_catalogue(sessions), SPEC)  # three clients with bottles in March
    vm = ReportsViewModel(worker, Identity(LEAD), today=lambda: TODAY)
    vm.page_size = 1  # a page per client: the table must ask for the second and third
    window = ReportsWindow(vm)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.courier.count() == 3)  # all + the catalogue's two
    window.report.setCurrentIndex(window.report.findData("bottles"))
    window.set_period(dt.date(2025, 3, 1), dt.date(2025, 3, 31))
    _run(qtbot, window)
    assert vm.report is not None, vm.message
    assert len(vm.report.rows) == 1  # the first page only
    assert "3 row(s)" in window.message.text()  # from the count, not the rows fetched
    # The view asks for more while its end is in sight; each page comes through the worker.
    qtbot.waitUntil(lambda: window.model.rowCount() == 3 + 1)
    cells = _cells(window)
    ids = [int(row[0]) for row in cells[:3]]
    assert ids == sorted(ids) and cells[3][0] == "Total"
    assert sum(int(row[6]) for row in cells[:3]) == int(cells[3][6])

    path = tmp_path / "bottles.xlsx"
    window.export("xlsx", str(path))
    qtbot.waitUntil(lambda: "Saved" in window.message.text())
    sheet = load_workbook(path).active
    assert [int(r[0].value) for r in sheet.iter_rows(min_row=2, max_row=4)] == ids
    assert sheet.cell(5, 1).value == "Total"

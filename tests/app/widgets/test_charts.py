"""The QPainter chart: round axis steps, and bars and lines that paint without errors."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor
from pytestqt.qtbot import QtBot

from app.reports_presenter import ChartData, Series
from app.widgets.charts import COLOURS, ChartView, nice_step


@pytest.mark.parametrize(
    ("top", "step"), [(0, 1.0), (7, 2.0), (36, 10.0), (1210, 500.0), (39_500.5, 10_000.0)]
)
def test_the_axis_steps_are_round(top: float, step: float) -> None:
    assert nice_step(top) == step


def _shown(qtbot: QtBot, data: ChartData | None) -> ChartView:
    view = ChartView()
    qtbot.addWidget(view)
    view.resize(480, 300)
    view.set_data(data, "nothing")
    return view


def test_bars_are_drawn_in_the_series_colour(qtbot: QtBot) -> None:
    data = ChartData("bar", ("Петров", "Сидоров"), (Series("Quantity", (40.0, 10.0)),))
    image = _shown(qtbot, data).grab().toImage()
    colours = {image.pixelColor(x, y).name() for x in range(480) for y in range(0, 300, 5)}
    assert QColor(COLOURS[0]).name() in colours


def test_a_long_line_and_an_empty_chart_paint(qtbot: QtBot) -> None:
    days = tuple(f"{d:02d}.06" for d in range(1, 31))
    data = ChartData("line", days, (Series("Collected", tuple(float(d) for d in range(30))),))
    assert not _shown(qtbot, data).grab().isNull()
    assert not _shown(qtbot, None).grab().isNull()

"""A small chart drawn with QPainter: grouped bars per category, or lines over days.

Why not a chart library: QtCharts ships in PySide6-Addons (a wheel of some 170 MB next to the
Essentials the bundle carries) and pyqtgraph needs numpy; a report needs bars and a line with
a legend and a value axis, which is a page of painting that renders the same offscreen and on
X. The data (categories, series, money already in roubles) comes from app.reports_presenter.
"""

from __future__ import annotations

import logging
import math

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.reports_presenter import ChartData, axis_text

logger = logging.getLogger(__name__)

COLOURS = ("#1f6fb2", "#e07b1a", "#2e8b57", "#b3261e", "#6a4c93")
MARGIN = 8
TICKS = 5
RIGHT_MIDDLE = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def nice_step(top: float, ticks: int = TICKS) -> float:
    """A round axis step (1, 2 or 5 times a power of ten) so ``ticks`` steps cover ``top``."""
    if top <= 0:
        return 1.0
    raw = top / ticks
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


class ChartView(QWidget):
    """Draws a ChartData; shows a quiet line of text when there is nothing to draw."""

    def __init__(self, parent: QWidget | None = None) -> None:
        """An empty chart."""
        super().__init__(parent)
        self.data: ChartData | None = None
        self.empty_text = ""
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.Base)

    def sizeHint(self) -> QSize:
        """Room for a readable chart (Qt override)."""
        return QSize(420, 260)

    def set_data(self, data: ChartData | None, empty_text: str = "") -> None:
        """Draw ``data``; with None (or no values) show ``empty_text`` instead."""
        self.data, self.empty_text = data, empty_text
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        """Paint the axes, the bars or lines, the category labels and the legend."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        try:
            data = self.data
            if data is None or not data.categories or not data.series:
                painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.empty_text)
                return
            self._paint(painter, data)
        finally:
            painter.end()

    def _paint(self, painter: QPainter, data: ChartData) -> None:
        metrics = QFontMetrics(self.font())
        line = metrics.height()
        top_value = max((v for s in data.series for v in s.values), default=0.0)
        step = nice_step(top_value)
        top = step * max(1, math.ceil(top_value / step))
        labels = [axis_text(step * i) for i in range(round(top / step) + 1)]
        left = MARGIN + max(metrics.horizontalAdvance(t) for t in labels) + 6
        legend_h = line + 6
        rotate = self._crowded(data, metrics, self.width() - left - MARGIN)
        label_h = (
            max(metrics.horizontalAdvance(c) for c in data.categories) if rotate else line
        ) + 6
        plot = QRectF(
            left,
            MARGIN + legend_h,
            max(10.0, self.width() - left - MARGIN),
            max(10.0, self.height() - MARGIN * 2 - legend_h - min(label_h, self.height() / 3)),
        )
        self._paint_axis(painter, plot, labels, top, metrics)
        if data.kind == "line":
            self._paint_lines(painter, plot, data, top)
        else:
            self._paint_bars(painter, plot, data, top)
        self._paint_categories(painter, plot, data, metrics, rotate)
        self._paint_legend(painter, data, metrics)

    @staticmethod
    def _crowded(data: ChartData, metrics: QFontMetrics, width: float) -> bool:
        slot = width / max(1, len(data.categories))
        return any(metrics.horizontalAdvance(c) + 4 > slot for c in data.categories)

    def _paint_axis(
        self, painter: QPainter, plot: QRectF, labels: list[str], top: float, m: QFontMetrics
    ) -> None:
        grid = QPen(QColor("#d0d0d0"))
        text = self.palette().text().color()
        for i, label in enumerate(labels):
            y = plot.bottom() - plot.height() * i / max(1, len(labels) - 1)
            painter.setPen(grid)
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(text)
            box = QRectF(0, y - m.height() / 2, plot.left() - 6, m.height())
            painter.drawText(
                box, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, label
            )
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())

    def _x_slot(self, plot: QRectF, data: ChartData, index: int) -> QRectF:
        width = plot.width() / len(data.categories)
        return QRectF(plot.left() + width * index, plot.top(), width, plot.height())

    def _paint_bars(self, painter: QPainter, plot: QRectF, data: ChartData, top: float) -> None:
        groups = len(data.series)
        painter.setPen(Qt.PenStyle.NoPen)
        for index in range(len(data.categories)):
            slot = self._x_slot(plot, data, index)
            bar_w = slot.width() * 0.7 / groups
            for s, series in enumerate(data.series):
                value = series.values[index]
                h = plot.height() * value / top if top else 0.0
                x = slot.left() + slot.width() * 0.15 + bar_w * s
                painter.setBrush(QColor(COLOURS[s % len(COLOURS)]))
                painter.drawRect(QRectF(x, plot.bottom() - h, bar_w, h))

    def _paint_lines(self, painter: QPainter, plot: QRectF, data: ChartData, top: float) -> None:
        for s, series in enumerate(data.series):
            colour = QColor(COLOURS[s % len(COLOURS)])
            points = [
                QPointF(
                    self._x_slot(plot, data, i).center().x(),
                    plot.bottom() - (plot.height() * v / top if top else 0.0),
                )
                for i, v in enumerate(series.values)
            ]
            painter.setPen(QPen(colour, 2))
            painter.drawPolyline(points)
            painter.setBrush(colour)
            for point in points:
                painter.drawEllipse(point, 3, 3)

    def _paint_categories(
        self, painter: QPainter, plot: QRectF, data: ChartData, m: QFontMetrics, rotate: bool
    ) -> None:
        painter.setPen(self.palette().text().color())
        every = 1
        if rotate:  # one label per line height, so rotated labels never overlap
            every = max(1, math.ceil(m.height() / (plot.width() / len(data.categories))))
        for index, category in enumerate(data.categories):
            if index % every:
                continue
            slot = self._x_slot(plot, data, index)
            if rotate:
                painter.save()
                painter.translate(slot.center().x() + m.ascent() / 2, plot.bottom() + 4)
                painter.rotate(-90)
                painter.drawText(
                    QRectF(-self.height(), -m.height(), self.height(), m.height()),
                    Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                    category,
                )
                painter.restore()
            else:
                box = QRectF(slot.left(), plot.bottom() + 3, slot.width(), m.height())
                painter.drawText(box, Qt.AlignmentFlag.AlignHCenter, category)

    def _paint_legend(self, painter: QPainter, data: ChartData, m: QFontMetrics) -> None:
        x = float(MARGIN)
        items = [(s.title, QColor(COLOURS[i % len(COLOURS)])) for i, s in enumerate(data.series)]
        for title, colour in items:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colour)
            painter.drawRect(QRectF(x, MARGIN + 2, m.height() - 4, m.height() - 4))
            painter.setPen(self.palette().text().color())
            x += m.height()
            painter.drawText(QPointF(x, MARGIN + m.ascent()), title)
            x += m.horizontalAdvance(title) + 16
        if data.note:
            painter.drawText(QPointF(x, MARGIN + m.ascent()), f"({data.note})")

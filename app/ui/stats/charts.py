"""The statistics charts, drawn with QPainter (PySide6-Essentials has no QtCharts).

- :class:`MonthlyBarChart`: cases accepted per month of a year, stacked by the year's five
  biggest categories and 其他, with a legend and each month's total above its bar.
- :class:`RateLineChart`: the success rate per month as a line with points and
  percentage labels; months with nothing mediated are gaps in the line.

Both draw in the widget's font, so they follow the 字号 setting, size themselves in
character widths, shorten their labels when a month's slot is too narrow for them, say
so in words when every value is zero (or missing), and show a month's figures as a
tooltip under the mouse.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.models.stats import MonthlySeries
from app.qt.core import QEvent, QPointF, QRectF, QSize, Qt, Signal
from app.qt.gui import (
    QColor,
    QFontMetrics,
    QHelpEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
    QPen,
)
from app.qt.widgets import QSizePolicy, QToolTip, QWidget
from app.ui.look import MUTED, SUCCESS
from app.ui.signals import emit

MONTHS = [f"{m}月" for m in range(1, 13)]
TOP_SERIES = 5
OTHER = "其他"
# Well-separated hues that stay apart for the common colour-blindnesses (Tableau 10);
# 其他 is grey.
SERIES_COLOURS = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1", "#76b7b2")
OTHER_COLOUR = "#a0a0a0"
GRID_COLOUR = "#d8d8d8"
LINE_COLOUR = SUCCESS


@dataclass(frozen=True)
class BarSeries:
    label: str
    values: tuple[int, ...]  # one per month
    colour: str

    @property
    def total(self) -> int:
        return sum(self.values)


def top_series(series: MonthlySeries, top: int = TOP_SERIES) -> list[BarSeries]:
    """The ``top`` keys with the most cases in the year (reference order among equals),
    in reference order, then 其他 for the rest (the category 其他 included); keys with no
    case in the year are left out."""
    totals = [
        (label, tuple(series["accepted"][key]))
        for key, label in zip(series["keys"], series["labels"], strict=True)
    ]
    totals = [(label, values) for label, values in totals if sum(values)]
    # The category 其他 is never a series of its own: it joins the rest under 其他.
    ranked = sorted(
        (i for i, (label, _values) in enumerate(totals) if label != OTHER),
        key=lambda i: -sum(totals[i][1]),
    )
    chosen = sorted(ranked[:top])  # back in reference order
    out = [
        BarSeries(totals[i][0], totals[i][1], SERIES_COLOURS[n % len(SERIES_COLOURS)])
        for n, i in enumerate(chosen)
    ]
    rest = [values for i, (_label, values) in enumerate(totals) if i not in chosen]
    if rest:
        other = tuple(sum(month) for month in zip(*rest, strict=True))
        out.append(BarSeries(OTHER, other, OTHER_COLOUR))
    return out


def nice_top(value: int, ticks: int = 5) -> tuple[int, int]:
    """(top of the axis, step): a step of 1, 2 or 5 × 10^k giving at most ``ticks`` steps."""
    if value <= 0:
        return ticks, 1
    step = 1
    while True:
        for factor in (1, 2, 5):
            candidate = step * factor
            if -(-value // candidate) <= ticks:
                return -(-value // candidate) * candidate, candidate
        step *= 10


def _em(metrics: QFontMetrics) -> int:
    return metrics.horizontalAdvance("中")


class _Chart(QWidget):
    """What both charts share: the frame, the plot area, the month axis, the message
    shown instead of data, and tooltips per month."""

    month_chosen = Signal(int)  # a month double-clicked: 0 for January

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.months: list[str] = list(MONTHS)
        self.message = ""  # shown instead of the data (e.g. 正在统计…)

    # ---- sizes in characters, so large type gets a larger chart

    def sizeHint(self) -> QSize:
        em = _em(self.fontMetrics())
        return QSize(em * 40, em * 16)

    def minimumSizeHint(self) -> QSize:
        em = _em(self.fontMetrics())
        return QSize(em * 24, em * 11)

    def set_message(self, text: str) -> None:
        self.message = text
        self.update()

    # ---- layout

    def _top_space(self, width: int) -> int:
        """Room above the plot (legend, labels)."""
        return self.fontMetrics().height()

    def _widest_axis_label(self) -> str:
        raise NotImplementedError

    def max_ticks(self, plot: QRectF) -> int:
        """How many steps the value axis can label without its labels touching."""
        return max(1, min(5, int(plot.height() // (self.fontMetrics().height() * 1.5))))

    def plot_rect(self) -> QRectF:
        metrics = self.fontMetrics()
        pad = _em(metrics) * 0.5
        left = metrics.horizontalAdvance(self._widest_axis_label()) + pad * 2
        top = self._top_space(self.width()) + pad
        bottom = metrics.height() + pad * 1.5
        return QRectF(left, top, self.width() - left - pad * 1.5, self.height() - top - bottom)

    def slot(self, plot: QRectF) -> float:
        return plot.width() / max(len(self.months), 1)

    def month_at(self, x: float) -> int | None:
        plot = self.plot_rect()
        if plot.width() <= 0 or not plot.left() <= x < plot.right():
            return None
        return min(int((x - plot.left()) / self.slot(plot)), len(self.months) - 1)

    def _month_labels(self, plot: QRectF) -> list[str]:
        """1月 … 12月, or 1 … 12 when the slots are too narrow for 月."""
        metrics = self.fontMetrics()
        wide = max(metrics.horizontalAdvance(m) for m in self.months)
        if wide + 4 <= self.slot(plot):
            return self.months
        return [m.removesuffix("月") for m in self.months]

    # ---- drawing

    def ink(self) -> QColor:
        return self.palette().color(QPalette.ColorRole.WindowText)

    def _start_painting(self) -> tuple[QPainter, QRectF] | None:
        """A painter with the frame drawn and the plot area; None (nothing more to paint)
        when the widget is too small for a plot."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._frame(painter)
        plot = self.plot_rect()
        if plot.width() <= 0 or plot.height() <= 0:
            painter.end()
            return None
        return painter, plot

    def _frame(self, painter: QPainter) -> None:
        painter.fillRect(self.rect(), self.palette().color(QPalette.ColorRole.Base))
        painter.setPen(QPen(self.palette().color(QPalette.ColorRole.Mid), 1))
        painter.drawRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5))

    def _grid(self, painter: QPainter, plot: QRectF, labels: Sequence[str]) -> None:
        """Horizontal grid lines at equal steps, ``labels`` from the bottom up."""
        metrics = self.fontMetrics()
        steps = len(labels) - 1
        for i, text in enumerate(labels):
            y = plot.bottom() - plot.height() * i / max(steps, 1)
            painter.setPen(QPen(QColor(GRID_COLOUR if i else MUTED), 1))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(self.ink())
            box = QRectF(0, y - metrics.height() / 2, plot.left() - _em(metrics) * 0.4, 0)
            box.setHeight(metrics.height())
            painter.drawText(box, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, text)

    def _months_axis(self, painter: QPainter, plot: QRectF) -> None:
        metrics = self.fontMetrics()
        slot = self.slot(plot)
        painter.setPen(self.ink())
        for i, text in enumerate(self._month_labels(plot)):
            box = QRectF(plot.left() + i * slot, plot.bottom() + 2, slot, metrics.height() + 4)
            painter.drawText(box, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, text)

    def _centred_note(self, painter: QPainter, plot: QRectF, text: str) -> None:
        painter.setPen(QColor(MUTED))
        flags = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
        painter.drawText(plot, flags, text)

    # ---- tooltips

    def tooltip_for(self, month: int) -> str:
        raise NotImplementedError

    def event(self, e: QEvent) -> bool:
        if e.type() == QEvent.Type.ToolTip and isinstance(e, QHelpEvent):
            month = None if self.message else self.month_at(e.pos().x())
            if month is None:
                QToolTip.hideText()
                e.ignore()
            else:
                tip = f"{self.tooltip_for(month)}\n双击：列出这个月的案件"
                QToolTip.showText(e.globalPos(), tip, self)
            return True
        return super().event(e)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        """A double click on a month asks for its cases (``month_chosen(0…11)``)."""
        month = None if self.message else self.month_at(event.position().x())
        if month is None:
            super().mouseDoubleClickEvent(event)
            return
        emit(self.month_chosen, month)


class MonthlyBarChart(_Chart):
    """Cases per month, stacked by series (bottom: the first), with a legend above."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.series: list[BarSeries] = []
        self.empty_text = "这一年没有受理案件。"

    def set_series(self, series: Sequence[BarSeries], months: Sequence[str] = MONTHS) -> None:
        if any(len(s.values) != len(months) for s in series):
            raise ValueError("every series needs one value per month")
        self.series = list(series)
        self.months = list(months)
        self.message = ""
        self.update()

    def set_monthly_series(self, data: MonthlySeries) -> None:
        self.set_series(top_series(data), data["months"])

    def totals(self) -> list[int]:
        return [sum(s.values[i] for s in self.series) for i in range(len(self.months))]

    def _widest_axis_label(self) -> str:
        return str(nice_top(max(self.totals(), default=0), 1)[0])  # one step: the highest

    def scale(self, plot: QRectF) -> tuple[int, int]:
        """(top of the value axis, step) for the plot's height."""
        return nice_top(max(self.totals(), default=0), self.max_ticks(plot))

    # legend: a swatch and a label per series, wrapped to the width
    def _legend_items(self) -> list[tuple[str, str]]:
        return [(s.label, s.colour) for s in self.series]

    def _legend_lines(self, width: int) -> list[list[tuple[str, str, float]]]:
        metrics = self.fontMetrics()
        em = _em(metrics)
        lines: list[list[tuple[str, str, float]]] = [[]]
        x = em * 0.5
        for label, colour in self._legend_items():
            item = em * 1.2 + metrics.horizontalAdvance(label) + em
            if lines[-1] and x + item > width - em * 0.5:
                lines.append([])
                x = em * 0.5
            lines[-1].append((label, colour, x))
            x += item
        return [line for line in lines if line]

    def _top_space(self, width: int) -> int:
        metrics = self.fontMetrics()
        legend = len(self._legend_lines(width)) * (metrics.height() + 4)
        return legend + metrics.height()  # + the totals above the bars

    def paintEvent(self, event: QPaintEvent) -> None:
        started = self._start_painting()
        if started is None:
            return
        painter, plot = started
        self._draw_legend(painter)
        top, step = self.scale(plot)
        self._grid(painter, plot, [str(v) for v in range(0, top + 1, step)])
        self._months_axis(painter, plot)
        totals = self.totals()
        if self.message:
            self._centred_note(painter, plot, self.message)
        elif not any(totals):
            self._centred_note(painter, plot, self.empty_text)
        else:
            self._draw_bars(painter, plot, totals, top)
        painter.end()

    def _draw_legend(self, painter: QPainter) -> None:
        metrics = self.fontMetrics()
        em = _em(metrics)
        swatch = metrics.height() * 0.7
        y = em * 0.4
        for line in self._legend_lines(self.width()):
            for label, colour, x in line:
                painter.fillRect(
                    QRectF(x, y + (metrics.height() - swatch) / 2, swatch, swatch), QColor(colour)
                )
                painter.setPen(self.ink())
                painter.drawText(
                    QRectF(x + em * 1.2, y, metrics.horizontalAdvance(label) + 4, metrics.height()),
                    Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                    label,
                )
            y += metrics.height() + 4

    def _draw_bars(self, painter: QPainter, plot: QRectF, totals: list[int], top: int) -> None:
        metrics = self.fontMetrics()
        slot = self.slot(plot)
        bar = slot * 0.6
        scale = plot.height() / top
        for i, total in enumerate(totals):
            x = plot.left() + i * slot + (slot - bar) / 2
            y = plot.bottom()
            for s in self.series:
                h = s.values[i] * scale
                if h > 0:
                    painter.fillRect(QRectF(x, y - h, bar, h), QColor(s.colour))
                    y -= h
            if total:
                text = str(total)
                if metrics.horizontalAdvance(text) <= slot:
                    painter.setPen(self.ink())
                    box = QRectF(plot.left() + i * slot, y - metrics.height() - 2, slot, 0)
                    box.setHeight(metrics.height())
                    painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)

    def tooltip_for(self, month: int) -> str:
        total = self.totals()[month] if self.series else 0
        lines = [f"{self.months[month]}：受理 {total} 件"]
        lines += [f"{s.label} {s.values[month]} 件" for s in self.series if s.values[month]]
        return "\n".join(lines)


class RateLineChart(_Chart):
    """The success rate per month (0 – 100 %), a point and a label per month that has one."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rates: list[float | None] = [None] * 12
        self.succeeded: list[int] = [0] * 12
        self.mediated: list[int] = [0] * 12
        self.empty_text = "这一年没有调解结案的案件，没有成功率。"

    def set_rates(
        self,
        rates: Sequence[float | None],
        *,
        succeeded: Sequence[int] | None = None,
        mediated: Sequence[int] | None = None,
        months: Sequence[str] = MONTHS,
    ) -> None:
        if len(rates) != len(months):
            raise ValueError("one rate per month")
        self.months = list(months)
        self.rates = list(rates)
        self.succeeded = list(succeeded) if succeeded is not None else [0] * len(months)
        self.mediated = list(mediated) if mediated is not None else [0] * len(months)
        self.message = ""
        self.update()

    def set_monthly_series(self, data: MonthlySeries) -> None:
        self.set_rates(
            data["success_rate"],
            succeeded=data["succeeded"],
            mediated=data["mediated"],
            months=data["months"],
        )

    def _widest_axis_label(self) -> str:
        return "100%"

    def axis_step(self, plot: QRectF) -> int:
        """Percent between grid lines: 20 when there is room, else 25, 50 or 100."""
        ticks = self.max_ticks(plot)
        return next((step for step in (20, 25, 50) if 100 // step <= ticks), 100)

    def _top_space(self, width: int) -> int:
        return self.fontMetrics().height() + 4  # a label above a 100 % point

    def label_format(self, plot: QRectF) -> str | None:
        """ "{:.1f}%" when the labels fit their slots, "{:.0f}%" when only whole
        percents do, None when not even those (the tooltips still tell)."""
        metrics = self.fontMetrics()
        slot = self.slot(plot)
        for fmt in ("{:.1f}%", "{:.0f}%"):
            if metrics.horizontalAdvance(fmt.format(100.0)) + 4 <= slot:
                return fmt
        return None

    def points(self, plot: QRectF) -> list[QPointF | None]:
        slot = self.slot(plot)
        return [
            None
            if rate is None
            else QPointF(plot.left() + (i + 0.5) * slot, plot.bottom() - rate * plot.height())
            for i, rate in enumerate(self.rates)
        ]

    def paintEvent(self, event: QPaintEvent) -> None:
        started = self._start_painting()
        if started is None:
            return
        painter, plot = started
        self._grid(painter, plot, [f"{p}%" for p in range(0, 101, self.axis_step(plot))])
        self._months_axis(painter, plot)
        if self.message:
            self._centred_note(painter, plot, self.message)
        elif all(rate is None for rate in self.rates):
            self._centred_note(painter, plot, self.empty_text)
        else:
            self._draw_line(painter, plot)
        painter.end()

    def _draw_line(self, painter: QPainter, plot: QRectF) -> None:
        metrics = self.fontMetrics()
        points = self.points(plot)
        colour = QColor(LINE_COLOUR)
        radius = max(metrics.height() * 0.18, 3.0)
        path = QPainterPath()
        drawing = False
        for point in points:
            if point is None:
                drawing = False
            elif drawing:
                path.lineTo(point)
            else:
                path.moveTo(point)
                drawing = True
        painter.setPen(QPen(colour, max(radius * 0.6, 2.0)))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)
        painter.setPen(QPen(colour, 1))
        painter.setBrush(colour)
        for point in points:
            if point is not None:
                painter.drawEllipse(point, radius, radius)
        fmt = self.label_format(plot)
        if fmt is None:
            return
        slot = self.slot(plot)
        painter.setPen(self.ink())
        for point, rate in zip(points, self.rates, strict=True):
            if point is None or rate is None:
                continue
            box = QRectF(point.x() - slot / 2, point.y() - radius - metrics.height() - 2, slot, 0)
            box.setHeight(metrics.height())
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, fmt.format(rate * 100))

    def tooltip_for(self, month: int) -> str:
        rate = self.rates[month]
        name = self.months[month]
        if rate is None:
            return f"{name}：没有调解结案的案件"
        return (
            f"{name}：调解成功率 {rate * 100:.1f}%\n"
            f"调解成功 {self.succeeded[month]} 件，调解案件 {self.mediated[month]} 件"
        )

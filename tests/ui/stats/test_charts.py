"""The charts: the twelve months of the period's year, the five biggest categories and
其他, the success-rate line with gaps where nothing was mediated; they paint (in the
series' colours), say so in words when there is nothing to draw, and follow the filters."""

from __future__ import annotations

from collections import Counter
from typing import TypeVar

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from app.models.stats import MonthlySeries, Period, monthly_series
from app.ui.stats.charts import (
    LINE_COLOUR,
    MONTHS,
    OTHER,
    OTHER_COLOUR,
    SERIES_COLOURS,
    BarSeries,
    MonthlyBarChart,
    RateLineChart,
    nice_top,
    top_series,
)
from app.ui.stats.window import StatsWindow
from tests.models.test_stats import TODAY, Office
from tests.ui.stats.conftest import show_period

ZERO = [0] * 12
Chart = TypeVar("Chart", bound=QWidget)


@pytest.fixture(scope="module")
def year_2026(world: Office) -> MonthlySeries:
    return monthly_series(world.db, 2026, "category", today=TODAY)


def colours(widget: QWidget, region: QRectF | None = None) -> Counter[int]:
    """How many pixels of each colour the widget paints (grab() renders it as shown), in
    ``region`` only when given."""
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    if region is not None:
        image = image.copy(region.toAlignedRect())
    data = bytes(image.constBits())  # a memoryview (the stubs allow bytes too)
    step = image.bytesPerLine()
    width = image.width() * 4
    found: Counter[int] = Counter()
    for y in range(image.height()):
        line = memoryview(data[y * step : y * step + width]).cast("I")  # 0xffRRGGBB each
        assert line.itemsize == 4
        found.update(line)
    return found


def rgb(colour: str | QColor) -> int:
    return QColor(colour).rgb()


def ink(widget: QWidget) -> int:
    """Pixels painted in anything but a background colour (the chart's, or the window's
    that a widget painting nothing would show)."""
    found = colours(widget)
    palette = widget.palette()
    roles = (QPalette.ColorRole.Base, QPalette.ColorRole.Window)
    backgrounds = {rgb(palette.color(role)) for role in roles}
    return sum(n for colour, n in found.items() if colour not in backgrounds)


def sized(qtbot: QtBot, chart: Chart, width: int = 720, height: int = 320) -> Chart:
    qtbot.addWidget(chart)
    chart.resize(width, height)
    return chart


def test_ink_is_zero_for_a_widget_that_paints_nothing(qtbot: QtBot) -> None:
    assert ink(sized(qtbot, QWidget())) == 0


def test_nice_axis_tops() -> None:
    assert nice_top(0) == (5, 1)  # an empty chart still has an axis
    assert nice_top(7) == (8, 2)
    assert nice_top(7, ticks=2) == (10, 5)
    assert nice_top(10) == (10, 2)
    assert nice_top(83) == (100, 20)
    assert nice_top(1234, ticks=4) == (1500, 500)


def test_the_five_biggest_categories_then_other() -> None:
    def series(**accepted: list[int]) -> MonthlySeries:
        keys = list(accepted)
        return MonthlySeries(
            year=2026,
            by="category",
            months=list(MONTHS),
            keys=keys,
            labels=keys,
            accepted=accepted,
            total_accepted=[sum(m) for m in zip(*accepted.values(), strict=True)],
            succeeded=ZERO,
            mediated=ZERO,
            success_rate=[None] * 12,
        )

    one = [1, *ZERO[1:]]
    two = [2, *ZERO[1:]]
    data = series(
        婚姻家庭=one,
        邻里=[5, *ZERO[1:]],
        房屋宅基地=two,
        合同=two,
        生产经营=one,
        损害赔偿=one,
        旅游=ZERO,  # nothing in the year: left out
        其他=[9, *ZERO[1:]],  # the category 其他 joins the rest, however big
    )
    bars = top_series(data)
    # biggest five (ties in reference order), shown in reference order; then 其他
    assert [b.label for b in bars] == ["婚姻家庭", "邻里", "房屋宅基地", "合同", "生产经营", OTHER]
    assert bars[-1].values[0] == 1 + 9  # 损害赔偿 + the category 其他
    assert bars[-1].colour == OTHER_COLOUR
    assert [b.colour for b in bars[:-1]] == list(SERIES_COLOURS[:5])
    assert sum(b.total for b in bars) == sum(data["total_accepted"])
    assert top_series(series(邻里=ZERO)) == []


def test_the_window_charts_the_twelve_months_of_the_year(qtbot: QtBot, window: StatsWindow) -> None:
    show_period(qtbot, window, Period.month(2026, 5))
    assert window.series is not None and window.series["year"] == 2026
    bar, rate = window.bar_chart, window.rate_chart
    assert bar.months == MONTHS == [f"{m}月" for m in range(1, 13)]
    assert rate.months == MONTHS
    assert bar.totals() == [1, 0, 0, 2, 7, 0, 0, 0, 0, 0, 0, 0]  # L; G K; May's seven
    assert [s.label for s in bar.series] == [
        "婚姻家庭",
        "邻里",
        "房屋宅基地",
        "合同",
        "劳动争议",
        OTHER,  # 道路交通事故
    ]
    assert rate.rates[:7] == [1.0, None, None, None, pytest.approx(2 / 3), 0.5, None]
    assert (rate.succeeded[4], rate.mediated[4]) == (2, 3)
    assert window.bar_title.text() == "2026年各月受理数（件，按纠纷类型：前五类及其他）"
    assert window.rate_title.text() == "2026年各月调解成功率（调解成功数 ÷ 调解案件数）"
    assert bar.tooltip_for(4).split("\n") == [
        "5月：受理 7 件",
        "婚姻家庭 1 件",
        "邻里 3 件",
        "合同 1 件",
        "劳动争议 1 件",
        "其他 1 件",
    ]
    assert rate.tooltip_for(4) == "5月：调解成功率 66.7%\n调解成功 2 件，调解案件 3 件"
    assert rate.tooltip_for(1) == "2月：没有调解结案的案件"


def test_the_charts_paint_bars_and_a_line(qtbot: QtBot, window: StatsWindow, tmp_path) -> None:
    window.show_tab(6)
    qtbot.waitExposed(window.charts_page)
    for chart in (window.bar_chart, window.rate_chart):
        assert chart.isVisible() and chart.width() > 300 and chart.height() > 100
        assert ink(chart) > 2000, chart  # axes, labels, legend, data
    bars = colours(window.bar_chart)
    for series in window.bar_chart.series:  # every series is drawn in its colour
        assert bars[rgb(series.colour)] > 20, series.label
    assert colours(window.rate_chart)[rgb(LINE_COLOUR)] > 20


def data_pixels(chart: MonthlyBarChart | RateLineChart) -> dict[str, int]:
    """Pixels inside the plot (the legend's swatches are above it) in each data colour:
    a series' bars, or the rate line. Counted by colour, not by amount of ink: how much ink
    the axis labels and 这一年没有… take depends on the fonts at hand."""
    painted = colours(chart, chart.plot_rect())
    if isinstance(chart, RateLineChart):
        return {"line": painted[rgb(LINE_COLOUR)]}
    return {series.label: painted[rgb(series.colour)] for series in chart.series}


def test_charts_drawn_alone_at_any_size(qtbot: QtBot, year_2026: MonthlySeries) -> None:
    bar = sized(qtbot, MonthlyBarChart())
    rate = sized(qtbot, RateLineChart())
    # Nothing yet: the axis and 这一年没有… in words, no line.
    assert ink(bar) > 0 and ink(rate) > 0
    assert data_pixels(rate) == {"line": 0}
    blank_bar = colours(bar, bar.plot_rect())
    bar.set_monthly_series(year_2026)
    rate.set_monthly_series(year_2026)
    assert len(bar.series) == 6
    # (the grey of 其他 is also in the edges of smoothed text)
    assert all(blank_bar[rgb(s.colour)] == 0 for s in bar.series if s.colour != OTHER_COLOUR)
    assert all(n > 100 for n in data_pixels(bar).values()), data_pixels(bar)
    assert data_pixels(rate)["line"] > 20
    # narrow: the months lose their 月, the rate labels their decimals, nothing breaks
    for chart in (bar, rate):
        chart.resize(chart.minimumSizeHint())
        assert ink(chart) > 0
    assert data_pixels(rate)["line"] > 0  # the line still shows
    plot = rate.plot_rect()
    assert rate._month_labels(plot)[0] in ("1月", "1")
    assert rate.label_format(plot) in ("{:.1f}%", "{:.0f}%", None)
    tiny = sized(qtbot, RateLineChart(), 40, 30)
    tiny.set_monthly_series(year_2026)
    tiny.grab()  # no room for a plot: only the frame


def test_charts_say_when_there_is_nothing_to_draw(qtbot: QtBot) -> None:
    bar = sized(qtbot, MonthlyBarChart())
    rate = sized(qtbot, RateLineChart())
    bar.set_series([BarSeries("邻里", tuple(ZERO), "#4e79a7")])
    rate.set_rates([None] * 12)
    assert not any(bar.totals())
    assert bar.empty_text == "这一年没有受理案件。"
    assert rate.empty_text == "这一年没有调解结案的案件，没有成功率。"
    assert ink(bar) > 0 and ink(rate) > 0
    bar.set_message("正在统计…")
    assert bar.message == "正在统计…"
    bar.grab()
    with pytest.raises(ValueError):
        bar.set_series([BarSeries("邻里", (1, 2), "#4e79a7")])  # not twelve months
    with pytest.raises(ValueError):
        rate.set_rates([0.5])


def test_charts_follow_the_year_and_the_filters(qtbot: QtBot, window: StatsWindow) -> None:
    with qtbot.waitSignal(window.charts_refreshed, timeout=10000):
        show_period(qtbot, window, Period.month(2025, 5))
    assert window.series is not None and window.series["year"] == 2025
    assert window.bar_chart.totals() == [0, 0, 0, 0, 2, *ZERO[5:]]  # J1 J2
    assert window.bar_title.text().startswith("2025年各月受理数")
    with qtbot.waitSignal(window.charts_refreshed, timeout=10000):
        show_period(qtbot, window, Period.month(2026, 5))
    with qtbot.waitSignal(window.charts_refreshed, timeout=10000):
        window.category.setCurrentIndex(window.category.findText("邻里"))
    assert window.bar_chart.totals() == [0, 0, 0, 1, 3, *ZERO[5:]]  # K; A D I
    assert [s.label for s in window.bar_chart.series] == ["邻里"]
    # May: A succeeded (D was withdrawn, I closed in June); June: K of I and K
    assert window.rate_chart.rates[4:6] == [1.0, 0.5]

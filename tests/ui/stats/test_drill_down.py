"""Drill-down: Enter or a double click on a number lists exactly the cases behind it, in
registration order, and a case opened there is announced to the main window; the rate
and the change say which numbers to open instead; a 0 says there is nothing to list."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtWidgets import QTableView, QWidget
from pytestqt.qtbot import QtBot

from app.models import register
from app.models.db import StorageError
from app.models.stats import By, Period
from app.ui.jobs import BackgroundJob
from app.ui.stats.charts import MonthlyBarChart, RateLineChart
from app.ui.stats.drill_down import (
    COL_CATEGORY,
    COL_NUMBER,
    COL_PARTIES,
    COL_STATE,
    COL_VILLAGE,
    COLUMNS,
    SAMPLES,
    DrillDownDialog,
)
from app.ui.stats.models import (
    AMOUNT,
    BREAKDOWN_COL,
    CHANGE_NO_LIST,
    COL_CHANGE,
    COL_LAST_YEAR,
    COL_THIS,
    RATE,
    RATE_NO_LIST,
)
from app.ui.stats.window import StatsWindow
from tests.models.test_stats import Office
from tests.ui.message_boxes import Boxes
from tests.ui.stats.conftest import show_period
from tests.ui.user import activate, double_click

MAY = Period.month(2026, 5)


def cell(window: StatsWindow, indicator: str, col: int = COL_THIS) -> QModelIndex:
    return window.indicators.index(window.indicators.row_of(indicator), col)


def breakdown_cell(window: StatsWindow, by: By, row: str, indicator: str) -> QModelIndex:
    model = window.breakdowns[by]
    return model.index(model.row_of(row), BREAKDOWN_COL[indicator])


def press_enter(qtbot: QtBot, table: QTableView, index: QModelIndex) -> None:
    table.setCurrentIndex(index)
    qtbot.keyClick(table, Qt.Key.Key_Return)


def opened_list(qtbot: QtBot, window: StatsWindow, before: DrillDownDialog | None = None):
    """The case list the last Enter or double click opened (read off the GUI thread or not)."""
    qtbot.waitUntil(lambda: window.drill_dialog is not before, timeout=10000)
    dialog = window.drill_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def names(world: Office, dialog: DrillDownDialog) -> list[str]:
    """The cases listed, by their letters in tests/models/test_stats.py."""
    letters = {case_id: name for name, case_id in world.ids.items()}
    return [letters[case_id] for case_id in dialog.model.case_ids]


def test_enter_on_a_count_lists_its_cases_in_registration_order(
    qtbot: QtBot, window: StatsWindow, world: Office
) -> None:
    show_period(qtbot, window, MAY)
    press_enter(qtbot, window.indicator_table, cell(window, "accepted"))
    dialog = opened_list(qtbot, window)
    assert names(world, dialog) == ["B", "I", "A", "C", "D", "N", "H"]
    assert dialog.model.rowCount() == 7  # the number that was pressed
    assert dialog.windowTitle() == dialog.heading.text() == "2026年5月　受理数"
    assert dialog.summary.text() == "共 7 件（按登记先后排列）。"
    first = [dialog.model.index(0, c).data() for c in (COL_PARTIES, COL_VILLAGE, COL_CATEGORY)]
    assert first == ["申请人B、被申请人B", "桃园村", "婚姻家庭"]  # names, not ids
    number = world.db.scalar("SELECT number FROM cases WHERE id = ?", (world.ids["B"],))
    assert dialog.model.index(0, COL_NUMBER).data() == number
    assert str(number).startswith("（2026）青山调字第")
    assert dialog.model.index(0, COL_STATE).data() == "已结案"
    assert not dialog.isModal()  # several lists may stay open beside the figures


def test_double_click_on_a_breakdown_cell_lists_that_rows_cases(
    qtbot: QtBot, window: StatsWindow, world: Office
) -> None:
    show_period(qtbot, window, MAY)
    window.show_tab(4)  # 按调解员
    table = window.breakdown_tables["mediator"]
    double_click(qtbot, table, breakdown_cell(window, "mediator", "陈秀兰", "accepted"))
    dialog = opened_list(qtbot, window)
    assert names(world, dialog) == ["B", "I", "C", "N"]
    assert dialog.windowTitle() == "2026年5月　陈秀兰　受理数"
    # 合计 counts each case once: C (two mediators) is listed once
    double_click(qtbot, table, breakdown_cell(window, "mediator", "合计", "registered"))
    total = opened_list(qtbot, window, dialog)
    assert names(world, total) == ["I", "A", "C", "D", "E", "N", "H"]
    assert total.windowTitle() == "2026年5月　全部调解员　登记数"
    assert dialog.isVisible()  # the first list stays open


def test_the_amount_lists_the_agreements_that_make_it(
    qtbot: QtBot, window: StatsWindow, world: Office
) -> None:
    show_period(qtbot, window, MAY)
    window.drill(cell(window, AMOUNT))
    dialog = opened_list(qtbot, window)
    assert names(world, dialog) == ["B", "A"]
    assert dialog.summary.text() == (
        "协议涉及金额 1,700.00 元，来自下面 2 份写明金额的协议（按登记先后排列）。"
    )


def test_last_years_column_lists_last_years_cases(
    qtbot: QtBot, window: StatsWindow, world: Office
) -> None:
    show_period(qtbot, window, MAY)
    press_enter(qtbot, window.indicator_table, cell(window, "accepted", COL_LAST_YEAR))
    dialog = opened_list(qtbot, window)
    assert names(world, dialog) == ["J1", "J2"]
    assert dialog.windowTitle() == "2025年5月　受理数"


def test_a_quarters_list_is_read_off_the_gui_thread(
    qtbot: QtBot, window: StatsWindow, world: Office
) -> None:
    show_period(qtbot, window, Period.quarter(2026, 2))
    window.drill(cell(window, "referred"))
    assert isinstance(window.drill_job, BackgroundJob)
    dialog = opened_list(qtbot, window)
    assert names(world, dialog) == ["G", "C", "H"]
    assert dialog.windowTitle() == "2026年第二季度　归口移交数"


def test_a_filtered_list_says_so(qtbot: QtBot, window: StatsWindow, world: Office) -> None:
    window.category.setCurrentIndex(window.category.findText("邻里"))
    show_period(qtbot, window, MAY)
    press_enter(qtbot, window.indicator_table, cell(window, "accepted"))
    dialog = opened_list(qtbot, window)
    assert names(world, dialog) == ["I", "A", "D"]
    assert dialog.summary.text() == "共 3 件（按登记先后排列）。筛选：纠纷类型 邻里。"


def test_the_rate_the_change_and_a_zero_give_a_message_instead(
    qtbot: QtBot, window: StatsWindow, boxes: Boxes
) -> None:
    show_period(qtbot, window, MAY)
    press_enter(qtbot, window.indicator_table, cell(window, RATE))
    press_enter(qtbot, window.indicator_table, cell(window, "accepted", COL_CHANGE))
    window.show_tab(1)
    table = window.breakdown_tables["category"]
    double_click(qtbot, table, breakdown_cell(window, "category", "邻里", RATE))
    double_click(qtbot, table, breakdown_cell(window, "category", "旅游", "accepted"))
    window.drill(cell(window, "confirmation_rejected"))
    assert boxes.calls == [
        ("info", "没有案件清单", RATE_NO_LIST),
        ("info", "没有案件清单", CHANGE_NO_LIST),
        ("info", "没有案件清单", RATE_NO_LIST),
        ("info", "没有案件", "2026年5月　旅游　受理数是 0，没有案件可以列出。"),
        ("info", "没有案件", "2026年5月　司法确认驳回数是 0，没有案件可以列出。"),
    ]
    assert window.drill_dialog is None


def test_opening_a_case_in_the_list_announces_it(
    qtbot: QtBot, window: StatsWindow, world: Office
) -> None:
    show_period(qtbot, window, MAY)
    press_enter(qtbot, window.indicator_table, cell(window, "succeeded"))
    dialog = opened_list(qtbot, window)
    assert names(world, dialog) == ["B", "A"]
    activate(qtbot, dialog)
    assert dialog.table.currentIndex().row() == 0  # the first case is chosen
    with qtbot.waitSignal(window.open_case) as opened:
        qtbot.keyClick(dialog.table, Qt.Key.Key_Down)
        qtbot.keyClick(dialog.table, Qt.Key.Key_Return)
    assert opened.args == [world.ids["A"]]
    with qtbot.waitSignal(window.open_case) as opened:
        double_click(qtbot, dialog.table, dialog.model.index(0, COL_PARTIES))
    assert opened.args == [world.ids["B"]]
    qtbot.keyClick(dialog.table, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog) or not dialog.isVisible())


def test_closing_the_statistics_closes_its_lists(qtbot: QtBot, window: StatsWindow) -> None:
    show_period(qtbot, window, MAY)
    window.drill(cell(window, "registered"))
    dialog = opened_list(qtbot, window)
    window.close()
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog) or not dialog.isVisible())


def test_a_list_that_cannot_be_read_says_so_once(
    qtbot: QtBot, window: StatsWindow, boxes: Boxes, monkeypatch
) -> None:
    show_period(qtbot, window, MAY)

    def broken(*_args: object) -> None:
        raise StorageError("数据库文件损坏，请从备份恢复。")

    monkeypatch.setattr(register, "fetch_rows", broken)
    window.drill(cell(window, "registered"))
    dialog = opened_list(qtbot, window)
    dialog.grab()  # paints every visible cell: each asks for its row
    assert dialog.model.index(3, COL_PARTIES).data() is None
    assert boxes.calls == [("warning", "数据库文件有问题", "数据库文件损坏，请从备份恢复。")]


def test_the_parties_take_the_room_the_other_columns_leave(
    qtbot: QtBot, world: Office, track: list[QWidget]
) -> None:
    dialog = DrillDownDialog(world.db, [world.ids["A"]], title="2026年5月　受理数", summary="")
    track.append(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    table = dialog.table

    def widths() -> list[int]:
        return [table.columnWidth(c) for c in COLUMNS]

    sample = table.fontMetrics().horizontalAdvance(SAMPLES[COL_PARTIES])
    dialog.resize(1200, 500)
    qtbot.waitUntil(lambda: sum(widths()) == table.viewport().width())
    wide = table.columnWidth(COL_PARTIES)
    assert wide > sample + 100
    dialog.resize(500, 400)  # narrower than the columns: they scroll, the names keep room
    qtbot.waitUntil(lambda: table.columnWidth(COL_PARTIES) < wide)
    assert table.columnWidth(COL_PARTIES) >= sample
    assert table.columnWidth(COL_NUMBER) >= table.fontMetrics().horizontalAdvance(
        SAMPLES[COL_NUMBER]
    )


def _month_point(chart: MonthlyBarChart | RateLineChart, month: int) -> QPoint:
    """The middle of ``month``'s slot (0 for January) in a chart's plot area."""
    plot = chart.plot_rect()
    slot = chart.slot(plot)
    return QPoint(int(plot.left() + slot * (month + 0.5)), int(plot.center().y()))


def test_a_double_click_on_a_chart_month_lists_its_cases(
    qtbot: QtBot, window: StatsWindow, world: Office
) -> None:
    """May's bar: the cases accepted in May (as 受理数 for May lists them); May's point on
    the rate line: the cases mediated in May."""
    window.show_tab(window.tabs.indexOf(window.charts_page))
    qtbot.waitExposed(window.bar_chart)
    qtbot.mouseDClick(
        window.bar_chart, Qt.MouseButton.LeftButton, pos=_month_point(window.bar_chart, 4)
    )
    dialog = opened_list(qtbot, window)
    assert names(world, dialog) == ["B", "I", "A", "C", "D", "N", "H"]  # as 受理数 for May
    assert "2026年5月" in dialog.windowTitle() and "受理数" in dialog.windowTitle()
    dialog.close()

    show_period(qtbot, window, MAY)
    window.show_tab(0)
    press_enter(qtbot, window.indicator_table, cell(window, "mediated"))
    by_table = opened_list(qtbot, window, dialog)
    by_table.close()
    window.show_tab(window.tabs.indexOf(window.charts_page))
    qtbot.waitUntil(lambda: not window.rate_chart.message, timeout=10000)  # charts re-read
    qtbot.mouseDClick(
        window.rate_chart, Qt.MouseButton.LeftButton, pos=_month_point(window.rate_chart, 4)
    )
    by_chart = opened_list(qtbot, window, by_table)
    assert by_chart.model.case_ids == by_table.model.case_ids

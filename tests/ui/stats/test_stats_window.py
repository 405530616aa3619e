"""统计分析 as the user reads it: the hand-counted office of tests/models/test_stats.py for
a month, a quarter, a year and a range with last year beside them; the five breakdowns
with 合计 last; the filters; the period chooser; long reads off the GUI thread, a stale
result dropped, a failed read told; and closing while a count runs."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QTableView
from pytestqt.qtbot import QtBot

from app.models import stats
from app.models.db import Database, StorageError
from app.models.reference import categories, sources
from app.models.stats import LABELS, By, Indicators, Period, Report
from app.ui import jobs
from app.ui.application import apply_font_size
from app.ui.jobs import BackgroundJob
from app.ui.stats import window as window_module
from app.ui.stats.models import (
    BREAKDOWN_COL,
    COL_CHANGE,
    COL_LAST_YEAR,
    COL_NAME,
    COL_THIS,
    fmt_value,
)
from app.ui.stats.monthly_report_dialog import MonthlyReportDialog
from app.ui.stats.window import REFRESH_DELAY_MS, PeriodChooser, StatsWindow
from tests.models.test_stats import (
    MAY_2025_FIGURES,
    MAY_FIGURES,
    Q2_FIGURES,
    TODAY,
    YEAR_2026_FIGURES,
    Office,
)
from tests.ui.cases.helpers import type_size
from tests.ui.cases.test_type_size import off_size
from tests.ui.message_boxes import Boxes
from tests.ui.stats.conftest import SHORT_PAUSE_MS, show_period
from tests.ui.user import choose

MAY = Period.month(2026, 5)
OCTOBER = Period.month(2026, 10)
Q2 = Period.quarter(2026, 2)
YEAR = Period.year(2026)
RANGE = Period.between(date(2026, 5, 10), date(2026, 5, 20))
YEAR_2025 = replace(MAY_2025_FIGURES, registered=4)  # + L, registered on 2025-12-31


def column(window: StatsWindow, col: int) -> dict[str, str]:
    """The indicator table's column ``col``, by the indicator's label, as shown."""
    model = window.indicator_table.model()
    return {
        str(model.index(r, 0).data()): str(model.index(r, col).data())
        for r in range(model.rowCount())
    }


def as_shown(figures: Indicators) -> dict[str, str]:
    return {label: fmt_value(name, figures.value(name)) for name, label in LABELS.items()}


def breakdown_rows(window: StatsWindow, by: By, indicator: str) -> dict[str, str]:
    """A breakdown tab's names (as the vertical header shows them) and one figure each."""
    table = window.breakdown_tables[by]
    model = table.model()
    col = BREAKDOWN_COL[indicator]
    return {
        str(model.headerData(r, Qt.Orientation.Vertical)): str(model.index(r, col).data())
        for r in range(model.rowCount())
    }


class Held:
    """report() of the periods in ``periods`` waits in its worker thread until released."""

    def __init__(self) -> None:
        self.periods: set[Period] = set()
        self.entered = threading.Event()
        self._gate = threading.Event()

    def release(self) -> None:
        self._gate.set()


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> Iterator[Held]:
    state = Held()
    real = stats.report

    def report(db: Database, period: Period, **kwargs: Any) -> Report:
        if period in state.periods:
            state.entered.set()
            state._gate.wait(10)
        return real(db, period, **kwargs)

    monkeypatch.setattr(window_module, "report", report)
    yield state
    state.release()  # never leave a worker waiting


@pytest.fixture
def threads(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Period, bool]]:
    """(period, read on the GUI thread) for every report() the window asks for."""
    calls: list[tuple[Period, bool]] = []
    real = stats.report

    def report(db: Database, period: Period, **kwargs: Any) -> Report:
        calls.append((period, threading.current_thread() is threading.main_thread()))
        return real(db, period, **kwargs)

    monkeypatch.setattr(window_module, "report", report)
    return calls


# --------------------------------------------------------------------------- figures


def test_opens_on_the_last_complete_month(window: StatsWindow) -> None:
    assert window.windowTitle() == "统计分析"
    assert window.chooser.current_kind() == "month"
    assert window.heading.text() == "2026年10月"
    assert window.summary.text() == "2026-10-01 至 2026-10-31，与去年同期（2025年10月）比较。"
    assert column(window, COL_THIS)["超期未结"] == "1"  # H: due 07-19, still open
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == [
        "指标汇总",
        "按纠纷类型",
        "按案件来源",
        "按村（社区）",
        "按调解员",
        "按调委会",
        "图表",
    ]


def test_a_month_is_read_at_once_with_last_year_beside_it(
    qtbot: QtBot, window: StatsWindow, threads: list[tuple[Period, bool]]
) -> None:
    show_period(qtbot, window, MAY)
    assert threads == [(MAY, True)]  # a month: on the GUI thread, no job
    assert window.job is None
    assert window.heading.text() == "2026年5月"
    assert window.summary.text() == "2026-05-01 至 2026-05-31，与去年同期（2025年5月）比较。"
    assert column(window, COL_THIS) == as_shown(MAY_FIGURES)
    assert column(window, COL_LAST_YEAR) == as_shown(MAY_2025_FIGURES)
    this, last, change = (column(window, c) for c in (COL_THIS, COL_LAST_YEAR, COL_CHANGE))
    assert (this["受理数"], last["受理数"], change["受理数"]) == ("7", "2", "+5")
    assert (this["调解成功率"], last["调解成功率"]) == ("66.7%", "50.0%")
    assert this["协议涉及金额"] == "1,700.00 元"  # A's agreement 1,500 + B's case 200


@pytest.mark.parametrize(
    ("period", "this", "last", "summary"),
    [
        (Q2, Q2_FIGURES, MAY_2025_FIGURES, "与去年同期（2025年第二季度）比较。"),
        (
            YEAR,
            YEAR_2026_FIGURES,
            YEAR_2025,
            "与去年同期（2025年）比较。本期还没有结束：超期未结按今天（2026-11-20）统计。",
        ),
    ],
    ids=["quarter", "year"],
)
def test_a_quarter_or_a_year_is_read_off_the_gui_thread(
    qtbot: QtBot,
    window: StatsWindow,
    threads: list[tuple[Period, bool]],
    period: Period,
    this: Indicators,
    last: Indicators,
    summary: str,
) -> None:
    window.set_period(period)
    with qtbot.waitSignal(window.refreshed, timeout=10000):
        window.refresh()
        assert isinstance(window.job, BackgroundJob)
        busy = f"正在统计{period.label}，请稍候…（下面还是2026年10月的数字）"
        assert window.summary.text() == busy
    assert threads == [(period, False)]
    assert window.heading.text() == period.label
    assert window.summary.text().endswith(summary)
    assert column(window, COL_THIS) == as_shown(this)
    assert column(window, COL_LAST_YEAR) == as_shown(last)


def test_a_range_with_the_same_days_last_year(
    qtbot: QtBot, window: StatsWindow, threads: list[tuple[Period, bool]]
) -> None:
    show_period(qtbot, window, RANGE)
    assert threads == [(RANGE, False)]
    assert window.chooser.current_kind() == "range"
    assert window.heading.text() == "2026年5月10日至2026年5月20日"
    this, last = column(window, COL_THIS), column(window, COL_LAST_YEAR)
    # registered: D E N H (F voided); closed: D (05-15), A (05-20); last year J2, J3
    assert [this[k] for k in ("登记数", "结案数", "调解成功数", "撤回数")] == ["4", "2", "1", "1"]
    assert [last[k] for k in ("登记数", "不予受理数")] == ["2", "1"]
    assert "与去年同期（2025年5月10日至2025年5月20日）比较。" in window.summary.text()


def test_a_period_not_yet_begun(qtbot: QtBot, window: StatsWindow) -> None:
    show_period(qtbot, window, Period.month(2026, 12))
    assert window.summary.text().endswith("本期还没有开始。")
    assert set(column(window, COL_THIS).values()) <= {"0", "—", "0.00 元"}


# --------------------------------------------------------------------------- breakdowns


def test_every_breakdown_tab_lists_names_with_the_total_last(
    qtbot: QtBot, window: StatsWindow, world: Office
) -> None:
    show_period(qtbot, window, MAY)
    for by, table in window.breakdown_tables.items():
        assert table.isColumnHidden(COL_NAME)  # the names are in the header, kept in view
        assert not table.verticalHeader().isHidden()
        assert breakdown_rows(window, by, "accepted")["合计"] == "7", by
        assert list(breakdown_rows(window, by, "accepted"))[-1] == "合计", by
    assert breakdown_rows(window, "category", "accepted") == {
        **{c: "0" for c in categories()},
        "婚姻家庭": "1",  # B
        "邻里": "3",  # A D I
        "合同": "1",  # C
        "劳动争议": "1",  # H
        "道路交通事故": "1",  # N
        "合计": "7",
    }
    assert breakdown_rows(window, "source", "registered") == {
        **{label: "0" for label in sources().values()},
        "当事人申请": "4",  # A D E I
        "排查发现": "1",  # N
        "公安机关移交": "1",  # C
        "人民法院委托": "1",  # H
        "合计": "7",
    }
    assert breakdown_rows(window, "village", "registered") == {
        "桃园村": "2",
        "河东社区": "3",
        "红旗村": "2",
        "合计": "7",
    }
    # C has two mediators: counted for each, once in the total
    assert breakdown_rows(window, "mediator", "registered") == {
        "王建华": "3",
        "陈秀兰": "3",
        "未指派调解员": "2",
        "合计": "7",
    }
    assert breakdown_rows(window, "mediator", "amount_fen") == {
        "王建华": "1,500.00",
        "陈秀兰": "200.00",
        "未指派调解员": "0.00",
        "合计": "1,700.00",
    }
    mediator_page = window.tabs.widget(4)
    assert "合计”可能小于各行之和" in "".join(
        label.text() for label in mediator_page.findChildren(type(window.summary))
    )
    show_period(qtbot, window, Q2)
    assert breakdown_rows(window, "committee", "accepted") == {
        "青山镇人民调解委员会": "8",
        "红旗村人民调解委员会": "1",  # G
        "合计": "9",
    }
    assert world.ids  # the office the numbers were counted from


def test_ctrl_and_a_digit_switch_tabs_and_f5_reads_again(
    qtbot: QtBot, window: StatsWindow, threads: list[tuple[Period, bool]]
) -> None:
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentIndex() == 2
    assert QApplication.focusWidget() is window.breakdown_tables["source"]
    qtbot.keyClick(window, Qt.Key.Key_7, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is window.charts_page
    with qtbot.waitSignal(window.refreshed):
        qtbot.keyClick(window, Qt.Key.Key_F5)
    assert threads == [(OCTOBER, True)]


def test_each_tables_columns_fit_the_figures_shown_once_its_tab_is_open(
    qtbot: QtBot, window: StatsWindow
) -> None:
    """A table's columns are fitted to new figures when its tab is open (the others wait
    until theirs is: measuring asks the model for every cell)."""

    def widths(table: QTableView) -> list[int]:
        return [table.columnWidth(c) for c in range(table.model().columnCount())]

    def fitted(table: QTableView) -> list[int]:
        shown = widths(table)
        table.resizeColumnsToContents()  # what fitting them now gives
        return shown if shown == widths(table) else [*shown, -1]

    show_period(qtbot, window, YEAR)  # a year's figures: wider than the month's
    for index, table in enumerate(window.tables()):
        window.show_tab(index)
        assert table.isVisible()
        assert widths(table) == fitted(table), window.tabs.tabText(index)


# --------------------------------------------------------------------------- filters


def pick(qtbot: QtBot, window: StatsWindow, combo: QComboBox, text: str) -> None:
    """Choose ``text`` with the arrow keys; the figures are read once, after the pause."""
    count: list[int] = []
    window.refreshed.connect(lambda: count.append(1))
    with qtbot.waitSignal(window.refreshed, timeout=5000):
        choose(combo, text)
        assert window.shown is not None and window.shown.filters != window.filters()
    assert count == [1]
    # the pause stays the pause (QTimer.start(int) would have taken the index as msec)
    assert combo.count() < SHORT_PAUSE_MS
    assert window._debounce.interval() == SHORT_PAUSE_MS


def test_a_change_waits_the_programs_pause(
    qtbot: QtBot, open_window: Callable[..., StatsWindow], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The other tests shorten the pause (tests/ui/stats/conftest.py); the program's."""
    monkeypatch.setattr(window_module, "REFRESH_DELAY_MS", REFRESH_DELAY_MS)
    window = open_window()
    choose(window.category, "邻里")
    assert window._debounce.isActive()
    assert window._debounce.interval() == REFRESH_DELAY_MS == 400
    assert window.shown is not None and window.shown.filters != window.filters()  # not yet
    with qtbot.waitSignal(window.refreshed, timeout=5000):
        pass
    assert window.shown.filters == window.filters()


def test_filters_narrow_every_figure(qtbot: QtBot, window: StatsWindow) -> None:
    show_period(qtbot, window, MAY)
    pick(qtbot, window, window.category, "邻里")
    this = column(window, COL_THIS)
    assert [this[k] for k in ("登记数", "结案数", "撤回数")] == ["3", "2", "1"]  # A D I; A D; D
    assert column(window, COL_LAST_YEAR)["登记数"] == "2"  # J1 J3
    assert window.summary.text().endswith("筛选：纠纷类型 邻里。")
    assert breakdown_rows(window, "category", "registered")["合同"] == "0"
    pick(qtbot, window, window.category, "全部")
    assert column(window, COL_THIS)["登记数"] == "7"

    pick(qtbot, window, window.village, "红旗村")
    this = column(window, COL_THIS)
    assert (this["登记数"], this["超期未结"]) == ("2", "1")  # A D; G
    pick(qtbot, window, window.mediator, "陈秀兰")  # together with the village
    assert window.summary.text().endswith("筛选：村（社区） 红旗村，调解员 陈秀兰。")
    assert column(window, COL_THIS)["超期未结"] == "1"  # G is hers now
    assert column(window, COL_THIS)["受理数"] == "0"  # her May cases are in other villages
    pick(qtbot, window, window.village, "全部")
    assert column(window, COL_THIS)["受理数"] == "4"  # B C I N

    pick(qtbot, window, window.mediator, "全部")
    pick(qtbot, window, window.source, "排查发现")
    assert (column(window, COL_THIS)["受理数"], column(window, COL_THIS)["排查发现数"]) == (
        "2",  # B (found in April) and N
        "1",  # N
    )
    pick(qtbot, window, window.source, "全部")
    pick(qtbot, window, window.committee, "红旗村人民调解委员会")
    this = column(window, COL_THIS)
    assert {k: v for k, v in this.items() if v not in ("0", "—", "0.00 元")} == {
        "超期案件数": "1",  # G only
        "超期未结": "1",
    }


def test_filters_offer_names_not_ids(window: StatsWindow, world: Office) -> None:
    def texts(combo: QComboBox) -> list[str]:
        return [combo.itemText(i) for i in range(combo.count())]

    assert texts(window.category) == ["全部", *categories()]
    assert texts(window.source) == ["全部", *sources().values()]
    assert texts(window.village) == ["全部", "红旗村", "桃园村", "河东社区"]  # the office's order
    assert sorted(texts(window.mediator)) == sorted(["全部", "王建华", "陈秀兰"])
    assert texts(window.committee) == ["全部", "青山镇人民调解委员会", "红旗村人民调解委员会"]
    assert window.village.itemData(1) == world.village["红旗村"]


# --------------------------------------------------------------------------- the period


def pick_kind(chooser: PeriodChooser, kind: str) -> None:
    """Pick a kind of period from the list with the mouse (the arrow keys would step
    through the kinds between)."""
    chooser.kind.setCurrentIndex(chooser.kind.findData(kind))


def test_the_period_chooser(qtbot: QtBot, window: StatsWindow) -> None:
    chooser = window.chooser
    assert chooser.month.isVisible() and not chooser.date_from.isVisible()
    choose(chooser.kind, "季")
    assert chooser.quarter.isVisible() and not chooser.month.isVisible()
    assert chooser.period() == Period.quarter(2026, 4)  # October's quarter
    choose(chooser.kind, "年")
    assert chooser.period() == YEAR and not chooser.quarter.isVisible()
    choose(chooser.kind, "月")
    pick_kind(chooser, "range")  # a range starts as the month shown before
    assert chooser.date_from.isVisible() and not chooser.year.isVisible()
    assert chooser.period() == Period.between(date(2026, 10, 1), date(2026, 10, 31))
    chooser.set_period(Period.between(date(2025, 12, 20), date(2026, 1, 10)))
    choose(chooser.kind, "年")  # and back: the year the range starts in
    assert chooser.period() == Period.year(2025)
    # every change is read once, after the pause
    with qtbot.waitSignal(window.refreshed, timeout=5000):
        pass
    assert window.shown is not None and window.shown.period == Period.year(2025)


def test_a_range_that_ends_before_it_starts_is_refused_in_plain_chinese(
    qtbot: QtBot, window: StatsWindow
) -> None:
    show_period(qtbot, window, MAY)
    before = column(window, COL_THIS)
    chooser = window.chooser
    pick_kind(chooser, "range")
    chooser.date_to.setDate(chooser.date_to.date().addDays(-40))  # to 2026-04-21
    qtbot.waitUntil(window.error.isVisible, timeout=5000)  # after the pause, no F5 needed
    assert window.error.text() == "统计期间：结束日期不能早于开始日期，请重新选择。"
    assert not window.refresh()
    assert window.error.isVisible()
    assert window.shown is not None and window.shown.period == MAY  # the old figures stay
    assert window.heading.text() == "2026年5月"
    assert column(window, COL_THIS) == before
    # put right, the error goes and the range is read
    chooser.date_to.setDate(chooser.date_from.date().addDays(19))
    with qtbot.waitSignal(window.refreshed, timeout=5000):
        pass
    assert not window.error.isVisible()
    assert window.shown.period == Period.between(date(2026, 5, 1), date(2026, 5, 20))


# --------------------------------------------------------------------------- off the GUI thread


def test_changing_the_period_while_a_year_is_read_drops_the_stale_result(
    qtbot: QtBot, window: StatsWindow, held: Held
) -> None:
    held.periods.add(YEAR)
    shown: list[Period] = []

    def record() -> None:
        assert window.shown is not None
        shown.append(window.shown.period)

    window.refreshed.connect(record)
    window.set_period(YEAR)
    assert window.refresh()
    year_job = window.job
    assert year_job is not None and year_job.is_running
    assert held.entered.wait(5)
    assert window.heading.text() == "2026年10月"  # still what the tables show
    assert "正在统计2026年" in window.summary.text()
    # the user does not wait: the second quarter
    show_period(qtbot, window, Q2)
    assert year_job.worker.is_cancelled  # superseded
    with qtbot.waitSignal(year_job.stopped, timeout=10000):
        held.release()
    qtbot.waitUntil(lambda: year_job not in jobs._running, timeout=10000)
    assert shown == [Q2]
    assert window.heading.text() == "2026年第二季度"
    assert column(window, COL_THIS) == as_shown(Q2_FIGURES)


def test_closing_while_a_year_is_read_cancels_it(
    qtbot: QtBot, window: StatsWindow, held: Held, boxes: Boxes
) -> None:
    held.periods.add(YEAR)
    refreshed: list[int] = []
    window.refreshed.connect(lambda: refreshed.append(1))
    window.set_period(YEAR)
    window.refresh()
    job = window.job
    assert job is not None and held.entered.wait(5)
    running = window.running_jobs()
    assert job in running and window.series_job in running  # the charts of 2026 too
    window.close()
    assert all(j.worker.is_cancelled for j in running)
    with qtbot.waitSignal(job.stopped, timeout=10000):
        held.release()
    qtbot.waitUntil(lambda: not jobs._running, timeout=10000)
    assert refreshed == []
    assert window.shown is not None and window.shown.period == OCTOBER
    assert boxes.calls == []  # cancelled, not failed: nothing to tell
    # shown again (a window kept, not deleted), it reads what was asked for
    with qtbot.waitSignals([window.refreshed, window.charts_refreshed], timeout=10000):
        window.show()
    assert window.shown.period == YEAR
    assert column(window, COL_THIS) == as_shown(YEAR_2026_FIGURES)


def test_a_window_deleted_on_close_while_counting_is_no_trouble(
    qtbot: QtBot, world: Office, held: Held, boxes: Boxes
) -> None:
    """As the main window keeps it (WA_DeleteOnClose), closed in the middle of a count."""
    window = StatsWindow(world.db, today=lambda: TODAY)
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    window.show()
    held.periods.add(YEAR)
    window.set_period(YEAR)
    window.refresh()
    assert held.entered.wait(5)
    window.close()
    qtbot.waitUntil(lambda: not shiboken6.isValid(window), timeout=5000)
    held.release()
    qtbot.waitUntil(lambda: not jobs._running, timeout=10000)
    assert boxes.calls == []


def test_a_failed_read_is_told_and_the_figures_stay(
    qtbot: QtBot, window: StatsWindow, boxes: Boxes, monkeypatch: pytest.MonkeyPatch
) -> None:
    show_period(qtbot, window, MAY)
    before = column(window, COL_THIS)
    problem = "数据库文件正被其他程序使用，请稍后再试。"

    def locked(*_args: object, **_kwargs: object) -> None:
        raise StorageError(problem)

    monkeypatch.setattr(window_module, "report", locked)
    window.set_period(YEAR)  # off the GUI thread
    window.refresh()
    qtbot.waitUntil(lambda: window.job is None, timeout=10000)
    assert boxes.calls == [("warning", "统计没有完成", problem)]
    assert window.heading.text() == "2026年5月"
    assert window.summary.text() == "2026-05-01 至 2026-05-31，与去年同期（2025年5月）比较。"
    assert column(window, COL_THIS) == before
    window.set_period(Period.month(2026, 6))  # on the GUI thread
    window.refresh()
    assert boxes.calls[-1] == ("warning", "数据库文件有问题", problem)
    assert window.summary.text().startswith("2026-05-01 至 2026-05-31")
    assert column(window, COL_THIS) == before


def test_the_window_follows_the_type_size(
    qtbot: QtBot, qapp: QApplication, open_window: Callable[..., StatsWindow]
) -> None:
    with type_size("normal"):
        window = open_window()
        show_period(qtbot, window, MAY)
        table = window.breakdown_tables["village"]
        before = (
            window.indicator_table.columnWidth(0),
            table.verticalHeader().sizeHint().width(),
            window.bar_chart.sizeHint().height(),
        )
        apply_font_size(qapp, "xlarge")
        assert off_size(window) == []  # every text at the new size, headings in proportion
        after = (
            window.indicator_table.columnWidth(0),
            table.verticalHeader().sizeHint().width(),
            window.bar_chart.sizeHint().height(),
        )
        assert all(a > b for a, b in zip(after, before, strict=True)), (before, after)


def test_the_monthly_report_opens_for_the_chosen_month(qtbot: QtBot, window: StatsWindow) -> None:
    show_period(qtbot, window, MAY)
    qtbot.mouseClick(window.report_button, Qt.MouseButton.LeftButton)
    dialogs = [d for d in window.findChildren(MonthlyReportDialog) if d.isVisible()]
    assert len(dialogs) == 1
    dialog = dialogs[0]
    assert (dialog.year_box.value(), dialog.month_box.currentIndex() + 1) == (2026, 5)
    dialog.reject()
    # A year is not a month: the report offers the last complete month (October).
    show_period(qtbot, window, YEAR)
    dialog = window.open_monthly_report()
    assert isinstance(dialog, MonthlyReportDialog)
    assert (dialog.year_box.value(), dialog.month_box.currentIndex() + 1) == (2026, 10)
    dialog.reject()

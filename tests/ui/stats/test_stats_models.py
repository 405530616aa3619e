"""The statistics window's table models: Qt's model rules, what each cell says (counts,
yuan, percentages, the change), which cases stand behind each cell, and 合计 last."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QFont

from app.models.reference import categories
from app.models.stats import BREAKDOWNS, LABELS, By, Indicators, Period, Report, report
from app.ui.item_views import RowRole, SortRole
from app.ui.stats.drill_down import COL_NUMBER, COL_PARTIES, COL_STATE, CaseListModel
from app.ui.stats.models import (
    AMOUNT,
    BREAKDOWN_COL,
    BREAKDOWN_INDICATORS,
    CHANGE_NO_LIST,
    COL_CHANGE,
    COL_INDICATOR,
    COL_LAST_YEAR,
    COL_NAME,
    COL_THIS,
    NAME_NO_LIST,
    RATE,
    RATE_NO_LIST,
    BreakdownTableModel,
    IndicatorTableModel,
    Target,
    breakdown_header,
    fmt_amount,
    fmt_change,
    fmt_rate,
)
from tests.models.test_stats import MAY_2025_FIGURES, MAY_FIGURES, TODAY, Office

MAY = Period.month(2026, 5)
DISPLAY = Qt.ItemDataRole.DisplayRole


@pytest.fixture(scope="module")
def may(world: Office) -> Report:
    return report(world.db, MAY, today=TODAY)


def text(model: IndicatorTableModel | BreakdownTableModel, row: int, column: int) -> str:
    return str(model.index(row, column).data())


def test_formatting() -> None:
    assert fmt_amount(170000) == "1,700.00 元"
    assert fmt_amount(5, unit=False) == "0.05"
    assert fmt_rate(2 / 3) == "66.7%" and fmt_rate(None) == "—"
    assert fmt_change("accepted", 7, 2) == "+5"
    assert fmt_change("accepted", 1, 3) == "\u22122"  # a real minus sign
    assert fmt_change("accepted", 4, 4) == "0"
    assert fmt_change(AMOUNT, 170000, 300000) == "\u22121,300.00 元"
    assert fmt_change(RATE, 2 / 3, 0.5) == "+16.7个百分点"
    assert fmt_change(RATE, 0.5, None) == "—"  # no rate last year: no change to tell


def test_indicator_model_passes_the_model_tester(qtmodeltester, may: Report) -> None:
    model = IndicatorTableModel()
    qtmodeltester.check(model)  # before any report: zeros
    model.set_report(may)
    qtmodeltester.check(model)
    assert model.rowCount() == len(LABELS)
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(4)] == [
        "指标",
        "本期",
        "去年同期",
        "增减",
    ]


def test_indicator_rows_show_this_period_last_year_and_the_change(may: Report) -> None:
    model = IndicatorTableModel()
    model.set_report(may)
    lines = {
        text(model, r, COL_INDICATOR): (
            text(model, r, COL_THIS),
            text(model, r, COL_LAST_YEAR),
            text(model, r, COL_CHANGE),
        )
        for r in range(model.rowCount())
    }
    assert list(lines) == list(LABELS.values())
    assert lines["登记数"] == ("7", "3", "+4")
    assert lines["受理数"] == ("7", "2", "+5")
    assert lines["调解成功率"] == ("66.7%", "50.0%", "+16.7个百分点")
    assert lines["协议涉及金额"] == ("1,700.00 元", "3,000.00 元", "\u22121,300.00 元")
    assert lines["超期未结"] == ("1", "0", "+1")
    row = model.row_of("accepted")
    assert model.index(row, COL_THIS).data(SortRole) == 7
    assert model.index(row, COL_CHANGE).data(SortRole) == 5.0
    assert model.index(row, COL_THIS).data(RowRole).last_year == MAY_2025_FIGURES.accepted
    font = model.index(row, COL_THIS).data(Qt.ItemDataRole.FontRole)
    assert isinstance(font, QFont) and font.bold()  # a headline figure
    assert model.index(model.row_of("declined"), COL_THIS).data(Qt.ItemDataRole.FontRole) is None


def test_indicator_cells_name_their_cases(may: Report) -> None:
    model = IndicatorTableModel()
    model.set_report(may)
    accepted = model.row_of("accepted")
    assert model.target(model.index(accepted, COL_THIS)) == Target("accepted", 7)
    assert model.target(model.index(accepted, COL_INDICATOR)) == Target("accepted", 7)
    assert model.target(model.index(accepted, COL_LAST_YEAR)) == Target(
        "accepted", 2, last_year=True
    )
    amount = model.row_of(AMOUNT)
    assert model.target(model.index(amount, COL_THIS)) == Target(AMOUNT, MAY_FIGURES.amount_fen)
    # the rate and the change have no cases of their own: the reason says what to open
    change = model.index(accepted, COL_CHANGE)
    assert model.target(change) is None and model.no_list_reason(change) == CHANGE_NO_LIST
    rate = model.index(model.row_of(RATE), COL_THIS)
    assert model.target(rate) is None and model.no_list_reason(rate) == RATE_NO_LIST
    assert "调解成功数" in RATE_NO_LIST and "调解案件数" in RATE_NO_LIST
    assert model.target(QModelIndex()) is None


@pytest.mark.parametrize("by", BREAKDOWNS)
def test_breakdown_models_pass_the_model_tester(qtmodeltester, may: Report, by: By) -> None:
    model = BreakdownTableModel(by)
    qtmodeltester.check(model)
    model.set_report(may)
    qtmodeltester.check(model)
    assert model.rowCount() == len(may.breakdowns[by])
    assert model.columnCount() == len(BREAKDOWN_INDICATORS) + 1


def test_breakdown_by_category_lists_every_category_then_the_total(may: Report) -> None:
    model = BreakdownTableModel("category")
    model.set_report(may)
    names = [model.headerData(r, Qt.Orientation.Vertical) for r in range(model.rowCount())]
    assert names == [*categories(), "合计"]
    assert [text(model, r, COL_NAME) for r in range(model.rowCount())] == names
    accepted = BREAKDOWN_COL["accepted"]
    assert text(model, model.row_of("邻里"), accepted) == "3"
    assert text(model, model.row_of("旅游"), accepted) == "0"
    total = model.rowCount() - 1
    assert model.record(total).is_total and model.total() == model.record(total)
    assert text(model, total, accepted) == "7"
    assert text(model, total, BREAKDOWN_COL[AMOUNT]) == "1,700.00"  # the heading says 元
    assert text(model, total, BREAKDOWN_COL[RATE]) == "66.7%"
    assert text(model, model.row_of("旅游"), BREAKDOWN_COL[RATE]) == "—"
    bold = model.headerData(total, Qt.Orientation.Vertical, Qt.ItemDataRole.FontRole)
    assert isinstance(bold, QFont) and bold.bold()
    assert model.index(total, accepted).data(Qt.ItemDataRole.FontRole).bold()
    assert model.headerData(0, Qt.Orientation.Vertical, Qt.ItemDataRole.FontRole) is None


def test_breakdown_headings_are_short_with_the_full_name_as_tooltip() -> None:
    model = BreakdownTableModel("village")
    assert model.headerData(COL_NAME, Qt.Orientation.Horizontal) == "村（社区）"
    column = BREAKDOWN_COL[AMOUNT]
    assert model.headerData(column, Qt.Orientation.Horizontal) == "协议金额\n（元）"
    tip = model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert tip == "协议涉及金额（元）"
    for name in BREAKDOWN_INDICATORS:
        lines = breakdown_header(name).split("\n")
        assert len(lines) <= 2 and max(len(line) for line in lines) <= 5, name
        if name != AMOUNT:
            assert "".join(lines) == LABELS[name]


def test_breakdown_by_mediator_shows_names_and_names_the_cells_cases(
    may: Report, world: Office
) -> None:
    model = BreakdownTableModel("mediator")
    model.set_report(may)
    assert [text(model, r, COL_NAME) for r in range(model.rowCount())] == [
        "王建华",
        "陈秀兰",
        "未指派调解员",
        "合计",
    ]
    chen = model.row_of("陈秀兰")
    accepted = BREAKDOWN_COL["accepted"]
    assert model.target(model.index(chen, accepted)) == Target(
        "accepted", 4, by="mediator", key=world.mediator["陈秀兰"], row_label="陈秀兰"
    )
    total = model.target(model.index(model.rowCount() - 1, accepted))
    assert total == Target("accepted", 7, by="mediator", key=None, row_label="")
    name = model.index(chen, COL_NAME)
    assert model.target(name) is None and model.no_list_reason(name) == NAME_NO_LIST
    rate = model.index(chen, BREAKDOWN_COL[RATE])
    assert model.target(rate) is None and model.no_list_reason(rate) == RATE_NO_LIST
    assert model.index(chen, accepted).data(SortRole) == 4
    assert model.index(chen, accepted).data(RowRole).key == world.mediator["陈秀兰"]


def test_an_empty_report_is_zeros_and_dashes() -> None:
    period = Period.month(2026, 2)
    empty = Report(period, Indicators(), Indicators(), {"category": []})
    model = IndicatorTableModel()
    model.set_report(empty)
    rate = model.row_of(RATE)
    assert (text(model, rate, COL_THIS), text(model, rate, COL_CHANGE)) == ("—", "—")
    assert text(model, model.row_of("accepted"), COL_CHANGE) == "0"
    breakdown = BreakdownTableModel("village")
    breakdown.set_report(empty)  # a report without that breakdown: no rows
    assert breakdown.rowCount() == 0 and breakdown.total() is None


def test_case_list_model(qtmodeltester, world: Office) -> None:
    ids = [world.ids[n] for n in ("B", "E", "A")]
    model = CaseListModel(world.db, ids)
    qtmodeltester.check(model)
    assert model.rowCount() == 3 and model.case_ids == ids
    assert model.index(1, COL_NUMBER).data() == "未受理"  # E was declined: no number
    assert model.index(1, COL_STATE).data() == "已归档"
    assert model.index(0, COL_PARTIES).data() == "申请人B、被申请人B"
    tip = model.index(2, COL_STATE).data(Qt.ItemDataRole.ToolTipRole)
    assert tip == "已归档：达成书面协议"
    assert model.index(2, COL_NUMBER).data(RowRole).id == world.ids["A"]
    assert model.headerData(0, Qt.Orientation.Horizontal) == "案件编号"
    empty = CaseListModel(world.db, [])
    qtmodeltester.check(empty)

"""The register page as a mediator uses it: filters, the search box, sorting, opening."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from PySide6.QtCore import QDate, QPoint, Qt
from PySide6.QtWidgets import QApplication, QComboBox
from pytestqt.qtbot import QtBot

from app.models import cases, office, search
from app.models.cases import CaseInput
from app.models.db import Database
from app.models.parties import PartyInput
from app.ui import register_model, register_view, ui_settings
from app.ui.item_views import RowRole
from app.ui.register_model import (
    COL_CLOSED,
    COL_NUMBER,
    COL_PARTIES,
    COL_REGISTERED,
    COL_SOURCE,
    COL_STATE,
    COLUMNS,
)
from app.ui.register_view import NO_DATE, SEARCH_DELAY_MS, RegisterPage
from tests.conftest import TODAY
from tests.helpers import director
from tests.ui.message_boxes import Boxes
from tests.ui.shell_helpers import on_screen, wait_count
from tests.ui.user import commit_text, double_click


@pytest.fixture(autouse=True)
def short_search_pause(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Typing and dates are applied after a pause (SEARCH_DELAY_MS, 250 ms): shortened for
    the tests that wait for the search anyway, kept for the test of the pause itself."""
    if request.function is not test_typing_pinyin_initials_searches_after_a_pause:
        monkeypatch.setattr(register_view, "SEARCH_DELAY_MS", 1)


@pytest.fixture
def page(qtbot: QtBot, demo_db: Database, boxes: Boxes) -> RegisterPage:
    page = on_screen(qtbot, RegisterPage(demo_db, today=lambda: TODAY), 1400, 800)
    assert page.refresh()
    return page


def sql_count(db: Database, where: str = "1", *params: object) -> int:
    return int(db.scalar(f"SELECT count(*) FROM cases WHERE {where}", params))


def shown(page: RegisterPage, col: int) -> list[str]:
    m = page.model
    return [m.index(r, col).data() for r in range(m.rowCount())]


def choose(combo: QComboBox, text: str) -> None:
    index = combo.findText(text)
    assert index >= 0, f"{text} is not in the list"
    combo.setCurrentIndex(index)


def test_opens_with_every_case_but_voided_newest_first(page: RegisterPage, demo_db) -> None:
    n = sql_count(demo_db, "state <> 'voided'")
    assert page.count_label.text() == f"共 {n} 件"
    assert page.model.rowCount() == n
    dates = shown(page, COL_REGISTERED)
    assert dates == sorted(dates, reverse=True)
    header = page.table.horizontalHeader()
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (
        COL_REGISTERED,
        Qt.SortOrder.DescendingOrder,
    )


@pytest.mark.parametrize(
    ("combo", "text", "where"),
    [
        ("state", "调解中", "state = 'mediating'"),
        ("state", "办理中", "state IN ('accepted','assigned','mediating')"),
        ("state", "已作废", "state = 'voided'"),
        ("category", "邻里", "category = '邻里' AND state <> 'voided'"),
        ("source", "当事人申请", "source = 'application' AND state <> 'voided'"),
        (
            "village",
            "桃园村",
            "village_id = (SELECT id FROM places WHERE name = '桃园村') AND state <> 'voided'",
        ),
        (
            "mediator",
            "陈秀兰",
            "state <> 'voided' AND id IN (SELECT a.case_id FROM assignments a JOIN mediators m"
            " ON m.id = a.mediator_id WHERE m.name = '陈秀兰' AND a.ended_on IS NULL)",
        ),
    ],
)
def test_each_filter_list_narrows_the_register(
    page: RegisterPage, demo_db: Database, combo: str, text: str, where: str
) -> None:
    expected = sql_count(demo_db, where)
    assert 0 < expected < sql_count(demo_db)
    choose(getattr(page, combo), text)
    assert page.count_label.text() == f"共 {expected} 件"  # at once: no typing to wait for
    if combo == "state" and text == "调解中":
        assert set(shown(page, COL_STATE)) == {"调解中"}
    if combo == "source":
        assert set(shown(page, COL_SOURCE)) == {"当事人申请"}


def test_registration_date_range(page: RegisterPage, demo_db: Database, qtbot: QtBot) -> None:
    start, end = TODAY - timedelta(days=60), TODAY - timedelta(days=20)
    expected = sql_count(
        demo_db,
        "state <> 'voided' AND registered_on BETWEEN ? AND ?",
        start.isoformat(),
        end.isoformat(),
    )
    assert expected > 0
    page.date_from.setDate(QDate(start.year, start.month, start.day))
    page.date_to.setDate(QDate(end.year, end.month, end.day))
    wait_count(qtbot, page.count_label, f"共 {expected} 件")
    assert all(start.isoformat() <= d <= end.isoformat() for d in shown(page, COL_REGISTERED))

    page.date_from.setDate(QDate(end.year, end.month, end.day).addDays(1))  # after the end
    wait_count(qtbot, page.count_label, "共 0 件：登记日期的起止颠倒了")


def test_dates_show_unlimited_by_default(page: RegisterPage) -> None:
    assert page.date_from.date() == NO_DATE and page.date_from.text() == "不限"
    assert page.current_filter().date_from is None


def test_clear_filters(page: RegisterPage, demo_db: Database, qtbot: QtBot) -> None:
    everything = page.count_label.text()
    choose(page.category, "邻里")
    choose(page.state, "已结案")
    page.search.setText("王")
    assert page.count_label.text() != everything
    qtbot.mouseClick(page.clear_button, Qt.MouseButton.LeftButton)
    assert page.count_label.text() == everything
    assert page.search.text() == "" and page.category.currentText() == "全部"


# ---------------------------------------------------------------------- search


def _mediating_case(db: Database) -> tuple[str, str, str]:
    r = db.one(
        "SELECT c.id, c.number, p.name FROM cases c JOIN case_parties cp ON cp.case_id = c.id "
        "JOIN parties p ON p.id = cp.party_id WHERE c.state = 'mediating' ORDER BY c.seq LIMIT 1"
    )
    assert r is not None
    return r["id"], r["number"], r["name"]


def found_ids(page: RegisterPage) -> list[str]:
    m = page.model
    return [m.index(r, 0).data(RowRole).id for r in range(m.rowCount())]


def test_typing_pinyin_initials_searches_after_a_pause(
    page: RegisterPage, demo_db: Database, qtbot: QtBot
) -> None:
    case_id, _number, name = _mediating_case(demo_db)
    _full, initials = search.name_pinyin(name)
    everything = page.count_label.text()
    qtbot.keyClicks(page.search, initials)
    assert page.count_label.text() == everything  # not on every key press
    assert page.search_pending and page._debounce.interval() == SEARCH_DELAY_MS
    qtbot.waitUntil(lambda: page.count_label.text() != everything, timeout=2000)
    assert case_id in found_ids(page)
    assert page.model.rowCount() < sql_count(demo_db, "state <> 'voided'")


def test_search_by_chinese_name(page: RegisterPage, demo_db: Database, qtbot: QtBot) -> None:
    case_id, _number, name = _mediating_case(demo_db)
    everything = page.count_label.text()
    commit_text(page.search, name)
    qtbot.waitUntil(lambda: page.count_label.text() != everything, timeout=2000)
    assert case_id in found_ids(page)
    assert all(name in parties for parties in shown(page, COL_PARTIES))


def test_search_by_case_number_with_enter(
    page: RegisterPage, demo_db: Database, qtbot: QtBot
) -> None:
    case_id, number, _name = _mediating_case(demo_db)
    page.search.setText(number)
    qtbot.keyClick(page.search, Qt.Key.Key_Return)  # Enter searches at once
    assert page.count_label.text() == "共 1 件"
    assert found_ids(page) == [case_id]
    assert shown(page, COL_NUMBER) == [number]


def test_search_finds_nothing(page: RegisterPage, qtbot: QtBot) -> None:
    commit_text(page.search, "查无此人")
    wait_count(qtbot, page.count_label, "共 0 件：没有符合条件的案件")


def test_escape_clears_and_down_enters_the_results(page: RegisterPage, qtbot: QtBot) -> None:
    everything = page.count_label.text()
    page.focus_search()
    qtbot.keyClicks(page.search, "zzzzq")
    qtbot.keyClick(page.search, Qt.Key.Key_Escape)
    assert page.search.text() == ""
    wait_count(qtbot, page.count_label, everything)
    page.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is page)
    page.focus_search()
    qtbot.keyClick(page.search, Qt.Key.Key_Down)
    assert QApplication.focusWidget() is page.table
    assert page.table.selectionModel().isRowSelected(0)


# ---------------------------------------------------------------------- sorting


def click_header(qtbot: QtBot, page: RegisterPage, col: int) -> None:
    header = page.table.horizontalHeader()
    x = header.sectionViewportPosition(col) + header.sectionSize(col) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))


def test_clicking_headers_sorts(page: RegisterPage, qtbot: QtBot) -> None:
    click_header(qtbot, page, COL_NUMBER)
    assert page.model.sort_state() == (COL_NUMBER, Qt.SortOrder.AscendingOrder)
    numbers = [n for n in shown(page, COL_NUMBER) if n != register_model.NO_NUMBER]
    assert numbers[0] == "（2026）青山调字第1号"
    assert numbers.index("（2026）青山调字第2号") < numbers.index("（2026）青山调字第10号")
    click_header(qtbot, page, COL_NUMBER)
    assert page.model.sort_state() == (COL_NUMBER, Qt.SortOrder.DescendingOrder)
    assert shown(page, COL_NUMBER)[0] != "（2026）青山调字第1号"

    click_header(qtbot, page, COL_REGISTERED)
    dates = shown(page, COL_REGISTERED)
    assert dates == sorted(dates) and dates[0] < dates[-1]


def test_clicking_an_unsortable_header_changes_nothing(
    page: RegisterPage, qtbot: QtBot, monkeypatch, column_setting: None
) -> None:
    monkeypatch.delitem(register_model.SORT_KEYS, COL_SOURCE, raising=False)
    page.columns.set_shown(COL_SOURCE, True)
    before = found_ids(page)
    click_header(qtbot, page, COL_SOURCE)
    header = page.table.horizontalHeader()
    assert header.sortIndicatorSection() == COL_REGISTERED  # the arrow tells the real order
    assert found_ids(page) == before


# ---------------------------------------------------------------------- columns


@pytest.fixture
def column_setting() -> Iterator[None]:
    """Tests that show or hide columns leave the saved choice as it was."""
    yield
    store = ui_settings.settings()
    store.remove("register/hidden_columns")
    store.sync()


def test_columns_can_be_hidden_and_the_choice_is_kept(
    page: RegisterPage, demo_db: Database, qtbot: QtBot, column_setting: None
) -> None:
    header = page.table.horizontalHeader()
    assert header.isSectionHidden(COL_SOURCE)  # too many columns for large type
    assert not any(header.isSectionHidden(c) for c in COLUMNS if c != COL_SOURCE)
    menu = page.columns.menu()
    actions = {a.text(): a for a in menu.actions()}
    assert list(actions) == list(COLUMNS.values())
    assert not actions["案件编号"].isEnabled() and not actions["当事人"].isEnabled()
    assert not actions["案件来源"].isChecked()
    actions["结案日期"].trigger()
    actions["案件来源"].trigger()
    assert header.isSectionHidden(COL_CLOSED) and not header.isSectionHidden(COL_SOURCE)
    assert header.sectionSize(COL_SOURCE) > 0

    again = RegisterPage(demo_db, today=lambda: TODAY)
    qtbot.addWidget(again)
    hidden = [c for c in COLUMNS if again.table.horizontalHeader().isSectionHidden(c)]
    assert hidden == [COL_CLOSED]


def test_a_broken_column_setting_is_ignored(
    qtbot: QtBot, demo_db: Database, column_setting: None
) -> None:
    store = ui_settings.settings()
    store.setValue("register/hidden_columns", "x,1")
    store.sync()
    again = RegisterPage(demo_db, today=lambda: TODAY)
    qtbot.addWidget(again)
    assert again.columns.hidden() == {COL_SOURCE}


# ---------------------------------------------------------------------- selection, opening


def test_enter_and_double_click_ask_to_open_the_case(page: RegisterPage, qtbot: QtBot) -> None:
    index = page.model.index(3, COL_PARTIES)
    expected = index.data(RowRole).id
    with qtbot.waitSignal(page.open_case) as opened:
        double_click(qtbot, page.table, index)
    assert opened.args == [expected]
    assert page.selected_case_id() == expected
    with qtbot.waitSignal(page.open_case) as opened:
        qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert opened.args == [expected]


def test_refresh_keeps_the_selected_case(page: RegisterPage, demo_db: Database) -> None:
    page.table.selectRow(5)
    chosen = page.selected_case_id()
    assert chosen is not None
    user = director(demo_db)
    cases.register_case(  # a new case comes first (newest first) and pushes the others down
        demo_db,
        CaseInput(
            committee_id=office.main_committee(demo_db).id,
            category="邻里",
            source="application",
            registered_on=TODAY,
            parties=[
                PartyInput(role="applicant", kind="person", name="甲某"),
                PartyInput(role="respondent", kind="person", name="乙某"),
            ],
            facts="新登记的纠纷。",
        ),
        by=user,
        today=TODAY,
    )
    assert page.refresh()
    assert page.selected_case_id() == chosen
    assert page.table.currentIndex().row() == 6
    assert shown(page, COL_PARTIES)[0] == "甲某、乙某"

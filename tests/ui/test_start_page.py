"""今日工作: the five lists of the start page, and opening a case from them."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.models import office, register
from app.models.db import Database
from app.models.register import WorkItem
from app.ui import messages
from app.ui.application import apply_font_size
from app.ui.cases.case_window import CaseWindow
from app.ui.item_views import RowRole, SortRole
from app.ui.look import ERROR
from app.ui.main_window import MainWindow
from app.ui.start_page import SECTIONS, StartPage, WorklistModel
from tests.conftest import TODAY
from tests.helpers import director
from tests.models.helpers import register as register_dispute
from tests.ui.message_boxes import Boxes
from tests.ui.shell_helpers import UUID_RE, locked, on_screen
from tests.ui.user import double_click


@pytest.fixture
def page(qtbot: QtBot, demo_db: Database, boxes: Boxes) -> StartPage:
    page = on_screen(qtbot, StartPage(demo_db, today=lambda: TODAY), 1200, 800)
    assert page.refresh()
    return page


@pytest.fixture
def window(qtbot: QtBot, demo_db: Database, boxes: Boxes) -> MainWindow:
    window = MainWindow(demo_db, today=lambda: TODAY)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def texts(page: StartPage, key: str) -> list[str]:
    model = page.sections[key].model
    return [model.index(r, 0).data() for r in range(model.rowCount())]


def test_worklist_model_passes_qt_model_tester(demo_db: Database, qtmodeltester) -> None:
    work = register.worklist(demo_db, today=TODAY)
    model = WorklistModel()
    model.set_items(work.overdue + work.due_soon)
    assert model.rowCount() == len(work.overdue) + len(work.due_soon) > 0
    qtmodeltester.check(model)
    model.set_items([])
    qtmodeltester.check(model)


def test_five_lists_match_todays_work(page: StartPage, demo_db: Database) -> None:
    work = register.worklist(demo_db, today=TODAY)
    assert [key for key, *_ in SECTIONS] == [
        "awaiting_acceptance",
        "overdue",
        "due_soon",
        "awaiting_follow_up",
        "confirmation_closing",
    ]
    for key, title, _colour, _empty in SECTIONS:
        items: list[WorkItem] = getattr(work, key)
        section = page.sections[key]
        assert items, f"the demo has {title}"
        late = sum(item.late for item in items)
        words = "已超过 3 天" if key == "awaiting_acceptance" else "逾期"
        count = f"{len(items)} 件，其中 {late} 件{words}" if late else f"{len(items)} 件"
        assert section.heading.text() == f"{title}（{count}）"
        assert section.stack.currentWidget() is section.view
        shown = texts(page, key)
        assert len(shown) == len(items)
        for text, item in zip(shown, items, strict=True):
            assert (item.number or ("逾期未受理" if item.late else "未受理")) in text
            assert item.parties in text and item.category in text
            assert item.when.isoformat() in text and item.note in text
            assert not UUID_RE.search(text)
    assert page.date_label.text() == "今日工作　2026年11月20日　星期五"


def test_items_carry_the_record_and_date(page: StartPage, demo_db: Database) -> None:
    first = page.sections["overdue"].model.index(0, 0)
    item = first.data(RowRole)
    assert isinstance(item, WorkItem)
    assert first.data(SortRole) == item.when < TODAY
    assert "已超期" in first.data()


def test_overdue_cases_show_their_due_date_and_days_late(page: StartPage) -> None:
    shown = texts(page, "overdue")
    items = page.sections["overdue"].model.items()
    assert shown and len(shown) == len(items)
    for text, item in zip(shown, items, strict=True):
        late = (TODAY - item.when).days
        assert late >= 1
        assert text.endswith(f"{item.category}　{item.when.isoformat()}　已超期 {late} 天")


def test_empty_lists_say_so(qtbot: QtBot, office_db: Database, boxes: Boxes) -> None:
    page = StartPage(office_db, today=lambda: TODAY)
    qtbot.addWidget(page)
    assert page.refresh()
    section = page.sections["overdue"]
    assert section.heading.text() == "已超期（0 件）"
    assert section.stack.currentWidget() is section.empty
    assert section.empty.text() == "没有超期的案件。"


def test_unnumbered_case_shows_not_accepted() -> None:
    model = WorklistModel()
    model.set_items([WorkItem("x", None, "张三、李四", "邻里", date(2026, 11, 1), "已超期")])
    assert model.index(0, 0).data().startswith("未受理　张三、李四")


def test_a_locked_file_shows_the_storage_message(
    page: StartPage, demo_db: Database, boxes: Boxes
) -> None:
    before = texts(page, "overdue")
    with locked(demo_db):
        assert not page.refresh()
    assert [(k, t) for k, t, _ in boxes.calls] == [("warning", messages.STORAGE_ERROR_TITLE)]
    assert "锁定" in boxes.calls[0][2]
    assert texts(page, "overdue") == before  # what was shown stays


def _case_windows() -> list[CaseWindow]:
    """The case windows on screen (a window an earlier test closed may not be freed yet)."""
    return [
        w for w in QApplication.topLevelWidgets() if isinstance(w, CaseWindow) and w.isVisible()
    ]


def double_click_row(
    qtbot: QtBot, window: MainWindow, section: str, row: int
) -> tuple[WorkItem, CaseWindow]:
    """Double-click ``row`` of a 今日工作 list: its item, and the case window it opened."""
    view = window.start_page.sections[section].view
    index = view.model().index(row, 0)
    item: WorkItem = index.data(RowRole)
    double_click(qtbot, view, index)
    qtbot.waitUntil(lambda: item.case_id in window.case_windows)
    case_window = window.case_windows[item.case_id]
    qtbot.waitExposed(case_window)
    return item, case_window


def test_double_click_opens_the_case(qtbot: QtBot, window: MainWindow) -> None:
    assert window.pages.currentWidget() is window.start_page
    item, case_window = double_click_row(qtbot, window, "due_soon", 1)
    assert case_window.case_id == item.case_id
    assert item.number is not None
    assert case_window.case.number == item.number
    assert _case_windows() == [case_window]


# The offscreen test platform cannot stack windows; on a desktop the window comes to the front.
def test_enter_opens_the_case_once(qtbot: QtBot, window: MainWindow) -> None:
    view = window.start_page.sections["awaiting_follow_up"].view
    view.setFocus()
    item: WorkItem = view.currentIndex().data(RowRole)  # the first item is current
    qtbot.keyClick(view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: item.case_id in window.case_windows)
    first = window.case_windows[item.case_id]
    qtbot.keyClick(view, Qt.Key.Key_Return)  # again: the same window comes to the front
    assert window.case_windows[item.case_id] is first
    assert _case_windows() == [first]


def test_waiting_disputes_oldest_first_the_late_ones_in_red(
    page: StartPage, demo_db: Database
) -> None:
    register_dispute(demo_db, applicant="钱二", registered_on=TODAY)
    assert page.refresh()
    section = page.sections["awaiting_acceptance"]
    model = section.model
    rows = [model.index(r, 0) for r in range(model.rowCount())]
    items: list[WorkItem] = [i.data(RowRole) for i in rows]
    # The demo's three registered disputes waited 20, 14 and 5 days; one came in today.
    assert [(TODAY - item.when).days for item in items] == [20, 14, 5, 0]
    assert section.heading.text() == "待受理（4 件，其中 3 件已超过 3 天）"
    first, last = rows[0], rows[-1]
    assert first.data().startswith("逾期未受理　")
    assert first.data().endswith("已等待20天")
    assert first.data(Qt.ItemDataRole.ForegroundRole) == QColor(ERROR)
    assert "登记后已等待20天还没有受理" in first.data(Qt.ItemDataRole.ToolTipRole)
    assert last.data().startswith("未受理　钱二、李四")
    assert "今天登记" in last.data()
    assert last.data(Qt.ItemDataRole.ForegroundRole) is None
    # The first step of every case has the whole left column.
    overdue = page.sections["overdue"].geometry()
    assert section.geometry().right() < overdue.left()
    assert section.geometry().height() > 1.5 * overdue.height()


def test_the_office_setting_decides_which_waiting_disputes_are_late(
    page: StartPage, demo_db: Database
) -> None:
    office.set_accept_late_days(
        demo_db, 10, loaded=office.accept_late_days(demo_db), by=director(demo_db)
    )
    assert page.refresh()
    heading = page.sections["awaiting_acceptance"].heading
    assert heading.text() == "待受理（3 件，其中 2 件已超过 10 天）"
    five_days = page.sections["awaiting_acceptance"].model.index(2, 0)
    assert five_days.data().startswith("未受理　")  # not late at 10 days
    assert five_days.data(Qt.ItemDataRole.ForegroundRole) is None


def test_a_waiting_dispute_opens_its_case(qtbot: QtBot, window: MainWindow) -> None:
    _, case_window = double_click_row(qtbot, window, "awaiting_acceptance", 0)
    assert case_window.number_label.text() == "未受理"
    assert case_window.visible_actions()[0] == "accept"


@pytest.mark.usefixtures("restore_font")
@pytest.mark.parametrize("size", ["normal", "large"])
def test_five_lists_fit_a_small_screen(qapp: QApplication, page: StartPage, size: str) -> None:
    # Three columns: headings and "nothing here" sentences wrap instead of widening the page.
    apply_font_size(qapp, size)
    assert page.minimumSizeHint().width() <= 760
    for section in page.sections.values():
        assert section.minimumSizeHint().width() < 250, section.title

"""Where printing starts: the case window's 打印 button (Ctrl+P) and the register's
context menu."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot

from app.models.db import Database
from app.printing import registry
from app.ui.cases.case_window import CaseWindow
from app.ui.printing.menu import menu_documents
from app.ui.printing.preview import PreviewWindow
from app.ui.register_view import RegisterPage
from tests.conftest import TODAY
from tests.ui.printing.helpers import AGREEMENT_CASE, MEDIATING_CASE, case, case_id


def entries(menu: QMenu) -> list[str]:
    return [a.text() for a in menu.actions() if not a.isSeparator()]


def action_named(menu: QMenu, text: str) -> QAction:
    found = [a for a in menu.actions() if a.text() == text]
    assert found, f"{text!r} not in {entries(menu)}"
    return found[0]


@pytest.fixture
def case_window(qtbot: QtBot, print_db: Database) -> Iterator[CaseWindow]:
    window = CaseWindow(print_db, case_id(print_db, AGREEMENT_CASE))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    yield window
    for preview in window.findChildren(PreviewWindow):
        preview.close()


def test_print_button_opens_the_menu_of_the_case_documents(
    qtbot: QtBot, case_window: CaseWindow, print_db: Database
) -> None:
    assert case_window.print_button.text() == "打印(&D)…"
    qtbot.mouseClick(case_window.print_button, Qt.MouseButton.LeftButton)
    menu = case_window.print_menu
    assert menu is not None
    qtbot.waitUntil(menu.isVisible)
    offered = [d.title for d in menu_documents(case(print_db, AGREEMENT_CASE))]
    assert offered[0] == "人民调解协议书"  # the paper a closed case is printed for
    assert sorted(offered) == sorted(d.title for d in registry.for_case(case_window.case))
    assert entries(menu)[: len(offered)] == offered
    assert "打印卷宗…" in entries(menu)
    menu.hide()


def test_ctrl_p_opens_the_same_menu_and_the_agreement_previews_with_copies(
    qtbot: QtBot, case_window: CaseWindow
) -> None:
    qtbot.keyClick(case_window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    menu = case_window.print_menu
    assert menu is not None
    qtbot.waitUntil(menu.isVisible)
    action_named(menu, "人民调解协议书").trigger()
    menu.hide()
    previews = case_window.findChildren(PreviewWindow)
    assert len(previews) == 1
    preview = previews[0]
    assert "人民调解协议书" in preview.windowTitle()
    assert preview.copies == 3  # two parties and the committee


@pytest.fixture
def register_page(qtbot: QtBot, print_db: Database) -> Iterator[RegisterPage]:
    page = RegisterPage(print_db, today=lambda: TODAY)
    qtbot.addWidget(page)
    page.resize(1000, 600)
    page.show()
    qtbot.waitExposed(page)
    page.refresh()
    yield page
    for preview in page.findChildren(PreviewWindow):
        preview.close()


def test_register_context_menu_opens_or_prints_the_case(
    qtbot: QtBot, register_page: RegisterPage, print_db: Database
) -> None:
    wanted = case_id(print_db, MEDIATING_CASE)
    assert register_page.select_case(wanted)
    menu = register_page.case_menu(wanted)
    assert entries(menu)[0] == "打开案件(&O)"
    printing = action_named(menu, "打印(&P)").menu()
    assert isinstance(printing, QMenu)
    offered = [d.title for d in registry.for_case(case(print_db, MEDIATING_CASE))]
    assert entries(printing)[: len(offered)] == offered
    with qtbot.waitSignal(register_page.open_case) as opened:
        action_named(menu, "打开案件(&O)").trigger()
    assert opened.args == [wanted]
    action_named(printing, offered[0]).trigger()
    previews = register_page.findChildren(PreviewWindow)
    assert [p.isVisible() for p in previews] == [True]
    assert offered[0] in previews[0].windowTitle()


def test_right_click_selects_the_row_under_the_mouse_first(
    qtbot: QtBot, register_page: RegisterPage
) -> None:
    table = register_page.table
    table.selectRow(0)
    rect = table.visualRect(register_page.model.index(2, 1))
    table.customContextMenuRequested.emit(rect.center())  # what a right click sends
    menu = register_page._case_menu
    assert menu is not None
    qtbot.waitUntil(menu.isVisible)
    menu.hide()
    assert table.currentIndex().row() == 2
    record_id = register_page.selected_case_id()
    assert record_id is not None


def test_no_menu_on_empty_space(qtbot: QtBot, register_page: RegisterPage) -> None:
    register_page.table.clearSelection()
    register_page.table.setCurrentIndex(register_page.model.index(-1, -1))
    register_page.table.customContextMenuRequested.emit(QPoint(5, 2000))
    assert register_page._case_menu is None or not register_page._case_menu.isVisible()

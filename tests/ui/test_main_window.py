"""The main window: pages, menus and shortcuts, case windows, 字号, storage errors."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

import app
from app.models import cases
from app.models.db import Database
from app.models.registries.places import VILLAGES
from app.ui import messages, ui_settings
from app.ui.cases.case_window import CaseWindow
from app.ui.cases.register_dialog import RegisterDialog
from app.ui.cases.service_dialog import DISCARD_TITLE
from app.ui.item_views import RowRole
from app.ui.ledger.export import ExportDialog
from app.ui.ledger.import_wizard import ImportWizard, Step
from app.ui.main_window import MainWindow
from app.ui.register_model import COL_NUMBER, COL_PARTIES, COL_STATE, COLUMNS
from app.ui.registries.window import RegistriesWindow
from app.ui.signals import emit
from app.ui.stats.window import StatsWindow
from tests.conftest import TODAY
from tests.helpers import director, file_of
from tests.models import ledger_sheets as sheets
from tests.ui.events import run_queued
from tests.ui.ledger.test_import_wizard import do_import, walk_to
from tests.ui.message_boxes import Boxes, wait_for_box
from tests.ui.message_boxes import click as answer
from tests.ui.shell_helpers import locked, record_at, submenu
from tests.ui.user import activate, commit_text, double_click


@pytest.fixture
def window(qtbot: QtBot, demo_db: Database, boxes: Boxes) -> Iterator[MainWindow]:
    window = MainWindow(demo_db, today=lambda: TODAY)
    qtbot.addWidget(window)
    window.show()
    activate(qtbot, window)
    yield window


def press(qtbot: QtBot, window: MainWindow, key: Qt.Key, mods=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(QApplication.focusWidget() or window, key, mods)


CTRL = Qt.KeyboardModifier.ControlModifier


def case_windows() -> list[CaseWindow]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, CaseWindow)]


def test_title_status_bar_and_start_page(window: MainWindow, demo_db: Database) -> None:
    assert window.windowTitle() == "青山镇人民调解委员会"
    assert window.office_label.text() == "青山镇人民调解委员会"
    status_texts = [label.text() for label in window.statusBar().findChildren(QLabel)]
    assert "青山镇人民调解委员会" in status_texts
    assert not [text for text in status_texts if str(file_of(demo_db).parent) in text]
    assert window.pages.currentWidget() is window.start_page
    assert window.start_action.isChecked()
    assert window.start_page.sections["overdue"].model.rowCount() > 0
    assert not window.register_page.loaded  # the register is read when first shown


def test_the_window_fits_the_screen(window: MainWindow) -> None:
    screen = window.screen().availableGeometry()  # offscreen: 800×800, smaller than asked
    assert window.width() <= screen.width() and window.height() <= screen.height()


def test_menus_name_every_action_with_its_shortcut(window: MainWindow) -> None:
    # the actions stay referenced: on PySide6 6.9 a menu got from a dropped action's
    # wrapper is reported as deleted
    actions = window.menuBar().actions()
    menus = {a.text(): submenu(a) for a in actions}
    assert list(menus) == [
        "文件(&F)",
        "视图(&V)",
        "村居与宣传(&Q)",
        "统计与台账(&J)",
        "同步(&Y)",
        "设置(&S)",
        "帮助(&H)",
    ]
    found = {
        action.text(): action.shortcut().toString()
        for menu in menus.values()
        for action in menu.actions()
        if not action.isSeparator()
    }
    assert found["新建登记(&N)"] == "Ctrl+N"
    assert found["退出(&X)"] == "Ctrl+Q"
    assert found["今日工作(&T)"] == "F2"
    assert found["案件台账(&R)"] == "F3"
    assert found["刷新(&E)"] == "F5"
    assert found["查找案件(&F)"] == "Ctrl+F"
    assert [a.text() for a in window.font_menu.actions()] == ["标准", "大", "特大"]
    assert "单位信息与打印设置(&O)…" in found
    assert "协议条款模板(&M)…" in found
    assert found["村居档案(&G)"] == "F4"
    assert "打印七个一(&K)…" in found
    assert "宣传内容(&C)…" in found
    assert "导出台账(&E)…" in found
    assert "从 Excel 台账导入(&I)…" in found
    assert found["统计分析(&S)"] == "F6"
    assert {"准备外出笔记本(&P)…", "同步(&Y)…", "本机名称(&N)…"} <= set(found)


def test_export_offers_the_registers_current_filter(window: MainWindow, qtbot: QtBot) -> None:
    window.show_register()
    window.register_page.search.setText("王")
    dialog = window.export_ledger()
    assert isinstance(dialog, ExportDialog)
    qtbot.waitExposed(dialog)
    assert dialog.windowTitle() == "导出台账"
    assert dialog.isModal()
    assert dialog.filtered.isEnabled()  # 当前台账的筛选结果 is a choice
    dialog.reject()


def test_a_search_typed_just_before_closing_is_dropped(
    window: MainWindow, demo_db: Database
) -> None:
    """The register's search waits for the typing to stop; a window closed in that moment,
    and its file closed after it, must not read the closed file when the wait ends."""
    window.show_register()
    window.register_page.search.setText("王")
    assert window.register_page.search_pending
    assert window.close()
    assert not window.register_page.search_pending
    demo_db.close()
    assert window.register_page.apply_filter() is False  # (a timer that fired anyway)


def test_an_import_from_the_menu_shows_the_new_cases_at_once(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, demo_db: Database
) -> None:
    window.show_register()
    before = window.register_page.model.rowCount()
    wizard = window.import_ledger()
    assert isinstance(wizard, ImportWizard)
    qtbot.waitExposed(wizard)
    walk_to(qtbot, wizard, sheets.messy_xlsx(tmp_path / "台账.xlsx"), Step.PREVIEW)
    imported = wizard.import_button.text()
    do_import(qtbot, wizard)
    assert "导入" in imported and wizard.outcome is not None
    added = wizard.outcome.imported
    assert added > 0
    # No F5 needed: the register already counts the imported cases.
    assert window.register_page.model.rowCount() == before + added
    wizard.accept()


def test_settings_menu_opens_the_office_details(window: MainWindow, qtbot: QtBot) -> None:
    dialog = window.edit_office_details()
    qtbot.waitExposed(dialog)
    assert dialog.windowTitle() == "单位信息与打印设置"
    assert dialog.isModal()  # open(): the main window waits, nothing blocks the event loop
    dialog.reject()


def test_settings_menu_opens_the_clause_templates(window: MainWindow, qtbot: QtBot) -> None:
    dialog = window.edit_clause_templates()
    qtbot.waitExposed(dialog)
    assert dialog.windowTitle() == "协议条款模板"
    dialog.reject()


def test_outreach_menu_opens_the_content_library(window: MainWindow, qtbot: QtBot) -> None:
    dialog = window.edit_outreach_content()
    qtbot.waitExposed(dialog)
    assert dialog.isModal()
    dialog.reject()


def test_f4_opens_one_registries_window(window: MainWindow, qtbot: QtBot) -> None:
    press(qtbot, window, Qt.Key.Key_F4)
    first = window.registries_window
    assert first is not None and first.isVisible()
    assert first.windowTitle() == "村居档案"
    assert window.open_registries() is first  # brought forward, not opened twice
    first.close()


def test_a_village_added_in_the_registries_is_in_the_register_filter(
    window: MainWindow, qtbot: QtBot, demo_db: Database
) -> None:
    window.show_register()
    registries = window.open_registries()
    assert isinstance(registries, RegistriesWindow)
    page = registries.pages["villages"]
    VILLAGES.add(demo_db, by=director(demo_db), name="新建村")
    emit(page.changed)  # what the page says after saving its form
    combo = window.register_page.village
    assert "新建村" in [combo.itemText(i) for i in range(combo.count())]
    registries.close()


def test_f6_opens_one_statistics_window_whose_cases_open(
    window: MainWindow, qtbot: QtBot, demo_db: Database
) -> None:
    press(qtbot, window, Qt.Key.Key_F6)
    stats = window.stats_window
    assert isinstance(stats, StatsWindow) and stats.isVisible()
    assert stats.windowTitle() == "统计分析"
    assert window.open_stats() is stats  # brought forward, not opened twice
    case_id = str(demo_db.scalar("SELECT id FROM cases WHERE number IS NOT NULL LIMIT 1"))
    emit(stats.open_case, case_id)  # as the drill-down list does on Enter
    qtbot.waitUntil(lambda: case_id in window.case_windows)
    window.case_windows[case_id].close()
    stats.close()
    qtbot.waitUntil(lambda: window.stats_window is None)


def test_keyboard_switches_pages(window: MainWindow, qtbot: QtBot) -> None:
    press(qtbot, window, Qt.Key.Key_F3)
    assert window.pages.currentWidget() is window.register_page
    assert window.register_page.loaded and window.register_action.isChecked()
    press(qtbot, window, Qt.Key.Key_F2)
    assert window.pages.currentWidget() is window.start_page
    press(qtbot, window, Qt.Key.Key_2, CTRL)
    assert window.pages.currentWidget() is window.register_page
    press(qtbot, window, Qt.Key.Key_1, CTRL)
    assert window.pages.currentWidget() is window.start_page


def test_ctrl_f_puts_the_cursor_in_the_search_box(window: MainWindow, qtbot: QtBot) -> None:
    press(qtbot, window, Qt.Key.Key_F, CTRL)
    assert window.pages.currentWidget() is window.register_page
    assert QApplication.focusWidget() is window.register_page.search
    qtbot.keyClicks(window.register_page.search, "wjg")
    assert window.register_page.search.text() == "wjg"


def test_register_rows_open_their_case_window(window: MainWindow, qtbot: QtBot) -> None:
    window.show_register()
    table = window.register_page.table
    index = table.model().index(2, COL_PARTIES)
    record = index.data(RowRole)
    double_click(qtbot, table, index)
    qtbot.waitUntil(lambda: record.id in window.case_windows)
    case_window = window.case_windows[record.id]
    assert case_window.case_id == record.id and case_window.isVisible()
    assert case_windows() == [case_window]


def test_closing_the_main_window_closes_case_windows(window: MainWindow, qtbot: QtBot) -> None:
    window.show_register()
    first = window.open_case(record_at(window.register_page.model, 0).id)
    second = window.open_case(record_at(window.register_page.model, 1).id)
    assert first is not None and second is not None and first is not second
    assert len(case_windows()) == 2
    press(qtbot, window, Qt.Key.Key_Q, CTRL)
    qtbot.waitUntil(lambda: not window.isVisible() and window.case_windows == {})


def _edit_facts(window: MainWindow, case_id: str) -> CaseWindow:
    case_window = window.open_case(case_id)
    assert case_window is not None
    commit_text(case_window.details.risk, "一方扬言报复。")
    return case_window


@pytest.mark.usefixtures("real_boxes")
def test_quitting_with_unsaved_facts_asks_and_yes_quits(
    window: MainWindow, demo_db: Database, qtbot: QtBot
) -> None:
    case_id = str(demo_db.scalar("SELECT id FROM cases WHERE state = 'mediating' LIMIT 1"))
    unsaved = "案情修改未保存"
    case_window = _edit_facts(window, case_id)
    activate(qtbot, window)
    press(qtbot, window, Qt.Key.Key_Q, CTRL)
    answer(qtbot, wait_for_box(qtbot, unsaved), "返回")  # "no" keeps the whole program open
    assert window.isVisible() and case_window.isVisible()
    assert case_window.details.risk.toPlainText() == "一方扬言报复。"
    # ... and quitting is off: closing that case window later leaves the program open.
    case_window.close()
    answer(qtbot, wait_for_box(qtbot, unsaved), "不保存，关闭")
    qtbot.waitUntil(lambda: window.case_windows == {})
    run_queued(qtbot)  # a retried quit would be queued by now
    assert window.isVisible()

    _edit_facts(window, case_id)
    window.close()
    answer(qtbot, wait_for_box(qtbot, unsaved), "不保存，关闭")
    # "Yes" closes the case window, and then the program goes on closing by itself.
    qtbot.waitUntil(lambda: not window.isVisible() and window.case_windows == {})


@pytest.mark.usefixtures("real_boxes")
def test_quitting_with_an_unsaved_monthly_report_asks(
    window: MainWindow, demo_db: Database, qtbot: QtBot
) -> None:
    stats = window.open_stats()
    assert isinstance(stats, StatsWindow)
    report = stats.open_monthly_report()
    qtbot.waitExposed(report)
    editor = report.editors["situation"]
    commit_text(editor, "本月排查纠纷情况")
    window.close()
    answer(qtbot, wait_for_box(qtbot, "放弃修改？"), "继续修改")  # keeps everything open
    run_queued(qtbot)
    assert window.isVisible() and stats.isVisible() and report.isVisible()
    assert editor.toPlainText() == "本月排查纠纷情况"

    window.close()
    answer(qtbot, wait_for_box(qtbot, "放弃修改？"), "放弃修改")
    # "放弃修改" closes the report and the statistics, then the program goes on closing.
    qtbot.waitUntil(lambda: not window.isVisible() and window.stats_window is None)


@pytest.mark.usefixtures("real_boxes")
def test_quitting_with_a_filled_in_registration_asks(
    window: MainWindow, demo_db: Database, qtbot: QtBot
) -> None:
    before = demo_db.scalar("SELECT count(*) FROM cases")
    window.new_case()
    dialog = window.register_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    commit_text(dialog.side_a.forms[0].name, "欧阳明")
    window.close()
    answer(qtbot, wait_for_box(qtbot, DISCARD_TITLE), "继续填写")
    assert window.isVisible() and dialog.isVisible()
    assert dialog.side_a.forms[0].name.text() == "欧阳明"

    window.close()
    answer(qtbot, wait_for_box(qtbot, DISCARD_TITLE), "不保存，关闭")
    qtbot.waitUntil(lambda: not window.isVisible() and window.register_dialog is None)
    assert demo_db.scalar("SELECT count(*) FROM cases") == before


def test_a_changed_case_refreshes_the_register_keeping_the_selection(
    window: MainWindow, demo_db: Database, qtbot: QtBot
) -> None:
    window.show_register()
    page = window.register_page
    row = next(r for r in range(page.model.rowCount()) if record_at(page.model, r).number is None)
    page.table.selectRow(row)
    case_id = page.selected_case_id()
    assert case_id is not None
    assert page.model.index(row, COL_STATE).data() == "已登记"
    case_window = window.open_case(case_id)
    assert case_window is not None
    # The case window accepts the case through the service and says so.
    user = director(demo_db)
    cases.accept_case(demo_db, case_id, by=user, accepted_on=TODAY, today=TODAY)
    case_window.changed.emit(case_id)
    new_row = page.table.currentIndex().row()
    assert page.selected_case_id() == case_id
    assert page.model.index(new_row, COL_STATE).data() == "已受理"
    assert page.model.index(new_row, COL_NUMBER).data().startswith("（2026）青山调字第")
    assert not window.start_page.loaded  # the start page reads again when shown
    window.show_start()
    assert window.start_page.loaded


def _fill_registration(qtbot: QtBot, dialog: RegisterDialog) -> None:
    a, b = dialog.side_a.forms[0], dialog.side_b.forms[0]
    commit_text(a.name, "欧阳明")
    commit_text(b.name, "司马青")
    dialog.category.setCurrentIndex(dialog.category.findText("邻里"))
    dialog.village.setCurrentIndex(dialog.village.findText("桃园村"))
    commit_text(dialog.facts, "两家因院墙排水发生争执。")


def test_ctrl_n_registers_a_case_that_appears_in_the_register(
    window: MainWindow, demo_db: Database, qtbot: QtBot
) -> None:
    window.show_register()
    before = window.register_page.model.rowCount()
    press(qtbot, window, Qt.Key.Key_N, CTRL)
    dialog = window.register_dialog
    assert isinstance(dialog, RegisterDialog)
    qtbot.waitExposed(dialog)
    press(qtbot, window, Qt.Key.Key_N, CTRL)  # a second Ctrl+N does not open a second form
    assert window.register_dialog is dialog
    _fill_registration(qtbot, dialog)
    with qtbot.waitSignal(dialog.registered) as signal:
        dialog.save()
    case_id = signal.args[0]
    page = window.register_page
    assert page.model.rowCount() == before + 1
    assert page.count_label.text() == f"共 {before + 1} 件"
    assert page.selected_case_id() == case_id
    row = page.table.currentIndex().row()
    assert page.model.index(row, COL_PARTIES).data() == "欧阳明、司马青"
    assert page.model.index(row, COL_NUMBER).data() == "未受理"
    assert page.model.index(row, COL_STATE).data() == "已登记"
    qtbot.waitUntil(lambda: window.register_dialog is None)


def test_a_new_case_hidden_by_the_filters_clears_them(
    window: MainWindow, demo_db: Database, qtbot: QtBot
) -> None:
    window.show_register()
    page = window.register_page
    page.category.setCurrentIndex(page.category.findText("合同"))
    window.new_case()
    dialog = window.register_dialog
    assert dialog is not None
    _fill_registration(qtbot, dialog)  # 邻里, not 合同
    with qtbot.waitSignal(dialog.registered) as signal:
        dialog.save()
    assert page.category.currentText() == "全部"
    assert page.selected_case_id() == signal.args[0]


def test_font_size_menu_applies_at_once_and_is_remembered(
    window: MainWindow, qtbot: QtBot, restore_font: None
) -> None:
    window.show_register()
    table = window.register_page.table
    window.font_actions["xlarge"].trigger()
    points = ui_settings.FONT_SIZES["xlarge"][1]
    assert QApplication.font().pointSize() == points
    assert table.font().pointSize() == points
    assert window.register_page.search.font().pointSize() == points
    assert ui_settings.load_font_size() == "xlarge"
    assert window.font_actions["xlarge"].isChecked()
    # Column headers still fit their text at the large size (2 px margins a side, and
    # the sorted column's arrow).
    header = table.horizontalHeader()
    fm = QFontMetrics(header.font())
    for col, title in COLUMNS.items():
        if not header.isSectionHidden(col):
            arrow = 20 if col == header.sortIndicatorSection() else 0
            assert header.sectionSize(col) >= fm.horizontalAdvance(title) + 4 + arrow, title
    # Coloured and bold labels follow too (a style sheet would have frozen their size).
    window.show_start()
    section = window.start_page.sections["overdue"]
    for label in (section.heading, section.empty, window.start_page.date_label):
        assert label.font().pointSize() == points, label.text()
    assert section.heading.font().bold()
    window.font_actions["normal"].trigger()
    assert QApplication.font().pointSize() == ui_settings.FONT_SIZES["normal"][1]
    assert ui_settings.load_font_size() == "normal"
    # A new window starts with the remembered size ticked.
    again = MainWindow(window.db, today=lambda: TODAY)
    qtbot.addWidget(again)
    assert again.font_actions["normal"].isChecked()


def test_locked_database_on_refresh_shows_a_message_not_a_crash(
    window: MainWindow, demo_db: Database, qtbot: QtBot, boxes: Boxes
) -> None:
    window.show_register()
    page = window.register_page
    shown = page.count_label.text()
    with locked(demo_db):
        press(qtbot, window, Qt.Key.Key_F5)  # the register
        press(qtbot, window, Qt.Key.Key_F2)  # the start page reads again after F5
    assert [(kind, title) for kind, title, _ in boxes.calls] == [
        ("warning", messages.STORAGE_ERROR_TITLE)
    ] * 2
    assert all("已锁定" in text and str(demo_db.path) in text for _k, _t, text in boxes.calls)
    assert window.isVisible()
    window.show_register()
    assert page.count_label.text() == shown  # what was shown stays
    boxes.calls.clear()
    press(qtbot, window, Qt.Key.Key_F5)  # the other program is done: all is well again
    assert boxes.calls == []
    assert page.model.index(0, COL_PARTIES).data()


def test_help_menu(window: MainWindow, qtbot: QtBot, boxes: Boxes) -> None:
    window.shortcuts_action.trigger()
    assert [title for _k, title, _t in boxes.calls] == ["键盘操作"]
    assert "Ctrl+N" in boxes.calls[0][2] and "F5" in boxes.calls[0][2]
    window.about_action.trigger()
    about = window.about_dialog
    assert about is not None
    qtbot.waitUntil(about.isVisible)
    assert about.rows["版本"].text().startswith(app.__version__)
    assert about.rows["数据库文件"].text() == str(window.db.path)  # support asks where it is
    assert about.rows["数据文件夹"].text() == str(file_of(window.db).parent)
    assert about.rows["日志文件夹"].text()
    about.reject()
    qtbot.waitUntil(lambda: window.about_dialog is None)

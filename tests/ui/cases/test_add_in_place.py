"""Never a dead end: a step whose list is empty (or lacks the entry wanted) adds it right
there, in the same dialog, and goes on: 指派 without mediators, 登记 without the village."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.models import office
from app.models.casefile import load_case
from app.models.db import Database
from app.ui.cases.action_dialogs import AssignDialog
from app.ui.cases.case_window import TAB_DETAILS
from app.ui.cases.register_dialog import RegisterDialog
from tests.helpers import director, snapshot
from tests.ui.cases.helpers import (
    accepted,
    check_item,
    closed,
    field_error,
    open_action,
    open_window,
    save,
    valid_id,
)
from tests.ui.message_boxes import Boxes
from tests.ui.user import activate, choose, click, ctrl_enter, type_text


def test_assign_with_no_mediators_adds_one_in_place_and_assigns(
    qtbot: QtBot, bare_office: Database
) -> None:
    case_id = accepted(bare_office)
    window = open_window(qtbot, bare_office, case_id)
    dialog: AssignDialog = open_action(qtbot, window, "assign")
    box = dialog.mediators_box
    # The empty list is not shown as an empty box: a note says what to do, the row is open.
    assert box.empty_note.isVisible() and "还没有调解员" in box.empty_note.text()
    assert not dialog.mediators.isVisible()
    assert dialog.adder.isVisible() and not dialog.adder.open_button.isVisible()
    assert QApplication.focusWidget() is dialog.adder.name
    assert "村居档案 → 调解员" in box.later.text()

    type_text(qtbot, dialog.adder.name, "王建华")
    type_text(qtbot, dialog.adder.phone, "13905710001")
    click(qtbot, dialog.adder.full_time)
    dialog.adder.name.setFocus()
    qtbot.keyClick(dialog.adder.name, Qt.Key.Key_Return)  # Enter adds; it does not move on

    [m] = office.mediators(bare_office)
    assert (m.name, m.phone, m.full_time) == ("王建华", "13905710001", True)
    assert dialog.isVisible()  # the step goes on in the same dialog
    assert dialog.mediators.isVisible() and not box.empty_note.isVisible()
    assert [dialog.mediators.item(i).text() for i in range(dialog.mediators.count())] == [
        "王建华（专职）"
    ]
    assert dialog.checked_ids() == [m.id]
    assert dialog.mediators.currentRow() == 0
    assert dialog.lead.currentText() == "王建华"
    assert box.status.text() == "已新增调解员“王建华”并选中。"
    assert not dialog.adder.isVisible() and dialog.adder.open_button.isVisible()

    save(qtbot, window, dialog)
    case = load_case(bare_office, case_id)
    assert [(a.mediator_name, a.lead) for a in case.current_mediators] == [("王建华", True)]
    assert case.state == "assigned"


def test_a_wrong_entry_is_told_under_the_row_and_nothing_is_added(
    qtbot: QtBot, bare_office: Database
) -> None:
    window = open_window(qtbot, bare_office, accepted(bare_office))
    dialog: AssignDialog = open_action(qtbot, window, "assign")
    before = snapshot(bare_office)
    click(qtbot, dialog.adder.add_button)  # no name
    assert dialog.adder.error.isVisible()
    assert dialog.adder.error.text() == "请填写调解员姓名。"
    assert QApplication.focusWidget() is dialog.adder.name
    type_text(qtbot, dialog.adder.name, "王建华")
    type_text(qtbot, dialog.adder.phone, "139")
    click(qtbot, dialog.adder.add_button)
    assert "电话" in dialog.adder.error.text()
    assert QApplication.focusWidget() is dialog.adder.phone
    assert dialog.adder.name.text() == "王建华"  # nothing typed is lost
    assert snapshot(bare_office) == before

    # Saving the step with a name typed but not added says so beside the list.
    click(qtbot, dialog.save_button)
    assert "“王建华”还没有添加到名单" in field_error(dialog, "调解员")
    assert shiboken6.isValid(dialog) and dialog.isVisible()
    assert snapshot(bare_office) == before


def test_esc_closes_the_row_not_the_dialog(qtbot: QtBot, office_db: Database) -> None:
    window = open_window(qtbot, office_db, accepted(office_db))
    dialog: AssignDialog = open_action(qtbot, window, "assign")
    # With mediators listed, the row is closed and its button offers it.
    assert dialog.mediators.isVisible() and not dialog.mediators_box.empty_note.isVisible()
    assert not dialog.adder.isVisible()
    click(qtbot, dialog.adder.open_button)
    assert dialog.adder.isVisible() and QApplication.focusWidget() is dialog.adder.name
    type_text(qtbot, dialog.adder.name, "赵")
    qtbot.keyClick(dialog.adder.name, Qt.Key.Key_Escape)
    assert dialog.isVisible()
    assert not dialog.adder.isVisible() and dialog.adder.name.text() == ""
    assert len(office.mediators(office_db)) == 2


def test_a_mediator_added_beside_others_is_ticked_with_them(
    qtbot: QtBot, office_db: Database
) -> None:
    window = open_window(qtbot, office_db, accepted(office_db))
    dialog: AssignDialog = open_action(qtbot, window, "assign")
    check_item(qtbot, dialog.mediators, "王建华")
    click(qtbot, dialog.adder.open_button)
    type_text(qtbot, dialog.adder.name, "王建华")  # already listed
    click(qtbot, dialog.adder.add_button)
    assert "已经有调解员“王建华”" in dialog.adder.error.text()
    dialog.adder.name.clear()
    type_text(qtbot, dialog.adder.name, "赵德胜")
    click(qtbot, dialog.adder.add_button)
    names = [dialog.mediators.item(i).text() for i in range(dialog.mediators.count())]
    assert names == ["王建华（专职）", "陈秀兰（兼职）", "赵德胜（兼职）"]
    assert dialog.mediators.currentItem().text() == "赵德胜（兼职）"
    ids = {m.name: m.id for m in office.mediators(office_db)}
    assert dialog.checked_ids() == [ids["王建华"], ids["赵德胜"]]
    choose(dialog.lead, "赵德胜")
    save(qtbot, window, dialog)
    case = load_case(office_db, window.case_id)
    assert {(a.mediator_name, a.lead) for a in case.current_mediators} == {
        ("王建华", False),
        ("赵德胜", True),
    }


def test_register_adds_a_missing_village_in_place(
    qtbot: QtBot, office_db: Database, boxes: Boxes
) -> None:
    dialog = RegisterDialog(office_db)
    dialog.open()
    activate(qtbot, dialog)
    chooser = dialog.village_chooser
    assert chooser.combo is dialog.village
    assert not chooser.adder.isVisible()
    click(qtbot, chooser.adder.open_button)
    assert QApplication.focusWidget() is chooser.adder.name
    type_text(qtbot, chooser.adder.name, "红旗村")  # already there
    qtbot.keyClick(chooser.adder.name, Qt.Key.Key_Return)
    assert "已经有“红旗村”" in chooser.adder.error.text()
    chooser.adder.name.clear()
    type_text(qtbot, chooser.adder.name, "东山村")
    qtbot.keyClick(chooser.adder.name, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert dialog.village.currentText() == "东山村"
    assert QApplication.focusWidget() is dialog.village
    listed = [dialog.village.itemText(i) for i in range(dialog.village.count())]
    assert listed == ["（不填）", *[p.name for p in office.villages(office_db)]]
    new_id = next(p.id for p in office.villages(office_db) if p.name == "东山村")
    assert dialog.village.currentData() == new_id

    a1, b1 = dialog.side_a.forms[0], dialog.side_b.forms[0]
    type_text(qtbot, a1.name, "张三")
    type_text(qtbot, a1.id_number, valid_id())
    type_text(qtbot, b1.name, "李四")
    choose(dialog.category, "邻里")
    type_text(qtbot, dialog.facts, "两家因排水沟改道发生争执。")
    with qtbot.waitSignal(dialog.registered, timeout=3000) as signal:
        ctrl_enter(qtbot, dialog.facts)
    case = load_case(office_db, str(signal.args[0]))
    assert case.village_id == new_id


def test_the_case_details_add_a_missing_village_in_place(qtbot: QtBot, office_db: Database) -> None:
    window = open_window(qtbot, office_db, accepted(office_db))
    window.show_tab(TAB_DETAILS)
    details = window.details
    click(qtbot, details.village_chooser.adder.open_button)
    type_text(qtbot, details.village_chooser.adder.name, "东山社区")
    click(qtbot, details.village_chooser.adder.add_button)
    assert details.village.currentText() == "东山社区"
    with qtbot.waitSignal(window.changed, timeout=3000):
        click(qtbot, details.save_button)
    case = load_case(office_db, window.case_id)
    assert case.village_name == "东山社区"
    new = next(p for p in office.villages(office_db) if p.name == "东山社区")
    assert new.kind == "community"


def test_a_finished_case_offers_no_new_village(qtbot: QtBot, office_db: Database) -> None:
    window = open_window(qtbot, office_db, closed(office_db))
    assert not window.details.village_chooser.adder.open_button.isEnabled()


def test_a_retired_village_typed_in_register_says_where_to_restore_it(
    qtbot: QtBot, office_db: Database
) -> None:
    """登记 has no 显示已停用 box: the message names where the village is restored."""
    from app.models.registries import places

    taoyuan = next(p.id for p in office.villages(office_db) if p.name == "桃园村")
    places.VILLAGES.retire(office_db, taoyuan, by=director(office_db))
    before = snapshot(office_db)
    dialog = RegisterDialog(office_db)
    dialog.open()
    activate(qtbot, dialog)
    chooser = dialog.village_chooser
    click(qtbot, chooser.adder.open_button)
    type_text(qtbot, chooser.adder.name, "桃园村")
    qtbot.keyClick(chooser.adder.name, Qt.Key.Key_Return)
    told = chooser.adder.error.text()
    assert "已停用" in told
    assert "村居与宣传 → 村居档案 → 村（社区）" in told
    assert snapshot(office_db) == before

"""协议条款模板: the office edits, hides, restores and adds the clauses that 结案 offers
(从模板插入), and a wrong entry is told beside its field with nothing saved."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from app.models import clause_templates as ct
from app.models.db import Database
from app.models.office import current_user
from app.ui.cases.close_dialog import CloseDialog
from app.ui.clause_templates_dialog import (
    COL_CATEGORY,
    COL_SOURCE,
    COL_TITLE,
    DISCARD_TITLE,
    EVERY_CATEGORY_LABEL,
    ClauseTemplatesDialog,
    ClauseTemplatesModel,
    TemplateRow,
    load_rows,
    open_clause_templates,
)
from tests.ui import message_boxes
from tests.ui.cases.helpers import mediating, open_action, open_window
from tests.ui.message_boxes import Boxes
from tests.ui.user import activate, choose, click, ctrl_enter, type_text

# Opening 从模板插入 pops a menu that asks for the keyboard; the offscreen platform says once
# that it cannot, which is no fault of the program.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support grabbing the keyboard")

SHIPPED_APOLOGY = next(t for t in ct.defaults() if t.key == "apology")


@pytest.fixture
def dialog(qtbot: QtBot, office_db: Database, track: list[QWidget]) -> ClauseTemplatesDialog:
    d = open_clause_templates(office_db, None)
    track.append(d)
    activate(qtbot, d)
    return d


def titles(d: ClauseTemplatesDialog) -> list[str]:
    return [d.model.record(r).template.title for r in range(d.model.rowCount())]


def cell(d: ClauseTemplatesDialog, title: str, col: int) -> str:
    row = titles(d).index(title)
    return str(d.model.data(d.model.index(row, col)))


def pick(qtbot: QtBot, d: ClauseTemplatesDialog, title: str) -> None:
    """Click the template ``title`` in the list."""
    index = d.model.index(titles(d).index(title), COL_TITLE)
    d.view.scrollTo(index)
    qtbot.mouseClick(
        d.view.viewport(), Qt.MouseButton.LeftButton, pos=d.view.visualRect(index).center()
    )


def replace_body(qtbot: QtBot, d: ClauseTemplatesDialog, text: str) -> None:
    d.body.selectAll()
    qtbot.keyClick(d.body, Qt.Key.Key_Delete)
    type_text(qtbot, d.body, text)


def offered(db: Database, category: str = "邻里") -> dict[str, str]:
    return {t.title: t.body for t in ct.templates_for(db, category)}


def field_error(d: ClauseTemplatesDialog, name: str) -> str:
    box = d.errors.find(name)
    assert box is not None
    return box.error.text() if box.has_error else ""


def override_rows(db: Database) -> int:
    return int(db.scalar("SELECT count(*) FROM clause_templates"))


# --------------------------------------------------------------------------- the list


def test_the_model_passes_the_model_tester(office_db: Database, qtmodeltester: ModelTester) -> None:
    model = ClauseTemplatesModel()
    qtmodeltester.check(model, force_py=True)  # pytest-qt's own checks, still watching:
    model.set_rows(load_rows(office_db))
    assert model.rowCount() == len(ct.defaults())
    first = model.index(0, COL_TITLE)
    assert isinstance(model.data(first, ClauseTemplatesModel.RowRole), TemplateRow)
    assert model.data(first, Qt.ItemDataRole.ToolTipRole) == ct.defaults()[0].body
    model.set_rows([])
    assert model.rowCount() == 0


def test_the_dialogs_list_under_the_model_tester_while_the_office_works(
    qtbot: QtBot, dialog: ClauseTemplatesDialog, qtmodeltester: ModelTester, boxes: Boxes
) -> None:
    qtmodeltester.check(dialog.model)  # Qt's tester keeps watching what follows
    assert cell(dialog, "分期付款", COL_CATEGORY) == EVERY_CATEGORY_LABEL
    assert cell(dialog, "限期修复", COL_CATEGORY) == "邻里"
    assert cell(dialog, "分期付款", COL_SOURCE) == "程序自带"
    choose(dialog.filter, "房屋宅基地")
    assert titles(dialog) == ["宅基地界址", "拆除越界建筑"]
    choose(dialog.filter, EVERY_CATEGORY_LABEL)
    assert titles(dialog) == ["一次性付款", "分期付款", "赔礼道歉", "再无争议", "费用自担"]
    boxes.answer = True
    pick(qtbot, dialog, "费用自担")
    click(qtbot, dialog.remove_button)
    assert cell(dialog, "费用自担", COL_SOURCE) == "已隐藏"


# --------------------------------------------------------------------------- editing


def test_an_edited_shipped_template_is_what_closing_offers(
    qtbot: QtBot, office_db: Database, dialog: ClauseTemplatesDialog, track: list[QWidget]
) -> None:
    pick(qtbot, dialog, "赔礼道歉")
    assert dialog.title_edit.text() == "赔礼道歉"
    assert dialog.body.toPlainText() == SHIPPED_APOLOGY.body
    assert not dialog.save_button.isEnabled()  # nothing changed yet
    assert not dialog.restore_button.isEnabled()  # nothing to restore
    replace_body(qtbot, dialog, "{被申请人}向{申请人}书面赔礼道歉。")
    with qtbot.waitSignal(dialog.templates_changed):
        click(qtbot, dialog.save_button)
    assert dialog.status.text() == "已保存“赔礼道歉”。"
    assert cell(dialog, "赔礼道歉", COL_SOURCE) == "程序自带（已修改）"
    assert dialog.restore_button.isEnabled()
    assert offered(office_db)["赔礼道歉"] == "{被申请人}向{申请人}书面赔礼道歉。"
    dialog.close()

    # 结案 of a dispute between 张三 (applicant) and 李四 (respondent) offers the new text.
    window = open_window(qtbot, office_db, mediating(office_db))
    track.append(window)
    close: CloseDialog = open_action(qtbot, window, "close")
    close.terms.edits[0].setFocus()
    button = close.terms.template_button
    assert button is not None
    click(qtbot, button)
    menu = close.terms.template_menu
    assert menu is not None
    qtbot.waitUntil(menu.isVisible)
    action = next(a for a in menu.actions() if a.text() == "赔礼道歉")
    qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(action).center())
    assert close.terms.terms() == ["李四向张三书面赔礼道歉。"]


def test_hide_asks_first_then_closing_no_longer_offers_it(
    qtbot: QtBot, office_db: Database, dialog: ClauseTemplatesDialog, boxes: Boxes
) -> None:
    pick(qtbot, dialog, "费用自担")
    assert dialog.remove_button.text() == "隐藏(&H)"
    click(qtbot, dialog.remove_button)  # answered "取消"
    assert boxes.titles() == ["隐藏这条模板？"]
    assert "费用自担" in offered(office_db)

    boxes.answer = True
    click(qtbot, dialog.remove_button)
    assert "费用自担" not in offered(office_db)
    assert dialog.status.text() == "已隐藏“费用自担”。"
    # Still in the list, greyed and marked, so it can be brought back.
    assert cell(dialog, "费用自担", COL_SOURCE) == "已隐藏"
    assert dialog.title_edit.text() == "费用自担"
    assert not dialog.remove_button.isEnabled()
    click(qtbot, dialog.restore_button)
    assert boxes.titles()[-1] == "恢复默认？"
    assert "费用自担" in offered(office_db)
    assert cell(dialog, "费用自担", COL_SOURCE) == "程序自带"


def test_restore_default_brings_back_the_programs_text(
    qtbot: QtBot, office_db: Database, dialog: ClauseTemplatesDialog, boxes: Boxes
) -> None:
    pick(qtbot, dialog, "赔礼道歉")
    dialog.title_edit.clear()
    type_text(qtbot, dialog.title_edit, "书面道歉")
    replace_body(qtbot, dialog, "{被申请人}向{申请人}书面赔礼道歉。")
    ctrl_enter(qtbot, dialog.body)
    assert "书面道歉" in offered(office_db)

    click(qtbot, dialog.restore_button)  # answered "取消": the edit stays
    assert offered(office_db)["书面道歉"] == "{被申请人}向{申请人}书面赔礼道歉。"
    boxes.answer = True
    click(qtbot, dialog.restore_button)
    assert offered(office_db)["赔礼道歉"] == SHIPPED_APOLOGY.body
    assert "书面道歉" not in titles(dialog)
    assert dialog.title_edit.text() == "赔礼道歉"
    assert dialog.body.toPlainText() == SHIPPED_APOLOGY.body
    assert cell(dialog, "赔礼道歉", COL_SOURCE) == "程序自带"
    assert not dialog.restore_button.isEnabled()
    assert override_rows(office_db) == 0


def test_add_an_own_template_from_the_keyboard_then_delete_it(
    qtbot: QtBot, office_db: Database, dialog: ClauseTemplatesDialog, boxes: Boxes
) -> None:
    qtbot.keyClick(dialog.view, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)  # 新增(N)
    qtbot.waitUntil(lambda: dialog.heading.text() == "新增条款")  # a mnemonic clicks after 0.1 s
    assert dialog.focusWidget() is dialog.title_edit
    type_text(qtbot, dialog.title_edit, "共同清理")
    qtbot.keyClick(dialog.title_edit, Qt.Key.Key_Tab)
    choose(dialog.category, "邻里")
    qtbot.keyClick(dialog.category, Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.body
    type_text(qtbot, dialog.body, "双方于本周内共同清理巷道杂物，")
    qtbot.keyClick(dialog.body, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)  # 插入{申请人}
    qtbot.waitUntil(lambda: dialog.body.toPlainText().endswith(ct.APPLICANT))
    qtbot.waitUntil(lambda: dialog.focusWidget() is dialog.body)
    # An input method types full-width braces: they work the same.
    type_text(qtbot, dialog.body, "负责运走，｛被申请人｝协助。")
    ctrl_enter(qtbot, dialog.body)

    body = "双方于本周内共同清理巷道杂物，{申请人}负责运走，{被申请人}协助。"
    assert offered(office_db)["共同清理"] == body
    assert "共同清理" not in offered(office_db, "劳动争议")
    assert cell(dialog, "共同清理", COL_SOURCE) == "本单位添加"
    assert dialog.body.toPlainText() == body
    assert dialog.remove_button.text() == "删除(&D)"
    assert not dialog.restore_button.isEnabled()

    boxes.answer = True
    click(qtbot, dialog.remove_button)
    assert boxes.titles() == ["删除这条模板？"]
    assert "共同清理" not in offered(office_db)
    assert "共同清理" not in titles(dialog)


def test_the_questions_say_what_becomes_of_the_template(
    qtbot: QtBot, dialog: ClauseTemplatesDialog, boxes: Boxes
) -> None:
    assert dialog.windowTitle() == "协议条款模板"
    hints = [label.text() for label in dialog.findChildren(QLabel)]
    assert "Ctrl+Enter 保存　Alt+N 新增　Esc 关闭" in hints
    assert dialog.status.isVisible()  # the done-message's line is kept while empty

    pick(qtbot, dialog, "费用自担")
    click(qtbot, dialog.remove_button)  # answered "取消"
    hide = "隐藏后，结案时不再列出“费用自担”。\n以后可以在这里选中它，点“恢复默认”重新使用。"
    assert boxes.calls[-1] == ("confirm", "隐藏这条模板？", hide)
    type_text(qtbot, dialog.body, "另行约定。")
    click(qtbot, dialog.remove_button)
    assert boxes.calls[-1] == ("confirm", "隐藏这条模板？", hide + "\n未保存的修改也会放弃。")
    ctrl_enter(qtbot, dialog.body)
    click(qtbot, dialog.restore_button)
    assert boxes.calls[-1] == (
        "confirm",
        "恢复默认？",
        "本单位对“费用自担”的修改将不再保留，恢复为程序自带的条款内容，结案时照常列出。",
    )

    click(qtbot, dialog.new_button)
    type_text(qtbot, dialog.body, "双方和解。")
    pick(qtbot, dialog, "分期付款")  # answered "继续修改"
    assert boxes.calls[-1][1] == DISCARD_TITLE
    assert boxes.calls[-1][2].startswith("对“新条款”的修改还没有保存。")
    type_text(qtbot, dialog.title_edit, "和解")
    ctrl_enter(qtbot, dialog.body)
    click(qtbot, dialog.remove_button)
    assert boxes.calls[-1] == (
        "confirm",
        "删除这条模板？",
        "删除本单位添加的“和解”后不能恢复。\n已经写进协议书的条款不受影响。",
    )


# --------------------------------------------------------------------------- bad input


def test_an_empty_title_is_told_beside_the_field_and_nothing_is_saved(
    qtbot: QtBot, office_db: Database, dialog: ClauseTemplatesDialog, boxes: Boxes
) -> None:
    pick(qtbot, dialog, "分期付款")
    dialog.title_edit.clear()
    type_text(qtbot, dialog.body, "（另行约定）")
    kept = dialog.body.toPlainText()
    click(qtbot, dialog.save_button)
    assert field_error(dialog, ct.TITLE_FIELD) == "请填写条款名称，例如：分期付款。"
    assert dialog.focusWidget() is dialog.title_edit
    assert dialog.body.toPlainText() == kept  # what was typed stays
    assert override_rows(office_db) == 0
    assert boxes.calls == []

    # A new one without a title: the same, and no template appears.
    boxes.answer = True  # "放弃修改"
    click(qtbot, dialog.new_button)
    type_text(qtbot, dialog.body, "双方和解。")
    ctrl_enter(qtbot, dialog.body)
    assert field_error(dialog, ct.TITLE_FIELD) == "请填写条款名称，例如：分期付款。"
    assert override_rows(office_db) == 0
    assert len(titles(dialog)) == len(ct.defaults())
    type_text(qtbot, dialog.title_edit, "和解")
    ctrl_enter(qtbot, dialog.body)
    assert field_error(dialog, ct.TITLE_FIELD) == ""
    assert "和解" in titles(dialog)


def test_unsaved_edits_are_not_lost_when_choosing_another_template(
    qtbot: QtBot, office_db: Database, dialog: ClauseTemplatesDialog, boxes: Boxes
) -> None:
    pick(qtbot, dialog, "分期付款")
    type_text(qtbot, dialog.body, "利息另计。")
    edited = dialog.body.toPlainText()
    pick(qtbot, dialog, "赔礼道歉")  # answered "继续修改"
    assert boxes.titles() == [DISCARD_TITLE]
    assert dialog.title_edit.text() == "分期付款"
    assert dialog.body.toPlainText() == edited
    assert dialog.view.currentIndex().row() == titles(dialog).index("分期付款")
    click(qtbot, dialog.new_button)  # 新增 asks too
    assert dialog.body.toPlainText() == edited
    qtbot.keyClick(dialog.body, Qt.Key.Key_Escape)  # and closing
    assert dialog.isVisible() and dialog.body.toPlainText() == edited
    assert boxes.titles() == [DISCARD_TITLE] * 3

    boxes.answer = True  # "放弃修改"
    pick(qtbot, dialog, "赔礼道歉")
    assert dialog.title_edit.text() == "赔礼道歉"
    assert override_rows(office_db) == 0  # the discarded edit was never saved


def test_a_shipped_template_edited_in_another_category_is_shown_after_saving(
    qtbot: QtBot, office_db: Database, dialog: ClauseTemplatesDialog
) -> None:
    choose(dialog.filter, "邻里")
    pick(qtbot, dialog, "和睦相处")
    choose(dialog.category, EVERY_CATEGORY_LABEL)
    click(qtbot, dialog.save_button)
    # Out of the 邻里 filter now: the list shows all, with the saved one chosen.
    assert dialog.filter.currentText() == "全部模板"
    assert dialog.view.currentIndex().row() == titles(dialog).index("和睦相处")
    assert cell(dialog, "和睦相处", COL_CATEGORY) == EVERY_CATEGORY_LABEL
    assert "和睦相处" in offered(office_db, "劳动争议")
    assert current_user(office_db).id == office_db.scalar(
        "SELECT updated_by FROM clause_templates WHERE default_key = 'neighbour_conduct'"
    )


@pytest.mark.usefixtures("real_boxes")
def test_the_real_question_keeps_or_drops_the_edit(
    qtbot: QtBot, office_db: Database, dialog: ClauseTemplatesDialog
) -> None:
    pick(qtbot, dialog, "分期付款")
    type_text(qtbot, dialog.body, "利息另计。")
    edited = dialog.body.toPlainText()
    qtbot.keyClick(dialog.body, Qt.Key.Key_Escape)
    box = message_boxes.wait_for_box(qtbot, DISCARD_TITLE)
    assert "分期付款" in box.text()
    message_boxes.click(qtbot, box, "继续修改")
    assert dialog.isVisible() and dialog.body.toPlainText() == edited

    pick(qtbot, dialog, "赔礼道歉")
    box = message_boxes.wait_for_box(qtbot, DISCARD_TITLE)
    assert dialog.view.currentIndex().row() == titles(dialog).index("分期付款")
    message_boxes.click(qtbot, box, "放弃修改")
    assert dialog.title_edit.text() == "赔礼道歉"
    assert dialog.view.currentIndex().row() == titles(dialog).index("赔礼道歉")
    assert override_rows(office_db) == 0
    with qtbot.waitSignal(dialog.finished):
        qtbot.keyClick(dialog.view, Qt.Key.Key_Escape)  # nothing unsaved: closes at once

"""宣传内容: the office edits, hides, restores and adds the texts of the 七个一 kit; what
will not fit the card or is not a link is told beside its field with nothing saved."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from app.models import outreach_content as oc
from app.models.db import Database
from app.models.office import current_user
from app.ui.look import ERROR, MUTED
from app.ui.outreach_content_dialog import (
    COL_PLACE,
    COL_SOURCE,
    COL_TITLE,
    KIND_LABELS,
    OutreachContentDialog,
    OutreachContentModel,
    load_items,
    open_outreach_content,
    preview_text,
    reading_time,
)
from app.ui.template_editing import DISCARD_TITLE
from tests.ui import message_boxes
from tests.ui.message_boxes import Boxes
from tests.ui.user import activate, choose, click, ctrl_enter, type_text

# 插入占位词 pops a menu that asks for the keyboard; the offscreen platform says once that
# it cannot, which is no fault of the program.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support grabbing the keyboard")

SHIPPED = {t.key: t for t in oc.defaults()}
LOANS = SHIPPED["broadcast_loans"]
CARD_FRONT = SHIPPED["card_front"]
VIDEO = "https://www.example.com/qingshan/weidongman/01.html"


@pytest.fixture
def dialog(qtbot: QtBot, office_db: Database, track: list[QWidget]) -> OutreachContentDialog:
    d = open_outreach_content(office_db, None)
    track.append(d)
    activate(qtbot, d)
    return d


def titles(d: OutreachContentDialog) -> list[str]:
    return [d.model.record(r).title for r in range(d.model.rowCount())]


def cell(d: OutreachContentDialog, title: str, col: int) -> str:
    row = titles(d).index(title)
    return str(d.model.data(d.model.index(row, col)))


def kind(d: OutreachContentDialog, name: str) -> None:
    """Choose a kind in the selector, as the user does (↓/↑ on the combo)."""
    choose(d.kind_combo, KIND_LABELS[name])
    assert d.kind() == name


def pick(qtbot: QtBot, d: OutreachContentDialog, title: str) -> None:
    """Click the text ``title`` in the list."""
    index = d.model.index(titles(d).index(title), COL_TITLE)
    d.view.scrollTo(index)
    qtbot.mouseClick(
        d.view.viewport(), Qt.MouseButton.LeftButton, pos=d.view.visualRect(index).center()
    )


def replace_text(qtbot: QtBot, d: OutreachContentDialog, text: str) -> None:
    d.body.selectAll()
    qtbot.keyClick(d.body, Qt.Key.Key_Delete)
    type_text(qtbot, d.body, text)


def retype(qtbot: QtBot, widget: QWidget, text: str) -> None:
    """Clear a line and type ``text`` into it."""
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(widget, Qt.Key.Key_Delete)
    type_text(qtbot, widget, text)


def stored(db: Database, name: str) -> dict[str, oc.ContentItem]:
    """The texts of a kind as the printing gets them, by title."""
    return {t.title: t for t in oc.items(db, name)}


def field_error(d: OutreachContentDialog, name: str) -> str:
    box = d.errors.find(name)
    assert box is not None
    return box.error.text() if box.has_error else ""


def ink(widget: QWidget) -> QColor:
    return widget.palette().color(QPalette.ColorRole.WindowText)


def override_rows(db: Database) -> int:
    return int(db.scalar("SELECT count(*) FROM outreach_content"))


# --------------------------------------------------------------------------- the list


def test_the_model_passes_the_model_tester(office_db: Database, qtmodeltester: ModelTester) -> None:
    model = OutreachContentModel()
    qtmodeltester.check(model, force_py=True)  # pytest-qt's own checks, still watching:
    model.set_items("brochure", load_items(office_db, "brochure"))
    assert model.rowCount() == 6
    assert model.headerData(COL_PLACE, Qt.Orientation.Horizontal) == "位置"
    first = model.index(0, COL_TITLE)
    assert isinstance(model.data(first, OutreachContentModel.RowRole), oc.ContentItem)
    assert model.data(model.index(1, COL_PLACE)) == "翻页"
    # 位置 sorts in folding order, not by the panel's name.
    places = [
        model.data(model.index(r, COL_PLACE), OutreachContentModel.SortRole) for r in range(6)
    ]
    assert places == [0, 1, 2, 3, 4, 5]
    model.set_items("broadcast", load_items(office_db, "broadcast"))
    assert model.headerData(COL_PLACE, Qt.Orientation.Horizontal) == "朗读时长"
    assert model.data(model.index(0, COL_PLACE)).startswith("约")
    tooltip = model.data(model.index(0, COL_TITLE), Qt.ItemDataRole.ToolTipRole)
    assert tooltip.startswith("<p>各位乡亲") and tooltip.endswith("……</p>")  # the start only
    model.set_items("card", [])
    assert model.rowCount() == 0


def test_the_dialogs_list_under_the_model_tester_while_the_office_works(
    qtbot: QtBot, dialog: OutreachContentDialog, qtmodeltester: ModelTester, boxes: Boxes
) -> None:
    qtmodeltester.check(dialog.model)  # Qt's tester keeps watching what follows
    assert titles(dialog) == ["矛盾纠纷 找人民调解", "有事找谁"]
    assert cell(dialog, "有事找谁", COL_PLACE) == "反面"
    assert cell(dialog, "有事找谁", COL_SOURCE) == "程序自带"
    kind(dialog, "animation")
    assert len(titles(dialog)) == 4
    assert cell(dialog, "彩礼是礼不是价", COL_PLACE) == "2分45秒"
    boxes.answer = True
    pick(qtbot, dialog, "彩礼是礼不是价")
    click(qtbot, dialog.remove_button)
    assert cell(dialog, "彩礼是礼不是价", COL_SOURCE) == "已隐藏"
    assert dialog.model.data(
        dialog.model.index(titles(dialog).index("彩礼是礼不是价"), COL_TITLE),
        Qt.ItemDataRole.ForegroundRole,
    ) == QColor(MUTED)


# --------------------------------------------------------------------------- editing


def test_an_edited_broadcast_is_stored_and_marked(
    qtbot: QtBot, office_db: Database, dialog: OutreachContentDialog
) -> None:
    kind(dialog, "broadcast")
    pick(qtbot, dialog, LOANS.title)
    assert dialog.body.toPlainText() == LOANS.body
    assert dialog.counter.text().endswith(f"朗读{reading_time(LOANS.body)}（每分钟约220字）")
    assert not dialog.save_button.isEnabled()  # nothing changed yet
    assert not dialog.restore_button.isEnabled()  # nothing to restore
    assert not dialog.duration_edit.isVisible() and not dialog.link_edit.isVisible()

    script = "各位乡亲：借钱要打借条，还钱要讲诚信。有了纠纷，请找{村名}的调解员{调解员}。"
    replace_text(qtbot, dialog, script)
    # The preview is the text as it prints, filled with the example village.
    assert "请找红旗村的调解员王建华、陈秀兰。" in dialog.preview.toPlainText()
    assert dialog.counter.text().startswith("41 字，朗读约10秒")
    with qtbot.waitSignal(dialog.content_changed):
        click(qtbot, dialog.save_button)
    assert dialog.status.text() == f"已保存“{LOANS.title}”。"
    assert dialog.status.isVisible()
    assert cell(dialog, LOANS.title, COL_SOURCE) == "程序自带（已修改）"
    assert dialog.restore_button.isEnabled()
    saved = stored(office_db, "broadcast")[LOANS.title]
    assert saved.body == script and saved.edited
    assert current_user(office_db).id == office_db.scalar(
        "SELECT updated_by FROM outreach_content WHERE default_key = 'broadcast_loans'"
    )


def test_restore_default_brings_back_the_programs_text(
    qtbot: QtBot, office_db: Database, dialog: OutreachContentDialog, boxes: Boxes
) -> None:
    kind(dialog, "broadcast")
    pick(qtbot, dialog, LOANS.title)
    retype(qtbot, dialog.title_edit, "借钱打借条")
    replace_text(qtbot, dialog, "借钱要打借条。")
    ctrl_enter(qtbot, dialog.body)
    assert "借钱打借条" in stored(office_db, "broadcast")

    click(qtbot, dialog.restore_button)  # answered "取消": the edit stays
    assert boxes.titles() == ["恢复默认？"]
    assert stored(office_db, "broadcast")["借钱打借条"].body == "借钱要打借条。"
    boxes.answer = True
    click(qtbot, dialog.restore_button)
    assert stored(office_db, "broadcast")[LOANS.title].body == LOANS.body
    assert "借钱打借条" not in titles(dialog)
    assert dialog.title_edit.text() == LOANS.title
    assert dialog.body.toPlainText() == LOANS.body
    assert dialog.status.text() == "已恢复“借钱打借条”为程序自带的内容。"
    assert cell(dialog, LOANS.title, COL_SOURCE) == "程序自带"
    assert not dialog.restore_button.isEnabled()
    assert override_rows(office_db) == 0


def test_hide_asks_first_and_restore_brings_it_back(
    qtbot: QtBot, office_db: Database, dialog: OutreachContentDialog, boxes: Boxes
) -> None:
    kind(dialog, "brochure")
    pick(qtbot, dialog, "怎样申请调解")
    assert dialog.remove_button.text() == "隐藏(&H)"
    assert not dialog.slot_combo.isEnabled()  # a shipped panel keeps its place
    click(qtbot, dialog.remove_button)  # answered "取消"
    assert boxes.titles() == ["隐藏这条内容？"]
    assert "inside_left" in oc.brochure_panels(office_db)

    boxes.answer = True
    click(qtbot, dialog.remove_button)
    assert "inside_left" not in oc.brochure_panels(office_db)
    assert dialog.status.text() == "已隐藏“怎样申请调解”。"
    # Still in the list, greyed and marked, so it can be brought back.
    assert cell(dialog, "怎样申请调解", COL_SOURCE) == "已隐藏"
    assert dialog.title_edit.text() == "怎样申请调解"
    assert not dialog.remove_button.isEnabled()
    assert "已隐藏" in dialog.about.text()
    click(qtbot, dialog.restore_button)
    assert boxes.titles()[-1] == "恢复默认？"
    assert oc.brochure_panels(office_db)["inside_left"].title == "怎样申请调解"
    assert cell(dialog, "怎样申请调解", COL_SOURCE) == "程序自带"
    assert override_rows(office_db) == 0


def test_add_an_own_animation_with_link_and_duration_then_delete_it(
    qtbot: QtBot, office_db: Database, dialog: OutreachContentDialog, boxes: Boxes
) -> None:
    kind(dialog, "animation")
    qtbot.keyClick(dialog.view, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)  # 新增(N)
    qtbot.waitUntil(lambda: dialog.heading.text() == "新增微动漫")  # a mnemonic clicks after 0.1 s
    assert dialog.focusWidget() is dialog.title_edit
    type_text(qtbot, dialog.title_edit, "防范电信诈骗")
    qtbot.keyClick(dialog.title_edit, Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.duration_edit
    type_text(qtbot, dialog.duration_edit, "3:20")
    qtbot.keyClick(dialog.duration_edit, Qt.Key.Key_Tab)
    type_text(qtbot, dialog.link_edit, VIDEO)
    qtbot.keyClick(dialog.link_edit, Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.body
    type_text(qtbot, dialog.body, "陌生来电要转账，先挂电话再核实。")
    assert dialog.counter.text() == "已用 16 / 150 字"
    assert dialog.preview.toPlainText().endswith(f"时长：3:20\n链接：{VIDEO}")
    ctrl_enter(qtbot, dialog.body)

    saved = stored(office_db, "animation")["防范电信诈骗"]
    assert saved.extra == {"duration": "3分20秒", "link": VIDEO}  # "3:20" written as people say it
    assert not saved.shipped
    assert cell(dialog, "防范电信诈骗", COL_SOURCE) == "本单位添加"
    assert cell(dialog, "防范电信诈骗", COL_PLACE) == "3分20秒"
    assert dialog.duration_edit.text() == "3分20秒"
    assert dialog.remove_button.text() == "删除(&D)"
    assert not dialog.restore_button.isEnabled()

    boxes.answer = True
    click(qtbot, dialog.remove_button)
    assert boxes.titles() == ["删除这条内容？"]
    assert "防范电信诈骗" not in stored(office_db, "animation")
    assert "防范电信诈骗" not in titles(dialog)
    assert dialog.status.text() == "已删除“防范电信诈骗”。"


def test_an_own_card_side_must_say_which_side_and_then_takes_its_place(
    qtbot: QtBot, office_db: Database, dialog: OutreachContentDialog
) -> None:
    click(qtbot, dialog.new_button)
    assert dialog.heading.text() == "新增明白卡的一面"
    assert dialog.side_combo.isEnabled()
    type_text(qtbot, dialog.title_edit, "有事找调解")
    type_text(qtbot, dialog.body, "调解员：{调解员}")
    click(qtbot, dialog.save_button)
    assert field_error(dialog, oc.SIDE_FIELD) == "请选择这段文字印在明白卡的正面还是反面。"
    assert dialog.focusWidget() is dialog.side_combo
    assert override_rows(office_db) == 0

    choose(dialog.side_combo, "反面")
    ctrl_enter(qtbot, dialog.side_combo)
    assert field_error(dialog, oc.SIDE_FIELD) == ""
    assert oc.card_sides(office_db)["back"].title == "有事找调解"
    assert cell(dialog, "有事找调解", COL_PLACE) == "反面"
    assert "代替程序自带的同一面" in dialog.about.text()


def test_the_questions_say_what_becomes_of_the_text(
    qtbot: QtBot, dialog: OutreachContentDialog, boxes: Boxes
) -> None:
    assert dialog.windowTitle() == "宣传内容"
    hints = [label.text() for label in dialog.findChildren(QLabel)]
    assert "Ctrl+Enter 保存　Alt+N 新增　Alt+P 插入占位词　Esc 关闭" in hints
    assert not dialog.status.isVisible()  # the done-message's line takes no room while empty

    kind(dialog, "broadcast")
    pick(qtbot, dialog, LOANS.title)
    click(qtbot, dialog.remove_button)  # answered "取消"
    hide = (
        f"隐藏后，打印七个一时不再使用“{LOANS.title}”。\n"
        "以后可以在这里选中它，点“恢复默认”重新使用。"
    )
    assert boxes.calls[-1] == ("confirm", "隐藏这条内容？", hide)
    type_text(qtbot, dialog.body, "（赶集日播放）")
    click(qtbot, dialog.remove_button)
    assert boxes.calls[-1] == ("confirm", "隐藏这条内容？", hide + "\n未保存的修改也会放弃。")
    ctrl_enter(qtbot, dialog.body)
    click(qtbot, dialog.restore_button)
    assert boxes.calls[-1] == (
        "confirm",
        "恢复默认？",
        f"本单位对“{LOANS.title}”的修改将不再保留，恢复为程序自带的内容，打印七个一时照常使用。",
    )

    click(qtbot, dialog.new_button)
    assert dialog.heading.text() == "新增广播稿"
    assert dialog.about.text() == "本单位自己的广播稿，保存后和程序自带的一起打印。"
    type_text(qtbot, dialog.body, "各位乡亲：")
    pick(qtbot, dialog, LOANS.title)  # answered "继续修改"
    assert boxes.calls[-1][1] == DISCARD_TITLE
    assert boxes.calls[-1][2].startswith("对“新的广播稿”的修改还没有保存。")
    type_text(qtbot, dialog.title_edit, "赶集日广播")
    ctrl_enter(qtbot, dialog.body)
    click(qtbot, dialog.remove_button)
    assert boxes.calls[-1] == (
        "confirm",
        "删除这条内容？",
        "删除本单位添加的“赶集日广播”后不能恢复。\n已经打印出来的材料不受影响。",
    )


# --------------------------------------------------------------------------- placeholders


def test_insert_placeholder_puts_it_at_the_cursor(
    qtbot: QtBot, dialog: OutreachContentDialog
) -> None:
    pick(qtbot, dialog, "有事找谁")
    dialog.body.moveCursor(dialog.body.textCursor().MoveOperation.End)
    type_text(qtbot, dialog.body, "\n镇调委会：")
    click(qtbot, dialog.placeholder_button)
    menu = dialog.placeholder_menu
    qtbot.waitUntil(menu.isVisible)
    names = [a.data() for a in menu.actions()]
    assert names == list(oc.PLACEHOLDERS)
    action = next(a for a in menu.actions() if a.data() == "调委会")
    assert action.toolTip() == oc.PLACEHOLDERS["调委会"].meaning
    assert action.text() == "{调委会}　例：红旗村人民调解委员会"
    qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(action).center())
    assert dialog.body.toPlainText().endswith("\n镇调委会：{调委会}")
    qtbot.waitUntil(lambda: dialog.focusWidget() is dialog.body)
    type_text(qtbot, dialog.body, "。")
    assert dialog.body.toPlainText().endswith("{调委会}。")
    assert dialog.preview.toPlainText().endswith("镇调委会：红旗村人民调解委员会。")


# --------------------------------------------------------------------------- bad input


def test_a_card_side_over_the_limit_is_told_beside_the_text_and_nothing_is_saved(
    qtbot: QtBot, office_db: Database, dialog: OutreachContentDialog, boxes: Boxes
) -> None:
    pick(qtbot, dialog, CARD_FRONT.title)
    assert dialog.counter.text() == "已用 103 / 200 字，5 / 10 行"
    assert ink(dialog.counter) == QColor(MUTED)
    dialog.body.moveCursor(dialog.body.textCursor().MoveOperation.End)
    type_text(qtbot, dialog.body, "\n" + "有了矛盾纠纷，先找人民调解。" * 7)
    kept = dialog.body.toPlainText()
    # The counter warns while typing ...
    assert dialog.counter.text() == "已用 201 / 200 字，9 / 10 行，放不下"
    assert ink(dialog.counter) == QColor(ERROR)
    # ... and saving says what is wrong beside the text, keeping everything typed.
    click(qtbot, dialog.save_button)
    assert field_error(dialog, oc.BODY_FIELD) == "明白卡一面最多200个字，现在多了1个字，请删减。"
    assert dialog.focusWidget() is dialog.body
    assert dialog.body.toPlainText() == kept
    assert oc.card_sides(office_db)["front"].body == CARD_FRONT.body
    assert override_rows(office_db) == 0
    assert boxes.calls == []

    qtbot.keyClick(dialog.body, Qt.Key.Key_Backspace)  # one character less: it fits
    assert ink(dialog.counter) == QColor(MUTED)
    ctrl_enter(qtbot, dialog.body)
    assert field_error(dialog, oc.BODY_FIELD) == ""
    assert oc.card_sides(office_db)["front"].body == kept[:-1]


def test_a_card_side_with_too_many_lines_is_told_too(
    qtbot: QtBot, office_db: Database, dialog: OutreachContentDialog
) -> None:
    pick(qtbot, dialog, "有事找谁")
    replace_text(qtbot, dialog, "\n".join(f"第{n}条" for n in range(1, 12)))
    assert dialog.counter.text() == "已用 29 / 200 字，11 / 10 行，放不下"
    assert ink(dialog.counter) == QColor(ERROR)
    ctrl_enter(qtbot, dialog.body)
    assert field_error(dialog, oc.BODY_FIELD).startswith("明白卡一面最多排10行，现在要排11行")
    assert override_rows(office_db) == 0


def test_an_invalid_link_is_told_beside_the_link_and_nothing_is_saved(
    qtbot: QtBot, office_db: Database, dialog: OutreachContentDialog
) -> None:
    kind(dialog, "animation")
    title = SHIPPED["animation_loans"].title
    pick(qtbot, dialog, title)
    assert "还没有填写视频链接" in dialog.about.text()
    type_text(qtbot, dialog.link_edit, "www.example.com/video")
    click(qtbot, dialog.save_button)
    assert field_error(dialog, oc.LINK_FIELD) == (
        "链接要以 http:// 或 https:// 开头，请从浏览器地址栏复制完整的网址。"
    )
    assert dialog.focusWidget() is dialog.link_edit
    assert dialog.link_edit.text() == "www.example.com/video"
    assert override_rows(office_db) == 0

    retype(qtbot, dialog.duration_edit, "3分75秒")  # and a wrong duration, beside its field
    retype(qtbot, dialog.link_edit, VIDEO)
    ctrl_enter(qtbot, dialog.link_edit)
    assert field_error(dialog, oc.LINK_FIELD) == ""
    assert field_error(dialog, oc.DURATION_FIELD) == "时长的秒数不能超过59，例如“3分20秒”。"
    assert override_rows(office_db) == 0

    retype(qtbot, dialog.duration_edit, "3分15秒")
    ctrl_enter(qtbot, dialog.duration_edit)
    assert stored(office_db, "animation")[title].extra == {"duration": "3分15秒", "link": VIDEO}
    assert "还没有填写视频链接" not in dialog.about.text()


def test_an_unknown_placeholder_in_the_title_is_told_beside_the_title(
    qtbot: QtBot, office_db: Database, dialog: OutreachContentDialog
) -> None:
    kind(dialog, "broadcast")
    pick(qtbot, dialog, LOANS.title)
    retype(qtbot, dialog.title_edit, "{村子}的借款纠纷")
    click(qtbot, dialog.save_button)
    assert field_error(dialog, oc.TITLE_FIELD).startswith("“{村子}”不是能自动填写的项目")
    assert dialog.title_edit.text() == "{村子}的借款纠纷"
    assert override_rows(office_db) == 0


def test_unsaved_edits_are_kept_when_the_user_says_keep_editing(
    qtbot: QtBot, office_db: Database, dialog: OutreachContentDialog, boxes: Boxes
) -> None:
    kind(dialog, "broadcast")
    pick(qtbot, dialog, LOANS.title)
    type_text(qtbot, dialog.body, "（请在赶集日播放）")
    edited = dialog.body.toPlainText()
    pick(qtbot, dialog, SHIPPED["broadcast_land"].title)  # answered "继续修改"
    assert boxes.titles() == [DISCARD_TITLE]
    assert LOANS.title in boxes.texts()
    assert dialog.title_edit.text() == LOANS.title
    assert dialog.body.toPlainText() == edited
    assert dialog.view.currentIndex().row() == titles(dialog).index(LOANS.title)
    # Another kind, 新增 and closing ask too, and keep the edit.
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("card"))
    assert dialog.kind() == "broadcast"
    assert dialog.kind_combo.currentText() == "大喇叭广播稿"
    click(qtbot, dialog.new_button)
    qtbot.keyClick(dialog.body, Qt.Key.Key_Escape)
    assert dialog.isVisible() and dialog.body.toPlainText() == edited
    assert boxes.titles() == [DISCARD_TITLE] * 4

    boxes.answer = True  # "放弃修改"
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("card"))
    assert dialog.kind() == "card"
    assert titles(dialog) == ["矛盾纠纷 找人民调解", "有事找谁"]
    assert dialog.title_edit.text() == CARD_FRONT.title
    assert override_rows(office_db) == 0  # the discarded edit was never saved


@pytest.mark.usefixtures("real_boxes")
def test_the_real_question_keeps_or_drops_the_edit(
    qtbot: QtBot, office_db: Database, dialog: OutreachContentDialog
) -> None:
    pick(qtbot, dialog, "有事找谁")
    type_text(qtbot, dialog.body, "（背面）")
    edited = dialog.body.toPlainText()
    pick(qtbot, dialog, CARD_FRONT.title)
    box = message_boxes.wait_for_box(qtbot, DISCARD_TITLE)
    assert dialog.view.currentIndex().row() == titles(dialog).index("有事找谁")
    message_boxes.click(qtbot, box, "继续修改")
    assert dialog.body.toPlainText() == edited

    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("animation"))
    box = message_boxes.wait_for_box(qtbot, DISCARD_TITLE)
    assert dialog.kind_combo.currentText() == "明白卡"  # stays while asking
    message_boxes.click(qtbot, box, "放弃修改")
    assert dialog.kind() == "animation"
    assert dialog.kind_combo.currentText() == "微动漫"
    assert len(titles(dialog)) == 4
    assert override_rows(office_db) == 0
    with qtbot.waitSignal(dialog.finished):
        qtbot.keyClick(dialog.view, Qt.Key.Key_Escape)  # nothing unsaved: closes at once


# --------------------------------------------------------------------------- helpers


def test_reading_time_and_preview() -> None:
    assert reading_time("") == "约0秒"
    assert reading_time("字" * 220) == "约1分钟"
    assert reading_time("字" * 330) == "约1分30秒"
    assert preview_text("card", "{村名}", "电话：{调解员电话}") == "红旗村\n\n电话：13812345678"
    assert preview_text("animation", "片名", "简介", "", "").endswith(
        "时长：（未填写）\n链接：（还没有填写链接：海报上印不出二维码）"
    )

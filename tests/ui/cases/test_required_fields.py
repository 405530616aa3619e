"""Required fields carry a red * after their label, the one way every form marks them;
saving a form with problems marks every one under its field, lists them all once (field:
what to do) above the buttons, and puts the cursor in the first; nothing is saved."""

from __future__ import annotations

from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QPoint
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from app.models.db import Database
from app.ui.cases.party_form import PartyDialog
from app.ui.cases.register_dialog import RegisterDialog
from app.ui.cases.service_dialog import ServiceDialog
from app.ui.cases.widgets import Caption, FieldBox
from app.ui.look import ERROR
from app.ui.office_details_dialog import OfficeDetailsDialog
from tests.ui.cases.helpers import (
    mediating,
    open_action,
    open_window,
    qt_application,
    register,
    valid_id,
    wrong_check_digit,
)
from tests.ui.message_boxes import Boxes
from tests.ui.user import choose, click, show_dialog, type_text


def starred(dialog: ServiceDialog) -> list[str]:
    """The labels shown with a star, top to bottom."""
    boxes = [
        b
        for b in dialog.findChildren(FieldBox)
        if b.required and b.caption is not None and b.isVisibleTo(dialog)
    ]
    boxes.sort(key=lambda b: (b.mapTo(dialog, QPoint()).y(), b.mapTo(dialog, QPoint()).x()))
    return [b.title() for b in boxes]


def red_star_drawn(caption: Caption) -> bool:
    """Pixels of the error red right of the label's text, as the user sees the *."""
    image: QImage = caption.grab().toImage()
    text_right = caption.width() - caption.contentsMargins().right()
    red = QColor(ERROR)
    for x in range(text_right, image.width()):
        for y in range(image.height()):
            c = image.pixelColor(x, y)
            if abs(c.red() - red.red()) < 60 and c.green() < 90 and c.blue() < 90:
                return True
    return False


def listed(dialog: ServiceDialog) -> list[str]:
    """The lines of the list of problems (after its heading)."""
    assert dialog.banner.isVisible()
    return dialog.banner.text().splitlines()[1:]


def still_open(dialog: ServiceDialog) -> bool:
    return shiboken6.isValid(dialog) and dialog.isVisible()


def cases_saved(db: Database) -> int:
    return int(db.scalar("SELECT count(*) FROM cases"))


# ---------------------------------------------------------------------- the stars


def test_the_registration_stars_exactly_what_must_be_filled(
    open_register_dialog: Callable[[], RegisterDialog], qtbot: QtBot
) -> None:
    dialog = open_register_dialog()
    assert starred(dialog) == [
        "申请人1·姓名",
        "被申请人1·姓名",
        "纠纷类型",
        "案件来源",
        "登记日期",
        "纠纷简要情况",
    ]
    for box in dialog.findChildren(FieldBox):
        if box.caption is not None and box.isVisibleTo(dialog):
            assert red_star_drawn(box.caption) == box.required, box.title()
            assert box.caption.text() == box.title().split("·")[-1]  # the label stays plain
    assert dialog.hint.text().startswith("带 * 的必须填写")

    # An organisation's name is just as required.
    a1 = dialog.side_a.forms[0]
    click(qtbot, a1.org_radio)
    assert a1.name_box.caption is not None
    assert a1.name_box.caption.text() == "单位名称"
    assert red_star_drawn(a1.name_box.caption)


def test_a_star_follows_the_type_size(
    open_register_dialog: Callable[[], RegisterDialog], restore_font: None
) -> None:
    from app.ui.application import apply_font_size

    dialog = open_register_dialog()
    caption = dialog.side_a.forms[0].name_box.caption
    assert caption is not None
    before = caption.contentsMargins().right()
    apply_font_size(qt_application(), "xlarge")
    assert caption.contentsMargins().right() > before
    assert red_star_drawn(caption)


# ---------------------------------------------------------------------- every problem at once


def test_an_empty_registration_lists_every_problem_at_once(
    open_register_dialog: Callable[[], RegisterDialog], office_db: Database, boxes: Boxes
) -> None:
    dialog = open_register_dialog()
    dialog.save_button.click()
    assert still_open(dialog)
    assert dialog.banner.text().splitlines()[0] == "有 4 处需要补填或改正（各项下面有红字说明）："
    assert listed(dialog) == [
        "1. 申请人1·姓名：请填写姓名。",
        "2. 被申请人1·姓名：请填写姓名。",
        "3. 纠纷类型：请从列表中选择纠纷类型。",
        "4. 纠纷简要情况：请填写纠纷简要情况。写清楚发生了什么事、双方争的是什么。",
    ]
    marked = [b.title() for b in dialog.findChildren(FieldBox) if b.has_error]
    assert sorted(marked) == sorted(["申请人1·姓名", "被申请人1·姓名", "纠纷类型", "纠纷简要情况"])
    assert QApplication.focusWidget() is dialog.side_a.forms[0].name
    assert boxes.calls == []  # no message box to click away
    assert cases_saved(office_db) == 0


def test_every_problem_of_a_party_is_found_not_only_the_first(
    qtbot: QtBot, open_register_dialog: Callable[[], RegisterDialog], office_db: Database
) -> None:
    dialog = open_register_dialog()
    a1, b1 = dialog.side_a.forms[0], dialog.side_b.forms[0]
    type_text(qtbot, a1.name, "张三")
    type_text(qtbot, a1.phone, "123")
    type_text(qtbot, b1.phone, "139123")
    type_text(qtbot, a1.id_number, wrong_check_digit(valid_id()))
    choose(dialog.category, "邻里")
    type_text(qtbot, dialog.facts, "两家因围墙发生争执。")
    dialog.save_button.click()
    lines = listed(dialog)
    assert len(lines) == 4
    assert lines[0].startswith("1. 申请人1·联系电话：联系电话“123”不像有效的号码")
    assert lines[1].startswith("2. 申请人1·证件号码：") and "校验" in lines[1]
    assert lines[2] == "3. 被申请人1·姓名：请填写姓名。"
    # A message that names its field is not prefixed with the name twice.
    assert (
        lines[3] == "4. 被申请人1·联系电话：手机号应为 11 位，现在是 6 位，请检查是否漏输了数字。"
    )
    assert a1.phone_box.has_error and a1.id_number_box.has_error and b1.name_box.has_error
    assert QApplication.focusWidget() is a1.phone
    assert cases_saved(office_db) == 0

    # Put right, the registration goes through.
    for widget, text in ((a1.phone, "13812345678"), (b1.name, "李四"), (b1.phone, "")):
        widget.clear()
        type_text(qtbot, widget, text)
    a1.id_number.clear()
    type_text(qtbot, a1.id_number, valid_id())
    with qtbot.waitSignal(dialog.registered, timeout=3000):
        dialog.save_button.click()
    assert cases_saved(office_db) == 1


def test_a_long_list_counts_what_it_does_not_name(
    qtbot: QtBot, open_register_dialog: Callable[[], RegisterDialog]
) -> None:
    dialog = open_register_dialog()
    for side in ("a", "b"):
        dialog.add_party(side)
        dialog.add_party(side)
    dialog.save_button.click()
    text = dialog.banner.text().splitlines()
    assert text[0].startswith("有 8 处需要补填或改正")
    assert text[1:7] == [
        f"{i}. {who}·姓名：请填写姓名。"
        for i, who in enumerate(
            ["申请人1", "申请人2", "申请人3", "被申请人1", "被申请人2", "被申请人3"], start=1
        )
    ]
    assert text[7] == "……还有 2 处，见各项下面的红字。"


def test_one_problem_is_told_under_its_field_alone(
    qtbot: QtBot, office_db: Database, track: list[QWidget]
) -> None:
    dialog = PartyDialog(office_db, register(office_db))
    show_dialog(qtbot, dialog, track)
    assert starred(dialog) == ["身份", "申请人·姓名"]
    dialog.save_button.click()
    assert still_open(dialog)
    assert dialog.party_form.name_box.error.text() == "请填写姓名。"
    assert not dialog.banner.isVisible()
    assert QApplication.focusWidget() is dialog.party_form.name


def test_a_session_record_lists_its_missing_place_and_record(
    qtbot: QtBot, office_db: Database
) -> None:
    window = open_window(qtbot, office_db, mediating(office_db))
    dialog = open_action(qtbot, window, "record_session")
    assert starred(dialog) == ["调解时间", "调解地点", "调解内容"]
    dialog.save_button.click()
    assert listed(dialog) == ["1. 调解地点：请填写调解地点。", "2. 调解内容：请填写调解内容。"]
    assert QApplication.focusWidget() is dialog.place
    assert len(window.case.sessions) == 1  # only the one made by the helper


def test_the_office_details_say_every_wrong_field_at_once(
    qtbot: QtBot, office_db: Database, track: list[QWidget]
) -> None:
    dialog = OfficeDetailsDialog(office_db)
    show_dialog(qtbot, dialog, track)
    assert starred(dialog) == []  # nothing is required: the forms print what is there
    assert not dialog.hint.text().startswith("带 *")
    type_text(qtbot, dialog.seal_text, "青" * 41)
    type_text(qtbot, dialog.phone, "1381234567")
    type_text(qtbot, dialog.court_name, "青山县")
    dialog.save_button.click()
    lines = listed(dialog)
    assert [line.split("：", 1)[0] for line in lines] == [
        "1. 印章文字",
        "2. 联系电话",
        "3. 司法确认法院",
    ]
    assert "以“法院”结尾" in lines[2]
    assert QApplication.focusWidget() is dialog.seal_text

"""登记纠纷 driven from the keyboard: typing, ID auto-fill, shortcuts, and every bad input."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from app.models.casefile import load_case
from app.models.db import Database
from app.models.identity import uscc_check_char
from app.ui.cases.party_form import PartyForm
from app.ui.cases.register_dialog import RegisterDialog
from app.ui.messages import STORAGE_ERROR_TITLE
from app.ui.ui_settings import FONT_SIZES
from tests.ui.cases.helpers import database_locked, type_size, valid_id, wrong_check_digit
from tests.ui.message_boxes import Boxes
from tests.ui.user import choose, ctrl_enter, show_dialog, type_text

FACTS = "张三与李四两家因宅基地边界的围墙发生争执，多次争吵。"


def case_count(db: Database) -> int:
    return int(db.scalar("SELECT count(*) FROM cases"))


def nothing_saved(db: Database) -> bool:
    """A refused registration leaves no case, party, link, history or search row behind."""
    tables = ("cases", "parties", "case_parties", "case_events", "case_search")
    return all(db.scalar(f"SELECT count(*) FROM {t}") == 0 for t in tables)


def fill_valid(qtbot: QtBot, dialog: RegisterDialog) -> None:
    """Everything a valid registration needs, typed."""
    a1, b1 = dialog.side_a.forms[0], dialog.side_b.forms[0]
    type_text(qtbot, a1.name, "张三")
    type_text(qtbot, a1.id_number, valid_id())
    type_text(qtbot, a1.phone, "13812345678")
    type_text(qtbot, a1.address, "红旗村3组12号")
    type_text(qtbot, b1.name, "李四")
    type_text(qtbot, b1.phone, "0571-87654321")
    choose(dialog.category, "邻里")
    choose(dialog.village, "红旗村")
    type_text(qtbot, dialog.facts, FACTS)
    type_text(qtbot, dialog.requests, "请求李四拆除越界的围墙。")


def error_text(form: PartyForm, field: str) -> str:
    box = form.box_for(field)
    assert box is not None
    return box.error.text() if box.has_error else ""


# ---------------------------------------------------------------------- the happy path


def test_register_two_parties_from_the_keyboard(
    qtbot: QtBot, open_register_dialog: Callable[[], RegisterDialog], office_db: Database
) -> None:
    dialog = open_register_dialog()
    fill_valid(qtbot, dialog)
    a1 = dialog.side_a.forms[0]
    # A valid 18-digit ID fills 性别 and 出生日期 as soon as it is complete.
    assert a1.sex.currentText() == "男"
    assert a1.birth.text() == "1985-03-07"
    with qtbot.waitSignal(dialog.registered, timeout=2000) as signal:
        ctrl_enter(qtbot, dialog.requests)
    case = load_case(office_db, signal.args[0])
    assert case.state == "registered"
    assert case.category == "邻里"
    assert case.village_name == "红旗村"
    assert case.facts == FACTS
    assert case.registered_on == date.today()
    applicant, respondent = case.parties
    assert (applicant.role, applicant.name, applicant.sex) == ("applicant", "张三", "男")
    assert applicant.birth_date == date(1985, 3, 7)
    assert applicant.ethnicity == "汉族"
    assert (respondent.role, respondent.name, respondent.phone) == (
        "respondent",
        "李四",
        "0571-87654321",
    )
    assert not shiboken6.isValid(dialog) or not dialog.isVisible()


def test_female_id_and_rare_name_are_kept(
    qtbot: QtBot, open_register_dialog: Callable[[], RegisterDialog], office_db: Database
) -> None:
    dialog = open_register_dialog()
    fill_valid(qtbot, dialog)
    a1 = dialog.side_a.forms[0]
    a1.name.clear()
    type_text(qtbot, a1.name, "王𠮷英")
    a1.id_number.clear()
    type_text(qtbot, a1.id_number, valid_id(birth="19620228", order="004"))
    assert (a1.sex.currentText(), a1.birth.text()) == ("女", "1962-02-28")
    with qtbot.waitSignal(dialog.registered, timeout=2000) as signal:
        dialog.save_button.click()
    case = load_case(office_db, signal.args[0])
    assert case.parties[0].name == "王𠮷英"
    assert case.parties[0].sex == "女"


def test_several_parties_per_side_with_shortcuts(
    qtbot: QtBot, open_register_dialog: Callable[[], RegisterDialog], office_db: Database
) -> None:
    dialog = open_register_dialog()
    fill_valid(qtbot, dialog)
    qtbot.keyClick(dialog.facts, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    assert len(dialog.side_a.forms) == 2
    a2 = dialog.side_a.forms[1]
    assert dialog.focusWidget() is a2.name  # ready to type the new party's name
    assert a2.title.text() == "申请人2"
    type_text(qtbot, a2.name, "张小三")
    qtbot.keyClick(a2.name, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)
    b2 = dialog.side_b.forms[1]
    assert dialog.focusWidget() is b2.name
    assert b2.title.text() == "被申请人2"
    type_text(qtbot, b2.name, "李小四")
    # Alt+Delete removes the party being typed (it has input, so it asks first).
    qtbot.keyClick(b2.name, Qt.Key.Key_Delete, Qt.KeyboardModifier.AltModifier)
    assert len(dialog.side_b.forms) == 2  # the box was answered "no"
    type_text(qtbot, b2.name, "x")
    with qtbot.waitSignal(dialog.registered, timeout=2000) as signal:
        ctrl_enter(qtbot, a2.name)
    case = load_case(office_db, signal.args[0])
    assert [(p.role, p.name) for p in case.parties] == [
        ("applicant", "张三"),
        ("applicant", "张小三"),
        ("respondent", "李四"),
        ("respondent", "李小四x"),
    ]


def test_alt_delete_removes_the_focused_party_after_confirming(
    qtbot: QtBot, open_register_dialog: Callable[[], RegisterDialog], boxes: Boxes
) -> None:
    dialog = open_register_dialog()
    qtbot.keyClick(dialog.side_a.forms[0].name, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    a2 = dialog.side_a.forms[1]
    # An empty form goes without a question.
    qtbot.keyClick(a2.name, Qt.Key.Key_Delete, Qt.KeyboardModifier.AltModifier)
    assert len(dialog.side_a.forms) == 1
    assert boxes.calls == []
    qtbot.keyClick(dialog.side_a.forms[0].name, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    a2 = dialog.side_a.forms[1]
    type_text(qtbot, a2.name, "张小三")
    boxes.answer = True
    qtbot.keyClick(a2.name, Qt.Key.Key_Delete, Qt.KeyboardModifier.AltModifier)
    assert len(dialog.side_a.forms) == 1
    assert boxes.kinds() == ["confirm"]
    assert "申请人2" in boxes.texts()
    # The last form of a side cannot be removed.
    assert not dialog.side_a.forms[0].remove_button.isEnabled()


def test_committee_initiated_case_has_plain_parties(
    qtbot: QtBot, open_register_dialog: Callable[[], RegisterDialog], office_db: Database
) -> None:
    dialog = open_register_dialog()
    fill_valid(qtbot, dialog)
    choose(dialog.source, "调委会主动调解")
    assert dialog.side_a.heading.text() == "一方当事人"
    assert [f.title.text() for f in dialog.all_forms()] == ["当事人1", "当事人2"]
    with qtbot.waitSignal(dialog.registered, timeout=2000) as signal:
        ctrl_enter(qtbot, dialog.facts)
    case = load_case(office_db, signal.args[0])
    assert {p.role for p in case.parties} == {"party"}
    assert case.source == "initiative"


def test_organisation_party(
    qtbot: QtBot, open_register_dialog: Callable[[], RegisterDialog], office_db: Database
) -> None:
    dialog = open_register_dialog()
    fill_valid(qtbot, dialog)
    b1 = dialog.side_b.forms[0]
    qtbot.mouseClick(b1.org_radio, Qt.MouseButton.LeftButton)
    assert b1.org_code.isVisible() and not b1.id_number.isVisible()
    assert b1.name_box.caption is not None and b1.name_box.caption.text() == "单位名称"
    b1.name.clear()
    type_text(qtbot, b1.name, "青山建材有限公司")
    first17 = "91330102MA2ABCDE1"
    good = first17 + uscc_check_char(first17)
    wrong = first17 + ("0" if good[-1] != "0" else "1")
    type_text(qtbot, b1.org_code, wrong)
    dialog.save_button.click()
    assert "校验码" in error_text(b1, "统一社会信用代码")
    assert nothing_saved(office_db)
    b1.org_code.clear()
    type_text(qtbot, b1.org_code, good)
    type_text(qtbot, b1.legal_rep, "赵六")
    with qtbot.waitSignal(dialog.registered, timeout=2000) as signal:
        dialog.save_button.click()
    org = load_case(office_db, signal.args[0]).parties[1]
    assert (org.kind, org.name, org.legal_rep) == ("org", "青山建材有限公司", "赵六")


# ---------------------------------------------------------------------- keyboard


def test_enter_moves_to_the_next_field_and_never_saves(
    qtbot: QtBot, open_register_dialog: Callable[[], RegisterDialog], office_db: Database
) -> None:
    dialog = open_register_dialog()
    a1 = dialog.side_a.forms[0]
    type_text(qtbot, a1.name, "张三")
    qtbot.keyClick(a1.name, Qt.Key.Key_Return)
    assert dialog.focusWidget() is a1.phone
    qtbot.keyClick(a1.phone, Qt.Key.Key_Return)
    assert dialog.focusWidget() is a1.id_type
    assert dialog.isVisible()
    assert nothing_saved(office_db)


def test_tab_order_follows_the_visual_order(
    qtbot: QtBot, open_register_dialog: Callable[[], RegisterDialog]
) -> None:
    dialog = open_register_dialog()
    qtbot.keyClick(dialog.side_b.forms[0].name, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    a1, a2 = dialog.side_a.forms
    b1 = dialog.side_b.forms[0]
    a1.name.setFocus()
    visited = []
    for _ in range(80):
        focus = QApplication.focusWidget()
        assert focus is not None
        visited.append(focus)
        if focus is dialog.requests:
            break
        qtbot.keyClick(focus, Qt.Key.Key_Tab)
    order = [
        a1.name,
        a1.phone,
        a1.id_number,
        a1.address,
        a2.name,
        dialog.side_a.add_button,
        b1.name,
        dialog.side_b.add_button,
        dialog.category,
        dialog.source,
        dialog.village,
        dialog.registered_on,
        dialog.facts,
        dialog.requests,
    ]

    def position(widget: object) -> int:
        # Composite inputs (editable combo, date edit) take focus on an inner line edit.
        for i, w in enumerate(visited):
            if w is widget or w.parent() is widget:
                return i
        raise AssertionError(f"Tab never reached {widget}")

    positions = [position(w) for w in order]
    assert positions == sorted(positions)


def test_escape_asks_before_dropping_typed_text(
    qtbot: QtBot, open_register_dialog: Callable[[], RegisterDialog], boxes: Boxes
) -> None:
    dialog = open_register_dialog()
    type_text(qtbot, dialog.side_a.forms[0].name, "张三")
    qtbot.keyClick(dialog.side_a.forms[0].name, Qt.Key.Key_Escape)
    assert boxes.kinds() == ["confirm"]
    assert dialog.isVisible()
    assert dialog.side_a.forms[0].name.text() == "张三"
    boxes.answer = True
    qtbot.keyClick(dialog.side_a.forms[0].name, Qt.Key.Key_Escape)
    assert not shiboken6.isValid(dialog) or not dialog.isVisible()


def test_escape_on_an_untouched_form_just_closes(
    qtbot: QtBot, open_register_dialog: Callable[[], RegisterDialog], boxes: Boxes
) -> None:
    dialog = open_register_dialog()
    qtbot.keyClick(dialog.side_a.forms[0].name, Qt.Key.Key_Escape)
    assert not shiboken6.isValid(dialog) or not dialog.isVisible()
    assert boxes.calls == []


# ---------------------------------------------------------------------- bad inputs


def test_invalid_id_is_shown_beside_the_field_and_nothing_is_lost(
    qtbot: QtBot,
    open_register_dialog: Callable[[], RegisterDialog],
    office_db: Database,
    boxes: Boxes,
) -> None:
    dialog = open_register_dialog()
    fill_valid(qtbot, dialog)
    a1 = dialog.side_a.forms[0]
    bad = wrong_check_digit(valid_id())
    a1.id_number.clear()
    a1.sex.setCurrentIndex(0)
    a1.birth.clear()
    type_text(qtbot, a1.id_number, bad)
    # Told at once, before saving; nothing auto-filled from a wrong number.
    assert "校验码" in error_text(a1, "身份证号")
    assert a1.sex.currentText() == ""
    dialog.side_b.forms[0].name.setFocus()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    message = error_text(a1, "身份证号")
    assert message.startswith("申请人1：")
    assert "校验码" in message
    assert dialog.focusWidget() is a1.id_number
    assert dialog.isVisible()
    assert boxes.calls == []
    assert nothing_saved(office_db)
    # Everything typed is still there.
    assert a1.id_number.text() == bad
    assert a1.name.text() == "张三"
    assert a1.phone.text() == "13812345678"
    assert dialog.side_b.forms[0].name.text() == "李四"
    assert dialog.category.currentText() == "邻里"
    assert dialog.facts.toPlainText() == FACTS
    # Correcting it clears the message and saves.
    a1.id_number.clear()
    type_text(qtbot, a1.id_number, valid_id())
    assert error_text(a1, "身份证号") == ""
    with qtbot.waitSignal(dialog.registered, timeout=2000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert case_count(office_db) == 1


def test_invalid_id_of_the_second_applicant_lands_on_that_form(
    qtbot: QtBot, open_register_dialog: Callable[[], RegisterDialog], office_db: Database
) -> None:
    dialog = open_register_dialog()
    fill_valid(qtbot, dialog)
    dialog.side_a.add_button.click()
    a2 = dialog.side_a.forms[1]
    type_text(qtbot, a2.name, "张小三")
    type_text(qtbot, a2.id_number, "33010219850307")  # too short
    dialog.save_button.click()
    assert "应为 18 位" in error_text(a2, "身份证号")
    assert error_text(dialog.side_a.forms[0], "身份证号") == ""
    assert dialog.focusWidget() is a2.id_number
    assert nothing_saved(office_db)


def test_empty_facts(
    qtbot: QtBot, open_register_dialog: Callable[[], RegisterDialog], office_db: Database
) -> None:
    dialog = open_register_dialog()
    fill_valid(qtbot, dialog)
    dialog.facts.clear()
    type_text(qtbot, dialog.facts, "   ")
    dialog.save_button.click()
    box = dialog.errors.find("纠纷简要情况")
    assert box is not None and box.has_error
    assert "请填写纠纷简要情况" in box.error.text()
    assert dialog.focusWidget() is dialog.facts
    assert nothing_saved(office_db)
    assert dialog.requests.toPlainText() == "请求李四拆除越界的围墙。"


def test_no_category_chosen(
    qtbot: QtBot, open_register_dialog: Callable[[], RegisterDialog], office_db: Database
) -> None:
    dialog = open_register_dialog()
    fill_valid(qtbot, dialog)
    dialog.category.setCurrentIndex(-1)
    dialog.save_button.click()
    box = dialog.errors.find("纠纷类型")
    assert box is not None and "纠纷类型" in box.error.text()
    assert nothing_saved(office_db)


def test_invalid_phone_of_the_respondent(
    qtbot: QtBot, open_register_dialog: Callable[[], RegisterDialog], office_db: Database
) -> None:
    dialog = open_register_dialog()
    fill_valid(qtbot, dialog)
    b1 = dialog.side_b.forms[0]
    b1.phone.clear()
    type_text(qtbot, b1.phone, "1381234")
    ctrl_enter(qtbot, dialog.facts)
    message = error_text(b1, "联系电话")
    assert message.startswith("被申请人1：")
    assert "11 位" in message
    assert dialog.focusWidget() is b1.phone
    assert b1.phone.text() == "1381234"
    assert nothing_saved(office_db)


def test_invalid_agent_phone_is_marked_on_the_agent_field(
    qtbot: QtBot, open_register_dialog: Callable[[], RegisterDialog], office_db: Database
) -> None:
    dialog = open_register_dialog()
    fill_valid(qtbot, dialog)
    a1 = dialog.side_a.forms[0]
    qtbot.mouseClick(a1.has_agent, Qt.MouseButton.LeftButton)
    assert a1.agent_name.isVisible()
    type_text(qtbot, a1.agent_name, "王律师")
    type_text(qtbot, a1.agent_phone, "12345abc")
    dialog.save_button.click()
    assert "代理人电话" in error_text(a1, "代理人电话")
    assert error_text(a1, "联系电话") == ""
    assert nothing_saved(office_db)


def test_birth_date_that_is_not_a_date(
    qtbot: QtBot, open_register_dialog: Callable[[], RegisterDialog], office_db: Database
) -> None:
    dialog = open_register_dialog()
    fill_valid(qtbot, dialog)
    b1 = dialog.side_b.forms[0]
    type_text(qtbot, b1.birth, "1970-13-45")
    dialog.save_button.click()
    assert "看不懂" in error_text(b1, "出生日期")
    assert nothing_saved(office_db)
    b1.birth.clear()
    type_text(qtbot, b1.birth, "1970年3月8日")
    with qtbot.waitSignal(dialog.registered, timeout=2000) as signal:
        dialog.save_button.click()
    assert load_case(office_db, signal.args[0]).parties[1].birth_date == date(1970, 3, 8)


def test_birth_date_as_offices_write_it(
    qtbot: QtBot, open_register_dialog: Callable[[], RegisterDialog], office_db: Database
) -> None:
    """The field reads dates as the 台账 import does (app/models/parsing): a date without a
    year asks for it, and a date in characters is taken."""
    dialog = open_register_dialog()
    fill_valid(qtbot, dialog)
    b1 = dialog.side_b.forms[0]
    type_text(qtbot, b1.birth, "3月8日")
    dialog.save_button.click()
    assert error_text(b1, "出生日期") == (
        "被申请人1·出生日期“3月8日”没有写年份，请写成 2026-03-08 或 2026年3月8日 这样的完整日期。"
    )
    assert nothing_saved(office_db)
    b1.birth.clear()
    type_text(qtbot, b1.birth, "一九七〇年三月八日")
    with qtbot.waitSignal(dialog.registered, timeout=2000) as signal:
        dialog.save_button.click()
    assert load_case(office_db, signal.args[0]).parties[1].birth_date == date(1970, 3, 8)


def test_registration_date_in_the_future(
    qtbot: QtBot, open_register_dialog: Callable[[], RegisterDialog], office_db: Database
) -> None:
    dialog = open_register_dialog()
    fill_valid(qtbot, dialog)
    dialog.registered_on.setDate(dialog.registered_on.date().addDays(3))
    dialog.save_button.click()
    box = dialog.errors.find("登记日期")
    assert box is not None and "晚于今天" in box.error.text()
    assert nothing_saved(office_db)


def test_missing_party_name(
    qtbot: QtBot, open_register_dialog: Callable[[], RegisterDialog], office_db: Database
) -> None:
    dialog = open_register_dialog()
    fill_valid(qtbot, dialog)
    dialog.side_b.forms[0].name.clear()
    dialog.save_button.click()
    assert "姓名" in error_text(dialog.side_b.forms[0], "姓名")
    assert dialog.focusWidget() is dialog.side_b.forms[0].name
    assert nothing_saved(office_db)


def test_errors_clear_on_the_next_attempt(
    qtbot: QtBot, open_register_dialog: Callable[[], RegisterDialog]
) -> None:
    dialog = open_register_dialog()
    fill_valid(qtbot, dialog)
    b1 = dialog.side_b.forms[0]
    b1.name.clear()
    dialog.save_button.click()
    assert b1.name_box.has_error
    dialog.facts.clear()
    type_text(qtbot, b1.name, "李四")
    dialog.save_button.click()
    assert not b1.name_box.has_error  # only the current problem is shown
    facts_box = dialog.errors.find("纠纷简要情况")
    assert facts_box is not None and facts_box.has_error


def test_an_impossible_birth_date_inside_the_id(
    qtbot: QtBot, open_register_dialog: Callable[[], RegisterDialog], office_db: Database
) -> None:
    dialog = open_register_dialog()
    fill_valid(qtbot, dialog)
    a1 = dialog.side_a.forms[0]
    a1.id_number.clear()
    bad = valid_id(birth="19850230")  # the check digit is right; 30 February is not
    type_text(qtbot, a1.id_number, bad)
    assert "1985年02月30日这一天不存在" in error_text(a1, "身份证号")  # told at once
    dialog.save_button.click()
    message = error_text(a1, "身份证号")
    assert message.startswith("申请人1：") and "这一天不存在" in message
    assert a1.id_number.text() == bad
    assert nothing_saved(office_db)


def test_the_id_decides_sex_and_birth_date(
    qtbot: QtBot, open_register_dialog: Callable[[], RegisterDialog]
) -> None:
    dialog = open_register_dialog()
    a1 = dialog.side_a.forms[0]
    type_text(qtbot, a1.id_number, valid_id(birth="19620228", order="004"))
    assert (a1.sex.currentText(), a1.birth.text()) == ("女", "1962-02-28")
    # Filled from the number, so not typed over by mistake (and Tab skips them).
    assert not a1.sex.isEnabled() and not a1.birth.isEnabled()
    qtbot.keyClick(a1.id_number, Qt.Key.Key_Backspace)
    assert (a1.sex.currentText(), a1.birth.text()) == ("", "")
    assert a1.sex.isEnabled() and a1.birth.isEnabled()


def test_every_source_is_offered(open_register_dialog: Callable[[], RegisterDialog]) -> None:
    dialog = open_register_dialog()
    offered = [dialog.source.itemText(i) for i in range(dialog.source.count())]
    assert offered == [
        "当事人申请",
        "调委会主动调解",
        "排查发现",
        "公安机关移交",
        "人民法院委托",
        "信访部门移交",
        "政府部门移交",
        "其他",
    ]
    assert dialog.category.currentIndex() == -1  # no silent default for the statistics


def test_mistakes_are_reported_all_at_once_top_down(
    qtbot: QtBot, open_register_dialog: Callable[[], RegisterDialog], office_db: Database
) -> None:
    """The respondent's name and the category are both missing: both are marked and
    listed, the parties first as on the form, and the cursor goes to the first."""
    dialog = open_register_dialog()
    type_text(qtbot, dialog.side_a.forms[0].name, "张三")
    type_text(qtbot, dialog.facts, FACTS)
    dialog.save_button.click()
    b1 = dialog.side_b.forms[0]
    assert error_text(b1, "姓名") == "请填写姓名。"
    box = dialog.errors.find("纠纷类型")
    assert box is not None and box.error.text() == "请从列表中选择纠纷类型。"
    assert dialog.banner.text().splitlines()[1:] == [
        "1. 被申请人1·姓名：请填写姓名。",
        "2. 纠纷类型：请从列表中选择纠纷类型。",
    ]
    assert QApplication.focusWidget() is b1.name
    assert nothing_saved(office_db)


def test_enter_keeps_the_field_in_view(
    qtbot: QtBot, open_register_dialog: Callable[[], RegisterDialog]
) -> None:
    dialog = open_register_dialog()
    focus = dialog.focusWidget()
    for _ in range(60):
        assert focus is not None
        if focus is dialog.facts:
            break
        qtbot.keyClick(focus, Qt.Key.Key_Return)
        focus = dialog.focusWidget()
        assert focus is not None and not focus.visibleRegion().isEmpty(), focus
    assert focus is dialog.facts
    assert [len(side.forms) for side in dialog.sides()] == [1, 1]  # no button was pressed
    assert dialog.scroll_area is not None
    assert dialog.scroll_area.verticalScrollBar().value() > 0


def test_locked_database_keeps_everything_typed(
    qtbot: QtBot,
    open_register_dialog: Callable[[], RegisterDialog],
    office_db: Database,
    boxes: Boxes,
) -> None:
    dialog = open_register_dialog()
    fill_valid(qtbot, dialog)
    with database_locked(office_db):
        dialog.save_button.click()
    assert [title for _kind, title, _text in boxes.calls] == [STORAGE_ERROR_TITLE]
    assert "已锁定" in boxes.texts()
    assert dialog.isVisible()
    assert dialog.side_a.forms[0].name.text() == "张三"
    assert dialog.facts.toPlainText() == FACTS
    assert nothing_saved(office_db)
    with qtbot.waitSignal(dialog.registered, timeout=2000):
        dialog.save_button.click()  # the other program let go: the same form saves


@pytest.mark.parametrize("size", list(FONT_SIZES))
def test_fits_the_screen_in_every_type_size(
    qtbot: QtBot, office_db: Database, track: list[QWidget], size: str
) -> None:
    with type_size(size):
        dialog = RegisterDialog(office_db)
        show_dialog(qtbot, dialog, track)
        screen = dialog.screen().availableGeometry()
        assert dialog.width() <= screen.width() and dialog.height() <= screen.height()
        assert not dialog.save_button.visibleRegion().isEmpty()
        # The two-column party form is never cut off on the right: it fits, or it scrolls.
        form = dialog.side_a.forms[0]
        right = form.phone.mapTo(dialog, form.phone.rect().topRight()).x()
        assert dialog.scroll_area is not None
        scrolls = dialog.scroll_area.horizontalScrollBar().isVisible()
        assert right <= dialog.width() or scrolls

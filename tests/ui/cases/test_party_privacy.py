"""ID numbers in the case window (docs/privacy.md): masked in the detail, shown in full on
request and recorded, corrected or erased by a 主任; the raw row of an imported case."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from app.models import accounts, search
from app.models.db import Database
from app.models.identity import mask_id_number
from app.ui import session
from app.ui.cases.case_window import TAB_PARTIES, CaseWindow
from app.ui.cases.party_form import PartyDialog
from app.ui.personal_data_dialogs import IdCorrectionDialog, ImportRowDialog
from tests.helpers import director
from tests.models import ledger_sheets as sheets
from tests.models.test_privacy import IMPORTED_ID, PHONE, import_sheet
from tests.ui.cases.helpers import field_error, open_window, refused, register, valid_id
from tests.ui.message_boxes import Boxes
from tests.ui.user import click, type_text

NUMBER = valid_id()


def shown(qtbot: QtBot, window: CaseWindow, row: int) -> str:
    window.show_tab(TAB_PARTIES)
    window.parties_view.selectRow(row)
    return window.party_detail.toPlainText()


def records(db: Database) -> list[tuple[str, str | None, str | None]]:
    return [
        (str(r[0]), r[1], r[2])
        for r in db.query("SELECT action, case_id, party_id FROM privacy_events ORDER BY rowid")
    ]


def test_the_detail_masks_the_number_until_asked_and_the_asking_is_recorded(
    qtbot: QtBot, office_db: Database, boxes: Boxes
) -> None:
    case_id = register(office_db)
    window = open_window(qtbot, office_db, case_id)
    text = shown(qtbot, window, 0)
    assert mask_id_number(NUMBER) in text and NUMBER not in text
    bar = window.privacy_bar
    assert records(office_db) == []
    click(qtbot, bar.show_button)
    assert NUMBER in window.party_detail.toPlainText()
    zhang = window.case.parties[0].party_id
    assert records(office_db) == [("show_id", case_id, zhang)]
    assert not bar.show_button.isEnabled()
    assert "李四" in shown(qtbot, window, 1)  # another party: masks again
    assert NUMBER not in shown(qtbot, window, 0)
    assert bar.show_button.isEnabled()


def test_who_sees_which_button(qtbot: QtBot, office_db: Database, boxes: Boxes) -> None:
    case_id = register(office_db)
    window = open_window(qtbot, office_db, case_id)
    shown(qtbot, window, 0)
    bar = window.privacy_bar
    assert bar.show_button.isVisible() and bar.correct_button.isVisible()
    assert not bar.raw_button.isVisible()  # not an imported case
    for role, show, correct in (("mediator", True, False), ("viewer", False, False)):
        user_id = accounts.add_user(
            office_db, name=f"用户{role}", role=role, password="password1", by=director(office_db)
        )
        session.sign_in(office_db, accounts.acting_as(office_db, user_id))
        shown(qtbot, window, 1)
        shown(qtbot, window, 0)
        assert (bar.show_button.isVisible(), bar.correct_button.isVisible()) == (show, correct)


def test_a_director_corrects_the_number_from_the_case_window(
    qtbot: QtBot, office_db: Database, boxes: Boxes, track: list[QWidget]
) -> None:
    case_id = register(office_db)
    window = open_window(qtbot, office_db, case_id)
    shown(qtbot, window, 0)
    click(qtbot, window.privacy_bar.correct_button)
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, IdCorrectionDialog)
    track.append(dialog)
    new = valid_id(order="135")
    type_text(qtbot, dialog.number, new)
    refused(qtbot, dialog)
    assert field_error(dialog, "更正原因").startswith("请填写更正原因")
    dialog.number.setText(NUMBER[:-1] + ("0" if NUMBER[-1] != "0" else "1"))
    type_text(qtbot, dialog.reason, "本人持身份证到所申请更正")
    refused(qtbot, dialog)
    assert "校验" in field_error(dialog, "新的证件号码")
    dialog.number.setText(new)
    dialog.reason.clear()
    type_text(qtbot, dialog.reason, "本人持身份证到所申请更正")
    assert dialog.save()
    assert boxes.titles()[-1] == "更正或删除证件号码"
    assert "已更正该当事人的证件号码" in boxes.calls[-1][2]
    party = window.case.parties[0]
    assert party.id_number == new  # the window read the case again
    assert mask_id_number(new) in shown(qtbot, window, 0)
    assert search.search_case_seqs(office_db.conn, NUMBER) == []
    record = office_db.one("SELECT action, data FROM privacy_events WHERE action = 'correct_id'")
    assert record is not None and NUMBER not in record["data"] and new not in record["data"]


def test_erasing_asks_first(
    qtbot: QtBot, office_db: Database, boxes: Boxes, track: list[QWidget]
) -> None:
    case_id = register(office_db)
    window = open_window(qtbot, office_db, case_id)
    shown(qtbot, window, 0)
    dialog = window.privacy_bar.open_correction()
    assert isinstance(dialog, IdCorrectionDialog)
    track.append(dialog)
    click(qtbot, dialog.erase)
    assert not dialog.number_box.isEnabled()
    type_text(qtbot, dialog.reason, "本人申请删除")
    boxes.answers["删除证件号码？"] = False
    assert not dialog.save()
    assert office_db.scalar("SELECT count(*) FROM parties WHERE id_number = ?", (NUMBER,)) == 1
    boxes.answers["删除证件号码？"] = True
    assert dialog.save()
    assert window.case.parties[0].id_number == ""
    assert "证件：" not in shown(qtbot, window, 0)


def test_opening_the_party_form_is_a_showing_too(
    qtbot: QtBot, office_db: Database, boxes: Boxes, track: list[QWidget]
) -> None:
    case_id = register(office_db)
    window = open_window(qtbot, office_db, case_id)
    shown(qtbot, window, 0)
    dialog = window.edit_selected_party()
    assert isinstance(dialog, PartyDialog)
    track.append(dialog)
    assert dialog.party_form.id_number.text() == NUMBER
    ((action, where),) = [
        (str(r[0]), json.loads(r[1])["where"])
        for r in office_db.query("SELECT action, data FROM privacy_events")
    ]
    assert (action, where) == ("show_id", "修改当事人窗口")


def test_the_raw_row_of_an_imported_case(
    qtbot: QtBot, office_db: Database, boxes: Boxes, track: list[QWidget], tmp_path: Path
) -> None:
    (case_id,) = import_sheet(
        office_db,
        tmp_path,
        [[*sheets.ledger_row("（2023）青山调字第11号", f"王五（{IMPORTED_ID}）", "赵六"), PHONE]],
    )
    window = open_window(qtbot, office_db, case_id)
    shown(qtbot, window, 0)
    assert window.privacy_bar.raw_button.isVisible()
    click(qtbot, window.privacy_bar.raw_button)
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, ImportRowDialog)
    track.append(dialog)
    assert dialog.where.text() == "文件“2023年台账.xlsx”，工作表“台账”，第 2 行"
    cells = [dialog.table.item(r, 0) for r in range(dialog.table.rowCount())]
    columns = [cell.text() for cell in cells if cell is not None]
    assert "申请人电话" in columns
    dialog.table.selectRow(columns.index("申请人电话"))
    assert dialog.cell.text() == PHONE
    dialog.cell.clear()
    click(qtbot, dialog.save_cell_button)
    assert "申请人电话" not in dialog.row.cells
    boxes.answers["清除台账原始行"] = True
    click(qtbot, dialog.clear_button)
    assert dialog.row.cleared and dialog.table.rowCount() == 0
    assert [r[0] for r in records(office_db)] == [
        "show_id",
        "correct_import_row",
        "clear_import_row",
    ]


def test_the_dialog_names_the_persons_other_cases_and_erases_there_too(
    qtbot: QtBot, office_db: Database, boxes: Boxes, track: list[QWidget]
) -> None:
    """张三 came twice: each case has its own row of him. The dialog says where else his
    number is, the question says they go too, and afterwards neither case holds it."""
    first = register(office_db)
    second = register(office_db, facts="张三再次来访。")
    window = open_window(qtbot, office_db, first)
    shown(qtbot, window, 0)
    dialog = window.privacy_bar.open_correction()
    assert isinstance(dialog, IdCorrectionDialog)
    track.append(dialog)
    other = office_db.scalar("SELECT registered_on FROM cases WHERE id = ?", (second,))
    assert dialog.elsewhere.isVisible()
    assert dialog.elsewhere.text().startswith("此号码还出现在另外 1 件案件中：")
    assert f"{other}登记的案件" in dialog.elsewhere.text()
    click(qtbot, dialog.erase)
    type_text(qtbot, dialog.reason, "本人申请删除")
    boxes.answers["删除证件号码？"] = True
    assert dialog.save()
    asked = [c for c in boxes.calls if c[1] == "删除证件号码？"]
    assert asked and "包括另外 1 件案件中的" in asked[-1][2]
    assert office_db.scalar("SELECT count(*) FROM parties WHERE id_number = ?", (NUMBER,)) == 0
    assert "共 2 件案件" in boxes.calls[-1][2]


def test_one_case_only_shows_no_other_cases_row(
    qtbot: QtBot, office_db: Database, boxes: Boxes, track: list[QWidget]
) -> None:
    window = open_window(qtbot, office_db, register(office_db))
    shown(qtbot, window, 0)
    dialog = window.privacy_bar.open_correction()
    assert isinstance(dialog, IdCorrectionDialog)
    track.append(dialog)
    assert not dialog.elsewhere.isVisible()

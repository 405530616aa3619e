"""从 Excel 台账导入 with a hand-made ledger (issue 11), as the user walks it: the one question
about closings without a date on the columns page, the preview that says what was chosen
and which year "5月6日" took, the skipped rows with their reasons, adding an unknown
village in place, and the import that ends with every case in; then the mark on the case
window and the register."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot

from app.models import office
from app.models.casefile import load_case
from app.models.db import Database
from app.models.register import RegisterFilter
from app.ui.cases.case_pages import agreement_html
from app.ui.ledger.import_pages import COL_CLOSED, PreviewPage
from app.ui.ledger.import_wizard import ImportWizard, Step
from app.ui.register_model import COL_CLOSED as REGISTER_CLOSED
from app.ui.register_model import RegisterModel
from tests.conftest import TODAY
from tests.models import ledger_sheets as sheets
from tests.ui.ledger.conftest import answer_file_dialog, choose_file
from tests.ui.message_boxes import Boxes
from tests.ui.user import choose, click

H = sheets.H


def items(view: Any) -> list[str]:
    return [view.item(i).text() for i in range(view.count())]


def tab_texts(page: PreviewPage) -> list[str]:
    return [page.tabs.tabText(i) for i in range(page.tabs.count())]


def to_columns(qtbot: QtBot, wizard: ImportWizard, path: Path) -> None:
    choose_file(qtbot, wizard, path)
    assert wizard.header_row() == 3
    click(qtbot, wizard.next_button)
    assert wizard.step == Step.COLUMNS


def to_preview(qtbot: QtBot, wizard: ImportWizard) -> None:
    with qtbot.waitSignal(wizard.ready, timeout=20000):
        click(qtbot, wizard.next_button)
    assert wizard.step == Step.PREVIEW


def test_a_handmade_ledger_from_file_to_every_case_imported(
    qtbot: QtBot, wizard: ImportWizard, office_db: Database, tmp_path: Path, boxes: Boxes
) -> None:
    to_columns(qtbot, wizard, sheets.handmade_xlsx(tmp_path / "青山镇台账.xlsx"))

    # 3. the columns: the one question, nothing chosen for the user
    page = wizard.columns_page
    closing = page.closing
    assert wizard.mapping() == sheets.HANDMADE_MAPPING
    assert closing.isVisible()
    assert closing.question.text() == (
        "表格中有 8 行写了调解结果，但没有结案日期。这些案件的结案日期怎样记？"
    )
    assert closing.choice() is None
    assert not wizard.next_button.isEnabled()
    assert page.error.isVisible()
    assert page.error.text() == "请选择这 8 行的结案日期怎样记（在上面三项中选一项）。"
    assert closing.buttons["mediated"].isEnabled()  # a column is mapped to 调解日期
    click(qtbot, closing.buttons["accepted"])
    assert wizard.closing_basis() == "accepted"
    assert not page.error.isVisible()
    assert wizard.next_button.isEnabled()
    to_preview(qtbot, wizard)

    # 4. the preview says what was chosen and which year the dates without one took
    preview = wizard.preview_page
    assert preview.notes.isVisible()
    assert preview.notes.text().splitlines() == [
        "有调解结果、没有结案日期的 8 行：结案日期按受理日期记，"
        "案件中注明“按受理日期记，台账未载结案日期”。",
        "没有写年份的日期（如“5月6日”）2 个，按 2023 年读取"
        f"（年份取自表格标题“{sheets.HANDMADE_TITLE}”）。",
        "调解结果只写“调解成功”等、没有写明书面或口头协议的 5 行（第4、10、11、13、15行）"
        "按“达成书面协议”导入。其中如有口头协议，请在表格中改成“达成口头协议”后重新导入。",
    ]
    assert "可导入 7 件" in preview.summary.text()
    assert tab_texts(preview) == [
        "案件（7，另有疑似重复 2）",  # counted as the summary counts
        "有错误的行（1）",
        "疑似重复（2）",
        "提醒（6）",
        "不导入的行（7）",
    ]
    model = preview.model
    assert model.headerData(COL_CLOSED, _horizontal()) == "结案日期"
    assert model.data(model.index(0, COL_CLOSED)) == "2023-05-06（按受理日期）"
    assert model.data(model.index(3, COL_CLOSED)) == ""  # 调解中
    assert items(preview.skipped) == [
        "第8行：合计/小计行：C 列“5月小计”",
        "第14行：合计/小计行：A 列“上半年小计”",
        "第16行：合计/小计行：B 列“合计”",
        "第17行：合计/小计行：A 列“总计：10件”",
        "第19行：表尾（制表人、审核人、填报日期等）：A 列“制表人：李主任”",
        "第20行：表尾（制表人、审核人、填报日期等）：K 列“填报日期：2024年1月10日”",
        "空行 1 行",
    ]
    assert items(preview.duplicates)[0].startswith(
        f"第11行：蒋五、沈六，案件编号“{H.format(2)}”与第5行重复"
    )
    assert "第12行本身有错误" in items(preview.duplicates)[1]
    assert preview.villages.isVisible()
    assert "幸福村（第12行）" in preview.villages.text()

    # the unknown village is added in place, and the sheet checked again
    boxes.answer = True
    assert preview.add_villages.isVisible()
    with qtbot.waitSignal(wizard.ready, timeout=20000):
        click(qtbot, preview.add_villages)
    assert boxes.titles() == ["加入村（社区）名单"]
    assert "把 幸福村 加入本所的村（社区）名单吗？" in boxes.texts()
    assert "幸福村" in [v.name for v in office.villages(office_db)]
    assert not preview.villages.isVisible() and not preview.add_villages.isVisible()
    titles = ["案件（8，另有疑似重复 2）", "有错误的行（0）", "疑似重复（2）"]
    assert tab_texts(preview)[:3] == titles
    assert "第12行本身有错误" not in items(preview.duplicates)[1]
    assert preview.will.text() == "将导入 8 件：已结案 6 件、调解中 1 件、已受理 1 件。"

    with qtbot.waitSignal(wizard.imported, timeout=30000):
        click(qtbot, wizard.import_button)
    assert wizard.step == Step.RESULT
    assert wizard.result_page.summary.text() == (
        "已导入 8 件案件，跳过重复的 2 件；1 件原表没有编号，已自动编号。"
    )
    assert office_db.scalar("SELECT count(*) FROM cases") == 8
    assert office_db.scalar("SELECT count(*) FROM cases WHERE closed_on_basis = 'accepted'") == 6
    assert office_db.scalar("SELECT state FROM cases WHERE parties_text = '韩七、杨八'") == (
        "accepted"  # 幸福村's row, no result: accepted, not closed
    )


def test_not_recorded_is_shown_on_the_case_and_in_the_register(
    qtbot: QtBot, wizard: ImportWizard, office_db: Database, tmp_path: Path
) -> None:
    to_columns(qtbot, wizard, sheets.handmade_xlsx(tmp_path / "台账.xlsx"))
    click(qtbot, wizard.columns_page.closing.buttons["unrecorded"])
    to_preview(qtbot, wizard)
    preview = wizard.preview_page
    assert "结案日期不记载（留空）" in preview.notes.text()
    assert preview.model.data(preview.model.index(0, COL_CLOSED)) == "不记载"
    click(qtbot, preview.skip_bad)
    with qtbot.waitSignal(wizard.imported, timeout=30000):
        click(qtbot, wizard.import_button)
    assert office_db.scalar("SELECT count(*) FROM cases WHERE closed_on_basis = 'unrecorded'") == 6

    case_id = str(office_db.scalar("SELECT id FROM cases WHERE number = ?", (H.format(1),)))
    html = agreement_html(load_case(office_db, case_id))
    assert "结案情况" in html
    assert "未记载：导入的台账没有结案日期" in html
    register = RegisterModel(office_db, today=lambda: TODAY)
    assert register.set_filter(RegisterFilter())
    assert register.rowCount() == 7
    rows = [register.index(r, REGISTER_CLOSED).data() for r in range(register.rowCount())]
    assert rows.count("未记载") == 6
    found = next(r for r in range(register.rowCount()) if rows[r] == "未记载")
    tip = register.index(found, REGISTER_CLOSED).data(_tooltip())
    assert tip == "结案日期未记载：导入的台账没有结案日期"


def test_the_mediated_date_needs_its_column(
    qtbot: QtBot, wizard: ImportWizard, tmp_path: Path
) -> None:
    to_columns(qtbot, wizard, sheets.handmade_xlsx(tmp_path / "台账.xlsx"))
    page = wizard.columns_page
    mediated = page.closing.buttons["mediated"]
    click(qtbot, mediated)
    assert wizard.next_button.isEnabled()
    choose(page.combos[10], "（不导入）")  # the 调解日期 column
    assert not mediated.isEnabled()
    assert "没有哪一列对应“调解日期”" in page.error.text()
    assert not wizard.next_button.isEnabled()
    click(qtbot, page.closing.buttons["accepted"])
    assert wizard.next_button.isEnabled()
    # the 调解日期 column taken as the closing date: one row is left without a date
    choose(page.combos[10], "结案日期")
    assert page.closing.question.text().startswith("表格中有 1 行写了调解结果")
    to_preview(qtbot, wizard)
    assert "有调解结果、没有结案日期的 1 行" in wizard.preview_page.notes.text()


def test_a_sheet_with_its_closing_dates_asks_nothing(
    qtbot: QtBot, wizard: ImportWizard, tmp_path: Path
) -> None:
    """The messy sheet has a 结案日期 for every result: no question, no closing note (the
    only note names the results that do not say written or oral)."""
    click(qtbot, wizard.file_page.choose_button)
    with qtbot.waitSignal(wizard.ready, timeout=20000):
        answer_file_dialog(wizard, sheets.messy_xlsx(tmp_path / "m.xlsx"))
    click(qtbot, wizard.next_button)
    assert not wizard.columns_page.closing.isVisible()
    assert wizard.next_button.isEnabled()
    to_preview(qtbot, wizard)
    assert wizard.preview_page.notes.text() == (
        "调解结果只写“调解成功”等、没有写明书面或口头协议的 3 行（第4、5、14行）"
        "按“达成书面协议”导入。其中如有口头协议，请在表格中改成“达成口头协议”后重新导入。"
    )


def _horizontal() -> Any:
    from PySide6.QtCore import Qt

    return Qt.Orientation.Horizontal


def _tooltip() -> Any:
    from PySide6.QtCore import Qt

    return Qt.ItemDataRole.ToolTipRole

"""The 台账 import wizard on sheets with nothing to import, and the preview's counts
(issue 11 review). Every sheet is made here by hand."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from pytestqt.qtbot import QtBot

from app.models.db import Database
from app.ui.ledger.import_pages import PreviewPage
from app.ui.ledger.import_wizard import ImportWizard, Step
from tests.models import ledger_sheets as sheets
from tests.ui.ledger.conftest import choose_file
from tests.ui.message_boxes import Boxes
from tests.ui.user import choose, click

H = sheets.H


def preview_of(qtbot: QtBot, wizard: ImportWizard, path: Path) -> PreviewPage:
    """``path`` chosen and taken through the header and column steps as guessed: the
    preview, once checked."""
    choose_file(qtbot, wizard, path)
    click(qtbot, wizard.next_button)
    with qtbot.waitSignal(wizard.ready, timeout=20000):
        click(qtbot, wizard.next_button)
    assert wizard.step == Step.PREVIEW
    return wizard.preview_page


def two_sheets(path: Path, second: list[list[object]]) -> Path:
    """A good 台账 on the first sheet, ``second`` on a sheet called 空表."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "台账"
    ws.append(sheets.LEDGER_HEADER)
    ws.append(sheets.ledger_row(H.format(1)))
    other = wb.create_sheet("空表")
    for row in second:
        other.append(row)
    wb.save(path)
    return path


def test_a_sheet_with_only_its_header_says_there_are_no_case_rows(
    qtbot: QtBot, wizard: ImportWizard, tmp_path: Path
) -> None:
    path = sheets.simple_xlsx(tmp_path / "2023年台账.xlsx", sheets.LEDGER_HEADER, [])
    choose_file(qtbot, wizard, path)
    page = wizard.header_page
    assert page.data.text() == (
        "工作表“台账”只有表头（第 1 行），下面没有案件行，没有可以导入的内容。"
        "请选择别的工作表，或检查是否选错了文件（例如空白的表格模板）。"
    )
    assert not wizard.next_button.isEnabled()


def test_choosing_the_last_row_as_header_says_what_to_do(
    qtbot: QtBot, wizard: ImportWizard, tmp_path: Path
) -> None:
    path = sheets.simple_xlsx(
        tmp_path / "2023年台账.xlsx", sheets.LEDGER_HEADER, [sheets.ledger_row(H.format(1))]
    )
    choose_file(qtbot, wizard, path)
    assert wizard.next_button.isEnabled()
    wizard.set_header_row(2)
    assert wizard.header_page.data.text() == (
        "第 2 行是表格的最后一行，下面没有案件行。请改选表头所在的行；"
        "如果表格本来就没有案件行，请选择别的工作表或别的文件。"
    )
    assert not wizard.next_button.isEnabled()
    wizard.set_header_row(1)
    assert wizard.next_button.isEnabled()


def test_an_empty_sheet_says_so_once(qtbot: QtBot, wizard: ImportWizard, tmp_path: Path) -> None:
    choose_file(qtbot, wizard, two_sheets(tmp_path / "2023年台账.xlsx", []))
    page = wizard.header_page
    with qtbot.waitSignal(wizard.ready, timeout=20000):
        choose(page.sheet, "空表")
    assert page.guess.text() == "工作表“空表”是空的，请选择别的工作表。"
    assert page.data.text() == ""
    assert not wizard.next_button.isEnabled()
    with qtbot.waitSignal(wizard.ready, timeout=20000):
        choose(page.sheet, "台账")
    assert "数据从第 2 行开始" in page.data.text()
    assert wizard.next_button.isEnabled()


def test_the_cases_tab_counts_as_the_summary_does(
    qtbot: QtBot, wizard: ImportWizard, tmp_path: Path
) -> None:
    rows = [sheets.ledger_row(H.format(n), f"张{n}") for n in (1, 2, 3)]
    rows.append(sheets.ledger_row(H.format(2), "王五"))  # row 5: 第2号 again
    path = sheets.simple_xlsx(tmp_path / "2023年台账.xlsx", sheets.LEDGER_HEADER, rows)
    page = preview_of(qtbot, wizard, path)
    assert "可导入 3 件" in page.summary.text()
    assert page.tabs.tabText(page.TAB_CASES) == "案件（3，另有疑似重复 1）"
    assert page.model.rowCount() == 4  # the tab still lists the duplicate, marked


def test_unknown_mediators_are_added_in_place_and_the_sheet_checked_again(
    qtbot: QtBot, wizard: ImportWizard, office_db: Database, tmp_path: Path, boxes: Boxes
) -> None:
    """An office that skipped the mediators at set-up: the sheet's 调解员 can be added here."""
    rows = [
        sheets.ledger_row(H.format(1), "张三", mediator="王建华"),  # row 2: known
        sheets.ledger_row(H.format(2), "王五", mediator="刘德明、王建华"),  # row 3
        sheets.ledger_row(H.format(3), "赵六", mediator="刘德明"),  # row 4
        sheets.ledger_row(H.format(4), "孙七", mediator="何芳"),  # row 5
    ]
    path = sheets.simple_xlsx(tmp_path / "2023年台账.xlsx", sheets.LEDGER_HEADER, rows)
    page = preview_of(qtbot, wizard, path)
    assert page.mediators.isVisible() and page.add_mediators.isVisible()
    assert page.mediators.text() == (
        "这些调解员不在本所的调解员名单中：刘德明（第3、4行）；何芳（第5行）。"
        "这些行导入后不关联调解员。可以点下面的按钮把他们加入名单（加入后重新检查），"
        "或在表格中改成名单里的姓名再重新导入。"
    )
    assert page.tabs.tabText(page.TAB_WARNINGS) == "提醒（3）"

    boxes.answer = True
    with qtbot.waitSignal(wizard.ready, timeout=20000):
        click(qtbot, page.add_mediators)
    assert boxes.titles() == ["加入调解员名单"]
    assert "把 刘德明、何芳 加入本所的调解员名单吗？" in boxes.texts()
    names = office_db.column("SELECT name FROM mediators ORDER BY name")
    assert {"刘德明", "何芳"} <= set(names)
    assert not page.mediators.isVisible() and not page.add_mediators.isVisible()
    assert page.tabs.tabText(page.TAB_WARNINGS) == "提醒（0）"
    linked = [len(c.mediator_ids) for c in wizard.plan.cases] if wizard.plan else []
    assert linked == [1, 2, 1, 1]

"""从 Excel 台账导入, walked as the user walks it: the file, the sheet and its header row, the
columns, the preview, the import and its result; every bad input on its own page, and
nothing written before 导入 (a dump of the database compared)."""

from __future__ import annotations

import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.models.db import Database
from app.models.errors import ImportFailedError
from app.models.ledger_import import apply_import
from app.ui.ledger import import_wizard as wizard_ui
from app.ui.ledger import open_import
from app.ui.ledger.import_pages import PreviewPage
from app.ui.ledger.import_wizard import ImportWizard, Step
from tests.conftest import TODAY
from tests.models import ledger_sheets as sheets
from tests.models.helpers import register
from tests.ui.ledger.conftest import choose_file
from tests.ui.message_boxes import Boxes
from tests.ui.user import cancel_in_progress_dialog, choose, click

N = "（2023）青山调字第{}号"
MESSY_MAPPING = {
    1: "number",
    2: "applicants",
    3: "respondents",
    4: "registered_on",
    5: "accepted_on",
    6: "closed_on",
    7: "category",
    8: "village",
    9: "outcome",
    10: "amount",
    11: "mediators",
    12: "facts",
}


def dump(db: Database) -> list[str]:
    return list(db.conn.iterdump())


def case_count(db: Database) -> int:
    return int(db.scalar("SELECT count(*) FROM cases"))


def next_step(qtbot: QtBot, wizard: ImportWizard) -> None:
    before = wizard.step
    if before == Step.COLUMNS:  # the preview runs off the GUI thread
        with qtbot.waitSignal(wizard.ready, timeout=20000):
            click(qtbot, wizard.next_button)
    else:
        click(qtbot, wizard.next_button)
    assert wizard.step == before + 1


def walk_to(qtbot: QtBot, wizard: ImportWizard, path: Path, step: Step) -> None:
    choose_file(qtbot, wizard, path)
    while wizard.step < step:
        next_step(qtbot, wizard)


def do_import(qtbot: QtBot, wizard: ImportWizard) -> None:
    with qtbot.waitSignal(wizard.imported, timeout=30000):
        click(qtbot, wizard.import_button)
    assert wizard.step == Step.RESULT


def tab_texts(page: PreviewPage) -> list[str]:
    return [page.tabs.tabText(i) for i in range(page.tabs.count())]


def items(view: Any) -> list[str]:
    return [view.item(i).text() for i in range(view.count())]


def by_number(db: Database, number: str) -> dict[str, Any]:
    row = db.one("SELECT * FROM cases WHERE number = ?", (number,))
    assert row is not None, number
    return dict(row)


def test_a_messy_ledger_from_file_to_result(
    qtbot: QtBot, wizard: ImportWizard, office_db: Database, tmp_path: Path
) -> None:
    assert wizard.step == Step.FILE
    assert not wizard.next_button.isEnabled()  # no file yet
    assert "第 1 步" in wizard.step_title.text()
    choose_file(qtbot, wizard, sheets.messy_xlsx(tmp_path / "青山镇台账.xlsx"))

    # 2. the sheet and its header row: the guess is chosen, the rows are shown
    # (mypy keeps the step it saw asserted above: it cannot know choose_file moved it on)
    assert wizard.step == Step.HEADER  # type: ignore[comparison-overlap]
    page = wizard.header_page
    assert [page.sheet.itemText(i) for i in range(page.sheet.count())] == ["2023年台账", "说明"]
    assert page.sheet.currentText() == "2023年台账"
    assert wizard.header_row() == 3  # under a title, a two-row merged header
    model = page.model
    assert model.rowCount() == 15
    assert model.headerData(0, Qt.Orientation.Vertical) == "1"
    assert model.headerData(1, Qt.Orientation.Horizontal) == "B"
    assert model.data(model.index(0, 0)) == sheets.TITLE
    assert model.data(model.index(2, 2)) == "申请人"
    assert model.data(model.index(1, 2), Qt.ItemDataRole.BackgroundRole) is not None  # header
    assert model.data(model.index(3, 2), Qt.ItemDataRole.BackgroundRole) is None  # data
    assert page.table.columnSpan(0, 0) == sheets.MESSY_COLUMNS  # the merged title
    assert "第 2–3 行" in page.data.text()
    assert "数据从第 4 行开始" in page.data.text()
    next_step(qtbot, wizard)

    # 3. the columns, guessed by their names
    assert wizard.mapping() == MESSY_MAPPING
    assert wizard.columns_page.combos[0].currentText() == "（不导入）"  # 序号
    assert wizard.columns_page.combos[1].currentText() == "案件编号"
    assert not wizard.columns_page.error.isVisible()
    next_step(qtbot, wizard)

    # 4. the preview
    preview = wizard.preview_page
    assert "共 9 行案件，可导入 9 件" in preview.summary.text()
    assert tab_texts(preview) == [
        "案件（9）",
        "有错误的行（0）",
        "疑似重复（0）",
        "提醒（5）",  # 老张 and an unknown category; 3 results that do not say written or oral
        "不导入的行（4）",
    ]
    assert preview.model.rowCount() == 9
    assert preview.model.data(preview.model.index(1, 1)) == N.format(2)
    assert preview.will.text() == "将导入 9 件：已结案 7 件、调解中 1 件、已受理 1 件。"
    assert items(preview.skipped) == [
        "第11行：合计/小计行：A 列“合计”",
        "第16行：表尾（制表人、审核人、填报日期等）：A 列“制表人：李主任”",
        "空行 2 行",
    ]
    assert any("老张" in text for text in items(preview.warnings))
    assert case_count(office_db) == 0  # nothing written yet
    assert wizard.import_button.text() == "导入 9 件(&I)"
    do_import(qtbot, wizard)

    # 5. the result
    assert wizard.result_page.summary.text() == "已导入 9 件案件。"
    assert not wizard.back_button.isVisible() and not wizard.cancel_button.isVisible()
    assert case_count(office_db) == 9
    second = by_number(office_db, N.format(2))
    assert second["parties_text"] == "王五、赵六、孙七"
    assert second["state"] == "closed"
    assert by_number(office_db, N.format(4))["state"] == "mediating"
    click(qtbot, wizard.finish_button)
    qtbot.waitUntil(lambda: not wizard.isVisible())


def test_the_imported_signal_carries_the_result(
    qtbot: QtBot, wizard: ImportWizard, tmp_path: Path
) -> None:
    walk_to(qtbot, wizard, sheets.messy_xlsx(tmp_path / "m.xlsx"), Step.PREVIEW)
    with qtbot.waitSignal(wizard.imported, timeout=30000) as got:
        click(qtbot, wizard.import_button)
    assert got.args[0].imported == 9
    assert wizard.outcome is got.args[0]


def test_a_field_mapped_twice_blocks_the_next_step(
    qtbot: QtBot, wizard: ImportWizard, tmp_path: Path
) -> None:
    walk_to(qtbot, wizard, sheets.messy_xlsx(tmp_path / "m.xlsx"), Step.COLUMNS)
    page = wizard.columns_page
    choose(page.combos[0], "案件编号")  # 序号 as well as 案号
    assert page.error.isVisible()
    assert "“案件编号”对应了2列" in page.error.text()
    assert "A 列“序号”" in page.error.text() and "B 列“案号”" in page.error.text()
    assert not wizard.next_button.isEnabled()
    wizard.go_next()  # Enter or a stray click does nothing either
    assert wizard.step == Step.COLUMNS
    choose(page.combos[0], "（不导入）")
    assert not page.error.isVisible()
    assert wizard.next_button.isEnabled()


def test_a_required_field_without_a_column_is_named(
    qtbot: QtBot, wizard: ImportWizard, tmp_path: Path
) -> None:
    walk_to(qtbot, wizard, sheets.messy_xlsx(tmp_path / "m.xlsx"), Step.COLUMNS)
    page = wizard.columns_page
    choose(page.combos[7], "（不导入）")  # 纠纷类别
    assert "没有指定“纠纷类型”所在的列" in page.error.text()
    assert not wizard.next_button.isEnabled()
    choose(page.combos[7], "纠纷类型")
    assert wizard.next_button.isEnabled()
    choose(page.combos[3], "当事人（双方在一栏）")  # with 申请人 in column C
    assert "不能与“申请人”“被申请人”同时对应" in page.error.text()
    assert not wizard.next_button.isEnabled()


def _corrupt(tmp_path: Path) -> Path:
    return sheets.corrupt_xlsx(tmp_path / "台账.xlsx", sheets.messy_xlsx(tmp_path / "good.xlsx"))


def _damaged_sheet(tmp_path: Path) -> Path:
    good = sheets.messy_xlsx(tmp_path / "good.xlsx")
    return sheets.damaged_member_xlsx(tmp_path / "台账.xlsx", good)


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (_corrupt, "已损坏或不完整"),
        (_damaged_sheet, "已损坏或不完整"),
        (lambda p: sheets.password_protected_xlsx(p / "台账.xlsx"), "受密码保护"),
        (lambda p: sheets.docx_renamed(p / "台账.xlsx"), "看起来是Word 文档"),
        (lambda p: sheets.pdf_file(p / "台账.xlsx"), "PDF"),
        (lambda p: sheets.html_as_xls(p / "台账.xls"), "网页"),
    ],
    ids=["truncated", "damaged-sheet", "password", "word", "pdf", "html"],
)
def test_a_file_that_cannot_be_read_is_told_on_the_first_page(
    qtbot: QtBot, wizard: ImportWizard, tmp_path: Path, boxes: Boxes, make: Any, says: str
) -> None:
    path = make(tmp_path)
    choose_file(qtbot, wizard, path, reaches=Step.FILE)
    banner = wizard.file_page.banner
    assert banner.isVisible()
    assert path.name in banner.text()
    assert says in banner.text().replace("看起来是 Word", "看起来是Word")
    assert not wizard.next_button.isEnabled()
    assert boxes.calls == []  # said on the page, not in a box
    # another file is read as usual
    choose_file(qtbot, wizard, sheets.messy_xlsx(tmp_path / "另一个.xlsx"))
    assert wizard.step == Step.HEADER
    assert not banner.isVisible()


@pytest.mark.parametrize("step", [Step.FILE, Step.HEADER, Step.COLUMNS, Step.PREVIEW])
def test_cancel_before_the_import_writes_nothing(
    qtbot: QtBot, wizard: ImportWizard, office_db: Database, tmp_path: Path, step: Step
) -> None:
    register(office_db)  # something already there
    before = dump(office_db)
    walk_to(qtbot, wizard, sheets.messy_xlsx(tmp_path / "m.xlsx"), max(step, Step.HEADER))
    if step == Step.FILE:
        click(qtbot, wizard.back_button)
    assert wizard.step == step
    click(qtbot, wizard.cancel_button)
    qtbot.waitUntil(lambda: not wizard.isVisible())
    assert dump(office_db) == before


def test_esc_at_the_preview_writes_nothing(
    qtbot: QtBot, wizard: ImportWizard, office_db: Database, tmp_path: Path
) -> None:
    before = dump(office_db)
    walk_to(qtbot, wizard, sheets.messy_xlsx(tmp_path / "m.xlsx"), Step.PREVIEW)
    qtbot.keyClick(wizard, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not wizard.isVisible())
    assert dump(office_db) == before


def bad_sheet(tmp_path: Path) -> Path:
    return sheets.simple_xlsx(
        tmp_path / "有错.xlsx",
        sheets.LEDGER_HEADER,
        [
            sheets.ledger_row(N.format(1), "钱一", "孙二"),  # row 2: good
            sheets.ledger_row(N.format(2), registered="2023.13.5"),  # 3: no such date
            sheets.ledger_row(N.format(3), "周一", "吴二", village="幸福村"),  # 4
        ],
    )


def test_all_or_nothing_blocks_a_sheet_with_bad_rows(
    qtbot: QtBot, wizard: ImportWizard, office_db: Database, tmp_path: Path
) -> None:
    walk_to(qtbot, wizard, bad_sheet(tmp_path), Step.PREVIEW)
    page = wizard.preview_page
    assert page.tabs.currentIndex() == page.TAB_ERRORS  # the errors are shown first
    errors = items(page.errors)
    assert len(errors) == 2
    assert errors[0].startswith("第3行：登记日期：“2023.13.5”不是存在的日期")
    assert errors[1].startswith("第4行：所在村（社区）“幸福村”不在本所的村（社区）名单中")
    assert page.villages.isVisible()
    assert "幸福村（第4行）" in page.villages.text()
    assert page.all_or_nothing.isChecked()
    assert "有 2 行不能导入（第3、4行）" in page.will.text()
    assert not wizard.import_button.isEnabled()


def test_skip_bad_rows_imports_the_good_rows(
    qtbot: QtBot, wizard: ImportWizard, office_db: Database, tmp_path: Path
) -> None:
    walk_to(qtbot, wizard, bad_sheet(tmp_path), Step.PREVIEW)
    click(qtbot, wizard.preview_page.skip_bad)
    assert wizard.preview_page.will.text() == "将导入 1 件：已受理 1 件，跳过 2 行有错误的行。"
    assert wizard.import_button.text() == "导入 1 件(&I)"
    do_import(qtbot, wizard)
    assert wizard.result_page.summary.text() == "已导入 1 件案件，跳过有错误的 2 行。"
    details = items(wizard.result_page.details)
    assert [d[:3] for d in details] == ["第3行", "第4行"]
    assert office_db.column("SELECT number FROM cases") == [N.format(1)]


def test_duplicates_are_skipped_unless_unticked(
    qtbot: QtBot, wizard: ImportWizard, office_db: Database, tmp_path: Path
) -> None:
    existing = register(
        office_db, applicant="张三", respondent="李四", registered_on=date(2023, 5, 6)
    )
    path = sheets.simple_xlsx(
        tmp_path / "重复.xlsx",
        sheets.LEDGER_HEADER,
        [
            sheets.ledger_row(N.format(7), "张三", "李四", accepted=""),  # same people, same day
            sheets.ledger_row(N.format(8), "周一", "吴二"),
        ],
    )
    walk_to(qtbot, wizard, path, Step.PREVIEW)
    page = wizard.preview_page
    assert page.skip_duplicates.isChecked()
    assert page.skip_duplicates.text() == "跳过重复的案件（1 件）"
    assert items(page.duplicates) == [
        "第2行：张三、李四，本系统中已有同一天登记、当事人相同的案件。"
    ]
    assert wizard.import_button.text() == "导入 1 件(&I)"
    click(qtbot, page.skip_duplicates)
    assert wizard.import_button.text() == "导入 2 件(&I)"
    click(qtbot, page.skip_duplicates)
    do_import(qtbot, wizard)
    assert "跳过重复的 1 件" in wizard.result_page.summary.text()
    assert office_db.column("SELECT number FROM cases WHERE id <> ?", (existing,)) == [N.format(8)]


def test_a_sheet_already_imported_has_nothing_left_to_import(
    qtbot: QtBot, wizard: ImportWizard, office_db: Database, tmp_path: Path
) -> None:
    path = sheets.messy_xlsx(tmp_path / "m.xlsx")
    walk_to(qtbot, wizard, path, Step.PREVIEW)
    do_import(qtbot, wizard)
    click(qtbot, wizard.finish_button)
    again = open_import(office_db, wizard.parentWidget(), today=lambda: TODAY)
    qtbot.waitExposed(again)
    walk_to(qtbot, again, path, Step.PREVIEW)
    assert again.preview_page.will.text() == "没有可以导入的案件。"
    assert not again.import_button.isEnabled()
    assert "（编号已存在，任何情况下都不会重复导入）" in items(again.preview_page.duplicates)[0]
    click(qtbot, again.cancel_button)
    assert case_count(office_db) == 9


def test_the_user_picks_another_header_row_and_sheet(
    qtbot: QtBot, wizard: ImportWizard, tmp_path: Path
) -> None:
    walk_to(qtbot, wizard, sheets.messy_xlsx(tmp_path / "m.xlsx"), Step.HEADER)
    page = wizard.header_page
    index = page.model.index(4, 2)  # Excel row 5
    qtbot.mouseClick(
        page.table.viewport(),
        Qt.MouseButton.LeftButton,
        pos=page.table.visualRect(index).center(),
    )
    assert wizard.header_row() == 5
    assert "数据从第 6 行开始" in page.data.text()
    assert page.model.data(page.model.index(2, 2), Qt.ItemDataRole.ForegroundRole) is not None
    page.header_row.setValue(3)
    assert "数据从第 4 行开始" in page.data.text()
    with qtbot.waitSignal(wizard.ready, timeout=20000):
        choose(page.sheet, "说明")
    assert "没有找到认得出的列名" in page.guess.text()
    with qtbot.waitSignal(wizard.ready, timeout=20000):
        choose(page.sheet, "2023年台账")
    assert wizard.header_row() == 3
    assert "程序已找到表头所在的行" in page.guess.text()


def test_a_new_header_row_maps_the_columns_again(
    qtbot: QtBot, wizard: ImportWizard, tmp_path: Path
) -> None:
    walk_to(qtbot, wizard, sheets.messy_xlsx(tmp_path / "m.xlsx"), Step.COLUMNS)
    choose(wizard.columns_page.combos[12], "备注")  # the user's own choice …
    click(qtbot, wizard.back_button)
    next_step(qtbot, wizard)
    assert wizard.mapping()[12] == "note"  # … kept when nothing changed
    click(qtbot, wizard.back_button)
    wizard.header_page.header_row.setValue(2)
    next_step(qtbot, wizard)
    assert wizard.mapping().get(12) != "note"  # another header: guessed again


def test_a_gbk_csv_is_imported(
    qtbot: QtBot, wizard: ImportWizard, office_db: Database, tmp_path: Path
) -> None:
    walk_to(qtbot, wizard, sheets.csv_file(tmp_path / "台账.csv", "gbk"), Step.HEADER)
    assert wizard.header_row() == 1
    next_step(qtbot, wizard)
    next_step(qtbot, wizard)
    do_import(qtbot, wizard)
    assert wizard.outcome is not None and wizard.outcome.imported == 2
    assert by_number(office_db, "（2023）青山调字第12号")["parties_text"] == "王五、赵六"


def test_a_cancelled_import_leaves_the_database_as_before(
    qtbot: QtBot,
    wizard: ImportWizard,
    office_db: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = apply_import

    def slow_import(db: Database, plan: Any, **kw: Any) -> Any:
        deadline = time.monotonic() + 20
        while not kw["cancelled"]() and time.monotonic() < deadline:
            time.sleep(0.01)
        return real(db, plan, **kw)  # sees the cancel and rolls back

    monkeypatch.setattr(wizard_ui, "apply_import", slow_import)
    register(office_db)
    before = dump(office_db)
    walk_to(qtbot, wizard, sheets.messy_xlsx(tmp_path / "m.xlsx"), Step.PREVIEW)
    click(qtbot, wizard.import_button)
    assert wizard.job is not None
    with qtbot.waitSignal(wizard.ready, timeout=20000):
        cancel_in_progress_dialog(qtbot, wizard.job)
    assert wizard.step == Step.PREVIEW
    assert wizard.status.text() == "已取消导入，没有导入任何案件。"
    assert dump(office_db) == before
    monkeypatch.setattr(wizard_ui, "apply_import", real)
    do_import(qtbot, wizard)  # the same preview still imports
    assert case_count(office_db) == 10


@pytest.mark.parametrize("how", ["progress dialog", "esc"])
def test_a_cancel_after_the_commit_shows_what_was_imported(
    qtbot: QtBot,
    wizard: ImportWizard,
    office_db: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    how: str,
) -> None:
    """取消 in the progress dialog, or Esc on the wizard before that dialog shows, once
    the import has committed: the wizard stays and says the cases are in."""
    real = apply_import
    committed = threading.Event()

    def import_then_wait(db: Database, plan: Any, **kw: Any) -> Any:
        result = real(db, plan, **kw)
        committed.set()
        deadline = time.monotonic() + 20
        while not kw["cancelled"]() and time.monotonic() < deadline:
            time.sleep(0.01)
        return result

    monkeypatch.setattr(wizard_ui, "apply_import", import_then_wait)
    walk_to(qtbot, wizard, sheets.messy_xlsx(tmp_path / "m.xlsx"), Step.PREVIEW)
    click(qtbot, wizard.import_button)
    assert wizard.job is not None
    qtbot.waitUntil(committed.is_set, timeout=20000)
    with qtbot.waitSignal(wizard.imported, timeout=20000):
        if how == "esc":
            wizard.reject()
            assert wizard.isVisible()
        else:
            cancel_in_progress_dialog(qtbot, wizard.job)
    assert wizard.step == Step.RESULT
    assert wizard.result_page.summary.text() == "已导入 9 件案件。"
    assert case_count(office_db) == 9


def test_a_failed_import_is_told_and_nothing_is_kept(
    qtbot: QtBot,
    wizard: ImportWizard,
    office_db: Database,
    tmp_path: Path,
    boxes: Boxes,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def failing(db: Database, plan: Any, **kw: Any) -> Any:
        raise ImportFailedError(
            "第12行导入失败（案件编号已被其他案件使用），整个导入已撤销。", row=12
        )

    monkeypatch.setattr(wizard_ui, "apply_import", failing)
    before = dump(office_db)
    walk_to(qtbot, wizard, sheets.messy_xlsx(tmp_path / "m.xlsx"), Step.PREVIEW)
    with qtbot.waitSignal(wizard.ready, timeout=20000):
        click(qtbot, wizard.import_button)
    assert boxes.titles() == ["导入台账没有完成"]
    assert "第12行导入失败" in boxes.texts()
    assert wizard.step == Step.PREVIEW
    assert "没有导入任何案件" in wizard.status.text()
    assert dump(office_db) == before


def test_the_models_pass_the_qt_model_tester(
    qtbot: QtBot, wizard: ImportWizard, tmp_path: Path, qtmodeltester: Any
) -> None:
    walk_to(qtbot, wizard, sheets.messy_xlsx(tmp_path / "m.xlsx"), Step.PREVIEW)
    qtmodeltester.check(wizard.header_page.model)
    qtmodeltester.check(wizard.preview_page.model)


def test_an_imported_case_is_numbered_when_the_sheet_has_none(
    qtbot: QtBot, wizard: ImportWizard, office_db: Database, tmp_path: Path
) -> None:
    path = sheets.simple_xlsx(
        tmp_path / "无编号.xlsx", sheets.LEDGER_HEADER, [sheets.ledger_row("", "钱一", "孙二")]
    )
    walk_to(qtbot, wizard, path, Step.PREVIEW)
    do_import(qtbot, wizard)
    details = items(wizard.result_page.details)
    assert len(details) == 1
    assert details[0].startswith("第2行：原表没有案件编号，已编为（2023）青山调字第")

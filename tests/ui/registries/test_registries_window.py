"""村居档案: the registries as a mediator uses them: add, fix, retire, import, export."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import openpyxl
import pytest
import shiboken6
from PySide6.QtWidgets import QComboBox, QFileDialog, QLineEdit, QPlainTextEdit, QWidget
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from app.models import demo, office
from app.models import registries as reg
from app.models.db import Database
from app.models.registries import sheets
from app.ui.registries import sheets as sheet_ui
from app.ui.registries.form import RegistryForm
from app.ui.registries.page import RegistryPage
from app.ui.registries.window import RegistriesWindow
from app.ui.signals import emit
from tests.helpers import fill_demo, log_in
from tests.ui.message_boxes import Boxes
from tests.ui.user import choose, click, commit_text

W = TypeVar("W", bound=QWidget)


@pytest.fixture
def demo_db(database: Database) -> Database:
    fill_demo(database, today=date(2026, 11, 20))
    log_in(database, password=demo.DEMO_PASSWORD)
    return database


@pytest.fixture
def window(qtbot: QtBot, demo_db: Database, boxes: Boxes) -> Iterator[RegistriesWindow]:
    w = RegistriesWindow(demo_db)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    yield w


def texts(page: RegistryPage, column: int) -> list[str]:
    model = page.proxy
    return [str(model.data(model.index(r, column))) for r in range(model.rowCount())]


def row_of(page: RegistryPage, column: int, text: str) -> int:
    return texts(page, column).index(text)


def select(page: RegistryPage, column: int, text: str) -> None:
    window = page.window()
    assert isinstance(window, RegistriesWindow)
    window.tabs.setCurrentWidget(page)
    row = row_of(page, column, text)
    page.table.selectRow(row)
    page.table.setCurrentIndex(page.proxy.index(row, 0))


def error_of(form: RegistryForm, field: str) -> str:
    box = form.errors.find(field)
    assert box is not None, field
    return box.error.text() if box.has_error else ""


def form_input(form: RegistryForm, name: str, kind: type[W]) -> W:
    """The form's input for the field ``name`` (the form keeps them as any QWidget)."""
    widget = form.widgets[name]
    assert isinstance(widget, kind), (name, type(widget))
    return widget


def open_form(qtbot: QtBot, page: RegistryPage, *, edit: bool = False) -> RegistryForm:
    window = page.window()
    assert isinstance(window, RegistriesWindow)
    window.tabs.setCurrentWidget(page)
    click(qtbot, page.edit_button if edit else page.add_button)
    form = page.form
    assert form is not None and form.isVisible()
    return form


def test_every_registry_has_a_tab_with_a_checked_model(
    window: RegistriesWindow, qtmodeltester: ModelTester
) -> None:
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == [
        k.title for k in reg.KINDS
    ]
    for spec in reg.KINDS:
        page = window.page(spec.key)
        assert page.model.rowCount() > 0, spec.title  # the demo fills every registry
        qtmodeltester.check(page.model)


def test_a_village_short_of_legal_advisers_is_warned_about(window: RegistriesWindow) -> None:
    page = window.page("legal_advisers")
    assert page.warning.isVisible()
    assert "桃园村只有 2 名法律明白人" in page.warning.text()
    choose(page.scope, "红旗村")
    assert not page.warning.isVisible()
    assert set(texts(page, 0)) == {"红旗村"}


def test_adding_a_legal_adviser_clears_the_warning(
    qtbot: QtBot, window: RegistriesWindow, demo_db: Database
) -> None:
    page = window.page("legal_advisers")
    choose(page.scope, "桃园村")
    form = open_form(qtbot, page)
    assert form_input(form, "village_id", QComboBox).currentText() == "桃园村"
    commit_text(form.widgets["name"], "孙𠀾华")
    commit_text(form.widgets["phone"], "139 1234 5678")
    commit_text(form.widgets["area"], "五组、六组")
    with qtbot.waitSignal(page.changed):
        click(qtbot, form.save_button)
    assert "孙𠀾华" in texts(page, 1)
    assert page.selected_row().name == "孙𠀾华"  # the new row is selected
    assert not page.warning.isVisible()
    stored = [a for a in reg.LEGAL_ADVISERS.list(demo_db) if a.name == "孙𠀾华"]
    assert [(a.village_name, a.phone, a.area) for a in stored] == [
        ("桃园村", "13912345678", "五组、六组")
    ]


def test_a_wrong_phone_is_shown_beside_the_field_and_nothing_is_saved(
    qtbot: QtBot, window: RegistriesWindow, demo_db: Database
) -> None:
    page = window.page("legal_advisers")
    before = reg.LEGAL_ADVISERS.list(demo_db)
    form = open_form(qtbot, page)
    commit_text(form.widgets["name"], "孙国强")
    commit_text(form.widgets["phone"], "1391234")
    click(qtbot, form.save_button)
    assert "联系电话" in error_of(form, reg.PHONE_FIELD)
    assert shiboken6.isValid(form) and form.isVisible()
    assert form_input(form, "name", QLineEdit).text() == "孙国强"
    assert reg.LEGAL_ADVISERS.list(demo_db) == before


def test_editing_a_household_keeps_its_members(
    qtbot: QtBot, window: RegistriesWindow, demo_db: Database
) -> None:
    page = window.page("households")
    window.tabs.setCurrentWidget(page)
    page.table.selectRow(0)
    page.table.setCurrentIndex(page.proxy.index(0, 0))
    household = page.selected_row()
    form = open_form(qtbot, page, edit=True)
    members = form_input(form, "members", QLineEdit)
    assert members.text() == reg.format_members(household.members)
    form_input(form, "notes", QPlainTextEdit).clear()
    commit_text(form.widgets["notes"], "独居老人，常回访")
    with qtbot.waitSignal(page.changed):
        click(qtbot, form.save_button)
    stored = reg.HOUSEHOLDS.get(demo_db, household.id)
    assert stored.members == household.members
    assert stored.notes == "独居老人，常回访"


def test_members_written_wrong_name_the_member(qtbot: QtBot, window: RegistriesWindow) -> None:
    page = window.page("households")
    form = open_form(qtbot, page)
    commit_text(form.widgets["house_number"], "99")
    commit_text(form.widgets["head_name"], "王大山")
    commit_text(form.widgets["members"], "王芳（配偶）、王小明")
    click(qtbot, form.save_button)
    assert "王小明" in error_of(form, reg.MEMBERS_FIELD)


def test_retire_asks_then_keeps_the_row_in_sight_marked(
    qtbot: QtBot, window: RegistriesWindow, demo_db: Database, boxes: Boxes
) -> None:
    page = window.page("legal_advisers")
    name = texts(page, 1)[0]
    select(page, 1, name)
    boxes.answer = False
    click(qtbot, page.retire_button)
    assert boxes.titles() == ["停用法律明白人"]
    assert all(not a.retired for a in reg.LEGAL_ADVISERS.list(demo_db))
    boxes.answer = True
    click(qtbot, page.retire_button)
    assert page.show_retired.isChecked()
    assert texts(page, 4)[row_of(page, 1, name)] == "已停用"
    assert page.retire_button.text() == "恢复启用(&T)"
    click(qtbot, page.retire_button)  # 恢复启用 needs no question
    assert texts(page, 4)[row_of(page, 1, name)] == ""


def test_a_mediator_with_cases_cannot_be_deleted(
    qtbot: QtBot, window: RegistriesWindow, demo_db: Database, boxes: Boxes
) -> None:
    page = window.page("mediators")
    select(page, 0, "王建华")
    boxes.answer = True
    before = reg.MEDIATORS.list(demo_db, include_retired=True)
    click(qtbot, page.delete_button)
    assert boxes.kinds()[-1] == "warning"
    assert "停用" in boxes.calls[-1][2]
    assert reg.MEDIATORS.list(demo_db, include_retired=True) == before


def _filled_sheet(kind: reg.RegistryKind[Any], rows: list[list[object]], db: Database) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(sheets.template_xlsx(kind, db=db)))
    sheet = book.worksheets[0]
    for r, values in enumerate(rows, start=2):
        for c, value in enumerate(values, start=1):
            sheet.cell(row=r, column=c, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _adviser_columns() -> list[str]:
    return [c.header for c in reg.LEGAL_ADVISERS.sheet_spec.columns]


def test_import_shows_a_preview_and_cancel_writes_nothing(
    qtbot: QtBot, window: RegistriesWindow, demo_db: Database, tmp_path: Path
) -> None:
    assert _adviser_columns()[:2] == ["村（社区）", "姓名"]
    path = tmp_path / "法律明白人.xlsx"
    path.write_bytes(
        _filled_sheet(
            reg.LEGAL_ADVISERS,
            [["桃园村", "钱多多", "13800001111", "七组"], ["不存在村", "赵四", "", ""]],
            demo_db,
        )
    )
    page = window.page("legal_advisers")
    before = reg.LEGAL_ADVISERS.list(demo_db)
    dialog = sheet_ui.read(page, path)
    assert dialog is not None
    qtbot.waitExposed(dialog)
    assert "可以导入 1 条" in dialog.summary.text() and "1 行填写有误" in dialog.summary.text()
    assert "第 3 行" in dialog.problems.item(0).text()
    assert "不存在村" in dialog.problems.item(0).text()
    assert not dialog.import_button.isEnabled()  # wrong rows block until skipping is chosen
    dialog.reject()
    assert reg.LEGAL_ADVISERS.list(demo_db) == before


def test_import_with_skipping_bad_rows_adds_the_good_ones(
    qtbot: QtBot, window: RegistriesWindow, demo_db: Database, tmp_path: Path, boxes: Boxes
) -> None:
    path = tmp_path / "法律明白人.xlsx"
    path.write_bytes(
        _filled_sheet(
            reg.LEGAL_ADVISERS,
            [["桃园村", "钱多多", "13800001111", "七组"], ["不存在村", "赵四", "", ""]],
            demo_db,
        )
    )
    page = window.page("legal_advisers")
    dialog = sheet_ui.read(page, path)
    assert dialog is not None
    dialog.skip_bad.setChecked(True)
    with qtbot.waitSignal(page.changed):
        click(qtbot, dialog.import_button)
    assert "钱多多" in texts(page, 1)
    assert boxes.titles()[-1] == "导入完成"
    assert "已导入 1 条" in boxes.calls[-1][2]


def test_a_sheet_with_other_columns_names_the_expected_ones(
    window: RegistriesWindow, tmp_path: Path, boxes: Boxes
) -> None:
    book = openpyxl.Workbook()
    book.active.append(["序号", "名字", "手机"])
    path = tmp_path / "名单.xlsx"
    book.save(path)
    assert sheet_ui.read(window.page("legal_advisers"), path) is None
    assert boxes.titles() == ["无法导入这个表格"]
    assert "村（社区）" in boxes.texts()


def test_a_file_that_is_not_a_spreadsheet_gets_a_plain_message(
    window: RegistriesWindow, tmp_path: Path, boxes: Boxes
) -> None:
    path = tmp_path / "名单.xlsx"
    path.write_bytes(b"%PDF-1.7 not a sheet")
    assert sheet_ui.read(window.page("legal_advisers"), path) is None
    assert "名单.xlsx" in boxes.texts()


def test_export_writes_a_sheet_that_reads_back(
    qtbot: QtBot, window: RegistriesWindow, demo_db: Database, tmp_path: Path, boxes: Boxes
) -> None:
    page = window.page("legal_advisers")
    dialog = sheet_ui.start_export(page)
    assert isinstance(dialog, QFileDialog)
    target = tmp_path / "导出"
    emit(dialog.fileSelected, str(target))  # the user chose a name (without .xlsx)
    saved = tmp_path / "导出.xlsx"
    assert saved.exists()
    names = [
        row[1] for row in openpyxl.load_workbook(saved).worksheets[0].iter_rows(values_only=True)
    ]
    assert {a.name for a in reg.LEGAL_ADVISERS.list(demo_db)} <= set(names)
    assert boxes.titles()[-1].endswith("已保存")


def test_export_to_a_missing_folder_says_so(
    window: RegistriesWindow, tmp_path: Path, boxes: Boxes
) -> None:
    dialog = sheet_ui.start_export(window.page("legal_advisers"))
    assert isinstance(dialog, QFileDialog)
    emit(dialog.fileSelected, str(tmp_path / "没有这个文件夹" / "x.xlsx"))
    assert boxes.kinds()[-1] == "warning"
    assert "x.xlsx" in boxes.texts()


def test_the_lists_and_filters_follow_the_offices_order_of_villages(
    window: RegistriesWindow, demo_db: Database
) -> None:
    office_order = [v.name for v in office.villages(demo_db)]
    assert office_order != sorted(office_order)  # the demo office did not enter them by name
    assert texts(window.page("villages"), 0) == office_order
    filter_names = [window.page("legal_advisers").scope.itemText(i) for i in range(1, 4)]
    assert filter_names == office_order
    for key in ("grids", "legal_advisers", "grid_workers"):
        villages = list(dict.fromkeys(texts(window.page(key), 0)))
        assert villages == office_order, key
    grids = window.page("households").scope
    shown = [grids.itemText(i).split()[0] for i in range(1, grids.count())]
    assert list(dict.fromkeys(shown)) == office_order


def test_a_village_added_is_offered_on_the_other_tabs(
    qtbot: QtBot, window: RegistriesWindow, demo_db: Database
) -> None:
    page = window.page("villages")
    form = open_form(qtbot, page)
    commit_text(form.widgets["name"], "李家湾村")
    with qtbot.waitSignal(window.changed):
        click(qtbot, form.save_button)
    assert "李家湾村" in texts(page, 0)
    advisers = window.page("legal_advisers")
    assert advisers.scope.findText("李家湾村") >= 0

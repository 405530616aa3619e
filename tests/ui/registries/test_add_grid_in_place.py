"""村居档案 never ends in "请先登记网格": a 网格员 or 住户 whose grid does not exist yet gets
the grid added right in its form, and the form goes on."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox
from pytestqt.qtbot import QtBot

from app.models import demo, office
from app.models import registries as reg
from app.models.db import Database
from app.ui.add_in_place import GridChooser
from app.ui.registries.form import RegistryForm
from app.ui.registries.page import RegistryPage
from app.ui.registries.window import RegistriesWindow
from tests.helpers import director, fill_demo, log_in, snapshot
from tests.ui.message_boxes import Boxes
from tests.ui.user import activate, choose, click, commit_text, ctrl_enter, type_text


def registries(qtbot: QtBot, db: Database) -> RegistriesWindow:
    window = RegistriesWindow(db)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


@pytest.fixture
def window(qtbot: QtBot, bare_office: Database, boxes: Boxes) -> Iterator[RegistriesWindow]:
    yield registries(qtbot, bare_office)


def open_add_form(qtbot: QtBot, window: RegistriesWindow, key: str) -> RegistryForm:
    page = window.page(key)
    window.tabs.setCurrentWidget(page)
    click(qtbot, page.add_button)
    form = page.form
    assert form is not None and form.isVisible()
    activate(qtbot, form)
    return form


def open_grid_chooser(
    qtbot: QtBot, window: RegistriesWindow, key: str
) -> tuple[RegistryForm, GridChooser]:
    """The add form of page `key` and its 网格 chooser (with the add-a-grid row)."""
    form = open_add_form(qtbot, window, key)
    assert form.grid_chooser is not None
    return form, form.grid_chooser


def grid_combo(form: RegistryForm) -> QComboBox:
    combo = form.widgets["grid_id"]
    assert isinstance(combo, QComboBox)
    return combo


def texts(page: RegistryPage, column: int) -> list[str]:
    model = page.proxy
    return [str(model.data(model.index(r, column))) for r in range(model.rowCount())]


def test_a_grid_worker_without_any_grid_adds_the_grid_in_the_form_and_is_saved(
    qtbot: QtBot, window: RegistriesWindow, bare_office: Database
) -> None:
    page = window.page("grid_workers")
    choose(page.scope, "桃园村")
    form, chooser = open_grid_chooser(qtbot, window, "grid_workers")
    # Not a dead end: a note says what to do, the row is open on the page's village, and
    # the cursor waits in the grid's name.
    assert chooser.empty_note.isVisible() and "还没有网格" in chooser.empty_note.text()
    assert not grid_combo(form).isVisible()
    assert chooser.adder.isVisible() and not chooser.adder.open_button.isVisible()
    assert chooser.adder.village.currentText() == "桃园村"
    assert QApplication.focusWidget() is chooser.adder.name

    type_text(qtbot, chooser.adder.name, "第一网格")
    qtbot.keyClick(chooser.adder.name, Qt.Key.Key_Return)  # Enter adds (the form stays)
    assert form.isVisible()
    assert [(g.village_name, g.name) for g in reg.GRIDS.list(bare_office)] == [
        ("桃园村", "第一网格")
    ]
    assert grid_combo(form).isVisible() and grid_combo(form).currentText() == "桃园村 第一网格"
    assert not chooser.empty_note.isVisible() and not chooser.adder.isVisible()
    assert chooser.status.text() == "已新增网格“桃园村 第一网格”并选中。"
    # The other pages know the grid at once: the 网格 list and the 装户 filter.
    assert texts(window.page("grids"), 1) == ["第一网格"]
    assert window.page("households").scope.findText("桃园村 第一网格") >= 0

    # And the step goes on in the same form: Enter moves from the grid to the name.
    assert QApplication.focusWidget() is grid_combo(form)
    qtbot.keyClick(grid_combo(form), Qt.Key.Key_Return)
    assert QApplication.focusWidget() is form.widgets["name"]
    commit_text(form.widgets["name"], "周建国")
    commit_text(form.widgets["phone"], "13912345678")
    with qtbot.waitSignal(page.changed):
        ctrl_enter(qtbot, form.widgets["name"])
    assert not shiboken6.isValid(form) or not form.isVisible()
    workers = reg.GRID_WORKERS.list(bare_office)
    assert [(w.village_name, w.grid_name, w.name, w.phone) for w in workers] == [
        ("桃园村", "第一网格", "周建国", "13912345678")
    ]
    assert texts(page, 2) == ["周建国"] and page.selected_row().name == "周建国"


def test_a_household_without_any_grid_adds_the_grid_in_the_form_and_is_saved(
    qtbot: QtBot, window: RegistriesWindow, bare_office: Database
) -> None:
    form, chooser = open_grid_chooser(qtbot, window, "households")
    assert chooser.adder.village.currentText() == "红旗村"  # the office's first village
    choose(chooser.adder.village, "桃园村")
    qtbot.keyClick(chooser.adder.village, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is chooser.adder.name
    commit_text(chooser.adder.name, "三组")
    click(qtbot, chooser.adder.add_button)
    assert grid_combo(form).currentText() == "桃园村 三组"
    commit_text(form.widgets["house_number"], "12")
    commit_text(form.widgets["head_name"], "王大山")
    with qtbot.waitSignal(window.page("households").changed):
        click(qtbot, form.save_button)
    households = reg.HOUSEHOLDS.list(bare_office)
    assert [(h.village_name, h.grid_name, h.house_number, h.head_name) for h in households] == [
        ("桃园村", "三组", "12", "王大山")
    ]


def test_what_is_wrong_with_the_grid_is_said_under_its_row_and_nothing_else_is_saved(
    qtbot: QtBot, window: RegistriesWindow, bare_office: Database
) -> None:
    form, chooser = open_grid_chooser(qtbot, window, "grid_workers")
    before = snapshot(bare_office)
    click(qtbot, chooser.adder.add_button)  # no name
    assert chooser.adder.error.isVisible() and "网格名称" in chooser.adder.error.text()
    assert QApplication.focusWidget() is chooser.adder.name
    assert snapshot(bare_office) == before

    # Saving the form with a grid typed but not added: refused, the grid named, nothing saved.
    commit_text(chooser.adder.name, "第二网格")
    commit_text(form.widgets["name"], "周建国")
    click(qtbot, form.save_button)
    assert form.isVisible()
    box = form.errors.find(reg.GRID_FIELD)
    assert box is not None and box.has_error
    assert "“第二网格”还没有添加" in box.error.text()
    assert snapshot(bare_office) == before

    # Closed without adding: the form says what it needs, and still offers the way out.
    qtbot.keyClick(chooser.adder.name, Qt.Key.Key_Escape)  # closes the row, not the form
    assert form.isVisible() and not chooser.adder.isVisible()
    click(qtbot, form.save_button)
    assert "请在这一项下面新增网格" in box.error.text()
    assert chooser.adder.open_button.isVisible()
    assert snapshot(bare_office) == before


def test_a_grid_named_twice_in_a_village_is_refused_in_the_services_words(
    qtbot: QtBot, window: RegistriesWindow, bare_office: Database
) -> None:
    village = office.villages(bare_office)[0]
    reg.GRIDS.add(bare_office, by=director(bare_office), village_id=village.id, name="一组")
    window.page("grid_workers").fill_scope()
    form, chooser = open_grid_chooser(qtbot, window, "grid_workers")
    assert not chooser.adder.isVisible()  # there is a grid: the list, 新增网格 beside it
    assert grid_combo(form).currentText() == "红旗村 一组"
    click(qtbot, chooser.adder.open_button)
    commit_text(chooser.adder.name, "一组")
    click(qtbot, chooser.adder.add_button)
    assert "红旗村已经有名为“一组”的网格" in chooser.adder.error.text()
    assert len(reg.GRIDS.list(bare_office)) == 1


def test_a_grid_added_beside_others_takes_its_place_and_the_villages_first_grid_is_preset(
    qtbot: QtBot, database: Database, boxes: Boxes
) -> None:
    fill_demo(database, today=date(2026, 11, 20))
    log_in(database, password=demo.DEMO_PASSWORD)
    window = registries(qtbot, database)
    page = window.page("grid_workers")
    choose(page.scope, "桃园村")
    form, chooser = open_grid_chooser(qtbot, window, "grid_workers")
    combo = grid_combo(form)
    # The page shows 桃园村: its first grid is chosen (not an entry marked 已停用).
    assert combo.currentText() == "桃园村 第一网格"
    assert "（已停用）" not in [combo.itemText(i) for i in range(combo.count())]
    click(qtbot, chooser.adder.open_button)
    assert chooser.adder.village.currentText() == "桃园村"
    commit_text(chooser.adder.name, "第三网格")
    click(qtbot, chooser.adder.add_button)
    listed = [combo.itemText(i) for i in range(combo.count())]
    assert listed == [f"{g.village_name} {g.name}" for g in reg.GRIDS.list(database)]
    assert listed.index("桃园村 第三网格") == listed.index("桃园村 第二网格") + 1
    assert combo.currentText() == "桃园村 第三网格"

"""村居档案 open in two windows on one file (two copies of the program): a 修改 saved in one is
never silently reverted by the other's; the other is refused with 重新载入, which keeps what
its user typed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import shiboken6
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit
from pytestqt.qtbot import QtBot

from app.models import db as dbmod
from app.models import office
from app.models import registries as reg
from app.models.db import Database
from app.ui.cases.service_dialog import CLASH_TITLE, STALE_TITLE
from app.ui.registries.form import RegistryForm
from app.ui.registries.window import RegistriesWindow
from tests.helpers import director, file_of, log_in, snapshot
from tests.ui.message_boxes import Boxes
from tests.ui.user import activate, click, commit_text


@pytest.fixture
def household(office_db: Database) -> str:
    by = director(office_db)
    village = next(v.id for v in office.villages(office_db) if v.name == "红旗村")
    grid = reg.GRIDS.add(office_db, by=by, village_id=village, name="第一网格")
    return reg.HOUSEHOLDS.add(
        office_db,
        by=by,
        grid_id=grid,
        house_number="7",
        head_name="孙德旺",
        phone="13812340001",
        members=[reg.Member("李秀英", "配偶")],
    )


@pytest.fixture
def second(office_db: Database) -> Iterator[Database]:
    other = dbmod.connect(file_of(office_db))
    log_in(other)
    yield other
    other.close()


def edit_form(qtbot: QtBot, db: Database) -> RegistryForm:
    """A 村居档案 window on ``db``, its 装户 page's first household open in 修改."""
    window = RegistriesWindow(db)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    page = window.page("households")
    window.tabs.setCurrentWidget(page)
    page.table.selectRow(0)
    page.table.setCurrentIndex(page.proxy.index(0, 0))
    click(qtbot, page.edit_button)
    form = page.form
    assert form is not None and form.isVisible()
    activate(qtbot, form)
    return form


def line(form: RegistryForm, name: str) -> QLineEdit:
    widget = form.widgets[name]
    assert isinstance(widget, QLineEdit)
    return widget


def notes(form: RegistryForm) -> QPlainTextEdit:
    widget = form.widgets["notes"]
    assert isinstance(widget, QPlainTextEdit)
    return widget


def save(qtbot: QtBot, form: RegistryForm) -> None:
    click(qtbot, form.save_button)
    qtbot.waitUntil(lambda: not shiboken6.isValid(form) or not form.isVisible())


def test_a_household_changed_in_another_window_is_reloaded_not_overwritten(
    qtbot: QtBot, office_db: Database, second: Database, household: str, boxes: Boxes
) -> None:
    a = edit_form(qtbot, office_db)
    b = edit_form(qtbot, second)
    line(b, "phone").clear()
    commit_text(line(b, "phone"), "13900009999")
    line(b, "members").clear()
    commit_text(line(b, "members"), "李秀英（配偶）、孙小森（子）")
    save(qtbot, b)

    commit_text(notes(a), "独居老人，常回访")
    before = snapshot(office_db)
    click(qtbot, a.save_button)
    kind, title, text = boxes.calls[-1]
    assert (kind, title) == ("confirm", STALE_TITLE)
    assert text.startswith("7号（户主孙德旺）的登记在您打开之后已被修改（")
    assert snapshot(office_db) == before
    assert a.isVisible() and notes(a).toPlainText() == "独居老人，常回访"

    boxes.answers[STALE_TITLE] = True  # 重新载入
    click(qtbot, a.save_button)
    assert line(a, "phone").text() == "13900009999"
    assert line(a, "members").text() == "李秀英（配偶）、孙小森（子）"
    assert notes(a).toPlainText() == "独居老人，常回访"
    assert CLASH_TITLE not in boxes.titles()
    save(qtbot, a)

    stored = reg.HOUSEHOLDS.get(second, household)
    assert (stored.phone, stored.notes) == ("13900009999", "独居老人，常回访")
    assert [m.name for m in stored.members] == ["李秀英", "孙小森"]


def test_a_field_both_windows_changed_keeps_the_typed_value_and_says_so(
    qtbot: QtBot, office_db: Database, second: Database, household: str, boxes: Boxes
) -> None:
    a = edit_form(qtbot, office_db)
    b = edit_form(qtbot, second)
    line(b, "phone").clear()
    commit_text(line(b, "phone"), "13900009999")
    save(qtbot, b)
    line(a, "phone").clear()
    commit_text(line(a, "phone"), "13700007777")
    boxes.answers[STALE_TITLE] = True
    click(qtbot, a.save_button)
    kind, title, text = boxes.calls[-1]
    assert (kind, title) == ("warning", CLASH_TITLE)
    assert "“联系电话”您和对方都改了" in text
    assert line(a, "phone").text() == "13700007777"
    save(qtbot, a)
    assert reg.HOUSEHOLDS.get(office_db, household).phone == "13700007777"

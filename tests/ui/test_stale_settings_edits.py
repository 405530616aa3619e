"""The office-wide settings forms open in two windows on one file (two copies of the
program): a save in one is never silently reverted by the other's; the other is refused
with 重新载入, which keeps what its user typed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from app.models import db as dbmod
from app.models import office
from app.models.db import Database
from app.ui import ui_settings
from app.ui.cases.service_dialog import STALE_TITLE
from app.ui.office_details_dialog import OfficeDetailsDialog, open_office_details
from app.ui.printing.context import apply_print_font
from tests.helpers import log_in, snapshot
from tests.ui.message_boxes import Boxes
from tests.ui.user import commit_text


@pytest.fixture(autouse=True)
def shipped_fonts_after() -> Iterator[None]:
    yield
    ui_settings.save_print_font(None)
    apply_print_font(None)


@pytest.fixture
def second(office_db: Database) -> Iterator[Database]:
    other = dbmod.connect(office_db.path)
    log_in(other)
    yield other
    other.close()


_parents: list[QWidget] = []


@pytest.fixture(autouse=True)
def _keep_parents() -> Iterator[None]:
    yield
    _parents.clear()


def details_dialog(qtbot: QtBot, db: Database) -> OfficeDetailsDialog:
    parent = QWidget()  # the dialog deletes itself on close; its parent is the test's
    qtbot.addWidget(parent)
    _parents.append(parent)
    parent.show()
    dialog = open_office_details(db, parent)
    qtbot.waitExposed(dialog)
    return dialog


def click_save(qtbot: QtBot, dialog: QWidget) -> None:
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]


def test_office_details_saved_in_another_window_are_not_reverted(
    qtbot: QtBot, office_db: Database, second: Database, boxes: Boxes
) -> None:
    a = details_dialog(qtbot, office_db)
    b = details_dialog(qtbot, second)
    commit_text(b.address, "青山镇人民路8号")
    b.accept_late_days.setValue(5)
    click_save(qtbot, b)
    assert not shiboken6.isValid(b) or not b.isVisible()

    commit_text(a.court_name, "青山县人民法院")
    before = snapshot(office_db)
    click_save(qtbot, a)
    kind, title, text = boxes.calls[-1]
    assert (kind, title) == ("confirm", STALE_TITLE)
    assert text.startswith("单位信息在您打开之后已被修改（")
    assert snapshot(office_db) == before

    boxes.answers[STALE_TITLE] = True  # 重新载入
    click_save(qtbot, a)
    assert a.address.text() == "青山镇人民路8号"
    assert a.court_name.text() == "青山县人民法院"
    assert a.accept_late_days.value() == 5
    click_save(qtbot, a)
    assert not shiboken6.isValid(a) or not a.isVisible()
    stored = office.office_details(second)
    assert (stored.address, stored.court_name) == ("青山镇人民路8号", "青山县人民法院")
    assert office.accept_late_days(second) == 5

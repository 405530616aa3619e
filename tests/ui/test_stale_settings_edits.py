"""The office-wide settings forms open in two windows on one file (two copies of the
program): a save in one is never silently reverted by the other's; the other is refused
with 重新载入, which keeps what its user typed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from app.models import clause_templates as ct
from app.models import db as dbmod
from app.models import office
from app.models.db import Database
from app.models.monthly_report import get_texts, report_committee_id
from app.ui import ui_settings
from app.ui.cases.service_dialog import STALE_TITLE, ServiceDialog
from app.ui.clause_templates_dialog import ClauseTemplatesDialog, open_clause_templates
from app.ui.office_details_dialog import OfficeDetailsDialog, open_office_details
from app.ui.printing.context import apply_print_font
from app.ui.stats.monthly_report_dialog import MonthlyReportDialog, open_monthly_report
from tests.helpers import file_of, log_in, snapshot
from tests.ui.message_boxes import Boxes
from tests.ui.user import activate, commit_text, type_text


@pytest.fixture(autouse=True)
def shipped_fonts_after() -> Iterator[None]:
    yield
    ui_settings.save_print_font(None)
    apply_print_font(None)


@pytest.fixture
def second(office_db: Database) -> Iterator[Database]:
    other = dbmod.connect(file_of(office_db))
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


def click_save(qtbot: QtBot, dialog: ServiceDialog) -> None:
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)


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


def clause_dialog(qtbot: QtBot, db: Database, track: list[QWidget]) -> ClauseTemplatesDialog:
    """协议条款模板 on ``db``, the first template in the editor."""
    dialog = open_clause_templates(db, None)
    track.append(dialog)
    activate(qtbot, dialog)
    return dialog


def test_a_clause_template_saved_in_another_window_is_not_reverted(
    qtbot: QtBot, office_db: Database, second: Database, boxes: Boxes, track: list[QWidget]
) -> None:
    a = clause_dialog(qtbot, office_db, track)
    b = clause_dialog(qtbot, second, track)
    key = a._shown.key if a._shown is not None else ""
    assert b.title_edit.text() == a.title_edit.text()  # the same (first) template
    b.body.selectAll()
    qtbot.keyClick(b.body, Qt.Key.Key_Delete)
    type_text(qtbot, b.body, "双方自愿和解，今后和睦相处。")
    b.save()
    assert b.status.text().startswith("已保存")

    a.title_edit.selectAll()
    type_text(qtbot, a.title_edit, "和解致歉")
    before = snapshot(office_db)
    a.save()
    kind, title, text = boxes.calls[-1]
    assert (kind, title) == ("confirm", STALE_TITLE)
    assert text.startswith("条款模板“")
    assert "在您打开之后已被修改（" in text
    assert snapshot(office_db) == before

    boxes.answers[STALE_TITLE] = True  # 重新载入
    a.save()
    assert a.body.toPlainText() == "双方自愿和解，今后和睦相处。"
    assert a.title_edit.text() == "和解致歉"
    a.save()
    assert a.status.text().startswith("已保存")
    saved = next(t for t in ct.all_templates(second) if t.key == key)
    assert (saved.title, saved.body) == ("和解致歉", "双方自愿和解，今后和睦相处。")


def report_dialog(qtbot: QtBot, db: Database) -> MonthlyReportDialog:
    parent = QWidget()
    qtbot.addWidget(parent)
    _parents.append(parent)
    parent.show()
    dialog = open_monthly_report(db, parent, 2026, 5, today=date(2026, 11, 20))
    qtbot.waitExposed(dialog)
    return dialog


def write(dialog: MonthlyReportDialog, name: str, text: str) -> None:
    editor = dialog.editors[name]
    editor.moveCursor(editor.textCursor().MoveOperation.End)
    commit_text(editor, text)


def test_monthly_texts_saved_in_another_window_are_not_reverted(
    qtbot: QtBot, office_db: Database, second: Database, boxes: Boxes
) -> None:
    a = report_dialog(qtbot, office_db)
    b = report_dialog(qtbot, second)
    write(b, "situation", "本月共受理纠纷12件。")
    assert b.save()
    write(a, "plans", "下月开展婚姻家庭纠纷专项排查。")
    before = snapshot(office_db)
    assert not a.save()
    kind, title, text = boxes.calls[-1]
    assert (kind, title) == ("confirm", STALE_TITLE)
    assert text.startswith("2026年5月的情况说明在您打开之后已被修改（")
    assert snapshot(office_db) == before

    boxes.answers[STALE_TITLE] = True  # 重新载入
    assert not a.save()
    assert a.editors["situation"].toPlainText() == "本月共受理纠纷12件。"
    assert a.editors["plans"].toPlainText() == "下月开展婚姻家庭纠纷专项排查。"
    assert a.save()
    texts = get_texts(second, report_committee_id(second), 2026, 5)
    assert (texts.situation, texts.plans) == (
        "本月共受理纠纷12件。",
        "下月开展婚姻家庭纠纷专项排查。",
    )

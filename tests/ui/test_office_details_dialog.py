"""单位信息与打印设置: the office's details reach the forms; a bad entry saves nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from app.models import office
from app.models.db import Database
from app.models.office import OfficeDetails
from app.paths import resource_path
from app.printing import fonts, registry
from app.ui import ui_settings
from app.ui.main_window import MainWindow
from app.ui.office_details_dialog import FONT_FIELD, OfficeDetailsDialog, open_office_details
from app.ui.printing.context import apply_print_font, office_for
from tests.conftest import TODAY
from tests.printing.helpers import all_text
from tests.ui.message_boxes import Boxes
from tests.ui.user import commit_text


@pytest.fixture(autouse=True)
def shipped_fonts_after() -> Iterator[None]:
    yield
    ui_settings.save_print_font(None)
    apply_print_font(None)


@pytest.fixture
def dialog(qtbot: QtBot, office_db: Database, boxes: Boxes) -> Iterator[OfficeDetailsDialog]:
    parent = QWidget()  # the dialog deletes itself on close; its parent is the test's
    qtbot.addWidget(parent)
    parent.show()
    d = open_office_details(office_db, parent)
    qtbot.waitExposed(d)
    yield d


def error_of(d: OfficeDetailsDialog, field: str) -> str:
    box = d.errors.find(field)
    assert box is not None
    return box.error.text() if box.has_error else ""


def save(qtbot: QtBot, d: OfficeDetailsDialog) -> None:
    qtbot.mouseClick(d.save_button, Qt.MouseButton.LeftButton)


def test_details_entered_reach_the_printed_forms(
    qtbot: QtBot, dialog: OfficeDetailsDialog, office_db: Database
) -> None:
    assert dialog.seal_text.text() == "青山镇人民调解委员会"
    commit_text(dialog.address, "青山镇人民路8号")
    commit_text(dialog.phone, "0571-87654321")
    commit_text(dialog.court_name, "青山县人民法院")
    dialog.retention.setCurrentText("30年")
    with qtbot.waitSignal(dialog.saved):
        save(qtbot, dialog)
    assert office.office_details(office_db) == OfficeDetails(
        seal_text="青山镇人民调解委员会",
        address="青山镇人民路8号",
        phone="0571-87654321",
        court_name="青山县人民法院",
        retention="30年",
    )
    info = office_for(office_db)
    blank = registry.document("confirmation_application").build_blank(info)
    assert "青山县人民法院" in all_text(blank)
    cover = registry.document("cover").build_blank(info)
    assert "30年" in all_text(cover)


def test_a_wrong_court_name_is_shown_beside_the_field_and_nothing_is_saved(
    qtbot: QtBot, dialog: OfficeDetailsDialog, office_db: Database
) -> None:
    before = office.office_details(office_db)
    commit_text(dialog.address, "新地址")
    commit_text(dialog.court_name, "青山县")
    save(qtbot, dialog)
    assert "法院" in error_of(dialog, "司法确认法院")
    assert shiboken6.isValid(dialog) and dialog.isVisible()
    assert dialog.address.text() == "新地址"  # nothing typed is lost
    assert office.office_details(office_db) == before


def test_a_file_that_is_not_a_chinese_font_is_refused(
    qtbot: QtBot, dialog: OfficeDetailsDialog, office_db: Database, tmp_path: Path
) -> None:
    not_a_font = tmp_path / "合同.ttf"
    not_a_font.write_bytes(b"this is not a font")
    dialog.font_path.setText(str(not_a_font))
    commit_text(dialog.address, "新地址")
    save(qtbot, dialog)
    assert "合同.ttf" in error_of(dialog, FONT_FIELD)
    assert office.office_details(office_db).address == ""
    assert ui_settings.load_print_font() is None


def test_a_chosen_font_prints_the_documents_and_is_remembered(
    qtbot: QtBot, dialog: OfficeDetailsDialog, office_db: Database
) -> None:
    sans = resource_path("fonts", "NotoSansSC_400Regular.ttf")
    dialog.font_path.setText(str(sans))
    with qtbot.waitSignal(dialog.saved):
        save(qtbot, dialog)
    assert ui_settings.load_print_font() == sans
    assert fonts.current_config().body_font == sans
    pdf = registry.document("agreement").build_blank(office_for(office_db))
    assert b"NotoSansSC" in pdf and b"NotoSerifSC-Regular" not in pdf


def test_shipped_font_button_clears_the_choice(qtbot: QtBot, dialog: OfficeDetailsDialog) -> None:
    dialog.font_path.setText("/somewhere/simfang.ttf")
    qtbot.mouseClick(dialog.shipped_button, Qt.MouseButton.LeftButton)
    assert dialog.chosen_font() is None
    assert dialog.font_path.placeholderText().startswith("使用程序自带字体")


def test_the_late_days_of_waiting_disputes_are_set_here(
    qtbot: QtBot, dialog: OfficeDetailsDialog, office_db: Database
) -> None:
    assert dialog.accept_late_days.value() == 3
    assert dialog.accept_late_days.text() == "登记后超过 3 天未受理"
    dialog.accept_late_days.setFocus()
    qtbot.keyClick(dialog.accept_late_days, Qt.Key.Key_Up)
    qtbot.keyClick(dialog.accept_late_days, Qt.Key.Key_Up)
    with qtbot.waitSignal(dialog.saved):
        save(qtbot, dialog)
    assert office.accept_late_days(office_db) == 5


def test_a_refused_entry_keeps_the_late_days_unsaved(
    qtbot: QtBot, dialog: OfficeDetailsDialog, office_db: Database
) -> None:
    dialog.accept_late_days.setValue(9)
    commit_text(dialog.court_name, "青山县")
    save(qtbot, dialog)
    assert "法院" in error_of(dialog, "司法确认法院")
    assert office.accept_late_days(office_db) == 3


def test_the_start_page_follows_the_new_late_days(
    qtbot: QtBot, demo_db: Database, boxes: Boxes
) -> None:
    window = MainWindow(demo_db, today=lambda: TODAY)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    heading = window.start_page.sections["awaiting_acceptance"].heading
    assert heading.text() == "待受理（3 件，其中 3 件已超过 3 天）"  # waiting 20, 14, 5 days
    d = window.edit_office_details()
    qtbot.waitExposed(d)
    assert isinstance(d, OfficeDetailsDialog)
    d.accept_late_days.setValue(10)
    with qtbot.waitSignal(d.saved):
        save(qtbot, d)
    assert heading.text() == "待受理（3 件，其中 2 件已超过 10 天）"

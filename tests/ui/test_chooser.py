"""所在村, 纠纷类型, 案件来源 and the register's filters list in the office's order and narrow as
you type: the characters, or pinyin ("hd" for 河东社区); leaving the box settles on an
entry of the list, never on what was typed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QWidget
from pytestqt.qtbot import QtBot

from app.models import office
from app.models.db import Database
from app.models.reference import categories
from app.ui import application, ui_settings
from app.ui.cases.register_dialog import RegisterDialog
from app.ui.chooser import MatchModel, mark_blank
from app.ui.register_view import RegisterPage
from tests.conftest import TODAY
from tests.ui.cases.helpers import qt_application
from tests.ui.message_boxes import Boxes
from tests.ui.shell_helpers import on_screen, wait_count
from tests.ui.user import activate, show_dialog, type_text

ROOT = Path(__file__).resolve().parents[2]


def items(combo: QComboBox) -> list[str]:
    return [combo.itemText(i) for i in range(combo.count())]


def offered(combo: QComboBox) -> list[str]:
    """What the list under the box offers now (the typed text's matches)."""
    completer = combo.completer()
    assert completer is not None
    if not completer.popup().isVisible():
        return []
    model = completer.completionModel()
    return [str(model.index(r, 0).data()) for r in range(model.rowCount())]


def offers_after(qtbot: QtBot, combo: QComboBox, typed: str) -> list[str]:
    """Type ``typed`` into the box: what the list under it offers then."""
    type_text(qtbot, combo, typed)
    return offered(combo)


def keys_to(combo: QComboBox) -> QWidget:
    """Where the keyboard goes: the list of matches while it is open, else the box."""
    completer = combo.completer()
    if completer is not None and completer.popup().isVisible():
        return completer.popup()
    line = combo.lineEdit()
    assert line is not None
    return line


def leave(qtbot: QtBot, combo: QComboBox) -> None:
    """Tab out of the box, as the user moves on."""
    qtbot.keyClick(keys_to(combo), Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: not combo.hasFocus())


def register_dialog(qtbot: QtBot, db: Database, track: list[QWidget]) -> RegisterDialog:
    dialog = RegisterDialog(db)
    show_dialog(qtbot, dialog, track)
    return dialog


def village_id(db: Database, name: str) -> str:
    return next(v.id for v in office.villages(db) if v.name == name)


def test_villages_are_listed_in_the_office_s_order(
    qtbot: QtBot, office_db: Database, track: list[QWidget]
) -> None:
    dialog = register_dialog(qtbot, office_db, track)
    # As the office entered them at set-up, not in the order of their character codes.
    assert items(dialog.village) == ["（不填）", "红旗村", "桃园村", "河东社区"]
    assert items(dialog.category) == categories()
    assert dialog.category.currentIndex() == -1  # no silent default


def test_typing_pinyin_initials_narrows_the_villages_and_enter_takes_one(
    qtbot: QtBot, office_db: Database, track: list[QWidget]
) -> None:
    dialog = register_dialog(qtbot, office_db, track)
    assert offers_after(qtbot, dialog.village, "h") == ["红旗村", "河东社区"]  # hóng, hé
    assert offers_after(qtbot, dialog.village, "d") == ["河东社区"]
    qtbot.keyClick(keys_to(dialog.village), Qt.Key.Key_Return)
    assert dialog.village.currentText() == "河东社区"
    assert dialog.village.currentData() == village_id(office_db, "河东社区")


def test_typed_characters_settle_on_the_first_match_when_leaving(
    qtbot: QtBot, office_db: Database, track: list[QWidget]
) -> None:
    dialog = register_dialog(qtbot, office_db, track)
    assert offers_after(qtbot, dialog.village, "桃") == ["桃园村"]
    leave(qtbot, dialog.village)
    assert dialog.village.currentData() == village_id(office_db, "桃园村")
    assert dialog.village.currentText() == "桃园村"

    # Inside a name counts too, after the names that start with it.
    line = dialog.village.lineEdit()
    assert line is not None
    line.clear()
    assert offers_after(qtbot, dialog.village, "c") == ["红旗村", "桃园村"]  # cūn, inside both
    leave(qtbot, dialog.village)
    assert dialog.village.currentText() == "红旗村"


def test_text_that_matches_nothing_is_not_kept(
    qtbot: QtBot, office_db: Database, track: list[QWidget]
) -> None:
    dialog = register_dialog(qtbot, office_db, track)
    dialog.village.setCurrentIndex(dialog.village.findText("桃园村"))
    line = dialog.village.lineEdit()
    assert line is not None
    line.selectAll()
    assert offers_after(qtbot, dialog.village, "xyz") == []
    leave(qtbot, dialog.village)
    assert dialog.village.currentText() == "桃园村"  # the choice stays as it was
    assert dialog.village.findText("xyz") < 0  # and nothing was added to the list

    dialog.village.setFocus()  # back in the box, everything typed away: 不填
    qtbot.keyClick(line, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(line, Qt.Key.Key_Delete)
    assert line.text() == ""
    leave(qtbot, dialog.village)
    assert dialog.village.currentText() == "（不填）"
    assert dialog.village.currentData() == ""


def test_category_and_source_narrow_as_typed_and_register_saves_the_choice(
    qtbot: QtBot, office_db: Database, track: list[QWidget]
) -> None:
    dialog = register_dialog(qtbot, office_db, track)
    assert offers_after(qtbot, dialog.category, "hy") == ["婚姻家庭"]
    leave(qtbot, dialog.category)
    assert dialog.category.currentText() == "婚姻家庭"
    assert dialog.category.currentIndex() == categories().index("婚姻家庭")
    assert offers_after(qtbot, dialog.source, "pc") == ["排查发现"]
    leave(qtbot, dialog.source)
    assert dialog.source.currentData() == "screening"


def test_a_register_filter_narrows_by_initials(
    qtbot: QtBot, demo_db: Database, boxes: Boxes
) -> None:
    page = on_screen(qtbot, RegisterPage(demo_db, today=lambda: TODAY), 1400, 800)
    assert page.refresh()
    activate(qtbot, page)
    mediators = [m.name for m in office.mediators(demo_db)]
    assert items(page.mediator) == ["全部", *mediators]
    assert offers_after(qtbot, page.mediator, "cxl") == ["陈秀兰"]
    qtbot.keyClick(keys_to(page.mediator), Qt.Key.Key_Return)
    n = int(
        demo_db.scalar(
            "SELECT count(*) FROM cases WHERE state <> 'voided' AND id IN (SELECT a.case_id"
            " FROM assignments a JOIN mediators m ON m.id = a.mediator_id"
            " WHERE m.name = '陈秀兰' AND a.ended_on IS NULL)"
        )
    )
    wait_count(qtbot, page.count_label, f"共 {n} 件")
    assert page.mediator.currentText() == "陈秀兰"


def test_pinyin_is_not_loaded_until_someone_types() -> None:
    """Opening the program and its 登记纠纷 form does not pay for pypinyin's dictionaries."""
    code = (
        "import sys, tempfile, pathlib\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from app.models import db, office\n"
        "from app.ui.main_window import MainWindow\n"
        "from app.ui.cases.register_dialog import RegisterDialog\n"
        "d = db.connect(pathlib.Path(tempfile.mkdtemp()) / 'x.sqlite3')\n"
        "office.setup_office(d, committee_name='青山镇人民调解委员会', abbr='青山',"
        " town_name='青山镇', villages=['红旗村'], user_name='李主任', password='qingshan26')\n"
        "w = MainWindow(d); w.show_register(); r = RegisterDialog(d)\n"
        "print('pypinyin' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("size", ["normal", ui_settings.DEFAULT_FONT_SIZE, "xlarge"])
def test_every_register_filter_shows_its_entry_whole(
    qtbot: QtBot, demo_db: Database, boxes: Boxes, restore_font: None, size: str
) -> None:
    """A box sized to its entries leaves room for the text field's margins and cursor:
    the text does not scroll, so its first character is never cut off."""
    application.load_fonts()  # the program's own font, as users see it
    application.apply_font_size(qt_application(), size)
    page = on_screen(qtbot, RegisterPage(demo_db, today=lambda: TODAY), 1400, 800)
    assert page.refresh()
    for combo in (page.state, page.category, page.source, page.village, page.mediator):
        longest = max(items(combo), key=len)
        combo.setCurrentIndex(combo.findText(longest))
        line = combo.lineEdit()
        assert line is not None
        # QLineEdit keeps 2 px a side and a 1 px cursor: less room and the text scrolls.
        text_width = line.fontMetrics().horizontalAdvance(longest)
        assert line.width() - 2 * 2 - 1 >= text_width, longest


def test_the_matches_pass_the_model_tester(qtmodeltester, qtbot: QtBot) -> None:
    combo = QComboBox()
    qtbot.addWidget(combo)
    combo.addItems(["（不填）", "红旗村", "桃园村", "河东社区"])
    mark_blank(combo, 0)
    matches = MatchModel()
    matches.setSourceModel(combo.model())
    qtmodeltester.check(matches)  # Qt's tester watches every new query
    for query in ("h", "hd", "", "桃", "xyz", "h"):
        matches.set_query(query)
    assert [matches.index(r, 0).data() for r in range(matches.rowCount())] == [
        "红旗村",
        "河东社区",
    ]

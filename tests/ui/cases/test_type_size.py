"""The 字号 setting reaches every piece of text, also the coloured ones: error lines,
the error banner, hints, the notice of a closed case, the state badge, an overdue
deadline, and the larger headings (which stay proportionally larger)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from app.models import cases
from app.models.db import Database
from app.models.errors import ValidationError
from app.ui.application import apply_font_size
from app.ui.cases.register_dialog import RegisterDialog
from app.ui.cases.widgets import FieldBox
from app.ui.look import Heading
from app.ui.setup_dialog import SetupDialog
from app.ui.ui_settings import FONT_SIZES
from tests.helpers import director
from tests.ui.cases.helpers import (
    accepted,
    closed,
    field_error,
    open_action,
    open_window,
    register,
    type_size,
)
from tests.ui.user import click, show_dialog


def app_points() -> float:
    return QApplication.font().pointSizeF()


def off_size(root: QWidget) -> list[str]:
    """Every widget under ``root`` whose text is not at the program's size (a Heading:
    not at its multiple of it), and every widget with a style sheet."""
    wrong = []
    for widget in [root, *root.findChildren(QWidget)]:
        scale = widget._scale if isinstance(widget, Heading) else 1.0
        size = widget.font().pointSizeF()
        if abs(size - app_points() * scale) > 0.01 or widget.styleSheet():
            wrong.append(f"{type(widget).__name__} {widget.objectName()!r}: {size}")
    return wrong


@pytest.fixture
def normal_type():
    """Start in the smallest size, so that every later switch is a real change."""
    with type_size("normal"):
        yield


@pytest.mark.usefixtures("normal_type")
def test_error_line_and_banner_follow_the_type_size(
    qtbot: QtBot, qapp: QApplication, office_db: Database
) -> None:
    window = open_window(qtbot, office_db, register(office_db))
    void = open_action(qtbot, window, "void")
    click(qtbot, void.save_button)  # no reason: the red line under the field
    assert field_error(void, "作废原因")
    void.errors.show(ValidationError("（没有这一项）", "不属于任何一项的错误。"))
    assert void.banner.isVisible()
    error_line = void.errors.find("作废原因")
    assert error_line is not None

    for key in ("xlarge", "large", "normal"):
        apply_font_size(qapp, key)
        assert app_points() == FONT_SIZES[key][1]
        assert error_line.error.font().pointSizeF() == app_points()
        assert void.banner.font().pointSizeF() == app_points()
        assert off_size(void) == []


@pytest.mark.usefixtures("normal_type")
def test_every_text_of_the_case_window_follows_the_type_size(
    qtbot: QtBot, qapp: QApplication, office_db: Database
) -> None:
    overdue = accepted(office_db, days_ago=60)
    for case_id in (overdue, closed(office_db)):
        window = open_window(qtbot, office_db, case_id)
        apply_font_size(qapp, "xlarge")
        assert off_size(window) == []
        assert window.number_label.font().pointSizeF() == pytest.approx(app_points() * 1.4)
        assert window.number_label.font().bold()
        apply_font_size(qapp, "normal")
        assert off_size(window) == []

    # What the closed window shows in colour is there: the notice, and the state badge.
    assert window.notice.isVisible() and window.state_label.text() == "已结案"


@pytest.mark.usefixtures("normal_type")
def test_the_overdue_mark_comes_and_goes(qtbot: QtBot, office_db: Database) -> None:
    case_id = accepted(office_db, days_ago=60)
    window = open_window(qtbot, office_db, case_id)
    assert "已超期" in window.due_label.text()
    assert window.due_label.font().bold()
    plain = window.info_label.palette().windowText().color()
    assert window.due_label.palette().windowText().color() != plain
    cases.extend_deadline(
        office_db,
        case_id,
        by=director(office_db),
        new_due_on=date.today() + timedelta(days=10),
        reason="双方同意延长",
        requested_by="申请人",
        decided_on=date.today(),
    )
    window.reload()
    assert "还剩" in window.due_label.text()
    assert not window.due_label.font().bold()
    assert window.due_label.palette().windowText().color() == plain


@pytest.mark.usefixtures("normal_type")
def test_the_registration_form_follows_the_type_size(
    qtbot: QtBot, qapp: QApplication, office_db: Database, track: list[QWidget]
) -> None:
    dialog = RegisterDialog(office_db)
    show_dialog(qtbot, dialog, track)
    apply_font_size(qapp, "xlarge")
    assert off_size(dialog) == []
    assert dialog.side_a.heading.font().pointSizeF() == pytest.approx(app_points() * 1.15)


@pytest.mark.parametrize("size", list(FONT_SIZES))
def test_error_lines_take_the_lines_they_need_and_squeeze_nothing(
    qtbot: QtBot, database: Database, track: list[QWidget], size: str
) -> None:
    with type_size(size):
        dialog = SetupDialog(database)
        show_dialog(qtbot, dialog, track)
        # Wide enough for the message on one line, and no taller than it must be.
        dialog.resize(dialog.screen().availableGeometry().width() - 20, 0)
        qtbot.waitUntil(lambda: dialog.height() == dialog.minimumSizeHint().height())
        click(qtbot, dialog.next_button)  # nothing filled in: an error under the name
        boxes = [b for b in dialog.findChildren(FieldBox) if b.isVisible()]
        name_box = dialog.errors.find("调委会名称")
        assert name_box is not None and name_box.has_error
        error = name_box.error
        # As many lines as the text takes at its width: no gap under a short message.
        assert error.height() == error.heightForWidth(error.width())
        for box in boxes:  # e.g. the villages box keeps all its lines
            assert box.field.height() >= box.field.minimumSizeHint().height(), box.caption
            assert box.field.height() >= box.field.minimumHeight(), box.caption

"""Fixtures for the case widgets: a demo office, answers to message boxes, and the 登记
dialog on the set-up office."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from app.models import demo
from app.models.db import Database
from app.ui.cases.register_dialog import RegisterDialog
from tests.helpers import fill_demo, log_in
from tests.ui.message_boxes import Boxes
from tests.ui.user import show_dialog


@pytest.fixture(autouse=True)
def _answer_every_box(boxes: Boxes) -> Boxes:
    """No real message box may block a case-widget test (confirm: no, unless the test
    sets ``boxes.answer``; ``real_boxes`` shows them for real)."""
    return boxes


@pytest.fixture
def demo_db(database: Database) -> Database:
    """The demo office dated from the real today: the case widgets work against date.today()."""
    fill_demo(database, today=date.today())
    log_in(database, password=demo.DEMO_PASSWORD)
    return database


@pytest.fixture
def open_register_dialog(
    qtbot: QtBot, office_db: Database, track: list[QWidget]
) -> Callable[[], RegisterDialog]:
    """Opens a new 登记 dialog on the set-up office each call (closed after the test)."""

    def make() -> RegisterDialog:
        dialog = RegisterDialog(office_db)
        show_dialog(qtbot, dialog, track)
        return dialog

    return make

"""Fixtures for every UI test: answers to message boxes (or real boxes to click), the
demo office, widgets to close afterwards, and the 字号 setting put back."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import shiboken6
from PySide6.QtWidgets import QApplication, QWidget

from app.models import demo
from app.models.db import Database
from app.ui import messages, ui_settings
from tests.conftest import TODAY
from tests.helpers import fill_demo, log_in
from tests.ui.message_boxes import Boxes, open_boxes


@pytest.fixture
def boxes() -> Iterator[Boxes]:
    """No real message box may block a test: all are answered here (confirm: no)."""
    state = Boxes()
    with messages.respond_with(lambda _kind, title, _text: state.answer_for(title)) as calls:
        state.calls = calls
        yield state


@pytest.fixture
def real_boxes(boxes: Boxes, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Message boxes are shown for real while the test runs (find them with
    ``message_boxes.wait_for_box``); any left open are closed afterwards."""
    monkeypatch.setattr(messages, "_responder", None)
    yield
    for box in open_boxes():
        if shiboken6.isValid(box):
            box.close()


@pytest.fixture
def demo_db(database: Database) -> Database:
    """The demo office (青山镇, three villages, 40 cases in every state) as of TODAY."""
    fill_demo(database, today=TODAY)
    log_in(database, password=demo.DEMO_PASSWORD)  # its 主任 李主任
    return database


@pytest.fixture
def track(boxes: Boxes) -> Iterator[list[QWidget]]:
    """Top-level widgets to close after the test. Unlike qtbot.addWidget this copes with
    windows that delete themselves on close (WA_DeleteOnClose), as the dialogs do; one
    with typed text asks before closing, and ``boxes`` answers."""
    widgets: list[QWidget] = []
    yield widgets
    for widget in widgets:
        if shiboken6.isValid(widget):
            widget.close()
            widget.deleteLater()


@pytest.fixture
def restore_font() -> Iterator[None]:
    """Tests that change the 字号 leave the application font and the setting as they were."""
    font = QApplication.font()
    saved = ui_settings.settings().value("ui/font_size")
    yield
    QApplication.setFont(font)
    store = ui_settings.settings()
    if saved is None:
        store.remove("ui/font_size")
    else:
        store.setValue("ui/font_size", saved)
    store.sync()

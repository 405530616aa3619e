"""Fixtures for the case widgets: a demo office, and answers to message boxes."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

import pytest
import shiboken6
from PySide6.QtWidgets import QWidget

from app.models import demo
from app.models.db import Database
from app.ui import messages


@dataclass
class Boxes:
    """Every message box shown during a test; ``answer`` is what confirm() gets."""

    answer: bool = False
    calls: list[tuple[str, str, str]] = field(default_factory=list)

    def kinds(self) -> list[str]:
        return [kind for kind, _title, _text in self.calls]

    def texts(self) -> str:
        return "\n".join(text for _kind, _title, text in self.calls)


@pytest.fixture(autouse=True)
def boxes() -> Iterator[Boxes]:
    """No real message box may ever block a test: all are answered here (confirm: no)."""
    state = Boxes()
    with messages.respond_with(lambda _kind, _title, _text: state.answer) as calls:
        state.calls = calls
        yield state


@pytest.fixture
def demo_db(database: Database) -> Database:
    """The demo office: mediators, villages and 40 cases in every state, dated from today."""
    demo.fill_demo(database, today=date.today())
    return database


@pytest.fixture
def track() -> Iterator[list[QWidget]]:
    """Widgets to close after the test. Unlike qtbot.addWidget this copes with dialogs
    that delete themselves on close (WA_DeleteOnClose), as the case dialogs do."""
    widgets: list[QWidget] = []
    yield widgets
    for widget in widgets:
        if shiboken6.isValid(widget):
            widget.close()
            widget.deleteLater()

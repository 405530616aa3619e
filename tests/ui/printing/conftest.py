"""Fixtures for the printing UI: one demo database file for the whole run (the tests
only read it), answers to every message box, and windows closed after each test."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtWidgets import QApplication, QWidget

from app.models import db as dbmod
from app.models import demo
from app.models.db import Database
from app.ui import messages
from app.ui.printing.preview import PreviewWindow
from tests.conftest import TODAY
from tests.helpers import fill_demo, log_in, new_database


@dataclass
class Answers:
    """Every message box of the test; ``yes`` is what a question gets."""

    yes: bool = False
    calls: list[tuple[str, str, str]] = field(default_factory=list)

    def kinds(self) -> list[str]:
        return [kind for kind, _title, _text in self.calls]

    def texts(self) -> str:
        return "\n".join(text for _kind, _title, text in self.calls)


@pytest.fixture(autouse=True)
def answers() -> Iterator[Answers]:
    """No real message box may block a test: each is recorded and answered here."""
    state = Answers()
    with messages.respond_with(lambda _kind, _title, _text: state.yes) as calls:
        state.calls = calls
        yield state


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo office (青山镇, 40 cases in every state) as of TODAY, in a real file."""
    path = tmp_path_factory.mktemp("printing-ui") / "demo.sqlite3"
    db = new_database(path)
    try:
        fill_demo(db, today=TODAY)  # the process's demo template, as demo_db's
    finally:
        db.close()
    return path


@pytest.fixture
def print_db(demo_file: Path) -> Iterator[Database]:
    db = dbmod.connect(demo_file)
    log_in(db, password=demo.DEMO_PASSWORD)  # its 主任: a 主任 prints
    yield db
    db.close()


@pytest.fixture
def parent(qapp: QApplication) -> Iterator[QWidget]:
    """A window standing in for the case window; preview windows opened on it are
    closed after the test, as are any left without a parent."""
    widget = QWidget()
    widget.setWindowTitle("案件")
    yield widget
    for window in [*widget.findChildren(PreviewWindow), *_top_level_previews()]:
        if shiboken6.isValid(window):
            window.close()
    widget.close()
    widget.deleteLater()


def _top_level_previews() -> list[PreviewWindow]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, PreviewWindow)]

"""Fixtures of the 台账 export and import tests: a shown main-window stand-in to parent
the dialogs, and the file choosers answered the way the user answers them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtWidgets import QFileDialog, QWidget
from pytestqt.qtbot import QtBot

from app.models.db import Database
from app.ui import jobs
from app.ui.ledger import open_import
from app.ui.ledger.import_wizard import ImportWizard, Step
from app.ui.signals import emit
from tests.conftest import TODAY
from tests.ui.message_boxes import Boxes
from tests.ui.user import click


@pytest.fixture
def parent(qtbot: QtBot) -> Iterator[QWidget]:
    window = QWidget()
    qtbot.addWidget(window)
    window.resize(1000, 700)
    window.show()
    qtbot.waitExposed(window)
    yield window
    # No worker may outlive its test (it holds a database connection to tmp_path).
    for job in list(jobs._running):
        job.cancel()
    qtbot.waitUntil(lambda: not jobs._running, timeout=20000)


@pytest.fixture
def wizard(qtbot: QtBot, office_db: Database, parent: QWidget, boxes: Boxes) -> ImportWizard:
    """The 台账 import wizard, opened over ``parent`` on ``office_db``."""
    w = open_import(office_db, parent, today=lambda: TODAY)
    qtbot.waitExposed(w)
    return w


def answer_file_dialog(owner: QWidget, path: Path) -> None:
    """The user picks ``path`` in the file dialog ``owner`` opened (and it closes)."""
    dialogs = [d for d in owner.findChildren(QFileDialog) if d.isVisible()]
    assert len(dialogs) == 1, f"expected one open file dialog, found {len(dialogs)}"
    dialog = dialogs[0]
    emit(dialog.fileSelected, str(path))
    if shiboken6.isValid(dialog):
        dialog.close()


def choose_file(
    qtbot: QtBot, wizard: ImportWizard, path: Path, *, reaches: Step = Step.HEADER
) -> None:
    """选择文件… and the file picked in the dialog; waits until it has been read, and the
    wizard is at ``reaches`` (the header step; still the file step for a file that
    cannot be read)."""
    click(qtbot, wizard.file_page.choose_button)
    with qtbot.waitSignal(wizard.ready, timeout=20000):
        answer_file_dialog(wizard, path)
    assert wizard.step == reaches

"""Fixtures of the 台账 export and import tests: a shown main-window stand-in to parent
the dialogs, and the file choosers answered the way the user answers them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtWidgets import QFileDialog, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from app.ui import jobs
from app.ui.jobs import BackgroundJob
from app.ui.signals import emit
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


def answer_file_dialog(owner: QWidget, path: Path) -> None:
    """The user picks ``path`` in the file dialog ``owner`` opened (and it closes)."""
    dialogs = [d for d in owner.findChildren(QFileDialog) if d.isVisible()]
    assert len(dialogs) == 1, f"expected one open file dialog, found {len(dialogs)}"
    dialog = dialogs[0]
    emit(dialog.fileSelected, str(path))
    if shiboken6.isValid(dialog):
        dialog.close()


def cancel_in_progress_dialog(qtbot: QtBot, job: BackgroundJob) -> None:
    """Press 取消 in the progress dialog, as the user does."""
    progress = job.progress
    assert progress is not None
    qtbot.waitUntil(progress.isVisible, timeout=5000)
    button = progress.findChild(QPushButton)
    assert button is not None and button.text() == "取消"
    click(qtbot, button)

"""Fixtures and helpers for the main window, the register and the start page tests.

Imported by those test modules (not a conftest: the case-widget tests next door have
their own answers to message boxes).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
import shiboken6
from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from app.models import demo
from app.models.db import Database
from app.ui import messages, ui_settings
from tests.conftest import TODAY

UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
# What the UI must never show: ids, and the English keys of states and sources.
RAW_KEYS = re.compile(
    r"\b(registered|accepted|assigned|mediating|closed|archived|declined|voided|"
    r"application|initiative|screening|police|court|petition|government|other|None)\b"
)


@dataclass
class Boxes:
    """Every message box shown during a test; ``answer`` is what confirm() gets."""

    answer: bool = False
    calls: list[tuple[str, str, str]] = field(default_factory=list)


@pytest.fixture
def boxes() -> Iterator[Boxes]:
    """No real message box may block a test: all are answered here (confirm: no)."""
    state = Boxes()
    with messages.respond_with(lambda _kind, _title, _text: state.answer) as calls:
        state.calls = calls
        yield state


@pytest.fixture
def demo_db(database: Database) -> Database:
    """The demo office (青山镇, three villages, 40 cases in every state) as of TODAY."""
    demo.fill_demo(database, today=TODAY)
    return database


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


@pytest.fixture
def track(boxes: Boxes) -> Iterator[list[QWidget]]:
    """Top-level widgets to close after the test (some delete themselves on close); a
    dialog with typed text asks before closing, and ``boxes`` answers."""
    widgets: list[QWidget] = []
    yield widgets
    for widget in widgets:
        if shiboken6.isValid(widget):
            widget.close()
            widget.deleteLater()


def type_chinese(widget: QWidget, text: str) -> None:
    """Text as an input method commits it (QTest cannot click keys for CJK characters)."""
    widget.setFocus()
    event = QInputMethodEvent("", [])
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def all_cells(model: QAbstractItemModel) -> list[str]:
    """Every DisplayRole text of a table model, row by row."""
    root = QModelIndex()
    return [
        str(model.index(row, col).data(Qt.ItemDataRole.DisplayRole))
        for row in range(model.rowCount(root))
        for col in range(model.columnCount(root))
    ]


@contextmanager
def locked(db: Database) -> Iterator[None]:
    """Another program holds an exclusive lock on the file, and our reads give up fast.

    WAL readers are never blocked by a writer, so the file is switched to a rollback
    journal first (as on a network share, where WAL is not available).
    """
    assert db.path is not None
    db.conn.execute("PRAGMA journal_mode = DELETE")
    db.conn.execute("PRAGMA busy_timeout = 50")
    other = sqlite3.connect(str(db.path), isolation_level=None, timeout=0.05)
    other.execute("BEGIN EXCLUSIVE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


def wait_count(qtbot: QtBot, label: QLabel, text: str) -> None:
    """Wait for the register's count label to read ``text`` (the search is debounced)."""
    qtbot.waitUntil(lambda: label.text() == text, timeout=3000)


def double_click(qtbot: QtBot, view: QAbstractItemView, index: QModelIndex) -> None:
    """A real double click: press and release, then the double-click event (QTest's
    mouseDClick alone sends only the last, which item views ignore without a press)."""
    view.scrollTo(index)
    pos = view.visualRect(index).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)

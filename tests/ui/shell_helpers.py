"""Helpers for the main window, the register and the start page tests (their fixtures
are in tests/ui/conftest.py)."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TypeVar

from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QMenu, QWidget
from pytestqt.qtbot import QtBot

from app.models.db import Database
from app.models.register import RegisterRow
from app.ui.register_model import RegisterModel

W = TypeVar("W", bound=QWidget)

UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
# What the UI must never show: ids, and the English keys of states and sources.
RAW_KEYS = re.compile(
    r"\b(registered|accepted|assigned|mediating|closed|archived|declined|voided|"
    r"application|initiative|screening|police|court|petition|government|other|None)\b"
)


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


def record_at(model: RegisterModel, row: int) -> RegisterRow:
    """The case the register shows in ``row`` (read: the row is there)."""
    record = model.row_record(row)
    assert record is not None, row
    return record


def submenu(action: QAction) -> QMenu:
    """The menu a menu bar's action opens (PySide6 types it as any QObject)."""
    menu = action.menu()
    assert isinstance(menu, QMenu), action.text()
    return menu


def wait_count(qtbot: QtBot, label: QLabel, text: str) -> None:
    """Wait for the register's count label to read ``text`` (the search is debounced)."""
    qtbot.waitUntil(lambda: label.text() == text, timeout=3000)


def on_screen(qtbot: QtBot, page: W, width: int, height: int) -> W:
    """``page`` on screen at this size, closed after the test."""
    qtbot.addWidget(page)
    page.resize(width, height)
    page.show()
    qtbot.waitExposed(page)
    return page

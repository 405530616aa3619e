"""The one way the program shows a message box, so tests can answer every box.

Use ``info``/``warning``/``error``/``confirm`` (never ``QMessageBox`` directly). In tests,
``with respond_with(fn) as calls:`` makes every box call ``fn(kind, title, text)`` instead
of showing anything; ``calls`` records ``(kind, title, text)`` tuples and ``confirm()``
returns ``bool(fn(...))``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

if TYPE_CHECKING:
    from app.models.db import StorageError

log = logging.getLogger(__name__)

Responder = Callable[[str, str, str], object]

# Set only by respond_with(); when set, no box is ever shown.
_responder: Responder | None = None

STORAGE_ERROR_TITLE = "数据库文件有问题"

_ICONS = {
    "info": QMessageBox.Icon.Information,
    "warning": QMessageBox.Icon.Warning,
    "error": QMessageBox.Icon.Critical,
    "confirm": QMessageBox.Icon.Question,
}


@contextmanager
def respond_with(fn: Responder) -> Iterator[list[tuple[str, str, str]]]:
    """Answer every message box with ``fn(kind, title, text)`` while the block runs."""
    global _responder
    calls: list[tuple[str, str, str]] = []
    previous = _responder

    def recording(kind: str, title: str, text: str) -> object:
        calls.append((kind, title, text))
        return fn(kind, title, text)

    _responder = recording
    try:
        yield calls
    finally:
        _responder = previous


def info(parent: QWidget | None, title: str, text: str) -> None:
    _show("info", parent, title, text)


def warning(parent: QWidget | None, title: str, text: str) -> None:
    _show("warning", parent, title, text)


def error(parent: QWidget | None, title: str, text: str) -> None:
    _show("error", parent, title, text)


def confirm(
    parent: QWidget | None,
    title: str,
    text: str,
    *,
    yes: str = "确定",
    no: str = "取消",
    default_yes: bool = False,
) -> bool:
    """Ask a yes/no question. Enter picks the safe answer (``no``) unless ``default_yes``."""
    return bool(_show("confirm", parent, title, text, yes=yes, no=no, default_yes=default_yes))


def show_storage_error(parent: QWidget | None, exc: StorageError) -> None:
    """A database/disk problem (not a bug): its plain-Chinese message, no traceback."""
    warning(parent, STORAGE_ERROR_TITLE, exc.message)


def _show(
    kind: str,
    parent: QWidget | None,
    title: str,
    text: str,
    *,
    yes: str = "确定",
    no: str = "取消",
    default_yes: bool = False,
) -> object:
    # What the user was told is the first thing support asks for: keep it in the log.
    log.info("message box (%s) %s: %s", kind, title, text)
    if _responder is not None:
        return _responder(kind, title, text)
    if QApplication.instance() is None:
        log.warning("no QApplication: message box (%s) %s not shown", kind, title)
        return False
    box = QMessageBox(parent)
    box.setIcon(_ICONS[kind])
    box.setWindowTitle(title)
    box.setTextFormat(Qt.TextFormat.PlainText)  # text may contain user data such as "<"
    box.setText(text)
    if kind == "confirm":
        yes_button = box.addButton(yes, QMessageBox.ButtonRole.YesRole)
        no_button = box.addButton(no, QMessageBox.ButtonRole.NoRole)
        box.setDefaultButton(yes_button if default_yes else no_button)
        box.setEscapeButton(no_button)
    else:
        yes_button = box.addButton("确定", QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(yes_button)
        box.setEscapeButton(yes_button)
    box.exec()
    answered_yes = box.clickedButton() is yes_button
    box.deleteLater()
    return answered_yes

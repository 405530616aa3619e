"""Driving widgets the way a user does: typing (ASCII as key clicks, Chinese the way an
input method commits it), choosing, clicking, double-clicking, and windows that are
shown and active (shortcuts need that)."""

from __future__ import annotations

import threading

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialog,
    QPushButton,
    QScrollArea,
    QWidget,
)
from pytestqt.qtbot import QtBot

from app.ui.jobs import BackgroundJob


def commit_text(widget: QWidget, text: str) -> None:
    """Text as an input method commits it (QTest cannot click keys for CJK characters)."""
    widget.setFocus()
    event = QInputMethodEvent("", [])
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def type_text(qtbot: QtBot, widget: QWidget, text: str) -> None:
    """Type into ``widget``: ASCII as real key clicks, a newline as Enter, and runs of
    Chinese committed by the input method."""
    target = widget
    if isinstance(widget, QComboBox) and (line_edit := widget.lineEdit()) is not None:
        target = line_edit
    target.setFocus()
    run = ""
    for ch in text:
        if ch.isascii():
            if run:
                commit_text(target, run)
                run = ""
            if ch == "\n":
                qtbot.keyClick(target, Qt.Key.Key_Return)
            else:
                qtbot.keyClicks(target, ch)
        else:
            run += ch
    if run:
        commit_text(target, run)


def ctrl_enter(qtbot: QtBot, widget: QWidget) -> None:
    qtbot.keyClick(widget, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def choose(combo: QComboBox, text: str) -> None:
    """Pick an entry by pressing ↓/↑ on the combo until it shows ``text``."""
    target = combo.findText(text)
    assert target >= 0, f"{text!r} is not in the list"
    combo.setFocus()
    while combo.currentIndex() != target:
        key = Qt.Key.Key_Down if combo.currentIndex() < target else Qt.Key.Key_Up
        before = combo.currentIndex()
        QTest.keyClick(combo, key)
        assert combo.currentIndex() != before, "the combo did not move"


def activate(qtbot: QtBot, window: QWidget) -> None:
    """Shown and active, as a window the user is working in."""
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def show_dialog(qtbot: QtBot, dialog: QDialog, track: list[QWidget]) -> None:
    """Open ``dialog`` the program's way (``open()``), closed after the test, and active."""
    track.append(dialog)
    dialog.open()
    activate(qtbot, dialog)


def click(qtbot: QtBot, button: QAbstractButton) -> None:
    """Click as a user does: on a button that is shown, enabled and scrolled into view."""
    assert button.isVisible(), f"{button.text()} is not shown"
    assert button.isEnabled(), f"{button.text()} is disabled"
    parent = button.parentWidget()
    while parent is not None and not isinstance(parent, QScrollArea):
        parent = parent.parentWidget()
    if parent is not None:
        parent.ensureWidgetVisible(button)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def double_click(qtbot: QtBot, view: QAbstractItemView, index: QModelIndex) -> None:
    """A real double click: press and release, then the double-click event (QTest's
    mouseDClick alone sends only the last, which item views ignore without a press)."""
    view.scrollTo(index)
    pos = view.visualRect(index).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)


def cancel_in_progress_dialog(qtbot: QtBot, job: BackgroundJob) -> None:
    """Press 取消 in a job's progress dialog (app/ui/jobs.py), as the user does. The dialog
    is told to show at once: the program shows it once the job has run 0.3 s, and each
    such test waited that long for it."""
    progress = job.progress
    assert progress is not None
    progress.setMinimumDuration(0)
    qtbot.waitUntil(progress.isVisible, timeout=5000)
    button = progress.findChild(QPushButton)
    assert button is not None and button.text() == "取消"
    click(qtbot, button)


def hold_thread_after_work(job: BackgroundJob) -> threading.Event:
    """Keep ``job``'s worker thread up after its work until the returned event is set (as a
    busy machine may keep it), so the GUI thread handles ``done`` while the thread still
    runs. Hook it in before the work ends: the slot runs in the worker thread, after the
    GUI's queued slot was posted."""
    release = threading.Event()
    job.worker.finished.connect(lambda _r: release.wait(10), Qt.ConnectionType.DirectConnection)
    return release

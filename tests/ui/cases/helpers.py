"""Helpers for driving the case widgets the way a mediator does."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from typing import Any

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QListWidget,
    QScrollArea,
    QTableView,
    QWidget,
)
from pytestqt.qtbot import QtBot

from app.models import cases, office
from app.models.cases import AgreementInput, CaseInput, CloseInput, SessionInput
from app.models.db import BUSY_TIMEOUT_MS, Database
from app.models.office import current_user, main_committee
from app.models.parties import PartyInput
from app.ui.application import apply_font_size
from app.ui.cases.case_window import CaseWindow
from app.ui.cases.service_dialog import ServiceDialog

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def valid_id(region: str = "330102", birth: str = "19850307", order: str = "123") -> str:
    """An 18-digit resident ID with the right GB 11643 check character. The last digit
    of ``order`` decides the sex: odd for men."""
    first17 = f"{region}{birth}{order}"
    assert len(first17) == 17
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11]


def wrong_check_digit(number: str) -> str:
    last = number[-1]
    return number[:-1] + ("0" if last != "0" else "1")


def type_text(qtbot: QtBot, widget: QWidget, text: str) -> None:
    """Type into ``widget``: ASCII as real key clicks; Chinese the way it really arrives,
    committed by the input method (QTest cannot click keys for CJK characters)."""
    target = widget
    if isinstance(widget, QComboBox) and widget.lineEdit() is not None:
        target = widget.lineEdit()
    target.setFocus()
    run = ""

    def commit(chunk: str) -> None:
        event = QInputMethodEvent("", [])
        event.setCommitString(chunk)
        QApplication.sendEvent(target, event)

    for ch in text:
        if ch.isascii() and ch != "\n":
            if run:
                commit(run)
                run = ""
            qtbot.keyClicks(target, ch)
        elif ch == "\n":
            if run:
                commit(run)
                run = ""
            qtbot.keyClick(target, Qt.Key.Key_Return)
        else:
            run += ch
    if run:
        commit(run)


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


def register(
    db: Database,
    *,
    registered_on: date | None = None,
    facts: str = "两家因宅基地边界的围墙发生争执。",
) -> str:
    """A registered case made through the service (for tests about later steps)."""
    return cases.register_case(
        db,
        CaseInput(
            committee_id=main_committee(db).id,
            category="邻里",
            source="application",
            registered_on=registered_on or date.today(),
            parties=[
                PartyInput(name="张三", role="applicant", id_number=valid_id()),
                PartyInput(name="李四", role="respondent", phone="13912345678"),
            ],
            facts=facts,
        ),
        by=current_user(db).id,
    )


def accepted(db: Database, *, days_ago: int = 0) -> str:
    day = date.today() - timedelta(days=days_ago)
    case_id = register(db, registered_on=day)
    cases.accept_case(db, case_id, by=current_user(db).id, accepted_on=day)
    return case_id


def mediating(db: Database) -> str:
    """Accepted, a mediator assigned, one session held (all today)."""
    case_id = accepted(db)
    by = current_user(db).id
    cases.assign_mediators(
        db,
        case_id,
        by=by,
        mediator_ids=[office.mediators(db)[0].id],
        how="appointed",
        assigned_on=date.today(),
    )
    cases.record_session(
        db,
        case_id,
        SessionInput(
            kind="session",
            held_at=datetime.combine(date.today(), time(0, 0)),  # today, never in the future
            place="村评理说事点",
            record="双方陈述了各自的意见。",
        ),
        by=by,
    )
    return case_id


def closed(db: Database, outcome: str = "agreement_written") -> str:
    case_id = mediating(db)
    agreed = outcome.startswith("agreement")
    cases.close_case(
        db,
        case_id,
        CloseInput(
            closed_on=date.today(),
            outcome=outcome,
            note="" if agreed else "双方分歧较大。",
            agreement=AgreementInput(terms=["李四赔偿张三 800 元。"]) if agreed else None,
        ),
        by=current_user(db).id,
    )
    return case_id


# ---------------------------------------------------------------------- the case window


def snapshot(db: Database) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table: to prove a refused save wrote nothing."""
    tables = [
        r[0]
        for r in db.query(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'case_search%'"
        )
    ]
    return {t: [tuple(r) for r in db.query(f"SELECT * FROM {t}")] for t in tables}


@contextmanager
def type_size(key: str) -> Iterator[None]:
    """The program in one of the large-type settings while the block runs."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    before = app.font()
    apply_font_size(app, key)
    try:
        yield
    finally:
        app.setFont(before)


@contextmanager
def database_locked(db: Database, *, timeout_ms: int = 50) -> Iterator[None]:
    """Another program holds the write lock (BEGIN IMMEDIATE) while the block runs; the
    app's connection gives up after ``timeout_ms`` instead of the usual five seconds."""
    assert db.path is not None
    db.conn.execute(f"PRAGMA busy_timeout = {timeout_ms}")
    other = sqlite3.connect(db.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()
        db.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")


def activate(qtbot: QtBot, window: QWidget) -> None:
    """Shown and active, as a window the user is working in (shortcuts need that)."""
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def open_window(qtbot: QtBot, db: Database, case_id: str) -> CaseWindow:
    window = CaseWindow(db, case_id)
    qtbot.addWidget(window)
    window.show()
    activate(qtbot, window)
    return window


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


def open_action(qtbot: QtBot, window: CaseWindow, action: str) -> Any:
    """Click the action's button; the dialog it opened (typed loosely: each test knows
    which dialog class it gets)."""
    click(qtbot, window.action_button(action))
    dialog = window.active_dialog
    assert dialog is not None, f"{action} opened no dialog"
    activate(qtbot, dialog)
    assert dialog.isModal()  # open(): the case window waits, nothing blocks the event loop
    return dialog


def save(qtbot: QtBot, window: CaseWindow, dialog: ServiceDialog) -> None:
    """Click the dialog's save button and wait until the window has been refreshed."""
    with qtbot.waitSignal(window.changed, timeout=3000):
        click(qtbot, dialog.save_button)
    assert not shiboken6.isValid(dialog) or not dialog.isVisible()


def refused(qtbot: QtBot, dialog: ServiceDialog) -> None:
    """Click save on a dialog whose input is wrong: it must stay open."""
    click(qtbot, dialog.save_button)
    assert shiboken6.isValid(dialog) and dialog.isVisible(), "the dialog closed"


def field_error(dialog: ServiceDialog, name: str) -> str:
    """The red text under the field the services call ``name`` ("" when none)."""
    box = dialog.errors.find(name)
    assert box is not None, f"no field {name!r}"
    return box.error.text() if box.has_error else ""


def cell(view: QTableView, row: int, col: int) -> str:
    model = view.model()
    return str(model.data(model.index(row, col)))


def column(view: QTableView, col: int) -> list[str]:
    return [cell(view, r, col) for r in range(view.model().rowCount())]


def check_item(qtbot: QtBot, widget: QListWidget, text: str) -> None:
    """Tick a list entry the keyboard way: move to it, press Space."""
    row = next(i for i in range(widget.count()) if text in widget.item(i).text())
    widget.setFocus()
    widget.setCurrentRow(row)
    qtbot.keyClick(widget, Qt.Key.Key_Space)
    assert widget.item(row).checkState() == Qt.CheckState.Checked

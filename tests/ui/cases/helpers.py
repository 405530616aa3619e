"""Cases in each state, made through the services, and helpers for the case window and
its dialogs (typing and clicking: tests/ui/user.py)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from typing import Any

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QListWidget,
    QTableView,
)
from pytestqt.qtbot import QtBot

from app.models import cases, office
from app.models.cases import AgreementInput, CaseInput, CloseInput, SessionInput
from app.models.db import BUSY_TIMEOUT_MS, Database
from app.models.identity import resident_id_check_char
from app.models.office import main_committee
from app.models.parties import PartyInput
from app.ui.application import apply_font_size
from app.ui.cases.agreement_page import DraftPage
from app.ui.cases.case_window import TAB_AGREEMENT, CaseWindow
from app.ui.cases.service_dialog import ServiceDialog
from tests.helpers import director
from tests.ui.user import activate, click


def valid_id(region: str = "330102", birth: str = "19850307", order: str = "123") -> str:
    """An 18-digit resident ID with the right GB 11643 check character. The last digit
    of ``order`` decides the sex: odd for men."""
    first17 = f"{region}{birth}{order}"
    assert len(first17) == 17
    return first17 + resident_id_check_char(first17)


def wrong_check_digit(number: str) -> str:
    last = number[-1]
    return number[:-1] + ("0" if last != "0" else "1")


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
        by=director(db),
    )


def accepted(db: Database, *, days_ago: int = 0) -> str:
    day = date.today() - timedelta(days=days_ago)
    case_id = register(db, registered_on=day)
    cases.accept_case(db, case_id, by=director(db), accepted_on=day)
    return case_id


def assigned(db: Database) -> str:
    """Accepted, the office's first mediator assigned (today)."""
    case_id = accepted(db)
    cases.assign_mediators(
        db,
        case_id,
        by=director(db),
        mediator_ids=[office.mediators(db)[0].id],
        how="appointed",
        assigned_on=date.today(),
    )
    return case_id


def mediating(db: Database) -> str:
    """Accepted, a mediator assigned, one session held (all today)."""
    case_id = assigned(db)
    cases.record_session(
        db,
        case_id,
        SessionInput(
            kind="session",
            held_at=datetime.combine(date.today(), time(0, 0)),  # today, never in the future
            place="村评理说事点",
            record="双方陈述了各自的意见。",
        ),
        by=director(db),
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
        by=director(db),
    )
    return case_id


# ---------------------------------------------------------------------- the case window


def qt_application() -> QApplication:
    """The running application (``QApplication.instance()`` is typed as the core one)."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    return app


@contextmanager
def type_size(key: str) -> Iterator[None]:
    """The program in one of the large-type settings while the block runs."""
    app = qt_application()
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


def open_window(qtbot: QtBot, db: Database, case_id: str) -> CaseWindow:
    window = CaseWindow(db, case_id)
    qtbot.addWidget(window)
    window.show()
    activate(qtbot, window)
    return window


def draft_tab(qtbot: QtBot, window: CaseWindow) -> DraftPage:
    """The 协议 tab of a case being mediated: its draft page, shown."""
    window.show_tab(TAB_AGREEMENT)
    page = window.draft_page
    assert window.agreement_stack.currentWidget() is page
    qtbot.waitUntil(page.isVisible)
    return page


def open_draft(qtbot: QtBot, db: Database) -> tuple[str, CaseWindow, DraftPage]:
    """A case being mediated, its window open on the 协议 tab: (case id, window, page)."""
    case_id = mediating(db)
    window = open_window(qtbot, db, case_id)
    return case_id, window, draft_tab(qtbot, window)


def draft_error(page: DraftPage, name: str) -> str:
    """The red text under the draft's field the services call ``name`` ("" when none)."""
    box = page.errors.find(name)
    assert box is not None, f"no field {name!r}"
    return box.error.text() if box.has_error else ""


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

"""The first week's dialogs on an old 1366×768 laptop, measured in a program of their own.

Run by tests/ui/test_dialogs_fit_laptop.py as ``python -m tests.ui.laptop_screen OUT.json``
under ``QT_QPA_PLATFORM=offscreen:configfile=…``: Qt's offscreen platform then has one
1366×768 screen with window frames, which a test process (one QApplication for every test,
on the platform's default 800×800 screen) cannot change. The program's own start-up
(fonts, translations, the 字号), the demo office, and each dialog opened the way a user
opens it: from the main window's or the case window's own action, with ``open()``.

Written to OUT.json: for each 字号 and dialog, the screen's available area, the dialog's
frame, every push button of its button row (where it is on screen, how much of it shows),
and for a form that does not scroll the height it needs and the height it has.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QRect
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QPushButton, QWidget

SCREEN = (1366, 768)
SIZES = ("large", "xlarge")  # the default 字号 and the largest
DIALOGS = (
    "登记纠纷",
    "设置·本调委会",
    "设置·您的账户",
    "设置·村（社区）",
    "设置·调解员",
    "设置·单位信息",
    "指派调解员",
    "指派（还没有调解员）",
    "结案（达成书面协议）",
    "增加当事人",
    "单位信息",
    "准备外出笔记本",
)


def screen_config(path: Path) -> Path:
    """Qt's offscreen platform configuration: one laptop screen, windows with frames."""
    width, height = SCREEN
    screen = {
        "name": "laptop",
        "x": 0,
        "y": 0,
        "width": width,
        "height": height,
        "logicalDpi": 96,
        "logicalBaseDpi": 96,
        "dpr": 1,
    }
    config = {"windowFrameMargins": True, "screens": [screen]}
    path.write_text(json.dumps(config), encoding="utf-8")
    return path


def _rect(r: QRect) -> list[int]:
    return [r.x(), r.y(), r.width(), r.height()]


def _wait() -> None:
    QTest.qWait(30)


def measure(dialog: QWidget) -> dict[str, Any]:
    """Where the dialog and its row of buttons (everything under its form) are on screen."""
    _wait()
    screen = dialog.screen()
    buttons = []
    body = dialog.body  # type: ignore[attr-defined]  # each dialog measured: a form with a body
    for button in dialog.findChildren(QPushButton):
        if not button.isVisibleTo(dialog) or body.isAncestorOf(button):
            continue  # a button of the form scrolls with it
        top_left = button.mapToGlobal(button.rect().topLeft())
        shown = button.visibleRegion().boundingRect()
        buttons.append(
            {
                "text": button.text(),
                "global": [top_left.x(), top_left.y(), button.width(), button.height()],
                "shown": _rect(shown),
            }
        )
    layout = dialog.layout()
    assert layout is not None
    squeezable = getattr(dialog, "scroll_area", None) is None and layout.hasHeightForWidth()
    return {
        "available": _rect(screen.availableGeometry()),
        "frame": _rect(dialog.frameGeometry()),
        "buttons": buttons,
        # A form that does not scroll: the height its lines need at its width (wrapped ones
        # too), and the height it has; None for a form that scrolls.
        "needs": layout.totalHeightForWidth(dialog.width()) if squeezable else None,
        "height": dialog.height(),
    }


def _dialogs(db: Any, fresh: Any, no_mediators: Any) -> Iterator[tuple[str, Callable[[], Any]]]:
    """(name, open it) for each dialog, in DIALOGS order; each returns the dialog shown."""
    from app.models import office
    from app.ui.main_window import MainWindow
    from app.ui.setup_dialog import STEP_MEDIATORS
    from tests.helpers import director

    windows: list[QWidget] = []

    def main_window(database: Any) -> MainWindow:
        window = MainWindow(database)
        window.show()
        windows.append(window)
        _wait()
        return window

    def case_of(database: Any, state: str) -> Any:
        row = database.conn.execute(
            "SELECT id FROM cases WHERE state = ? ORDER BY seq LIMIT 1", (state,)
        ).fetchone()
        window = main_window(database).open_case(row[0])
        _wait()
        return window

    def register() -> Any:
        window = main_window(db)
        window.new_case()
        return window.register_dialog

    def setup(step: int) -> Callable[[], Any]:
        def open_step() -> Any:
            window = main_window(fresh)
            window.start_setup()
            dialog = window.setup_dialog
            assert dialog is not None
            _wait()
            dialog.show_step(step)
            if step == STEP_MEDIATORS:  # the person setting up, and two more rows
                dialog.add_mediator_row()
                dialog.add_mediator_row()
            return dialog

        return open_step

    def assign(database: Any) -> Any:
        window = case_of(database, "accepted")
        return window.run_action("assign")

    def close() -> Any:
        window = case_of(db, "mediating")
        dialog = window.run_action("close")
        dialog.outcome.set_key("agreement_written")  # the agreement form shown
        return dialog

    def add_party() -> Any:
        return case_of(db, "accepted").add_party()

    def office_details() -> Any:
        return main_window(db).edit_office_details()

    def prepare_laptop() -> Any:
        from app.models.sync import exchange

        exchange.set_device_name(db, "办公室电脑", by=director(db))
        return main_window(db).prepare_laptop()

    assert not office.mediators(no_mediators)
    openers: list[Callable[[], Any]] = [
        register,
        setup(0),
        setup(1),
        setup(2),
        setup(3),
        setup(4),
        lambda: assign(db),
        lambda: assign(no_mediators),
        close,
        add_party,
        office_details,
        prepare_laptop,
    ]
    try:
        for opened in zip(DIALOGS, openers, strict=True):
            yield opened
            _close(windows)  # each dialog is opened in a main window of its own
    finally:
        _close(windows)


def _close(windows: list[QWidget]) -> None:
    """Close the windows and delete them (their idle watches stop filtering every event)."""
    for window in windows:
        window.close()
        assert not window.isVisible(), "a window did not close"
        window.deleteLater()
    windows.clear()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def _office_without_mediators(path: Path) -> Any:
    """Set up with the mediators step skipped, and one accepted case."""
    from app.models import cases, office
    from app.models import db as dbmod
    from app.models.cases import CaseInput
    from app.models.parties import PartyInput
    from tests.helpers import director, log_in

    database = dbmod.connect(path)
    office.setup_office(
        database,
        committee_name="白水乡人民调解委员会",
        abbr="白水",
        town_name="白水乡",
        villages=["白水村"],
        user_name="王秀兰",
        password="qingshan26",
    )
    by = director(database)
    case_id = cases.register_case(
        database,
        CaseInput(
            committee_id=office.main_committee(database).id,
            category="邻里",
            source="application",
            registered_on=date.today(),
            parties=[
                PartyInput(name="张三", role="applicant"),
                PartyInput(name="李四", role="respondent"),
            ],
            facts="两家因宅基地边界的围墙发生争执。",
        ),
        by=by,
    )
    cases.accept_case(database, case_id, by=by, accepted_on=date.today())
    log_in(database)
    return database


def main(out: Path) -> None:
    os.environ.setdefault("MEDIATION_DESK_TESTING", "1")
    from app.ui import application, messages

    app = application.create_application([sys.argv[0]])
    with messages.respond_with(lambda *_args: False):  # nothing here waits for an answer
        _measure_all(app, out)


def _measure_all(app: QApplication, out: Path) -> None:
    from app.models import db as dbmod
    from app.models import demo
    from app.ui import application
    from tests.helpers import log_in

    folder = Path(tempfile.mkdtemp(prefix="laptop-screen-"))
    db = dbmod.connect(folder / "demo.sqlite3")
    demo.fill_demo(db, today=date.today())
    log_in(db, password=demo.DEMO_PASSWORD)
    fresh = dbmod.connect(folder / "fresh.sqlite3")
    no_mediators = _office_without_mediators(folder / "bare.sqlite3")
    results: dict[str, dict[str, Any]] = {}
    for size in SIZES:
        application.apply_font_size(app, size)
        for name, open_dialog in _dialogs(db, fresh, no_mediators):
            dialog = open_dialog()
            assert dialog is not None and dialog.isVisible(), name
            results[f"{size}/{name}"] = measure(dialog)
            dialog.done(0)
            _wait()
    out.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    QApplication.closeAllWindows()


if __name__ == "__main__":
    main(Path(sys.argv[1]))

"""Printing or saving a case's forms that carry ID numbers in full is recorded for the
audit (privacy_events print_ids / save_ids: who, which case, which forms; never a number),
through the real path: the case's 打印 menu, the preview, its printer and its save."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from app.models import audit, demo
from app.models import db as dbmod
from app.models.db import Database
from app.ui.printing import menu
from app.ui.printing.preview import PreviewWindow
from app.ui.printing.render import prepare_printer
from tests.helpers import log_in
from tests.ui.printing.helpers import AGREEMENT_CASE, case, case_id


@pytest.fixture
def own_db(demo_file: Path, tmp_path: Path) -> Iterator[Database]:
    """A copy of the demo office of this test's own: the records are written into it. The
    shared demo file may already hold records of other tests' prints (the table is
    append-only): ``records`` lists only those made after this copy was opened."""
    path = tmp_path / "office.sqlite3"
    source = dbmod.connect(demo_file)
    try:
        dbmod.backup_copy(source, path)  # with whatever the other tests left in its -wal
    finally:
        source.close()
    db = dbmod.connect(path)
    log_in(db, password=demo.DEMO_PASSWORD)  # 李主任
    _before[id(db)] = int(db.scalar("SELECT coalesce(max(rowid), 0) FROM privacy_events"))
    yield db
    db.close()
    del _before[id(db)]


_before: dict[int, int] = {}


def records(db: Database) -> list[dict[str, Any]]:
    return [
        {**dict(r), "data": json.loads(r["data"])}
        for r in db.query(
            "SELECT by, action, case_id, party_id, data FROM privacy_events WHERE rowid > ? "
            "ORDER BY rowid",
            (_before[id(db)],),
        )
    ]


def from_menu(db: Database, number: str, key: str, parent: QWidget) -> PreviewWindow:
    """The case's 打印 menu, the entry of document ``key`` chosen: its preview."""
    printing = menu.documents_menu(db, case_id(db, number), parent)
    action = next(a for a in printing.actions() if a.objectName() == f"print-{key}")
    action.trigger()
    windows = [w for w in parent.findChildren(PreviewWindow) if w.isVisible()]
    assert len(windows) == 1
    return windows[0]


def print_to_file(qtbot: QtBot, window: PreviewWindow, out: Path) -> None:
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)  # no real printer here
    printer.setOutputFileName(str(out))
    prepare_printer(printer, copies=1)
    with qtbot.waitSignal(window.printed, timeout=30000):
        window.print_to(printer)


def test_printing_and_saving_the_agreement_is_recorded_without_the_numbers(
    qtbot: QtBot, own_db: Database, parent: QWidget, tmp_path: Path
) -> None:
    c = case(own_db, AGREEMENT_CASE)
    numbers = [p.id_number for p in c.parties]
    assert all(numbers)
    window = from_menu(own_db, AGREEMENT_CASE, "agreement", parent)
    assert records(own_db) == []  # looking at the preview is not recorded

    print_to_file(qtbot, window, tmp_path / "printed.pdf")
    assert window.save_to(tmp_path / "协议书.pdf")
    me = own_db.scalar("SELECT id FROM users WHERE name = '李主任'")
    assert records(own_db) == [
        {
            "by": me,
            "action": "print_ids",
            "case_id": c.id,
            "party_id": None,
            "data": {"forms": ["人民调解协议书"], "sheets": 2},
        },
        {
            "by": me,
            "action": "save_ids",
            "case_id": c.id,
            "party_id": None,
            "data": {"forms": ["人民调解协议书"], "file": "协议书.pdf"},
        },
    ]
    stored = "".join(str(r) for r in own_db.query("SELECT * FROM privacy_events"))
    assert not any(n in stored for n in numbers)

    # the audit window lists them under 个人信息, with the case and the form
    entries = list(audit.AuditReader(own_db, audit.AuditFilter(kind="privacy")))
    listed = [(e.user_name, e.case_label, e.action, e.detail) for e in entries]
    assert (
        "李主任",
        AGREEMENT_CASE,
        "打印含完整证件号码的文书",
        "文书：《人民调解协议书》；2 张",
    ) in listed
    assert (
        "李主任",
        AGREEMENT_CASE,
        "保存含完整证件号码的文书（PDF）",
        "文书：《人民调解协议书》；文件：协议书.pdf",
    ) in listed


def test_a_form_without_id_numbers_is_not_recorded(
    qtbot: QtBot, own_db: Database, parent: QWidget, tmp_path: Path
) -> None:
    window = from_menu(own_db, AGREEMENT_CASE, "rights_notice", parent)  # names only
    print_to_file(qtbot, window, tmp_path / "notice.pdf")
    assert window.save_to(tmp_path / "notice-saved.pdf")
    assert records(own_db) == []


def test_a_case_whose_parties_have_no_id_number_records_nothing(
    qtbot: QtBot, own_db: Database, parent: QWidget, tmp_path: Path
) -> None:
    c = case(own_db, AGREEMENT_CASE)
    with own_db.transaction() as conn:  # the parties gave no ID number
        conn.executemany(
            "UPDATE parties SET id_number = '', id_type = '' WHERE id = ?",
            [(p.party_id,) for p in c.parties],
        )
    window = from_menu(own_db, AGREEMENT_CASE, "agreement", parent)
    print_to_file(qtbot, window, tmp_path / "printed.pdf")
    assert window.save_to(tmp_path / "saved.pdf")
    assert records(own_db) == []


def test_the_bound_case_file_is_recorded_with_the_forms_in_it(
    qtbot: QtBot, own_db: Database, parent: QWidget, tmp_path: Path
) -> None:
    c = case(own_db, AGREEMENT_CASE)
    run = menu.open_case_file(own_db, c.id, parent, show_progress=False)
    assert run is not None
    with qtbot.waitSignal(run.done, timeout=60000) as done:
        pass
    window = done.args[0]
    assert isinstance(window, PreviewWindow)
    qtbot.waitUntil(lambda: not run.is_running)
    assert window.save_to(tmp_path / "卷宗.pdf")
    (record,) = records(own_db)
    assert record["action"] == "save_ids" and record["case_id"] == c.id
    forms = record["data"]["forms"]
    assert forms[0] == "人民调解卷宗"
    assert set(forms[1:]) == {
        "人民调解申请书",
        "人民调解受理登记表",
        "人民调解协议书",
        "司法确认申请书",
    }

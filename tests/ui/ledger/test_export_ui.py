"""导出台账 as the user does it: what to export, ID numbers masked or not, the save dialog,
the export off the GUI thread with progress and 取消, and plain-Chinese failures."""

from __future__ import annotations

import re
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PySide6.QtWidgets import QFileDialog, QWidget
from pytestqt.qtbot import QtBot

from app.models import accounts, ledger, office, register
from app.models.db import Database
from app.models.register import RegisterFilter
from app.ui import session
from app.ui.jobs import BackgroundJob
from app.ui.ledger import export as export_ui
from app.ui.ledger import open_export
from app.ui.ledger.export import ExportDialog, default_file_name
from tests.helpers import director
from tests.ui.ledger.conftest import answer_file_dialog
from tests.ui.message_boxes import Boxes
from tests.ui.user import cancel_in_progress_dialog, click

FULL_ID = re.compile(r"\d{17}[\dX]")
MASKED_ID = re.compile(r"\d{6}\*{8}\d{3}[\dX]")


def open_dialog(
    qtbot: QtBot, db: Database, parent: QWidget, register_filter: RegisterFilter | None = None
) -> ExportDialog:
    dialog = open_export(db, parent, register_filter)
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def export_to(qtbot: QtBot, dialog: ExportDialog, path: Path) -> BackgroundJob:
    """导出… then the file chosen in the save dialog; returns the running export."""
    click(qtbot, dialog.export_button)
    answer_file_dialog(dialog, path)
    assert dialog.job is not None
    return dialog.job


def sheet_rows(path: Path) -> list[tuple[Any, ...]]:
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return [tuple(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()


def party_cells(rows: list[tuple[Any, ...]]) -> str:
    applicants = ledger.HEADERS.index("申请人")
    respondents = ledger.HEADERS.index("被申请人")
    return "\n".join(f"{r[applicants] or ''}\n{r[respondents] or ''}" for r in rows[1:])


def id_numbers(db: Database) -> list[str]:
    return db.column("SELECT id_number FROM parties WHERE kind = 'person' AND id_number <> ''")


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.suffix in (".xlsx", ".tmp"))


def test_the_save_dialog_proposes_a_dated_name(
    qtbot: QtBot, demo_db: Database, parent: QWidget, boxes: Boxes
) -> None:
    assert default_file_name(date(2026, 11, 25)) == "调解案件台账_2026-11-25.xlsx"
    dialog = open_dialog(qtbot, demo_db, parent)
    click(qtbot, dialog.export_button)
    file_dialog = dialog.findChild(QFileDialog)
    assert file_dialog is not None and file_dialog.isVisible()
    assert Path(file_dialog.selectedFiles()[0]).name == default_file_name()
    file_dialog.close()
    assert dialog.job is None  # no file chosen, nothing written


def test_export_all_cases_masks_id_numbers(
    qtbot: QtBot, demo_db: Database, parent: QWidget, tmp_path: Path, boxes: Boxes
) -> None:
    dialog = open_dialog(qtbot, demo_db, parent)
    assert dialog.all_cases.isChecked()
    assert not dialog.filtered.isEnabled()  # no register filter given
    assert not dialog.include_ids.isChecked()
    with qtbot.waitSignal(dialog.exported, timeout=30000) as done:
        export_to(qtbot, dialog, tmp_path / "台账")  # typed without .xlsx
    saved = tmp_path / "台账.xlsx"
    assert done.args == [saved, 40]
    rows = sheet_rows(saved)
    assert rows[0] == ledger.HEADERS
    assert len(rows) - 1 == demo_db.scalar("SELECT count(*) FROM cases") == 40
    parties = party_cells(rows)
    assert MASKED_ID.search(parties)
    assert not FULL_ID.search(parties)
    assert boxes.titles()[-1] == "台账已导出"
    assert "已导出 40 件案件" in boxes.texts()
    assert str(saved) in boxes.texts()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert leftovers(tmp_path) == ["台账.xlsx"]


def test_full_id_numbers_when_ticked_with_a_warning(
    qtbot: QtBot, demo_db: Database, parent: QWidget, tmp_path: Path, boxes: Boxes
) -> None:
    session.sign_in(demo_db, director(demo_db))
    dialog = open_dialog(qtbot, demo_db, parent)
    assert not dialog.warning.isVisible()
    click(qtbot, dialog.include_ids)
    assert dialog.include_ids.text() == "包含完整身份证号（默认隐去中间位数）"
    assert dialog.warning.isVisible()
    assert "个人敏感信息" in dialog.warning.text()
    with qtbot.waitSignal(dialog.exported, timeout=30000):
        export_to(qtbot, dialog, tmp_path / "完整.xlsx")
    parties = party_cells(sheet_rows(tmp_path / "完整.xlsx"))
    numbers = id_numbers(demo_db)
    assert numbers
    assert any(n in parties for n in numbers)
    assert not MASKED_ID.search(parties)
    # recorded: who and which file, never a number (docs/privacy.md)
    record = demo_db.one("SELECT action, data FROM privacy_events")
    assert record is not None and record["action"] == "export_ids"
    assert '"file": "完整.xlsx"' in record["data"]


def test_a_viewer_cannot_tick_full_id_numbers(
    qtbot: QtBot, demo_db: Database, parent: QWidget, boxes: Boxes
) -> None:
    viewer = accounts.add_user(
        demo_db, name="统计员", role="viewer", password="tongji123", by=director(demo_db)
    )
    session.sign_in(demo_db, accounts.acting_as(demo_db, viewer))
    dialog = open_dialog(qtbot, demo_db, parent)
    assert not dialog.include_ids.isEnabled()
    assert dialog.include_ids.toolTip() == "只有主任和调解员可以导出完整的证件号码。"


def test_the_registers_filter_exports_what_it_shows(
    qtbot: QtBot, demo_db: Database, parent: QWidget, tmp_path: Path, boxes: Boxes
) -> None:
    village = next(v for v in office.villages(demo_db) if v.name == "红旗村")
    shown = RegisterFilter(village_id=village.id)
    expected = len(register.query_seqs(demo_db, shown))
    assert 0 < expected < 40
    dialog = open_dialog(qtbot, demo_db, parent, shown)
    assert dialog.filtered.isChecked()
    assert f"{expected} 件" in dialog.filtered.text()
    with qtbot.waitSignal(dialog.exported, timeout=30000):
        export_to(qtbot, dialog, tmp_path / "红旗村.xlsx")
    rows = sheet_rows(tmp_path / "红旗村.xlsx")
    assert len(rows) - 1 == expected
    column = ledger.HEADERS.index("所在村（社区）")
    assert {r[column] for r in rows[1:]} == {"红旗村"}
    assert f"已导出 {expected} 件案件" in boxes.texts()


def test_all_cases_can_be_chosen_instead_of_the_filter(
    qtbot: QtBot, demo_db: Database, parent: QWidget, tmp_path: Path, boxes: Boxes
) -> None:
    village = next(v for v in office.villages(demo_db) if v.name == "红旗村")
    dialog = open_dialog(qtbot, demo_db, parent, RegisterFilter(village_id=village.id))
    click(qtbot, dialog.all_cases)
    with qtbot.waitSignal(dialog.exported, timeout=30000):
        export_to(qtbot, dialog, tmp_path / "全部.xlsx")
    assert len(sheet_rows(tmp_path / "全部.xlsx")) - 1 == 40


def _wait_for_cancel(kw: dict[str, Any]) -> None:
    """In the worker: hold on until the user has pressed 取消 (at most 20 s)."""
    deadline = time.monotonic() + 20
    while not kw["cancelled"]() and time.monotonic() < deadline:
        time.sleep(0.01)


def _export_waits_for_cancel(monkeypatch: pytest.MonkeyPatch) -> None:
    """The export holds on until 取消, then runs (it sees the cancel at once and removes
    its temporary file)."""
    real = ledger.export_ledger

    def slow_export(db: Database, path: Path, **kw: Any) -> int:
        _wait_for_cancel(kw)
        return real(db, path, **kw)

    monkeypatch.setattr(export_ui, "export_ledger", slow_export)


def test_cancel_leaves_no_file(
    qtbot: QtBot,
    demo_db: Database,
    parent: QWidget,
    tmp_path: Path,
    boxes: Boxes,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _export_waits_for_cancel(monkeypatch)
    dialog = open_dialog(qtbot, demo_db, parent)
    job = export_to(qtbot, dialog, tmp_path / "取消.xlsx")
    assert not dialog.export_button.isEnabled()  # one export at a time
    with qtbot.waitSignal(job.stopped, timeout=20000):
        cancel_in_progress_dialog(qtbot, job)
    assert leftovers(tmp_path) == []
    assert boxes.calls == []  # cancelled: nothing to tell
    assert dialog.isVisible()  # the user may export again
    assert dialog.export_button.isEnabled()


def test_a_cancel_after_the_last_row_still_reports_the_saved_file(
    qtbot: QtBot,
    demo_db: Database,
    parent: QWidget,
    tmp_path: Path,
    boxes: Boxes,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = ledger.export_ledger
    written = threading.Event()

    def export_then_wait(db: Database, path: Path, **kw: Any) -> int:
        count = real(db, path, **kw)
        written.set()
        _wait_for_cancel(kw)
        return count

    monkeypatch.setattr(export_ui, "export_ledger", export_then_wait)
    dialog = open_dialog(qtbot, demo_db, parent)
    job = export_to(qtbot, dialog, tmp_path / "已保存.xlsx")
    qtbot.waitUntil(written.is_set, timeout=20000)
    with qtbot.waitSignal(dialog.exported, timeout=20000):
        cancel_in_progress_dialog(qtbot, job)
    assert (tmp_path / "已保存.xlsx").exists()
    assert boxes.titles() == ["台账已导出"]


def test_a_missing_folder_is_told_in_plain_chinese(
    qtbot: QtBot, demo_db: Database, parent: QWidget, tmp_path: Path, boxes: Boxes
) -> None:
    dialog = open_dialog(qtbot, demo_db, parent)
    target = tmp_path / "没有这个文件夹" / "台账.xlsx"
    job = export_to(qtbot, dialog, target)
    with qtbot.waitSignal(job.stopped, timeout=20000):
        pass
    assert boxes.kinds() == ["warning"]
    assert boxes.titles() == ["导出台账没有完成"]
    assert "找不到文件夹" in boxes.texts()
    assert "台账.xlsx" in boxes.texts()
    assert "Traceback" not in boxes.texts()
    assert not target.parent.exists()
    assert dialog.isVisible()  # choose another place
    assert dialog.export_button.isEnabled()


def test_an_existing_file_is_replaced_whole(
    qtbot: QtBot, demo_db: Database, parent: QWidget, tmp_path: Path, boxes: Boxes
) -> None:
    target = tmp_path / "台账.xlsx"
    target.write_bytes(b"old")
    dialog = open_dialog(qtbot, demo_db, parent)
    with qtbot.waitSignal(dialog.exported, timeout=30000):
        export_to(qtbot, dialog, target)
    assert len(sheet_rows(target)) == 41
    assert leftovers(tmp_path) == ["台账.xlsx"]


def test_esc_while_exporting_cancels_instead_of_closing(
    qtbot: QtBot,
    demo_db: Database,
    parent: QWidget,
    tmp_path: Path,
    boxes: Boxes,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _export_waits_for_cancel(monkeypatch)
    dialog = open_dialog(qtbot, demo_db, parent)
    job = export_to(qtbot, dialog, tmp_path / "x.xlsx")
    with qtbot.waitSignal(job.stopped, timeout=20000):
        dialog.reject()  # what Esc or the close button do
        assert dialog.isVisible()
    assert leftovers(tmp_path) == []
    dialog.reject()
    assert not dialog.isVisible()

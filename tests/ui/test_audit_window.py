"""审计记录 window: filter, read a page at a time as it scrolls, export, open a case; the
台账原始行 tab; a 主任's only."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import load_workbook
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QComboBox, QWidget

from app.models import accounts, audit, cases
from app.models.db import Database
from app.ui import session
from app.ui.audit_window import AuditWindow, open_audit
from app.ui.main_window import MainWindow
from tests.conftest import TODAY
from tests.helpers import log_in
from tests.models import ledger_sheets as sheets
from tests.models.helpers import register, user
from tests.models.test_privacy import IMPORTED_ID, PHONE, import_sheet
from tests.ui.message_boxes import Boxes
from tests.ui.user import hold_thread_after_work


def rows(window: AuditWindow) -> list[tuple[str, ...]]:
    model = window.model
    return [
        tuple(str(model.index(r, c).data() or "") for c in range(model.columnCount()))
        for r in range(model.rowCount())
    ]


def choose(combo: QComboBox, data: object) -> None:
    combo.setCurrentIndex(combo.findData(data))


def test_the_list_filters_by_kind_action_and_case(
    office_db: Database, qtbot, boxes: Boxes, track: list[QWidget]
) -> None:
    register(office_db)
    second = register(office_db, applicant="王五", respondent="赵六")
    number = cases.accept_case(
        office_db, second, by=user(office_db), accepted_on=date(2026, 11, 5), today=TODAY
    )
    window = AuditWindow(office_db)
    track.append(window)
    window.show()
    everything = rows(window)
    assert window.count.text() == f"共 {audit.AuditReader(office_db).count()} 条"
    assert everything[0][1] == "李主任" and everything[0][2] == "本机"
    choose(window.kind, "event")
    assert [window.action.itemText(i) for i in range(3)] == ["全部动作", "登记", "受理"]
    choose(window.action, "register")
    qtbot.mouseClick(window.apply_button, Qt.MouseButton.LeftButton)
    assert [(r[4], r[5]) for r in rows(window)] == [("案件办理", "登记")] * 2
    choose(window.action, None)
    window.case.setText(number[-4:])  # "第2号": the number's end is enough
    qtbot.keyClick(window.case, Qt.Key.Key_Return)
    assert window.problem.isHidden()
    assert [(r[3], r[5]) for r in rows(window)] == [(number, "受理"), (number, "登记")]
    window.case.setText("第999号")
    window.apply_filter()
    assert window.problem.isVisible()
    assert (
        window.problem.text() == "找不到编号为“第999号”的案件。请核对案件编号，或清空“案件”一栏。"
    )
    assert [(r[3], r[5]) for r in rows(window)] == [(number, "受理"), (number, "登记")]


def test_the_list_reads_a_page_at_a_time(
    office_db: Database, qtbot, boxes: Boxes, track: list[QWidget]
) -> None:
    for i in range(3):
        register(office_db, applicant=f"申请人{i}")
    window = AuditWindow(office_db)
    track.append(window)
    window.model.page_size = 5
    window.apply_filter()
    assert window.model.rowCount() == 5
    total = audit.AuditReader(office_db).count()
    while window.model.canFetchMore(window.table.rootIndex()):
        window.model.fetchMore(window.table.rootIndex())
    assert window.model.rowCount() == total


def test_the_list_passes_the_model_tester(
    office_db: Database, qtbot, boxes: Boxes, track: list[QWidget], qtmodeltester
) -> None:
    for i in range(3):
        register(office_db, applicant=f"申请人{i}")
    window = AuditWindow(office_db)
    track.append(window)
    window.model.page_size = 5
    qtmodeltester.check(window.model)  # Qt's tester asks for more pages itself, too
    window.apply_filter()
    while window.model.canFetchMore(QModelIndex()):
        window.model.fetchMore(QModelIndex())
    assert window.model.rowCount() == audit.AuditReader(office_db).count()
    assert rows(window)[0][1] == "李主任"


def test_export_writes_the_file_and_is_listed(
    office_db: Database, qtbot, boxes: Boxes, track: list[QWidget], tmp_path: Path
) -> None:
    register(office_db)
    window = AuditWindow(office_db)
    track.append(window)
    path = tmp_path / "审计.xlsx"
    job = window.export_to(path)
    assert job is not None
    with qtbot.waitSignal(job.done, timeout=20_000):
        pass
    assert boxes.titles()[-1] == "审计记录已导出"
    sheet = load_workbook(path).active
    assert sheet is not None and next(sheet.iter_rows(values_only=True)) == audit.HEADERS
    assert rows(window)[0][5] == "导出审计记录"


def test_the_next_export_can_start_as_soon_as_one_is_done(
    office_db: Database, qtbot, boxes: Boxes, track: list[QWidget], tmp_path: Path
) -> None:
    """As soon as an export says it is done (its worker thread may still be winding down),
    another can start: it is not silently refused."""
    register(office_db)
    window = AuditWindow(office_db)
    track.append(window)
    first = window.export_to(tmp_path / "一.xlsx")
    assert first is not None
    release = hold_thread_after_work(first)  # (the export takes some milliseconds)
    started: list[object] = []
    first.done.connect(lambda _count: started.append(window.export_to(tmp_path / "二.xlsx")))
    with qtbot.waitSignal(first.done, timeout=20_000):
        pass
    release.set()
    assert len(started) == 1 and started[0] is not None
    qtbot.waitUntil(lambda: boxes.titles().count("审计记录已导出") == 2, timeout=20_000)
    assert (tmp_path / "二.xlsx").exists()


def test_double_click_opens_the_case(
    office_db: Database, qtbot, boxes: Boxes, track: list[QWidget]
) -> None:
    case_id = register(office_db)
    window = AuditWindow(office_db)
    track.append(window)
    with qtbot.waitSignal(window.open_case) as opened:
        window._open_row(window.model.index(0, 0))
    assert opened.args == [case_id]


def test_raw_rows_of_an_import_are_cleared_by_file(
    office_db: Database, qtbot, boxes: Boxes, track: list[QWidget], tmp_path: Path, qtmodeltester
) -> None:
    import_sheet(
        office_db,
        tmp_path,
        [[*sheets.ledger_row("（2023）青山调字第11号", f"王五（{IMPORTED_ID}）", "赵六"), PHONE]],
    )
    window = AuditWindow(office_db)
    track.append(window)
    qtmodeltester.check(window.files_model)  # and keeps watching through the clearing
    assert window.files_model.rowCount() == 1
    window.files.selectRow(0)
    assert window.clear_button.isEnabled()
    boxes.answers["清除台账原始行"] = True
    qtbot.mouseClick(window.clear_button, Qt.MouseButton.LeftButton)
    (listed,) = [window.files_model.record(0)]
    assert (listed.kept, listed.cleared) == (0, 1)
    assert not window.clear_button.isEnabled()
    assert office_db.scalar("SELECT cells FROM import_rows") == "{}"
    assert "清除台账原始行" in [r[5] for r in rows(window)]


def test_only_a_director_opens_it(
    office_db: Database, qtbot, boxes: Boxes, track: list[QWidget]
) -> None:
    clerk = accounts.add_user(
        office_db, name="周玉梅", role="mediator", password="zhouyumei1", by=user(office_db)
    )
    log_in(office_db, clerk, "zhouyumei1")
    assert open_audit(office_db) is None
    assert boxes.calls[-1][1:] == (
        "审计记录",
        accounts.refusal(session.current_actor(office_db), "查看审计记录", {"director"}),
    )
    window = MainWindow(office_db)
    track.append(window)
    assert window.open_audit() is None
    log_in(office_db)
    opened = window.open_audit()
    assert isinstance(opened, AuditWindow)
    assert window.open_audit() is opened  # one at a time

"""月度报告 as the head uses it: choose the month, write the four texts (kept per month,
never lost without asking), save, preview, save as PDF and export to Excel, and a folder
that cannot be written to told in plain Chinese."""

from __future__ import annotations

import errno
import io
import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pypdf
import pytest
import shiboken6
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QFileDialog, QWidget
from pytestqt.qtbot import QtBot

from app.models import office
from app.models.db import Database
from app.models.monthly_report import (
    MAX_CHARS,
    MonthlyTexts,
    get_texts,
    report_committee_id,
    save_texts,
)
from app.printing.monthly_report import SHEETS
from app.ui import jobs
from app.ui.printing.preview import PreviewWindow
from app.ui.stats.monthly_report_dialog import MonthlyReportDialog, open_monthly_report
from tests.models.test_stats import TODAY, Office, build
from tests.ui.ledger.conftest import answer_file_dialog
from tests.ui.message_boxes import Boxes
from tests.ui.user import activate, click, commit_text, hold_thread_after_work

TITLE_MAY = "青山镇2026年5月矛盾纠纷排查化解情况"


@pytest.fixture
def world(office_db: Database) -> Office:
    """The hand-counted office of tests/models/test_stats.py (cases A … N, J1 … J3)."""
    return build(office_db)


@pytest.fixture
def parent(qtbot: QtBot) -> Iterator[QWidget]:
    """The statistics window's stand-in; no report job outlives the test."""
    window = QWidget()
    qtbot.addWidget(window)
    window.resize(1000, 700)
    window.show()
    qtbot.waitExposed(window)
    yield window
    for preview in window.findChildren(PreviewWindow):
        preview.close()
    for job in list(jobs._running):
        job.cancel()
    qtbot.waitUntil(lambda: not jobs._running, timeout=20000)


def open_dialog(
    qtbot: QtBot, db: Database, parent: QWidget, year: int | None = 2026, month: int | None = 5
) -> MonthlyReportDialog:
    dialog = open_monthly_report(db, parent, year, month, today=TODAY)
    qtbot.waitExposed(dialog)
    return dialog


def write(dialog: MonthlyReportDialog, name: str, text: str) -> None:
    """Type ``text`` at the end of the ``name`` text, as an input method commits it."""
    editor = dialog.editors[name]
    editor.moveCursor(editor.textCursor().MoveOperation.End)
    commit_text(editor, text)


def stored(db: Database, year: int = 2026, month: int = 5) -> MonthlyTexts:
    return get_texts(db, report_committee_id(db), year, month)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Where the user saves the report (the database lives in tmp_path itself)."""
    out = tmp_path / "保存"
    out.mkdir()
    return out


def pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "".join(page.extract_text() for page in reader.pages).replace("\n", "")


# ---------------------------------------------------------------------------------------
# The month


def test_it_opens_on_the_month_asked_for_with_its_figures(
    qtbot: QtBot, world: Office, parent: QWidget, boxes: Boxes
) -> None:
    dialog = open_dialog(qtbot, world.db, parent)
    assert dialog.windowTitle() == "月度报告"
    assert dialog.windowModality() == Qt.WindowModality.WindowModal  # open(): on its parent
    assert dialog.month() == dialog.chosen() == (2026, 5)
    assert dialog.heading.text() == TITLE_MAY
    assert dialog.year_box.value() == 2026 and dialog.month_box.currentText() == "5月"
    # May's figures as the report prints them (hand count of test_stats.py)
    summary = dialog.summary.text()
    assert (
        "全镇（含各村调委会）本月登记7件，受理7件，结案4件，调解成功2件，调解成功率66.7%" in summary
    )
    assert "协议涉及金额0.17万元" in summary and "还没有结束" not in summary
    assert [dialog.counters[n].text() for n in dialog.editors] == [f"已写 0 / {MAX_CHARS} 字"] * 4
    assert not dialog.save_button.isEnabled()  # nothing to save yet
    assert boxes.calls == []


def test_without_a_month_it_opens_on_the_last_complete_one(
    qtbot: QtBot, world: Office, parent: QWidget, boxes: Boxes
) -> None:
    dialog = open_dialog(qtbot, world.db, parent, None, None)
    assert dialog.month() == (2026, 10)  # TODAY is 2026-11-20
    assert dialog.heading.text() == "青山镇2026年10月矛盾纠纷排查化解情况"


def test_months_still_to_come_cannot_be_chosen(
    qtbot: QtBot, world: Office, parent: QWidget, boxes: Boxes
) -> None:
    dialog = open_dialog(qtbot, world.db, parent, 2027, 3)
    assert dialog.month() == (2026, 11)  # moved back to this month
    assert dialog.year_box.maximum() == 2026
    model = dialog.month_box.model()
    assert isinstance(model, QStandardItemModel)
    enabled = [model.item(i).isEnabled() for i in range(12)]
    assert enabled == [True] * 11 + [False]  # December 2026 is still to come
    assert "本月还没有结束" in dialog.summary.text()
    dialog.year_box.setValue(2025)
    assert dialog.month() == (2025, 11)
    assert all(model.item(i).isEnabled() for i in range(12))


def test_choosing_another_month_shows_its_figures_and_texts(
    qtbot: QtBot, world: Office, parent: QWidget, boxes: Boxes
) -> None:
    june = MonthlyTexts(situation="六月的总体情况。")
    save_texts(world.db, report_committee_id(world.db), 2026, 6, june, by=world.user)
    dialog = open_dialog(qtbot, world.db, parent)
    dialog.month_box.setFocus()
    qtbot.keyClick(dialog.month_box, Qt.Key.Key_Down)  # as the user does: ↓ on the combo
    assert dialog.month() == (2026, 6)
    assert dialog.editors["situation"].toPlainText() == "六月的总体情况。"
    assert "本月登记0件，受理0件，结案4件，调解成功2件，调解成功率50.0%" in dialog.summary.text()
    assert dialog.heading.text() == "青山镇2026年6月矛盾纠纷排查化解情况"


# ---------------------------------------------------------------------------------------
# The texts


def test_written_texts_are_saved_and_shown_again(
    qtbot: QtBot, world: Office, parent: QWidget, boxes: Boxes
) -> None:
    dialog = open_dialog(qtbot, world.db, parent)
    write(dialog, "situation", "本月全镇共受理矛盾纠纷7件。")
    write(dialog, "causes", "邻里纠纷多发。")
    write(dialog, "measures", "网格员拉网式排查。")
    write(dialog, "plans", "继续开展宣传。")
    assert dialog.is_dirty() and dialog.save_button.isEnabled()
    assert dialog.counters["situation"].text() == f"已写 14 / {MAX_CHARS} 字"
    with qtbot.waitSignal(dialog.saved) as saved:
        click(qtbot, dialog.save_button)
    assert saved.args == [2026, 5]
    assert not dialog.is_dirty() and not dialog.save_button.isEnabled()
    assert dialog.status.isVisible() and "已保存2026年5月的情况说明" in dialog.status.text()
    expected = MonthlyTexts(
        "本月全镇共受理矛盾纠纷7件。", "邻里纠纷多发。", "网格员拉网式排查。", "继续开展宣传。"
    )
    assert stored(world.db) == expected
    dialog.reject()  # nothing unsaved: closes without asking
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog) or not dialog.isVisible())
    assert boxes.calls == []

    again = open_dialog(qtbot, world.db, parent)
    assert again.texts() == expected
    assert not again.is_dirty()


def test_ctrl_s_saves(qtbot: QtBot, world: Office, parent: QWidget, boxes: Boxes) -> None:
    dialog = open_dialog(qtbot, world.db, parent)
    activate(qtbot, dialog)
    write(dialog, "plans", "下月继续排查。")
    with qtbot.waitSignal(dialog.saved):
        qtbot.keyClick(dialog.editors["plans"], Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert stored(world.db).plans == "下月继续排查。"


def test_a_text_too_long_is_told_under_it_and_nothing_is_saved(
    qtbot: QtBot, world: Office, parent: QWidget, boxes: Boxes
) -> None:
    dialog = open_dialog(qtbot, world.db, parent)
    write(dialog, "situation", "总体平稳。")
    write(dialog, "causes", "原" * (MAX_CHARS + 5))
    counter = dialog.counters["causes"]
    assert counter.text() == f"已写 {MAX_CHARS + 5} 字，超出 5 字"
    assert counter.palette().windowText().color().name() == "#b00000"
    click(qtbot, dialog.save_button)
    box = dialog.boxes["causes"]
    assert box.has_error
    assert (
        box.error.text()
        == f"“主要原因和特点”最多写{MAX_CHARS}个字，现在多了5个字，请删减后再保存。"
    )
    assert stored(world.db) == MonthlyTexts()  # not even the other, correct, text
    assert dialog.is_dirty()  # what was typed is still there
    assert dialog.editors["situation"].toPlainText() == "总体平稳。"
    # shortened, it saves
    editor = dialog.editors["causes"]
    editor.setPlainText("原" * MAX_CHARS)
    assert not box.has_error  # the red line goes as soon as it fits
    with qtbot.waitSignal(dialog.saved):
        click(qtbot, dialog.save_button)
    assert stored(world.db).causes == "原" * MAX_CHARS


def test_switching_month_with_unsaved_edits_asks_first(
    qtbot: QtBot, world: Office, parent: QWidget, boxes: Boxes
) -> None:
    dialog = open_dialog(qtbot, world.db, parent)
    write(dialog, "situation", "还没保存的文字。")
    boxes.answer = False  # 继续修改
    dialog.month_box.setCurrentIndex(5)  # 6月
    assert boxes.calls[-1][:2] == ("confirm", "放弃修改？")
    assert "2026年5月的情况说明" in boxes.calls[-1][2]
    assert dialog.month() == dialog.chosen() == (2026, 5)  # the controls went back
    assert dialog.editors["situation"].toPlainText() == "还没保存的文字。"
    dialog.year_box.setValue(2025)  # the year too
    assert len(boxes.calls) == 2
    assert dialog.chosen() == (2026, 5)

    boxes.answer = True  # 放弃修改
    dialog.month_box.setCurrentIndex(5)
    assert dialog.month() == dialog.chosen() == (2026, 6)
    assert dialog.texts() == MonthlyTexts()
    assert not dialog.is_dirty()
    assert stored(world.db) == MonthlyTexts()  # nothing was saved


def test_closing_with_unsaved_edits_asks_first(
    qtbot: QtBot, world: Office, parent: QWidget, boxes: Boxes
) -> None:
    dialog = open_dialog(qtbot, world.db, parent)
    write(dialog, "measures", "未保存。")
    boxes.answer = False
    dialog.reject()  # Esc, 关闭 and the window's close button come here
    assert boxes.titles() == ["放弃修改？"]
    assert dialog.isVisible()
    boxes.answer = True
    click(qtbot, dialog.close_button)
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog) or not dialog.isVisible())
    assert stored(world.db) == MonthlyTexts()


def test_spaces_at_line_ends_are_not_an_edit(
    qtbot: QtBot, world: Office, parent: QWidget, boxes: Boxes
) -> None:
    dialog = open_dialog(qtbot, world.db, parent)
    write(dialog, "plans", "   \n")
    assert not dialog.is_dirty()
    dialog.reject()
    assert boxes.calls == []


# ---------------------------------------------------------------------------------------
# The report


def test_preview_saves_first_and_shows_the_report(
    qtbot: QtBot, world: Office, parent: QWidget, boxes: Boxes
) -> None:
    dialog = open_dialog(qtbot, world.db, parent)
    write(dialog, "plans", "预览前写的打算。")
    click(qtbot, dialog.preview_button)
    assert stored(world.db).plans == "预览前写的打算。"  # saved before it is printed
    assert dialog.job is not None
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=30000)
    preview = dialog.preview
    assert preview is not None and preview.isVisible()
    assert TITLE_MAY in preview.windowTitle()
    text = pdf_text(preview.pdf)
    assert TITLE_MAY in text and "预览前写的打算。" in text
    assert dialog.preview_button.isEnabled()
    preview.close()


def test_save_as_pdf_writes_a_valid_pdf(
    qtbot: QtBot, world: Office, parent: QWidget, folder: Path, boxes: Boxes
) -> None:
    dialog = open_dialog(qtbot, world.db, parent)
    write(dialog, "situation", "本月总体平稳。")
    click(qtbot, dialog.pdf_button)
    file_dialog = dialog.findChild(QFileDialog)
    assert file_dialog is not None
    assert Path(file_dialog.selectedFiles()[0]).name == f"{TITLE_MAY}.pdf"
    with qtbot.waitSignal(dialog.exported, timeout=30000) as done:
        answer_file_dialog(dialog, folder / "五月报告")  # typed without .pdf
    target = folder / "五月报告.pdf"
    assert done.args == [str(target)]
    data = target.read_bytes()
    assert data.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 3
    text = pdf_text(data)
    assert TITLE_MAY in text and "本月总体平稳。" in text
    assert boxes.titles() == ["月度报告（PDF）已保存"]
    assert str(target) in boxes.texts()
    assert stored(world.db).situation == "本月总体平稳。"
    assert sorted(p.name for p in folder.iterdir()) == ["五月报告.pdf"]


def test_the_next_report_can_be_asked_for_as_soon_as_one_is_saved(
    qtbot: QtBot, world: Office, parent: QWidget, folder: Path, boxes: Boxes
) -> None:
    """The buttons come back with the saved-message: a click then (the worker thread may
    still be winding down) makes the next report, it is not silently refused."""
    dialog = open_dialog(qtbot, world.db, parent)
    seen: list[tuple[bool, bool]] = []

    def at_once(_path: str) -> None:  # right after the PDF was written
        seen.append((dialog.xlsx_button.isEnabled(), dialog.is_busy()))
        click(qtbot, dialog.xlsx_button)

    dialog.exported.connect(at_once)
    click(qtbot, dialog.pdf_button)
    with qtbot.waitSignal(dialog.exported, timeout=30000):
        answer_file_dialog(dialog, folder / "五月.pdf")
        assert dialog.job is not None
        # the report takes ~0.1 s to make: time enough to hook this in
        release = hold_thread_after_work(dialog.job)
    release.set()
    assert seen == [(True, False)]
    dialog.exported.disconnect(at_once)
    with qtbot.waitSignal(dialog.exported, timeout=30000) as second:
        answer_file_dialog(dialog, folder / "五月.xlsx")
    assert second.args == [str(folder / "五月.xlsx")]
    assert boxes.titles() == ["月度报告（PDF）已保存", "月度报告（Excel）已保存"]
    assert sorted(p.name for p in folder.iterdir()) == ["五月.pdf", "五月.xlsx"]


def test_export_xlsx(
    qtbot: QtBot, world: Office, parent: QWidget, folder: Path, boxes: Boxes
) -> None:
    dialog = open_dialog(qtbot, world.db, parent)
    write(dialog, "causes", "邻里纠纷多发。")
    click(qtbot, dialog.xlsx_button)
    file_dialog = dialog.findChild(QFileDialog)
    assert file_dialog is not None
    assert Path(file_dialog.selectedFiles()[0]).name == f"{TITLE_MAY}.xlsx"
    target = folder / "五月.xlsx"
    with qtbot.waitSignal(dialog.exported, timeout=30000):
        answer_file_dialog(dialog, target)
    book = load_workbook(target)
    assert book.sheetnames == list(SHEETS)
    assert book["指标"]["A1"].value == TITLE_MAY
    rows = {r[0]: r[2] for r in book["指标"].iter_rows(min_row=5, values_only=True) if r[0]}
    assert rows["受理数"] == 7 and rows["调解成功数"] == 2
    texts = {r[0]: r[1] for r in book["情况说明"].iter_rows(min_row=5, values_only=True) if r[0]}
    assert texts["主要原因和特点"] == "邻里纠纷多发。"
    assert boxes.titles() == ["月度报告（Excel）已保存"]


def test_a_folder_that_cannot_be_written_to_is_told_plainly(
    qtbot: QtBot,
    world: Office,
    parent: QWidget,
    folder: Path,
    boxes: Boxes,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(**_kw: object) -> tuple[int, str]:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)  # chmod does not stop root
    dialog = open_dialog(qtbot, world.db, parent)
    written: list[str] = []
    dialog.exported.connect(written.append)
    for button, name in ((dialog.pdf_button, "报告.pdf"), (dialog.xlsx_button, "报告.xlsx")):
        before = len(boxes.calls)
        click(qtbot, button)
        answer_file_dialog(dialog, folder / name)

        def answered(before: int = before) -> bool:
            return len(boxes.calls) > before

        qtbot.waitUntil(answered, timeout=30000)
        kind, title, text = boxes.calls[-1]
        assert kind == "warning" and title.endswith("没有保存")
        assert f"“{name}”" in text and "不允许写入" in text and "换一个文件夹" in text
    assert written == []
    assert list(folder.iterdir()) == []
    qtbot.waitUntil(lambda: dialog.pdf_button.isEnabled())


def test_nothing_is_printed_when_the_texts_cannot_be_saved(
    qtbot: QtBot, world: Office, parent: QWidget, boxes: Boxes
) -> None:
    dialog = open_dialog(qtbot, world.db, parent)
    write(dialog, "plans", "打" * (MAX_CHARS + 1))
    click(qtbot, dialog.preview_button)
    assert dialog.job is None and dialog.preview is None
    assert dialog.boxes["plans"].has_error


def test_the_statistics_windows_call(
    qtbot: QtBot, office_db: Database, parent: QWidget, boxes: Boxes
) -> None:
    """app/ui/stats/window.py calls open_monthly_report(db, parent, year, month)."""
    dialog = open_monthly_report(office_db, parent, None, None)
    qtbot.waitExposed(dialog)
    assert isinstance(dialog, MonthlyReportDialog)
    today = date.today()
    expected = (today.year - (today.month == 1), today.month - 1 or 12)
    assert dialog.month() == expected
    assert dialog.heading.text().startswith(office.town_name(office_db))


def test_only_a_director_may_save_the_texts_the_others_see_why(
    qtbot: QtBot, office_db: Database, world: Office, parent: QWidget
) -> None:
    """保存 is the 主任's (the service refuses anyone else): for a 调解员 it is greyed with
    the reason as its tool tip, the texts cannot be typed in, the report still previews."""
    from app.models import accounts
    from tests.helpers import PASSWORD, director, log_in

    uid = accounts.add_user(
        office_db, by=director(office_db), name="王建华", role="mediator", password=PASSWORD
    )
    accounts.change_password(
        office_db, by=accounts.acting_as(office_db, uid), old=PASSWORD, password="wang-own-1"
    )
    log_in(office_db, uid, password="wang-own-1")
    dialog = open_dialog(qtbot, office_db, parent)
    assert not dialog.save_button.isEnabled()
    assert "只有主任" in dialog.save_button.toolTip()
    assert "王建华" in dialog.save_button.toolTip()
    editor = dialog.editors[next(iter(dialog.editors))]
    assert all(e.isReadOnly() for e in dialog.editors.values())
    assert "只有主任" in editor.toolTip()
    editor.setPlainText(editor.toPlainText() + "另写的一句。")  # changed all the same
    assert not dialog.save_button.isEnabled()
    assert dialog.preview_button.isEnabled()
    dialog.close()

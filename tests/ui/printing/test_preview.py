"""The preview window: the right pages, zoom and page buttons, saving, printing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QFileDialog, QWidget
from pytestqt.qtbot import QtBot

from app.models.db import Database
from app.printing import fonts, registry
from app.ui.printing import menu, preview
from app.ui.printing.context import office_for
from app.ui.printing.preview import PreviewWindow, show_preview
from app.ui.printing.render import PrintRun, prepare_printer, print_pdf, selected_pages
from tests.printing.helpers import pdf_dict
from tests.ui.events import run_queued
from tests.ui.printing.conftest import Answers
from tests.ui.printing.helpers import (
    AGREEMENT_CASE,
    ORAL_CASE,
    TERMINATED_CASE,
    case,
    case_id,
    page_count,
    page_texts,
    reader,
)

A4_POINTS = (595.28, 841.89)


def open_doc(db: Database, key: str, number: str, parent: QWidget) -> PreviewWindow:
    window = menu.open_preview(db, key, case_id(db, number), parent)
    assert window is not None
    return window


def pdf_printer(path: Path, *, copies: int = 1, high: bool = False) -> QPrinter:
    """A "printer" that writes a PDF file: the print path without a real printer."""
    mode = QPrinter.PrinterMode.HighResolution if high else QPrinter.PrinterMode.ScreenResolution
    printer = QPrinter(mode)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    prepare_printer(printer, copies=copies)
    return printer


@pytest.mark.parametrize("number", [AGREEMENT_CASE, TERMINATED_CASE, ORAL_CASE])
def test_every_offered_document_of_a_closed_case_previews_with_its_pages(
    qtbot: QtBot, print_db: Database, parent: QWidget, number: str
) -> None:
    c = case(print_db, number)
    office = office_for(print_db, c)
    offered = registry.for_case(c)
    assert len(offered) >= 7
    for doc in offered:
        expected = page_count(doc.build(c, office))
        window = open_doc(print_db, doc.key, number, parent)
        assert window.isVisible()
        assert window.page_count == expected, doc.key
        assert window.page_label.text() == f"第1页 共{expected}页"
        assert doc.title in window.windowTitle() and number in window.windowTitle()
        assert window.printer().copyCount() == doc.copies(c)
        window.close()


def test_agreement_presets_one_copy_per_party_and_one_for_the_committee(
    print_db: Database, parent: QWidget
) -> None:
    window = open_doc(print_db, "agreement", AGREEMENT_CASE, parent)
    assert len(case(print_db, AGREEMENT_CASE).parties) == 2
    assert window.copies == 3
    assert window.printer().copyCount() == 3
    assert "打印份数：3份（双方当事人各一份，调委会留存一份）" in window.info_label.text()
    assert window.file_name == "人民调解协议书_（2026）青山调字第16号.pdf"


def test_page_buttons_and_label(qtbot: QtBot, print_db: Database, parent: QWidget) -> None:
    window = open_doc(print_db, "agreement", AGREEMENT_CASE, parent)
    window.resize(900, 800)
    assert window.page_count == 2
    assert not window.prev_action.isEnabled() and window.next_action.isEnabled()
    qtbot.mouseClick(window.button(window.next_action), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.current_page == 1)
    assert window.page_label.text() == "第2页 共2页"
    assert window.prev_action.isEnabled() and not window.next_action.isEnabled()
    window.next_page()  # nothing beyond the last page
    assert window.current_page == 1
    qtbot.mouseClick(window.button(window.prev_action), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.current_page == 0)
    assert window.page_label.text() == "第1页 共2页"


def test_zoom_buttons(qtbot: QtBot, print_db: Database, parent: QWidget) -> None:
    window = open_doc(print_db, "agreement", AGREEMENT_CASE, parent)
    window.resize(900, 800)
    qtbot.waitExposed(window)
    view = window.view
    assert view.zoomMode() == QPdfView.ZoomMode.FitToWidth
    fit = window.effective_zoom()
    assert 0.5 < fit < 2.5

    qtbot.mouseClick(window.button(window.zoom_in_action), Qt.MouseButton.LeftButton)
    assert view.zoomMode() == QPdfView.ZoomMode.Custom
    bigger = window.effective_zoom()
    assert bigger > fit
    assert window.zoom_label.text() == f"{round(bigger * 100)}%"
    qtbot.mouseClick(window.button(window.zoom_out_action), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(window.button(window.zoom_out_action), Qt.MouseButton.LeftButton)
    assert window.effective_zoom() < bigger

    qtbot.mouseClick(window.button(window.fit_page_action), Qt.MouseButton.LeftButton)
    assert view.zoomMode() == QPdfView.ZoomMode.FitInView
    assert window.fit_page_action.isChecked() and not window.fit_width_action.isChecked()
    assert window.effective_zoom() < fit  # a whole A4 page is smaller than its width

    qtbot.mouseClick(window.button(window.fit_width_action), Qt.MouseButton.LeftButton)
    assert view.zoomMode() == QPdfView.ZoomMode.FitToWidth
    assert window.fit_width_action.isChecked()
    assert window.effective_zoom() == pytest.approx(fit)

    for _ in range(20):
        window.zoom_in()
    assert window.effective_zoom() == preview.ZOOM_STEPS[-1]
    assert not window.zoom_in_action.isEnabled()
    for _ in range(20):
        window.zoom_out()
    assert window.effective_zoom() == preview.ZOOM_STEPS[0]
    assert not window.zoom_out_action.isEnabled()


def test_keyboard_shortcuts(qtbot: QtBot, print_db: Database, parent: QWidget) -> None:
    window = open_doc(print_db, "agreement", AGREEMENT_CASE, parent)
    qtbot.waitUntil(window.isActiveWindow)  # show_preview activates it
    qtbot.waitUntil(lambda: window.view.verticalScrollBar().maximum() > 0)  # laid out
    qtbot.keyClick(window.view, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.current_page == 1)
    qtbot.keyClick(window.view, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert window.view.zoomMode() == QPdfView.ZoomMode.Custom
    qtbot.keyClick(window.view, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.view.zoomMode() == QPdfView.ZoomMode.FitInView
    qtbot.keyClick(window.view, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not window.isVisible())


# ---- saving ----------------------------------------------------------------------


def test_save_writes_the_same_pdf(
    qtbot: QtBot, print_db: Database, parent: QWidget, tmp_path: Path
) -> None:
    window = open_doc(print_db, "agreement", AGREEMENT_CASE, parent)
    target = tmp_path / window.file_name
    with qtbot.waitSignal(window.saved) as saved:
        assert window.save_to(target)
    assert saved.args == [str(target)]
    assert target.read_bytes() == window.pdf
    text = "".join(page_texts(target))
    assert AGREEMENT_CASE in text and "人民调解协议书" in text
    assert page_count(target) == 2
    assert [p.name for p in tmp_path.iterdir()] == [target.name]
    assert "已保存" in window.status_label.text()


def test_save_dialog_proposes_the_name_and_saves_what_is_chosen(
    qtbot: QtBot, print_db: Database, parent: QWidget, tmp_path: Path
) -> None:
    window = open_doc(print_db, "agreement", AGREEMENT_CASE, parent)
    dialog = window.save_as()
    assert isinstance(dialog, QFileDialog) and dialog.isVisible()
    assert dialog.acceptMode() == QFileDialog.AcceptMode.AcceptSave
    chosen = dialog.selectedFiles()
    assert chosen and Path(chosen[0]).name == "人民调解协议书_（2026）青山调字第16号.pdf"
    dialog.setDirectory(str(tmp_path))
    dialog.selectFile(str(tmp_path / "给当事人"))  # no extension: .pdf is added
    with qtbot.waitSignal(window.saved):
        dialog.accept()
    assert (tmp_path / "给当事人.pdf").read_bytes() == window.pdf


def test_saving_into_a_read_only_folder_says_so_and_leaves_nothing(
    print_db: Database, parent: QWidget, tmp_path: Path, answers: Answers
) -> None:
    folder = tmp_path / "只读文件夹"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("running as a user the folder permissions do not stop (root)")
        window = open_doc(print_db, "agreement", AGREEMENT_CASE, parent)
        saved: list[str] = []
        window.saved.connect(saved.append)
        assert not window.save_to(folder / window.file_name)
        assert answers.kinds() == ["warning"]
        assert window.file_name in answers.texts() and "换一个文件夹" in answers.texts()
        assert list(folder.iterdir()) == [] and saved == []
    finally:
        folder.chmod(0o700)


def test_a_failed_save_is_told_with_the_file_name(
    print_db: Database,
    parent: QWidget,
    tmp_path: Path,
    answers: Answers,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The same path as a read-only folder where root is not stopped: the system refuses."""
    import errno
    import tempfile

    def refuse(**_kw: object) -> tuple[int, str]:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)  # as app.ui.printing.files uses it
    window = open_doc(print_db, "agreement", AGREEMENT_CASE, parent)
    assert not window.save_to(tmp_path / window.file_name)
    assert answers.kinds() == ["warning"]
    assert f"“{window.file_name}”" in answers.texts()
    assert list(tmp_path.iterdir()) == []


# ---- printing --------------------------------------------------------------------


def test_printing_renders_every_page_on_a4(
    print_db: Database, parent: QWidget, tmp_path: Path
) -> None:
    window = open_doc(print_db, "agreement", AGREEMENT_CASE, parent)
    out = tmp_path / "printed.pdf"
    sent = print_pdf(window.document, pdf_printer(out))
    assert window.page_count > 1  # a document of several pages: each one is printed
    assert sent == window.page_count
    printed = reader(out)
    assert len(printed.pages) == window.page_count
    for page in printed.pages:
        box = page.mediabox
        assert float(box.width) == pytest.approx(A4_POINTS[0], abs=1)
        assert float(box.height) == pytest.approx(A4_POINTS[1], abs=1)


def test_printing_at_high_resolution_caps_the_image(
    print_db: Database, parent: QWidget, tmp_path: Path
) -> None:
    window = open_doc(print_db, "rights_notice", AGREEMENT_CASE, parent)
    printer = pdf_printer(tmp_path / "hi.pdf", high=True)
    assert printer.resolution() > 600  # a PDF "printer" says 1200 dpi
    run = PrintRun(window.document, printer, [0])
    assert run.dpi == 600
    assert print_pdf(window.document, printer, pages=[0]) == 1
    images = pdf_dict(reader(tmp_path / "hi.pdf").pages[0], "/Resources", "/XObject")
    (image,) = [x.get_object() for x in images.values()]
    assert image["/Width"] == pytest.approx(A4_POINTS[0] * 600 / 72, abs=1)
    assert image["/ColorSpace"] == "/DeviceGray"  # black documents: a third of the data


def test_copies_the_printer_cannot_make_are_sent_collated(
    print_db: Database, parent: QWidget, tmp_path: Path
) -> None:
    window = open_doc(print_db, "agreement", AGREEMENT_CASE, parent)
    printer = pdf_printer(tmp_path / "three.pdf", copies=3)
    assert not printer.supportsMultipleCopies()
    assert print_pdf(window.document, printer) == 6
    assert page_count(tmp_path / "three.pdf") == 6


def test_page_range_of_the_print_dialog(
    print_db: Database, parent: QWidget, tmp_path: Path
) -> None:
    window = open_doc(print_db, "agreement", AGREEMENT_CASE, parent)
    printer = pdf_printer(tmp_path / "p2.pdf")
    printer.setPrintRange(QPrinter.PrintRange.PageRange)
    printer.setFromTo(2, 2)
    assert selected_pages(printer, 2) == [1]
    printer.setPrintRange(QPrinter.PrintRange.CurrentPage)
    assert selected_pages(printer, 2, current_page=1) == [1]
    printer.setPrintRange(QPrinter.PrintRange.AllPages)
    assert selected_pages(printer, 2) == [0, 1]
    printer.setPrintRange(QPrinter.PrintRange.PageRange)
    printer.setFromTo(2, 2)
    assert print_pdf(window.document, printer) == 1
    assert page_count(tmp_path / "p2.pdf") == 1


def test_print_from_the_window_reports_when_done(
    qtbot: QtBot, print_db: Database, parent: QWidget, tmp_path: Path
) -> None:
    window = open_doc(print_db, "agreement", AGREEMENT_CASE, parent)
    out = tmp_path / "window.pdf"
    printer = pdf_printer(out)
    with qtbot.waitSignal(window.printed, timeout=20000) as printed:
        assert window.print_to(printer) is not None
        assert window.is_printing
    assert printed.args == [2]
    assert not window.is_printing
    assert page_count(out) == 2
    assert f"已打印到文件：{out}（2页）" in window.status_label.text()


def test_cancelled_print_stops_and_reports_nothing(
    qtbot: QtBot, print_db: Database, parent: QWidget, tmp_path: Path
) -> None:
    window = open_doc(print_db, "agreement", AGREEMENT_CASE, parent)
    printer = pdf_printer(tmp_path / "cancel.pdf", copies=3)
    printed: list[int] = []
    window.printed.connect(printed.append)
    window.print_to(printer)
    assert window.is_printing
    window.cancel_print()
    assert not window.is_printing
    run_queued(qtbot)  # the next sheet was queued: it has had its turn
    assert printed == []
    assert not window.is_printing
    assert "打印已取消" in window.status_label.text()


def test_unwritable_print_file_is_told(
    qtbot: QtBot, print_db: Database, parent: QWidget, tmp_path: Path, answers: Answers
) -> None:
    window = open_doc(print_db, "agreement", AGREEMENT_CASE, parent)
    printer = pdf_printer(tmp_path / "no-such-folder" / "x.pdf")
    window.print_to(printer)
    qtbot.waitUntil(lambda: not window.is_printing)
    assert answers.kinds() == ["warning"]
    assert "x.pdf" in answers.texts()


def test_print_dialog_opens_with_the_copies_preset(
    qtbot: QtBot, print_db: Database, parent: QWidget
) -> None:
    window = open_doc(print_db, "agreement", AGREEMENT_CASE, parent)
    dialog = window.print_()
    assert isinstance(dialog, QPrintDialog)
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.isModal() or dialog.windowModality() != Qt.WindowModality.NonModal
    assert dialog.printer().copyCount() == 3
    assert (dialog.minPage(), dialog.maxPage()) == (1, 2)
    dialog.reject()
    assert not window.is_printing


# ---- fonts -----------------------------------------------------------------------


def test_font_problems_are_shown_once(
    print_db: Database, parent: QWidget, answers: Answers, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = fonts.get_fonts()

    class Broken:
        problems = ("找不到字体文件“NotoSerifSC-Regular.ttf”，正文改用其他字体。",)

    monkeypatch.setattr(preview, "_shown_font_problems", set())
    monkeypatch.setattr(fonts, "get_fonts", lambda: Broken())
    pdf = registry.document("agreement").build_blank(office_for(print_db))
    show_preview(pdf, title="人民调解协议书", blank=True, parent=parent)
    show_preview(pdf, title="人民调解协议书", blank=True, parent=parent)
    assert answers.kinds() == ["warning"]
    assert "NotoSerifSC-Regular.ttf" in answers.texts()
    assert real.problems == []  # the shipped fonts themselves are fine


def test_accepting_the_print_dialog_prints_with_the_preset_copies(
    qtbot: QtBot, print_db: Database, parent: QWidget, tmp_path: Path
) -> None:
    window = open_doc(print_db, "agreement", AGREEMENT_CASE, parent)
    printer = window.printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)  # no real printer here
    printer.setOutputFileName(str(tmp_path / "dialog.pdf"))
    printer.setResolution(72)  # the copies are what counts here (high resolution: its own test)
    dialog = window.print_()
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    with qtbot.waitSignal(window.printed, timeout=60000) as printed:
        dialog.accept()  # the dialog's 打印 button
    assert printed.args == [6]  # 3 copies × 2 pages: a PDF file cannot make copies itself
    assert page_count(tmp_path / "dialog.pdf") == 6


def test_a_preview_without_parent_stays_alive_until_closed(
    qtbot: QtBot, print_db: Database, qapp: object
) -> None:
    pdf = registry.document("rights_notice").build_blank(office_for(print_db))
    window = show_preview(pdf, title="当事人权利义务告知书", blank=True)
    assert window in preview._open_windows
    before = len(preview._open_windows)
    window.close()
    qtbot.waitUntil(lambda: not shiboken6.isValid(window))  # deleted on close
    assert len(preview._open_windows) == before - 1

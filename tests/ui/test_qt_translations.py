"""Qt's own texts are Chinese: the right-click menu of a text field, standard and wizard
buttons, the print dialog and the file dialog (app/ui/application.py)."""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QFileInfo, QLocale
from PySide6.QtGui import QAbstractFileIconProvider
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
    QWizard,
)
from pytestqt.qtbot import QtBot

from app.paths import resource_path
from app.ui import application

ROOT = Path(__file__).resolve().parents[2]
EXTRA_TS = resource_path("translations", "qt_extra_zh_CN.ts")
EXTRA_QM = resource_path("translations", "qt_extra_zh_CN.qm")

# A word of English: two Latin letters in a row. "PDF" is a name, not English.
_ENGLISH = re.compile(r"[A-Za-z]{2,}")


def _plain(text: str) -> str:
    """A label as read: without the mnemonic "(&X)" / "&" and the shortcut after a tab."""
    text = text.split("\t", 1)[0]
    text = re.sub(r"\(&[A-Za-z]\)", "", text)
    return text.replace("&", "")


def _english_texts(dialog: QWidget) -> list[str]:
    texts: list[str] = []
    for label in dialog.findChildren(QLabel):
        texts.append(label.text())
    for button in dialog.findChildren(QAbstractButton):
        texts.append(button.text())
    for box in dialog.findChildren(QGroupBox):
        texts.append(box.title())
    return [t for t in texts if _ENGLISH.search(_plain(t).replace("PDF", ""))]


def _menu_texts(widget: QLineEdit | QPlainTextEdit) -> list[str]:
    menu = widget.createStandardContextMenu()
    try:
        return [_plain(action.text()) for action in menu.actions() if not action.isSeparator()]
    finally:
        menu.deleteLater()


def test_right_click_menu_of_a_text_field_is_chinese(qtbot: QtBot) -> None:
    field = QLineEdit("张三")
    qtbot.addWidget(field)
    texts = _menu_texts(field)
    for word in ("撤消", "剪切", "复制", "粘贴", "删除", "全选"):
        assert word in texts
    assert not [t for t in texts if _ENGLISH.search(t)], texts

    note = QPlainTextEdit("调解记录")
    qtbot.addWidget(note)
    assert {"复制", "粘贴", "全选"} <= set(_menu_texts(note))


def test_standard_and_wizard_buttons_are_chinese(qtbot: QtBot) -> None:
    standard = QDialogButtonBox.StandardButton
    buttons = QDialogButtonBox(standard.Ok | standard.Cancel | standard.Close | standard.Save)
    qtbot.addWidget(buttons)
    assert buttons.button(standard.Ok).text() == "确定"
    assert buttons.button(standard.Cancel).text() == "取消"
    assert buttons.button(standard.Close).text() == "关闭"
    assert _plain(buttons.button(standard.Save).text()) == "保存"

    wizard = QWizard()
    qtbot.addWidget(wizard)
    names = QWizard.WizardButton
    assert _plain(wizard.buttonText(names.NextButton)) == "下一步 >"
    assert _plain(wizard.buttonText(names.BackButton)) == "< 上一步"
    assert _plain(wizard.buttonText(names.FinishButton)) == "完成"
    assert _plain(wizard.buttonText(names.CancelButton)) == "取消"


@pytest.fixture
def print_dialog(qtbot: QtBot) -> Iterator[QPrintDialog]:
    printer = QPrinter()
    dialog = QPrintDialog(printer)
    options = QPrintDialog.PrintDialogOption
    for option in (options.PrintPageRange, options.PrintCollateCopies, options.PrintToFile):
        dialog.setOption(option, True)
    QDialog.open(dialog)  # QPrintDialog.open() in PySide6 wants a receiver
    qtbot.waitExposed(dialog)
    yield dialog
    dialog.reject()
    dialog.deleteLater()
    del printer  # the dialog holds a pointer to it until here


def test_print_dialog_is_chinese(print_dialog: QPrintDialog) -> None:
    buttons = [_plain(b.text()) for b in print_dialog.findChildren(QAbstractButton)]
    assert "打印" in buttons
    assert "取消" in buttons
    titles = {box.title() for box in print_dialog.findChildren(QGroupBox)}
    assert {"打印机", "打印范围", "输出设置"} <= titles
    assert "逐份打印" in {b.text() for b in print_dialog.findChildren(QCheckBox)}
    # "页面组" is one of the texts the shipped catalogue lacks (qt_extra fills it).
    assert "页面组：" in {_plain(label.text()) for label in print_dialog.findChildren(QLabel)}
    assert _english_texts(print_dialog) == []


def test_file_dialog_is_chinese(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = QFileDialog(None, "导出台账", str(tmp_path), "Excel 表格 (*.xlsx)")
    qtbot.addWidget(dialog)
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.open()
    qtbot.waitExposed(dialog)
    labels = {_plain(label.text()) for label in dialog.findChildren(QLabel)}
    assert {"查找范围：", "文件名称：", "文件类型："} <= labels
    buttons = {_plain(b.text()) for b in dialog.findChildren(QAbstractButton) if b.text()}
    assert {"保存", "取消"} <= buttons
    assert _english_texts(dialog) == []
    dialog.reject()


def test_file_types_in_the_file_dialog_are_chinese(qapp: QApplication, tmp_path: Path) -> None:
    provider = QAbstractFileIconProvider()
    assert provider.type(QFileInfo(str(tmp_path))) == "文件夹"
    assert provider.type(QFileInfo(tmp_path.anchor)) == "驱动器"
    assert QLocale().monthName(1) == "一月"  # the calendar pop-up of a date field


def test_the_extra_catalogue_is_built_from_its_source(tmp_path: Path) -> None:
    """resources/translations/qt_extra_zh_CN.qm is what lrelease makes of the .ts."""
    lrelease = shutil.which("pyside6-lrelease", path=str(Path(sys.executable).parent))
    assert lrelease is not None, "pyside6-lrelease ships with PySide6"
    built = tmp_path / "qt_extra_zh_CN.qm"
    subprocess.run([lrelease, "-silent", str(EXTRA_TS), "-qm", str(built)], check=True)
    assert built.read_bytes() == EXTRA_QM.read_bytes(), (
        "rebuild it: .venv/bin/pyside6-lrelease resources/translations/qt_extra_zh_CN.ts"
    )


def test_a_missing_catalogue_is_logged_and_skipped(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="app.ui.application"):
        assert application._load_catalogue("qtbase_zh_CN.qm", [tmp_path]) is None
    assert "qtbase_zh_CN.qm" in caplog.text
    assert str(tmp_path) in caplog.text


def test_the_program_start_installs_the_translations(tmp_path: Path) -> None:
    """The real start path (create_application), without the test suite's qapp fixture."""
    code = (
        "from app.ui.application import create_application\n"
        "from PySide6.QtWidgets import QLineEdit\n"
        "app = create_application(['test'])\n"
        "field = QLineEdit()\n"
        "menu = field.createStandardContextMenu()\n"
        "print('|'.join(a.text().split('\\t')[0] for a in menu.actions()))\n"
    )
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "MEDIATION_DESK_HOME": str(tmp_path),
        "PYTHONIOENCODING": "utf-8",
    }
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=True,
    )
    assert "复制(&C)" in result.stdout.split("|")
    assert "粘贴(&P)" in result.stdout.split("|")

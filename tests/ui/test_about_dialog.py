"""帮助 → 关于: version, data and log folders, and the buttons that open them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

import app
from app.ui.about_dialog import OPEN_DATA, OPEN_LOGS, AboutDialog
from tests.ui.message_boxes import Boxes
from tests.ui.user import click


class FileManager(QObject):
    """Stands where the desktop's file manager would: Qt hands it every file:// URL."""

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[Path] = []

    @Slot(QUrl)
    def show(self, url: QUrl) -> None:
        self.opened.append(Path(url.toLocalFile()))


@pytest.fixture
def file_manager() -> Iterator[FileManager]:
    manager = FileManager()
    # PySide6 6.9's stub wants bytes for the slot's name; the call refuses bytes, takes a str
    QDesktopServices.setUrlHandler("file", manager, "show")  # type: ignore[arg-type]
    yield manager
    QDesktopServices.unsetUrlHandler("file")


def make(qtbot: QtBot, db_path: Path | None) -> AboutDialog:
    dialog = AboutDialog(db_path)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_about_opens_the_data_and_log_folders_support_asks_for(
    qtbot: QtBot, tmp_path: Path, file_manager: FileManager, boxes: Boxes
) -> None:
    db_path = tmp_path / "data" / "mediation.sqlite3"
    db_path.parent.mkdir()
    dialog = make(qtbot, db_path)
    assert dialog.open_data_button.text() == OPEN_DATA
    click(qtbot, dialog.open_data_button)
    assert file_manager.opened == [db_path.parent]
    dialog.log_dir = tmp_path / "logs"
    dialog.log_dir.mkdir()
    assert dialog.open_logs_button.text() == OPEN_LOGS
    click(qtbot, dialog.open_logs_button)
    assert file_manager.opened[-1] == tmp_path / "logs"
    assert boxes.calls == []


def test_a_folder_not_made_yet_is_said_not_opened(
    qtbot: QtBot, tmp_path: Path, file_manager: FileManager, boxes: Boxes
) -> None:
    dialog = make(qtbot, tmp_path / "data" / "mediation.sqlite3")
    click(qtbot, dialog.open_data_button)
    assert file_manager.opened == []
    [(kind, _title, text)] = boxes.calls
    assert kind == "info" and "数据文件夹" in text and "还不存在" in text


def test_copy_puts_version_and_places_on_the_clipboard(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = make(qtbot, tmp_path / "mediation.sqlite3")
    click(qtbot, dialog.copy_button)
    copied = QGuiApplication.clipboard().text()
    assert f"版本：{app.__version__}" in copied
    assert f"数据库文件：{tmp_path / 'mediation.sqlite3'}" in copied
    assert "日志文件夹：" in copied


def test_a_database_in_memory_has_no_folder_to_open(qtbot: QtBot) -> None:
    dialog = make(qtbot, None)
    assert not dialog.open_data_button.isEnabled()
    assert dialog.rows["数据库文件"].text() == "内存（未保存）"


def test_the_program_icon_is_shipped_in_both_sizes(qapp: QApplication) -> None:
    """The windows and the taskbar show the program's own icon (resources/icons)."""
    from app.ui.application import program_icon

    icon = program_icon()
    assert {(s.width(), s.height()) for s in icon.availableSizes()} == {(32, 32), (256, 256)}
    assert not icon.pixmap(256, 256).isNull()

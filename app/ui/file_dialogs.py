"""Choosing a file to save or open: non-blocking dialogs (``open()``) that remember the
folder last used, and saving bytes so that a failure leaves nothing half-written."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from app.qt.core import QStandardPaths, Qt, QUrl
from app.qt.gui import QDesktopServices
from app.qt.widgets import QFileDialog, QWidget
from app.ui import messages, ui_settings
from app.ui.printing.files import SaveError, write_atomically

FOLDER_KEY = "files/last_folder"


def last_folder() -> Path:
    saved = ui_settings.settings().value(FOLDER_KEY, "")
    if isinstance(saved, str) and saved and Path(saved).is_dir():
        return Path(saved)
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(documents) if documents else Path.home()


def remember_folder(path: Path) -> None:
    store = ui_settings.settings()
    store.setValue(FOLDER_KEY, str(path.parent))
    store.sync()


def ask_save(
    parent: QWidget,
    title: str,
    file_name: str,
    on_path: Callable[[Path], object],
    *,
    name_filter: str = "Excel 表格 (*.xlsx)",
    suffix: str = "xlsx",
) -> QFileDialog:
    """A save dialog proposing ``file_name``; ``on_path`` gets the chosen path (with
    ``suffix`` added when the user left it out)."""
    dialog = QFileDialog(parent, title, str(last_folder()))
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    dialog.setNameFilter(name_filter)
    dialog.setDefaultSuffix(suffix)
    dialog.selectFile(str(last_folder() / file_name))

    def chosen(path: str) -> None:
        target = Path(path)
        if target.suffix.lower() != f".{suffix}":
            target = target.with_name(f"{target.name}.{suffix}")
        remember_folder(target)
        on_path(target)

    dialog.fileSelected.connect(chosen)
    dialog.open()
    return dialog


def ask_open(
    parent: QWidget,
    title: str,
    on_path: Callable[[Path], object],
    *,
    name_filter: str = "Excel 表格 (*.xlsx)",
) -> QFileDialog:
    dialog = QFileDialog(parent, title, str(last_folder()))
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    dialog.setNameFilter(name_filter)

    def chosen(path: str) -> None:
        remember_folder(Path(path))
        on_path(Path(path))

    dialog.fileSelected.connect(chosen)
    dialog.open()
    return dialog


def save_bytes(parent: QWidget, path: Path, data: bytes, *, what: str) -> bool:
    """Write ``data`` to ``path``; tell the user where it went, or why not. True if saved."""
    try:
        write_atomically(path, data)
    except SaveError as exc:
        messages.warning(parent, f"{what}没有保存", exc.message)
        return False
    messages.info(parent, f"{what}已保存", f"已保存到：\n{path}")
    return True


def show_folder(parent: QWidget | None, folder: Path | None, title: str, missing: str) -> bool:
    """Show ``folder`` in the system's file manager. ``missing``: what the user is told when
    there is no such folder yet; a desktop that cannot open it names the folder instead."""
    if folder is None or not folder.is_dir():
        messages.info(parent, title, missing)
        return False
    if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
        messages.warning(parent, title, f"无法打开文件夹。请在文件管理器中手动打开：\n{folder}")
        return False
    return True

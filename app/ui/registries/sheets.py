"""A registry in and out of Excel: the template, the export, and the import with a preview.

Import reads the whole sheet first and writes nothing (``read_sheet``); the preview shows
what would be imported, every wrong row with its row number, the duplicates that will be
skipped and the grids that will be created. Only 导入 writes, in one transaction; closing
the preview (取消) leaves the registry exactly as it was.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.models.db import StorageError
from app.models.errors import DomainError
from app.models.registries import RegistryKind, sheets
from app.models.registries.sheets import ImportPreview, ImportResult
from app.qt.core import QSize, Qt, Signal
from app.qt.widgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from app.ui import messages
from app.ui.cases.widgets import current_actor, em, fit_to_screen
from app.ui.file_dialogs import ask_open, ask_save, save_bytes
from app.ui.look import ERROR, Heading, tint
from app.ui.signals import emit

if TYPE_CHECKING:
    from app.ui.registries.page import RegistryPage

PREVIEW_ROWS = 200  # rows shown in the preview table (the count says how many there are)


def _kind(page: RegistryPage) -> RegistryKind[Any]:
    kind = page.kind
    assert kind.sheet is not None, "only registries with a spreadsheet have these buttons"
    return kind


def start_template(page: RegistryPage) -> QWidget:
    kind = _kind(page)

    def save(path: Path) -> None:
        save_bytes(page, path, sheets.template_xlsx(kind, db=page.db), what="导入模板")

    return ask_save(page, "保存导入模板", sheets.template_file_name(kind), save)


def start_export(page: RegistryPage) -> QWidget:
    kind = _kind(page)

    def save(path: Path) -> None:
        try:
            data = sheets.export_xlsx(page.db, kind)
        except StorageError as exc:
            messages.show_storage_error(page, exc)
            return
        save_bytes(page, path, data, what=str(kind.sheet))

    return ask_save(page, f"导出{kind.sheet}", f"{kind.sheet}.xlsx", save)


def start_import(page: RegistryPage) -> QWidget:
    return ask_open(page, f"选择要导入的{_kind(page).sheet}表格", lambda p: read(page, p))


def read(page: RegistryPage, path: Path) -> ImportPreviewDialog | None:
    """Read ``path`` and show what would be imported; None when it cannot be read."""
    kind = _kind(page)
    try:
        preview = sheets.read_sheet(page.db, path, kind)
    except (DomainError, StorageError) as exc:  # not an xlsx, password, wrong columns, disk …
        messages.tell_refused(page, "无法导入这个表格", exc)
        return None
    dialog = ImportPreviewDialog(page, preview)
    dialog.imported.connect(lambda _result: page.refresh())
    dialog.imported.connect(lambda _result: emit(page.changed))
    dialog.open()
    return dialog


def summary(preview: ImportPreview) -> str:
    parts = [f"可以导入 {len(preview.rows)} 条"]
    if preview.errors:
        parts.append(f"{len(preview.bad_rows)} 行填写有误")
    if preview.duplicates:
        parts.append(f"{len(preview.duplicates)} 条已登记或重复，将跳过")
    if preview.new_grids:
        names = "、".join(f"{g.village_name}{g.name}" for g in preview.new_grids)
        parts.append(f"将新建网格：{names}")
    return "；".join(parts) + "。"


class ImportPreviewDialog(QDialog):
    """What the sheet would import. ``imported(result)`` after a successful import."""

    imported = Signal(object)

    def __init__(self, page: RegistryPage, preview: ImportPreview) -> None:
        super().__init__(page)
        self.page = page
        self.preview = preview
        self.outcome: ImportResult | None = None
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(f"导入{preview.kind.sheet}：{preview.file_name}")

        layout = QVBoxLayout(self)
        title = Heading(scale=1.15)
        title.setText(f"“{preview.file_name}”工作表“{preview.sheet_name}”")
        layout.addWidget(title)
        self.summary = QLabel(summary(preview))
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)

        self.table = QTableWidget(min(len(preview.rows), PREVIEW_ROWS), len(preview.columns) + 1)
        self.table.setHorizontalHeaderLabels(["行号", *preview.columns])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        for r, row in enumerate(preview.rows[:PREVIEW_ROWS]):
            for c, text in enumerate((str(row.row), *row.cells)):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        layout.addWidget(self.table, 2)

        self.problems = QListWidget()
        for e in preview.errors:
            self.problems.addItem(e.text)
        for d in preview.duplicates:
            self.problems.addItem(f"{d.text}（跳过）")
        if self.problems.count():
            caption = QLabel("有问题的行：")
            tint(caption, ERROR if preview.errors else None)
            layout.addWidget(caption)
            layout.addWidget(self.problems, 1)
        else:
            self.problems.hide()

        self.skip_bad = QCheckBox(f"跳过有错误的 {len(preview.bad_rows)} 行，导入其余各行")
        self.skip_bad.setVisible(bool(preview.errors))
        layout.addWidget(self.skip_bad)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.import_button = QPushButton(f"导入 {len(preview.rows)} 条(&I)")
        self.cancel_button = QPushButton("取消（不导入）")
        for b in (self.import_button, self.cancel_button):
            b.setAutoDefault(False)
            buttons.addWidget(b)
        layout.addLayout(buttons)
        self.import_button.setEnabled(bool(preview.rows))
        self.import_button.clicked.connect(self.apply)
        self.cancel_button.clicked.connect(self.reject)
        self._update_button()
        self.skip_bad.toggled.connect(self._update_button)
        fit_to_screen(self, self.sizeHint().expandedTo(QSize(em(self) * 56, em(self) * 34)))

    def _update_button(self, *_args: object) -> None:
        blocked = bool(self.preview.errors) and not self.skip_bad.isChecked()
        self.import_button.setEnabled(bool(self.preview.rows) and not blocked)
        self.import_button.setToolTip(
            "表格中有填写错误的行：请改正后重新导入，或勾选“跳过有错误的行”" if blocked else ""
        )

    def apply(self) -> bool:
        try:
            result = sheets.apply_import(
                self.page.db,
                self.preview,
                by=current_actor(self.page.db),
                skip_bad_rows=self.skip_bad.isChecked(),
            )
        except (DomainError, StorageError) as exc:
            messages.tell_refused(self, "没有导入", exc)
            return False
        self.outcome = result
        emit(self.imported, result)
        self.accept()
        done = f"已导入 {result.imported} 条{result.kind.sheet}。"
        if result.grids_created:
            done += f"\n新建网格：{'、'.join(result.grids_created)}。"
        skipped = len({e.row for e in result.skipped_errors}) + len(result.skipped_duplicates)
        if skipped:
            done += f"\n跳过 {skipped} 行（有错误或已登记）。"
        messages.info(self.page, "导入完成", done)
        return True

"""导出台账: every case (or what the register shows) as an Excel ledger.

The dialog asks what to export and whether to include full ID numbers, then the save
dialog, then runs :func:`app.models.ledger.export_ledger` off the GUI thread with progress
("已导出 n / N 件") and 取消. A cancel or a failure leaves no file (the model writes a
temporary file and renames it at the end); a failure (folder missing or read-only, the file
open in Excel, disk full) is told in the model's plain-Chinese words and the dialog stays
open, so another place can be chosen.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from app.models import register
from app.models.accounts import WORKERS
from app.models.db import Database, StorageError
from app.models.errors import OperationCancelledError
from app.models.ledger import export_ledger
from app.models.register import RegisterFilter
from app.qt.core import QSize, Qt, Signal
from app.qt.widgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)
from app.ui import messages, session
from app.ui.cases.widgets import em, fit_to_screen, hint_label
from app.ui.file_dialogs import ask_save
from app.ui.jobs import BackgroundJob, Progress, counting, worker_database
from app.ui.look import ERROR, NOTICE_BORDER, NOTICE_FILL, Heading, Panel
from app.ui.session import current_actor
from app.ui.signals import emit

TITLE = "导出台账"
INCLUDE_IDS_TEXT = "包含完整身份证号（默认隐去中间位数）"
PRIVACY_WARNING = (
    "身份证号是个人敏感信息。含完整号码的台账请妥善保管：不要通过微信、QQ 或电子邮件外传，"
    "不要存放在公用电脑上，用完及时删除。"
)
MASK_HINT = "身份证号将隐去中间八位，例如 330102********1234。"


def default_file_name(today: date | None = None) -> str:
    return f"调解案件台账_{(today or date.today()).isoformat()}.xlsx"


class ExportDialog(QDialog):
    """What to export, then where. ``exported(path, count)`` after a file was written."""

    exported = Signal(object, int)

    def __init__(
        self,
        db: Database,
        parent: QWidget | None = None,
        register_filter: RegisterFilter | None = None,
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.register_filter = register_filter
        self.job: BackgroundJob | None = None
        self.exporting = False  # until the export's result has been handled
        self.target: Path | None = None
        self._written: list[int] = []
        self.setWindowTitle(TITLE)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        heading = Heading("导出调解案件台账", scale=1.2)
        intro = QLabel(
            "每件案件一行，保存为 Excel 表格（.xlsx），可用 Excel、WPS 或 LibreOffice 打开。"
        )
        intro.setWordWrap(True)

        self._build_scope_choice()
        self._build_id_choice()
        buttons = self._build_buttons()
        self._lay_out(heading, intro, buttons)
        self.export_button.clicked.connect(self.choose_file)
        self.cancel_button.clicked.connect(self.reject)
        fit_to_screen(self, QSize(em(self) * 34, self.sizeHint().height() + em(self) * 4))

    # ---- building

    def _build_scope_choice(self) -> None:
        """全部案件 or 当前台账的筛选结果, each with how many cases it is."""
        total = int(self.db.scalar("SELECT count(*) FROM cases") or 0)
        self.all_cases = QRadioButton(f"全部案件（{total} 件，含已作废的案件）")
        self.filtered = QRadioButton("当前台账的筛选结果")
        self.choice = QButtonGroup(self)
        self.choice.addButton(self.all_cases)
        self.choice.addButton(self.filtered)
        register_filter = self.register_filter
        if register_filter is None:
            self.filtered.setEnabled(False)
            self.filtered.setToolTip("请在“案件台账”页面设好筛选条件后再导出")
            self.all_cases.setChecked(True)
        else:
            shown = len(register.open_seqs(self.db, register_filter))  # a count, not every row
            limit = ""
            if register_filter.text.strip() and shown >= register.SEARCH_LIMIT:
                limit = f"；查找结果最多列出 {register.SEARCH_LIMIT} 件"
            self.filtered.setText(f"当前台账的筛选结果（{shown} 件，与台账页面显示的相同{limit}）")
            self.filtered.setChecked(True)

    def _build_id_choice(self) -> None:
        """Full ID numbers or masked ones, with the warning that goes with full ones."""
        self.include_ids = QCheckBox(INCLUDE_IDS_TEXT)
        self.mask_hint = hint_label(MASK_HINT)
        self.warning = Panel(PRIVACY_WARNING)
        self.warning.setWordWrap(True)
        self.warning.setMargin(6)
        self.warning.set_colours(fill=NOTICE_FILL, border=NOTICE_BORDER, ink=ERROR)
        self.warning.hide()
        self.include_ids.toggled.connect(self._ids_toggled)
        actor = session.signed_in(self.db)
        if actor is not None and actor.role not in WORKERS:  # a 统计/只读 user: masks only
            self.include_ids.setEnabled(False)
            self.include_ids.setToolTip("只有主任和调解员可以导出完整的证件号码。")

    def _build_buttons(self) -> QHBoxLayout:
        self.export_button = QPushButton("导出(&E)…")
        self.export_button.setDefault(True)
        self.cancel_button = QPushButton("取消")
        self.cancel_button.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.cancel_button)
        return buttons

    def _lay_out(self, heading: QWidget, intro: QWidget, buttons: QHBoxLayout) -> None:
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addSpacing(em(self) // 2)
        layout.addWidget(QLabel("导出哪些案件："))
        # At their own width: a button stretched over the row ignores clicks on the blank.
        left = Qt.AlignmentFlag.AlignLeft
        layout.addWidget(self.all_cases, 0, left)
        layout.addWidget(self.filtered, 0, left)
        layout.addSpacing(em(self) // 2)
        layout.addWidget(self.include_ids, 0, left)
        layout.addWidget(self.mask_hint)
        layout.addWidget(self.warning)
        layout.addStretch(1)
        layout.addLayout(buttons)

    def _ids_toggled(self, checked: bool) -> None:
        self.warning.setVisible(checked)
        self.mask_hint.setVisible(not checked)
        layout = self.layout()
        if layout is not None:
            layout.activate()
            needed = layout.totalHeightForWidth(self.width())
            if needed > self.height():
                fit_to_screen(self, QSize(self.width(), needed))

    def selected_filter(self) -> RegisterFilter | None:
        return self.register_filter if self.filtered.isChecked() else None

    def choose_file(self) -> QWidget:
        """The save dialog (non-blocking); the export starts when a file is chosen."""
        return ask_save(self, "保存台账", default_file_name(), self.export_to)

    def export_to(self, path: Path) -> BackgroundJob:
        """Write the ledger to ``path`` off the GUI thread."""
        if self.db.path is None:  # pragma: no cover - the program always works on a file
            raise ValueError("the export needs a database file")
        db_path = self.db.path
        include_ids = self.include_ids.isChecked()
        # an export with full ID numbers is recorded, by who asked (docs/privacy.md)
        by = current_actor(self.db) if include_ids else None
        filters = self.selected_filter()
        written: list[int] = []

        def work(progress: Progress, cancelled: Callable[[], bool]) -> int:
            count = counting(progress)  # the dialog shows after its minimum duration
            with worker_database(db_path) as db:
                written_count = export_ledger(
                    db,
                    path,
                    include_ids=include_ids,
                    by=by,
                    filters=filters,
                    progress=count,
                    cancelled=cancelled,
                )
            written.append(written_count)
            return written_count

        self.target = path
        self._written = written
        job = BackgroundJob(
            work,
            self,
            title=TITLE,
            cancel_errors=(OperationCancelledError,),
            failure="导出台账时出了错，没有保存台账文件。详细情况已记入日志，请联系技术人员。",
            describe=_describe,
        )
        job.done.connect(self._job_done)
        job.stopped.connect(self._job_stopped)
        self.export_button.setEnabled(False)
        self.job = job
        self.exporting = True
        job.start()
        return job

    def _job_done(self, count: object) -> None:
        self.exporting = False
        assert isinstance(count, int) and self.target is not None
        self._finish(self.target, count)

    def _job_stopped(self) -> None:
        self.exporting = False
        self.export_button.setEnabled(True)
        if self._written and self.target is not None:
            # The cancel came after the last row: the file is complete and saved; say so.
            self._finish(self.target, self._written[0])

    def _finish(self, path: Path, count: int) -> None:
        emit(self.exported, path, count)
        messages.info(self.parentWidget(), "台账已导出", f"已导出 {count} 件案件，保存到：\n{path}")
        self.accept()

    def reject(self) -> None:
        if self.exporting and self.job is not None:
            self.job.cancel()  # the progress dialog says 正在取消…; no file is left
            return
        super().reject()


def _describe(n: int, total: int, _what: str) -> str:
    return f"已导出 {n} / {total} 件" if total else "正在准备导出…"


def open_export(
    db: Database, parent: QWidget | None = None, register_filter: RegisterFilter | None = None
) -> ExportDialog | None:
    """导出台账…: the dialog, opened (non-blocking). ``register_filter``: the register's
    current filter, offered as 当前台账的筛选结果. None when the database cannot be read."""
    try:
        dialog = ExportDialog(db, parent, register_filter)
    except StorageError as exc:
        messages.show_storage_error(parent, exc)
        return None
    dialog.open()
    return dialog

"""审计记录 (设置 menu, the 主任's): who did what, to which case, when (docs/privacy.md).

Tab 审计记录: the entries of :mod:`app.models.audit`, newest first, filtered by user, category,
action, case and dates; the list reads a page at a time as it is scrolled (the change log of a
busy office runs to a million rows). 导出 Excel… writes what the filter lists, off the GUI
thread; the export is itself recorded. Double-clicking an entry of a case opens the case.

Tab 台账原始行: the imported 台账 files whose raw cells this computer keeps (they hold ID numbers
and phones as the sheet had them), and 清除… for a file once its cases have been checked.

Open with :func:`open_audit`, which refuses anyone but a 主任 (the model checks again).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path

from app.models import audit, personal_data, search
from app.models.audit import AuditEntry, AuditFilter, AuditReader, Cursor
from app.models.db import Database, StorageError
from app.models.errors import DomainError, OperationCancelledError
from app.models.personal_data import ImportFile
from app.qt.core import (
    QModelIndex,
    QObject,
    QSize,
    Qt,
    Signal,
)
from app.qt.widgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from app.ui import messages
from app.ui.cases.widgets import em, fit_to_screen, hint_label, py_date, qdate
from app.ui.file_dialogs import ask_save
from app.ui.item_views import on_open, whole_rows
from app.ui.jobs import BackgroundJob, Progress, counting, worker_database
from app.ui.look import ERROR, MUTED, tint
from app.ui.session import current_actor
from app.ui.signals import emit
from app.ui.table_model import AnyIndex, Column, ListTableModel, no_tooltip, numbered
from app.ui.template_editing import KeyedTableModel, record_view

TITLE = "审计记录"
INTRO = (
    "每一项修改、每一步办理都记着是谁、在哪台电脑、什么时候做的。“数据修改”只列出改了哪些项，"
    "不显示内容；查看或导出完整证件号码、更正或删除证件号码也记在这里（不记号码）。"
    "双击一行打开这件案件。"
)
ALL_USERS = "全部用户"
ALL_KINDS = "全部类别"
ALL_ACTIONS = "全部动作"
CASE_HINT = "案件编号，可只写号数"
EXPORT = "导出 Excel(&X)…"
APPLY = "查询(&Q)"
RAW_TAB = "台账原始行"
RAW_INTRO = (
    "从 Excel 台账导入案件时，每一行的原始内容（含身份证号、电话）保存在本机，"
    "供核对导入是否有误，不随同步带到外出笔记本。核对完后，主任可以清除某个文件的原始行；"
    "案件本身和它的导入记录（文件名、行号）都保留。"
)
CLEAR_RAW = "清除所选文件的原始行(&C)…"
COLUMNS = audit.HEADERS
COL_TIME, COL_USER, COL_DEVICE, COL_CASE, COL_KIND, COL_ACTION, COL_DETAIL = range(7)


AUDIT_COLUMNS: list[Column[AuditEntry]] = numbered(
    {
        COL_TIME: Column(COLUMNS[COL_TIME], lambda e: e.local_time),
        COL_USER: Column(COLUMNS[COL_USER], lambda e: e.user_name),
        COL_DEVICE: Column(COLUMNS[COL_DEVICE], lambda e: e.device),
        COL_CASE: Column(COLUMNS[COL_CASE], lambda e: e.case_label),
        COL_KIND: Column(COLUMNS[COL_KIND], lambda e: e.kind_label),
        COL_ACTION: Column(COLUMNS[COL_ACTION], lambda e: e.action),
        COL_DETAIL: Column(COLUMNS[COL_DETAIL], lambda e: e.detail),
    }
)


class AuditModel(ListTableModel[AuditEntry]):
    """The entries of one filter, a page read each time the view reaches the end."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(AUDIT_COLUMNS, parent)
        self._reader: AuditReader | None = None
        self._cursor: Cursor | None = None
        self._more = False
        self.page_size = audit.PAGE

    def load(self, reader: AuditReader) -> None:
        """Show ``reader``'s entries from the newest (the first page read now)."""
        self._reader, self._cursor, self._more = reader, None, True
        self.set_rows([])
        self.fetchMore(QModelIndex())

    def entry(self, row: int) -> AuditEntry | None:
        return self.record_of(row)

    def canFetchMore(self, parent: AnyIndex) -> bool:
        # Not while the rows change: a view told of the change may ask for more at once.
        ready = self._more and self._reader is not None and not self.changing
        return ready and not parent.isValid()

    def fetchMore(self, parent: AnyIndex) -> None:
        if not self.canFetchMore(parent):
            return
        assert self._reader is not None
        page = self._reader.page(self._cursor, self.page_size)
        self._more = len(page) == self.page_size
        if page:
            self._cursor = page[-1].cursor
            self.append_rows(page)


IMPORT_FILE_COLUMNS: list[Column[ImportFile]] = [
    Column("文件", lambda f: f.file, tooltip=no_tooltip),
    Column("导入时间", lambda f: audit.local_time(f.imported_at)[:16], tooltip=no_tooltip),
    Column("保留原始内容的行", lambda f: f.kept, tooltip=no_tooltip),
    Column("已清除的行", lambda f: f.cleared, tooltip=no_tooltip),
]


class ImportFilesModel(KeyedTableModel[ImportFile]):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(IMPORT_FILE_COLUMNS, parent)


def _combo(items: Sequence[tuple[str | None, str]]) -> QComboBox:
    combo = QComboBox()
    for key, label in items:
        combo.addItem(label, key)
    return combo


class AuditWindow(QWidget):
    """审计记录 and 台账原始行. ``open_case(case_id)`` asks the main window to open a case."""

    open_case = Signal(str)

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle(TITLE)
        self.db = db
        self.job: BackgroundJob | None = None
        self.exported: Path | None = None
        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_audit_tab(), TITLE)
        self.tabs.addTab(self._build_raw_tab(), RAW_TAB)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        fit_to_screen(self, QSize(em(self) * 72, em(self) * 42))
        self.apply_filter()
        self.reload_files()

    # ---- building

    def _build_audit_tab(self) -> QWidget:
        page = QWidget()
        filters = self._build_audit_filters()
        buttons = self._build_audit_buttons()
        self._build_audit_table()
        layout = QVBoxLayout(page)
        layout.addWidget(hint_label(INTRO))
        layout.addLayout(filters)
        layout.addWidget(self.problem)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        return page

    def _build_audit_filters(self) -> QGridLayout:
        """用户, 类别, 动作, 案件 and the dates."""
        self.user = _combo([(None, ALL_USERS), *audit.user_choices(self.db), ("system", "系统")])
        self.kind = _combo([(None, ALL_KINDS), *audit.KINDS.items()])
        self.action = _combo([(None, ALL_ACTIONS)])
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.case = QLineEdit()
        self.case.setPlaceholderText(CASE_HINT)
        self.case.returnPressed.connect(self.apply_filter)
        self.by_date = QCheckBox("按日期(&D)")
        today = date.today()
        self.since = QDateEdit(qdate(today - timedelta(days=30)))
        self.until = QDateEdit(qdate(today))
        for edit in (self.since, self.until):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setEnabled(False)
        self.by_date.toggled.connect(self.since.setEnabled)
        self.by_date.toggled.connect(self.until.setEnabled)
        self.apply_button = QPushButton(APPLY)
        self.apply_button.setDefault(True)
        self.apply_button.clicked.connect(self.apply_filter)
        self.export_button = QPushButton(EXPORT)
        self.export_button.clicked.connect(self.choose_export_file)

        filters = QGridLayout()
        filters.addWidget(QLabel("用户："), 0, 0)
        filters.addWidget(self.user, 0, 1)
        filters.addWidget(QLabel("类别："), 0, 2)
        filters.addWidget(self.kind, 0, 3)
        filters.addWidget(QLabel("动作："), 0, 4)
        filters.addWidget(self.action, 0, 5)
        filters.addWidget(QLabel("案件："), 1, 0)
        filters.addWidget(self.case, 1, 1)
        dates = QHBoxLayout()
        dates.addWidget(self.by_date)
        dates.addWidget(self.since)
        dates.addWidget(QLabel("至"))
        dates.addWidget(self.until)
        dates.addStretch(1)
        filters.addLayout(dates, 1, 2, 1, 4)
        filters.setColumnStretch(1, 1)
        filters.setColumnStretch(3, 1)
        filters.setColumnStretch(5, 1)
        return filters

    def _build_audit_buttons(self) -> QHBoxLayout:
        """How many entries are listed, 查询 and 导出; a line for a filter's problem."""
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        tint(self.problem, ERROR)
        self.problem.hide()
        self.count = QLabel()
        tint(self.count, MUTED)
        buttons = QHBoxLayout()
        buttons.addWidget(self.count, 1)
        buttons.addWidget(self.apply_button)
        buttons.addWidget(self.export_button)
        return buttons

    def _build_audit_table(self) -> None:
        self.model = AuditModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        whole_rows(self.table)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        widths = ((COL_TIME, 10), (COL_USER, 5), (COL_DEVICE, 6), (COL_CASE, 11), (COL_KIND, 5))
        for col, chars in (*widths, (COL_ACTION, 10)):
            self.table.setColumnWidth(col, em(self) * chars)
        header.setSectionResizeMode(COL_DETAIL, QHeaderView.ResizeMode.Stretch)
        on_open(self.table, self._open_row)

    def _build_raw_tab(self) -> QWidget:
        page = QWidget()
        self.files_model = ImportFilesModel(self)
        self.files = record_view(self.files_model)
        self.files.selectionModel().selectionChanged.connect(lambda *_: self._update_raw())
        self.clear_button = QPushButton(CLEAR_RAW)
        self.clear_button.clicked.connect(self.ask_clear_file)
        self.no_files = QLabel("本机没有保存台账原始行。")
        tint(self.no_files, MUTED)
        buttons = QHBoxLayout()
        buttons.addWidget(self.no_files, 1)
        buttons.addWidget(self.clear_button)
        layout = QVBoxLayout(page)
        layout.addWidget(hint_label(RAW_INTRO))
        layout.addWidget(self.files, 1)
        layout.addLayout(buttons)
        return page

    # ---- the filter

    def _kind_changed(self) -> None:
        kind = self.kind.currentData()
        self.action.clear()
        self.action.addItem(ALL_ACTIONS, None)
        if kind is not None:
            for key, label in audit.action_choices(str(kind)):
                self.action.addItem(label, key)

    def _case_id(self) -> str | None:
        """The case the 案件 field names (None: all); raises DomainError when it names none
        or several."""
        text = self.case.text().strip()
        if not text:
            return None
        found = self.db.scalar("SELECT id FROM cases WHERE number = ?", (text,))
        if found is not None:
            return str(found)
        with self.db.reading():
            seqs = search.search_case_seqs(self.db.conn, text, limit=2)
        numbered = (
            [
                str(r[0])
                for r in self.db.query(
                    f"SELECT id FROM cases WHERE seq IN ({','.join('?' * len(seqs))}) "
                    "AND number LIKE ?",
                    [*seqs, f"%{text}%"],
                )
            ]
            if seqs
            else []
        )
        if len(numbered) == 1:
            return numbered[0]
        if not numbered:
            raise DomainError(f"找不到编号为“{text}”的案件。请核对案件编号，或清空“案件”一栏。")
        raise DomainError(f"有不止一件案件的编号含“{text}”，请写完整的案件编号。")

    def current_filter(self) -> AuditFilter:
        since = until = None
        if self.by_date.isChecked():
            since, until = py_date(self.since.date()), py_date(self.until.date())
            if since > until:
                raise DomainError("日期范围的开始晚于结束，请重新选择。")
        user = self.user.currentData()
        kind = self.kind.currentData()
        action = self.action.currentData()
        return AuditFilter(
            user_id=str(user) if user is not None else None,
            case_id=self._case_id(),
            since=since,
            until=until,
            kind=str(kind) if kind is not None else None,
            action=str(action) if action is not None else None,
        )

    def apply_filter(self) -> None:
        """Read the list again for what the filter says (a wrong case number is told)."""
        try:
            f = self.current_filter()
            reader = AuditReader(self.db, f)
            total = reader.count()
            self.model.load(reader)
        except DomainError as exc:
            self.problem.setText(exc.message)
            self.problem.show()
            return
        except StorageError as exc:
            messages.show_storage_error(self, exc)
            return
        self.problem.hide()
        self.filter = f
        self.count.setText(f"共 {total} 条" if total else "没有符合条件的记录")
        self.export_button.setEnabled(total > 0)

    def _open_row(self, index: AnyIndex) -> None:
        entry = self.model.entry(index.row())
        if entry is not None and entry.case_id:
            emit(self.open_case, entry.case_id)

    # ---- export

    def choose_export_file(self) -> QWidget:
        name = f"审计记录-{date.today():%Y%m%d}.xlsx"
        return ask_save(self, "导出审计记录", name, self.export_to)

    def export_to(self, path: Path) -> BackgroundJob | None:
        """Write what the list shows to ``path``, off the GUI thread."""
        if self.db.path is None or (self.job is not None and not self.job.is_answered):
            return None
        db_path, f, actor = self.db.path, self.filter, current_actor(self.db)

        def work(progress: Progress, cancelled: Callable[[], bool]) -> int:
            count = counting(progress)
            with worker_database(db_path) as db:
                return audit.export_audit(
                    db, path, f, by=actor, progress=count, cancelled=cancelled
                )

        job = BackgroundJob(
            work,
            self,
            title="导出审计记录",
            cancel_errors=(OperationCancelledError,),
            failure="导出审计记录时出了错，没有保存文件。详细情况已记入日志，请联系技术人员。",
            describe=lambda n, total, _w: f"已导出 {n} / {total} 条" if total else "正在准备…",
        )
        job.done.connect(lambda count: self._exported(path, count))
        self.job = job
        self.export_button.setEnabled(False)
        job.stopped.connect(lambda: self.export_button.setEnabled(True))
        job.start()
        return job

    def _exported(self, path: Path, count: object) -> None:
        self.export_button.setEnabled(True)
        self.exported = path
        messages.info(self, "审计记录已导出", f"已导出 {count} 条审计记录，保存到：\n{path}")
        self.apply_filter()  # the export is in the list now

    # ---- 台账原始行

    def reload_files(self) -> None:
        try:
            files = personal_data.import_files(self.db)
        except StorageError as exc:
            messages.show_storage_error(self, exc)
            files = []
        self.files_model.set_rows(files)
        self.no_files.setVisible(not files)
        self._update_raw()

    def selected_file(self) -> ImportFile | None:
        rows = self.files.selectionModel().selectedRows()
        return self.files_model.record_at(rows[0]) if rows else None

    def _update_raw(self) -> None:
        chosen = self.selected_file()
        self.clear_button.setEnabled(chosen is not None and chosen.kept > 0)

    def ask_clear_file(self) -> None:
        chosen = self.selected_file()
        if chosen is None:
            return
        messages.confirm(
            self,
            "清除台账原始行",
            f"清除“{chosen.file}”中 {chosen.kept} 行的原始内容（含身份证号、电话）？\n"
            "导入的案件和它们的导入记录（文件名、行号）都保留；清除后不能恢复。",
            yes="清除",
            on_yes=lambda: self.clear_file(chosen.file),
        )

    def clear_file(self, file: str) -> int:
        try:
            cleared = personal_data.clear_import_rows(self.db, by=current_actor(self.db), file=file)
        except (DomainError, StorageError) as exc:
            messages.tell_refused(self, "清除台账原始行", exc)
            return 0
        self.reload_files()
        self.apply_filter()
        return cleared


def open_audit(db: Database, parent: QWidget | None = None) -> AuditWindow | None:
    """The window, shown; a 主任's only (anyone else is told why)."""
    try:
        audit.authorize(db, current_actor(db))
        window = AuditWindow(db, parent)
    except (DomainError, StorageError) as exc:
        messages.tell_refused(parent, TITLE, exc)
        return None
    return window

"""从 Excel 台账导入: an office's existing spreadsheet into the database, step by step.

1. 选择文件: .xlsx, .xls, .ods or .csv. A file that cannot be read (password, damaged, a
   Word document …) is told on this page, which stays.
2. 选择工作表和表头: the sheet and the header row, ``detect_header``'s guess preselected,
   the first rows of the sheet shown so the user sees where the header is.
3. 对应各列: one choice per column (a field, or 不导入), guessed from the header names;
   ``check_mapping``'s message (a field twice, a required field missing) in red blocks 下一步.
   When rows have a result (调解结果) but no 结案日期, the page asks once how to date their
   closing (按受理日期记 / 按“调解日期”列记 / 不记载); nothing is preselected and 下一步 waits
   for the answer.
4. 预览: the plan: how many cases in which state, how undated closings are recorded and
   which year dates without one took, every bad row with its Excel row number and reason,
   duplicates (跳过重复的案件, on by default), the rows skipped (合计, 表尾 …) and why,
   warnings, and the choice between 全部导入或全部不导入 and 跳过有错误的行. Villages the
   office does not know can be added to its list from here.
5. 完成: what was imported and what was skipped.

Reading the file, reading a sheet, the preview and the import run off the GUI thread
(app/ui/jobs.py, each with its own database connection). Nothing is written before 导入;
the import is one transaction, so 取消 at any step, a cancelled or a failed import leave
the database exactly as it was. ``imported(result)`` tells the main window to refresh.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from app.models import backup, office
from app.models.accounts import Actor
from app.models.db import Database, StorageError
from app.models.errors import (
    ColumnMappingError,
    OperationCancelledError,
    SheetFileError,
    ValidationError,
)
from app.models.ledger_import import (
    FIELDS,
    HeaderGuess,
    ImportPlan,
    ImportResult,
    PlannedCase,
    Workbook,
    apply_import,
    check_mapping,
    column_letter,
    detect_header,
    guess_mapping,
    header_names,
    open_workbook,
    preview,
)
from app.models.ledger_import.plan import closings_without_date, villages_to_add
from app.models.parsing.cells import Cell, cell_text
from app.models.registries.places import VILLAGES
from app.qt.core import QModelIndex, QSize, Qt, Signal
from app.qt.gui import QColor
from app.qt.widgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from app.ui import messages
from app.ui.backup_window import describe_stage
from app.ui.cases.widgets import current_actor, em, fit_to_screen
from app.ui.file_dialogs import ask_open
from app.ui.jobs import BackgroundJob, Progress, worker_database
from app.ui.ledger.import_pages import (
    SHEET_ROWS,
    STEP_TITLES,
    ColumnsPage,
    FilePage,
    HeaderPage,
    PreviewPage,
    ResultPage,
    Step,
    states_text,
)
from app.ui.look import ERROR, MUTED, Heading, embolden, tint
from app.ui.signals import emit

__all__ = ["ImportWizard", "Step", "import_choice", "open_import"]

TITLE = "从 Excel 台账导入"
FILE_FILTER = "表格文件 (*.xlsx *.xls *.ods *.csv);;所有文件 (*)"
SAMPLE_VALUES = 3  # example values shown beside each column on the mapping page
NOT_IMPORTED = "（不导入）"
FIELD_KEYS = ["", *FIELDS]  # the choices of every column's combo, in order
FIELD_LABELS = [NOT_IMPORTED, *FIELDS.values()]
FAILURE = "读取或导入台账时出了错，没有导入任何案件。详细情况已记入日志，请联系技术人员。"
_CLOSING_FIELDS = ("outcome", "closed_on", "applicants", "respondents", "parties")


@dataclass(frozen=True)
class _Opened:
    workbook: Workbook
    sheet: str
    guess: HeaderGuess


def _first_sheet(workbook: Workbook) -> str:
    visible = [s for s in workbook.sheet_names if s not in workbook.hidden_sheets]
    return (visible or workbook.sheet_names)[0]


def _read_sheet(workbook: Workbook, sheet: str) -> _Opened:
    """Read ``sheet`` of ``workbook`` (SheetFileError when it cannot) and guess its header."""
    workbook.rows(sheet)
    return _Opened(workbook, sheet, detect_header(workbook, sheet))


def _rows_text(rows: list[int], limit: int = 10) -> str:
    shown = "、".join(str(r) for r in rows[:limit])
    return f"第{shown}行" + (f"等 {len(rows)} 行" if len(rows) > limit else "")


def _names_with_rows(unknown: dict[str, list[int]]) -> str:
    """Each unknown name with the sheet rows it stands in: 张村（第3、5行）；李村（第7行）."""
    return "；".join(f"{name}（{_rows_text(rows)}）" for name, rows in unknown.items())


def import_choice(
    plan: ImportPlan, *, skip_duplicates: bool
) -> tuple[list[PlannedCase], list[int]]:
    """(the cases 导入 writes when bad rows are skipped, the rows that cannot be imported),
    decided as ``apply_import`` decides them."""
    blocked = [
        c.row
        for c in plan.cases
        if c.duplicate is not None and c.duplicate.blocking and not skip_duplicates
    ]
    chosen = [
        c
        for c in plan.cases
        if not (c.duplicate is not None and skip_duplicates) and c.row not in blocked
    ]
    return chosen, sorted(plan.bad_rows + blocked)


class ImportWizard(QDialog):
    """The import, step by step. ``imported(result)`` after cases were written;
    ``ready()`` whenever a step's background work has ended (done, failed or cancelled)."""

    imported = Signal(object)
    ready = Signal()

    def __init__(
        self,
        db: Database,
        parent: QWidget | None = None,
        *,
        today: Callable[[], date] | None = None,
    ) -> None:
        super().__init__(parent)
        self.db = db
        self._today = today or date.today
        self.setWindowTitle(TITLE)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.job: BackgroundJob | None = None
        self._job_kind = ""
        self._busy = False
        self._produced: list[object] = []  # what the running step's work returned, if it did
        self.workbook: Workbook | None = None
        self.sheet = ""
        self.guess: HeaderGuess | None = None
        self.headers: list[str] = []
        self._mapped_for: tuple[str, int] | None = None
        self.mapping_error: ColumnMappingError | None = None
        self.closing_problem = ""  # why the closing-date question blocks 下一步 ("" if not)
        self._undated: tuple[tuple[object, ...], int] | None = None  # (for what, how many)
        self.plan: ImportPlan | None = None
        self.outcome: ImportResult | None = None

        self.step_title = Heading(scale=1.2)
        self._build_pages()
        buttons = self._build_buttons()
        layout = QVBoxLayout(self)
        layout.addWidget(self.step_title)
        layout.addWidget(self.stack, 1)
        layout.addLayout(buttons)
        self._connect()
        self._show_step(Step.FILE)
        fit_to_screen(self, QSize(em(self) * 60, em(self) * 40))

    # ---- building

    def _build_pages(self) -> None:
        """One page per step, shown one at a time."""
        self.file_page = FilePage()
        self.header_page = HeaderPage()
        self.columns_page = ColumnsPage()
        self.preview_page = PreviewPage()
        self.result_page = ResultPage()
        self.stack = QStackedWidget()
        for page in (
            self.file_page,
            self.header_page,
            self.columns_page,
            self.preview_page,
            self.result_page,
        ):
            self.stack.addWidget(page)

    def _build_buttons(self) -> QHBoxLayout:
        """What the step is doing on the left; 上一步, 下一步, 导入, 取消, 完成 on the right
        (each step shows the ones it offers)."""
        self.status = QLabel()
        tint(self.status, MUTED)
        self.status.setWordWrap(True)
        self.back_button = QPushButton("上一步(&B)")
        self.next_button = QPushButton("下一步(&N)")
        self.import_button = QPushButton("导入(&I)")
        self.cancel_button = QPushButton("取消")
        self.finish_button = QPushButton("完成")
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        for b in (
            self.back_button,
            self.next_button,
            self.import_button,
            self.cancel_button,
            self.finish_button,
        ):
            b.setAutoDefault(False)
            buttons.addWidget(b)
        return buttons

    def _connect(self) -> None:
        self.file_page.choose_button.clicked.connect(self.choose_file)
        self.header_page.sheet.activated.connect(self._sheet_chosen)
        self.header_page.header_row.valueChanged.connect(self._header_row_changed)
        self.header_page.table.clicked.connect(self._table_clicked)
        for button in self.columns_page.closing.buttons.values():
            button.toggled.connect(self.check_columns)
        self.preview_page.add_villages.clicked.connect(self.add_unknown_villages)
        self.preview_page.add_mediators.clicked.connect(self.add_unknown_mediators)
        self.preview_page.skip_duplicates.toggled.connect(self._update_choice)
        self.preview_page.skip_bad.toggled.connect(self._update_choice)
        self.back_button.clicked.connect(self.go_back)
        self.next_button.clicked.connect(self.go_next)
        self.import_button.clicked.connect(self.start_import)
        self.cancel_button.clicked.connect(self.reject)
        self.finish_button.clicked.connect(self.accept)

    # ---- steps and buttons

    @property
    def step(self) -> Step:
        return Step(self.stack.currentIndex())

    @property
    def busy(self) -> bool:
        """A step's background work is under way (until its result has been handled)."""
        return self._busy

    def _show_step(self, step: Step) -> None:
        self.stack.setCurrentIndex(step)
        self.step_title.setText(f"第 {step + 1} 步（共 {len(Step)} 步）：{STEP_TITLES[step]}")
        self.status.clear()
        self._update_buttons()
        focus = {
            Step.FILE: self.file_page.choose_button,
            Step.HEADER: self.header_page.header_row,
            Step.COLUMNS: next(iter(self.columns_page.combos.values()), self.next_button),
            Step.PREVIEW: self.preview_page.tabs,
            Step.RESULT: self.finish_button,
        }[step]
        focus.setFocus()

    def _update_buttons(self) -> None:
        step, busy = self.step, self.busy
        last = step == Step.RESULT
        self.back_button.setVisible(not last)
        self.cancel_button.setVisible(not last)
        self.finish_button.setVisible(last)
        self.next_button.setVisible(step < Step.PREVIEW)
        self.import_button.setVisible(step == Step.PREVIEW)
        self.back_button.setEnabled(not busy and Step.FILE < step < Step.RESULT)
        self.next_button.setEnabled(not busy and self._can_go_on())
        self.import_button.setEnabled(not busy and self._can_import())
        self.file_page.choose_button.setEnabled(not busy)
        self.header_page.sheet.setEnabled(not busy)
        self.header_page.header_row.setEnabled(not busy and self._sheet_rows() > 0)
        default = {Step.PREVIEW: self.import_button, Step.RESULT: self.finish_button}
        button = default.get(step, self.next_button)
        button.setDefault(button.isEnabled())

    def _can_go_on(self) -> bool:
        if self.step == Step.FILE:
            return self.workbook is not None
        if self.step == Step.HEADER:
            return self.guess is not None and self._sheet_rows() > self.header_row()
        if self.step == Step.COLUMNS:
            return self.mapping_error is None and not self.closing_problem
        return False

    def go_next(self) -> None:
        if self.busy or not self._can_go_on():
            return
        if self.step == Step.FILE:
            self._show_header_page()
        elif self.step == Step.HEADER:
            self._show_columns_page()
        elif self.step == Step.COLUMNS:
            self.start_preview()

    def go_back(self) -> None:
        if self.busy or self.step in (Step.FILE, Step.RESULT):
            return
        self._show_step(Step(self.step - 1))

    def reject(self) -> None:
        """取消, Esc or the close button: before 导入 nothing was written; a running step is
        cancelled. A running import is cancelled but the wizard stays: it may have been
        committed already, and the last page must say whether anything was imported."""
        if self._busy and self.job is not None:
            self.job.cancel()
            if self._job_kind == "import":
                return
        super().reject()

    # ---- background work

    def _run(
        self,
        kind: str,
        work: Callable[[Progress, Callable[[], bool]], object],
        *,
        title: str,
        status: str,
        describe: Callable[[int, int], str] | None = None,
    ) -> BackgroundJob:
        """Run ``work`` off the GUI thread; ``status`` shows beside the buttons meanwhile
        (and in the progress dialog, which appears when the work takes a while)."""

        produced: list[object] = []

        def started(progress: Progress, cancelled: Callable[[], bool]) -> object:
            progress(0, 0, "")  # the progress dialog shows after its minimum duration
            result = work(progress, cancelled)
            produced.append(result)
            return result

        def text(n: int, total: int, what: str) -> str:
            if what in backup.STAGES:  # the 导入前 backup (docs/backup.md)
                return describe_stage(n, total, what)
            return describe(n, total) if describe is not None and total else status

        job = BackgroundJob(
            started,
            self,
            title=title,
            cancel_errors=(OperationCancelledError,),
            failure=FAILURE,
            describe=text,
        )
        job.done.connect(self._job_done)
        job.stopped.connect(self._job_stopped)
        self.job, self._job_kind, self._busy = job, kind, True
        self._produced = produced
        job.start()
        self.status.setText(status)
        self._update_buttons()
        return job

    def _job_done(self, result: object) -> None:
        self._busy = False
        kind = self._job_kind
        self.status.clear()
        if kind == "open":
            self._opened(result)
        elif kind == "sheet":
            self._sheet_loaded(result)
        elif kind == "preview":
            self._previewed(result)
        elif kind == "import":
            self._imported(result)
        self._update_buttons()
        emit(self.ready)

    def _job_stopped(self) -> None:
        if self._job_kind == "import" and self._produced:
            # 取消 came after the transaction was committed: the cases are imported.
            self._job_done(self._produced[0])
            return
        self._busy = False
        cancelled = self.job is not None and self.job.worker.is_cancelled
        if self._job_kind == "import":
            self.status.setText(
                "已取消导入，没有导入任何案件。"
                if cancelled
                else "导入没有完成，没有导入任何案件，数据库保持导入前的样子。"
            )
        elif self._job_kind == "preview":
            self.status.setText("已取消预览。" if cancelled else "")
        else:
            self.status.clear()
        self._update_buttons()
        emit(self.ready)

    # ---- 1. the file

    def choose_file(self) -> QWidget:
        return ask_open(self, "选择要导入的台账", self.open_file, name_filter=FILE_FILTER)

    def open_file(self, path: Path) -> BackgroundJob:
        """Read ``path`` (off the GUI thread); on success the header page follows."""
        self.file_page.path.setText(str(path))
        self.file_page.banner.hide()

        def work(_progress: Progress, _cancelled: Callable[[], bool]) -> object:
            try:
                workbook = open_workbook(path)
                return _read_sheet(workbook, _first_sheet(workbook))
            except SheetFileError as exc:
                return exc

        return self._run("open", work, title="读取台账", status="正在读取表格…")

    def _opened(self, result: object) -> None:
        if isinstance(result, SheetFileError):
            self.workbook = None
            self.file_page.banner.setText(result.message)
            self.file_page.banner.show()
            return
        assert isinstance(result, _Opened)
        self.workbook = result.workbook
        self.plan = None
        self._mapped_for = None
        self.header_page.sheet.clear()
        for name in result.workbook.sheet_names:
            hidden = name in result.workbook.hidden_sheets
            self.header_page.sheet.addItem(f"{name}（隐藏）" if hidden else name, name)
        self.header_page.sheet.setCurrentIndex(self.header_page.sheet.findData(result.sheet))
        self._use_sheet(result.sheet, result.guess)
        self._show_header_page()

    # ---- 2. the sheet and its header row

    def _sheet_rows(self) -> int:
        if self.workbook is None or not self.sheet or self.guess is None:
            return 0
        return len(self.workbook.rows(self.sheet))

    def _sheet_chosen(self, index: int) -> None:
        sheet = str(self.header_page.sheet.itemData(index))
        workbook = self.workbook
        if workbook is None or (sheet == self.sheet and self.guess is not None):
            return  # already shown
        self.load_sheet(sheet)

    def load_sheet(self, sheet: str) -> BackgroundJob | None:
        """Read another sheet of the file (off the GUI thread) and guess its header."""
        workbook = self.workbook
        if workbook is None:
            return None
        self.header_page.sheet.setCurrentIndex(self.header_page.sheet.findData(sheet))
        self.guess = None
        self.sheet = sheet

        def work(_progress: Progress, _cancelled: Callable[[], bool]) -> object:
            try:
                return _read_sheet(workbook, sheet)
            except SheetFileError as exc:
                return exc

        return self._run("sheet", work, title="读取工作表", status="正在读取工作表…")

    def _sheet_loaded(self, result: object) -> None:
        if isinstance(result, SheetFileError):
            self.guess = None
            self.header_page.model.show_sheet([])
            self.header_page.guess.clear()
            self.header_page.data.clear()
            self.header_page.banner.setText(result.message)
            self.header_page.banner.show()
            return
        assert isinstance(result, _Opened)
        self._use_sheet(result.sheet, result.guess)

    def _use_sheet(self, sheet: str, guess: HeaderGuess) -> None:
        assert self.workbook is not None
        self.sheet = sheet
        self.guess = guess
        self.header_page.banner.hide()
        rows = self.workbook.rows(sheet)
        page = self.header_page
        if not rows:
            page.guess.setText(f"工作表“{sheet}”是空的，请选择别的工作表。")
            tint(page.guess, ERROR)
        elif guess.score == 0:
            page.guess.setText(
                "没有找到认得出的列名（如“申请人”“登记日期”“纠纷类型”）。"
                "请在下表中找到表头所在的行，或选择别的工作表。"
            )
            tint(page.guess, ERROR)
        else:
            page.guess.setText("程序已找到表头所在的行（下表中蓝色的行）。如果不对，请改选。")
            tint(page.guess, None)
        shown = [[cell_text(v) for v in row] for row in rows[:SHEET_ROWS]]
        page.model.show_sheet(shown)
        table = page.table
        table.clearSpans()
        for (r0, c0), (r1, c1) in self.workbook.merges(sheet) or []:
            if r0 < len(shown) and (r1 > r0 or c1 > c0):
                table.setSpan(r0, c0, min(r1, len(shown) - 1) - r0 + 1, c1 - c0 + 1)
        table.resizeColumnsToContents()
        widest = em(table) * 10
        for c in range(page.model.columnCount()):
            if table.columnWidth(c) > widest:
                table.setColumnWidth(c, widest)
        page.header_row.blockSignals(True)
        page.header_row.setRange(1, max(1, min(len(rows), SHEET_ROWS)))
        page.header_row.setValue(guess.row if rows else 1)
        page.header_row.blockSignals(False)
        self._mark_header()

    def header_row(self) -> int:
        """The Excel number of the (last) header row chosen."""
        return self.header_page.header_row.value()

    def set_header_row(self, row: int) -> None:
        self.header_page.header_row.setValue(row)

    def _header_row_changed(self, _value: int) -> None:
        self._mark_header()
        self._update_buttons()

    def _table_clicked(self, index: QModelIndex) -> None:
        self.set_header_row(index.row() + 1)

    def _mark_header(self) -> None:
        """The header row(s) bold on blue, rows above grey; say where the data is."""
        if self.workbook is None or self.guess is None:
            return
        rows = self.workbook.rows(self.sheet)
        page = self.header_page
        header = self.header_row()
        if not rows:  # _use_sheet says the sheet is empty; nothing more to say
            page.data.clear()
            page.model.set_header(0, 0)
            return
        try:
            names = header_names(self.workbook, self.sheet, header)
        except ColumnMappingError:
            names = []
        own = [cell_text(v) for v in rows[header - 1]] if 0 < header <= len(rows) else []
        # the row above is read with it (a two-row or vertically merged header)
        two_rows = header > 1 and names[: len(own)] != own
        first = header - 1 if two_rows else header
        page.model.set_header(first, header)
        data_rows = len(rows) - header
        if data_rows > 0:
            where = f"第 {first}–{header} 行" if two_rows else f"第 {header} 行"
            page.data.setText(
                f"表头：{where}（蓝色）。"
                f"数据从第 {header + 1} 行开始，到第 {len(rows)} 行，共 {data_rows} 行"
                "（空行、合计行和表尾会自动跳过）。"
            )
            tint(page.data, None)
        elif header == self.guess.row and self.guess.score > 0:
            page.data.setText(
                f"工作表“{self.sheet}”只有表头（第 {header} 行），下面没有案件行，"
                "没有可以导入的内容。请选择别的工作表，或检查是否选错了文件（例如空白的表格模板）。"
            )
            tint(page.data, ERROR)
        else:
            page.data.setText(
                f"第 {header} 行是表格的最后一行，下面没有案件行。请改选表头所在的行；"
                "如果表格本来就没有案件行，请选择别的工作表或别的文件。"
            )
            tint(page.data, ERROR)

    def _show_header_page(self) -> None:
        self._show_step(Step.HEADER)

    # ---- 3. the columns

    def _show_columns_page(self) -> None:
        assert self.workbook is not None
        key = (self.sheet, self.header_row())
        if key != self._mapped_for:
            try:
                self.headers = header_names(self.workbook, self.sheet, self.header_row())
            except ColumnMappingError as exc:
                self.header_page.banner.setText(exc.message)
                self.header_page.banner.show()
                return
            self._fill_columns(guess_mapping(self.headers))
            self.columns_page.closing.clear()
            self._mapped_for = key
        self._show_step(Step.COLUMNS)
        self.check_columns()

    def _fill_columns(self, mapping: dict[int, str]) -> None:
        assert self.workbook is not None
        page = self.columns_page
        page.reset()
        rows = self.workbook.rows(self.sheet)[self.header_row() :]
        for col, text in enumerate(("列", "表头", "前几行的内容", "导入为")):
            caption = QLabel(text)
            embolden(caption)
            page.grid.addWidget(caption, 0, col)
        line = 1
        for col, header in enumerate(self.headers):
            samples = _samples(rows, col)
            if not header and not samples:
                continue  # an empty column
            letter = QLabel(f"{column_letter(col)} 列")
            page.grid.addWidget(letter, line, 0)
            name = QLabel(header or "（无表头）")
            name.setWordWrap(True)
            page.grid.addWidget(name, line, 1)
            sample = QLabel("、".join(samples))
            sample.setTextFormat(Qt.TextFormat.PlainText)
            sample.setWordWrap(True)
            tint(sample, MUTED)
            page.grid.addWidget(sample, line, 2)
            combo = QComboBox()
            combo.addItems(FIELD_LABELS)
            combo.setCurrentIndex(FIELD_KEYS.index(mapping.get(col, "")))
            combo.currentIndexChanged.connect(self.check_columns)
            combo.setToolTip(f"{column_letter(col)} 列“{header}”导入为…")
            page.combos[col] = combo
            page.labels[col] = (letter, name)
            page.grid.addWidget(combo, line, 3)
            line += 1
        page.grid.setColumnStretch(1, 2)
        page.grid.setColumnStretch(2, 3)
        page.grid.setColumnStretch(3, 2)
        page.grid.setRowStretch(line, 1)

    def mapping(self) -> dict[int, str]:
        """{column index: field} as chosen on the columns page."""
        return {
            col: FIELD_KEYS[combo.currentIndex()]
            for col, combo in self.columns_page.combos.items()
            if combo.currentIndex() > 0
        }

    def check_columns(self, *_args: object) -> ColumnMappingError | None:
        """Check the mapping; its message in red (and 下一步 blocked) when it cannot be used."""
        page = self.columns_page
        try:
            check_mapping(self.mapping(), self.headers)
        except ColumnMappingError as exc:
            self.mapping_error = exc
        else:
            self.mapping_error = None
        error = self.mapping_error
        for col, combo in page.combos.items():
            wrong = (
                error is not None and bool(error.columns) and combo.currentText() in error.fields
            )
            for label in page.labels[col]:
                tint(label, ERROR if wrong else None)
        self.closing_problem = self._check_closing(error is None)
        if error is not None:
            page.error.setText(error.message)
            page.error.show()
        elif self.closing_problem:
            page.error.setText(self.closing_problem)
            page.error.show()
        else:
            page.error.hide()
        self._update_buttons()
        return error

    def undated_closings(self) -> int:
        """Rows with a result but no 结案日期 under the current mapping (read once per
        result and closing-date column)."""
        if self.workbook is None:
            return 0
        mapping = self.mapping()
        key = (
            self.sheet,
            self.header_row(),
            tuple(sorted((c, f) for c, f in mapping.items() if f in _CLOSING_FIELDS)),
        )
        if self._undated is None or self._undated[0] != key:
            count = closings_without_date(self.workbook, self.sheet, self.header_row(), mapping)
            self._undated = (key, count)
        return self._undated[1]

    def closing_basis(self) -> str | None:
        """How closings without a date are recorded, as chosen (None: not asked or not yet)."""
        if not self.columns_page.closing.isVisibleTo(self.columns_page):
            return None
        return self.columns_page.closing.choice()

    def _check_closing(self, mapping_ok: bool) -> str:
        """Show the closing-date question when rows need it; what still blocks 下一步."""
        closing = self.columns_page.closing
        n = self.undated_closings() if mapping_ok else 0
        closing.setVisible(n > 0)
        if not n:
            return ""
        closing.question.setText(
            f"表格中有 {n} 行写了调解结果，但没有结案日期。这些案件的结案日期怎样记？"
        )
        has_mediated = "mediated_on" in self.mapping().values()
        mediated = closing.buttons["mediated"]
        mediated.setEnabled(has_mediated)
        mediated.setToolTip(
            ""
            if has_mediated
            else "表格中没有对应为“调解日期”的列。如有调解日期列，请先把它对应为“调解日期”。"
        )
        choice = closing.choice()
        if choice is None:
            return f"请选择这 {n} 行的结案日期怎样记（在上面三项中选一项）。"
        if choice == "mediated" and not has_mediated:
            return (
                "选择了结案日期“按‘调解日期’列记”，但没有哪一列对应“调解日期”。"
                "请把调解日期所在的列对应为“调解日期”，或改选另一项。"
            )
        return ""

    # ---- 4. the preview

    def start_preview(self) -> BackgroundJob | None:
        """Check every row against the database (off the GUI thread; nothing is written)."""
        if self.workbook is None or self.check_columns() is not None:
            return None
        if self.db.path is None:  # pragma: no cover - the program always works on a file
            raise ValueError("the import needs a database file")
        db_path, workbook, sheet = self.db.path, self.workbook, self.sheet
        header_row, mapping, today = self.header_row(), self.mapping(), self._today()
        basis = self.closing_basis()

        def work(progress: Progress, cancelled: Callable[[], bool]) -> object:
            with worker_database(db_path) as db:
                try:
                    return preview(
                        db,
                        workbook,
                        sheet,
                        header_row,
                        mapping,
                        closing_basis=basis,
                        today=today,
                        progress=lambda n, total: progress(n, total, ""),
                        cancelled=cancelled,
                    )
                except ColumnMappingError as exc:
                    return exc

        return self._run(
            "preview",
            work,
            title="检查台账",
            describe=lambda n, total: f"正在检查第 {n} 行，共 {total} 行",
            status="正在检查每一行…",
        )

    def _previewed(self, result: object) -> None:
        if isinstance(result, ColumnMappingError):
            self.mapping_error = result
            self.columns_page.error.setText(result.message)
            self.columns_page.error.show()
            return
        assert isinstance(result, ImportPlan)
        self.plan = result
        self._fill_preview(result)
        self._show_step(Step.PREVIEW)
        self._update_choice()

    def _fill_preview(self, plan: ImportPlan) -> None:
        page = self.preview_page
        page.summary.setText(f"“{plan.file_name}”工作表“{plan.sheet}”：{plan.summary}")
        every = (plan.closing_note, plan.year_note, plan.agreement_note, plan.one_sided_note)
        notes = [n for n in every if n]
        page.notes.setText("\n".join(notes))
        page.notes.setVisible(bool(notes))
        if plan.unknown_villages:
            names = _names_with_rows(plan.unknown_villages)
            page.villages.setText(
                f"这些村（社区）不在本所的名单中：{names}。可以点下面的按钮把它们加入名单"
                "（加入后重新检查），或在表格中改成名单里的村名再重新导入。"
            )
        page.villages.setVisible(bool(plan.unknown_villages))
        page.add_villages.setVisible(bool(plan.unknown_villages))
        if plan.unknown_mediators:
            names = _names_with_rows(plan.unknown_mediators)
            page.mediators.setText(
                f"这些调解员不在本所的调解员名单中：{names}。这些行导入后不关联调解员。"
                "可以点下面的按钮把他们加入名单（加入后重新检查），"
                "或在表格中改成名单里的姓名再重新导入。"
            )
        page.mediators.setVisible(bool(plan.unknown_mediators))
        page.add_mediators.setVisible(bool(plan.unknown_mediators))

        page.model.set_plan(plan)
        table = page.cases
        table.resizeColumnsToContents()
        widest = em(table) * 14
        for col in range(page.model.columnCount()):
            if table.columnWidth(col) > widest:
                table.setColumnWidth(col, widest)

        page.errors.clear()
        page.errors.addItems([e.message for e in plan.errors])
        page.duplicates.clear()
        page.duplicates.addItems([_duplicate_text(c) for c in plan.duplicates])
        page.warnings.clear()
        page.warnings.addItems([f"第{row}行：{text}" for row, text in plan.warnings])
        page.skipped.clear()
        skipped = [s.message for s in plan.skipped]
        if plan.blank_rows:
            skipped.append(f"空行 {plan.blank_rows} 行")
        page.skipped.addItems(skipped)

        n_dup = len(plan.duplicates)
        new = len(plan.cases) - n_dup  # as the summary's 可导入
        titles = (
            f"案件（{new}，另有疑似重复 {n_dup}）" if n_dup else f"案件（{new}）",
            f"有错误的行（{len(plan.errors)}）",
            f"疑似重复（{len(plan.duplicates)}）",
            f"提醒（{len(plan.warnings)}）",
            f"不导入的行（{len(plan.skipped) + plan.blank_rows}）",
        )
        for i, text in enumerate(titles):
            page.tabs.setTabText(i, text)
        bar = page.tabs.tabBar()
        ink = QColor(ERROR) if plan.errors else bar.palette().windowText().color()
        bar.setTabTextColor(page.TAB_ERRORS, ink)
        page.tabs.setCurrentIndex(page.TAB_ERRORS if plan.errors else page.TAB_CASES)
        page.skip_duplicates.setText(f"跳过重复的案件（{n_dup} 件）")
        page.skip_duplicates.setEnabled(bool(n_dup))

    def add_unknown_villages(self) -> QWidget | None:
        """把这些村（社区）加入名单: asks, adds them (“幸福村委会” as 幸福村), checks again."""
        if self.plan is None or self.busy or not self.plan.unknown_villages:
            return None
        adding = villages_to_add(self.plan)
        listed = "、".join(name for name, _kind in adding)

        def add(by: Actor) -> None:
            for name, kind in adding:
                VILLAGES.add(self.db, by=by, name=name, kind=kind)

        return self._confirm_adding(
            "加入村（社区）名单",
            f"把 {listed} 加入本所的村（社区）名单吗？\n"
            "加入后可在“村居档案”中修改或停用。加入后重新检查表格。",
            add,
        )

    def add_unknown_mediators(self) -> QWidget | None:
        """把这些调解员加入名单: asks, adds them to the import's committee, checks again."""
        if self.plan is None or self.busy or not self.plan.unknown_mediators:
            return None
        adding = list(self.plan.unknown_mediators)
        committee_id = self.plan.committee_id

        def add(by: Actor) -> None:
            for name in adding:
                office.add_mediator(self.db, by=by, name=name, committee_id=committee_id)

        return self._confirm_adding(
            "加入调解员名单",
            f"把 {'、'.join(adding)} 加入本所的调解员名单吗？\n"
            "加入后可在“村居档案”中补全电话等信息或停用。加入后重新检查表格。",
            add,
        )

    def _confirm_adding(
        self, title: str, question: str, add: Callable[[Actor], None]
    ) -> QWidget | None:
        """Ask ``question``; on 加入, ``add(by)`` adds the sheet's unknown names to the
        office's list and the sheet is checked again (the names added before a failure
        stay added, and are known then)."""

        def on_yes() -> None:
            try:
                add(current_actor(self.db))
            except ValidationError as exc:
                messages.warning(self, title, exc.message)
            except StorageError as exc:
                messages.show_storage_error(self, exc)
            self.start_preview()

        return messages.confirm(self, title, question, yes="加入", on_yes=on_yes)

    def choice(self) -> tuple[list[PlannedCase], list[int]]:
        assert self.plan is not None
        return import_choice(self.plan, skip_duplicates=self.skip_duplicates())

    def skip_duplicates(self) -> bool:
        return self.preview_page.skip_duplicates.isChecked()

    def skip_bad_rows(self) -> bool:
        return self.preview_page.skip_bad.isChecked()

    def _can_import(self) -> bool:
        if self.plan is None or self.step != Step.PREVIEW:
            return False
        chosen, bad = self.choice()
        return bool(chosen) and (not bad or self.skip_bad_rows())

    def _update_choice(self, *_args: object) -> None:
        if self.plan is None:
            return
        chosen, bad = self.choice()
        will = self.preview_page.will
        if bad and not self.skip_bad_rows():
            will.setText(
                f"有 {len(bad)} 行不能导入（{_rows_text(bad)}）。按“全部导入或全部不导入”，"
                "这次不能导入。请在表格中改正这些行后重新导入，或选择“跳过有错误的行”。"
            )
            tint(will, ERROR)
        elif not chosen:
            will.setText("没有可以导入的案件。")
            tint(will, ERROR)
        else:
            skipped = f"，跳过 {len(bad)} 行有错误的行" if bad else ""
            will.setText(f"将导入 {len(chosen)} 件：{states_text(chosen)}{skipped}。")
            tint(will, None)
        self.import_button.setText(f"导入 {len(chosen)} 件(&I)" if chosen else "导入(&I)")
        self._update_buttons()

    # ---- 5. the import

    def start_import(self) -> BackgroundJob | None:
        """Write the planned cases in one transaction (off the GUI thread)."""
        if self.busy or self.plan is None or not self._can_import():
            return None
        if self.db.path is None:  # pragma: no cover - the program always works on a file
            raise ValueError("the import needs a database file")
        try:
            by = current_actor(self.db)
        except StorageError as exc:
            messages.show_storage_error(self, exc)
            return None
        db_path, plan = self.db.path, self.plan
        skip_bad, skip_duplicates = self.skip_bad_rows(), self.skip_duplicates()
        total = len(self.choice()[0])

        def work(progress: Progress, cancelled: Callable[[], bool]) -> object:
            with worker_database(db_path) as db:
                # A checked backup first: an import changes much at once (docs/backup.md).
                backup.before_change(
                    db.conn, db_path, backup.Kind.IMPORT, progress=progress, cancelled=cancelled
                )
                return apply_import(
                    db,
                    plan,
                    by=by,
                    skip_bad_rows=skip_bad,
                    skip_duplicates=skip_duplicates,
                    progress=lambda n, _total: progress(n, total, ""),
                    cancelled=cancelled,
                )

        return self._run(
            "import",
            work,
            title="导入台账",
            describe=lambda n, total: f"已导入 {n} / {total} 件",
            status="正在导入…",
        )

    def _imported(self, result: object) -> None:
        assert isinstance(result, ImportResult) and self.plan is not None
        self.outcome = result
        page = self.result_page
        page.summary.setText(result.summary)
        errors = {e.row: e.message for e in self.plan.errors}
        by_row = {c.row: c for c in self.plan.cases}
        lines = [
            errors.get(r, f"第{r}行：案件编号已存在，未导入。") for r in result.skipped_bad_rows
        ]
        for row in result.skipped_duplicates:
            dup = by_row[row].duplicate
            lines.append(f"第{row}行：{dup.reason if dup is not None else '疑似重复'}，已跳过。")
        for row, number in result.numbered.items():
            lines.append(f"第{row}行：原表没有案件编号，已编为{number}。")
        page.details.clear()
        page.details.addItems(lines)
        has = page.details.count() > 0
        page.caption.setText("没有导入的行和自动编号：" if has else "表格中的案件全部导入了。")
        page.details.setVisible(has)
        self._show_step(Step.RESULT)
        emit(self.imported, result)


def _duplicate_text(case: PlannedCase) -> str:
    assert case.duplicate is not None
    text = f"第{case.row}行：{case.party_names}，{case.duplicate.reason}"
    if case.duplicate.blocking:
        text += "（编号已存在，任何情况下都不会重复导入）"
    return text + "。"


def _samples(rows: list[list[Cell]], col: int) -> list[str]:
    """The first few non-empty values of a column (cut short), for the mapping page."""
    found: list[str] = []
    for row in rows[:200]:
        if col < len(row):
            text = cell_text(row[col])
            if text:
                found.append(text if len(text) <= 16 else text[:15] + "…")
                if len(found) == SAMPLE_VALUES:
                    break
    return found


def open_import(
    db: Database, parent: QWidget | None = None, *, today: Callable[[], date] | None = None
) -> ImportWizard:
    """从 Excel 台账导入…: the wizard, opened (non-blocking) on its first step."""
    wizard = ImportWizard(db, parent, today=today)
    wizard.open()
    return wizard

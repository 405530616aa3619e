"""月度报告: the monthly 矛盾纠纷排查化解情况 report, its four texts, printed and exported.

The head chooses the month (年份, 月份: by default the last complete month; months still
to come cannot be chosen) and writes 总体情况, 主要原因和特点, 工作措施 and 下步打算,
each with a counter against MAX_CHARS. Above the texts, the month's main figures, as
the report prints them, to write from. The texts are stored per committee and month
(app.models.monthly_report; the township's report under the main committee): 保存
(Ctrl+S) stores them, and choosing another month or closing with unsaved edits asks
first ("继续修改" keeps them).

预览/打印 opens the report in the program's print preview (print, save as PDF there
too); 保存为PDF… and 导出Excel… ask for the file and write it (a folder that cannot be
written to is told in plain Chinese, nothing half-written is left). Each first saves
unsaved edits, so what is printed is what is kept. The report is built off the GUI thread
(app.ui.jobs.BackgroundJob: a month's figures and the year's chart read a few hundred
milliseconds on a 100,000-case file).

Open with :func:`open_monthly_report`; ``saved(year, month)`` tells after the texts were
stored, ``exported(path)`` after a PDF or xlsx file was written.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Literal

from app.models.db import Database, StorageError, connect
from app.models.monthly_report import (
    FIELD_LABELS,
    FIRST_YEAR,
    MAX_CHARS,
    MonthlyTexts,
    clean_text,
    get_texts,
    last_complete_month,
    report_committee_id,
    report_data,
    report_place,
    report_title,
    save_texts,
    text_length,
)
from app.models.stats import Indicators, Period, indicators
from app.printing.monthly_report import monthly_report_pdf, monthly_report_xlsx, rate_text, wan
from app.qt.core import QSize, Qt, Signal
from app.qt.gui import QKeySequence, QShortcut, QShowEvent, QStandardItemModel
from app.qt.widgets import (
    QComboBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from app.ui import file_dialogs, messages, session
from app.ui.cases.service_dialog import call_service, keep_typed, tell_clashes
from app.ui.cases.widgets import (
    Caption,
    FieldBox,
    FieldErrors,
    TextBox,
    current_actor,
    em,
    error_banner,
    fit_to_screen,
    hint_label,
    set_tab_chain,
)
from app.ui.jobs import BackgroundJob, Progress, Work
from app.ui.look import ERROR, MUTED, SUCCESS, Heading, tint
from app.ui.printing.files import safe_file_name
from app.ui.printing.preview import PreviewWindow, show_preview
from app.ui.signals import emit
from app.ui.template_editing import ask_to_discard

log = logging.getLogger(__name__)

TITLE = "月度报告"
FAILURE = "生成月度报告时出了错，报告没有生成。详细情况已记入日志，请联系技术人员。"
PLACEHOLDERS: dict[str, str] = {
    "situation": "本月全镇矛盾纠纷排查化解的总体情况，如：本月共排查发现纠纷……件，受理……件……",
    "causes": "纠纷的主要原因和特点，如：一是邻里纠纷多发……",
    "measures": "本月采取的工作措施，如：组织网格员开展拉网式排查……",
    "plans": "下个月的工作打算，如：继续开展“七个一”宣传……",
}
# Keys of the four editors (Alt+1 … Alt+4): in large type a label's own letter is hard to see.
SHORTCUT_KEYS = ("1", "2", "3", "4")

Kind = Literal["pdf", "xlsx"]
Built = tuple[str, bytes]  # (title, file content)


def summary_text(values: Indicators, *, running: bool) -> str:
    """The month's main figures in one sentence, as the report prints them."""
    text = (
        f"全镇（含各村调委会）本月登记{values.registered}件，受理{values.accepted}件，"
        f"结案{values.closed}件，调解成功{values.succeeded}件，调解成功率{rate_text(values.success_rate)}，"
        f"协议涉及金额{wan(values.amount_fen):,}万元，排查发现{values.screening}件，"
        f"超期{values.overdue}件。"
    )
    if running:
        text += "（本月还没有结束，数字统计到今天。）"
    return text


def make_report(
    db: Database, year: int, month: int, today: date, kind: Kind, made_by: str | None = None
) -> Built:
    """The report of ``year``/``month`` as ``kind`` ("pdf" or "xlsx"), with its title;
    ``made_by`` is the 填报人 (the logged-in user)."""
    data = report_data(db, year, month, today=today, made_by=made_by)
    built = monthly_report_pdf(data) if kind == "pdf" else monthly_report_xlsx(data)
    return data.title, built


def _work(
    db_path: Path, year: int, month: int, today: date, kind: Kind, made_by: str | None = None
) -> Work:
    """The job's work, with a database connection of the worker's own."""

    def work(_progress: Progress, _cancelled: Callable[[], bool]) -> Built:
        db = connect(db_path, migrate=False)
        try:
            return make_report(db, year, month, today, kind, made_by)
        finally:
            db.close()

    return work


class MonthlyReportDialog(QDialog):
    """Write, save, preview, print and export the monthly report (see the module docstring)."""

    saved = Signal(int, int)  # year, month
    exported = Signal(str)  # the file written

    def __init__(
        self,
        db: Database,
        parent: QWidget | None = None,
        year: int | None = None,
        month: int | None = None,
        *,
        today: date | None = None,
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.today = today or date.today()
        self.setWindowTitle(TITLE)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.committee_id = report_committee_id(db)
        self.place = report_place(db)
        self._shown = (0, 0)  # the month whose texts the editors hold
        self._baseline = MonthlyTexts()
        self._syncing = False  # the dialog itself is setting the month controls
        self._sized = False
        self.job: BackgroundJob | None = None
        self._then: Callable[[str, bytes], object] | None = None
        self.preview: PreviewWindow | None = None

        self.heading = Heading(scale=1.2)
        self.heading.setWordWrap(True)
        period_row = self._build_period_row()
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        tint(self.summary, MUTED)
        grid = self._build_editors()
        self._build_messages()
        buttons = self._build_buttons()
        self._lay_out(period_row, grid, buttons)
        self._connect()

        if year is None or month is None:
            year, month = last_complete_month(self.today)
        self._shown = self._allowed(year, month)
        self._set_controls(*self._shown)
        self.show_month(*self._shown)

    def _build_period_row(self) -> QHBoxLayout:
        """统计月份: the year and the month."""
        self.year_box = QSpinBox()
        self.year_box.setRange(FIRST_YEAR, self.today.year)
        self.year_box.setSuffix(" 年")
        self.year_box.setKeyboardTracking(False)  # "2025" typed is one change, not four
        self.year_box.setAccessibleName("年份")
        self.month_box = QComboBox()
        self.month_box.setAccessibleName("月份")
        for m in range(1, 13):
            self.month_box.addItem(f"{m}月", m)
        year_label = QLabel("统计月份(&Y)")
        year_label.setBuddy(self.year_box)
        period_row = QHBoxLayout()
        period_row.addWidget(year_label)
        period_row.addWidget(self.year_box)
        period_row.addWidget(self.month_box)
        period_row.addStretch(1)
        return period_row

    def _build_editors(self) -> QGridLayout:
        """The four texts, two by two, each with its name and its character counter."""
        self.editors: dict[str, TextBox] = {}
        self.counters: dict[str, QLabel] = {}
        self.boxes: dict[str, FieldBox] = {}
        grid = QGridLayout()
        for i, (name, label) in enumerate(FIELD_LABELS.items()):
            editor = TextBox(3)  # at least; they share the room the window has
            editor.setPlaceholderText(PLACEHOLDERS[name])
            box = FieldBox(editor)
            box.caption = Caption(f"{label}(&{SHORTCUT_KEYS[i]})", editor)
            box.caption.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            counter = QLabel()
            counter.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            above = QHBoxLayout()  # the name on the left, the counter on the right
            above.addWidget(box.caption)
            above.addStretch(1)
            above.addWidget(counter)
            row, col = divmod(i, 2)
            grid.addLayout(above, row * 2, col)
            grid.addWidget(box, row * 2 + 1, col)
            grid.setRowStretch(row * 2 + 1, 1)
            self.editors[name] = editor
            self.counters[name] = counter
            self.boxes[name] = box
            editor.textChanged.connect(self._edited)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        grid.setHorizontalSpacing(em(self))  # the counter of the left text is not the right's
        return grid

    def _build_messages(self) -> None:
        """The error banner (each text's problem under it too) and the line after saving."""
        self.banner = error_banner()
        self.errors = FieldErrors(self, self.banner)
        for name, label in FIELD_LABELS.items():
            self.errors.add(label, self.boxes[name])
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        tint(self.status, SUCCESS)
        self.status.hide()

    def _build_buttons(self) -> QHBoxLayout:
        """保存, 预览/打印, 保存为PDF, 导出Excel … 关闭."""
        self.save_button = QPushButton("保存(&S)")
        self.save_button.setToolTip("Ctrl+S")
        # Saving the texts is the 主任's (the service refuses anyone else): for another
        # role the texts are read-only and 保存 is greyed, its tool tip says why; they still
        # preview, print and export the report.
        self.save_refusal = session.why_not(self.db, "monthly_report")
        if self.save_refusal:
            self.save_button.setToolTip(self.save_refusal)
            for editor in self.editors.values():
                editor.setReadOnly(True)
                editor.setToolTip(self.save_refusal)
        self.preview_button = QPushButton("预览/打印(&P)")
        self.pdf_button = QPushButton("保存为PDF(&D)…")
        self.xlsx_button = QPushButton("导出Excel(&E)…")
        self.close_button = QPushButton("关闭")
        buttons = QHBoxLayout()
        for b in (self.save_button, self.preview_button, self.pdf_button, self.xlsx_button):
            b.setAutoDefault(False)
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.close_button.setAutoDefault(False)
        buttons.addWidget(self.close_button)
        return buttons

    def _lay_out(self, period_row: QHBoxLayout, grid: QGridLayout, buttons: QHBoxLayout) -> None:
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(period_row)
        layout.addWidget(self.summary)
        layout.addLayout(grid, 1)
        layout.addWidget(self.banner)
        layout.addWidget(self.status)
        layout.addWidget(
            hint_label("打印、导出前会先保存文字。Ctrl+S 保存　Alt+1～4 转到各段　Esc 关闭")
        )
        layout.addLayout(buttons)

    def _connect(self) -> None:
        self.save_button.clicked.connect(self.save)
        self.preview_button.clicked.connect(self.preview_report)
        self.pdf_button.clicked.connect(self.save_pdf)
        self.xlsx_button.clicked.connect(self.export_xlsx)
        self.close_button.clicked.connect(self.reject)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self, self.save)
        self.year_box.valueChanged.connect(self._period_chosen)
        self.month_box.currentIndexChanged.connect(self._period_chosen)
        set_tab_chain(
            [
                self.year_box,
                self.month_box,
                *self.editors.values(),
                self.save_button,
                self.preview_button,
                self.pdf_button,
                self.xlsx_button,
                self.close_button,
            ]
        )

    # ---- the month

    def _allowed(self, year: int, month: int) -> tuple[int, int]:
        """``year``/``month`` moved into what can be chosen (not before FIRST_YEAR, not
        after this month)."""
        latest = (self.today.year, self.today.month)
        if (year, month) > latest:
            return latest
        if year < FIRST_YEAR:
            return FIRST_YEAR, 1
        return year, month

    def month(self) -> tuple[int, int]:
        """The month the editors show."""
        return self._shown

    def chosen(self) -> tuple[int, int]:
        """The month the controls show (the same, except while a question is asked)."""
        return self.year_box.value(), int(self.month_box.currentData())

    def _set_controls(self, year: int, month: int) -> None:
        self._syncing = True
        try:
            self.year_box.setValue(year)
            self._limit_months(year)
            self.month_box.setCurrentIndex(month - 1)
        finally:
            self._syncing = False

    def _limit_months(self, year: int) -> None:
        """Months still to come cannot be chosen."""
        model = self.month_box.model()
        assert isinstance(model, QStandardItemModel)
        for m in range(1, 13):
            item = model.item(m - 1)
            if item is not None:
                future = (year, m) > (self.today.year, self.today.month)
                item.setEnabled(not future)

    def _period_chosen(self, *_args: object) -> None:
        if self._syncing:
            return
        year = self.year_box.value()
        self._limit_months(year)
        month = int(self.month_box.currentData())
        wanted = self._allowed(year, month)
        if wanted == self._shown:
            self._set_controls(*wanted)
            return
        if not self.is_dirty():
            self.show_month(*wanted)
            return
        self._set_controls(*self._shown)  # the controls stay on the edited month meanwhile
        ask_to_discard(self, self._texts_name(), lambda: self.show_month(*wanted))

    def _texts_name(self) -> str:
        year, month = self._shown
        return f"{year}年{month}月的情况说明"

    def show_month(self, year: int, month: int) -> None:
        """Show ``year``/``month``: its figures and its stored texts (edits are dropped:
        callers ask first)."""
        try:
            texts = get_texts(self.db, self.committee_id, year, month)
            period = Period.month(year, month)
            values = indicators(self.db, period, today=self.today)
        except StorageError as exc:
            messages.show_storage_error(self, exc)
            self._set_controls(*self._shown)
            return
        self._shown = (year, month)
        self._set_controls(year, month)
        self.heading.setText(report_title(self.place, year, month))
        running = period.start <= self.today <= period.end
        self.summary.setText(summary_text(values, running=running))
        self._set_texts(texts)
        self.errors.clear()
        self._set_status("")

    # ---- the texts

    def texts(self) -> MonthlyTexts:
        """The texts as the editors hold them now."""
        return MonthlyTexts(**{name: e.toPlainText() for name, e in self.editors.items()})

    def _set_texts(self, texts: MonthlyTexts) -> None:
        for name, text in texts.items():
            self.editors[name].setPlainText(text)
        self._baseline = texts
        self._update()

    def is_dirty(self) -> bool:
        """Whether the editors hold anything not stored (spaces at line ends do not count)."""
        now = self.texts()
        return any(
            clean_text(text) != clean_text(getattr(self._baseline, name))
            for name, text in now.items()
        )

    def _edited(self) -> None:
        self._set_status("")
        self._update()

    def _update(self) -> None:
        for name, editor in self.editors.items():
            used = text_length(editor.toPlainText())
            over = used - MAX_CHARS
            counter = self.counters[name]
            if over > 0:
                counter.setText(f"已写 {used} 字，超出 {over} 字")
                tint(counter, ERROR)
            else:
                counter.setText(f"已写 {used} / {MAX_CHARS} 字")
                tint(counter, MUTED)
                self.boxes[name].clear_error()  # shortened enough: the red line goes
        self.save_button.setEnabled(self.is_dirty() and not self.save_refusal)

    def _set_status(self, message: str) -> None:
        self.status.setText(message)
        self.status.setVisible(bool(message))

    def save(self) -> bool:
        """Store the texts of the month shown. True when they are stored (or nothing
        was changed); a text too long is told under it and nothing is stored."""
        if not self.is_dirty():
            return True
        year, month = self._shown
        texts, loaded = self.texts(), self._baseline
        stored: list[MonthlyTexts] = []

        def call() -> None:
            by = current_actor(self.db)
            stored.append(
                save_texts(self.db, self.committee_id, year, month, texts, by=by, loaded=loaded)
            )

        if not call_service(self, self.errors, call, title=TITLE, reload=self.reload_texts):
            return False
        self._baseline = stored[0]
        self._update()
        self._set_status(f"已保存{year}年{month}月的情况说明。")
        emit(self.saved, year, month)
        return True

    def reload_texts(self) -> None:
        """重新载入: the month's texts as stored now; what the user changed stays where the
        other change did not touch it."""
        year, month = self._shown
        typed, before = self.texts(), self._baseline
        try:
            now = get_texts(self.db, self.committee_id, year, month)
        except StorageError as exc:
            messages.show_storage_error(self, exc)
            return
        merged, both = keep_typed(asdict(before), asdict(typed), asdict(now))
        self._set_texts(now)
        for name, text in merged.items():
            if text != getattr(now, name):
                self.editors[name].setPlainText(text)
        self._update()
        if both:
            tell_clashes(self, [FIELD_LABELS[name] for name in both])
        else:
            self._set_status("已载入最新内容，您改过的地方保留着，请核对后再保存。")

    # ---- the report

    def is_busy(self) -> bool:
        return self.job is not None and not self.job.is_answered

    def _set_busy(self, busy: bool) -> None:
        for b in (self.preview_button, self.pdf_button, self.xlsx_button):
            b.setEnabled(not busy)

    def build(self, kind: Kind, then: Callable[[str, bytes], object]) -> BackgroundJob | None:
        """Save unsaved edits, then make the report of the month shown as ``kind`` ("pdf"
        or "xlsx") off the GUI thread and give ``then(title, content)``. None when nothing
        is made (the texts could not be saved, or a report is being made already)."""
        if self.is_busy() or not self.save():
            return None
        year, month = self._shown
        made_by = current_actor(self.db).name  # the 填报人: read here, not in the worker
        if self.db.path is None:  # a database in memory (never the program's): here
            try:
                title, content = make_report(self.db, year, month, self.today, kind, made_by)
            except StorageError as exc:
                messages.show_storage_error(self, exc)
                return None
            then(title, content)
            return None
        job = BackgroundJob(
            _work(self.db.path, year, month, self.today, kind, made_by),
            self,
            title="生成月度报告",
            cancel_errors=(),
            failure=FAILURE,
            failure_title="月度报告没有生成",
            first_label="正在生成月度报告…",
        )
        # bound methods: the connections go when the dialog does (closed meanwhile)
        job.done.connect(self._built)
        job.stopped.connect(self._stopped)
        self.job, self._then = job, then
        self._set_busy(True)
        job.start()
        return job

    def _built(self, result: object) -> None:
        then, self._then = self._then, None
        self._set_busy(False)
        assert isinstance(result, tuple) and then is not None
        title, content = result
        then(str(title), bytes(content))

    def _stopped(self) -> None:
        self._then = None
        self._set_busy(False)

    def preview_report(self) -> BackgroundJob | None:
        """预览/打印: the report in the print preview (print or save as PDF there)."""

        def show(title: str, pdf: bytes) -> None:
            self.preview = show_preview(pdf, title=title, parent=self)

        return self.build("pdf", show)

    def _file_name(self, suffix: str) -> str:
        year, month = self._shown
        return safe_file_name(report_title(self.place, year, month)) + f".{suffix}"

    def save_pdf(self) -> None:
        """保存为PDF…: choose the file, then make the report and write it."""
        file_dialogs.ask_save(
            self,
            "月度报告保存为PDF",
            self._file_name("pdf"),
            lambda path: self.build("pdf", lambda _t, pdf: self._write(path, pdf, "PDF")),
            name_filter="PDF 文件 (*.pdf)",
            suffix="pdf",
        )

    def export_xlsx(self) -> None:
        """导出Excel…: choose the file, then make the workbook and write it."""
        file_dialogs.ask_save(
            self,
            "月度报告导出为Excel",
            self._file_name("xlsx"),
            lambda path: self.build("xlsx", lambda _t, data: self._write(path, data, "Excel")),
        )

    def _write(self, path: Path, content: bytes, what: str) -> None:
        if file_dialogs.save_bytes(self, path, content, what=f"月度报告（{what}）"):
            emit(self.exported, str(path))

    # ---- opening and closing

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._sized:
            self._sized = True
            unit = em(self)
            fit_to_screen(self, self.sizeHint().expandedTo(QSize(unit * 52, unit * 34)))
            self.editors["situation"].setFocus(Qt.FocusReason.OtherFocusReason)

    def reject(self) -> None:
        """Esc, 关闭 and the close button: asks first when an edit is unsaved."""
        self.ask_to_close()

    def ask_to_close(
        self, then: Callable[[], object] | None = None, on_keep: Callable[[], None] | None = None
    ) -> bool:
        """Close now (True) when nothing is unsaved; else ask (False): "放弃修改" closes
        and runs ``then``, "继续修改" runs ``on_keep``."""

        def close() -> None:
            self._close()
            if then is not None:
                then()

        if not self.is_dirty():
            close()
            return True
        self._set_controls(*self._shown)
        ask_to_discard(self, self._texts_name(), close, on_keep=on_keep)
        return False

    def _close(self) -> None:
        if self.job is not None and self.job.is_running:
            self.job.cancel()  # nothing is opened or written when it ends
        super().reject()


def open_monthly_report(
    db: Database,
    parent: QWidget | None,
    year: int | None,
    month: int | None,
    *,
    today: date | None = None,
) -> MonthlyReportDialog:
    """Create the 月度报告 dialog for ``year``/``month`` (None: the last complete month)
    and open it (window-modal on ``parent``)."""
    dialog = MonthlyReportDialog(db, parent, year, month, today=today)
    dialog.open()
    return dialog

"""统计分析: the statistics window.

Above: the period (月 / 季 / 年 / 自定义), the filters (纠纷类型, 案件来源, 村（社区）,
调解员, 调委会), 刷新 (F5) and 月度报告…. Below, a tab each (Ctrl+1…7): every indicator with the
same period last year and the change; the five breakdowns, 合计 last; the charts of the
period's year (cases accepted per month by category, the success-rate trend).

One ``report()`` call per refresh fills every table (docs/statistics.md). A month is read
on the GUI thread (tens of milliseconds on 100,000 cases); a quarter, a year or a range,
the drill-down lists of those, and the twelve months of the charts run in a
``BackgroundJob`` on their own connection, so the window never freezes. No progress dialog
blocks the window meanwhile: the line under the heading says 正在统计…, the tables keep the
figures shown before, and the user may go on choosing; a result that comes back after the
user has asked for something else is dropped (and its job cancelled). Closing the window
cancels every job it started.

Drill-down: Enter or a double click on any count opens the cases behind it
(drill_down.DrillDownDialog; as many as the number). The amount lists the agreements with
an amount, which add up to it. The success rate and the 增减 column have no list of their
own: a message says which numbers to open instead. A case opened from a list is announced
by ``open_case(case_id)``; the main window opens it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from itertools import count
from typing import TYPE_CHECKING

from app import qt
from app.models import office
from app.models.db import Database, StorageError, connect
from app.models.errors import ValidationError
from app.models.reference import categories, sources
from app.models.registries import COMMITTEES, MEDIATORS
from app.models.stats import (
    BY_LABELS,
    LABELS,
    By,
    Filters,
    MonthlySeries,
    Period,
    Report,
    drill_down,
    monthly_series,
    report,
)
from app.qt.core import QEvent, QModelIndex, QSize, Qt, QTimer, Signal
from app.qt.gui import QCloseEvent, QKeySequence, QShortcut, QShowEvent
from app.qt.widgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from app.ui import messages
from app.ui.cases.flow_layout import FlowLayout
from app.ui.cases.widgets import date_edit, em, fit_to_screen, hint_label, py_date, qdate
from app.ui.item_views import on_open
from app.ui.jobs import BackgroundJob, Progress
from app.ui.look import ERROR, Heading, tint
from app.ui.register_view import fill_filter
from app.ui.signals import emit
from app.ui.stats.charts import MonthlyBarChart, RateLineChart
from app.ui.stats.drill_down import DrillDownDialog
from app.ui.stats.models import (
    AMOUNT,
    COL_NAME,
    BreakdownTableModel,
    IndicatorTableModel,
    StatsTableModel,
    Target,
    fmt_amount,
)

if TYPE_CHECKING:  # the dialog module loads reportlab: imported when first opened
    from app.ui.stats.monthly_report_dialog import MonthlyReportDialog

TITLE = "统计分析"
REFRESH_DELAY_MS = 400  # a change of period or filter waits this long before it is read
KINDS: dict[str, str] = {"month": "月", "quarter": "季", "year": "年", "range": "自定义"}
QUARTERS = ("第一季度", "第二季度", "第三季度", "第四季度")
# The breakdown tabs, in the order the office reads them.
TABS: tuple[By, ...] = ("category", "source", "village", "mediator", "committee")
MEDIATOR_NOTE = (
    "一件案件有两名调解员时，两人各计一件，所以“合计”可能小于各行之和；"
    "调解员按案件现在的承办人统计。"
)
FAILURE = "统计时出了错，没有得出结果。详细情况已记入日志，请联系技术人员。"
NOT_READ = "没有得出统计结果。请按 F5 再试一次。"


class _Cancelled(Exception):
    """A statistics job stopped before it began (the window was closed)."""


def _labelled(text: str, *widgets: QWidget) -> QWidget:
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    label = QLabel(text)
    label.setBuddy(widgets[0])
    row.addWidget(label)
    for widget in widgets:
        row.addWidget(widget)
    box.setFocusProxy(widgets[0])
    return box


def _table(model: StatsTableModel, *, names_in_header: bool = False) -> QTableView:
    """A read-only table of figures. ``names_in_header``: the rows' names in the vertical
    header (kept in view when the figures scroll sideways) instead of column 0."""
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move between cells
    table.verticalHeader().setVisible(names_in_header)
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    if names_in_header:
        table.setColumnHidden(COL_NAME, True)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(False)
    return table


# --------------------------------------------------------------------------- the period


class PeriodChooser(QWidget):
    """月 / 季 / 年 / 自定义 and the fields of the chosen kind. ``changed`` on every edit."""

    changed = Signal()

    def __init__(self, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = QComboBox()
        for key, text in KINDS.items():
            self.kind.addItem(text, key)
        self.year = QSpinBox()
        self.year.setRange(1990, today.year + 1)
        self.year.setSuffix(" 年")
        self.month = QComboBox()
        self.month.addItems([f"{m}月" for m in range(1, 13)])
        self.month.setMaxVisibleItems(12)
        self.quarter = QComboBox()
        self.quarter.addItems(list(QUARTERS))
        self.date_from = date_edit(today)
        self.date_to = date_edit(today)
        self.to_label = QLabel("至")

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        label = QLabel("统计期间(&Q)")
        label.setBuddy(self.kind)
        for widget in (
            label,
            self.kind,
            self.year,
            self.month,
            self.quarter,
            self.date_from,
            self.to_label,
            self.date_to,
        ):
            layout.addWidget(widget)
        self.setFocusProxy(self.kind)
        self._kind_shown = "month"
        self.set_period(Period.previous_month(today))

        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.year.valueChanged.connect(self._edited)
        self.month.currentIndexChanged.connect(self._edited)
        self.quarter.currentIndexChanged.connect(self._edited)
        self.date_from.dateChanged.connect(self._edited)
        self.date_to.dateChanged.connect(self._edited)

    def current_kind(self) -> str:
        return str(self.kind.currentData())

    def period(self) -> Period:
        """The chosen period; ValidationError when a range ends before it starts."""
        kind = self.current_kind()
        if kind == "range":
            return Period.between(py_date(self.date_from.date()), py_date(self.date_to.date()))
        return self._period_of(kind)

    def _period_of(self, kind: str) -> Period:
        year = self.year.value()
        if kind == "month":
            return Period.month(year, self.month.currentIndex() + 1)
        if kind == "quarter":
            return Period.quarter(year, self.quarter.currentIndex() + 1)
        return Period.year(year)

    def set_period(self, period: Period) -> None:
        """Show ``period`` (its kind and fields); ``changed`` once."""
        widgets = (self.kind, self.year, self.month, self.quarter, self.date_from, self.date_to)
        for widget in widgets:
            widget.blockSignals(True)
        self.kind.setCurrentIndex(self.kind.findData(period.kind))
        self.year.setValue(period.start.year)
        self.month.setCurrentIndex(period.start.month - 1)
        self.quarter.setCurrentIndex((period.start.month - 1) // 3)
        self.date_from.setDate(qdate(period.start))
        self.date_to.setDate(qdate(period.end))
        for widget in widgets:
            widget.blockSignals(False)
        self._kind_shown = period.kind
        self._show_fields()
        emit(self.changed)

    def _show_fields(self) -> None:
        kind = self.current_kind()
        self.year.setVisible(kind != "range")
        self.month.setVisible(kind == "month")
        self.quarter.setVisible(kind == "quarter")
        for widget in (self.date_from, self.to_label, self.date_to):
            widget.setVisible(kind == "range")

    def _kind_changed(self) -> None:
        # A range starts as the period shown before (e.g. the month), to be widened.
        if self.current_kind() == "range" and self._kind_shown != "range":
            previous = self._period_of(self._kind_shown)
            for edit, value in ((self.date_from, previous.start), (self.date_to, previous.end)):
                edit.blockSignals(True)
                edit.setDate(qdate(value))
                edit.blockSignals(False)
        elif self._kind_shown == "range":  # and back: the year the range starts in
            self.year.blockSignals(True)
            self.year.setValue(py_date(self.date_from.date()).year)
            self.year.blockSignals(False)
        self._kind_shown = self.current_kind()
        self._show_fields()
        emit(self.changed)

    def _edited(self) -> None:
        emit(self.changed)


# --------------------------------------------------------------------------- the window


@dataclass(frozen=True)
class Shown:
    """What the tables show: the report and what it was asked for."""

    report: Report
    filters: Filters
    today: date

    @property
    def period(self) -> Period:
        return self.report.period


class StatsWindow(QWidget):
    """The statistics. ``open_case(case_id)`` when a case is opened from a drill-down list;
    ``refreshed`` when new figures are shown, ``charts_refreshed`` when the charts are."""

    open_case = Signal(str)
    close_cancelled = Signal()  # asked to close, the user kept an unsaved 月度报告
    refreshed = Signal()
    charts_refreshed = Signal()

    def __init__(
        self,
        db: Database,
        parent: QWidget | None = None,
        *,
        today: Callable[[], date] = date.today,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle(TITLE)
        self.db = db
        self._today = today
        self.shown: Shown | None = None
        self.series: MonthlySeries | None = None
        self.job: BackgroundJob | None = None  # the report being read off the GUI thread
        self.series_job: BackgroundJob | None = None  # the charts being read
        self.drill_job: BackgroundJob | None = None  # the last list being read
        self._jobs: list[BackgroundJob] = []  # started, their thread may still run
        self._stale = False  # closed while reading: read again when shown again
        self.drill_dialog: DrillDownDialog | None = None  # the last list opened
        self.report_dialog: MonthlyReportDialog | None = None  # asks before closing
        self._tokens = count(1)
        self._report_token = 0
        self._series_token = 0
        self._series_key: tuple[int, Filters, date] | None = None
        self._drills: dict[int, tuple[Target, Period, Filters]] = {}

        bar = self._build_filter_bar(today())
        self._build_heading()
        self._build_tables()
        self._build_charts()
        self._lay_out(bar)
        self._connect()
        fit_to_screen(self, QSize(em(self) * 64, em(self) * 44))
        self.refresh()

    def _build_filter_bar(self, today: date) -> QWidget:
        """The period, 刷新 and 月度报告, then the filters: one bar that wraps, on as few
        lines as the width (and the 字号) allows."""
        self.chooser = PeriodChooser(today)
        self.category = QComboBox()
        self.source = QComboBox()
        self.village = QComboBox()
        self.mediator = QComboBox()
        self.committee = QComboBox()
        for combo in self.filter_combos():
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            combo.setMaxVisibleItems(20)
        self.refresh_button = QPushButton("刷新(F5)")
        self.report_button = QPushButton("月度报告(&B)…")
        for button in (self.refresh_button, self.report_button):
            button.setAutoDefault(False)
        self.fill_filters()

        bar = QWidget()
        flow = FlowLayout(bar, spacing=12)
        flow.setContentsMargins(0, 0, 0, 0)
        flow.addWidget(self.chooser)
        flow.addWidget(self.refresh_button)
        flow.addWidget(self.report_button)
        for text, combo in (
            ("纠纷类型(&L)", self.category),
            ("案件来源(&Y)", self.source),
            ("村（社区）(&C)", self.village),
            ("调解员(&T)", self.mediator),
            ("调委会(&W)", self.committee),
        ):
            flow.addWidget(_labelled(text, combo))
        return bar

    def _build_heading(self) -> None:
        """The period shown, what it is compared with, and a line for a failed read."""
        self.heading = Heading("", 1.2)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.error = QLabel()
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setWordWrap(True)
        tint(self.error, ERROR)
        self.error.hide()

    def _build_tables(self) -> None:
        """The tabs: 指标汇总 and one breakdown table per 按… tab."""
        self.indicators = IndicatorTableModel(self)
        self.indicator_table = _table(self.indicators)
        self.breakdowns: dict[By, BreakdownTableModel] = {}
        self.breakdown_tables: dict[By, QTableView] = {}
        self.tabs = QTabWidget()
        self.tabs.addTab(self.indicator_table, "指标汇总")
        for by in TABS:
            model = BreakdownTableModel(by, self)
            table = _table(model, names_in_header=True)
            self.breakdowns[by] = model
            self.breakdown_tables[by] = table
            page = QWidget()
            column = QVBoxLayout(page)
            column.setContentsMargins(0, 0, 0, 0)
            column.addWidget(table, 1)
            if by == "mediator":
                column.addWidget(hint_label(MEDIATOR_NOTE))
            page.setFocusProxy(table)
            self.tabs.addTab(page, f"按{BY_LABELS[by]}")
        for table in self.tables():
            on_open(table, self.drill)

    def _build_charts(self) -> None:
        """The 图表 tab: accepted cases by month and the success rate, each month clickable.
        Large type on a small screen: the charts keep a readable height and scroll."""
        self.bar_title = Heading("", 1.0)
        self.bar_chart = MonthlyBarChart()
        self.rate_title = Heading("", 1.0)
        self.rate_chart = RateLineChart()
        charts = QWidget()
        charts_layout = QVBoxLayout(charts)
        charts_layout.setContentsMargins(0, 0, 0, 0)
        charts_layout.addWidget(self.bar_title)
        charts_layout.addWidget(self.bar_chart, 3)
        charts_layout.addWidget(self.rate_title)
        charts_layout.addWidget(self.rate_chart, 2)
        self.bar_chart.month_chosen.connect(lambda m: self.drill_month(m, "accepted"))
        self.rate_chart.month_chosen.connect(lambda m: self.drill_month(m, "mediated"))
        self.charts_page = QScrollArea()
        self.charts_page.setWidget(charts)
        self.charts_page.setWidgetResizable(True)
        self.charts_page.setFrameShape(QFrame.Shape.NoFrame)
        self.tabs.addTab(self.charts_page, "图表")
        for i in range(self.tabs.count()):
            self.tabs.setTabToolTip(i, f"Ctrl+{i + 1}")
            QShortcut(QKeySequence(f"Ctrl+{i + 1}"), self, lambda i=i: self.show_tab(i))

    def _lay_out(self, bar: QWidget) -> None:
        layout = QVBoxLayout(self)
        layout.addWidget(bar)
        layout.addWidget(self.heading)
        layout.addWidget(self.summary)
        layout.addWidget(self.error)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(
            hint_label("Enter 或双击数字　列出这些案件　　F5　刷新　　Ctrl+1～7　切换　　Esc　关闭")
        )

    def _connect(self) -> None:
        """A changed period or filter reads again after a short pause; F5 at once."""
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(REFRESH_DELAY_MS)
        self._debounce.timeout.connect(self._auto_refresh)
        # Not straight to QTimer.start: currentIndexChanged(int) would pick start(msec) and
        # set the pause to the index chosen.
        self.chooser.changed.connect(self._schedule)
        for combo in self.filter_combos():
            combo.currentIndexChanged.connect(self._schedule)
        self.refresh_button.clicked.connect(self.refresh)
        self.report_button.clicked.connect(self.open_monthly_report)
        QShortcut(QKeySequence("F5"), self, self.refresh)
        QShortcut(QKeySequence("Esc"), self, self.close)

    def tables(self) -> list[QTableView]:
        return [self.indicator_table, *self.breakdown_tables.values()]

    def filter_combos(self) -> tuple[QComboBox, ...]:
        return (self.category, self.source, self.village, self.mediator, self.committee)

    def _schedule(self) -> None:
        """Read again after a short pause: typing a year or stepping through a list
        reads once, when the user stops."""
        self._debounce.start()

    # ---- what is asked for

    def fill_filters(self) -> None:
        """(Re)read the lists the filters offer (villages and mediators may have changed)."""
        fill_filter(self.category, [(c, c) for c in categories()])
        fill_filter(self.source, [(text, code) for code, text in sources().items()])
        try:
            villages = office.villages(self.db)
            mediators = MEDIATORS.list(self.db, include_retired=True)
            committees = COMMITTEES.list(self.db, include_retired=True)
        except StorageError as exc:
            messages.show_storage_error(self, exc)
            return
        fill_filter(self.village, [(p.name, p.id) for p in villages])
        fill_filter(
            self.mediator,
            [(m.name + ("（已停用）" if m.retired else ""), m.id) for m in mediators],
        )
        fill_filter(
            self.committee,
            [(c.name + ("（已停用）" if c.retired else ""), c.id) for c in committees],
        )

    def filters(self) -> Filters:
        return Filters(
            category=self.category.currentData(),
            source=self.source.currentData(),
            village_id=self.village.currentData(),
            committee_id=self.committee.currentData(),
            mediator_id=self.mediator.currentData(),
        )

    def filters_text(self, filters: Filters | None = None) -> str:
        """筛选：纠纷类型 邻里，村（社区） 红旗村。 (empty when nothing is filtered)."""
        filters = filters or self.filters()
        parts = []
        for name, combo, value in (
            ("纠纷类型", self.category, filters.category),
            ("案件来源", self.source, filters.source),
            ("村（社区）", self.village, filters.village_id),
            ("调解员", self.mediator, filters.mediator_id),
            ("调委会", self.committee, filters.committee_id),
        ):
            if value is not None:
                index = combo.findData(value)
                parts.append(f"{name} {combo.itemText(index) if index >= 0 else value}")
        return "筛选：" + "，".join(parts) + "。" if parts else ""

    def set_period(self, period: Period) -> None:
        """Choose ``period`` in the top bar (read after the usual short pause, or at once
        by ``refresh()``)."""
        self.chooser.set_period(period)

    def show_tab(self, index: int) -> None:
        self.tabs.setCurrentIndex(index)
        page = self.tabs.currentWidget()
        if page is not None:
            page.setFocus()

    # ---- reading

    def _run(
        self,
        period: Period,
        fn: Callable[[Database], object],
        done: Callable[[object], None],
        *,
        title: str,
        failure_title: str,
        progress: bool = True,
        off_thread: bool | None = None,
        failed: Callable[[], None] | None = None,
    ) -> BackgroundJob | None:
        """``done(fn(db))``: at once for a month, else from a BackgroundJob on its own
        connection. None when it ran at once (or failed: the user was told, then
        ``failed()``; a job that stops tells ``_job_stopped``)."""
        path = self.db.path
        if off_thread is None:
            off_thread = period.kind != "month"
        if not off_thread or path is None:
            try:
                result = fn(self.db)
            except StorageError as exc:
                messages.show_storage_error(self, exc)
                if failed is not None:
                    failed()
                return None
            done(result)
            return None

        def work(_progress: Progress, _cancelled: Callable[[], bool]) -> object:
            db = connect(path, migrate=False)
            try:
                return fn(db)
            finally:
                db.close()

        job = BackgroundJob(
            work,
            self,
            title=title,
            cancel_errors=(_Cancelled,),
            failure=FAILURE,
            failure_title=failure_title,
            first_label="正在统计，请稍候…",
            show_progress=progress,
        )
        job.done.connect(done)
        job.stopped.connect(self._job_stopped)
        job.worker_thread.finished.connect(self._prune_jobs)
        self._jobs.append(job)
        job.start()
        return job

    def running_jobs(self) -> list[BackgroundJob]:
        """The jobs this window started whose thread still runs."""
        return [job for job in self._jobs if job.is_running]

    def _prune_jobs(self) -> None:
        self._jobs = self.running_jobs()

    def _job_stopped(self) -> None:
        """A job was cancelled or failed (the failure was told in a message box)."""
        job = self.sender()
        if job is self.job and job is not None:
            self.job = None
            self._report_failed()
        elif job is self.series_job and job is not None:
            self.series_job = None
            for chart in (self.bar_chart, self.rate_chart):
                chart.set_message("图表没有统计出来。请按 F5 再试一次。")

    def _report_failed(self) -> None:
        """No new figures: the line under the heading describes those still shown."""
        self.summary.setText(self._describe(self.shown) if self.shown else NOT_READ)

    @staticmethod
    def _cancel(job: BackgroundJob | None) -> None:
        if job is not None and job.is_running:
            job.cancel()  # it stops; a result it may still bring is dropped

    def refresh(self) -> bool:
        """Read the figures (and the charts) again for the chosen period and filters.
        False when the period is not valid (a range that ends before it starts)."""
        self._debounce.stop()
        return self._read(force_charts=True)

    def _auto_refresh(self) -> None:
        self._read(force_charts=False)

    def _read(self, *, force_charts: bool) -> bool:
        try:
            period = self.chooser.period()
        except ValidationError as exc:
            # The figures shown stay (with their heading): they are still right for the
            # period they name.
            self.error.setText(f"{exc.field}：{exc.message}")
            self.error.show()
            return False
        self.error.hide()
        filters, today = self.filters(), self._today()
        token = self._report_token = next(self._tokens)
        self.summary.setText(self._busy_text(period))

        def read(db: Database) -> tuple[int, Shown]:
            return token, Shown(report(db, period, filters=filters, today=today), filters, today)

        self._cancel(self.job)
        self.job = None
        self.job = self._run(
            period,
            read,
            self._report_done,
            title="统计",
            failure_title="统计没有完成",
            progress=False,
            failed=self._report_failed,
        )
        self._read_series(period.end.year, filters, today, force=force_charts)
        return True

    def _busy_text(self, period: Period) -> str:
        shown = self.shown
        if shown is None or shown.period == period:
            return "正在统计，请稍候…"
        return f"正在统计{period.label}，请稍候…（下面还是{shown.period.label}的数字）"

    def _report_done(self, result: object) -> None:
        if not isinstance(result, tuple):
            return
        token, shown = result
        if token != self._report_token or not isinstance(shown, Shown):
            return  # the user has asked for something else meanwhile
        self.job = None
        self.show_report(shown)

    def show_report(self, shown: Shown) -> None:
        self.shown = shown
        self.indicators.set_report(shown.report)
        for model in self.breakdowns.values():
            model.set_report(shown.report)
        self.heading.setText(shown.period.label)
        self.summary.setText(self._describe(shown))
        for table in self.tables():
            table.resizeColumnsToContents()
        emit(self.refreshed)

    def _describe(self, shown: Shown) -> str:
        period = shown.period
        parts = [
            f"{period.start.isoformat()} 至 {period.end.isoformat()}，"
            f"与去年同期（{period.last_year().label}）比较。"
        ]
        if shown.today < period.start:
            parts.append("本期还没有开始。")
        elif shown.today < period.end:
            parts.append(f"本期还没有结束：超期未结按今天（{shown.today.isoformat()}）统计。")
        parts.append(self.filters_text(shown.filters))
        return "".join(parts)

    def _read_series(self, year: int, filters: Filters, today: date, *, force: bool) -> None:
        key = (year, filters, today)
        if not force and key == self._series_key:
            return
        self._series_key = key
        token = self._series_token = next(self._tokens)
        self.bar_title.setText(f"{year}年各月受理数（件，按纠纷类型：前五类及其他）")
        self.rate_title.setText(f"{year}年各月调解成功率（调解成功数 ÷ 调解案件数）")
        self.bar_chart.set_message("正在统计…")
        self.rate_chart.set_message("正在统计…")

        def read(db: Database) -> tuple[int, MonthlySeries | StorageError]:
            try:
                return token, monthly_series(db, year, "category", filters=filters, today=today)
            except StorageError as exc:  # told on the charts: the tables' read tells it too
                return token, exc

        # Twelve months are too slow for the GUI thread on a big register, even when the
        # figures are a month's; the charts fill in when they arrive.
        self._cancel(self.series_job)
        self.series_job = None
        self.series_job = self._run(
            Period.year(year),
            read,
            self._series_done,
            title="统计图表",
            failure_title="图表没有统计出来",
            progress=False,
            off_thread=True,
        )

    def _series_done(self, result: object) -> None:
        if not isinstance(result, tuple):
            return
        token, series = result
        if token != self._series_token:
            return
        self.series_job = None
        if isinstance(series, StorageError):
            for chart in (self.bar_chart, self.rate_chart):
                chart.set_message(f"图表没有统计出来：{series.message}")
            return
        self.series = series
        self.bar_chart.set_monthly_series(series)
        self.rate_chart.set_monthly_series(series)
        emit(self.charts_refreshed)

    # ---- drill-down

    def drill(self, index: QModelIndex) -> None:
        """The cases behind the cell ``index`` of one of the tables, in a list."""
        model = index.model()
        if not isinstance(model, StatsTableModel) or self.shown is None:
            return
        target = model.target(index)
        if target is None:
            messages.info(self, "没有案件清单", model.no_list_reason(index))
            return
        shown = self.shown
        period = shown.period.last_year() if target.last_year else shown.period
        self._drill(target, period, shown.filters, shown.today)

    def drill_month(self, month: int, indicator: str) -> None:
        """A month double-clicked on a chart (0 for January): the cases behind its bar
        (受理数) or its point (调解案件数), with the filters the charts were read with."""
        series, key = self.series, self._series_key
        if series is None or key is None:
            return
        _year, filters, today = key
        values = series["total_accepted"] if indicator == "accepted" else series["mediated"]
        target = Target(indicator, values[month])
        self._drill(target, Period.month(series["year"], month + 1), filters, today)

    def _drill(self, target: Target, period: Period, filters: Filters, today: date) -> None:
        if not target.value:
            what = "写明金额的协议" if target.indicator == AMOUNT else "案件"
            messages.info(
                self, "没有案件", f"{self._drill_title(target, period)}是 0，没有{what}可以列出。"
            )
            return
        token = next(self._tokens)
        self._drills[token] = (target, period, filters)

        def read(db: Database) -> tuple[int, list[str]]:
            ids = drill_down(
                db,
                period,
                target.indicator,
                by=target.by,
                key=target.key,
                filters=filters,
                today=today,
            )
            return token, ids

        job = self._run(
            period, read, self._drill_done, title="列出案件", failure_title="案件清单没有列出"
        )
        if job is not None:
            self.drill_job = job

    def _drill_title(self, target: Target, period: Period) -> str:
        parts = [period.label]
        if target.by is not None:
            parts.append(target.row_label or f"全部{BY_LABELS[target.by]}")
        parts.append(LABELS[target.indicator])
        return "　".join(parts)

    def _drill_done(self, result: object) -> None:
        if not isinstance(result, tuple):
            return
        token, ids = result
        context = self._drills.pop(token, None)
        if context is None:
            return
        target, period, filters = context
        if target.indicator == AMOUNT:
            summary = (
                f"{LABELS[AMOUNT]} {fmt_amount(target.value)}，"
                f"来自下面 {len(ids)} 份写明金额的协议（按登记先后排列）。"
            )
        else:
            summary = f"共 {len(ids)} 件（按登记先后排列）。"
            if len(ids) != target.value:
                summary += "案件在统计之后有变动，请按 F5 刷新统计表。"
        summary += self.filters_text(filters)
        dialog = DrillDownDialog(
            self.db,
            list(ids),
            title=self._drill_title(target, period),
            summary=summary,
            parent=self,
        )
        dialog.open_case.connect(self._open_case)
        self.drill_dialog = dialog
        dialog.show()

    def _open_case(self, case_id: str) -> None:
        emit(self.open_case, case_id)

    # ---- the monthly report

    def report_month(self) -> tuple[int | None, int | None]:
        """The month the monthly report is for: the chosen month; for other periods none
        (the report dialog then offers its own default, the last complete month)."""
        try:
            period = self.chooser.period()
        except ValidationError:
            return None, None
        if period.kind == "month":
            return period.start.year, period.start.month
        return None, None

    def open_monthly_report(self) -> MonthlyReportDialog:
        """月度报告… for the chosen month (else the last complete one)."""
        # Imported when first asked for: the report's printing loads reportlab.
        from app.ui.stats.monthly_report_dialog import open_monthly_report

        year, month = self.report_month()
        dialog = open_monthly_report(self.db, self, year, month, today=self._today())
        self.report_dialog = dialog
        return dialog

    # ---- the window

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # the 字号 menu changes fonts live
            for table in self.tables():
                table.resizeColumnsToContents()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:  # shown again after a close that cancelled a count
            self._stale = False
            self.refresh()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Cancel every job still running (their results are dropped) and close the case
        lists opened from here. An open 月度报告 with unsaved texts asks first: "放弃修改"
        closes this window again, "继续修改" keeps it and emits ``close_cancelled``."""
        report = self.report_dialog
        if (
            report is not None
            and qt.is_valid(report)
            and report.isVisible()
            and not report.ask_to_close(then=self.close, on_keep=lambda: emit(self.close_cancelled))
        ):
            event.ignore()
            return
        self._debounce.stop()
        for job in self.running_jobs():
            job.cancel()
            self._stale = True
        self._report_token = self._series_token = 0
        self._drills.clear()
        for dialog in self.findChildren(DrillDownDialog):
            dialog.close()
        super().closeEvent(event)

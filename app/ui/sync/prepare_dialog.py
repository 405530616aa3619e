"""准备外出笔记本 (office only): one starter file for a laptop going to the villages.

The form asks for the laptop's name, which committees and villages it takes (全部 by
default), how many case numbers per committee it gets, the sync passphrase (twice) and
where the file goes; it says all along how many cases the laptop will carry. 生成 asks once
more with that summary, then :func:`app.models.sync.files.write_starter` runs off the GUI
thread with progress and 取消. A cancel or a failure leaves no file and takes the laptop's
registration back out of the office database; the form stays open with what was typed.
The result lists the number blocks the laptop got and what to do on the laptop.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from app.models import office
from app.models.db import Database, StorageError
from app.models.errors import OperationCancelledError, ValidationError
from app.models.name_match import match_rank
from app.models.registries import places
from app.models.sync import exchange, field, files
from app.models.sync.scope import Scope
from app.qt.core import Qt, Signal
from app.qt.widgets import (
    QCheckBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from app.ui import messages
from app.ui.cases.service_dialog import ServiceDialog
from app.ui.cases.widgets import (
    Caption,
    FieldBox,
    Problem,
    current_actor,
    hint_label,
    inline_row,
    require,
)
from app.ui.chooser import settle_all
from app.ui.file_dialogs import ask_save, last_folder
from app.ui.item_views import down_goes_to
from app.ui.jobs import BackgroundJob, Progress, counting, worker_database
from app.ui.look import NOTICE_BORDER, NOTICE_FILL, Panel
from app.ui.signals import emit
from app.ui.sync.common import (
    PASSPHRASE_FIELD,
    PASSPHRASE_NOTE,
    REPEAT_FIELD,
    STARTER_FILTER,
    STARTER_SUFFIX,
    block_lines,
    dated_name,
    passphrase_line,
    passphrase_problems,
    path_row,
    show_toggle,
)

TITLE = "准备外出笔记本"
NAME_FIELD = "笔记本名称"
COMMITTEES_FIELD = "带上的调委会"
VILLAGES_FIELD = "带上的村（社区）"
BLOCK_FIELD = "每个调委会的案号"
TARGET_FIELD = "保存到"
FILTER_FROM = 8  # a longer list gets a box that filters it as you type
ID_ROLE = Qt.ItemDataRole.UserRole + 1


def default_file_name(name: str, today: date | None = None) -> str:
    """外出准备-周玉梅的笔记本-2026-12-06.mdstart"""
    return dated_name("外出准备", name.strip() or "笔记本", suffix=STARTER_SUFFIX, today=today)


class ChoiceList(QWidget):
    """全部, or the entries ticked in a list (committees, villages); ``changed`` on any tick.

    While 全部 is ticked the list shows every entry ticked and cannot be changed; unticking
    全部 brings back what was ticked by hand before (at first: nothing)."""

    changed = Signal()

    def __init__(self, entries: list[tuple[str, str]], all_text: str, what: str) -> None:
        super().__init__()
        self.what = what
        self.everything = QCheckBox(f"{all_text}（{len(entries)} 个）")
        self.everything.setChecked(True)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("输入名称或拼音首字母筛选，如 hqc")
        self.filter.setClearButtonEnabled(True)
        self.list = QListWidget()
        self._own: set[str] = set()  # ticked by hand, kept while 全部 is ticked
        for entry_id, name in entries:
            item = QListWidgetItem(name)
            item.setData(ID_ROLE, entry_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.list.addItem(item)
        rows = min(max(len(entries), 2), 5)
        frame = self.list.frameWidth() * 2
        self.list.setFixedHeight(max(self.list.sizeHintForRow(0), 1) * rows + frame + 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.everything, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.filter)
        layout.addWidget(self.list)
        self.filter.setVisible(len(entries) > FILTER_FROM)
        self.list.setEnabled(False)
        self.filter.setEnabled(False)
        self.everything.toggled.connect(self._everything_toggled)
        self.list.itemChanged.connect(self._ticked)
        self.filter.textChanged.connect(self._filter)
        down_goes_to(self.filter, self.list)  # and Space there ticks
        self.setFocusProxy(self.everything)

    def items(self) -> list[QListWidgetItem]:
        return [self.list.item(i) for i in range(self.list.count())]

    def chosen(self) -> tuple[str, ...] | None:
        """None for 全部, else the ids ticked (in the list's order)."""
        if self.everything.isChecked():
            return None
        return tuple(
            str(it.data(ID_ROLE)) for it in self.items() if it.checkState() == Qt.CheckState.Checked
        )

    def has_choice(self) -> bool:
        """全部, or at least one entry ticked."""
        return self.chosen() != ()

    def chosen_names(self) -> list[str]:
        return [it.text() for it in self.items() if it.checkState() == Qt.CheckState.Checked]

    def tick(self, names: list[str]) -> None:
        """Untick 全部 and tick exactly ``names`` (as a user would, one by one)."""
        self.everything.setChecked(False)
        for it in self.items():
            it.setCheckState(
                Qt.CheckState.Checked if it.text() in names else Qt.CheckState.Unchecked
            )

    def _everything_toggled(self, on: bool) -> None:
        self.list.blockSignals(True)
        for it in self.items():
            ticked = on or str(it.data(ID_ROLE)) in self._own
            it.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
        self.list.blockSignals(False)
        self.list.setEnabled(not on)
        self.filter.setEnabled(not on)
        if not on:
            self.list.setCurrentRow(0)
        emit(self.changed)

    def _ticked(self, item: QListWidgetItem) -> None:
        entry = str(item.data(ID_ROLE))
        if item.checkState() == Qt.CheckState.Checked:
            self._own.add(entry)
        else:
            self._own.discard(entry)
        emit(self.changed)

    def _filter(self, text: str) -> None:
        typed = text.strip()
        first = None
        for row, it in enumerate(self.items()):
            shown = not typed or match_rank(it.text(), typed) is not None
            self.list.setRowHidden(row, not shown)
            if shown and first is None:
                first = row
        if first is not None and self.list.isRowHidden(max(self.list.currentRow(), 0)):
            self.list.setCurrentRow(first)


class PrepareDialog(ServiceDialog):
    """The form; ``prepared(FieldLaptop)`` once the starter file is written."""

    prepared = Signal(object)

    def __init__(
        self,
        db: Database,
        parent: QWidget | None = None,
        *,
        today: Callable[[], date] = date.today,
    ) -> None:
        super().__init__(
            db,
            TITLE,
            parent,
            scroll=True,
            save_text="生成外出准备文件",
            intro=(
                "为带到村里的笔记本生成外出准备文件（加密）。新装本程序的笔记本打开它以后，"
                "不联网也能登记、受理、调解所选村（社区）的案件，打印文书。"
            ),
            width_em=44,
        )
        self._today = today
        self.job: BackgroundJob | None = None
        self.working = False
        self._chosen_target: Path | None = None  # a place chosen in the save dialog

        self._add_name_row()
        self._add_scope_rows()
        self._add_number_rows()
        self._add_passphrase_rows()
        self._add_target_row()
        self._add_summary()

    # ---- the form

    def _add_name_row(self) -> None:
        """笔记本名称: how the office's lists will name the laptop."""
        self.name = QLineEdit()
        self.name.setMaxLength(40)
        self.name.setPlaceholderText("例如：周玉梅的笔记本")
        require(self.add_row(f"{NAME_FIELD}", self.name), missing="请填写这台笔记本的名称。")

    def _add_scope_rows(self) -> None:
        """带上的案件: the committees and the villages whose cases the laptop takes."""
        committees = [(c.id, c.name) for c in places.COMMITTEES.list(self.db)]
        self.committees = ChoiceList(committees, "全部调委会", "调委会")
        villages = [(v.id, v.name) for v in office.villages(self.db)]
        self.villages = ChoiceList(villages, "全部村（社区）", "村（社区）")
        # Side by side, each with its own error line: the form stays short on a laptop.
        scope_row = QWidget()
        side_by_side = QHBoxLayout(scope_row)
        side_by_side.setContentsMargins(0, 0, 0, 0)
        for choice, label in ((self.committees, COMMITTEES_FIELD), (self.villages, VILLAGES_FIELD)):
            box = FieldBox(choice)
            box.required = True
            box.prefix = label
            box.missing = f"请至少勾选一个{choice.what}，或勾选“全部”。"
            box.filled = choice.has_choice
            self.errors.add(label, box)
            side_by_side.addWidget(box, 1, Qt.AlignmentFlag.AlignTop)
            choice.changed.connect(self._show_summary)
        scope_row.setFocusProxy(self.committees)
        scope_caption = Caption("带上的案件", scope_row)
        scope_caption.set_required()
        self.form.addRow(scope_caption, scope_row)
        self.form.addRow(
            "",
            hint_label("取消“全部”后勾选要带的（空格键勾选）。笔记本在外新登记的案件都会带回来。"),
        )

    def _add_number_rows(self) -> None:
        """How many case numbers of this year the laptop takes with it."""
        self.block_size = QSpinBox()
        self.block_size.setRange(0, field.MAX_BLOCK_SIZE)
        self.block_size.setValue(field.DEFAULT_BLOCK_SIZE)
        self.block_size.setSuffix(" 个")
        self.add_row(
            BLOCK_FIELD, inline_row(self.block_size, hint_label("（今年的，每个调委会一批）"))
        )
        self.form.addRow(
            "",
            hint_label("用完后先用临时编号受理，合并时换成正式案号；没用完的合并时收回。"),
        )
        self.block_size.valueChanged.connect(self._show_summary)

    def _add_passphrase_rows(self) -> None:
        """The 同步口令, typed twice."""
        self.passphrase = passphrase_line()
        self.repeat = passphrase_line()
        require(self.add_row(PASSPHRASE_FIELD, self.passphrase))
        require(
            self.add_row(
                REPEAT_FIELD, path_row(self.repeat, show_toggle(self.passphrase, self.repeat))
            ),
            missing="请再输一遍同步口令。",
            filled=lambda: bool(self.repeat.text()),
        )
        self.form.addRow("", hint_label(PASSPHRASE_NOTE))

    def _add_target_row(self) -> None:
        """Where the starter file is written (named after the laptop until chosen)."""
        self.target = QLineEdit()
        self.target.setReadOnly(True)
        self.choose_button = QPushButton("选择位置(&W)…")
        self.choose_button.setAutoDefault(False)
        self.choose_button.clicked.connect(self.choose_target)
        require(self.add_row(TARGET_FIELD, path_row(self.target, self.choose_button)))
        self.name.textChanged.connect(self._follow_name)
        self._follow_name()

    def _add_summary(self) -> None:
        """What the file will hold, always in sight above the buttons, whatever the form
        scrolls to."""
        self.summary = Panel()
        self.summary.setWordWrap(True)
        self.summary.setObjectName("summary")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setMargin(6)
        self.summary.set_colours(fill=NOTICE_FILL, border=NOTICE_BORDER)
        outer = self.layout()
        assert isinstance(outer, QVBoxLayout)
        outer.insertWidget(outer.indexOf(self.banner), self.summary)
        self._show_summary()

    # ---- what the laptop takes

    def scope(self) -> Scope:
        return Scope(self.committees.chosen(), self.villages.chosen())

    def case_count(self) -> int:
        """The cases the laptop takes (as ``scope.cases_in_scope`` picks them), counted."""
        where, params = self.scope().where()
        return int(self.db.scalar(f"SELECT count(*) FROM cases WHERE {where}", params) or 0)

    def scope_words(self) -> str:
        parts = []
        for choice in (self.committees, self.villages):
            if choice.chosen() is not None:
                names = choice.chosen_names()
                shown = "、".join(names[:4]) + (f"等 {len(names)} 个" if len(names) > 4 else "")
                parts.append(shown)
        return "，".join(parts) if parts else "全部村和社区"

    def summary_text(self) -> str:
        if () in (self.committees.chosen(), self.villages.chosen()):
            return "还没有选要带的调委会或村（社区）。"
        try:
            count = self.case_count()
        except StorageError as exc:
            return exc.message
        numbers = self.block_size.value()
        numbers_text = (
            f"每个调委会 {numbers} 个正式案号" if numbers else "不带正式案号（受理时用临时编号）"
        )
        return (
            f"{count} 件案件（{self.scope_words()}），全部村居档案、宣传内容和协议条款模板，"
            f"{numbers_text}。"
        )

    def _show_summary(self) -> None:
        self.summary.setText(f"笔记本将带上：{self.summary_text()}")

    # ---- the file

    def target_path(self) -> Path | None:
        text = self.target.text().strip()
        return Path(text) if text else None

    def _follow_name(self) -> None:
        if self._chosen_target is None:
            folder = last_folder()
            if not folder.is_dir():  # a 文档 folder the system names but never made
                folder = Path.home()
            self.target.setText(str(folder / default_file_name(self.name.text(), self._today())))

    def choose_target(self) -> QWidget:
        current = self.target_path()
        name = current.name if current else default_file_name(self.name.text(), self._today())
        return ask_save(
            self,
            "保存外出准备文件",
            name,
            self.set_target,
            name_filter=STARTER_FILTER,
            suffix=STARTER_SUFFIX,
        )

    def set_target(self, path: Path) -> None:
        self._chosen_target = path
        self.target.setText(str(path))

    # ---- checks and the question

    def problems(self) -> list[Problem]:
        found = super().problems()
        name = self.name.text().strip()
        if name and self._name_taken(name):
            found.append(
                self.errors.problem(
                    ValidationError(
                        NAME_FIELD,
                        f"已经准备过一台叫“{name}”的笔记本。请换一个名称，"
                        f"例如“{name}2”，免得同步时分不清。",
                    )
                )
            )
        if self.passphrase.text():
            for problem in passphrase_problems(self.passphrase.text(), self.repeat.text()):
                if problem.field == REPEAT_FIELD and not self.repeat.text():
                    continue  # listed as missing already
                found.append(self.errors.problem(problem))
        target = self.target_path()
        if target is not None and not target.parent.is_dir():
            found.append(
                self.errors.problem(
                    ValidationError(
                        TARGET_FIELD,
                        f"文件夹“{target.parent}”不存在（U盘可能已经拔出）。请重新选择保存位置。",
                    )
                )
            )
        return found

    def _name_taken(self, name: str) -> bool:
        found = self.db.scalar("SELECT 1 FROM devices WHERE role = 'field' AND name = ?", (name,))
        return found is not None

    def question_text(self) -> str:
        target = self.target_path()
        return (
            f"将为“{self.name.text().strip()}”生成外出准备文件，带上：\n"
            f"{self.summary_text()}\n\n保存到：{target}\n\n"
            "生成后，本机记下这台笔记本：它的同步文件只能合并回本机。"
        )

    def save(self) -> bool:
        """Ctrl+Enter / 生成: check everything, ask with the summary, then write."""
        if self.working:
            return False
        settle_all(self.body)
        self.errors.clear()
        problems = self.problems()
        if problems:
            self.errors.show_all(problems)
            return False
        messages.confirm(
            self,
            "生成外出准备文件？",
            self.question_text(),
            yes="生成",
            no="返回修改",
            default_yes=True,
            on_yes=self.write,
        )
        return False

    # ---- writing

    def write(self) -> BackgroundJob:
        """write_starter off the GUI thread, with progress and 取消."""
        assert self.db.path is not None, "准备外出 needs a database file"
        db_path = self.db.path
        target = self.target_path()
        assert target is not None
        name = self.name.text().strip()
        scope = self.scope()
        block_size = self.block_size.value()
        passphrase = self.passphrase.text()
        by = current_actor(self.db)
        today = self._today()

        def work(progress: Progress, cancelled: Callable[[], bool]) -> field.FieldLaptop:
            count = counting(progress)
            with worker_database(db_path) as database:
                return files.write_starter(
                    database,
                    target,
                    passphrase=passphrase,
                    name=name,
                    scope=scope,
                    block_size=block_size,
                    by=by,
                    today=today,
                    progress=count,
                    cancelled=cancelled,
                )

        job = BackgroundJob(
            work,
            self,
            title=TITLE,
            cancel_errors=(OperationCancelledError,),
            failure=(
                "生成外出准备文件时出了错，没有生成文件，本机数据没有改动。"
                "详细情况已记入日志，请联系技术人员。"
            ),
            describe=_describe,
            first_label="正在整理笔记本要带的数据…",
        )
        job.done.connect(self._written)
        job.stopped.connect(self._stopped)
        self.job = job
        self.working = True
        self.save_button.setEnabled(False)
        job.start()
        return job

    def _written(self, laptop: object) -> None:
        self.working = False
        assert isinstance(laptop, field.FieldLaptop)
        target = self.target_path()
        messages.info(self.parentWidget(), "外出准备文件已生成", result_text(laptop, target))
        emit(self.prepared, laptop)
        self._succeeded = True
        self.accept()

    def _stopped(self) -> None:
        self.working = False
        self.save_button.setEnabled(True)

    def reject(self) -> None:
        if self.working and self.job is not None:
            self.job.cancel()  # the progress dialog says 正在取消…; nothing is left
            return
        super().reject()


def result_text(laptop: field.FieldLaptop, target: Path | None) -> str:
    lines = [
        f"已为“{laptop.name}”生成外出准备文件，保存到：",
        str(target),
        "",
        f"笔记本带上 {laptop.cases} 件案件。",
    ]
    if laptop.blocks:
        lines.append("给笔记本的正式案号：")
        lines.extend(f"· {line}" for line in block_lines(laptop.blocks))
    else:
        lines.append("没有给笔记本预留正式案号：它受理的案件先用临时编号，合并时换成正式案号。")
    lines += [
        "",
        "下一步：把文件复制到U盘；在笔记本上安装本程序，第一次打开时点"
        "“这是外出笔记本：打开外出准备文件…”，选这个文件，输入同步口令。",
        "回办公室后，两台电脑都用“同步”菜单交换同步文件。",
    ]
    return "\n".join(lines)


def _describe(n: int, total: int, _what: str) -> str:
    if not total:
        return "正在整理笔记本要带的数据…"
    return "正在写入外出准备文件…"


def open_prepare(
    db: Database, parent: QWidget | None = None, *, today: Callable[[], date] = date.today
) -> PrepareDialog | None:
    """准备外出笔记本…: the form, opened (non-blocking). None (after a message) on a field
    laptop or when the database cannot be read."""
    try:
        with db.reading():
            me = exchange.this_device(db.conn)
        if me.role != "office":
            messages.info(
                parent,
                TITLE,
                "本机是外出笔记本，不能再准备其他笔记本。请在办公室电脑上准备外出笔记本。",
            )
            return None
        dialog = PrepareDialog(db, parent, today=today)
    except StorageError as exc:
        messages.show_storage_error(parent, exc)
        return None
    dialog.open()
    return dialog

"""备份与恢复 (设置 menu) and the automatic backups at start and at quit (docs/backup.md).

:class:`BackupWindow` lists the backups in the data folder's ``backups/`` (time, kind, size,
cases, newest case: read from each file, read-only) and offers 立即备份, 备份到文件…,
恢复所选备份…, 从文件恢复… and the second backup folder (a USB stick or a network share).
A restore first shows what the backup holds against the current database and asks; then
the main window closes its other windows (``before_restore``), the program's connection is
closed, :func:`app.models.backup.restore` runs off the GUI thread (the current database is
kept as a 恢复前 backup first) and the file is opened again on the same
:class:`~app.models.db.Database` object, as the starter file does
(app/ui/sync/starter_open.py), so every window reads the restored data (``restored``).

:class:`AutoBackups` belongs to the main window: the first start of the day makes the
day's backup in the background (a note in the status bar), and quitting after changes
makes one with a progress dialog before the window closes. Every failure is told; a second
folder that is missing or cannot be written is told too (the backup in the data folder is
made all the same).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from app.models import backup, office
from app.models import db as dbmod
from app.models.backup import Contents, Kind, Listed, Made, Restored
from app.models.db import Database, StorageError
from app.models.errors import OperationCancelledError
from app.qt.core import QObject, QSize, Qt, QTimer, Signal
from app.qt.gui import QCloseEvent, QColor
from app.qt.widgets import (
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from app.ui import messages, session
from app.ui.cases.widgets import em, fit_to_screen, hint_label
from app.ui.file_dialogs import ask_open, ask_save, last_folder, show_folder
from app.ui.item_views import on_open
from app.ui.jobs import BackgroundJob, Progress
from app.ui.look import ERROR, MUTED, SUCCESS, tint
from app.ui.signals import emit
from app.ui.table_model import RIGHT, Column, numbered
from app.ui.template_editing import KeyedTableModel, mark_row, record_view

log = logging.getLogger(__name__)

TITLE = "备份与恢复"
BACKUP_FILTER = "调解工作台备份 (*.sqlite3 *.db *.bak);;所有文件 (*)"
RESTORE_TITLE = "从备份恢复"
RESTORED_TITLE = "已经恢复"
SECOND_TITLE = "第二备份位置"
QUIT_TITLE = "退出前备份"
QUIT_FAILED_TITLE = "退出前的备份没有做成"
DAILY_FAILED_TITLE = "今天的自动备份没有做成"
BACKUP_NOW = "立即备份(&B)"
BACKUP_TO_FILE = "备份到文件(&F)…"
FILE_TIP = "把整个数据库（含完整证件号码）复制到您选择的位置，例如 U 盘。这次复制会记入审计记录。"
RESTORE_SELECTED = "恢复所选备份(&R)…"
RESTORE_FROM_FILE = "从文件恢复(&O)…"
OPEN_FOLDER = "打开备份文件夹"
CHOOSE_SECOND = "选择文件夹(&S)…"
CLEAR_SECOND = "不用第二备份位置(&N)"
RULES = (
    "程序自动备份：每天第一次打开时、退出前（有修改时）、导入台账前、合并同步文件前和升级数据格式前。"
    "保留最近 7 天每天最后一份、4 周每周一份、12 个月每月一份，以及最近 24 小时内的全部备份；"
    "导入、合并、升级和恢复之前的备份至少保留 7 天。每份备份写好后都检查过完整性。"
)
SECOND_NOTE = (
    "设置后，每天的备份、退出前的备份和手动备份都会再复制一份到这里（U盘、移动硬盘或"
    "网络共享上的文件夹）。电脑坏了、被盗或者中了病毒，这里的备份还在。"
    "U盘没插上时备份照样做在本机，程序会提醒。"
)
DIRECTOR_ONLY = "只有调委会主任可以恢复备份和设置第二备份位置。"
LOGIN_FIRST = "请先登录（主任），再恢复备份或设置第二备份位置。"

COL_TIME, COL_KIND, COL_SIZE, COL_CASES, COL_NEWEST = range(5)


# --------------------------------------------------------------------------- words


def cases_text(contents: Contents | None) -> str:
    return "—" if contents is None else f"{contents.cases} 件"


def describe_stage(n: int, total: int, stage: str) -> str:
    stage = stage or backup.STAGE_COPY
    if total:
        return f"{stage}…　{min(100, n * 100 // total)}%"
    return f"{stage}…"


def preview_text(
    chosen: Contents,
    current: Contents | None,
    current_problem: str,
    *,
    when: str,
) -> str:
    """What a restore will do: the backup's cases against the current database's."""
    lines = ["用这份备份替换现在的数据库：", ""]
    lines.append(f"备份：{when}")
    lines.append(f"　　案件 {chosen.cases} 件；最新登记：{chosen.newest_case or '没有案件'}")
    if current is not None:
        lines.append(
            f"现在：案件 {current.cases} 件；最新登记：{current.newest_case or '没有案件'}"
        )
        more = current.cases - chosen.cases
        if more > 0:
            lines.append(f"　　现在的数据库比这份备份多 {more} 件案件。")
        elif more < 0:
            lines.append(f"　　这份备份比现在的数据库多 {-more} 件案件。")
    else:
        lines.append(f"现在：{current_problem}")
    lines.append("")
    lines.append(
        "恢复后，这份备份之后登记和修改的内容都不在数据库里了。恢复之前，现在的数据库会先"
        "另存为一份“恢复前”备份，需要时可以再恢复回来。"
    )
    notes = _differences(chosen, current)
    if notes:
        lines.append("")
        lines.extend(f"注意：{n}" for n in notes)
    return "\n".join(lines)


def _differences(chosen: Contents, current: Contents | None) -> list[str]:
    from app.models import schema

    notes: list[str] = []
    if current is not None and chosen.office_id and current.office_id:
        if chosen.office_id != current.office_id:
            notes.append(
                f"这份备份是另一个单位的数据（{chosen.office_name or '名称不详'}），"
                f"不是现在的“{current.office_name}”。"
            )
        elif chosen.device_id and current.device_id and chosen.device_id != current.device_id:
            notes.append(
                "这份备份来自本单位的另一台电脑（办公室电脑或外出笔记本）。恢复后，本机就成了那台"
                "电脑的数据；两台电脑之间若还在同步，恢复前请先问技术人员。"
            )
    if chosen.schema < schema.LATEST:
        notes.append("这份备份是旧版本程序的数据，恢复后打开时会自动升级（升级前还会再备份一次）。")
    return notes


def unreadable(path: Path, exc: StorageError) -> str:
    """Why the current database cannot be read, for the window and the preview."""
    if isinstance(exc, backup.RestoreRefusedError):
        try:
            if not path.exists():
                return "还没有数据库文件。"
            if path.stat().st_size == 0:
                return "是一个空文件（0 字节），里面没有数据。"
        except OSError:
            pass
        return "读不出来：文件已损坏，或者不是本程序的数据库。"
    return f"读不出来：{exc.message}"


def restored_text(done: Restored) -> str:
    source = backup.parse_name(done.contents.path.name)
    which = (
        f"{source.when:%Y-%m-%d %H:%M} {source.kind.label}的备份"
        if source is not None
        else f"“{done.contents.path.name}”"
    )
    lines = [f"数据库已恢复为{which}：案件 {done.contents.cases} 件。"]
    if done.kept is not None:
        kept = backup.parse_name(done.kept.path.name)
        when = f"{kept.when:%Y-%m-%d %H:%M}" if kept is not None else done.kept.path.name
        lines.append(
            f"恢复之前的数据库已另存为一份备份（{when} 恢复备份前，在备份列表里），"
            "需要时可以再恢复回来。"
        )
    if done.set_aside is not None:
        lines.append(
            f"原来的数据库已损坏，已改名为“{done.set_aside.name}”留在原处，没有删除；"
            "需要时请技术人员从中找回最后的修改。"
        )
    return "\n".join(lines)


def made_text(made: Made) -> str:
    text = f"备份已做好：“{made.path.name}”（{backup.size_text(made.size)}），已检查完整。"
    if made.second is not None:
        text += f"\n第二备份位置也有一份：“{made.second}”。"
    return text


def reopen(db: Database) -> None:
    """Open ``db``'s file again on the same object after a restore replaced its contents:
    every window holding ``db`` reads the restored data, and what the object knew about the
    old file (read-only, damaged, its notices) is what the new opening found."""
    assert db.path is not None
    dbmod.forget_file(db.path)  # a restored file is judged afresh
    db.adopt(dbmod.connect(db.path))


def may_restore(db: Database | None) -> str:
    """Why whoever is logged in may not restore or set the second folder ("": they may)."""
    if db is None:
        return ""
    actor = session.signed_in(db)
    if actor is None:
        return _login_first(db)
    return "" if actor.is_director else DIRECTOR_ONLY


def _login_first(db: Database) -> str:
    """Nobody is logged in: once the office is set up, they must first. Before that nobody
    can log in, and a restore is how an old office comes back ("")."""
    return LOGIN_FIRST if _office_set_up(db) else ""


def _office_set_up(db: Database) -> bool:
    try:
        return office.is_set_up(db)
    except StorageError:  # an unreadable file: its users cannot be known either
        return False


# --------------------------------------------------------------------------- the list


def _newest(item: Listed) -> str:
    if item.contents is None:
        return f"读不出来：{item.problem}"
    return item.contents.newest_case or "没有案件"


def _path(item: Listed) -> str:
    return str(item.path)


BACKUP_COLUMNS: list[Column[Listed]] = numbered(
    {
        COL_TIME: Column("备份时间", lambda i: f"{i.dated.when:%Y-%m-%d %H:%M}", tooltip=_path),
        COL_KIND: Column("种类", lambda i: i.dated.kind.label, tooltip=_path),
        COL_SIZE: Column("大小", lambda i: backup.size_text(i.size), tooltip=_path, align=RIGHT),
        COL_CASES: Column("案件", lambda i: cases_text(i.contents), tooltip=_path, align=RIGHT),
        COL_NEWEST: Column("最新登记的案件", _newest, tooltip=_path),
    }
)


class BackupsModel(KeyedTableModel[Listed]):
    """The backups, newest first; one that cannot be read in red."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(BACKUP_COLUMNS, parent)

    ROW_ROLES = frozenset({int(Qt.ItemDataRole.ForegroundRole)})

    def row_data(self, record: Listed, role: int) -> Any:
        unreadable = record.contents is None
        return QColor(ERROR) if role == Qt.ItemDataRole.ForegroundRole and unreadable else None


# --------------------------------------------------------------------------- the window


class BackupWindow(QWidget):
    """备份与恢复. ``db`` is the program's database (None when the program could not open
    it: then only restoring is offered); ``before_restore()`` closes what holds the
    database open and says whether a restore may go on; ``restored(Restored)`` after a
    restore, with ``db`` open again."""

    restored = Signal(object)
    backed_up = Signal(object)

    def __init__(
        self,
        db: Database | None,
        db_path: Path,
        *,
        before_restore: Callable[[], bool] | None = None,
        parent: QWidget | None = None,
        at_start: bool = False,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle(TITLE)
        self.at_start = at_start  # the program waits for a restore to open (restore_at_start)
        self.db = db
        self.db_path = db_path
        self.before_restore = before_restore
        self.job: BackgroundJob | None = None
        self.folder = backup.backup_folder(db_path)

        intro = hint_label(RULES)
        where_row = self._build_where_row()
        self._build_list()
        buttons = self._build_buttons()
        self._build_second_box()
        self.refusal = QLabel()
        tint(self.refusal, MUTED)
        self.refusal.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(where_row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.caption)
        layout.addWidget(self.current)
        layout.addLayout(buttons)
        layout.addWidget(self.refusal)
        layout.addWidget(self.second_box)
        fit_to_screen(self, QSize(em(self) * 62, em(self) * 40))
        self.reload()

    # ---- building

    def _build_where_row(self) -> QHBoxLayout:
        """The backup folder and 打开备份文件夹."""
        self.where = QLabel()
        self.where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.where.setWordWrap(True)
        self.open_folder_button = QPushButton(OPEN_FOLDER)
        self.open_folder_button.clicked.connect(self.open_folder)
        where_row = QHBoxLayout()
        where_row.addWidget(self.where, 1)
        where_row.addWidget(self.open_folder_button)
        return where_row

    def _build_list(self) -> None:
        """The backups, newest first, and what the current database holds."""
        self.model = BackupsModel(self)
        self.table = record_view(self.model)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(COL_NEWEST, header.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_TIME, header.ResizeMode.ResizeToContents)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        on_open(self.table, self._open_row)
        self.caption = QLabel()
        tint(self.caption, MUTED)
        self.current = QLabel()
        self.current.setWordWrap(True)

    def _build_buttons(self) -> QHBoxLayout:
        """立即备份 and 备份到文件 on the left, the two ways to restore on the right."""
        self.backup_button = QPushButton(BACKUP_NOW)
        self.backup_button.clicked.connect(self.back_up_now)
        self.file_button = QPushButton(BACKUP_TO_FILE)
        self.file_button.clicked.connect(self.back_up_to_file)
        self.restore_button = QPushButton(RESTORE_SELECTED)
        self.restore_button.clicked.connect(self.restore_selected)
        self.restore_file_button = QPushButton(RESTORE_FROM_FILE)
        self.restore_file_button.clicked.connect(self.restore_from_file)
        buttons = QHBoxLayout()
        for button in (self.backup_button, self.file_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        for button in (self.restore_button, self.restore_file_button):
            buttons.addWidget(button)
        return buttons

    def _build_second_box(self) -> None:
        """第二备份位置: the folder every backup is copied to as well, and its state."""
        self.second_box = QGroupBox("第二备份位置（U盘、移动硬盘或网络共享）")
        self.second_path = QLabel()
        self.second_path.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.second_path.setWordWrap(True)
        self.second_state = QLabel()
        self.second_state.setWordWrap(True)
        self.choose_second_button = QPushButton(CHOOSE_SECOND)
        self.choose_second_button.clicked.connect(self.choose_second_folder)
        self.clear_second_button = QPushButton(CLEAR_SECOND)
        self.clear_second_button.clicked.connect(self.clear_second_folder)
        second_buttons = QHBoxLayout()
        second_buttons.addWidget(self.second_path, 1)
        second_buttons.addWidget(self.choose_second_button)
        second_buttons.addWidget(self.clear_second_button)
        second_layout = QVBoxLayout(self.second_box)
        second_layout.addLayout(second_buttons)
        second_layout.addWidget(self.second_state)
        second_layout.addWidget(hint_label(SECOND_NOTE))

    # ---- reading

    def reload(self) -> None:
        """Read the backup folder, the current database and the second folder again."""
        chosen = self.selected()
        key = chosen.key if chosen is not None else None
        self.where.setText(f"备份文件夹：{self.folder}")
        items = backup.list_backups(self.db_path)
        self.model.set_rows(items)
        if items:
            self.caption.setText(backup.summary(items) + "（最新的在最上面；双击一份即可恢复它）")
        else:
            self.caption.setText("还没有备份。点“立即备份”做第一份。")
        row = self.model.row_of(key) if key is not None else -1
        mark_row(self.table, row if row >= 0 else (0 if items else -1))
        self._show_current()
        self._show_second()
        self._update_buttons()

    def _show_current(self) -> None:
        try:
            now = backup.read_contents(self.db_path)
        except StorageError as exc:
            self.current.setText(f"现在的数据库：{unreadable(self.db_path, exc)}")
            tint(self.current, ERROR)
            return
        tint(self.current, None)
        newest = now.newest_case or "没有案件"
        self.current.setText(f"现在的数据库：案件 {now.cases} 件；最新登记：{newest}")

    def _second_folder(self) -> Path | None:
        if self.db is None:
            return None
        with self.db.reading():
            return backup.second_folder(self.db.conn)

    def _show_second(self) -> None:
        chosen = self._second_folder()
        self.clear_second_button.setEnabled(chosen is not None and self._allowed())
        if chosen is None:
            self.second_path.setText("未设置")
            self.second_state.clear()
            self.second_state.hide()
            return
        self.second_path.setText(str(chosen))
        problem = backup.folder_problem(chosen)
        if problem:
            self.second_state.setText(problem + "插上U盘（或连上网络共享）后，点“立即备份”。")
            tint(self.second_state, ERROR)
        else:
            copies = backup.listed(chosen)
            newest = f"，最新的是 {copies[0][0].when:%Y-%m-%d %H:%M} 的" if copies else ""
            self.second_state.setText(f"可以写入。那里有 {len(copies)} 份备份{newest}。")
            tint(self.second_state, SUCCESS)
        self.second_state.show()

    def selected(self) -> Listed | None:
        index = self.table.currentIndex()
        if not self.table.selectionModel().isSelected(index):
            return None
        return self.model.record_at(index)

    def _why_no_copy(self) -> str:
        """Why 备份到文件… is not for this user ("" when it is)."""
        if self.db is None:
            return ""
        if session.signed_in(self.db) is None:
            return _login_first(self.db)
        return session.why_not(self.db, "backup_to_file")

    def _allowed(self) -> bool:
        return not may_restore(self.db)

    def _update_buttons(self) -> None:
        busy = self.busy
        allowed = self._allowed()
        item = self.selected()
        writable = self.db is not None
        self.backup_button.setEnabled(not busy and writable)
        copy_refused = self._why_no_copy()
        self.file_button.setEnabled(not busy and writable and not copy_refused)
        self.file_button.setToolTip(copy_refused or FILE_TIP)
        self.restore_button.setEnabled(
            not busy and allowed and item is not None and item.contents is not None
        )
        self.restore_file_button.setEnabled(not busy and allowed)
        self.choose_second_button.setEnabled(not busy and allowed and writable)
        self.refusal.setText(may_restore(self.db))
        self.refusal.setVisible(not allowed)

    @property
    def busy(self) -> bool:
        return self.job is not None

    # ---- backing up

    def back_up_now(self) -> BackgroundJob | None:
        """立即备份: a checked backup in the backup folder (and the second folder)."""
        if self.busy:
            return None
        path = self.db_path

        def work(progress: Progress, cancelled: Callable[[], bool]) -> Made:
            return backup.make_backup_of(path, Kind.MANUAL, progress=progress, cancelled=cancelled)

        return self._run(work, "立即备份", self._backed_up)

    def _backed_up(self, made: object) -> None:
        assert isinstance(made, Made)
        self.reload()
        emit(self.backed_up, made)
        if made.second_problem:
            messages.warning(self, SECOND_TITLE, f"{made_text(made)}\n\n{made.second_problem}")
        else:
            messages.info(self, "备份已做好", made_text(made))

    def back_up_to_file(self) -> QWidget:
        """备份到文件…: a checked copy where the user chooses (outside the rota)."""
        return ask_save(
            self,
            "备份到文件",
            backup.suggested_name(),
            self.write_to_file,
            name_filter=BACKUP_FILTER,
            suffix="sqlite3",
        )

    def write_to_file(self, target: Path) -> BackgroundJob | None:
        if self.busy or self.db is None:
            return None
        path = self.db_path
        by = session.current_actor(self.db)

        def work(progress: Progress, cancelled: Callable[[], bool]) -> object:
            return backup.backup_to_file(
                path, target, by=by, progress=progress, cancelled=cancelled
            )

        def done(size: object) -> None:
            assert isinstance(size, int)
            messages.info(
                self,
                "备份已做好",
                f"备份已保存为“{target}”（{backup.size_text(size)}），已检查完整。\n"
                "这份备份不在自动备份的轮换里，不会被程序删除。",
            )

        return self._run(work, "备份到文件", done)

    # ---- restoring

    def _open_row(self, _index: object) -> None:
        self.restore_selected()

    def restore_selected(self) -> QWidget | None:
        item = self.selected()
        if item is None or item.contents is None or not self._allowed() or self.busy:
            return None
        when = f"{item.dated.when:%Y-%m-%d %H:%M} {item.dated.kind.label}"
        return self.ask_restore(item.path, when=when)

    def restore_from_file(self) -> QWidget | None:
        if not self._allowed() or self.busy:
            return None
        second = self._second_folder()
        dialog = ask_open(self, "选择要恢复的备份文件", self.ask_restore, name_filter=BACKUP_FILTER)
        start = second if second is not None and second.is_dir() else self.folder
        if start.is_dir():
            dialog.setDirectory(str(start))
        return dialog

    def ask_restore(self, path: Path, *, when: str = "") -> QWidget | None:
        """The preview (the backup's cases against the current ones), then the question."""
        try:
            chosen = backup.read_contents(path)
        except StorageError as exc:
            messages.warning(self, "不能用这个文件恢复", exc.message)
            return None
        current: Contents | None = None
        problem = ""
        try:
            current = backup.read_contents(self.db_path)
        except StorageError as exc:
            problem = unreadable(self.db_path, exc)
        if not when:  # a file picked anywhere: which one matters (which stick, which copy)
            dated = backup.parse_name(path.name)
            made = f"{dated.when:%Y-%m-%d %H:%M} {dated.kind.label}，" if dated else ""
            when = f"{made}文件“{path}”"
        return messages.confirm(
            self,
            RESTORE_TITLE,
            preview_text(chosen, current, problem, when=when),
            yes="恢复",
            no="取消",
            on_yes=lambda: self.start_restore(path),
        )

    def start_restore(self, source: Path) -> BackgroundJob | None:
        """Close what holds the database, restore off the GUI thread, open it again."""
        if self.busy:
            return None
        if self.before_restore is not None and not self.before_restore():
            return None
        if self.db is not None:
            self.db.close()
        path = self.db_path

        def work(progress: Progress, cancelled: Callable[[], bool]) -> Restored:
            return backup.restore(path, source, progress=progress, cancelled=cancelled)

        job = self._run(work, "恢复备份", self._restore_done, stopped=self._restore_stopped)
        # The connection is closed: nothing may reach any window until it is open again.
        if job.progress is not None:
            job.progress.setWindowModality(Qt.WindowModality.ApplicationModal)
            job.progress.setMinimumDuration(0)
            job.progress.show()
        return job

    def _reopen(self) -> bool:
        if self.db is None:
            return True
        try:
            reopen(self.db)
        except StorageError as exc:
            messages.show_storage_error(self, exc)
            return False
        return True

    def _restore_done(self, done: object) -> None:
        assert isinstance(done, Restored)
        self._reopen()
        self.reload()
        emit(self.restored, done)
        # The restored file has its own users and passwords: the program asks who it is
        # again (app/ui/main_window.py), and this window, which showed the old file, closes.
        then = "程序接着打开" if self.at_start else "请重新登录"
        box = messages.info(self, RESTORED_TITLE, f"{restored_text(done)}\n点“确定”后，{then}。")
        if box is None:
            self.close()
        else:
            box.finished.connect(lambda _result: self.close())

    def _restore_stopped(self) -> None:
        if self._reopen():
            self.reload()

    # ---- the second folder

    def choose_second_folder(self) -> QFileDialog | None:
        if self.db is None or not self._allowed():
            return None
        dialog = QFileDialog(self, "选择第二备份位置", str(last_folder()))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
        dialog.fileSelected.connect(lambda chosen: self.set_second_folder(Path(chosen)))
        dialog.open()
        return dialog

    def set_second_folder(self, folder: Path | None) -> bool:
        if self.db is None:
            return False
        try:
            backup.set_second_folder(self.db, folder)
        except StorageError as exc:
            messages.warning(self, SECOND_TITLE, exc.message)
            return False
        self._show_second()
        self._update_buttons()
        return True

    def clear_second_folder(self) -> None:
        self.set_second_folder(None)

    # ---- jobs

    def open_folder(self) -> None:
        missing = f"备份文件夹“{self.folder}”还没有建立：还没有做过备份。"
        show_folder(self, self.folder, OPEN_FOLDER, missing)

    def _run(
        self,
        work: Callable[[Progress, Callable[[], bool]], object],
        title: str,
        done: Callable[[object], None],
        *,
        stopped: Callable[[], None] | None = None,
    ) -> BackgroundJob:
        job = BackgroundJob(
            work,
            self,
            title=title,
            cancel_errors=(OperationCancelledError,),
            failure=f"{title}时出了错。详细情况已记入日志，请联系技术人员。",
            describe=describe_stage,
            first_label="正在准备…",
        )

        def finished(result: object) -> None:
            self.job = None
            self._update_buttons()
            done(result)

        def ended() -> None:
            self.job = None
            self._update_buttons()
            if stopped is not None:
                stopped()

        job.done.connect(finished)
        job.stopped.connect(ended)
        self.job = job
        self._update_buttons()
        job.start()
        return job

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.job is not None and self.job.is_running:
            # A restore or a backup runs on: closing would leave its result unseen.
            messages.info(self, TITLE, "正在备份或恢复，请等它做完再关闭这个窗口。")
            event.ignore()
            return
        super().closeEvent(event)


def open_backups(
    db: Database,
    parent: QWidget | None = None,
    *,
    before_restore: Callable[[], bool] | None = None,
) -> BackupWindow:
    assert db.path is not None
    window = BackupWindow(db, db.path, before_restore=before_restore, parent=parent)
    window.show()
    return window


def restore_at_start(exc: StorageError) -> Database | None:
    """The program's database did not open and its message says 从备份恢复 (an empty file,
    say): there is no main window yet, so the message itself offers 打开备份与恢复…, which
    then runs on its own. Once a backup is restored, the file is opened and returned; None
    when the user quit (or the restored file does not open either: told)."""
    from app.qt.core import QEventLoop

    path = exc.path
    assert path is not None
    answer: list[bool] = []
    box = messages.confirm(
        None,
        messages.STORAGE_ERROR_TITLE,
        exc.message,
        yes=messages.RESTORE_BUTTON,
        no="退出",
        on_yes=lambda: answer.append(True),
        on_no=lambda: answer.append(False),
    )
    if box is not None:
        loop = QEventLoop()
        box.finished.connect(loop.quit)
        loop.exec()
    if answer != [True]:
        return None
    return run_restore_at_start(path)


def run_restore_at_start(path: Path) -> Database | None:
    """备份与恢复 on its own, before the program's window, for the file at ``path`` that did
    not open (empty, damaged). The restored file opened, or None (closed without one)."""
    from app.qt.core import QEventLoop

    window = BackupWindow(None, path, at_start=True)
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    restored: list[object] = []
    window.restored.connect(restored.append)
    loop = QEventLoop()
    window.destroyed.connect(loop.quit)
    window.show()
    loop.exec()
    if not restored:
        return None
    try:
        return dbmod.connect(path)
    except StorageError as again:
        log.error("the restored database does not open: %s", again.message)
        told = messages.show_storage_error(None, again)
        if told is not None:
            wait = QEventLoop()
            told.finished.connect(wait.quit)
            wait.exec()
        return None


# --------------------------------------------------------------------------- automatic


@dataclass(frozen=True)
class _Failed:
    message: str


class AutoBackups(QObject):
    """The main window's automatic backups: :meth:`start_of_day` (once the window shows)
    and :meth:`at_quit` (when it closes). ``open_window()`` opens 备份与恢复 (offered with
    a failure)."""

    def __init__(
        self,
        db: Database,
        window: QMainWindow,
        *,
        today: Callable[[], date] = date.today,
    ) -> None:
        super().__init__(window)
        self.db = db
        self.window = window
        self._today = today
        self.job: BackgroundJob | None = None
        self._quit_done = False
        self._waiting: Callable[[], object] | None = None  # a quit waiting for the daily backup
        self.label = QLabel()
        self.label.hide()
        window.statusBar().insertPermanentWidget(0, self.label)

    @property
    def is_running(self) -> bool:
        return self.job is not None

    def _now(self) -> datetime:
        """Now, on the window's day (the program's clock; a test's fixed day)."""
        return datetime.combine(self._today(), datetime.now().time())

    def _may_back_up(self) -> bool:
        db = self.db
        if not db.is_open or db.path is None or getattr(db, "read_only", False):
            return False
        if getattr(db, "integrity", "") == "damaged" or dbmod.is_damaged(db.path):
            return False
        try:
            return office.is_set_up(db)
        except StorageError:
            return False

    # ---- the day's first start

    def start_of_day(self) -> BackgroundJob | None:
        """The day's backup, when none was made today (in the background; the status bar
        says so). A failure is told in a box."""
        if self.job is not None or not self._may_back_up():
            return None
        assert self.db.path is not None
        path = self.db.path
        now = self._now()
        if not backup.daily_due(path, now.date()):
            return None

        def work(progress: Progress, cancelled: Callable[[], bool]) -> Made:
            return backup.make_backup_of(
                path, Kind.DAILY, now=now, progress=progress, cancelled=cancelled
            )

        job = BackgroundJob(
            work,
            self.window,
            title=DAILY_FAILED_TITLE,
            cancel_errors=(OperationCancelledError,),
            failure="今天的自动备份时出了错。详细情况已记入日志，请联系技术人员；"
            "也可以在“设置”→“备份与恢复”中点“立即备份”再试。",
            failure_title=DAILY_FAILED_TITLE,
            show_progress=False,
        )
        job.worker.progress.connect(self._show_progress)
        job.done.connect(self._daily_done)
        job.stopped.connect(self._daily_over)
        self.job = job
        self.label.setText("正在做今天的自动备份…")
        self.label.show()
        job.start()
        return job

    def _show_progress(self, n: int, total: int, stage: str) -> None:
        if self.job is not None:
            self.label.setText(f"今天的自动备份：{describe_stage(n, total, stage)}")

    def _daily_done(self, made: object) -> None:
        assert isinstance(made, Made)
        self._daily_over()
        self.window.statusBar().showMessage(
            f"今天的自动备份已做好：{made.path.name}（{backup.size_text(made.size)}）。", 15000
        )
        if made.second_problem:
            messages.warning(self.window, SECOND_TITLE, made.second_problem)

    def _daily_over(self) -> None:
        self.job = None
        self.label.hide()
        waiting, self._waiting = self._waiting, None
        if waiting is not None:
            waiting()

    # ---- quitting

    def at_quit(self, proceed: Callable[[], object], stay: Callable[[], object]) -> bool:
        """When the database changed since its newest backup, back it up before the
        program closes and return True: ``proceed()`` is called when it is done (or failed
        and the user chose to quit all the same), ``stay()`` when the user chose not to
        quit. False: nothing to wait for, close now."""
        if self._quit_done or not self._may_back_up():
            return False
        if self.job is not None:  # the day's backup is still being made: after it
            self._waiting = lambda: self._after_daily(proceed, stay)
            return True
        return self._quit_backup(proceed, stay)

    def _after_daily(self, proceed: Callable[[], object], stay: Callable[[], object]) -> None:
        if not self._quit_backup(proceed, stay):
            self._finish(proceed)

    def _quit_backup(self, proceed: Callable[[], object], stay: Callable[[], object]) -> bool:
        assert self.db.path is not None
        path = self.db.path
        try:
            with self.db.reading():
                changed = backup.changed_since_backup(self.db.conn, path)
        except StorageError as exc:
            log.warning("changes since the last backup not read: %s", exc.message)
            changed = True
        if not changed:
            log.info("no changes since the newest backup: none made at quit")
            return False

        now = self._now()

        def work(progress: Progress, cancelled: Callable[[], bool]) -> Made | _Failed:
            try:
                return backup.make_backup_of(
                    path, Kind.QUIT, now=now, progress=progress, cancelled=cancelled
                )
            except StorageError as exc:
                return _Failed(exc.message)

        job = BackgroundJob(
            work,
            self.window,
            title=QUIT_TITLE,
            cancel_errors=(OperationCancelledError,),
            failure="退出前备份时出了错。详细情况已记入日志，请联系技术人员。",
            describe=describe_stage,
            first_label="正在备份，请稍候…",
        )
        job.done.connect(lambda result: self._quit_done_with(result, proceed, stay))
        job.stopped.connect(lambda: self._stopped_at_quit(job, proceed))
        self.job = job
        job.start()
        return True

    def _quit_done_with(
        self, result: object, proceed: Callable[[], object], stay: Callable[[], object]
    ) -> None:
        self.job = None
        if isinstance(result, _Failed):
            messages.confirm(
                self.window,
                QUIT_FAILED_TITLE,
                f"{result.message}\n\n数据库本身已经保存好了，不受影响；只是这次没有新的备份。",
                yes="仍然退出",
                no="不退出",
                on_yes=lambda: self._finish(proceed),
                on_no=stay,
            )
            return
        assert isinstance(result, Made)
        if result.second_problem:
            box = messages.warning(self.window, SECOND_TITLE, result.second_problem)
            if box is not None:
                box.finished.connect(lambda _r: self._finish(proceed))
                return
        self._finish(proceed)

    def _stopped_at_quit(self, job: BackgroundJob, proceed: Callable[[], object]) -> None:
        if self.job is job:  # cancelled (a failure is a result here): quit without it
            self.job = None
            log.warning("the backup at quit was cancelled")
            self._finish(proceed)

    def _finish(self, proceed: Callable[[], object]) -> None:
        self._quit_done = True
        QTimer.singleShot(0, self.window, proceed)

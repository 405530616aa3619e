"""同步: the office PC and a field laptop hand each other one file on a USB stick.

Two things, each a button: 合并同步文件… (choose the .mdsync file the other side wrote; the
dialog says what it is before asking for the passphrase, then merges it off the GUI thread,
all or nothing, with progress and 取消, and says what came in) and 生成同步文件… (the office
chooses which laptop it is for; a laptop's file always goes to the office PC that prepared
it; the passphrase twice, then where to save it). A file that must not be merged (another
office's, an older one, the wrong passphrase, a damaged copy) is told in the model's words
and the database stays as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from app.models import backup
from app.models.db import Database, StorageError
from app.models.errors import OperationCancelledError
from app.models.sync import exchange, files, package
from app.models.sync.exchange import Applied, NothingNew
from app.qt.core import QSize, Qt, Signal
from app.qt.widgets import (
    QComboBox,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from app.ui import messages
from app.ui.backup_window import describe_stage
from app.ui.cases.widgets import current_actor, em, fit_to_screen, grow_to_fit, hint_label
from app.ui.file_dialogs import ask_open, ask_save
from app.ui.jobs import BackgroundJob, Progress, counting, worker_database
from app.ui.look import Heading
from app.ui.signals import emit
from app.ui.sync.common import (
    SYNC_FILTER,
    SYNC_SUFFIX,
    PassphraseDialog,
    block_lines,
    dated_name,
    file_size,
    local_time,
    open_device_name,
)

TITLE = "同步"
MERGE_TITLE = "合并同步文件"
WRITE_TITLE = "生成同步文件"
CONFLICTS_PATH = "同步 → 冲突处理…"
MAX_RENUMBERED = 8  # provisional numbers listed one by one; the rest are counted


class SyncDialog(QDialog):
    """``merged(Applied)`` after a file was merged, ``written(Written)`` after one was made;
    ``work_over()`` after every merge or write, done or not (a laptop's cancelled write has
    closed its number blocks all the same: the status line must read them again)."""

    merged = Signal(object)
    written = Signal(object)
    work_over = Signal()

    def __init__(
        self,
        db: Database,
        parent: QWidget | None = None,
        *,
        today: Callable[[], date] = date.today,
        conflicts: Callable[[], object] | None = None,
    ) -> None:
        super().__init__(parent)
        self.db = db
        self._today = today
        self._open_conflicts = conflicts  # 冲突处理…, offered after a merge that made some
        self.job: BackgroundJob | None = None
        self.working = False
        self.setWindowTitle(TITLE)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        with db.reading():
            self.me = exchange.this_device(db.conn)

        self.who = QLabel()
        self.who.setWordWrap(True)
        self.who.setTextFormat(Qt.TextFormat.PlainText)
        self.rename_button = QPushButton("本机名称(&N)…")
        self.rename_button.setAutoDefault(False)
        self.rename_button.clicked.connect(self.rename)
        who_row = QHBoxLayout()
        who_row.addWidget(self.who, 1)
        who_row.addWidget(self.rename_button, 0, Qt.AlignmentFlag.AlignTop)
        intro = hint_label(
            "同步文件用U盘在办公室电脑和外出笔记本之间带来带去：一台电脑生成，另一台合并。"
            "文件是加密的，两台电脑要输入同一个同步口令。"
        )

        self.merge_button = QPushButton("合并同步文件(&M)…")
        self.merge_button.setAutoDefault(False)
        self.merge_button.clicked.connect(self.choose_merge_file)
        merge_note = hint_label(
            "把对方生成的同步文件（.mdsync）合并进本机：要么全部合并，要么一点不改。"
        )

        self.peer = QComboBox()
        self.peer_note = QLabel()
        self.peer_note.setWordWrap(True)
        self.peer_note.setTextFormat(Qt.TextFormat.PlainText)
        self.write_button = QPushButton("生成同步文件(&W)…")
        self.write_button.setAutoDefault(False)
        self.write_button.clicked.connect(self.ask_write_passphrase)
        write_note = hint_label(
            "本机有、而对方还没有的改动写进文件；带到对方电脑上，用“合并同步文件…”合并。"
        )

        self.close_button = QPushButton("关闭")
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addLayout(who_row)
        layout.addWidget(intro)
        layout.addWidget(_line())
        layout.addWidget(Heading("带回来的文件：合并"))
        layout.addWidget(merge_note)
        layout.addWidget(self.merge_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(_line())
        layout.addWidget(Heading("带过去的文件：生成"))
        layout.addWidget(self.peer_note)
        layout.addWidget(self.peer)
        layout.addWidget(write_note)
        layout.addWidget(self.write_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.show_state()
        self.merge_button.setFocus()
        fit_to_screen(self, QSize(em(self) * 40, self.sizeHint().height() + em(self) * 2))

    # ---- what is shown

    def show_state(self) -> None:
        """本机 and the other side, read again (after a merge or a rename)."""
        with self.db.reading():
            self.me = me = exchange.this_device(self.db.conn)
            home = exchange.device_name(self.db.conn, me.home) if me.home else "办公室电脑"
        if me.role == "field":
            self.who.setText(f"本机：{me.name}（外出笔记本，由“{home}”准备）")
            self.peer_note.setText(f"本机的同步文件给准备本机的办公室电脑“{home}”。")
            self.peer.hide()
            self.write_button.setEnabled(me.home is not None)
            return
        self.who.setText(f"本机：{me.name or '（还没有名称）'}")
        current = self.peer.currentData()
        self.peer.clear()
        for device, name, last_in, last_out in self.laptops():
            when = f"上次合并它的文件：{local_time(last_in)}" if last_in else "还没有合并过它的文件"
            if last_out:
                when += f"；上次给它文件：{local_time(last_out)}"
            self.peer.addItem(f"{name}（{when}）", device)
        if current is not None and self.peer.findData(current) >= 0:
            self.peer.setCurrentIndex(self.peer.findData(current))
        if self.peer.count():
            self.peer_note.setText("给哪台笔记本：")
        else:
            self.peer_note.setText(
                "还没有准备过外出笔记本。请先用“同步 → 准备外出笔记本…”为笔记本生成外出准备文件。"
            )
        self.peer.setVisible(self.peer.count() > 0)
        self.write_button.setEnabled(self.peer.count() > 0)

    def laptops(self) -> list[tuple[str, str, str | None, str | None]]:
        """The field laptops this office prepared: (device, name, last merged, last written)."""
        return [
            (str(r[0]), str(r[1]) or "未命名的笔记本", r[2], r[3])
            for r in self.db.query(
                "SELECT d.id, d.name, p.last_in_at, p.last_out_at FROM devices d "
                "LEFT JOIN sync_peers p ON p.device = d.id WHERE d.role = 'field' "
                "ORDER BY d.created_at, d.name"
            )
        ]

    def receiver(self) -> tuple[str | None, str]:
        """The installation the file is for: (device, name)."""
        if self.me.role == "field":
            home = self.me.home
            if not home:
                return home, "办公室电脑"
            with self.db.reading():
                return home, exchange.device_name(self.db.conn, home)
        device = self.peer.currentData()
        if device is None:
            return None, ""
        with self.db.reading():
            return str(device), exchange.device_name(self.db.conn, str(device))

    def rename(self) -> QDialog:
        dialog = open_device_name(self.db, self)
        dialog.named.connect(lambda _name: self.show_state())
        return dialog

    # ---- merging

    def choose_merge_file(self) -> QWidget:
        return ask_open(self, "选择要合并的同步文件", self.merge_file, name_filter=SYNC_FILTER)

    def merge_file(self, path: Path) -> PassphraseDialog | None:
        """What the file is (from its clear header), then the passphrase; None when the file
        cannot be merged here (told at once, before any passphrase)."""
        try:
            header = package.peek(path)
        except package.SyncFileError as exc:
            messages.warning(self, MERGE_TITLE, exc.message)
            return None
        if header.kind != "sync":
            messages.warning(
                self,
                MERGE_TITLE,
                f"“{path.name}”是外出准备文件，不是同步文件。外出准备文件只在新装的笔记本上"
                "第一次打开程序时使用；同步时请选择对方生成的 .mdsync 同步文件。",
            )
            return None
        if header.office_id != self.me.office_id:
            messages.warning(
                self,
                MERGE_TITLE,
                f"同步文件“{path.name}”来自另一个单位的数据库，不能合并到这里，本机数据没有改动。"
                "请确认选择的是本单位办公室电脑或本单位外出笔记本生成的文件。",
            )
            return None
        about = (
            f"同步文件“{path.name}”\n"
            f"生成于 {local_time(header.created_at)}，大小 {file_size(header.size)}。\n"
            "请输入同步口令。合并要么全部完成，要么本机数据一点不改。"
        )
        dialog = PassphraseDialog(self.db, MERGE_TITLE, about, self, twice=False, save_text="合并")
        dialog.entered.connect(lambda passphrase: self.merge(path, passphrase))
        dialog.open()
        return dialog

    def merge(self, path: Path, passphrase: str) -> BackgroundJob:
        """apply_sync off the GUI thread, with progress and 取消."""
        db_path = self._db_path()
        by = current_actor(self.db)  # read here: the worker has its own connection

        def work(progress: Progress, cancelled: Callable[[], bool]) -> Applied | NothingNew:
            count = counting(progress)
            with worker_database(db_path) as database:
                try:
                    return files.apply_sync(
                        database,
                        path,
                        passphrase=passphrase,
                        by=by,
                        progress=count,
                        cancelled=cancelled,
                        # A checked backup before the merge writes (docs/backup.md).
                        before_merge=lambda: backup.before_change(
                            database.conn,
                            db_path,
                            backup.Kind.SYNC,
                            progress=progress,
                            cancelled=cancelled,
                        ),
                    )
                except NothingNew as exc:  # not a failure: everything is here already
                    return exc

        return self._run(
            work,
            MERGE_TITLE,
            "合并同步文件时出了错，本机数据没有改动。详细情况已记入日志，请联系技术人员。",
            _describe_merge,
            self._merged,
        )

    def _merged(self, result: object) -> None:
        if isinstance(result, NothingNew):
            messages.info(self, "不用合并", result.message)
            return
        assert isinstance(result, Applied)
        self.show_state()
        emit(self.merged, result)
        if result.conflicts and self._open_conflicts is not None:
            messages.confirm(
                self,
                "同步文件已合并",
                merged_text(result),
                yes="现在处理冲突…",
                no="以后再处理",
                on_yes=self._open_conflicts,
            )
        else:
            messages.info(self, "同步文件已合并", merged_text(result))

    # ---- writing

    def ask_write_passphrase(self) -> PassphraseDialog | None:
        to, to_name = self.receiver()
        if to is None:
            return None
        about = f"生成给“{to_name}”的同步文件。请输入同步口令（两遍），然后选择保存位置（如U盘）。"
        dialog = PassphraseDialog(self.db, WRITE_TITLE, about, self, twice=True, save_text="下一步")
        dialog.entered.connect(lambda passphrase: self.choose_target(to, to_name, passphrase))
        dialog.open()
        return dialog

    def choose_target(self, to: str, to_name: str, passphrase: str) -> QWidget:
        name = dated_name(
            "同步", self.me.name, "给", to_name, suffix=SYNC_SUFFIX, today=self._today()
        )
        return ask_save(
            self,
            "保存同步文件",
            name,
            lambda path: self.write(path, to, passphrase),
            name_filter=SYNC_FILTER,
            suffix=SYNC_SUFFIX,
        )

    def write(self, path: Path, to: str, passphrase: str) -> BackgroundJob:
        """write_sync off the GUI thread, with progress and 取消."""
        db_path = self._db_path()
        by = current_actor(self.db)

        def work(progress: Progress, cancelled: Callable[[], bool]) -> files.Written:
            count = counting(progress)
            with worker_database(db_path) as database:
                return files.write_sync(
                    database,
                    path,
                    passphrase=passphrase,
                    to=to,
                    by=by,
                    progress=count,
                    cancelled=cancelled,
                )

        return self._run(
            work,
            WRITE_TITLE,
            "生成同步文件时出了错，没有生成文件。详细情况已记入日志，请联系技术人员。",
            _describe_write,
            self._written,
        )

    def _written(self, result: object) -> None:
        assert isinstance(result, files.Written)
        self.show_state()
        messages.info(self, "同步文件已生成", written_text(result, self.me.role))
        emit(self.written, result)

    # ---- the background work

    def _db_path(self) -> Path:
        assert self.db.path is not None, "同步 needs a database file"
        return self.db.path

    def _run(
        self,
        work: Callable[[Progress, Callable[[], bool]], object],
        title: str,
        failure: str,
        describe: Callable[[int, int, str], str],
        on_done: Callable[[object], None],
    ) -> BackgroundJob:
        job = BackgroundJob(
            work,
            self,
            title=title,
            cancel_errors=(OperationCancelledError,),
            failure=failure,
            describe=describe,
        )
        job.done.connect(on_done)
        job.done.connect(self._job_over)
        job.stopped.connect(self._job_over)
        self.job = job
        self.working = True
        for button in (self.merge_button, self.write_button, self.rename_button):
            button.setEnabled(False)
        job.start()
        return job

    def _job_over(self, *_result: object) -> None:
        self.working = False
        self.merge_button.setEnabled(True)
        self.rename_button.setEnabled(True)
        self.show_state()
        grow_to_fit(self)
        emit(self.work_over)

    def reject(self) -> None:
        if self.working and self.job is not None:
            self.job.cancel()  # the progress dialog says 正在取消…; nothing is changed
            return
        super().reject()


def merged_text(applied: Applied) -> str:
    who = f"“{applied.from_name}”" if applied.from_name else "对方"
    lines = [f"已合并{who}的同步文件。"]
    if applied.new_changes == 0:
        lines.append("文件里的改动本机都已经有了，数据没有变化。")
    else:
        known = f"（另有 {applied.known_changes} 条本机已经有了）" if applied.known_changes else ""
        lines.append(
            f"· 新的改动 {applied.new_changes} 条{known}，涉及 {applied.cases_touched} 件案件。"
        )
    if applied.conflicts:
        lines.append(
            f"· {applied.conflicts} 处冲突：两台电脑都改了同一项，暂时保留较晚的改动，"
            f"另一个值也记下了。请在“{CONFLICTS_PATH}”中逐一确认。"
        )
    if applied.renumbered:
        lines.append(f"· {len(applied.renumbered)} 件案件的临时编号换成了正式案号：")
        for provisional, real in applied.renumbered[:MAX_RENUMBERED]:
            lines.append(f"    {provisional} → {real}")
        if len(applied.renumbered) > MAX_RENUMBERED:
            lines.append(f"    ……还有 {len(applied.renumbered) - MAX_RENUMBERED} 件")
        lines.append("  笔记本上打印过的文书用的是临时编号，请按正式案号改过来。")
    if applied.numbers_returned:
        lines.append(f"· 收回笔记本没用完的案号 {applied.numbers_returned} 个，办公室接着用。")
    if applied.cases_received:
        lines.append(f"· {applied.cases_received} 件案件改到了本机带的村（社区），已整件收到本机。")
    if applied.cases_dropped:
        lines.append(
            f"· {applied.cases_dropped} 件案件已改到本机没有带的村（社区），已从本机移除；"
            "本机对它们做过的修改仍会随下次的同步文件交给办公室。"
        )
    if applied.kept_in_use:
        lines.append(
            f"· 对方删除的 {applied.kept_in_use} 条记录在本机还有案件等在用，没有删除，"
            f"已列入“{CONFLICTS_PATH}”。"
        )
    return "\n".join(lines)


def written_text(written: files.Written, role: str) -> str:
    to = f"“{written.to_name}”" if written.to_name else "对方"
    changes = f"含 {written.changes} 条改动" if written.changes else "本机没有对方还没有的改动"
    lines = [
        f"已生成给{to}的同步文件（{file_size(written.size)}，{changes}），保存到：",
        str(written.path),
    ]
    if written.new_blocks:
        lines += ["", "随文件发给笔记本的正式案号："]
        lines.extend(f"· {line}" for line in block_lines(written.new_blocks))
    if role == "field":
        lines += [
            "",
            "本机没用完的案号已随文件交回办公室；合并办公室回给本机的同步文件后，"
            "会收到新的案号。在这之前受理的案件用临时编号。",
        ]
    lines += ["", f"下一步：把文件带到{to}上，在“同步”中点“合并同步文件…”合并。"]
    return "\n".join(lines)


def _describe_merge(n: int, total: int, what: str) -> str:
    if what in backup.STAGES:  # the 同步前 backup (docs/backup.md)
        return describe_stage(n, total, what)
    if not total:
        return "正在读取同步文件…"
    # The first half of the bar is checking every chunk of the file, the second the merge.
    return "正在检查同步文件…" if n * 2 < total else "正在合并…"


def _describe_write(n: int, total: int, _what: str) -> str:
    if not total:
        return "正在整理本机的改动…"
    return f"正在写入同步文件：{n} / {total} 条改动"


def _line() -> QFrame:
    line = QFrame()
    line.setFrameShape(QFrame.Shape.HLine)
    line.setFrameShadow(QFrame.Shadow.Sunken)
    return line


def open_sync(
    db: Database,
    parent: QWidget | None = None,
    *,
    today: Callable[[], date] = date.today,
    changed: Callable[[], object] | None = None,
    conflicts: Callable[[], object] | None = None,
) -> QDialog | None:
    """同步…: the dialog, opened (non-blocking). An installation without a name is asked for
    one first (then the dialog follows). ``changed`` is called after each merge and each
    file written, done or not (the laptop's numbers change then too); ``conflicts`` opens
    冲突处理, offered after a merge that listed some. None when the database cannot be read."""

    def show() -> SyncDialog:
        dialog = SyncDialog(db, parent, today=today, conflicts=conflicts)
        if changed is not None:
            dialog.work_over.connect(changed)
        dialog.open()
        return dialog

    try:
        with db.reading():
            named = bool(exchange.this_device(db.conn).name)
        if not named:
            asked = open_device_name(db, parent, asked=True)
            asked.named.connect(lambda _name: show())
            return asked
        return show()
    except StorageError as exc:
        messages.show_storage_error(parent, exc)
        return None

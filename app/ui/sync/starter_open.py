"""打开外出准备文件: a newly installed laptop becomes a field laptop.

First run on the laptop: the set-up dialog (or the page shown when it was closed, or
``python -m app --starter FILE``) offers the starter file the office wrote. The file is
described from its clear header, the passphrase asked for; then the program's own
connection to its (empty) database is closed, :func:`app.models.sync.files.open_starter`
puts the laptop's database in its place off the GUI thread (progress, 取消), and the file is
opened again on the same :class:`Database` object, so every window reads the laptop's cases.
Whatever happens, the connection is opened again; a refusal (the database already has
cases, the wrong passphrase, a damaged file) leaves the old database as it was and says why.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.models.db import Database, StorageError
from app.models.errors import OperationCancelledError
from app.models.sync import files, package
from app.models.sync.scope import Scope
from app.qt.core import QObject, Signal
from app.qt.widgets import QWidget
from app.ui import messages
from app.ui.file_dialogs import ask_open
from app.ui.jobs import BackgroundJob, Progress, counting
from app.ui.signals import emit
from app.ui.sync.common import (
    STARTER_FILTER,
    PassphraseDialog,
    block_lines,
    file_size,
    local_time,
    reopen,
)

TITLE = "打开外出准备文件"


class StarterOpener(QObject):
    """One go at opening a starter file over ``parent``: ``opened(manifest)`` when this
    installation now is the field laptop, ``stopped()`` when not (cancelled, refused)."""

    opened = Signal(object)
    stopped = Signal()

    def __init__(self, db: Database, parent: QWidget) -> None:
        super().__init__(parent)
        self.db = db
        self.parent_widget = parent
        self.job: BackgroundJob | None = None

    def start(self, path: Path | None = None) -> QWidget | None:
        """Choose the file (or take ``path``), then the passphrase."""
        if path is not None:
            return self.open_file(path)
        chosen: list[Path] = []

        def picked(path: Path) -> None:
            chosen.append(path)
            self.open_file(path)

        dialog = ask_open(
            self.parent_widget, "选择外出准备文件", picked, name_filter=STARTER_FILTER
        )
        dialog.finished.connect(lambda _result: None if chosen else emit(self.stopped))
        return dialog

    def open_file(self, path: Path) -> PassphraseDialog | None:
        try:
            header = package.peek(path)
        except package.SyncFileError as exc:
            self._refused(exc.message)
            return None
        if header.kind != "starter":
            self._refused(
                f"“{path.name}”是同步文件，不是外出准备文件。设置外出笔记本要用办公室电脑"
                "“准备外出笔记本”生成的 .mdstart 文件。"
            )
            return None
        about = (
            f"外出准备文件“{path.name}”\n"
            f"由办公室电脑生成于 {local_time(header.created_at)}，大小 {file_size(header.size)}。\n"
            "请输入办公室告诉您的同步口令。打开后，本机就是这个文件里写明的外出笔记本。"
        )
        dialog = PassphraseDialog(
            self.db, TITLE, about, self.parent_widget, twice=False, save_text="打开"
        )
        dialog.entered.connect(lambda passphrase: self.run(path, passphrase))
        dialog.rejected.connect(lambda: emit(self.stopped))
        dialog.open()
        return dialog

    def _refused(self, message: str) -> None:
        messages.warning(self.parent_widget, TITLE, message)
        emit(self.stopped)

    def run(self, path: Path, passphrase: str) -> BackgroundJob | None:
        """Close the program's connection, unpack the laptop's database over the file, and
        open it again (the old file again when anything went wrong)."""
        if self.db.path is None:  # pragma: no cover - the program always works on a file
            raise ValueError("a starter file needs a database file")
        target = self.db.path
        self.db.close()

        def work(progress: Progress, cancelled: Callable[[], bool]) -> dict[str, Any]:
            return files.open_starter(
                path,
                target,
                passphrase=passphrase,
                progress=counting(progress),
                cancelled=cancelled,
            )

        job = BackgroundJob(
            work,
            self.parent_widget,
            title=TITLE,
            cancel_errors=(OperationCancelledError,),
            failure="打开外出准备文件时出了错，本机数据没有改动。详细情况已记入日志，请联系技术人员。",
            describe=_describe,
            first_label="正在检查外出准备文件…",
        )
        # The connection is closed: nothing may reach the main window until it is open
        # again, so the progress dialog (window-modal) shows at once, not after a moment.
        if job.progress is not None:
            job.progress.setMinimumDuration(0)
            job.progress.show()
        job.done.connect(self._done)
        job.stopped.connect(self._failed)
        self.job = job
        job.start()
        return job

    def _reopen(self) -> bool:
        try:
            reopen(self.db)
        except StorageError as exc:
            messages.show_storage_error(self.parent_widget, exc)
            return False
        return True

    def _done(self, manifest: object) -> None:
        assert isinstance(manifest, dict)
        if not self._reopen():
            emit(self.stopped)
            return
        emit(self.opened, manifest)

    def _failed(self) -> None:
        self._reopen()
        emit(self.stopped)


def opened_text(manifest: dict[str, Any]) -> str:
    """What the laptop now holds, for the message after the starter file was opened."""
    name = str(manifest.get("name") or "外出笔记本")
    office_pc = str(manifest.get("from_name") or "办公室电脑")
    scope = Scope.from_json(str(manifest.get("scope") or ""))
    lines = [
        f"本机现在是外出笔记本“{name}”，由“{office_pc}”准备。",
        f"带来 {int(manifest.get('cases') or 0)} 件案件"
        + ("（全部村、社区）" if scope.everything else "（所选的村、社区）")
        + "，以及村居档案、宣传内容和协议条款模板。",
    ]
    blocks = [tuple(b) for b in manifest.get("blocks") or []]
    if blocks:
        lines.append("本机可用的正式案号：")
        lines.extend(
            f"· {line}"
            for line in block_lines([(str(c), int(y), int(f), int(t)) for c, y, f, t in blocks])
        )
    else:
        lines.append("本机没有正式案号：受理的案件先用临时编号，回办公室合并时换成正式案号。")
    lines += [
        "",
        "回到办公室后，在“同步”菜单中生成同步文件，拿到办公室电脑上合并；"
        "再把办公室电脑生成的同步文件合并到本机。",
    ]
    return "\n".join(lines)


def _describe(n: int, total: int, _what: str) -> str:
    if not total:
        return "正在检查外出准备文件…"
    return "正在检查外出准备文件…" if n * 2 < total else "正在打开笔记本的数据…"

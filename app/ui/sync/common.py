"""What the 同步 dialogs share: the sync passphrase fields and their checks, the small
dialogs asking for a passphrase or this computer's name, and how files, sizes, times and
number blocks are written for the user.

The passphrase is never stored (not in the database, not in the settings): it is typed for
every file written or read, and kept only as long as the work that needs it.
"""

from __future__ import annotations

from datetime import date

from app.models import db as dbmod
from app.models.db import Database
from app.models.errors import ValidationError
from app.models.sync import exchange, package
from app.qt.core import Qt, Signal
from app.qt.gui import QKeyEvent
from app.qt.widgets import QCheckBox, QLineEdit, QWidget
from app.ui.cases.service_dialog import ServiceDialog
from app.ui.cases.widgets import Problem, current_actor, hint_label, inline_row, require
from app.ui.signals import emit

SYNC_FILTER = "同步文件 (*.mdsync)"
STARTER_FILTER = "外出准备文件 (*.mdstart)"
SYNC_SUFFIX = package.SYNC_SUFFIX.lstrip(".")
STARTER_SUFFIX = package.STARTER_SUFFIX.lstrip(".")

MIN_PASSPHRASE = 6
PASSPHRASE_FIELD = "同步口令"
REPEAT_FIELD = "再输一遍"
PASSPHRASE_NOTE = (
    "两台电脑每次生成或合并同步文件都要输入同一个同步口令（文件用它加密）。"
    f"至少 {MIN_PASSPHRASE} 个字符；本程序不保存口令，请记住它，当面告诉带笔记本的同事，"
    "不要写在U盘上。"
)
DEFAULT_OFFICE_NAME = "办公室电脑"
NAME_FIELD = "本机名称"
NAME_NOTE = "同步文件上写明是哪台电脑生成的，例如“办公室电脑”“周玉梅的笔记本”。"


# --------------------------------------------------------------------------- passphrase


def passphrase_line() -> QLineEdit:
    line = QLineEdit()
    line.setEchoMode(QLineEdit.EchoMode.Password)
    line.setMaxLength(200)
    return line


def show_toggle(*lines: QLineEdit) -> QCheckBox:
    """显示口令: the typed passphrase in clear (a field laptop has no one looking over)."""
    box = QCheckBox("显示口令")

    def toggled(on: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if on else QLineEdit.EchoMode.Password
        for line in lines:
            line.setEchoMode(mode)

    box.toggled.connect(toggled)
    return box


def passphrase_problems(first: str, second: str | None) -> list[ValidationError]:
    """What is wrong with a passphrase typed to write a file (``second``: typed again) or,
    with ``second`` None, to read one (then only an empty one is wrong)."""
    found: list[ValidationError] = []
    if not first:
        found.append(ValidationError(PASSPHRASE_FIELD, "请填写同步口令。"))
    elif second is not None:
        if len(first) < MIN_PASSPHRASE:
            found.append(
                ValidationError(
                    PASSPHRASE_FIELD,
                    f"同步口令至少要 {MIN_PASSPHRASE} 个字符（现在是 {len(first)} 个）。",
                )
            )
        elif first != first.strip():
            found.append(
                ValidationError(
                    PASSPHRASE_FIELD, "同步口令的开头和结尾不能是空格：在另一台电脑上很难输对。"
                )
            )
    if second is not None and first and not found and second != first:
        found.append(
            ValidationError(REPEAT_FIELD, "两次输入的同步口令不一样，请在这里再输一遍同步口令。")
        )
    return found


class PassphraseDialog(ServiceDialog):
    """Asks for the sync passphrase (twice when a file is written); ``entered(passphrase)``.

    ``about`` says which file and what happens next; nothing is done here but the checks.
    """

    entered = Signal(str)

    def __init__(
        self,
        db: Database,
        title: str,
        about: str,
        parent: QWidget | None = None,
        *,
        twice: bool,
        save_text: str,
    ) -> None:
        super().__init__(db, title, parent, save_text=save_text, intro=about, width_em=34)
        self.twice = twice
        self.passphrase = passphrase_line()
        self.repeat = passphrase_line() if twice else None
        require(self.add_row(PASSPHRASE_FIELD, self.passphrase))
        lines = [self.passphrase]
        if self.repeat is not None:
            require(self.add_row(REPEAT_FIELD, self.repeat))
            lines.append(self.repeat)
        self.form.addRow("", show_toggle(*lines))
        note = PASSPHRASE_NOTE if twice else "输入生成这个文件时用的同步口令（办公室统一的口令）。"
        self.form.addRow("", hint_label(note))

    def problems(self) -> list[Problem]:
        found = super().problems()
        if found:
            return found
        return [
            self.errors.problem(p)
            for p in passphrase_problems(
                self.passphrase.text(), self.repeat.text() if self.repeat is not None else None
            )
        ]

    def is_dirty(self) -> bool:
        return False  # a passphrase is typed again in a moment: never ask before closing

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Enter in the (last) passphrase field goes on at once, as in any password prompt.
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        plain = (event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier) == (
            Qt.KeyboardModifier.NoModifier
        )
        last = self.repeat if self.repeat is not None else self.passphrase
        if enter and plain and self.focusWidget() is last:
            self.save()
            return
        if enter and plain and self.focusWidget() is self.passphrase and self.repeat is not None:
            self.repeat.setFocus(Qt.FocusReason.TabFocusReason)
            return
        super().keyPressEvent(event)

    def submit(self) -> None:
        emit(self.entered, self.passphrase.text())


# --------------------------------------------------------------------------- this computer


class DeviceNameDialog(ServiceDialog):
    """本机名称: how this computer is named in sync files; ``named(name)`` once saved."""

    named = Signal(str)

    def __init__(self, db: Database, parent: QWidget | None = None, *, asked: bool = False) -> None:
        with db.reading():  # a damaged or locked file: the plain message, not a crash
            me = exchange.this_device(db.conn)
        intro = NAME_NOTE
        if asked:
            intro = "同步之前，请先给本机起个名称。" + NAME_NOTE
        super().__init__(db, "本机名称", parent, intro=intro, width_em=30)
        self.name = QLineEdit(me.name or (DEFAULT_OFFICE_NAME if me.role == "office" else ""))
        self.name.setMaxLength(40)
        self.name.setPlaceholderText("例如：办公室电脑")
        require(self.add_row(NAME_FIELD, self.name))

    def submit(self) -> None:
        exchange.set_device_name(self.db, self.name.text(), by=current_actor(self.db))
        emit(self.named, self.name.text().strip())


def open_device_name(
    db: Database, parent: QWidget | None = None, *, asked: bool = False
) -> DeviceNameDialog:
    dialog = DeviceNameDialog(db, parent, asked=asked)
    dialog.open()
    return dialog


# --------------------------------------------------------------------------- words


def local_time(utc_iso: str) -> str:
    """ "2026-12-06T07:20:00.000Z" as this computer's clock reads it: 2026-12-06 15:20."""
    moment = dbmod.local_moment(utc_iso)
    return utc_iso if moment is None else moment.strftime("%Y-%m-%d %H:%M")


def file_size(size: int) -> str:
    if size < 1024:
        return f"{size} 字节"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def block_lines(blocks: list[tuple[str, int, int, int]]) -> list[str]:
    """Number blocks as the result messages list them."""
    return [
        f"{committee} {year} 年：第 {first} 至 {last} 号（{last - first + 1} 个）"
        for committee, year, first, last in blocks
    ]


def file_name_part(text: str) -> str:
    """A name as part of a file name: characters Windows refuses become "_"."""
    return "".join("_" if ch in '\\/:*?"<>|' or ord(ch) < 32 else ch for ch in text).strip()


def dated_name(*parts: str, suffix: str, today: date | None = None) -> str:
    day = (today or date.today()).isoformat()
    return "-".join([*(file_name_part(p) for p in parts if p), day]) + f".{suffix}"


def path_row(line: QLineEdit, button: QWidget) -> QWidget:
    """A file's path and its 选择… button, as one form field."""
    row = inline_row(line, button)
    layout = row.layout()
    if layout is not None:  # the path takes the room, not the stretch after the button
        layout.takeAt(layout.count() - 1)
    return row


# --------------------------------------------------------------------------- the database


def reopen(db: Database) -> None:
    """Open ``db``'s file again on the same object, after its file was replaced (a starter
    file) or after it was closed for that: every window holding ``db`` reads the new file."""
    assert db.path is not None
    dbmod.forget_file(db.path)  # a new file: judged afresh (read-only, damaged)
    db.adopt(dbmod.connect(db.path))

"""登录, 解锁 and the idle lock (docs/accounts.md).

:class:`LoginDialog` is what the program shows before any data: the user picks their name
and types their password. It also covers the rarer first steps: an office from before
accounts (nobody has a password) asks its 主任 to choose one, and a user whose password a 主任
has just set chooses their own. Locked after the idle time, the same dialog asks the locked
user's password again (:meth:`LoginDialog.unlock`); nobody else can take over the session
with the locked user's windows open.

:class:`IdleWatch` notices input anywhere in the program and says when the office's lock
time (设置 → 用户管理) has passed without any.

Both are opened or started by the main window (app/ui/main_window.py); they answer through
signals. The password checks, the slowdown after wrong passwords and the record of logins
are the model's (app/models/accounts.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from enum import Enum

from app.models import accounts
from app.models.accounts import Account, Actor, LoginError
from app.models.db import Database, StorageError
from app.models.errors import DomainError, ValidationError
from app.qt.core import QEvent, QObject, Qt, QTimer, Signal
from app.qt.gui import QInputEvent, QKeyEvent
from app.qt.widgets import (
    QApplication,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from app.ui import messages
from app.ui.cases.widgets import em, hint_label
from app.ui.look import ERROR, Heading, tint
from app.ui.signals import emit

TITLE = "登录"
UNLOCK_TITLE = "已锁定"
QUIT_TEXT = "退出程序"
LOGIN_TEXT = "登录"
UNLOCK_TEXT = "解锁"
FIRST_TEXT = "设置密码并登录"
CHANGE_TEXT = "保存新密码并登录"
NOBODY_TEXT = (
    "这台电脑上还没有可以登录的用户。请在办公室电脑上为要用这台电脑的人设置账户和密码，"
    "再重新准备外出笔记本或同步过来。"
)
QUIT_LOCKED_TITLE = "退出程序"
QUIT_LOCKED_TEXT = (
    "退出程序后，锁定前没有保存的填写内容（例如还没有保存的案情修改）就没有了；"
    "已经保存的都在。\n确定退出吗？"
)


class Mode(Enum):
    LOGIN = "login"  # pick a name, type the password
    FIRST = "first"  # an office from before accounts: the 主任 chooses a password
    CHANGE = "change"  # a 主任 set this user's password: they choose their own
    UNLOCK = "unlock"  # the locked user's password again


def password_line() -> QLineEdit:
    """A password input (hidden characters, at most the longest password accepted); the
    users dialog's password fields are these too."""
    line = QLineEdit()
    line.setEchoMode(QLineEdit.EchoMode.Password)
    line.setMaxLength(accounts.MAX_PASSWORD)
    return line


class LoginDialog(QDialog):
    """Emits ``logged_in(actor)`` once a user is in (or back in, after the lock), and
    ``quit_requested()`` when the user would rather close the program."""

    logged_in = Signal(object)
    quit_requested = Signal()

    def __init__(
        self,
        db: Database,
        parent: QWidget | None = None,
        *,
        office_name: str = "",
        locked: Actor | None = None,
        idle: bool = False,
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.locked = locked
        self.idle = idle  # locked by the idle time (else by 锁定)
        self.actor: Actor | None = None  # logged in, choosing a new password (CHANGE)
        self._typed = ""  # the password that let them in (CHANGE: the old one)
        self.setWindowTitle(UNLOCK_TITLE if locked else TITLE)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setModal(True)

        self._make_widgets(office_name)
        self._lay_out()
        self._connect()

        self.first: Account | None = None
        self.accounts: list[Account] = []
        if locked is not None:
            self._show_mode(Mode.UNLOCK)
        else:
            self.reload()
        self.setMinimumWidth(em(self) * 26)

    # ---- building

    def _make_widgets(self, office_name: str) -> None:
        """Every row any mode shows; each mode shows only its own (``_show_mode``)."""
        self.heading = Heading(office_name or "乡镇人民调解工作台", 1.3)
        self.heading.setWordWrap(True)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.user = QComboBox()
        self.user_name = QLabel()  # a fixed user (first password, change, unlock)
        self.password = password_line()
        self.new_password = password_line()
        self.new_password.setPlaceholderText(f"至少 {accounts.MIN_PASSWORD} 位")
        self.repeat = password_line()
        self.message = QLabel()
        self.message.setWordWrap(True)
        tint(self.message, ERROR)
        self.note = hint_label("")
        self.ok_button = QPushButton(LOGIN_TEXT)
        self.quit_button = QPushButton(QUIT_TEXT)
        for button in (self.ok_button, self.quit_button):
            button.setAutoDefault(False)  # Enter is handled by the fields themselves

    def _lay_out(self) -> None:
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.addRow("姓名", self.user)
        self.form.addRow("姓名", self.user_name)
        self.form.addRow("密码", self.password)
        self.form.addRow("新密码", self.new_password)
        self.form.addRow("再输一遍", self.repeat)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.ok_button)
        buttons.addWidget(self.quit_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.intro)
        layout.addLayout(self.form)
        layout.addWidget(self.message)
        layout.addWidget(self.note)
        layout.addStretch(1)
        layout.addLayout(buttons)

    def _connect(self) -> None:
        """Enter moves on from field to field and submits from the last."""
        self.ok_button.clicked.connect(self.submit)
        self.quit_button.clicked.connect(self.ask_to_quit)
        self.user.currentIndexChanged.connect(self._user_chosen)
        self.user.activated.connect(lambda _i: self.password.setFocus())
        self.password.returnPressed.connect(self._password_entered)
        self.new_password.returnPressed.connect(self.repeat.setFocus)
        self.repeat.returnPressed.connect(self.submit)
        # the countdown after too many wrong passwords
        self._wait = QTimer(self)
        self._wait.setInterval(1000)
        self._wait.timeout.connect(self.tick)

    # ---- modes

    def reload(self) -> None:
        """Read the users again and show the login (or the first password) form."""
        self.first = accounts.needs_first_password(self.db)
        self.accounts = accounts.login_choices(self.db)
        self.user.blockSignals(True)
        self.user.clear()
        for a in self.accounts:
            self.user.addItem(f"{a.name}（{a.role_label}）", a.id)
        last = accounts.last_user(self.db)
        index = self.user.findData(last) if last else -1
        self.user.setCurrentIndex(max(index, 0))
        self.user.blockSignals(False)
        self._show_mode(Mode.FIRST if self.first is not None else Mode.LOGIN)

    def _show_mode(self, mode: Mode) -> None:
        self.mode = mode
        fixed = mode is not Mode.LOGIN
        self._row(self.user, not fixed)
        self._row(self.user_name, fixed)
        self._row(self.password, mode in (Mode.LOGIN, Mode.UNLOCK))
        self._row(self.new_password, mode in (Mode.FIRST, Mode.CHANGE))
        self._row(self.repeat, mode in (Mode.FIRST, Mode.CHANGE))
        self.message.clear()
        self.message.hide()
        self.note.hide()
        for line in (self.password, self.new_password, self.repeat):
            line.clear()
        if mode is Mode.LOGIN:
            self.intro.setText("请选择您的姓名，输入密码。")
            self.ok_button.setText(LOGIN_TEXT)
            if not self.accounts:
                self._tell(NOBODY_TEXT)
            self.note.setText("忘记密码请找主任重新设置。")
            self.note.show()
        elif mode is Mode.FIRST:
            assert self.first is not None
            self.user_name.setText(f"{self.first.name}（主任）")
            self.intro.setText(
                "这个数据库来自没有登录功能的旧版本，还没有人设置密码。"
                f"请{self.first.name}主任先设置自己的登录密码；以后每次打开程序都要登录，"
                "调解员的账户在“设置 → 用户管理”中开设。"
            )
            self.ok_button.setText(FIRST_TEXT)
        elif mode is Mode.CHANGE:
            assert self.actor is not None
            self.user_name.setText(f"{self.actor.name}（{self.actor.role_label}）")
            self.intro.setText("您的密码是主任设置的临时密码。请设置一个只有您自己知道的新密码。")
            self.ok_button.setText(CHANGE_TEXT)
        else:
            assert self.locked is not None
            self.user_name.setText(f"{self.locked.name}（{self.locked.role_label}）")
            why = f"（{accounts.lock_minutes(self.db)} 分钟没有操作）" if self.idle else ""
            self.intro.setText(
                f"程序已锁定{why}。请{self.locked.name}输入密码解锁，打开的窗口和填写的内容都还在。"
            )
            self.ok_button.setText(UNLOCK_TEXT)
            self.note.setText("别人要用这台电脑：请先解锁，保存后用“文件 → 切换用户”。")
            self.note.show()
        self.ok_button.setEnabled(mode is not Mode.LOGIN or bool(self.accounts))
        self._focus_first()

    def _row(self, field: QWidget, shown: bool) -> None:
        self.form.setRowVisible(field, shown)

    def _focus_first(self) -> None:
        if self.mode in (Mode.FIRST, Mode.CHANGE):
            self.new_password.setFocus()
        else:
            self.password.setFocus()

    def _user_chosen(self, _index: int) -> None:
        self._wait.stop()
        self.message.hide()
        self.password.clear()
        self.tick()

    def chosen_user(self) -> str | None:
        data = self.user.currentData()
        return None if data is None else str(data)

    # ---- input

    def _password_entered(self) -> None:
        self.submit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:  # never closes the login: clears the password
            for line in (self.password, self.new_password, self.repeat):
                line.clear()
            self._focus_first()
            return
        super().keyPressEvent(event)

    def reject(self) -> None:  # the window's close button: as 退出程序
        self.ask_to_quit()

    def ask_to_quit(self) -> None:
        if self.mode is Mode.UNLOCK:
            messages.confirm(
                self,
                QUIT_LOCKED_TITLE,
                QUIT_LOCKED_TEXT,
                yes="退出程序",
                no="返回",
                on_yes=lambda: emit(self.quit_requested),
            )
        else:
            emit(self.quit_requested)

    def _tell(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    # ---- submitting

    def submit(self) -> bool:
        """登录 / 解锁 / 设置密码: True when the user is in (``logged_in`` was emitted)."""
        if not self.ok_button.isEnabled():
            return False
        self._tell("")
        try:
            if self.mode is Mode.LOGIN:
                return self._login()
            if self.mode is Mode.UNLOCK:
                assert self.locked is not None
                return self._in(accounts.unlock(self.db, self.locked, self.password.text()))
            if self.mode is Mode.FIRST:
                assert self.first is not None
                actor = accounts.set_first_password(
                    self.db, self.first.id, self.new_password.text(), self.repeat.text()
                )
                return self._in(actor)
            assert self.actor is not None
            accounts.change_password(
                self.db,
                by=self.actor,
                old=self._typed,
                password=self.new_password.text(),
                repeat=self.repeat.text(),
            )
            return self._in(self.actor)
        except LoginError as exc:
            self._refused(exc)
        except ValidationError as exc:
            self._tell(exc.message)
            line = self.repeat if exc.field == accounts.REPEAT_FIELD else self.new_password
            line.selectAll()
            line.setFocus()
        except DomainError as exc:
            self._tell(exc.message)
        except StorageError as exc:
            messages.show_storage_error(self, exc)
        return False

    def _login(self) -> bool:
        user_id = self.chosen_user()
        if user_id is None:
            return False
        typed = self.password.text()
        if not typed:
            self._tell("请输入密码。")
            self.password.setFocus()
            return False
        actor = accounts.login(self.db, user_id, typed)
        account = next((a for a in self.accounts if a.id == user_id), None)
        if account is not None and account.must_change_password:
            self.actor, self._typed = actor, typed
            self._show_mode(Mode.CHANGE)
            return False
        return self._in(actor)

    def _in(self, actor: Actor) -> bool:
        self._wait.stop()
        self.password.clear()
        emit(self.logged_in, actor)
        self.done(QDialog.DialogCode.Accepted)
        return True

    def _refused(self, exc: LoginError) -> None:
        self._tell(exc.message)
        self.password.selectAll()
        self.password.setFocus()
        if exc.wait_seconds:
            self.tick()  # the button waits too, counting down

    def tick(self) -> None:
        """Each second of a wait: the button comes back once it is over."""
        user_id = self.locked.user_id if self.locked is not None else self.chosen_user()
        if user_id is None or self.mode not in (Mode.LOGIN, Mode.UNLOCK):
            return
        left = accounts.seconds_to_wait(self.db, user_id)
        if left > 0:
            self.ok_button.setEnabled(False)
            self.ok_button.setText(f"请等 {accounts.wait_text(left)}")
            if not self._wait.isActive():
                self._wait.start()
            return
        self._wait.stop()
        self.ok_button.setEnabled(bool(self.accounts) or self.mode is Mode.UNLOCK)
        self.ok_button.setText(UNLOCK_TEXT if self.mode is Mode.UNLOCK else LOGIN_TEXT)


def open_login(
    db: Database,
    parent: QWidget | None,
    *,
    office_name: str,
    locked: Actor | None = None,
    idle: bool = False,
    on_in: Callable[[Actor], object],
    on_quit: Callable[[], object],
) -> LoginDialog:
    dialog = LoginDialog(db, parent, office_name=office_name, locked=locked, idle=idle)
    dialog.logged_in.connect(on_in)
    dialog.quit_requested.connect(on_quit)
    dialog.open()
    dialog.tick()  # a wait from before (a restart does not cut it short)
    return dialog


class LockedPage(QWidget):
    """What the main window shows while nobody is logged in or the program is locked."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text = QLabel()
        self.text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text.setWordWrap(True)
        self.button = QPushButton("登录…")
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.text)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignCenter)
        layout.addStretch(2)
        self.show_text(locked=False)

    def show_text(self, *, locked: bool) -> None:
        if locked:
            self.text.setText("程序已锁定。请输入密码解锁。")
            self.button.setText("解锁…")
        else:
            self.text.setText("请先登录。")
            self.button.setText("登录…")


# --------------------------------------------------------------------------------------
# The idle lock

_INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
    }
)
CHECK_EVERY_MS = 15_000


class IdleWatch(QObject):
    """Says ``idle()`` once the lock time has passed with no key, click, move or wheel
    anywhere in the program. ``minutes()`` is read at every check (the 主任 may change it
    meanwhile); 0 never locks. ``clock`` (seconds) is time.monotonic unless a test gives
    its own."""

    idle = Signal()

    def __init__(
        self,
        minutes: Callable[[], int],
        parent: QObject | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(parent)
        self._minutes = minutes
        self._clock = clock
        self.last_input = clock()
        self.active = False
        self._timer = QTimer(self)
        self._timer.setInterval(CHECK_EVERY_MS)
        self._timer.timeout.connect(self.check)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def start(self) -> None:
        self.last_input = self._clock()
        self.active = True
        self._timer.start()

    def stop(self) -> None:
        self.active = False
        self._timer.stop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # It sees every event of the program: the class test is cheap, type() is not.
        if isinstance(event, QInputEvent) and event.type() in _INPUT_EVENTS:
            self.last_input = self._clock()
        return False

    def check(self) -> bool:
        """True (and ``idle`` emitted, the watch stopped) when the time has passed."""
        if not self.active:
            return False
        try:
            minutes = self._minutes()
        except StorageError:
            return False  # the file cannot be read now: try again at the next check
        if minutes <= 0 or self._clock() - self.last_input < minutes * 60:
            return False
        self.stop()
        emit(self.idle)
        return True

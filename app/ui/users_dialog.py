"""用户管理 (设置 → 用户管理, the 主任 only): who may use the program and with which role,
their passwords, and how soon an unattended program locks (docs/accounts.md).

The list shows each user's name, role, the 调解员 record they are (a 调解员 works on the cases
assigned to that record) and whether they can log in. 新增用户 gives a first password the
主任 tells the person; they choose their own at the first login. 重设密码 does the same for a
forgotten password. 停用 stops an account everywhere the change reaches (field laptops with
the next sync file); the user's past work keeps their name. The services check every one
of these steps again (app/models/accounts.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from app.models import accounts, office
from app.models.accounts import Account, LoginEvent
from app.models.db import Database, StorageError
from app.models.errors import DomainError
from app.qt.core import QModelIndex, Qt, Signal
from app.qt.widgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from app.ui import messages
from app.ui.cases.service_dialog import ServiceDialog, call_service, keep_typed, tell_clashes
from app.ui.cases.tables import local_time
from app.ui.cases.widgets import FieldErrors, current_actor, em, error_banner, hint_label
from app.ui.item_views import on_open, whole_rows
from app.ui.login_dialog import password_line
from app.ui.look import Heading
from app.ui.signals import emit
from app.ui.table_model import Column, ListTableModel, numbered

TITLE = "用户管理"
ROLES_NOTE = (
    "主任：全部功能，管理用户，重新调解已归档的案件，处理同步冲突。\n"
    "调解员：登记纠纷，办理指派给自己的案件（和还没有指派的案件），打印文书。\n"
    "统计/只读：查看台账、案件和统计，不能修改任何内容。"
)
NO_MEDIATOR = "（不对应）"


def state_text(a: Account) -> str:
    if not a.active:
        return "已停用"
    if not a.has_password:
        return "还没有密码，不能登录"
    if a.must_change_password:
        return "下次登录时设置自己的密码"
    return "正常"


USER_COL_NAME, USER_COL_ROLE, USER_COL_MEDIATOR, USER_COL_STATE = range(4)
USER_COLUMNS: list[Column[Account]] = numbered(
    {
        USER_COL_NAME: Column("姓名", lambda a: a.name),
        USER_COL_ROLE: Column("角色", lambda a: a.role_label),
        USER_COL_MEDIATOR: Column("对应调解员", lambda a: a.mediator_name),
        USER_COL_STATE: Column("状态", state_text),
    }
)
EVENT_COLUMNS: list[Column[LoginEvent]] = [
    Column("时间", lambda e: local_time(e.at), lambda e: e.at),
    Column("用户", lambda e: e.name),
    Column("事件", lambda e: accounts.EVENT_LABELS.get(e.event, e.event)),
]


class UserForm(ServiceDialog):
    """新增用户 (``account`` None) or 修改 a user's name, role and 调解员 record."""

    def __init__(self, db: Database, account: Account | None, parent: QWidget | None = None):
        super().__init__(
            db,
            "新增用户" if account is None else f"修改用户：{account.name}",
            parent,
            intro=(
                "新用户用这里设置的初始密码第一次登录，登录时再设置只有自己知道的密码。"
                if account is None
                else ""
            ),
        )
        self.account = account
        self.name = QLineEdit(account.name if account else "")
        self.name.setMaxLength(accounts.MAX_NAME)
        self.role = QComboBox()
        for key, label in accounts.ROLES.items():
            self.role.addItem(label, key)
        self.role.setCurrentIndex(
            max(0, self.role.findData(account.role if account else accounts.MEDIATOR))
        )
        self.mediator = QComboBox()
        self.mediator.addItem(NO_MEDIATOR, None)
        for m in office.mediators(db):
            self.mediator.addItem(m.name, m.id)
        if account is not None and account.mediator_id:
            self.mediator.setCurrentIndex(max(0, self.mediator.findData(account.mediator_id)))
        # 修改: the account as the form shows it (a 调解员 record the list does not offer
        # shows as 不对应): the service writes only what the user changed from it, and
        # refuses when the row changed meanwhile; 重新载入 reads it again.
        self.loaded: Account | None = None
        if account is not None:
            self.loaded = self._shown(account)
            self.reload = self.reload_account
        self.add_row("姓名 *", self.name, name=accounts.NAME_FIELD)
        self.add_row("角色 *", self.role, name=accounts.ROLE_FIELD)
        self.add_row("对应调解员", self.mediator, name=accounts.MEDIATOR_FIELD)
        self.form.addRow(
            "",
            hint_label("调解员办理指派给这名调解员的案件。不选的话，新增时按同名的调解员对应。"),
        )
        self.password = password_line()
        self.repeat = password_line()
        if account is None:
            self.add_row("初始密码 *", self.password, name=accounts.PASSWORD_FIELD)
            self.add_row("再输一遍 *", self.repeat, name=accounts.REPEAT_FIELD)
        self.user_id: str | None = account.id if account else None

    def submit(self) -> None:
        by = current_actor(self.db)
        role = str(self.role.currentData())
        mediator = self.mediator.currentData()
        if self.account is None:
            self.user_id = accounts.add_user(
                self.db,
                by=by,
                name=self.name.text(),
                role=role,
                password=self.password.text(),
                repeat=self.repeat.text(),
                mediator_id=mediator,
            )
        else:
            assert self.loaded is not None
            accounts.edit_user(
                self.db,
                self.account.id,
                by=by,
                name=self.name.text(),
                role=role,
                mediator_id=mediator,
                loaded=self.loaded,
            )

    def _typed(self) -> dict[str, str | None]:
        return {
            "name": self.name.text(),
            "role": self.role.currentData(),
            "mediator_id": self.mediator.currentData(),
        }

    def _show(self, values: Mapping[str, str | None]) -> None:
        self.name.setText(values["name"] or "")
        self.role.setCurrentIndex(max(0, self.role.findData(values["role"])))
        self.mediator.setCurrentIndex(max(0, self.mediator.findData(values["mediator_id"])))

    def _shown(self, account: Account) -> Account:
        """``account`` as the form's fields show it (read back from them)."""
        return replace(account, **self._typed())  # type: ignore[arg-type]

    def reload_account(self) -> None:
        """重新载入: the user as stored now; what the 主任 changed stays where the other
        change did not touch it."""
        if self.loaded is None:
            return
        try:
            now = accounts.get_account(self.db, self.loaded.id)
        except StorageError as exc:
            messages.show_storage_error(self, exc)
            return
        if now is None:
            messages.warning(
                self, TITLE, "找不到这个用户，可能已被删除。请关闭后重新打开“用户管理”。"
            )
            return
        typed = self._typed()
        before = self._typed_of(self.loaded)
        self._show(self._typed_of(now))
        self.loaded = self._shown(now)
        merged, both = keep_typed(before, typed, self._typed_of(self.loaded))
        self._show(merged)
        labels = {"name": "姓名", "role": "角色", "mediator_id": "对应调解员"}
        if both:
            tell_clashes(self, [labels[name] for name in both])

    @staticmethod
    def _typed_of(account: Account) -> dict[str, str | None]:
        return {"name": account.name, "role": account.role, "mediator_id": account.mediator_id}


class ResetPasswordDialog(ServiceDialog):
    """重设密码: a new password the 主任 tells the user; they choose their own at login."""

    def __init__(self, db: Database, account: Account, parent: QWidget | None = None):
        super().__init__(
            db,
            f"重设密码：{account.name}",
            parent,
            intro=(
                f"为{account.name}设置一个新密码，告诉本人。{account.name}用它登录后，"
                "要再设置一个只有自己知道的密码。连续输错密码后的等待也一并取消。"
            ),
            save_text="重设密码",
        )
        self.account = account
        self.password = password_line()
        self.repeat = password_line()
        self.add_row("新密码 *", self.password, name=accounts.PASSWORD_FIELD)
        self.add_row("再输一遍 *", self.repeat, name=accounts.REPEAT_FIELD)

    def submit(self) -> None:
        accounts.reset_password(
            self.db,
            self.account.id,
            by=current_actor(self.db),
            password=self.password.text(),
            repeat=self.repeat.text(),
        )


class ChangePasswordDialog(ServiceDialog):
    """文件 → 修改密码: the logged-in user changes their own password."""

    def __init__(self, db: Database, parent: QWidget | None = None):
        super().__init__(db, "修改密码", parent, save_text="修改密码")
        self.old = password_line()
        self.password = password_line()
        self.repeat = password_line()
        self.add_row("原密码 *", self.old, name=accounts.OLD_PASSWORD_FIELD)
        self.add_row("新密码 *", self.password, name=accounts.PASSWORD_FIELD)
        self.add_row("再输一遍 *", self.repeat, name=accounts.REPEAT_FIELD)
        self.form.addRow(
            "", hint_label(f"至少 {accounts.MIN_PASSWORD} 位，不要用生日、电话号码等好猜的。")
        )

    def submit(self) -> None:
        accounts.change_password(
            self.db,
            by=current_actor(self.db),
            old=self.old.text(),
            password=self.password.text(),
            repeat=self.repeat.text(),
        )


class UsersDialog(QDialog):
    """Emits ``changed()`` after every change (the main window shows the user again)."""

    changed = Signal()

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.setWindowTitle(TITLE)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.form: QDialog | None = None  # the add/edit/reset form open now

        self._build_users_table()
        row = self._build_user_buttons()
        lock_row = self._build_lock_row()
        self._build_events_table()
        bottom = self._build_close_row()
        self._lay_out(row, lock_row, bottom)
        self._connect()
        self.resize(em(self) * 46, em(self) * 36)
        self.refresh()

    # ---- building

    def _build_users_table(self) -> None:
        """The users: name, role, 对应调解员, active or not."""
        self.model = ListTableModel(USER_COLUMNS, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        whole_rows(self.table)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        on_open(self.table, self._open_row)

    def _build_user_buttons(self) -> QHBoxLayout:
        """新增用户, 修改, 重设密码, 停用/启用: on the user chosen in the table."""
        self.add_button = QPushButton("新增用户(&A)…")
        self.edit_button = QPushButton("修改(&E)…")
        self.reset_button = QPushButton("重设密码(&P)…")
        self.active_button = QPushButton("停用(&S)")
        row = QHBoxLayout()
        for b in (self.add_button, self.edit_button, self.reset_button, self.active_button):
            b.setAutoDefault(False)
            row.addWidget(b)
        row.addStretch(1)
        return row

    def _build_lock_row(self) -> QHBoxLayout:
        """自动锁定: the idle time, with its own error line."""
        self.lock = QSpinBox()
        self.lock.setRange(0, accounts.MAX_LOCK_MINUTES)
        self.lock.setSuffix(" 分钟")
        self.lock.setSpecialValueText("不自动锁定")
        self.lock_button = QPushButton("保存锁定时间")
        self.lock_button.setAutoDefault(False)
        lock_row = QHBoxLayout()
        lock_row.addWidget(QLabel("无人操作多久后锁定："))
        lock_row.addWidget(self.lock)
        lock_row.addWidget(self.lock_button)
        lock_row.addStretch(1)
        self.lock_banner = error_banner()
        self.lock_errors = FieldErrors(self, self.lock_banner)
        return lock_row

    def _build_events_table(self) -> None:
        """本机登录记录: logins, failed attempts and locks on this computer."""
        self.events = ListTableModel(EVENT_COLUMNS, self)
        self.events_table = QTableView()
        self.events_table.setModel(self.events)
        self.events_table.verticalHeader().hide()
        self.events_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.events_table.horizontalHeader().setStretchLastSection(True)
        self.events_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )

    def _build_close_row(self) -> QHBoxLayout:
        self.close_button = QPushButton("关闭")
        self.close_button.setAutoDefault(False)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.close_button)
        return bottom

    def _lay_out(self, row: QHBoxLayout, lock_row: QHBoxLayout, bottom: QHBoxLayout) -> None:
        layout = QVBoxLayout(self)
        layout.addWidget(Heading(TITLE, 1.2))
        layout.addWidget(hint_label(ROLES_NOTE))
        layout.addWidget(self.table, 3)
        layout.addLayout(row)
        layout.addWidget(Heading("自动锁定"))
        layout.addWidget(
            hint_label(
                "离开电脑时别人看不到案件：到了这个时间没有人操作，程序就锁定，要输入密码才能继续。"
                "各台电脑（包括外出笔记本）都用这个时间。"
            )
        )
        layout.addLayout(lock_row)
        layout.addWidget(self.lock_banner)
        layout.addWidget(Heading("本机登录记录"))
        layout.addWidget(self.events_table, 2)
        layout.addLayout(bottom)

    def _connect(self) -> None:
        self.add_button.clicked.connect(self.add_user)
        self.edit_button.clicked.connect(self.edit_user)
        self.reset_button.clicked.connect(self.reset_password)
        self.active_button.clicked.connect(self.toggle_active)
        self.lock_button.clicked.connect(self.save_lock)
        self.close_button.clicked.connect(self.close)
        selection = self.table.selectionModel()
        selection.currentRowChanged.connect(lambda *_: self._show_buttons())

    def _open_row(self, _index: QModelIndex) -> None:
        self.edit_user()

    # ---- reading

    def refresh(self, select: str | None = None) -> None:
        shown = self.current()
        keep = select or (shown.id if shown is not None else None)
        try:
            users = accounts.list_users(self.db)
            events = accounts.login_events(self.db, limit=200)
            minutes = accounts.lock_minutes(self.db)
        except StorageError as exc:
            messages.show_storage_error(self, exc)
            return
        self.model.set_rows(users)
        self.events.set_rows(events)
        self.lock.setValue(minutes)
        row = next((i for i, a in enumerate(users) if a.id == keep), 0 if users else -1)
        if row >= 0:
            self.table.selectRow(row)
            self.table.setCurrentIndex(self.model.index(row, 0))
        self._show_buttons()

    def current(self) -> Account | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        record: Account = self.model.record(index.row())
        return record

    def select(self, name: str) -> None:
        for row in range(self.model.rowCount()):
            if self.model.record(row).name == name:
                self.table.setCurrentIndex(self.model.index(row, 0))
                return

    def _show_buttons(self) -> None:
        a = self.current()
        for b in (self.edit_button, self.reset_button, self.active_button):
            b.setEnabled(a is not None)
        self.active_button.setText("启用(&S)" if a is not None and not a.active else "停用(&S)")
        me = current_actor(self.db)
        if a is not None and a.id == me.user_id and a.active:
            self.active_button.setEnabled(False)
            self.active_button.setToolTip("不能停用自己正在使用的账户。")
        else:
            self.active_button.setToolTip("")

    # ---- changing

    def _open_form(self, form: ServiceDialog) -> ServiceDialog:
        form.saved.connect(lambda: self._after(getattr(form, "user_id", None)))
        form.finished.connect(lambda _r: setattr(self, "form", None))
        self.form = form
        form.open()
        return form

    def _after(self, user_id: str | None = None) -> None:
        self.refresh(user_id)
        emit(self.changed)

    def add_user(self) -> ServiceDialog:
        return self._open_form(UserForm(self.db, None, self))

    def edit_user(self) -> ServiceDialog | None:
        a = self.current()
        return None if a is None else self._open_form(UserForm(self.db, a, self))

    def reset_password(self) -> ServiceDialog | None:
        a = self.current()
        return None if a is None else self._open_form(ResetPasswordDialog(self.db, a, self))

    def toggle_active(self) -> None:
        a = self.current()
        if a is None:
            return

        def apply() -> None:
            try:
                accounts.set_active(self.db, a.id, not a.active, by=current_actor(self.db))
            except DomainError as exc:
                messages.warning(self, TITLE, exc.message)
                return
            except StorageError as exc:
                messages.show_storage_error(self, exc)
                return
            self._after(a.id)

        if a.active:
            messages.confirm(
                self,
                "停用用户",
                f"停用{a.name}的账户吗？\n停用后{a.name}不能再登录（外出笔记本上在下次同步后生效）；"
                "以前的记录仍然写着是谁做的。以后可以再启用。",
                yes="停用",
                no="不停用",
                on_yes=apply,
            )
        else:
            apply()

    def save_lock(self) -> bool:
        ok = call_service(
            self,
            self.lock_errors,
            lambda: accounts.set_lock_minutes(
                self.db, self.lock.value(), by=current_actor(self.db)
            ),
            title=TITLE,
        )
        if ok:
            emit(self.changed)
        return ok

    def index_of(self, name: str) -> QModelIndex:
        for row in range(self.model.rowCount()):
            if self.model.record(row).name == name:
                return self.model.index(row, 0)
        return QModelIndex()


def open_users(db: Database, parent: QWidget | None) -> UsersDialog:
    dialog = UsersDialog(db, parent)
    dialog.open()
    return dialog


def open_change_password(db: Database, parent: QWidget | None) -> ChangePasswordDialog:
    dialog = ChangePasswordDialog(db, parent)
    dialog.open()
    return dialog

"""The main window: 今日工作 and 案件台账 pages, the menus, and one window per open case.

On a database that was never set up, the window shows the first-run dialog instead of an
empty screen (and a page that leads back to it if the dialog is cancelled). Nothing of the
office shows before someone has logged in (app/ui/login_dialog.py); after the office's idle
time the window locks: the other windows hide and the same user's password brings them back.
What a role may not do is disabled with the reason as its tool tip (docs/accounts.md).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app import APP_TITLE
from app.models import accounts, cases, office
from app.models.accounts import Actor
from app.models.db import Database, StorageError
from app.models.errors import DomainError
from app.qt.core import QObject, QSize, Qt, QTimer
from app.qt.gui import QAction, QActionGroup, QCloseEvent, QKeySequence
from app.qt.widgets import (
    QApplication,
    QDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QPushButton,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)
from app.ui import messages, session, ui_settings
from app.ui.about_dialog import AboutDialog
from app.ui.application import apply_font_size
from app.ui.cases.widgets import fit_to_screen
from app.ui.login_dialog import IdleWatch, LockedPage, LoginDialog, open_login
from app.ui.register_view import RegisterPage
from app.ui.search_index_job import SearchIndexStatus
from app.ui.start_page import StartPage
from app.ui.storage_status import StorageStatus
from app.ui.sync.status import STARTER_CHOICE, numbers_tip, status_text

if TYPE_CHECKING:  # imported where first used: a case window, a form, the backups
    # (a quarter of the start's imports otherwise, paid before the window shows)
    from app.ui.backup_window import AutoBackups
    from app.ui.cases.case_window import CaseWindow
    from app.ui.cases.register_dialog import RegisterDialog
    from app.ui.cases.service_dialog import ServiceDialog
    from app.ui.setup_dialog import SetupDialog

SHORTCUT_HELP = """\
F2 或 Ctrl+1　今日工作
F3 或 Ctrl+2　案件台账
F4　村居档案
F6　统计分析
Ctrl+N　新建登记
Ctrl+F　查找案件
F5　刷新
Enter 或双击　打开选中的案件
↓（在查找框中）　转到查找结果
Esc（在查找框中）　清空查找
Ctrl+Q　退出"""


def _bring_forward(window: QWidget | None) -> bool:
    """Show ``window`` in front if it is open; False when there is none."""
    if window is None:
        return False
    window.raise_()
    window.activateWindow()
    return True


class SetupNeededPage(QWidget):
    """Shown until the office is set up: says why nothing else works yet, and how to go on."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        text = QLabel(
            "还没有设置本调委会。\n设置好调委会名称、编号简称和村（社区）后，就可以登记纠纷了。"
        )
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.button = QPushButton("设置本调委会…")
        # A field laptop is not set up by hand: the office's starter file does it.
        self.starter_button = QPushButton(STARTER_CHOICE)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(text)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.starter_button, 0, Qt.AlignmentFlag.AlignCenter)
        layout.addStretch(2)


DAILY_CHECK_MS = 30 * 60 * 1000  # how often an open program looks whether a new day began


class MainWindow(QMainWindow):
    def __init__(self, db: Database, *, today: Callable[[], date] | None = None) -> None:
        super().__init__()
        self.db = db
        self._today = today or date.today  # a callable: the program may run past midnight
        self.case_windows: dict[str, CaseWindow] = {}
        self.registries_window: QWidget | None = None
        self.stats_window: QWidget | None = None
        self.conflicts_window: QWidget | None = None  # 冲突处理
        self.register_dialog: RegisterDialog | None = None
        self.setup_dialog: SetupDialog | None = None
        self.starter_opener: QObject | None = None  # 打开外出准备文件, while it runs
        self.backup_window: QWidget | None = None  # 备份与恢复 (app/ui/backup_window.py)
        self.about_dialog: AboutDialog | None = None  # 帮助 → 关于
        self.daily_check: QTimer | None = None  # a new day's backup (enable_auto_backups)
        self.audit_window: QWidget | None = None  # 审计记录 (app/ui/audit_window.py)
        self.backups: AutoBackups | None = None  # the automatic ones: enable_auto_backups()
        self._closing = False  # quitting, held up by a question about unsaved input
        self.login_dialog: LoginDialog | None = None  # 登录 or 解锁, while open
        self.locked = False  # the idle lock: the windows below are hidden meanwhile
        self._locked_idle = False  # locked by the idle time, not by 锁定
        self._hidden: list[QWidget] = []

        self.setup_page = SetupNeededPage()
        self.locked_page = LockedPage()  # nobody logged in yet, or locked
        self.start_page = StartPage(db, today=self._today)
        self.register_page = RegisterPage(db, today=self._today)
        self.pages = QStackedWidget()
        for page in (self.setup_page, self.locked_page, self.start_page, self.register_page):
            self.pages.addWidget(page)
        self.setCentralWidget(self.pages)

        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        # The status bar names the office; where the data file is, support reads in 关于.
        self.office_label = QLabel()
        self.user_label = QLabel()  # who is logged in (app/ui/login_dialog.py)
        self.statusBar().addPermanentWidget(self.user_label)
        self.statusBar().addPermanentWidget(self.office_label)
        # The idle lock (设置 → 用户管理 sets the time; 0 never locks).
        # A closed file (the window outlived it) never locks: 0.
        self.idle = IdleWatch(lambda: accounts.lock_minutes(db) if db.is_open else 0, self)
        self.idle.idle.connect(self._lock_idle)
        self.locked_page.button.clicked.connect(self._ask_password)
        # An older file's search index is rebuilt in the background once the window shows.
        self.search_index = SearchIndexStatus(db, self)
        # Read-only, damaged, on a network share; a large file's check finished later.
        self.storage_status = StorageStatus(db, self)
        # A message that says 从备份恢复 offers to open 备份与恢复 (app/ui/messages.py).
        messages.set_restore_opener(self.open_backups)

        self.setup_page.button.clicked.connect(self.start_setup)
        self.setup_page.starter_button.clicked.connect(lambda: self.open_starter_file())
        self.start_page.open_case.connect(self.open_case)
        self.register_page.open_case.connect(self.open_case)
        self.start_page.open_conflicts.connect(self.open_conflicts)

        fit_to_screen(self, QSize(1280, 820))  # an old 1366×768 laptop keeps its status bar
        if office.is_set_up(db):
            self._enter()
        else:
            self.setWindowTitle(APP_TITLE)
            self._set_office_actions_enabled(False)
            self.pages.setCurrentWidget(self.setup_page)
            # After the window is on screen, so the dialog has a parent to sit on.
            QTimer.singleShot(0, self, self.start_setup)

    # ---- building

    def _action(
        self, text: str, slot: Callable[[], object], *shortcuts: QKeySequence | str
    ) -> QAction:
        action = QAction(text, self)
        action.setShortcuts([QKeySequence(s) for s in shortcuts])
        if shortcuts:
            action.setToolTip(f"{text.split('(')[0]}（{QKeySequence(shortcuts[0]).toString()}）")
        action.triggered.connect(slot)
        self.addAction(action)  # shortcuts work even when the menu bar is hidden
        return action

    def _build_actions(self) -> None:
        self.new_action = self._action("新建登记(&N)", self.new_case, "Ctrl+N")
        self.find_action = self._action("查找案件(&F)", self.focus_search, "Ctrl+F")
        self.quit_action = self._action("退出(&X)", self.close, "Ctrl+Q")
        self.start_action = self._action("今日工作(&T)", self.show_start, "F2", "Ctrl+1")
        self.register_action = self._action("案件台账(&R)", self.show_register, "F3", "Ctrl+2")
        self.refresh_action = self._action("刷新(&E)", self.refresh, "F5")
        self.registries_action = self._action("村居档案(&G)", self.open_registries, "F4")
        self.kit_action = self._action("打印七个一(&K)…", self.print_kits)
        self.content_action = self._action("宣传内容(&C)…", self.edit_outreach_content)
        self.templates_action = self._action("协议条款模板(&M)…", self.edit_clause_templates)
        self.stats_action = self._action("统计分析(&S)", self.open_stats, "F6")
        self.export_ledger_action = self._action("导出台账(&E)…", self.export_ledger)
        self.import_ledger_action = self._action("从 Excel 台账导入(&I)…", self.import_ledger)
        self.office_action = self._action("单位信息与打印设置(&O)…", self.edit_office_details)
        # 同步 (field laptops; app/ui/sync)
        self.prepare_laptop_action = self._action("准备外出笔记本(&P)…", self.prepare_laptop)
        self.sync_action = self._action("同步(&Y)…", self.open_sync)
        self.device_name_action = self._action("本机名称(&N)…", self.name_this_computer)
        # 冲突处理 (app/ui/sync/conflicts_window.py)
        self.conflicts_action = self._action("冲突处理(&C)…", self.open_conflicts)
        # 备份与恢复 (app/ui/backup_window.py): also before the office is set up
        self.backups_action = self._action("备份与恢复(&B)…", self.open_backups)
        # 审计记录 (app/ui/audit_window.py): the 主任's; disabled for the other roles
        # (_apply_role), audit.authorize is the check.
        self.audit_action = self._action("审计记录(&U)…", self.open_audit)
        # 登录 (app/ui/login_dialog.py, app/ui/users_dialog.py)
        self.lock_action = self._action("锁定(&L)", self.lock, "Ctrl+L")
        self.switch_user_action = self._action("切换用户(&W)…", self.switch_user)
        self.password_action = self._action("修改密码(&P)…", self.change_password)
        self.users_action = self._action("用户管理(&G)…", self.manage_users)
        self.shortcuts_action = self._action("键盘操作(&K)", self.show_shortcuts)
        self.about_action = self._action("关于(&A)", self.show_about)
        pages = QActionGroup(self)
        for action in (self.start_action, self.register_action):
            action.setCheckable(True)
            pages.addAction(action)

        self.font_actions: dict[str, QAction] = {}
        sizes = QActionGroup(self)
        current = ui_settings.load_font_size()
        for key, (label, _points) in ui_settings.FONT_SIZES.items():
            action = QAction(label, self)
            action.setCheckable(True)
            action.setChecked(key == current)
            action.triggered.connect(lambda _=False, k=key: self.set_font_size(k))
            sizes.addAction(action)
            self.font_actions[key] = action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("文件(&F)")
        file_menu.addAction(self.new_action)
        file_menu.addAction(self.find_action)
        file_menu.addSeparator()
        file_menu.addAction(self.lock_action)
        file_menu.addAction(self.switch_user_action)
        file_menu.addAction(self.password_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        view_menu = bar.addMenu("视图(&V)")
        view_menu.addAction(self.start_action)
        view_menu.addAction(self.register_action)
        view_menu.addSeparator()
        view_menu.addAction(self.refresh_action)
        view_menu.addSeparator()
        self.font_menu = view_menu.addMenu("字号(&Z)")
        for action in self.font_actions.values():
            self.font_menu.addAction(action)
        outreach_menu = bar.addMenu("村居与宣传(&Q)")
        outreach_menu.addAction(self.registries_action)
        outreach_menu.addAction(self.kit_action)
        outreach_menu.addAction(self.content_action)
        self.outreach_menu = outreach_menu
        ledger_menu = bar.addMenu("统计与台账(&J)")
        ledger_menu.addAction(self.stats_action)
        ledger_menu.addSeparator()
        ledger_menu.addAction(self.export_ledger_action)
        ledger_menu.addAction(self.import_ledger_action)
        self.ledger_menu = ledger_menu
        # 同步 (field laptops; app/ui/sync)
        sync_menu = bar.addMenu("同步(&Y)")
        sync_menu.addAction(self.prepare_laptop_action)
        sync_menu.addAction(self.sync_action)
        sync_menu.addSeparator()
        sync_menu.addAction(self.device_name_action)
        self.sync_menu = sync_menu
        # 冲突处理 right after 同步…, which leaves them
        after_sync = sync_menu.actions()[sync_menu.actions().index(self.sync_action) + 1]
        sync_menu.insertAction(after_sync, self.conflicts_action)
        settings_menu = bar.addMenu("设置(&S)")
        settings_menu.addAction(self.office_action)
        settings_menu.addAction(self.templates_action)
        settings_menu.addAction(self.users_action)
        settings_menu.addSeparator()
        settings_menu.addAction(self.backups_action)
        settings_menu.addAction(self.audit_action)
        for menu in bar.findChildren(QMenu):
            menu.setToolTipsVisible(True)  # a disabled entry says why (_apply_role)
        help_menu = bar.addMenu("帮助(&H)")
        help_menu.addAction(self.shortcuts_action)
        help_menu.addAction(self.about_action)

    def _build_toolbar(self) -> None:
        bar = QToolBar("常用")
        bar.setObjectName("mainToolbar")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in (self.start_action, self.register_action, self.new_action):
            bar.addAction(action)
        bar.addAction(self.registries_action)
        for action in (
            self.start_action,
            self.register_action,
            self.new_action,
            self.refresh_action,
            self.registries_action,
        ):
            action.setIconText(action.text().split("(")[0])  # no "(&T)" on the buttons
        bar.addSeparator()
        bar.addAction(self.refresh_action)
        self.addToolBar(bar)
        self.toolbar = bar

    def _set_office_actions_enabled(self, enabled: bool) -> None:
        for action in (
            self.new_action,
            self.find_action,
            self.start_action,
            self.register_action,
            self.refresh_action,
            self.office_action,
            self.templates_action,
            self.registries_action,
            self.kit_action,
            self.content_action,
            self.stats_action,
            self.export_ledger_action,
            self.import_ledger_action,
            self.prepare_laptop_action,
            self.sync_action,
            self.device_name_action,
        ):
            action.setEnabled(enabled)
        self.conflicts_action.setEnabled(enabled)  # 冲突处理
        for action in (
            self.lock_action,
            self.switch_user_action,
            self.password_action,
            self.users_action,
            self.audit_action,
        ):
            action.setEnabled(enabled)

    def _show_office(self) -> None:
        name = office.main_committee(self.db).name
        # Only the office name: the platform adds the program name after it.
        self.setWindowTitle(name)
        self._set_office_actions_enabled(True)
        self._apply_role()
        self._show_status()

    def _show_status(self) -> None:
        """The office's name; a field laptop adds its own name and the numbers it has left
        (and offers no 准备外出笔记本)."""
        name = office.main_committee(self.db).name
        text = status_text(self.db, name, self._today())
        self.office_label.setText(text)
        self.office_label.setToolTip(numbers_tip(self.db, self._today()))
        self.prepare_laptop_action.setVisible(text == name)
        # a laptop's imported cases would take numbers the office owns (the model refuses too)
        self.import_ledger_action.setVisible(text == name)

    # ---- first run

    def start_setup(self) -> None:
        if _bring_forward(self.setup_dialog):
            return
        from app.ui.setup_dialog import SetupDialog

        dialog = SetupDialog(self.db, self)
        dialog.office_ready.connect(self._office_set_up)
        dialog.starter_chosen.connect(lambda: self.open_starter_file())
        self.setup_dialog = dialog
        self._open_form(dialog)

    def _office_set_up(self) -> None:
        self._start_session()  # the set-up logged its 主任 in
        self._show_office()
        self.show_register()
        self.statusBar().showMessage("设置完成。按 Ctrl+N 登记第一件纠纷。", 15000)

    # ---- 登录, 锁定, 切换用户 (app/ui/login_dialog.py, docs/accounts.md)

    def _enter(self) -> None:
        """The office is set up: show it to whoever is logged in, or ask who it is first."""
        if session.signed_in(self.db) is not None:
            self._start_session()
            self._show_office()
            self.show_start()
            return
        self._keep_out(locked=False)
        # After the window is on screen, so the dialog has a parent to sit on.
        QTimer.singleShot(0, self, self._ask_password)

    def _keep_out(self, *, locked: bool) -> None:
        """Nothing of the office shows: the 登录/已锁定 page, every office action off."""
        self.setWindowTitle(office.main_committee(self.db).name)
        self._set_office_actions_enabled(False)
        self.locked_page.show_text(locked=locked)
        self.pages.setCurrentWidget(self.locked_page)
        if not locked:
            self.user_label.setText("未登录")
            self.user_label.setToolTip("")

    def _ask_password(self) -> LoginDialog:
        """登录 (or 解锁, when locked): one dialog at a time."""
        if self.login_dialog is not None:
            _bring_forward(self.login_dialog)
            return self.login_dialog
        dialog = open_login(
            self.db,
            self,
            office_name=office.main_committee(self.db).name,
            locked=session.signed_in(self.db) if self.locked else None,
            idle=self._locked_idle,
            on_in=self._logged_in,
            on_quit=self._quit_from_login,
        )
        dialog.finished.connect(lambda _result: self._login_closed(dialog))
        self.login_dialog = dialog
        return dialog

    def _login_closed(self, dialog: LoginDialog) -> None:
        if self.login_dialog is dialog:
            self.login_dialog = None

    def _logged_in(self, actor: Actor) -> None:
        session.sign_in(self.db, actor)
        if self.locked:
            self._unlock()
            return
        self._start_session()
        self.start_page.loaded = False
        self.register_page.loaded = False
        self._show_office()
        self.show_start()

    def _start_session(self) -> None:
        actor = session.signed_in(self.db)
        if actor is None:
            return
        self.user_label.setText(f"{actor.name}（{actor.role_label}）")
        self.user_label.setToolTip(
            "当前登录的用户。离开电脑时按 Ctrl+L 锁定；换人使用：文件 → 切换用户。"
        )
        self.idle.start()

    def _apply_role(self) -> None:
        """What the logged-in user's role may not do is disabled, the reason its tool tip
        (the services refuse it too)."""
        actor = session.signed_in(self.db)
        if actor is None:
            return
        tips: dict[QAction, str] = self.__dict__.setdefault("_plain_tips", {})
        for action, why in (
            (self.new_action, cases.refusal(self.db, actor, "register")),
            (self.import_ledger_action, accounts.why_not(actor, "import_ledger")),
            (self.office_action, accounts.why_not(actor, "office")),
            (self.templates_action, accounts.why_not(actor, "templates")),
            (self.content_action, accounts.why_not(actor, "content")),
            (self.kit_action, accounts.why_not(actor, "print_outreach")),
            (self.prepare_laptop_action, accounts.why_not(actor, "prepare_laptop")),
            (self.sync_action, accounts.why_not(actor, "sync")),
            (self.device_name_action, accounts.why_not(actor, "device_name")),
            (self.users_action, accounts.why_not(actor, "manage_users")),
            (self.audit_action, accounts.why_not(actor, "audit")),
        ):
            plain = tips.setdefault(action, action.toolTip())
            action.setEnabled(not why)
            action.setToolTip(why or plain)

    def _lock_idle(self) -> None:
        self.lock(idle=True)

    def lock(self, *, idle: bool = False) -> None:
        """锁定 (Ctrl+L, or the idle time passed): every other window hides until the same
        user's password is typed again; what they typed stays in them."""
        actor = session.signed_in(self.db)
        if actor is None or self.locked or not office.is_set_up(self.db):
            return
        self._locked_idle = idle
        with contextlib.suppress(StorageError):  # locked all the same: the record is less
            accounts.record_lock(self.db, actor)
        self.idle.stop()
        self.locked = True
        self._page_before = self.pages.currentWidget()
        self._hidden = [
            w for w in QApplication.topLevelWidgets() if w is not self and w.isVisible()
        ]
        for window in self._hidden:
            window.hide()
        self._keep_out(locked=True)
        self._ask_password()

    def _unlock(self) -> None:
        from app import qt

        self.locked = False
        for window in self._hidden:
            if qt.is_valid(window):
                window.show()
        self._hidden = []
        self._start_session()
        self._show_office()
        before = getattr(self, "_page_before", None)
        self._show_page(before if isinstance(before, RegisterPage) else self.start_page)

    def _quit_from_login(self) -> None:
        """退出程序 from 登录 or 解锁. Locked, what was typed in the hidden windows is left
        unsaved (the user said so); nothing is asked of windows nobody can see."""
        if not self.locked:
            self.close()
            return
        self.search_index.stop()
        self.storage_status.stop()
        app = QApplication.instance()
        if app is not None:
            app.quit()

    def switch_user(self) -> None:
        """切换用户: once every case and tool window is closed, the next person logs in."""
        open_windows = [
            w
            for w in (
                self.register_dialog,
                self.registries_window,
                self.stats_window,
                self.conflicts_window,
                self.backup_window,
                self.audit_window,
                *self.case_windows.values(),
            )
            if w is not None
        ]
        if open_windows:
            messages.info(self, "切换用户", "请先保存并关闭打开的案件和其他窗口，再切换用户。")
            return
        actor = session.signed_in(self.db)
        if actor is not None:
            with contextlib.suppress(StorageError):
                accounts.record_logout(self.db, actor)
        session.sign_out(self.db)
        self.idle.stop()
        self._keep_out(locked=False)
        self._ask_password()

    def change_password(self) -> QDialog:
        from app.ui.users_dialog import open_change_password

        return open_change_password(self.db, self)

    def manage_users(self) -> QDialog:
        """设置 → 用户管理 (a 主任's)."""
        from app.ui.users_dialog import open_users

        dialog = open_users(self.db, self)
        dialog.changed.connect(self._users_changed)
        return dialog

    def _users_changed(self) -> None:
        """A name or role changed (perhaps the user's own): show it, enable by it."""
        actor = session.signed_in(self.db)
        if actor is None:
            return
        try:
            with self.db.reading():
                session.sign_in(self.db, accounts.current(self.db.conn, actor))
        except DomainError:
            return  # their own account stopped: the services refuse them from now on
        self._start_session()
        self._apply_role()

    # ---- pages

    def show_start(self) -> None:
        self._show_page(self.start_page)

    def show_register(self) -> None:
        self._show_page(self.register_page)

    def _show_page(self, page: StartPage | RegisterPage) -> None:
        if not self.start_action.isEnabled():
            return  # not set up yet: the setup page stays
        self.pages.setCurrentWidget(page)
        action = self.start_action if page is self.start_page else self.register_action
        action.setChecked(True)
        if not page.loaded:
            page.refresh()

    def refresh(self) -> bool:
        """Read the shown page again now; the other page reads when it is next shown."""
        current = self.pages.currentWidget()
        for page in (self.start_page, self.register_page):
            if page is not current:
                page.loaded = False
        if isinstance(current, (StartPage, RegisterPage)):
            return current.refresh()
        return True

    def focus_search(self) -> None:
        self.show_register()
        self.register_page.focus_search()

    # ---- cases

    def new_case(self) -> None:
        if not office.is_set_up(self.db):
            self.start_setup()
            return
        if _bring_forward(self.register_dialog):  # one registration at a time
            return
        try:
            from app.ui.cases.register_dialog import RegisterDialog

            dialog = RegisterDialog(self.db, self)
        except StorageError as exc:
            messages.show_storage_error(self, exc)
            return
        dialog.registered.connect(self._case_registered)
        self.register_dialog = dialog
        self._open_form(dialog)

    def _open_form(self, dialog: ServiceDialog) -> None:
        """Open the window's own form (setup or registration): one at a time, forgotten
        when it closes; a "继续填写" while the program was closing keeps it open."""
        dialog.finished.connect(lambda _result: self._form_closed(dialog))
        dialog.kept_open.connect(self._stop_closing)
        dialog.open()

    def _form_closed(self, dialog: ServiceDialog) -> None:
        if self.setup_dialog is dialog:
            self.setup_dialog = None
        if self.register_dialog is dialog:
            self.register_dialog = None
        self._close_again()

    def _case_registered(self, case_id: str) -> None:
        self.start_page.loaded = False
        self.register_page.loaded = False
        self.show_register()  # reads it again
        if not self.register_page.loaded:
            return  # the database could not be read; the user has been told
        if not self.register_page.select_case(case_id):
            # The filters hide the new case: show everything so the user sees it was saved.
            self.register_page.clear_filters()
            self.register_page.select_case(case_id)
        self.register_page.table.setFocus()
        self.statusBar().showMessage("已登记。按 Enter 打开案件，办理受理、指派等下一步。", 15000)

    def open_case(self, case_id: str) -> CaseWindow | None:
        """Open the case in its own window, or bring its window to the front."""
        window = self.case_windows.get(case_id)
        if window is None:
            try:
                from app.ui.cases.case_window import CaseWindow

                window = CaseWindow(self.db, case_id)
            except StorageError as exc:
                messages.show_storage_error(self, exc)
                return None
            except DomainError as exc:  # e.g. the case is gone after a sync
                messages.warning(self, "打开案件", exc.message)
                return None
            window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            window.changed.connect(self._case_changed)
            window.destroyed.connect(lambda *_: self._case_window_gone(case_id))
            window.close_cancelled.connect(self._stop_closing)
            self.case_windows[case_id] = window
            window.show()
        else:  # already open, perhaps minimised or behind the main window
            window.showNormal()
            window.raise_()
        window.activateWindow()
        return window

    def open_registries(self) -> QWidget:
        """村居档案 in its own window (one at a time), brought to the front if open."""
        from app.ui.registries.window import RegistriesWindow

        def make() -> QWidget:
            window = RegistriesWindow(self.db)
            # A village added or renamed there appears in the register's filter at once.
            window.changed.connect(self.refresh)
            return window

        return self._tool_window("registries_window", make)

    def open_stats(self) -> QWidget:
        """统计分析 in its own window (one at a time); a case opened from its lists opens
        in a case window as from the register."""
        from app.ui.stats.window import StatsWindow

        def make() -> QWidget:
            window = StatsWindow(self.db, today=self._today)
            window.open_case.connect(self.open_case)
            window.close_cancelled.connect(self._stop_closing)
            window.destroyed.connect(lambda *_: self._close_again())
            return window

        return self._tool_window("stats_window", make)

    def _tool_window(self, attribute: str, make: Callable[[], QWidget]) -> QWidget:
        """The window kept in ``self.<attribute>``: made and shown if there is none (and
        forgotten when it closes), else brought to the front."""
        window: QWidget | None = getattr(self, attribute)
        if window is None:
            window = make()
            window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            window.destroyed.connect(lambda *_: setattr(self, attribute, None))
            setattr(self, attribute, window)
            window.show()
        else:
            window.showNormal()
            window.raise_()
        window.activateWindow()
        return window

    def _case_window_gone(self, case_id: str) -> None:
        self.case_windows.pop(case_id, None)
        self._close_again()

    def _case_changed(self, _case_id: str) -> None:
        self.refresh()
        self._show_status()  # a laptop's 受理 used one of its numbers

    # ---- settings and help

    def set_font_size(self, key: str) -> None:
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_font_size(app, key)
        ui_settings.save_font_size(key)
        self.font_actions[key].setChecked(True)

    def edit_office_details(self) -> QDialog:
        from app.ui.office_details_dialog import open_office_details  # loads reportlab

        dialog = open_office_details(self.db, self)
        dialog.saved.connect(self.refresh)  # 今日工作 marks late 待受理 by its setting
        return dialog

    def print_kits(self) -> QDialog:
        from app.ui.outreach.kit_dialog import open_kit_dialog  # loads reportlab

        return open_kit_dialog(self.db, self)

    def export_ledger(self) -> QDialog | None:
        """导出台账…, offering the register's current filter as a choice."""
        from app.ui.ledger import open_export  # loads xlsxwriter

        return open_export(self.db, self, self.register_page.current_filter())

    def import_ledger(self) -> QDialog:
        """从 Excel 台账导入…; the register and start page show the new cases at once."""
        from app.ui.ledger import open_import  # loads the spreadsheet readers

        wizard = open_import(self.db, self, today=self._today)
        wizard.imported.connect(lambda _result: self.refresh())
        return wizard

    def edit_outreach_content(self) -> QDialog:
        from app.ui.outreach_content_dialog import open_outreach_content

        return open_outreach_content(self.db, self)

    def open_conflicts(self) -> QWidget:
        """冲突处理 in its own window (one at a time); a decision shows everything again, as
        a merged file does; a case opened from it opens in a case window."""
        from app.ui.sync.conflicts_window import ConflictsWindow

        def make() -> QWidget:
            window = ConflictsWindow(self.db)
            window.changed.connect(self._after_sync)
            window.open_case.connect(self.open_case)
            window.close_cancelled.connect(self._stop_closing)
            window.destroyed.connect(lambda *_: self._close_again())
            return window

        return self._tool_window("conflicts_window", make)

    def edit_clause_templates(self) -> QDialog:
        from app.ui.clause_templates_dialog import open_clause_templates

        return open_clause_templates(self.db, self)

    # ---- 同步 (field laptops; app/ui/sync)

    def prepare_laptop(self) -> QDialog | None:
        """准备外出笔记本… (office only); an unnamed office PC is named first."""
        from app.ui.sync.common import open_device_name
        from app.ui.sync.prepare_dialog import open_prepare  # loads the crypto

        if not self._device_named():
            dialog = open_device_name(self.db, self, asked=True)
            dialog.named.connect(lambda _name: open_prepare(self.db, self, today=self._today))
            return dialog
        return open_prepare(self.db, self, today=self._today)

    def open_sync(self) -> QDialog | None:
        """同步…: merge a file from the other side, or write one for it."""
        from app.ui.sync.sync_dialog import open_sync

        return open_sync(
            self.db,
            self,
            today=self._today,
            changed=self._after_sync,
            conflicts=self.open_conflicts,
        )

    def name_this_computer(self) -> QDialog:
        from app.ui.sync.common import open_device_name

        dialog = open_device_name(self.db, self)
        dialog.named.connect(lambda _name: self._show_status())
        return dialog

    def _device_named(self) -> bool:
        from app.models.sync import exchange

        with self.db.reading():
            return bool(exchange.this_device(self.db.conn).name)

    def _after_sync(self) -> None:
        """A file was merged (or written, which changes a laptop's numbers): show it all
        again, the open cases too (one the file deleted closes)."""
        self._show_status()
        self.refresh()
        for window in list(self.case_windows.values()):
            try:
                window.reload()
            except DomainError:
                window.close()
            except StorageError as exc:
                messages.show_storage_error(self, exc)
                return

    def open_starter_file(self, path: Path | None = None) -> QObject:
        """打开外出准备文件 (first run on a field laptop, or ``--starter FILE``)."""
        from app.ui.sync.starter_open import StarterOpener

        if self.starter_opener is not None:
            return self.starter_opener
        opener = StarterOpener(self.db, self.setup_dialog or self)
        opener.opened.connect(self._starter_opened)
        opener.stopped.connect(self._starter_over)
        self.starter_opener = opener
        opener.start(path)
        return opener

    def _starter_over(self) -> None:
        self.starter_opener = None

    def _starter_opened(self, manifest: dict[str, Any]) -> None:
        from app.ui.sync.starter_open import opened_text

        self.starter_opener = None
        if self.setup_dialog is not None:
            self.setup_dialog.done(QDialog.DialogCode.Accepted)  # the starter set it all up
        if not office.is_set_up(self.db):
            return
        self.start_page.loaded = False
        self.register_page.loaded = False
        messages.info(self, "外出准备文件已打开", opened_text(manifest))
        self._enter()  # whoever uses the laptop logs in with the password that came

    # ---- 审计记录 (app/ui/audit_window.py, docs/privacy.md)

    def open_audit(self) -> QWidget | None:
        """审计记录 in its own window (one at a time), for a 主任; anyone else is told why
        (the model refuses them too)."""
        from app.models import audit
        from app.models.errors import DomainError
        from app.ui import session
        from app.ui.audit_window import TITLE, AuditWindow

        actor = session.signed_in(self.db)
        try:
            if actor is None:
                raise DomainError("请先登录。")
            audit.authorize(self.db, actor)
        except DomainError as exc:
            messages.warning(self, TITLE, exc.message)
            return None

        def make() -> QWidget:
            window = AuditWindow(self.db)
            window.open_case.connect(self.open_case)
            return window

        return self._tool_window("audit_window", make)

    # ---- 备份与恢复 (app/ui/backup_window.py, docs/backup.md)

    def open_backups(self) -> QWidget | None:
        """备份与恢复 in its own window (one at a time); a restore shows everything again.
        Not while locked or before the login (a message's 打开备份与恢复… must not be a way
        past either): None then, and the user is told."""
        from app.ui.backup_window import BackupWindow

        if office.is_set_up(self.db) and (self.locked or session.signed_in(self.db) is None):
            messages.info(self, "备份与恢复", "请先登录，再打开“备份与恢复”。")
            return None

        def make() -> QWidget:
            assert self.db.path is not None
            window = BackupWindow(self.db, self.db.path, before_restore=self._close_for_restore)
            window.restored.connect(self._after_restore)
            return window

        return self._tool_window("backup_window", make)

    def enable_auto_backups(self, delay_ms: int = 3000) -> AutoBackups:
        """The day's first backup a moment after the window shows, and a backup when the
        program closes after changes (the program turns this on; tests when they need it)."""
        if self.backups is None:
            from app.ui.backup_window import AutoBackups

            self.backups = AutoBackups(self.db, self, today=self._today)
            QTimer.singleShot(delay_ms, self.backups, self.backups.start_of_day)
            # An office that leaves the program open overnight gets the next day's backup
            # too (start_of_day makes one only when none was made that day).
            self.daily_check = QTimer(self)
            self.daily_check.setInterval(DAILY_CHECK_MS)
            self.daily_check.timeout.connect(self.backups.start_of_day)
            self.daily_check.start()
        return self.backups

    def _close_for_restore(self) -> bool:
        """Before a restore replaces the database: every window that reads it closes (one
        with unsaved input asks, and the restore is not done this time) and the background
        work on the file stops."""
        for dialog in (self.register_dialog, self.setup_dialog):
            if dialog is not None and not dialog.ask_to_close():
                self.statusBar().showMessage(
                    "恢复备份之前，请先保存或关闭正在填写的窗口，然后再点恢复。", 15000
                )
                return False
        windows = [*self.case_windows.values(), self.registries_window, self.stats_window]
        windows.append(self.conflicts_window)
        for window in windows:
            if window is not None and not window.close():
                self.statusBar().showMessage(
                    "恢复备份之前，请先保存或关闭正在修改的窗口，然后再点恢复。", 15000
                )
                return False
        if self.backups is not None and self.backups.job is not None:
            self.statusBar().showMessage("正在做自动备份，请等它做完再恢复。", 15000)
            return False
        self.search_index.stop()
        self.storage_status.stop()
        return True

    def _after_restore(self, _restored: object) -> None:
        """The database holds the restored data: read everything again."""
        old = self.search_index
        self.statusBar().removeWidget(old.label)
        old.label.deleteLater()
        old.deleteLater()
        self.search_index = SearchIndexStatus(self.db, self)  # an older file's index
        self.storage_status.show_state()
        self.start_page.loaded = False
        self.register_page.loaded = False
        # The restored file has its own users and passwords: whoever restored logs in again.
        if session.signed_in(self.db) is not None:
            self.idle.stop()
            session.sign_out(self.db)
        if office.is_set_up(self.db):
            self._enter()
        else:
            self.setWindowTitle(APP_TITLE)
            self._set_office_actions_enabled(False)
            self.pages.setCurrentWidget(self.setup_page)

    def show_shortcuts(self) -> None:
        messages.info(self, "键盘操作", SHORTCUT_HELP)

    def show_about(self) -> None:
        if self.about_dialog is None:
            self.about_dialog = AboutDialog(self.db.path, self)
            self.about_dialog.finished.connect(self._about_closed)
        self.about_dialog.open()

    def _about_closed(self) -> None:
        if self.about_dialog is not None:
            self.about_dialog.deleteLater()
            self.about_dialog = None

    # ---- closing

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._may_close():
            if self.backups is not None and self.backups.at_quit(self.close, self._stop_closing):
                event.ignore()  # closes again once the backup is made (docs/backup.md)
                return
            self._closing = False
            self.idle.stop()
            if self.daily_check is not None:
                self.daily_check.stop()
            self.register_page.stop_pending_search()
            self.search_index.stop()  # after its current batch; it goes on next time
            self.storage_status.stop()  # the file is checked again next time
            super().closeEvent(event)
        else:
            event.ignore()

    def _may_close(self) -> bool:
        """Close the open forms and case windows first. One with unsaved input asks; its
        "yes" closes this window again (``_close_again``), its "no" keeps the program open."""
        self._closing = True
        for dialog in (self.register_dialog, self.setup_dialog):
            if dialog is not None and not dialog.ask_to_close():
                if not dialog.is_asking():  # answered "继续填写" at once
                    self._closing = False
                return False
        if not all(window.close() for window in list(self.case_windows.values())):
            return False
        if self.registries_window is not None:
            self.registries_window.close()  # its forms ask first; saved rows are saved
        if self.conflicts_window is not None and not self.conflicts_window.close():
            return False  # a merge being written asks first (its answer closes again)
        if self.backup_window is not None and not self.backup_window.close():
            return False  # a backup or restore is running: it says so
        # A running count is dropped; an unsaved 月度报告 asks first (its "放弃修改" closes
        # the window, whose destruction closes this one again; "继续修改" stops closing).
        return self.stats_window is None or self.stats_window.close()

    def _close_again(self) -> None:
        """A form or case window that held up closing the program has closed."""
        if self._closing:
            QTimer.singleShot(0, self, self._retry_close)

    def _retry_close(self) -> None:
        if self._closing:
            self.close()

    def _stop_closing(self) -> None:
        self._closing = False

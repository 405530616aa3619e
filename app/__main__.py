"""Entry point: python -m app / mediation-desk.

Argument parsing and logging first; PySide6 and the database only after that, so
``--version`` and ``--help`` answer at once.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import logging
import logging.handlers
import os
import re
import sys
import tempfile
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NoReturn

from app import APP_NAME, APP_TITLE, __version__

_IMPORT_TIME = time.time()

if TYPE_CHECKING:
    from app.models.db import Database, StorageError
    from app.qt.core import QCoreApplication
    from app.qt.widgets import QDialog
    from app.ui.single_instance import InstanceGuard

log = logging.getLogger("app.main")

EXIT_BUG = 1
EXIT_STORAGE_ERROR = 2
EXIT_ALREADY_RUNNING = 0  # a second start on the same file: the first came to the front
PINYIN_AFTER_MS = 1000  # pypinyin loads this long after the window shows (load_pinyin)
LOG_FILE_NAME = f"{APP_NAME}.log"
_LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


PROG = "mediation-desk"
DESCRIPTION = (
    f"{APP_TITLE}：乡镇、街道人民调解委员会登记纠纷、受理、调解、结案、回访、归档的桌面程序。"
    "不带选项时打开本机的数据库。"
)
EPILOG = f"""本机的数据库：{{db}}

例如：
  {PROG}
      打开本机的数据库
  {PROG} --demo
      用演示数据试用，关闭后不留痕迹
  {PROG} --db 青山镇.sqlite3
      打开当前文件夹里的数据库文件 青山镇.sqlite3（如从旧电脑拷来的）
  {PROG} --starter 外出准备-周玉梅的笔记本.mdstart
      把新装的笔记本设为外出笔记本（会询问同步口令）"""

# argparse's own error messages, in Chinese ({0}, {1}: what the pattern caught). A message
# not listed here is shown as argparse wrote it, after the Chinese prefix.
_ARGPARSE_ERRORS: tuple[tuple[str, str], ...] = (
    (r"unrecognized arguments: (.*)", "不认识的选项或参数：{0}"),
    (r"argument (\S+): expected one argument", "{0} 后面要写一个值"),
    (r"argument (\S+): invalid int value: '(.*)'", "{0} 后面要写整数，“{1}”不是整数"),
    (r"argument (\S+): ignored explicit argument '(.*)'", "{0} 后面不用写值（写了“{1}”）"),
    (r"ambiguous option: (\S+) could match (.*)", "{0} 不完整，可能是 {1}，请写全"),
)
_LIST_SEPARATOR = (", ", "、")  # argparse lists with ", "


class _ChineseHelpFormatter(argparse.RawDescriptionHelpFormatter):
    """argparse's help in Chinese: "用法：" for "usage: ", and each option's help on the
    line under it (Chinese characters are two columns wide, which argparse's alignment of
    a help column beside the options does not know)."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=6)

    def add_usage(
        self,
        usage: str | None,
        actions: Iterable[argparse.Action],
        groups: Iterable[argparse._MutuallyExclusiveGroup],
        prefix: str | None = None,
    ) -> None:
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)


class ChineseArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser whose own words are Chinese: 用法, 选项, -h 的说明, the errors."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(formatter_class=_ChineseHelpFormatter, add_help=False, **kwargs)
        # Every option goes in this group: argparse's own "options" group stays empty, and
        # an empty group is not printed.
        self.options = self.add_argument_group("选项")
        self.options.add_argument("-h", "--help", action="help", help="显示这段说明，然后退出")

    def format_help(self) -> str:
        # argparse ends a group's heading with ":"; a Chinese heading takes "：".
        return (
            super()
            .format_help()
            .replace(f"\n{self.options.title}:\n", f"\n{self.options.title}：\n")
        )

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}：错误：{_in_chinese(message)}\n用 {self.prog} -h 查看说明。\n")


def _in_chinese(message: str) -> str:
    for pattern, chinese in _ARGPARSE_ERRORS:
        m = re.fullmatch(pattern, message)
        if m is not None:
            return chinese.format(*(g.replace(*_LIST_SEPARATOR) for g in m.groups()))
    return message


def parse_args(argv: list[str]) -> argparse.Namespace:
    for stream in (sys.stdout, sys.stderr):  # a GBK/cp1252 console: never a crash
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError):
                reconfigure(errors="backslashreplace")
    from app.paths import default_db_path  # no Qt: --help answers at once

    # The epilog is printed as written: a long path is not broken across lines.
    epilog = EPILOG.format(db=default_db_path())
    p = ChineseArgumentParser(prog=PROG, description=DESCRIPTION, epilog=epilog)
    add = p.options.add_argument
    add("--db", type=Path, metavar="数据库文件", help="打开这个数据库文件，而不是本机的数据库")
    add("--demo", action="store_true", help="打开一个填好演示数据的临时数据库，关闭后删除")
    add(
        "--starter",
        type=Path,
        metavar="外出准备文件",
        help="在新装的外出笔记本上打开办公室电脑生成的外出准备文件（.mdstart）",
    )
    add(
        "--quit-after",
        type=int,
        metavar="毫秒",
        help="显示主窗口，过这么多毫秒后自动退出（检查程序能否启动）",
    )
    add(
        "--version",
        action="version",
        version=f"%(prog)s {__version__}",
        help="显示版本号，然后退出",
    )
    return p.parse_args(argv)


def setup_logging(directory: Path | None = None) -> Path | None:
    """A rotating log file (1 MB × 5) in the user log dir, plus warnings on stderr.

    Returns the log file, or None when the directory is not writable (stderr only).
    """
    from app.models import privacy  # no Qt: --help answers at once

    root = logging.getLogger()
    root.setLevel(logging.INFO)
    for handler in [h for h in root.handlers if getattr(h, "_mediation_desk", False)]:
        root.removeHandler(handler)  # main() may run twice in one process (tests)
        handler.close()
    # ID and phone numbers are masked in every line (docs/privacy.md).
    formatter = privacy.RedactingFormatter(_LOG_FORMAT)

    # A GUI launch on Windows (pythonw) has no stderr at all.
    if sys.stderr is not None:
        # A GBK/cp1252 console must not turn a Chinese message into a logging error.
        reconfigure = getattr(sys.stderr, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError):
                reconfigure(errors="backslashreplace")
        stream = logging.StreamHandler(sys.stderr)
        stream.setLevel(logging.WARNING)
        stream.setFormatter(formatter)
        _add_handler(root, stream)

    if directory is None:
        from app.paths import log_dir

        directory = log_dir()
    log_file = directory / LOG_FILE_NAME
    try:
        privacy.make_private_dir(directory)  # 0700, the files 0600 (docs/privacy.md)
        rotating = privacy.PrivateRotatingFileHandler(
            log_file, maxBytes=1_000_000, backupCount=5, encoding="utf-8"
        )
    except OSError as exc:
        log.warning("cannot write the log file %s (%s); logging to stderr only", log_file, exc)
        return None
    rotating.setLevel(logging.INFO)
    rotating.setFormatter(formatter)
    _add_handler(root, rotating)
    return log_file


def _add_handler(root: logging.Logger, handler: logging.Handler) -> None:
    setattr(handler, "_mediation_desk", True)  # noqa: B010 - a tag, not an API
    root.addHandler(handler)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    log_file = setup_logging()
    log.info("%s %s starting (log: %s)", APP_NAME, __version__, log_file or "stderr only")

    from app.models.db import StorageError
    from app.qt.core import QTimer
    from app.ui import crash_dialog, messages
    from app.ui.application import create_application

    app = create_application(sys.argv[:1] or [APP_NAME])
    with contextlib.ExitStack() as cleanup:
        # One copy of the program per database file: a second start brings the first to
        # the front and ends here, before it opens (or creates, or upgrades) the file.
        guard = None if args.demo else _claim_the_file(app, args, cleanup)
        if guard is False:
            return EXIT_ALREADY_RUNNING
        try:
            db = _open_database(args, cleanup)
        except StorageError as exc:
            log.error("cannot open the database: %s", exc.message)
            opened = None
            if args.quit_after is None:  # the smoke test must never block on a dialog
                opened = _after_opening_failed(app, exc)
            if opened is None:
                return EXIT_STORAGE_ERROR
            db = opened
        cleanup.callback(db.close)

        from app.ui.main_window import MainWindow

        try:
            window = MainWindow(db)
            window.show()
        except StorageError as exc:  # e.g. the start page's first query hit a locked file
            log.error("cannot show the main window: %s", exc.message)
            if args.quit_after is None:
                _tell_and_wait(app, messages.show_storage_error(None, exc))
            return EXIT_STORAGE_ERROR
        except Exception as exc:
            # A bug before the event loop: without a loop the crash dialog would vanish.
            crash_dialog.handle_exception(type(exc), exc, exc.__traceback__)
            if args.quit_after is None:
                app.exec()  # until the user closes the report (the last window)
            return EXIT_BUG

        if args.starter is not None:  # after the first-run check the window queued
            QTimer.singleShot(0, window, functools.partial(window.open_starter_file, args.starter))
        if guard is not None:  # a 外出准备文件 opened while this copy runs
            guard.hand_starters_to(window.open_starter_file)
        _report_startup(app)
        if not args.demo:  # the day's first backup; one at quit after changes (docs/backup.md)
            # once the window is up: its module is not imported before the window shows
            QTimer.singleShot(0, window, window.enable_auto_backups)
        QTimer.singleShot(PINYIN_AFTER_MS, window, _load_pinyin_in_background)
        if args.quit_after is not None:
            QTimer.singleShot(args.quit_after, app.quit)
        code = int(app.exec())
        del window  # widgets go before the connection (cleanup) and the QApplication
        log.info("exiting with code %d", code)
        return code


def _load_pinyin_in_background() -> None:
    """pypinyin's dictionaries load beside the idle window, so that neither the first
    pinyin search nor a 台账 import waits for them (off the start path: issue 15)."""
    from app.models import search

    threading.Thread(target=search.load_pinyin, name="load-pinyin").start()


def _claim_the_file(
    app: QCoreApplication, args: argparse.Namespace, cleanup: contextlib.ExitStack
) -> InstanceGuard | Literal[False]:
    """This process's claim when it is the first on its database file (held until exit);
    False when another copy has it: that one was asked to come to the front and to open
    the ``--starter`` file if one was given (app/ui/single_instance.py)."""
    from app.ui import messages, single_instance

    path = _database_path(args)
    found = single_instance.claim(path, starter=args.starter)
    if found.guard is not None:
        guard = found.guard
        guard.activate_requested.connect(single_instance.bring_to_front)
        cleanup.callback(guard.release)
        return guard
    log.info("%s is open in another copy of the program; this one ends", path)
    if not found.answered and args.quit_after is None:
        _tell_and_wait(
            app,
            messages.info(
                None,
                "调解工作台已经在运行",
                f"数据库“{path}”已经在另一个调解工作台窗口里打开了，它可能正在启动或升级数据。"
                "请稍候，在任务栏里找到它的窗口；同一个数据库不能同时打开两次。",
            ),
        )
    return False


def _database_path(args: argparse.Namespace) -> Path:
    if args.db is not None:
        return Path(args.db)
    from app.paths import default_db_path

    return default_db_path()


READ_ONLY_BUTTON = "只读打开"


def _after_opening_failed(app: QCoreApplication, exc: StorageError) -> Database | None:
    """The database did not open: tell why. A damaged file may still be viewed read-only
    (to print or copy what is needed before restoring a backup): the user chooses."""
    from app.models.db import DamagedDatabaseError, StorageError, connect
    from app.ui import messages

    path = exc.path
    if not isinstance(exc, DamagedDatabaseError) or path is None:
        if path is not None and messages.RESTORE_PHRASE in exc.message:
            # e.g. an empty file: 打开备份与恢复… on its own, then open what it restored
            from app.ui.backup_window import restore_at_start

            return restore_at_start(exc)
        _tell_and_wait(app, messages.show_storage_error(None, exc))
        return None
    chosen: list[str] = []
    box = messages.choose(
        None,
        messages.STORAGE_ERROR_TITLE,
        f"{exc.message}\n\n也可以先只读打开，查看、打印或抄下需要的内容，再从备份恢复。",
        [
            (messages.RESTORE_BUTTON, lambda: chosen.append("restore")),
            (READ_ONLY_BUTTON, lambda: chosen.append("read only")),
            ("退出", None),
        ],
    )
    _tell_and_wait(app, box)
    if chosen == ["restore"]:
        from app.ui.backup_window import run_restore_at_start

        return run_restore_at_start(path)
    if chosen != ["read only"]:
        return None
    try:
        return connect(path, read_only=True, check=False)
    except StorageError as again:
        log.error("cannot open the damaged database read-only: %s", again.message)
        _tell_and_wait(app, messages.show_storage_error(None, again))
        return None


def _tell_and_wait(app: QCoreApplication, box: QDialog | None) -> None:
    """Run the event loop until the user has read ``box`` (message boxes return at once;
    None: a test answered it)."""
    if box is not None:
        box.finished.connect(app.quit)
        app.exec()


def _report_startup(app: QCoreApplication) -> None:
    """For bench/: write ms from process start to the first event-loop turn with the window
    shown into the file named by MEDIATION_DESK_STARTUP_REPORT."""
    target = os.environ.get("MEDIATION_DESK_STARTUP_REPORT")
    if not target:
        return
    from app.qt.core import QTimer

    def write() -> None:
        elapsed_ms = (time.time() - _process_start_time()) * 1000
        Path(target).write_text(f"{elapsed_ms:.1f}", encoding="utf-8")

    QTimer.singleShot(0, write)


def _process_start_time() -> float:
    """When this process started, as time.time(): the launcher's stamp if it passed one, else
    the kernel's record (Linux), else when this module was imported (misses interpreter start).
    """
    stamp = os.environ.get("MEDIATION_DESK_STARTUP_T0")
    if stamp:
        try:
            return float(stamp)
        except ValueError:
            log.warning("MEDIATION_DESK_STARTUP_T0 is not a number: %r", stamp)
    try:
        # Field 22 of /proc/self/stat is the start in clock ticks after boot; the command name
        # (field 2) may hold spaces, so split after its closing parenthesis.
        fields = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
        started_after_boot = int(fields[19]) / os.sysconf("SC_CLK_TCK")
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        return time.time() - (uptime - started_after_boot)
    except (OSError, ValueError, IndexError):
        return _IMPORT_TIME


def _open_database(args: argparse.Namespace, cleanup: contextlib.ExitStack) -> Database:
    from app.models.db import connect

    if not args.demo:
        if args.db is not None:  # the user's own file, in a folder of their choosing
            return connect(args.db)
        from app.models.privacy import make_private_dir
        from app.paths import default_db_path

        path = default_db_path()
        try:  # the program's own data folder: 0700 (docs/privacy.md)
            make_private_dir(path.parent)
        except OSError as exc:  # connect() tells the user what is wrong with the folder
            log.warning("cannot make the data folder %s private: %s", path.parent, exc)
        return connect(path)

    # A directory, not a file: SQLite's -wal/-shm companions must go too.
    # ignore_cleanup_errors: Windows may still hold the file for a moment at exit.
    tmp = cleanup.enter_context(
        tempfile.TemporaryDirectory(prefix=f"{APP_NAME}-demo-", ignore_cleanup_errors=True)
    )
    db = connect(Path(tmp) / "demo.sqlite3")
    try:
        from app.models import demo
    except ImportError as exc:
        log.warning("demo data is not available (%s); the demo database stays empty", exc)
        return db
    try:
        demo.fill_demo(db)
        # Throw-away data: its 主任 is logged in at once (docs/accounts.md). 文件 → 切换用户
        # tries the login and the other roles; every demo user's password is DEMO_PASSWORD.
        from app.models import accounts, office
        from app.ui import session

        director = office.current_user(db).id
        session.sign_in(db, accounts.login(db, director, demo.DEMO_PASSWORD))
    except BaseException:
        db.close()
        raise
    return db


if __name__ == "__main__":
    sys.exit(main())
